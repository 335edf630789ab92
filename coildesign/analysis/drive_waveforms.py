"""Trapezoid gradient waveforms of a Cartesian 2-D imaging sequence, built from its imaging
parameters, for ``drive`` (readout on x, phase encoding on y, slice selection on z).

k-space relations (M. A. Bernstein, K. F. King and X. J. Zhou, Handbook of MRI Pulse Sequences
(Elsevier 2004), ch. 7 (trapezoidal gradient lobes, sect. 7.1) and ch. 8 (imaging gradients:
frequency encoding sect. 8.1, phase encoding sect. 8.2, slice selection sect. 8.3)), with
gamma_bar = |gamma| / (2 pi) [Hz/T] and k [1/m] = gamma_bar x the gradient's time integral
[T s/m] (the lobe's *area*):

- readout (frequency encoding): ``matrix`` N samples at the dwell 1/BW (``bandwidth`` BW [Hz],
  the full receiver bandwidth) across the field of view FOV need G_r = BW / (gamma_bar FOV)
  [T/m]; they take T_acq = N / BW on the flat top, whose area G_r T_acq = N / (gamma_bar FOV)
  spans N k-steps of 1/FOV (resolution FOV/N). The echo (k = 0) sits at the centre of the flat
  top, so the prephaser's area is minus half the area of the whole readout lobe up to there,
  -G_r (T_acq + r_r) / 2 (ramp r_r), for a gradient echo; for a spin echo it is played before
  the refocusing pulse, which negates k, with area +G_r (T_acq + r_r) / 2.
- phase encoding: the steps n = -h ... N - h - 1, h = floor(N/2) (one per repetition, N
  repetitions per scan) have areas n / (gamma_bar FOV) (k_y = n / FOV). All steps share the
  timing of the largest, n = -h, with amplitudes scaled (sect. 8.2); after the readout a rewinder of the opposite
  area returns k_y to 0 before the next excitation.
- slice selection: an RF pulse of duration tau and time-bandwidth product TBW has the bandwidth
  TBW / tau [Hz]; a slice of thickness dz needs G_ss = TBW / (gamma_bar tau dz) on the flat top
  (the pulse plays on the flat top). The refocusing lobe after an excitation has the area
  -G_ss (tau + r_ss) / 2: it undoes the phase accrued from the pulse's centre (the isodelay of
  a symmetric pulse) to the end of the lobe.
- spin echo: the refocusing pulse (same duration and bandwidth, hence the same G_ss) between
  two crushers on the slice axis of area 2 / (gamma_bar dz) each (two cycles of phase across
  the slice; crusher gradients: Bernstein et al. sect. 10.2); the echo time is
  TE = 2 (t_180 - t_90), the readout's flat-top centre at t_90 + TE.

Lobe shapes (sect. 7.1): the readout and slice-select lobes ramp at the slew rate S
(ramp G/S); every other lobe is the shortest trapezoid of its area A within the amplitude limit
G_lim and S: a triangle with ramps sqrt(|A|/S) when |A| <= G_lim^2/S, else ramps G_lim/S and a
flat top |A|/G_lim - G_lim/S. The lobes after an excitation (slice refocusing, phase encoding,
readout prephaser) play together; a repetition ends with the phase rewinder, and a repetition
time ``tr`` longer than that adds dead time. A gradient spoiler is not included (RF spoiling
assumed). Everything is piecewise linear, so ``drive`` evaluates currents and voltages exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check

SEQUENCES = ("gradient_echo", "spin_echo")
CRUSHER_CYCLES = 2.0  # cycles of phase across the slice per crusher (module doc)


@dataclass(frozen=True)
class Trapezoid:
    """A trapezoidal gradient lobe on ``channel`` ("x", "y" or "z"): it starts at ``start``
    [s], ramps for ``ramp`` [s] to ``amplitude`` [T/m] (signed), stays for ``flat`` [s] and
    ramps back to 0 in ``ramp``."""

    channel: str
    name: str
    start: float
    ramp: float
    flat: float
    amplitude: float

    @property
    def duration(self) -> float:
        """2 ramp + flat [s]."""
        return 2.0 * self.ramp + self.flat

    @property
    def end(self) -> float:
        """start + duration [s]."""
        return self.start + self.duration

    @property
    def area(self) -> float:
        """Time integral amplitude (flat + ramp) [T s/m]."""
        return self.amplitude * (self.flat + self.ramp)

    @property
    def flat_area(self) -> float:
        """Time integral over the flat top, amplitude x flat [T s/m]."""
        return self.amplitude * self.flat

    def scaled(self, factor: float) -> Trapezoid:
        """The same timing with the amplitude times ``factor``."""
        return Trapezoid(self.channel, self.name, self.start, self.ramp, self.flat, self.amplitude * factor)

    def corners(self) -> tuple[np.ndarray, np.ndarray]:
        """(times [s], gradient [T/m]) at the corners (a triangle has three)."""
        if self.flat > 0:
            t = [self.start, self.start + self.ramp, self.start + self.ramp + self.flat, self.end]
            g = [0.0, self.amplitude, self.amplitude, 0.0]
        else:
            t, g = [self.start, self.start + self.ramp, self.end], [0.0, self.amplitude, 0.0]
        return np.array(t), np.array(g)


def shortest_trapezoid(channel: str, name: str, start: float, area: float, max_gradient: float,
                       slew_rate: float) -> Trapezoid:
    """The shortest trapezoid of ``area`` [T s/m] within ``max_gradient`` [T/m] and
    ``slew_rate`` [T/(m s)] (module doc): a triangle when |area| <= max_gradient^2 / slew_rate."""
    a = abs(area)
    if a == 0:
        return Trapezoid(channel, name, start, 0.0, 0.0, 0.0)
    if a <= max_gradient**2 / slew_rate:
        ramp = np.sqrt(a / slew_rate)
        return Trapezoid(channel, name, start, float(ramp), 0.0, float(np.copysign(a / ramp, area)))
    ramp = max_gradient / slew_rate
    flat = a / max_gradient - ramp
    return Trapezoid(channel, name, start, float(ramp), float(flat), float(np.copysign(a / (flat + ramp), area)))


def _with_timing(lobe: Trapezoid, start: float, ramp: float, flat: float, name: str) -> Trapezoid:
    """A lobe of ``lobe``'s area with the given timing."""
    return Trapezoid(lobe.channel, name, start, ramp, flat, lobe.area / (flat + ramp))


@dataclass(frozen=True)
class ImagingSequence:
    """One repetition of a Cartesian 2-D imaging sequence (module doc) with the largest phase
    encode (step n = -h, h = floor(N/2)), and how it repeats: ``matrix`` repetitions of
    ``repetition_time`` [s] per scan, the phase-encode lobes scaled by n / (-h)."""

    kind: str  # "gradient_echo" or "spin_echo"
    lobes: tuple[Trapezoid, ...]
    repetition_time: float  # [s]
    echo_time: float  # [s] from the excitation's centre to the readout's flat-top centre
    excitation_centre: float  # [s] within the repetition
    fov: float  # [m]
    matrix: int
    bandwidth: float  # [Hz]
    slice_thickness: float  # [m]
    rf_duration: float  # [s]
    time_bandwidth: float  # [1]
    gamma: float  # [rad/(s T)], magnitude
    max_gradient: float  # [T/m] amplitude limit of the lobes
    slew_rate: float  # [T/(m s)]

    @property
    def gamma_bar(self) -> float:
        """|gamma| / (2 pi) [Hz/T]."""
        return self.gamma / (2.0 * np.pi)

    @property
    def acquisition_time(self) -> float:
        """T_acq = N / BW [s]."""
        return self.matrix / self.bandwidth

    @property
    def readout_gradient(self) -> float:
        """G_r = BW / (gamma_bar FOV) [T/m]."""
        return self.bandwidth / (self.gamma_bar * self.fov)

    @property
    def slice_gradient(self) -> float:
        """G_ss = TBW / (gamma_bar tau dz) [T/m]."""
        return self.time_bandwidth / (self.gamma_bar * self.rf_duration * self.slice_thickness)

    @property
    def scan_time(self) -> float:
        """matrix x repetition_time [s]: one image."""
        return self.matrix * self.repetition_time

    def lobe(self, name: str) -> Trapezoid:
        """The first lobe called ``name``."""
        for lb in self.lobes:
            if lb.name == name:
                return lb
        check._fail("name", "one of " + ", ".join(dict.fromkeys(lb.name for lb in self.lobes)), name)

    def step_lobes(self, n: int) -> tuple[Trapezoid, ...]:
        """The lobes of phase-encode step ``n`` (-h <= n < N - h, h = floor(N/2))."""
        half = self.matrix // 2
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not -half <= n < self.matrix - half:
            check._fail("n", f"an integer phase-encode step from {-half} to {self.matrix - half - 1}", n)
        return tuple(lb.scaled(n / -half) if lb.channel == "y" else lb for lb in self.lobes)

    def waveforms(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Channel -> (times [s], gradient [T/m]) of the whole scan: the steps n = -h ...
        N - h - 1 one after the other, each ``repetition_time`` long, from 0 to ``scan_time``
        (the input of ``drive``, with ``period=scan_time``)."""
        half = self.matrix // 2
        out = {}
        for ch in ("x", "y", "z"):
            mine = sorted((lb for lb in self.lobes if lb.channel == ch and lb.duration > 0), key=lambda lb: lb.start)
            ts, gs = [], []
            for lb in mine:
                t, g = lb.corners()
                if ts and t[0] == ts[-1][-1]:  # abutting lobes share the zero corner
                    t, g = t[1:], g[1:]
                ts.append(t)
                gs.append(g)
            t1, g1 = np.concatenate(ts), np.concatenate(gs)
            if t1[0] > 0:
                t1, g1 = np.concatenate([[0.0], t1]), np.concatenate([[0.0], g1])
            if t1[-1] >= self.repetition_time:  # the last lobe ends at TR: the next repetition starts with 0
                t1, g1 = t1[:-1], g1[:-1]
            scale = np.arange(-half, self.matrix - half) / -half if ch == "y" else np.ones(self.matrix)
            times = (np.arange(self.matrix)[:, None] * self.repetition_time + t1[None]).ravel()
            grad = np.outer(scale, g1).ravel()
            out[ch] = (np.concatenate([times, [self.scan_time]]), np.concatenate([grad, [0.0]]))
        return out


def imaging_sequence(fov: float, matrix: int, bandwidth: float, *, slice_thickness: float, rf_duration: float,
                     time_bandwidth: float, max_gradient: float, slew_rate: float, gamma: float,
                     kind: str = "gradient_echo", tr: float | None = None) -> ImagingSequence:
    """Trapezoid waveforms of a 2-D ``kind`` ("gradient_echo" or "spin_echo") sequence
    (module doc): ``fov`` [m], ``matrix`` N (samples and phase steps), receiver
    ``bandwidth`` [Hz], ``slice_thickness`` [m], RF ``rf_duration`` [s] with its
    ``time_bandwidth`` product [1], the sequence's amplitude limit ``max_gradient`` [T/m] and
    ``slew_rate`` [T/(m s)], the nucleus' ``gamma`` [rad/(s T)] (its magnitude is used), and
    the repetition time ``tr`` [s] (None: the shortest the lobes allow)."""
    fov = check.positive("fov", fov)
    n = check.positive_int("matrix", matrix, minimum=2)
    bw = check.positive("bandwidth", bandwidth)
    dz = check.positive("slice_thickness", slice_thickness)
    tau = check.positive("rf_duration", rf_duration)
    tbw = check.positive("time_bandwidth", time_bandwidth)
    g_lim = check.positive("max_gradient", max_gradient)
    s = check.positive("slew_rate", slew_rate)
    gam = abs(check.finite("gamma", gamma))
    if gam == 0:
        check._fail("gamma", "a non-zero gyromagnetic ratio [rad/(s T)]", gamma)
    check.choice("kind", kind, SEQUENCES)
    gbar = gam / (2.0 * np.pi)
    g_r, t_acq = bw / (gbar * fov), n / bw
    g_ss = tbw / (gbar * tau * dz)
    if g_r > g_lim:
        check._fail("bandwidth", f"at most gamma_bar FOV max_gradient = {gbar * fov * g_lim:.6g} Hz (the readout "
                    f"gradient BW / (gamma_bar FOV) = {g_r:.6g} T/m exceeds max_gradient = {g_lim:.6g} T/m)", bandwidth)
    if g_ss > g_lim:
        thinnest = tbw / (gbar * tau * g_lim)
        check._fail("slice_thickness", f"at least TBW / (gamma_bar tau max_gradient) = {thinnest:.6g} m (the "
                    f"slice-select gradient {g_ss:.6g} T/m exceeds max_gradient = {g_lim:.6g} T/m)",
                    slice_thickness)
    r_ss, r_r = g_ss / s, g_r / s
    excite = Trapezoid("z", "slice select", 0.0, r_ss, tau, g_ss)
    t90 = r_ss + 0.5 * tau
    t_e = excite.end
    ro_area = g_r * (t_acq + r_r)  # readout lobe area up to the echo, doubled
    prephase_sign = -1.0 if kind == "gradient_echo" else 1.0
    firsts = [shortest_trapezoid("z", "slice refocus", t_e, -0.5 * g_ss * (tau + r_ss), g_lim, s),
              shortest_trapezoid("y", "phase encode", t_e, -(n // 2) / (gbar * fov), g_lim, s),
              shortest_trapezoid("x", "readout prephaser", t_e, prephase_sign * 0.5 * ro_area, g_lim, s)]
    window_end = max(lb.end for lb in firsts)
    lobes = [excite, *firsts]
    if kind == "gradient_echo":
        ro_start = window_end
    else:
        crusher = shortest_trapezoid("z", "crusher", 0.0, CRUSHER_CYCLES / (gbar * dz), g_lim, s)
        t180_0 = window_end + crusher.duration + r_ss + 0.5 * tau
        need = 0.5 * tau + r_ss + crusher.duration + r_r + 0.5 * t_acq  # from the 180's centre to the echo
        delay = max(0.0, need - (t180_0 - t90))
        c1 = _with_timing(crusher, window_end + delay, crusher.ramp, crusher.flat, "crusher")
        refocus = Trapezoid("z", "refocusing slice select", c1.end, r_ss, tau, g_ss)
        c2 = _with_timing(crusher, refocus.end, crusher.ramp, crusher.flat, "crusher")
        lobes += [c1, refocus, c2]
        t180 = refocus.start + r_ss + 0.5 * tau
        ro_start = (2.0 * t180 - t90) - r_r - 0.5 * t_acq
    readout = Trapezoid("x", "readout", ro_start, r_r, t_acq, g_r)
    pe = firsts[1]
    rewind = Trapezoid("y", "phase rewinder", readout.end, pe.ramp, pe.flat, -pe.amplitude)
    lobes += [readout, rewind]
    shortest = max(lb.end for lb in lobes)
    if tr is None:
        rep = shortest
    else:
        rep = check.positive("tr", tr)
        if rep < shortest:
            check._fail("tr", f"at least the shortest repetition these lobes allow, {shortest:.6g} s", tr)
    te = readout.start + r_r + 0.5 * t_acq - t90
    return ImagingSequence(kind, tuple(lobes), float(rep), float(te), float(t90), fov, n, bw, dz, tau, tbw, gam,
                           g_lim, s)
