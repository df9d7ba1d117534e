"""Tiny exact linear algebra over Fractions for the property tests (no rounding anywhere)."""

from __future__ import annotations

from fractions import Fraction

Matrix = list[list[Fraction]]


def mat(rows: list[list[int]] | list[list[Fraction]]) -> Matrix:
    return [[Fraction(v) for v in row] for row in rows]


def col(values: list[int] | list[Fraction]) -> Matrix:
    return [[Fraction(v)] for v in values]


def transpose(a: Matrix) -> Matrix:
    return [list(r) for r in zip(*a, strict=True)] if a else []


def matmul(a: Matrix, b: Matrix) -> Matrix:
    assert len(a[0]) == len(b), f"shapes {len(a)}x{len(a[0])} and {len(b)}x{len(b[0])}"
    bt = transpose(b)
    return [[sum((x * y for x, y in zip(row, c, strict=True)), Fraction(0)) for c in bt] for row in a]


def add(a: Matrix, b: Matrix, scale: Fraction = Fraction(1)) -> Matrix:
    return [[x + scale * y for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def scaled(a: Matrix, s: Fraction) -> Matrix:
    return [[s * x for x in row] for row in a]


def identity(size: int) -> Matrix:
    return [[Fraction(int(i == j)) for j in range(size)] for i in range(size)]


def solve(a: Matrix, b: Matrix) -> Matrix:
    """x with a x = b, by Gauss–Jordan elimination (a must be invertible)."""
    size = len(a)
    aug = [row[:] + rb[:] for row, rb in zip(a, b, strict=True)]
    for c in range(size):
        pivot = next(r for r in range(c, size) if aug[r][c] != 0)
        aug[c], aug[pivot] = aug[pivot], aug[c]
        inv = 1 / aug[c][c]
        aug[c] = [v * inv for v in aug[c]]
        for r in range(size):
            if r != c and aug[r][c] != 0:
                factor = aug[r][c]
                aug[r] = [v - factor * pv for v, pv in zip(aug[r], aug[c], strict=True)]
    return [row[size:] for row in aug]


def sqnorm(v: Matrix) -> Fraction:
    return sum((x * x for row in v for x in row), Fraction(0))


def scalar(a: Matrix) -> Fraction:
    assert len(a) == 1 and len(a[0]) == 1
    return a[0][0]
