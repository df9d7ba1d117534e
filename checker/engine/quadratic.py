"""Exact arithmetic with square roots of rationals (internal).

A :class:`Quad` is a sum ``Σ cᵢ √mᵢ`` with rational ``cᵢ`` and distinct square-free integers
``mᵢ > 1`` (plus a rational part).  Square roots of distinct square-free integers are linearly
independent over the rationals, so this form is canonical: a Quad is zero exactly when it has no
terms, and equality is exact, with no numerical test at all.  Products stay in the form
(``√a·√b = g·√(ab/g²)`` with ``g = gcd(a, b)``); an inverse is taken by conjugating one prime at a
time (``1/(A + B√p) = (A − B√p)/(A² − pB²)``).  The sign is found numerically at increasing
precision, which terminates because a nonzero Quad is not zero.

This keeps random instantiation exact and fast when answers contain radicals such as
``σ = √((1−p)/p)``, even inside matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import sympy

from checker.caches import memo

__all__ = [
    "NotQuadratic",
    "Quad",
    "q_add",
    "q_inverse",
    "q_mul",
    "q_neg",
    "q_sign",
    "q_to_sympy",
    "sqrt_rational",
]

# Radicands are factored to find their square-free part; past this size we do not try.
_MAX_RADICAND_BITS = 96
# Sums with more terms than this leave the quadratic form (to bound the work per operation).
_MAX_TERMS = 64


class NotQuadratic(Exception):
    """The value does not fit the quadratic form within bounds; use the general path."""


@dataclass(frozen=True)
class Quad:
    """``Σ c·√m`` over square-free ``m`` (``m = 1`` is the rational part); never zero, never rational.

    Attributes:
        terms: ``(m, c)`` pairs sorted by ``m``, every ``c`` nonzero, some ``m > 1``.
    """

    terms: tuple[tuple[int, Fraction], ...]


Number = Fraction | Quad


def _make(terms: dict[int, Fraction]) -> Number:
    clean = {m: c for m, c in terms.items() if c != 0}
    if len(clean) > _MAX_TERMS:
        raise NotQuadratic("too many radical terms")
    if not clean:
        return Fraction(0)
    if set(clean) == {1}:
        return clean[1]
    return Quad(tuple(sorted(clean.items())))


def _terms(x: Number) -> dict[int, Fraction]:
    if isinstance(x, Fraction):
        return {1: x} if x != 0 else {}
    return dict(x.terms)


@memo(maxsize=4096)
def _squarefree(k: int) -> tuple[int, int]:
    """``k = s²·m`` with m square-free: returns (s, m)."""
    if k.bit_length() > _MAX_RADICAND_BITS:
        raise NotQuadratic("radicand too large to factor")
    s = m = 1
    for prime, power in sympy.factorint(k).items():
        s *= prime ** (power // 2)
        if power % 2:
            m *= prime
    return s, m


@memo(maxsize=4096)
def _primes(m: int) -> tuple[int, ...]:
    return tuple(sorted(sympy.factorint(m)))


def sqrt_rational(r: Fraction) -> Number:
    """√r for a rational r >= 0, exactly.

    >>> sqrt_rational(Fraction(4, 3))
    Quad(terms=((3, Fraction(2, 3)),))
    """
    if r < 0:
        raise ValueError("square root of a negative number")
    if r == 0:
        return Fraction(0)
    # √(a/b) = √(a·b)/b
    s, m = _squarefree(r.numerator * r.denominator)
    return _make({m: Fraction(s, r.denominator)})


def q_add(a: Number, b: Number) -> Number:
    terms = _terms(a)
    for m, c in _terms(b).items():
        terms[m] = terms.get(m, Fraction(0)) + c
    return _make(terms)


def q_neg(a: Number) -> Number:
    return _make({m: -c for m, c in _terms(a).items()})


def q_mul(a: Number, b: Number) -> Number:
    out: dict[int, Fraction] = {}
    for m1, c1 in _terms(a).items():
        for m2, c2 in _terms(b).items():
            g = _gcd(m1, m2)
            m = (m1 // g) * (m2 // g)
            out[m] = out.get(m, Fraction(0)) + c1 * c2 * g
    return _make(out)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def q_inverse(x: Number) -> Number:
    """1/x; ZeroDivisionError for 0."""
    if isinstance(x, Fraction):
        return 1 / x
    primes = sorted({p for m, _ in x.terms for p in _primes(m)})
    p = primes[-1]
    a: dict[int, Fraction] = {}
    b: dict[int, Fraction] = {}
    for m, c in x.terms:
        if m % p == 0:
            b[m // p] = c
        else:
            a[m] = c
    big_a, big_b = _make(a), _make(b)
    conjugate = q_add(big_a, q_neg(q_mul(big_b, _make({p: Fraction(1)}))))
    # x · conjugate = A² − p·B², free of √p: fewer primes, so the recursion ends.
    norm = q_add(q_mul(big_a, big_a), q_neg(q_mul(Fraction(p), q_mul(big_b, big_b))))
    return q_mul(conjugate, q_inverse(norm))


def q_sign(x: Number) -> int:
    """The sign of x, exactly (numerically at increasing precision; x != 0 makes it terminate)."""
    if isinstance(x, Fraction):
        return (x > 0) - (x < 0)
    for digits in (40, 120, 400, 1200):
        with localcontext() as ctx:
            ctx.prec = digits + 10
            total = Decimal(0)
            for m, c in x.terms:
                total += Decimal(c.numerator) / Decimal(c.denominator) * Decimal(m).sqrt()
            scale = sum(
                abs(Decimal(c.numerator) / Decimal(c.denominator)) * Decimal(m).sqrt() for m, c in x.terms
            )
            if abs(total) > scale * Decimal(10) ** (-digits):
                return 1 if total > 0 else -1
    raise NotQuadratic("sign not determined at 1200 digits")


def q_to_sympy(x: Number) -> sympy.Expr:
    """The value as a SymPy expression (``2*sqrt(3)/3``)."""
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.Add(*(sympy.Rational(c.numerator, c.denominator) * sympy.sqrt(m) for m, c in x.terms))
