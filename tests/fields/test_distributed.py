"""coildesign.field on dask arrays of points, computed on a LocalCluster, against the in-memory engine."""

import numpy as np
import pytest

import coildesign as cd
from coildesign.fields.fieldmap import field_map, field_map_dask, grid_points
from coildesign.geometries import golay, solenoid

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


def test_without_a_client_uses_the_local_scheduler():
    """Runs before the module's cluster exists (no active client: the coil is one graph key)."""
    coil = solenoid(1e-3, 2e-3, 3, wire_diameter=0.1e-3)
    pts = np.linspace([-1e-3, 0, 0], [1e-3, 1e-4, 2e-4], 40)
    lazy = cd.field(coil, da.from_array(pts, chunks=(16, 3)))
    np.testing.assert_allclose(lazy.compute(scheduler="threads"), cd.field(coil, pts), rtol=1e-13, atol=0)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def test_field_of_dask_points_on_cluster_equals_in_memory(client):
    coil = solenoid(1e-3, 2e-3, 5, wire_diameter=0.1e-3)
    pts = np.random.default_rng(1).uniform(-1.5e-3, 1.5e-3, (5000, 3))
    lazy = cd.field(coil, da.from_array(pts, chunks=(1200, 3)))
    assert isinstance(lazy, da.Array) and lazy.chunks[0] == (1200, 1200, 1200, 1200, 200)
    np.testing.assert_allclose(lazy.compute(), cd.field(coil, pts), rtol=1e-13, atol=0)
    a_lazy = cd.vector_potential(coil, da.from_array(pts, chunks=2500), current=2.0)
    np.testing.assert_allclose(a_lazy.compute(), cd.vector_potential(coil, pts, current=2.0), rtol=1e-13, atol=0)
    j_lazy = cd.field_jacobian(coil, da.from_array(pts[:300], chunks=(100, 3)))
    assert j_lazy.shape == (300, 3, 3)
    # components that cancel to ~1e-2 of the largest differ by the summation order of BLAS (one
    # thread in dask's workers, several here): compare against the Jacobian's scale
    ref = cd.field_jacobian(coil, pts[:300])
    np.testing.assert_allclose(j_lazy.compute(), ref, rtol=1e-12, atol=1e-13 * np.abs(ref).max())


def test_lazy_field_map_matches_field_map(client):
    coil = golay(5e-3, 2, wire_diameter=0.2e-3)
    ref = field_map(coil, (0, 0, 1e-4), (4e-3, 3e-3, 0.0), (9, 7, 1), quantities=("B", "dB/dr"))
    lazy = field_map_dask(coil, (0, 0, 1e-4), (4e-3, 3e-3, 0.0), (9, 7, 1), quantities=("B", "dB/dr"),
                          chunk_points=10)
    assert lazy.shape == ref.shape
    np.testing.assert_allclose(grid_points(lazy, 10).compute(), ref.points, rtol=0, atol=1e-18)
    for name in ("B", "|B|", "dB/dr"):
        # entries that vanish by symmetry are round-off (~1e-17), which depends on the chunking:
        # compare to 1e-12 of the array's scale
        scale = np.abs(ref.arrays[name]).max()
        np.testing.assert_allclose(np.asarray(lazy.arrays[name]), ref.arrays[name], rtol=1e-12, atol=1e-12 * scale)
