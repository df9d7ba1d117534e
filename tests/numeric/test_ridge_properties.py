"""Ridge regression, exactly: the closed form zeroes the gradient, minimizes the objective and
equals the push-through form, for generated shapes (n > d and n < d) and rational data."""

from __future__ import annotations

from fractions import Fraction

from exact_linalg import Matrix, add, col, identity, mat, matmul, scaled, solve, sqnorm, transpose
from hypothesis import given
from hypothesis import strategies as st

entries = st.integers(min_value=-6, max_value=6)
lambdas = st.fractions(min_value=Fraction(1, 50), max_value=5, max_denominator=50)


@st.composite
def problems(draw: st.DrawFn) -> tuple[Matrix, Matrix, Fraction]:
    n = draw(st.integers(1, 5))
    d = draw(st.integers(1, 5))
    X = mat([[draw(entries) for _ in range(d)] for _ in range(n)])
    t = col([draw(entries) for _ in range(n)])
    return X, t, draw(lambdas)


def ridge(X: Matrix, t: Matrix, lam: Fraction) -> Matrix:
    n, d = len(X), len(X[0])
    A = add(matmul(transpose(X), X), identity(d), scale=2 * n * lam)
    return solve(A, matmul(transpose(X), t))


def objective(X: Matrix, t: Matrix, lam: Fraction, w: Matrix) -> Fraction:
    n = len(X)
    return sqnorm(add(matmul(X, w), t, scale=Fraction(-1))) / (2 * n) + lam * sqnorm(w)


def gradient(X: Matrix, t: Matrix, lam: Fraction, w: Matrix) -> Matrix:
    n = len(X)
    residual = add(matmul(X, w), t, scale=Fraction(-1))
    return add(scaled(matmul(transpose(X), residual), Fraction(1, n)), w, scale=2 * lam)


@given(problems())
def test_closed_form_zeroes_the_gradient(problem: tuple[Matrix, Matrix, Fraction]) -> None:
    X, t, lam = problem
    w = ridge(X, t, lam)
    assert all(v == 0 for row in gradient(X, t, lam, w) for v in row)


@given(problems(), st.data())
def test_closed_form_beats_every_perturbation(
    problem: tuple[Matrix, Matrix, Fraction], data: st.DataObject
) -> None:
    X, t, lam = problem
    w = ridge(X, t, lam)
    d = len(w)
    delta = col(data.draw(st.lists(entries, min_size=d, max_size=d).filter(any)))
    moved = add(w, delta)
    gap = objective(X, t, lam, moved) - objective(X, t, lam, w)
    # The objective is quadratic with zero gradient at w*: the gap is exactly the curvature term.
    assert gap == sqnorm(matmul(X, delta)) / (2 * len(X)) + lam * sqnorm(delta)
    assert gap > 0


@given(problems())
def test_closed_form_equals_push_through_form(problem: tuple[Matrix, Matrix, Fraction]) -> None:
    X, t, lam = problem
    n = len(X)
    B = add(matmul(X, transpose(X)), identity(n), scale=2 * n * lam)
    assert ridge(X, t, lam) == matmul(transpose(X), solve(B, t))
