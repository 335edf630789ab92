"""Tests of coildesign.rf.matching: closed-form capacitors against hand calculations, S11 of the
matched networks, Q_L = Q_u/2 at critical coupling, scikit-rf cross-check, Touchstone and plots."""

from __future__ import annotations

import numpy as np
import pytest
import skrf

import coildesign.rf.matching as matching_module
from coildesign.export import to_frame
from coildesign.rf.matching import (
    L_NETWORKS,
    NETWORKS,
    MatchResult,
    _l_solution,
    input_impedance,
    l_networks,
    match,
    match_capacitors,
)
from coildesign.winding_info import Helix

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
    assert res.capacitors["tune"] == pytest.approx(c_t, rel=1e-12, abs=0)
    assert res.capacitors["match"] == pytest.approx(c_m, rel=1e-12, abs=0)
    # the same numbers worked by hand (6 digits): w L = 75.398 ohm, Q = 150.80
    assert res.capacitors["tune"] == pytest.approx(3.16691e-12, rel=2e-6, abs=0)
    assert res.capacitors["match"] == pytest.approx(0.352578e-12, rel=2e-6, abs=0)
    # high-Q approximations C_m ~ sqrt(R/Z0)/(w^2 L), C_t ~ (1 - sqrt(R/Z0))/(w^2 L) to O(1/Q)
    assert res.capacitors["match"] == pytest.approx(np.sqrt(R / Z0) / (W0**2 * L), rel=2 / res.q_unloaded, abs=0)
    assert res.capacitors["tune"] == pytest.approx((1 - np.sqrt(R / Z0)) / (W0**2 * L), rel=2 / res.q_unloaded, abs=0)

    par = match_capacitors(R, L, F0, topology="parallel_match_series_tune")
    c_t, c_m = hand_parallel_match_series_tune(R, L, W0, Z0)
    assert par.capacitors["tune"] == pytest.approx(c_t, rel=1e-12, abs=0)
    assert par.capacitors["match"] == pytest.approx(c_m, rel=1e-12, abs=0)

    bal = match_capacitors(R, L, F0, topology="balanced")
    assert bal.capacitors["tune"] == pytest.approx(res.capacitors["tune"], rel=1e-14, abs=0)
    assert bal.capacitors["match"] == pytest.approx(2 * res.capacitors["match"], rel=1e-14, abs=0)


def test_c_self_is_absorbed_in_the_tuning_capacitor():
    c_self = 0.4e-12
    plain = match_capacitors(R, L, F0)
    res = match_capacitors(R, L, F0, c_self=c_self)
    assert res.capacitors["tune"] == pytest.approx(plain.capacitors["tune"] - c_self, rel=1e-12, abs=0)
    assert res.capacitors["match"] == pytest.approx(plain.capacitors["match"], rel=1e-12, abs=0)
    par = match_capacitors(R, L, F0, topology="parallel_match_series_tune", c_self=c_self)
    assert abs(par.s11) < 1e-9


# ---------------------------------------------------------------------------- S11, bandwidth, Q
@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("capacitor_q", [None, 800.0])
def test_matched_s11_and_q(network, capacitor_q):
    res = match_capacitors(R, L, F0, topology=network, capacitor_q=capacitor_q, n_points=401)
    assert isinstance(res, MatchResult)
    net = res.network
    assert np.isfinite(net.s).all()
    assert net.s.shape == (401, 1, 1)
    assert res.s11_db < -30.0
    centre = np.argmin(np.abs(net.f - F0))
    assert net.f[centre] == pytest.approx(F0, rel=1e-12)
    assert net.s_db[centre, 0, 0] < -30.0
    assert res.q_unloaded == pytest.approx(W0 * L / R, rel=1e-14, abs=0)
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
            assert res.esr[key] == pytest.approx(1 / (W0 * c * capacitor_q), rel=1e-12, abs=0)


def test_unrealisable_inputs_raise():
    # (R^2 + w^2 L^2)/R = 0.5 ohm << 50 ohm at 1 MHz: parallel tune + series match is impossible
    with pytest.raises(ValueError, match=r"\(R\^2 \+ omega\^2 L\^2\)/R > Z0.*0\.50\d* ohm <= Z0 = 50 ohm"):
        match_capacitors(0.5, 1e-9, 1e6)
    # without C_self the series-tune network has the same condition, X^2 > R (Z0 - R)
    with pytest.raises(ValueError, match=r"Im Z_coil > sqrt\(Re Z_coil \(Z0 - Re Z_coil\)\)"):
        match_capacitors(0.5, 1e-9, 1e6, topology="parallel_match_series_tune")
    x_min = np.sqrt(0.5 * (Z0 - 0.5))  # the boundary: both networks work just above it
    for network in NETWORKS:
        assert match_capacitors(0.5, 1.001 * x_min / W0, F0, topology=network).s11_db < -30
    with pytest.raises(ValueError, match="Re Z_coil < Z0"):
        match_capacitors(80.0, 1e-6, 100e6, topology="parallel_match_series_tune")
    with pytest.raises(ValueError, match="R < Z0"):
        match_capacitors(60.0, 1e-6, 100e6)
    # self-resonance below the design frequency: C_self alone exceeds the tuning capacitance
    with pytest.raises(ValueError, match="C_self"):
        match_capacitors(R, L, F0, c_self=5e-12)
    with pytest.raises(ValueError, match="Input topology must be one of"):
        match_capacitors(R, L, F0, topology="pi")
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
    par = match_capacitors(R, L, F0, topology="parallel_match_series_tune", c_self=c_self, frequencies=freq.f)
    circuit = (media.shunt_capacitor(par.capacitors["match"]) ** media.capacitor(par.capacitors["tune"])
               ** media.shunt_capacitor(c_self) ** media.resistor(R) ** media.inductor(L) ** media.short())
    np.testing.assert_allclose(par.network.s[:, 0, 0], circuit.s[:, 0, 0], rtol=0, atol=1e-10)


def test_input_impedance_function():
    res = match_capacitors(R, L, F0, topology="balanced", capacitor_q=500.0)
    z = input_impedance(F0, R, L, res.capacitors, topology="balanced", esr=res.esr)
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


def test_plot_returns_figure_and_saves_headless(tmp_path):
    from matplotlib.figure import Figure

    res = match_capacitors(R, L, F0, topology="parallel_match_series_tune", n_points=201)
    fig = res.plot(tmp_path / "match.png")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    path = tmp_path / "match.png"
    assert path.exists() and path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert isinstance(res.plot(), Figure) and [p.name for p in tmp_path.iterdir()] == ["match.png"]
    frame = to_frame(res)
    assert frame.loc[0, "C_tune_F"] == res.capacitors["tune"] and frame.loc[0, "network"] == res.topology


# ---------------------------------------------------------------------------- coil level
@pytest.fixture
def stand_ins(monkeypatch):
    """Test-only stand-ins for the inductance/resistance/self-capacitance functions that
    ``CoilCircuit.from_coil`` calls."""
    from coildesign.rf import circuit

    def ac_resistance(coil, frequency, *, temperature=293.15, proximity="minard"):
        return R * (1 + 0.00393 * (temperature - 293.15))

    def conductor_resistance_model(coil, temperature=293.15, proximity="minard"):
        return lambda f: np.full(np.shape(f), ac_resistance(coil, 0.0, temperature=temperature))

    def self_capacitance(coil):
        if not isinstance(coil.winding_info, Helix):
            raise ValueError("Input coil must be a solenoid; instead received a loop.")
        return 0.2e-12

    monkeypatch.setattr(circuit, "_inductance", lambda coil: L)
    monkeypatch.setattr(circuit.impedance, "ac_resistance", ac_resistance)
    monkeypatch.setattr(circuit.impedance, "conductor_resistance_model", conductor_resistance_model)
    monkeypatch.setattr(circuit.impedance, "self_capacitance", self_capacitance)


def test_match_coil_level(stand_ins):
    from coildesign.coil import Coil

    loop = Coil.from_loop(1e-3, wire_diameter=1e-4, normal=(1, 0, 0))
    res = match(loop, F0)
    assert res.c_self == 0.0
    assert any("C_self = 0" in note and "does not support" in note for note in res.notes)
    assert res.capacitors["tune"] == pytest.approx(match_capacitors(R, L, F0).capacitors["tune"], rel=1e-14, abs=0)
    cold = match(loop, F0, temperature=77.0, topology="balanced")
    assert cold.resistance < R and cold.s11_db < -30
    solenoid_like = Coil(loop.windings, axis=loop.axis,
                         winding_info=Helix(radius=1e-3, length=1e-4, turns=1, pitch=1e-4, wire_diameter=1e-4))
    res = match(solenoid_like, F0)
    assert res.c_self == 0.2e-12
    assert res.capacitors["tune"] == pytest.approx(match_capacitors(R, L, F0).capacitors["tune"] - 0.2e-12,
                                                   rel=1e-12, abs=0)
    with pytest.raises(TypeError, match="Input coil must be a coildesign Coil"):
        match("coil", F0)
    assert match(loop, F0, topology="balanced").topology == "balanced"
    with pytest.raises(TypeError, match="network"):  # the keyword is topology=
        match(loop, F0, network="balanced")


def test_match_with_package_functions():
    pytest.importorskip("coildesign.analysis.inductance")
    pytest.importorskip("coildesign.rf.impedance")
    rf_coils = pytest.importorskip("coildesign.geometries.rf_coils")
    coil = rf_coils.solenoid(turns=5, radius=0.5e-3, length=1.5e-3, wire_diameter=0.1e-3)
    res = match(coil, 600e6)
    assert np.isfinite(res.network.s).all()
    assert res.s11_db < -30 and res.c_self > 0


# ---------------------------------------------------------------------------- L-sections with inductors
def test_pozar_example_5_1_both_solutions():
    """Pozar, Microwave Engineering 4th ed., Example 5.1: Z_L = 200 - j100 ohm into Z0 = 100 ohm
    at 500 MHz, shunt element at the load (z_L inside the 1 + jx circle). Published: solution 1
    B = 0.0029 S, X = 122.4 ohm (C = 0.92 pF, L = 38.8 nH); solution 2 B = -0.0069 S,
    X = -122.4 ohm (L = 46.1 nH, C = 2.61 pF), quoted to 2-3 digits."""
    w = 2 * np.pi * 500e6
    series, shunt = _l_solution(complex(200.0, -100.0), w, 100.0, "l_shunt_at_load", 1)
    assert (series.kind, shunt.kind) == ("inductor", "capacitor")
    assert shunt.value * w == pytest.approx(0.0029, rel=5e-3)
    assert series.value * w == pytest.approx(122.4, rel=1e-3)
    assert shunt.value == pytest.approx(0.92e-12, rel=5e-3, abs=0)
    series, shunt = _l_solution(complex(200.0, -100.0), w, 100.0, "l_shunt_at_load", 2)
    assert (series.kind, shunt.kind) == ("capacitor", "inductor")
    assert -1 / (shunt.value * w) == pytest.approx(-0.0069, rel=5e-3)
    assert -1 / (series.value * w) == pytest.approx(-122.4, rel=1e-3)
    assert shunt.value == pytest.approx(46.1e-9, rel=2e-3)
    assert series.value == pytest.approx(2.61e-12, rel=5e-3, abs=0)


@pytest.mark.parametrize("network", L_NETWORKS)
@pytest.mark.parametrize("solution", [1, 2])
def test_l_sections_match_exactly(network, solution):
    r, l_coil, f0 = (80.0, 1e-6, 100e6) if network == "l_shunt_at_load" else (R, L, F0)
    res = match_capacitors(r, l_coil, f0, topology=network, solution=solution, n_points=201)
    assert abs(res.s11) < 1e-12 and np.isfinite(res.network.s).all()
    assert res.solution == solution and len(res.elements) == 2
    lossy = match_capacitors(r, l_coil, f0, topology=network, solution=solution, capacitor_q=500.0, inductor_q=80.0)
    assert abs(lossy.s11) < 1e-9
    for e in lossy.elements:
        q = 500.0 if e.kind == "capacitor" else 80.0
        x = 1 / (2 * np.pi * f0 * e.value) if e.kind == "capacitor" else 2 * np.pi * f0 * e.value
        assert e.esr == pytest.approx(x / q, rel=1e-12)


def test_auto_uses_an_inductor_where_two_capacitors_cannot_match():
    """R = 80 ohm > Z0: no two-capacitor network (the tune capacitance would be negative)."""
    with pytest.raises(ValueError, match="R < Z0"):
        match_capacitors(80.0, 1e-6, 100e6)
    res = match_capacitors(80.0, 1e-6, 100e6, topology="auto")
    assert res.topology == "l_shunt_at_load" and res.inductors
    assert abs(res.s11) < 1e-12 and np.isfinite(res.network.s).all()
    assert any("auto" in n for n in res.notes)
    names = {(net, sol) for net, sol, _ in l_networks(80.0, 1e-6, 100e6)}
    assert names == {("l_shunt_at_load", 1), ("l_shunt_at_load", 2)}  # R_L > Z0: no series-at-load section
    assert match_capacitors(R, L, F0, topology="auto").topology == "series_match_parallel_tune"
    with pytest.raises(ValueError, match="Input solution"):
        match_capacitors(R, L, F0, solution=1)


# ---------------------------------------------------------------------------- scikit-rf both ways
def abcd_to_s(a, b, c, d, z0):
    """Pozar Table 4.2: S parameters of an ABCD matrix with equal real port impedances z0."""
    den = a + b / z0 + c * z0 + d
    return np.array([[(a + b / z0 - c * z0 - d) / den, 2 * (a * d - b * c) / den],
                     [2 / den, (-a + b / z0 - c * z0 + d) / den]])


@pytest.mark.parametrize("network", NETWORKS + L_NETWORKS)
def test_matching_two_port_equals_closed_form_and_cascades(network):
    from coildesign.rf.network import ladder_two_port

    kw = {"capacitor_q": 300.0} if network in NETWORKS else {"solution": 2}
    res = match_capacitors(R, L, F0, topology=network, c_self=0.2e-12, n_points=101, **kw)
    two = res.matching_network
    assert two.s.shape == (101, 2, 2) and np.isfinite(two.s).all()
    w = 2 * np.pi * two.f
    a, b, c, d = np.ones_like(w, complex), np.zeros_like(w, complex), np.zeros_like(w, complex), np.ones_like(
        w, complex)
    for e in res.elements:  # ABCD product, line side first (Pozar Table 4.1)
        z = e.esr + (1 / (1j * w * e.value) if e.kind == "capacitor" else 1j * w * e.value)
        m = (np.ones_like(w), z, np.zeros_like(w), np.ones_like(w)) if e.position == "series" else (
            np.ones_like(w), np.zeros_like(w), 1 / z, np.ones_like(w))
        a, b, c, d = a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3]
    expected = abcd_to_s(a, b, c, d, Z0)
    np.testing.assert_allclose(two.s, np.moveaxis(expected, 2, 0), rtol=0, atol=1e-12)
    # the matched one-port = 2-port ** bare coil (R + j w L shunted by C_self) as skrf media elements
    media = skrf.media.DefinedGammaZ0(frequency=two.frequency, z0_port=Z0, z0=Z0)
    coil = media.shunt_capacitor(0.2e-12) ** media.resistor(R) ** media.inductor(L) ** media.short()
    np.testing.assert_allclose((two ** coil).s, res.network.s, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="Input elements"):
        ladder_two_port((), two.frequency)


def test_coil_network_equals_closed_form():
    from coildesign.geometries.rf_coils import solenoid
    from coildesign.rf import CoilCircuit, coil_network
    from coildesign.rf.impedance import ac_resistance, self_capacitance

    coil = solenoid(turns=5, radius=0.5e-3, length=1.5e-3, wire_diameter=0.1e-3)
    f = np.linspace(400e6, 800e6, 41)
    net = coil_network(coil, f)
    assert isinstance(net, skrf.Network) and net.s.shape == (41, 1, 1) and np.isfinite(net.s).all()
    r = np.array([ac_resistance(coil, fi) for fi in f])
    zs = r + 2j * np.pi * f * CoilCircuit.from_coil(coil, 600e6).inductance  # the helix's screw-symmetric sum
    z = zs / (1 + 2j * np.pi * f * self_capacitance(coil) * zs)
    np.testing.assert_allclose(net.s[:, 0, 0], (z - Z0) / (z + Z0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.z[:, 0, 0], z, rtol=1e-9, atol=0)
    # matched at 600 MHz and cascaded: the coil network reproduces MatchResult.network
    res = match(coil, 600e6, frequencies=f)
    np.testing.assert_allclose((res.matching_network ** net).s[20], res.network.s[20], rtol=0, atol=1e-12)
    # with a sample: its eddy-current loss (scaled as sigma omega^2 from one evaluation) is in series
    from coildesign.rf.sample import Cylinder, magnetic_loss_resistance

    sample = Cylinder(0.4e-3, 1.5e-3, axis=(0, 0, 1))
    loaded = coil_network(coil, f[::10], sample=sample, conductivity=1.6)
    r_s = np.array([magnetic_loss_resistance(coil, sample, fi, 1.6) for fi in f[::10]])
    zs_loaded = zs[::10] + r_s
    z_loaded = zs_loaded / (1 + 2j * np.pi * f[::10] * self_capacitance(coil) * zs_loaded)
    np.testing.assert_allclose(loaded.s[:, 0, 0], (z_loaded - Z0) / (z_loaded + Z0), rtol=0, atol=1e-12)


def test_match_sees_the_loaded_coil():
    """With a sample the network matches R_coil + R_sample (the coil as tuned on the bench)."""
    from coildesign.geometries.rf_coils import solenoid
    from coildesign.rf.impedance import ac_resistance
    from coildesign.rf.sample import Cylinder, magnetic_loss_resistance

    coil = solenoid(turns=5, radius=0.5e-3, length=1.5e-3, wire_diameter=0.1e-3)
    sample = Cylinder(0.4e-3, 1.5e-3, axis=(0, 0, 1))
    sigma = 1.6  # S/m, physiological saline
    loaded = match(coil, 600e6, sample=sample, conductivity=sigma)
    r_sample = magnetic_loss_resistance(coil, sample, 600e6, sigma)
    assert r_sample > 0
    assert loaded.resistance == pytest.approx(ac_resistance(coil, 600e6) + r_sample, rel=1e-14, abs=0)
    assert abs(loaded.s11) < 1e-9 and any("sample" in n for n in loaded.notes)
    unloaded = match(coil, 600e6)
    assert loaded.q_unloaded < unloaded.q_unloaded


def test_band_edges_with_interpolated_resistance_equal_the_exact_search():
    """The band-edge search interpolates R(f) over each bracket (Chebyshev, checked to
    BAND_EDGE_R_TOLERANCE): its edges equal Brent's method on the exact R(f) to ~1e-13 of the
    bandwidth for a saline-loaded microsolenoid (R_s ~ sigma_eff(f) omega^2 rises across the
    band); a resistance with a kink inside a bracket fails the check and is evaluated exactly."""
    from coildesign.geometries import solenoid
    from coildesign.rf import CoilCircuit, matching
    from coildesign.rf.sample import Cylinder, saline

    coil = solenoid(0.5e-3, 1.5e-3, 5, wire_diameter=0.1e-3, points_per_turn=16).rotate(90.0, (0.0, 1.0, 0.0))
    circuit = CoilCircuit.from_coil(coil, F0, sample=Cylinder(0.4e-3, 1.5e-3, axis=tuple(coil.axis),
                                                                medium=saline(9.0)), n=(4, 6, 6))
    for topology in ("series_match_parallel_tune", "parallel_match_series_tune", "auto"):
        res = match(circuit, topology=topology, n_points=5)

        def gamma2(f, res=res):
            return np.abs(res.s11_at(f)) ** 2

        exact = matching._band_edges(gamma2, F0, res.q_unloaded)
        assert np.all(np.abs(np.subtract(res.band_edges, exact)) <= 1e-11 * res.bandwidth)
        assert res.bandwidth == pytest.approx(exact[1] - exact[0], rel=1e-9, abs=0)
    # the interpolant itself: R(f) to 1e-13 on a band, None across a kink
    fast = matching._chebyshev_resistances(circuit.resistance_at, [(F0, F0 * 1.01), (F0 * 0.99, F0 * 1.01)])
    f = np.linspace(F0, F0 * 1.01, 7)
    np.testing.assert_allclose([fast[0](fi) for fi in f], circuit.resistance_at(f), rtol=1e-13, atol=0)
    kinked = matching._chebyshev_resistances(lambda f: 1.0 + np.abs(f - F0) / F0, [(F0 * 0.99, F0 * 1.01)])
    assert kinked == [None]


@pytest.mark.parametrize("first_steps", [1, 3])
def test_band_edges_do_not_depend_on_the_steps_tried_first(monkeypatch, first_steps):
    """The bracketing steps tried first (FIRST_BAND_STEPS) only save work: with fewer of them
    the crossings lie beyond, every step is evaluated, and the band edges are the same floats."""
    want = match_capacitors(0.5, 20e-9, 600e6)
    monkeypatch.setattr(matching_module, "FIRST_BAND_STEPS", first_steps)
    got = match_capacitors(0.5, 20e-9, 600e6)
    assert got.band_edges == want.band_edges and np.isfinite(got.bandwidth)
