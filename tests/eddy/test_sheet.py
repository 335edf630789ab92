"""coildesign.eddy.sheet: mutual inductance of a stream function on one surface with the current
patterns of another (Neumann's double integral; references in the module doc)."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.eddy.sheet import cross_face_coupling, sheet_coupling
from coildesign.surfaces import StreamFunctionOperators, cylinder
from coildesign.surfaces.operators import MU0_4PI
from coildesign.surfaces.quadrature import quadrature_points, uniform_triangle_potential


@pytest.fixture(scope="module")
def pair():
    """A coil former (r 10 mm) inside a shell (r 13 mm), both coarse cylinders."""
    return cylinder(0.01, 0.04, 2 * np.pi * 0.01 / 20), cylinder(0.013, 0.05, 2 * np.pi * 0.013 / 22)


def test_cross_face_coupling_against_closed_form_inner_integral(pair):
    """Reference: the exact inner integral over every source face (Wilton et al. 1984) with a
    64-point outer rule on every tenth target face (all source faces, near and far); the
    multipole/Gauss evaluation is within 2e-4 of the largest entry."""
    inner, outer = pair
    p = cross_face_coupling(outer, inner)
    qp, qw = quadrature_points(outer.corners, 8)
    rows = np.arange(0, len(outer.faces), 10)
    ref = np.empty((len(rows), p.shape[1]))
    for i, f in enumerate(rows):
        pot = uniform_triangle_potential(inner.corners[None], qp[f][:, None, :])
        ref[i] = MU0_4PI * (qw[f][:, None] * pot).sum(axis=0)
    assert np.abs(p[rows] - ref).max() < 2e-4 * np.abs(ref).max()


def test_sheet_coupling_is_the_cross_block_of_the_joint_inductance_matrix(pair):
    """Mutual inductance of vertex patterns on two surfaces = the off-diagonal block of the
    inductance matrix of the two surfaces meshed as one (StreamFunctionOperators)."""
    inner, outer = pair
    ops_i, ops_o = StreamFunctionOperators(inner), StreamFunctionOperators(outer)
    rng = np.random.default_rng(3)
    bi = np.zeros((inner.n_vertices, 4))
    bi[inner.interior_vertices] = rng.normal(size=(len(inner.interior_vertices), 4))
    bo = np.zeros((outer.n_vertices, 3))
    bo[outer.interior_vertices] = rng.normal(size=(len(outer.interior_vertices), 3))
    m = sheet_coupling(ops_o, bo, ops_i, bi)
    joint = StreamFunctionOperators(inner + outer).inductance_matrix()
    ref = bo.T @ joint[inner.n_vertices:, :inner.n_vertices] @ bi
    assert m.shape == (3, 4)
    assert np.abs(m - ref).max() < 2e-4 * np.abs(ref).max()


def test_sheet_current_is_checked(pair):
    inner, _ = pair
    with pytest.raises(ValueError, match="stream_function"):
        eddy.SheetCurrent(inner, np.zeros(3))
    with pytest.raises(TypeError, match="surface"):
        eddy.SheetCurrent("cylinder", np.zeros(3))
    with pytest.raises(TypeError, match="coil"):
        eddy.step_response("wires", eddy.Shell(inner, 1e-4), np.zeros((1, 3)), [1e-3])
