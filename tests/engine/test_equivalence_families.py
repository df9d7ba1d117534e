"""The new notation families end to end: parsed, then compared by the equivalence cascade.

Each row pairs two spellings and the outcome the engine must reach: ``equivalent`` (exactly, or for
transcendental values at the configured digits, said so in the evidence), ``not_equivalent`` with
a counterexample, or ``undecided`` for what the engine does not evaluate (an integral): never a
false accept.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from checker.config import ParseOptions
from checker.engine import compare
from checker.latex import parse
from checker.table import FunctionSpec, SymbolSpec, SymbolTable

TABLE = SymbolTable(
    (
        SymbolSpec("n", "n", assumptions=frozenset({"integer", "positive"})),
        SymbolSpec("d", "d", assumptions=frozenset({"integer", "positive"})),
        SymbolSpec("X", "X", shape=("n", "d")),
        SymbolSpec("A", "A", shape=("d", "d")),
        SymbolSpec("w", "w", shape=("d", 1)),
        SymbolSpec("v", "v", shape=("d", 1)),
        SymbolSpec("a", "a", lower=Fraction(0)),
        SymbolSpec("b", "b", lower=Fraction(0)),
        SymbolSpec("k", "k", assumptions=frozenset({"integer", "positive"})),
        SymbolSpec("I", "I", shape="identity"),
    ),
    (
        FunctionSpec("sigma", ("a",), "", elementwise="sigmoid"),
        FunctionSpec("ReLU", ("a",), "", elementwise="relu"),
        FunctionSpec("softmax", ("a",), "", elementwise="softmax"),
    ),
)

# (id, reference, candidate, outcome)
ROWS = [
    ("trace-frobenius", r"\operatorname{tr}(X^T X)", r"\|X\|_F^2", "equivalent"),
    ("trace-cyclic", r"\mathrm{tr}(X^T X)", r"\text{tr}(X X^T)", "equivalent"),
    ("det-product", r"\det(A^T A)", r"\det(A)^2", "equivalent"),
    ("det-literal", r"\begin{vmatrix} a & b \\ b & a \end{vmatrix}", r"a^2 - b^2", "equivalent"),
    ("det-literal-wrong", r"\det \begin{bmatrix} a & b \\ b & a \end{bmatrix}", r"a^2 + b^2", "not_equivalent"),
    ("matrix-literal-product", r"\begin{pmatrix} a & 0 \\ 0 & b \end{pmatrix} \begin{pmatrix} 1 \\ 1 \end{pmatrix}",
     r"\begin{bmatrix} a \\ b \end{bmatrix}", "equivalent"),
    ("norm-1", r"\|w\|_1", r"\| -w \|_1", "equivalent"),
    ("norm-1-not-2", r"\|w\|_1", r"\|w\|_2", "not_equivalent"),
    ("norm-inf", r"\|w\|_\infty", r"\|-w\|_\infty", "equivalent"),
    ("norm-inf-not-1", r"\|w\|_\infty", r"\|w\|_1", "not_equivalent"),
    ("norm-inf-literal", r"\left\| \begin{bmatrix} a \\ -2 \end{bmatrix} \right\|_\infty", r"\max(|a|, 2)", "equivalent"),
    ("hadamard-diag", r"w \odot v", r"\operatorname{diag}(w) v", "equivalent"),
    ("hadamard-order", r"w \odot v", r"v \odot w", "equivalent"),
    ("hadamard-wrong", r"w \odot v", r"w \odot w", "not_equivalent"),
    # transcendental values agree at the configured digits but leave no error bound: a TA decides;
    # a wrong one is refuted (one clear mismatch is proof)
    ("sigmoid-symmetry", r"\sigma(a)", r"1 - \sigma(-a)", "undecided"),
    ("sigmoid-wrong", r"\sigma(a)", r"\sigma(-a)", "not_equivalent"),
    ("sigmoid-vector", r"\sigma(X w)", r"\sigma(X w)", "equivalent"),
    ("relu", r"\operatorname{ReLU}(a) - \operatorname{ReLU}(-a)", r"a", "equivalent"),
    ("softmax-sums-to-one", r"\operatorname{softmax}(w)^T \operatorname{softmax}(w)", r"\|\operatorname{softmax}(w)\|^2",
     "undecided"),
    ("trig-identity", r"\sin^2 a + \cos^2 a", r"1", "undecided"),
    ("trig-wrong", r"\sin^2 a", r"\sin a^2", "not_equivalent"),
    ("log-base", r"\log_2 a", r"\frac{\ln a}{\ln 2}", "equivalent"),
    ("log-base-wrong", r"\log_2 a", r"\lg a", "not_equivalent"),
    ("min-max", r"\min(a, b) + \max(a, b)", r"a + b", "equivalent"),
    ("min-max-wrong", r"\min(a, b)", r"\max(a, b)", "not_equivalent"),
    ("factorial", r"\frac{(k+1)!}{k!}", r"k + 1", "undecided"),
    ("factorial-wrong", r"\frac{(k+1)!}{k!}", r"k", "not_equivalent"),
    ("binomial", r"\binom{k+1}{1}", r"k + 1", "equivalent"),
    ("binomial-wrong", r"\binom{k+2}{2}", r"(k+2)(k+1)", "not_equivalent"),
    ("floor-ceil", r"\lfloor k \rfloor", r"\lceil k \rceil", "equivalent"),
    ("integral-undecided", r"\int_0^1 a \, db", r"a", "undecided"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("reference", "candidate", "outcome"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_families_compare(reference: str, candidate: str, outcome: str) -> None:
    ref = parse(reference, TABLE).expr
    cand = parse(candidate, TABLE).expr
    result = compare(ref, cand, TABLE)
    assert result.outcome == outcome, result.evidence


def test_transcendental_agreement_is_never_a_silent_accept() -> None:
    result = compare(parse(r"\sin^2 a + \cos^2 a", TABLE).expr, parse("1", TABLE).expr, TABLE)
    assert result.outcome == "undecided"
    assert "no error bound" in result.evidence


def test_relations_read_only_when_asked() -> None:
    parsed = parse(r"a \le b < 2", TABLE, options=ParseOptions(relations=True))
    assert parsed.relations == ("\\le", "<")
    assert parsed.is_relation and not parsed.is_equation
