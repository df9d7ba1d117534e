"""The equivalence cascade: is a candidate answer the same mathematical object as the reference?

The cascade is written down once, in :data:`CASCADE`, cheapest stage first.  Every stage is a named
function taking one :class:`Comparison` and returning an :class:`~checker.verdict.Equivalence` or
None ("no decision"):

1. :func:`by_shape`: different shapes refute (``d×1`` vs ``n×1``, a scalar vs a vector).
2. :func:`by_structure`: identical SymPy trees after substituting the table's definitions prove.
3. :func:`by_symbolic`: a bounded symbolic attempt (the difference of small scalar
   expressions reduced in SymPy's field of rational functions; nothing unbounded such as
   ``simplify``) proves.
4. :func:`by_instantiation`: exact randomized instantiation.  Random sizes (n > d and n < d),
   random rational entries and scalars drawn under each symbol's assumptions, exact arithmetic.
   A mismatch refutes with the point; agreement at every point accepts with an error bound.
5. otherwise ``undecided``, never ``not_equivalent`` by default.

Exceptions that are not our signals (SymPy bugs, our bugs) propagate: the caller reports an
internal error instead of turning it into a wrong answer.

**The error bound.**  At fixed sizes, after clearing denominators each side is a ratio of
polynomials in the sampled values, so the difference is P/Q with deg P <= D and deg Q <= D_Q,
bounded from the expression tree (:func:`checker.engine.instantiate.degree`: sums add denominators,
products add degrees, the inverse of a k×k matrix multiplies by k; a radical is a new value of the
matching degree and the conjugates multiply the bound).  Each variable is drawn uniformly from a
finite set of at least S values, so by the Schwartz–Zippel lemma a nonzero P vanishes at a point
with probability at most D/S; conditioning on Q != 0 (singular points are resampled, never counted)
gives D/(S - D_Q).  Independent points multiply.  The bound assumes the sides differ as functions
at the sizes sampled and, for |·| and sgn, that their sign regions were sampled.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import Kept, memo
from checker.config import EquivalenceConfig
from checker.engine import instantiate as inst
from checker.engine import symbolic as sym
from checker.engine.exact import Singular, Unsupported, Value, ZeroTest
from checker.engine.points import Point, PointMemo, sampled, values_at, variables_for
from checker.engine.search import ATTEMPTS, simplest, value_text, values_equal
from checker.table import SymbolTable
from checker.verdict import Equivalence

__all__ = [
    "CASCADE",
    "Comparison",
    "PointMemo",
    "by_instantiation",
    "by_shape",
    "by_structure",
    "by_symbolic",
    "compare",
    "plain_name",
    "point_text",
    "shape_text",
    "substitute_definitions",
]

# Extra points are drawn (up to 4 × config.points) until the bound is at most this.
_TARGET_BOUND = 1e-6
# A randomized acceptance with a weaker bound than this is reported as undecided.
_WORST_ACCEPTED_BOUND = 1e-2
# The symbolic stage only proves identities whose sides' degree bound is at most this.
_SYMBOLIC_MAX_DEGREE = 24

# Greek letter names as letters in sentences (generic: no homework's symbol is named here).
_PLAIN_NAMES: Mapping[str, str] = MappingProxyType(
    {
        name: unicodedata.lookup(f"GREEK SMALL LETTER {'LAMDA' if name == 'lambda' else name.upper()}")
        for name in [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
        ]
    }
)


@dataclass(frozen=True)
class Comparison:
    """One question put to the cascade: definitions already substituted, zeros sized.

    Attributes:
        reference: the key's answer.
        candidate: the answer being judged.
        table: the question's symbol table (assumptions, bounds, LaTeX names).
        config: the cascade's knobs.
        substituted: whether definitions were substituted (for the evidence).
        readable: whether a refutation looks for the simplest refuting point and writes it out
            (for people), or only says that a point refutes (only the outcome is used).
        memo: values at sampled points already computed in this call (see :class:`PointMemo`).
    """

    reference: sympy.Basic
    candidate: sympy.Basic
    table: SymbolTable
    config: EquivalenceConfig = field(default_factory=EquivalenceConfig)
    substituted: bool = False
    readable: bool = True
    memo: PointMemo = field(default_factory=PointMemo, compare=False, repr=False)


Stage = Callable[[Comparison], Equivalence | None]


def compare(
    reference: sympy.Basic,
    candidate: sympy.Basic,
    table: SymbolTable,
    *,
    config: EquivalenceConfig = EquivalenceConfig(),
    definitions: Mapping[sympy.Basic, sympy.Basic] | None = None,
    memo: PointMemo | None = None,
    readable: bool = True,
) -> Equivalence:
    """Decide whether ``candidate`` is equivalent to ``reference``.

    Args:
        reference: typed SymPy of the key's answer.
        candidate: typed SymPy of the answer being judged.
        table: the question's symbol table.
        config: points, sizes, entry bound, seed, precision.
        definitions: symbol → expression (``x' := x - εw``) substituted into both sides first.
        memo: the caller's per-call memo of point values (a fresh one by default); it changes how
            fast the answer comes, never the answer.
        readable: False when only the outcome will be used (a known mistake, an accepted form):
            a refutation then only says that a sample point refutes, without searching for the
            simplest one a student can check by hand or writing the values out.  The outcome is
            the same either way.

    Returns:
        The decision with its method and evidence: ``shape``, ``structural``, ``symbolic``,
        ``random_instantiation`` or ``none`` (undecided).

    Raises:
        Nothing of ours; an unexpected SymPy exception propagates (an internal error).

    >>> import sympy
    >>> from fractions import Fraction
    >>> from checker.table import SymbolSpec, SymbolTable
    >>> table = SymbolTable((SymbolSpec("p", "p", lower=Fraction(0), upper=Fraction(1)),))
    >>> p = sympy.Symbol("p", real=True, positive=True)
    >>> compare(sympy.sqrt((1 - p) / p), sympy.sqrt(1 - p) / sympy.sqrt(p), table).outcome
    'equivalent'
    """
    memo = memo or PointMemo()
    for side, fixed in ((reference, memo.reference_fixed), (candidate, False)):
        problem = inst.summarize_fixed(side).problem if fixed else memo.too_large(side)
        if problem is not None:  # guarded before any stage recurses into it
            return Equivalence("undecided", "none", f"not compared: {problem}")
    defs = tuple(definitions.items()) if definitions else ()
    kept = memo.small(candidate) and (memo.reference_fixed or memo.small(reference))
    key = (reference, candidate, table, config, defs, readable)
    found = _decided.get(key) if kept else None
    if found is None:
        found = _decide(reference, candidate, table, config=config, defs=defs, memo=memo, readable=readable)
        if kept:
            _decided.put(key, found)
    return found


# A class writes a few dozen expressions in many spellings (``X^\top``, ``X^T``, ``X'``): the
# decision on two small expressions is a pure function of frozen values (every point is drawn
# deterministically), kept once per process.  Keyed by SymPy's structural equality, which tells
# 2.0 from 2 and a symbol's assumptions apart; a large candidate is decided again each time.
_decided: Kept[tuple[Any, ...], Equivalence] = Kept(maxsize=4096)

_UNSHOWN = "refuted at a sample point (not written out: only the outcome was asked for)"


def _decide(
    reference: sympy.Basic,
    candidate: sympy.Basic,
    table: SymbolTable,
    *,
    config: EquivalenceConfig,
    defs: tuple[tuple[sympy.Basic, sympy.Basic], ...],
    memo: PointMemo,
    readable: bool,
) -> Equivalence:
    """The cascade on two sides guarded by :func:`compare` (which keeps its decisions on small ones)."""
    ref, ref_changed = (
        _prepared_fixed(reference, defs) if memo.reference_fixed else _prepare(memo, reference, defs)
    )
    cand, cand_changed = _prepare(memo, candidate, defs)
    substituted = ref_changed or cand_changed
    ref, cand = _size_zero(ref, cand), _size_zero(cand, ref)
    case = Comparison(ref, cand, table, config, substituted, readable, memo)
    for stage in CASCADE:
        decision = stage(case)
        if decision is not None:
            return decision
    return Equivalence("undecided", "none", "no stage could decide")


def substitute_definitions(expr: sympy.Basic, definitions: Mapping[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """Replace defined symbols by their definitions until none is left (definitions may nest).

    >>> x, y = sympy.symbols("x y")
    >>> substitute_definitions(x + 1, {x: 2 * y})
    2*y + 1
    """
    mapping = dict(definitions)
    for _ in range(len(mapping) + 1):
        if not any(expr.has(sym) for sym in mapping):
            break
        expr = expr.xreplace(mapping)
    return expr


def _prepared(
    expr: sympy.Basic, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...]
) -> tuple[sympy.Basic, bool]:
    """A side with the definitions substituted and a literal 1×1 matrix made a scalar, and whether
    the substitution changed it."""
    out = substitute_definitions(expr, dict(definitions)) if definitions else expr
    return _scalarize(out), out != expr


# The key's side is the same for every answer: prepared once per process, so that one object keys
# the process-wide caches of its values (an equal copy would be compared with it node by node).
_prepared_fixed = memo(maxsize=1024)(_prepared)


def _prepare(
    memo: PointMemo, expr: sympy.Basic, definitions: tuple[tuple[sympy.Basic, sympy.Basic], ...]
) -> tuple[sympy.Basic, bool]:
    """:func:`_prepared`, once per expression in this call (the same object keys the memo)."""
    key = (expr, definitions)
    found = memo.prepared.get(key)
    if found is None:
        found = memo.prepared[key] = _prepared(expr, definitions)
    return found


def _scalarize(expr: sympy.Basic) -> sympy.Basic:
    """A literal 1×1 matrix expression is a scalar (the front end's convention, ``M[0, 0]``)."""
    if isinstance(expr, sympy.MatrixExpr) and expr.shape == (1, 1):
        return MatrixElement(expr, 0, 0)
    return expr


def _size_zero(expr: sympy.Basic, other: sympy.Basic) -> sympy.Basic:
    """A literal 0 opposite a matrix is that matrix's zero (``... = 0`` for a vector equation)."""
    if expr == 0 and isinstance(other, sympy.MatrixExpr):
        return sympy.ZeroMatrix(*other.shape)
    return expr


# ---------------------------------------------------------------------------------------------
# stages
# ---------------------------------------------------------------------------------------------


def _shape(expr: sympy.Basic) -> tuple[sympy.Expr, sympy.Expr] | None:
    if isinstance(expr, sympy.MatrixExpr):
        rows, cols = expr.shape  # computed by SymPy on each access: once
        return (rows, cols)
    return None


def shape_text(expr: sympy.Basic) -> str:
    """The shape of an expression for people: ``a scalar`` or ``n×1``.

    >>> shape_text(sympy.MatrixSymbol("t", sympy.Symbol("n"), 1))
    'n×1'
    """
    shape = _shape(expr)
    if shape is None:
        return "a scalar"
    return f"{sympy.sstr(shape[0])}×{sympy.sstr(shape[1])}"


def _same_shape(a: sympy.Basic, b: sympy.Basic) -> bool:
    sa, sb = _shape(a), _shape(b)
    if sa is None or sb is None:
        return sa is None and sb is None
    # Equal sizes are the common case, and x - y is then 0 without expanding anything.
    return all(x == y or sympy.expand(x - y) == 0 for x, y in zip(sa, sb, strict=True))


def by_shape(case: Comparison) -> Equivalence | None:
    """Stage 1: refute when the shapes differ, naming both.

    Args:
        case: the comparison.

    Returns:
        ``not_equivalent`` (method ``shape``) or None.

    >>> n = sympy.Symbol("n")
    >>> from checker.table import SymbolTable
    >>> by_shape(Comparison(sympy.MatrixSymbol("t", n, 1), sympy.Integer(1), SymbolTable(()))).evidence
    'shapes differ: the reference is n×1, the candidate is a scalar'
    """
    if _same_shape(case.reference, case.candidate):
        return None
    return Equivalence(
        "not_equivalent",
        "shape",
        f"shapes differ: the reference is {shape_text(case.reference)}, "
        f"the candidate is {shape_text(case.candidate)}",
    )


def by_structure(case: Comparison) -> Equivalence | None:
    """Stage 2: prove when both sides are the same SymPy tree (after definitions).

    Args:
        case: the comparison.

    Returns:
        ``equivalent`` (method ``structural``) or None.
    """
    if case.reference == case.candidate:
        how = "identical after substituting the definitions" if case.substituted else "identical"
        return Equivalence("equivalent", "structural", f"proved: {how}")
    return None


def by_symbolic(case: Comparison) -> Equivalence | None:
    """Stage 3: prove small scalar identities by cancelling the difference.

    Returns ``equivalent`` (method ``symbolic``) or None; never refutes.

    Bounded: only scalars, at most 120 nodes, integer exponents at most 12 and a degree bound of
    at most 24 per side are tried, so the zero test never meets a large expansion.
    """
    if not case.config.symbolic or _shape(case.reference) is not None:
        return None
    # First, since it is cheap and its point is the first one by_instantiation evaluates: sides
    # that differ somewhere cannot cancel, so nothing else is paid for.
    if _differs_somewhere(case):
        return None
    (reference, candidate), _ = sym.atomized(case.reference, case.candidate)
    if not (sym.small(reference) and sym.small(candidate)):
        return None
    reference, candidate = sym.radicands_cancelled(reference), sym.radicands_cancelled(candidate)
    for side in (reference, candidate):
        bound = inst.degree(side, {})
        if bound.num + bound.den > _SYMBOLIC_MAX_DEGREE or bound.transcendental:
            return None
    if _atoms_differ(reference, candidate, case):  # the zero test could not succeed: do not pay for it
        return None
    if reference == candidate or sym.cancels(reference - candidate):
        return Equivalence("equivalent", "symbolic", "proved: the difference cancels to 0")
    return None


def _atoms_differ(reference: sympy.Basic, candidate: sympy.Basic, case: Comparison) -> bool:
    """Do the atomized sides differ, exactly, at one point?  Then :func:`~checker.engine.symbolic.cancels` cannot give 0.

    The zero test treats every entry ``M[0, 0]`` (now a symbol) and every radical as an independent
    generator, so sides that agree as functions (``(w^T x)[0,0]`` against ``(w^T (x - εw))[0,0]``
    + ...) may still not cancel.  A rational, nonzero difference at a point drawn under every
    symbol's assumptions proves the atomized difference is not identically 0, so the zero test
    would not prove; any other outcome (a singular point, a radical) leaves the decision to it.
    """
    try:
        variables = inst.collect([reference, candidate], case.table)
        dims = inst.dimension_points(variables, case.config)[0]
        env = inst.sample(variables, dims, case.config, 0, 0)
        zt = ZeroTest(digits=case.config.digits)
        ref_value = inst.evaluate(reference, env, zt)
        cand_value = inst.evaluate(candidate, env, zt)
    except (Singular, Unsupported):
        return False
    return isinstance(ref_value, Fraction) and isinstance(cand_value, Fraction) and ref_value != cand_value


def _differs_somewhere(case: Comparison) -> bool:
    """A cheap pre-test: do the sides differ at one random exact point?  (Decides nothing.)

    The point is the first one :func:`by_instantiation` draws (first sizes, index 0, attempt 0), so
    its values are computed once for both stages (:class:`PointMemo`).
    """
    try:
        variables = _variables(case)
        dims = inst.dimension_points(variables, case.config)[0]
        zt = ZeroTest(digits=case.config.digits)
        ref_value, cand_value = _values_at(case, Point(variables, dims, case.config, 0, 0, None), zt)
        return not values_equal(ref_value, cand_value, zt)
    except (Singular, Unsupported):
        return False


def _values_at(case: Comparison, point: Point, zt: ZeroTest) -> tuple[Value, Value]:
    return values_at(case.memo, case.reference, case.candidate, point, zt)


def _variables(case: Comparison) -> inst.Variables:
    return variables_for(case.memo, case.reference, case.candidate, case.table)


def plain_name(name: str) -> str:
    """A symbol's name for sentences: a Greek letter for its name (``λ`` for ``lambda``), other
    names as they are.

    >>> plain_name("lambda"), plain_name("x_adv")
    ('λ', 'x_adv')
    """
    return _PLAIN_NAMES.get(name, name)


def point_text(env: Mapping[str, Value], variables: inst.Variables) -> str:
    """``n=3, d=2, λ=1/2, X=[[1, 2], [3, 4]]`` for the sampled symbols of ``variables``."""
    names = [*variables.dims, *(n for n, _ in variables.scalars), *(m[0] for m in variables.matrices)]
    return ", ".join(f"{plain_name(n)}={value_text(env[n])}" for n in names if n in env)


@memo(maxsize=1024)
def _point_plain(point: Point) -> str:
    """:func:`point_text` of a sample point, written once per process (points recur across answers)."""
    return point_text(sampled(point), point.variables)


@memo(maxsize=1024)
def _point_latex(point: Point) -> tuple[tuple[str, str], ...]:
    """The sampled symbols of a point as (LaTeX name, LaTeX value) pairs for a counterexample."""
    variables, env = point.variables, sampled(point)
    latex = dict(variables.latex)
    names = [*variables.dims, *(n for n, _ in variables.scalars), *(m[0] for m in variables.matrices)]
    return tuple((latex.get(n, n), inst.format_value(env[n])) for n in names if n in env)


def _dims_text(used: Sequence[tuple[tuple[str, int], ...]]) -> str:
    if not used or not used[0]:
        return ""
    names = ", ".join(name for name, _ in used[0])
    values = ",".join("(" + ",".join(str(v) for _, v in dims) + ")" for dims in used)
    if len(used[0]) == 1:
        values = ",".join(str(dims[0][1]) for dims in used)
    return f" {names} ∈ {{{values}}}" if len(used[0]) == 1 else f" ({names}) ∈ {{{values}}}"


def _per_point_bound(case: Comparison, dims: tuple[tuple[str, int], ...], size: float) -> tuple[float, int]:
    memo = case.memo
    dr = (
        inst.degree_at(case.reference, dims)
        if memo.reference_fixed
        else inst.degree(case.reference, dict(dims))
    )
    dc = (
        inst.degree_at(case.candidate, dims)
        if memo.small(case.candidate)
        else inst.degree(case.candidate, dict(dims))
    )
    conj = dr.conjugates * dc.conjugates
    d_num = max(dr.num + dc.den, dc.num + dr.den, 1) * conj
    d_den = (dr.den + dc.den) * conj
    if dr.transcendental or dc.transcendental:
        return float("inf"), d_num
    if size - d_den <= 0:
        return 1.0, d_num
    return min(1.0, d_num / (size - d_den)), d_num


def by_instantiation(case: Comparison) -> Equivalence | None:
    """Stage 4: refute with a counterexample or accept with an error bound, by exact random
    instantiation (see the module docstring for the bound).

    Args:
        case: the comparison.

    Returns:
        ``not_equivalent`` with the point and both values, ``equivalent`` with the error bound,
        or ``undecided`` (method ``none``) when no point is defined, a construct cannot be
        evaluated exactly, or the degree is too high for the bound.
    """
    config = case.config
    try:
        variables = _variables(case)
        live = list(inst.dimension_points(variables, config))
        size = inst.set_size(variables, config)
    except Unsupported as exc:
        return Equivalence("undecided", "none", f"cannot instantiate: {exc}")
    zt = ZeroTest(digits=config.digits)
    good, index, bound, degree_max = 0, 0, 1.0, 0
    used: list[tuple[tuple[str, int], ...]] = []
    undefined_at: Point | None = None  # a point where the reference is defined and the candidate not
    bounds: dict[tuple[tuple[str, int], ...], tuple[float, int]] = {}
    limit = 4 * config.points
    improvable = True  # more points tighten the bound only when one point's bound is below 1
    while live and (good < config.points or (improvable and bound > _TARGET_BOUND and good < limit)):
        dims = live[index % len(live)]
        try:
            found = _one_point(case, variables, dims, index, zt)
        except Unsupported as exc:
            return Equivalence("undecided", "none", f"cannot evaluate exactly: {exc}", points=good)
        index += 1
        if isinstance(found, Point):  # only the candidate is undefined at these sizes
            undefined_at = undefined_at or found
            live.remove(dims)
            continue
        if found is None:  # singular at every attempt at these sizes: give the sizes up
            live.remove(dims)
            continue
        point, ref_value, cand_value = found
        if not values_equal(ref_value, cand_value, zt):
            if not case.readable:  # only the outcome is used: no point or values written out
                return Equivalence("not_equivalent", "random_instantiation", _UNSHOWN, points=good + 1)
            point, ref_value, cand_value = _simpler_refutation(case, variables, live, zt) or found
            return Equivalence(
                "not_equivalent",
                "random_instantiation",
                f"refuted at {_point_plain(point)}: reference = {value_text(ref_value)}, "
                f"candidate = {value_text(cand_value)}",
                points=good + 1,
                counterexample=(
                    *_point_latex(point),
                    ("reference", inst.format_value(ref_value)),
                    ("candidate", inst.format_value(cand_value)),
                ),
            )
        if dims not in bounds:
            bounds[dims] = _per_point_bound(case, dims, size)
        per_point, d_num = bounds[dims]
        degree_max = max(degree_max, d_num)
        bound *= per_point
        improvable = per_point < 1
        good += 1
        if dims not in used:
            used.append(dims)
    if good == 0:
        return Equivalence("undecided", "none", "no random point where both sides are defined")
    if undefined_at is not None:
        # Defined where the reference is at some sizes, undefined at others where the reference is
        # defined (it inverts XXᵀ, singular for n > d): not the same function where the question's
        # answer exists.  Agreeing where both exist (n = d) is no proof.
        return Equivalence(
            "not_equivalent",
            "random_instantiation",
            f"refuted at {_point_plain(undefined_at)}: the reference is defined there but the candidate "
            "is not (it inverts a singular matrix at these sizes)",
            points=good + 1,
            counterexample=(*_point_latex(undefined_at), ("candidate", "undefined (a singular inverse)")),
        )
    branches = case.reference.has(sympy.Abs, sympy.sign) or case.candidate.has(sympy.Abs, sympy.sign)
    if not (variables.dims or variables.scalars or variables.matrices):
        return Equivalence(
            "equivalent",
            "random_instantiation",
            "proved: equal by exact evaluation (no free symbols)",
            points=1,
        )
    agrees = f"agrees at {good} random points{_dims_text(used)}"
    if bound == float("inf"):
        return Equivalence("undecided", "none", f"{agrees}, but exp/log/π leave no error bound", points=good)
    if bound > _WORST_ACCEPTED_BOUND:
        return Equivalence(
            "undecided",
            "none",
            f"{agrees}, but the degree (≤ {degree_max}) is too high for the sample sets "
            f"(≥ {size} values) to bound the error",
            points=good,
        )
    notes = [f"Schwartz–Zippel: degree ≤ {degree_max}, values from sets of ≥ {size}"]
    if zt.algebraic:
        notes.append(
            f"non-rational values compared to {config.digits} digits"
            if zt.numeric_only
            else "radicals compared exactly"
        )
    if branches:
        notes.append("assuming every sign region of |·| and sgn was sampled")
    return Equivalence(
        "equivalent",
        "random_instantiation",
        f"{agrees}; chance of accidental agreement ≤ {bound:.1e} ({'; '.join(notes)})",
        points=good,
        error_bound=bound,
    )


def _simpler_refutation(
    case: Comparison,
    variables: inst.Variables,
    live: Sequence[tuple[tuple[str, int], ...]],
    zt: ZeroTest,
) -> tuple[Point, Value, Value] | None:
    """A refuting point a student can check by hand (:func:`~checker.engine.search.simplest`)."""
    found = simplest(
        variables,
        live,
        case.config,
        lambda point: _values_at(case, point, zt),
        lambda values: not values_equal(values[0], values[1], zt),
    )
    return None if found is None else (found[0], *found[1])


def _one_point(
    case: Comparison,
    variables: inst.Variables,
    dims: tuple[tuple[str, int], ...],
    index: int,
    zt: ZeroTest,
) -> tuple[Point, Value, Value] | Point | None:
    """Both values at a point of these sizes; None when no attempt gives both; the last point
    when the reference was defined at every attempt and the candidate at none."""
    candidate_only = True
    point: Point | None = None
    for attempt in range(ATTEMPTS):  # first_defined, knowing which side was undefined
        point = Point(variables, dims, case.config, index, attempt, None)
        sampled(point)  # drawn first, as a failure to draw is reported before any value
        try:
            ref_value, cand_value = _values_at(case, point, zt)
        except Singular:
            if candidate_only:
                try:  # which side was singular? (the reference is evaluated first, and memoized)
                    values_at(case.memo, case.reference, case.reference, point, zt)
                except Singular:
                    candidate_only = False
            continue
        return point, ref_value, cand_value
    return point if candidate_only and point is not None else None


CASCADE: tuple[Stage, ...] = (by_shape, by_structure, by_symbolic, by_instantiation)
"""The cascade, cheapest stage first."""
