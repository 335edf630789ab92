"""Gradient-coil generators against their derived closed forms (see gradient_coils docstring)."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd
from coildesign.analysis import gradient_efficiency
from coildesign.geometries import gradient_coils as gc


def test_maxwell_pair_efficiency_and_z5_term():
    """eta = 48 sqrt(3)/(49 sqrt(7)) mu0 N I/a^2 at separation sqrt(3) a; on the axis
    Bz/(eta z) - 1 = c5 (z/a)^4 with c5 = -176/343 (derivatives of Jackson eq. 5.40)."""
    a = 4e-3
    coil = gc.maxwell_pair(a, turns=3)
    assert coil.parameters["separation"] == pytest.approx(math.sqrt(3) * a)
    eta = gradient_efficiency(coil)
    assert eta == pytest.approx(3 * 48 * math.sqrt(3) / (49 * math.sqrt(7)) * mu_0 / a**2, rel=1e-12, abs=0)
    assert coil.parameters["z5_coefficient"] == pytest.approx(-176 / 343, rel=1e-14, abs=0)
    z = np.array([0.02, 0.04]) * a
    dev = cd.field(coil, np.c_[0 * z, 0 * z, z])[:, 2] / (eta * z) - 1
    assert dev / (z / a) ** 4 == pytest.approx([-176 / 343] * 2, rel=3e-3)  # next term is O(z^6)


def test_golay_positions_are_roots_and_efficiency_converges():
    """Arc positions solve 4u^2 - 27u + 4 = 0 (u = (d/a)^2; g''(d) = 0), reproduce the
    published rounded 0.389 a and 2.57 a, and the polyline efficiency converges (as 1/n^2 in
    points per arc) to the closed form 2 sin(60 deg)/pi [g(d1) - g(d2)] mu0 N I / a^2."""
    for d in gc.GOLAY_POSITIONS:
        u = d * d
        assert abs(4 * u * u - 27 * u + 4) < 1e-12
    assert round(gc.GOLAY_POSITIONS[0], 3) == 0.389 and round(gc.GOLAY_POSITIONS[1], 2) == 2.57
    a = 5e-3
    exact = gc.golay_efficiency(a, 2)
    assert exact * a**2 / (2 * mu_0) == pytest.approx(0.7320906, rel=1e-6)
    errs = [abs(gradient_efficiency(gc.golay(a, 2, points_per_arc=n)) / exact - 1) for n in (128, 1024)]
    assert errs[1] < 3e-7 and errs[0] / errs[1] == pytest.approx(64, rel=0.05)


def test_golay_third_order_terms_vanish():
    """With 120-degree arcs at the computed positions the deviation grows as the fourth power
    of the distance (fifth-order field error), not the second."""
    coil = gc.golay(5e-3, points_per_arc=2048)
    eta = gradient_efficiency(coil)
    for direction in ([1, 0, 0], [0, 0, 1], [1, 1, 1]):
        u = np.asarray(direction, float) / np.linalg.norm(direction)
        r = np.array([0.05, 0.1]) * 5e-3
        pts = np.outer(r, u) + np.array([1e-6, 0, 0]) * (u[0] == 0)
        dev = cd.field_jacobian(coil, pts)[:, 2, 0] / eta - 1
        assert abs(dev[1] / dev[0]) == pytest.approx(16, rel=0.05)


def test_symmetry_sign_and_rotation():
    gx = gc.golay(3e-3)
    x = np.array([[0.5e-3, 0.1e-3, 0.2e-3]])
    np.testing.assert_allclose(cd.field(gx, x)[:, 2], -cd.field(gx, x * [-1, 1, 1])[:, 2], rtol=1e-12, atol=0)
    assert gradient_efficiency(gx) > 0 and gradient_efficiency(gc.maxwell_pair(3e-3)) > 0
    gy = gc.golay(3e-3, axis="y")
    assert gy.name == "Gy" and np.allclose(gy.axis, [0, 1, 0])
    assert gradient_efficiency(gy) == pytest.approx(gradient_efficiency(gx), rel=1e-12, abs=0)
    mz = gc.maxwell_pair(3e-3)
    z = np.array([[0.1e-3, 0.2e-3, 0.4e-3]])
    np.testing.assert_allclose(cd.field(mz, z)[:, 2], -cd.field(mz, z * [1, 1, -1])[:, 2], rtol=1e-12, atol=0)


def test_efficiency_scales_inverse_square_and_anti_helmholtz():
    g = gc.golay(2e-3)
    assert gradient_efficiency(g.scaled(3)) == pytest.approx(gradient_efficiency(g) / 9, rel=1e-12, abs=0)
    ah = gc.anti_helmholtz(2e-3, turns=2)
    assert ah.parameters["separation"] == 2e-3
    assert gradient_efficiency(ah) == pytest.approx(gc.maxwell_efficiency(2e-3, 2e-3, 2), rel=1e-12, abs=0)


def test_biplanar_and_set():
    for axis in "xyz":
        coil = gc.biplanar(3e-3, 8e-3, axis=axis)
        assert coil.name == f"G{axis}" and gradient_efficiency(coil) > 0
    s = gc.gradient_set(4e-3, turns=(2, 2, 3))
    assert [c.name for c in s] == ["Gx", "Gy", "Gz"] and len(s) == 3
    assert all(c.role == "gradient" for c in s)


@pytest.mark.parametrize("call, match", [
    (lambda: gc.maxwell_pair(-1e-3), "Input radius"),
    (lambda: gc.golay(1e-3, axis="z"), "Input axis"),
    (lambda: gc.golay(1e-3, arc_angle=190), "Input arc_angle"),
    (lambda: gc.maxwell_pair(1e-3, turns=0), "Input turns"),
    (lambda: gc.maxwell_pair(1e-3, wire_diameter=2e-3), "Input wire_diameter"),
    (lambda: gc.biplanar(1e-3, 0.0), "Input size"),
])
def test_bad_parameters_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
