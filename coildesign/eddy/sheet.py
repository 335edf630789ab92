"""A continuous surface current as an eddy-current source: a stream function on a surface
(e.g. a target-field design's optimum) coupled to the shells by mutual inductance.

The stream function psi is piecewise linear on the source surface with constant current density
J_t = sum_k psi_k c_tk on face t (``coildesign.surfaces.operators`` module doc; Zetter et al.,
J. Appl. Phys. 128, 034901 (2020), sec. II). Its mutual inductance with the shell pattern k is
Neumann's double integral (the ``Modes.coupling`` integral int J_k . A_source dA with the
vector potential A_source = mu0/(4 pi) int J / |r - r'| dA'):

    M_kj = sum_{f in shells} sum_{t in source} (c_fk . c_tj) P_ft,
    P_ft = mu0/(4 pi) int_f int_t dA dA' / |r - r'|   [H m^2],

the cross block of ``StreamFunctionOperators.face_coupling`` between the shells' faces f and the
source's faces t, evaluated the same way: the second-order multipole expansion of 1/|r - r'|
about the two centroids for far pairs,

    P_ft ~ A_f A_t [1/D + (3 D.(Q_f + Q_t).D / D^2 - tr(Q_f + Q_t)) / (2 D^3)],

with D the centroid separation and Q the second central moment per unit area of a triangle,
(1/12) sum_i (v_i - c)(v_i - c)^T (the dipole terms vanish about centroids; Jackson, Classical
Electrodynamics, 3rd ed., sec. 4.1; error O((h/D)^4)), a 9 x 9-point Gauss product rule for
pairs within ``MID_RANGE`` edge lengths and the closed-form inner integral of a uniform triangle
(Wilton et al., IEEE Trans. Antennas Propag. 32, 276 (1984)) with a 16-point outer rule for
pairs within 2.5 edge lengths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.surfaces import StreamFunctionOperators, Surface
from coildesign.surfaces.operators import CHUNK_PAIRS, MID_RANGE, MU0_4PI, face_moments
from coildesign.surfaces.quadrature import quadrature_points, uniform_triangle_potential

NEAR_RANGE = 2.5
"""Pairs of faces whose centroids are closer than this many edge lengths get the closed-form
inner integral (as in ``StreamFunctionOperators.face_coupling``)."""


@dataclass(frozen=True, eq=False)
class SheetCurrent:
    """A surface current: the stream function ``stream_function`` [A] (V,) at the vertices of
    ``surface`` (piecewise linear, current density J = grad psi x n [A/m]), e.g. the continuous
    optimum of a target-field design at 1 A per unit psi. ``eddy.step_response`` and the other
    eddy analyses accept it in place of a wire ``Coil``."""

    surface: Surface
    stream_function: np.ndarray

    def __post_init__(self) -> None:
        if not isinstance(self.surface, Surface):
            check._fail("surface", "a coildesign.surfaces Surface", self.surface, TypeError)
        psi = np.asarray(self.stream_function, dtype=float)
        if psi.shape != (self.surface.n_vertices,) or not np.all(np.isfinite(psi)):
            check._fail("stream_function", f"{self.surface.n_vertices} finite vertex values [A] of the surface",
                        self.stream_function)
        object.__setattr__(self, "stream_function", psi)


def cross_face_coupling(target: Surface, source: Surface) -> np.ndarray:
    """P_ft = mu0/(4 pi) int_f int_t dA dA'/|r - r'| [H m^2] (F_target, F_source) between the
    faces f of ``target`` and t of ``source`` (module doc)."""
    nf, nt = len(target.faces), len(source.faces)
    check.memory("source", f"a coupling of {nf} x {nt} faces", 8.0 * nf * nt * 3,
                 "use coarser meshes (larger resolution)")
    origin = 0.5 * (target.centroids.mean(axis=0) + source.centroids.mean(axis=0))
    cf, trf, qcf, cqcf, q6f, c6f = face_moments(target, origin)
    ct, trt, qct, cqct, q6t, c6t = face_moments(source, origin)
    c2f, c2t = (cf * cf).sum(axis=1), (ct * ct).sum(axis=1)
    h = max(target.edge_length, source.edge_length)
    floor = (1e-3 * h) ** 2
    p = np.empty((nf, nt))
    step = max(1, CHUNK_PAIRS // max(nt, 1))
    for lo in range(0, nf, step):
        sl = slice(lo, min(lo + step, nf))
        r2 = c2f[sl, None] + c2t[None, :] - 2.0 * (cf[sl] @ ct.T)
        np.maximum(r2, floor, out=r2)  # coincident centroids are recomputed below
        dqd = (cqcf[sl, None] - 2.0 * (qcf[sl] @ ct.T) + q6f[sl] @ c6t.T
               + c6f[sl] @ q6t.T - 2.0 * (cf[sl] @ qct.T) + cqct[None, :])
        inv = 1.0 / np.sqrt(r2)
        blk = inv + (3.0 * dqd * inv * inv - (trf[sl, None] + trt[None, :])) * (0.5 * inv * inv * inv)
        blk *= target.areas[sl, None]
        blk *= source.areas[None, :]
        p[sl] = blk
    tree_t = cKDTree(source.centroids)
    tree_f = cKDTree(target.centroids)
    mid = tree_f.sparse_distance_matrix(tree_t, MID_RANGE * h, output_type="ndarray")
    if len(mid):
        f_idx, t_idx = mid["i"], mid["j"]
        qf, wf = quadrature_points(target.corners, 3)
        qt, wt = quadrature_points(source.corners, 3)
        vals = np.empty(len(f_idx))
        chunk = max(1, CHUNK_PAIRS // 81)
        for lo in range(0, len(f_idx), chunk):
            a, b = f_idx[lo:lo + chunk], t_idx[lo:lo + chunk]
            d = np.sqrt(((qf[a][:, :, None, :] - qt[b][:, None, :, :]) ** 2).sum(axis=3))
            vals[lo:lo + chunk] = np.einsum("pi,pij,pj->p", wf[a], 1.0 / d, wt[b])
        p[f_idx, t_idx] = vals
    near = tree_f.sparse_distance_matrix(tree_t, NEAR_RANGE * h, output_type="ndarray")
    if len(near):
        f_idx, t_idx = near["i"], near["j"]
        qn, wn = quadrature_points(target.corners, 4)
        vals = np.empty(len(f_idx))
        chunk = max(1, CHUNK_PAIRS // 128)
        for lo in range(0, len(f_idx), chunk):
            a, b = f_idx[lo:lo + chunk], t_idx[lo:lo + chunk]
            pot = uniform_triangle_potential(source.corners[b][:, None], qn[a])
            vals[lo:lo + chunk] = (wn[a] * pot).sum(axis=1)
        p[f_idx, t_idx] = vals
    return MU0_4PI * p


def sheet_coupling(target_ops: StreamFunctionOperators, target_basis, source_ops: StreamFunctionOperators,
                   source_basis) -> np.ndarray:
    """Mutual inductance [H] (K_target, K_source) between the stream-function bases
    ``target_basis`` (V_target, K_target) and ``source_basis`` (V_source, K_source) of two
    surfaces (module doc): B_t^T (sum_a C_a,t^T P C_a,s) B_s."""
    p = cross_face_coupling(target_ops.surface, source_ops.surface)
    out = 0.0
    for ct, cs in zip(target_ops.current_maps, source_ops.current_maps):
        js = cs @ source_basis
        js = js.toarray() if sp.issparse(js) else np.asarray(js)
        out = out + ct.T @ (p @ js)
    out = np.asarray(out)
    return np.asarray(target_basis.T @ out)


def require_source(name: str, value: object):
    """``value`` if it is a wire ``Coil`` or a ``SheetCurrent`` (TypeError naming ``name`` otherwise)."""
    if not isinstance(value, Coil | SheetCurrent):
        check._fail(name, "a coildesign.Coil or an eddy.SheetCurrent", value, TypeError)
    return value
