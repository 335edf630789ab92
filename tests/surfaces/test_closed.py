"""The closed sphere mesh: no boundary, outward normals, area and enclosed volume of the
inscribed polyhedron approaching 4 pi a^2 and 4/3 pi a^3 as h^2."""

import numpy as np
import pytest

from coildesign.surfaces import sphere


def test_sphere_is_closed_and_outward():
    s = sphere(0.02, 0.004, center=(0.01, 0.0, -0.01))
    assert s.boundary_vertices.size == 0
    c = s.centroids - np.array([0.01, 0.0, -0.01])
    assert np.all(np.einsum("fj,fj->f", s.normals, c) > 0)
    # Euler characteristic of a sphere: V - E + F = 2 (every edge shared by two faces)
    assert s.n_vertices - 3 * len(s.faces) // 2 + len(s.faces) == 2


def test_sphere_area_and_volume_converge():
    errs = []
    for h in (0.004, 0.002):
        s = sphere(0.02, h)
        volume = np.einsum("fj,fj->f", s.centroids, s.normals * s.areas[:, None]).sum() / 3  # divergence theorem
        errs.append((s.areas.sum() / (4 * np.pi * 0.02**2) - 1, volume / (4 / 3 * np.pi * 0.02**3) - 1))
        assert s.edge_length == pytest.approx(h, rel=0.15)
    (a1, v1), (a2, v2) = errs
    assert a1 < 0 and v1 < 0  # inscribed
    assert abs(a2) < abs(a1) / 3 and abs(v2) < abs(v1) / 3  # O(h^2): 4x at half the edge


def test_sphere_bad_input():
    with pytest.raises(ValueError, match="radius"):
        sphere(-1.0)
