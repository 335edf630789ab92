"""Optional fast-multipole back end for B of large polyline coils (extra ``coildesign[fmm]``).

Method. Each straight segment is replaced by ``order`` Gauss-Legendre current elements
``I dl_g`` at its nodes. With three Laplace densities ``c_j = mu0 I dl_j`` the FMM (fmm3dpy,
Greengard-Rokhlin; kernel 1/(4 pi r)) returns the gradients G^(j) = -mu0/(4 pi) sum_k dl_k,j
(r - r_k)/|r - r_k|^3, and the Biot-Savart field is B_i = -eps_ijk G^(j)_k.

Near-field correction. The Gauss rule is accurate only away from a segment: for a point at
distance d from a segment of length L, the error decays like rho^(-2 order) with the
Bernstein-ellipse parameter rho = 2d/L + sqrt(1 + (2d/L)^2) (Trefethen, Approximation Theory
and Approximation Practice, Thm 19.3). For every (point, segment) pair closer than
``NEAR_FACTOR`` x L (found with a k-d tree), the quadrature contribution is subtracted and
the exact segment kernel added, so accuracy near wires is that of the direct engine. With
order 8 and NEAR_FACTOR 1.5 the far quadrature error is < 1e-13 relative per segment, and the
overall error is set by ``tolerance`` (the FMM's requested precision).
"""

from __future__ import annotations

import numpy as np

from coildesign._constants import mu_0
from coildesign.fields import segment_kernels

NEAR_FACTOR = 6.0
ORDER = 3


def available() -> bool:
    """True if the fmm3dpy extra is installed."""
    try:
        import fmm3dpy  # noqa: F401
    except ImportError:
        return False
    return True


def polyline_field_fmm(src, points: np.ndarray, tolerance: float, order: int = ORDER) -> np.ndarray:
    """B per ampere [T/A] at ``points`` (M, 3) of the polyline sources ``src``
    (``engine.PolylineSources``) by FMM plus exact near-field correction."""
    import fmm3dpy

    real = np.flatnonzero(src.weights != 0.0)
    p1 = src.verts[real]
    p2 = src.verts[real + 1]
    lv = p2 - p1
    wt = src.weights[real]
    t, gw = np.polynomial.legendre.leggauss(order)
    nodes = (p1[:, None, :] + 0.5 * (t[None, :, None] + 1.0) * lv[:, None, :]).reshape(-1, 3)
    elements = (0.5 * gw[None, :, None] * (wt[:, None] * lv)[:, None, :]).reshape(-1, 3)  # I dl [A m]
    out = fmm3dpy.lfmm3d(eps=tolerance, sources=np.ascontiguousarray(nodes.T),
                         charges=np.ascontiguousarray(mu_0 * elements.T), targets=np.ascontiguousarray(points.T),
                         pgt=2, nd=3)
    g = out.gradtarg  # (3 densities, 3 derivatives, M)
    b = np.stack([g[2, 1] - g[1, 2], g[0, 2] - g[2, 0], g[1, 0] - g[0, 1]], axis=1)

    # near-field correction
    length = src.length[real]
    from scipy.spatial import cKDTree  # lazily: scipy.spatial costs ~0.25 s at import

    tree = cKDTree(points)
    mid = 0.5 * (p1 + p2)
    hits = tree.query_ball_point(mid, r=(0.5 + NEAR_FACTOR) * length)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    if counts.sum():
        seg = np.repeat(np.arange(len(real)), counts)
        pt = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if len(h)])
        for s in range(0, len(seg), 200_000):
            si, pi = seg[s:s + 200_000], pt[s:s + 200_000]
            x, y, z = (points[pi, k] for k in range(3))
            exact = segment_kernels.segment_field(x, y, z, tuple(p1[si].T), tuple(p2[si].T),
                                                  src.wire_radius[real][si])
            corr = np.stack(exact, axis=1) * wt[si, None]
            for q in range(order):
                node = nodes.reshape(-1, order, 3)[si, q]
                elem = elements.reshape(-1, order, 3)[si, q]
                rel = points[pi] - node
                r2 = np.einsum("ij,ij->i", rel, rel)
                with np.errstate(divide="ignore", invalid="ignore"):
                    inv3 = np.where(r2 > 0, r2 ** -1.5, 0.0)
                corr -= segment_kernels.MU0_4PI * np.cross(elem, rel) * inv3[:, None]
            for k in range(3):
                b[:, k] += np.bincount(pi, weights=corr[:, k], minlength=len(points))
    return b
