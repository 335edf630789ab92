"""Tests of the scalar input checks of ``coildesign._validation`` (``_scalar``, ``positive``,
``finite``): plain floats, numpy float64 and ints take a fast path; every other value, and every
value the fast path does not accept, gets the general checks and their messages."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from coildesign import _validation

GOOD = [1.5, np.float64(2.5e-3), 7, np.float32(0.25), np.int64(3), Fraction(1, 4), np.array(0.5), 1e-320,
        float(np.finfo(float).max), 2**1022, -(2**1022), 2**1023 + 2**1022]


@pytest.mark.parametrize("value", GOOD)
def test_accepted_scalars_give_the_same_float(value):
    expected = float(value)
    assert _validation._scalar("x", value) == expected
    assert type(_validation._scalar("x", value)) is float
    assert _validation.finite("x", value) == expected
    if expected > 0:
        assert _validation.positive("x", value) == expected
        assert type(_validation.positive("x", value)) is float


@pytest.mark.parametrize("value", [0.0, -0.0, np.float64(0.0), 0])
def test_zero_only_with_allow_zero(value):
    assert _validation.positive("x", value, allow_zero=True) == 0.0
    with pytest.raises(ValueError, match=r"^Input x must be a finite number > 0; instead received "):
        _validation.positive("x", value)


@pytest.mark.parametrize("value, error, text", [
    (math.nan, ValueError, "a finite number > 0"),
    (np.float64("nan"), ValueError, "a finite number > 0"),
    (math.inf, ValueError, "a finite number > 0"),
    (-math.inf, ValueError, "a finite number > 0"),
    (-1.0, ValueError, "a finite number > 0"),
    (-3, ValueError, "a finite number > 0"),
    (True, TypeError, "a real number"),
    (np.bool_(True), TypeError, "a real number"),
    ("1.0", TypeError, "a real number"),
    (1 + 0j, TypeError, "a real number"),
    (np.array([1.0]), TypeError, "a real number"),
    (None, TypeError, "a real number"),
    (10**400, ValueError, "a finite number (this integer is too large for a float, |x| > 1.8e308)"),
])
def test_positive_refuses_bad_values_with_the_house_message(value, error, text):
    with pytest.raises(error) as info:
        _validation.positive("x", value)
    shown = repr(value) if len(repr(value)) <= 120 else repr(value)[:117] + "..."
    assert str(info.value) == f"Input x must be {text}; instead received {shown}."


@pytest.mark.parametrize("value, error, text", [
    (math.nan, ValueError, "finite"),
    (math.inf, ValueError, "finite"),
    (np.float64("-inf"), ValueError, "finite"),
    (True, TypeError, "a real number"),
    ("2", TypeError, "a real number"),
])
def test_finite_refuses_bad_values_with_the_house_message(value, error, text):
    with pytest.raises(error) as info:
        _validation.finite("x", value)
    assert str(info.value) == f"Input x must be {text}; instead received {value!r}."


def test_largest_ints_that_still_convert():
    """Ints just below 2**1024 round to the largest float (accepted); from 2**1024 - 2**970 the
    conversion overflows (a ValueError naming the limit, as before the fast path)."""
    big = 2**1024 - 2**971
    assert _validation.positive("x", big) == float(big)
    with pytest.raises(ValueError, match="too large for a float"):
        _validation.positive("x", 2**1024 - 2**970)


@pytest.mark.parametrize("value, minimum, maximum, error", [
    (0, 1, 10, ValueError), (11, 1, 10, ValueError), (True, 1, 10, TypeError), (2.0, 1, 10, TypeError),
    ("3", 1, 10, TypeError)])
def test_positive_int_refuses_out_of_range_and_non_integers(value, minimum, maximum, error):
    with pytest.raises(error, match=r"^Input n must be an integer "):
        _validation.positive_int("n", value, minimum=minimum, maximum=maximum)


@pytest.mark.parametrize("value", [1, 10, np.int64(5), np.array(7)])
def test_positive_int_accepts_integers_in_range(value):
    assert _validation.positive_int("n", value, minimum=1, maximum=10) == int(value)
    assert type(_validation.positive_int("n", value, minimum=1, maximum=10)) is int


@pytest.mark.parametrize("out, finite", [(1.5, True), (np.float64(2.0), True), (math.inf, False),
                                         (np.float64("nan"), False), (np.array([1.0, np.nan]), False),
                                         ((1.0, [2.0, math.inf]), False), (3, True)])
def test_finite_output_refuses_non_finite_results(out, finite):
    formula = _validation.finite_output("result")(lambda: out)
    if finite:
        assert formula() is out
    else:
        with pytest.raises(ValueError, match="such that the result is finite"):
            formula()
