"""Var and Cov of scalar random variables: a key that asks for Var(aZ + b), and the exact values
checked against brute-force enumeration (Bernoulli masks) and closed forms (moments-only Z)."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.engine.evaluate import evaluate
from checker.engine.exact import Mat, ZeroTest
from checker.judge.answer import judge
from checker.key import Key, Question, load_key
from checker.latex import parse

KEY = Path(__file__).parent / "data" / "moments" / "key.toml"


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(KEY)


def table() -> object:
    return load_key(KEY).question("1").symbols


GRADED = [
    pytest.param(r"\operatorname{Var}(aZ+b) = a^2 s^2", "correct", id="stated"),
    pytest.param(r"a^2 s^2", "correct", id="bare"),
    pytest.param(r"\mathrm{Var}[aZ + b] = a^2 \operatorname{Var}(Z) = a^2 s^2", "correct", id="chain"),
    # equivalent but an expectation is left unevaluated: a TA reviews it (the judge's operator rule)
    pytest.param(r"E[(aZ+b)^2] - E[aZ+b]^2", "needs_review", id="definition-of-variance"),
    pytest.param(r"a^2 (E[Z^2] - \mu^2)", "needs_review", id="second-moment"),
    pytest.param(r"a s^2", "incorrect", id="scale-not-squared"),
    pytest.param(r"a^2 s^2 + b", "incorrect", id="shift-kept"),
    pytest.param(r"a^2 s", "incorrect", id="standard-deviation-for-variance"),
    pytest.param(r"E[(aZ+b)^2]", "incorrect", id="second-moment-only"),
]


@pytest.mark.parametrize(("answer", "verdict"), GRADED)
def test_variance_of_an_affine_map(key: Key, answer: str, verdict: str) -> None:
    got = judge(key.question("1"), answer, key=key)
    assert got.verdict == verdict, (got.read_as, got.feedback)


def test_a_power_after_an_operator_applies_to_its_value(key: Key) -> None:
    """Regression: E[aZ+b]^2 was read as E[(aZ+b)^2], so E[X^2] - E[X]^2 read as 0."""
    q: Question = key.question("1")
    squared = parse(r"E[Z]^2", q.symbols).expr
    assert squared == parse(r"(E[Z])^2", q.symbols).expr
    assert squared != parse(r"E[Z^2]", q.symbols).expr


# ---- exact values: enumeration and closed forms ---------------------------------------------------

_small = st.fractions(min_value=-4, max_value=4, max_denominator=5)
_prob = st.fractions(min_value=Fraction(1, 10), max_value=Fraction(9, 10), max_denominator=10)


def value(latex: str, **point: Fraction) -> Fraction:
    out = evaluate(parse(latex, table()).expr, point, ZeroTest())  # type: ignore[arg-type]
    assert isinstance(out, Fraction)
    return out


def brute(fs: list[Callable[[int, int], Fraction]], p: Fraction) -> list[Fraction]:
    """E of each function of the masks (B, C), enumerating the four outcomes with their weights."""
    out = [Fraction(0)] * len(fs)
    for b, c in product((0, 1), repeat=2):
        weight = (p if b else 1 - p) * (p if c else 1 - p)
        for k, f in enumerate(fs):
            out[k] += weight * f(b, c)
    return out


@settings(max_examples=15)
@given(_small, _small, _small, _prob)
def test_variance_of_bernoulli_masks_matches_enumeration(
    a: Fraction, b: Fraction, c: Fraction, p: Fraction
) -> None:
    def f(x: int, y: int) -> Fraction:
        return a * x + b * y + c * x * y

    mean, square = brute([f, lambda x, y: f(x, y) ** 2], p)
    assert value(r"\operatorname{Var}(aB + bC + cBC)", a=a, b=b, c=c, p=p) == square - mean**2
    assert value(r"E[aB + bC + cBC]", a=a, b=b, c=c, p=p) == mean


@settings(max_examples=15)
@given(_small, _small, _small, _prob)
def test_covariance_of_bernoulli_masks_matches_enumeration(
    a: Fraction, b: Fraction, c: Fraction, p: Fraction
) -> None:
    def f(x: int, y: int) -> Fraction:
        return a * x + c

    def g(x: int, y: int) -> Fraction:
        return b * x + y

    ef, eg, efg = brute([f, g, lambda x, y: f(x, y) * g(x, y)], p)
    assert value(r"\operatorname{Cov}(aB + c, bB + C)", a=a, b=b, c=c, p=p) == efg - ef * eg


@settings(max_examples=15)
@given(_small, _small, _small, st.fractions(min_value=Fraction(1, 4), max_value=3, max_denominator=4), _small)
def test_affine_laws_of_a_moments_only_variable(
    a: Fraction, b: Fraction, c: Fraction, s: Fraction, mu: Fraction
) -> None:
    point = {"a": a, "b": b, "c": c, "s": s, "mu": mu}
    assert value(r"\operatorname{Var}(aZ + b)", **point) == a**2 * s**2
    assert value(r"\operatorname{Cov}(aZ + b, cZ)", **point) == a * c * s**2
    assert value(r"E[aZ + b]", **point) == a * mu + b
    assert value(r"\operatorname{Var}(Z + B)", **point, p=Fraction(1, 3)) == s**2 + Fraction(2, 9)


def test_restating_the_question_is_not_correct(key: Key) -> None:
    assert judge(key.question("1"), r"\operatorname{Var}(aZ+b)", key=key).verdict != "correct"


def vector(entries: list[Fraction]) -> Mat:
    return Mat(len(entries), 1, tuple((e,) for e in entries))


def brute_masks(d: int, p: Fraction, f: Callable[[tuple[int, ...]], Fraction]) -> Fraction:
    """E[f(M)] over the 2^d outcomes of d independent Bernoulli(p) masks."""
    total = Fraction(0)
    for mask in product((0, 1), repeat=d):
        weight = math.prod((p if bit else 1 - p) for bit in mask)
        total += weight * f(mask)
    return total


@settings(max_examples=15)
@given(st.lists(st.tuples(_small, _small), min_size=1, max_size=4), _prob)
def test_moments_of_a_mask_vector_match_enumeration(
    pairs: list[tuple[Fraction, Fraction]], p: Fraction
) -> None:
    """Inner products, transposes, sums over entries and powers of a random vector: the exact
    polynomial expansion agrees with enumerating every mask."""
    u, v = [a for a, _ in pairs], [b for _, b in pairs]
    d = len(pairs)
    point = {"d": Fraction(d), "p": p, "u": vector(u), "v": vector(v)}

    def dot(w: list[Fraction], mask: tuple[int, ...]) -> Fraction:
        return sum((wj * mj for wj, mj in zip(w, mask, strict=True)), Fraction(0))

    mean = brute_masks(d, p, lambda m: dot(u, m))
    square = brute_masks(d, p, lambda m: dot(u, m) ** 2)
    assert value(r"E[u^T M]", **point) == mean
    assert value(r"\operatorname{Var}(u^T M)", **point) == square - mean**2
    assert value(r"\operatorname{Var}(\sum_{j=1}^{d} u_j M_j)", **point) == square - mean**2
    cross = brute_masks(d, p, lambda m: dot(u, m) * dot(v, m))
    assert value(r"\operatorname{Cov}(u^T M, M^T v)", **point) == cross - mean * brute_masks(
        d, p, lambda m: dot(v, m)
    )
    assert value(r"E[(u^T M)^3]", **point) == brute_masks(d, p, lambda m: dot(u, m) ** 3)
