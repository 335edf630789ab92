"""B1 maps, rotating-frame components, homogeneity and sample quadratures (coildesign.rf)."""

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.spatial.transform import Rotation

import coildesign as cd
from coildesign.rf import sample as sm
from coildesign.rf import sensitivity as se
from tests.conftest import approx, helix


# ---------------------------------------------------------------------------- quadratures
def test_cylinder_quadrature_volume_and_moments_are_exact():
    r, length = 0.4e-3, 1e-3
    center, axis = np.array([1e-4, -2e-4, 3e-4]), np.array([1.0, 1.0, 0.5]) / 1.5
    cyl = sm.Cylinder(r, length, center=center, axis=axis)
    for n in (None, 3, (2, 3, 5)):
        pts, w = cyl.points(n)
        assert w.sum() == pytest.approx(np.pi * r**2 * length, rel=1e-12, abs=0)
    pts, w = cyl.points(4)
    rel = pts - center
    z = rel @ axis
    r2 = np.einsum("ij,ij->i", rel, rel) - z**2
    assert np.sum(w * r2) == approx(np.pi * r**4 * length / 2, rel=1e-12)
    assert np.sum(w * r2**2) == approx(np.pi * r**6 * length / 3, rel=1e-12)
    assert np.sum(w * z**2) == approx(np.pi * r**2 * length**3 / 12, rel=1e-12)
    assert np.sum(w * z**6) == approx(np.pi * r**2 * length**7 / (7 * 2**6), rel=1e-12)
    assert np.sum(w * rel[:, 0]) == pytest.approx(0.0, abs=1e-12 * r * cyl.volume)
    assert np.all(r2 < r**2) and np.all(np.abs(z) < length / 2)  # interior nodes


def test_sphere_and_box_quadratures_are_exact():
    sph = sm.Sphere(0.3e-3, center=(1e-3, 0, -1e-3))
    for n in (None, 2, 5, (3, 4, 7)):
        assert sph.points(n)[1].sum() == pytest.approx(4 * np.pi * 0.3e-3**3 / 3, rel=1e-12, abs=0)
    pts, w = sph.points(6)
    rel = pts - sph.center
    assert np.sum(w * rel[:, 0] ** 2) == approx(4 * np.pi * 0.3e-3**5 / 15, rel=1e-12)
    assert np.sum(w * rel[:, 2] ** 4) == approx(4 * np.pi * 0.3e-3**7 / 35, rel=1e-12)
    assert np.sum(w * (rel[:, 0] * rel[:, 1]) ** 2) == approx(4 * np.pi * 0.3e-3**7 / 105, rel=1e-12)

    box = sm.Box((1e-3, 2e-3, 0.5e-3), center=(0, 1e-3, 0))
    for n in (None, 1, (2, 3, 4)):
        assert box.points(n)[1].sum() == pytest.approx(1e-3 * 2e-3 * 0.5e-3, rel=1e-12, abs=0)
    pts, w = box.points(3)
    assert np.sum(w * (pts[:, 1] - 1e-3) ** 4) == approx((2e-3) ** 5 / 80 * 1e-3 * 0.5e-3, rel=1e-12)


def test_mask_quadrature_counts_voxels_and_matches_box():
    x = np.linspace(-0.45e-3, 0.45e-3, 10)  # voxel centres, 0.1 mm voxels
    full = sm.Mask((x, x, x), np.ones((10, 10, 10), dtype=bool))
    box = sm.Box((1e-3, 1e-3, 1e-3))
    assert full.volume == approx(box.volume, rel=1e-12)
    for n in (None, 2):
        assert full.points(n)[1].sum() == pytest.approx(1e-9, rel=1e-12, abs=0)
    pts, w = full.points(2)  # 2 nodes per voxel: exact for cubics in every voxel
    pb, wb = box.points(4)
    assert np.sum(w * pts[:, 0] ** 2 * pts[:, 2]) == pytest.approx(np.sum(wb * pb[:, 0] ** 2 * pb[:, 2]), abs=1e-25)
    assert np.sum(w * pts[:, 0] ** 2) == approx(np.sum(wb * pb[:, 0] ** 2), rel=1e-12)
    # a cylinder rasterised on the grid, given as an (nx, ny, nz, 3) point array
    g = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1)
    inside = g[..., 0] ** 2 + g[..., 1] ** 2 < 0.4e-3**2
    cyl = sm.Mask(g, inside)
    assert cyl.volume == approx(int(inside.sum()) * 1e-12, rel=1e-12)
    assert cyl.points()[1].sum() == approx(cyl.volume, rel=1e-12)
    assert cyl.volume == approx(np.pi * 0.4e-3**2 * 1e-3, rel=0.1)
    # one-voxel-thick slice needs the voxel size
    sl = sm.Mask((x, x, np.array([0.0])), np.ones((10, 10, 1), dtype=bool), voxel_size=(1e-4, 1e-4, 2e-4))
    assert sl.volume == approx(1e-3 * 1e-3 * 2e-4, rel=1e-12)


def test_sample_shapes_validate_inputs():
    with pytest.raises(ValueError, match="Input radius"):
        sm.Cylinder(-1e-3, 1e-3)
    with pytest.raises(ValueError, match="Input axis"):
        sm.Cylinder(1e-3, 1e-3, axis=(0, 0, 0))
    with pytest.raises(ValueError, match="Input size"):
        sm.Box((1e-3, 0.0, 1e-3))
    with pytest.raises(TypeError, match="Input medium"):
        sm.Sphere(1e-3, medium="water")
    x = np.linspace(0, 1e-3, 4)
    with pytest.raises(ValueError, match="Input mask"):
        sm.Mask((x, x, x), np.ones((4, 4, 3), dtype=bool))
    with pytest.raises(ValueError, match="Input grid_points"):
        sm.Mask((x, x, x**2), np.ones((4, 4, 4), dtype=bool))
    with pytest.raises(ValueError, match="Input voxel_size"):
        sm.Mask((x, x, x[:1]), np.ones((4, 4, 1), dtype=bool))
    with pytest.raises(TypeError, match="Input mask"):
        sm.Mask((x, x, x), np.ones((4, 4, 4)))
    with pytest.raises(ValueError, match="Input n_radial"):
        sm.Sphere(1e-3).points((0, 3, 3))
    with pytest.raises(TypeError, match="Input n"):
        sm.Cylinder(1e-3, 1e-3).points(2.5)


# ---------------------------------------------------------------------------- B1 maps
def test_b1_map_components_of_a_linear_coil():
    """One real current: B1+ = B1- = (Bx + i By)/2, |B1+-| = |B_perp|/2 (Hoult 2000)."""
    coil = helix(0.5e-3, 1e-3, 5, 0.1e-3)
    pts = np.array([[0, 0, 0], [1e-4, 2e-4, -1e-4], [3e-4, -1e-4, 2e-4]])
    m = se.b1_map(coil, pts)
    b = cd.field(coil, pts)
    np.testing.assert_array_equal(m.basis, np.eye(3))
    np.testing.assert_allclose(m.magnitude, np.hypot(b[:, 0], b[:, 1]), rtol=1e-14)
    np.testing.assert_allclose(m.b1_plus, (b[:, 0] + 1j * b[:, 1]) / 2, rtol=1e-14)
    np.testing.assert_allclose(m.b1_minus, np.conj(b[:, 0] - 1j * b[:, 1]) / 2, rtol=1e-14)
    np.testing.assert_allclose(np.abs(m.b1_plus), m.magnitude / 2, rtol=1e-14)
    np.testing.assert_allclose(m.longitudinal, b[:, 2], rtol=1e-14)
    np.testing.assert_allclose(se.transverse_b1(coil, pts), m.magnitude, rtol=0)
    # the centre: current-sheet formula mu0 N / sqrt(L^2 + D^2) (helix vs sheet: 4e-4 here)
    assert m.magnitude[0] == approx(mu_0 * 5 / np.hypot(1e-3, 1e-3), rel=1e-3)


def test_quadrature_drive_splits_into_b1_plus_and_minus():
    """Two crossed loops driven 90 degrees apart make a circularly polarised field at their
    centre: (x - i y) is pure B1+, (x + i y) pure B1- (B0 along z)."""
    a = 1e-3
    cx, cy = cd.Coil.from_loop(a, normal=(1, 0, 0)), cd.Coil.from_loop(a, normal=(0, 1, 0))
    b = mu_0 / (2 * a)
    plus = se.b1_map([(cx, 1.0), (cy, -1j)], [0, 0, 0])
    assert plus.b1_plus[0] == approx(b, rel=1e-12) and abs(plus.b1_minus[0]) < 1e-12 * b
    minus = se.b1_map([(cx, 1.0), (cy, 1j)], [0, 0, 0])
    assert minus.b1_minus[0] == approx(b, rel=1e-12) and abs(minus.b1_plus[0]) < 1e-12 * b
    assert plus.magnitude[0] == approx(np.sqrt(2) * b, rel=1e-12)
    # the same drive seen with B0 along -z swaps the senses (right-handed basis about B0)
    flipped = se.b1_map([(cx, 1.0), (cy, -1j)], [0, 0, 0], b0_direction=(0, 0, -1))
    assert abs(flipped.b1_plus[0]) < 1e-12 * b and abs(flipped.b1_minus[0]) == approx(b, rel=1e-12)


def test_arbitrary_b0_direction_is_a_rotation_of_the_z_case():
    """Rotate coils, points and B0 together: |B_perp|, |B1+| and |B1-| are unchanged, which
    needs a right-handed transverse basis about any B0."""
    rot = Rotation.from_rotvec(0.7 * np.array([1.0, 2.0, 3.0]) / np.sqrt(14))
    r = rot.as_matrix()
    cx = helix(0.5e-3, 1e-3, 3, 0.1e-3)
    cy = cd.Coil.from_loop(0.8e-3, center=(1e-4, 0, 0), normal=(0, 1, 0))
    pts = np.array([[0, 0, 0], [2e-4, -1e-4, 3e-4], [-1e-4, 1e-4, 1e-4]])
    ref = se.b1_map([(cx, 1.0), (cy, -0.5j)], pts)
    rotated = se.b1_map([(cx.transformed(r), 1.0), (cy.transformed(r), -0.5j)], pts @ r.T,
                        b0_direction=r @ [0, 0, 1])
    basis = se.transverse_basis(r @ [0, 0, 1])
    assert np.linalg.det(basis) == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(basis @ basis.T, np.eye(3), atol=1e-14)
    for name in ("magnitude", "b1_plus", "b1_minus"):
        np.testing.assert_allclose(np.abs(getattr(rotated, name)), np.abs(getattr(ref, name)), rtol=1e-10)
    np.testing.assert_allclose(rotated.longitudinal, ref.longitudinal, rtol=1e-9, atol=1e-12 * ref.magnitude.max())


# ---------------------------------------------------------------------------- homogeneity
def test_homogeneity_figures_by_hand():
    h = se.homogeneity([1.0, 1.0, 2.0, 2.0])
    assert h.mean == 1.5 and h.max_over_min == 2.0 and h.fraction_within == 0.0
    assert h.relative_std == approx(0.5 / 1.5, rel=1e-15)
    assert se.homogeneity([1.0, 1.0, 2.0, 2.0], within=0.34).fraction_within == 1.0
    w = np.array([3.0, 1.0, 0.0])
    h = se.homogeneity([1.0, 1.2, 50.0], w, within=0.1)  # zero weight: ignored in the statistics
    assert h.mean == approx(1.05, rel=1e-15)
    assert h.relative_std == approx(np.sqrt((3 * 0.05**2 + 0.15**2) / 4) / 1.05, rel=1e-14)
    assert h.fraction_within == 0.75 and h.maximum == 1.2 and h.max_over_min == 1.2
    assert se.homogeneity([1.0, 1.2, 50.0], w, within=0.15).fraction_within == 1.0
    assert se.homogeneity(np.array([1j, -1.0])).max_over_min == 1.0  # complex: modulus
    with pytest.raises(ValueError, match="Input weights"):
        se.homogeneity([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="Input values"):
        se.homogeneity([0.0, 0.0])
    with pytest.raises(ValueError, match="Input within"):
        se.homogeneity([1.0], within=0)


def test_sample_b1_of_a_long_solenoid_is_uniform():
    """A 400-turn, 40 mm long, 2 mm diameter solenoid: over a small centred capillary
    |B1|/I = mu0 N / sqrt(L^2 + D^2) to the end-effect curvature."""
    coil = helix(1e-3, 40e-3, 400, 50e-6, points_per_turn=32)
    capillary = sm.Cylinder(0.2e-3, 1e-3, axis=(1, 0, 0))
    s = se.sample_b1(coil, capillary, n=6)
    sheet = mu_0 * 400 / np.hypot(40e-3, 2e-3)
    assert s.mean == approx(sheet, rel=2e-3)
    assert s.homogeneity.relative_std < 1e-3 and s.homogeneity.fraction_within == 1.0
    assert s.integral == approx(s.mean * capillary.volume, rel=1e-14)
    assert s.integral_b1_minus == approx(s.integral / 2, rel=1e-12)
    assert s.volume == approx(capillary.volume, rel=1e-12)
    default = se.sample_b1(coil, capillary)  # the default quadrature
    assert default.homogeneity.mean == approx(s.mean, rel=1e-4) and default.homogeneity.max_over_min < 1.01
    assert default.homogeneity.mean == approx(default.mean, rel=1e-14)


def test_sample_b1_converges_with_the_quadrature_order():
    """A 5-turn microsolenoid filled to 80 % of its diameter over its whole length: the mean
    |B1|/I converges to ~1e-5 by order 8 although B1 falls by ~30 % towards the ends."""
    coil = helix(0.5e-3, 1e-3, 5, 0.1e-3)
    capillary = sm.Cylinder(0.4e-3, 1e-3, axis=(1, 0, 0))
    fine = se.sample_b1(coil, capillary, n=(16, 32, 64))
    coarse = se.sample_b1(coil, capillary, n=(8, 16, 24))
    assert coarse.mean == approx(fine.mean, rel=2e-5)
    assert fine.homogeneity.relative_std == approx(coarse.homogeneity.relative_std, rel=1e-3)
    assert 0.1 < fine.homogeneity.relative_std < 0.2 and fine.homogeneity.max_over_min > 1.3


def test_sample_b1_of_map_equals_sample_b1_with_extra_points():
    """One field evaluation at the coil centre and the sample's quadrature: the rows of the
    sample give the same SampleB1 as sample_b1, the centre row the field at the centre."""
    coil = helix(0.5e-3, 1e-3, 5, 0.1e-3)
    capillary = sm.Cylinder(0.4e-3, 1e-3, axis=(1, 0, 0))
    direct = se.sample_b1(coil, capillary, n=4)
    pts, w = capillary.points(4)
    both = se.b1_map(coil, np.vstack([np.zeros(3), pts]))
    shared = se.sample_b1_of_map(both.rows(slice(1, None)), w)
    for name in ("volume", "integral", "integral_b1_minus", "mean"):
        assert getattr(shared, name) == approx(getattr(direct, name), rel=1e-14)
    assert shared.homogeneity.relative_std == approx(direct.homogeneity.relative_std, rel=1e-12)
    np.testing.assert_allclose(shared.map.b1_plus, direct.map.b1_plus, rtol=1e-14, atol=0)
    assert both.rows(0).magnitude == approx(se.transverse_b1(coil, [[0, 0, 0]])[0], rel=1e-14)
    with pytest.raises(ValueError, match="Input weights"):
        se.sample_b1_of_map(both, w)
    with pytest.raises(TypeError, match="Input b1"):
        se.sample_b1_of_map(pts, w)


def test_sample_b1_of_a_loop_over_a_sphere():
    """A sphere at the centre of a loop: each field component is harmonic there, so its volume
    mean equals its centre value mu0 / (2a) (mean-value property); |B_perp| differs from B_x
    only to second order in the small off-axis components."""
    a = 2e-3
    coil = cd.Coil.from_loop(a, normal=(1, 0, 0))
    s = se.sample_b1(coil, sm.Sphere(0.5e-3), n=8)
    bx_mean = np.sum(s.weights * s.map.field[:, 0]) / s.volume
    assert bx_mean == approx(mu_0 / (2 * a), rel=1e-11)
    assert s.mean == approx(mu_0 / (2 * a), rel=2e-3) and s.mean >= bx_mean
    with pytest.raises(TypeError, match="Input sample"):
        se.sample_b1(coil, (0.1e-3, 0.1e-3))
    with pytest.raises(TypeError, match="Input coil"):
        se.b1_map("coil", [0, 0, 0])
    with pytest.raises(ValueError, match="Input b0_direction"):
        se.b1_map(coil, [0, 0, 0], b0_direction=(0, 0, 0))


def test_b1_map_holds_rotating_frame_components(tmp_path):
    """B1 maps store |B1perp|, B1+ = (Bx + i By)/2 and B1- = (Bx - i By)*/2 per ampere for B0
    along z (Hoult, Concepts Magn. Reson. 12, 173 (2000)), not the full field."""
    pv = pytest.importorskip("pyvista")
    from coildesign.export.vtk import to_vtk
    from coildesign.rf import b1_field_map

    coil = cd.Coil.from_loop(1e-3, normal=(1.0, 1.0, 0.5))
    fm = b1_field_map(coil, size=(2e-3, 2e-3, 0.0), n=7)
    ds = pv.read(to_vtk(fm, tmp_path / "b1.vti"))
    b = cd.field(coil, fm.points)
    assert "B [T]" not in ds.array_names
    assert np.allclose(ds.point_data["|B1perp| [T/A]"], np.hypot(b[:, 0], b[:, 1]), rtol=1e-14, atol=0)
    plus = ds.point_data["B1+ [T/A]"]
    assert np.allclose(plus[:, 0], b[:, 0] / 2, rtol=1e-14, atol=0)
    assert np.allclose(plus[:, 1], b[:, 1] / 2, rtol=1e-14, atol=0)
    minus = ds.point_data["B1- [T/A]"]
    assert np.allclose(minus[:, 1], b[:, 1] / 2, rtol=1e-14, atol=0)  # conj(Bx - i By)/2 = (Bx + i By)/2
    assert ds.field_data["unit: |B1+|"][0] == "T/A"


def test_squared_norms_of_real_and_complex_rows():
    """``_squared_norms``: |v_i|^2 of real rows (one pass) and of complex rows, as the explicit sum
    (to the rounding of a sum of three squares)."""
    from coildesign.rf import sensitivity

    rng = np.random.default_rng(11)
    real = rng.normal(size=(50, 3))
    cplx = real + 1j * rng.normal(size=(50, 3))
    for v in (real, cplx):
        want = (np.abs(v[:, 0]) ** 2 + np.abs(v[:, 1]) ** 2) + np.abs(v[:, 2]) ** 2
        np.testing.assert_allclose(sensitivity._squared_norms(v), want, rtol=4.5e-16, atol=0)  # 2 units
