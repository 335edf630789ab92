"""Integration over flat triangles: Gauss product rules and the analytic potential of a uniform
triangle (the two ingredients of the stream-function operators).

- ``triangle_rule(n)``: the collapsed (conical product) Gauss rule, Stroud, Approximate
  Calculation of Multiple Integrals (1971), sec. 2.7 / Duffy, SIAM J. Numer. Anal. 19, 1260
  (1982): the unit triangle is the image of the square, x = u, y = v (1 - u), Jacobian 1 - u.
  The u nodes are Gauss-Jacobi nodes for the weight (1 - u) on [0, 1] (the Jacobian is
  absorbed into the weight; plain Gauss-Legendre in u would lose one degree), the v nodes
  Gauss-Legendre on [0, 1]: weight w_i^J w_j. n^2 points, exact for polynomials of total
  degree 2n - 1 (a monomial x^a y^b becomes a polynomial of degree a + b in u and b in v).
- ``uniform_triangle_potential(corners, points)``: I(r) = int_T dA' / |r - r'| in closed form,
  Wilton, Rao, Glisson, Schaubert, Butler, Al-Bundak, IEEE Trans. Antennas Propag. 32, 276
  (1984), eq. (5) (and Graglia, IEEE TAP 41, 1448 (1993), eq. 23):
      I = sum_edges P0 ln((R+ + l+) / (R- + l-))
          - |d| [atan(P0 l+ / (R0^2 + |d| R+)) - atan(P0 l- / (R0^2 + |d| R-))],
  d = height of r above the triangle's plane, P0 = signed distance of r's projection to the
  edge line (positive on the triangle's side), l+- = edge-end coordinates along the edge,
  R0^2 = P0^2 + d^2, R+- = sqrt(l+-^2 + R0^2). R + l is evaluated as R0^2 / (R - l) for
  l < 0 (no cancellation); terms with P0 = 0 vanish (the point lies on the edge's line).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import roots_jacobi


@lru_cache(maxsize=32)
def triangle_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Barycentric points (n^2, 3) and weights (n^2,) summing to 1 (multiply by the area)."""
    # Gauss-Jacobi (alpha = 1, beta = 0) on [-1, 1] mapped to [0, 1]: int_0^1 g(u) (1 - u) du
    # = sum_i w_i g(u_i) / 4 (module doc); the factor 2 makes the weights sum to 1
    t, wj = roots_jacobi(n, 1.0, 0.0)
    u, w = np.polynomial.legendre.leggauss(n)
    v, w = 0.5 * (u + 1.0), 0.5 * w
    x = np.repeat(0.5 * (t + 1.0), n)
    y = np.tile(v, n) * (1.0 - x)
    weight = np.repeat(0.25 * wj, n) * np.tile(w, n) * 2.0
    bary = np.c_[1.0 - x - y, x, y]
    bary.setflags(write=False)
    weight.setflags(write=False)
    return bary, weight


def rule_order(distance_ratio: float, tolerance: float) -> int:
    """Gauss order n whose relative error for the Biot-Savart kernel (r - r')/|r - r'|^3 stays
    below ``tolerance`` when the evaluation point is ``distance_ratio`` = (distance to the
    centroid - size/2) / size away (size = longest edge). Error model: the product rule's error
    for a kernel analytic in a region of size ~d about the triangle decays geometrically in 2n
    (Davis & Rabinowitz, Methods of Numerical Integration, 2nd ed., sec. 4.6); measured on this
    rule (worst over directions and over triangles up to a 1 : 0.1 right triangle, whose far vertex
    sits 2/3 of the size from the centroid), err <= 10 q^(2n) with
    q = 0.28 / (distance_ratio + 0.25) for distance_ratio >= 0.3 (``tests/surfaces/test_operators.py``
    checks the achieved error against the tolerance). Clipped to [2, 20]: points closer than
    ~0.3 sizes to a triangle get less than ``tolerance``."""
    q = 0.28 / (max(distance_ratio, 0.0) + 0.25)
    return int(np.clip(np.ceil(np.log(tolerance / 10.0) / (2.0 * np.log(q))), 2, 20))


def quadrature_points(corners: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (F, n^2, 3) [m] and weights (F, n^2) [m^2] of the rule on each triangle."""
    bary, w = triangle_rule(n)
    pts = np.einsum("qk,fkj->fqj", bary, corners)
    e1 = corners[:, 1] - corners[:, 0]
    e2 = corners[:, 2] - corners[:, 0]
    area = 0.5 * np.linalg.norm(np.cross(e1, e2), axis=1)
    return pts, area[:, None] * w[None, :]


def _r_plus_l(r: np.ndarray, l: np.ndarray, r0sq: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(l >= 0.0, r + l, r0sq / (r - l))


def uniform_triangle_potential(corners: np.ndarray, points: np.ndarray) -> np.ndarray:
    """int_T dA' / |r - r'| [m] for triangles ``corners`` (..., 3, 3) and points (..., 3)
    (broadcast together; module doc, Wilton et al. 1984 eq. 5)."""
    p = np.asarray(points, dtype=float)
    c = np.asarray(corners, dtype=float)
    normal = np.cross(c[..., 1, :] - c[..., 0, :], c[..., 2, :] - c[..., 0, :])
    normal = normal / np.linalg.norm(normal, axis=-1, keepdims=True)
    d = np.einsum("...j,...j->...", p - c[..., 0, :], normal)
    rho = p - d[..., None] * normal
    ad = np.abs(d)
    total = np.zeros(np.broadcast_shapes(d.shape, rho.shape[:-1]))
    for i in range(3):
        a = c[..., i, :]
        b = c[..., (i + 1) % 3, :]
        edge = b - a
        length = np.linalg.norm(edge, axis=-1, keepdims=True)
        t_hat = edge / length
        u_hat = np.cross(t_hat, normal)
        l_plus = np.einsum("...j,...j->...", b - rho, t_hat)
        l_minus = np.einsum("...j,...j->...", a - rho, t_hat)
        p0 = np.einsum("...j,...j->...", a - rho, u_hat)
        r0sq = p0 * p0 + d * d
        r_plus = np.sqrt(l_plus * l_plus + r0sq)
        r_minus = np.sqrt(l_minus * l_minus + r0sq)
        active = np.abs(p0) > 1e-14 * length[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_term = np.log(_r_plus_l(r_plus, l_plus, r0sq) / _r_plus_l(r_minus, l_minus, r0sq))
            atan_term = (np.arctan2(p0 * l_plus, r0sq + ad * r_plus)
                         - np.arctan2(p0 * l_minus, r0sq + ad * r_minus))
            term = p0 * log_term - ad * atan_term
        total = total + np.where(active, term, 0.0)
    return total
