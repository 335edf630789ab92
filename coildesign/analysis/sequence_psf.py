"""Point-spread function of a real pypulseq sequence played on coildesign gradient coils.

Model (B0 along +z, |B0| >> transverse gradient fields, so concomitant terms are neglected):
channel c (x, y, z) of the sequence plays the nominal gradient G_c(t) [Hz/m, pypulseq's unit]
by driving its coil with current I_c = G_c / eta_c, eta_c = the coil's isocentre efficiency.
A static spin at r then precesses at gamma_bar sum_c G_c(t) s'_c(r), where
s'_c(r) = Bz_c(r) / eta_c is the encoded coordinate (``geometric_distortion``); a channel
without a coil is an ideal linear gradient (s'_c = r_c). With the nominal trajectory
k_c(t) = int G_c dt' [1/m] (reset at each excitation, negated at each refocusing pulse), the
sample at t_j is S_j = a_j exp(-2 pi i k_j . s'(r)), so the nominally reconstructed image
I(x) = sum_j S_j exp(+2 pi i k_j . x) is centred on s'(r), and along encoded axis c,
I(s' + u e_c) = sum_j a_j exp(2 pi i k_jc u) (the image-space PSF, computed here as that
direct sum on a grid ``oversample`` times finer than the nominal pixel).

Weights a_j:
- T2*: gradient echo exp(-(t_j - t_exc)/T2*); after a refocusing pulse at t_ref (spin echo,
  echo at t_e = 2 t_ref - t_exc) exp(-|t_j - t_e|/T2*) (Haacke et al., Magnetic Resonance
  Imaging (1999) ch. 8); optional T2 factor exp(-(t_j - t_exc)/T2).
- Diffusion: a spin near r sees the local gradient: the phase of a spin at r + delta is
  2 pi k . (s'(r) + J delta) with J_cj = d s'_c / d r_j = (dBz_c/dr_j)/eta_c (from
  ``field_jacobian``), so its effective trajectory is J^T k(t) and the attenuation is
  exp(-D b_j), b_j = (2 pi)^2 int_{t_exc}^{t_j} |J^T k(t)|^2 dt (Stejskal & Tanner, J. Chem.
  Phys. 42, 288 (1965); Callaghan, Principles of NMR Microscopy (1991) sec. 6.2). The
  moments int k_a k_b dt are integrated exactly: gradients are piecewise linear, k is
  piecewise quadratic, and 3-point Gauss-Legendre is exact for the quartic |k|^2.
- The non-linearity also stretches the image locally: in object space the width along c is
  the image width divided by J_cc (``fwhm_object``), and the intensity scales with 1/det J.

For a perfectly linear coil (or at the isocentre of a symmetric one) and the idealised
readout of ``point_spread_function`` (prephaser of -G for T_acq/2 directly before the readout,
samples at (n - N/2) dt from the echo) this reduces to ``point_spread_function``; the tests
check that to 1e-9 (no diffusion) and 1e-6 (with diffusion, ramps of 10 ns).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.psf import _fwhm
from coildesign.coil import Coil
from coildesign.eddy import exponential_filter, step_response
from coildesign.eddy.modes import as_modes
from coildesign.fields import field, field_jacobian

AXES = ("x", "y", "z")
_GL3_NODES = np.array([-np.sqrt(0.6), 0.0, np.sqrt(0.6)])
_GL3_WEIGHTS = np.array([5.0, 8.0, 5.0]) / 9.0


def _pypulseq():
    """pypulseq is imported lazily: it is an optional package (test extra), needed only here."""
    try:
        import pypulseq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("sequence_psf needs pypulseq: pip install pypulseq") from exc
    return pypulseq


MAX_OVERSAMPLE = 1024  # profile points per nominal pixel: the profile matrix is samples x pixels x oversample
MAX_SEQUENCE_BLOCKS = 100_000  # excitations (n_phase x n_partition): pypulseq builds ~400 blocks/s here
SAMPLE_BYTES = 400  # peak bytes per ADC sample of sequence_psf's trajectory (times, k, moments, weights)


def check_sequence_size(n_readout: int, n_phase: int, n_partition: int) -> None:
    """Refuse a sequence with more than ``MAX_SEQUENCE_BLOCKS`` excitations (pypulseq builds them
    one by one in Python) or more ADC samples than ``sequence_psf`` can hold in memory
    (``SAMPLE_BYTES`` each, honouring COILDESIGN_MAX_MEMORY)."""
    blocks = n_phase * n_partition
    if blocks > MAX_SEQUENCE_BLOCKS:
        check._fail("n_phase", f"small enough that n_phase x n_partition <= {MAX_SEQUENCE_BLOCKS} excitations "
                    f"(this sequence would have {blocks}; pypulseq builds each block in Python)", n_phase)
    samples = float(n_readout) * blocks
    check.memory("n_readout", n_readout, samples * SAMPLE_BYTES, f"the sequence would have {samples:.3g} ADC samples "
                 "(n_readout x n_phase x n_partition): use fewer")


def _on_raster(t: float, raster: float) -> bool:
    """``t`` is a whole number of ``raster`` (to 1e-6 of the raster)."""
    steps = t / raster
    return abs(steps - round(steps)) <= 1e-6 and round(steps) >= 1


def _prephaser(g: float, t_acq: float, r: float) -> float:
    """Prephaser amplitude Gp = G (T/2 + r) / (T/2 + 3 r/2) (see gradient_echo_sequence)."""
    return g * (t_acq / 2 + r) / (t_acq / 2 + 1.5 * r)


def gradient_echo_sequence(fov: float | Sequence[float], n_readout: int, n_phase: int = 1, n_partition: int = 1, *,
                           dwell: float = 10e-6, rise_time: float | None = None, rf_duration: float = 100e-6,
                           flip_angle: float = 10.0, system=None):
    """A Cartesian gradient-echo readout as a ``pypulseq.Sequence``: readout along x, phase
    encoding along y (``n_phase`` lines), partitions along z (``n_partition``; 3-D when > 1).

    ``fov`` [m]: one value or (x, y, z); ``dwell`` [s]: readout sampling interval, so the
    readout gradient is G = 1/(dwell FOV_x) [Hz/m]; ``rise_time`` [s]: ramp time (default the
    shortest whole number of gradient rasters within the system's slew rate); ``rf_duration``
    [s] and ``flip_angle`` [deg]: hard excitation pulse; ``system``: ``pypulseq.Opts`` (default ``pypulseq.Opts()``).
    Per excitation one block holds, on x, a prephaser of duration T_acq/2 and the readout as one
    piecewise-linear waveform without a gap (the prephaser amplitude is set so that k = 0 falls
    on sample N/2, with sample 0 at the start of the readout plateau), and on y/z phase and
    partition encodes of the same duration; the echo time is from the pulse centre to sample N/2.
    """
    pp = _pypulseq()
    fovs = check.real_array("fov", fov, "one length or three lengths (x, y, z) [m]")
    if fovs.ndim > 1 or fovs.size not in (1, 3):
        check._fail("fov", "one length or three lengths (x, y, z) [m]", fov)
    fovs = np.broadcast_to(fovs, (3,)).copy()
    for i, f in enumerate(fovs):
        check.dimension(f"fov[{i}]", float(f))
    n = check.positive_int("n_readout", n_readout, minimum=2)
    n_pe = check.positive_int("n_phase", n_phase)
    n_par = check.positive_int("n_partition", n_partition)
    dt = check.positive("dwell", dwell)
    if not 1e-9 <= dt <= 1.0:
        check._fail("dwell", "a sampling interval in [1e-9, 1] s", dwell)
    sys_ = pp.Opts() if system is None else system
    if not isinstance(sys_, pp.Opts):
        check._fail("system", "a pypulseq.Opts (or None for pypulseq.Opts())", system, TypeError)
    check_sequence_size(n, n_pe, n_par)
    t_acq = n * dt
    g = 1.0 / (dt * fovs[0])
    raster = sys_.grad_raster_time
    if t_acq / 2 > 1.0:
        check._fail("dwell", f"short enough for a readout of n_readout x dwell <= 2 s ({n} x {dt:g} s)", dwell)
    if g > sys_.max_grad:
        check._fail("dwell", f"long enough (or fov[0] large enough) that the readout gradient 1/(dwell fov[0]) = "
                    f"{g:.4g} Hz/m is within the system's max_grad = {sys_.max_grad:.4g} Hz/m (dwell >= "
                    f"{1.0 / (sys_.max_grad * fovs[0]):.3g} s at fov[0] = {fovs[0]:g} m, or pass a pypulseq.Opts "
                    "with a stronger max_grad as system)", dwell)
    if not _on_raster(dt, sys_.adc_raster_time):
        check._fail("dwell", f"a whole number of the system's adc_raster_time = {sys_.adc_raster_time:g} s", dwell)
    if not _on_raster(t_acq / 2, raster):
        steps = max(1, round(t_acq / 2 / raster))
        check._fail("dwell", f"such that the prephaser, n_readout x dwell / 2 = {t_acq / 2:g} s, is a whole number of "
                    f"the system's grad_raster_time = {raster:g} s (e.g. dwell = {2 * steps * raster / n:g} s for "
                    f"n_readout = {n})", dwell)
    if rise_time is None:  # the shortest whole number of gradient rasters within the system's slew rate
        # (the ramps 0 -> -Gp and G -> 0 take r, the transition -Gp -> G takes 2 r, and Gp < G)
        r = raster * max(1.0, np.ceil(g / sys_.max_slew / raster * (1 - 1e-9)))
    else:
        r = check.positive("rise_time", rise_time)
        if not _on_raster(r, raster):
            check._fail("rise_time", f"a whole number of the system's grad_raster_time = {raster:g} s", rise_time)
    tp = t_acq / 2
    # k at the plateau start (ramp -Gp r/2, flat -Gp Tp, transition (G - Gp) r) must be -G T/2:
    # -Gp (Tp + 3 r/2) + G r = -G T/2  =>  Gp = G (T/2 + r) / (Tp + 3 r/2)
    gp = _prephaser(g, t_acq, r)
    slew = max(g / r, gp / r, (g + gp) / (2 * r))
    if slew > sys_.max_slew * (1 + 1e-9):
        check._fail("rise_time", f"long enough for the system's max_slew = {sys_.max_slew:.4g} Hz/m/s: the readout "
                    f"of {g:.4g} Hz/m ramps in rise_time, and needs rise_time >= {g / sys_.max_slew:.3g} s (None "
                    "chooses the shortest)", rise_time)
    for axis, count, fv in (("y", n_pe, fovs[1]), ("z", n_par, fovs[2])):
        amp = (count // 2) / fv / (tp + r)  # largest encode: area (count // 2)/fov in duration tp + 2r, ramps r
        if count > 1 and amp > sys_.max_grad:
            name = "n_phase" if axis == "y" else "n_partition"
            check._fail(name, f"small enough (or fov[{AXES.index(axis)}] large enough) that the largest {axis} encode, "
                        f"{amp:.4g} Hz/m, is within the system's max_grad = {sys_.max_grad:.4g} Hz/m (or use a longer "
                        "dwell)", count)
        if count > 1 and amp / r > sys_.max_slew * (1 + 1e-9):
            check._fail("rise_time", f"long enough for the {axis} encode of {amp:.4g} Hz/m within the system's "
                        f"max_slew = {sys_.max_slew:.4g} Hz/m/s", rise_time)
    rf_dur = check.positive("rf_duration", rf_duration)
    if rf_dur > 1.0:
        check._fail("rf_duration", "a hard pulse of at most 1 s", rf_duration)
    times = np.array([0.0, r, r + tp, 3 * r + tp, 3 * r + tp + t_acq, 4 * r + tp + t_acq])
    amps = np.array([0.0, -gp, -gp, g, g, 0.0])
    rf = pp.make_block_pulse(np.deg2rad(check.positive("flip_angle", flip_angle)), duration=rf_dur, system=sys_,
                             use="excitation")
    seq = pp.Sequence(system=sys_)
    for i_par in range(n_par):
        for i_pe in range(n_pe):
            seq.add_block(rf)
            ro = pp.make_extended_trapezoid("x", amplitudes=amps, times=times, system=sys_)
            adc = pp.make_adc(n, dwell=dt, delay=3 * r + tp - dt / 2, system=sys_)
            events = [ro, adc]
            for ch, idx, count, fv in (("y", i_pe, n_pe, fovs[1]), ("z", i_par, n_par, fovs[2])):
                if count > 1:
                    area = (idx - count // 2) / fv
                    if area != 0.0:
                        events.append(pp.make_trapezoid(ch, area=area, duration=tp + 2 * r, rise_time=r,
                                                        system=sys_))
            seq.add_block(*events)
    return seq


def _load(sequence):
    pp = _pypulseq()
    if isinstance(sequence, (str, os.PathLike)):
        path = check.input_file("sequence", sequence)
        seq = pp.Sequence()
        try:
            seq.read(str(path))
        except Exception as exc:  # noqa: BLE001 - pypulseq's reader raises many types for a malformed file
            check._fail("sequence", f"a readable pypulseq .seq file (reading it failed: {type(exc).__name__}: "
                        f"{str(exc)[:200]})", str(sequence))
        return seq
    if not isinstance(sequence, pp.Sequence):
        check._fail("sequence", "a pypulseq Sequence or a .seq path", sequence, TypeError)
    return sequence


def _gradient_grid(waves, extra_times=()) -> tuple[np.ndarray, np.ndarray]:
    """The x, y, z gradient waveforms of ``Sequence.waveforms_and_times`` on one sorted time
    grid: (times [s] (n,), G (n, 3) in the sequence's unit). pypulseq's gradient shapes are
    piecewise linear between their corner (or raster) points, so linear interpolation onto the
    union of all corner times (and ``extra_times``) is exact; outside its points a channel is 0."""
    grids = [np.asarray(w, dtype=float) for w in waves[:3]]
    times = np.unique(np.concatenate([w[0] for w in grids if w.size] + [np.asarray(t, dtype=float).ravel()
                                                                       for t in extra_times] + [np.zeros(0)]))
    grad = np.column_stack([np.interp(times, w[0], w[1], left=0.0, right=0.0) if w.size else np.zeros_like(times)
                            for w in grids])
    return times, grad


def gradient_waveforms(sequence) -> tuple[np.ndarray, np.ndarray, float]:
    """Gradient waveforms of ``sequence`` (a ``pypulseq.Sequence`` or a .seq path) in SI
    units: (times [s] (n,), G [T/m] (n, 3) for x, y, z, piecewise linear between the times,
    the sequence's duration [s]). pypulseq stores gradients in Hz/m; they are divided by the
    sequence system's gyromagnetic ratio ``system.gamma`` [Hz/T]."""
    seq = _load(sequence)
    waves = seq.waveforms_and_times(append_RF=False)[0]
    times, grad = _gradient_grid(waves)
    return times, grad / float(seq.system.gamma), float(seq.duration()[0])


@dataclass(frozen=True)
class Trajectory:
    """Nominal trajectory at the ADC samples of a sequence."""

    t: np.ndarray  # (J,) [s] sample times
    k: np.ndarray  # (J, 3) [1/m] nominal k
    moments: np.ndarray  # (J, 3, 3) [s/m^2] int_{t_exc}^{t} k_a k_b dt
    t_excitation: np.ndarray  # (J,) [s] last excitation before each sample
    t_echo: np.ndarray  # (J,) [s] spin-echo time (NaN for gradient echoes)


def sequence_trajectory(sequence) -> Trajectory:
    """Exact k and second moments of k at every ADC sample of ``sequence`` (a
    ``pypulseq.Sequence`` or a .seq path); see the module doc."""
    seq = _load(sequence)
    waves, tfp_exc, tfp_ref, t_adc, _ = seq.waveforms_and_times(append_RF=False)
    t_adc = np.asarray(t_adc, dtype=float)
    # pulse arrays are (time, frequency, phase) x pulses; row 0 holds the pulse centres [s]
    t_exc = np.asarray(tfp_exc, dtype=float).reshape(3, -1)[0]
    t_ref = np.asarray(tfp_ref, dtype=float).reshape(3, -1)[0]
    if t_adc.size == 0:
        check._fail("sequence", "a sequence with ADC samples", sequence)
    if t_exc.size == 0 or t_exc[0] > t_adc[0]:
        check._fail("sequence", "a sequence with an excitation pulse before its first ADC sample", sequence)
    times, grad = _gradient_grid(waves, (t_exc, t_ref, t_adc))
    exc_idx = set(np.searchsorted(times, t_exc).tolist())
    ref_idx = set(np.searchsorted(times, t_ref).tolist())
    k = np.zeros((len(times), 3))
    mom = np.zeros((len(times), 3, 3))
    last_exc = np.zeros(len(times))
    echo = np.full(len(times), np.nan)
    kc, mc, te, tc = np.zeros(3), np.zeros((3, 3)), np.nan, times[0]
    for i in range(len(times)):
        if i > 0:
            h = times[i] - times[i - 1]
            g0, g1 = grad[i - 1], grad[i]
            tau = 0.5 * h * (_GL3_NODES + 1.0)
            kq = kc + np.outer(tau, g0) + np.outer(tau**2 / (2 * h), g1 - g0)  # (3 nodes, 3 axes)
            mc = mc + 0.5 * h * np.einsum("q,qa,qb->ab", _GL3_WEIGHTS, kq, kq)
            kc = kc + 0.5 * h * (g0 + g1)
        if i in exc_idx:
            kc, mc, tc, te = np.zeros(3), np.zeros((3, 3)), times[i], np.nan
        if i in ref_idx:
            kc, te = -kc, 2 * times[i] - tc
        k[i], mom[i], last_exc[i], echo[i] = kc, mc, tc, te
    j = np.searchsorted(times, t_adc)
    return Trajectory(t_adc, k[j], mom[j], last_exc[j], echo[j])


def _channel_coils(coil) -> list[Coil | None]:
    if coil is None:
        return [None, None, None]
    if isinstance(coil, Coil):
        out: list[Coil | None] = [None, None, None]
        ax = coil.axis
        if ax is None or not np.isclose(np.abs(ax).max(), 1.0):
            check._fail("coil", "a coil whose axis is x, y or z (or a set of three coils)", coil)
        out[int(np.argmax(np.abs(ax)))] = coil
        return out
    if isinstance(coil, Mapping):
        names = {"x": ("x", "Gx"), "y": ("y", "Gy"), "z": ("z", "Gz")}
        return [next((coil[k] for k in names[a] if k in coil), None) for a in AXES]
    items = list(coil)
    if len(items) != 3 or not all(c is None or isinstance(c, Coil) for c in items):
        check._fail("coil", "None, a Coil, three coils (x, y, z; None for ideal) or a GradientSet", coil, TypeError)
    return items


@dataclass(frozen=True)
class SequencePSF:
    """PSF of point spins for a sequence (module doc); lengths in metres."""

    points: np.ndarray  # (M, 3) true positions
    encoded: np.ndarray  # (M, 3) apparent positions s'(r) (nominal image coordinates)
    jacobian: np.ndarray  # (M, 3, 3) d s'_c / d r_j
    axes: tuple[str, ...]  # encoded axes (channels whose k varies)
    u: dict  # axis -> (n_u,) [m] image offset from s'
    profiles: dict  # axis -> (M, n_u) normalised |PSF|
    fwhm: np.ndarray  # (M, len(axes)) [m] image space
    peak: np.ndarray  # (M, len(axes)) [m] peak offset from s' (image space)
    nominal: dict  # axis -> [m] FOV / N

    @property
    def shift(self) -> np.ndarray:
        """(M, 3) [m] apparent minus true position (peak offsets included)."""
        out = self.encoded - self.points
        for i, ax in enumerate(self.axes):
            out[:, AXES.index(ax)] += self.peak[:, i]
        return out

    @property
    def fwhm_object(self) -> np.ndarray:
        """(M, len(axes)) [m] FWHM referred to object space: image FWHM / J_cc."""
        diag = np.stack([self.jacobian[:, AXES.index(a), AXES.index(a)] for a in self.axes], axis=1)
        return self.fwhm / diag

    def plot(self, path: str | os.PathLike | None = None):
        """One figure: the profile along each encoded axis for every point (matplotlib);
        saved atomically to ``path`` when given. Returns the figure."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axs = plt.subplots(1, len(self.axes), figsize=(4.2 * len(self.axes), 3.2), squeeze=False)
        for i, (ax, name) in enumerate(zip(axs[0], self.axes)):
            for m, p in enumerate(self.points):
                label = (f"({', '.join(f'{v * 1e3:.3g}' for v in p)}) mm: FWHM {self.fwhm[m, i] * 1e6:.4g} um, "
                         f"shift {self.shift[m, AXES.index(name)] * 1e6:.2f} um")
                ax.plot((self.u[name] + self.encoded[m, AXES.index(name)] - p[AXES.index(name)]) * 1e6,
                        self.profiles[name][m], label=label)
            ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
            reach = 1e6 * (8 * self.nominal[name] + np.abs(self.shift[:, AXES.index(name)]).max())
            ax.set_xlim(-reach, reach)
            ax.set_xlabel(f"{name}: image position - true position [um]")
            ax.set_ylabel("|PSF| (normalised)")
            ax.legend(fontsize=6)
        if path is not None:
            save_figure(fig, path)
        return fig


def _eddy_phase(sequence, coils: list, etas: list, shells, pts: np.ndarray) -> np.ndarray:
    """Phase [cycles] (M, J) that the eddy currents of the coils' waveforms add at the ADC
    samples: p_j(r) = gamma_bar int Bz_eddy(r, t) dt from the last excitation to t_j, negated
    at each refocusing pulse like k (module doc). Channel c drives its coil with
    I_c = G_c/(gamma_bar eta_c), so with the shells' mode fields g_i(r) [T/A] per ampere
    step (``eddy.step_response``) and x_i the exponential filter of G_c
    (``eddy.exponential_filter``), p = sum_c sum_i (g_ci(r)/eta_c) int x_ci dt: gamma cancels."""
    seq = _load(sequence)
    waves, tfp_exc, tfp_ref, t_adc, _ = seq.waveforms_and_times(append_RF=False)
    t_adc = np.asarray(t_adc, dtype=float)
    t_exc = np.asarray(tfp_exc, dtype=float).reshape(3, -1)[0]
    t_ref = np.asarray(tfp_ref, dtype=float).reshape(3, -1)[0]
    grids = [np.asarray(w, dtype=float) for w in waves[:3]]
    times = np.unique(np.concatenate([w[0] for w in grids if w.size] + [t_exc, t_ref, t_adc]))
    exc_idx = set(np.searchsorted(times, t_exc).tolist())
    ref_idx = set(np.searchsorted(times, t_ref).tolist())
    m = as_modes(shells)
    phase = np.zeros((len(pts), len(t_adc)))
    for c, cl in enumerate(coils):
        if cl is None or grids[c].size == 0:
            continue
        g = step_response(cl, m, pts, [0.0]).mode_fields[:, 2, :] / etas[c]  # (M, n) [m]
        _, cumulative = exponential_filter(grids[c][0], grids[c][1], m.rates, times, integral=True)
        q = np.zeros((len(times), m.count))
        qc = np.zeros(m.count)
        for i in range(len(times)):
            if i > 0:
                qc = qc + (cumulative[i] - cumulative[i - 1])
            if i in exc_idx:
                qc = np.zeros(m.count)
            if i in ref_idx:
                qc = -qc
            q[i] = qc
        phase += g @ q[np.searchsorted(times, t_adc)].T
    return phase


def sequence_psf(coil, sequence, points: np.ndarray, *, t2star: float = np.inf, t2: float = np.inf,
                 diffusion: float = 0.0, oversample: int = 16, shells=None) -> SequencePSF:
    """PSF at ``points`` [m] (M, 3) of ``sequence`` (a ``pypulseq.Sequence`` or .seq path)
    played on ``coil``: None (ideal linear gradients), a Coil (its own axis; the other
    channels ideal), three coils x, y, z (None entries ideal) or a ``GradientSet``.
    ``t2star``, ``t2`` [s], ``diffusion`` [m^2/s]; ``oversample``: profile grid points per
    nominal pixel. The sequence's k [1/m] already contains gamma (pypulseq's Hz/m), and
    s' = Bz/eta is a length, so no gyromagnetic ratio enters. Module doc for the model.

    ``shells``: conducting shells (``coildesign.eddy.Shell`` objects or their ``eddy.modes``)
    whose eddy currents, driven by the channels that have coils, add their field to the
    gradients: the phase they add at every sample (``_eddy_phase``) multiplies the signal,
    so the PSF shows the shift, blur and B0 phase of the eddies. None: no conductors (the same
    result as before this option existed)."""
    pts = check.points3("points", points)
    t2s = check.positive_or_inf("t2star", t2star)
    t2_ = check.positive_or_inf("t2", t2)
    d = check.positive("diffusion", diffusion, allow_zero=True)
    os_ = check.positive_int("oversample", oversample, minimum=1, maximum=MAX_OVERSAMPLE)
    coils = _channel_coils(coil)
    traj = sequence_trajectory(sequence)
    m = len(pts)
    encoded = pts.copy()
    jac = np.repeat(np.eye(3)[None], m, axis=0)
    for c, cl in enumerate(coils):
        if cl is None:
            continue
        eta = gradient_efficiency(cl, AXES[c])
        encoded[:, c] = field(cl, pts)[:, 2] / eta
        jac[:, c, :] = field_jacobian(cl, pts)[:, 2, :] / eta
    # weights a_j (module doc)
    dt_exc = traj.t - traj.t_excitation
    decay = np.where(np.isnan(traj.t_echo), dt_exc, np.abs(traj.t - np.nan_to_num(traj.t_echo)))
    w = np.exp(-decay / t2s - dt_exc / t2_)
    jjt = np.einsum("mai,mbi->mab", jac, jac)
    b = (2 * np.pi) ** 2 * np.einsum("mab,jab->mj", jjt, traj.moments)
    amp = w[None, :] * np.exp(-d * b)  # (M, J)
    if not (amp.max(axis=1) > 0).all():  # all signal decayed: the normalised profile would be 0/0
        check._fail("t2star, t2 and diffusion", "such that some signal remains at the ADC samples (relaxation times "
                    "this short or diffusion this fast leave none, in floating point)",
                    f"t2star={t2star!r}, t2={t2!r}, diffusion={diffusion!r}")
    if shells is not None:
        etas = [None if cl is None else gradient_efficiency(cl, AXES[c]) for c, cl in enumerate(coils)]
        amp = amp * np.exp(-2j * np.pi * _eddy_phase(sequence, coils, etas, shells, pts))
    axes, u_grid, profiles, nominal = [], {}, {}, {}
    fw = []
    pk = []
    for c, name in enumerate(AXES):
        kc = traj.k[:, c]
        span = kc.max() - kc.min()
        if span <= 0:
            continue
        levels = np.unique(np.round(kc / span * 1e9))
        n_lev = len(levels)
        dk = span / (n_lev - 1)
        fov = 1.0 / dk
        n_u = n_lev * os_
        u = (np.arange(n_u) - n_u // 2) * fov / n_u
        img = np.abs(amp @ np.exp(2j * np.pi * np.outer(kc, u)))
        img /= img.max(axis=1, keepdims=True)
        axes.append(name)
        u_grid[name], profiles[name], nominal[name] = u, img, fov / n_lev
        meas = [_fwhm(u, row) for row in img]
        fw.append([f for f, _ in meas])
        pk.append([p for _, p in meas])
    if not axes:
        check._fail("sequence", "a sequence whose ADC samples span k-space along some axis", sequence)
    return SequencePSF(pts, encoded, jac, tuple(axes), u_grid, profiles, np.array(fw).T, np.array(pk).T, nominal)
