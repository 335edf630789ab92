"""Contour-level optimisation: after a stream function psi is cut into wires at the levels
c_k (``contours.levels``), the level values themselves (for an axisymmetric coil: the ring
positions) are tuned to maximise the wires' own eta^2/L under the deviation bound and the
wire-spacing rule, by a sequential linearised program whose every step is judged on the true
wires.

Parameters. The N distinct level magnitudes a_k (k = 1..N) move the levels +a_k and -a_k
together (the stream function's sign symmetry); group k is every contour loop at +-a_k, each
loop carrying the wire current I = 1 A along the face currents.

First-order model (all derivatives per unit change of a_k, exact for the piecewise-linear psi):

- Contour motion. In a face, psi is linear, so a point that stays on the level set psi = c + dc
  moves by dr with grad(psi) . dr = dc; its component normal to the contour (the only one that
  changes the wire) is dr = grad(psi) dc / |grad(psi)|^2. The face gradient follows from the face
  current J = grad(psi) x n as grad(psi) = n x J (Poole & Bowtell, Concepts Magn. Reson. B 31,
  162 (2007), eq. 2).
- Field. A filament segment dl carrying I that moves by dr sweeps a strip whose boundary
  current is the change of the wire: to first order the field of a magnetic dipole
  m = I dr x dl at the segment (the moment of a small plane current loop is I times its vector
  area, Jackson, Classical Electrodynamics 3rd ed., sec. 5.6; its field
  B = mu0/(4 pi) [3 r_hat (r_hat . m) - m] / r^3, eq. 5.56). Summed over the segments of group k this gives
  dBz/da_k at the check points and, by the analytic derivative of the dipole field at the centre,
  d eta/da_k.
- Inductance. At a fixed current the magnetic energy W = L I^2 / 2 changes by
  dW = I^2 dL / 2 = F . dr (the source supplies twice the mechanical work; Jackson sec. 5.16),
  with the Lorentz force F = I dl x B_avg on each segment, so
  dL = 2 sum_segments B_avg . (dr x dl) (the flux of the wire set's field through the swept
  strips: Neumann's M = oint A . dl (Jackson eq. 5.156) varied by Stokes' theorem). B_avg is the
  field of the whole wire set averaged over the wire's cross-section; for a round wire with
  uniform current this is the field averaged over a circle at the geometric mean distance
  g = a e^(-1/4) round the centre line (Maxwell, Treatise vol. 2 art. 692; for a circular loop it
  gives dL/dR = mu0 (ln(8R/a) - 3/4), the derivative of the ring's self inductance
  mu0 R (ln(8R/a) - 7/4), Grover 1946): four points round each segment midpoint, where the
  segment's own field averages out exactly and its neighbours' gives the curvature term
  (of the polygon: its self part is approximate, the mutual part exact).
- Spacing. The distance d between the nearest points of two loops changes by
  u . (dr_1 - dr_2), u the unit vector between them.

Step (a linearised trust-region program, Nocedal & Wright, Numerical Optimization 2nd ed., ch. 4
and 18): maximise (eta + g . x)^2 / (L + l . x) subject to |Bz + D x - (eta + g . x) s| <=
AIM_MODEL eps (eta + g . x) scale(s) at the check points (the same measure as
``analysis.gradient.bounded_deviation``), the spacing rows d + dd x >= pitch, the levels kept on
their side of every saddle value of psi (``contours.saddle_levels``: the topology must not change
within a step), ordered and inside (0, max|psi|), and |x_k| <= the trust radius; solved by SLSQP
(Kraft, DFVLR-FB 88-28 (1988)) on cutting planes (the rows nearest to binding first, then every row
the solution violates: Kelley, J. SIAM 8, 703 (1960)). The wires at the new levels are then built
and judged on the dense check (``analysis.dense_field_deviation``), the spacing rule and their own
inductance: a step is accepted only when they meet the bound and the spacing and raise eta^2/L;
otherwise the trust radius shrinks and the model is corrected along the rejected step x by the
trial's measured departure from it, scaled as (y . x / |x|^2)^2 (a second-order term along x). A
step accepted only with that correction shrinks the radius once more for the next model, which
starts without it: the plain linear model's last step at the radius it had was rejected, a poor fit
after which a trust region shrinks (Nocedal & Wright, alg. 4.1). A trial that meets the bounds is
linearised, and the next step solved and built, while its own inductance is computed (on a worker
thread when ``tune_levels`` is given an executor): that model's L is the one predicted by the model
the trial came from, L + dL . x (its step only scales with dL/L), and the trial is then accepted or
not on its exact eta^2/L; the look-ahead is dropped when it is not. The optimisation ends after STEPS
accepted steps, after REJECTIONS rejected steps in a row, or when the model predicts less than
MIN_GAIN. Wire sets already judged are not built again: the start may be the refinement's own
wires, and for the "dsv" measure the trials may be judged on the DSV's sphere alone (the error
field is harmonic: its maximum sits there) and the returned one on the whole dense set
(``tune_levels``). Everything is deterministic (no random start; SLSQP and the check sets are fixed
by the inputs).

Stray windings: a contour nest of a single loop beside nests of several loops (a level that
just cuts a plateau of psi beside the main windings) is not a winding of its own; the levels
are optimised with such nests dropped (``without_strays``), and the wire set without them is
returned when it meets the bounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace

import numpy as np
from scipy.constants import mu_0
from scipy.optimize import minimize
from scipy.spatial import cKDTree

from coildesign._runtime import one_blas_thread
from coildesign.analysis.gradient import (
    DeviationCheck,
    bounded_deviation,
    dense_field_deviation,
    deviation_scale,
    gradient_efficiency,
)
from coildesign.analysis.inductance import GAUSS_ORDER, geometric_mean_distance, inductance
from coildesign.analysis.regions import Region
from coildesign.coil import Coil, Winding
from coildesign.conductors import RoundWire
from coildesign.design.contours import ContourLoop
from coildesign.fields import field
from coildesign.fields.fieldmap import evaluate_by_symmetry, point_orbits
from coildesign.surfaces.surfaces import Surface

AIM_MODEL = 0.98
"""The linearised program holds the deviation to this fraction of the bound at its check
points (the true wires are then judged on the dense set, which also samples between them)."""
MODEL_SURFACE = 1500
"""Fibonacci points on the DSV surface where the model holds the bound (the error field is
harmonic: its extremes sit on the surface), plus a grid at spacing R/5 inside."""
ACTIVE = 0.6
"""Check points where the wires deviate by at least this fraction of the bound enter the model."""
THIN = 6
"""Of the other check points every THIN-th enters the model."""
TRUST = 0.25
"""Initial trust radius of a step, in units of the mean level spacing."""
STEPS = 5
"""Accepted steps per optimisation (each wire set built costs ~0.5-1 s of CPU on
benchmarks/bench_design.py's problem: build, dense check, spacing, inductance; a rejected trial
does not use up a step, the REJECTIONS rule bounds them: at most STEPS REJECTIONS
wire sets). Measured there (dense checks one point per mirror orbit): y 674.9 -> 676.9, 679.3,
680.3, 680.6 (six wire sets, two rejected at 5.031 and 5.008 %); z (strays dropped) 1055.6,
1060.3, 1063.2, 1063.9, 1065.4 (seven, two rejected at 5.011 and 5.014 %). Without the shrink after
a corrected step: y 681.0 from nine wire sets (four rejected), z 1065.5 from eight, 20 % more CPU
for y."""
REJECTIONS = 2
"""The optimisation ends after this many rejected steps in a row: the model then misses what the
wires do (on the 12 mm Gy of the tests, pointwise: three trials in a row missed the bound or the
spacing by 0.1-1 %)."""
SHRINK = 0.7
"""Trust radius after a rejected step, as a fraction of the last."""
WORKING_ROWS = 64
"""Rows of the linearised program given to SLSQP at first (the nearest to binding); rows the
solution violates are added and the program solved again (``_step``)."""
MIN_GAIN = 1e-3
"""A step whose predicted relative gain in eta^2/L is below this ends the optimisation."""
SPACING_REACH = 4.0
"""Points of loops nearer than this many wire pitches enter the spacing rows."""
SPACING_MARGIN = 1.02
"""The model keeps loop midpoints this many pitches apart (the wires are checked exactly)."""
MIN_LEVEL_GAP = 0.05
"""Smallest difference of neighbouring level magnitudes, in mean level spacings."""


def without_strays(chains: Sequence[Sequence[ContourLoop]]) -> list[list[ContourLoop]]:
    """The nests of ``chains`` (``contours.nests``) without stray windings: a nest of a single
    loop where another nest has several (a winding of one turn standing apart from the main
    windings). Nothing is dropped when every nest is a single loop."""
    chains = [list(c) for c in chains]
    if not chains or max(len(c) for c in chains) <= 1:
        return chains
    return [c for c in chains if len(c) > 1]


@dataclass(frozen=True)
class WireSet:
    """A wire set at given contour ``levels`` [A] and its figures at 1 A: ``efficiency``
    [T/(m A)], ``inductance`` [H], the dense deviation ``check``, ``spacing`` [m] (centre to
    centre), and the contour ``loops`` the wires follow. ``inductance_result``: the inductance,
    or the ``Future`` of its computation on a worker thread (``wire_set``), which ``inductance``
    waits for; inf marks wires that miss a bound (``admitted`` is then False)."""

    levels: np.ndarray
    coil: Coil
    junctions: list
    loops: list
    efficiency: float
    inductance_result: float | Future
    check: DeviationCheck
    spacing: float

    @property
    def inductance(self) -> float:
        """L [H] (waits for a computation still running)."""
        result = self.inductance_result
        return float(result.result()) if isinstance(result, Future) else float(result)

    @property
    def admitted(self) -> bool:
        """False when the wires missed a bound judged before their inductance (``wire_set``)."""
        return isinstance(self.inductance_result, Future) or bool(np.isfinite(self.inductance_result))

    @property
    def figure_of_merit(self) -> float:
        """eta^2 / L [T^2/(m^2 A^2 H)]."""
        return self.efficiency**2 / self.inductance


@dataclass(frozen=True)
class LevelModel:
    """First-order model of a wire set in the level magnitudes a (module doc): check-point
    field ``bz`` [T/A] and its Jacobian ``dbz`` [T/(A^2)] (per A of level), ``eta`` [T/(m A)] and
    ``deta``, ``inductance`` [H] and ``dl`` [H/A], spacing rows ``gap`` [m] and ``dgap`` [m/A]."""

    magnitudes: np.ndarray
    points: np.ndarray
    s: np.ndarray
    bz: np.ndarray
    dbz: np.ndarray
    eta: float
    deta: np.ndarray
    inductance: float
    dl: np.ndarray
    gap: np.ndarray
    dgap: np.ndarray


def magnitudes(levels: np.ndarray) -> np.ndarray:
    """The distinct level magnitudes a_k [A], ascending (levels +a and -a share one)."""
    a = np.sort(np.abs(np.asarray(levels, dtype=float)))
    keep = np.r_[True, np.diff(a) > 1e-12 * max(float(a[-1]), 1e-300)] if a.size else np.zeros(0, bool)
    return a[keep]


def levels_at(template: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The levels of ``template`` with each magnitude ``old[k]`` replaced by ``new[k]``, signs kept."""
    out = np.array(template, dtype=float)
    for a0, a1 in zip(old, new):
        hit = np.abs(np.abs(out) - a0) <= 1e-12 * max(float(np.abs(old).max()), 1e-300)
        out[hit] = np.sign(out[hit]) * a1
    return out


def _segments(loops: Sequence[ContourLoop]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(midpoints, vectors dl [m], loop index) of every segment of the closed ``loops``."""
    mids, dls, ids = [], [], []
    for n, lp in enumerate(loops):
        p = lp.points
        q = np.roll(p, -1, axis=0)
        mids.append(0.5 * (p + q))
        dls.append(q - p)
        ids.append(np.full(len(p), n))
    return np.vstack(mids), np.vstack(dls), np.concatenate(ids)


def contour_motion(surface: Surface, current: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Normal motion dr/dc [m/A] of a contour of psi at ``points`` [m] lying on ``surface``:
    grad(psi) / |grad(psi)|^2 of the face holding each point, grad(psi) = n x J from the face
    currents ``current`` (F, 3) [A/m] (module doc). The face is the one among the nearest
    centroids whose triangle contains the point (barycentric test), else the nearest."""
    tree = cKDTree(surface.centroids)
    k = min(8, len(surface.centroids))
    _, near = tree.query(points, k=k)
    near = near.reshape(len(points), k)
    corners = surface.corners[near]  # (P, k, 3, 3)
    e1 = corners[:, :, 1] - corners[:, :, 0]
    e2 = corners[:, :, 2] - corners[:, :, 0]
    w = points[:, None, :] - corners[:, :, 0]
    d11, d12, d22 = (e1 * e1).sum(-1), (e1 * e2).sum(-1), (e2 * e2).sum(-1)
    w1, w2 = (w * e1).sum(-1), (w * e2).sum(-1)
    det = d11 * d22 - d12 * d12
    u = (d22 * w1 - d12 * w2) / det
    v = (d11 * w2 - d12 * w1) / det
    inside = np.minimum(np.minimum(u, v), 1.0 - u - v)
    face = near[np.arange(len(points)), np.argmax(inside, axis=1)]
    grad = np.cross(surface.normals[face], current[face])
    return grad / np.maximum((grad * grad).sum(axis=1), 1e-300)[:, None]


def dipole_bz(points: np.ndarray, where: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """Bz [T] (P, S) at ``points`` of point dipoles ``moments`` [A m^2] at ``where`` [m]
    (Jackson eq. 5.56), one column per dipole: mu0/(4 pi) (3 (m.r) r_z / r^5 - m_z / r^3).

    Evaluated in blocks of rows of ~16k pairs (six (rows, S) planes of ~130 kB stay in L2),
    component planes instead of (P, S, 3) arrays and in-place operations, with the arithmetic of
    the plain expression in its order: r^2 = (x^2 + y^2) + z^2 and m.r = (m_x x + m_y y) + m_z z
    (numpy's order for a sum over three components), then ((3 (m.r)) r_z r^-3) / r^2 - m_z r^-3."""
    k = mu_0 / (4 * np.pi)
    n, s = len(points), len(where)
    out = np.empty((n, s))
    wx, wy, wz = (np.ascontiguousarray(where[:, j]) for j in range(3))
    mx, my, mz = (np.ascontiguousarray(moments[:, j]) for j in range(3))
    step = max(1, 16_384 // max(s, 1))
    for lo in range(0, n, step):
        p = points[lo:lo + step]
        rx = p[:, 0, None] - wx
        ry = p[:, 1, None] - wy
        rz = p[:, 2, None] - wz
        r2 = rx * rx
        t = ry * ry
        r2 += t
        np.multiply(rz, rz, out=t)
        r2 += t
        inv3 = r2**-1.5
        mr = np.multiply(rx, mx, out=rx)
        np.multiply(ry, my, out=t)
        mr += t
        np.multiply(rz, mz, out=t)
        mr += t
        mr *= 3.0
        mr *= rz
        mr *= inv3
        mr /= r2
        inv3 *= mz
        mr -= inv3
        np.multiply(k, mr, out=out[lo:lo + step])
    return out


def dipole_gradient(center: np.ndarray, s_hat: np.ndarray, where: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """d Bz / ds [T/m] (S,) at ``center`` of each dipole (analytic derivative of Jackson eq. 5.56
    along the unit vector ``s_hat``)."""
    r = center[None, :] - where
    r2 = (r * r).sum(-1)
    mr = (r * moments).sum(-1)
    rs = r @ s_hat
    ms = moments @ s_hat
    rz = r[:, 2]
    # Bz = k [3 (m.r) r_z r^-5 - m_z r^-3]; d/ds along s_hat
    term = 3.0 * (ms * rz + mr * s_hat[2]) * r2**-2.5 - 15.0 * mr * rz * rs * r2**-3.5 \
        + 3.0 * moments[:, 2] * rs * r2**-2.5
    return mu_0 / (4 * np.pi) * term


def wire_average_field(coil: Coil, mids: np.ndarray, dls: np.ndarray, radius: float, count: int = 4) -> np.ndarray:
    """B [T] (S, 3) of ``coil`` at 1 A averaged over ``count`` points on a circle of ``radius``
    [m] round each segment (midpoint ``mids``, direction ``dls``) in the plane normal to it (the
    wire-average field of the module doc). The circles of mirror-image segments are mirror images
    (their in-plane directions are built from coordinate axes), so a coil with mirror symmetries
    is evaluated at one point per orbit (``fields.fieldmap.evaluate_by_symmetry``)."""
    t = dls / np.linalg.norm(dls, axis=1)[:, None]
    helper = np.where(np.abs(t[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    e1 = np.cross(t, helper)
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = np.cross(t, e1)
    phi = 2 * np.pi * np.arange(count) / count
    ring = (np.cos(phi)[None, :, None] * e1[:, None] + np.sin(phi)[None, :, None] * e2[:, None]) * radius
    pts = (mids[:, None, :] + ring).reshape(-1, 3)
    return evaluate_by_symmetry(coil, pts).reshape(len(mids), count, 3).mean(axis=1)


def check_points(radius: float, center: np.ndarray, worst: Sequence[float] | None = None) -> np.ndarray:
    """The model's check points [m]: MODEL_SURFACE surface points and a grid at spacing R/5 in the
    sphere of ``radius`` about ``center``, plus the dense check's ``worst`` point."""
    pts = Region("sphere", radius).sample(11, n_surface=MODEL_SURFACE) + center
    return pts if worst is None else np.vstack([pts, np.asarray(worst, dtype=float)[None]])


def linearise(wires: WireSet, surface: Surface, current: np.ndarray, axis_vector: np.ndarray, center: np.ndarray,
              radius: float, wire_diameter: float, pitch: float, max_deviation: float, deviation: str,
              exclude: float, inductance: float | None = None) -> LevelModel:
    """The ``LevelModel`` of ``wires`` (module doc): surface currents ``current`` (F, 3) [A/m] of
    psi, gradient direction ``axis_vector``, DSV ``radius`` [m] about ``center``; one check point
    per orbit of the wires' mirror symmetries (``fields.fieldmap.point_orbits``); the deviation
    rows are kept where the wires deviate by ACTIVE of ``max_deviation`` or more (and at every
    THIN-th check point). ``inductance`` [H]: the model's L, when not the wires' own (e.g. a
    prediction while that is still being computed)."""
    a = magnitudes(wires.levels)
    loops = wires.loops
    mids, dls, ids = _segments(loops)
    group = np.array([int(np.argmin(np.abs(a - abs(lp.level)))) for lp in loops])[ids]
    sign = np.sign([lp.level for lp in loops])[ids]
    motion = sign[:, None] * contour_motion(surface, current, mids)  # dr / da [m/A]
    moments = np.cross(motion, dls)  # swept dipole per unit level change [m^2 / A] at 1 A
    # the coil's windings run along the loops in their current direction, or all reversed
    loop_coil = Coil([Winding(lp.points, closed=True) for lp in loops])
    orient = float(np.sign(gradient_efficiency(loop_coil, axis_vector, center=tuple(center))))
    moments *= orient
    pts = check_points(radius, center, wires.check.worst_point)
    # one point per orbit of the wires' mirror symmetries, which the level changes keep: the
    # rows of mirror-image points are the same constraint (to rounding)
    orbits = point_orbits(wires.coil, pts)
    worst = orbits.position[-1]  # the dense check's worst point or its image in the set
    pts = pts[orbits.representatives]
    bz = field(wires.coil, pts)[:, 2]
    # rows that a step can make binding: deviation above ACTIVE of the bound, and a thinned set
    near = bounded_deviation(bz, (pts - center) @ axis_vector, wires.efficiency, radius, exclude, deviation)
    keep = (near >= ACTIVE * max_deviation) | (np.arange(len(pts)) % THIN == 0)
    keep[worst] = True
    pts, bz = pts[keep], bz[keep]
    cols = dipole_bz(pts, mids, moments)
    grads = dipole_gradient(center, axis_vector, mids, moments)
    n = len(a)
    onehot = np.zeros((len(mids), n))
    onehot[np.arange(len(mids)), group] = 1.0
    dbz = cols @ onehot
    deta = grads @ onehot
    g = geometric_mean_distance(RoundWire(wire_diameter))
    b_avg = wire_average_field(wires.coil, mids, dls, g)
    dl = 2.0 * ((b_avg * moments).sum(axis=1) @ onehot)
    gap, dgap = _spacing_rows(mids, dls, motion, ids, group, n, pitch)
    return LevelModel(a, pts, (pts - center) @ axis_vector, bz, dbz, wires.efficiency, deta,
                      wires.inductance if inductance is None else inductance, dl, gap, dgap)


def _spacing_rows(mids: np.ndarray, dls: np.ndarray, motion: np.ndarray, ids: np.ndarray, group: np.ndarray, n: int,
                  pitch: float) -> tuple[np.ndarray, np.ndarray]:
    """For every segment midpoint and every other loop within SPACING_REACH pitches: the distance
    [m] to that loop (the segments round its nearest midpoint; ``dls`` the segment vectors) and
    its derivative in the level magnitudes [m/A]
    (module doc); every point of a close pair of loops has its row, since the nearest place can
    move along the loops within a step."""
    tree = cKDTree(mids)
    k = min(16, len(mids))
    dist, idx = tree.query(mids, k=k, distance_upper_bound=SPACING_REACH * pitch)
    dist, idx = dist.reshape(len(mids), k), idx.reshape(len(mids), k)
    found = np.isfinite(dist)
    i = np.repeat(np.arange(len(mids)), k).reshape(len(mids), k)[found]
    j, d = idx[found], dist[found]
    other = ids[i] != ids[j]
    i, j, d = i[other], j[other], d[other]
    if len(i) == 0:
        return np.zeros(0), np.zeros((0, n))
    key = i * (ids.max() + 1) + ids[j]  # nearest point of each other loop, per point
    order = np.lexsort((d, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    i, j = i[first], j[first]
    # distance to the polyline: the nearest point of segment j or its neighbours on the same loop
    best_d = np.full(len(i), np.inf)
    u = np.zeros((len(i), 3))
    for shift in (-1, 0, 1):
        jj = np.clip(j + shift, 0, len(mids) - 1)
        same = ids[jj] == ids[j]
        t = np.clip(((mids[i] - mids[jj]) * dls[jj]).sum(axis=1) / (dls[jj] * dls[jj]).sum(axis=1), -0.5, 0.5)
        diff = mids[i] - (mids[jj] + t[:, None] * dls[jj])
        dist = np.linalg.norm(diff, axis=1)
        better = same & (dist < best_d)
        best_d[better] = dist[better]
        u[better] = diff[better] / np.maximum(dist[better], 1e-300)[:, None]
    d = best_d
    rows = np.zeros((len(i), n))
    np.add.at(rows, (np.arange(len(i)), group[i]), (u * motion[i]).sum(axis=1))
    np.add.at(rows, (np.arange(len(i)), group[j]), -(u * motion[j]).sum(axis=1))
    return d, rows


def wire_set(levels: np.ndarray, coil: Coil, junctions: list, loops: list, spacing: float, axis_vector: np.ndarray,
             center: np.ndarray, radius: float, deviation: str, exclude: float, gmd_points: int,
             bounds: tuple[float, float] | None = None,
             check: Callable[[Coil, float], DeviationCheck] | None = None,
             admissible: Callable[[Coil, float], bool] | None = None, order: int = GAUSS_ORDER,
             executor: Executor | None = None) -> WireSet:
    """The ``WireSet`` of a built coil: efficiency (analytic Jacobian), dense deviation check
    (``check(coil, eta)``, default ``analysis.dense_field_deviation``) and inductance
    (``analysis.inductance`` with ``gmd_points`` and ``order`` Gauss nodes; cached on the coil, so
    the design's report of the returned wires reuses it). ``bounds`` (max deviation, pitch [m]):
    wires that miss either, or for which ``admissible(coil, eta)`` (a further bound of the design,
    e.g. its eddy field; judged only when the two are met) is False, get no inductance (inf).
    ``executor``: the inductance is computed there (e.g. a one-thread pool: the caller goes on,
    e.g. linearising the wires, while numpy's loops run without the GIL) and read from the
    returned ``WireSet`` when needed; the same number either way."""
    eta = gradient_efficiency(coil, axis_vector, center=tuple(center))
    if check is None:
        dense = dense_field_deviation(coil, radius, axis_vector, center=tuple(center), exclude=exclude,
                                      deviation=deviation, eta=eta)
    else:
        dense = check(coil, eta)
    missed = bounds is not None and (dense.max_deviation > bounds[0] * (1 + 1e-9) or spacing < bounds[1] * (1 - 1e-9)
                                     or (admissible is not None and not admissible(coil, eta)))
    if missed:
        value = np.inf
    elif executor is None:
        value = inductance(coil, gmd_points=gmd_points, order=order)
    else:
        value = executor.submit(inductance, coil, gmd_points=gmd_points, order=order)
    return WireSet(np.asarray(levels, dtype=float), coil, junctions, loops, eta, value, dense, spacing)


def _step(model: LevelModel, scale: np.ndarray, eps: float, pitch: float, trust: float, unit: float, top: float,
          avoid: Sequence[tuple[float, float]], meets: bool,
          curve: tuple[np.ndarray, np.ndarray, float] | None = None) -> tuple[np.ndarray, float]:
    """The linearised program's step x [A] in the level magnitudes (module doc), variables in
    units of ``unit`` [A] (the mean level spacing), |x| <= ``trust`` units, and the predicted
    relative eta^2/L. The deviation rows aim at AIM_MODEL ``eps``, or where wires that ``meets``
    the bound already deviate more at a check point, at that point's deviation (at most ``eps``).
    ``curve`` (x [A], r_bz [T/A], r_eta [T/(m A)]): a rejected step x and the true wires' departure
    from the linear model there; the deviation rows then add (y . x / |x|^2)^2 times it (the
    second-order term along x, a quadratic correction of the model fitted to that trial)."""
    a = model.magnitudes
    n = len(a)
    s = model.s
    resid = model.bz - model.eta * s
    # aim AIM_MODEL inside the bound; wires that meet it but sit closer may stay where they are
    e = np.full(len(s), AIM_MODEL * eps)
    if meets:
        e = np.minimum(eps, np.maximum(e, np.abs(resid) / (model.eta * scale)))
    # deviation rows c(y) = b - A y >= 0 (both signs of the error), y = x / unit
    a_up = (model.dbz - np.outer(s + e * scale, model.deta)) * unit
    b_up = -(resid - e * model.eta * scale)
    a_lo = (-model.dbz + np.outer(s - e * scale, model.deta)) * unit
    b_lo = resid + e * model.eta * scale
    rows, rhs = [a_up, a_lo], [b_up, b_lo]
    norm = np.concatenate([np.full(len(s), model.eta * scale.max())] * 2)
    if len(model.gap):
        target = np.minimum(model.gap, SPACING_MARGIN * pitch)
        rows.append(-model.dgap * unit)
        rhs.append(model.gap - target)
        norm = np.concatenate([norm, np.full(len(model.gap), pitch)])
    # order, range, and no level across a saddle value of psi
    order = np.zeros((n + 1, n))
    order_rhs = np.zeros(n + 1)
    gap = MIN_LEVEL_GAP * unit
    for k in range(n):
        order[k, k] = 1.0
        if k:
            order[k, k - 1] = -1.0
        order_rhs[k] = a[k] - (a[k - 1] if k else 0.0) - gap
    order[n, n - 1] = -1.0
    order_rhs[n] = top - gap - a[-1]
    rows.append(-order * unit)
    rhs.append(order_rhs)
    norm = np.concatenate([norm, np.full(n + 1, unit)])
    saddle_rows, saddle_rhs = [], []
    for value, margin in avoid:
        for sign in (1.0, -1.0):
            for k in range(n):
                side = sign * a[k] - value
                if abs(side) > margin + trust * unit or side == 0.0:
                    continue
                row = np.zeros(n)
                row[k] = -sign * np.sign(side) * unit
                saddle_rows.append(row)
                saddle_rhs.append(abs(side) - min(margin, abs(side)))
    if saddle_rows:
        rows.append(np.array(saddle_rows))
        rhs.append(np.array(saddle_rhs))
        norm = np.concatenate([norm, np.full(len(saddle_rows), unit)])
    big_a = np.vstack(rows) / norm[:, None]
    big_b = np.concatenate(rhs) / norm
    corr = np.zeros(len(big_b))
    w = np.zeros(n)
    if curve is not None:
        x_prev, r_bz, r_eta = curve
        m = len(s)
        corr[:m] = (r_bz - (s + e * scale) * r_eta) / norm[:m]
        corr[m:2 * m] = (-r_bz + (s - e * scale) * r_eta) / norm[m:2 * m]
        w = x_prev * unit / float(x_prev @ x_prev)

    tol = 1e-9 * max(float(np.abs(big_b).max()), 1.0)
    # rows that no y in the box |y_k| <= trust can violate (Hoelder: |a . y| <= |a|_1 trust, and
    # (w . y)^2 <= (|w|_1 trust)^2) are left out of the program: its feasible set is unchanged
    reach = np.abs(big_a).sum(axis=1) * trust + np.maximum(corr, 0.0) * (np.abs(w).sum() * trust) ** 2
    live = np.flatnonzero(big_b <= reach * (1.0 + 1e-9) + tol)

    def constraints(y: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return big_b[rows] - big_a[rows] @ y - (w @ y) ** 2 * corr[rows]

    g = model.deta * unit / model.eta
    dl = model.dl * unit / model.inductance

    def objective(y: np.ndarray) -> float:
        return -((1.0 + g @ y) ** 2 / (1.0 + dl @ y))

    def gradient(y: np.ndarray) -> np.ndarray:
        u, v = 1.0 + g @ y, 1.0 + dl @ y
        return -(2.0 * u * g / v - u * u * dl / v**2)

    # cutting planes: SLSQP's subproblem grows with the rows, of which only a few bind; start from
    # the WORKING_ROWS rows nearest to binding (least slack per reach) and add every row the
    # solution violates until it meets them all
    working = live[np.argsort(big_b[live] / np.maximum(reach[live], 1e-300), kind="stable")[:WORKING_ROWS]]
    y = np.zeros(n)
    while True:
        rows = np.sort(working)
        res = minimize(objective, y, jac=gradient, method="SLSQP", bounds=[(-trust, trust)] * n,
                       constraints=[{"type": "ineq", "fun": constraints, "args": (rows,),
                                     "jac": lambda y, r: -big_a[r] - np.outer(corr[r], 2.0 * (w @ y) * w)}]
                       if len(rows) else [], options={"maxiter": 100, "ftol": 1e-10})
        y = np.asarray(res.x)
        missed = np.setdiff1d(live[constraints(y, live) < -tol], working)
        if not len(missed):
            break
        working = np.concatenate([working, missed])
    feasible_start = bool(np.all(big_b >= -tol))
    if (not np.all(constraints(y) >= -tol)
            or (feasible_start and -objective(y) < 1.0 + MIN_GAIN)):
        return np.zeros(n), 1.0
    return y * unit, -objective(y)


def optimise_levels(start: WireSet, build: Callable[[np.ndarray], WireSet], surface: Surface, psi: np.ndarray,
                    current: np.ndarray, *, axis_vector: np.ndarray, center: np.ndarray, radius: float,
                    max_deviation: float, deviation: str, exclude: float, wire_diameter: float, pitch: float,
                    avoid: Sequence[tuple[float, float]] = (), steps: int = STEPS) -> tuple[WireSet | None, dict]:
    """Tune the contour levels of ``start`` (module doc); ``build(levels)`` makes and judges the
    wire set at new levels (infinite inductance for wires that miss a bound). A rejected step
    shrinks the trust radius by SHRINK and corrects the model along it (``_step``'s ``curve``).
    It ends after ``steps`` accepted steps or REJECTIONS rejected ones in a row (each wire set built
    costs a dense check, and an inductance when it meets the bounds). Returns
    (the best wire set meeting ``max_deviation`` and the spacing ``pitch`` [m] whose eta^2/L
    beats the start's, or the start itself when it meets them; None when none does) and a log
    (figures per step)."""
    psi = np.asarray(psi, dtype=float)
    top = min(float(psi.max()) if psi.max() > 0 else np.inf, float(-psi.min()) if psi.min() < 0 else np.inf)
    a = magnitudes(start.levels)
    unit = float(a[-1]) / len(a)
    trust = TRUST

    def ok(w: WireSet) -> bool:  # meets the bounds; its inductance (maybe still running) is not read
        return (w.check.max_deviation <= max_deviation * (1 + 1e-9) and w.spacing >= pitch * (1 - 1e-9)
                and w.admitted)

    def linearised(w: WireSet, inductance: float | None = None) -> LevelModel:
        return linearise(w, surface, current, axis_vector, center, radius, wire_diameter, pitch, max_deviation,
                         deviation, exclude, inductance)

    def scale_of(m: LevelModel) -> np.ndarray:
        return deviation_scale(m.s, radius, exclude, deviation)

    best = start if ok(start) else None
    current_set = start
    # the start's eta^2/L is logged at the end: its inductance may still be running beside the first
    # linearisation
    log = {"start": None, "start_deviation": start.check.max_deviation, "steps": []}
    rejected = taken = 0
    model, curve, ahead = None, None, None
    while taken < steps and rejected < REJECTIONS:
        if ahead is None:
            if model is None:
                model = linearised(current_set)
            x, predicted = _step(model, scale_of(model), max_deviation, pitch, trust, unit, top, avoid,
                                 ok(current_set), curve)
            if not np.any(x):
                break
            trial = build(levels_at(current_set.levels, a, a + x))
        else:  # the step of the last accepted trial's model, built while its inductance ran
            model, x, predicted, trial = ahead
        # look ahead, should the trial be accepted: its model (the inductance predicted by the model
        # it came from, while its own runs on ``wire_set``'s executor), that model's step and its wires
        ahead = None
        if ok(trial) and taken + 1 < steps:
            trial_model = linearised(trial, current_set.inductance + float(model.dl @ x))
            next_trust = trust * SHRINK if curve is not None else trust
            x_next, predicted_next = _step(trial_model, scale_of(trial_model), max_deviation, pitch, next_trust,
                                           unit, top, avoid, True, None)
            a_trial = magnitudes(trial.levels)
            ahead = (trial_model, x_next, predicted_next,
                     build(levels_at(trial.levels, a_trial, a_trial + x_next)) if np.any(x_next) else None)
        accepted = ok(trial) and (best is None or trial.figure_of_merit > best.figure_of_merit)
        log["steps"].append({"predicted": predicted * current_set.figure_of_merit,
                             "figure_of_merit": trial.figure_of_merit, "deviation": trial.check.max_deviation,
                             "spacing": trial.spacing, "trust": trust, "accepted": accepted,
                             "levels": magnitudes(trial.levels).tolist()})
        rejected = 0 if accepted else rejected + 1
        taken += accepted
        if accepted:
            best, current_set, a = trial, trial, magnitudes(trial.levels)
            if curve is not None:  # the step needed the correction: the plain model reaches less far
                trust *= SHRINK
            curve = None
            if ahead is not None and ahead[3] is None:  # the trial's model offers no step
                break
        else:  # the same model, corrected to second order along the rejected step
            ahead = None
            curve = (x, field(trial.coil, model.points)[:, 2] - model.bz - model.dbz @ x,
                     trial.efficiency - model.eta - model.deta @ x)
            trust *= SHRINK
    log["start"] = start.figure_of_merit
    return best, log


@one_blas_thread()
def tune_levels(maker, psi: np.ndarray, spacing_of: Callable, axis_vector: np.ndarray, center: np.ndarray,
                radius: float, max_deviation: float, deviation: str, exclude: float, gmd_points: int,
                steps: int = STEPS, start: WireSet | None = None,
                check: Callable[[Coil, float], DeviationCheck] | None = None,
                final_check: Callable[[Coil, float], DeviationCheck] | None = None,
                admissible: Callable[[Coil, float], bool] | None = None,
                order: int = GAUSS_ORDER, executor: Executor | None = None) -> tuple[WireSet | None, dict]:
    """``optimise_levels`` for the wires a target-field design cuts from ``psi``: ``maker`` makes
    them (``make(psi, at, strays)`` of ``design.gradient``; its ``levels``, ``loops``, ``pitch``,
    ``diameter``, ``surface`` and ``ops`` after the call, ``saddles(psi)`` the saddle values to
    keep the levels from) and ``spacing_of(windings, junctions, pitch)`` measures their spacing
    [m]. The start is ``start`` (the mid-level cut without stray nests, already judged: e.g. the
    refinement's own wires when they have no stray nest) or, when None, that cut built here.
    ``check(coil, eta)``: the deviation check of the trial wire sets (default
    ``analysis.dense_field_deviation``); ``final_check``: the check that the returned wire set
    must also pass when it was not the given ``start`` (e.g. the whole dense check after a
    sphere-only ``check``); when it fails, the given ``start`` is returned (or None).
    ``admissible(coil, eta)``: a further bound the trial wire sets must meet (``wire_set``; e.g. the
    design's eddy field), judged before their inductance is computed. ``gmd_points`` and ``order``:
    the wires' inductance options (``wire_set``), computed on ``executor`` when given (``wire_set``).
    BLAS runs on one thread meanwhile (``_runtime.one_blas_thread``, set on the calling thread): some
    products round differently on one and two threads, and with the executor's thread beside the
    caller the count would otherwise change with their timing (the same inputs, other levels)."""
    s_hat = np.asarray(axis_vector, dtype=float)
    c = np.asarray(center, dtype=float)

    def build(at: np.ndarray | None) -> WireSet:
        coil, _, junctions = maker.make(psi, at, strays=False)
        return wire_set(maker.levels if at is None else at, coil, junctions, maker.loops,
                        spacing_of(coil.windings, junctions, maker.pitch), s_hat, c, radius, deviation, exclude,
                        gmd_points, None if at is None else (max_deviation, maker.pitch), check, admissible,
                        order, executor)

    given = start
    if start is None:
        start = build(None)
    best, log = optimise_levels(start, build, maker.surface, psi, maker.ops.current_density(psi), axis_vector=s_hat,
                                center=c, radius=radius, max_deviation=max_deviation, deviation=deviation,
                                exclude=exclude, wire_diameter=maker.diameter, pitch=maker.pitch,
                                avoid=maker.saddles(psi), steps=steps)
    if best is not None and best is not given and final_check is not None:
        full = final_check(best.coil, best.efficiency)
        log["final_deviation"] = full.max_deviation
        best = replace(best, check=full) if full.max_deviation <= max_deviation * (1 + 1e-9) else given
    return best, log
