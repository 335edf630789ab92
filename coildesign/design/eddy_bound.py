"""The eddy-field bound of a target-field design: QP rows linear in the stream function, and the
check of the wires' eddy field on a dense time grid.

Derivation. The design's stream function is psi = B x (B: the reduced basis of the design
surfaces, x: the QP unknowns, psi [A] at the design gradient G0). Switched on as a step at
t = 0, its current pattern induces currents u(t) in the conducting shells; their circuit
equations L u' + R u = -M_sd x dI/dt (``coildesign.eddy.modes`` module doc; Peeren,
J. Comput. Phys. 191, 305 (2003)) decouple in the modes V (V^T L V = 1, V^T R V = diag lambda):
after a unit step the mode amplitudes are q_i(t) = -(v_i^T M_sd x) exp(-lambda_i t)
(``coildesign.eddy.response`` module doc). M_sd [H] (K_shell, K) is the mutual inductance of the
shells' patterns with the design's basis functions, Neumann's double integral over both
surfaces (``coildesign.eddy.sheet``). With F_z,i(r) the Bz [T] of mode i at unit amplitude,
the eddy field is

    Bz_e(r, t) = E(r, t) x,   E(r, t) = -sum_i F_z,i(r) exp(-lambda_i t) v_i^T M_sd   [T per unit x],

linear in x for every r and t: the bound |Bz_e(r, t)| <= f(t) G0 R_dsv is a pair of linear
inequalities per (r, t), the same kind of row as the field-deviation bound (Poole & Bowtell,
Concepts Magn. Reson. B 31, 162 (2007)). bfieldtools' "minimal eddy current cylindrical coil
design" example bounds the eddy field the same way at chosen instants (Zetter et al.,
J. Appl. Phys. 128, 034901 (2020)); here every mode of the shells is kept and the bound holds at
all times from the first listed one on:

- the bound f(t) decays through the listed (t_j, f_j): log-linear between them,
  f(t) = f_j (f_{j+1}/f_j)^((t - t_j)/(t_{j+1} - t_j)) (the shape of one exponential mode
  through both values), and f_n after the last listed time;
- points: the DSV surface (a Fibonacci lattice). The shells lie outside the DSV, so Bz_e is
  harmonic in it and takes its extremes on the surface (maximum principle; Kellogg,
  Foundations of Potential Theory (1929), ch. X);
- QP times: the listed ones, ``QP_SUBSTEPS`` between each pair, and the last plus
  ``AFTER`` x tau_max (the slowest mode);
- the wires: ``gradient_coil``'s refinement shifts the eddy rows by the error the wires of the
  previous solution added there (``EddyRows.of``, as it does the field-deviation rows) and
  prefers wire sets that meet them;
- check of the wires (``check_eddy``): ``eddy.step_response`` of the connected coil (its own
  coupling, independent of the rows) at ``CHECK_POINTS`` surface points, on ``CHECK_TIMES``
  log-spaced times from t_1 to t_end (and the listed ones), normalised to the wires' eta R_dsv.
  t_end is the first time t_n + 2^k tau_max at which the envelope max_r sum_i |g_i(r)|
  exp(-lambda_i t) (g_i the wires' mode fields) is below f_n eta R_dsv: the envelope bounds
  |Bz_e| and decreases, so the bound holds at every later time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.analysis.regions import fibonacci_sphere
from coildesign.coil import Coil
from coildesign.eddy import Modes, SheetCurrent, Shell, modes, step_response
from coildesign.eddy.sheet import sheet_coupling
from coildesign.surfaces import StreamFunctionOperators

QP_SUBSTEPS = 3
"""Times of the QP rows between two listed times (log-linear bound, module doc)."""
AFTER = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
"""QP times after the last listed one, in units of the slowest mode's time constant."""
QP_POINTS = 300
"""DSV surface points of the QP rows in the part of the surface that symmetry leaves (the eddy
field is smooth: its sources are far away)."""
CHECK_POINTS = 1000
"""DSV surface points of the wires' check."""
CHECK_TIMES = 400
"""Log-spaced times of the wires' check (module doc)."""
REFINE_ORDER = 2
"""Gauss order of the wires' coupling in ``EddyRows.of`` (4 points a shell face; the check uses
``eddy.modes.COUPLING_ORDER``): on ``benchmarks/bench_eddy.py design``'s unbounded Gy coil its
modal couplings differ from order 3's by 7.5e-6 of the largest, at 1/2.3 of the cost."""
ACTIVE = 1e-14
"""Modes whose coupling to every basis function is below this share of the largest (squared)
are left out of the rows: they are uncoupled from the design by symmetry, to round-off."""


@dataclass(frozen=True, eq=False)
class EddyBound:
    """``gradient_coil``'s ``eddy=(shells, times, max_fraction)``: the shells' ``modes``, the
    listed ``times`` [s] (increasing) and ``fractions`` (of G0 R_dsv) of the bound f(t) (module doc)."""

    modes: Modes
    times: np.ndarray
    fractions: np.ndarray

    def limit(self, times) -> np.ndarray:
        """f(t) (fraction of G R_dsv) at ``times`` [s] >= the first listed time: log-linear
        between the listed values, the last one after them."""
        t = np.atleast_1d(np.asarray(times, dtype=float))
        if self.times.size == 1:
            return np.full(t.shape, self.fractions[0])
        return np.exp(np.interp(t, self.times, np.log(self.fractions)))

    def qp_times(self) -> np.ndarray:
        """Times [s] of the QP rows (module doc)."""
        inner = [np.linspace(a, b, QP_SUBSTEPS + 2)[:-1] for a, b in zip(self.times[:-1], self.times[1:])]
        tau = float(self.modes.time_constants[0])
        return np.unique(np.concatenate(inner + [self.times[-1:], self.times[-1] + tau * np.array(AFTER)]))


def eddy_bound(eddy) -> EddyBound:
    """Parse ``gradient_coil``'s ``eddy`` = (shells, times, max_fraction): ``shells`` a
    ``Shell``, a sequence of them or their ``eddy.Modes`` (every unknown of the meshes unless
    the Modes were made with a smaller basis); ``times`` [s] positive and increasing;
    ``max_fraction`` one fraction of G0 R_dsv in (0, 1] or one per time."""
    if not isinstance(eddy, tuple | list) or len(eddy) != 3:
        check._fail("eddy", "a tuple (shells, times [s], max_fraction)", eddy, TypeError)
    shells, times, fractions = eddy
    if not isinstance(shells, Modes):
        if isinstance(shells, Shell):
            shells = (shells,)
        if not isinstance(shells, tuple | list) or not shells or not all(isinstance(s, Shell) for s in shells):
            check._fail("eddy", "shells given as an eddy.Shell, a sequence of them or their eddy.Modes", eddy[0],
                        TypeError)
    t = np.atleast_1d(np.asarray(check.real_array("eddy times", times), dtype=float))
    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t <= 0) or np.any(np.diff(t) <= 0):
        check._fail("eddy times", "positive, finite and increasing times [s]", times)
    f = np.atleast_1d(np.asarray(check.real_array("eddy max_fraction", fractions), dtype=float))
    if f.size == 1:
        f = np.full(t.shape, f[0])
    if f.shape != t.shape or not np.all(np.isfinite(f)) or np.any(f <= 0) or np.any(f > 1):
        check._fail("eddy max_fraction", f"one fraction in (0, 1] or one per time ({t.size})", fractions)
    m = shells if isinstance(shells, Modes) else modes(shells)
    return EddyBound(m, t, f)


def surface_points(dsv_radius: float, center: np.ndarray, count: int) -> np.ndarray:
    """``count`` points [m] of a Fibonacci lattice on the DSV surface and its six poles on the
    coordinate axes (where a gradient's eddy field often peaks)."""
    poles = np.vstack([np.eye(3), -np.eye(3)])
    return dsv_radius * np.vstack([fibonacci_sphere(count), poles]) + center


@dataclass(frozen=True, eq=False)
class EddyRows:
    """QP rows of the eddy bound (``eddy_rows``): ``matrix`` E (P, K) [T per unit x] of Bz_e at
    the DSV surface ``points`` and the QP ``times`` (row index t * len(points) + p) and ``limit``
    f(t) G0 R_dsv [T] of each row; ``of`` gives the same rows for a wire coil.

    ``fields`` (I, P_points, n) [T]: F_z of every mode at the points (image 0) and
    at their mirror images g r = c + s_g (r - c) under the design's mirrors (images 1..I-1;
    ``images`` (I, 3) the signs s_g), ``parity`` (I,) the design's field parity of each image
    (Bz_e(g r) = p_g Bz_e(r) for a symmetric stream function)."""

    matrix: np.ndarray
    limit: np.ndarray
    points: np.ndarray
    times: np.ndarray
    bound: EddyBound
    active: np.ndarray
    fields: np.ndarray
    gradient: float
    images: np.ndarray
    parity: np.ndarray

    def of(self, coil: Coil | SheetCurrent, efficiency: float, order: int = REFINE_ORDER) -> np.ndarray:
        """Bz_e [T] of ``coil``'s step at the rows' points and times, scaled to the design
        gradient (x gradient / ``efficiency`` [T/(m A)]): the wires' values of ``matrix @ x``
        (coupling by the Gauss rule of ``order``, ``Modes.coupling``). Wires are not exactly
        symmetric (leads, jogs): each row gets p_g Bz_e(g r) of the mirror image g r where
        |Bz_e| is largest, so a wire set meets the rows only where it meets them at every image,
        and the refinement pre-compensates the worst image. Every mode counts here (the rows
        need only those the symmetric design couples to; the asymmetry excites the others)."""
        m = self.bound.modes
        c = -(m.vectors.T @ m.coupling(coil, order)) * (self.gradient / efficiency)
        decay = np.exp(-np.outer(self.times, m.rates))
        n_img, n_pts, _ = self.fields.shape
        values = (decay @ (self.fields * c).reshape(-1, len(c)).T).reshape(len(decay), n_img, n_pts)
        values = values.transpose(1, 0, 2) * self.parity[:, None, None]  # (images, T, P)
        worst = np.argmax(np.abs(values), axis=0)
        return np.take_along_axis(values, worst[None], axis=0)[0].ravel()

    def meets(self, values: np.ndarray) -> bool:
        """True when row values [T] (e.g. from ``of``) are within the limits."""
        return bool(np.all(np.abs(values) <= self.limit * (1 + 1e-9)))


def eddy_rows(bound: EddyBound, ops: StreamFunctionOperators, basis: np.ndarray, dsv_radius: float,
              center: np.ndarray, mirrors=(), gradient: float = 1.0) -> EddyRows:
    """QP rows E(r, t) (P, K) [T per unit x] of the eddy Bz at DSV surface points and the QP
    times for the design basis ``basis`` (V, K) of ``ops``' surface, and the bounds
    f(t) ``gradient`` R_dsv [T] of each row (module doc). ``mirrors``: coordinate axes of
    mirrors the design is symmetric under; where every shell is symmetric under them too, the
    eddy field has the design's parity and only the points with (r - center)_axis >= 0 are kept
    (no duplicated rows); their mirror images judge the wires (``EddyRows.of``)."""
    m = bound.modes
    keep = [b for b in mirrors if all(StreamFunctionOperators(s.surface).mirror_map(b, center) is not None
                                      for s in m.shells)]
    pts = surface_points(dsv_radius, center, QP_POINTS * 2 ** len(keep))  # QP_POINTS in the kept part
    pts = pts[np.all((pts - center)[:, keep] >= -1e-12 * dsv_radius, axis=1)]
    flips = [np.ones(3)]
    for b in keep:  # the mirror group of the kept axes, identity first
        flips += [f * np.where(np.arange(3) == b, -1.0, 1.0) for f in flips]
    images = np.vstack([(pts - center) * f + center for f in flips])
    coupling = -(m.vectors.T @ sheet_coupling(m.operators, m.basis, ops, basis))  # (n, K) [H]
    power = (coupling * coupling).sum(axis=1)
    active = power > ACTIVE * power.max() if power.max() > 0 else np.zeros(len(power), dtype=bool)
    t = bound.qp_times()
    fz = m.field_operator(images)[:, 2, :].reshape(len(flips), len(pts), m.count)  # (images, P, n) [T]
    # parity of each image from the symmetric basis itself: F_z(g r) C = p_g F_z(r) C
    per_basis = fz[:, :, active] @ coupling[active]  # (images, P, K)
    parity = np.sign(np.einsum("ipk,pk->i", per_basis, per_basis[0]))
    parity[parity == 0] = 1.0
    decay = np.exp(-np.outer(t, m.rates[active]))  # (T, n_active)
    rows = np.einsum("pn,tn,nk->tpk", fz[0][:, active], decay, coupling[active]).reshape(-1, basis.shape[1])
    limit = np.repeat(bound.limit(t) * gradient * dsv_radius, len(pts))
    return EddyRows(rows, limit, pts, t, bound, active, fz, gradient, np.array(flips), parity)


@dataclass(frozen=True)
class EddyCheck:
    """The wires' eddy field against the bound (module doc): ``times`` [s] of the dense grid,
    ``fraction`` max over the DSV surface of |Bz_e| / (eta R_dsv) at each, ``bound`` f(t) there;
    ``worst_time`` [s], ``worst_point`` [m] and ``worst_ratio`` (fraction / bound) where the
    ratio is largest; ``settled`` [s]: after it the envelope proves the bound; ``listed`` the
    fractions at the listed times."""

    times: np.ndarray
    fraction: np.ndarray
    bound: np.ndarray
    worst_time: float
    worst_point: np.ndarray
    worst_ratio: float
    settled: float
    listed_times: np.ndarray
    listed: np.ndarray

    @property
    def holds(self) -> bool:
        """True when the wires meet the bound at every time of the grid and after it."""
        return self.worst_ratio <= 1.0 + 1e-9

    @property
    def violations(self) -> tuple[str, ...]:
        """What the wires fail of the eddy bound, with the amount (empty when it holds)."""
        if self.holds:
            return ()
        i = int(np.argmin(np.abs(self.times - self.worst_time)))
        where = ", ".join(f"{1e3 * x:.4g}" for x in self.worst_point)
        return (f"eddy field {100 * self.fraction[i]:.4g} % of eta R_dsv at {1e3 * self.worst_time:.4g} ms exceeds the "
                f"eddy bound {100 * self.bound[i]:.4g} % there (worst at ({where}) mm; relax max_fraction, move the "
                "coil away from the shells or add an active shield (shield=))",)

    def as_dict(self) -> dict:
        """Figures as a plain dict (SI units; fractions of eta R_dsv)."""
        return {"listed_times_s": self.listed_times.tolist(), "listed_fraction": self.listed.tolist(),
                "worst_time_s": self.worst_time, "worst_point_m": self.worst_point.tolist(),
                "worst_ratio": self.worst_ratio, "settled_s": self.settled, "holds": self.holds,
                "max_fraction": float(self.fraction.max())}


def check_eddy(bound: EddyBound, coil: Coil | SheetCurrent, efficiency: float, dsv_radius: float,
               center: np.ndarray) -> EddyCheck:
    """The eddy field of ``coil`` (the wires, at ``efficiency`` eta [T/(m A)]) after a 1 A step,
    from ``eddy.step_response``, against the bound on the dense grid (module doc)."""
    m = bound.modes
    pts = surface_points(dsv_radius, center, CHECK_POINTS)
    scale = abs(efficiency) * dsv_radius
    sr = step_response(coil, m, pts, bound.times[:1])
    g = np.abs(sr.mode_fields[:, 2, :])  # (P, n) [T/A]
    tau = float(m.time_constants[0])
    settled = bound.times[-1]
    for k in range(11):
        settled = bound.times[-1] + 2.0**k * tau
        if (g @ np.exp(-m.rates * settled)).max() <= bound.fractions[-1] * scale:
            break
    t = np.unique(np.concatenate([np.geomspace(bound.times[0], settled, CHECK_TIMES), bound.times]))
    decay = np.exp(-np.outer(t, m.rates))
    bz = np.abs(np.einsum("pn,tn->tp", sr.mode_fields[:, 2, :], decay)) / scale  # (T, P)
    frac = bz.max(axis=1)
    lim = bound.limit(t)
    ratio = bz / lim[:, None]
    ti, pi = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    if (g @ np.exp(-m.rates * settled)).max() > bound.fractions[-1] * scale:
        settled = np.inf  # the envelope never proved it: the grid is all there is
    listed = frac[np.searchsorted(t, bound.times)]
    return EddyCheck(t, frac, lim, float(t[ti]), pts[pi], float(ratio[ti, pi]), float(settled), bound.times.copy(),
                     listed)
