"""coildesign.eddy.shell: thin conducting shells, their stream-function bases and input checks."""

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.spatial import Delaunay

from coildesign import eddy
from coildesign.eddy.shell import boundary_loops, stream_basis
from coildesign.surfaces import biplanar, cylinder, mesh, sphere
from tests.eddy.conftest import D


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
