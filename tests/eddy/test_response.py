"""coildesign.eddy.response: step and waveform responses, flux conservation and energy balance (see conftest.py)."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from coildesign import eddy
from coildesign.fields import field
from coildesign.geometries import loop, maxwell_pair


def test_flux_conservation_and_energy_closed_sphere(spheres):
    coil = maxwell_pair(0.02)
    pts = np.array([[0.0, 0.0, 0.08], [0.07, 0.0, 0.02], [0.0, 0.09, -0.03]])
    sr = eddy.step_response(coil, spheres[1], pts, [0.0, 1e-3])
    b = field(coil, pts)
    leak = np.linalg.norm(sr.field[0] + b, axis=1) / np.linalg.norm(b, axis=1)
    assert leak.max() < 3e-3
    # later the eddy field decays: |B_e(1 ms)| < |B_e(0+)|
    assert np.all(np.linalg.norm(sr.field[1], axis=1) < np.linalg.norm(sr.field[0], axis=1))
    e = eddy.dissipated_energy(coil, spheres[1])
    assert e.total == pytest.approx(e.initial, rel=1e-9, abs=0)
    assert e.total > 0


def test_energy_by_time_integration(spheres):
    """Energy dissipated = int u^T R u dt, integrated numerically from the ODE L u' = -R u."""
    m = eddy.modes(spheres[0], basis_size=20)
    coil = loop(0.02)
    u0 = -np.linalg.solve(m.inductance, m.coupling(coil))
    lr = np.linalg.solve(m.inductance, m.resistance)
    tmax = 12 * m.time_constants[0]
    sol = solve_ivp(lambda t, y: np.r_[-lr @ y[:-1], y[:-1] @ m.resistance @ y[:-1]], (0, tmax),
                    np.r_[u0, 0.0], rtol=1e-10, atol=1e-30, method="LSODA")
    e = eddy.dissipated_energy(coil, m)
    assert sol.y[-1, -1] == pytest.approx(e.total, rel=1e-5, abs=0)


def test_exponential_filter_exact_forms():
    lam = np.array([10.0, 1e3, 1e5])
    t = np.array([-1.0, 0.0, 0.5e-3, 1e-3, 3e-3])
    # a 1 A step at t = 0 (repeated knot: a jump)
    x = eddy.exponential_filter([0.0, 0.0, 1.0], [0.0, 1.0, 1.0], lam, t)
    expect = np.where(t[:, None] >= 0, np.exp(-np.maximum(t, 0)[:, None] * lam), 0.0)
    np.testing.assert_allclose(x, expect, rtol=1e-12, atol=1e-15)
    # a ramp 0 -> 1 A over T, then flat: x = (1 - e^{-lam t})/(lam T) during, decays after
    T = 1e-3
    x, big = eddy.exponential_filter([0.0, T], [0.0, 1.0], lam, t, integral=True)
    during = (1 - np.exp(-lam * 0.5e-3)) / (lam * T)
    np.testing.assert_allclose(x[2], during, rtol=1e-12)
    end = (1 - np.exp(-lam * T)) / (lam * T)
    np.testing.assert_allclose(x[4], end * np.exp(-lam * 2e-3), rtol=1e-12)
    # integral of x over the ramp: int_0^T (1 - e^{-lam t})/(lam T) dt
    np.testing.assert_allclose(big[3], (T - (1 - np.exp(-lam * T)) / lam) / (lam * T), rtol=1e-10)


def test_exponential_filter_against_ode():
    rng = np.random.default_rng(3)
    kt = np.sort(rng.uniform(0, 5e-3, 12))
    kv = rng.normal(size=12)
    lam = np.array([200.0, 3e3])
    t = np.linspace(0, 6e-3, 7)[1:]
    x = eddy.exponential_filter(kt, kv, lam, t)

    def rhs(tt, y):
        i = np.searchsorted(kt, tt, side="right") - 1
        slope = 0.0 if i < 0 or i >= len(kt) - 1 else (kv[i + 1] - kv[i]) / (kt[i + 1] - kt[i])
        return -lam * y + slope

    y0 = kv[0] * np.ones(2)  # the jump from 0 to kv[0] at the first knot
    sol = solve_ivp(rhs, (kt[0], t[-1]), y0, t_eval=t, rtol=1e-11, atol=1e-14, max_step=5e-5)
    np.testing.assert_allclose(x, sol.y.T, rtol=1e-6, atol=1e-9)


def test_response_of_step_equals_step_response(spheres):
    coil = maxwell_pair(0.02)
    pts = np.array([[0.0, 0.0, 0.01], [0.01, 0.0, -0.01]])
    t = np.array([1e-4, 1e-3, 5e-3])
    sr = eddy.step_response(coil, spheres[0], pts, t)
    r = eddy.response(coil, spheres[0], pts, ([0.0, 0.0, 1.0], [0.0, 1.0, 1.0]), t)
    np.testing.assert_allclose(r.field, sr.field, rtol=1e-10, atol=1e-18)
    np.testing.assert_allclose(sr.at(t), sr.field, rtol=1e-12, atol=0)


def test_impedance_limits(spheres):
    coil = loop(0.02)
    m = eddy.modes(spheres[0], basis_size=20)
    z = eddy.impedance(coil, m, [1e-2, 1e9], coil_inductance=1e-6, coil_resistance=0.1)
    mvec = m.coupling(coil)
    drop = mvec @ np.linalg.solve(m.inductance, mvec)
    assert z.inductance[0] == pytest.approx(1e-6, rel=1e-6, abs=0)
    assert z.inductance[1] == pytest.approx(1e-6 - drop, rel=1e-6, abs=0)
    assert z.resistance[0] == pytest.approx(0.1, rel=1e-6, abs=0)
    assert np.all(z.resistance >= 0.1)
