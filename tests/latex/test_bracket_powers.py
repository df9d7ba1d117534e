"""A power after a bracket that a function or an operator takes applies to the result, not inside."""

from __future__ import annotations

import pytest

from checker.errors import CheckerError
from checker.key import load_key
from checker.latex import parse

CASES = [
    pytest.param(r"f(x; w)^2", r"(w^T x)^2", id="function-of-two-arguments"),
    pytest.param(r"f(x)^2", r"(w^T x)^2", id="function-of-one-argument"),
    pytest.param(r"f(x; w)^2 + 1", r"(w^T x)^2 + 1", id="in-a-sum"),
    pytest.param(r"2 f(x; w)^2", r"2 (w^T x)^2", id="after-a-coefficient"),
]


@pytest.mark.parametrize(("latex", "same_as"), CASES)
def test_power_applies_to_the_function_value(latex: str, same_as: str) -> None:
    table = load_key().question("1.1.2").symbols
    assert parse(latex, table).expr == parse(same_as, table).expr


def test_a_power_of_a_vector_in_brackets_is_still_refused() -> None:
    with pytest.raises(CheckerError, match="square matrix"):
        parse(r"(x)^2", load_key().question("1.1.2").symbols)


BUILTIN = [
    pytest.param(r"\log(p)^2", r"(\log p)^2", id="log-squared"),
    pytest.param(r"\ln(1-p)^{2} + 1", r"(\ln(1-p))^2 + 1", id="ln-squared-in-a-sum"),
    pytest.param(r"\exp(p)^2", r"\exp(2p)", id="exp-squared"),
    pytest.param(r"\log p^2", r"\log(p^2)", id="no-bracket-power-stays-inside"),
]


@pytest.mark.parametrize(("latex", "same_as"), BUILTIN)
def test_power_after_a_bracketed_builtin_applies_to_its_value(latex: str, same_as: str) -> None:
    table = load_key().question("3.2").symbols
    assert parse(latex, table).expr == parse(same_as, table).expr
