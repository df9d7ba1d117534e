"""A row x^{(i)} written as a whole vector: refused clearly today, read later where the key declares rows."""

from __future__ import annotations

import dataclasses

import pytest

from checker.engine import compare
from checker.errors import CheckerError
from checker.key import SymbolTable, load_key
from checker.latex import parse


def table(*, rows: bool) -> SymbolTable:
    """3.1's table; with ``rows`` its X also lists the row spelling x^{(i)} (i runs over n, X's rows)."""
    base = load_key().question("3.1").symbols
    if not rows:
        return base
    symbols = tuple(
        dataclasses.replace(s, entries=(*s.entries, "x^{(i)}")) if s.name == "X" else s for s in base.symbols
    )
    return dataclasses.replace(base, symbols=symbols)


ROWS = [
    pytest.param(r"w^T x^{(i)}", id="prediction"),
    pytest.param(r"\sum_{i=1}^{N} (w^T x^{(i)} - t^{(i)})^2", id="loss"),
    pytest.param(r"(x^{(i)})^T w", id="transposed-row"),
]


@pytest.mark.parametrize("latex", ROWS)
def test_a_row_the_key_does_not_declare_is_refused(latex: str) -> None:
    with pytest.raises(CheckerError, match="an index in a superscript"):
        parse(latex, table(rows=False))


@pytest.mark.parametrize("latex", ROWS)
def test_a_declared_row_spelling_is_refused_with_the_fix(latex: str) -> None:
    with pytest.raises(CheckerError, match="found a row or column"):
        parse(latex, table(rows=True))


@pytest.mark.xfail(
    strict=True,
    reason="rows as whole vectors need a row value (a slice of X) the engine can evaluate, "
    "sum over and average; not built yet: the row is refused with its fix",
)
def test_a_declared_row_reads_as_the_vector_of_that_example() -> None:
    rows = table(rows=True)
    by_rows = parse(r"\sum_{i=1}^{N} (w^T x^{(i)} - t^{(i)})^2", rows).expr
    by_entries = parse(r"\sum_{i=1}^{N} (\sum_{j} w_j x_j^{(i)} - t^{(i)})^2", rows).expr
    assert compare(by_entries, by_rows, rows).outcome == "equivalent"
