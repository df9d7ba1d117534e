"""Math segments: math written as text (ASCII, Unicode) with prose left out; implication chains."""

from __future__ import annotations

import pytest

from checker.key import load_key
from checker.read.extract import extract
from checker.read.segments import text_math

KEY = load_key(validate_latex=False)

# (id, a line of a submission, the math spans in it)
TEXT_MATH = [
    (
        "prose-around",
        "1-D, so w* = X^T t / (X^T X + 2 lambda) is a number.",
        ["w* = X^T t / (X^T X + 2 lambda)"],
    ),
    (
        "remark-in-parentheses",
        "w* = (XᵀX + 2nλI)⁻¹Xᵀt        (I is the d×d identity)",
        ["w* = (XᵀX + 2nλI)⁻¹Xᵀt"],
    ),
    (
        "colon-introduces",
        "multiply by n:  X^T X w - X^T t + 2*n*lambda*w = 0",
        ["X^T X w - X^T t + 2*n*lambda*w = 0"],
    ),
    ("so-separates", "grad_x f(x; w) = w, so x' = x - eps*w and", ["grad_x f(x; w) = w", "x' = x - eps*w"]),
    (
        "unicode-arrow-separates",
        "(1/n)Xᵀ(Xw − t) + 2λw = 0 ⇒ (XᵀX + 2nλI)w = Xᵀt",
        ["(1/n)Xᵀ(Xw − t) + 2λw = 0", "(XᵀX + 2nλI)w = Xᵀt"],
    ),
    (
        "whole-line-without-equals",
        "(X^T X + 2*n*lambda*I)^(-1) * X^T * t",
        ["(X^T X + 2*n*lambda*I)^(-1) * X^T * t"],
    ),
    ("prose-equals-prose", "Point B: Regime = curvature dominated", []),
    ("prose-arrow", "bigger lambda -> bigger eps, so weight decay helps", []),
    ("part-answer", "b) y", []),
    ("rejected-alternative", "Not sure, but w = x t, not w = t / x", ["w = x t"]),
    ("unicode-root", "∴ σ = √((1−p)/p)", ["σ = √((1−p)/p)"]),
]


@pytest.mark.parametrize(("line", "spans"), [r[1:] for r in TEXT_MATH], ids=[r[0] for r in TEXT_MATH])
def test_math_written_as_text_is_found_and_prose_left_out(line: str, spans: list[str]) -> None:
    assert [line[a:b] for a, b in text_math(line)] == spans


# (id, submission, the block's steps)
CHAINS = [
    (
        "latex-arrows",
        "3.2\n$$a = 1 \\Rightarrow \\sigma^2 = p \\implies \\sigma = \\sqrt{p}$$",
        ("a = 1", "\\sigma^2 = p", "\\sigma = \\sqrt{p}"),
    ),
    ("longrightarrow", "3.2\n\\[ x = 1 \\Longrightarrow \\sigma = 2 \\]", ("x = 1", "\\sigma = 2")),
    (
        "arrow-inside-braces-kept",
        "3.2\n$$\\sigma = \\text{a} \\quad \\{x \\Rightarrow y\\}$$",
        ("\\sigma = \\text{a} \\quad \\{x \\Rightarrow y\\}",),
    ),
    ("spacer-dropped", "3.2\n$$x = 1 \\mathrm{~} \\Rightarrow \\sigma = 1$$", ("x = 1", "\\sigma = 1")),
    ("rightarrowfill-is-no-arrow", "3.2\n$$\\sigma = \\Rightarrowfill$$", ("\\sigma = \\Rightarrowfill",)),
]


@pytest.mark.parametrize(("text", "steps"), [r[1:] for r in CHAINS], ids=[r[0] for r in CHAINS])
def test_an_implication_chain_is_one_step_per_link(text: str, steps: tuple[str, ...]) -> None:
    (block,) = extract(text, KEY).blocks
    assert block.steps == steps
