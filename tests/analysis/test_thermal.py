"""Lumped thermal model: steady rise with R(T), runaway, time to a limit, duty cycle; checked against
the closed forms and an ODE solve."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import coildesign as cd
from coildesign.analysis import dc_resistance, thermal
from coildesign.analysis.thermal import COOLING, MASS_DENSITY, SPECIFIC_HEAT, conductor_heat_capacity, conductor_surface


def wire_coil(length=2.0, diameter=0.5e-3):
    return cd.Coil.from_polyline([[0, 0, 0], [length, 0, 0]], wire_diameter=diameter)


def test_steady_rise_without_and_with_temperature_coefficient():
    """theta = P R_th without alpha; P R_th / (1 - alpha P R_th) with it (module doc)."""
    r = thermal(None, power=2.0, thermal_resistance=15.0, heat_capacity=3.0, temperature_coefficient=0.0)
    assert r.steady_rise == pytest.approx(30.0, rel=1e-15, abs=0)
    assert r.time_constant == pytest.approx(45.0, rel=1e-15, abs=0)
    t = thermal(None, power=2.0, thermal_resistance=15.0, heat_capacity=3.0)
    alpha = 3.93e-3  # copper, IEC 60028, at 20 degC = the default ambient
    assert t.temperature_coefficient == pytest.approx(alpha, rel=1e-15, abs=0)
    assert t.steady_rise == pytest.approx(30.0 / (1 - alpha * 30.0), rel=1e-14, abs=0)
    assert not t.runaway


def test_temperature_solves_the_ode_and_time_to_limit():
    coil = wire_coil()
    res = thermal(coil, 1.5, thermal_resistance=40.0, limit=300.0, ambient=290.0)
    r_a = dc_resistance(coil, 290.0)
    slope = dc_resistance(coil, 291.0) - r_a

    def rhs(_, y):
        return [(1.5**2 * (r_a + slope * (y[0] - 290.0)) - (y[0] - 290.0) / 40.0) / res.heat_capacity]

    ts = np.array([0.0, 1.0, 10.0, 100.0, 1000.0])
    sol = solve_ivp(rhs, (0, ts[-1]), [290.0], t_eval=ts, rtol=1e-12, atol=1e-12, method="DOP853")
    np.testing.assert_allclose(res.temperature(ts), sol.y[0], rtol=1e-10)
    assert res.power == pytest.approx(1.5**2 * r_a, rel=1e-15, abs=0)
    assert res.steady_temperature > 300.0
    assert res.temperature(res.time_to_limit) == pytest.approx(300.0, rel=1e-12)
    assert isinstance(res.temperature(1.0), float)


def test_runaway_and_adiabatic_heating_rate():
    coil = wire_coil()
    # alpha P R_th >= 1: no steady state
    r_a = dc_resistance(coil)
    alpha = (dc_resistance(coil, 294.15) - r_a) / r_a
    i = np.sqrt(1.2 / (alpha * 50.0 * r_a))
    hot = thermal(coil, i, thermal_resistance=50.0, limit=400.0)
    assert hot.runaway and hot.steady_rise == np.inf and hot.time_constant < 0
    assert hot.temperature(hot.time_to_limit) == pytest.approx(400.0, rel=1e-12)
    # adiabatic: dT/dt = P/(m c) at t = 0, m c of copper (CRC density and specific heat)
    ad = thermal(coil, 2.0, thermal_resistance=np.inf)
    mass = MASS_DENSITY["copper"] * np.pi * 0.25e-3**2 * 2.0
    assert ad.heat_capacity == pytest.approx(mass * SPECIFIC_HEAT["copper"], rel=1e-14, abs=0)
    assert ad.heating_rate == pytest.approx(4.0 * r_a / (mass * 385.0), rel=1e-14, abs=0)
    dt = 1e-4
    assert (ad.temperature(dt) - 293.15) / dt == pytest.approx(ad.heating_rate, rel=1e-5)
    assert ad.runaway


def test_duty_cycle_amplitude_and_limit():
    coil = wire_coil()
    res = thermal(coil, 3.0, cooling="still air", limit=333.15)
    assert res.thermal_resistance == pytest.approx(1 / (COOLING["still air"] * np.pi * 0.5e-3 * 2.0), rel=1e-14)
    assert conductor_surface(coil) == pytest.approx(np.pi * 0.5e-3 * 2.0, rel=1e-14)
    d = res.max_duty_cycle
    assert 0 < d < 1
    scaled = thermal(coil, 3.0 * res.max_amplitude_scale, cooling="still air", limit=333.15)
    assert scaled.steady_temperature == pytest.approx(333.15, rel=1e-13)
    reduced = thermal(coil, power=res.power * d, cooling="still air", limit=333.15)
    assert reduced.steady_temperature == pytest.approx(333.15, rel=1e-13)
    assert res.max_current_rms == pytest.approx(3.0 * res.max_amplitude_scale, rel=1e-13)
    assert thermal(coil, 1e-3, cooling="water-cooled plate", limit=333.15).max_duty_cycle == 1.0
    assert "max duty cycle" in str(res)


def test_heat_capacity_of_a_coil_and_bad_input():
    coil = cd.Coil.from_loop(1e-3, wire_diameter=0.1e-3)
    expected = 8960.0 * 385.0 * np.pi * 0.05e-3**2 * 2 * np.pi * 1e-3
    assert conductor_heat_capacity(coil) == pytest.approx(expected, rel=1e-14, abs=0)
    with pytest.raises(ValueError, match="thermal_resistance"):
        thermal(coil, 1.0)
    with pytest.raises(ValueError, match="current_rms"):
        thermal(coil, 1.0, power=1.0, thermal_resistance=1.0)
    with pytest.raises(ValueError, match="limit"):
        thermal(coil, 1.0, thermal_resistance=1.0, limit=200.0)
    with pytest.raises(ValueError, match="cooling"):
        thermal(coil, 1.0, cooling="liquid helium")
    with pytest.raises(ValueError, match="filament"):
        thermal(cd.Coil.from_loop(1e-3), power=1.0, thermal_resistance=1.0)


def test_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    res = thermal(wire_coil(), 3.0, cooling="still air", limit=333.15)
    res.plot(path=tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 1000
