"""Physics tests of the stream-function design layers: triangle quadrature, field, inductance,
resistance and force operators, mirror-symmetric modes, and the QP / least-squares solvers.

Every reference is independent of the code under test and named in the test's docstring.
"""

import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from coildesign.design.quadrature import quadrature_points, rule_order, triangle_rule, uniform_triangle_potential


# ---------------------------------------------------------------------------- helpers
def subdivide(corners: np.ndarray, m: int) -> np.ndarray:
    """The m^2 congruent sub-triangles (m^2, 3, 3) of a triangle (midpoint-type refinement)."""
    a, b, c = corners

    def p(i, j):
        return a + (b - a) * i / m + (c - a) * j / m

    out = []
    for i in range(m):
        for j in range(m - i):
            out.append([p(i, j), p(i + 1, j), p(i, j + 1)])
            if i + j < m - 1:
                out.append([p(i + 1, j), p(i + 1, j + 1), p(i, j + 1)])
    return np.array(out)


def brute_potential(corners: np.ndarray, point: np.ndarray, m: int = 48, n: int = 8) -> float:
    """int_T dA'/|r - r'| by an order-n Gauss rule on each of m^2 sub-triangles."""
    qp, qw = quadrature_points(subdivide(corners, m), n)
    return float(np.sum(qw / np.linalg.norm(qp - point, axis=-1)))


def polar_potential(corners: np.ndarray, point: np.ndarray, panels: int = 40, n: int = 20) -> float:
    """int_T dA'/|r - r'| reduced to 1-D in polar coordinates about the projection rho of r:
    T = sum over edges (a, b) of the signed triangles (rho, a, b), and on each
    int dtheta int_0^R(theta) s ds / sqrt(s^2 + d^2) = int dtheta [sqrt(R^2 + d^2) - |d|];
    with q(t) = a + t (b - a) - rho, dtheta = h dt / |q|^2 (h = twice the signed area of
    (rho, a, b)). The 1/r singularity at an in-plane point is removed exactly by the Jacobian
    s, so composite Gauss-Legendre in t converges to rounding (edges through rho contribute 0)."""
    c = np.asarray(corners, dtype=float)
    normal = np.cross(c[1] - c[0], c[2] - c[0])
    normal /= np.linalg.norm(normal)
    d = float((point - c[0]) @ normal)
    rho = point - d * normal
    u, w = np.polynomial.legendre.leggauss(n)
    edges = np.linspace(0.0, 1.0, panels + 1)
    t = (0.5 * (u + 1)[None, :] * np.diff(edges)[:, None] + edges[:-1, None]).ravel()
    wt = (0.5 * w[None, :] * np.diff(edges)[:, None]).ravel()
    total = 0.0
    for i in range(3):
        a, b = c[i], c[(i + 1) % 3]
        e = b - a
        h = float(np.cross(a - rho, e) @ normal)
        if abs(h) < 1e-14 * float(e @ e):
            continue
        q = a + t[:, None] * e - rho
        r2 = np.sum(q * q, axis=1)
        total += h * np.sum(wt * (np.sqrt(r2 + d * d) - abs(d)) / r2)
    return total


def biot_savart_kernel(corners: np.ndarray, point: np.ndarray, n: int, m: int = 1) -> np.ndarray:
    """int_T (r - r')/|r - r'|^3 dA' [1] by the order-n rule on m^2 sub-triangles."""
    sub = subdivide(corners, m) if m > 1 else corners[None]
    qp, qw = quadrature_points(sub, n)
    d = point - qp.reshape(-1, 3)
    return (qw.reshape(-1)[:, None] * d / np.linalg.norm(d, axis=1)[:, None] ** 3).sum(axis=0)


# a general triangle in a general orientation, 1 mm size
TRIANGLE = (np.array([[0.0, 0.0, 0.0], [1.0, 0.2, 0.0], [0.3, 0.9, 0.0]]) * 1e-3
            @ Rotation.from_euler("xyz", [0.3, -0.7, 1.1]).as_matrix().T + np.array([1e-3, -2e-3, 0.5e-3]))


# ---------------------------------------------------------------------------- 1. quadrature
@pytest.mark.parametrize("n", range(1, 9))
def test_triangle_rule_integrates_monomials_exactly(n):
    """int_T x^a y^b dA = a! b! / (a + b + 2)! on the unit triangle (Dirichlet's integral, e.g.
    Stroud 1971, sec. 7.1) for a + b <= 2n - 1, and the rule is not exact at degree 2n (the
    claimed degree is sharp)."""
    bary, w = triangle_rule(n)
    assert w.sum() == pytest.approx(1.0, rel=1e-14)
    x, y = bary[:, 1], bary[:, 2]
    for a in range(2 * n):
        for b in range(2 * n - a):
            exact = math.factorial(a) * math.factorial(b) / math.factorial(a + b + 2)
            assert 0.5 * np.sum(w * x**a * y**b) == pytest.approx(exact, rel=1e-13, abs=0)
    errors = [abs(0.5 * np.sum(w * x**a * y ** (2 * n - a))
                  / (math.factorial(a) * math.factorial(2 * n - a) / math.factorial(2 * n + 2)) - 1)
              for a in range(2 * n + 1)]
    assert max(errors) > 1e-6


def _triangle_frame():
    c = TRIANGLE
    size = float(np.max(np.linalg.norm(c - np.roll(c, 1, axis=0), axis=1)))
    normal = np.cross(c[1] - c[0], c[2] - c[0])
    return c, size, normal / np.linalg.norm(normal), c.mean(axis=0)


@pytest.mark.parametrize("where", ["far", "near above centroid", "near above edge", "near above vertex"])
def test_uniform_triangle_potential_off_plane(where):
    """Wilton et al. (1984) closed form vs brute force: an order-8 Gauss rule on 48^2
    sub-triangles (converged: 24^2 and 96^2 agree to < 1e-14 here), at a far point and at points
    0.05 x size above the centroid, an edge midpoint and a vertex."""
    c, size, normal, cen = _triangle_frame()
    point = {"far": cen + 5 * size * np.array([0.3, 0.5, 0.8]),
             "near above centroid": cen + 0.05 * size * normal,
             "near above edge": 0.5 * (c[0] + c[1]) + 0.05 * size * normal,
             "near above vertex": c[2] + 0.05 * size * normal}[where]
    assert uniform_triangle_potential(c, point) == pytest.approx(brute_potential(c, point), rel=1e-10, abs=0)


@pytest.mark.parametrize("where", ["centroid", "vertex", "edge midpoint", "outside", "outside, near above"])
def test_uniform_triangle_potential_in_plane(where):
    """In-plane points (the 1/r singularity on the triangle): finite, no NaN, and equal to the
    polar-coordinate 1-D reduction (``polar_potential``), to 1e-10. (Brute-force subdivision
    converges only like the sub-triangle size at a singular point, so it is not the reference
    here.)"""
    c, size, normal, cen = _triangle_frame()
    outside = cen + 1.6 * (0.5 * (c[1] + c[2]) - cen)
    point = {"centroid": cen, "vertex": c[1], "edge midpoint": 0.5 * (c[1] + c[2]), "outside": outside,
             "outside, near above": outside + 0.05 * size * normal}[where]
    value = float(uniform_triangle_potential(c, point))
    assert np.isfinite(value) and value > 0
    assert value == pytest.approx(polar_potential(c, point), rel=1e-10, abs=0)


def test_uniform_triangle_potential_broadcasts():
    """(F, 3, 3) triangles with (F, M, 3) points: the same values as one by one."""
    c, size, normal, cen = _triangle_frame()
    pts = cen + size * np.array([[0.0, 0.0, 0.0], [0.5, 0.2, 0.1], [3.0, -1.0, 2.0]])
    tris = np.stack([c, c[::-1] + 1e-4])
    out = uniform_triangle_potential(tris[:, None], pts[None])
    assert out.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert out[i, j] == uniform_triangle_potential(tris[i], pts[j])


@pytest.mark.parametrize("shape", ["equilateral", "right", "needle"])
def test_rule_order_meets_tolerance(shape):
    """The order that ``rule_order(ratio, tol)`` chooses integrates the Biot-Savart kernel with a
    relative error <= tol (worst of 36 directions in and out of the triangle's plane), for
    ratio 0.3..10 and tol 1e-4..1e-8. Reference: the order-14 rule on 10^2 sub-triangles."""
    c = 1e-3 * {"equilateral": np.array([[0, 0, 0], [1, 0, 0], [0.5, np.sqrt(3) / 2, 0]]),
                "right": np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]]),
                "needle": np.array([[0, 0, 0], [1, 0, 0], [0, 0.1, 0]])}[shape]
    size = float(np.max(np.linalg.norm(c - np.roll(c, 1, axis=0), axis=1)))
    cen = c.mean(axis=0)
    phi = 2 * np.pi * np.arange(18) / 18
    dirs = np.vstack([np.c_[np.cos(phi), np.sin(phi), 0 * phi],
                      np.c_[0.6 * np.cos(phi + 0.2), 0.6 * np.sin(phi + 0.2), 0.8 + 0 * phi]])
    for ratio in (0.3, 0.5, 1.0, 2.0, 5.0, 10.0):
        pts = cen + size * (ratio + 0.5) * dirs
        refs = [biot_savart_kernel(c, p, 14, m=10) for p in pts]
        for tol in (1e-4, 1e-6, 1e-8):
            n = rule_order(ratio, tol)
            err = max(np.linalg.norm(biot_savart_kernel(c, p, n) - r) / np.linalg.norm(r)
                      for p, r in zip(pts, refs))
            assert err <= tol, (ratio, tol, n, err)
