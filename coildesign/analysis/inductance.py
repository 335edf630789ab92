"""Self and mutual inductance of arbitrary windings (Neumann integrals through the engine).

Mutual inductance (Neumann): M_ab = (1/I_a) sum_k w_k n_k oint_k A_a . dl, with A_a the
vector potential of coil a per ampere (exact segment and loop kernels, filament model) and the
path integral over every winding k of coil b (weight w_k, turns n_k): Gauss-Legendre nodes on
each straight segment, the trapezoid rule on loops (spectrally accurate for periodic
integrands). M_ab = M_ba to quadrature accuracy (tested).

Self inductance (geometric-mean-distance method; Maxwell, Treatise vol. 2 art. 691-693; Rosa,
Bull. Bur. Stand. 4, 301 (1908); Grover, Inductance Calculations (1946), ch. 1-2): the flux
of the coil's filament through its own conductor equals, to O(a^2/R^2), the flux through a
filament displaced from the wire axis by the GMD g of the cross-section from itself:

- round wire of radius a, uniform current (low frequency, the default): g = a e^(-1/4); this
  includes the internal inductance mu0/(8 pi) per metre (since ln(1/g) = ln(1/a) + 1/4);
- round wire, strong skin effect (``internal=False``): g = a (current on the surface);
- rectangular w x t strip: g = 0.2235 (w + t) (Rosa & Grover, Bull. Bur. Stand. 8, 1 (1912),
  accurate to ~0.5 % for any aspect ratio), used for both options.

The displaced path runs parallel to each segment at distance g, towards the component of the
coil's axis (or z) perpendicular to the segment; loops are displaced along their normal. A
single loop then gives mu0 R [ln(8R/a) - 2 + 1/4] (LF) and mu0 R [ln(8R/a) - 2] (HF), the
classical results (Grover eq. 96 / Jackson problem 5.32) to O(a^2/R^2). Filaments (no
cross-section) have infinite self inductance and are refused.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import RectangularStrip, RoundWire
from coildesign.fields import vector_potential

GAUSS_ORDER = 8
LOOP_POINTS = 256


def _filament(coil: Coil) -> Coil:
    """The coil with every conductor replaced by its centre-line filament (cached)."""
    if "filament" not in coil._cache:
        coil._cache["filament"] = Coil([replace(w, cross_section=None) for w in coil.windings], coil.weights,
                                       name=coil.name)
    return coil._cache["filament"]


def _gmd(w: Winding | LoopWinding, internal: bool, k: int) -> float:
    cs = w.cross_section
    if cs is None:
        check._fail(f"coil.windings[{k}]", "a conductor with a cross-section (give wire_diameter or a strip): "
                    "a filament's self inductance is infinite", "a filament")
    if isinstance(cs, RoundWire):
        return cs.radius * (np.exp(-0.25) if internal else 1.0)
    if isinstance(cs, RectangularStrip):
        return 0.2235 * (cs.width + cs.thickness)
    check._fail(f"coil.windings[{k}].cross_section", "a RoundWire or RectangularStrip", cs, TypeError)


def _path_quadrature(w: Winding | LoopWinding, offset: float, axis: np.ndarray, order: int, loop_points: int):
    """(points (K,3), dl (K,3)) for oint A . dl along the winding displaced by ``offset`` [m]."""
    if isinstance(w, LoopWinding):
        from coildesign.fields.engine import _frame

        f = _frame(w.normal)
        t = 2 * np.pi * np.arange(loop_points) / loop_points
        radial = np.outer(np.cos(t), f[0]) + np.outer(np.sin(t), f[1])
        tangent = -np.outer(np.sin(t), f[0]) + np.outer(np.cos(t), f[1])
        pts = w.center + w.radius * radial + offset * w.normal
        return pts, tangent * (2 * np.pi * w.radius / loop_points)
    v = w.vertices
    p1, lv = v[:-1], np.diff(v, axis=0)
    length = np.linalg.norm(lv, axis=1)
    t_hat = lv / length[:, None]
    n = axis[None, :] - (t_hat @ axis)[:, None] * t_hat
    norm = np.linalg.norm(n, axis=1)
    fallback = np.cross(t_hat, np.where(np.abs(t_hat[:, :1]) < 0.9, [[1.0, 0, 0]], [[0, 1.0, 0]]))
    n = np.where(norm[:, None] > 1e-6, n / np.maximum(norm, 1e-300)[:, None],
                 fallback / np.linalg.norm(fallback, axis=1)[:, None])
    x, gw = np.polynomial.legendre.leggauss(order)
    pts = p1[:, None, :] + 0.5 * (x[None, :, None] + 1.0) * lv[:, None, :] + offset * n[:, None, :]
    dl = 0.5 * gw[None, :, None] * lv[:, None, :] * np.ones((1, order, 1))
    return pts.reshape(-1, 3), dl.reshape(-1, 3)


def _flux(source: Coil, target: Coil, offsets: list[float], order: int, loop_points: int) -> float:
    axis = target.axis if target.axis is not None else np.array([0.0, 0.0, 1.0])
    pts, dls, scale = [], [], []
    for w, wt, off in zip(target.windings, target.weights, offsets):
        p, dl = _path_quadrature(w, off, axis, order, loop_points)
        pts.append(p)
        dls.append(dl)
        scale.append(np.full(len(p), wt * w.turns))
    pts, dls, scale = np.vstack(pts), np.vstack(dls), np.concatenate(scale)
    a = vector_potential(_filament(source), pts)
    return float(np.sum(scale * np.einsum("ij,ij->i", a, dls)))


def mutual_inductance(coil_a: Coil, coil_b: Coil, *, order: int = GAUSS_ORDER,
                      loop_points: int = LOOP_POINTS) -> float:
    """Mutual inductance [H] between two coils (each with its weights and turns) by the
    Neumann integral of coil a's filament vector potential along coil b's centre lines."""
    for name, c in (("coil_a", coil_a), ("coil_b", coil_b)):
        if not isinstance(c, Coil):
            check._fail(name, "a coildesign.Coil", c, TypeError)
    order = check.positive_int("order", order)
    loop_points = check.positive_int("loop_points", loop_points, minimum=8)
    return _flux(coil_a, coil_b, [0.0] * len(coil_b.windings), order, loop_points)


def inductance(coil: Coil, *, internal: bool = True, order: int = GAUSS_ORDER,
               loop_points: int = LOOP_POINTS) -> float:
    """Self inductance [H] of ``coil`` (windings in series, weights and turns included).

    ``internal=True`` (default): low-frequency value including the internal inductance of a
    uniform current; ``internal=False``: high-frequency value (skin effect, no internal
    inductance). See the module docstring for the method and its accuracy.
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    order = check.positive_int("order", order)
    loop_points = check.positive_int("loop_points", loop_points, minimum=8)
    offsets = [_gmd(w, bool(internal), k) for k, w in enumerate(coil.windings)]
    return _flux(coil, coil, offsets, order, loop_points)


def inductance_matrix(coils: list[Coil], **options) -> np.ndarray:
    """Symmetric matrix of self (diagonal) and mutual inductances [H] of ``coils``, e.g. the
    three axes of a gradient set (off-diagonal terms are their coupling)."""
    cs = list(coils)
    n = len(cs)
    m = np.zeros((n, n))
    for i in range(n):
        m[i, i] = inductance(cs[i], **options)
        for j in range(i + 1, n):
            m[i, j] = m[j, i] = 0.5 * (mutual_inductance(cs[i], cs[j], **options)
                                       + mutual_inductance(cs[j], cs[i], **options))
    return m
