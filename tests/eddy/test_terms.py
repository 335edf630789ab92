"""coildesign.eddy.terms: the pre-emphasis terms and the eddy-current report."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.geometries import maxwell_pair
from coildesign.surfaces import cylinder
from tests.eddy.conftest import D


def test_terms_and_report():
    s = eddy.Shell(cylinder(0.03, 0.09, 0.006), D)
    coil = maxwell_pair(0.015)
    rng = np.random.default_rng(0)
    v = rng.normal(size=(200, 3))
    pts = 0.006 * v / np.linalg.norm(v, axis=1)[:, None]
    tm = eddy.terms(coil, s, pts, basis_size=30)
    assert tm.axis == "z"
    # a z gradient in a cylinder: eddy opposes the gradient, no B0 term by symmetry
    assert tm.gradient_amplitudes[:, 2].sum() < 0
    assert np.abs(tm.b0_amplitudes).max() < 1e-3 * 0.006 * abs(tm.gradient_amplitudes[:, 2].sum())
    rep = eddy.report(coil, s, pts, basis_size=30)
    assert rep.fraction.shape == (3,) and np.all(np.diff(rep.fraction) < 0)
    # at t = 0+ the fitted gradient term matches the max field fraction roughly (linear field)
    frac0 = eddy.report(coil, s, pts, times=[0.0], basis_size=30).fraction[0]
    assert frac0 == pytest.approx(abs(tm.gradient_amplitudes[:, 2].sum()), rel=0.05)
    assert "eddy field" in rep.table()
    dense = eddy.residual_fraction(coil, s, pts, np.r_[rep.times, 0.5e-3], basis_size=30)
    np.testing.assert_allclose(dense[:3], rep.fraction, rtol=1e-12, atol=0)
    assert rep.fraction[1] < dense[3] < rep.fraction[0]
