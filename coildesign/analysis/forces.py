"""Lorentz forces and torques on windings: in a uniform B0, in any field, and between coils.

The force on a line current is F = I int dl x B and the torque about O is
tau = I int (r - O) x (dl x B) (Jackson, Classical Electrodynamics, 3rd ed., eqs. 5.12 and
5.13 applied to a line current).

- Uniform B0: exact. A straight segment P1 -> P2 feels F = I (P2 - P1) x B0 and, because the
  integrand is linear in r along it, tau = I ((P1 + P2)/2 - O) x ((P2 - P1) x B0); an arc of a
  circle feels I (chord) x B0; a closed circular loop of radius a and unit normal n has F = 0 and
  tau = I pi a^2 n x B0 (magnetic moment m = I pi a^2 n; Jackson eq. 5.1). A balanced gradient
  coil therefore has zero net force and (for symmetric designs) near-zero net torque.
- Another ``Coil``: its field is evaluated by the field engine (exact Biot-Savart kernels,
  ``coildesign.fields``) at Gauss-Legendre nodes along every target segment (and along arcs of
  the target's circular loops, in angle). The error of n-point Gauss-Legendre on a piece whose
  integrand is analytic inside the Bernstein ellipse of parameter rho is O(rho^-2n) (Trefethen,
  Approximation Theory and Approximation Practice (SIAM 2013), Theorem 19.3); a source wire at
  distance d from the piece's midpoint, half-length h, lies outside the ellipse of
  rho = r + sqrt(r^2 - 1), r = d/h. Pieces are halved until r >= 2 and n is chosen so that
  rho^-2n <= ``tolerance``, d being bounded from below by a k-d tree over points spaced at most
  s along the source (d >= distance to the nearest sample - s/2). Forces between separate coils
  are thus accurate to ~``tolerance`` relative and obey Newton's third law (F_ab = -F_ba, equal
  and opposite torques about a common pivot) to that accuracy. Where windings touch (r cannot
  reach 2 within ``MAX_SPLITS`` halvings) the pieces take the highest order and the result is
  only as good as the near-field quadrature allows.
- A callable B(points), a ``FieldMap`` (trilinear interpolation of its "B" array) or a
  ``SolenoidMagnet`` (the stray field of a magnet): ``order``-point Gauss-Legendre per target
  element (their fields are smooth on the windings).

The field of the source is multiplied by ``source_current`` (a Coil's current [A]; for the
other sources a factor on the field as given). Forces are bilinear in the two currents:
``Forces.scaled`` gives them at other currents (e.g. a sequence's peak currents).

Magnet stray field: an ideal finite solenoid (uniform azimuthal surface current K = n I on a
cylinder of radius a and length 2b), whose field off axis is given by Bulirsch's complete
elliptic integral cel (N. Derby and S. Olbert, 'Cylindrical magnets and ideal solenoids',
Am. J. Phys. 78, 229-235 (2010)); the formulas are in ``SolenoidMagnet``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.interpolate import RegularGridInterpolator
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign._files import atomic_path, save_figure
from coildesign.coil import Coil, LoopWinding, frame, require_coil
from coildesign.fields import field as coil_field
from coildesign.fields.fieldmap import FieldMap
from coildesign.fields.loop_kernels import bulirsch_cel

LOOP_POINTS = 64  # arcs per circular loop of a target (force density resolution)
MAX_ORDER = 24  # highest Gauss-Legendre order per piece
MAX_SPLITS = 10  # halvings of a piece (1024 pieces per element at most)
MAX_SOURCE_SAMPLES = 2_000_000  # k-d tree size bound


@dataclass(frozen=True)
class SolenoidMagnet:
    """Stray field of a magnet modelled as an ideal finite solenoid: ``radius`` a [m],
    ``length`` 2b [m], ``center_field`` B_c [T] at its centre, ``center`` [m], unit ``axis``.

    The surface current K = n I follows from the centre field of a finite solenoid,
    B_c = mu0 K b / sqrt(a^2 + b^2) (Jackson eq. 5.40 integrated over the length). Off axis
    (Derby & Olbert 2010, eqs. 26-27; local cylindrical coordinates rho, z about the centre):
    z_pm = z +- b, alpha_pm = a / sqrt(z_pm^2 + (rho + a)^2), beta_pm = z_pm / sqrt(z_pm^2 +
    (rho + a)^2), gamma = (a - rho)/(a + rho), k_pm^2 = (z_pm^2 + (a - rho)^2) / (z_pm^2 +
    (rho + a)^2), B_0 = mu0 K / pi,
    B_rho = B_0 [alpha_+ cel(k_+, 1, 1, -1) - alpha_- cel(k_-, 1, 1, -1)],
    B_z = B_0 a/(a + rho) [beta_+ cel(k_+, gamma^2, 1, gamma) - beta_- cel(k_-, gamma^2, 1, gamma)].
    Points on the current sheet itself (rho = a, |z| <= b) are refused.
    """

    radius: float
    length: float
    center_field: float
    center: np.ndarray = field(default_factory=lambda: np.zeros(3))
    axis: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))

    def __post_init__(self) -> None:
        object.__setattr__(self, "radius", check.positive("radius", self.radius))
        object.__setattr__(self, "length", check.positive("length", self.length))
        object.__setattr__(self, "center_field", check.finite("center_field", self.center_field))
        object.__setattr__(self, "center", check.vector3("center", self.center))
        object.__setattr__(self, "axis", check.unit_vector("axis", self.axis))

    @property
    def surface_current(self) -> float:
        """K = n I [A/m] giving ``center_field`` at the centre."""
        b = 0.5 * self.length
        return self.center_field * np.hypot(self.radius, b) / (mu_0 * b)

    def field(self, points: np.ndarray) -> np.ndarray:
        """B [T] (M, 3) at ``points`` [m] (M, 3)."""
        pts = check.points3("points", points)
        axes = frame(self.axis)  # rows e1, e2, axis
        local = (pts - self.center) @ axes.T
        rho = np.hypot(local[:, 0], local[:, 1])
        z = local[:, 2]
        a, b = self.radius, 0.5 * self.length
        on_sheet = np.isclose(rho, a, rtol=1e-12, atol=0) & (np.abs(z) <= b * (1 + 1e-12))
        if on_sheet.any():
            i = int(np.flatnonzero(on_sheet)[0])
            check._fail("points", "off the magnet's current sheet (rho = radius, |z| <= length/2)", pts[i].tolist())
        b0 = mu_0 * self.surface_current / np.pi
        gamma = (a - rho) / (a + rho)
        br = np.zeros_like(rho)
        bz = np.zeros_like(rho)
        for sign in (1.0, -1.0):
            zs = z + sign * b
            den = np.sqrt(zs * zs + (rho + a) ** 2)
            kc = np.sqrt(zs * zs + (a - rho) ** 2) / den
            br += sign * (a / den) * bulirsch_cel(kc, 1.0, 1.0, -1.0)
            bz += sign * (zs / den) * bulirsch_cel(kc, gamma * gamma, 1.0, gamma)
        br *= b0
        bz *= b0 * a / (a + rho)
        safe = np.where(rho > 0, rho, 1.0)
        bx = np.where(rho > 0, br * local[:, 0] / safe, 0.0)
        by = np.where(rho > 0, br * local[:, 1] / safe, 0.0)
        return np.column_stack([bx, by, bz]) @ axes

    def __call__(self, points: np.ndarray) -> np.ndarray:
        return self.field(points)


@dataclass(frozen=True)
class Forces:
    """Per-winding forces [N] and torques [N m] (about ``origin``), their totals, and the
    force on every element of the target's path (polyline segments; arcs of circular loops)."""

    forces: np.ndarray  # (n_windings, 3)
    torques: np.ndarray  # (n_windings, 3)
    origin: np.ndarray  # (3,)
    segment_points: np.ndarray | None = None  # (n_elements, 3) [m] midpoints on the path
    segment_lengths: np.ndarray | None = None  # (n_elements,) [m] path lengths (one turn)
    segment_forces: np.ndarray | None = None  # (n_elements, 3) [N] (turns included)
    segment_winding: np.ndarray | None = None  # (n_elements,) winding index

    @property
    def net_force(self) -> np.ndarray:
        """Total force [N]."""
        return self.forces.sum(axis=0)

    @property
    def net_torque(self) -> np.ndarray:
        """Total torque about ``origin`` [N m]."""
        return self.torques.sum(axis=0)

    @property
    def force_density(self) -> np.ndarray:
        """Force per unit length of path [N/m] on every element, (n_elements, 3)."""
        return self.segment_forces / self.segment_lengths[:, None]

    def scaled(self, factor: float) -> Forces:
        """All forces and torques times ``factor`` (forces are linear in each current)."""
        f = check.finite("factor", factor)
        return replace(self, forces=f * self.forces, torques=f * self.torques,
                       segment_forces=None if self.segment_forces is None else f * self.segment_forces)

    def plot(self, coil: Coil, ax=None, *, every: int = 1, path: str | os.PathLike | None = None):
        """The windings of ``coil`` (``Coil.plot``) with the element forces drawn as arrows
        (longest arrow ~ 15 % of the coil's extent; every ``every``-th element); returns the axes."""
        step = check.positive_int("every", every)
        ax = coil.plot(ax, arrows=False)
        p = 1e3 * self.segment_points[::step]
        f = self.segment_forces[::step]
        big = float(np.abs(f).max()) or 1.0
        span = float(np.ptp(1e3 * self.segment_points, axis=0).max()) or 1.0
        v = f / big * 0.15 * span
        ax.quiver(p[:, 0], p[:, 1], p[:, 2], v[:, 0], v[:, 1], v[:, 2], color="C2", arrow_length_ratio=0.3, lw=0.8)
        ax.set_title(f"{coil.name}: net force ({', '.join(f'{x:.3g}' for x in self.net_force)}) N")
        if path is not None:
            save_figure(ax.figure, path)
        return ax

    def to_vtk(self, path: str | os.PathLike):
        """Write the elements as VTK poly data (``.vtp``): one vertex per element (its midpoint on
        the path) with point arrays ``force [N]``, ``force density [N/m]`` and ``winding [1]``
        (ParaView's Glyph filter draws the vectors);
        pyvista is imported here (vtk is heavy). Atomic; returns the path."""
        import pyvista as pv

        n = len(self.segment_points)
        poly = pv.PolyData(self.segment_points,
                           verts=np.column_stack([np.ones(n, dtype=np.int64), np.arange(n)]).ravel())
        poly.point_data["force [N]"] = self.segment_forces
        poly.point_data["force density [N/m]"] = self.force_density
        poly.point_data["winding [1]"] = self.segment_winding
        target = os.fspath(path)
        with atomic_path(target) as tmp:
            poly.save(str(tmp), binary=True)
        return target


@dataclass(frozen=True)
class _Elements:
    """Target path elements: straight segments (kind 0) or arcs of circles (kind 1), each
    x(u), u in [0, 1]."""

    kind: np.ndarray  # (E,) 0 segment, 1 arc
    p1: np.ndarray  # (E, 3) segment start / arc centre
    p2: np.ndarray  # (E, 3) segment end
    e1: np.ndarray  # (E, 3) arc frame (radius included)
    e2: np.ndarray
    phi0: np.ndarray  # (E,)
    dphi: np.ndarray  # (E,)
    current: np.ndarray  # (E,) [A] current x weight x turns
    winding: np.ndarray  # (E,)
    length: np.ndarray  # (E,) [m]

    def position(self, idx: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x(u) and dx/du at elements ``idx``."""
        seg = (self.kind[idx] == 0)[:, None]
        phi = self.phi0[idx] + u * self.dphi[idx]
        c, s = np.cos(phi)[:, None], np.sin(phi)[:, None]
        d = self.p2[idx] - self.p1[idx]
        x = np.where(seg, self.p1[idx] + u[:, None] * d, self.p1[idx] + c * self.e1[idx] + s * self.e2[idx])
        dx = np.where(seg, d, self.dphi[idx][:, None] * (-s * self.e1[idx] + c * self.e2[idx]))
        return x, dx


def _elements(coil: Coil, current: float, loop_points: int) -> _Elements:
    rows = {k: [] for k in ("kind", "p1", "p2", "e1", "e2", "phi0", "dphi", "current", "winding", "length")}
    for k, (w, wt) in enumerate(zip(coil.windings, coil.weights)):
        i = current * wt * w.turns
        if isinstance(w, LoopWinding):
            fr = frame(w.normal)
            n = loop_points
            dphi = 2 * np.pi / n
            rows["kind"].append(np.ones(n, dtype=np.int8))
            rows["p1"].append(np.repeat(w.center[None], n, axis=0))
            rows["p2"].append(np.zeros((n, 3)))
            rows["e1"].append(np.repeat(w.radius * fr[0][None], n, axis=0))
            rows["e2"].append(np.repeat(w.radius * fr[1][None], n, axis=0))
            rows["phi0"].append(dphi * np.arange(n))
            rows["dphi"].append(np.full(n, dphi))
            rows["length"].append(np.full(n, w.radius * dphi))
        else:
            v = w.vertices
            n = len(v) - 1
            rows["kind"].append(np.zeros(n, dtype=np.int8))
            rows["p1"].append(v[:-1])
            rows["p2"].append(v[1:])
            for key in ("e1", "e2"):
                rows[key].append(np.zeros((n, 3)))
            rows["phi0"].append(np.zeros(n))
            rows["dphi"].append(np.zeros(n))
            rows["length"].append(np.sqrt((np.diff(v, axis=0) ** 2).sum(axis=1)))
        rows["current"].append(np.full(n, i))
        rows["winding"].append(np.full(n, k))
    return _Elements(**{k: np.concatenate(v) for k, v in rows.items()})


def _source_samples(source: Coil, spacing: float) -> np.ndarray:
    """Points along the source's conductors at most ``spacing`` apart (vertices included)."""
    out = []
    for w in source.windings:
        if isinstance(w, LoopWinding):
            n = max(8, int(np.ceil(2 * np.pi * w.radius / spacing)))
            fr = frame(w.normal)
            t = 2 * np.pi * np.arange(n) / n
            out.append(w.center + w.radius * (np.outer(np.cos(t), fr[0]) + np.outer(np.sin(t), fr[1])))
        else:
            v = w.vertices
            d = np.diff(v, axis=0)
            m = np.maximum(1, np.ceil(np.sqrt((d * d).sum(axis=1)) / spacing)).astype(np.int64)
            seg = np.repeat(np.arange(len(d)), m)
            frac = (np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)) / np.repeat(m, m)
            out.append(v[seg] + frac[:, None] * d[seg])
            out.append(v[-1:])
    return np.vstack(out)


def _gauss(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


def _pieces_for(el: _Elements, source: Coil, tolerance: float):
    """(element index, u start, u end, order) of the adaptive pieces (module doc)."""
    n_el = len(el.kind)
    spacing = 0.5 * float(np.median(el.length))
    src_len = sum(w.path_length for w in source.windings)
    spacing = max(spacing, src_len / MAX_SOURCE_SAMPLES)
    tree = cKDTree(_source_samples(source, spacing))
    idx = np.arange(n_el)
    ua, ub = np.zeros(n_el), np.ones(n_el)
    done_i, done_a, done_b, done_n = [], [], [], []
    for depth in range(MAX_SPLITS + 1):
        mid, _ = el.position(idx, 0.5 * (ua + ub))
        d = tree.query(mid)[0] - 0.5 * spacing
        half = 0.5 * el.length[idx] * (ub - ua)
        r = d / half
        ok = r >= 2.0 if depth < MAX_SPLITS else np.ones(len(idx), dtype=bool)
        rr = np.maximum(r[ok], 1.0 + 1e-3)
        rho = rr + np.sqrt(rr * rr - 1.0)
        n = np.clip(np.ceil(np.log(1.0 / tolerance) / (2.0 * np.log(rho))) + 1, 2, MAX_ORDER).astype(np.int64)
        done_i.append(idx[ok])
        done_a.append(ua[ok])
        done_b.append(ub[ok])
        done_n.append(n)
        if ok.all():
            break
        idx, ua, ub = idx[~ok], ua[~ok], ub[~ok]
        mid_u = 0.5 * (ua + ub)
        idx, ua, ub = np.concatenate([idx, idx]), np.concatenate([ua, mid_u]), np.concatenate([mid_u, ub])
    return (np.concatenate(done_i), np.concatenate(done_a), np.concatenate(done_b), np.concatenate(done_n))


def _quadrature(el: _Elements, pieces, origin: np.ndarray, field_at: Callable[[np.ndarray], np.ndarray]):
    """Element forces (E, 3) and per-node torque contributions summed per element (E, 3)."""
    idx, ua, ub, order = pieces
    node_idx, node_u, node_w = [], [], []
    for n in np.unique(order):
        sel = order == n
        x, w = _gauss(int(n))
        span = (ub[sel] - ua[sel])[:, None]
        node_idx.append(np.repeat(idx[sel], int(n)))
        node_u.append((ua[sel][:, None] + span * x[None]).ravel())
        node_w.append((span * w[None]).ravel())
    ni, nu, nw = np.concatenate(node_idx), np.concatenate(node_u), np.concatenate(node_w)
    x, dx = el.position(ni, nu)
    b = field_at(x)
    f = (nw * el.current[ni])[:, None] * np.cross(dx, b)
    tq = np.cross(x - origin, f)
    n_el = len(el.kind)
    forces = np.column_stack([np.bincount(ni, f[:, c], n_el) for c in range(3)])
    torques = np.column_stack([np.bincount(ni, tq[:, c], n_el) for c in range(3)])
    return forces, torques


def _fieldmap_interpolator(fm: FieldMap) -> Callable[[np.ndarray], np.ndarray]:
    if "B" not in fm.arrays:
        check._fail("source", "a FieldMap with a 'B' array", sorted(fm.arrays))
    if min(fm.shape) < 2:
        check._fail("source", "a 3-D FieldMap (at least 2 points along every axis) to interpolate B", fm.shape)
    axes = [fm.origin[i] + fm.spacing[i] * np.arange(fm.shape[i]) for i in range(3)]
    interp = RegularGridInterpolator(axes, fm.grid_values("B"), method="linear", bounds_error=False,
                                     fill_value=np.nan)

    def at(points: np.ndarray) -> np.ndarray:
        out = interp(points)
        if not np.isfinite(out).all():
            i = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
            check._fail("source", f"a FieldMap covering the target's conductors (point {points[i].tolist()} m "
                        "lies outside it)", fm.name)
        return out

    return at


def _callable(fn) -> Callable[[np.ndarray], np.ndarray]:
    def at(points: np.ndarray) -> np.ndarray:
        out = np.asarray(fn(points), dtype=float)
        if out.shape != points.shape or not np.isfinite(out).all():
            check._fail("source", "a callable returning finite B [T] of shape (M, 3) for points (M, 3)",
                        f"shape {out.shape}")
        return out

    return at


def lorentz_forces(
    coil: Coil,
    source=None,
    current: float = 1.0,
    *,
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0),
    source_current: float = 1.0,
    b0: float | tuple[float, float, float] | None = None,
    tolerance: float = 1e-10,
    order: int = 4,
    loop_points: int = LOOP_POINTS,
) -> Forces:
    """Forces and torques (about ``origin`` [m]) on each winding of ``coil`` carrying
    ``current`` [A] in the field of ``source`` (module doc):

    - a number B0 [T] (along +z) or a 3-vector [T]: uniform field, exact (default 1 T along z;
      ``b0=`` is the same argument under its former name);
    - another ``Coil`` carrying ``source_current`` [A] (adaptive quadrature to ``tolerance``);
    - a ``SolenoidMagnet``, a ``FieldMap`` with "B", or a callable points (M, 3) -> B (M, 3) [T]
      (``order``-point Gauss-Legendre per element), times ``source_current``.

    ``loop_points``: arcs per circular loop of ``coil`` (the resolution of the force density).
    """
    require_coil("coil", coil)
    if b0 is not None and source is not None:
        check._fail("b0", "None when source is given (b0 is the former name of source)", b0)
    src = b0 if source is None else source
    if src is None:
        src = 1.0
    cur = check.finite("current", current)
    o = check.vector3("origin", origin)
    s_cur = check.finite("source_current", source_current)
    tol = check.in_range("tolerance", tolerance, 1e-15, 1e-2)
    n_order = check.positive_int("order", order, maximum=MAX_ORDER)
    n_loop = check.positive_int("loop_points", loop_points, minimum=4, maximum=1_000_000)
    el = _elements(coil, cur, n_loop)
    n_w = len(coil.windings)
    uniform = False
    if isinstance(src, Coil):
        if src is coil:
            check._fail("source", "another coil (forces of a coil on itself: split it into parts and pass one "
                        "part as source)", src.name)
        pieces = _pieces_for(el, src, tol)
        seg_f, seg_t = _quadrature(el, pieces, o, lambda p: coil_field(src, p, s_cur))
    elif isinstance(src, (SolenoidMagnet, FieldMap)) or callable(src):
        at = (_fieldmap_interpolator(src) if isinstance(src, FieldMap)
              else _callable(src.field if isinstance(src, SolenoidMagnet) else src))
        n_el = len(el.kind)
        pieces = (np.arange(n_el), np.zeros(n_el), np.ones(n_el), np.full(n_el, n_order))
        seg_f, seg_t = _quadrature(el, pieces, o, lambda p: s_cur * at(p))
    else:
        if isinstance(src, (bool, np.bool_, str, bytes)):
            check._fail("source", "a B0 [T] (number or 3-vector), a Coil, a SolenoidMagnet, a FieldMap or a "
                        "callable B(points)", src, TypeError)
        bvec = (np.array([0.0, 0.0, check.finite("source", src)]) if np.isscalar(src)
                else check.vector3("source", src)) * s_cur
        seg_f, seg_t = _uniform(coil, el, bvec, o)
        uniform = True
    wf = np.column_stack([np.bincount(el.winding, seg_f[:, c], n_w) for c in range(3)])
    wt = np.column_stack([np.bincount(el.winding, seg_t[:, c], n_w) for c in range(3)])
    if uniform:  # a closed circle in a uniform field: exactly no force (the chords sum to 0 up to rounding)
        wf[[k for k, w in enumerate(coil.windings) if isinstance(w, LoopWinding)]] = 0.0
    mid, _ = el.position(np.arange(len(el.kind)), np.full(len(el.kind), 0.5))
    return Forces(wf, wt, o, mid, el.length, seg_f, el.winding)


def _uniform(coil: Coil, el: _Elements, b: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact element forces in a uniform field, and torques per element whose sum per winding
    is exact (segments: midpoint rule, exact for a linear integrand; loops: m x B on the first
    arc of each loop, 0 on the others)."""
    n_el = len(el.kind)
    x0, _ = el.position(np.arange(n_el), np.zeros(n_el))
    x1, _ = el.position(np.arange(n_el), np.ones(n_el))
    f = el.current[:, None] * np.cross(x1 - x0, b)
    tq = np.cross(0.5 * (x0 + x1) - o, f)
    for k, w in enumerate(coil.windings):
        if isinstance(w, LoopWinding):
            arcs = np.flatnonzero(el.winding == k)
            tq[arcs] = 0.0
            tq[arcs[0]] = np.cross(el.current[arcs[0]] * np.pi * w.radius**2 * w.normal, b)
    return f, tq
