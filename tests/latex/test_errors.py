"""What the front end refuses, and how: one of our errors, with a span inside the input and a message
that says what was expected, what was found and how to fix it."""

from __future__ import annotations

import pickle

import pytest
from helpers_latex import question, table

from checker.config import ParseOptions
from checker.errors import (
    CheckerError,
    LatexSyntaxError,
    ShapeError,
    UnknownSymbolError,
    UnsupportedConstructError,
)
from checker.latex import parse

# (id, question, latex, error, fragments the message must contain)
ERRORS: list[tuple[str, str, str, type[CheckerError], tuple[str, ...]]] = [
    # shapes: both operands and both shapes are named
    (
        "X-X",
        "1.2.2",
        r"X X",
        ShapeError,
        ("X X", "left factor X is n×d", "right factor X is n×d", "columns = right rows"),
    ),
    ("X-t-no-shorthand", "1.2.2", r"X t", ShapeError, ("n×d", "n×1")),
    ("w-x-no-transpose", "1.1.2", r"w x", ShapeError, ("left factor w is d×1", "right factor x is d×1")),
    ("X-squared", "1.2.2", r"X^2", ShapeError, ("square", "n×d")),
    ("inverse-non-square", "1.2.2", r"X^{-1}", ShapeError, ("square", "n×d")),
    ("sum-of-shapes", "1.2.2", r"X^T X + X X^T", ShapeError, ("d×d", "n×n")),
    ("scalar-plus-vector", "1.2.2", r"w + 1", ShapeError, ("d×1", "scalar")),
    ("equation-shapes", "1.2.3", r"\epsilon = w^{*T} X (w^{*T} w^*)^{-1}", ShapeError, ("scalar", "n×1")),
    ("matrix-denominator", "1.2.2", r"\frac{t}{X}", ShapeError, ("scalar denominator", "n×d")),
    ("identity-non-square", "1.2.2", r"X + I", ShapeError, ("n×d",)),
    ("identity-alone", "1.2.2", r"2 I", ShapeError, ("I_d",)),
    ("sqrt-of-vector", "1.1.2", r"\sqrt{w}", ShapeError, ("scalar under the root",)),
    ("log-of-vector", "1.1.2", r"\log w", ShapeError, ("scalar argument",)),
    ("f-wrong-argument-shape", "1.1.2", r"f(X; w)", ShapeError, ("argument x of f", "d×1")),
    ("matrix-exponent", "1.2.2", r"\lambda^{w}", ShapeError, ("scalar exponent",)),
    ("shorthand-off-in-1d", "1.2.3-off", r"X t", ShapeError, ("n×1",)),
    ("shorthand-off-square-1d", "1.2.3-off", r"X^2", ShapeError, ("square",)),
    # unknown symbols list what is declared
    ("unknown-letter", "1.1.2", r"w^T z", UnknownSymbolError, ("name=z", "\\epsilon", "x'")),
    ("unknown-decoration", "1.1.2", r"x^*", UnknownSymbolError, ("x^*",)),
    ("unknown-mathbb-E", "1.1.2", r"\mathbb{E}_\pi [p]", UnknownSymbolError, ("\\mathbb{E}_\\pi",)),
    ("unknown-operator-word", "1.1.2", r"\text{var}_m [p]", UnknownSymbolError, ("var",)),
    ("component-outside-sum", "1.1.2", r"w_k", UnknownSymbolError, ("w_k", "\\sum_k")),
    ("index-superscript", "3.2", r"p^{(i)}", UnknownSymbolError, ("name=p^{(i)}",)),
    ("greek-undeclared", "1.1.2", r"\alpha w", UnknownSymbolError, ("\\alpha",)),
    ("nabla-unknown", "1.1.2", r"\nabla_q f(x; w)", UnknownSymbolError, ("q",)),
    ("x-star-undeclared", "1.2.2", r"X^* w", UnknownSymbolError, ("X^*",)),
    # unsupported constructs
    ("input", "1.1.2", r"\input{/etc/passwd}", UnsupportedConstructError, ("\\input", "remove it")),
    ("def", "1.1.2", r"\def\a{\a}\a", UnsupportedConstructError, ("\\def",)),
    ("newcommand", "1.1.2", r"\newcommand{\x}{1} x", UnsupportedConstructError, ("\\newcommand",)),
    ("write", "1.1.2", r"\write18{ls}", UnsupportedConstructError, ("\\write",)),
    ("unknown-command", "1.1.2", r"w \sim x", UnsupportedConstructError, ("\\sim",)),
    ("relation", "3.2", r"p \leq 1", UnsupportedConstructError, ("relation \\le",)),
    ("environment", "3.2", r"\begin{cases} p \end{cases}", UnsupportedConstructError, ("cases",)),
    ("huge-exponent", "3.2", r"(p+1)^{100000}", UnsupportedConstructError, ("max_exponent=64", "100000")),
    ("tower", "3.2", r"9^{9^{9^{9}}}", UnsupportedConstructError, ("max_exponent",)),
    ("huge-number", "3.2", r"((2^{64})^{64})^{64}", UnsupportedConstructError, ("bits",)),
    ("many-digits", "3.2", "1" * 2000, UnsupportedConstructError, ("digits",)),
    ("division-by-zero", "3.2", r"\frac{p}{0}", UnsupportedConstructError, ("nonzero denominator",)),
    ("zero-to-negative-power", "3.2", r"(p - p)^{-1}", UnsupportedConstructError, ("divides by zero",)),
    ("matrix-norm", "1.2.2", r"\|X\|", UnsupportedConstructError, ("norm",)),
    ("norm-3", "1.1.2", r"\|w\|_3", UnsupportedConstructError, ("\\|v\\|_1", "script 3")),
    ("sum-without-index", "1.1.2", r"\sum w^T x", UnsupportedConstructError, ("index",)),
    ("sum-wrong-bounds", "1.1.2", r"\sum_{j=1}^{n} w_j x_j", ShapeError, ("components", "d")),
    ("sum-range-unknown", "1.1.2", r"\sum_k \epsilon", UnsupportedConstructError, ("range",)),
    ("root-index", "3.2", r"\sqrt[1/2]{p}", UnsupportedConstructError, ("root index",)),
    # malformed
    ("empty", "1.1.2", "", LatexSyntaxError, ("found nothing",)),
    ("blank", "1.1.2", "   ", LatexSyntaxError, ("found nothing",)),
    ("prose-only", "1.1.2", r"\text{see above}", LatexSyntaxError, ("found nothing",)),
    ("unclosed-brace", "1.1.2", r"\frac{1}{2", LatexSyntaxError, ("unclosed {",)),
    ("unmatched-brace", "1.1.2", r"w}", LatexSyntaxError, ("unmatched }",)),
    ("unclosed-paren", "1.1.2", r"(w^T x", LatexSyntaxError, ("expected one of", ")")),
    ("unclosed-norm", "1.1.2", r"\|w", LatexSyntaxError, ("closing norm bar",)),
    ("dangling-plus", "1.1.2", r"w^T x +", LatexSyntaxError, ("the end",)),
    ("dangling-caret", "1.1.2", r"w^", LatexSyntaxError, ("argument after ^",)),
    ("python-code", "1.1.2", "__import__('os').system('ls')", LatexSyntaxError, ("argument after _",)),
    ("nul-byte", "1.1.2", "w\x00x", LatexSyntaxError, ("control character", "position=1")),
    ("bell", "1.1.2", "w^T x\x07", LatexSyntaxError, ("control character",)),
    ("private-use", "1.1.2", "w\ue001", LatexSyntaxError, ("control character",)),
    ("line-break", "1.1.2", r"x' = x \\ w", LatexSyntaxError, ("line break",)),
    ("leader-in-middle", "1.1.2", r"w = x \Rightarrow x = w", LatexSyntaxError, ("\\Rightarrow",)),
    ("bare-function", "1.1.2", r"f + 1", LatexSyntaxError, ("arguments after the function f",)),
    ("too-many-arguments", "1.1.2", r"f(x; w; x)", LatexSyntaxError, ("at most 2 arguments",)),
    ("bare-tuple", "1.1.2", r"(x; w)", LatexSyntaxError, ("one expression in parentheses",)),
    ("star-on-number", "3.2", r"2^* p", UnknownSymbolError, ("2^*",)),
    ("only-equals", "1.1.2", r"=", LatexSyntaxError, ("found none",)),
]


def _options(qid: str) -> tuple[str, ParseOptions]:
    if qid.endswith("-off"):
        return qid.removesuffix("-off"), ParseOptions()
    return qid, question(qid).options


@pytest.mark.parametrize(
    ("qid", "latex", "error", "fragments"), [row[1:] for row in ERRORS], ids=[row[0] for row in ERRORS]
)
def test_refused_with_our_error_and_a_span(
    qid: str, latex: str, error: type[CheckerError], fragments: tuple[str, ...]
) -> None:
    real_qid, options = _options(qid)
    with pytest.raises(error) as info:
        parse(latex, table(real_qid), options=options)
    exc = info.value
    assert type(exc) is error
    for fragment in fragments:
        assert fragment in exc.message, exc.message
    assert exc.source is not None
    assert exc.start is not None and exc.end is not None
    assert 0 <= exc.start <= len(latex)
    assert exc.start < exc.end <= max(len(latex), 1)
    assert exc.message.startswith("expected") or ": left factor" in exc.message
    assert "fix" in exc.message, exc.message
    assert "\n" in exc.render()  # the caret excerpt


@pytest.mark.parametrize(
    ("latex", "start", "end"),
    [
        (r"w^T z", 4, 5),
        (r"X^T X + X X^T", 8, 13),
        (r"\mathbb{E}_\pi", 0, 14),
        (r"w^T x \quad \text{so} \quad \alpha", 28, 34),
        ("w\x00", 1, 2),
        (r"X X", 0, 3),
    ],
    ids=["letter", "term", "font-and-script", "after-prose", "nul", "product"],
)
def test_spans_point_into_the_original_text(latex: str, start: int, end: int) -> None:
    tbl = table("1.2.2") if "X" in latex else table("3.2") if "mathbb" in latex else table("1.1.2")
    with pytest.raises(CheckerError) as info:
        parse(latex, tbl)
    assert (info.value.start, info.value.end) == (start, end), info.value.render()


def test_errors_pickle_with_their_span() -> None:
    with pytest.raises(ShapeError) as info:
        parse(r"X X", table("1.2.2"))
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is ShapeError
    assert (copy.source, copy.start, copy.end, copy.message) == ("X X", 0, 3, info.value.message)


def test_lark_errors_are_wrapped_with_the_cause_kept() -> None:
    with pytest.raises(LatexSyntaxError) as info:
        parse(r"w^T x +", table("1.1.2"))
    assert info.value.__cause__ is not None
    assert type(info.value.__cause__).__module__.startswith("lark")


# Hostile input: each is refused by one of our errors; none hangs (the suite's time budget is the check).
HOSTILE: list[tuple[str, str, type[CheckerError]]] = [
    ("nested-sqrt-300", "\\sqrt{" * 300 + "p" + "}" * 300, UnsupportedConstructError),
    ("nested-paren-300", "(" * 300 + "p" + ")" * 300, UnsupportedConstructError),
    ("nested-norm-100", "|" * 100 + "p" + "|" * 100, CheckerError),
    ("sqrt-chain", "\\sqrt" * 300 + " p", LatexSyntaxError),
    ("100KB", "p+" * 50_000 + "p", UnsupportedConstructError),
    ("20001-chars", "p" * 20_001, UnsupportedConstructError),
    ("nul-bytes", "\x00" * 1000, LatexSyntaxError),
    ("long-flat-sum", "+".join(["p"] * 6000), CheckerError),
    ("many-minus", "-" * 5000 + "p", CheckerError),
    ("many-primes", "x" + "'" * 5000, UnknownSymbolError),
    ("unbalanced-many", "{" * 1000, UnsupportedConstructError),
    ("exp-tower", "p^{" * 50 + "2" + "}" * 50, CheckerError),
]


@pytest.mark.parametrize(("latex", "error"), [row[1:] for row in HOSTILE], ids=[row[0] for row in HOSTILE])
def test_hostile_input_is_refused_by_our_errors(latex: str, error: type[CheckerError]) -> None:
    try:
        parsed = parse(latex, table("3.2"))
    except CheckerError as exc:
        assert isinstance(exc, error), exc.render()[:300]
        assert exc.start is not None and exc.end is not None
        assert 0 <= exc.start < exc.end <= max(len(latex), 1)
    else:
        assert error is CheckerError, f"expected {error.__name__}, parsed {parsed.read_as[:80]}"


def test_limits_come_from_the_options() -> None:
    tight = ParseOptions(max_exponent=4, max_depth=4)
    with pytest.raises(UnsupportedConstructError, match="max_exponent=4"):
        parse(r"p^{5}", table("3.2"), options=tight)
    with pytest.raises(UnsupportedConstructError, match="max_depth=4"):
        parse(r"((((((p))))))", table("3.2"), options=tight)
    assert parse(r"p^{4}", table("3.2"), options=tight).expr is not None


def test_a_huge_depth_option_still_ends_in_our_error() -> None:
    deep = ParseOptions(max_depth=100_000)
    with pytest.raises(UnsupportedConstructError):
        parse("\\sqrt{" * 3000 + "p" + "}" * 3000, table("3.2"), options=deep)
