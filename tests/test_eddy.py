"""Tests of coildesign.eddy: thin-shell eddy-current modes and responses against exact references.

References: thin spherical shell tau_l = mu0 sigma d a / (2l + 1) (stream function ~ Y_lm,
L_l = mu0 a l(l+1)/(2l+1), R_l = l(l+1)/(sigma d); Haus & Melcher, Electromagnetic Fields and
Energy (1989) ch. 10 for l = 1); a uniform circulating sheet current on a
finite cylinder has L = K mu0 pi a^2 / l (Nagaoka) and R = 2 pi a / (sigma d l), so
tau = K mu0 sigma d a / 2; flux conservation at t = 0+ and energy balance (module docs).
"""

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.integrate import solve_ivp
from scipy.spatial import Delaunay

from coildesign import eddy
from coildesign.analysis import handbook as hb
from coildesign.eddy.shell import boundary_loops, stream_basis
from coildesign.fields import field
from coildesign.geometries import loop, maxwell_pair
from coildesign.surfaces import StreamFunctionOperators, biplanar, cylinder, mesh, sphere

A, D = 0.05, 1e-4


@pytest.fixture(scope="module")
def spheres():
    return [eddy.Shell(sphere(A, 2 * np.pi * A / k), D) for k in (20, 28)]


def _group_means(tau):
    # the l = 1 (3 modes) and l = 2 (5 modes) groups
    return np.array([tau[:3].mean(), tau[3:8].mean()])


def test_sphere_time_constants_converge_to_exact(spheres):
    """tau_l = mu0 sigma d a/(2l+1): the mesh error falls as h^2 (area-per-vertex), so the
    Richardson extrapolation of two meshes meets the closed form to 2e-3."""
    sigma = spheres[0].conductivity
    exact = np.array([mu_0 * sigma * D * A / (2 * l + 1) for l in (1, 2)])
    taus, h2 = [], []
    for s in spheres:
        m = eddy.modes(s)
        taus.append(_group_means(m.time_constants))
        h2.append(s.surface.areas.sum() / s.surface.n_vertices)
        # degenerate groups: the l = 1 triplet is split by the mesh by < 0.5 %
        assert np.ptp(m.time_constants[:3]) / m.time_constants[0] < 5e-3
    coarse, fine = taus
    extrapolated = fine + (fine - coarse) * h2[1] / (h2[0] - h2[1])
    assert np.all(np.abs(fine / exact - 1) < np.abs(coarse / exact - 1))
    np.testing.assert_allclose(extrapolated, exact, rtol=2e-3, atol=0)


def test_smooth_basis_matches_full_basis_for_slow_modes(spheres):
    full = eddy.modes(spheres[0]).time_constants[:8]
    smooth = eddy.modes(spheres[0], basis_size=30).time_constants[:8]
    np.testing.assert_allclose(smooth, full, rtol=1e-3, atol=0)
    assert np.all(smooth <= full * (1 + 1e-9))  # Rayleigh-Ritz: a subspace gives lower bounds


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


def test_cylinder_uniform_circulation_is_nagaoka():
    """The uniform circulating current (psi linear in z) on a finite cylinder: L/R =
    K(2a/l) mu0 sigma d a/2; the slowest mode lies above it (variational)."""
    a, ell = 0.03, 0.09
    s = eddy.Shell(cylinder(a, ell, 2 * np.pi * a / 40), D, "aluminium")
    ops = StreamFunctionOperators(s.surface)
    psi = (s.surface.vertices[:, 2] + ell / 2)[:, None] / ell
    tau_u = ops.inductance_matrix(psi)[0, 0] / ops.resistance_matrix(D, s.resistivity, psi)[0, 0]
    exact = hb.nagaoka_coefficient(2 * a / ell) * mu_0 * s.conductivity * D * a / 2
    assert tau_u == pytest.approx(exact, rel=5e-3, abs=0)
    tau = eddy.modes(s, basis_size=60).time_constants
    assert tau[0] >= tau_u
    assert tau[0] < 1.1 * tau_u


def test_stream_basis_boundaries():
    cyl = cylinder(0.03, 0.05, 0.01)
    assert len(boundary_loops(cyl)) == 2
    b = stream_basis(cyl)
    assert len(b.loops) == 1 and b.matrix.shape[1] == len(b.free) + 1
    sph = sphere(0.02, 0.006)
    b = stream_basis(sph)
    assert len(b.loops) == 0 and b.matrix.shape[1] == sph.n_vertices - 1
    pair = biplanar(0.04, 0.05, resolution=0.01)
    b = stream_basis(pair)
    assert len(boundary_loops(pair)) == 2 and len(b.loops) == 0


def test_net_circulation_mode_of_open_cylinder():
    """A z coil's slowest eddy mode in an open cylinder carries net current round it."""
    s = eddy.Shell(cylinder(0.03, 0.09, 0.006), D)
    m = eddy.modes(s, basis_size=40)
    psi = m.stream_function(0)
    loops = boundary_loops(s.surface)
    ends = [psi[lp].mean() for lp in loops]
    assert abs(ends[1] - ends[0]) > 0.5 * np.abs(psi).max()


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


def test_two_shells_are_coupled_and_energy_splits():
    inner = eddy.Shell(cylinder(0.02, 0.06, 0.006, name="shield"), 3e-5, "copper")
    outer = eddy.Shell(cylinder(0.03, 0.08, 0.008, name="bore"), 5e-4, "aluminium")
    both = eddy.modes([inner, outer], basis_size=30)
    alone = eddy.modes(outer, basis_size=30)
    assert both.count == eddy.modes(inner, basis_size=30).count + alone.count
    assert both.time_constants[0] != pytest.approx(alone.time_constants[0], rel=1e-3)
    coil = maxwell_pair(0.012)
    e = eddy.dissipated_energy(coil, both)
    assert e.per_shell.shape == (2,) and np.all(e.per_shell > 0)
    assert e.total == pytest.approx(e.initial, rel=1e-9, abs=0)


def test_terms_and_report():
    s = eddy.Shell(cylinder(0.03, 0.09, 0.006), D)
    coil = maxwell_pair(0.015)
    rng = np.random.default_rng(0)
    v = rng.normal(size=(200, 3))
    pts = 0.006 * v / np.linalg.norm(v, axis=1)[:, None]
    tm = eddy.terms(coil, s, pts, basis_size=30)
    assert tm.axis == "z"
    # a z gradient in a cylinder: eddy opposes the gradient, no B0 term by symmetry
    assert tm.gradient_amplitudes[:, 2].sum() < 0
    assert np.abs(tm.b0_amplitudes).max() < 1e-3 * 0.006 * abs(tm.gradient_amplitudes[:, 2].sum())
    rep = eddy.report(coil, s, pts, basis_size=30)
    assert rep.fraction.shape == (3,) and np.all(np.diff(rep.fraction) < 0)
    # at t = 0+ the fitted gradient term matches the max field fraction roughly (linear field)
    frac0 = eddy.report(coil, s, pts, times=[0.0], basis_size=30).fraction[0]
    assert frac0 == pytest.approx(abs(tm.gradient_amplitudes[:, 2].sum()), rel=0.05)
    assert "eddy field" in rep.table()
    dense = eddy.residual_fraction(coil, s, pts, np.r_[rep.times, 0.5e-3], basis_size=30)
    np.testing.assert_allclose(dense[:3], rep.fraction, rtol=1e-12, atol=0)
    assert rep.fraction[1] < dense[3] < rep.fraction[0]


def test_thin_sheet_warning_and_skin_depth():
    s = eddy.Shell(cylinder(0.03, 0.09, 0.01), 2e-3, "aluminium")
    f = 1e3
    assert s.skin_depth(f) == pytest.approx(np.sqrt(s.resistivity / (np.pi * f * mu_0)), rel=1e-12, abs=0)
    assert s.thin_sheet_error(f) == pytest.approx(2 / 3 * (2e-3 / s.skin_depth(f)) ** 2, rel=1e-12, abs=0)
    with pytest.warns(eddy.ThinSheetWarning, match="skin depth"):
        s.check_frequency(1e4)
    assert eddy.Shell(cylinder(0.03, 0.09, 0.01), 1e-5).check_frequency(1e4)


def test_bad_input():
    cyl = cylinder(0.03, 0.09, 0.01)
    with pytest.raises(ValueError, match="thickness"):
        eddy.Shell(cyl, -1.0)
    with pytest.raises(TypeError, match="surface"):
        eddy.Shell("cylinder", 1e-3)
    with pytest.raises(ValueError, match="material"):
        eddy.Shell(cyl, 1e-3, "unobtainium")
    with pytest.raises(TypeError, match="shells"):
        eddy.modes([])
    with pytest.raises(ValueError, match="knot_times"):
        eddy.exponential_filter([1.0, 0.0], [0.0, 1.0], [1.0], [0.5])
    with pytest.raises(ValueError, match="shells"):
        eddy.modes(eddy.Shell(cyl, 1e-3), max_memory=1e3)


def test_non_finite_input_is_refused():
    lam = np.array([1.0])
    with pytest.raises(ValueError, match="times"):
        eddy.exponential_filter([0.0, 1.0], [0.0, 1.0], lam, [np.nan])
    with pytest.raises(ValueError, match="knot_values"):
        eddy.exponential_filter([0.0, 1.0], [0.0, np.inf], lam, [0.5])
    with pytest.raises(ValueError, match="rates"):
        eddy.exponential_filter([0.0, 1.0], [0.0, 1.0], [np.nan], [0.5])
    with pytest.raises(TypeError, match="times"):
        eddy.exponential_filter([0.0, 1.0], [0.0, 1.0], lam, "soon")


def test_plate_with_a_hole_carries_current_round_the_hole():
    """An annulus: the inner loop gets its own constant (the net current round the hole)."""
    r_in, r_out = 0.01, 0.03
    pts = []
    for r in np.linspace(r_in, r_out, 7):
        n = int(2 * np.pi * r / 0.004) + 6
        t = 2 * np.pi * (np.arange(n) + 0.5 * (r > r_in)) / n
        pts.append(np.c_[r * np.cos(t), r * np.sin(t)])
    xy = np.vstack(pts)
    tri = Delaunay(xy).simplices
    keep = np.linalg.norm(xy[tri].mean(axis=1), axis=1) > r_in
    tri = tri[keep]
    e1, e2 = xy[tri[:, 1]] - xy[tri[:, 0]], xy[tri[:, 2]] - xy[tri[:, 0]]
    flip = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0] < 0
    tri[flip] = tri[flip][:, ::-1]
    s = eddy.Shell(mesh(np.c_[xy, np.zeros(len(xy))], tri, name="annulus"), 1e-4)
    b = stream_basis(s.surface)
    assert len(boundary_loops(s.surface)) == 2 and len(b.loops) == 1
    m = eddy.modes(s)
    psi = m.stream_function(0)
    inner = np.flatnonzero(np.isclose(np.linalg.norm(xy, axis=1), r_in))
    outer = np.flatnonzero(np.isclose(np.linalg.norm(xy, axis=1), r_out))
    top = np.abs(psi).max()
    for lp in (inner, outer):  # psi is constant on each boundary loop (no current leaves the plate)
        assert np.ptp(psi[lp]) < 1e-12 * top
    assert 0.0 in (psi[inner[0]], psi[outer[0]])  # one loop is the gauge
    # the slowest mode carries net current round the hole: the loops' constants differ
    assert abs(psi[inner[0]] - psi[outer[0]]) > 0.5 * top
