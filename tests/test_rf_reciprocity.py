"""Sensitivity and reciprocity SNR against hand calculations and scaling laws."""

import numpy as np
import pytest
from scipy.constants import Avogadro, Boltzmann, hbar, mu_0

import coildesign as cd
from coildesign.analysis.performance import dc_resistance
from coildesign.geometries import solenoid
from coildesign.rf import ac_resistance
from coildesign.rf import snr as rs


def test_cylinder_quadrature_is_exact_for_volume_and_polynomials():
    cyl = rs.Cylinder(0.4e-3, 1e-3, center=(1e-4, 0, 0), axis=(1, 1, 0))
    pts, w = cyl.points()
    assert w.sum() == pytest.approx(np.pi * 0.16e-6 * 1e-3, rel=1e-13, abs=0)
    rel = pts - np.array([1e-4, 0, 0])
    ax = np.array([1, 1, 0]) / np.sqrt(2)
    z = rel @ ax
    r2 = np.einsum("ij,ij->i", rel, rel) - z**2
    assert np.sum(w * r2) == pytest.approx(np.pi * 0.4e-3**4 / 2 * 1e-3, rel=1e-12, abs=0)  # int r^2 dV
    assert np.sum(w * z**2) == pytest.approx(np.pi * 0.16e-6 * 1e-3**3 / 12, rel=1e-12, abs=0)


def test_curie_magnetization_of_water_by_hand():
    """M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) for 1H in water (110.7 mol/L of protons)."""
    n = 110.7e3 * Avogadro * 0.999885
    gamma = 26.7522128e7
    hand = n * gamma**2 * hbar**2 * 0.75 * 14.1 / (3 * Boltzmann * 293.15)
    assert rs.curie_magnetization("1H", None, 14.1, 293.15, spin_density=n) == pytest.approx(hand, rel=1e-14, abs=0)
    assert 0.045 < hand < 0.047  # A/m
    assert rs.nucleus("1H").larmor_frequency(14.1) == pytest.approx(600.3e6, rel=1e-3)


def test_snr_of_a_long_solenoid_matches_closed_form():
    """Long solenoid, small centred sample: B1/I = mu0 N / l (uniform), so
    xi = omega0 M0 mu0 (N/l) V and SNR = xi / sqrt(4 k T R df) (Hoult & Richards 1976)."""
    coil = solenoid(1e-3, 40e-3, 400, 50e-6).rotate(90, (0, 1, 0))
    sample = rs.Cylinder(0.2e-3, 1e-3, axis=(1, 0, 0))
    res = rs.snr(coil, sample, b0=14.1, resistance=2.0, bandwidth=5e3)
    m0 = rs.curie_magnetization("1H", None, 14.1, 293.15, spin_density=110.7e3 * Avogadro * 0.999885)
    omega = 26.7522128e7 * 14.1
    b1 = mu_0 * 400 / np.sqrt(40e-3**2 + 4e-6)  # finite-length current sheet at the centre
    xi = omega * m0 * b1 * sample.volume
    assert res.signal == pytest.approx(xi, rel=2e-3)
    assert res.snr == pytest.approx(xi / np.sqrt(4 * Boltzmann * 293.15 * 2.0 * 5e3), rel=2e-3)
    assert res.lod == pytest.approx(3 * res.moles / (res.snr * np.sqrt(5e3)), rel=1e-12, abs=0)
    sens = rs.sample_sensitivity(coil, sample)
    assert sens.relative_std < 1e-3 and sens.fraction_within_10_percent == 1.0


def test_snr_per_volume_scaling_laws():
    """Peck, Magin & Lauterbur (1995): for geometrically similar solenoids, SNR per unit
    sample volume scales as 1/d when skin effect dominates and as d^(-1/2) at DC."""
    d = np.array([0.5e-3, 1.5e-3, 5e-3])
    skin, dc = [], []
    for scale in d / 1e-3:
        coil = solenoid(0.5e-3, 1e-3, 5, 0.1e-3).rotate(90, (0, 1, 0)).scaled(scale)
        sample = rs.Cylinder(0.35e-3 * scale, 0.8e-3 * scale, axis=(1, 0, 0))
        for out, r in ((skin, ac_resistance(coil, 600e6, proximity=None)), (dc, dc_resistance(coil))):
            out.append(rs.snr(coil, sample, b0=14.1, resistance=r).snr / sample.volume)
    assert np.polyfit(np.log(d), np.log(skin), 1)[0] == pytest.approx(-1.0, abs=0.02)
    assert np.polyfit(np.log(d), np.log(dc), 1)[0] == pytest.approx(-0.5, abs=0.02)


def test_errors_name_parameters():
    with pytest.raises(ValueError, match="Input nucleus"):
        rs.nucleus("7Li")
    with pytest.raises(ValueError, match="Input radius"):
        rs.Cylinder(-1.0, 1e-3)
    with pytest.raises(ValueError, match="Input resistance"):
        rs.snr(cd.Coil.from_loop(1e-3), rs.Cylinder(1e-4, 1e-4), b0=14.1, resistance=0.0)


def test_magnetic_sample_loss_engine_vs_closed_form():
    """Saline cylinder coaxial in a long solenoid: the engine route sigma omega^2 int |A|^2 dV
    equals pi sigma omega^2 mu0^2 n^2 b^4 l / 8 (Hoult & Lauterbur 1979) to the end effects.
    Stacked rings: a helix also carries its net axial current, whose A_z adds an axial E
    (about +11 % here), which the ideal closed form leaves out."""
    coil = solenoid(1e-3, 40e-3, 400, 50e-6, stacked=True)
    sample = rs.Cylinder(0.5e-3, 2e-3)
    engine = rs.magnetic_loss_resistance(coil, sample, 600e6, 1.6)
    closed = rs.cylinder_in_solenoid_loss(400 / np.hypot(40e-3, 2e-3), 0.5e-3, 2e-3, 600e6, 1.6)
    assert engine == pytest.approx(closed, rel=5e-3)
    assert rs.magnetic_loss_resistance(coil, sample, 600e6, 0.0) == 0.0


def test_rotating_frame_components():
    """A linearly polarised transverse field splits equally into B1+ and B1- of magnitude
    |B_perp|/2 (Hoult 2000)."""
    coil = solenoid(0.5e-3, 1e-3, 5, 0.1e-3).rotate(90, (0, 1, 0))
    bp, bm = rs.rotating_frame_b1(coil, np.zeros((1, 3)))
    b_perp = np.hypot(*cd.field(coil, [0, 0, 0])[0, :2])
    assert abs(bp[0]) == pytest.approx(b_perp / 2, rel=1e-12, abs=0)
    assert abs(bm[0]) == pytest.approx(b_perp / 2, rel=1e-12, abs=0)
