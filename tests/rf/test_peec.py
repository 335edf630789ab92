"""Tests of the filament (PEEC) route coildesign.rf.peec against exact and closed-form results."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.constants import mu_0

from coildesign.conductors import Material, RectangularStrip, RoundWire
from coildesign.rf import impedance as imp
from coildesign.rf.peec import coupled_conductors_impedance, filament_impedance

RHO_CU = 1.678e-8


def freq_for(x: float, size: float) -> float:
    """Frequency [Hz] at which size / delta = x in copper."""
    return (x / size) ** 2 * RHO_CU / (np.pi * mu_0)


# ----------------------------------------------------------------------------- DC limits
def test_dc_resistance_exact():
    for cs in (RoundWire(100e-6), RectangularStrip(40e-6, 7e-6)):
        res = filament_impedance(cs, 2e-3, 0.0)
        assert float(res.resistance) == pytest.approx(RHO_CU * 2e-3 / cs.area, rel=1e-12, abs=0)
        assert res.resistance_dc == pytest.approx(RHO_CU * 2e-3 / cs.area, rel=1e-12, abs=0)
    pair = coupled_conductors_impedance(RoundWire(100e-6), [[0, 0], [150e-6, 0]], 2e-3, 0.0)
    assert float(pair.resistance) == pytest.approx(2 * RHO_CU * 2e-3 / RoundWire(100e-6).area, rel=1e-12, abs=0)


def test_dc_inductance_of_round_wire():
    # uniform current: GMD r e^(-1/4); Grover's parallel-filament formula at that GMD
    r, length = 50e-6, 10e-3
    res = filament_impedance(RoundWire(2 * r), length, 0.0)
    g = r * np.exp(-0.25)
    exact = mu_0 * length / (2 * np.pi) * (np.arcsinh(length / g) - np.sqrt(1 + (g / length) ** 2) + g / length)
    assert float(res.inductance) == pytest.approx(exact, rel=1e-4, abs=0)
    # and Rosa's long-wire formula mu0 l/(2 pi) (ln(2l/r) - 3/4) to O(r/l)
    rosa = mu_0 * length / (2 * np.pi) * (np.log(2 * length / r) - 0.75)
    assert float(res.inductance) == pytest.approx(rosa, rel=2e-3)


# ----------------------------------------------------------------------------- skin effect
def test_round_wire_matches_bessel():
    r = 50e-6
    xs = np.array([0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0])
    f = freq_for(xs, r)
    length = 1.0  # l/r = 2e4: end effects of the partial inductances negligible
    exact = imp.round_wire_impedance_ratio(r, f, RHO_CU)
    peec = np.array([float(filament_impedance(RoundWire(2 * r), length, ff).resistance_ratio) for ff in f])
    err = peec / exact.real - 1
    assert np.abs(err[xs <= 5]).max() < 1e-3  # achieved: <= 0.03 %
    assert np.abs(err).max() < 3e-3  # achieved: <= 0.13 % up to r/delta = 20


def test_round_wire_internal_inductance_matches_bessel():
    r, length = 50e-6, 1.0
    f = freq_for(np.array([1.0, 3.0, 10.0]), r)
    res = filament_impedance(RoundWire(2 * r), length, np.concatenate([[0.0], f]))
    drop = res.inductance[0] - res.inductance[1:]  # fall of the internal inductance
    exact = (imp.round_wire_internal_inductance(r, 0.0) - imp.round_wire_internal_inductance(r, f)) * length
    assert drop == pytest.approx(exact, rel=5e-3)


def test_frequency_array_and_monotonic():
    f = np.array([1e5, 1e7, 1e8, 1e9])
    res = filament_impedance(RoundWire(100e-6), 1e-2, f)
    assert res.resistance.shape == f.shape and res.inductance.shape == f.shape
    assert np.all(np.diff(res.resistance) > 0)
    assert np.all(np.diff(res.inductance) < 0)
    assert res.current_density.shape == (4, res.n_filaments)
    # current per ampere integrates to one
    assert np.allclose((res.current_density * res.areas).sum(axis=1), 1.0)


def test_polar_grid_round_wire_matches_bessel():
    """The annular-sector grid used for coupled round wires, alone."""
    r = 50e-6
    for x in (1.0, 3.0, 5.0, 10.0):
        f = freq_for(x, r)
        single = coupled_conductors_impedance(RoundWire(2 * r), [[0.0, 0.0]], 1.0, f, n_filaments=200)
        exact = imp.round_wire_impedance_ratio(r, f).real
        assert float(single.resistance_ratio) == pytest.approx(exact, rel=1e-2)  # achieved <= 0.7 %


def test_strip_grid_converges():
    cs = RectangularStrip(30e-6, 10e-6)
    f = freq_for(4.0, 10e-6)
    coarse = float(filament_impedance(cs, 0.1, f, n_filaments=300).resistance_ratio)
    fine = float(filament_impedance(cs, 0.1, f, n_filaments=1200).resistance_ratio)
    assert coarse == pytest.approx(fine, rel=1e-2)


@pytest.mark.parametrize(("aspect", "t_over_delta", "tol"), [
    (1, 0.5, 0.005), (1, 2.0, 0.03), (1, 4.0, 0.09), (1, 8.0, 0.06),
    (3, 1.0, 0.02), (3, 2.0, 0.07), (3, 4.0, 0.03), (3, 8.0, 0.04),
    (10, 1.0, 0.12), (10, 4.0, 0.08), (10, 8.0, 0.06),
])
def test_strip_model_against_peec(aspect, t_over_delta, tol):
    t = 10e-6
    w = aspect * t
    f = freq_for(t_over_delta, t)
    peec = float(filament_impedance(RectangularStrip(w, t), 0.1, f).resistance_ratio)
    model = imp.strip_resistance_per_length(w, t, f, RHO_CU) * w * t / RHO_CU
    assert model == pytest.approx(peec, rel=tol)


def test_shell_model_is_worse_than_wheeler():
    """The skin-depth-shell area 2 delta (w + t - 2 delta) underestimates (corner crowding)."""
    w, t = 30e-6, 10e-6
    f = freq_for(8.0, t)
    delta = imp.skin_depth(f)
    peec = float(filament_impedance(RectangularStrip(w, t), 0.1, f).resistance_ratio)
    shell = w * t / (2 * delta * (w + t - 2 * delta))
    wheeler = imp.strip_resistance_per_length(w, t, f) * w * t / RHO_CU
    assert shell / peec - 1 < -0.15
    assert abs(wheeler / peec - 1) < 0.04


# ----------------------------------------------------------------------------- proximity effect
def test_two_wire_line_tends_to_exact_high_frequency_result():
    """Opposite currents: R/R_iso -> 1/sqrt(1 - (d/p)^2) for delta -> 0 (Ramo et al. sect. 5.13,
    the two-wire line); the filament result approaches it with an error ~ delta/r."""
    r, pd = 50e-6, 1.667
    limit = 1 / np.sqrt(1 - 1 / pd**2)
    errs = []
    for x in (10.0, 40.0):
        f = freq_for(x, r)
        iso = coupled_conductors_impedance(RoundWire(2 * r), [[0, 0]], 1.0, f, n_filaments=160)
        pair = coupled_conductors_impedance(RoundWire(2 * r), [[0, 0], [pd * 2 * r, 0]], 1.0, f,
                                            n_filaments=160, directions=[1, -1])
        errs.append(float(pair.resistance / (2 * iso.resistance)) / limit - 1)
    assert abs(errs[1]) < 0.01  # achieved -0.7 % at r/delta = 40
    assert abs(errs[1]) < abs(errs[0]) / 2.5  # -2.7 % at r/delta = 10


def test_row_of_turns_follows_medhurst_trend():
    """Five co-directed wires (a crude short coil): the loss rises as the pitch closes, stays
    below Medhurst's Phi for long coils of many turns and vanishes for p/d -> large."""
    r = 50e-6
    f = freq_for(10.0, r)
    iso = float(coupled_conductors_impedance(RoundWire(2 * r), [[0, 0]], 1.0, f, n_filaments=160).resistance)
    ratios = []
    for pd in (1.25, 1.667, 2.5, 5.0, 10.0):
        pos = np.column_stack([np.arange(5) * pd * 2 * r, np.zeros(5)])
        row = coupled_conductors_impedance(RoundWire(2 * r), pos, 1.0, f, n_filaments=160)
        assert row.conductor_resistance.sum() == pytest.approx(float(row.resistance), rel=1e-9)
        # end wires lose more than the middle one
        assert row.conductor_resistance[0] > row.conductor_resistance[2]
        ratio = float(row.resistance) / (5 * iso)
        ratios.append(ratio)
        assert 1.0 < ratio < imp.proximity_factor(0.0, pd)
    assert np.all(np.diff(ratios) < 0)
    assert ratios[-1] < 1.02


def test_coupled_strips_and_mixed_sections():
    strip = RectangularStrip(20e-6, 5e-6)
    f = 600e6
    one = filament_impedance(strip, 1e-3, f, n_filaments=300)
    pair = coupled_conductors_impedance(strip, [[0, 0], [30e-6, 0]], 1e-3, f, n_filaments=300)
    assert float(pair.resistance) > 2 * float(one.resistance)
    mixed = coupled_conductors_impedance([strip, RoundWire(20e-6)], [[0, 0], [0, 40e-6]], 1e-3, f,
                                         n_filaments=150)
    assert mixed.conductor_resistance.shape == (2,)


# ----------------------------------------------------------------------------- validation
def test_validation_names_the_parameter():
    with pytest.raises(ValueError, match="Input frequency must be finite and >= 0"):
        filament_impedance(RoundWire(1e-4), 1e-3, -1.0)
    with pytest.raises(TypeError, match="Input cross_section must be a RoundWire or a RectangularStrip"):
        filament_impedance(1e-4, 1e-3, 1e6)
    with pytest.raises(ValueError, match="Input length"):
        filament_impedance(RoundWire(1e-4), 0.0, 1e6)
    with pytest.raises(ValueError, match="Input n_filaments"):
        filament_impedance(RoundWire(1e-4), 1e-3, 1e6, n_filaments=2)
    with pytest.raises(ValueError, match="Input positions must be far enough apart"):
        coupled_conductors_impedance(RoundWire(1e-4), [[0, 0], [5e-5, 0]], 1e-3, 1e6)
    with pytest.raises(ValueError, match="Input directions"):
        coupled_conductors_impedance(RoundWire(1e-4), [[0, 0], [5e-4, 0]], 1e-3, 1e6, directions=[1, 0])
    with pytest.raises(ValueError, match="Input material"):
        filament_impedance(RoundWire(1e-4), 1e-3, 1e6, "unobtainium")


def test_material_and_temperature():
    silver = Material("ag", 1.587e-8, 0.0038)
    res = filament_impedance(RoundWire(1e-4), 1e-3, 0.0, silver, temperature=273.15)
    rho = silver.resistivity_at(273.15)
    assert float(res.resistance) == pytest.approx(rho * 1e-3 / RoundWire(1e-4).area, rel=1e-12, abs=0)
