"""Differential test against SymPy's own LaTeX-parser suite (a corpus we did not write).

``data/sympy_suite.jsonl`` holds the rows of SymPy's ``test_latex.py`` and ``test_latex_lark.py``
with the suite's expected expression (``expected_srepr``, see ``data/build_sympy_suite.py``).  For
every in-scope row derivcheck either reads the string with SymPy's meaning or refuses it
(``unparsed``): refusing is allowed, a different meaning never is.  A floor on the share read with
SymPy's meaning keeps the coverage from eroding.  ``data/sympy_suite_bad.jsonl`` lists strings
that must not read at all.

The symbol table convention: every Symbol in the expected expressions of a string (over all the
rows that share the string, since an evaluated row may have lost one, as ``a + b - a``) is
declared as a real scalar, spelled as SymPy names it with Greek words as commands
(``alpha_{beta}'`` → ``\\alpha_{\\beta}'``) and multi-letter words as one name (``test`` →
``\\mathit{test}``).  Names whose spellings meet at one key in our notation (SymPy keeps ``y''_1``
and ``y_1''`` apart; a prime's place does not matter to us) are one symbol.  Functions are not
declared (``f(x)`` is refused).  Meanings are compared by value: both sides at three random
points at 30 digits, after ``doit()`` (integrals, finite sums), relations side by side with the
same relation.

Each distinct string is parsed once (module cache); the whole file runs in a few seconds.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sympy

from checker.config import ParseOptions
from checker.errors import CheckerError
from checker.latex import Parsed, parse
from checker.latex._normalize import GREEK
from checker.latex._symbols import spelling_key
from checker.table import SymbolSpec, SymbolTable

DATA = Path(__file__).parent / "data"
ROWS = [json.loads(line) for line in (DATA / "sympy_suite.jsonl").read_text(encoding="utf-8").splitlines()]
BAD = [json.loads(line) for line in (DATA / "sympy_suite_bad.jsonl").read_text(encoding="utf-8").splitlines()]
IN_SCOPE = [row for row in ROWS if row["in_scope"]]
READ_RATE_FLOOR = 0.88  # the issue asks >= 85 %; 90 % are read today (limits, integrals included)
OPTIONS = ParseOptions(relations=True)
_NAMESPACE = {name: getattr(sympy, name) for name in dir(sympy) if not name.startswith("_")}
_GREEK_WORD = re.compile(
    r"(?<![A-Za-z\\])(" + "|".join(sorted(GREEK, key=len, reverse=True)) + r")(?![A-Za-z])"
)
_RELATIONS = {
    "=": sympy.Eq,
    "<": sympy.Lt,
    ">": sympy.Gt,
    "\\le": sympy.Le,
    "\\ge": sympy.Ge,
    "\\ne": sympy.Ne,
}

# Strings where derivcheck and SymPy legitimately differ, each with its reason (none today).
KNOWN_DIFFERENT: dict[str, str] = {}


def expected(row: dict[str, Any]) -> sympy.Basic:
    """The suite's expected expression (our own fixture's srepr, not student text)."""
    with sympy.evaluate(False):
        return eval(row["expected_srepr"], _NAMESPACE)  # trusted fixture, not student text


def spelling(name: str) -> str:
    """The LaTeX spelling of a SymPy symbol name (see the module doc)."""
    word = re.match(r"[A-Za-z ]*", name)
    head = word.group() if word else ""
    if len(head.replace(" ", "")) > 1 and head not in GREEK:
        return "\\mathit{" + head + "}" + _GREEK_WORD.sub(lambda m: "\\" + m.group(1), name[len(head) :])
    return _GREEK_WORD.sub(lambda m: "\\" + m.group(1), name)


@cache
def _symbols_by_string() -> dict[str, frozenset[sympy.Symbol]]:
    out: dict[str, set[sympy.Symbol]] = defaultdict(set)
    for row in IN_SCOPE:
        out[row["latex"]] |= expected(row).atoms(sympy.Symbol)
    return {k: frozenset(v) for k, v in out.items()}


def table_for(latex: str) -> tuple[SymbolTable, dict[sympy.Symbol, sympy.Symbol]]:
    """The string's table and the map from SymPy's symbols to ours."""
    specs: list[SymbolSpec] = []
    by_key: dict[object, sympy.Symbol] = {}
    ours: dict[sympy.Symbol, sympy.Symbol] = {}
    for symbol in sorted(_symbols_by_string().get(latex, frozenset()), key=str):
        text = spelling(symbol.name)
        key = spelling_key(text) or text
        if key not in by_key:
            specs.append(SymbolSpec(f"v{len(specs)}", text))
            by_key[key] = sympy.Symbol(f"v{len(specs) - 1}", real=True)
        ours[symbol] = by_key[key]
    return SymbolTable(tuple(specs)), ours


@cache
def reading(latex: str) -> Parsed | CheckerError:
    """derivcheck's reading of one distinct string, or the error refusing it (parsed once)."""
    table, _ = table_for(latex)
    try:
        return parse(latex, table, options=OPTIONS)
    except CheckerError as exc:
        return exc


def _close(a: sympy.Basic, b: sympy.Basic) -> bool:
    return bool(abs(sympy.N(a - b, 30)) <= sympy.Float("1e-20") * (1 + abs(sympy.N(b, 30))))


def outcome(row: dict[str, Any]) -> str:
    """``same`` (SymPy's meaning), ``refused`` (unparsed) or ``different: ...``."""
    parsed = reading(row["latex"])
    if isinstance(parsed, CheckerError):
        return "refused"
    want = expected(row).doit()
    _, ours = table_for(row["latex"])
    want = want.xreplace(ours)
    if isinstance(want, sympy.core.relational.Relational):
        if len(parsed.sides) != 2 or _RELATIONS.get(parsed.relations[0]) is not type(want):
            return f"different: read as {parsed.read_as}"
        pairs = [(parsed.sides[0].doit(), want.lhs), (parsed.sides[1].doit(), want.rhs)]
    else:
        if len(parsed.sides) != 1:
            return f"different: read as {parsed.read_as}"
        pairs = [(parsed.sides[0].doit(), want)]
    rng = random.Random(row["latex"])
    symbols = sorted(set(ours.values()), key=str)
    for _ in range(3):
        point = {s: sympy.Rational(rng.randint(2, 60), 20) for s in symbols}
        for got, exp in pairs:
            if not _close(got.xreplace(point), exp.xreplace(point)):
                return f"different: read as {parsed.read_as}"
    return "same"


def _row_id(row: dict[str, Any]) -> str:
    return f"{row['source']}:{row['latex']}"


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            row,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENT[row["latex"]])]
            if row["latex"] in KNOWN_DIFFERENT
            else [],
        )
        for row in IN_SCOPE
    ],
    ids=_row_id,
)
def test_never_read_with_another_meaning(row: dict[str, Any]) -> None:
    result = outcome(row)
    assert not result.startswith("different"), (row["latex"], row["expected_srepr"], result)


def test_reads_most_of_sympys_suite_with_its_meaning() -> None:
    same = sum(outcome(row) == "same" for row in IN_SCOPE)
    rate = same / len(IN_SCOPE)
    assert rate >= READ_RATE_FLOOR, f"read {same}/{len(IN_SCOPE)} = {rate:.1%} with SymPy's meaning"


@pytest.mark.parametrize("row", BAD, ids=lambda row: f"{row['source']}:{row['latex']}")
def test_bad_strings_do_not_read(row: dict[str, Any]) -> None:
    letters = sorted(set(re.findall(r"(?<!\\)\b[a-z]\b", row["latex"])) | {"x", "y", "a", "b"})
    table = SymbolTable(tuple(SymbolSpec(name, name) for name in letters))
    with pytest.raises(CheckerError):
        parse(row["latex"], table, options=OPTIONS)
