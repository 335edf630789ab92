"""analysis.eddy_harmonics: per-mode solid harmonics of the eddy field reproduce it inside the sphere."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.analysis import eddy_harmonics
from coildesign.geometries import golay
from coildesign.surfaces import cylinder


def test_expansion_reproduces_the_eddy_field():
    m = eddy.modes(eddy.Shell(cylinder(0.03, 0.09, 0.006), 1e-4), basis_size=30)
    coil = golay(0.015, axis="y")
    r0 = 0.006
    h = eddy_harmonics(coil, m, r0, 5, quadrature_degree=20)
    assert h.A.shape == (m.count, 6, 6)
    pts = np.array([[0.0, 0.003, 0.001], [0.002, -0.002, 0.002], [0.0, 0.0, 0.0]])
    for t in (0.0, 5e-5):
        ref = eddy.step_response(coil, m, pts, [t]).field[0, :, 2]
        got = h.at(t).field(pts)
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-4 * np.abs(ref).max())
    # a y coil: the leading eddy term is the y gradient, B_11 (Schmidt: B_11 = Gy R0)
    tm = eddy.terms(coil, m, r0 * np.random.default_rng(0).normal(size=(300, 3)) / 2)
    assert h.B[:, 1, 1].sum() == pytest.approx(tm.gradient[:, 1].sum() * r0, rel=2e-2)
