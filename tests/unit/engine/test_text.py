"""French numbers: many at once are exactly each one alone."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from spar.engine.text import fr_number, fr_numbers

AWKWARD = [0.0, -0.0, 0.005, 2.675, 1234567.891, -1234.5, 1e16, 1e300, float("inf"),
           -float("inf"), float("nan"), None, 5, np.int64(7), np.float64("nan"),
           np.float32("nan"), np.float32(0.1)]


def test_awkward_numbers_many_at_once_are_each_alone():
    for decimals in (0, 1, 2, 4):
        assert fr_numbers(AWKWARD, decimals) == [fr_number(x, decimals) for x in AWKWARD]
    assert fr_numbers([]) == []


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**20, 10**20)),
       st.integers(0, 3))
def test_any_numbers_many_at_once_are_each_alone(values, decimals):
    assert fr_numbers(values, decimals) == [fr_number(x, decimals) for x in values]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1), st.integers(0, 3))
def test_plain_floats_formatted_together_are_each_alone(values, decimals):
    """Only floats: formatted in one str.format call, NaN of either sign shown missing."""
    values = values + [-float("nan"), -0.0]
    assert fr_numbers(values, decimals) == [fr_number(x, decimals) for x in values]
    assert fr_numbers(iter(values), decimals) == fr_numbers(values, decimals)
