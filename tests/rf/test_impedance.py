"""Tests of coildesign.rf.impedance: skin effect, Medhurst proximity and self-capacitance."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy.constants import epsilon_0, mu_0
from scipy.special import ellipk, jve

from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import COPPER, SILVER, RectangularStrip, RoundWire
from coildesign.geometries import planar_spiral as generated_spiral
from coildesign.geometries import solenoid
from coildesign.rf import impedance as imp
from coildesign.winding_info import Helix, PlanarSpiral

RHO_CU = 1.678e-8
DATA = Path(imp.__file__).resolve().parents[1] / "data"


def helix_coil(radius: float, turns: float, pitch: float, wire_diameter: float,
               points_per_turn: int = 400) -> Coil:
    """A solenoid built by hand (the geometry generators are written elsewhere)."""
    n = int(round(turns * points_per_turn)) + 1
    phi = np.linspace(0.0, 2.0 * np.pi * turns, n)
    pts = np.column_stack([radius * np.cos(phi), radius * np.sin(phi), pitch * phi / (2.0 * np.pi)])
    info = Helix(radius=radius, length=turns * pitch, turns=turns, pitch=pitch, wire_diameter=wire_diameter)
    return Coil([Winding(pts, cross_section=RoundWire(wire_diameter))], winding_info=info, role="rf", axis=(0, 0, 1))


def read_csv(name: str) -> tuple[list[str], list[list[str]]]:
    with open(DATA / name, newline="") as fh:
        rows = [r for r in csv.reader(line for line in fh if not line.startswith("#"))]
    return rows[0], rows[1:]


# ----------------------------------------------------------------------------- skin depth
def test_skin_depth_copper_600mhz():
    delta = imp.skin_depth(600e6, RHO_CU)
    assert delta == pytest.approx(np.sqrt(RHO_CU / (np.pi * 600e6 * 4e-7 * np.pi)), rel=1e-9, abs=0)
    assert delta == pytest.approx(2.66e-6, abs=0.005e-6)
    arr = imp.skin_depth(np.array([1e6, 4e6]))
    assert arr[0] / arr[1] == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [-1.0, 0.0, np.nan, np.inf])
def test_skin_depth_rejects_bad_frequency(bad):
    with pytest.raises(ValueError, match="Input frequency must be"):
        imp.skin_depth(bad)


def test_skin_depth_rejects_wrong_type():
    with pytest.raises(TypeError, match="Input frequency"):
        imp.skin_depth("600 MHz")


# ----------------------------------------------------------------------------- Bessel ratio
def _ratio_at(x):
    """Z/R_dc at r/delta = x for a 1 mm copper wire (frequency chosen to give x)."""
    r = 0.5e-3
    f = (np.asarray(x) / r) ** 2 * RHO_CU / (np.pi * mu_0)
    return imp.round_wire_impedance_ratio(r, f, RHO_CU)


def test_bessel_dc_limit_series():
    # Ramo et al. 5.12: R/R_dc = 1 + x^4/48 - ..., omega L_int / R_dc = x^2/4 - ...
    for x in (1e-3, 1e-2, 0.1, 0.3):
        z = _ratio_at(x)
        assert z.real - 1.0 == pytest.approx(x**4 / 48.0, rel=max(1e-6, x**4 / 10))
        assert z.imag == pytest.approx(x**2 / 4.0, rel=max(1e-6, x**4 / 10))
    assert imp.round_wire_impedance_ratio(1e-3, 0.0) == 1.0


def test_bessel_high_frequency_limit():
    for x in (30.0, 100.0, 1e3, 1e4):
        z = _ratio_at(x)
        # next terms are O(1/x^2) and O(1/x^3) (Hankel's expansion)
        assert abs(z.real - (x / 2 + 0.25 + 3 / (32 * x))) < 0.1 / x**3 + 1e-15 * x
        assert abs(z.imag - (x / 2 - 3 / (32 * x))) < 0.1 / x**2 + 1e-15 * x
    # the two branches (Bessel < 14 <= Hankel's series) join smoothly
    z1, z2 = _ratio_at(np.array([14.0 * (1 - 1e-12), 14.0 * (1 + 1e-12)]))
    assert abs(z1 / z2 - 1) < 1e-11


def test_hankel_series_branch_to_rounding():
    """From r/delta = 14 the ratio comes from Hankel's series with both Hankel functions: within
    1e-15 of the 40-digit Bessel values (mpmath) on either side of the join and where the
    decaying Hankel function still counts (exp(-2x) ~ 7e-13 at x = 14), and equal to the
    scaled-Bessel branch (scipy's jve) to 2e-15 over x = 14 .. 600, scalar and array alike."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    xs = np.array([13.999, 14.0, 14.5, 16.0, 18.57, 25.0, 60.0])
    z = imp._bessel_ratio(xs)
    for x, zz in zip(xs, z, strict=True):
        kr = (1 - 1j) * mp.mpf(float(x))
        exact = complex(kr / 2 * mp.besselj(0, kr) / mp.besselj(1, kr))
        assert abs(zz / exact - 1) < 1e-15
        assert abs(complex(imp._bessel_ratio(float(x))) / zz - 1) < 1e-15
    grid = np.geomspace(14.0, 600.0, 301)
    kr = (1 - 1j) * grid
    bessel = 0.5 * kr * jve(0, kr) / jve(1, kr)
    assert np.abs(imp._bessel_ratio(grid) / bessel - 1).max() < 2e-15


def test_stacked_hankel_sums_equal_horner_on_complex_numbers():
    """The array form of Hankel's sums (the powers of y = -1/(4 x^4) times the coefficient
    matrix) equals Horner's rule on Python complex numbers (``_hankel_sums``, the scalar path)
    to 2 units in the last place over x = 14 .. 1e6."""
    xs = np.geomspace(14.0, 1e6, 97)
    stacked = imp._hankel_sums_stacked(xs)
    for i, x in enumerate(xs.tolist()):
        w = 1j / ((1.0 - 1.0j) * x)
        horner = imp._hankel_sums(imp._HANKEL[0], w) + imp._hankel_sums(imp._HANKEL[1], w)
        for got, want in zip((part[i] for part in stacked), horner, strict=True):
            assert abs(got - want) <= 4.5e-16 * abs(want)


def test_bessel_no_overflow_and_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    xs = np.array([0.5, 1.0, 2.0, 5.0, 20.0, 300.0, 1e4])
    z = _ratio_at(xs)
    assert np.isfinite(z).all()
    for x, zz in zip(xs, z, strict=True):
        kr = (1 - 1j) * mp.mpf(x)
        exact = complex(kr / 2 * mp.besselj(0, kr) / mp.besselj(1, kr))
        assert abs(zz / exact - 1) < 1e-12
    big = _ratio_at(1e10)
    assert np.isfinite(big) and big.real == pytest.approx(0.5e10 + 0.25, rel=1e-14)


def test_known_ratio_values():
    # classic table (e.g. Terman, Radio Engineers' Handbook): R/R_dc = 1.020 at x = 1, 2.743 at x = 5
    # (x = r/delta); the exact values are 1.0205 and 2.7681 with delta defined as here
    z = _ratio_at(np.array([1.0, 2.0, 5.0]))
    assert z.real == pytest.approx([1.02049, 1.26464, 2.76811], abs=5e-5)


def test_internal_inductance():
    r = 50e-6
    assert imp.round_wire_internal_inductance(r, 0.0) == pytest.approx(mu_0 / (8 * np.pi), rel=1e-6, abs=0)
    lo = imp.round_wire_internal_inductance(r, 1.0)
    assert lo == pytest.approx(mu_0 / (8 * np.pi), rel=1e-9, abs=0)
    f = 600e6
    delta = imp.skin_depth(f)
    hi = imp.round_wire_internal_inductance(r, f)
    # high-frequency limit mu delta / (4 pi r) (Im ratio -> x/2)
    assert hi == pytest.approx(mu_0 * delta / (4 * np.pi * r), rel=2e-2)


def test_ratio_validation():
    with pytest.raises(ValueError, match="Input frequency"):
        imp.round_wire_impedance_ratio(1e-3, -5.0)
    with pytest.raises(ValueError, match="Input radius"):
        imp.round_wire_impedance_ratio(-1e-3, 5.0)
    with pytest.raises(TypeError, match="Input resistivity"):
        imp.round_wire_impedance_ratio(1e-3, 5.0, "copper")


# ----------------------------------------------------------------------------- strip model
def test_strip_model_dc_and_high_frequency_limits():
    w, t = 20e-6, 5e-6
    assert imp.strip_resistance_per_length(w, t, 0.0, RHO_CU) == pytest.approx(RHO_CU / (w * t), rel=1e-12)
    f = 1e15  # t/delta ~ 2000
    delta = imp.skin_depth(f, RHO_CU)
    hf = RHO_CU / (delta * imp.strip_effective_perimeter(w, t))
    assert imp.strip_resistance_per_length(w, t, f, RHO_CU) == pytest.approx(hf, rel=2e-3)


def test_wheeler_polygon_rule_and_thin_strip():
    a = 7e-6
    # square: P_eff = pi a (Wheeler 1955 polygon rule), equivalent radius 0.59017 a
    assert imp.strip_effective_perimeter(a, a) == pytest.approx(np.pi * a, rel=1e-6)
    assert imp.rectangle_equivalent_radius(a, a) == pytest.approx(0.5901702995 * a, rel=1e-9, abs=0)
    # thin strip: r_eq = w/4 + t/(4 pi) (1 + ln(4 pi w / t)) (Wheeler), error O(t^2/w)
    w, t = 1e-3, 1e-6
    approx = w / 4 + t / (4 * np.pi) * (1 + np.log(4 * np.pi * w / t))
    assert imp.rectangle_equivalent_radius(w, t) == pytest.approx(approx, rel=1e-5)
    # orientation does not matter
    assert imp.strip_effective_perimeter(w, t) == pytest.approx(imp.strip_effective_perimeter(t, w))


def test_strip_validation():
    with pytest.raises(ValueError, match="Input thickness"):
        imp.strip_resistance_per_length(1e-5, 0.0, 1e6)
    with pytest.raises(ValueError, match="Input frequency"):
        imp.strip_resistance_per_length(1e-5, 1e-6, -1e6)


# ----------------------------------------------------------------------------- Medhurst Phi
def test_proximity_table_nodes_exact():
    header, rows = read_csv("medhurst_proximity_factor.csv")
    p_over_d = [float(h) for h in header[1:]]
    for row in rows:
        l_over_d = float(row[0])
        for pd, value in zip(p_over_d, row[1:], strict=True):
            assert imp.proximity_factor(l_over_d, pd) == pytest.approx(float(value), abs=1e-12)
    # the corrected transcriptions
    assert imp.proximity_factor(0, 2.5) == pytest.approx(1.26)
    assert imp.proximity_factor(10, 1.429) == pytest.approx(2.37)


def test_proximity_monotonic_along_rows():
    pd = np.concatenate([np.linspace(1.0, 10.0, 400), [20.0, 100.0, np.inf]])
    for ld in (0.0, 0.1, 0.5, 0.8, 1.0, 3.0, 7.5, 10.0, 25.0, np.inf):
        phi = imp.proximity_factor(np.full_like(pd, ld), pd)
        assert np.all(np.diff(phi) <= 1e-12), ld
        assert phi[-1] == pytest.approx(1.0)


def test_proximity_interpolation_between_rows():
    # linear in l/D inside the table, linear in D/l between l/D = 10 and inf
    assert imp.proximity_factor(0.5, 1.0) == pytest.approx(0.5 * (5.65 + 5.80))
    assert imp.proximity_factor(20.0, 1.0) == pytest.approx(0.5 * (3.23 + 3.41))
    # vectorised call with broadcasting
    out = imp.proximity_factor(np.array([[0.0], [1.0]]), np.array([1.0, 2.0]))
    assert out.shape == (2, 2)
    assert out[1, 1] == pytest.approx(1.67)


@pytest.mark.parametrize(("ld", "pd", "name"), [(-0.1, 2.0, "length_over_diameter"),
                                                (1.0, 0.9, "pitch_over_wire_diameter"),
                                                (np.nan, 2.0, "length_over_diameter")])
def test_proximity_refuses_out_of_table(ld, pd, name):
    with pytest.raises(ValueError, match=f"Input {name} must be within Medhurst's table"):
        imp.proximity_factor(ld, pd)


def test_proximity_type_error():
    with pytest.raises(TypeError, match="pitch_over_wire_diameter"):
        imp.proximity_factor(1.0, "2")


# ----------------------------------------------------------------------------- capacitance tables
def test_self_capacitance_table_nodes():
    _, rows = read_csv("medhurst_self_capacitance.csv")
    for ld, h in rows:
        c = imp.medhurst_capacitance(float(ld), 0.01)  # D = 1 cm -> C [pF] = H
        assert c == pytest.approx(float(h) * 1e-12, rel=1e-12, abs=0)


def test_medhurst_fit_deviation_as_documented():
    _, rows = read_csv("medhurst_self_capacitance.csv")
    dev = np.array([imp.medhurst_capacitance_fit(float(ld), 0.01) / (float(h) * 1e-12) - 1
                    for ld, h in rows])
    assert dev.min() == pytest.approx(-0.077, abs=0.002)
    assert dev.max() == pytest.approx(0.036, abs=0.002)


def test_medhurst_capacitance_interpolation_and_range():
    c1 = imp.medhurst_capacitance(1.2, 0.01)
    assert 0.46e-12 <= c1 <= 0.47e-12
    with pytest.raises(ValueError, match="length_over_diameter.*medhurst_capacitance_fit"):
        imp.medhurst_capacitance(0.05, 1e-3)
    with pytest.raises(ValueError, match="Input D"):
        imp.medhurst_capacitance_fit(1.0, -1e-3)


# ----------------------------------------------------------------------------- coils
def test_five_turn_microcoil_by_hand():
    """1 mm diameter, 5 turns of 100 um copper at 200 um pitch, 600 MHz (Minard convention)."""
    f = 600e6
    D, N, p, d = 1e-3, 5, 200e-6, 100e-6
    coil = helix_coil(D / 2, N, p, d)
    # --- hand calculation, step by step
    delta = np.sqrt(RHO_CU / (np.pi * f * 4e-7 * np.pi))  # 2.66 um
    wire = N * np.sqrt((np.pi * D) ** 2 + p**2)  # helix length 15.74 mm
    r_dc = RHO_CU * wire / (np.pi * (d / 2) ** 2)  # 33.6 mOhm
    x = (d / 2) / delta  # 18.8
    skin = x / 2 + 1 / 4 + 3 / (32 * x)  # asymptotic Bessel ratio, error ~1e-6 here
    r_skin = r_dc * skin
    # Medhurst: l = N p = 1 mm, l/D = 1, p/d = 2 -> table node 1.67
    phi = 1.67
    r_ac = r_skin * (1 + (phi - 1) * (1 - 1 / N))  # Minard & Wind eq. 11
    assert delta == pytest.approx(2.6616e-6, rel=1e-4)
    assert r_ac == pytest.approx(0.4986, rel=1e-3)
    assert imp.ac_resistance(coil, f) == pytest.approx(r_ac, rel=1e-4)
    assert imp.ac_resistance(coil, f, proximity=None) == pytest.approx(r_skin, rel=1e-4)
    # self-capacitance: H(l/D = 1) = 0.46 pF/cm, D = 0.1 cm
    c_self = 0.46e-12 * 0.1
    assert imp.self_capacitance(coil) == pytest.approx(c_self, rel=1e-12, abs=0)
    # inductance by Wheeler's formula in SI: mu0 N^2 pi a^2 / (l + 0.9 a)
    a, length = D / 2, N * p
    ind = mu_0 * N**2 * np.pi * a**2 / (length + 0.9 * a)  # ~17.0 nH
    srf = 1 / (2 * np.pi * np.sqrt(ind * c_self))  # ~5.7 GHz
    assert imp.self_resonant_frequency(ind, c_self) == pytest.approx(srf, rel=1e-12)
    assert srf == pytest.approx(5.69e9, rel=1e-2)
    q = 2 * np.pi * f * ind / r_ac
    assert imp.unloaded_q(ind, imp.ac_resistance(coil, f), f) == pytest.approx(q, rel=1e-4)


def test_proximity_conventions_differ_by_about_twelve_percent():
    # 5 turns of 100 um wire at p/d = 1.5 on a 1 mm coil: Phi(l/D = 0.75, p/d = 1.5) ~ 2.2
    N, d, p, D = 5, 100e-6, 150e-6, 1e-3
    coil = helix_coil(D / 2, N, p, d)
    f = 600e6
    minard = imp.ac_resistance(coil, f, proximity="minard")
    qoil = imp.ac_resistance(coil, f, proximity="qoil")
    skin = imp.ac_resistance(coil, f, proximity=None)
    phi = imp.proximity_factor(N * p / D, p / d)
    assert 2.0 < phi < 2.4
    # minard - qoil = R_skin / N (up to the Bessel-vs-shell area difference, ~1e-4 here)
    assert minard - qoil == pytest.approx(skin / N, rel=2e-3)
    rel = minard / qoil - 1
    assert rel == pytest.approx(1 / (phi * (N - 1)), rel=2e-3)
    assert 0.10 < rel < 0.14
    # conventions agree on the limits they share: N -> large
    many = helix_coil(D / 2, 40, p, d, points_per_turn=60)
    r_m = imp.ac_resistance(many, f, proximity="minard")
    r_q = imp.ac_resistance(many, f, proximity="qoil")
    assert r_m / r_q - 1 < 0.02


def test_qoil_refuses_single_turn_and_dc_has_no_proximity():
    coil = helix_coil(0.5e-3, 1, 200e-6, 100e-6)
    with pytest.raises(ValueError, match=r"Input coil.winding_info.turns must be >= 2"):
        imp.ac_resistance(coil, 600e6, proximity="qoil")
    assert imp.ac_resistance(coil, 600e6) == pytest.approx(imp.ac_resistance(coil, 600e6, proximity=None))
    five = helix_coil(0.5e-3, 5, 200e-6, 100e-6)
    r_dc = RHO_CU * five.wire_length / (np.pi * 50e-6**2)
    assert imp.ac_resistance(five, 0.0) == pytest.approx(r_dc, rel=1e-12, abs=0)


def test_ac_resistance_temperature_and_non_solenoid():
    loop = Coil([LoopWinding(1e-3, cross_section=RoundWire(100e-6))])
    f = 400e6
    r293 = imp.ac_resistance(loop, f)
    rho = COPPER.resistivity_at(293.15)
    expected = loop.wire_length * rho / (np.pi * 50e-6**2) * imp.round_wire_impedance_ratio(50e-6, f, rho).real
    assert r293 == pytest.approx(expected, rel=1e-12, abs=0)
    # colder copper: lower resistivity, R ~ sqrt(rho) in the skin limit
    r77 = imp.ac_resistance(loop, f, temperature=77.0)
    ratio = COPPER.resistivity_at(77.0) / rho
    assert r77 / r293 == pytest.approx(np.sqrt(ratio), rel=2e-2)


def test_ac_resistance_of_mixed_windings_sums_each_conductor():
    """Windings share a computed resistance per length only when cross-section and resistivity
    agree: loops of two wire sizes and two metals sum their own skin-effect resistances."""
    f = 400e6
    wires = [(RoundWire(100e-6), COPPER), (RoundWire(100e-6), COPPER), (RoundWire(60e-6), COPPER),
             (RoundWire(100e-6), SILVER)]
    coil = Coil([LoopWinding(1e-3 * (1 + 0.1 * k), center=(0, 0, 1e-3 * k), cross_section=cs, material=mat)
                 for k, (cs, mat) in enumerate(wires)])
    expected = sum(imp.ac_resistance(Coil([w]), f) for w in coil.windings)
    assert imp.ac_resistance(coil, f) == pytest.approx(expected, rel=1e-14, abs=0)
    each = [imp.ac_resistance(Coil([w]), f) / w.length for w in coil.windings]
    assert each[0] == each[1] and len({each[0], each[2], each[3]}) == 3


def test_ac_resistance_strip_windings():
    pts = np.array([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]])
    coil = Coil([Winding(pts, cross_section=RectangularStrip(20e-6, 5e-6))])
    f = 600e6
    per_len = imp.strip_resistance_per_length(20e-6, 5e-6, f, RHO_CU)
    assert imp.ac_resistance(coil, f) == pytest.approx(2e-3 * per_len, rel=1e-12, abs=0)
    peec = imp.ac_resistance(coil, f, strip_model="peec")
    assert peec == pytest.approx(imp.ac_resistance(coil, f), rel=0.1)


def test_ac_resistance_validation():
    coil = helix_coil(0.5e-3, 5, 200e-6, 100e-6)
    with pytest.raises(ValueError, match="Input frequency must be"):
        imp.ac_resistance(coil, -1.0)
    with pytest.raises(ValueError, match="Input proximity must be one of 'minard', 'qoil'"):
        imp.ac_resistance(coil, 1e8, proximity="medhurst")
    with pytest.raises(TypeError, match="Input coil must be a Coil"):
        imp.ac_resistance("coil", 1e8)
    bare = Coil([Winding(np.array([[0, 0, 0], [1, 0, 0]]))])
    with pytest.raises(ValueError, match=r"Input coil.windings\[0\].cross_section must be"):
        imp.ac_resistance(bare, 1e8)
    strip_solenoid = Coil([Winding(coil.windings[0].points, cross_section=RectangularStrip(1e-4, 2e-5))],
                          winding_info=coil.winding_info)
    with pytest.raises(ValueError, match="Input proximity must be None"):
        imp.ac_resistance(strip_solenoid, 1e8)
    tight = helix_coil(0.5e-3, 5, 90e-6, 100e-6)  # pitch below the wire diameter
    with pytest.raises(ValueError, match="pitch_over_wire_diameter"):
        imp.ac_resistance(tight, 1e8)


def planar_spiral(turns=3, outer=2e-3, width=50e-6, spacing=30e-6, thickness=10e-6, shape="square"):
    info = PlanarSpiral(turns=turns, outer_diameter=outer, inner_diameter=outer - 2 * turns * (width + spacing),
                        trace_width=width, spacing=spacing, thickness=thickness, shape=shape)
    pts = np.array([[0, 0, 0], [outer, 0, 0], [outer, outer, 0]])
    return Coil([Winding(pts, cross_section=RectangularStrip(width, thickness))], winding_info=info)


def test_planar_spiral_capacitance_by_hand():
    w, s, t, outer, eps_r = 50e-6, 30e-6, 10e-6, 2e-3, 4.6
    coil = planar_spiral(2, outer, w, s, t)
    # turn perimeters of a 2-turn square spiral along the trace centre line
    p0 = 4 * (outer - w)
    p1 = 4 * (outer - w - 2 * (w + s))
    k = s / (s + 2 * w)
    c_line = epsilon_0 * ((eps_r + 1) / 2 * ellipk(1 - k**2) / ellipk(k**2) + t / s)  # F/m
    facing = (p0 + p1) / 2
    c = c_line * facing * (facing / (p0 + p1)) ** 2
    assert imp.self_capacitance(coil, substrate_permittivity=eps_r) == pytest.approx(c, rel=1e-12, abs=0)
    assert 1e-15 < c < 1e-12
    # more permittivity -> more capacitance; circular spirals have less length than square
    assert imp.self_capacitance(coil) < imp.self_capacitance(coil, substrate_permittivity=eps_r)
    circ = planar_spiral(2, outer, w, s, t, shape="circular")
    assert imp.self_capacitance(circ) == pytest.approx(imp.self_capacitance(coil) * np.pi / 4, rel=1e-12, abs=0)


def test_self_capacitance_refuses_unsupported():
    loop = Coil([LoopWinding(1e-3, cross_section=RoundWire(1e-4))], parameters={"generator": "solenoid"})
    with pytest.raises(ValueError, match="Input coil must be a solenoid or planar spiral .* winding_info None"):
        imp.self_capacitance(loop)
    with pytest.raises(ValueError, match="shape"):
        imp.self_capacitance(planar_spiral(shape="triangular"))
    with pytest.raises(ValueError, match="Input substrate_permittivity"):
        imp.self_capacitance(planar_spiral(), substrate_permittivity=-2)


# ----------------------------------------------------------------------------- small helpers
def test_small_helpers():
    assert imp.self_resonant_frequency(1e-6, 1e-12) == pytest.approx(1 / (2 * np.pi * 1e-9))
    assert imp.unloaded_q(20e-9, 0.5, 600e6) == pytest.approx(2 * np.pi * 600e6 * 20e-9 / 0.5)
    assert imp.capacitor_esr(1e-12, 600e6, 1000) == pytest.approx(1 / (2 * np.pi * 600e6 * 1e-12 * 1000))
    # lead: 2 x 5 mm of 100 um copper at 600 MHz
    r = imp.lead_resistance(10e-3, 100e-6, 600e6)
    x = 50e-6 / imp.skin_depth(600e6)
    r_dc = RHO_CU * 10e-3 / (np.pi * 50e-6**2)
    assert r == pytest.approx(r_dc * (x / 2 + 0.25 + 3 / (32 * x)), rel=1e-5)
    assert imp.lead_resistance(10e-3, 100e-6, 0.0, "silver") == pytest.approx(
        1.587e-8 * 10e-3 / (np.pi * 50e-6**2))


@pytest.mark.parametrize(("call", "name"), [
    (lambda: imp.self_resonant_frequency(-1e-9, 1e-12), "inductance"),
    (lambda: imp.self_resonant_frequency(1e-9, 0.0), "capacitance"),
    (lambda: imp.unloaded_q(1e-9, 1.0, -5.0), "frequency"),
    (lambda: imp.capacitor_esr(1e-12, 1e8, 0.0), "q_factor"),
    (lambda: imp.lead_resistance(1e-3, 1e-4, -1.0), "frequency"),
    (lambda: imp.lead_resistance(1e-3, 1e-4, 1e6, "unobtainium"), "material"),
])
def test_helpers_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"Input {name} must be"):
        call()


# ----------------------------------------------------------------------------- with the generators
def _generators():
    from coildesign.geometries import rf_coils

    return rf_coils


def test_with_solenoid_generator():
    rf_coils = _generators()
    f = 600e6
    coil = rf_coils.solenoid(0.5e-3, 1e-3, 5, wire_diameter=100e-6, points_per_turn=256)
    mine = helix_coil(0.5e-3, 5, 200e-6, 100e-6)
    assert imp.ac_resistance(coil, f) == pytest.approx(imp.ac_resistance(mine, f), rel=1e-4)
    assert imp.self_capacitance(coil) == pytest.approx(0.046e-12, rel=1e-12, abs=0)
    # leads: skin effect only, added to the proximity-corrected helix
    leads = rf_coils.solenoid(0.5e-3, 1e-3, 5, wire_diameter=100e-6, points_per_turn=256, leads=2e-3)
    lead_r = imp.lead_resistance(4e-3, 100e-6, f)
    assert imp.ac_resistance(leads, f) == pytest.approx(imp.ac_resistance(coil, f) + lead_r, rel=1e-4)
    two_layers = rf_coils.solenoid(0.5e-3, 1e-3, 5, wire_diameter=100e-6, layers=2)
    with pytest.raises(ValueError, match="single-layer"):
        imp.self_capacitance(two_layers)
    with pytest.raises(ValueError, match="single-layer"):
        imp.ac_resistance(two_layers, f)
    assert imp.ac_resistance(two_layers, f, proximity=None) > 0


def test_with_planar_spiral_generator():
    rf_coils = _generators()
    coil = rf_coils.planar_spiral(3, 2e-3, 50e-6, 30e-6, "octagonal", thickness=10e-6)
    c = imp.self_capacitance(coil, substrate_permittivity=4.6)
    assert 1e-15 < c < 1e-12
    r = imp.ac_resistance(coil, 600e6)
    per_len = imp.strip_resistance_per_length(50e-6, 10e-6, 600e6)
    assert r == pytest.approx(coil.wire_length * per_len, rel=1e-12, abs=0)


def test_generated_coils_carry_the_facts_through_transforms():
    """The physics follows the typed record: a rigid motion changes neither R nor C_self; a coil
    scaled by 2 is a solenoid of twice the sizes, whose Medhurst capacitance H D doubles (l/D is
    unchanged); the same windings without a record get the skin effect only. A planar spiral's
    coplanar-strip capacitance scales with its length (C' depends on s/w only)."""
    sol = solenoid(0.5e-3, 2e-3, 8, wire_diameter=150e-6, leads=1e-3)
    f = 600e6
    turned = sol.rotate(90, (0, 1, 0)).translate((1e-3, 2e-3, 0))
    for prox in ("minard", "qoil"):
        assert imp.ac_resistance(turned, f, proximity=prox) == pytest.approx(
            imp.ac_resistance(sol, f, proximity=prox), rel=1e-12, abs=0)
    assert imp.self_capacitance(turned) == imp.self_capacitance(sol)
    assert imp.self_capacitance(sol.scaled(2.0)) == pytest.approx(2 * imp.self_capacitance(sol), rel=1e-12, abs=0)
    bare = Coil(sol.windings)
    assert imp.ac_resistance(bare, f) == pytest.approx(imp.ac_resistance(sol, f, proximity=None), rel=1e-14, abs=0)
    assert imp.ac_resistance(bare, f) < imp.ac_resistance(sol, f)
    with pytest.raises(ValueError, match="winding_info None"):
        imp.self_capacitance(bare)
    spiral = generated_spiral(4, 2e-3, 50e-6, 40e-6, "octagonal")
    assert imp.self_capacitance(spiral.scaled(3.0), substrate_permittivity=4.6) == pytest.approx(
        3 * imp.self_capacitance(spiral, substrate_permittivity=4.6), rel=1e-12, abs=0)
