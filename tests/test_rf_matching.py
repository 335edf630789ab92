"""Tests of coildesign.rf.matching: closed-form capacitors against hand calculations, S11 of the
matched networks, Q_L = Q_u/2 at critical coupling, scikit-rf cross-check, Touchstone and plots."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import skrf

from coildesign.rf.matching import NETWORKS, MatchResult, input_impedance, match, match_capacitors

R, L, F0, Z0 = 0.5, 20e-9, 600e6, 50.0
W0 = 2 * np.pi * F0


def hand_series_match_parallel_tune(r, l, w, z0):
    """Pozar, Microwave Engineering 4th ed., sect. 5.1, eqs. 5.3a-b (shunt susceptance B next to
    the load Z_L = R_L + j X_L, series reactance X towards the line), lower sign so that X < 0
    (a capacitor): B = [X_L - sqrt(R_L/Z0) sqrt(R_L^2 + X_L^2 - Z0 R_L)] / (R_L^2 + X_L^2),
    X = 1/B + X_L Z0/R_L - Z0/(B R_L); C_t = B/w, C_m = -1/(w X)."""
    xl = w * l
    b = (xl - np.sqrt(r / z0) * np.sqrt(r * r + xl * xl - z0 * r)) / (r * r + xl * xl)
    x = 1 / b + xl * z0 / r - z0 / (b * r)
    return b / w, -1 / (w * x)


def hand_parallel_match_series_tune(r, l, w, z0):
    """Pozar sect. 5.1, eqs. 5.6a-b (series X next to the load, shunt B at the line):
    X = sqrt(R_L (Z0 - R_L)) - X_L, B = sqrt((Z0 - R_L)/R_L)/Z0; C_t = -1/(w X), C_m = B/w."""
    xl = w * l
    x = np.sqrt(r * (z0 - r)) - xl
    b = np.sqrt((z0 - r) / r) / z0
    return -1 / (w * x), b / w


# ---------------------------------------------------------------------------- capacitor values
def test_capacitors_against_hand_calculation():
    res = match_capacitors(R, L, F0)
    c_t, c_m = hand_series_match_parallel_tune(R, L, W0, Z0)
    assert res.capacitors["tune"] == pytest.approx(c_t, rel=1e-12)
    assert res.capacitors["match"] == pytest.approx(c_m, rel=1e-12)
    # the same numbers worked by hand (6 digits): w L = 75.398 ohm, Q = 150.80
    assert res.capacitors["tune"] == pytest.approx(3.16691e-12, rel=2e-6)
    assert res.capacitors["match"] == pytest.approx(0.352578e-12, rel=2e-6)
    # high-Q approximations C_m ~ sqrt(R/Z0)/(w^2 L), C_t ~ (1 - sqrt(R/Z0))/(w^2 L) to O(1/Q)
    assert res.capacitors["match"] == pytest.approx(np.sqrt(R / Z0) / (W0**2 * L), rel=2 / res.q_unloaded)
    assert res.capacitors["tune"] == pytest.approx((1 - np.sqrt(R / Z0)) / (W0**2 * L), rel=2 / res.q_unloaded)

    par = match_capacitors(R, L, F0, network="parallel_match_series_tune")
    c_t, c_m = hand_parallel_match_series_tune(R, L, W0, Z0)
    assert par.capacitors["tune"] == pytest.approx(c_t, rel=1e-12)
    assert par.capacitors["match"] == pytest.approx(c_m, rel=1e-12)

    bal = match_capacitors(R, L, F0, network="balanced")
    assert bal.capacitors["tune"] == pytest.approx(res.capacitors["tune"], rel=1e-14)
    assert bal.capacitors["match"] == pytest.approx(2 * res.capacitors["match"], rel=1e-14)


def test_c_self_is_absorbed_in_the_tuning_capacitor():
    c_self = 0.4e-12
    plain = match_capacitors(R, L, F0)
    res = match_capacitors(R, L, F0, c_self=c_self)
    assert res.capacitors["tune"] == pytest.approx(plain.capacitors["tune"] - c_self, rel=1e-12)
    assert res.capacitors["match"] == pytest.approx(plain.capacitors["match"], rel=1e-12)
    par = match_capacitors(R, L, F0, network="parallel_match_series_tune", c_self=c_self)
    assert abs(par.s11) < 1e-9


# ---------------------------------------------------------------------------- S11, bandwidth, Q
@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("capacitor_q", [None, 800.0])
def test_matched_s11_and_q(network, capacitor_q):
    res = match_capacitors(R, L, F0, network=network, capacitor_q=capacitor_q, n_points=401)
    assert isinstance(res, MatchResult)
    net = res.network
    assert np.isfinite(net.s).all()
    assert net.s.shape == (401, 1, 1)
    assert res.s11_db < -30.0
    centre = np.argmin(np.abs(net.f - F0))
    assert net.f[centre] == pytest.approx(F0, rel=1e-12)
    assert net.s_db[centre, 0, 0] < -30.0
    assert res.q_unloaded == pytest.approx(W0 * L / R, rel=1e-14)
    lo, hi = res.band_edges
    assert lo < F0 < hi
    assert abs(res.s11_at(np.array([lo, hi]))) ** 2 == pytest.approx(0.5, abs=1e-9)
    assert res.bandwidth == pytest.approx(hi - lo)
    if capacitor_q is None:
        # critical coupling: Q_L = Q_u/2 (measured 0.4998 Q_u here)
        assert res.q_ratio == pytest.approx(0.5, rel=0.01)
        assert all(v == 0.0 for v in res.esr.values())
    else:
        # capacitor losses lower the circuit Q below the coil's; the ESR is 1/(w C Q_c)
        assert res.q_loaded < 0.5 * res.q_unloaded
        for key, c in res.capacitors.items():
            assert res.esr[key] == pytest.approx(1 / (W0 * c * capacitor_q), rel=1e-12)


def test_unrealisable_inputs_raise():
    # (R^2 + w^2 L^2)/R = 0.5 ohm << 50 ohm at 1 MHz: parallel tune + series match is impossible
    with pytest.raises(ValueError, match=r"\(R\^2 \+ omega\^2 L\^2\)/R > Z0.*0\.50\d* ohm <= Z0 = 50 ohm"):
        match_capacitors(0.5, 1e-9, 1e6)
    # without C_self the series-tune network has the same condition, X^2 > R (Z0 - R)
    with pytest.raises(ValueError, match=r"Im Z_coil > sqrt\(Re Z_coil \(Z0 - Re Z_coil\)\)"):
        match_capacitors(0.5, 1e-9, 1e6, network="parallel_match_series_tune")
    x_min = np.sqrt(0.5 * (Z0 - 0.5))  # the boundary: both networks work just above it
    for network in NETWORKS:
        assert match_capacitors(0.5, 1.001 * x_min / W0, F0, network=network).s11_db < -30
    with pytest.raises(ValueError, match="Re Z_coil < Z0"):
        match_capacitors(80.0, 1e-6, 100e6, network="parallel_match_series_tune")
    with pytest.raises(ValueError, match="R < Z0"):
        match_capacitors(60.0, 1e-6, 100e6)
    # self-resonance below the design frequency: C_self alone exceeds the tuning capacitance
    with pytest.raises(ValueError, match="C_self"):
        match_capacitors(R, L, F0, c_self=5e-12)
    with pytest.raises(ValueError, match="Input network must be one of"):
        match_capacitors(R, L, F0, network="pi")
    with pytest.raises(ValueError, match="Input resistance must be a finite number > 0"):
        match_capacitors(0.0, L, F0)
    with pytest.raises(TypeError, match="Input frequency must be a real number"):
        match_capacitors(R, L, "600 MHz")


# ---------------------------------------------------------------------------- scikit-rf cross-check
def test_against_skrf_lumped_elements():
    freq = skrf.Frequency.from_f(np.linspace(560e6, 640e6, 81), unit="Hz")
    media = skrf.media.DefinedGammaZ0(frequency=freq, z0_port=Z0, z0=Z0)
    res = match_capacitors(R, L, F0, frequencies=freq.f)
    c_t, c_m = res.capacitors["tune"], res.capacitors["match"]
    circuit = (media.capacitor(c_m) ** media.shunt_capacitor(c_t) ** media.resistor(R) ** media.inductor(L)
               ** media.short())
    np.testing.assert_allclose(res.network.s[:, 0, 0], circuit.s[:, 0, 0], rtol=0, atol=1e-10)

    c_self = 0.3e-12
    par = match_capacitors(R, L, F0, network="parallel_match_series_tune", c_self=c_self, frequencies=freq.f)
    circuit = (media.shunt_capacitor(par.capacitors["match"]) ** media.capacitor(par.capacitors["tune"])
               ** media.shunt_capacitor(c_self) ** media.resistor(R) ** media.inductor(L) ** media.short())
    np.testing.assert_allclose(par.network.s[:, 0, 0], circuit.s[:, 0, 0], rtol=0, atol=1e-10)


def test_input_impedance_function():
    res = match_capacitors(R, L, F0, network="balanced", capacitor_q=500.0)
    z = input_impedance(F0, R, L, res.capacitors, network="balanced", esr=res.esr)
    assert z == pytest.approx(Z0, rel=1e-9)
    with pytest.raises(TypeError, match="Input capacitors must be a dict"):
        input_impedance(F0, R, L, {"tune": 1e-12})


# ---------------------------------------------------------------------------- files
def test_touchstone_round_trip(tmp_path):
    res = match_capacitors(R, L, F0, n_points=201)
    path = res.to_touchstone(tmp_path / "coil")
    assert path.name == "coil.s1p" and path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["coil.s1p"]  # no temporary file left behind
    back = skrf.Network(str(path))
    np.testing.assert_allclose(back.f, res.network.f, rtol=1e-15)
    np.testing.assert_allclose(back.s, res.network.s, rtol=0, atol=1e-15)
    np.testing.assert_allclose(back.z0, Z0)
    assert np.isfinite(back.s).all()


def test_plot_is_written_headless(tmp_path):
    res = match_capacitors(R, L, F0, network="parallel_match_series_tune", n_points=201)
    path = res.plot(tmp_path / "match.png")
    assert path.exists() and path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------- coil level
@pytest.fixture
def stand_ins(monkeypatch):
    """Test-only stand-ins for the inductance/resistance/self-capacitance functions."""
    ind = types.ModuleType("coildesign.analysis.inductance")
    ind.inductance = lambda coil: L
    ind.mutual_inductance = lambda a, b: 0.0
    imp = types.ModuleType("coildesign.rf.impedance")

    def ac_resistance(coil, frequency, *, temperature=293.15):
        return R * (1 + 0.00393 * (temperature - 293.15))

    def self_capacitance(coil):
        if coil.parameters.get("generator") != "solenoid":
            raise ValueError("Input coil must be a solenoid; instead received a loop.")
        return 0.2e-12

    imp.ac_resistance = ac_resistance
    imp.self_capacitance = self_capacitance
    monkeypatch.setitem(sys.modules, "coildesign.analysis.inductance", ind)
    monkeypatch.setitem(sys.modules, "coildesign.rf.impedance", imp)


def test_match_coil_level(stand_ins):
    from coildesign.coil import Coil

    loop = Coil.from_loop(1e-3, wire_diameter=1e-4)
    res = match(loop, F0)
    assert res.c_self == 0.0
    assert any("C_self = 0" in note and "does not support" in note for note in res.notes)
    assert res.capacitors["tune"] == pytest.approx(match_capacitors(R, L, F0).capacitors["tune"], rel=1e-14)
    cold = match(loop, F0, temperature=77.0, network="balanced")
    assert cold.resistance < R and cold.s11_db < -30
    solenoid_like = Coil.from_loop(1e-3, wire_diameter=1e-4)
    solenoid_like.parameters["generator"] = "solenoid"
    res = match(solenoid_like, F0)
    assert res.c_self == 0.2e-12
    assert res.capacitors["tune"] == pytest.approx(match_capacitors(R, L, F0).capacitors["tune"] - 0.2e-12,
                                                   rel=1e-12)
    with pytest.raises(TypeError, match="Input coil must be a coildesign Coil"):
        match("coil", F0)


def test_match_with_package_functions():
    pytest.importorskip("coildesign.analysis.inductance")
    pytest.importorskip("coildesign.rf.impedance")
    rf_coils = pytest.importorskip("coildesign.geometries.rf_coils")
    coil = rf_coils.solenoid(turns=5, radius=0.5e-3, length=1.5e-3, wire_diameter=0.1e-3)
    res = match(coil, 600e6)
    assert np.isfinite(res.network.s).all()
    assert res.s11_db < -30 and res.c_self > 0
