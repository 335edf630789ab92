"""Tests of coildesign.rf.resonators' microslot model: the geometric-mean-distance closed form
against numerical integration and Maxwell's self-GMD of a strip, the sheet field against the
integrated line-current field and the isolated-strip closed form, the inductance against
Hammerstad & Jensen's microstrip (an upper bound within a few per cent) and the parallel-plate
limit. (The resonator analysis of the geometries' resonators: tests/geometries/test_resonators.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.constants import speed_of_light as c0
from scipy.integrate import quad

from coildesign.geometries import hammerstad_jensen
from coildesign.rf import Microslot, microslot
from coildesign.rf.resonators import _log_gmd


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")  # the accuracy is asserted
@pytest.mark.parametrize("x1, x2, x3, x4, d", [(0.0, 1.0, 0.0, 1.0, 0.0), (0.0, 1.0, 1.5, 2.2, 0.0),
                                               (-0.3, 0.4, 0.1, 0.9, 0.35), (0.0, 2.0, -1.0, 0.5, 1.7)])
def test_log_gmd_is_the_double_integral(x1, x2, x3, x4, d):
    """ln GMD of two parallel sheets = (1/(a b)) int int ln sqrt((x - x')^2 + d^2) (Maxwell,
    Treatise art. 691), by numerical integration (split where the integrand is singular)."""

    def inner(x):
        f = lambda xp: 0.5 * math.log((x - xp) ** 2 + d * d) if (x - xp) ** 2 + d * d > 0 else 0.0  # noqa: E731
        points = [x] if x3 < x < x4 else None
        return quad(f, x3, x4, points=points, limit=200, epsabs=0, epsrel=1e-13)[0]

    numeric = quad(inner, x1, x2, limit=200, epsabs=0, epsrel=1e-12)[0] / ((x2 - x1) * (x4 - x3))
    assert _log_gmd(x1, x2, x3, x4, d) == pytest.approx(numeric, rel=1e-9, abs=1e-12)
    if (x1, x2, x3, x4, d) == (0.0, 1.0, 0.0, 1.0, 0.0):
        assert _log_gmd(0.0, 3e-4, 0.0, 3e-4, 0.0) == pytest.approx(math.log(3e-4) - 1.5, rel=1e-13, abs=0)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")  # the accuracy is asserted
def test_sheet_field_is_the_integrated_line_current_field():
    """B of the uniform sheets and their ground-plane images = the integral over the sheets of
    the line-current field mu0 K dx' / (2 pi rho) (right-handed about +z), at points around
    and above the slot; above the slot centre B_y vanishes and |B_x| is the closed form."""
    m = microslot(1e-3, 0.2e-3, 0.1e-3, 2e-3)
    k = 1.0 / (1e-3 - 0.2e-3)
    pts = [(0.0, 0.15e-3), (0.05e-3, 0.12e-3), (-0.6e-3, 0.3e-3), (0.3e-3, 1e-3)]
    for x, y in pts:
        numeric = np.zeros(2)
        for y0, sign in ((0.1e-3, 1.0), (-0.1e-3, -1.0)):
            for a, b in ((-0.5e-3, -0.1e-3), (0.1e-3, 0.5e-3)):
                for comp in range(2):
                    def f(xp, comp=comp, y0=y0, x=x, y=y):
                        dx, dy = x - xp, y - y0
                        return (-dy, dx)[comp] / (dx * dx + dy * dy)
                    numeric[comp] += sign * mu_0 * k / (2 * math.pi) * quad(f, a, b, epsabs=0, epsrel=1e-13,
                                                                            limit=200)[0]
        np.testing.assert_allclose(m.field_per_ampere(x, y), numeric, rtol=1e-10, atol=1e-14 * np.abs(numeric).max())
    y = np.array([0.12e-3, 0.2e-3, 0.5e-3])
    yy, yi = y - 0.1e-3, y + 0.1e-3
    closed = mu_0 / (2 * math.pi * 0.4e-3) * ((np.arctan(0.5e-3 / yy) - np.arctan(0.1e-3 / yy))
                                               - (np.arctan(0.5e-3 / yi) - np.arctan(0.1e-3 / yi)))
    np.testing.assert_allclose(m.b1_per_ampere(y), np.abs(closed), rtol=1e-13, atol=0)
    assert np.all(np.abs(m.field_per_ampere(np.zeros(3), y)[1]) <= 1e-15 * np.abs(closed).max())
    # no slot and the ground plane far away: the field of an isolated current strip,
    # B = mu0 I atan(w / 2Y) / (pi w) above its centre
    strip = microslot(1e-3, 0.0, 1e3, 1e-3)
    assert strip.b1_per_ampere(1e3 + 2e-4) == pytest.approx(mu_0 * math.atan(1e-3 / 4e-4) / (math.pi * 1e-3),
                                                             rel=1e-6, abs=0)


@pytest.mark.parametrize("ratio", [0.5, 1.0, 2.0, 5.0, 10.0, 30.0])
def test_inductance_bounds_the_microstrip_and_tends_to_the_parallel_plate(ratio):
    """Without a slot the uniform-current model's L' lies above Hammerstad & Jensen's quasi-static
    microstrip (L' = Z0 sqrt(eps_eff)/c, accurate to ~0.01 %) by less than 7 % (the true
    high-frequency current has less magnetic energy), and tends to mu0 h / w for w >> h."""
    h = 1e-4
    z0, eps = hammerstad_jensen(ratio * h, h)
    lp = microslot(ratio * h, 0.0, h, 1e-3).inductance_per_length
    assert 1.0 < lp / (z0 * math.sqrt(eps) / c0) < 1.07
    wide = microslot(3000 * h, 0.0, h, 1e-3).inductance_per_length
    assert wide == pytest.approx(mu_0 * h / (3000 * h), rel=2e-3, abs=0)


def test_microslot_slot_raises_b1_and_inductance_and_validates():
    """A wider slot (narrower sub-strips) raises the inductance per length; the lumped section
    and B1 per sqrt(W)."""
    narrow, wide = microslot(1e-3, 0.1e-3, 0.1e-3, 2e-3), microslot(1e-3, 0.4e-3, 0.1e-3, 2e-3)
    assert wide.inductance_per_length > narrow.inductance_per_length > microslot(1e-3, 0.0, 0.1e-3,
                                                                                  2e-3).inductance_per_length
    assert wide.inductance == pytest.approx(wide.inductance_per_length * 2e-3, rel=1e-15, abs=0)
    r = wide.resistance(600e6)
    assert wide.b1_per_sqrt_watt(0.15e-3, 600e6) == pytest.approx(wide.b1_per_ampere(0.15e-3) * math.sqrt(2 / r),
                                                                  rel=1e-15, abs=0)
    assert isinstance(wide, Microslot) and wide.sheets == ((-0.5e-3, -0.2e-3), (0.2e-3, 0.5e-3))
    with pytest.raises(ValueError, match="Input slot_width must be smaller than the strip width"):
        microslot(1e-3, 1e-3, 0.1e-3, 2e-3)
    with pytest.raises(ValueError, match="Input y must be heights above the strip"):
        wide.b1_per_ampere(0.05e-3)
