"""One lumped circuit of an RF coil, shared by matching, networks, SNR, studies and the workflow.

``CoilCircuit`` is the coil seen at its terminals: the series branch ``R(f) + j omega L``
shunted by the self-capacitance ``C_self`` (the usual lumped model of a coil below its
self-resonance: Mispelter, Lupu & Briguet, "NMR Probeheads for Biophysical and Biomedical
Experiments" (Imperial College Press, 2006), ch. 3), with the series resistance split into its
two noise sources:

- the conductor resistance R_c(f) [ohm] (skin and proximity effect,
  ``coildesign.rf.impedance.ac_resistance``; at the conductor temperature), and
- the sample's eddy-current loss resistance R_s(f) = sigma_eff(f) omega^2 G [ohm]
  (``coildesign.rf.sample.magnetic_loss_resistance``: G = (1/I^2) int |A + grad psi|^2 dV
  depends on the geometry only, so R_s scales as sigma omega^2, D. I. Hoult and P. C.
  Lauterbur, J. Magn. Reson. 34, 425 (1979)).

``CoilCircuit.from_coil`` computes L, R_c, R_s and C_self once at the design frequency and keeps
the means to evaluate R_c(f) and R_s(f) at any other frequency (``resistance_at``), so that a
swept network (``network``), the matched coil (``coildesign.rf.matching.match``) and the SNR
(``coildesign.rf.snr.snr``) all use one and the same model. A circuit built from numbers
(``CoilCircuit(inductance=..., conductor_resistance=..., ...)``) has a frequency-independent
resistance.

SI units: henry, ohm, farad, hertz, kelvin.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from coildesign import _validation as check
from coildesign._runtime import one_blas_thread
from coildesign.analysis.inductance import inductance as _inductance
from coildesign.coil import Coil
from coildesign.fields import engine
from coildesign.rf import impedance
from coildesign.rf.helix_fields import _field_and_potential
from coildesign.rf.helix_inductance import helix_inductance, is_uniform_helix
from coildesign.rf.network import coil_one_port, frequency_axis
from coildesign.rf.sample import Sample, _quadrature, _sample, magnetic_loss_integral, magnetic_loss_resistance

__all__ = ["CoilCircuit", "SampleFields", "coil_network", "lumped_impedance", "sample_fields"]

DEFAULT_TEMPERATURE = 293.15  # [K], as ac_resistance
SAMPLE_FIELDS_KEPT = 4  # sample quadratures whose fields a coil keeps (``sample_fields``)


@dataclass(frozen=True, eq=False)
class SampleFields:
    """A coil's field and vector potential per ampere at a sample's quadrature: ``points`` (K, 3)
    [m], volume ``weights`` (K,) [m^3], ``field`` B (K, 3) [T/A], ``potential`` A (K, 3) [T m/A]."""

    points: np.ndarray
    weights: np.ndarray
    field: np.ndarray
    potential: np.ndarray


def sample_fields(coil: Coil, sample: Sample, n=None) -> SampleFields:
    """B and A per ampere of ``coil`` at ``sample.points(n)`` (``SampleFields``), evaluated in one
    pass of the field engine (quantity "B+A": the two share the point-vertex distances; the same
    numbers as ``field`` and ``vector_potential``; for a uniform polyline helix by
    ``rf.helix_fields.helix_field_and_potential``, equal to ~1e-14) and kept in the coil's cache for the last
    ``SAMPLE_FIELDS_KEPT`` quadratures (keyed by the points themselves), so that the circuit's
    sample loss (A, ``CoilCircuit.from_coil``) and the SNR's B1 (``rf.snr``) of one coil and
    sample are one evaluation."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    return _sample_fields(coil, sample, n, blas_limited=False)


def _sample_fields(coil: Coil, sample: Sample, n, *, blas_limited: bool) -> SampleFields:
    """``sample_fields``; ``blas_limited``: the caller already holds BLAS to one thread
    (``rf.helix_fields._field_and_potential``)."""
    pts, w = _quadrature(sample, n)
    store = coil._cache.setdefault("coildesign.rf.sample_fields", {})
    key = hashlib.blake2b(pts.tobytes(), digest_size=16).digest() + bytes(str(pts.shape), "ascii")
    if key in store and np.array_equal(store[key].weights, w):
        return store[key]
    both = _field_and_potential(coil, pts, blas_limited=blas_limited)  # a uniform helix: one log per direction for A
    if both is None:
        both = engine.evaluate(coil, pts, quantity="B+A")
    result = SampleFields(pts, w, both[:, :3], both[:, 3:])
    for array in (result.field, result.potential):
        array.setflags(write=False)
    if len(store) >= SAMPLE_FIELDS_KEPT:
        store.pop(next(iter(store)))
    store[key] = result
    return result


def lumped_impedance(omega, resistance, inductance: float, c_self: float) -> np.ndarray:
    """Terminal impedance [ohm] of the lumped coil: (R + j omega L) in parallel with C_self, at
    angular frequency ``omega`` [rad/s]; ``resistance`` [ohm] (scalar or per frequency),
    ``inductance`` [H], ``c_self`` [F] (0: no shunt capacitance)."""
    z = resistance + 1j * np.asarray(omega) * inductance
    if c_self > 0.0:
        z = z / (1.0 + 1j * np.asarray(omega) * c_self * z)
    return z


@dataclass(frozen=True, eq=False)
class CoilCircuit:
    """The lumped circuit of a coil at ``frequency`` [Hz] (module docstring).

    Attributes
    ----------
    inductance : float
        L [H].
    conductor_resistance : float
        R_c at ``frequency`` [ohm] (at ``temperature``).
    sample_resistance : float
        R_s at ``frequency`` [ohm] (eddy-current loss of the sample; 0 without one).
    c_self : float
        Self-capacitance [F] across the terminals (0 where no model applies, see ``notes``).
    frequency : float
        Design frequency [Hz].
    temperature : float
        Conductor temperature [K] of ``conductor_resistance``.
    notes : tuple[str, ...]
        Provenance of each number and anything approximated.
    name : str
        Name of the coil (used for networks).
    conductor_model, sample_model : callable or None
        f [Hz] (array) -> R_c(f), R_s(f) [ohm]; None: the value at ``frequency`` at every frequency.
    """

    inductance: float
    conductor_resistance: float
    sample_resistance: float = 0.0
    c_self: float = 0.0
    frequency: float = 0.0
    temperature: float = DEFAULT_TEMPERATURE
    notes: tuple[str, ...] = ()
    name: str = "coil"
    conductor_model: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    sample_model: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inductance", check.positive("inductance", self.inductance))
        object.__setattr__(self, "conductor_resistance",
                           check.positive("conductor_resistance", self.conductor_resistance, allow_zero=True))
        object.__setattr__(self, "sample_resistance",
                           check.positive("sample_resistance", self.sample_resistance, allow_zero=True))
        object.__setattr__(self, "c_self", check.positive("c_self", self.c_self, allow_zero=True))
        object.__setattr__(self, "frequency", check.positive("frequency", self.frequency))
        object.__setattr__(self, "temperature", check.positive("temperature", self.temperature))
        if not isinstance(self.notes, tuple):
            object.__setattr__(self, "notes", tuple(self.notes))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_coil(cls, coil: Coil, frequency: float, *, sample: Sample | None = None,
                  temperature: float = DEFAULT_TEMPERATURE, conductivity: float | None = None,
                  c_self: float | None = None, inductance: float | None = None,
                  loss_integral: float | None = None, n=None, proximity: str | None = "minard") -> CoilCircuit:
        """The circuit of ``coil`` at ``frequency`` [Hz].

        L from ``coildesign.analysis.inductance.inductance(coil)``, for a uniform polyline helix by
        the same method summed over its screw symmetry (``rf.helix_inductance``, ~14x faster, equal
        to ~1e-10), or ``inductance`` [H] when already known (e.g. a closed form); R_c from
        ``ac_resistance(coil, frequency, temperature=temperature, proximity=proximity)`` [ohm] at
        ``temperature`` [K]; C_self from ``self_capacitance(coil)`` (or ``c_self`` [F]; 0 with a
        note where no model supports the coil). With a ``sample`` (``coildesign.rf.sample`` shape)
        R_s = sigma omega^2 G with sigma = ``conductivity`` [S/m] or the sample medium's effective
        conductivity at each frequency (ValueError when neither is given) and G from
        ``magnetic_loss_integral(coil, sample, n=n)`` (or ``loss_integral`` [T^2 m^5/A^2] when
        already computed).
        """
        if not isinstance(coil, Coil):
            check._fail("coil", "a coildesign Coil", coil, TypeError)
        f0 = check.positive("frequency", frequency)
        t = check.positive("temperature", temperature)
        if proximity is not None:
            check.choice("proximity", proximity, impedance.PROXIMITY_CONVENTIONS)
        notes: list[str] = []
        if inductance is not None:
            l_coil = check.positive("inductance", inductance)
            notes.append("L given")
        elif is_uniform_helix(coil):
            l_coil = helix_inductance(coil)
            notes.append("L from the screw-symmetric sum of analysis.inductance's method (rf.helix_inductance)")
        else:
            l_coil = float(_inductance(coil))
            notes.append("L from analysis.inductance")
        conductor_model = impedance.conductor_resistance_model(coil, t, proximity)  # prepared once
        r_c = float(conductor_model(np.asarray(f0)))  # = ac_resistance(coil, f0, temperature=t, proximity=...)
        notes.append(f"R_c = {r_c:.6g} ohm at {f0:.6g} Hz and {t:g} K (ac_resistance, proximity {proximity})")

        r_s, sample_model = 0.0, None
        if sample is not None:
            smp = _sample(sample)
            if conductivity is None:
                if smp.medium is None:
                    check._fail("conductivity", "given (in S/m) when the sample has no medium", None)
                sigma = None
            else:
                sigma = check.positive("conductivity", conductivity, allow_zero=True)
            if loss_integral is None:
                with one_blas_thread():  # the projection's small products: one BLAS thread (docs/scaling.md)
                    potential = _sample_fields(coil, smp, n, blas_limited=True).potential
                    g = magnetic_loss_integral(coil, smp, n=n, potential=potential)
            else:
                g = check.positive("loss_integral", loss_integral, allow_zero=True)
            r_s = magnetic_loss_resistance(coil, smp, f0, sigma, integral=g)
            medium = smp.medium

            def sample_model(f: np.ndarray) -> np.ndarray:
                s = medium.effective_conductivity(f) if sigma is None else sigma
                return np.asarray(s, dtype=float) * (2.0 * np.pi * f) ** 2 * g

            source = f"sigma = {sigma:g} S/m" if sigma is not None else f"the medium {medium.name!r}"
            notes.append(f"R_s = {r_s:.6g} ohm (sample eddy-current loss, {source}, scaled as sigma omega^2)")
        if c_self is None:
            try:
                cs = float(impedance.self_capacitance(coil))
                notes.append(f"C_self = {cs:.6g} F (self_capacitance)")
            except ValueError as exc:
                cs = 0.0
                notes.append(f"C_self = 0: self_capacitance does not support this coil ({exc})")
        else:
            cs = check.positive("c_self", c_self, allow_zero=True)
            notes.append(f"C_self = {cs:.6g} F given")
        return cls(inductance=l_coil, conductor_resistance=r_c, sample_resistance=float(r_s), c_self=cs,
                   frequency=f0, temperature=t, notes=tuple(notes), name=coil.name,
                   conductor_model=conductor_model, sample_model=sample_model)

    def with_notes(self, *notes: str) -> CoilCircuit:
        """This circuit with ``notes`` appended."""
        return replace(self, notes=self.notes + tuple(notes))

    # ------------------------------------------------------------------ values at f0
    @property
    def resistance(self) -> float:
        """Total series resistance R_c + R_s at ``frequency`` [ohm] (the loaded coil)."""
        return self.conductor_resistance + self.sample_resistance

    @property
    def omega(self) -> float:
        """Angular design frequency 2 pi f [rad/s]."""
        return 2.0 * np.pi * self.frequency

    @property
    def q_unloaded(self) -> float:
        """omega L / R_c: the coil's own quality factor (no sample) [-]."""
        return self.omega * self.inductance / self.conductor_resistance

    @property
    def q_loaded(self) -> float:
        """omega L / (R_c + R_s): the quality factor with the sample in place [-]."""
        return self.omega * self.inductance / self.resistance

    @property
    def self_resonance(self) -> float | None:
        """1 / (2 pi sqrt(L C_self)) [Hz]; None when C_self is 0 (unknown)."""
        return None if self.c_self == 0.0 else impedance.self_resonant_frequency(self.inductance, self.c_self)

    # ------------------------------------------------------------------ swept values
    def conductor_resistance_at(self, frequency) -> np.ndarray:
        """R_c [ohm] at ``frequency`` [Hz] (array)."""
        f = np.asarray(frequency, dtype=float)
        if self.conductor_model is None:
            return np.full(f.shape, self.conductor_resistance)
        return np.asarray(self.conductor_model(f), dtype=float)

    def sample_resistance_at(self, frequency) -> np.ndarray:
        """R_s [ohm] at ``frequency`` [Hz] (array)."""
        f = np.asarray(frequency, dtype=float)
        if self.sample_model is None:
            return np.full(f.shape, self.sample_resistance)
        return np.asarray(self.sample_model(f), dtype=float)

    def resistance_at(self, frequency) -> np.ndarray:
        """R_c(f) + R_s(f) [ohm] at ``frequency`` [Hz] (array)."""
        return self.conductor_resistance_at(frequency) + self.sample_resistance_at(frequency)

    def impedance(self, frequency) -> np.ndarray:
        """Terminal impedance [ohm]: (R(f) + j omega L) in parallel with C_self, at ``frequency``
        [Hz] (array)."""
        f = np.asarray(frequency, dtype=float)
        return lumped_impedance(2.0 * np.pi * f, self.resistance_at(f), self.inductance, self.c_self)

    def network(self, frequencies, *, z0: float = 50.0, name: str | None = None):
        """The coil as a one-port ``skrf.Network`` over ``frequencies`` [Hz] (or a
        ``skrf.Frequency``) with reference ``z0`` [ohm], built from scikit-rf media elements
        (``coildesign.rf.network.coil_one_port``) with R(f) at every frequency."""
        freq = frequency_axis(frequencies)
        return coil_one_port(freq, self.resistance_at(freq.f), self.inductance, self.c_self,
                             check.positive("z0", z0), self.name if name is None else name)

    def as_dict(self) -> dict:
        """The scalar values (SI units; keys name the unit)."""
        return {"inductance_H": self.inductance, "conductor_resistance_ohm": self.conductor_resistance,
                "sample_resistance_ohm": self.sample_resistance, "resistance_ohm": self.resistance,
                "c_self_F": self.c_self, "frequency_Hz": self.frequency, "temperature_K": self.temperature,
                "q_unloaded": self.q_unloaded, "q_loaded": self.q_loaded}

    def __str__(self) -> str:
        srf = self.self_resonance
        return (f"CoilCircuit({self.name}: L = {self.inductance * 1e9:.6g} nH, "
                f"R_c = {self.conductor_resistance * 1e3:.6g} mOhm, R_s = {self.sample_resistance * 1e3:.6g} mOhm, "
                f"C_self = {self.c_self * 1e12:.4g} pF, f = {self.frequency / 1e6:.6g} MHz, "
                f"Q = {self.q_unloaded:.4g} unloaded / {self.q_loaded:.4g} loaded, "
                f"SRF {'n/a' if srf is None else f'{srf / 1e6:.4g} MHz'})")


def coil_network(coil: Coil, frequencies, *, z0: float = 50.0, temperature: float | None = None,
                 c_self: float | None = None, sample: Sample | None = None, conductivity: float | None = None,
                 name: str | None = None):
    """The bare ``coil`` as a one-port ``skrf.Network`` over ``frequencies`` [Hz] (or a
    ``skrf.Frequency``), reference ``z0`` [ohm]: ``CoilCircuit.from_coil(coil, f_mid, ...)
    .network(frequencies)`` with f_mid the median frequency of the sweep.

    ``temperature`` [K] for the resistance (default 293.15 K); ``c_self`` [F] overrides the
    self-capacitance (default ``self_capacitance(coil)``, 0 where it does not support the coil
    type); ``sample`` adds its eddy-current loss resistance at every frequency
    (``conductivity`` [S/m] or the sample medium's frequency-dependent effective conductivity).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    freq = frequency_axis(frequencies)
    t = DEFAULT_TEMPERATURE if temperature is None else temperature
    circuit = CoilCircuit.from_coil(coil, float(np.median(freq.f)), sample=sample, temperature=t,
                                    conductivity=conductivity, c_self=c_self)
    return circuit.network(freq, z0=z0, name=name)
