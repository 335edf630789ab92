"""Lorentz forces: uniform B0 (exact), coil on coil (closed forms, Newton's third law, magpylib's
getFT), the magnet stray-field model, callables and field maps."""

import numpy as np
import pytest
from scipy.special import ellipe, ellipk

import coildesign as cd
from coildesign._constants import mu_0
from coildesign.analysis import forces
from coildesign.analysis.forces import Forces, SolenoidMagnet, lorentz_forces
from coildesign.coil import LoopWinding
from coildesign.fields import field
from coildesign.fields.fieldmap import FieldMap
from coildesign.geometries import golay, maxwell_pair


def coaxial_force(r1, r2, d):
    """F_z on loop 2 (at z = d) per A^2: d/dd of Maxwell's M(d) (Maxwell, Treatise vol. 2 art. 701),
    differentiated with dK/dk, dE/dk (DLMF 19.4.1)."""
    m = 4 * r1 * r2 / ((r1 + r2) ** 2 + d**2)
    return -mu_0 * np.sqrt(m) * d / (4 * np.sqrt(r1 * r2)) * ((2 - m) / (1 - m) * ellipe(m) - 2 * ellipk(m))


def test_coaxial_loops_closed_form_and_third_law():
    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    a = cd.Coil.from_loop(r1)
    b = cd.Coil.from_loop(r2, center=(0, 0, d))
    f_b = lorentz_forces(b, a, 3.0, source_current=2.0)
    f_a = lorentz_forces(a, b, 2.0, source_current=3.0)
    assert f_b.net_force[2] == pytest.approx(6.0 * coaxial_force(r1, r2, d), rel=1e-12, abs=0)
    assert f_b.net_force[2] < 0  # co-directed currents attract
    np.testing.assert_allclose(f_a.net_force, -f_b.net_force, rtol=0, atol=1e-13 * abs(f_b.net_force[2]))
    np.testing.assert_allclose(f_b.segment_forces.sum(axis=0), f_b.net_force, rtol=0,
                               atol=1e-15 * abs(f_b.net_force[2]))


def test_newton_third_law_polylines_and_torques_about_common_pivot():
    g = golay(2e-3, 1, "x", points_per_arc=40)
    rng = np.random.default_rng(3)
    pts = 1e-3 * (np.array([[0.5, 0.2, 3.0], [1.5, -0.3, 3.2], [0.7, 1.1, 2.6], [-0.4, 0.6, 3.4]])
                  + 0.05 * rng.standard_normal((4, 3)))
    other = cd.Coil.from_polyline(pts, closed=True) + cd.Coil.from_loop(0.8e-3, center=(0.3e-3, 0, -3e-3),
                                                                         normal=(0.2, 0.1, 1))
    pivot = (1e-3, -2e-3, 0.5e-3)
    f1 = lorentz_forces(g, other, 2.0, origin=pivot, source_current=-1.5, tolerance=1e-14)
    f2 = lorentz_forces(other, g, -1.5, origin=pivot, source_current=2.0, tolerance=1e-14)
    scale_f = np.abs(f1.forces).max()
    scale_t = np.abs(f1.torques).max()
    np.testing.assert_allclose(f1.net_force + f2.net_force, 0, rtol=0, atol=1e-12 * scale_f)
    np.testing.assert_allclose(f1.net_torque + f2.net_torque, 0, rtol=0, atol=1e-12 * scale_t)
    assert np.abs(f1.net_force).max() > 1e-3 * scale_f  # a real, non-trivial net force


def test_long_parallel_wires():
    """Two parallel aligned filaments of length L at distance d: F = mu0 I1 I2/(2 pi d) (sqrt(L^2 + d^2) - d)
    (Biot-Savart field of a finite wire, Griffiths Example 5.5, integrated along the other), tending
    to mu0 I1 I2 L/(2 pi d) per length L for L >> d; repulsive for opposite currents."""
    d, length = 1e-3, 0.2
    n = 400
    z = np.linspace(0, length, n + 1)
    w1 = cd.Coil.from_polyline(np.column_stack([np.zeros(n + 1), np.zeros(n + 1), z]))
    w2 = cd.Coil.from_polyline(np.column_stack([np.full(n + 1, d), np.zeros(n + 1), z]))
    f = lorentz_forces(w2, w1, 5.0, source_current=-4.0)
    expected = mu_0 * 20.0 / (2 * np.pi * d) * (np.hypot(length, d) - d)
    assert f.net_force[0] == pytest.approx(expected, rel=1e-10, abs=0)
    assert abs(f.net_force[1]) < 1e-12 * expected
    mid = np.abs(f.force_density[n // 2, 0])
    assert mid == pytest.approx(mu_0 * 20.0 / (2 * np.pi * d), rel=1e-4, abs=0)  # end effects ~ (d/L)^2


def test_uniform_field_old_and_new_names():
    b0 = np.array([0.3, 0.0, 14.1])
    sq = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 2e-3, 0], [0, 2e-3, 0]], closed=True)
    new = lorentz_forces(sq, b0, 2.0, origin=(5e-3, 1e-3, 0))
    old = lorentz_forces(sq, b0=b0, current=2.0, origin=(5e-3, 1e-3, 0))
    np.testing.assert_array_equal(new.torques, old.torques)
    np.testing.assert_allclose(new.net_torque, np.cross(2.0 * 2e-6 * np.array([0, 0, 1.0]), b0), rtol=1e-12)
    loop = lorentz_forces(cd.Coil.from_loop(1e-3, normal=(1, 0, 0)), b0)
    assert np.abs(loop.net_force).max() < 1e-18
    np.testing.assert_allclose(loop.net_torque, np.cross(np.pi * 1e-6 * np.array([1.0, 0, 0]), b0), rtol=1e-12)
    # each arc: I chord x B0, so the density of a loop in B0 = 14.1 z is I B0 radially outward
    radial = np.einsum("ij,ij->i", loop.force_density, forces._elements(cd.Coil.from_loop(
        1e-3, normal=(1, 0, 0)), 1.0, forces.LOOP_POINTS).position(np.arange(64), np.full(64, 0.5))[0]) / 1e-3
    assert np.all(radial > 0)
    assert lorentz_forces(maxwell_pair(1e-3), 14.1).net_force == pytest.approx(np.zeros(3), abs=1e-18)
    assert np.array_equal(lorentz_forces(sq).net_torque, lorentz_forces(sq, 1.0).net_torque)
    with pytest.raises(ValueError, match="b0"):
        lorentz_forces(sq, 1.0, b0=2.0)
    with pytest.raises(TypeError, match="source"):
        lorentz_forces(sq, "strong")
    with pytest.raises(ValueError, match="another coil"):
        lorentz_forces(sq, sq)


def test_scaled_is_bilinear():
    a = cd.Coil.from_loop(1e-3)
    b = cd.Coil.from_loop(1.2e-3, center=(0.1e-3, 0, 0.7e-3))
    f1 = lorentz_forces(b, a)
    f6 = lorentz_forces(b, a, 2.0, source_current=3.0)
    np.testing.assert_allclose(f1.scaled(6.0).net_force, f6.net_force, rtol=0, atol=1e-13 * np.abs(f6.net_force).max())
    assert isinstance(f1.scaled(2.0), Forces)


def test_solenoid_magnet_field():
    """Derby & Olbert's cel form against Gauss-Legendre integration of exact loop fields over the
    length, the on-axis closed form mu0 K/2 [(z+b)/sqrt((z+b)^2+a^2) - (z-b)/sqrt((z-b)^2+a^2)]
    and the stated centre field."""
    mag = SolenoidMagnet(0.2, 0.8, 14.1, center=(0.01, 0.02, -0.05), axis=(0.1, 0.2, 1.0))
    x, w = np.polynomial.legendre.leggauss(400)
    loops = [LoopWinding(0.2, mag.center + 0.4 * t * mag.axis, mag.axis) for t in x]
    stack = cd.Coil(loops, mag.surface_current * 0.4 * w)
    pts = np.array([[0.05, 0.03, 0.1], [0.3, 0.1, 0.6], [0.0, 0.0, 0.01], [0.5, -0.4, 0.0]])
    np.testing.assert_allclose(mag.field(pts), field(stack, pts), rtol=1e-11)
    assert np.linalg.norm(mag.field(mag.center)) == pytest.approx(14.1, rel=1e-13)
    axial = SolenoidMagnet(0.2, 0.8, 7.0)
    z = np.array([0.0, 0.3, 0.7, 1.5])
    a, b, k = 0.2, 0.4, axial.surface_current
    on_axis = mu_0 * k / 2 * ((z + b) / np.hypot(z + b, a) - (z - b) / np.hypot(z - b, a))
    np.testing.assert_allclose(axial.field(np.column_stack([0 * z, 0 * z, z]))[:, 2], on_axis, rtol=1e-13)
    with pytest.raises(ValueError, match="current sheet"):
        axial.field([0.2, 0.0, 0.1])


def test_insert_in_magnet_and_callable_and_fieldmap_agree():
    """An off-centre insert in the stray field: net force from the magnet object equals that from
    the same field as a callable; a field map with a field linear in position (trilinear
    interpolation exact) equals the callable."""
    coil = golay(3e-3, 1, "x", points_per_arc=24).translate((0, 0, 0.35))
    mag = SolenoidMagnet(0.1, 0.6, 9.4)
    f_mag = lorentz_forces(coil, mag, 10.0)
    f_call = lorentz_forces(coil, lambda p: mag.field(p), 10.0)
    np.testing.assert_array_equal(f_mag.net_force, f_call.net_force)
    assert np.linalg.norm(f_mag.net_force) > 0

    def linear(p):
        return np.column_stack([0.2 * p[:, 2], 0.1 + 0 * p[:, 0], 9.4 + 3.0 * p[:, 0] - 1.0 * p[:, 1]])

    fm = FieldMap(np.array([-5e-3, -5e-3, 0.34]), np.array([1e-3, 1e-3, 2e-3]), (11, 11, 11))
    fm.add("B", linear(fm.points))
    f_map = lorentz_forces(coil, fm, 10.0, origin=(0, 0, 0.35))
    f_lin = lorentz_forces(coil, linear, 10.0, origin=(0, 0, 0.35))
    np.testing.assert_allclose(f_map.forces, f_lin.forces, rtol=0, atol=1e-12 * np.abs(f_lin.forces).max())
    np.testing.assert_allclose(f_map.net_torque, f_lin.net_torque, rtol=0, atol=1e-12 * np.abs(f_lin.torques).max())
    with pytest.raises(ValueError, match="outside"):
        lorentz_forces(coil.translate((0, 0, 0.1)), fm)


def test_agrees_with_magpylib_getFT():
    """magpylib's getFT (midpoint meshing of the target) for circle and polyline sources and targets."""
    magpy = pytest.importorskip("magpylib")
    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    c1 = magpy.current.Circle(current=2.0, diameter=2 * r1)
    c2 = magpy.current.Circle(current=3.0, diameter=2 * r2, position=(0, 0, d))
    f_ref, t_ref = magpy.getFT(c1, c2, meshing=4000, pivot=(0, 0, 0))
    ours = lorentz_forces(cd.Coil.from_loop(r2, center=(0, 0, d)), cd.Coil.from_loop(r1), 3.0, source_current=2.0)
    assert ours.net_force[2] == pytest.approx(f_ref[2], rel=1e-6, abs=0)
    verts = np.array([[0, 0, 1e-3], [1e-3, 0, 1.2e-3], [1e-3, 1e-3, 1e-3], [0.2e-3, 0.8e-3, 0.9e-3], [0, 0, 1e-3]])
    poly = magpy.current.Polyline(current=1.5, vertices=verts)
    for src, src_coil, cur in ((c1, cd.Coil.from_loop(r1), 2.0),
                               (magpy.current.Polyline(current=-2.5, vertices=verts - [0, 0, 1.8e-3]),
                                cd.Coil.from_polyline(verts[:-1] - [0, 0, 1.8e-3], closed=True), -2.5)):
        f_ref, t_ref = magpy.getFT(src, poly, meshing=20000, pivot=(0, 0, 0))
        ours = lorentz_forces(cd.Coil.from_polyline(verts[:-1], closed=True), src_coil, 1.5, source_current=cur)
        np.testing.assert_allclose(ours.net_force, f_ref, rtol=1e-6, atol=1e-6 * np.abs(f_ref).max())
        np.testing.assert_allclose(ours.net_torque, t_ref, rtol=1e-6, atol=1e-6 * np.abs(t_ref).max())


def test_plot_and_vtk(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    coil = golay(3e-3, 1, "x", points_per_arc=16)
    f = lorentz_forces(coil, 14.1, 2.0)
    f.plot(coil, path=tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
    pv = pytest.importorskip("pyvista")
    f.to_vtk(tmp_path / "f.vtp")
    poly = pv.read(tmp_path / "f.vtp")
    np.testing.assert_allclose(poly.point_data["force [N]"], f.segment_forces)


def test_solenoid_magnet_matches_magpylib_cylinder():
    """A uniformly magnetised cylinder (polarisation J along its axis) has the B field of an ideal solenoid
    sheet with K = J/mu0 everywhere (equivalent surface current M x n; Jackson sect. 5.9)."""
    magpy = pytest.importorskip("magpylib")
    mag = SolenoidMagnet(0.05, 0.3, 9.4)
    cyl = magpy.magnet.Cylinder(polarization=(0, 0, mu_0 * mag.surface_current), dimension=(0.1, 0.3))
    pts = np.array([[0.01, 0.02, 0.03], [0.03, -0.01, 0.14], [0.08, 0.0, 0.1], [0.2, 0.1, -0.3]])
    np.testing.assert_allclose(mag.field(pts), cyl.getB(pts), rtol=1e-9, atol=1e-12 * 9.4)
