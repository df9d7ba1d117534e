"""FGM and FGSM on a linear model, exactly, for generated inputs, weights, ε and λ."""

from __future__ import annotations

from fractions import Fraction

from exact_linalg import add, col, matmul, scalar, sqnorm, transpose
from hypothesis import assume, given
from hypothesis import strategies as st

small = st.integers(min_value=-9, max_value=9)
nonzero = small.filter(bool)
positive = st.fractions(min_value=Fraction(1, 100), max_value=10, max_denominator=100)


@given(
    st.integers(1, 8).flatmap(
        lambda d: st.tuples(st.lists(small, min_size=d, max_size=d), st.lists(small, min_size=d, max_size=d))
    ),
    positive,
)
def test_fgm_logit_is_wtx_minus_eps_norm(xw: tuple[list[int], list[int]], eps: Fraction) -> None:
    x, w = col(xw[0]), col(xw[1])
    attacked = add(x, w, scale=-eps)  # x' = x − ε ∇ₓ(wᵀx) = x − ε w
    assert scalar(matmul(transpose(w), attacked)) == scalar(matmul(transpose(w), x)) - eps * sqnorm(w)


@st.composite
def one_d(draw: st.DrawFn) -> tuple[list[int], list[int], int]:
    n = draw(st.integers(1, 6))
    X = draw(st.lists(small, min_size=n, max_size=n))
    t = draw(st.lists(small, min_size=n, max_size=n))
    x = draw(nonzero)
    xtt = sum(a * b for a, b in zip(X, t, strict=True))
    assume(x * xtt > 0)
    return X, t, x


def w_star(X: list[int], t: list[int], lam: Fraction) -> Fraction:
    n = len(X)
    return Fraction(sum(a * b for a, b in zip(X, t, strict=True))) / (sum(a * a for a in X) + 2 * n * lam)


def eps_fgm(X: list[int], t: list[int], x: int, lam: Fraction) -> Fraction:
    n = len(X)
    return x * (sum(a * a for a in X) + 2 * n * lam) / Fraction(sum(a * b for a, b in zip(X, t, strict=True)))


@given(one_d(), positive)
def test_1d_fgm_eps_zeroes_the_logit(problem: tuple[list[int], list[int], int], lam: Fraction) -> None:
    X, t, x = problem
    w = w_star(X, t, lam)
    eps = eps_fgm(X, t, x, lam)
    assert w * (x - eps * w) == 0  # f(x'; w*) with x' = x − ε w*
    assert eps > 0


@given(one_d(), positive, positive)
def test_1d_fgm_eps_grows_with_lambda(
    problem: tuple[list[int], list[int], int], lam: Fraction, more: Fraction
) -> None:
    X, t, x = problem
    n = len(X)
    assert eps_fgm(X, t, x, lam + more) > eps_fgm(X, t, x, lam)
    slope = 2 * n * Fraction(x) / sum(a * b for a, b in zip(X, t, strict=True))
    assert eps_fgm(X, t, x, lam + more) - eps_fgm(X, t, x, lam) == slope * more  # ε is affine in λ


@given(one_d(), positive, positive)
def test_1d_fgsm_eps_is_abs_x_for_every_lambda(
    problem: tuple[list[int], list[int], int], lam: Fraction, other: Fraction
) -> None:
    X, t, x = problem
    for value in (lam, other):
        w = w_star(X, t, value)
        sign = 1 if w > 0 else -1
        eps = Fraction(abs(x))
        assert eps == x * sign
        assert w * (x - eps * sign) == 0  # f(x'; w*) with x' = x − ε sgn(w*)
