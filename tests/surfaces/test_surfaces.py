"""Tests of the design surfaces: orientation, areas, boundaries, mirror symmetry of the generated
meshes, pyvista round trip and input validation."""

import numpy as np
import pytest

from coildesign.design import Surface, biplanar, cylinder, mesh
from coildesign.surfaces.operators import StreamFunctionOperators


def n_around(surface: Surface) -> int:
    """Vertices per ring of a generated cylinder."""
    return len(np.unique(np.round(np.arctan2(surface.vertices[:, 1], surface.vertices[:, 0]), 9)))


@pytest.mark.parametrize("radius, length, resolution", [(5e-3, 10e-3, None), (5e-3, 12e-3, 1e-3),
                                                        (0.2, 0.5, 0.03), (1e-3, 0.4e-3, None)])
def test_cylinder_normals_outward_and_area(radius, length, resolution):
    """Face normals point away from the axis (horizontal, n . rho_c > 0 at the centroid); the
    mesh is the regular N-gon prism inscribed in the circle, area N 2a sin(pi/N) l (to 1e-12);
    its vertices lie on the circle and its boundary is the two end rings."""
    s = cylinder(radius, length, resolution)
    n = s.normals
    c = s.centroids
    assert np.abs(n[:, 2]).max() < 1e-12
    radial = c[:, :2] / np.linalg.norm(c[:, :2], axis=1)[:, None]
    assert np.min(np.sum(n[:, :2] * radial, axis=1)) > np.cos(np.pi / n_around(s)) - 1e-12
    count = n_around(s)
    assert s.areas.sum() == pytest.approx(count * 2 * radius * np.sin(np.pi / count) * length, rel=1e-12, abs=0)
    assert np.hypot(s.vertices[:, 0], s.vertices[:, 1]) == pytest.approx(np.full(s.n_vertices, radius), rel=1e-14,
                                                                         abs=0)
    ends = s.vertices[s.boundary_vertices, 2]
    assert len(ends) == 2 * count
    assert np.allclose(np.abs(ends), length / 2, rtol=1e-14, atol=0)
    assert len(s.interior_vertices) == s.n_vertices - 2 * count


@pytest.mark.parametrize("shape", ["rectangle", "disc"])
def test_biplanar_normals_away_from_midplane_and_area(shape):
    """Each plate's normals point away from the mid-plane (n_z sign(z) = 1); the plates are at
    z = +-gap/2; area 2 w h for rectangles, and for discs twice the inscribed regular m-gon of
    the outer ring, m/2 r^2 sin(2 pi/m) (the Delaunay hull), to 1e-12."""
    gap, width, height = 3e-3, 4e-3, 2.5e-3
    s = biplanar(gap, width, height, shape=shape)
    c = s.centroids
    assert np.sign(c[:, 2]) * s.normals[:, 2] == pytest.approx(np.ones(len(c)), rel=1e-14, abs=0)
    assert np.allclose(np.abs(s.vertices[:, 2]), gap / 2, rtol=1e-14, atol=0)
    if shape == "rectangle":
        area = 2 * width * height
    else:
        r = np.hypot(s.vertices[:, 0], s.vertices[:, 1])
        m = int(np.sum(np.isclose(r, width / 2, rtol=1e-12, atol=0)) // 2)
        area = 2 * m / 2 * (width / 2) ** 2 * np.sin(2 * np.pi / m)
    assert s.areas.sum() == pytest.approx(area, rel=1e-12, abs=0)


@pytest.mark.parametrize("make", [
    lambda: cylinder(5e-3, 10e-3),  # 14 rings (even) before the fix: no z mirror
    lambda: cylinder(5e-3, 10e-3, resolution=0.7e-3),
    lambda: cylinder(3e-3, 7e-3, resolution=2 * np.pi * 3e-3 / 30),  # N not a multiple of 4 before the fix
    lambda: cylinder(5e-3, 10e-3, center=2e-3),
    lambda: biplanar(3e-3, 4e-3, 3e-3),
    lambda: biplanar(3e-3, 4e-3, 3e-3, resolution=4e-3 / 19),  # even vertex counts before the fix
], ids=["cylinder default", "cylinder 0.7 mm", "cylinder 30 around", "cylinder off-centre", "biplanar",
        "biplanar 19 cells"])
def test_generated_meshes_are_mirror_symmetric(make):
    """The generated cylinders and rectangle pairs are mapped onto themselves (vertices and
    faces) by the three coordinate mirrors through their centre, for any size and resolution:
    gradient_coil(symmetry=True) imposes the target's parities only for such mirrors."""
    s = make()
    ops = StreamFunctionOperators(s)
    center = (0.0, 0.0, s.parameters.get("center", 0.0))
    assert all(ops.mirror_map(axis, center) is not None for axis in range(3))


def test_face_order_gives_current_along_grad_psi_cross_n():
    """On the top plate (normal +z) psi = x gives J = grad(psi) x n = x_hat x z_hat = -y_hat,
    the convention of surfaces.py (Zetter et al. 2020, eq. 2); on the bottom plate (normal -z)
    the same psi gives +y_hat."""
    s = biplanar(2e-3, 1e-3, resolution=0.25e-3)
    j = StreamFunctionOperators(s).current_density(s.vertices[:, 0])
    top = s.centroids[:, 2] > 0
    assert j[top] == pytest.approx(np.tile([0.0, -1.0, 0.0], (top.sum(), 1)), abs=1e-12)
    assert j[~top] == pytest.approx(np.tile([0.0, 1.0, 0.0], ((~top).sum(), 1)), abs=1e-12)


def test_pyvista_round_trip():
    """mesh(surface.to_pyvista()) reproduces vertices, faces (hence normals) and area; a quad
    PolyData is triangulated on the way in."""
    pv = pytest.importorskip("pyvista")
    s = cylinder(4e-3, 6e-3, resolution=1e-3)
    back = mesh(s.to_pyvista())
    assert np.array_equal(back.vertices, s.vertices)
    assert np.array_equal(back.faces, s.faces)
    assert back.normals == pytest.approx(s.normals, abs=1e-15)
    quad = pv.Plane(center=(0, 0, 0), direction=(0, 0, 1), i_size=2e-3, j_size=1e-3, i_resolution=4, j_resolution=2)
    tri = mesh(quad)
    assert len(tri.faces) == 16
    assert tri.areas.sum() == pytest.approx(2e-6, rel=1e-6, abs=0)  # pyvista's Plane stores float32 points


def test_surface_sum_and_boundary_edges():
    """surface + shield keeps both meshes (faces re-indexed); every boundary edge is used by one
    face and the boundary of a rectangle plate is its perimeter."""
    inner, outer = cylinder(3e-3, 6e-3, resolution=1e-3), cylinder(5e-3, 8e-3, resolution=1e-3)
    both = inner + outer
    assert both.n_vertices == inner.n_vertices + outer.n_vertices
    assert np.array_equal(both.corners, np.vstack([inner.corners, outer.corners]))
    plate = biplanar(2e-3, 4e-3, 2e-3, resolution=1e-3)
    edges = plate.boundary_edges()
    length = np.linalg.norm(np.diff(plate.vertices[edges], axis=1)[:, 0], axis=1).sum()
    assert length == pytest.approx(2 * 2 * (4e-3 + 2e-3), rel=1e-12, abs=0)


VERTS = np.array([[0.0, 0.0, 0.0], [1e-3, 0.0, 0.0], [0.0, 1e-3, 0.0], [1e-3, 1e-3, 0.0]])
FACES = np.array([[0, 1, 2], [1, 3, 2]])


@pytest.mark.parametrize("vertices, faces, error, name", [
    (VERTS[:, :2], FACES, ValueError, "vertices"),
    (np.r_[VERTS, [[np.nan, 0.0, 0.0]]], FACES, ValueError, "vertices"),
    (VERTS, FACES[:, :2], ValueError, "faces"),
    (VERTS, np.zeros((0, 3), dtype=int), ValueError, "faces"),
    (VERTS, FACES + 0.5, TypeError, "faces"),
    (VERTS, "abc", TypeError, "faces"),
    (VERTS, np.r_[FACES, [[0, 1, 4]]], ValueError, "faces"),
    (VERTS, np.r_[FACES, [[0, -1, 2]]], ValueError, "faces"),
    (VERTS, np.r_[FACES, [[0, 1, 1]]], ValueError, "faces"),  # repeated vertex
    (np.r_[VERTS, [[2e-3, 0.0, 0.0]]], np.r_[FACES, [[0, 1, 4]]], ValueError, "faces"),  # collinear
], ids=["2-D vertices", "NaN vertex", "faces (F, 2)", "no faces", "float faces", "string faces",
        "index too large", "negative index", "repeated vertex", "collinear corners"])
def test_mesh_rejects_bad_input(vertices, faces, error, name):
    """Bad meshes raise ValueError/TypeError naming the parameter (message style of
    coildesign._validation)."""
    with pytest.raises(error, match=f"Input {name} must be"):
        mesh(vertices, faces)


@pytest.mark.parametrize("call, error, name", [
    (lambda: mesh(VERTS), TypeError, "faces"),
    (lambda: cylinder(-1e-3, 1e-3), ValueError, "radius"),
    (lambda: cylinder(1e-3, "long"), TypeError, "length"),
    (lambda: cylinder(1e-3, 1e-3, resolution=0.0), ValueError, "resolution"),
    (lambda: cylinder(1.0, 1.0, resolution=1e-4), ValueError, "resolution"),  # too many vertices
    (lambda: biplanar(0.0, 1e-3), ValueError, "gap"),
    (lambda: biplanar(1e-3, 1e-3, shape="hexagon"), ValueError, "shape"),
], ids=["no faces", "negative radius", "string length", "zero resolution", "too fine", "zero gap", "bad shape"])
def test_generators_reject_bad_input(call, error, name):
    """Generators validate their parameters and name them."""
    with pytest.raises(error, match=f"Input {name} must be"):
        call()


def test_extents_and_resolutions_out_of_range_are_refused_by_name():
    """No OverflowError and no degenerate mesh: a 1e300 m surface or a 1e-300 m edge is refused
    naming the parameter before any count is formed."""
    from coildesign.surfaces import biplanar, cylinder

    for call, name in ((lambda: cylinder(1e300, 2e-2), "radius"), (lambda: cylinder(5e-3, 1e300), "length"),
                       (lambda: biplanar(4e-3, 1e300), "width"),
                       (lambda: cylinder(5e-3, 2e-2, resolution=1e-300), "resolution"),
                       (lambda: biplanar(4e-3, 1e-2, resolution=1e-300), "resolution")):
        with pytest.raises(ValueError, match=f"Input {name} must be"):
            call()
