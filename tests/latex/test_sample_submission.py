"""Every math segment of hw3/sample-submission.md (copied verbatim), read with its question's table.

A ``$$...$$`` block with a ``\\\\`` line break is two segments (the extractor splits it). The 3.2
lines that use expectation, variance and per-example indices name symbols the key does not declare:
refusing them with UnknownSymbolError (or UnsupportedConstructError for ``\\stackrel{}{\\sim}``) is the
right outcome; the grader then reads the final answer lines.
"""

from __future__ import annotations

from typing import Any

import pytest
import sympy
from helpers_latex import Expected, question, same_value

from checker.errors import CheckerError, ShapeError
from checker.latex import parse


def _ridge(v: dict[str, Any]) -> Any:
    X, t = v["X"], v["t"]
    return (X.T * X + 2 * v["lambda"] * v["n"] * v["I_d"]).inv() * X.T * t


def _eps_1d(v: dict[str, Any]) -> Any:
    X, t = v["X"], v["t"]
    return v["x"] * ((X.T * X)[0, 0] + 2 * v["lambda"] * v["n"]) / (X.T * t)[0, 0]


def _zero_d(v: dict[str, Any]) -> Any:
    return sympy.zeros(3, 1)


# (id, question, segment, sides, value of the last side)
READ: list[tuple[str, str, str, int, Expected]] = [
    ("1.1.2-gradient", "1.1.2", r"1.1.2 \quad \nabla_x f(x; w) = w", 2, lambda v: v["w"]),
    ("1.1.2-attack", "1.1.2", r"x' = x - \epsilon w", 2, lambda v: v["x"] - v["epsilon"] * v["w"]),
    (
        "1.1.2-answer",
        "1.1.2",
        r"\therefore f(x'; w) = w^T x' = w^T (x - \epsilon w)",
        3,
        lambda v: v["w"].T * (v["x"] - v["epsilon"] * v["w"]),
    ),
    (
        "1.2.2-gradient",
        "1.2.2",
        r"1.2.2 \quad \text{Gradient of loss} = \frac{1}{n} X^T (Xw^* - t) + 2\lambda w^* = 0",
        2,
        _zero_d,
    ),
    ("1.2.2-expanded", "1.2.2", r"X^T X w^* - X^T t + 2\lambda n w^* = 0", 2, _zero_d),
    ("1.2.2-normal-equation", "1.2.2", r"(X^T X + 2\lambda n I) w^* = X^T t", 2, lambda v: v["X"].T * v["t"]),
    ("1.2.2-answer", "1.2.2", r"\therefore w^* = (X^T X + 2\lambda n I)^{-1} X^T t", 2, _ridge),
    (
        "1.2.3-condition",
        "1.2.3",
        r"1.2.3 \quad f(x'; w^*) = w^{*T} x - \epsilon w^{*T} w^* = 0",
        3,
        lambda v: 0,
    ),
    ("1.2.3-answer", "1.2.3", r"\epsilon = \frac{x}{w^*} = \frac{x (X^2 + 2\lambda n)}{X t}", 3, _eps_1d),
    ("1.2.3-inline", "1.2.3", r"2\lambda n", 1, lambda v: 2 * v["lambda"] * v["n"]),
    ("1.2.3-note-alias", "1.2.3", r"w^*_{ridge}", 1, lambda v: v["w"]),
    ("3.2-sigma-squared", "3.2", r"\therefore \sigma^2 = \frac{1-p}{p}", 2, lambda v: (1 - v["p"]) / v["p"]),
    (
        "3.2-answer",
        "3.2",
        r"\therefore \sigma = \sqrt{\frac{1-p}{p}}",
        2,
        lambda v: sympy.sqrt((1 - v["p"]) / v["p"]),
    ),
]


@pytest.mark.parametrize(
    ("qid", "segment", "sides", "expected"), [row[1:] for row in READ], ids=[row[0] for row in READ]
)
def test_sample_segment_reads(qid: str, segment: str, sides: int, expected: Expected) -> None:
    q = question(qid)
    parsed = parse(segment, q.symbols, options=q.options)
    assert len(parsed.sides) == sides
    assert same_value(parsed.expr, expected, q.symbols), parsed.read_as


# (id, question, segment, error, fragment of the message)
REFUSED: list[tuple[str, str, str, type[CheckerError], str]] = [
    (
        # The step that writes the design matrix X where the input x belongs: flagged, by shape.
        "1.2.3-X-for-x",
        "1.2.3",
        r"\epsilon = w^{*T} X (w^{*T} w^*)^{-1}",
        ShapeError,
        "n×1",
    ),
    # The Q3 lines (E, var, sums, x_j^{(i)}, N) are read now: tests/judge/test_steps_indexed.py.
]


@pytest.mark.parametrize(
    ("qid", "segment", "error", "fragment"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED]
)
def test_sample_segment_refused(qid: str, segment: str, error: type[CheckerError], fragment: str) -> None:
    q = question(qid)
    with pytest.raises(error) as info:
        parse(segment, q.symbols, options=q.options)
    assert fragment in info.value.message
    assert info.value.start is not None and 0 <= info.value.start < len(segment)


def test_sample_block_with_line_break_is_split_by_the_caller() -> None:
    block = r"1.1.2 \quad \nabla_x f(x; w) = w \\ x' = x - \epsilon w"
    q = question("1.1.2")
    with pytest.raises(CheckerError, match="line break"):
        parse(block, q.symbols)
    for segment in block.split(r"\\"):
        assert parse(segment, q.symbols).is_equation
