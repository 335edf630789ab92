"""Built-in RF study function: the complete analysis of a solenoid microcoil around a capillary.

``microcoil(turns, wire_diameter, pitch, ...)`` builds the solenoid wound on (or around) a
capillary, turns its axis perpendicular to B0 (= z, the microcoil practice), and returns the
figures a probe designer compares, each key naming its unit:

- B1 per ampere at the centre and averaged over the sample (``coildesign.rf.sensitivity``);
- inductance (``coildesign.analysis.inductance``), AC resistance with skin and proximity effect
  (Minard & Wind convention), Medhurst self-capacitance, self-resonance and its ratio to the
  Larmor frequency, unloaded Q (``coildesign.rf.impedance``);
- eddy-current loss of the water sample (``coildesign.rf.sample.magnetic_loss_resistance``);
- the series-match/parallel-tune network into 50 ohm (``coildesign.rf.matching``);
- reciprocity SNR (peak signal / rms noise, single scan, in ``bandwidth``), SNR per sqrt(Hz) and
  the limit of detection LOD = 3 n / SNR_1Hz (``coildesign.rf.snr``, its conventions).

This is the RF section of ``coildesign.workflow`` for one solenoid, without its printing and
files: the same chain, one ``rf.CoilCircuit`` (L, R_c(f), R_s(f), C_self) that is matched
(``rf.match``) and gives the SNR's noise sources (``rf.snr``). Geometry: the coil's inner diameter
is the capillary's outer diameter unless ``coil_inner_diameter`` is given (it must not be
smaller); the mean winding radius is a = (ID + d) / 2; the coil length is N p. The sample is the
water column inside the capillary, centred in the coil, of ``sample_length`` (default: the coil
length, the "observe volume" of D. L. Olson et al., Science 270, 1967 (1995)).

Speed: ``model="rings"`` (default) represents the winding by N exact coaxial rings (the midpoint
discretisation of the same current sheet; ``geometries.solenoid(stacked=True)``), whose inductance
is summed in closed form (``ring_inductance``), and uses ``quadrature=(6, 12, 8)`` sample points
(radial, axial, angle). Against the helix with 64
points per turn and the default (8, 16, 24) quadrature, a 1 mm, 4-8 turn coil at 600 MHz differed
by < 0.3 % in L and < 0.3 % in SNR (``tests/studies/test_rf_study.py`` checks < 1 %) at ~4-5 ms per
design (``benchmarks/bench_perf.py``, one core) instead of ~0.2-0.7 s. Use ``model="helix"`` to
check a final design.

Geometry cache: what depends on the geometry alone (the coil, B1 at the centre and over the
sample, the inductance, the self-capacitance and the eddy-loss integral G of
``rf.sample.magnetic_loss_integral``) is kept for the last ``GEOMETRY_CACHE`` geometries of a
process, so a sweep over frequency, temperature, medium, network or bandwidth at fixed geometry
computes it once; the results are the same numbers (``microcoil_geometry_cache_clear`` empties it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign import conductors
from coildesign.analysis.handbook import loop_inductance, maxwell_mutual_inductance
from coildesign.analysis.inductance import inductance
from coildesign.coil import Coil
from coildesign.geometries import solenoid
from coildesign.rf import impedance
from coildesign.rf import sample as samples
from coildesign.rf.circuit import CoilCircuit
from coildesign.rf.matching import match
from coildesign.rf.sample import magnetic_loss_integral
from coildesign.rf.sensitivity import SampleB1, b1_map, sample_b1_of_map
from coildesign.rf.snr import snr

MODELS = ("rings", "helix")
DEFAULT_QUADRATURE = (6, 12, 8)
GEOMETRY_CACHE = 64  # geometries kept per process (each ~70 kB for rings, ~300 kB for a helix)


def _medium(medium: object, temperature: float):
    if medium is None or isinstance(medium, samples.Medium):
        return medium
    if medium == "water":
        return samples.water(temperature)
    if medium == "saline":
        return samples.saline(temperature=temperature)
    check._fail("medium", "'water', 'saline', a coildesign.rf.sample.Medium or None", medium)


def ring_inductance(radius: float, pitch: float, turns: int, wire_diameter: float) -> float:
    """Inductance [H] of ``turns`` coaxial rings of round wire (diameter d [m]) of mean radius a
    [m] at axial spacing p [m]: L = N L_loop(a, d/2) + 2 sum_k (N - k) M(a, a, k p), k = 1..N-1,
    with the low-frequency loop self inductance (``analysis.handbook.loop_inductance``) and
    Maxwell's exact coaxial mutual inductance of the centre-line filaments
    (``analysis.handbook.maxwell_mutual_inductance``; the geometric mean distance of two round
    wires is their centre distance, J. C. Maxwell, Treatise vol. 2, art. 692). It agrees with
    ``analysis.inductance`` of the same ring coil to ~4e-4 (tests) at ~1/1000 of the cost.
    """
    a, p, d = radius, pitch, wire_diameter
    mutual = sum((turns - k) * maxwell_mutual_inductance(a, a, k * p) for k in range(1, turns))
    return turns * loop_inductance(a, 0.5 * d) + 2.0 * mutual


@dataclass(frozen=True)
class _Geometry:
    """What ``microcoil`` computes from the geometry alone (module docstring)."""

    coil: Coil
    radius: float
    length: float
    sample_length: float
    b1_centre: float
    sample_b1: SampleB1
    inductance: float
    self_capacitance: float
    loss_integral: float


@functools.lru_cache(maxsize=GEOMETRY_CACHE)
def _geometry(n: int, d: float, p: float, coil_id: float, cap_id: float, sample_length: float | None,
              material: conductors.Material, model: str, quadrature) -> _Geometry:
    """The coil (axis perpendicular to B0 = z), B1, L, C_self and the eddy-loss integral of one
    geometry (arguments already validated by ``microcoil``)."""
    radius = 0.5 * (coil_id + d)
    length = n * p
    coil = solenoid(radius, length, n, wire_diameter=d, stacked=model == "rings", material=material)
    coil = coil.rotate(90.0, (0.0, 1.0, 0.0))  # coil axis (its B1) perpendicular to B0 = z
    s_len = length if sample_length is None else sample_length
    shape = samples.Cylinder(0.5 * cap_id, s_len, axis=tuple(coil.axis))
    pts, w = shape.points(quadrature)
    # the centre and the sample quadrature in one field evaluation
    b1 = b1_map(coil, np.vstack([np.zeros(3), pts]))
    ind = ring_inductance(radius, p, n, d) if model == "rings" else inductance(coil)
    # coaxial rings: A is azimuthal, so divergence free and tangent to the coaxial sample's surface
    # already; its projection (rf.sample.magnetic_loss_resistance) is the identity (Hoult &
    # Lauterbur's closed form applies) and is skipped; the helix's net axial current needs it
    correction = "none" if model == "rings" else "projection"
    return _Geometry(coil, radius, length, s_len, float(b1.magnitude[0]), sample_b1_of_map(b1.rows(slice(1, None)), w),
                     ind, impedance.self_capacitance(coil),
                     magnetic_loss_integral(coil, shape, n=quadrature, correction=correction))


def microcoil_geometry_cache_clear() -> None:
    """Empty ``microcoil``'s geometry cache (module docstring)."""
    _geometry.cache_clear()


def microcoil(
    turns: int,
    wire_diameter: float,
    pitch: float,
    *,
    capillary_outer_diameter: float = 1.0e-3,
    capillary_inner_diameter: float = 0.8e-3,
    coil_inner_diameter: float | None = None,
    sample_length: float | None = None,
    frequency: float = 600e6,
    nucleus: str = "1H",
    temperature: float = 293.15,
    medium: object = "water",
    z0: float = 50.0,
    network: str = "series_match_parallel_tune",
    bandwidth: float = 10e3,
    noise_figure_db: float = 0.0,
    material: str = "copper",
    model: str = "rings",
    quadrature: tuple[int, int, int] = DEFAULT_QUADRATURE,
) -> dict:
    """RF figures of a solenoid of ``turns`` turns of round wire ``wire_diameter`` [m] at
    ``pitch`` [m] around a capillary (module docstring); SI units, keys name the unit.

    ``frequency`` [Hz]: the Larmor frequency of ``nucleus``; ``temperature`` [K] of coil and
    sample; ``medium``: the sample's conductor ("water", "saline", a ``Medium`` or None for a
    loss-free sample); ``z0`` [ohm], ``network`` as in ``rf.matching``; ``bandwidth`` [Hz] noise
    bandwidth; ``noise_figure_db`` [dB] of the receiver.

    Raises ValueError when the wire overlaps (pitch < wire_diameter), when the coil's inner
    diameter is below the capillary's outer diameter, or when the network cannot match the coil.

    Returns a dict of these metrics (``studies.metrics.MICROCOIL``; ``coildesign sweep --help``
    lists them too)::

        coil_inner_diameter_m     inner diameter of the winding [m]
        mean_radius_m             mean winding radius a = (ID + d)/2 [m]
        length_m                  coil length N p [m]
        pitch_over_wire_diameter  pitch / wire diameter [1]
        length_over_diameter      coil length / (2 a) [1]
        sample_volume_m3          volume of the sample in the coil [m^3]
        b1_centre_T_per_A         B1 per ampere at the centre [T/A]
        b1_mean_T_per_A           B1 per ampere averaged over the sample [T/A]
        inductance_H              inductance [H]
        ac_resistance_ohm         AC resistance with skin and proximity effect at the frequency [ohm]
        sample_resistance_ohm     eddy-current loss of the sample as a series resistance [ohm]
        self_capacitance_F        Medhurst self-capacitance [F]
        self_resonance_Hz         self-resonant frequency [Hz]
        srf_ratio                 self-resonant frequency / Larmor frequency [1]
        unloaded_q                unloaded quality factor omega L / R [1]
        tune_capacitance_F        tuning capacitor of the matching network [F]
        match_capacitance_F       matching capacitor of the matching network [F]
        s11_dB                    reflection of the matched coil at the frequency [dB]
        loaded_q                  loaded quality factor f / bandwidth [1]
        bandwidth_Hz              band with |S11|^2 <= 1/2 of the matched coil [Hz]
        signal_V                  peak signal voltage of the sample [V]
        noise_V                   rms noise voltage in the noise bandwidth [V]
        snr                       signal-to-noise ratio, single scan, in the noise bandwidth [1]
        snr_1hz                   SNR in a 1 Hz bandwidth [Hz^(1/2)]
        snr_per_volume_1hz        SNR in 1 Hz per sample volume [Hz^(1/2) m^-3]
        lod_nmol_s05              limit of detection 3 n / SNR_1Hz [nmol s^(1/2)]
        conductor_length_m        length of the wire [m]
        wire_gap_m                gap between adjacent turns p - d [m]
    """
    n = check.positive_int("turns", turns)
    d = check.positive("wire_diameter", wire_diameter)
    p = check.positive("pitch", pitch)
    od = check.positive("capillary_outer_diameter", capillary_outer_diameter)
    cap_id = check.positive("capillary_inner_diameter", capillary_inner_diameter)
    if cap_id >= od:
        check._fail("capillary_inner_diameter", f"smaller than capillary_outer_diameter = {od:g} m", cap_id)
    coil_id = od if coil_inner_diameter is None else check.positive("coil_inner_diameter", coil_inner_diameter)
    if coil_id < od * (1.0 - 1e-12):
        check._fail("coil_inner_diameter", f">= the capillary outer diameter {od:g} m (the coil slides over it)",
                    coil_id)
    if p < d:
        check._fail("pitch", f">= wire_diameter = {d:g} m (adjacent turns would overlap)", pitch)
    f0 = check.positive("frequency", frequency)
    if not 1e-6 <= check.positive("bandwidth", bandwidth) <= 1e12:
        check._fail("bandwidth", "a noise bandwidth in [1e-6, 1e12] Hz", bandwidth)
    t = check.positive("temperature", temperature)
    check.choice("model", model, MODELS)
    medium = _medium(medium, t)
    s_len = None if sample_length is None else check.positive("sample_length", sample_length)
    quad = tuple(quadrature) if isinstance(quadrature, (list, tuple, np.ndarray)) else quadrature
    try:
        hash(quad)
    except TypeError:
        check._fail("quadrature", "None, an int or three ints (radial, axial, angle)", quadrature, TypeError)
    geo = _geometry(n, d, p, coil_id, cap_id, s_len, conductors.material(material), model, quad)
    coil, radius, length = geo.coil, geo.radius, geo.length
    smp = samples.Cylinder(0.5 * cap_id, geo.sample_length, axis=tuple(coil.axis), medium=medium)
    b1_centre, ind, c_self = geo.b1_centre, geo.inductance, geo.self_capacitance
    circuit = CoilCircuit.from_coil(coil, f0, sample=smp if smp.medium is not None else None, temperature=t,
                                    c_self=c_self, inductance=ind, loss_integral=geo.loss_integral)
    r_ac, r_sample = circuit.conductor_resistance, circuit.sample_resistance
    srf = circuit.self_resonance
    matched = match(circuit, z0=z0, topology=network)
    res = snr(coil, smp, frequency=f0, nucleus=nucleus, temperature_sample=t, bandwidth=bandwidth,
              noise_figure_db=noise_figure_db, n=quadrature, b1=geo.sample_b1, circuit=circuit)
    return {
        "coil_inner_diameter_m": coil_id,
        "mean_radius_m": radius,
        "length_m": length,
        "pitch_over_wire_diameter": p / d,
        "length_over_diameter": length / (2.0 * radius),
        "sample_volume_m3": smp.volume,
        "b1_centre_T_per_A": b1_centre,
        "b1_mean_T_per_A": res.b1_mean,
        "inductance_H": ind,
        "ac_resistance_ohm": r_ac,
        "sample_resistance_ohm": r_sample,
        "self_capacitance_F": c_self,
        "self_resonance_Hz": srf,
        "srf_ratio": srf / f0,
        "unloaded_q": circuit.q_unloaded,
        "tune_capacitance_F": matched.capacitors["tune"],
        "match_capacitance_F": matched.capacitors["match"],
        "s11_dB": max(matched.s11_db, -300.0),
        "loaded_q": matched.q_loaded,
        "bandwidth_Hz": matched.bandwidth,
        "signal_V": res.signal,
        "noise_V": res.noise,
        "snr": res.snr,
        "snr_1hz": res.snr_1hz,
        "snr_per_volume_1hz": res.snr_1hz / smp.volume,
        "lod_nmol_s05": res.lod_nmol,
        "conductor_length_m": float(coil.parameters["conductor_length"]),
        "wire_gap_m": p - d,
    }
