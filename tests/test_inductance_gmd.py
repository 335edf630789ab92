"""Inductance by Neumann integrals and the GMD method against exact results."""

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.special import ellipe, ellipk

import coildesign as cd
from coildesign.analysis.inductance import inductance, inductance_matrix, mutual_inductance
from coildesign.geometries import golay, maxwell_pair, solenoid


@pytest.mark.parametrize("a_over_r", [0.003, 0.01, 0.03])
def test_single_loop_low_and_high_frequency(a_over_r):
    """L = mu0 R [ln(8R/a) - 2 + 1/4] with uniform current, mu0 R [ln(8R/a) - 2] with skin
    effect (Grover 1946 eq. 96; Jackson problem 5.32); both to O((a/R)^2 ln) accuracy."""
    r = 2e-3
    a = a_over_r * r
    coil = cd.Coil.from_loop(r, wire_diameter=2 * a)
    tol = 2 * a_over_r**2 * np.log(8 / a_over_r)
    assert inductance(coil) == pytest.approx(mu_0 * r * (np.log(8 * r / a) - 1.75), rel=tol, abs=0)
    assert inductance(coil, internal=False) == pytest.approx(mu_0 * r * (np.log(8 * r / a) - 2), rel=tol, abs=0)


def test_coaxial_loops_maxwell_formula():
    """M = mu0 sqrt(R1 R2) [(2/k - k) K(k) - (2/k) E(k)], k^2 = 4 R1 R2 / ((R1+R2)^2 + d^2)
    (Maxwell; Jackson problem 5.33), exact to 1e-12; M_ab = M_ba."""
    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    m = 4 * r1 * r2 / ((r1 + r2) ** 2 + d**2)
    k = np.sqrt(m)
    exact = mu_0 * np.sqrt(r1 * r2) * ((2 / k - k) * ellipk(m) - 2 / k * ellipe(m))
    a, b = cd.Coil.from_loop(r1), cd.Coil.from_loop(r2, center=(0, 0, d))
    assert mutual_inductance(a, b) == pytest.approx(exact, rel=1e-12, abs=0)
    assert mutual_inductance(b, a) == pytest.approx(exact, rel=1e-12, abs=0)
    # the polygonal loop converges to it (polyline path, Gauss quadrature)
    phi = np.linspace(0, 2 * np.pi, 401)[:-1]
    poly = cd.Coil.from_polyline(np.c_[r1 * np.cos(phi), r1 * np.sin(phi), 0 * phi], closed=True)
    assert mutual_inductance(poly, b) == pytest.approx(exact, rel=1e-4, abs=0)


def test_straight_wire_partial_inductance():
    """Exact partial self inductance of a straight filament pair at the GMD g:
    mu0/(2 pi) [l ln((l + sqrt(l^2+g^2))/g) - sqrt(l^2+g^2) + g] (Grover 1946 eq. 1-2, Rosa
    1908), g = a e^(-1/4); -> mu0 l/(2 pi) [ln(2l/a) - 3/4] for l >> a."""
    length, a = 0.05, 1e-4
    g = a * np.exp(-0.25)
    exact = mu_0 / (2 * np.pi) * (length * np.log((length + np.hypot(length, g)) / g) - np.hypot(length, g) + g)
    wire = cd.Coil.from_polyline([[0, 0, 0], [0, 0, length]], wire_diameter=2 * a)
    assert inductance(wire, order=64) == pytest.approx(exact, rel=2e-3)


def test_microcoil_solenoid_against_wheeler_and_scaling():
    """A 5-turn, 1 mm solenoid: Wheeler's formula L = mu0 N^2 pi r^2 / (l + 0.9 r) (Wheeler
    1928, in SI; ~ a few % for l/D ~ 1 and this wire) and L proportional to size."""
    coil = solenoid(0.5e-3, 1e-3, 5, 0.1e-3)
    wheeler = mu_0 * 25 * np.pi * 0.25e-6 / (1e-3 + 0.9 * 0.5e-3)
    assert inductance(coil) == pytest.approx(wheeler, rel=0.05)
    assert inductance(coil.scaled(3.0)) == pytest.approx(3 * inductance(coil), rel=1e-10, abs=0)


def test_inductance_matrix_symmetric_positive_definite():
    coils = [golay(5e-3, wire_diameter=2e-4, points_per_arc=32), golay(5.3e-3, axis="y", wire_diameter=2e-4,
                                                                       points_per_arc=32),
             maxwell_pair(5.6e-3, wire_diameter=2e-4)]
    m = inductance_matrix(coils)
    np.testing.assert_allclose(m, m.T, rtol=1e-12, atol=0)
    assert np.all(np.linalg.eigvalsh(m) > 0)
    assert abs(m[0, 2]) < 1e-3 * np.sqrt(m[0, 0] * m[2, 2])  # orthogonal symmetries: no coupling


def test_filament_refused():
    with pytest.raises(ValueError, match="filament's self inductance is infinite"):
        inductance(cd.Coil.from_loop(1e-3))


def test_nagaoka_table_and_limits():
    """Nagaoka's coefficient reproduces his table (Nagaoka 1909; Grover 1946 Table 36) to its
    4 printed digits and tends to 1 for a long sheet (L -> mu0 N^2 pi a^2 / l)."""
    from coildesign.analysis.handbook import nagaoka_coefficient

    for d_over_l, table in ((0.5, 0.8181), (1.0, 0.6884), (2.0, 0.5255), (10.0, 0.2033)):
        assert nagaoka_coefficient(d_over_l) == pytest.approx(table, abs=6e-5)
    assert nagaoka_coefficient(1e-4) == pytest.approx(1 - 4 / (3 * np.pi) * 1e-4, rel=1e-7)  # 1 - 4a/(3 pi l)


def test_stacked_rings_agree_with_rosa():
    """A dense stack of thin rings: the engine's value (GMD self terms + exact mutuals) equals
    Nagaoka's sheet minus Rosa's round-wire corrections (HF, no internal term), which are 2.35 %
    below the bare sheet here ([Rosa1906]; coildesign.analysis.handbook)."""
    from coildesign.analysis.handbook import rosa_solenoid_inductance
    from coildesign.geometries import solenoid as sol

    a, length, n, d = 1e-3, 2e-3, 40, 0.045e-3
    coil = sol(a, length, n, d, stacked=True)
    expected = rosa_solenoid_inductance(a, length / n, n, d, internal=False)
    assert inductance(coil, internal=False) == pytest.approx(expected, rel=2e-4, abs=0)


def test_wheeler_hidden_factor_and_error_at_short_coils():
    """Wheeler's inch formula = mu0 pi N^2 r^2/(l + 0.9 r) / 1.0027 exactly in SI; vs Nagaoka it
    is ~1 % at l/D = 1 and ~11 % low at l/D = 0.1 (shared/README pitfalls)."""
    from coildesign.analysis.handbook import current_sheet_inductance, wheeler_inductance

    r, n = 1e-3, 10
    sheet_like = mu_0 * np.pi * n * n * r * r / (2e-3 + 0.9 * r)
    assert sheet_like / wheeler_inductance(r, 2e-3, n) == pytest.approx(1.00275, abs=1e-5)
    assert wheeler_inductance(r, 2e-3, n) / current_sheet_inductance(r, 2e-3, n) == pytest.approx(1, abs=0.015)
    short = wheeler_inductance(r, 0.2e-3, n) / current_sheet_inductance(r, 0.2e-3, n) - 1
    assert -0.13 < short < -0.09
