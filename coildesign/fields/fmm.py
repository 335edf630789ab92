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
the exact segment kernel added, so accuracy near wires is that of the direct engine.

Tolerance. Beyond the near zone d >= NEAR_FACTOR L, so rho >= rho_near = 2 NEAR_FACTOR +
sqrt(1 + 4 NEAR_FACTOR^2) (24.04 for 6) and the relative quadrature error is ~rho_near^(-2 order)
(measured on a 2,000-segment helix: max 3.3e-9 at order 3, 1.2e-11 at order 4, against 5e-9 and
9e-12 from the formula). ``quadrature_order(tolerance)`` takes the smallest order with
rho_near^(-2 order) <= tolerance / 10, and the FMM is asked for ``tolerance / 10``
(fmm3d's eps bounds a norm-wise error; per point the error measured up to ~6 eps). The achieved
error is then measured against direct sums at ``CHECK_POINTS`` of the points, and a
RuntimeWarning names it if it exceeds ``tolerance``.
"""

from __future__ import annotations

import warnings

import numpy as np

from coildesign._constants import mu_0
from coildesign.fields import segment_kernels

NEAR_FACTOR = 6.0
FMM_EPS_RATIO = 0.1
CHECK_POINTS = 16
NEAR_CHUNK = 200_000  # near (point, segment) pairs corrected per pass


def quadrature_order(tolerance: float, near_factor: float = NEAR_FACTOR) -> int:
    """Gauss-Legendre nodes per segment so that the far-field quadrature error
    rho_near^(-2 order) stays below ``tolerance`` x FMM_EPS_RATIO (module docstring)."""
    rho = 2.0 * near_factor + np.sqrt(1.0 + 4.0 * near_factor**2)
    return max(2, int(np.ceil(np.log(1.0 / (FMM_EPS_RATIO * tolerance)) / (2.0 * np.log(rho)))))


def available() -> bool:
    """True if the fmm3dpy extra is installed."""
    try:
        import fmm3dpy  # noqa: F401
    except ImportError:
        return False
    return True


def polyline_field_fmm(src, points: np.ndarray, tolerance: float, order: int | None = None) -> np.ndarray:
    """B per ampere [T/A] at ``points`` (M, 3) of the polyline sources ``src``
    (``engine.PolylineSources``) by FMM plus exact near-field correction, to a relative error
    ``tolerance`` (``order`` None: ``quadrature_order(tolerance)``); the achieved error is
    checked on a sample of points (module docstring)."""
    import fmm3dpy

    if order is None:
        order = quadrature_order(tolerance)

    real = np.flatnonzero(src.weights != 0.0)
    p1 = src.verts[real]
    p2 = src.verts[real + 1]
    lv = p2 - p1
    wt = src.weights[real]
    t, gw = np.polynomial.legendre.leggauss(order)
    nodes = (p1[:, None, :] + 0.5 * (t[None, :, None] + 1.0) * lv[:, None, :]).reshape(-1, 3)
    elements = (0.5 * gw[None, :, None] * (wt[:, None] * lv)[:, None, :]).reshape(-1, 3)  # I dl [A m]
    out = fmm3dpy.lfmm3d(eps=FMM_EPS_RATIO * tolerance, sources=np.ascontiguousarray(nodes.T),
                         charges=np.ascontiguousarray(mu_0 * elements.T), targets=np.ascontiguousarray(points.T),
                         pgt=2, nd=3)
    g = out.gradtarg  # (3 densities, 3 derivatives, M)
    b = np.stack([g[2, 1] - g[1, 2], g[0, 2] - g[2, 0], g[1, 0] - g[0, 1]], axis=1)

    # near-field correction
    length = src.length[real]
    from scipy.spatial import cKDTree  # lazily: scipy.spatial costs ~0.25 s at import

    tree = cKDTree(points)
    mid = 0.5 * (p1 + p2)
    radius = (0.5 + NEAR_FACTOR) * length
    # count first (no index lists), then query and correct segment chunks of ~NEAR_CHUNK pairs,
    # so that memory stays bounded whatever the number of near pairs (the lists of one query
    # over all segments cost ~50 bytes per pair)
    counts = np.asarray(tree.query_ball_point(mid, r=radius, return_length=True), dtype=np.int64)
    ends = np.cumsum(counts)
    nodes3, elems3 = nodes.reshape(-1, order, 3), elements.reshape(-1, order, 3)
    first = 0
    while first < len(real):
        done = ends[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + NEAR_CHUNK, side="right")))
        hits = tree.query_ball_point(mid[first:last], r=radius[first:last])
        n_hits = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        if n_hits.sum():
            si = first + np.repeat(np.arange(len(hits)), n_hits)
            pi = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if len(h)])
            x, y, z = (points[pi, k] for k in range(3))
            exact = segment_kernels.segment_field(x, y, z, tuple(p1[si].T), tuple(p2[si].T),
                                                  src.wire_radius[real][si])
            corr = np.stack(exact, axis=1) * wt[si, None]
            for q in range(order):
                rel = points[pi] - nodes3[si, q]
                r2 = np.einsum("ij,ij->i", rel, rel)
                with np.errstate(divide="ignore", invalid="ignore"):
                    inv3 = np.where(r2 > 0, r2 ** -1.5, 0.0)
                corr -= segment_kernels.MU0_4PI * np.cross(elems3[si, q], rel) * inv3[:, None]
            for k in range(3):
                b[:, k] += np.bincount(pi, weights=corr[:, k], minlength=len(points))
        first = last
    _check_error(b, points, p1, p2, wt, src.wire_radius[real], tolerance)
    return b


def _check_error(b, points, p1, p2, wt, wire_radius, tolerance) -> float:
    """Max relative error of ``b`` against direct sums at CHECK_POINTS points spread over the
    point list; warns (RuntimeWarning) when it exceeds ``tolerance``. Returns the error."""
    idx = np.unique(np.linspace(0, len(points) - 1, min(CHECK_POINTS, len(points))).astype(int))
    ref = np.zeros((len(idx), 3))
    for row, i in enumerate(idx):
        x, y, z = points[i]
        ref[row] = [(c * wt).sum() for c in segment_kernels.segment_field(x, y, z, tuple(p1.T), tuple(p2.T),
                                                                           wire_radius)]
    norm = np.linalg.norm(ref, axis=1)
    ok = norm > 0
    err = float((np.linalg.norm(b[idx] - ref, axis=1)[ok] / norm[ok]).max()) if ok.any() else 0.0
    if err > tolerance:
        warnings.warn(f"FMM field: measured relative error {err:.2e} at {len(idx)} check points exceeds "
                      f"tolerance = {tolerance:.2e}; use method='direct' or a smaller tolerance",
                      RuntimeWarning, stacklevel=4)
    return err
