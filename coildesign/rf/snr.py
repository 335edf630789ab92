"""Absolute NMR signal, noise and SNR of a coil and sample by reciprocity.

Conventions
-----------
- B0 along ``b0_direction`` (default +z); B1 per ampere is the lab-frame coil field transverse
  to B0 per ampere [T/A] (``coildesign.rf.sensitivity``).
- Magnetisation: the Curie law M0 = chi0 B0 / mu0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T_s)
  [A/m] (A. Abragam, The Principles of Nuclear Magnetism (1961), ch. II, the static nuclear
  susceptibility), N = concentration x N_A x abundance [1/m^3], valid for gamma hbar B0 << k T.
- Signal: the peak EMF amplitude right after an ideal 90-degree pulse, by reciprocity,
  xi = omega0 M0 int |B1_perp / I| dV [V] (D. I. Hoult and R. E. Richards, J. Magn. Reson. 24,
  71 (1976), eq. 4). It assumes the same linear coil transmits and receives, so every voxel's
  EMF adds in phase with amplitude omega0 M0 |B1_perp/I| dV, and a 90-degree flip everywhere
  (flip-angle inhomogeneity, relaxation and line shape are ignored).
- Noise: Johnson noise of the coil resistance R_c at T_c and of the sample loss resistance R_s
  at T_s, times the receiver noise factor F = 10^(NF/10) (power):
  v_n = sqrt(F x 4 k (T_c R_c + T_s R_s) df) [V rms] in the noise bandwidth df [Hz]
  (Hoult & Richards 1976). Multiplying by F is exact for a source at T0 = 290 K (the IEEE
  definition of F); for a cooled coil the amplifier adds (F - 1) 4 k T0 R df instead.
- SNR = xi / v_n: peak signal amplitude over rms noise voltage, time domain, single scan, in the
  stated noise bandwidth ``bandwidth`` (default 10 kHz). ``snr_1hz`` = xi / (v_n / sqrt(df))
  is the same in a 1 Hz bandwidth [Hz^(1/2)], i.e. SNR per sqrt(Hz).
- SNR per voxel: the signal of a voxel of volume V_vox at the volume-averaged |B1|/I over the
  same noise, snr x V_vox / V_sample (no gain from encoding or averaging).
- Limit of detection (microcoil usage after D. L. Olson et al., Science 270, 1967 (1995) and
  A. G. Webb, Prog. Nucl. Magn. Reson. Spectrosc. 31, 1 (1997)): LOD = 3 n / snr_1hz
  [mol s^(1/2)], n the moles of observed nuclei in the sample: the amount of nuclei that gives
  a time-domain peak SNR of 3 in a 1 Hz noise bandwidth (equivalently SNR 3 after 1 s of
  white-noise-limited acquisition); reported also in nmol s^(1/2). Frequency-domain LODs quoted
  from spectra are larger by line-shape factors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.constants import Avogadro, Boltzmann, hbar

from coildesign import _validation as check
from coildesign._text import table
from coildesign.coil import Coil
from coildesign.rf import nuclei as _nuclei
from coildesign.rf.circuit import CoilCircuit, sample_fields
from coildesign.rf.impedance import ac_resistance
from coildesign.rf.nuclei import Nucleus
from coildesign.rf.sample import Sample, _sample, magnetic_loss_resistance
from coildesign.rf.sensitivity import SampleB1, _check_b1_direction, b1_map, sample_b1_of_map

__all__ = [
    "WATER_PROTON_CONCENTRATION",
    "SNRResult",
    "curie_magnetization",
    "limit_of_detection",
    "noise_voltage",
    "snr",
]

# 1H atoms in water at 25 degC: 2 x 997.05 kg/m^3 / 18.01528 g/mol (density: CRC Handbook)
WATER_PROTON_CONCENTRATION = 2.0 * 997.05 / 18.01528e-3  # [mol/m^3] = 110.69e3
_MAX_CONCENTRATION = 1e6  # [mol/m^3]; no substance holds more than ~2e5 mol/m^3 of one element


def default_concentration(nucleus: Nucleus, concentration: float | None) -> float:
    """``concentration`` [mol/m^3], or 1H in water (``WATER_PROTON_CONCENTRATION``) when None; other
    nuclei must give theirs."""
    if concentration is None:
        if nucleus.name != "1H":
            check._fail("concentration", f"given in mol/m^3 for {nucleus.name} (the default is 1H in water)", None)
        return WATER_PROTON_CONCENTRATION
    return concentration


@check.finite_output("magnetisation")
def curie_magnetization(
    nucleus: str | Nucleus,
    concentration: float | None,
    b0: float,
    temperature: float = 293.15,
    *,
    abundance: float | None = None,
    spin_density: float | None = None,
) -> float:
    """Equilibrium (Curie) magnetisation M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) [A/m].

    ``nucleus``: name (``"1H"``) or ``Nucleus``; ``concentration`` [mol/m^3] of the element's
    atoms (all isotopes; e.g. ``WATER_PROTON_CONCENTRATION`` for water), turned into the spin
    density N = concentration N_A abundance [1/m^3] with the natural ``abundance`` unless one
    (0..1) is given for enriched samples; or pass ``concentration=None`` and ``spin_density`` N
    [1/m^3] directly. ``b0`` [T], ``temperature`` [K] of the sample.
    """
    nuc = _nuclei.nucleus(nucleus)
    if spin_density is not None:
        if concentration is not None:
            check._fail("concentration", "None when spin_density is given", concentration)
        n = check.positive("spin_density", spin_density, allow_zero=True)
    else:
        if concentration is None:
            check._fail("concentration", "given in mol/m^3 (or pass spin_density in 1/m^3)", None)
        c = check.positive("concentration", concentration, allow_zero=True)
        if c > _MAX_CONCENTRATION:
            check._fail("concentration", f"a concentration in mol/m^3 below {_MAX_CONCENTRATION:g} (water has "
                        "110.7e3 mol/m^3 of 1H; a number density in 1/m^3 goes in spin_density=)", concentration)
        ab = nuc.abundance if abundance is None else check.in_range("abundance", abundance, 0.0, 1.0)
        n = c * Avogadro * ab
    b = check.magnetic_field_strength("b0", b0)
    t = check.positive("temperature", temperature)
    return float(n * nuc.gamma**2 * hbar**2 * nuc.spin_factor * b / (3.0 * Boltzmann * t))


@check.finite_output("noise voltage")
def noise_voltage(coil_resistance: float, bandwidth: float, *, temperature_coil: float = 293.15,
                  sample_resistance: float = 0.0, temperature_sample: float = 293.15,
                  noise_figure_db: float = 0.0) -> float:
    """rms noise voltage v_n = sqrt(F 4 k (T_c R_c + T_s R_s) df) [V] (module docstring):
    resistances [ohm], temperatures [K], ``bandwidth`` df [Hz], ``noise_figure_db`` [dB]."""
    rc = check.positive("coil_resistance", coil_resistance, allow_zero=True)
    rs = check.positive("sample_resistance", sample_resistance, allow_zero=True)
    tc = check.positive("temperature_coil", temperature_coil)
    ts = check.positive("temperature_sample", temperature_sample)
    df = check.positive("bandwidth", bandwidth)
    f = 10.0 ** (check.in_range("noise_figure_db", noise_figure_db, 0.0, 100.0) / 10.0)
    return float(np.sqrt(f * 4.0 * Boltzmann * (tc * rc + ts * rs) * df))


@check.finite_output("limit of detection")
def limit_of_detection(moles: float, snr_per_sqrt_hz: float, *, threshold: float = 3.0) -> float:
    """LOD = threshold x n / SNR_1Hz [mol s^(1/2)]: the moles of nuclei giving a time-domain
    peak SNR of ``threshold`` (3) in a 1 Hz noise bandwidth, from a sample of ``moles`` n [mol]
    measured with ``snr_per_sqrt_hz`` [Hz^(1/2)] (module docstring)."""
    n = check.positive("moles", moles)
    s = check.positive("snr_per_sqrt_hz", snr_per_sqrt_hz)
    return check.positive("threshold", threshold) * n / s


@dataclass(frozen=True)
class SNRResult:
    """Reciprocity signal, noise and SNR (module conventions; SI units)."""

    nucleus: str
    b0: float  # [T]
    frequency: float  # Larmor frequency [Hz]
    spin_density: float  # [1/m^3]
    magnetization: float  # M0 [A/m]
    sample_volume: float  # [m^3]
    b1_mean: float  # volume-averaged |B1_perp|/I [T/A]
    signal: float  # peak EMF [V]
    coil_resistance: float  # [ohm] at temperature_coil
    sample_resistance: float  # [ohm] at temperature_sample
    temperature_coil: float  # [K]
    temperature_sample: float  # [K]
    noise_factor: float  # F (power ratio)
    noise_density: float  # [V / Hz^(1/2)]
    noise: float  # rms noise voltage in the bandwidth [V]
    bandwidth: float  # noise bandwidth [Hz]
    snr: float  # peak signal / rms noise, single scan
    snr_1hz: float  # SNR per sqrt(Hz) [Hz^(1/2)]
    moles: float  # moles of observed nuclei in the sample [mol]
    lod: float  # 3 n / snr_1hz [mol s^(1/2)]
    voxel_volume: float | None  # [m^3]
    snr_voxel: float | None  # SNR of one voxel at the mean B1

    @property
    def lod_nmol(self) -> float:
        """Limit of detection [nmol s^(1/2)]."""
        return self.lod * 1e9

    def as_dict(self) -> dict:
        """Plain dict (SI units)."""
        return asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit) of each figure: the rows of ``__str__`` and of the probe
        summary's RF table."""
        rows = [
            ("Larmor frequency", f"{self.frequency / 1e6:.6g} MHz ({self.nucleus}, B0 = {self.b0:.5g} T)"),
            ("Curie magnetisation M0", f"{self.magnetization:.4g} A/m"),
            ("mean B1 per ampere over sample", f"{self.b1_mean * 1e3:.4g} mT/A"),
            ("signal EMF (peak)", f"{self.signal * 1e6:.4g} uV"),
            ("coil / sample resistance", f"{self.coil_resistance * 1e3:.4g} mOhm / {self.sample_resistance * 1e3:.4g} "
             "mOhm"),
            (f"noise (rms, {self.bandwidth:g} Hz)", f"{self.noise * 1e9:.4g} nV"),
            ("SNR (peak/rms, single scan)", f"{self.snr:.4g}"),
            ("SNR in 1 Hz", f"{self.snr_1hz:.4g} Hz^1/2"),
            ("limit of detection (SNR 3, 1 Hz)", f"{self.lod_nmol:.4g} nmol s^1/2"),
        ]
        if self.snr_voxel is not None:
            rows.append((f"SNR per voxel ({self.voxel_volume * 1e18:.4g} um^3)", f"{self.snr_voxel:.4g}"))
        return rows

    def __str__(self) -> str:
        return table(self.rows())


def snr(
    coil: Coil,
    sample: Sample,
    *,
    b0: float | None = None,
    frequency: float | None = None,
    nucleus: str | Nucleus = "1H",
    concentration: float | None = None,
    abundance: float | None = None,
    temperature_coil: float | None = None,
    temperature_sample: float = 293.15,
    resistance: float | None = None,
    sample_resistance: float | None = None,
    noise_figure_db: float = 0.0,
    bandwidth: float = 10e3,
    voxel_volume: float | None = None,
    b0_direction=(0.0, 0.0, 1.0),
    n=None,
    b1: SampleB1 | None = None,
    circuit: CoilCircuit | None = None,
) -> SNRResult:
    """Absolute SNR of ``sample`` in ``coil`` by reciprocity (module conventions).

    Field: exactly one of ``b0`` [T] or ``frequency`` [Hz] (the Larmor frequency of
    ``nucleus``). ``concentration`` [mol/m^3] of the element's atoms (default: 1H in water,
    ``WATER_PROTON_CONCENTRATION``; required for other nuclei); ``abundance`` overrides the
    natural one. ``resistance`` [ohm]: the coil's series resistance at ``temperature_coil`` [K]
    (coil, leads, capacitors); None computes ``coildesign.rf.impedance.ac_resistance(coil,
    frequency, temperature=temperature_coil)``. ``sample_resistance`` [ohm] at
    ``temperature_sample`` [K]; None computes the eddy-current loss from ``sample.medium``
    (``magnetic_loss_resistance``; 0 without a medium). Dielectric loss is not added
    automatically: add ``dielectric_loss_resistance`` to ``sample_resistance`` if wanted.
    ``circuit``: the coil's ``CoilCircuit`` at the Larmor frequency (e.g. the one that was
    matched): its conductor resistance is the coil's noise source at ``temperature_coil``
    (default: the circuit's temperature, else 293.15 K) and its sample resistance the
    sample's at ``temperature_sample``; then ``resistance`` and ``sample_resistance`` must be None.
    ``noise_figure_db`` [dB], ``bandwidth`` [Hz] (noise bandwidth), ``voxel_volume`` [m^3],
    ``n``: the sample quadrature order (``sample.points(n)``). ``b1``: the sample's B1 if already computed
    (``sample_b1(coil, sample, n=n, b0_direction=b0_direction)``, e.g. for its homogeneity), so that it is not
    computed twice. A coil whose field at the sample runs mostly along B0 gets a ``B1AlongB0Warning``
    (``coildesign.rf.sensitivity``): its axis should be perpendicular to B0.
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil", coil, TypeError)
    smp = _sample(sample)
    nuc = _nuclei.nucleus(nucleus)
    if (b0 is None) == (frequency is None):
        check._fail("b0", "given exactly when frequency is not (one of b0 [T] or frequency [Hz])", b0)
    if b0 is None:
        f0 = check.positive("frequency", frequency)
        field_ = nuc.field_for_frequency(f0)
    else:
        field_ = check.magnetic_field_strength("b0", b0)
        f0 = nuc.larmor_frequency(field_)
    concentration = default_concentration(nuc, concentration)
    if circuit is not None:
        if not isinstance(circuit, CoilCircuit):
            check._fail("circuit", "None or a CoilCircuit", circuit, TypeError)
        for name, value in (("resistance", resistance), ("sample_resistance", sample_resistance)):
            if value is not None:
                check._fail(name, "None when a circuit is given (its resistances are used)", value)
        if abs(circuit.frequency - f0) > 1e-9 * f0:
            check._fail("circuit", f"a CoilCircuit at the Larmor frequency {f0:.9g} Hz",
                        f"a circuit at {circuit.frequency:.9g} Hz")
        resistance, sample_resistance = circuit.conductor_resistance, circuit.sample_resistance
        if temperature_coil is None:
            temperature_coil = circuit.temperature
    tc = check.positive("temperature_coil", 293.15 if temperature_coil is None else temperature_coil)
    ts = check.positive("temperature_sample", temperature_sample)
    df = check.positive("bandwidth", bandwidth)
    if resistance is None:
        r_coil = float(ac_resistance(coil, f0, temperature=tc))
    else:
        r_coil = check.positive("resistance", resistance)
    if sample_resistance is None:
        r_sample = 0.0 if smp.medium is None else magnetic_loss_resistance(coil, smp, f0, n=n)
    else:
        r_sample = check.positive("sample_resistance", sample_resistance, allow_zero=True)
    m0 = curie_magnetization(nuc, concentration, field_, ts, abundance=abundance)
    ab = nuc.abundance if abundance is None else float(abundance)
    spins = float(concentration) * Avogadro * ab
    if b1 is None:
        # = sample_b1(coil, smp, n=n, b0_direction=b0_direction), B from the coil's sample fields
        # (evaluated with A in one pass and kept: rf.circuit.sample_fields)
        fields = sample_fields(coil, smp, n)
        sens = sample_b1_of_map(b1_map(coil, fields.points, b0_direction=b0_direction, lab_field=fields.field),
                                fields.weights)
    elif isinstance(b1, SampleB1):
        sens = b1
        _check_b1_direction(sens.map.field, sens.map.basis, sens.weights, "snr")
    else:
        check._fail("b1", "None or a SampleB1 (from sample_b1 of this coil and sample)", b1, TypeError)
    xi = 2.0 * np.pi * f0 * m0 * sens.integral
    v_n = noise_voltage(r_coil, df, temperature_coil=tc, sample_resistance=r_sample, temperature_sample=ts,
                        noise_figure_db=noise_figure_db)
    density = v_n / np.sqrt(df)
    snr_1 = xi / density
    moles = float(concentration) * ab * smp.volume
    vox = None if voxel_volume is None else check.positive("voxel_volume", voxel_volume)
    return SNRResult(
        nucleus=nuc.name, b0=field_, frequency=f0, spin_density=spins, magnetization=m0,
        sample_volume=smp.volume, b1_mean=sens.mean, signal=float(xi), coil_resistance=r_coil,
        sample_resistance=float(r_sample), temperature_coil=tc, temperature_sample=ts,
        noise_factor=10.0 ** (noise_figure_db / 10.0), noise_density=float(density), noise=v_n, bandwidth=df,
        snr=float(xi / v_n), snr_1hz=float(snr_1), moles=moles,
        lod=limit_of_detection(moles, snr_1) if moles > 0 and snr_1 > 0 else float("inf"),
        voxel_volume=vox, snr_voxel=None if vox is None else float(xi / v_n * vox / smp.volume),
    )


