"""The equivalence cascade on typed SymPy: the false accepts of off-the-shelf checkers, pinned.

Inputs are built the way the LaTeX front end builds them (``checker.symbols``), so these tests do
not depend on the parser; ``test_end_to_end.py`` goes through ``checker.latex``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hw3_symbols import el, symbols, table

from checker.config import EquivalenceConfig
from checker.engine.cascade import CASCADE, by_shape, by_structure, by_symbolic, compare
from checker.key import SymbolSpec, SymbolTable

R = symbols("1.2.2")
I_d, I_n = sympy.Identity(R.d), sympy.Identity(R.n)
REF_122 = (R.X.T * R.X + 2 * R.n * R.lam * I_d).I * R.X.T * R.t

# (id, candidate, expected outcome, expected method)
RIDGE = [
    (
        "push_through",
        R.X.T * (R.X * R.X.T + 2 * R.n * R.lam * I_n).I * R.t,
        "equivalent",
        "random_instantiation",
    ),
    (
        "scaled_by_1_over_n",
        (R.X.T * R.X / R.n + 2 * R.lam * I_d).I * (R.X.T * R.t / R.n),
        "equivalent",
        "random_instantiation",
    ),
    ("scalar_order", (R.X.T * R.X + R.lam * R.n * 2 * I_d).I * R.X.T * R.t, "equivalent", "structural"),
    (
        "split_and_recombined",
        (R.X.T * R.X + 2 * R.n * R.lam * I_d).I * R.X.T * (R.t + R.X * R.w)
        - (R.X.T * R.X + 2 * R.n * R.lam * I_d).I * R.X.T * R.X * R.w,
        "equivalent",
        "random_instantiation",
    ),
    (
        "missing_factor_2",
        (R.X.T * R.X + R.n * R.lam * I_d).I * R.X.T * R.t,
        "not_equivalent",
        "random_instantiation",
    ),
    ("missing_n", (R.X.T * R.X + 2 * R.lam * I_d).I * R.X.T * R.t, "not_equivalent", "random_instantiation"),
    ("no_regularizer", (R.X.T * R.X).I * R.X.T * R.t, "not_equivalent", "random_instantiation"),
    ("t_missing", (R.X.T * R.X + 2 * R.n * R.lam * I_d).I * R.X.T, "not_equivalent", "shape"),
    ("order_reversed", R.t.T * R.X * (R.X.T * R.X + 2 * R.n * R.lam * I_d).I, "not_equivalent", "shape"),
    ("gram_swapped", (R.X * R.X.T + 2 * R.n * R.lam * I_n).I * R.t, "not_equivalent", "shape"),
    ("inverse_only", (R.X.T * R.X + 2 * R.n * R.lam * I_d).I, "not_equivalent", "shape"),
    (
        "push_through_wrong_side",
        (R.X.T * R.X + 2 * R.n * R.lam * I_d).I * R.X.T * (R.X * R.X.T + 2 * R.n * R.lam * I_n).I * R.t,
        "not_equivalent",
        "random_instantiation",
    ),
]


@pytest.mark.parametrize(
    ("candidate", "outcome", "method"), [r[1:] for r in RIDGE], ids=[r[0] for r in RIDGE]
)
def test_ridge_forms(candidate: sympy.Basic, outcome: str, method: str) -> None:
    result = compare(REF_122, candidate, table("1.2.2"))
    assert (result.outcome, result.method) == (outcome, method), result.evidence


def test_square_gram_matrices_are_not_confused() -> None:
    """XᵀX vs XXᵀ with X square: same shape, different matrices (never X²)."""
    n = sympy.Symbol("n", integer=True, positive=True)
    t = SymbolTable(
        (
            SymbolSpec("n", "n", assumptions=frozenset({"integer", "positive"})),
            SymbolSpec("X", "X", shape=("n", "n")),
        )
    )
    X = sympy.MatrixSymbol("X", n, n)
    result = compare(X.T * X, X * X.T, t)
    assert result.outcome == "not_equivalent"
    assert result.method == "random_instantiation"
    assert compare(X.T * X, (X.T * X).T, t).outcome == "equivalent"


def test_shape_refutation_names_both_shapes() -> None:
    result = compare(REF_122, (R.X * R.X.T + 2 * R.n * R.lam * I_n).I * R.t, table("1.2.2"))
    assert "d×1" in result.evidence and "n×1" in result.evidence


def test_refutation_carries_the_point_and_both_values() -> None:
    result = compare(REF_122, (R.X.T * R.X + R.n * R.lam * I_d).I * R.X.T * R.t, table("1.2.2"))
    assert result.evidence.startswith("refuted at n=")
    labels = [name for name, _ in result.counterexample]
    assert labels[-2:] == ["reference", "candidate"]
    assert {"n", "d", "\\lambda", "X", "t"} <= set(labels)
    assert all(isinstance(v, str) and v for _, v in result.counterexample)
    assert result.error_bound is None


def test_acceptance_states_its_error_bound() -> None:
    result = compare(REF_122, R.X.T * (R.X * R.X.T + 2 * R.n * R.lam * I_n).I * R.t, table("1.2.2"))
    assert result.outcome == "equivalent"
    assert result.error_bound is not None and 0 < result.error_bound <= 1e-6
    assert result.points >= EquivalenceConfig().points
    assert "agrees at" in result.evidence and "(n, d) ∈" in result.evidence
    assert "Schwartz–Zippel" in result.evidence


F = symbols("1.1.2")
REF_112 = el(F.w.T * F.x) - F.eps * el(F.w.T * F.w)
FGM = [
    ("factored", el(F.w.T * (F.x - F.eps * F.w)), "equivalent"),
    ("x_first", el(F.x.T * F.w) - F.eps * el(F.w.T * F.w), "equivalent"),
    ("sign_flipped", el(F.w.T * F.x) + F.eps * el(F.w.T * F.w), "not_equivalent"),
    ("dropped_norm", el(F.w.T * F.x) - F.eps, "not_equivalent"),
    ("gradient_is_x", el(F.w.T * F.x) - F.eps * el(F.w.T * F.x), "not_equivalent"),
    ("x_adv_left_in", el(F.w.T * F.x_adv), "not_equivalent"),
]


@pytest.mark.parametrize(("candidate", "outcome"), [r[1:] for r in FGM], ids=[r[0] for r in FGM])
def test_fgm_forms(candidate: sympy.Basic, outcome: str) -> None:
    assert compare(REF_112, candidate, table("1.1.2")).outcome == outcome


def test_definitions_are_substituted() -> None:
    definitions = {F.x_adv: F.x - F.eps * F.w}
    result = compare(REF_112, el(F.w.T * F.x_adv), table("1.1.2"), definitions=definitions)
    assert result.outcome == "equivalent"


W = symbols("1.2.3")
XX, XT = el(W.X.T * W.X), el(W.X.T * W.t)
REF_123 = W.x * (XX + 2 * W.n * W.lam) / XT
ONE_D = [
    ("inverse_form", W.x * (XX + 2 * W.n * W.lam) * XT**-1, "equivalent"),
    ("expanded", (W.x * XX + 2 * W.x * W.n * W.lam) / XT, "equivalent"),
    ("inverted", XT / (W.x * (XX + 2 * W.n * W.lam)), "not_equivalent"),
    ("missing_factor_2", W.x * (XX + W.n * W.lam) / XT, "not_equivalent"),
    ("no_regularizer", W.x * XX / XT, "not_equivalent"),
]


@pytest.mark.parametrize(("candidate", "outcome"), [r[1:] for r in ONE_D], ids=[r[0] for r in ONE_D])
def test_one_d_forms(candidate: sympy.Basic, outcome: str) -> None:
    assert compare(REF_123, candidate, table("1.2.3")).outcome == outcome


def test_one_d_follow_through_with_the_definition_of_w() -> None:
    definitions = {W.w: XT / (XX + 2 * W.n * W.lam)}
    assert compare(REF_123, W.x / W.w, table("1.2.3"), definitions=definitions).outcome == "equivalent"
    assert compare(REF_123, W.x / W.w, table("1.2.3")).outcome == "not_equivalent"


def test_one_d_sizes_vary_n_only() -> None:
    result = compare(
        REF_123,
        (W.x * XX + 2 * W.x * W.n * W.lam) / XT,
        table("1.2.3"),
        config=EquivalenceConfig(symbolic=False),
    )
    assert "n ∈ {4,2,3,5}" in result.evidence


D = symbols("3.2")
p = D.p
REF_32 = sympy.sqrt((1 - p) / p)
DROPOUT = [
    ("quotient_of_roots", sympy.sqrt(1 - p) / sympy.sqrt(p), "equivalent"),
    ("one_over_p_minus_1", sympy.sqrt(1 / p - 1), "equivalent"),
    ("rationalized", sympy.sqrt(p * (1 - p)) / p, "equivalent"),
    ("sigma_squared", (1 - p) / p, "not_equivalent"),
    ("inverted", sympy.sqrt(p / (1 - p)), "not_equivalent"),
    ("no_inverted_scale", sympy.sqrt(p * (1 - p)), "not_equivalent"),
    ("missing_p", sympy.sqrt(1 - p), "not_equivalent"),
    ("negated", -sympy.sqrt((1 - p) / p), "not_equivalent"),
]


@pytest.mark.parametrize(("candidate", "outcome"), [r[1:] for r in DROPOUT], ids=[r[0] for r in DROPOUT])
def test_dropout_radicals_compared_exactly(candidate: sympy.Basic, outcome: str) -> None:
    result = compare(REF_32, candidate, table("3.2"), config=EquivalenceConfig(symbolic=False))
    assert result.outcome == outcome, result.evidence
    if result.method == "random_instantiation" and outcome == "equivalent":
        assert "radicals compared exactly" in result.evidence


def test_radical_near_miss_is_refuted() -> None:
    """Agrees with σ to 3 decimals at p=1/2 style points but is a different number."""
    result = compare(
        REF_32,
        sympy.sqrt((1 - p) / p) + sympy.Rational(1, 10**40),
        table("3.2"),
        config=EquivalenceConfig(symbolic=False),
    )
    assert result.outcome == "not_equivalent"


G = symbols("1.2.4")
SIGNS = [
    ("sgn_as_ratio", G.x * G.w / sympy.Abs(G.w), "equivalent"),
    ("abs_x", sympy.Abs(G.x), "not_equivalent"),
    ("sgn_dropped", G.x, "not_equivalent"),
]


@pytest.mark.parametrize(("candidate", "outcome"), [r[1:] for r in SIGNS], ids=[r[0] for r in SIGNS])
def test_sign_and_absolute_value(candidate: sympy.Basic, outcome: str) -> None:
    result = compare(
        G.x * sympy.sign(G.w), candidate, table("1.2.4"), config=EquivalenceConfig(symbolic=False)
    )
    assert result.outcome == outcome, result.evidence
    if outcome == "equivalent":
        assert "sign region" in result.evidence


HOSTILE = [
    ("huge_power", (R.lam + 1) ** (10**6), (R.lam + 1) ** (10**6) + 1),
    ("huge_power_both", (R.lam + 1) ** 4000, sympy.Pow(R.lam + 1, 4000, evaluate=False)),
    ("huge_matrix_power", sympy.MatPow(R.X.T * R.X, 10**5), R.X.T * R.X),
    ("nested_radicals", sympy.sqrt(sympy.sqrt(sympy.sqrt(R.lam**99 + 1))), R.lam),
    (
        "radical_inside_an_inverse",
        R.X.T * (R.X * R.X.T + 2 * R.n * sympy.sqrt(R.lam) * sympy.Identity(R.n)).I * R.t,
        R.X.T * (R.X * R.X.T + 2 * R.n * R.lam * sympy.Identity(R.n)).I * R.t,
    ),
]


@pytest.mark.parametrize(("reference", "candidate"), [r[1:] for r in HOSTILE], ids=[r[0] for r in HOSTILE])
def test_hostile_input_returns_a_verdict(reference: sympy.Basic, candidate: sympy.Basic) -> None:
    """Huge exponents are guarded before anything is expanded: a verdict comes back, never a hang."""
    result = compare(reference, candidate, table("1.2.2"))
    assert result.outcome in {"equivalent", "not_equivalent", "undecided"}
    if result.outcome == "equivalent":
        assert result.method == "structural"


def test_undefined_everywhere_is_undecided_not_wrong() -> None:
    lam = R.lam
    zero = sympy.Add(lam, -lam, evaluate=False)
    result = compare(1 / lam, sympy.Pow(zero, -1, evaluate=False), table("1.2.2"))
    assert (result.outcome, result.method) == ("undecided", "none")
    assert "no random point" in result.evidence


def test_unsupported_construct_is_undecided() -> None:
    f = sympy.Function("f")
    result = compare(f(R.lam), f(R.lam) + 0 * R.lam + 1, table("1.2.2"))
    assert result.outcome == "undecided"


def test_cascade_is_cheapest_first() -> None:
    assert CASCADE[:3] == (by_shape, by_structure, by_symbolic)
    assert CASCADE[-1].__name__ == "by_instantiation"


def test_symbolic_stage_proves_small_scalar_identities() -> None:
    lam, eps = R.lam, F.eps
    result = compare((lam + eps) ** 2, lam**2 + 2 * lam * eps + eps**2, table("1.2.2"))
    assert (result.outcome, result.method) == ("equivalent", "symbolic")


def test_deterministic_for_a_seed() -> None:
    candidate = (R.X.T * R.X + R.n * R.lam * I_d).I * R.X.T * R.t
    assert compare(REF_122, candidate, table("1.2.2")) == compare(REF_122, candidate, table("1.2.2"))
    other = compare(REF_122, candidate, table("1.2.2"), config=EquivalenceConfig(seed=7))
    assert other.outcome == "not_equivalent"


def test_literal_zero_against_a_vector() -> None:
    residual = R.X.T * (R.X * R.w - R.t) / R.n + 2 * R.lam * R.w
    assert compare(sympy.Integer(0), residual, table("1.2.2")).outcome == "not_equivalent"
    assert compare(sympy.Integer(0), R.w - R.w + 0 * R.lam * R.w, table("1.2.2")).outcome == "equivalent"


def test_bounded_variable_samples_stay_inside() -> None:
    result = compare(sympy.log(p), sympy.log(p), table("3.2"))
    assert result.outcome == "equivalent"
    result = compare(p, p + Fraction(0), table("3.2"))
    assert result.outcome == "equivalent"


def test_symbolic_stage_treats_one_by_one_entries_as_atoms() -> None:
    result = compare(REF_123, (W.x * XX + 2 * W.x * W.n * W.lam) / XT, table("1.2.3"))
    assert (result.outcome, result.method) == ("equivalent", "symbolic")


def test_symbolic_stage_skips_large_expansions() -> None:
    lam, eps = R.lam, F.eps
    big = (lam + eps + 1) ** 12 * (lam - eps) ** 12
    result = compare(big, sympy.expand((lam + eps + 1) ** 12) * (lam - eps) ** 12, table("1.2.2"))
    assert result.method != "symbolic"


def _nested(depth: int) -> sympy.Basic:
    e: sympy.Basic = R.lam
    for k in range(depth):
        inner = sympy.Add(e, k + 1, evaluate=False)
        e = sympy.Pow(inner, 2 if k % 2 else -1, evaluate=False)
    return e


@pytest.mark.parametrize("depth", [150, 3000], ids=["deep", "very_deep"])
def test_deep_nesting_is_refused_before_recursion(depth: int) -> None:
    e = _nested(depth)
    result = compare(e, sympy.Add(e, 1, evaluate=False), table("1.2.2"))
    assert (result.outcome, result.method) == ("undecided", "none")
    assert "nested deeper" in result.evidence


def test_constants_are_compared_exactly() -> None:
    result = compare(sympy.sqrt(2) + sympy.sqrt(3), sympy.sqrt(5 + 2 * sympy.sqrt(6)), table("3.2"))
    assert (result.outcome, result.error_bound) == ("equivalent", None)
    assert "exact evaluation" in result.evidence
    assert compare(sympy.sqrt(2), sympy.Rational(99, 70), table("3.2")).outcome == "not_equivalent"


def test_an_entry_outside_the_matrix_is_undecided_not_a_crash() -> None:
    from sympy.matrices.expressions.matexpr import MatrixElement

    j = sympy.Symbol("j", integer=True)
    outside = sympy.Sum(MatrixElement(R.t, j, 0), (j, 1, R.n))
    inside = sympy.Sum(MatrixElement(R.t, j - 1, 0), (j, 1, R.n))
    assert compare(inside, outside, table("1.2.2")).outcome == "undecided"
    assert compare(inside, el(R.t.T * sympy.OneMatrix(R.n, 1)), table("1.2.2")).outcome == "equivalent"
