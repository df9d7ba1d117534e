"""The integer fast path of the exact inverse gives the Fraction path's inverse, or Singular too."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.engine import exact as ex

SMALL = st.fractions(min_value=-9, max_value=9, max_denominator=9)
UNITS = st.sampled_from([Fraction(-1), Fraction(0), Fraction(1)])  # singular matrices are common


@st.composite
def matrices(draw: st.DrawFn) -> ex.Mat:
    n = draw(st.integers(1, 5))
    entry = draw(st.sampled_from([SMALL, UNITS]))
    data = tuple(tuple(draw(entry) for _ in range(n)) for _ in range(n))
    return ex.Mat(n, n, data)


def _inverse(m: ex.Mat) -> ex.Mat | str:
    try:
        return ex.inverse(m, ex.ZeroTest())
    except ex.Singular:
        return "singular"


@settings(max_examples=300, deadline=None)
@given(matrices())
def test_fast_inverse_equals_fraction_path(m: ex.Mat) -> None:
    fast = _inverse(m)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ex, "_FAST_INVERSE_SIZE", 0)
        slow = _inverse(m)
    assert fast == slow
