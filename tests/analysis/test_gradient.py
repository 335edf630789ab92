"""Gradient figures of merit, PSF and resolution limits against closed forms."""

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.optimize import brentq

import coildesign as cd
from coildesign.analysis import forces, gradient, performance, psf
from coildesign.fields.fieldmap import field_map
from coildesign.geometries.gradient_coils import golay
from tests.conftest import counted_evaluations


def maxwell(a=5e-3, d=None):
    d = np.sqrt(3) / 2 * a if d is None else d
    up = cd.Coil.from_loop(a, center=(0, 0, d), wire_diameter=a / 50)
    down = cd.Coil.from_loop(a, center=(0, 0, -d), wire_diameter=a / 50).with_weights([-1.0])
    c = up + down
    return cd.Coil(c.windings, c.weights, name="Gz", axis=(0, 0, 1), role="gradient")


def test_maxwell_efficiency_closed_form():
    """eta = 3 mu0 a^2 d / (a^2 + d^2)^(5/2) for opposed loops at +-d (derivative of the
    on-axis loop field mu0 a^2 / (2 (a^2 + z^2)^(3/2)), Jackson eq. 5.40); at d = sqrt(3)/2 a
    this is 48 sqrt(3) / (49 sqrt(7)) mu0 / a^2 = 0.64129 mu0/a^2."""
    a = 5e-3
    eta = gradient.gradient_efficiency(maxwell(a))
    assert eta == pytest.approx(48 * np.sqrt(3) / (49 * np.sqrt(7)) * mu_0 / a**2, rel=1e-12, abs=0)
    d = 0.7 * a
    assert gradient.gradient_efficiency(maxwell(a, d)) == pytest.approx(
        3 * mu_0 * a**2 * d / (a**2 + d**2) ** 2.5, rel=1e-12, abs=0)


def test_efficiency_scales_as_inverse_square_of_size():
    coil = maxwell(4e-3)
    assert gradient.gradient_efficiency(coil.scaled(2.5)) == pytest.approx(
        gradient.gradient_efficiency(coil) / 2.5**2, rel=1e-12, abs=0)


def test_field_and_gradient_deviation_differ_by_five_on_axis_for_maxwell():
    """With Bz = G z (1 + c z^4) on axis, the field deviation is c z^4 and the local-gradient
    deviation 5 c z^4: the two measures differ by 5 (shared/README.md, pitfalls)."""
    coil = maxwell()
    z = np.array([1e-4, 2e-4])
    fd, gd, _, _ = gradient.deviations(coil, np.c_[0 * z, 0 * z, z])
    assert gd / fd == pytest.approx([5.0, 5.0], rel=1e-3)
    assert fd[1] / fd[0] == pytest.approx(16.0, rel=1e-3)  # fourth power: z^3 term cancelled


def test_linearity_object_and_largest_dsv():
    coil = maxwell()
    lin = gradient.linearity(coil, 1e-3)
    assert lin.efficiency == pytest.approx(gradient.gradient_efficiency(coil))
    assert 0 < lin.max_field_deviation < lin.max_gradient_deviation < 0.1
    assert lin.rms_field_deviation <= lin.max_field_deviation
    assert "field deviation" in str(lin) and lin.as_dict()["radius"] == 1e-3
    r5 = gradient.largest_dsv(coil, 0.05, measure="field")
    assert gradient.linearity(coil, r5 * 0.999).max_field_deviation <= 0.05
    assert gradient.linearity(coil, r5 * 1.02).max_field_deviation > 0.05


@pytest.mark.parametrize("measure", ["field", "gradient"])
def test_largest_dsv_is_the_bisection_over_linearity(measure):
    """largest_dsv evaluates only the quantity its measure needs; it must return the radius
    of the same bisection run on ``linearity`` (same points, same statistics)."""
    coil = golay(4e-3, 2, points_per_arc=64)
    key = "max_field_deviation" if measure == "field" else "max_gradient_deviation"
    lo, hi = 0.0, 3e-3
    while hi - lo > 1e-2 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if getattr(gradient.linearity(coil, mid, n=7), key) <= 0.05 else (lo, mid)
    assert gradient.largest_dsv(coil, 0.05, measure=measure, max_radius=3e-3, n=7, rtol=1e-2) == lo


def test_deviation_map_is_deviations_on_the_plane():
    """deviation_map (B alone for "field", dB/dr only on the null plane) gives deviations' values
    at the plane's points."""
    coil = golay(4e-3, 2, points_per_arc=32)
    u, v, fd = gradient.deviation_map(coil, "xz", 2e-3, 9, measure="field")
    _, _, gd = gradient.deviation_map(coil, "xz", 2e-3, 9, measure="gradient")
    uu, vv = np.meshgrid(u, v, indexing="ij")
    pts = np.c_[uu.ravel(), np.zeros(uu.size), vv.ravel()]
    ref_f, ref_g, _, _ = gradient.deviations(coil, pts)
    # deviation = B/(G s) - 1: its absolute error is the rounding of the ratio (the map fills
    # mirror images of a fundamental domain, deviations evaluates every point)
    np.testing.assert_allclose(fd.ravel(), ref_f, rtol=0, atol=1e-13)
    np.testing.assert_allclose(gd.ravel(), ref_g, rtol=0, atol=1e-13)
    # null plane x = 0: the limit (deviations); the values there pass through 0 (~1e-16), so the
    # comparison is absolute at the rounding of a deviation, as above
    np.testing.assert_allclose(fd[4], gd[4], rtol=1e-12, atol=1e-13)


def test_linearity_errors_name_parameter():
    with pytest.raises(ValueError, match="Input radius"):
        gradient.linearity(maxwell(), -1.0)
    with pytest.raises(ValueError, match="Input axis"):
        gradient.gradient_efficiency(cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0]]), None)


def test_psf_sampling_only_has_dirichlet_fwhm():
    """Without relaxation or diffusion the PSF is the Dirichlet kernel
    |sin(pi N x/FOV) / (N sin(pi x/FOV))|; its FWHM (root found here) ~ 1.2067 FOV/N,
    while its first zero (the nominal resolution) is at FOV/N."""
    fov, n = 2e-3, 128
    p = psf.point_spread_function(1.0, fov, n)

    def kernel(x):
        return abs(np.sin(np.pi * n * x / fov) / (n * np.sin(np.pi * x / fov))) - 0.5

    half = brentq(kernel, 1e-9 * fov / n, fov / n)
    assert p.fwhm == pytest.approx(2 * half, rel=2e-3)
    assert p.nominal == fov / n
    assert p.shift == pytest.approx(0.0, abs=1e-3 * fov / n)


def test_psf_t2star_gives_lorentzian_width():
    """Long readout, T2* << T_acq: FWHM -> 2 / (gamma G T2*) (Callaghan 1991, sec. 4.2)."""
    g, t2s = 1.0, 2e-3
    expected = 2 / (psf.GAMMA_1H * g * t2s)
    fov = 40 * expected
    n = 2048
    p = psf.point_spread_function(g, fov, n, t2star=t2s)
    assert p.fwhm == pytest.approx(expected, rel=2e-2)


def test_diffusion_b_value_of_the_trajectory():
    """The attenuation used in the PSF is exp(-D b) with b = (2 pi)^2 int k^2 dt; at the end
    of the readout the whole gradient echo has b = (2 pi)^2 k_max^2 T/2 (check against a
    direct numerical integral of the piecewise-linear k(t)), and diffusion widens the PSF."""
    g, fov, n = 2.0, 1e-3, 256
    gbar = psf.GAMMA_1H / (2 * np.pi)
    t_acq = n / (gbar * g * fov)
    kmax = gbar * g * t_acq / 2
    t = np.linspace(0, 1.5 * t_acq, 300001)
    k = np.where(t < t_acq / 2, -gbar * g * t, -kmax + gbar * g * (t - t_acq / 2))
    b_num = (2 * np.pi) ** 2 * np.trapezoid(k**2, t)
    assert b_num == pytest.approx((2 * np.pi) ** 2 * kmax**2 * t_acq / 2, rel=1e-6)
    w0 = psf.point_spread_function(g, fov, n).fwhm
    w1 = psf.point_spread_function(g, fov, n, diffusion=psf.WATER_DIFFUSION_25C * 50).fwhm
    assert w1 > w0


def test_resolution_limits_and_inverse():
    lim = psf.resolution_limits(1.0, t2star=5e-3, t2=20e-3, fov=2e-3, n_samples=256)
    assert lim.t2star_limit == pytest.approx(2 / (psf.GAMMA_1H * 5e-3), rel=1e-6, abs=0)
    assert lim.t2_limit == pytest.approx(2 / (psf.GAMMA_1H * 20e-3), rel=1e-6, abs=0)
    assert lim.diffusion_limit == pytest.approx((psf.WATER_DIFFUSION_25C / psf.GAMMA_1H) ** (1 / 3), rel=1e-6, abs=0)
    assert lim.dominant == max(("T2*", lim.t2star_limit), ("diffusion", lim.diffusion_limit),
                               ("digital", lim.digital), key=lambda kv: kv[1])[0]
    g = psf.gradient_for_resolution(10e-6, t2star=5e-3)
    again = psf.resolution_limits(g, t2star=5e-3)
    assert max(again.t2star_limit, again.diffusion_limit) == pytest.approx(10e-6, rel=1e-12, abs=0)
    assert "dominant" in str(lim)


def test_geometric_distortion_of_linear_region_and_coil_psf():
    coil = maxwell()
    d = psf.geometric_distortion(coil, [[0, 0, 1e-4], [0, 0, 1e-3]])
    assert abs(d.displacement[0]) < 1e-9 and abs(d.displacement[1]) > abs(d.displacement[0])
    p = psf.coil_point_spread(coil, [0, 0, 1e-3], 1.0, 4e-3, 128)
    assert p.shift == pytest.approx(d.displacement[1], abs=p.nominal / 20)
    assert p.fwhm_object == pytest.approx(p.fwhm / p.stretch)


def test_forces_on_loops_and_square():
    """Closed loop in uniform B0: F = 0, tau = m x B0 with m = I A n (Jackson eq. 5.1)."""
    b0 = np.array([0.3, 0.0, 14.1])
    sq = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 2e-3, 0], [0, 2e-3, 0]], closed=True)
    f = forces.lorentz_forces(sq, b0, current=2.0, origin=(5e-3, 1e-3, 0))
    assert np.allclose(f.net_force, 0, atol=1e-15)
    assert np.allclose(f.net_torque, np.cross(2.0 * 2e-6 * np.array([0, 0, 1.0]), b0), rtol=1e-12, atol=1e-18)
    loop = forces.lorentz_forces(cd.Coil.from_loop(1e-3, normal=(1, 0, 0)), b0)
    np.testing.assert_allclose(loop.net_torque, np.cross(np.pi * 1e-6 * np.array([1.0, 0, 0]), b0), rtol=1e-12,
                               atol=1e-18)  # as for the square: |tau| ~ 4e-5 N m
    assert np.allclose(forces.lorentz_forces(maxwell(), 14.1).net_torque, 0, atol=1e-18)


def test_dc_resistance_and_performance():
    """R = rho l / A for a straight copper wire; rho(T) linear; rise time of an R-L step."""
    wire = cd.Coil.from_polyline([[0, 0, 0], [1.0, 0, 0]], wire_diameter=1e-3)
    r20 = performance.dc_resistance(wire)
    assert r20 == pytest.approx(1.678e-8 / (np.pi * 0.25e-6), rel=1e-12, abs=0)
    assert performance.dc_resistance(wire, 353.15) == pytest.approx(r20 * (1 + 0.00393 * 60), rel=1e-12, abs=0)
    perf = performance.gradient_performance(maxwell(), v_max=50.0, i_max=10.0, inductance=1e-6)
    res = performance.dc_resistance(maxwell())
    assert perf.rise_time == pytest.approx(-(1e-6 / res) * np.log(1 - res * 10 / 50), rel=1e-12, abs=0)
    assert perf.slew_rate == pytest.approx(perf.efficiency * 50 / 1e-6)
    assert perf.max_gradient == pytest.approx(perf.efficiency * 10)
    with pytest.raises(ValueError, match="Input coil.windings"):
        performance.dc_resistance(cd.Coil.from_loop(1e-3))


def test_deviations_from_given_field_and_jacobian():
    """The arrays of a field map give the deviations of a direct evaluation; arrays of the wrong
    shape are refused by name."""
    coil = golay(4e-3, points_per_arc=24)
    fm = field_map(coil, size=2e-3, n=5, quantities=("B", "dB/dr"))
    direct = gradient.deviations(coil, fm.points)
    given = gradient.deviations(coil, fm.points, field_values=fm.arrays["B"],
                                jacobian=fm.arrays["dB/dr"].reshape(-1, 3, 3))
    for a, b in zip(direct[:3], given[:3]):  # the map fills mirror images: equal to rounding
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12 * np.abs(a).max())
    with pytest.raises(ValueError, match="jacobian"):
        gradient.deviations(coil, fm.points, jacobian=fm.arrays["dB/dr"])
    with pytest.raises(ValueError, match="field_values"):
        gradient.deviations(coil, fm.points, field_values=fm.arrays["B"][:-1])


def test_bounded_deviation_definitions_closed_form():
    """pointwise: |Bz/(G s) - 1| outside the floor, |Bz - G s| / (G exclude R) inside it;
    dsv: |Bz - G s| / (G R) (analysis.gradient module doc), on hand-made numbers."""
    eta, r, ex = 2.0, 1e-3, 0.1
    s = np.array([0.5e-3, -1e-3, 0.05e-3, 0.0])
    bz = np.array([1.1e-3, -1.9e-3, 0.2e-3, 1e-5])
    point = gradient.bounded_deviation(bz, s, eta, r, ex, "pointwise")
    assert point == pytest.approx([0.1, 0.05, 0.1e-3 / 0.2e-3, 1e-5 / 0.2e-3], rel=1e-12, abs=0)
    dsv = gradient.bounded_deviation(bz, s, eta, r, ex, "dsv")
    assert dsv == pytest.approx([0.1e-3 / 2e-3, 0.1e-3 / 2e-3, 0.1e-3 / 2e-3, 1e-5 / 2e-3], rel=1e-12, abs=0)
    with pytest.raises(ValueError, match="deviation"):
        gradient.bounded_deviation(bz, s, eta, r, ex, "rms")


def test_linearity_checks_the_floor_region():
    """A Maxwell pair displaced along its axis by 2 % of the region radius has Bz != 0 on s = 0:
    the pointwise measure holds those points to the absolute floor (checked, not skipped), and
    there the maximum sits; the reported maximum is the measure's maximum over the sample."""
    r = 1e-3
    a, dz = 5e-3, 0.02 * r
    d = np.sqrt(3) / 2 * a
    up = cd.Coil.from_loop(a, center=(0, 0, d + dz), wire_diameter=a / 50)
    down = cd.Coil.from_loop(a, center=(0, 0, -d + dz), wire_diameter=a / 50).with_weights([-1.0])
    pair = up + down
    coil = cd.Coil(pair.windings, pair.weights, name="Gz", axis=(0, 0, 1), role="gradient")
    lin = gradient.linearity(coil, r, n=11)
    pts = cd.analysis.regions.Region("sphere", r).sample(11)
    eta = gradient.gradient_efficiency(coil)
    bz = cd.field(coil, pts)[:, 2]
    s = pts[:, 2]
    expected = np.abs(bz - eta * s) / (eta * np.maximum(np.abs(s), 0.1 * r))
    assert lin.max_field_deviation == pytest.approx(expected.max(), rel=1e-12, abs=0)
    floor = np.abs(s) < 0.1 * r
    assert expected[floor].max() == expected.max()  # the old rule (floor skipped) missed it
    assert expected[floor].max() == pytest.approx(0.2, rel=0.05)  # |Bz(0)| = eta 0.02 R over eta 0.1 R
    dsv = gradient.linearity(coil, r, n=11, deviation="dsv")
    assert dsv.max_field_deviation == pytest.approx((np.abs(bz - eta * s) / (eta * r)).max(), rel=1e-12, abs=0)


@pytest.mark.parametrize("deviation", ["pointwise", "dsv"])
def test_dense_field_deviation_matches_a_brute_force_maximum(deviation):
    """The dense check (R/10 grid, 3,000 surface points, refined round the worst points) finds the
    maximum of a brute-force scan (100,000 surface points and a 41-point grid) to 0.01
    percentage points, and never reports less than any point of that scan minus that."""
    r = 3e-3
    coil = maxwell()
    res = gradient.dense_field_deviation(coil, r, deviation=deviation)
    eta = gradient.gradient_efficiency(coil)
    pts = np.vstack([cd.analysis.regions.Region("sphere", r).sample(41, n_surface=100_000)])
    brute = gradient.bounded_deviation(cd.field(coil, pts)[:, 2], pts[:, 2], eta, r, 0.1, deviation).max()
    assert res.max_deviation == pytest.approx(brute, abs=1e-4)
    assert res.max_deviation >= brute - 1e-4
    assert res.n_points >= 2000 and res.rounds >= 2


@pytest.mark.parametrize("deviation", ["pointwise", "dsv"])
def test_dense_field_deviation_of_a_symmetric_coil_equals_direct_evaluation(monkeypatch, deviation):
    """A Golay pack has three mirror symmetries and the dense set (grid, mirror-symmetric surface
    lattice, refinement stencils round mirror-image worst points) is closed under them: the
    check evaluates about an eighth of its points, and its maximum, worst point and counts equal
    those of evaluating every point directly (values equal to rounding)."""
    coil = golay(4e-3, 2, wire_diameter=0.2e-3, points_per_arc=24)
    r = 2e-3
    evaluated, _ = counted_evaluations(monkeypatch)
    fast = gradient.dense_field_deviation(coil, r, "x", deviation=deviation)
    monkeypatch.setattr(gradient, "evaluate_by_symmetry", lambda c, p: cd.field(c, p))
    direct = gradient.dense_field_deviation(coil, r, "x", deviation=deviation)
    assert fast.max_deviation == pytest.approx(direct.max_deviation, rel=1e-12, abs=0)
    assert fast.n_points == direct.n_points and fast.rounds == direct.rounds
    np.testing.assert_allclose(np.abs(fast.worst_point), np.abs(direct.worst_point), rtol=0, atol=1e-15)
    assert sum(evaluated) < fast.n_points / 6
