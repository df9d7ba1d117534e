"""``\\nabla_v`` evaluates the gradient it is written with, and the parse says it applied one.

SymPy takes the derivative of a matrix *entry* with respect to a matrix as 0, so a scalar built
from 1×1 products (½‖Xw − t‖²) used to read as a zero gradient: a wrong reading.  It is now
differentiated as the 1×1 matrix expression it is, or refused.
"""

from __future__ import annotations

import pytest
import sympy
from helpers_latex import same_value, table

from checker.errors import UnsupportedConstructError
from checker.latex import parse

# (id, LaTeX in 1.2.2's table (X n×d, t n×1, w d×1), the gradient's value at the point's values)
GRADIENTS = [
    ("quadratic", r"\nabla_w (w^T w)", lambda v: 2 * v["w"]),
    ("half-norm-squared", r"\nabla_w \frac{1}{2}\|Xw - t\|^2", lambda v: v["X"].T * (v["X"] * v["w"] - v["t"])),
    ("scaled-loss", r"\nabla_w \frac{1}{2n} (Xw - t)^T (Xw - t)", lambda v: v["X"].T * (v["X"] * v["w"] - v["t"]) / v["n"]),
    ("sum-of-terms", r"\nabla_w (\|w\|^2 + 3 w^T X^T t)", lambda v: 2 * v["w"] + 3 * v["X"].T * v["t"]),
    ("product-of-1x1", r"\nabla_w ((w^T w)(t^T t))", lambda v: 2 * v["w"] * (v["t"].T * v["t"])[0, 0]),
    ("constant", r"\nabla_w (t^T t)", lambda v: 0 * v["w"]),
    ("norm", r"\nabla_w \|w\|", lambda v: v["w"] / sympy.sqrt((v["w"].T * v["w"])[0, 0])),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [g[1:] for g in GRADIENTS], ids=[g[0] for g in GRADIENTS])
def test_the_gradient_is_its_value(text: str, expected: object) -> None:
    tbl = table("1.2.2")
    parsed = parse(text, tbl)
    assert same_value(parsed.expr, expected, tbl)  # type: ignore[arg-type]
    assert parsed.applied() == {"gradient"}


def test_a_gradient_it_cannot_take_is_refused_not_zero() -> None:
    # w through an entry: SymPy's matrix derivative would be 0 there; refused, never read as 0.
    with pytest.raises(UnsupportedConstructError):
        parse(r"\nabla_w \sum_j w_j", table("1.2.2"))


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        (r"\nabla_w (w^T w) = 2 w", [{"gradient"}, set()]),
        (r"2 w = \nabla_w (w^T w)", [set(), {"gradient"}]),
        (r"2 w", [set()]),
    ],
    ids=["left", "right", "none"],
)
def test_operators_are_recorded_per_side(text: str, sides: list[set[str]]) -> None:
    parsed = parse(text, table("1.2.2"))
    assert [set(parsed.applied(i)) for i in range(len(parsed.sides))] == sides
    assert all(text[start:end].startswith(r"\nabla") for _, start, end in parsed.operators)
