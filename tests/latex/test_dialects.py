"""ASCII and Unicode math (issue 9 part 2): read into exactly the same typed math as LaTeX.

The lines are the ways students write in e-mail and in OCR'd notes (taken from the fixtures in
``tests/read/data``), each graded on the bundled hw3 key, and each compared with the LaTeX it
stands for.  A spelling that stays ambiguous under the key (a declared primed symbol that also
reads as a transpose) goes to a TA, naming both readings.
"""

from __future__ import annotations

import pytest
import sympy
from helpers_latex import equivalent, question, table
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.judge import judge
from checker.latex import parse
from checker.latex._dialects import Tok, rewrite
from checker.table import SymbolSpec, SymbolTable

# (id, question, dialect line, LaTeX it stands for, verdict on the hw3 key)
LINES = [
    ("ascii-ridge-primes", "1.2.2", "w* = (X'X + 2*n*lambda*I)^-1 X't", r"w^* = (X^T X + 2 n \lambda I)^{-1} X^T t", "correct"),
    ("ascii-ridge-inv", "1.2.2", "w = inv(X^T X + 2 n lambda I) X^T t", r"w = (X^T X + 2 n \lambda I)^{-1} X^T t", "correct"),
    ("ascii-ridge-paren-exponent", "1.2.2", "w* = (X^T X + 2*n*lambda*I)^(-1) * X^T * t",
     r"w^* = (X^T X + 2 n \lambda I)^{-1} X^T t", "correct"),
    ("ascii-ols", "1.2.2", "w* = (X^T X)^-1 X^T t", r"w^* = (X^T X)^{-1} X^T t", "incorrect"),
    ("unicode-ridge", "1.2.2", "w* = (XᵀX + 2nλI)⁻¹Xᵀt", r"w^* = (X^T X + 2 n \lambda I)^{-1} X^T t", "correct"),
    ("ascii-eps-primes", "1.2.3", "eps = x*(X'X + 2*n*lambda)/(X't)", r"\epsilon = \frac{x (X^T X + 2 n \lambda)}{X^T t}", "correct"),
    ("ascii-eps", "1.2.3", "eps = x*(X^T X + 2 n lambda)/(X^T t)", r"\epsilon = \frac{x (X^T X + 2 n \lambda)}{X^T t}", "correct"),
    ("ascii-eps-missing-n", "1.2.3", "eps = x*(X^T X + 2*lambda)/(X^T t)", r"\epsilon = \frac{x (X^T X + 2 \lambda)}{X^T t}", "incorrect"),
    ("unicode-eps-inverted", "1.2.3", "ε = Xᵀt / (x(XᵀX + 2nλ))", r"\epsilon = \frac{X^T t}{x (X^T X + 2 n \lambda)}", "incorrect"),
    ("ascii-fgm", "1.1.2", "f(x';w) = w^T x - eps*||w||^2", r"f(x'; w) = w^T x - \epsilon \|w\|^2", "correct"),
    ("ascii-fgm-power", "1.1.2", "f(x'; w) = w^T x - eps*||w||**2", r"f(x'; w) = w^T x - \epsilon \|w\|^2", "correct"),
    ("unicode-fgm", "1.1.2", "f(x′; w) = wᵀx − ε‖w‖₂²", r"f(x'; w) = w^T x - \epsilon \|w\|_2^2", "correct"),
    ("ascii-sigma-sqrt", "3.2", "sigma = sqrt((1-p)/p)", r"\sigma = \sqrt{\frac{1-p}{p}}", "correct"),
    ("ascii-sigma-alt", "3.2", "sigma = sqrt(1/p - 1)", r"\sigma = \sqrt{\frac{1}{p} - 1}", "correct"),
    ("ascii-sigma-squared", "3.2", "sigma**2 = (1-p)/p", r"\sigma^2 = \frac{1-p}{p}", "correct"),
    ("ascii-sigma-inverted", "3.2", "sigma = sqrt(p/(1-p))", r"\sigma = \sqrt{\frac{p}{1-p}}", "incorrect"),
    ("unicode-sigma", "3.2", "σ = √((1−p)/p)", r"\sigma = \sqrt{\frac{1-p}{p}}", "correct"),
    ("unicode-sigma-squared", "3.2", "σ² = (1−p)/p", r"\sigma^2 = \frac{1-p}{p}", "correct"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("qid", "line", "latex", "verdict"), [r[1:] for r in LINES], ids=[r[0] for r in LINES]
)
def test_dialect_reads_as_its_latex_and_grades(qid: str, line: str, latex: str, verdict: str) -> None:
    tbl = table(qid)
    assert equivalent(parse(line, tbl).expr, parse(latex, tbl).expr, tbl)
    # 1.2.3 also claims weight decay makes the model more robust: the block says so.
    assert judge(question(qid), line, text=f"{line}\nso the model is more robust").verdict == verdict


@pytest.mark.parametrize(
    ("line", "word"),
    [("x'w", "primed"), ("x' w + 1", "primed")],
    ids=["prime-product", "prime-product-plus"],
)
def test_prime_that_is_a_declared_symbol_and_a_transpose_goes_to_a_ta(line: str, word: str) -> None:
    verdict = judge(question("1.1.2"), line)
    assert (verdict.verdict, verdict.answer_note) == ("needs_review", "ambiguous_reading")
    assert word in verdict.feedback and "transpose" in verdict.feedback


def test_declared_primed_symbol_wins_where_it_fits() -> None:
    parsed = parse("x'", table("1.1.2"))
    assert str(parsed.expr) == "x_adv"


def test_prime_is_a_transpose_where_no_primed_symbol_is_declared() -> None:
    parsed = parse("X'X", table("1.2.2"))
    assert parsed.read_as == "X^{T} X"
    assert any("transpose" in note for note in parsed.notes)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("lambdaI", ["l", "a", "m", "b", "d", "a", "I"]),  # not a whole word: left as letters
        ("pi", ["p", "i"]),  # two-letter Greek words stay letters, as in LaTeX
        ("tr(A)", ["\\tr", "(", "A", ")"]),
        ("tr A", ["t", "r", " ", "A"]),  # a function word only before (
        ("a<=b", ["a", "\\le", "b"]),
        ("X⁻ᵀ", ["X", "^", "{", "-", "T", "}"]),
    ],
    ids=["run-not-word", "short-greek", "call-word", "bare-word", "le", "superscript-run"],
)
def test_rewrite_is_word_exact(text: str, tokens: list[str]) -> None:
    assert [t.text for t in rewrite([Tok(c, i, i + 1) for i, c in enumerate(text)])] == tokens


def test_star_is_a_product_only_between_operands() -> None:
    tbl = table("1.2.2")
    assert parse("w*", tbl).read_as == parse("w^*", tbl).read_as
    one_d = table("1.2.3")
    assert parse("w* x", one_d).read_as == parse("w^* x", one_d).read_as  # attached: w's star
    assert equivalent(parse("2*n*lambda", tbl).expr, parse(r"2 n \lambda", tbl).expr, tbl)


_POSITIVE = frozenset({"positive"})
_ABC = SymbolTable(
    (*(SymbolSpec(name, name, assumptions=_POSITIVE) for name in ("a", "b", "c")),
     SymbolSpec("lam", "\\lambda", assumptions=_POSITIVE))
)  # fmt: skip
_SYMBOLS = [sympy.Symbol(n, real=True, positive=True) for n in ("a", "b", "c", "lam")]


def _leaf() -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(st.sampled_from(_SYMBOLS), st.integers(1, 9).map(sympy.Integer))


def _extend(sub: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.tuples(sub, sub).map(lambda xy: xy[0] + xy[1]),
        st.tuples(sub, sub).map(lambda xy: xy[0] - xy[1]),
        st.tuples(sub, sub).map(lambda xy: xy[0] * xy[1]),
        st.tuples(sub, sub).map(lambda xy: xy[0] / xy[1]),
        st.tuples(sub, st.integers(-3, 3)).map(lambda xk: xk[0] ** xk[1]),
        sub.map(sympy.sqrt),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_leaf(), _extend, max_leaves=6))
def test_ascii_reads_as_the_same_math_as_latex(expr: sympy.Expr) -> None:
    """SymPy's own ASCII (``a**2*lam/sqrt(b + 1)``) and its LaTeX read to one value."""
    # Real math only: SymPy's arithmetic can make the imaginary unit (a negative number to a
    # rational power), which neither dialect writes and the parser rightly refuses.
    assume(expr.is_finite is not False and not expr.has(sympy.zoo, sympy.nan, sympy.I))
    ascii_text = sympy.sstr(expr).replace("lam", "lambda")
    latex_text = sympy.latex(expr).replace("lam", "\\lambda ")
    ours_ascii, ours_latex = parse(ascii_text, _ABC).expr, parse(latex_text, _ABC).expr
    point = {s: sympy.Rational(k + 2, 3) for k, s in enumerate(_SYMBOLS)}
    assert sympy.simplify((ours_ascii - ours_latex).xreplace(point)) == 0, (ascii_text, latex_text)
