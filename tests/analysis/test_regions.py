"""coildesign.analysis.regions: regions of interest and their point sets."""

from __future__ import annotations

import numpy as np
import pytest

from coildesign.analysis.regions import Region, fibonacci_sphere


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
