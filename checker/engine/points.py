"""Values at sampled points, computed once per call and once per process for the key's side (internal).

The cascade (``checker.engine.cascade``) evaluates both sides of a comparison at deterministic
points.  Within one call (a judgement, a step check) the candidate is compared with the reference,
the accepted forms and the known mistakes at the same points, so :class:`PointMemo` keeps its
values for the call; the key's side of a question is the same for every answer, so its values are
kept for the process (:func:`fixed_value`), keyed by frozen values only.  Neither ever holds a
verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import sympy

from checker._frozen import hash_once, state_without_hash
from checker.caches import memo
from checker.config import EquivalenceConfig
from checker.engine import instantiate as inst
from checker.engine.exact import Mat, Singular, Unsupported, Value, ZeroTest
from checker.engine.quadratic import Quad
from checker.table import SymbolTable

__all__ = ["Evaluated", "Point", "PointMemo", "fixed_value", "sampled", "values_at", "variables_for"]


class PointMemo:
    """Exact values at sampled points, remembered for one call (a judgement, a step check).

    Created by the caller and dropped with it, never shared between calls.  Within a judgement the
    candidate is compared with the reference, the accepted forms and the known mistakes at the same
    deterministic points, so its value at a point is computed once.  With ``reference_fixed`` every
    ``reference`` compared under this memo is the key's side (fixed per question): its values are
    taken from a process-wide cache of pure values keyed by the expression, the sampled variables,
    the sizes, the config and the point's index (:func:`fixed_value`); never a verdict.

    Args:
        reference_fixed: whether every reference compared under this memo comes from the answer key.
    """

    def __init__(self, *, reference_fixed: bool = False) -> None:
        self.reference_fixed = reference_fixed
        self.values: dict[tuple[sympy.Basic, Point], Evaluated] = {}
        self.variables: dict[tuple[sympy.Basic, sympy.Basic, SymbolTable], inst.Variables] = {}
        self.summaries: dict[sympy.Basic, inst.Summary] = {}
        # a side with definitions substituted, keyed by the side and the definitions' items
        self.prepared: dict[
            tuple[sympy.Basic, tuple[tuple[sympy.Basic, sympy.Basic], ...]], tuple[sympy.Basic, bool]
        ] = {}

    def summary(self, expr: sympy.Basic) -> inst.Summary:
        """:func:`checker.engine.instantiate.summarize` (size, symbols), walked once per expression per call."""
        found = self.summaries.get(expr)
        if found is None:
            found = self.summaries[expr] = inst.summarize(expr)
        return found

    def small(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` is small enough for its values to be kept once per process."""
        summary = self.summary(expr)
        return summary.problem is None and summary.nodes <= _KEPT_NODES

    def too_large(self, expr: sympy.Basic) -> str | None:
        """:func:`checker.engine.instantiate.too_large`, walked once per expression in this call."""
        return self.summary(expr).problem


@dataclass(frozen=True)
class Point:
    """One deterministic sample point: what is drawn, at which sizes, with which seed and index.

    Hashed once: a point keys the per-call memo and the process-wide caches several times per
    comparison, and its parts (the variables' rules, the config) are slow to hash.
    """

    variables: inst.Variables
    dims: tuple[tuple[str, int], ...]
    config: EquivalenceConfig
    number: int  # the point's index
    attempt: int
    bound: int | None  # the entry bound override (2 for small, readable values)

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class Evaluated:
    """One expression's value at one point, or why it has none, with the zero-test notes it left."""

    value: Value | None
    error: tuple[type[Singular] | type[Unsupported], str] | None
    algebraic: bool
    numeric_only: bool


@memo(maxsize=1024)
def sampled(point: Point) -> Mapping[str, Value]:
    """:func:`checker.engine.instantiate.sample`, a pure function of frozen values, drawn once."""
    return MappingProxyType(
        inst.sample(point.variables, point.dims, point.config, point.number, point.attempt, bound=point.bound)
    )


def _evaluate_at(expr: sympy.Basic, point: Point) -> Evaluated:
    zt = ZeroTest(digits=point.config.digits)
    try:
        value = inst.evaluate(expr, sampled(point), zt)
    except (Singular, Unsupported) as exc:
        return Evaluated(None, (type(exc), str(exc)), zt.algebraic, zt.numeric_only)
    return Evaluated(value, None, zt.algebraic, zt.numeric_only)


# The key's side of a question is fixed: its value at a deterministic point is computed once per
# process (workers forked after a warm-up inherit it).  Keyed by frozen values only.
fixed_value = memo(maxsize=8192)(_evaluate_at)


def _small_value_at(expr: sympy.Basic, point: Point) -> Evaluated | None:
    """The value of a small expression at a point when it is small too, else None."""
    got = _evaluate_at(expr, point)
    return got if got.value is None or _small(got.value) else None


def _small(value: Value) -> bool:
    if isinstance(value, Fraction):
        return value.numerator.bit_length() + value.denominator.bit_length() <= _KEPT_BITS
    if isinstance(value, Mat):
        return value.rows * value.cols <= _KEPT_ENTRIES and all(_small(v) for v in value.entries())
    if isinstance(value, Quad):
        return len(value.terms) <= _KEPT_TERMS and all(_small(c) for _, c in value.terms)
    return False  # a SymPy value: not kept


# Answers to a question are often the same expression written differently (a class writes a few
# dozen expressions many ways), and an answer's value at a deterministic point is a pure function
# of the two: kept once per process, like the key's values, but only for small expressions with
# small values (every answer is untrusted: a large value is computed again each time instead).
_KEPT_NODES = 200
_KEPT_BITS = 1024
_KEPT_ENTRIES = 64
_KEPT_TERMS = 8
_kept_value = memo(maxsize=1024)(_small_value_at)


def _value_at(memo: PointMemo, expr: sympy.Basic, fixed: bool, point: Point, zt: ZeroTest) -> Value:
    if fixed:
        got = fixed_value(expr, point)
    else:
        found = memo.values.get((expr, point))
        if found is None:
            kept = _kept_value(expr, point) if memo.small(expr) else None
            found = kept if kept is not None else _evaluate_at(expr, point)
        got = memo.values[expr, point] = found
    zt.algebraic = zt.algebraic or got.algebraic
    zt.numeric_only = zt.numeric_only or got.numeric_only
    if got.error is not None:
        raise got.error[0](got.error[1])
    assert got.value is not None
    return got.value


def values_at(
    memo: PointMemo, reference: sympy.Basic, candidate: sympy.Basic, point: Point, zt: ZeroTest
) -> tuple[Value, Value]:
    """Both sides at one point (the reference first: a singular reference spares the candidate).

    Raises:
        Singular, Unsupported: as :func:`checker._instantiate.evaluate` raised them for a side.
    """
    ref_value = _value_at(memo, reference, memo.reference_fixed, point, zt)
    return ref_value, _value_at(memo, candidate, False, point, zt)


def variables_for(
    memo: PointMemo, reference: sympy.Basic, candidate: sympy.Basic, table: SymbolTable
) -> inst.Variables:
    """What to sample for one comparison, collected once per call; the key's side is walked once
    per process (:func:`checker.engine.instantiate.summarize_fixed`), the candidate once per call.

    Raises:
        Unsupported: a side is too large to evaluate.
    """
    key = (reference, candidate, table)
    found = memo.variables.get(key)
    if found is None:
        ref = inst.summarize_fixed(reference) if memo.reference_fixed else memo.summary(reference)
        cand = memo.summary(candidate)
        if len(ref.found) + len(cand.found) <= _SHARED_SYMBOLS:
            found = _shared_variables(ref, cand, table)
        else:
            found = inst.variables_of([ref, cand], table)
        memo.variables[key] = found
    return found


def _variables_of(reference: inst.Summary, candidate: inst.Summary, table: SymbolTable) -> inst.Variables:
    return inst.variables_of([reference, candidate], table)


# Answers to a question use the same few symbols: the variables of two summaries (symbols, not
# expressions) are collected once per process, and one Variables object then keys every point.
# Only summaries with few symbols are kept (an answer may hold thousands).
_SHARED_SYMBOLS = 32
_shared_variables = memo(maxsize=1024)(_variables_of)
