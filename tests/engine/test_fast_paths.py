"""The compare stage's fast paths give exactly what their plain definitions give.

Sample values and exact values appear in counterexamples, so every shortcut must be exact:

* ``sample_set``'s interval branch (the Farey sequence, in order) against the set it replaces;
* the rational matrix product (common denominators) against Fraction arithmetic;
* the evaluator's per-type dispatch against the branch the ``isinstance`` chain picked;
* the evaluator that shares values with its caller against the one that does not;
* ``_size_at``'s shortcuts against substitution;
* the key's side, prepared once per process, is one object (so caches keyed by it do not compare
  equal copies node by node), and a cached point's hash survives pickling.
"""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest
import sympy
from hw3_symbols import el, symbols, table
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.concrete.summations import Sum
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import clear_all
from checker.config import EquivalenceConfig
from checker.engine import cascade as equivalence
from checker.engine import evaluate as ev
from checker.engine import exact as ex
from checker.engine import instantiate as inst
from checker.engine import points as _points
from checker.engine.points import Point, PointMemo

F = Fraction

# ---------------------------------------------------------------------------------------------
# sample sets
# ---------------------------------------------------------------------------------------------


def plain_sample_set(rule: inst.Rule, bound: int) -> tuple[Fraction, ...]:
    """``sample_set`` as it was written before the interval fast path."""
    values: set[Fraction] = set()
    if rule.kind == "integer":
        values = {Fraction(k) for k in range(-bound, bound + 1)}
    elif rule.kind == "interval" and rule.lower is not None and rule.upper is not None:
        width = rule.upper - rule.lower
        values = {
            rule.lower + width * Fraction(k, m) for m in range(2, bound * bound + 1) for k in range(1, m)
        }
    else:
        values = {Fraction(p, q) for p in range(-bound, bound + 1) for q in range(1, bound + 1)}
        if rule.lower is not None:
            values = {rule.lower + abs(v) for v in values if v != 0}
        elif rule.upper is not None:
            values = {rule.upper - abs(v) for v in values if v != 0}
    if rule.positive:
        values = {v for v in values if v > 0}
    if rule.nonnegative:
        values = {v for v in values if v >= 0}
    if rule.nonzero:
        values = {v for v in values if v != 0}
    if not values:
        raise ex.Unsupported(f"no value satisfies the assumptions {rule}")
    return tuple(sorted(values))


RULES = [
    pytest.param(inst.Rule("interval", lower=F(0), upper=F(1)), id="probability"),
    pytest.param(inst.Rule("interval", lower=F(-3, 2), upper=F(7, 3)), id="interval-fractions"),
    pytest.param(inst.Rule("interval", lower=F(2), upper=F(-1)), id="interval-reversed"),
    pytest.param(inst.Rule("interval", lower=F(1), upper=F(1)), id="interval-empty-width"),
    pytest.param(inst.Rule("interval", positive=True, lower=F(-1), upper=F(1)), id="interval-positive"),
    pytest.param(
        inst.Rule("interval", nonnegative=True, nonzero=True, lower=F(-1, 3), upper=F(5)),
        id="interval-nonnegative-nonzero",
    ),
    pytest.param(inst.Rule(), id="rational"),
    pytest.param(inst.Rule(positive=True), id="positive"),
    pytest.param(inst.Rule(lower=F(1, 2)), id="lower-bound"),
    pytest.param(inst.Rule(upper=F(0), nonzero=True), id="upper-bound"),
    pytest.param(inst.Rule("integer", positive=True), id="positive-integer"),
]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("bound", [1, 2, 3, 9], ids=lambda b: f"bound{b}")
def test_sample_set_equals_the_plain_definition(rule: inst.Rule, bound: int) -> None:
    try:
        expected: tuple[Fraction, ...] | str = plain_sample_set(rule, bound)
    except ex.Unsupported as exc:
        expected = str(exc)
    try:
        found: tuple[Fraction, ...] | str = inst.sample_set.__wrapped__(rule, bound)
    except ex.Unsupported as exc:
        found = str(exc)
    assert found == expected


# ---------------------------------------------------------------------------------------------
# exact arithmetic and evaluation
# ---------------------------------------------------------------------------------------------

ENTRIES = st.fractions(min_value=-50, max_value=50, max_denominator=30)


@st.composite
def products(draw: st.DrawFn) -> tuple[ex.Mat, ex.Mat]:
    rows, inner, cols = draw(st.integers(0, 4)), draw(st.integers(0, 4)), draw(st.integers(0, 4))

    def mat(r: int, c: int) -> ex.Mat:
        return ex.Mat(r, c, tuple(tuple(draw(ENTRIES) for _ in range(c)) for _ in range(r)))

    return mat(rows, inner), mat(inner, cols)


@settings(max_examples=200, deadline=None)
@given(products())
def test_rational_matrix_product_equals_fraction_arithmetic(pair: tuple[ex.Mat, ex.Mat]) -> None:
    a, b = pair
    expected = tuple(
        tuple(sum((a.data[i][k] * b.data[k][j] for k in range(a.cols)), Fraction(0)) for j in range(b.cols))
        for i in range(a.rows)
    )
    product = ex.mat_mul(a, b)
    assert (product.rows, product.cols, product.data) == (a.rows, b.cols, expected)
    assert all(type(v) is Fraction for row in product.data for v in row)


def chain_branch(e: sympy.Basic) -> str:
    """The branch the evaluator's original ``isinstance`` chain took for ``e``."""
    chain: list[tuple[type | object, str]] = [
        (sympy.Rational, "_rational"),
        (sympy.Symbol | sympy.MatrixSymbol, "_symbol"),
        (sympy.Float, "_float"),
        (sympy.NumberSymbol, "_number_symbol"),
        (sympy.MatAdd, "_mat_add"),
        (sympy.MatMul, "_mat_mul"),
        (sympy.Add, "_add"),
        (sympy.Mul, "_mul"),
        (sympy.Pow, "_power"),
        (sympy.Abs, "_abs"),
        (sympy.sign, "_sign"),
        (MatrixElement, "_element"),
        (Sum, "_sum"),
        (sympy.Inverse, "_inverse"),
        (sympy.Transpose, "_transpose"),
        (sympy.MatPow, "_mat_power"),
        (sympy.Identity, "_identity"),
        (sympy.ZeroMatrix, "_zero_matrix"),
        (sympy.OneMatrix, "_one_matrix"),
        (sympy.Trace, "_trace"),
        (sympy.Determinant, "_determinant"),
        (sympy.MatrixBase, "_explicit"),
    ]
    for kinds, name in chain:
        if isinstance(e, kinds):  # type: ignore[arg-type]
            return name
    if (
        isinstance(e, sympy.Function)
        and not isinstance(e, AppliedUndef)
        and not isinstance(e, sympy.Piecewise)
    ):
        return "_function"
    return "_unsupported"


S = symbols("1.2.2")
u = sympy.Symbol("u", real=True)
k = sympy.Symbol("k", integer=True)
NODES = [
    sympy.Integer(3),
    sympy.Integer(0),
    sympy.Integer(-1),
    sympy.Rational(1, 2),
    sympy.Rational(-3, 7),
    sympy.Float("0.25"),
    sympy.pi,
    sympy.E,
    u,
    S.lam,
    S.X,
    S.X + S.X,
    S.X.T * S.X,
    u + 1,
    2 * u,
    u**2,
    sympy.sqrt(u),
    sympy.Abs(u),
    sympy.sign(u),
    el(S.w.T * S.w),
    Sum(k * u, (k, 1, 3)),
    (S.X.T * S.X).I,
    S.X.T,
    sympy.MatPow(S.X.T * S.X, 2),
    sympy.Identity(S.d),
    sympy.ZeroMatrix(S.d, S.d),
    sympy.OneMatrix(S.d, S.d),
    sympy.Trace(S.X.T * S.X),
    sympy.Determinant(S.X.T * S.X),
    sympy.Matrix([[1, u], [u, 2]]),
    sympy.ImmutableMatrix([[1, 2]]),
    sympy.log(u),
    sympy.exp(u),
    sympy.sin(u),
    sympy.Function("f")(u),
    sympy.Piecewise((u, u > 0), (0, True)),
    sympy.Eq(u, 1),
    sympy.Interval(0, 1),
]


@pytest.mark.parametrize("node", NODES, ids=lambda e: f"{type(e).__name__}:{sympy.sstr(e)}")
def test_dispatch_takes_the_branch_of_the_isinstance_chain(node: sympy.Basic) -> None:
    assert ev._handler(type(node)).__name__ == chain_branch(node)


CONFIG = EquivalenceConfig()
SIDES = [
    pytest.param((S.X.T * S.X + 2 * S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t, id="ridge"),
    pytest.param(el(S.w.T * (S.x - S.eps * S.w)) / (1 + S.lam), id="scalar-of-vectors"),
    pytest.param(sympy.sqrt(S.lam) * u + sympy.Abs(u - 1) / (u**2 + 1), id="radical-abs"),
    pytest.param(Sum(k * u, (k, 1, 4)) + u, id="sum"),
]


@pytest.mark.parametrize("expr", SIDES)
def test_sharing_and_plain_evaluators_agree(expr: sympy.Basic) -> None:
    variables = inst.collect([expr, u], table("1.2.2"))
    sizes = inst.dimension_points(variables, CONFIG)
    for index in range(4):
        dims = sizes[index % len(sizes)]
        env = inst.sample(variables, dims, CONFIG, index, 0)
        plain_zt, shared_zt = ex.ZeroTest(), ex.ZeroTest()
        plain = inst.evaluate(expr, env, plain_zt)
        shared: dict[sympy.Basic, ex.Value] = {}
        for value in (F(1), F(-2, 3), env["u"]):  # the varying name changes between calls
            inst.evaluate(expr, {**env, "u": value}, shared_zt, shared=shared, varying="u")
        assert inst.evaluate(expr, env, shared_zt, shared=shared, varying="u") == plain
        assert shared  # something free of u was shared
        assert (plain_zt.algebraic, plain_zt.numeric_only) == (shared_zt.algebraic, shared_zt.numeric_only)


# ---------------------------------------------------------------------------------------------
# degree and sizes
# ---------------------------------------------------------------------------------------------

n, d = sympy.Symbol("n", integer=True, positive=True), sympy.Symbol("d", integer=True, positive=True)


@pytest.mark.parametrize(
    "size", [n, d, sympy.Symbol("m"), sympy.Integer(3), n + 1, 2 * d], ids=lambda e: sympy.sstr(e)
)
def test_size_at_shortcuts_equal_substitution(size: sympy.Basic) -> None:
    dims = {"n": 4, "d": 2}
    value = size.subs({s: dims[s.name] for s in size.free_symbols if s.name in dims})
    assert inst._size_at(size, dims) == (int(value) if value.is_Integer else 64)


def test_degree_at_equals_degree() -> None:
    expr = (S.X.T * S.X + 2 * S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t
    for dims in ((("n", 4), ("d", 2)), (("n", 2), ("d", 3))):
        assert inst.degree_at(expr, dims) == inst.degree(expr, dict(dims))


# ---------------------------------------------------------------------------------------------
# what keys the caches
# ---------------------------------------------------------------------------------------------


def test_the_keys_side_is_prepared_once_per_process() -> None:
    reference = el(S.w.T * S.x_adv)
    definitions = ((S.x_adv, S.x - S.eps * S.w),)
    first, changed = equivalence._prepared_fixed(reference, definitions)
    again, _ = equivalence._prepared_fixed(reference, definitions)
    assert changed
    assert first is again
    assert first == equivalence._prepared(reference, definitions)[0]


def test_memo_prepares_a_candidate_once_per_call() -> None:
    memo = PointMemo()
    candidate = S.X.T * S.t
    assert equivalence._prepare(memo, candidate, ()) is equivalence._prepare(memo, candidate, ())


def test_a_point_keeps_its_hash_and_equality_through_pickling() -> None:
    variables = inst.collect([S.X.T * S.t, S.lam], table("1.2.2"))
    point = Point(variables, (("n", 4), ("d", 2)), CONFIG, 3, 1, None)
    copy = pickle.loads(pickle.dumps(point))
    assert copy == point
    assert hash(copy) == hash(point) == hash(Point(variables, (("n", 4), ("d", 2)), CONFIG, 3, 1, None))
    assert copy != Point(variables, (("n", 4), ("d", 2)), CONFIG, 3, 2, None)
    assert pickle.loads(pickle.dumps(variables)) == variables


D = symbols("3.2")
REFUTED = [
    (sympy.sqrt((1 - D.p) / D.p), sympy.sqrt(D.p / (1 - D.p)), "3.2"),
    (sympy.sqrt((1 - D.p) / D.p), sympy.sqrt(7 - 3 * D.p) / sympy.sqrt(5 * D.p), "3.2"),
    (
        (S.X.T * S.X + 2 * S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t,
        (S.X.T * S.X + S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t,
        "1.2.2",
    ),
    (
        (S.X.T * S.X + 2 * S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t,
        S.X.T * (S.X * S.X.T + 3 * S.n * S.lam * sympy.Identity(S.n)).I * S.t,
        "1.2.2",
    ),
    (el(S.w.T * (S.x - S.eps * S.w)), el(S.w.T * S.x) - 2 * S.eps * el(S.w.T * S.w), "1.1.2"),
    # the same sizes, different symbols sampled: points that must not be confused
    (S.X.T * S.t, S.X.T * S.t + S.X.T * S.X * S.w, "1.2.2"),
    (S.X.T * S.t, 2 * S.X.T * S.t, "1.2.2"),
]


def _clear_caches() -> None:
    clear_all()


def test_refutations_are_the_same_with_cold_and_warm_process_caches() -> None:
    """Each refutation computed first with empty process-wide caches, then again in reverse order
    with every cache full of the others' points, values and texts."""
    cold = []
    for reference, candidate, qid in REFUTED:
        _clear_caches()
        cold.append(
            equivalence.compare(reference, candidate, table(qid), memo=PointMemo(reference_fixed=True))
        )
    warm = [
        equivalence.compare(reference, candidate, table(qid), memo=PointMemo(reference_fixed=True))
        for reference, candidate, qid in reversed(REFUTED)
    ]
    assert [c.outcome for c in cold] == ["not_equivalent"] * len(REFUTED)
    assert cold == warm[::-1]
    assert len({c.evidence for c in cold}) == len(REFUTED)


ACCEPTED = [
    (sympy.sqrt((1 - D.p) / D.p), sympy.sqrt(1 - D.p) / sympy.sqrt(D.p), "3.2"),
    (
        (S.X.T * S.X + 2 * S.n * S.lam * sympy.Identity(S.d)).I * S.X.T * S.t,
        S.X.T * (S.X * S.X.T + 2 * S.n * S.lam * sympy.Identity(S.n)).I * S.t,
        "1.2.2",
    ),
    (el(S.w.T * (S.x - S.eps * S.w)), el(S.w.T * S.x) - S.eps * el(S.w.T * S.w), "1.1.2"),
]


def test_a_kept_decision_is_the_decision_computed_cold() -> None:
    """The cascade keeps its decision on two small sides for the process: what it hands back for
    the same two sides is what a cold computation decides, refutation, proof or acceptance."""
    pairs = [*REFUTED, *ACCEPTED]
    cold = []
    for reference, candidate, qid in pairs:
        _clear_caches()
        cold.append(equivalence.compare(reference, candidate, table(qid)))
    kept = [equivalence.compare(reference, candidate, table(qid)) for reference, candidate, qid in pairs]
    assert kept == cold
    assert [c.outcome for c in cold[len(REFUTED) :]] == ["equivalent"] * len(ACCEPTED)
    assert all(equivalence.compare(r, c, table(q)) is k for (r, c, q), k in zip(pairs, kept, strict=True))


def test_an_outcome_only_comparison_decides_alike_without_searching_a_simpler_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``readable=False`` (a known mistake, an accepted form: only the outcome is used) skips the
    search for a refuting point a student can check by hand and writing its values out, and
    decides exactly as before."""
    _clear_caches()
    readable = [equivalence.compare(r, c, table(q)) for r, c, q in [*REFUTED, *ACCEPTED]]

    def no_search(*args: object) -> None:
        raise AssertionError("searched for a simpler refutation")

    monkeypatch.setattr(equivalence, "simplest", no_search)
    _clear_caches()
    outcome_only = [equivalence.compare(r, c, table(q), readable=False) for r, c, q in [*REFUTED, *ACCEPTED]]
    assert [(e.outcome, e.method) for e in outcome_only] == [(e.outcome, e.method) for e in readable]
    sampled = [
        (o, r)
        for o, r in zip(outcome_only, readable, strict=True)
        if (r.outcome, r.method) == ("not_equivalent", "random_instantiation")
    ]
    assert sampled and all(r.counterexample for _, r in sampled)
    assert all(not o.counterexample and "candidate =" not in o.evidence for o, _ in sampled)
    with pytest.raises(AssertionError, match="searched"):  # the readable comparison does search
        _clear_caches()
        equivalence.compare(*REFUTED[0][:2], table(REFUTED[0][2]))


def test_a_decision_is_kept_for_small_sides_only_and_keyed_by_structure() -> None:
    _clear_caches()
    t = table("3.2")
    small = sympy.sqrt((1 - D.p) / D.p)
    equivalence.compare(small, 2 * D.p, t)
    equivalence.compare(small, sympy.Float(2.0) * D.p, t)  # 2.0 is not 2: a second entry
    assert len(equivalence._decided._items) == 2
    large = sum((D.p + k) ** 3 for k in range(60))  # past the kept node count
    equivalence.compare(small, large, t)
    assert len(equivalence._decided._items) == 2


def test_an_answers_small_value_is_kept_and_a_large_one_is_not() -> None:
    _clear_caches()
    variables = inst.collect([S.X.T * S.t, S.lam], table("1.2.2"))
    point = Point(variables, (("n", 4), ("d", 2)), CONFIG, 0, 0, None)
    small = S.X.T * S.t + S.lam * S.X.T * S.t
    large = (S.lam + 7) ** 500 * S.X.T * S.t  # more than 1,400 bits: past the kept size
    for expr in (small, large):
        memo = PointMemo()
        memo.summary(expr)
        fresh = _points._evaluate_at(expr, point)
        assert _points.values_at(memo, expr, expr, point, ex.ZeroTest()) == (fresh.value, fresh.value)
    assert _points._kept_value(small, point) == _points._evaluate_at(small, point)
    assert _points._kept_value(large, point) is None
    assert _points._kept_value.cache_info().currsize == 2


def test_an_error_at_a_point_is_kept_with_its_message() -> None:
    _clear_caches()
    u_positive = sympy.Symbol("u", positive=True)
    expr = sympy.log(-u_positive)
    variables = inst.collect([expr], table("1.2.2"))
    point = Point(variables, (), CONFIG, 0, 0, None)
    memo = PointMemo()
    with pytest.raises(ex.Singular, match="logarithm of a non-positive number"):
        _points.values_at(memo, expr, expr, point, ex.ZeroTest())
    kept = _points._kept_value(expr, point)
    assert kept is not None and kept.error == (ex.Singular, "logarithm of a non-positive number")


SPARSE = st.one_of(st.just(Fraction(0)), ENTRIES)


@st.composite
def sums(draw: st.DrawFn) -> tuple[Fraction, ex.Mat, ex.Mat]:
    rows, cols = draw(st.integers(0, 4)), draw(st.integers(0, 4))

    def mat() -> ex.Mat:
        return ex.Mat(rows, cols, tuple(tuple(draw(SPARSE) for _ in range(cols)) for _ in range(rows)))

    return draw(SPARSE), mat(), mat()


@settings(max_examples=200, deadline=None)
@given(sums())
def test_rational_matrix_sum_and_scaling_equal_fraction_arithmetic(
    case: tuple[Fraction, ex.Mat, ex.Mat],
) -> None:
    c, a, b = case
    added, scaled = ex.mat_add(a, b), ex.mat_scale(c, a)
    pairs = zip(a.data, b.data, strict=True)
    assert added.data == tuple(tuple(x + y for x, y in zip(ra, rb, strict=True)) for ra, rb in pairs)
    assert scaled.data == tuple(tuple(c * x for x in row) for row in a.data)
    assert all(type(v) is Fraction for m in (added, scaled) for row in m.data for v in row)
