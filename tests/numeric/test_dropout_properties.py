"""Dropout vs Gaussian noise: equal means and, at σ² = (1−p)/p, equal variances and losses.

Exact: all 2^d dropout masks enumerated with Fractions.  For the Gaussian model, E over
πⱼ ~ N(0, σ²) of a polynomial of degree ≤ 3 in each πⱼ equals the average over πⱼ = ±σ (the
two-point Gauss–Hermite rule is exact to degree 3); mean, variance and squared loss have degree
≤ 2, and writing πⱼ = sⱼσ keeps every quantity rational because only σ² survives.

Sampled: a Monte-Carlo check with fixed seeds and a tolerance derived from the sample size: k
standard errors, the standard error of the sample mean sqrt(V/K) and of the unbiased sample
variance sqrt(μ₄/K − V²(K−3)/(K(K−1))), with μ₄ the exact fourth central moment.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import product

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

K_SAMPLES = 20_000
K_SIGMA = 6.0  # under the CLT a 6-standard-error deviation has probability ~2e-9
SEED = 20261129

values = st.integers(min_value=-5, max_value=5)
keep = st.sampled_from(
    [Fraction(1, 10), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(9, 10)]
)


@st.composite
def models(draw: st.DrawFn) -> tuple[list[Fraction], Fraction]:
    d = draw(st.integers(1, 6))
    a = [Fraction(draw(values) * draw(values)) for _ in range(d)]  # a_j = w_j x_j
    return a, draw(keep)


def dropout_moments(a: list[Fraction], p: Fraction, target: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """E[ŷ_m], Var[ŷ_m], E[(ŷ_m − t)²] by enumerating every mask."""
    mean = second = loss = Fraction(0)
    for mask in product((0, 1), repeat=len(a)):
        prob = Fraction(1)
        for m in mask:
            prob *= p if m else 1 - p
        y = sum((m * aj / p for m, aj in zip(mask, a, strict=True)), Fraction(0))
        mean += prob * y
        second += prob * y * y
        loss += prob * (y - target) ** 2
    return mean, second - mean**2, loss


def gaussian_moments(
    a: list[Fraction], sigma2: Fraction, target: Fraction
) -> tuple[Fraction, Fraction, Fraction]:
    """E[ŷ_π], Var[ŷ_π], E[(ŷ_π − t)²] by the exact two-point rule πⱼ = sⱼσ, sⱼ = ±1."""
    base = sum(a, Fraction(0))
    weight = Fraction(1, 2 ** len(a))
    mean_sigma_part = second = Fraction(0)
    for signs in product((1, -1), repeat=len(a)):
        s = sum((sj * aj for sj, aj in zip(signs, a, strict=True)), Fraction(0))  # ŷ_π = base + σ s
        mean_sigma_part += weight * s
        second += weight * s * s
    assert mean_sigma_part == 0  # the σ-linear part averages out: E[ŷ_π] = base
    variance = sigma2 * second
    loss = (base - target) ** 2 + variance
    return base, variance, loss


@given(models(), values)
def test_exact_means_and_variances_match_at_sigma2(
    model: tuple[list[Fraction], Fraction], target: int
) -> None:
    a, p = model
    sigma2 = (1 - p) / p
    m_mean, m_var, m_loss = dropout_moments(a, p, Fraction(target))
    g_mean, g_var, g_loss = gaussian_moments(a, sigma2, Fraction(target))
    signal = sum((aj * aj for aj in a), Fraction(0))
    assert m_mean == g_mean == sum(a, Fraction(0))
    assert m_var == (1 - p) / p * signal
    assert g_var == sigma2 * signal
    assert m_var == g_var
    assert m_loss == g_loss  # bias–variance: equal means and variances give equal expected losses


@given(models())
def test_exact_variances_differ_at_any_other_sigma2(model: tuple[list[Fraction], Fraction]) -> None:
    a, p = model
    signal = sum((aj * aj for aj in a), Fraction(0))
    for wrong in (1 - p, p / (1 - p), p * (1 - p)):
        if wrong == (1 - p) / p or signal == 0:
            continue
        assert dropout_moments(a, p, Fraction(0))[1] != gaussian_moments(a, wrong, Fraction(0))[1]


def _dropout_fourth_central(a: list[Fraction], p: Fraction) -> Fraction:
    """μ₄ of Σ aⱼ(mⱼ/p − 1): Σ E[Zⱼ⁴] + 6 Σ_{j<k} E[Zⱼ²] E[Zₖ²] for independent zero-mean Zⱼ."""
    z2 = [aj**2 * (p * (1 / p - 1) ** 2 + (1 - p)) for aj in a]
    z4 = [aj**4 * (p * (1 / p - 1) ** 4 + (1 - p)) for aj in a]
    cross = sum((z2[j] * z2[k] for j in range(len(a)) for k in range(j + 1, len(a))), Fraction(0))
    return sum(z4, Fraction(0)) + 6 * cross


def _tolerances(variance: float, mu4: float, k: int = K_SAMPLES) -> tuple[float, float]:
    mean_se = math.sqrt(variance / k)
    var_se = math.sqrt(max(mu4 / k - variance**2 * (k - 3) / (k * (k - 1)), 0.0))
    return K_SIGMA * mean_se, K_SIGMA * var_se


def _sample_both(
    a: list[Fraction], p: Fraction, sigma2: Fraction, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    av = np.array([float(aj) for aj in a])
    masks = rng.random((K_SAMPLES, len(a))) < float(p)
    y_m = (masks * av).sum(axis=1) / float(p)
    noise = rng.normal(0.0, math.sqrt(float(sigma2)), (K_SAMPLES, len(a)))
    y_pi = ((1 + noise) * av).sum(axis=1)
    return y_m, y_pi


@given(models())
def test_monte_carlo_agrees_within_derived_tolerance(model: tuple[list[Fraction], Fraction]) -> None:
    a, p = model
    sigma2 = (1 - p) / p
    mean = float(sum(a, Fraction(0)))
    variance = float(sigma2 * sum((aj * aj for aj in a), Fraction(0)))
    y_m, y_pi = _sample_both(a, p, sigma2, SEED)
    mu4_m = float(_dropout_fourth_central(a, p))
    mu4_pi = 3 * variance**2  # Σ aⱼπⱼ is Gaussian
    for sample, mu4 in ((y_m, mu4_m), (y_pi, mu4_pi)):
        mean_tol, var_tol = _tolerances(variance, mu4)
        assert abs(sample.mean() - mean) <= mean_tol + 1e-12
        assert abs(sample.var(ddof=1) - variance) <= var_tol + 1e-12


def test_monte_carlo_tolerance_detects_sigma_instead_of_sigma2() -> None:
    """The derived tolerance is tight enough to catch the classic slip σ = (1−p)/p."""
    a, p = [Fraction(3), Fraction(-2), Fraction(4)], Fraction(1, 4)
    right = (1 - p) / p
    wrong = right**2  # using (1−p)/p as σ makes the variance ((1−p)/p)² Σ a²
    _, y_pi = _sample_both(a, p, wrong, SEED)
    variance = float(right * sum((aj * aj for aj in a), Fraction(0)))
    _, var_tol = _tolerances(variance, 3 * variance**2)
    assert abs(y_pi.var(ddof=1) - variance) > var_tol
