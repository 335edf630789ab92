"""Harmonic field targets (coildesign.design.target) against closed forms of the Schmidt
semi-normalised solid harmonics (Winch et al., Geophys. J. Int. 160, 487 (2005), eq. 3;
P_n^m without the Condon-Shortley phase, Abramowitz & Stegun 8.6)."""

import numpy as np
import pytest

from coildesign.design.target import HarmonicTarget

RNG = np.random.default_rng(7)
POINTS = RNG.uniform(-2e-3, 2e-3, (50, 3))
x, y, z = POINTS.T
R = 3e-3
S3 = np.sqrt(3.0)
# (n, m): (h [m^n], H = max |h| over the ball of radius R [m^n])
CLOSED = {
    (1, 1): (x, R), (1, -1): (y, R), (1, 0): (z, R),
    (2, 0): (z**2 - (x**2 + y**2) / 2, R**2),  # r^2 P_2, max at the poles
    (2, 1): (S3 * x * z, S3 / 2 * R**2),  # sqrt(1/3) * 3 x z, max sin(2 theta)/2 = 1/2
    (2, -1): (S3 * y * z, S3 / 2 * R**2),
    (2, 2): (S3 / 2 * (x**2 - y**2), S3 / 2 * R**2),  # sqrt(1/12) * 3 (x^2 - y^2)
    (2, -2): (S3 * x * y, S3 / 2 * R**2),
    (3, 0): (z**3 - 1.5 * z * (x**2 + y**2), R**3),  # r^3 P_3 = (5 z^3 - 3 z r^2) / 2
}


@pytest.mark.parametrize("nm", list(CLOSED))
def test_harmonic_values_and_dsv_maximum_match_closed_forms(nm):
    target = HarmonicTarget(*nm)
    h, peak = CLOSED[nm]
    assert np.allclose(target.values(POINTS), h, rtol=0, atol=1e-12 * np.abs(h).max())
    assert target.scale(R) == pytest.approx(peak, rel=1e-10, abs=0)


def test_gradient_targets_are_exactly_the_coordinates():
    for axis, column in (("x", 0), ("y", 1), ("z", 2)):
        target = HarmonicTarget.gradient(axis)
        assert target.axis == axis and target.name == f"G{axis}"
        assert np.array_equal(target.values(POINTS), POINTS[:, column])
        assert target.scale(R) == R


@pytest.mark.parametrize("nm", list(CLOSED))
def test_mirror_parities_are_those_of_the_closed_forms(nm):
    target = HarmonicTarget(*nm)
    h = CLOSED[nm][0]
    for axis, parity in target.field_parities().items():
        mirrored = POINTS.copy()
        mirrored[:, axis] *= -1
        assert np.allclose(target.values(mirrored), parity * h, rtol=0, atol=1e-12 * np.abs(h).max())


def test_full_normalisation_scales_the_harmonic():
    """4 pi normalisation: N_20 = sqrt(5) (Heiskanen & Moritz eq. 1-73), so h and H scale by it."""
    full = HarmonicTarget(2, 0, "full")
    h, peak = CLOSED[(2, 0)]
    assert np.allclose(full.values(POINTS), np.sqrt(5) * h, rtol=1e-12, atol=0)
    assert full.scale(R) == pytest.approx(np.sqrt(5) * peak, rel=1e-10, abs=0)


@pytest.mark.parametrize("n, m, name", [(0, 0, "n"), (11, 0, "n"), (2.5, 0, "n"), (True, 0, "n"), (2, 3, "m"),
                                        (2, -3, "m"), (2, 1.0, "m")])
def test_bad_degree_or_order_names_the_parameter(n, m, name):
    with pytest.raises(ValueError, match=f"Input {name} must be"):
        HarmonicTarget(n, m)


def test_bad_normalisation_names_the_parameter():
    with pytest.raises(ValueError, match="normalization"):
        HarmonicTarget(2, 0, "orthonormal")
