"""Every notation the front end reads, as a table: LaTeX → value checked at random exact points."""

from __future__ import annotations

from typing import Any

import pytest
import sympy
from helpers_latex import Expected, question, same_value, table

from checker.latex import Parsed, parse


def _sqrt(value: Any) -> Any:
    return sympy.sqrt(value[0, 0] if isinstance(value, sympy.MatrixBase) else value)


def wx(v: dict[str, Any]) -> Any:
    return v["w"].T * v["x"]


def ww(v: dict[str, Any]) -> Any:
    return v["w"].T * v["w"]


def ridge(v: dict[str, Any]) -> Any:
    X, t = v["X"], v["t"]
    return (X.T * X + 2 * v["n"] * v["lambda"] * v["I_d"]).inv() * X.T * t


# (id, question, latex, expected value at a point)
NOTATION: list[tuple[str, str, str, Expected]] = [
    # transposes
    ("T", "1.1.2", r"w^T x", wx),
    ("T-braced", "1.1.2", r"w^{T} x", wx),
    ("top", "1.1.2", r"w^\top x", wx),
    ("top-braced", "1.1.2", r"w^{\top} x", wx),
    ("intercal", "1.1.2", r"w^\intercal x", wx),
    ("mathsf-T", "1.1.2", r"w^{\mathsf T} x", wx),
    ("mathsf-T-braced", "1.1.2", r"w^{\mathsf{T}} x", wx),
    ("mathrm-T", "1.1.2", r"w^{\mathrm T} x", wx),
    ("unicode-T", "1.1.2", "wᵀx", wx),
    ("x-T-w", "1.1.2", r"x^T w", wx),
    ("transpose-of-product", "1.2.2", r"(X w)^T t", lambda v: (v["X"] * v["w"]).T * v["t"]),
    ("double-transpose", "1.2.2", r"(X^T)^T w", lambda v: v["X"] * v["w"]),
    # stars, hats, fonts (resolved through the table's spellings)
    ("star", "1.2.2", r"w^*", lambda v: v["w"]),
    ("star-braced", "1.2.2", r"w^{*}", lambda v: v["w"]),
    ("star-ridge", "1.2.2", r"w^*_{ridge}", lambda v: v["w"]),
    ("ridge-star", "1.2.2", r"w_{ridge}^*", lambda v: v["w"]),
    ("star-text-ridge", "1.2.2", r"w^*_{\text{ridge}}", lambda v: v["w"]),
    ("hat", "1.2.2", r"\hat w", lambda v: v["w"]),
    ("hat-braced", "1.2.2", r"\hat{w}", lambda v: v["w"]),
    ("star-command", "1.2.2", r"w^\star", lambda v: v["w"]),
    ("star-T", "1.2.2", r"w^{*T} X^T t", lambda v: v["w"].T * v["X"].T * v["t"]),
    ("star-top", "1.2.2", r"w^{*\top} w", ww),
    ("mathbf", "1.1.2", r"\mathbf{w}^T \mathbf{x}", wx),
    ("boldsymbol", "1.1.2", r"\boldsymbol w^T \boldsymbol{x}", wx),
    ("bm", "1.1.2", r"\bm{w}^T \bm x", wx),
    ("mathsf", "1.1.2", r"\mathsf{w}^T x", wx),
    ("mathrm-letter", "1.1.2", r"\mathrm{w}^T x", wx),
    ("hat-of-bold", "1.2.2", r"\hat{\mathbf{w}}", lambda v: v["w"]),
    ("vec", "1.1.2", r"\vec{w}^T \vec{x}", wx),
    ("mathbf-t-alias", "1.2.2", r"X^T \mathbf{t}", lambda v: v["X"].T * v["t"]),
    ("y-alias", "1.2.2", r"X^T y", lambda v: v["X"].T * v["t"]),
    # x' is its own symbol
    ("prime", "1.1.2", r"x'", lambda v: v["x_adv"]),
    ("prime-command", "1.1.2", r"x^{\prime}", lambda v: v["x_adv"]),
    ("prime-unbraced", "1.1.2", r"x^\prime", lambda v: v["x_adv"]),
    ("tilde", "1.1.2", r"\tilde{x}", lambda v: v["x_adv"]),
    ("x-adv", "1.1.2", r"x_{adv}", lambda v: v["x_adv"]),
    ("prime-T", "1.1.2", r"w^T x' - x'^T w", lambda v: 0 * v["w"].T * v["x"]),
    # norms
    ("norm-sq", "1.1.2", r"\|w\|^2", ww),
    ("norm-2-sq", "1.1.2", r"\|w\|_2^2", ww),
    ("norm-2-braced", "1.1.2", r"\|w\|_{2}^{2}", ww),
    ("lVert", "1.1.2", r"\lVert w\rVert", lambda v: _sqrt(ww(v))),
    ("left-norm", "1.1.2", r"\left\| w \right\|", lambda v: _sqrt(ww(v))),
    ("Vert", "1.1.2", r"\Vert w \Vert^2", ww),
    ("unicode-norm", "1.1.2", "‖w‖²", ww),
    ("unicode-norm-2", "1.1.2", "∥w∥₂²", ww),
    (
        "norm-of-difference",
        "1.1.2",
        r"\|x - \epsilon w\|^2",
        lambda v: (v["x"] - v["epsilon"] * v["w"]).T * (v["x"] - v["epsilon"] * v["w"]),
    ),
    (
        "norm-residual",
        "1.2.2",
        r"\frac{1}{2n}\|Xw - t\|_2^2",
        lambda v: (v["X"] * v["w"] - v["t"]).T * (v["X"] * v["w"] - v["t"]) / (2 * v["n"]),
    ),
    ("norm-of-row", "1.1.2", r"\|w^T\|^2", ww),
    # brackets and fractions
    ("left-right-paren", "1.1.2", r"\left( w^T x \right)^2", lambda v: wx(v)[0, 0] ** 2),
    ("left-right-bracket", "1.1.2", r"\left[ w^T x \right] \epsilon", lambda v: wx(v)[0, 0] * v["epsilon"]),
    ("brackets", "1.1.2", r"[w^T x]^2", lambda v: wx(v)[0, 0] ** 2),
    ("braces-group", "1.1.2", r"{w}^T x", wx),
    ("frac", "3.2", r"\frac{1-p}{p}", lambda v: (1 - v["p"]) / v["p"]),
    ("dfrac", "3.2", r"\dfrac{1-p}{p}", lambda v: (1 - v["p"]) / v["p"]),
    ("tfrac", "3.2", r"\tfrac{1}{p}", lambda v: 1 / v["p"]),
    ("frac-digits", "3.2", r"\frac12 p", lambda v: v["p"] / 2),
    ("slash", "3.2", r"(1-p)/p", lambda v: (1 - v["p"]) / v["p"]),
    ("frac-matrix", "1.2.2", r"\frac{X^T t}{n}", lambda v: v["X"].T * v["t"] / v["n"]),
    (
        "frac-of-scalars-1d",
        "1.2.3",
        r"\frac{X^T t}{X^T X + 2 n \lambda}",
        lambda v: (v["X"].T * v["t"])[0, 0] / ((v["X"].T * v["X"])[0, 0] + 2 * v["n"] * v["lambda"]),
    ),
    # roots and powers
    ("sqrt", "3.2", r"\sqrt{\frac{1-p}{p}}", lambda v: sympy.sqrt((1 - v["p"]) / v["p"])),
    ("sqrt-unbraced", "3.2", r"\sqrt p", lambda v: sympy.sqrt(v["p"])),
    ("sqrt-paren", "3.2", r"\sqrt(1-p)", lambda v: sympy.sqrt(1 - v["p"])),
    ("cube-root", "3.2", r"\sqrt[3]{p}", lambda v: v["p"] ** sympy.Rational(1, 3)),
    ("unicode-sqrt", "3.2", "√p", lambda v: sympy.sqrt(v["p"])),
    ("unicode-sqrt-paren", "3.2", "√(1−p)", lambda v: sympy.sqrt(1 - v["p"])),
    ("half-power", "3.2", r"p^{1/2}", lambda v: sympy.sqrt(v["p"])),
    ("inverse-scalar", "3.2", r"p^{-1}", lambda v: 1 / v["p"]),
    (
        "inverse-matrix",
        "1.2.2",
        r"(X^T X)^{-1} X^T t",
        lambda v: (v["X"].T * v["X"]).inv() * v["X"].T * v["t"],
    ),
    ("matrix-square", "1.2.2", r"(X^T X)^2 w", lambda v: (v["X"].T * v["X"]) ** 2 * v["w"]),
    ("power-of-collapsed", "1.1.2", r"(w^T x)^{2}", lambda v: wx(v)[0, 0] ** 2),
    ("nested-power", "3.2", r"p^{2^{2}}", lambda v: v["p"] ** 4),
    # explicit products keep the order
    ("cdot-scalars", "3.2", r"2 \cdot p", lambda v: 2 * v["p"]),
    ("cdot-matrices", "1.2.2", r"X^T \cdot X \cdot w", lambda v: v["X"].T * v["X"] * v["w"]),
    ("times", "1.2.2", r"X^T \times t", lambda v: v["X"].T * v["t"]),
    ("unicode-cdot", "1.1.2", "ε · w^T x", lambda v: v["epsilon"] * wx(v)[0, 0]),
    ("unicode-times", "1.2.2", "2 × λ", lambda v: 2 * v["lambda"]),
    ("cdot-dot-product", "1.1.2", r"w \cdot x", wx),
    ("scalar-times-matrix", "1.2.2", r"2 n \lambda w", lambda v: 2 * v["n"] * v["lambda"] * v["w"]),
    ("matrix-times-scalar", "1.2.2", r"w \lambda", lambda v: v["lambda"] * v["w"]),
    ("vector-times-collapsed", "1.1.2", r"w (w^T x)", lambda v: v["w"] * wx(v)[0, 0]),
    # sums over components
    ("sum-wx", "1.1.2", r"\sum_i w_i x_i", wx),
    ("sum-bounds", "1.1.2", r"\sum_{j=1}^{d} w_j x_j", wx),
    ("sum-zero-based", "1.1.2", r"\sum_{i=0}^{d-1} w_i x_i", wx),
    ("sum-square", "1.1.2", r"\sum_j w_j^2", ww),
    ("sum-order", "1.1.2", r"\sum_j x_j w_j", wx),
    ("sum-coefficient", "1.1.2", r"\epsilon \sum_j 2 w_j x_j", lambda v: 2 * v["epsilon"] * wx(v)[0, 0]),
    ("sum-two-terms", "1.1.2", r"\sum_j (w_j x_j + w_j^2)", lambda v: wx(v)[0, 0] + ww(v)[0, 0]),
    ("sum-then-more", "1.1.2", r"\sum_j w_j x_j - \epsilon", lambda v: wx(v)[0, 0] - v["epsilon"]),
    ("sum-constant", "3.2", r"\sum_{j=1}^{n} p", lambda v: v["n"] * v["p"]),
    # identity
    (
        "identity",
        "1.2.2",
        r"(X^T X + \lambda I) w",
        lambda v: (v["X"].T * v["X"] + v["lambda"] * v["I_d"]) * v["w"],
    ),
    (
        "identity-n",
        "1.2.2",
        r"(X X^T + \lambda I) t",
        lambda v: (v["X"] * v["X"].T + v["lambda"] * v["I_n"]) * v["t"],
    ),
    (
        "mathbb-I",
        "1.2.2",
        r"(X^T X + \lambda \mathbb{I}) w",
        lambda v: (v["X"].T * v["X"] + v["lambda"] * v["I_d"]) * v["w"],
    ),
    ("I_d", "1.2.2", r"\lambda I_d w", lambda v: v["lambda"] * v["w"]),
    ("I_n", "1.2.2", r"I_{n} t", lambda v: v["t"]),
    ("identity-inverse", "1.2.2", r"(2 I)^{-1} w", lambda v: v["w"] / 2),
    (
        "identity-1d-is-one",
        "1.2.3",
        r"X^T X + 2 n \lambda I",
        lambda v: (v["X"].T * v["X"])[0, 0] + 2 * v["n"] * v["lambda"],
    ),
    # spacing, prose, leaders
    ("therefore", "1.1.2", r"\therefore w^T x", wx),
    ("because", "1.1.2", r"\because w^T x", wx),
    ("Rightarrow", "1.1.2", r"\Rightarrow w^T x", wx),
    ("implies", "1.1.2", r"\implies w^T x", wx),
    ("unicode-therefore", "1.1.2", "∴ w^T x", wx),
    ("quad", "1.1.2", r"w^T \quad x", wx),
    ("qquad", "1.1.2", r"\qquad w^T x", wx),
    ("thin-spaces", "1.1.2", r"w^T\,x \; + \! 0 \: ~", wx),
    ("text-prose", "1.1.2", r"w^T x \quad \text{(the logit)}", wx),
    ("mathrm-prose", "1.1.2", r"w^T x \mathrm{where}", wx),
    ("aligned", "1.1.2", r"\begin{aligned} & w^T x \end{aligned}", wx),
    # functions
    ("operatorname-sgn", "3.2", r"\operatorname{sgn}(p - 1)", lambda v: sympy.sign(v["p"] - 1)),
    ("mathrm-sgn", "3.2", r"\mathrm{sgn}(p)", lambda v: sympy.sign(v["p"])),
    ("text-sign", "3.2", r"\text{sign}(p-1)", lambda v: sympy.sign(v["p"] - 1)),
    ("abs", "3.2", r"|p - 1|", lambda v: abs(v["p"] - 1)),
    ("abs-left-right", "3.2", r"\left| p - 1 \right| p", lambda v: abs(v["p"] - 1) * v["p"]),
    ("abs-two", "3.2", r"|p - 1| + |p - 2|", lambda v: abs(v["p"] - 1) + abs(v["p"] - 2)),
    ("exp", "3.2", r"\exp(p)", lambda v: sympy.exp(v["p"])),
    ("e-power", "3.2", r"e^{p}", lambda v: sympy.exp(v["p"])),
    ("log", "3.2", r"\log p", lambda v: sympy.log(v["p"])),
    ("ln", "3.2", r"\ln(1+p)", lambda v: sympy.log(1 + v["p"])),
    ("log-of-power", "3.2", r"\log p^2", lambda v: sympy.log(v["p"] ** 2)),
    # implicit multiplication, signs, numbers
    ("implicit-2nlambda", "1.2.2", r"2n\lambda", lambda v: 2 * v["n"] * v["lambda"]),
    ("implicit-with-I", "1.2.2", r"2\lambda n I w", lambda v: 2 * v["lambda"] * v["n"] * v["w"]),
    ("unary-minus", "1.1.2", r"-w^T x", lambda v: -wx(v)[0, 0]),
    ("double-minus", "3.2", r"--p", lambda v: v["p"]),
    ("minus-paren", "3.2", r"-(1-p)", lambda v: v["p"] - 1),
    ("minus-after-cdot", "3.2", r"2 \cdot -p", lambda v: -2 * v["p"]),
    ("plus-sign", "3.2", r"+p", lambda v: v["p"]),
    ("unicode-minus", "3.2", "1 − p", lambda v: 1 - v["p"]),
    ("decimal", "3.2", r"0.5 p", lambda v: v["p"] / 2),
    ("decimal-leading-dot", "3.2", r".25 + p", lambda v: sympy.Rational(1, 4) + v["p"]),
    # unicode Greek
    ("unicode-sigma", "3.2", "σ^2", lambda v: v["sigma"] ** 2),
    ("unicode-epsilon", "1.1.2", "ε", lambda v: v["epsilon"]),
    ("unicode-epsilon-lunate", "1.1.2", "ϵ", lambda v: v["epsilon"]),
    ("varepsilon", "1.1.2", r"\varepsilon", lambda v: v["epsilon"]),
    ("unicode-lambda", "1.2.2", "λ n", lambda v: v["lambda"] * v["n"]),
    # functions of the table, gradient
    ("f-semicolon", "1.1.2", r"f(x'; w)", lambda v: v["w"].T * v["x_adv"]),
    ("f-comma", "1.1.2", r"f(x', w)", lambda v: v["w"].T * v["x_adv"]),
    (
        "f-expression-argument",
        "1.1.2",
        r"f(x - \epsilon w; w)",
        lambda v: v["w"].T * (v["x"] - v["epsilon"] * v["w"]),
    ),
    ("f-one-argument", "1.1.2", r"f(x)", wx),
    ("f-times-scalar", "1.1.2", r"2 f(x; w)", lambda v: 2 * wx(v)[0, 0]),
    ("f-1d", "1.2.3", r"f(x'; w^*)", lambda v: v["w"] * v["x_adv"]),
    ("nabla", "1.1.2", r"\nabla_x f(x; w)", lambda v: v["w"]),
    ("nabla-unicode", "1.1.2", r"∇_x (w^T x)", lambda v: v["w"]),
    # 1-D vector shorthand (question 1.2.3 turns it on)
    ("shorthand-square", "1.2.3", r"X^2", lambda v: v["X"].T * v["X"]),
    ("shorthand-product", "1.2.3", r"X t", lambda v: v["X"].T * v["t"]),
    (
        "shorthand-answer",
        "1.2.3",
        r"\frac{x (X^2 + 2\lambda n)}{X t}",
        lambda v: v["x"] * ((v["X"].T * v["X"])[0, 0] + 2 * v["lambda"] * v["n"]) / (v["X"].T * v["t"])[0, 0],
    ),
    ("scalar-transpose-1d", "1.2.3", r"w^{*T} x", lambda v: v["w"] * v["x"]),
    # the key's reference answers
    ("ridge-reference", "1.2.2", r"(X^T X + 2 n \lambda I)^{-1} X^T t", ridge),
    ("ridge-dual", "1.2.2", r"X^T (X X^T + 2 n \lambda I)^{-1} t", ridge),
    ("ridge-scaled", "1.2.2", r"\left(\frac{1}{n} X^T X + 2 \lambda I\right)^{-1} \frac{1}{n} X^T t", ridge),
]


@pytest.mark.parametrize(
    ("qid", "latex", "expected"), [row[1:] for row in NOTATION], ids=[row[0] for row in NOTATION]
)
def test_notation_reads_to_the_expected_value(qid: str, latex: str, expected: Expected) -> None:
    q = question(qid)
    parsed = parse(latex, q.symbols, options=q.options)
    assert isinstance(parsed, Parsed)
    assert not parsed.is_equation
    assert same_value(parsed.expr, expected, q.symbols), parsed.read_as


# (id, question, latex, number of sides, expected value of the last side)
EQUATIONS: list[tuple[str, str, str, int, Expected]] = [
    ("simple", "3.2", r"\sigma^2 = \frac{1-p}{p}", 2, lambda v: (1 - v["p"]) / v["p"]),
    (
        "chain",
        "1.1.2",
        r"f(x'; w) = w^T x' = w^T (x - \epsilon w)",
        3,
        lambda v: v["w"].T * (v["x"] - v["epsilon"] * v["w"]),
    ),
    ("zero-matrix-side", "1.2.2", r"X^T X w - X^T t = 0", 2, lambda v: sympy.zeros(3, 1)),
    ("identity-sized-by-other-side", "1.2.2", r"(X^T X)^{-1} X^T X = I", 2, lambda v: v["I_d"]),
    (
        "prose-side-dropped",
        "1.2.2",
        r"\text{Gradient of loss} = \frac{1}{n} X^T (Xw^* - t) + 2\lambda w^* = 0",
        2,
        lambda v: sympy.zeros(3, 1),
    ),
    ("coloneqq", "3.2", r"\sigma \coloneqq \sqrt{p}", 2, lambda v: sympy.sqrt(v["p"])),
    ("colon-equals", "3.2", r"\sigma := \sqrt{p}", 2, lambda v: sympy.sqrt(v["p"])),
]


@pytest.mark.parametrize(
    ("qid", "latex", "count", "expected"), [row[1:] for row in EQUATIONS], ids=[row[0] for row in EQUATIONS]
)
def test_equations_keep_every_side(qid: str, latex: str, count: int, expected: Expected) -> None:
    q = question(qid)
    parsed = parse(latex, q.symbols, options=q.options)
    assert parsed.is_equation
    assert len(parsed.sides) == count == len(parsed.spans)
    assert parsed.read_as.count(" = ") == count - 1
    assert same_value(parsed.expr, expected, q.symbols)
    for start, end in parsed.spans:
        assert 0 <= start < end <= len(latex)


def test_prose_side_is_dropped_and_noted() -> None:
    q = question("1.2.2")
    parsed = parse(r"\text{Gradient of loss} = \frac{1}{n} X^T (Xw^* - t) + 2\lambda w^* = 0", q.symbols)
    assert len(parsed.sides) == 2
    assert parsed.sides[1] == sympy.ZeroMatrix(*parsed.sides[0].shape)
    assert any("prose" in note for note in parsed.notes)
    start, _ = parsed.spans[0]
    assert parsed.source[start:].startswith(r"\frac")


def test_question_label_is_dropped_and_noted() -> None:
    parsed = parse(r"1.2.2 \quad w^* = (X^T X)^{-1} X^T t", table("1.2.2"))
    assert parsed.is_equation
    assert any("1.2.2" in note for note in parsed.notes)


@pytest.mark.parametrize(
    ("latex", "note"),
    [
        (r"X^2", "X^2 as X^T X"),
        (r"X t", "X t as X^T t"),
        (r"\frac{x (X^2 + 2\lambda n)}{X t}", "1-D vector shorthand"),
    ],
    ids=["square", "product", "answer"],
)
def test_vector_shorthand_is_noted(latex: str, note: str) -> None:
    q = question("1.2.3")
    assert q.options.vector_shorthand
    parsed = parse(latex, q.symbols, options=q.options)
    assert any(note in n for n in parsed.notes), parsed.notes


def test_dot_product_with_cdot_is_noted() -> None:
    parsed = parse(r"w \cdot x", table("1.1.2"))
    assert any("dot product" in note for note in parsed.notes)
