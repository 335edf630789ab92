"""Tests of coildesign.rf.array: coupling matrix, passive reciprocal N-port, Roemer's noise-optimal
SNR combination, critical overlap of two loops, preamplifier decoupling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.special import ellipe, ellipkm1

from coildesign.analysis.handbook import maxwell_mutual_inductance
from coildesign.analysis.inductance import mutual_inductance
from coildesign.geometries import loop
from coildesign.rf import (
    array_network,
    array_snr,
    capacitive_decoupling,
    coupling,
    decoupling_overlap,
    isolation_db,
    match,
    preamplifier_decoupling,
)
from coildesign.rf.sample import Box, saline
from coildesign.rf.snr import WATER_PROTON_CONCENTRATION, curie_magnetization

F0 = 100e6


def coaxial_loop_mutual(radius: float, distance: float, height: float) -> float:
    """Neumann M [H] of two equal circular filaments of ``radius`` whose planes are ``height``
    apart and whose axes are ``distance`` apart: M = oint A_phi . dl with the closed-form
    potential of a loop, A_phi = (mu0 / (pi k)) sqrt(a/rho) [(1 - k^2/2) K(k) - E(k)],
    k^2 = 4 a rho / ((a + rho)^2 + z^2) (Jackson, Classical Electrodynamics 3rd ed., eq. 5.37),
    integrated with adaptive quadrature split where the other loop passes closest."""
    from scipy.constants import mu_0

    a, d, h = radius, distance, height

    def f(theta: float) -> float:
        rho = np.sqrt(d * d + a * a + 2 * a * d * np.cos(theta))
        p = ((a - rho) ** 2 + h * h) / ((a + rho) ** 2 + h * h)  # 1 - k^2, without cancellation
        m = 1.0 - p
        a_phi = mu_0 / (np.pi * np.sqrt(m)) * np.sqrt(a / rho) * ((1 - m / 2) * ellipkm1(p) - ellipe(m))
        return a_phi * a * (d * np.cos(theta) + a) / rho

    split = [np.arccos(-d / (2 * a))] if d < 2 * a else []
    edges = [0.0, *split, np.pi]
    return 2.0 * sum(quad(f, lo, hi, limit=200, epsabs=0, epsrel=1e-12)[0] for lo, hi in zip(edges[:-1], edges[1:]))


@pytest.fixture(scope="module")
def pair():
    """Two 2 mm loops side by side over a saline slab, normals along x (B1 transverse to z)."""
    a = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    b = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0), center=(1e-4, 1.6e-3, 0))  # overlapped, one wire above
    slab = Box((1e-3, 4e-3, 2e-3), center=(0.8e-3, 0.8e-3, 0), medium=saline(9.0))
    return a, b, slab


def test_coupling_matrix(pair):
    a, b, slab = pair
    cp = coupling([a, b], F0, sample=slab)
    z = cp.impedance
    assert z.shape == (2, 2) and np.allclose(z, z.T, rtol=1e-14, atol=0)
    assert cp.inductance[0, 1] == pytest.approx(mutual_inductance(a, b), rel=1e-12, abs=0)
    for i, c in enumerate(cp.circuits):
        assert cp.inductance[i, i] == c.inductance
        assert cp.sample_resistance[i, i] == pytest.approx(c.sample_resistance, rel=1e-12, abs=0)
        assert cp.resistance[i, i] == pytest.approx(c.resistance, rel=1e-12, abs=0)
    # the sample-mediated resistance matrix is a Gram matrix: symmetric positive semi-definite
    assert np.all(np.linalg.eigvalsh(cp.sample_resistance) >= -1e-15 * np.abs(cp.sample_resistance).max())
    assert 0 < abs(cp.noise_correlation[0, 1]) < 1 and abs(cp.coupling_coefficient[0, 1]) < 1
    without = coupling([a, b], F0)
    assert np.all(without.sample_resistance == 0) and without.resistance[0, 1] == 0
    with pytest.raises(TypeError, match=r"Input coils\[1\] must be a coildesign Coil"):
        coupling([a, "b"], F0)


@pytest.mark.parametrize("matched", [False, True])
def test_array_network_is_passive_and_reciprocal(pair, matched):
    a, b, slab = pair
    f = np.linspace(80e6, 120e6, 9)
    net = array_network([a, b], f, sample=slab, matched=matched)
    s = net.s
    assert s.shape == (9, 2, 2) and np.isfinite(s).all()
    np.testing.assert_allclose(s, s.transpose(0, 2, 1), rtol=0, atol=1e-12)  # reciprocal
    eig = np.linalg.eigvalsh(np.conj(s.transpose(0, 2, 1)) @ s)
    assert eig.max() <= 1.0 + 1e-12 and eig.min() >= -1e-12  # passive
    iso = isolation_db(net)
    assert np.allclose(iso[:, 0, 1], -20 * np.log10(np.abs(s[:, 0, 1])))
    if matched:
        # each port is matched to its own coil: S_ii is small at the design frequency, limited by the coupling
        assert np.abs(s[4, 0, 0]) < 0.2 and len(net.matches) == 2


def test_matched_port_of_a_lone_coil_equals_its_matched_network():
    """A one-element array with matched=True is rf.match of its coil: the same ladder."""
    a = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    f = np.linspace(95e6, 105e6, 11)
    net = array_network([a], f, matched=True)
    single = match(net.matches[0].circuit, frequencies=f)
    np.testing.assert_allclose(net.s[:, 0, 0], single.network.s[:, 0, 0], rtol=0, atol=1e-12)


def test_roemer_two_coil_combination(pair):
    """Roemer et al., MRM 16, 192 (1990): SNR^2 = s^H Psi^-1 s, for two channels
    (|s1|^2 Psi22 + |s2|^2 Psi11 - 2 Re(s1* s2 Psi12)) / (Psi11 Psi22 - Psi12^2); with
    uncorrelated noise the channels' SNRs add in quadrature."""
    a, b, slab = pair
    pts = np.array([[0.5e-3, y, 0.0] for y in np.linspace(-0.5e-3, 2.1e-3, 7)])
    res = array_snr([a, b], slab, pts, b0=2.35, voxel_volume=1e-12)
    psi = res.noise_covariance
    from coildesign.rf.sensitivity import b1_map

    m0 = curie_magnetization("1H", WATER_PROTON_CONCENTRATION, 2.35, 293.15)
    s = np.array([2 * np.pi * res.frequency * m0 * 1e-12 * 2 * b1_map(c, pts).b1_minus for c in (a, b)])
    num = (np.abs(s[0]) ** 2 * psi[1, 1] + np.abs(s[1]) ** 2 * psi[0, 0]
           - 2 * np.real(np.conj(s[0]) * s[1] * psi[0, 1]))
    expected = np.sqrt(num / (psi[0, 0] * psi[1, 1] - psi[0, 1] ** 2))
    np.testing.assert_allclose(res.combined, expected, rtol=1e-10, atol=0)
    np.testing.assert_allclose(res.channels, np.abs(s) / np.sqrt(np.diag(psi))[:, None], rtol=1e-12, atol=0)
    assert np.all(res.combined >= res.channels.max(axis=0) * (1 - 1e-12))
    # no sample loss, no mutual resistance: uncorrelated noise, quadrature sum
    dry = Box((1e-3, 4e-3, 2e-3), center=(0.8e-3, 0.8e-3, 0))
    res0 = array_snr([a, b], dry, pts, b0=2.35)
    np.testing.assert_allclose(res0.combined, np.hypot(*res0.channels), rtol=1e-12, atol=0)


def test_decoupling_overlap_of_two_loops_matches_the_closed_form_potential():
    """Two equal loops, planes 1 % of the diameter apart: the first zero of M(d) from the
    package's Neumann integral equals the zero of the closed-form-potential integral; in the
    thin-wire, coplanar limit the zero is at 0.758 diameters (the textbook ~0.75-0.76)."""
    r, h = 1e-3, 2e-5
    a = loop(r, wire_diameter=1e-5)
    b = loop(r, wire_diameter=1e-5, center=(0, 0, h))
    s = decoupling_overlap(a, b, (1, 0, 0))
    expected = brentq(lambda d: coaxial_loop_mutual(r, d, h), 1.0 * r, 1.9 * r, xtol=1e-15)
    assert s == pytest.approx(expected, rel=1e-6)
    coplanar = brentq(lambda d: coaxial_loop_mutual(r, d, 0.0), 1.0 * r, 1.9 * r, xtol=1e-15)
    assert coplanar / (2 * r) == pytest.approx(0.758, abs=1e-3)
    with pytest.raises(ValueError, match="Input direction must be a direction along which"):
        decoupling_overlap(a, b, (1, 0, 0), max_distance=0.5e-3, steps=4)


def test_preamplifier_decoupling():
    """Shunt-C-at-the-line / series-C network: a shorted line (ideal low-impedance preamplifier)
    leaves C_t in series with the coil, loop impedance R + j sqrt(R (Z0 - R)) against 2 R
    when terminated by Z0: suppression 20 log10(sqrt(R Z0) / (2 R)) = 10 log10(Z0 / (4 R))
    exactly (no C_self). The series-C / shunt-C network instead leaves C_t || C_m in series,
    close to series resonance: no suppression (the reason for Roemer's inductive match)."""
    coil = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    res = match(coil, F0, topology="parallel_match_series_tune")
    assert res.c_self == 0.0
    r = res.resistance
    assert preamplifier_decoupling(res, 0.0)[0] == pytest.approx(10 * np.log10(res.z0 / (4 * r)), rel=1e-9)
    assert preamplifier_decoupling(res, res.z0)[0] == pytest.approx(0.0, abs=1e-12)
    assert 0 < preamplifier_decoupling(res, 2.0)[0] < preamplifier_decoupling(res, 0.0)[0]
    assert preamplifier_decoupling(match(coil, F0), 0.0)[0] < 0
    with pytest.raises(ValueError, match="Input preamp_impedance"):
        preamplifier_decoupling(res, -1.0)


def _passive_reciprocal(s):
    np.testing.assert_allclose(s, s.transpose(0, 2, 1), rtol=0, atol=1e-12)
    eig = np.linalg.eigvalsh(np.conj(s.transpose(0, 2, 1)) @ s)
    assert eig.max() <= 1.0 + 1e-12 and eig.min() >= -1e-12


def test_capacitive_decoupling_of_two_coaxial_loops_is_the_closed_form():
    """Two coaxial loops 1.5 mm apart (positive mutual inductance, Maxwell's closed form): the
    shared capacitor C = 1/(omega0^2 M) (Lee et al., Magn. Reson. Med. 48, 203 (2002)) nulls
    the mutual reactance at f0; with both ports matched the isolation at f0 goes from ~7 dB to
    rounding level, and the decoupled network is reciprocal and passive over the band."""
    a = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    b = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0), center=(1.5e-3, 0, 0))
    f = np.linspace(95e6, 105e6, 11)
    dec = capacitive_decoupling([a, b], f, matched=True)
    m = maxwell_mutual_inductance(1e-3, 1e-3, 1.5e-3)
    assert dec.frequency == F0 and dec.orientation == {(0, 1): 1}
    assert dec.capacitors[(0, 1)] == pytest.approx(1.0 / ((2 * np.pi * F0) ** 2 * m), rel=1e-9, abs=0)
    z = dec.impedance_at([F0])[0]
    assert abs(z[0, 1]) <= 1e-12 * 2 * np.pi * F0 * m  # no sample: nothing left between the loops at f0
    np.testing.assert_allclose(dec.effective_inductance(), np.diag(dec.coupling.inductance) - m, rtol=1e-12, atol=0)
    before, after = isolation_db(dec.before)[5, 0, 1], isolation_db(dec.network)[5, 0, 1]
    assert before < 10.0 and after > 100.0
    assert np.all(isolation_db(dec.network)[:, 0, 1] > isolation_db(dec.before)[:, 0, 1])
    assert isolation_db(dec.network)[5, 0, 0] > 40.0  # each port still matched (its coil with the capacitor)
    for net in (dec.network, dec.before):
        assert np.isfinite(net.s).all()
        _passive_reciprocal(net.s)
    unmatched = capacitive_decoupling([a, b], f)
    _passive_reciprocal(unmatched.network.s)


def test_capacitive_decoupling_leaves_the_sample_mediated_resistance(pair):
    """Side-by-side loops over saline (negative mutual inductance: the capacitor's branch is
    shared with opposite loop currents): after decoupling Z_12(f0) is the sample-mediated
    mutual resistance R_12 alone, which a capacitor cannot cancel; isolation < -30 dB at f0
    and better than before over the band."""
    a, _, slab = pair
    c = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0), center=(1e-4, 2.3e-3, 0))
    f = np.linspace(95e6, 105e6, 11)
    dec = capacitive_decoupling([a, c], f, sample=slab, matched=True)
    cp = dec.coupling
    assert cp.inductance[0, 1] < 0 and dec.orientation == {(0, 1): -1}
    assert dec.capacitors[(0, 1)] == pytest.approx(1.0 / ((2 * np.pi * F0) ** 2 * -mutual_inductance(a, c)),
                                                   rel=1e-12, abs=0)
    z = dec.impedance_at([F0])[0]
    assert z[0, 1].real == pytest.approx(cp.resistance[0, 1], rel=1e-12, abs=0) and cp.resistance[0, 1] != 0
    assert abs(z[0, 1].imag) <= 1e-12 * abs(2 * np.pi * F0 * cp.inductance[0, 1])
    iso, iso_before = isolation_db(dec.network)[:, 0, 1], isolation_db(dec.before)[:, 0, 1]
    assert iso[5] > 30.0 and iso_before[5] < 10.0 and np.all(iso > iso_before)
    _passive_reciprocal(dec.network.s)


def test_capacitive_decoupling_refuses_what_it_cannot_do():
    a = loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    stack = [loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0), center=(k * 0.12e-3, 0, 0)) for k in range(3)]
    with pytest.raises(ValueError, match="leave coil 1 inductive"):
        capacitive_decoupling(stack, [F0])  # the middle loop's two capacitors exceed its own reactance
    with pytest.raises(ValueError, match="Input pairs must be pairs"):
        capacitive_decoupling(stack[:2], [F0], pairs=[(0, 0)])
    with pytest.raises(TypeError, match="Input pairs must be pairs"):
        capacitive_decoupling([a, stack[1]], [F0], pairs=[0])
