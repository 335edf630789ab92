"""Tests of coildesign.rf.circuit: one CoilCircuit for matching, networks, SNR and the studies;
the matched network equals matching_network ** coil network; the B1-along-B0 warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from coildesign.analysis.inductance import inductance
from coildesign.geometries import solenoid
from coildesign.rf import CoilCircuit, coil_network, match, match_capacitors
from coildesign.rf.impedance import ac_resistance, conductor_resistance, self_capacitance
from coildesign.rf.sample import Cylinder, magnetic_loss_resistance, saline
from coildesign.rf.sensitivity import B1AlongB0Warning, sample_b1, transverse_b1
from coildesign.rf.snr import snr

F0 = 600e6


@pytest.fixture(scope="module")
def coil():
    """A 5-turn 1 mm microsolenoid with its axis along x (perpendicular to B0 = z)."""
    return solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, points_per_turn=32).rotate(90.0, (0.0, 1.0, 0.0))


@pytest.fixture(scope="module")
def sample(coil):
    return Cylinder(0.4e-3, 1.5e-3, axis=tuple(coil.axis), medium=saline(9.0))


def test_from_coil_holds_the_package_functions_values(coil, sample):
    c = CoilCircuit.from_coil(coil, F0, sample=sample, temperature=250.0)
    assert c.inductance == pytest.approx(inductance(coil), rel=1e-9, abs=0)  # the helix's screw-symmetric sum
    assert c.conductor_resistance == ac_resistance(coil, F0, temperature=250.0)
    assert c.sample_resistance == pytest.approx(magnetic_loss_resistance(coil, sample, F0), rel=1e-14, abs=0)
    assert c.c_self == self_capacitance(coil)
    assert c.resistance == c.conductor_resistance + c.sample_resistance
    assert c.q_unloaded == pytest.approx(2 * np.pi * F0 * c.inductance / c.conductor_resistance, rel=1e-15)
    assert c.q_loaded < c.q_unloaded
    assert c.self_resonance == pytest.approx(1 / (2 * np.pi * np.sqrt(c.inductance * c.c_self)), rel=1e-14)
    # R(f) over a band: the conductor model at every frequency, the sample loss as sigma_eff(f) omega^2 G
    f = np.linspace(500e6, 700e6, 7)
    np.testing.assert_allclose(c.conductor_resistance_at(f), [ac_resistance(coil, fi, temperature=250.0)
                                                              for fi in f], rtol=1e-14, atol=0)
    np.testing.assert_allclose(c.sample_resistance_at(f), [magnetic_loss_resistance(coil, sample, fi) for fi in f],
                               rtol=1e-12, atol=0)
    z = c.impedance(f)
    zs = c.resistance_at(f) + 2j * np.pi * f * c.inductance
    np.testing.assert_allclose(z, zs / (1 + 2j * np.pi * f * c.c_self * zs), rtol=1e-14, atol=0)
    assert "R_s" in " ".join(c.notes) and "C_self" in " ".join(c.notes)


def test_conductor_resistance_sweep_equals_ac_resistance_point_by_point():
    leads = solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, leads=1e-3, points_per_turn=16)
    f = np.array([0.0, 1e3, 1e6, 600e6, 10e9])
    for proximity in ("minard", "qoil", None):
        expected = [ac_resistance(leads, fi, proximity=proximity, temperature=77.0) for fi in f]
        np.testing.assert_allclose(conductor_resistance(leads, f, 77.0, proximity), expected, rtol=1e-14, atol=0)


def test_circuit_from_numbers_and_validation():
    c = CoilCircuit(inductance=20e-9, conductor_resistance=0.5, frequency=F0)
    np.testing.assert_array_equal(c.resistance_at([1e8, 1e9]), [0.5, 0.5])
    assert c.self_resonance is None and "n/a" in str(c)
    with pytest.raises(ValueError, match="Input inductance must be"):
        CoilCircuit(inductance=-1e-9, conductor_resistance=0.5, frequency=F0)
    with pytest.raises(ValueError, match="Input frequency must be"):
        CoilCircuit(inductance=1e-9, conductor_resistance=0.5, frequency=0.0)
    with pytest.raises(TypeError, match="Input coil must be a coildesign Coil"):
        CoilCircuit.from_coil("coil", F0)
    with pytest.raises(ValueError, match="Input conductivity must be given"):
        CoilCircuit.from_coil(solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, points_per_turn=16), F0,
                              sample=Cylinder(0.4e-3, 1e-3))


def test_match_of_numbers_is_match_of_their_circuit():
    a = match_capacitors(0.5, 20e-9, F0, topology="balanced", capacitor_q=300.0, c_self=0.2e-12)
    b = match(CoilCircuit(inductance=20e-9, conductor_resistance=0.5, c_self=0.2e-12, frequency=F0),
              topology="balanced", capacitor_q=300.0)
    assert a.capacitors == b.capacitors and a.bandwidth == b.bandwidth
    np.testing.assert_array_equal(a.network.s, b.network.s)
    with pytest.raises(ValueError, match="Input frequency must be None or the circuit's frequency"):
        match(b.circuit, 500e6)
    with pytest.raises(ValueError, match="Input sample must be None when a CoilCircuit"):
        match(b.circuit, sample=Cylinder(1e-3, 1e-3))


@pytest.mark.parametrize("topology", ["series_match_parallel_tune", "parallel_match_series_tune", "balanced",
                                      "l_series_at_load"])
def test_matched_network_is_matching_network_cascaded_with_the_coil(coil, sample, topology):
    """MatchResult.network and matching_network ** coil network are one model (R(f) of the
    conductor and the frequency-dependent sample loss at every frequency) to 1e-12."""
    res = match(coil, F0, sample=sample, topology=topology, n_points=301)
    f = res.network.frequency
    cascade = res.matching_network ** coil_network(coil, f.f, sample=sample)
    np.testing.assert_allclose(cascade.s, res.network.s, rtol=0, atol=1e-12)
    cascade_circuit = res.matching_network ** res.circuit.network(f)
    np.testing.assert_allclose(cascade_circuit.s, res.network.s, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.s11_at(f.f), res.network.s[:, 0, 0], rtol=0, atol=1e-15)
    # the band edge really sees R(f): a frequency-independent R (the circuit's R(f0)) differs there
    frozen = match_capacitors(res.resistance, res.inductance, F0, topology=topology, c_self=res.c_self,
                              frequencies=f.f)
    assert np.max(np.abs(frozen.network.s - res.network.s)) > 1e-6


def test_snr_uses_the_circuit_noise_sources(coil, sample):
    c = CoilCircuit.from_coil(coil, F0, sample=sample)
    b1 = sample_b1(coil, sample)
    via_circuit = snr(coil, sample, frequency=F0, b1=b1, circuit=c)
    direct = snr(coil, sample, frequency=F0, b1=b1, resistance=c.conductor_resistance,
                 sample_resistance=c.sample_resistance)
    assert via_circuit.snr == direct.snr and via_circuit.coil_resistance == c.conductor_resistance
    assert snr(coil, sample, frequency=F0, b1=b1).snr == pytest.approx(direct.snr, rel=1e-12)
    with pytest.raises(ValueError, match="Input resistance must be None when a circuit"):
        snr(coil, sample, frequency=F0, b1=b1, circuit=c, resistance=0.1)
    with pytest.raises(ValueError, match="Input circuit must be a CoilCircuit at the Larmor frequency"):
        snr(coil, sample, frequency=500e6, b1=b1, circuit=c)


def test_b1_along_b0_warns_in_sample_b1_snr_and_match():
    """A solenoid left along z = B0: its transverse B1 is a few per cent of the rotated coil's."""
    along = solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, points_per_turn=32)
    across = along.rotate(90.0, (0.0, 1.0, 0.0))
    smp_z = Cylinder(0.4e-3, 1.5e-3, axis=(0, 0, 1))
    smp_x = Cylinder(0.4e-3, 1.5e-3, axis=(1, 0, 0))
    centre = np.zeros((1, 3))
    assert transverse_b1(along, centre)[0] < 0.05 * transverse_b1(across, centre)[0]
    with pytest.warns(B1AlongB0Warning, match="sample_b1: .* along B0"):
        sample_b1(along, smp_z)
    with pytest.warns(B1AlongB0Warning, match="along B0"):
        snr(along, smp_z, frequency=F0, resistance=0.1)
    with pytest.warns(B1AlongB0Warning, match="match: .* along B0"):
        match(along, F0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", B1AlongB0Warning)
        b1 = sample_b1(across, smp_x)
        snr(across, smp_x, frequency=F0, resistance=0.1, b1=b1)
        match(across, F0)
        # B0 along x: the rotated coil is now the wrong one
    with pytest.warns(B1AlongB0Warning):
        sample_b1(across, smp_x, b0_direction=(1, 0, 0))


def test_sample_fields_one_pass_shared_by_circuit_and_snr(coil, sample, monkeypatch):
    """rf.sample_fields: B and A at the sample quadrature in one pass (for this helix
    rf.helix_fields, else the engine's "B+A"), equal to the separate field and vector potential,
    kept per coil so that from_coil's loss and snr's B1 of one coil and sample cost one
    evaluation."""
    from coildesign import fields
    from coildesign.fields import engine
    from coildesign.rf import circuit as circuit_module
    from coildesign.rf.circuit import SAMPLE_FIELDS_KEPT, sample_fields

    fresh = coil.rotate(0.0)  # an equal coil with an empty cache
    pts, w = sample.points((4, 6, 6))
    b, a = fields.field(coil, pts), fields.vector_potential(coil, pts)
    loss, b1_mean = magnetic_loss_resistance(coil, sample, F0, n=(4, 6, 6)), sample_b1(coil, sample, n=(4, 6, 6)).mean
    calls = []
    evaluate, helix = engine.evaluate, circuit_module._field_and_potential
    monkeypatch.setattr(engine, "evaluate", lambda *a, **k: calls.append(k.get("quantity")) or evaluate(*a, **k))
    monkeypatch.setattr(circuit_module, "_field_and_potential",
                        lambda *a, **k: calls.append("helix") or helix(*a, **k))
    sf = sample_fields(fresh, sample, (4, 6, 6))
    np.testing.assert_array_equal(sf.points, pts)
    np.testing.assert_array_equal(sf.weights, w)
    # to 1e-13 of each vector (a small component of A carries the rounding of the larger ones)
    for got, want in ((sf.field, b), (sf.potential, a)):
        scale = np.linalg.norm(want, axis=1)[:, None]
        assert (np.abs(got - want) <= 1e-13 * scale).all()
    assert sample_fields(fresh, sample, (4, 6, 6)) is sf and calls == ["helix"]
    circuit = CoilCircuit.from_coil(fresh, F0, sample=sample, n=(4, 6, 6))
    result = snr(fresh, sample, frequency=F0, circuit=circuit, n=(4, 6, 6))
    assert calls == ["helix"]  # neither evaluated again
    assert circuit.sample_resistance == pytest.approx(loss, rel=1e-13, abs=0)
    assert result.b1_mean == pytest.approx(b1_mean, rel=1e-13, abs=0)
    for k in range(SAMPLE_FIELDS_KEPT + 1):  # older quadratures make room for new ones
        sample_fields(fresh, sample, (2, 2, 2 + k))
    assert len(fresh._cache["coildesign.rf.sample_fields"]) == SAMPLE_FIELDS_KEPT
    rings = solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, stacked=True).rotate(90.0, (0.0, 1.0, 0.0))
    calls.clear()
    sample_fields(rings, sample, (2, 2, 3))
    assert calls == ["helix", "B+A"]  # not a helix: the engine


def test_sample_quadrature_kept_per_sample_and_order(sample, monkeypatch):
    """rf.sample._quadrature: sample.points(n) built once per sample object and order (read-only
    copies); other orders and samples are built anew."""
    from coildesign.rf.sample import _quadrature

    calls = []
    points = type(sample).points
    monkeypatch.setattr(type(sample), "points", lambda self, n=None: calls.append(n) or points(self, n))
    pts, w = _quadrature(sample, (3, 4, 5))
    ref_pts, ref_w = points(sample, (3, 4, 5))
    np.testing.assert_array_equal(pts, ref_pts)
    np.testing.assert_array_equal(w, ref_w)
    assert not pts.flags.writeable and not w.flags.writeable
    assert _quadrature(sample, [3, 4, 5])[0] is pts and calls == [(3, 4, 5)]
    _quadrature(sample, (3, 4, 6))
    assert len(calls) == 2
    with pytest.raises(ValueError, match="n_radial"):
        _quadrature(sample, (0, 4, 5))

    class Unhashable(Cylinder):  # a user's sample that cannot be a dictionary key: built every time
        __hash__ = None

    odd = Unhashable(0.4e-3, 1e-3)
    np.testing.assert_array_equal(_quadrature(odd, (2, 3, 4))[1], points(odd, (2, 3, 4))[1])
    assert calls[-1] == (2, 3, 4) and len(calls) == 4  # (3, 4, 5), (3, 4, 6), the refused (0, 4, 5), this
