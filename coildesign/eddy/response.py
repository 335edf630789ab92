"""Eddy fields of a coil's current waveform: exact superposition of the shells' exponential modes.

In mode coordinates (``modes``: u = V q, V^T L V = 1, V^T R V = diag(lambda)) the circuit
equations L u' + R u = -M I' decouple into q_i' + lambda_i q_i = -m_i I'(t), m_i = v_i . M
[H]. With the coil current zero before the waveform starts,

    q_i(t) = -m_i x_i(t),   x_i(t) = int_{-inf}^{t} exp(-lambda_i (t - s)) dI(s)   [A],

and the eddy field at r is B_e(r, t) = sum_i g_i(r) x_i(t), g_i = -m_i F_i(r) [T/A] with F_i
the field of mode i at unit amplitude. After a 1 A step at t = 0, x_i = exp(-t/tau_i): at
t = 0+ the shells carry u(0+) = -L^{-1} M (flux conservation: the flux of every current
pattern is unchanged by the step: integrate the circuit equations across t = 0).

``exponential_filter`` evaluates x_i exactly for piecewise-linear waveforms (knots t_k, I_k;
repeated knot times are jumps): across an interval of length h with slope s,
x -> x e^{-lambda h} + s h phi1(lambda h), and int x dt over it = x h phi1 + s h^2 phi2, with
phi1(z) = (1 - e^{-z})/z and phi2(z) = (z - 1 + e^{-z})/z^2 (the exponential-integrator
functions; Hochbruck & Ostermann, Acta Numerica 19, 209 (2010), eq. 2.10), evaluated with
expm1 and, for z < 1e-3, the Taylor series 1/2 - z/6 + z^2/24 - z^3/120.

Energy: after a step the power dissipated in shell s is u^T R_s u, so with u = V c e^{-Lambda t},
c = -V^T M, E_s = sum_ij c_i c_j (V^T R_s V)_ij / (lambda_i + lambda_j) [J/A^2]; summed over the
shells this is sum_i c_i^2 / 2 = u(0+)^T L u(0+) / 2, the magnetic energy of the initial eddy
currents.

Impedance: at angular frequency omega the shells load the coil with
Z_e = omega^2 M^T (R + j omega L)^{-1} M = omega^2 sum_i m_i^2 / (lambda_i + j omega) [ohm]
(eliminate u from (R + j omega L) u = -j omega M I and V_coil = j omega M^T u + ...): the
effective inductance falls by -Im Z_e / omega and the resistance rises by Re Z_e.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign.coil import Coil, require_coil
from coildesign.eddy.modes import Modes, as_modes
from coildesign.eddy.sheet import SheetCurrent, require_source
from coildesign.fields import field_jacobian


def finite_array(name: str, value) -> np.ndarray:
    """``value`` as a float array of finite numbers (house-style error otherwise)."""
    arr = check.real_array(name, value)
    if not np.all(np.isfinite(arr)):
        check._fail(name, "finite numbers (no NaN or infinity)", value)
    return arr


def _phi(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """phi1(z) = (1 - e^{-z})/z and phi2(z) = (z - 1 + e^{-z})/z^2 for z >= 0 (module doc)."""
    z = np.asarray(z, dtype=float)
    small = z < 1e-3
    zs = np.where(small, 1.0, z)
    p1 = np.where(small, 1.0 - z / 2 + z * z / 6 - z**3 / 24, -np.expm1(-zs) / zs)
    p2 = np.where(small, 0.5 - z / 6 + z * z / 24 - z**3 / 120, (1.0 - p1) / zs)
    return p1, p2


def exponential_filter(knot_times, knot_values, rates, times, *, integral: bool = False):
    """x_i(t) = int exp(-lambda_i (t - s)) dI(s) [units of I] at ``times`` [s] (T,) for the
    piecewise-linear waveform through (``knot_times`` [s], ``knot_values``), zero before its
    first knot and constant after its last (module doc), for every rate lambda_i [1/s] (n,).

    Returns x (T, n); with ``integral=True`` also X (T, n) = int_{t_0}^{t} x dt' [units of I x s]
    from the first knot t_0."""
    kt = finite_array("knot_times", knot_times)
    kv = finite_array("knot_values", knot_values)
    if kt.ndim != 1 or kv.shape != kt.shape or kt.size == 0:
        check._fail("knot_values", f"a 1-D array as long as knot_times ({kt.size})", knot_values)
    if np.any(np.diff(kt) < 0):
        check._fail("knot_times", "non-decreasing (repeat a time for a jump)", knot_times)
    lam = finite_array("rates", rates)
    if lam.ndim != 1 or np.any(lam <= 0):
        check._fail("rates", "a 1-D array of positive rates [1/s]", rates)
    tout = finite_array("times", times)
    if tout.ndim != 1:
        check._fail("times", "a 1-D array of times [s]", times)
    # current at the output times (right-continuous at jumps)
    idx = np.searchsorted(kt, tout, side="right") - 1
    inner = (idx >= 0) & (idx < len(kt) - 1)
    i0 = np.clip(idx, 0, len(kt) - 1)
    i1 = np.clip(idx + 1, 0, len(kt) - 1)
    span = np.where(inner, kt[i1] - kt[i0], 1.0)
    frac = np.where(inner, (tout - kt[i0]) / span, 0.0)
    cur = np.where(idx < 0, 0.0, np.where(inner, kv[i0] + frac * (kv[i1] - kv[i0]), kv[i0]))
    cur = np.where(idx >= len(kt) - 1, kv[-1], cur)
    # events: a zero knot before the start, the knots, then the outputs (knots first at equal times)
    ev_t = np.concatenate([[kt[0]], kt, tout])
    ev_v = np.concatenate([[0.0], kv, cur])
    ev_out = np.concatenate([np.full(len(kt) + 1, -1), np.arange(len(tout))])
    order = np.argsort(ev_t, kind="stable")
    x = np.zeros((len(tout), len(lam)))
    big = np.zeros((len(tout), len(lam))) if integral else None
    state = np.zeros(len(lam))
    acc = np.zeros(len(lam))
    t_prev, v_prev = ev_t[order[0]], ev_v[order[0]]
    for e in order[1:]:
        t, v, o = ev_t[e], ev_v[e], ev_out[e]
        h = t - t_prev
        if h > 0:
            slope = (v - v_prev) / h
            p1, p2 = _phi(lam * h)
            if integral:
                acc += state * h * p1 + slope * h * h * p2
            state = state * np.exp(-lam * h) + slope * h * p1
        elif o < 0:
            state = state + (v - v_prev)  # a jump
        if o >= 0:
            x[o] = state
            if integral:
                big[o] = acc
        t_prev, v_prev = t, v
    # outputs before the waveform starts: zero (the loop starts at the first knot)
    early = tout < kt[0]
    x[early] = 0.0
    if integral:
        big[early] = 0.0
        return x, big
    return x


def _times(name: str, times) -> np.ndarray:
    t = finite_array(name, times)
    if t.ndim == 0:
        t = t[None]
    if t.ndim != 1 or t.size == 0:
        check._fail(name, "a non-empty 1-D array of times [s]", times)
    return t


def _check_frequencies(m: Modes, times: np.ndarray) -> None:
    """Thin-sheet check at the frequency 1/(2 pi t) of the earliest positive time."""
    pos = times[times > 0]
    if pos.size:
        for s in m.shells:
            s.check_frequency(1.0 / (2.0 * np.pi * pos.min()))


@dataclass(frozen=True)
class StepResponse:
    """Eddy field after a 1 A current step at t = 0 (module doc).

    ``field`` (T, M, 3) [T/A] at ``points`` (M, 3) [m] and ``times`` (T,) [s];
    ``mode_fields`` g_i (M, 3, n) [T/A] with field(t) = sum_i g_i exp(-t/tau_i);
    ``time_constants`` tau_i [s]; ``modal_coupling`` m_i [H]."""

    points: np.ndarray
    times: np.ndarray
    field: np.ndarray
    mode_fields: np.ndarray
    time_constants: np.ndarray
    modal_coupling: np.ndarray

    def at(self, times) -> np.ndarray:
        """Eddy field (T, M, 3) [T/A] at other ``times`` [s] (t < 0: zero)."""
        t = _times("times", times)
        decay = np.where(t[:, None] >= 0, np.exp(-np.maximum(t, 0)[:, None] / self.time_constants[None, :]), 0.0)
        return _superpose(self.mode_fields, decay)

    def plot(self, path: str | os.PathLike | None = None, component: int = 2):
        """Max over the points of |B_component| [uT/A] against time (log axes); saved
        atomically to ``path`` when given. Returns the matplotlib figure."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        t = np.geomspace(max(self.times[self.times > 0].min() if np.any(self.times > 0) else 1e-6,
                             1e-3 * self.time_constants.min()), 5 * self.time_constants.max(), 200)
        b = np.abs(self.at(t)[:, :, component]).max(axis=1)
        fig, ax = plt.subplots(figsize=(5, 3.4))
        ax.loglog(t * 1e3, b * 1e6)
        ax.set_xlabel("time after a 1 A step [ms]")
        ax.set_ylabel(f"max |B{'xyz'[component]}| eddy [uT/A]")
        ax.grid(True, which="both", lw=0.3)
        if path is not None:
            save_figure(fig, path)
        return fig


ACTIVE_ENERGY = 1e-14
"""Modes whose share c_i^2 / sum c^2 of the initial eddy energy after a step is below this are
not evaluated (their field is left at zero): they are uncoupled from the coil (by symmetry, up
to round-off), and their amplitude is below 1e-7 of the total's."""


def _active_fields(m: Modes, coil: Coil | SheetCurrent, points):
    """Points, g_i = -m_i F_i (M, 3, n_active) [T/A] of the modes above ``ACTIVE_ENERGY``, their
    mask (n,) and m_i [H] (n,)."""
    pts = check.points3("points", points)
    mc = m.modal_coupling(coil)
    energy = mc * mc
    active = energy > ACTIVE_ENERGY * energy.sum()
    if not active.any():
        return pts, np.zeros((len(pts), 3, 0)), active, mc
    return pts, m.field_operator(pts, active) * (-mc[active])[None, None, :], active, mc


def _mode_fields(m: Modes, coil: Coil | SheetCurrent, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points, g_i = -m_i F_i (M, 3, n) [T/A] (zero for modes below ``ACTIVE_ENERGY``), m_i [H]."""
    pts, ga, active, mc = _active_fields(m, coil, points)
    g = np.zeros((len(pts), 3, m.count))
    g[:, :, active] = ga
    return pts, g, mc


def _superpose(g: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum_i g_i w_i(t): (T, M, 3) from mode fields g (M, 3, n) and weights (T, n), one
    matrix product."""
    return (weights @ g.reshape(-1, g.shape[2]).T).reshape(len(weights), g.shape[0], 3)


def step_response(coil: Coil | SheetCurrent, shells, points, times, *, basis_size: int | None = None) -> StepResponse:
    """Eddy field [T/A] at ``points`` [m] (M, 3) and ``times`` [s] (T,) after a 1 A step of the
    current in ``coil`` at t = 0: the field the shells add to the coil's (module doc).

    ``shells``: a Shell, a sequence of Shells or their ``Modes`` (reused: the modes are the
    expensive part); ``basis_size`` as for ``modes``. Warns (``ThinSheetWarning``) when a shell
    is not thin against the skin depth at 1/(2 pi t) for the earliest positive time."""
    require_source("coil", coil)
    m = as_modes(shells, basis_size)
    t = _times("times", times)
    _check_frequencies(m, t)
    pts, ga, active, mc = _active_fields(m, coil, points)
    decay = np.where(t[:, None] >= 0, np.exp(-np.maximum(t, 0)[:, None] * m.rates[None, active]), 0.0)
    b = _superpose(ga, decay)
    g = np.zeros((len(pts), 3, m.count))
    g[:, :, active] = ga
    return StepResponse(pts, t, b, g, m.time_constants, mc)


@dataclass(frozen=True)
class Response:
    """Eddy field of a current waveform: ``field`` (T, M, 3) [T] at ``points`` [m] and
    ``times`` [s]; ``current`` (T,) [A] the coil current there."""

    points: np.ndarray
    times: np.ndarray
    field: np.ndarray
    current: np.ndarray


def waveform_knots(coil: Coil, waveform, efficiency: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(times [s], current [A]) knots of ``waveform``: a pair of arrays (time [s], current [A]),
    or (pypulseq Sequence, channel "x"/"y"/"z"): the channel's gradient [Hz/m] divided by
    the sequence's gamma/(2 pi) (``seq.system.gamma`` [Hz/T]) and the coil's efficiency [T/(m A)] (``efficiency`` or
    dBz/ds of ``coil`` at the origin along the channel axis)."""
    if isinstance(waveform, tuple | list) and len(waveform) == 2 and hasattr(waveform[0], "waveforms_and_times"):
        seq, channel = waveform
        check.choice("channel", channel, ("x", "y", "z"))
        ax = "xyz".index(channel)
        waves = seq.waveforms_and_times(append_RF=False)[0]
        w = np.asarray(waves[ax], dtype=float)
        if w.size == 0:
            return np.zeros(1), np.zeros(1)
        eta = efficiency if efficiency is not None else float(field_jacobian(coil, np.zeros((1, 3)))[0, 2, ax])
        eta = check.finite("efficiency", eta)
        if eta == 0:
            check._fail("efficiency", "non-zero (the coil makes no gradient along the channel axis)", eta)
        return w[0], w[1] / (float(seq.system.gamma) * eta)
    try:
        t, i = waveform
    except (TypeError, ValueError):
        check._fail("waveform", "(times [s], current [A]) arrays or (pypulseq Sequence, channel)", waveform, TypeError)
    return finite_array("waveform times", t), finite_array("waveform current", i)


def response(coil: Coil, shells, points, waveform, times=None, *, efficiency: float | None = None,
             basis_size: int | None = None) -> Response:
    """Eddy field [T] at ``points`` [m] (M, 3) of ``coil`` driven by ``waveform`` (time and
    current arrays, piecewise linear, or a pypulseq channel, ``waveform_knots``), at ``times``
    [s] (default the waveform's knots), by exact convolution with the shells' exponential
    modes (module doc). Warns (``ThinSheetWarning``) when a shell is not thin against the skin
    depth at 1/(2 pi x the shortest ramp)."""
    require_coil("coil", coil)
    m = as_modes(shells, basis_size)
    kt, kv = waveform_knots(coil, waveform, efficiency)
    t = kt if times is None else _times("times", times)
    steps = np.diff(kt)
    ramps = steps[(steps > 0) & (np.diff(kv) != 0)]  # the shortest ramp sets the highest frequency
    if ramps.size:
        for s in m.shells:
            s.check_frequency(1.0 / (2.0 * np.pi * ramps.min()))
    pts, ga, active, _ = _active_fields(m, coil, points)
    x = exponential_filter(kt, kv, m.rates[active], t)
    cur = np.interp(t, kt, kv, left=0.0)
    return Response(pts, t, _superpose(ga, x), cur)


@dataclass(frozen=True)
class Energy:
    """Energy dissipated after a 1 A step, per shell [J/A^2] (``per_shell``, in the order of the
    shells), their ``total`` and the ``initial`` magnetic energy of the eddy currents at t = 0+
    (equal to the total, module doc)."""

    per_shell: np.ndarray
    total: float
    initial: float


def dissipated_energy(coil: Coil | SheetCurrent, shells, *, basis_size: int | None = None) -> Energy:
    """Heat [J/A^2] dissipated in each shell after a 1 A current step in ``coil`` (multiply by
    the current switched squared; module doc)."""
    require_source("coil", coil)
    m = as_modes(shells, basis_size)
    c = -m.modal_coupling(coil)
    denom = m.rates[:, None] + m.rates[None, :]
    per = np.array([float(c @ (m.shell_resistance(i) / denom) @ c) for i in range(len(m.shells))])
    u0 = -np.linalg.solve(m.inductance, m.coupling(coil))
    return Energy(per, float(per.sum()), float(0.5 * u0 @ m.inductance @ u0))


@dataclass(frozen=True)
class Impedance:
    """Coil impedance with the shells: ``frequencies`` [Hz], ``delta`` Z_e [ohm] (complex, the
    shells' contribution), ``inductance`` and ``resistance`` [H], [ohm] seen by the amplifier
    (the coil's own values plus the shells')."""

    frequencies: np.ndarray
    delta: np.ndarray
    inductance: np.ndarray
    resistance: np.ndarray


def impedance(coil: Coil | SheetCurrent, shells, frequencies, *, coil_inductance: float = 0.0,
              coil_resistance: float = 0.0, basis_size: int | None = None) -> Impedance:
    """Impedance change of ``coil`` [ohm] caused by the shells at ``frequencies`` [Hz] (module
    doc); ``coil_inductance`` [H] and ``coil_resistance`` [ohm] (e.g. from
    ``coildesign.analysis``) are added to give the effective values."""
    require_source("coil", coil)
    m = as_modes(shells, basis_size)
    f = _times("frequencies", frequencies)
    if np.any(f <= 0):
        check._fail("frequencies", "positive frequencies [Hz]", frequencies)
    w = 2 * np.pi * f
    mc = m.modal_coupling(coil)
    dz = (w**2)[:, None] * (mc**2)[None, :] / (m.rates[None, :] + 1j * w[:, None])
    dz = dz.sum(axis=1)
    lc = check.positive("coil_inductance", coil_inductance, allow_zero=True)
    rc = check.positive("coil_resistance", coil_resistance, allow_zero=True)
    return Impedance(f, dz, lc + dz.imag / w, rc + dz.real)
