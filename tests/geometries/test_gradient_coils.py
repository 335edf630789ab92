"""Gradient-coil generators against their derived closed forms (see gradient_coils docstring)."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd
from coildesign.analysis import gradient_efficiency
from coildesign.geometries import gradient_coils as gc


def test_maxwell_pair_efficiency_and_z5_term():
    """eta = 48 sqrt(3)/(49 sqrt(7)) mu0 N I/a^2 at separation sqrt(3) a; on the axis
    Bz/(eta z) - 1 = c5 (z/a)^4 with c5 = -176/343 (derivatives of Jackson eq. 5.40)."""
    a = 4e-3
    coil = gc.maxwell_pair(a, turns=3)
    assert coil.parameters["separation"] == pytest.approx(math.sqrt(3) * a)
    eta = gradient_efficiency(coil)
    assert eta == pytest.approx(3 * 48 * math.sqrt(3) / (49 * math.sqrt(7)) * mu_0 / a**2, rel=1e-12, abs=0)
    assert coil.parameters["z5_coefficient"] == pytest.approx(-176 / 343, rel=1e-14, abs=0)
    z = np.array([0.02, 0.04]) * a
    dev = cd.field(coil, np.c_[0 * z, 0 * z, z])[:, 2] / (eta * z) - 1
    assert dev / (z / a) ** 4 == pytest.approx([-176 / 343] * 2, rel=3e-3)  # next term is O(z^6)


def test_golay_positions_are_roots_and_efficiency_converges():
    """Arc positions solve 4u^2 - 27u + 4 = 0 (u = (d/a)^2; g''(d) = 0), reproduce the
    published rounded 0.389 a and 2.57 a, and the polyline efficiency converges (as 1/n^2 in
    points per arc) to the closed form 2 sin(60 deg)/pi [g(d1) - g(d2)] mu0 N I / a^2."""
    for d in gc.GOLAY_POSITIONS:
        u = d * d
        assert abs(4 * u * u - 27 * u + 4) < 1e-12
    assert round(gc.GOLAY_POSITIONS[0], 3) == 0.389 and round(gc.GOLAY_POSITIONS[1], 2) == 2.57
    a = 5e-3
    exact = gc.golay_efficiency(a, 2)
    assert exact * a**2 / (2 * mu_0) == pytest.approx(0.7320906, rel=1e-6)
    errs = [abs(gradient_efficiency(gc.golay(a, 2, points_per_arc=n)) / exact - 1) for n in (128, 1024)]
    assert errs[1] < 3e-7 and errs[0] / errs[1] == pytest.approx(64, rel=0.05)


def test_golay_third_order_terms_vanish():
    """With 120-degree arcs at the computed positions the deviation grows as the fourth power
    of the distance (fifth-order field error), not the second."""
    coil = gc.golay(5e-3, points_per_arc=2048)
    eta = gradient_efficiency(coil)
    for direction in ([1, 0, 0], [0, 0, 1], [1, 1, 1]):
        u = np.asarray(direction, float) / np.linalg.norm(direction)
        r = np.array([0.05, 0.1]) * 5e-3
        pts = np.outer(r, u) + np.array([1e-6, 0, 0]) * (u[0] == 0)
        dev = cd.field_jacobian(coil, pts)[:, 2, 0] / eta - 1
        assert abs(dev[1] / dev[0]) == pytest.approx(16, rel=0.05)


def test_symmetry_sign_and_rotation():
    gx = gc.golay(3e-3)
    x = np.array([[0.5e-3, 0.1e-3, 0.2e-3]])
    np.testing.assert_allclose(cd.field(gx, x)[:, 2], -cd.field(gx, x * [-1, 1, 1])[:, 2], rtol=1e-12, atol=0)
    assert gradient_efficiency(gx) > 0 and gradient_efficiency(gc.maxwell_pair(3e-3)) > 0
    gy = gc.golay(3e-3, axis="y")
    assert gy.name == "Gy" and np.allclose(gy.axis, [0, 1, 0])
    assert gradient_efficiency(gy) == pytest.approx(gradient_efficiency(gx), rel=1e-12, abs=0)
    mz = gc.maxwell_pair(3e-3)
    z = np.array([[0.1e-3, 0.2e-3, 0.4e-3]])
    np.testing.assert_allclose(cd.field(mz, z)[:, 2], -cd.field(mz, z * [1, 1, -1])[:, 2], rtol=1e-12, atol=0)


def test_efficiency_scales_inverse_square_and_anti_helmholtz():
    g = gc.golay(2e-3)
    assert gradient_efficiency(g.scaled(3)) == pytest.approx(gradient_efficiency(g) / 9, rel=1e-12, abs=0)
    ah = gc.anti_helmholtz(2e-3, turns=2)
    assert ah.parameters["separation"] == 2e-3
    assert gradient_efficiency(ah) == pytest.approx(gc.maxwell_efficiency(2e-3, 2e-3, 2), rel=1e-12, abs=0)


def test_biplanar_and_set():
    for axis in "xyz":
        coil = gc.biplanar(3e-3, 8e-3, axis=axis)
        assert coil.name == f"G{axis}" and gradient_efficiency(coil) > 0
    s = gc.gradient_set(4e-3, turns=(2, 2, 3))
    assert [c.name for c in s] == ["Gx", "Gy", "Gz"] and len(s) == 3
    assert all(c.role == "gradient" for c in s)


@pytest.mark.parametrize("call, match", [
    (lambda: gc.maxwell_pair(-1e-3), "Input radius"),
    (lambda: gc.golay(1e-3, axis="z"), "Input axis"),
    (lambda: gc.golay(1e-3, arc_angle=190), "Input arc_angle"),
    (lambda: gc.maxwell_pair(1e-3, turns=0), "Input turns"),
    (lambda: gc.maxwell_pair(1e-3, wire_diameter=2e-3), "Input wire_diameter"),
    (lambda: gc.biplanar(1e-3, 0.0), "Input size"),
])
def test_bad_parameters_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


ORIGIN = np.zeros((1, 3))


def dbz(coil, axis=0, points=ORIGIN):
    """dBz/d(axis) [T/(m A)] from the analytic Jacobian J[m, i, j] = dB_i/dx_j."""
    return cd.field_jacobian(coil, points)[:, 2, axis]


def on_line(direction, s):
    return np.outer(s, direction)


# ----------------------------------------------------------------------------- Maxwell pair
@pytest.mark.parametrize("radius, turns", [(1e-3, 1), (4e-3, 3), (0.25, 7)])
def test_maxwell_efficiency_closed_form(radius, turns):
    """eta = 3 mu0 N a^2 d / (a^2 + d^2)^(5/2) at d = (sqrt(3)/2) a, i.e.
    48 sqrt(3) / (49 sqrt(7)) mu0 N / a^2 (derivative of Jackson eq. 5.40), to 1e-10."""
    coil = gc.maxwell_pair(radius, turns)
    factor = dbz(coil, 2)[0] * radius**2 / (mu_0 * turns)
    assert factor == pytest.approx(48 * math.sqrt(3) / (49 * math.sqrt(7)), rel=1e-10)
    assert factor == pytest.approx(0.6412933917, rel=1e-10)  # not the quoted "0.80" (that is uT m/A)
    p = coil.parameters
    assert p["generator"] == "maxwell_pair"
    assert p["separation"] == pytest.approx(math.sqrt(3) * radius, rel=1e-15, abs=0)
    assert p["efficiency_factor"] == pytest.approx(gc.MAXWELL_EFFICIENCY_FACTOR, rel=1e-14, abs=0)
    assert p["efficiency_closed_form"] == pytest.approx(dbz(coil, 2)[0], rel=1e-10)
    assert abs(p["z3_coefficient"]) < 1e-15
    assert coil.n_loops == 2 and coil.n_segments == 0  # exact circles, not polylines


def test_maxwell_z5_error_term():
    """On the axis Bz/(eta z) - 1 = c5 (z/a)^4 + c7 (z/a)^6 + O(z^8) with c5 = f^(5)(d) a^4 /
    (120 f'(d)) = -176/343 and c7 = 9984/117649 (f = (a^2 + h^2)^(-3/2), Jackson eq. 5.40):
    the z^3 term is absent (the deviation scales as z^4), c5 matches to 0.5 % from the raw
    deviation, and after the c7 correction the residue is the O(z^8) term, |c9| < 0.25
    (measured -0.198)."""
    a = 3e-3
    coil = gc.maxwell_pair(a, 2)
    eta = dbz(coil, 2)[0]
    t = np.array([0.025, 0.05, 0.1])
    dev = cd.field(coil, on_line([0, 0, 1], t * a))[:, 2] / (eta * t * a) - 1
    assert coil.parameters["z5_coefficient"] == pytest.approx(-176 / 343, rel=1e-14, abs=0)
    assert coil.parameters["z7_coefficient"] == pytest.approx(9984 / 117649, rel=1e-14, abs=0)
    assert dev[1] / dev[0] == pytest.approx(16, rel=5e-3)  # z^4, not z^2 (which would give 4)
    assert dev / t**4 == pytest.approx(np.full(3, -176 / 343), rel=5e-3)
    residue = dev / t**4 - (-176 / 343 + 9984 / 117649 * t**2)
    assert np.all(np.abs(residue[1:]) < 0.25 * t[1:] ** 4)  # at t = 0.025 rounding (~1e-15 in dev) dominates


def test_anti_helmholtz_closed_forms():
    """Separation = a: eta = 48 sqrt(5)/125 mu0 N / a^2 and c3 = f'''(a/2) a^2 / (6 f'(a/2)) = -16/15
    (module doc); the engine's on-axis deviation / (z/a)^2 -> c3 (next term O(z^2) relative)."""
    a = 2e-3
    coil = gc.anti_helmholtz(a, turns=2)
    assert coil.parameters["separation"] == a and coil.parameters["generator"] == "anti_helmholtz"
    eta = dbz(coil, 2)[0]
    assert eta * a**2 / (2 * mu_0) == pytest.approx(48 * math.sqrt(5) / 125, rel=1e-10)
    assert eta == pytest.approx(gc.maxwell_efficiency(a, a, 2), rel=1e-10)
    c3, c5, _ = gc.maxwell_error_coefficients(1.0)
    assert c3 == pytest.approx(-16 / 15, rel=1e-14, abs=0) == coil.parameters["z3_coefficient"]
    t = np.array([1e-3, 2e-3])
    dev = cd.field(coil, on_line([0, 0, 1], t * a))[:, 2] / (eta * t * a) - 1
    assert dev / t**2 == pytest.approx(c3 + c5 * t**2, rel=1e-6)


# ----------------------------------------------------------------------------- Golay
def test_golay_arc_positions_solve_the_third_order_condition():
    """d/a are the positive roots of 4 t^4 - 27 t^2 + 4 = 0 (g''(d) = 0, the (n=3, m=1) term of
    an arc; Romeo & Hoult 1984): residual ~1e-14, the published rounded 0.389 a and 2.57 a
    reproduced, and the exact closed form (27 -+ sqrt(665))/8 for t^2. Using the rounded
    positions changes the efficiency by 6e-4 (4th digit)."""
    d1, d2 = gc.GOLAY_POSITIONS
    for t in (d1, d2):
        assert abs(np.polyval(gc.GOLAY_QUARTIC, t)) < 1e-12
        assert abs(gc.golay_g2(t)) < 1e-12
    assert (round(d1, 3), round(d2, 2)) == (0.389, 2.57)
    assert d1**2 == pytest.approx((27 - math.sqrt(665)) / 8, rel=1e-14, abs=0)
    assert d2**2 == pytest.approx((27 + math.sqrt(665)) / 8, rel=1e-14, abs=0)
    coil = gc.golay(7e-3)
    assert coil.parameters["inner_arc_z"] == pytest.approx(d1 * 7e-3, rel=1e-15, abs=0)
    assert coil.parameters["outer_arc_z"] == pytest.approx(d2 * 7e-3, rel=1e-15, abs=0)
    exact = gc.golay_efficiency(1.0)
    rounded = gc.golay_efficiency(1.0, positions=(0.389, 2.57))
    assert 5e-4 < rounded / exact - 1 < 7e-4


def test_golay_efficiency_against_the_engine():
    """eta = (2 sin(theta/2)/pi) [g(d1) - g(d2)] mu0 N / a^2 = 0.7320906 mu0 N / a^2 (module
    doc). The inscribed polyline arcs converge as 1/m^2 in the segments per arc m =
    points_per_arc - 1: 2.1e-7 at 1024 points (< 1e-6), the error ratio between 256 and 512
    points is (511/255)^2 to 1e-5, and the Richardson extrapolation of the two agrees with the
    closed form to 1e-10 (measured 2e-12)."""
    a, n = 5e-3, 2
    exact = gc.golay_efficiency(a, n)
    assert exact * a**2 / (n * mu_0) == pytest.approx(0.7320906143, rel=1e-9)
    etas = {m: dbz(gc.golay(a, n, points_per_arc=m))[0] for m in (256, 512, 1024)}
    assert 0 < etas[1024] / exact - 1 < 1e-6
    assert (etas[256] - exact) / (etas[512] - exact) == pytest.approx((511 / 255) ** 2, rel=1e-5)
    richardson = (511**2 * etas[512] - 255**2 * etas[256]) / (511**2 - 255**2)
    assert richardson == pytest.approx(exact, rel=1e-10, abs=0)
    assert gc.golay(a, n).parameters["efficiency_closed_form"] == pytest.approx(exact, rel=1e-15, abs=0)


def test_golay_fifth_order_error_terms():
    """With 120-degree arcs at the computed positions the third-order terms vanish, so along x
    Bz/(eta x) - 1 = X4 (x/a)^4 + O(x^6), X4 = dC5/dC1 = -0.626502, and along z
    (dBz/dx)/eta - 1 = Z4 (z/a)^4 + O(z^6), Z4 = [g''''(d1) - g''''(d2)] / (24 [g(d1) - g(d2)])
    = -3.769551 (module doc). Checked by Richardson on two distances, to 1e-3."""
    a = 5e-3
    coil = gc.golay(a, points_per_arc=1024)
    p = coil.parameters
    assert p["x4_coefficient"] == pytest.approx(-0.6265021, rel=1e-6)
    assert p["z4_gradient_coefficient"] == pytest.approx(-3.7695514, rel=1e-6)
    assert abs(p["x2_coefficient"]) < 1e-14 and abs(p["z2_gradient_coefficient"]) < 1e-14
    eta = dbz(coil)[0]
    t = np.array([0.05, 0.1])
    rx = (cd.field(coil, on_line([1, 0, 0], t * a))[:, 2] / (eta * t * a) - 1) / t**4
    rz = (dbz(coil, 0, on_line([0, 0, 1], t * a)) / eta - 1) / t**4
    assert (4 * rx[0] - rx[1]) / 3 == pytest.approx(p["x4_coefficient"], rel=1e-3)
    assert (4 * rz[0] - rz[1]) / 3 == pytest.approx(p["z4_gradient_coefficient"], rel=1e-3)


def test_golay_other_arc_angle_has_the_predicted_x2_term():
    """For theta != 120 deg the m = 3 term sin(3 theta/2) survives: Bz/(eta x) - 1 =
    X2 (x/a)^2 + X4 (x/a)^4 with X2 = dC3/dC1 (module doc), 0.192576 at 100 degrees."""
    a = 4e-3
    coil = gc.golay(a, arc_angle=100.0, points_per_arc=1024)
    p = coil.parameters
    assert p["x2_coefficient"] == pytest.approx(0.1925763, rel=1e-6)
    eta = dbz(coil)[0]
    assert eta == pytest.approx(p["efficiency_closed_form"], rel=1e-6)
    t = np.array([0.01, 0.02])
    dev = cd.field(coil, on_line([1, 0, 0], t * a))[:, 2] / (eta * t * a) - 1
    assert dev / t**2 == pytest.approx(p["x2_coefficient"] + p["x4_coefficient"] * t**2, rel=1e-4)


@pytest.mark.parametrize("length_ratio", [1.5, 2.0, 4.0])
def test_shortened_golay_keeps_the_third_order_term_zero(length_ratio):
    """length_ratio = d2/a: the inner arcs solve g''(d1) = g''(d2), so the (3,1) term of the
    pair still vanishes (module doc): residual < 1e-13, x^2 coefficient zero, deviation
    scaling as x^4, and the efficiency closed form matched by the engine (512 points/arc: 2e-6)."""
    a = 5e-3
    coil = gc.golay(a, length_ratio=length_ratio, points_per_arc=512)
    p = coil.parameters
    d1, d2 = p["arc_positions_ratio"]
    assert d2 == length_ratio and 0 < d1 < gc.GOLAY_G2_PEAK
    assert abs(gc.golay_g2(d1) - gc.golay_g2(d2)) < 1e-13 and abs(p["x2_coefficient"]) < 1e-13
    eta = dbz(coil)[0]
    assert eta == pytest.approx(p["efficiency_closed_form"], rel=2e-6)
    t = np.array([0.05, 0.1])
    dev = cd.field(coil, on_line([1, 0, 0], t * a))[:, 2] / (eta * t * a) - 1
    assert dev[1] / dev[0] == pytest.approx(16, rel=0.02)


# ----------------------------------------------------------------------------- biplanar
@pytest.mark.parametrize("axis", ["x", "y", "z"])
@pytest.mark.parametrize("half_gap, size", [(1e-3, 10e-3), (3e-3, 8e-3)])
def test_biplanar_efficiency_closed_form(axis, half_gap, size):
    """z: eta = (4 mu0 / pi) p^2 g [2/((p^2 + g^2)^2 sqrt(2p^2 + g^2)) + 1/((p^2 + g^2)(2p^2 + g^2)^(3/2))]
    (on-axis square-loop field from Griffiths Ex. 5.5); x/y: sum of finite-wire gradients.
    The windings are exact polylines, so the engine agrees to 1e-12."""
    coil = gc.biplanar(half_gap, size, turns=3, axis=axis)
    assert coil.name == f"G{axis}" and coil.role == "gradient"
    assert np.allclose(coil.axis, np.eye(3)["xyz".index(axis)])
    eta = dbz(coil, "xyz".index(axis))[0]
    assert eta > 0
    assert eta == pytest.approx(coil.parameters["efficiency_closed_form"], rel=1e-12, abs=0)


def test_biplanar_third_order_cancellations():
    """z: opposed squares with half_gap = 0.472923 size cancel the on-axis z^3 term (F''' = 0 of
    the square's axial field), so the deviation grows as z^4. x: the inner wires at x1 with
    P(x1) = P(size/2), P(t) = (t^4 - 6 t^2 + 1)/(1 + t^2)^4 (2D third-order term), tend to
    tan(22.5 deg) half_gap for a large footprint; for size = 30 half_gap the field deviation
    along x scales as x^4 (the finite-length residue is small)."""
    size = 8e-3
    z = gc.biplanar(0.472923280509435 * size, size)
    eta = dbz(z, 2)[0]
    t = np.array([0.02, 0.04]) * size
    dev = cd.field(z, on_line([0, 0, 1], t))[:, 2] / (eta * t) - 1
    assert dev[1] / dev[0] == pytest.approx(16, rel=0.01)
    g = 1e-3
    x = gc.biplanar(g, 30 * g, axis="x")
    assert x.parameters["inner_wire_x"] == pytest.approx(math.tan(math.radians(22.5)) * g, rel=1e-3)
    assert abs(x.parameters["third_order_residual_2d"]) < 1e-14
    eta = dbz(x)[0]
    s = np.array([0.05, 0.1]) * g
    dev = cd.field(x, on_line([1, 0, 0], s))[:, 2] / (eta * s) - 1
    assert dev[1] / dev[0] == pytest.approx(16, rel=0.05)


# ----------------------------------------------------------------------------- symmetry, sign, rotation, scaling
def test_odd_field_along_the_encoding_axis():
    """Golay x: Bz(-x, y, z) = -Bz(x, y, z) and Bz even in z; Maxwell: Bz(x, y, -z) = -Bz(x, y, z).
    Golay y: odd in y. Biplanar x: odd in x, even in z (exact mirror symmetries of the windings)."""
    rng = np.random.default_rng(1)
    p = rng.uniform(-1e-3, 1e-3, (20, 3))
    flip = {ax: p * np.where(np.arange(3) == i, -1.0, 1.0) for i, ax in enumerate("xyz")}
    gx = gc.golay(3e-3)
    b = cd.field(gx, p)[:, 2]
    assert np.allclose(cd.field(gx, flip["x"])[:, 2], -b, rtol=1e-12, atol=1e-20)
    assert np.allclose(cd.field(gx, flip["z"])[:, 2], b, rtol=1e-12, atol=1e-20)
    gy = gc.golay(3e-3, axis="y")
    assert np.allclose(cd.field(gy, flip["y"])[:, 2], -cd.field(gy, p)[:, 2], rtol=1e-10, atol=1e-18)
    mz = gc.maxwell_pair(3e-3)
    assert np.allclose(cd.field(mz, flip["z"])[:, 2], -cd.field(mz, p)[:, 2], rtol=1e-12, atol=1e-20)
    bx = gc.biplanar(2e-3, 10e-3, axis="x")
    b = cd.field(bx, p)[:, 2]
    assert np.allclose(cd.field(bx, flip["x"])[:, 2], -b, rtol=1e-12, atol=1e-20)
    assert np.allclose(cd.field(bx, flip["z"])[:, 2], b, rtol=1e-12, atol=1e-20)


def test_positive_current_gives_positive_gradient():
    """Sign convention: dBz/d(axis) > 0 at the isocentre for every generator and axis, with
    current = +1 A and also with the coil's own weights."""
    coils = [gc.maxwell_pair(2e-3), gc.anti_helmholtz(2e-3), gc.golay(2e-3), gc.golay(2e-3, axis="y"),
             gc.biplanar(1e-3, 8e-3, axis="x"), gc.biplanar(1e-3, 8e-3, axis="y"), gc.biplanar(1e-3, 3e-3)]
    for coil in coils:
        assert coil.role == "gradient" and coil.name in ("Gx", "Gy", "Gz")
        assert "generator" in coil.parameters
        g = cd.field_jacobian(coil, ORIGIN)[0, 2] @ coil.axis
        assert g > 0, coil.name
        b = cd.field(coil, 1e-5 * coil.axis, current=2.0)[0, 2]
        assert b > 0, coil.name


def test_golay_y_is_x_rotated_about_z():
    """golay(axis="y") = golay(axis="x").rotate(+90 deg, z): same vertices, Bz(R p) = Bz_x(p)."""
    gx, gy = gc.golay(3e-3), gc.golay(3e-3, axis="y")
    assert gy.name == "Gy" and np.allclose(gy.axis, [0, 1, 0]) and gy.parameters["axis"] == "y"
    ref = gx.rotate(90.0, (0, 0, 1))
    for w, r in zip(gy.windings, ref.windings):
        assert np.array_equal(w.points, r.points)
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    p = np.random.default_rng(2).uniform(-1e-3, 1e-3, (10, 3))
    assert np.allclose(cd.field(gy, p @ rot.T)[:, 2], cd.field(gx, p)[:, 2], rtol=1e-10, atol=1e-18)
    assert dbz(gy, 1)[0] == pytest.approx(dbz(gx, 0)[0], rel=1e-12, abs=0)


@pytest.mark.parametrize("factor", [0.1, 3.0])
def test_efficiency_scales_as_inverse_radius_squared(factor):
    """Biot-Savart is homogeneous of degree -1 in length, so dB/dx scales as 1/a^2 under
    ``Coil.scaled`` (loops and polylines alike)."""
    for coil, axis in ((gc.maxwell_pair(2e-3), 2), (gc.golay(2e-3), 0), (gc.biplanar(1e-3, 6e-3, axis="x"), 0)):
        assert dbz(coil.scaled(factor), axis)[0] == pytest.approx(dbz(coil, axis)[0] / factor**2, rel=1e-12)
    assert gc.maxwell_efficiency(2e-3 * factor, math.sqrt(3) * 2e-3 * factor) == pytest.approx(
        gc.maxwell_efficiency(2e-3, math.sqrt(3) * 2e-3) / factor**2, rel=1e-14, abs=0)


# ----------------------------------------------------------------------------- set
def test_gradient_set():
    """Golay x (a), Golay y (a (1 + stagger)), Maxwell z (a (1 + 2 stagger)); names Gx, Gy, Gz;
    iterable and indexable; each efficiency from its closed form at its own radius."""
    a, st = 4e-3, 0.05
    s = gc.gradient_set(a, turns=(2, 3, 4), stagger=st)
    assert [c.name for c in s] == ["Gx", "Gy", "Gz"] and len(s) == 3
    assert s["x"] is s.x is s[0] is s["Gx"] and s["Gz"] is s.z and s[-1] is s.z
    assert list(s.as_dict()) == ["Gx", "Gy", "Gz"]
    assert s.x.parameters["radius"] == a and s.y.parameters["radius"] == pytest.approx(a * (1 + st))
    assert s.z.parameters["radius"] == pytest.approx(a * (1 + 2 * st))
    assert all(c.role == "gradient" for c in s)
    for coil, axis in zip(s, range(3)):
        assert dbz(coil, axis)[0] == pytest.approx(coil.parameters["efficiency_closed_form"], rel=1e-4)
    assert s.y.parameters["turns"] == 3 and s.z.parameters["generator"] == "maxwell_pair"
    ah = gc.gradient_set(a, turns=5, z_generator="anti_helmholtz")
    assert ah.z.parameters["generator"] == "anti_helmholtz" and ah.x.parameters["turns"] == 5
    with pytest.raises(KeyError, match="Input key"):
        s["w"]


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("call, match", [
    (lambda: gc.maxwell_pair(-1e-3), "Input radius"),
    (lambda: gc.maxwell_pair(1e-3, turns=0), "Input turns"),
    (lambda: gc.maxwell_pair(1e-3, turns=1.5), "Input turns"),
    (lambda: gc.maxwell_pair(1e-3, separation=0.0), "Input separation"),
    (lambda: gc.maxwell_pair(1e-3, wire_diameter=2e-3), "Input wire_diameter"),
    (lambda: gc.anti_helmholtz(float("nan")), "Input radius"),
    (lambda: gc.golay(1e-3, axis="z"), "Input axis"),
    (lambda: gc.golay(1e-3, arc_angle=190), "Input arc_angle"),
    (lambda: gc.golay(1e-3, points_per_arc=1), "Input points_per_arc"),
    (lambda: gc.golay(1e-3, length_ratio=0.5), "Input length_ratio"),
    (lambda: gc.golay(1e-3, wire_diameter=1e-3), "Input wire_diameter"),
    (lambda: gc.golay("1e-3"), "Input radius"),
    (lambda: gc.biplanar(1e-3, 0.0), "Input size"),
    (lambda: gc.biplanar(0.0, 1e-3), "Input half_gap"),
    (lambda: gc.biplanar(1e-3, 1e-3, axis="x"), "Input size"),
    (lambda: gc.biplanar(1e-3, 5e-3, axis="w"), "Input axis"),
    (lambda: gc.gradient_set(1e-3, turns=(1, 2)), "Input turns"),
    (lambda: gc.gradient_set(1e-3, turns=(1, 0, 1)), r"Input turns\[1\]"),
    (lambda: gc.gradient_set(1e-3, stagger=2.0), "Input stagger"),
    (lambda: gc.gradient_set(1e-3, z_generator="golay"), "Input z_generator"),
])
def test_bad_parameters_of_the_set_generators_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_unit_mistakes_are_refused_and_unusual_sizes_warn():
    """Radii in millimetres passed as metres are refused; 0.5-10 m warns (plausible_length)."""
    with pytest.raises(ValueError, match="radius is in metres; did you pass millimetres"):
        gc.maxwell_pair(50.0)
    with pytest.raises(ValueError, match="Input half_gap must be at most 10 m"):
        gc.biplanar(20.0, 1.0)
    with pytest.warns(UserWarning, match="Input radius = 0.75 m is unusually large"):
        gc.golay(0.75, points_per_arc=8)
