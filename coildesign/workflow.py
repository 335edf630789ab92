"""The main job: design and analyse a complete MR microscopy probe from a design dict.

``run_design(spec, output)`` builds the RF coil and the gradient set, computes every figure a
probe designer asks for, prints a readable summary and writes the output folder:

- ``summary.json``: every number printed (SI units, keys name their unit);
- ``report.md``: the summary as tables, linking the plots;
- plots (PNG): B1 map of the RF coil, S11 and Smith chart, gradient deviation maps and
  linearity profiles, PSF profiles; the gradients playing the ``[imaging]`` sequence
  (currents and voltages, coil temperatures, force vectors in B0);
- VTK (pyvista): windings (.vtp), B1 map (.vti: |B1perp|, B1+, B1- per ampere), gradient
  field maps (.vti), each array named with its quantity and unit; an off-screen rendering
  where OpenGL works;
- Touchstone: the matched RF network (.s1p).
Outputs that cannot be made on this machine (e.g. the rendering without OpenGL) are listed
with the reason in ``summary.json`` (``outputs.skipped``), in ``RunResult.skipped`` and at the
end of the printed summary; ``outputs.written`` lists the files written.
Tables (and keys) the design leaves out come from the embedded demo design: the summary says
which, first in the printed text and the report and under ``from_defaults`` in ``summary.json``;
the report's title is the probe's name (``[probe] name``, else the design file's name).
The RF coil's conductor must be short against the wavelength for its lumped model (L, R,
C_self, matching) to hold: ``lumped_model_check``; ``run_design`` warns past lambda/10 and
refuses with ``strict=True`` (the command line).
The design arrives as a frozen ``probe_file.ProbeDesign``; each section returns a frozen report
(``RFReport``, one ``GradientReport`` per gradient coil, the ``SequenceReport`` of the gradient
set playing the design's 2-D imaging sequence: drive, amplifier limits, heating, duty cycle,
forces in B0 and between the coils; a sequence the coils cannot play, e.g. a readout
gradient above the weakest channel's maximum, is printed and written as not played, with the
reason) whose ``as_dict()`` is its part of
``summary.json`` and whose ``rows()`` are its printed table; ``workflow_outputs`` computes the
data of the plots and field maps and ``export`` writes them.
Data flows one way: design -> coils -> fields -> figures of merit -> files.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.constants import speed_of_light

from coildesign import _files as files
from coildesign import design, geometries, rf
from coildesign import workflow_outputs as outputs
from coildesign._progress import progress_enabled
from coildesign._text import table
from coildesign.analysis import gradient as grad
from coildesign.analysis import psf
from coildesign.analysis.drive import Amplifier, Drive, drive
from coildesign.analysis.drive_waveforms import ImagingSequence, imaging_sequence
from coildesign.analysis.forces import Forces, lorentz_forces
from coildesign.analysis.gradient import Linearity
from coildesign.analysis.performance import GradientPerformance, gradient_performance
from coildesign.analysis.thermal import Thermal
from coildesign.coil import Coil
from coildesign.export import vtk
from coildesign.probe_file import CoilTable, DesignError, GradientTable, ImagingTable, ProbeDesign, validate_design
from coildesign.rf import CoilCircuit, match
from coildesign.rf import snr as reciprocity
from coildesign.rf.matching import MatchResult
from coildesign.rf.nuclei import nucleus
from coildesign.rf.sample import Cylinder
from coildesign.rf.sensitivity import B1AlongB0Warning, Homogeneity
from coildesign.rf.snr import SNRResult
from coildesign.winding_info import Birdcage, Helix


def _defaults_table(from_defaults: dict) -> list[str]:
    """The printed list of tables and keys taken from the demo design (empty when none)."""
    rows = [(f"[{t}]", "the whole table" if keys == "all" else ", ".join(keys)) for t, keys in from_defaults.items()]
    return [table(rows, "Not in the design, taken from the built-in demo design")] if rows else []


@dataclass
class RunResult:
    """What a run produced: the summary (nested dict), its text form, the files written and
    the outputs skipped (``{"file": name, "reason": why}``; also in ``summary["outputs"]``
    and at the end of ``text``)."""

    summary: dict
    text: str
    files: list[Path] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def _build(table: CoilTable | GradientTable, where: str):
    """The coil (or gradient set) of a ``[rf_coil]`` or ``[gradient]`` table."""
    try:
        if table.generator == "target_field":  # designed, not drawn: the DSV and deviation are its targets
            return design.target_field_set(dsv_radius=table.dsv_radius, max_deviation=table.deviation, **table.params)
        return getattr(geometries, table.generator)(**table.params)
    except (TypeError, ValueError) as exc:
        raise DesignError(f"{where} ({table.generator}): {exc}") from None


LUMPED_FRACTION = 0.1  # conductor length / free-space wavelength above which the lumped model is refused


@dataclass(frozen=True)
class LumpedModelCheck:
    """Electrical size of an RF coil: ``conductor_length`` [m] (the longest conductor run
    between lumped capacitors: the whole winding of a coil tuned as one inductor, the longest
    leg or ring segment of a birdcage), the free-space ``wavelength`` [m] at ``frequency`` [Hz]
    and their ratio ``fraction`` [1]; ``valid`` when ``fraction <= LUMPED_FRACTION``."""

    conductor_length: float
    wavelength: float
    frequency: float

    @property
    def fraction(self) -> float:
        """Conductor length over wavelength [1]."""
        return self.conductor_length / self.wavelength

    @property
    def valid(self) -> bool:
        """True when the conductor is at most ``LUMPED_FRACTION`` (1/10) of the wavelength."""
        return self.fraction <= LUMPED_FRACTION

    def message(self) -> str:
        """One line naming the lengths and what to check."""
        return (f"the RF coil's conductor is {self.conductor_length:.3g} m long, {self.fraction:.2g} of the free-space "
                f"wavelength at {self.frequency / 1e6:.4g} MHz ({self.wavelength:.3g} m): its lumped model (uniform "
                f"current; L, R, C_self, matching) needs it below ~lambda/10 = {LUMPED_FRACTION * self.wavelength:.3g} "
                "m; check the [rf_coil] dimensions (metres) and turns")

    def as_dict(self) -> dict:
        """JSON-ready dict (SI units in the keys)."""
        return {"conductor_length_m": self.conductor_length, "free_space_wavelength_m": self.wavelength,
                "length_over_wavelength": self.fraction, "lumped_model_valid": self.valid}


def lumped_model_check(coil: Coil, frequency: float) -> LumpedModelCheck:
    """Is ``coil`` electrically small at ``frequency`` [Hz]?

    Circuit (lumped-element) theory assumes a network much smaller than the wavelength
    (D. M. Pozar, Microwave Engineering, 4th ed., Wiley 2012, sect. 2.1): along a conductor
    comparable to lambda the current is not uniform, and L, R, the self-capacitance and the
    matching network computed for a uniform current do not describe the coil. The bound
    lambda/10 (``LUMPED_FRACTION``) is the customary engineering reading of "much smaller"
    (a rule of thumb, not a derived limit). lambda = c/f in vacuum [m]: the wavelength along
    a wire in a dielectric or near the sample is shorter, so the bound is lenient.
    """
    lengths = [w.length for w in coil.windings]
    run = max(lengths) if isinstance(coil.winding_info, Birdcage) else float(sum(lengths))
    return LumpedModelCheck(float(run), speed_of_light / frequency, float(frequency))


def _frequency_text(hz: float) -> str:
    """``"<x> MHz"``, or ``"n/a"`` for an unknown (infinite or NaN) frequency."""
    return f"{hz / 1e6:.4g} MHz" if np.isfinite(hz) else "n/a"


@dataclass(frozen=True)
class RFReport:
    """The RF section of a run: the ``coil`` (axis across B0), the ``sample``, the ``circuit``
    (L, R_c, R_s, C_self at the Larmor frequency), the ``matched`` network, the B1 summary
    over the sample ``b1_over_sample`` (``Homogeneity`` of |B1perp|/I, band +-10 %), |B1perp|
    per ampere at the centre ``b1_centre`` [T/A], the ``snr`` result, the sample's
    ``conductivity`` [S/m] and the B1-along-B0 ``warnings``."""

    coil: Coil
    sample: Cylinder
    circuit: CoilCircuit
    matched: MatchResult
    b1_over_sample: Homogeneity
    b1_centre: float
    snr: SNRResult
    conductivity: float
    warnings: tuple[str, ...] = ()

    @property
    def self_capacitance_source(self) -> str:
        """Where C_self comes from ("Medhurst", "estimate"), or why it is not available."""
        if self.circuit.c_self > 0:
            return "Medhurst" if isinstance(self.coil.winding_info, Helix) else "estimate"
        return "not available: " + next(n for n in self.circuit.notes if n.startswith("C_self"))

    @property
    def self_resonance(self) -> float:
        """Self-resonance frequency [Hz]; infinite when C_self is not known."""
        return self.circuit.self_resonance if self.circuit.c_self > 0 else float("inf")

    def as_dict(self) -> dict:
        """The ``rf_coil`` part of ``summary.json`` (SI units in the keys)."""
        c, m = self.circuit, self.matched
        return {
            "description": repr(self.coil), "b1_per_ampere_centre_T_per_A": self.b1_centre,
            "b1_over_sample": self.b1_over_sample.as_dict(),
            "inductance_H": c.inductance, "ac_resistance_ohm": c.conductor_resistance,
            "self_capacitance_F": c.c_self, "self_capacitance_source": self.self_capacitance_source,
            "self_resonance_Hz": self.self_resonance,
            "unloaded_Q": c.q_unloaded, "sample_loss_resistance_ohm": c.sample_resistance,
            "match": {"network": m.topology, "loaded_resistance_ohm": m.resistance,
                      **({"tune_capacitance_F": m.capacitors["tune"], "match_capacitance_F": m.capacitors[
                          "match"]} if "tune" in m.capacitors else {}),
                      "elements": [{"name": e.name, "position": e.position, "kind": e.kind,
                                    "value_" + ("F" if e.kind == "capacitor" else "H"): e.value}
                                   for e in m.elements],
                      "s11_dB": m.s11_db, "bandwidth_Hz": m.bandwidth, "loaded_Q": m.q_loaded},
            "snr": self.snr.as_dict(),
            "warnings": list(self.warnings),
        }

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit) of the printed RF table, the SNR result's rows last."""
        c, m, sens = self.circuit, self.matched, self.b1_over_sample
        note = self.self_capacitance_source
        return [
            *[("WARNING", text) for text in self.warnings],
            ("B1 per ampere at centre", f"{self.b1_centre * 1e3:.4g} mT/A"),
            ("B1 over sample: max/min", f"{sens.max_over_min:.4g}"),
            ("B1 over sample: rel. std", f"{100 * sens.relative_std:.3g} %"),
            ("inductance (LF, GMD method)", f"{c.inductance * 1e9:.4g} nH"),
            ("AC resistance (skin + proximity)", f"{c.conductor_resistance * 1e3:.4g} mOhm"),
            ("unloaded Q", f"{c.q_unloaded:.4g}"),
            (f"sample eddy-current loss (sigma = {self.conductivity:g} S/m)", f"{c.sample_resistance * 1e3:.4g} mOhm"),
            ("self-capacitance", f"{c.c_self * 1e12:.3g} pF ({note})" if c.c_self > 0 else f"n/a: {note}"),
            ("self-resonance", _frequency_text(self.self_resonance)),
            (f"matching network ({m.topology}, with the sample)",
             " / ".join(f"{e.position} {e.value * 1e12:.4g} pF" if e.kind == "capacitor" else
                        f"{e.position} {e.value * 1e9:.4g} nH" for e in m.elements)),
            ("S11 at the Larmor frequency", f"{max(m.s11_db, -300.0):.4g} dB"),
            ("-3 dB bandwidth / loaded Q", f"{m.bandwidth / 1e6:.4g} MHz / {m.q_loaded:.4g}"),
            *self.snr.rows(),
        ]


def _rf_section(spec: ProbeDesign, nuc, b0: float, frequency: float, temperature: float, step) -> RFReport:
    coil = _build(spec.rf_coil, "design: [rf_coil]")
    if coil.axis is not None and abs(coil.axis[2]) > 0.9:
        # microcoil practice: the coil axis (its B1) is perpendicular to B0 = z
        coil = coil.rotate(90.0, (0.0, 1.0, 0.0))
    smp = spec.sample
    sample = rf.Cylinder(smp.radius, smp.length, axis=tuple(coil.axis if coil.axis is not None
                                                                      else (1.0, 0.0, 0.0)))
    with warnings.catch_warnings(record=True) as caught:  # B1 along B0: reported below, then re-issued
        warnings.simplefilter("always", B1AlongB0Warning)
        b1 = rf.sample_b1(coil, sample, within=0.1)  # computed once: summary and SNR
    b1_warnings = tuple(str(w.message) for w in caught if issubclass(w.category, B1AlongB0Warning))
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    sens = b1.homogeneity
    centre = float(rf.transverse_b1(coil, np.zeros((1, 3)))[0])
    step("B1 map")
    # one circuit (L, R_c(f), R_s(f) of the sample, C_self) for the impedance figures, the match and the SNR
    circuit = CoilCircuit.from_coil(coil, frequency, sample=sample, temperature=temperature,
                                    conductivity=smp.conductivity)
    step("impedance")
    # the network is tuned and matched with the sample in place (coil + sample loss resistance)
    matched = match(circuit, topology="auto")
    step("matching")
    res = reciprocity.snr(coil, sample, b0=b0, nucleus=nuc.name, concentration=smp.concentration,
                          temperature_sample=temperature, b1=b1, circuit=circuit)
    step("SNR")
    return RFReport(coil, sample, circuit, matched, sens, centre, res, smp.conductivity, b1_warnings)


@dataclass(frozen=True)
class GradientReport:
    """The section of one gradient coil: the ``coil``, its ``performance`` with the amplifier,
    its ``linearity`` over the sphere of ``dsv_radius`` [m] and the radius ``largest_dsv`` [m]
    of the largest sphere within the field ``deviation`` [1]."""

    coil: Coil
    performance: GradientPerformance
    linearity: Linearity
    largest_dsv: float
    dsv_radius: float
    deviation: float

    @property
    def title(self) -> str:
        """The title of the printed table."""
        return f"Gradient {self.coil.name}"

    def as_dict(self) -> dict:
        """The coil's entry of ``gradients`` in ``summary.json`` (SI units)."""
        out = {**self.performance.as_dict(), "linearity": self.linearity.as_dict(),
               "largest_dsv_radius_m": self.largest_dsv, "dsv_deviation": self.deviation}
        if "design" in self.coil.parameters:  # a target-field design: its dense deviation check and spacing rule
            out["buildable"] = self.coil.parameters["design"]["buildable"]
        return out

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit): the performance figures (without the coil's name, the
        table's title), then the linearity and the largest DSV."""
        lin = self.linearity
        return [*self.performance.rows()[1:],
                (f"max field deviation, DSV r = {self.dsv_radius * 1e3:g} mm",
                 f"{100 * lin.max_field_deviation:.3g} %"),
                ("max local-gradient deviation", f"{100 * lin.max_gradient_deviation:.3g} %"),
                (f"largest DSV within {100 * self.deviation:g} % (field)",
                 f"{2 * self.largest_dsv * 1e3:.4g} mm diameter"), *self._design_rows()]

    def _design_rows(self) -> list[tuple[str, str]]:
        """A target-field design's own figures: its dense deviation, wire spacing and buildability."""
        if "design" not in self.coil.parameters:
            return []
        made = self.coil.parameters["design"]
        return [(f"designed max field deviation ({made['deviation']}, dense)", f"{100 * made['max_deviation']:.4g} %"),
                ("min wire spacing / wire diameter",
                 f"{made['min_spacing'] * 1e3:.3g} / {made['wire_diameter'] * 1e3:.3g} mm"),
                ("buildable", "yes" if made["buildable"] else "NO (" + "; ".join(made["violations"]) + ")")]


def _gradient_section(gspec: GradientTable, temperature: float, step) -> list[GradientReport]:
    built = _build(gspec, "design: [gradient]")
    coils = [built] if isinstance(built, Coil) else list(built)
    reports = []
    for coil in coils:
        perf = gradient_performance(coil, v_max=gspec.v_max, i_max=gspec.i_max, temperature=temperature)
        lin = grad.linearity(coil, gspec.dsv_radius, n=13)
        dsv = grad.largest_dsv(coil, gspec.deviation, n=9, rtol=1e-2)
        reports.append(GradientReport(coil, perf, lin, dsv, gspec.dsv_radius, gspec.deviation))
        step(f"gradient {coil.name}")
    return reports


FORCE_TOLERANCE = 1e-4  # relative accuracy of the coil-on-coil forces (``lorentz_forces``) in the report


def _seconds_text(t: float | None) -> str:
    """A time [s] as text: "never" for an infinite one."""
    return "never" if t is None or not np.isfinite(t) else f"{t:.4g} s"


@dataclass(frozen=True)
class SequenceReport:
    """The gradient set playing the design's imaging sequence (``[imaging]``): the trapezoid
    ``sequence`` (``analysis.drive_waveforms``; the whole scan, ``matrix`` repetitions, is the
    drive's period), its ``drive`` per channel (currents, voltages, power, amplifier limits),
    the lumped ``thermal`` model per channel (channel -> ``Thermal``: the scan repeated, with
    the design's ``cooling``), the forces on each coil in ``b0`` [T] at its peak current
    (``in_b0``: channel -> ``Forces``) and between the coils at their peak currents
    (``between``: (target channel, source channel) -> ``Forces`` on the target, one per pair;
    Newton's third law gives the other), where the amplifier limits count as met within
    ``LIMIT_RTOL`` (lobes built at the limits land on them up to rounding)."""

    sequence: ImagingSequence
    drive: Drive
    thermal: dict[str, Thermal]
    in_b0: dict[str, Forces]
    between: dict[tuple[str, str], Forces]
    b0: float
    cooling: str

    LIMIT_RTOL = 1e-9
    ROUNDING = 1e-9

    def limits_met(self, channel: str) -> bool:
        """True when the channel's peak current and voltage are within the amplifier's limits."""
        ch = self.drive[channel]
        amp = ch.amplifier
        return bool(ch.current_peak <= amp.i_max * (1 + self.LIMIT_RTOL)
                    and ch.voltage_peak <= amp.v_max * (1 + self.LIMIT_RTOL))

    def largest_coupling(self) -> tuple[tuple[str, str], Forces] | None:
        """The coil pair with the largest net force between them, then the largest net torque, or
        None; a net force below ``ROUNDING`` times the sum of the element forces' magnitudes
        counts as zero (the cancellation of a symmetric pair leaves rounding, not a force)."""
        if not self.between:
            return None

        def size(k):
            f = self.between[k]
            net, total = float(np.linalg.norm(f.net_force)), float(np.linalg.norm(f.segment_forces, axis=1).sum())
            return (net if net > self.ROUNDING * total else 0.0, float(np.linalg.norm(f.net_torque)))

        key = max(self.between, key=size)
        return key, self.between[key]

    def as_dict(self) -> dict:
        """The ``sequence`` part of ``summary.json`` (SI units in the keys)."""
        seq = self.sequence
        out = {"kind": seq.kind, "repetition_time_s": seq.repetition_time, "echo_time_s": seq.echo_time,
               "scan_time_s": seq.scan_time, "readout_gradient_T_per_m": seq.readout_gradient,
               "acquisition_time_s": seq.acquisition_time, "bandwidth_Hz": seq.bandwidth,
               "slice_select_gradient_T_per_m": seq.slice_gradient, "slice_thickness_m": seq.slice_thickness,
               "max_gradient_T_per_m": seq.max_gradient, "slew_rate_T_per_m_s": seq.slew_rate,
               "cooling": self.cooling, "b0_T": self.b0, "channels": {}}
        for name, ch in self.drive.channels.items():
            th, f = self.thermal[name], self.in_b0[name]
            out["channels"]["G" + name] = {
                "current_peak_A": ch.current_peak, "current_rms_A": ch.current_rms,
                "voltage_peak_V": ch.voltage_peak, "amplifier_v_max_V": ch.amplifier.v_max,
                "amplifier_i_max_A": ch.amplifier.i_max, "amplifier_limits_met": self.limits_met(name),
                "power_mean_W": ch.power_mean, "power_peak_W": ch.power_peak,
                "thermal_resistance_K_per_W": th.thermal_resistance, "heat_capacity_J_per_K": th.heat_capacity,
                "steady_temperature_K": th.steady_temperature, "runaway": th.runaway,
                "time_constant_s": th.time_constant, "temperature_limit_K": th.limit,
                "time_to_limit_s": th.time_to_limit, "max_duty_cycle": th.max_duty_cycle,
                "max_amplitude_scale": th.max_amplitude_scale,
                "net_force_in_b0_N": f.net_force.tolist(), "net_torque_in_b0_N_m": f.net_torque.tolist(),
                "max_force_density_in_b0_N_per_m": float(np.linalg.norm(f.force_density, axis=1).max())}
        out["between_coils"] = [{"target": "G" + t, "source": "G" + s, "net_force_N": f.net_force.tolist(),
                                 "net_torque_N_m": f.net_torque.tolist()} for (t, s), f in self.between.items()]
        return out

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit) of the printed sequence table: the sequence, then per channel
        drive, amplifier, heating and forces in B0, then the largest force between coils."""
        seq = self.sequence
        kind = seq.kind.replace("_", " ")
        rows = [("sequence", f"2-D {kind}, TR {seq.repetition_time * 1e3:.4g} ms, TE {seq.echo_time * 1e3:.4g} ms, "
                             f"{seq.matrix} repetitions ({seq.scan_time:.4g} s)"),
                ("readout / slice-select gradient",
                 f"{seq.readout_gradient:.4g} / {seq.slice_gradient:.4g} T/m ({seq.bandwidth / 1e3:.4g} kHz, "
                 f"{seq.slice_thickness * 1e3:.4g} mm slice)"),
                ("lobe limits: amplitude / slew rate", f"{seq.max_gradient:.4g} T/m / {seq.slew_rate:.4g} T/(m s)")]
        for name, ch in self.drive.channels.items():
            th, f, amp = self.thermal[name], self.in_b0[name], ch.amplifier
            g = "G" + name
            rows += [
                (f"{g}: current peak / rms", f"{ch.current_peak:.4g} / {ch.current_rms:.4g} A"),
                (f"{g}: voltage peak", f"{ch.voltage_peak:.4g} V"),
                (f"{g}: amplifier {amp.v_max:g} V / {amp.i_max:g} A",
                 ("met" if self.limits_met(name) else "EXCEEDED") + f" ({100 * ch.current_peak / amp.i_max:.3g} % of "
                 f"I, {100 * ch.voltage_peak / amp.v_max:.3g} % of V)"),
                (f"{g}: power mean / peak", f"{ch.power_mean:.4g} / {ch.power_peak:.4g} W"),
                (f"{g}: steady temperature ({self.cooling})",
                 "runaway" if th.runaway else f"{th.steady_temperature - 273.15:.4g} degC"),
                (f"{g}: time to {th.limit - 273.15:.4g} degC / max duty cycle",
                 f"{_seconds_text(th.time_to_limit)} / {100 * th.max_duty_cycle:.4g} % (amplitudes up to "
                 f"x{th.max_amplitude_scale:.3g})"),
                (f"{g}: in B0 at peak current: net force / torque",
                 f"{np.linalg.norm(f.net_force):.3g} N / {np.linalg.norm(f.net_torque):.3g} N m"),
                (f"{g}: in B0: max force density", f"{np.linalg.norm(f.force_density, axis=1).max():.4g} N/m")]
        top = self.largest_coupling()
        if top is not None:
            (t, s), f = top
            rows.append((f"largest force between coils (G{s} on G{t}, peak currents)",
                         f"{np.linalg.norm(f.net_force):.3g} N, torque {np.linalg.norm(f.net_torque):.3g} N m"))
        return rows


def _channel_map(coils: list[Coil]) -> dict[str, Coil]:
    """Channel ("x", "y", "z": the coil's gradient axis) -> coil, the first coil per axis."""
    out: dict[str, Coil] = {}
    for coil in coils:
        if coil.axis is not None and np.isclose(np.abs(coil.axis).max(), 1.0):
            out.setdefault("xyz"[int(np.argmax(np.abs(coil.axis)))], coil)
    return dict(sorted(out.items()))


def _sequence_section(im: ImagingTable, gspec: GradientTable, gradients: list[GradientReport], b0: float,
                      gamma: float, temperature: float) -> SequenceReport | None:
    """The design's imaging sequence played by its gradient coils (``SequenceReport``); None
    when no coil has a gradient axis along x, y or z. The lobes' amplitude limit is the weakest
    channel's maximum gradient (eta i_max) and their slew rate ``[imaging] slew_rate`` or, not
    set, the largest that every channel holds at any current up to i_max,
    min eta (v_max - R i_max) / L (series R-L: V = L dI/dt + R I <= v_max)."""
    coils = _channel_map([g.coil for g in gradients])
    if not coils:
        return None
    perf = {c: next(g.performance for g in gradients if g.coil is coil) for c, coil in coils.items()}
    g_max = min(p.max_gradient for p in perf.values())
    if im.slew_rate is None:
        headroom = {c: gspec.v_max - p.resistance * gspec.i_max for c, p in perf.items()}
        if min(headroom.values()) <= 0:
            c = min(headroom, key=headroom.get)
            raise DesignError(f"design: [gradient] v_max = {gspec.v_max!r}: must exceed R i_max = "
                              f"{perf[c].resistance * gspec.i_max:.4g} V of G{c} for the amplifier to ramp its "
                              "current (or set [imaging] slew_rate)")
        slew = min(abs(p.efficiency) * headroom[c] / p.inductance for c, p in perf.items())
    else:
        slew = im.slew_rate
    try:
        seq = imaging_sequence(im.fov, im.matrix, im.bandwidth, slice_thickness=im.slice_thickness,
                               rf_duration=im.rf_duration, time_bandwidth=im.time_bandwidth, max_gradient=g_max,
                               slew_rate=slew, gamma=gamma, kind=im.sequence, tr=im.tr)
    except ValueError as exc:
        raise DesignError(f"design: [imaging] {exc}") from None
    played = drive(coils, seq.waveforms(), amplifier=Amplifier(gspec.v_max, gspec.i_max), temperature=temperature,
                   period=seq.scan_time)
    heat = played.thermal(cooling=gspec.cooling, ambient=temperature, limit=gspec.temperature_limit)
    peak = {c: played[c].current_peak for c in coils}
    in_b0 = {c: lorentz_forces(coil, b0, peak[c]) for c, coil in coils.items()}
    names = list(coils)
    between = {(t, s): lorentz_forces(coils[t], coils[s], peak[t], source_current=peak[s],
                                      tolerance=FORCE_TOLERANCE)
               for i, s in enumerate(names) for t in names[i + 1:]}
    return SequenceReport(seq, played, heat, in_b0, between, b0, gspec.cooling)


def run_design(spec: dict | ProbeDesign, output: str | Path, *, quiet: bool = False, strict: bool = False) -> RunResult:
    """Run the full analysis of ``spec`` (design dict or ``ProbeDesign``, validated here) and
    write ``output``.

    ``quiet``: no progress bar (otherwise ``coildesign.set_progress`` decides). An RF coil
    whose conductor exceeds lambda/10 (``lumped_model_check``) gives a ``UserWarning``, or a
    ``DesignError`` before any computation with ``strict=True`` (the command line).
    """
    from tqdm.auto import tqdm


    spec = validate_design(spec, "design")
    if spec.outputs.vtk:
        vtk.start_render_probe()  # answered in the background while the analysis runs
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=11, disable=not progress_enabled(False if quiet else None), desc="coildesign", unit="step",
               leave=False)

    def step(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)

    probe = spec.probe
    nuc = nucleus(probe.nucleus)
    b0 = probe.b0 if probe.b0 is not None else 2 * np.pi * probe.frequency / abs(nuc.gamma)
    frequency = nuc.larmor_frequency(b0)
    temperature = probe.temperature
    lumped = lumped_model_check(_build(spec.rf_coil, "design: [rf_coil]"), frequency)
    if not lumped.valid:
        if strict:
            raise DesignError(f"design: [rf_coil] {lumped.message()}")
        warnings.warn(lumped.message(), UserWarning, stacklevel=2)
    rf = _rf_section(spec, nuc, b0, frequency, temperature, step)
    gspec = spec.gradient
    gradients = _gradient_section(gspec, temperature, step)

    im = spec.imaging
    g_max = min(g.performance.max_gradient for g in gradients)
    limits = psf.resolution_limits(g_max, t2star=im.t2star, t2=im.t2, diffusion=im.diffusion,
                                   gamma=abs(nuc.gamma), fov=im.fov, n_samples=im.matrix)
    gx = gradients[0].coil
    kw = {"t2star": im.t2star, "diffusion": im.diffusion, "gamma": abs(nuc.gamma)}
    psf_centre = psf.coil_point_spread(gx, [0, 0, 0], g_max, im.fov, im.matrix, **kw)
    edge = gspec.dsv_radius * gx.axis
    psf_edge = psf.coil_point_spread(gx, edge, g_max, im.fov + 4 * gspec.dsv_radius,
                                     int(im.matrix * (1 + 4 * gspec.dsv_radius / im.fov)), **kw)
    step("resolution")
    try:  # a sequence the coils cannot play is reported with the reason; the rest of the run stands
        played, not_played = _sequence_section(im, gspec, gradients, b0, nuc.gamma, temperature), None
    except DesignError as exc:
        played, not_played = None, str(exc).removeprefix("design: ")
    step("sequence")

    summary = {
        "probe": {"name": probe.name, "b0_T": b0, "frequency_Hz": frequency, "nucleus": nuc.name},
        "from_defaults": spec.from_defaults,
        "lumped_model": lumped.as_dict(),
        "rf_coil": rf.as_dict(),
        "gradients": {g.coil.name: g.as_dict() for g in gradients},
        "imaging": {**limits.as_dict(), "psf_centre_fwhm_m": psf_centre.fwhm, "psf_edge_fwhm_m": psf_edge.fwhm,
                    "psf_edge_shift_m": psf_edge.shift, "psf_edge_position_m": edge.tolist()},
    }
    if played is not None:
        summary["sequence"] = played.as_dict()
    elif not_played is not None:
        summary["sequence"] = {"not_played": not_played}
    img_rows = [*limits.rows(),
                ("PSF FWHM at the centre", f"{psf_centre.fwhm * 1e6:.4g} um"),
                (f"PSF FWHM / shift at {gspec.dsv_radius * 1e3:g} mm along {gx.name}",
                 f"{psf_edge.fwhm * 1e6:.4g} um / {psf_edge.shift * 1e6:.4g} um")]
    defaults = _defaults_table(spec.from_defaults)
    checks = [] if lumped.valid else [table([("lumped model", "NOT VALID: " + lumped.message())], "Warnings")]
    text = "\n\n".join([
        *defaults,
        *checks,
        table(rf.rows(), f"RF coil: {rf.coil.name} at {frequency / 1e6:.2f} MHz ({nuc.name}, B0 = {b0:.4g} T)"),
        *[table(g.rows(), g.title) for g in gradients],
        table(img_rows, "Resolution at the weakest axis' maximum gradient"),
        *([table(played.rows(), "Gradients playing the imaging sequence: drive, heating, forces")]
          if played is not None else []),
        *([table([("not played", not_played)], "Gradients playing the imaging sequence")]
          if not_played is not None else []),
    ])

    written = [rf.matched.to_touchstone(out / "rf_match.s1p")]
    skipped: list[dict[str, str]] = []
    extent = max(rf.sample.radius, 0.5 * rf.sample.length)
    gradient_coils = [g.coil for g in gradients]
    if spec.outputs.plots:
        written += outputs.probe_plots(out, rf.coil, extent, rf.matched, gradient_coils, gspec.dsv_radius,
                                       (psf_centre, psf_edge))
        if played is not None:
            written += outputs.sequence_plots(out, played.drive, played.thermal, played.in_b0,
                                              played.sequence.repetition_time)
    if spec.outputs.vtk:
        vtk_written, vtk_skipped = outputs.probe_vtk(out, rf.coil, gradient_coils, gspec.dsv_radius, extent)
        written += vtk_written
        skipped += vtk_skipped
    if skipped:
        text += "\n\n" + table([(s["file"], f"skipped: {s['reason']}") for s in skipped], "Outputs not written")
    if spec.outputs.report:
        pngs = [p.name for p in written if p.suffix == ".png"]
        report = [f"# {probe.name}", "", "```", text, "```", ""] + [f"![{n}]({n})" for n in pngs]
        written.append(files.write_text(out / "report.md", "\n".join(report) + "\n"))
    summary["outputs"] = {"written": sorted([p.name for p in written] + ["summary.json"]), "skipped": skipped}
    written.append(files.write_json(out / "summary.json", summary))
    step("exports")
    bar.close()
    return RunResult(summary, text, written, skipped)
