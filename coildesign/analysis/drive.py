"""Currents, voltages and power of gradient coils playing a sequence, and amplifier limits.

Model (per channel c = x, y, z with a coil; SI units):

- current I_c(t) = G_c(t) / eta_c, eta_c the coil's isocentre efficiency [T/(m A)]
  (``gradient_efficiency``; signed, so I has the sign that plays +G);
- amplifier voltage V_c(t) = sum_d L_cd dI_d/dt + R_c(T) I_c(t) (series R-L load; Turner,
  Prog. NMR Spectr. 25, 109 (1993), sec. 2), with L the self inductances (``inductance``) or a
  given inductance matrix (``inductance_matrix``: the coupling between axes, ~0 for orthogonal
  sets) and R(T) the power-equivalent DC resistance at ``temperature`` (``dc_resistance``,
  rho(T) linear);
- dissipated power P_c(t) = R_c I_c(t)^2; the amplifier's output power V_c(t) I_c(t) also
  carries the energy stored in and returned by the inductance.

Gradient waveforms (pypulseq's trapezoids, extended trapezoids and raster shapes) are piecewise
linear in time, so everything is evaluated exactly on the union of all corner times: the RMS
over the repetition from int_h (a + (b - a) u)^2 = h (a^2 + a b + b^2)/3 per piece, the peaks
at the corners, dI/dt constant on each piece (V jumps at the corners: ``voltage`` holds each
piece's start and end value), the time an amplifier is limited from the crossing points of the
linear pieces with +-i_max and +-v_max. The sequence repeats with period ``period`` (default
its duration), and the RMS current is what the lumped thermal model (``thermal``) takes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign._text import table
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.inductance import inductance as self_inductance
from coildesign.analysis.performance import dc_resistance
from coildesign.analysis.sequence_psf import AXES, _channel_coils, gradient_waveforms
from coildesign.analysis.thermal import Thermal, thermal
from coildesign.coil import Coil


@dataclass(frozen=True)
class Amplifier:
    """A gradient amplifier channel limited to ``v_max`` [V] and ``i_max`` [A]."""

    v_max: float
    i_max: float
    name: str = "amplifier"

    def __post_init__(self) -> None:
        object.__setattr__(self, "v_max", check.positive("v_max", self.v_max))
        object.__setattr__(self, "i_max", check.positive("i_max", self.i_max))


def _time_exceeding(h: np.ndarray, ends: list[tuple[np.ndarray, np.ndarray, float]]) -> float:
    """Total time [s] over linear pieces of durations ``h`` where any |f| > c, for (f at the
    piece starts, f at the piece ends, c) in ``ends``: exact, from the crossing points."""
    if h.size == 0 or not ends:
        return 0.0
    cuts = [np.zeros_like(h), np.ones_like(h)]
    for f0, f1, c in ends:
        df = f1 - f0
        safe = np.where(df == 0, 1.0, df)
        for level in (c, -c):
            cuts.append(np.where(df == 0, 0.0, np.clip((level - f0) / safe, 0.0, 1.0)))
    u = np.sort(np.stack(cuts, axis=1), axis=1)
    mid = 0.5 * (u[:, 1:] + u[:, :-1])
    over = np.zeros(mid.shape, dtype=bool)
    for f0, f1, c in ends:
        over |= np.abs(f0[:, None] + (f1 - f0)[:, None] * mid) > c
    return float((np.diff(u, axis=1) * over).sum(axis=1) @ h)


@dataclass(frozen=True)
class ChannelDrive:
    """One channel's drive over one repetition of the sequence (module doc)."""

    channel: str  # "x", "y" or "z"
    coil: Coil
    efficiency: float  # [T/(m A)]
    inductance: float  # [H] self inductance
    resistance: float  # [ohm] at ``temperature``
    temperature: float  # [K]
    period: float  # [s]
    time: np.ndarray  # (n,) [s] corner times, 0 ... period
    gradient: np.ndarray  # (n,) [T/m]
    current: np.ndarray  # (n,) [A]
    voltage_time: np.ndarray  # (2(n-1),) [s] piece start and end times
    voltage: np.ndarray  # (2(n-1),) [V] at the piece starts and ends (jumps at corners)
    current_rms: float  # [A]
    current_peak: float  # [A]
    voltage_peak: float  # [V]
    power_mean: float  # [W] R I_rms^2
    power_peak: float  # [W] R I_peak^2
    amplifier_power_peak: float  # [W] max |V I|
    amplifier: Amplifier | None
    current_limited_time: float  # [s] per repetition with |I| > i_max (0 without an amplifier)
    voltage_limited_time: float  # [s] per repetition with |V| > v_max
    limited_time: float  # [s] per repetition with either

    @property
    def gradient_peak(self) -> float:
        """Peak |G| [T/m]."""
        return float(np.abs(self.gradient).max())

    @property
    def slew_rate_peak(self) -> float:
        """Peak |dG/dt| [T/(m s)]."""
        h = np.diff(self.time)
        return float(np.max(np.abs(np.diff(self.gradient)) / h)) if h.size else 0.0

    @property
    def within_limits(self) -> bool | None:
        """True when the amplifier never limits (None without an amplifier)."""
        if self.amplifier is None:
            return None
        return self.current_peak <= self.amplifier.i_max and self.voltage_peak <= self.amplifier.v_max

    @property
    def limited_fraction(self) -> float:
        """Fraction of the repetition the amplifier spends limited."""
        return self.limited_time / self.period

    def thermal(self, **options) -> Thermal:
        """``thermal(coil, current_rms, **options)`` for this channel (thermal resistance or
        cooling, limit, ambient, ... as for ``coildesign.analysis.thermal``)."""
        return thermal(self.coil, self.current_rms, **options)

    def max_gradient(self, result: Thermal) -> float:
        """Largest peak gradient [T/m] of this sequence shape that keeps the coil at
        ``result``'s limit in the steady state: gradient_peak x max_amplitude_scale."""
        if not isinstance(result, Thermal) or result.limit is None:
            check._fail("result", "a Thermal result with a limit", result, TypeError)
        return self.gradient_peak * result.max_amplitude_scale


@dataclass(frozen=True)
class Drive:
    """Per-channel drive of a gradient set playing a sequence (``channels``: "x"/"y"/"z" ->
    ``ChannelDrive``)."""

    channels: dict
    period: float  # [s]

    def __getitem__(self, key: str) -> ChannelDrive:
        name = {"Gx": "x", "Gy": "y", "Gz": "z"}.get(key, key)
        if name not in self.channels:
            raise KeyError(f"Input key must be one of {sorted(self.channels)}; instead received {key!r}.")
        return self.channels[name]

    def __iter__(self):
        return iter(self.channels.values())

    def __len__(self) -> int:
        return len(self.channels)

    def thermal(self, **options) -> dict[str, Thermal]:
        """Channel -> ``Thermal`` for each channel's RMS current (options as for ``thermal``)."""
        return {k: ch.thermal(**options) for k, ch in self.channels.items()}

    def __str__(self) -> str:
        rows = [("period", f"{self.period * 1e3:.5g} ms")]
        for k, ch in self.channels.items():
            rows += [(f"{k}: current rms / peak", f"{ch.current_rms:.5g} / {ch.current_peak:.5g} A"),
                     (f"{k}: voltage peak", f"{ch.voltage_peak:.5g} V"),
                     (f"{k}: power mean / peak", f"{ch.power_mean:.5g} / {ch.power_peak:.5g} W")]
            if ch.amplifier is not None:
                rows.append((f"{k}: amplifier limited", f"{100 * ch.limited_fraction:.4g} % of the time"))
        return table(rows, "drive")

    def plot(self, window: tuple[float, float] | None = None, *, path: str | os.PathLike | None = None):
        """Currents [A] and voltages [V] of every channel against time [ms] (two stacked axes,
        amplifier limits dashed), over ``window`` [s] (default the whole period); returns the
        figure (saved atomically to ``path`` when given)."""
        import matplotlib.pyplot as plt

        t0, t1 = (0.0, self.period) if window is None else (check.finite("window[0]", window[0]),
                                                             check.finite("window[1]", window[1]))
        if not t1 > t0:
            check._fail("window", "(start, end) with end > start [s]", window)
        fig, (ai, av) = plt.subplots(2, 1, sharex=True, figsize=(7.0, 4.8))
        for k, (name, ch) in enumerate(self.channels.items()):
            sel = (ch.time >= t0) & (ch.time <= t1)
            ai.plot(1e3 * ch.time[sel], ch.current[sel], color=f"C{k}", label=f"G{name}")
            vs = (ch.voltage_time >= t0) & (ch.voltage_time <= t1)
            av.plot(1e3 * ch.voltage_time[vs], ch.voltage[vs], color=f"C{k}", label=f"G{name}")
            if ch.amplifier is not None:
                for ax, lim in ((ai, ch.amplifier.i_max), (av, ch.amplifier.v_max)):
                    for s in (1, -1):
                        ax.axhline(s * lim, color=f"C{k}", ls="--", lw=0.7)
        ai.set_ylabel("current [A]")
        av.set_ylabel("voltage [V]")
        av.set_xlabel("time [ms]")
        ai.legend(fontsize=7)
        if path is not None:
            save_figure(fig, path)
        return fig


def _waveforms(sequence, period):
    """(times [s], G [T/m] (n, 3), period [s]) from a pypulseq sequence or waveform arrays."""
    duration = None
    if isinstance(sequence, Mapping):
        parts = {}
        for key, value in sequence.items():
            name = {"Gx": "x", "Gy": "y", "Gz": "z"}.get(key, key)
            if name not in AXES:
                check._fail("sequence", "a mapping with keys x, y, z (or Gx, Gy, Gz)", key)
            try:
                t, g = value
            except (TypeError, ValueError):
                check._fail(f"sequence[{key!r}]", "a pair (times [s], gradient [T/m])", value, TypeError)
            t, g = check.real_array(f"sequence[{key!r}]", t), check.real_array(f"sequence[{key!r}]", g)
            if t.ndim != 1 or g.shape != t.shape or t.size < 2:
                check._fail(f"sequence[{key!r}]", "two 1-D arrays of equal length >= 2", (t.shape, g.shape))
            parts[name] = (t, g)
        if not parts:
            check._fail("sequence", "a non-empty mapping of waveforms", sequence)
        times = np.unique(np.concatenate([t for t, _ in parts.values()]))
        grad = np.column_stack([np.interp(times, *parts[a], left=0.0, right=0.0) if a in parts
                                else np.zeros_like(times) for a in AXES])
        checks = list(parts.values())
    elif isinstance(sequence, tuple) and len(sequence) == 2:
        times, grad = (check.real_array("sequence", v) for v in sequence)
        if times.ndim != 1 or grad.shape != (len(times), 3) or len(times) < 2:
            check._fail("sequence", "(times (n,) [s], gradients (n, 3) [T/m]) with n >= 2", (times.shape, grad.shape))
        checks = [(times, grad)]
    else:
        times, grad, duration = gradient_waveforms(sequence)
        checks = []
    for t, g in checks:
        if not (np.isfinite(t).all() and np.isfinite(g).all()):
            check._fail("sequence", "finite times and gradients", "non-finite values")
        if (np.diff(t) <= 0).any():
            check._fail("sequence", "strictly increasing times (a gradient cannot jump)",
                        "repeated or decreasing times")
    if (times < 0).any():
        check._fail("sequence", "times >= 0 [s]", float(times.min()))
    end = float(times[-1]) if duration is None else duration
    per = end if period is None else check.positive("period", period)
    if times[-1] > per * (1 + 1e-12):
        check._fail("period", f"at least the waveforms' last time {times[-1]:.6g} s", period)
    if per <= 0:
        check._fail("sequence", "waveforms spanning a positive time", float(per))
    inside = times <= per
    times, grad = times[inside], grad[inside]
    if times[0] > 0:
        times, grad = np.concatenate([[0.0], times]), np.vstack([np.zeros(3), grad])
    if times[-1] < per:
        times, grad = np.concatenate([times, [per]]), np.vstack([grad, np.zeros(3)])
    return times, grad, per


def _per_channel(name: str, value, present: list[str], kind: str):
    """A number per present channel from None, a number, a mapping or (for inductance) a matrix."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        out = []
        for a in present:
            v = next((value[k] for k in (a, "G" + a) if k in value), None)
            if v is None:
                check._fail(name, f"a mapping with a value for channel {a}", value)
            out.append(check.positive(f"{name}[{a!r}]", v, allow_zero=kind == "resistance"))
        return np.diag(out) if kind == "inductance" else np.array(out)
    arr = check.real_array(name, value)
    n = len(present)
    if kind == "inductance" and arr.shape == (n, n):
        if not np.isfinite(arr).all() or not np.allclose(arr, arr.T, rtol=1e-9, atol=0):
            check._fail(name, f"a finite symmetric {n}x{n} inductance matrix [H] over channels {present}", value)
        return arr
    if arr.ndim == 0 and n == 1:
        return np.array([[float(arr)]]) if kind == "inductance" else np.array([float(arr)])
    matrix = f" or a {n}x{n} matrix" if kind == "inductance" else ""
    check._fail(name, f"None, a mapping channel -> value{matrix} (channels {present})", value)


def drive(coils, sequence, *, amplifier: Amplifier | Mapping | None = None, temperature: float = 293.15,
          period: float | None = None, inductance=None, resistance=None) -> Drive:
    """Currents, voltages, power and amplifier limits of ``coils`` playing ``sequence`` (module doc).

    ``coils``: a mapping channel -> ``Coil`` (keys "x", "y", "z" or "Gx", "Gy", "Gz"), a
    ``GradientSet``, three coils in x, y, z order (None: channel skipped) or one coil (its own
    axis). ``sequence``: a ``pypulseq.Sequence`` or .seq path (gradients converted from Hz/m
    with the sequence's gamma), a mapping channel -> (times [s], G [T/m]) or a pair
    (times (n,) [s], G (n, 3) [T/m]); piecewise linear between the times, 0 outside them.
    ``amplifier``: an ``Amplifier`` for every channel or a mapping channel -> ``Amplifier``.
    ``temperature`` [K] of the windings for R(T). ``period`` [s]: repetition period (default
    the sequence's duration or the last waveform time). ``inductance`` [H]: None (each coil's
    self inductance, cross-coupling neglected), a mapping channel -> H or a matrix over the
    channels present in x, y, z order (e.g. ``inductance_matrix``); ``resistance`` [ohm]: None
    (``dc_resistance`` at ``temperature``) or a mapping channel -> ohm.
    """
    chans = _channel_coils(coils)
    present = [a for a, c in zip(AXES, chans) if c is not None]
    if not present:
        check._fail("coils", "at least one coil", coils)
    temp = check.positive("temperature", temperature)
    amps = {}
    for a in present:
        amp = amplifier.get(a, amplifier.get("G" + a)) if isinstance(amplifier, Mapping) else amplifier
        if amp is not None and not isinstance(amp, Amplifier):
            check._fail("amplifier", "an Amplifier, a mapping channel -> Amplifier or None", amp, TypeError)
        amps[a] = amp
    times, grad, per = _waveforms(sequence, period)
    coil_of = dict(zip(AXES, chans))
    eta = np.array([gradient_efficiency(coil_of[a], a) for a in present])
    l_mat = _per_channel("inductance", inductance, present, "inductance")
    if l_mat is None:
        l_mat = np.diag([self_inductance(coil_of[a]) for a in present])
    r_vec = _per_channel("resistance", resistance, present, "resistance")
    if r_vec is None:
        r_vec = np.array([dc_resistance(coil_of[a], temp) for a in present])
    cols = [AXES.index(a) for a in present]
    g = grad[:, cols]
    cur = g / eta  # (n, C)
    h = np.diff(times)
    slope = np.diff(cur, axis=0) / h[:, None]  # dI/dt per piece
    induced = slope @ l_mat.T  # sum_d L_cd dI_d/dt
    v0 = induced + r_vec * cur[:-1]
    v1 = induced + r_vec * cur[1:]
    vt = np.repeat(times, 2)[1:-1]
    out = {}
    for k, a in enumerate(present):
        c0, c1 = cur[:-1, k], cur[1:, k]
        rms = float(np.sqrt(np.sum(h * (c0 * c0 + c0 * c1 + c1 * c1)) / (3.0 * per)))
        ipk = float(np.abs(cur[:, k]).max())
        vpk = float(max(np.abs(v0[:, k]).max(), np.abs(v1[:, k]).max()))
        # amplifier power V I on a piece is quadratic in I: ends, and the vertex I* = -induced / (2R) inside
        p_ends = np.maximum(np.abs(v0[:, k] * c0), np.abs(v1[:, k] * c1))
        vi_peak = float(p_ends.max())
        if r_vec[k] > 0:
            i_star = -induced[:, k] / (2 * r_vec[k])
            inside = (i_star - c0) * (i_star - c1) < 0
            if inside.any():
                vi_peak = max(vi_peak, float(np.abs((induced[inside, k] + r_vec[k] * i_star[inside])
                                                    * i_star[inside]).max()))
        amp = amps[a]
        if amp is None:
            t_i = t_v = t_any = 0.0
        else:
            t_i = _time_exceeding(h, [(c0, c1, amp.i_max)])
            t_v = _time_exceeding(h, [(v0[:, k], v1[:, k], amp.v_max)])
            t_any = _time_exceeding(h, [(c0, c1, amp.i_max), (v0[:, k], v1[:, k], amp.v_max)])
        volt = np.column_stack([v0[:, k], v1[:, k]]).ravel()
        out[a] = ChannelDrive(a, coil_of[a], float(eta[k]), float(l_mat[k, k]), float(r_vec[k]), temp, per,
                              times, g[:, k].copy(), cur[:, k].copy(), vt, volt, rms, ipk, vpk,
                              float(r_vec[k] * rms**2), float(r_vec[k] * ipk**2), vi_peak, amp, t_i, t_v, t_any)
    return Drive(out, per)
