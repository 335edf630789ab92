"""coildesign.analysis.regions: regions of interest, their volume quadratures and point sets."""

from __future__ import annotations

import numpy as np
import pytest

from coildesign.analysis.regions import Box, Cylinder, Region, Sphere, fibonacci_sphere, region
from coildesign.rf import sample as rf_sample


def test_fibonacci_sphere_is_on_the_unit_sphere_and_balanced():
    v = fibonacci_sphere(2000)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=0, atol=1e-15)
    # a near-uniform lattice: the mean vector vanishes to O(1/n), each octant holds ~1/8
    assert np.linalg.norm(v.mean(axis=0)) < 2e-3
    octants = np.unique((v > 0) @ [1, 2, 4], return_counts=True)[1]
    assert octants.min() > 0.12 * 2000 and octants.max() < 0.13 * 2000


def test_sphere_cylinder_and_box_samples_stay_in_their_region():
    sphere = Region("sphere", 2e-3, center=(1e-3, 0.0, 0.0)).sample(n=11, n_surface=300)
    rel = sphere - [1e-3, 0.0, 0.0]
    assert np.all(np.linalg.norm(rel, axis=1) <= 2e-3 * (1 + 1e-12))
    assert np.sum(np.isclose(np.linalg.norm(rel, axis=1), 2e-3, rtol=1e-12, atol=0)) >= 300  # the surface
    cyl = Region("cylinder", 1e-3, length=4e-3).sample(n=9)
    assert np.all(np.hypot(cyl[:, 0], cyl[:, 1]) <= 1e-3 * (1 + 1e-12)) and np.abs(cyl[:, 2]).max() == 2e-3
    box = Region("box", 1e-3).sample(n=5)
    assert len(box) == 125 and np.abs(box).max() == 1e-3


def test_bad_regions_are_named():
    with pytest.raises(ValueError, match="Input region"):
        Region("torus", 1e-3)
    with pytest.raises(ValueError, match="Input radius"):
        Region("sphere", -1.0)


def test_named_regions_are_the_shapes_of_one_family():
    """Region(shape, ...) builds the shape; the RF samples are the same shapes with a medium."""
    sphere = Region("sphere", 2e-3, center=(1e-3, 0.0, 0.0))
    assert type(sphere) is Sphere and sphere.radius == 2e-3
    cyl = region("cylinder", 1e-3)
    assert type(cyl) is Cylinder and cyl.length == 2e-3 and cyl.axis.tolist() == [0.0, 0.0, 1.0]
    box = Region("box", 1e-3)
    assert type(box) is Box and box.size.tolist() == [2e-3, 2e-3, 2e-3]
    capillary = rf_sample.Cylinder(0.3e-3, 1e-3, axis=(1, 0, 0), medium=rf_sample.saline())
    assert isinstance(capillary, Cylinder) and isinstance(capillary, Region)
    assert isinstance(rf_sample.Sphere(1e-3), Sphere) and isinstance(rf_sample.Box((1e-3, 1e-3, 1e-3)), Box)
    with pytest.raises(TypeError):
        Cylinder(1e-3, 2e-3, medium=None)  # the geometry has no medium: that is the sample's


@pytest.mark.parametrize("shape", [
    Sphere(1.5e-3, center=(1e-4, -2e-4, 3e-4)),
    Cylinder(0.4e-3, 2e-3, center=(1e-4, 0.0, -1e-4), axis=(0.6, 0.0, 0.8)),
    Box((1e-3, 2e-3, 3e-3), center=(0.0, 1e-4, 0.0)),
])
def test_quadrature_and_point_sets_lie_in_the_region(shape):
    """The quadrature weights sum to the exact volume (4 pi r^3 / 3, pi r^2 l, the product of the
    edges) and every quadrature node and sample point lies inside; points just outside do not."""
    pts, w = shape.points()
    assert w.sum() == pytest.approx(shape.volume, rel=1e-12, abs=0)
    assert shape.contains(pts).all()
    grid = shape.sample(9, n_surface=200)
    assert shape.contains(grid).all()
    outside = shape.center + 1.001 * (grid - shape.center)
    on_boundary = ~shape.contains(outside)
    assert on_boundary.any() and not shape.contains(shape.center + 2.0 * (grid - shape.center)).all()
    with pytest.raises(ValueError, match="Input points"):
        shape.contains([1.0, 2.0])


def test_mirrored_fibonacci_sphere_is_closed_under_the_mirrors_and_covers_the_sphere():
    """Every sign change of the coordinates maps the lattice onto itself exactly; the points are
    unit vectors, about n of them, and cover the sphere as well as the Fibonacci lattice does
    (largest distance from 20,000 random directions to the nearest point within 1.1x; the
    octant's lattice mirrored without the seam circles reaches 1.4x)."""
    from scipy.spatial import cKDTree

    from coildesign.analysis.regions import mirrored_fibonacci_sphere

    n = 3000
    v = mirrored_fibonacci_sphere(n)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=0, atol=1e-15)
    assert abs(len(v) - n) < 0.02 * n and len(np.unique(v, axis=0)) == len(v)
    key = {tuple(p) for p in v}
    for t in ([-1, 1, 1], [1, -1, 1], [1, 1, -1], [-1, -1, -1]):
        assert {tuple(p * t) for p in v} == key
    probes = np.random.default_rng(2).standard_normal((20_000, 3))
    probes /= np.linalg.norm(probes, axis=1)[:, None]
    gap = cKDTree(v).query(probes)[0].max()
    assert gap < 1.1 * cKDTree(fibonacci_sphere(n)).query(probes)[0].max()
    assert len(mirrored_fibonacci_sphere(0)) == 0 and len(mirrored_fibonacci_sphere(1)) == 6
    sphere = Region("sphere", 1.0)
    surface = len(mirrored_fibonacci_sphere(400))
    assert len(sphere.sample(5, n_surface=0)) == len(sphere.sample(5, n_surface=400)) - surface
