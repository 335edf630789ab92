"""B1 sensitivity over a sample and absolute SNR by reciprocity.

Conventions
-----------
- B0 along +z. B1 per ampere is the lab-frame field component transverse to B0 per ampere of
  coil current [T/A] (a linearly polarised coil field; the rotating magnetisation couples to
  all of it: Hoult & Richards, J. Magn. Reson. 24, 71 (1976), eq. 4).
- Signal: the peak EMF amplitude xi = omega0 M0 int |B1_perp / I| dV [V] after a 90-degree
  pulse (Hoult & Richards eq. 4; Hoult, Concepts Magn. Reson. 12, 173 (2000)), with the Curie
  magnetisation M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) [A/m] (Abragam, Principles of
  Nuclear Magnetism, ch. II eq. 1) and N the spin density [1/m^3].
- Noise: Johnson noise of the coil resistance R at temperature T, rms over the bandwidth
  df: v_n = sqrt(F) sqrt(4 k T R df) with F = 10^(NF/10) the receiver noise factor (power).
- SNR = xi / v_n (peak signal over rms noise, single scan, no filtering: stated explicitly).
- Limit of detection (Webb, Prog. NMR Spectr. 31, 1 (1997); Olson et al., Science 270, 1967
  (1995)): LOD = 3 n / SNR_1 [mol s^(1/2)], n the moles of spins in the sample and
  SNR_1 = SNR sqrt(df) the SNR in a 1 Hz bandwidth (1 s of acquisition).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.constants import Avogadro, Boltzmann, hbar

from coildesign import _validation as check
from coildesign._text import table
from coildesign.coil import Coil
from coildesign.fields import field


@dataclass(frozen=True)
class Nucleus:
    """Gyromagnetic ratio gamma [rad/(s T)], spin quantum number and natural abundance."""

    name: str
    gamma: float
    spin: float
    abundance: float

    def larmor_frequency(self, b0: float) -> float:
        """Larmor frequency |gamma| B0 / (2 pi) [Hz] at ``b0`` [T]."""
        return abs(self.gamma) * check.positive("b0", b0) / (2 * np.pi)


# Harris et al., Pure Appl. Chem. 73, 1795 (2001), Table 1 (gamma / 1e7 rad s^-1 T^-1, spin,
# natural abundance in %).
NUCLEI = {n.name: n for n in (
    Nucleus("1H", 26.7522128e7, 0.5, 0.999885),
    Nucleus("2H", 4.10662791e7, 1.0, 0.000115),
    Nucleus("13C", 6.728284e7, 0.5, 0.0107),
    Nucleus("15N", -2.71261804e7, 0.5, 0.00368),
    Nucleus("19F", 25.18148e7, 0.5, 1.0),
    Nucleus("23Na", 7.0808493e7, 1.5, 1.0),
    Nucleus("31P", 10.8394e7, 0.5, 1.0),
)}


def nucleus(name: str) -> Nucleus:
    """The ``Nucleus`` called ``name`` (one of ``NUCLEI``)."""
    check.choice("nucleus", name, tuple(NUCLEI))
    return NUCLEI[name]


def curie_magnetization(nuc: Nucleus, spin_density: float, b0: float, temperature: float) -> float:
    """Equilibrium magnetisation M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) [A/m] for
    ``spin_density`` N [1/m^3] at ``b0`` [T] and ``temperature`` [K] (module doc)."""
    n = check.positive("spin_density", spin_density, allow_zero=True)
    b = check.positive("b0", b0)
    t = check.positive("temperature", temperature)
    return n * nuc.gamma**2 * hbar**2 * nuc.spin * (nuc.spin + 1) * b / (3 * Boltzmann * t)


@dataclass(frozen=True)
class Cylinder:
    """Cylindrical sample (capillary) of ``radius`` and ``length`` [m] along unit ``axis``."""

    radius: float
    length: float
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0)

    def __post_init__(self) -> None:
        check.positive("radius", self.radius)
        check.positive("length", self.length)
        check.vector3("center", self.center)
        check.unit_vector("axis", self.axis)

    @property
    def volume(self) -> float:
        """pi r^2 l [m^3]."""
        return np.pi * self.radius**2 * self.length

    def quadrature(self, n_radial: int = 8, n_axial: int = 16, n_angle: int = 24) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3]): Gauss-Legendre in r^2 and along the
        axis, trapezoid in angle; the weights sum to the exact volume."""
        xr, wr = np.polynomial.legendre.leggauss(n_radial)
        xz, wz = np.polynomial.legendre.leggauss(n_axial)
        r = self.radius * np.sqrt(0.5 * (xr + 1))  # uniform in r^2: dV = (1/2) d(r^2) dphi dz
        wr = wr * 0.5 * self.radius**2 / 2
        z = 0.5 * self.length * xz
        wz = wz * 0.5 * self.length
        phi = 2 * np.pi * np.arange(n_angle) / n_angle
        rr, pp, zz = np.meshgrid(r, phi, z, indexing="ij")
        w = (wr[:, None, None] * (2 * np.pi / n_angle) * wz[None, None, :]) * np.ones(rr.shape)
        ax = np.asarray(self.axis, float) / np.linalg.norm(self.axis)
        e1 = np.cross(ax, [1.0, 0, 0] if abs(ax[0]) < 0.9 else [0, 1.0, 0])
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(ax, e1)
        pts = (np.outer((rr * np.cos(pp)).ravel(), e1) + np.outer((rr * np.sin(pp)).ravel(), e2)
               + np.outer(zz.ravel(), ax) + np.asarray(self.center, float))
        return pts, w.ravel()


@dataclass(frozen=True)
class Sensitivity:
    """|B1_perp| per ampere over a sample: weighted mean [T/A] and homogeneity figures."""

    mean: float
    minimum: float
    maximum: float
    relative_std: float
    fraction_within_10_percent: float
    integral: float  # int |B1_perp/I| dV [T m^3 / A]

    @property
    def max_over_min(self) -> float:
        """max / min of |B1_perp| over the sample."""
        return self.maximum / self.minimum

    def as_dict(self) -> dict:
        """Plain dict (T/A, T m^3/A, dimensionless)."""
        return asdict(self)


def transverse_b1(coil: Coil, points: np.ndarray, b0_direction=(0.0, 0.0, 1.0)) -> np.ndarray:
    """|B1_perp| per ampere [T/A] at ``points`` [m]: the field component transverse to B0."""
    b0 = check.unit_vector("b0_direction", b0_direction)
    b = field(coil, points)
    return np.linalg.norm(b - np.outer(b @ b0, b0), axis=1)


def sample_sensitivity(coil: Coil, sample: Cylinder, b0_direction=(0.0, 0.0, 1.0)) -> Sensitivity:
    """Weighted statistics of |B1_perp|/I over the sample volume (quadrature weights)."""
    pts, w = sample.quadrature()
    b1 = transverse_b1(coil, pts, b0_direction)
    mean = float(np.sum(w * b1) / np.sum(w))
    std = float(np.sqrt(np.sum(w * (b1 - mean) ** 2) / np.sum(w)))
    within = float(np.sum(w * (np.abs(b1 / mean - 1) <= 0.1)) / np.sum(w))
    return Sensitivity(mean, float(b1.min()), float(b1.max()), std / mean, within, float(np.sum(w * b1)))


@dataclass(frozen=True)
class SNRResult:
    """Reciprocity signal, noise, SNR and limit of detection (module doc conventions)."""

    frequency: float  # [Hz]
    magnetization: float  # M0 [A/m]
    signal: float  # peak EMF [V]
    noise: float  # rms noise voltage in the bandwidth [V]
    bandwidth: float  # [Hz]
    snr: float  # peak signal / rms noise
    snr_1hz: float  # SNR in 1 Hz [Hz^(1/2)]
    moles: float  # moles of spins in the sample [mol]
    lod: float  # 3 n / SNR_1 [mol s^(1/2)]

    def as_dict(self) -> dict:
        """Plain dict (SI units)."""
        return asdict(self)

    def __str__(self) -> str:
        return table([
            ("signal EMF (peak)", f"{self.signal * 1e6:.4g} uV"),
            (f"noise (rms, {self.bandwidth:g} Hz)", f"{self.noise * 1e9:.4g} nV"),
            ("SNR (peak/rms, single scan)", f"{self.snr:.4g}"),
            ("SNR in 1 Hz", f"{self.snr_1hz:.4g} Hz^1/2"),
            ("limit of detection (SNR 3, 1 s)", f"{self.lod * 1e9:.4g} nmol s^1/2"),
        ])


def snr(
    coil: Coil,
    sample: Cylinder,
    *,
    b0: float,
    resistance: float,
    nucleus_name: str = "1H",
    concentration: float = 110.7e3,
    temperature_coil: float = 293.15,
    temperature_sample: float = 293.15,
    bandwidth: float = 10e3,
    noise_figure_db: float = 0.0,
    b0_direction=(0.0, 0.0, 1.0),
) -> SNRResult:
    """Absolute SNR of ``sample`` in ``coil`` by reciprocity (module doc).

    ``b0`` [T]; ``resistance`` [ohm]: total series resistance seen by the receiver (coil,
    leads, capacitors, sample losses) at ``temperature_coil`` [K]; ``concentration`` [mol/m^3]
    of the molecule carrying the nucleus times spins per molecule (110.7e3 for 1H in water);
    ``bandwidth`` [Hz]; ``noise_figure_db`` [dB] of the receiver.
    """
    nuc = nucleus(nucleus_name)
    res = check.positive("resistance", resistance)
    conc = check.positive("concentration", concentration, allow_zero=True)
    bw = check.positive("bandwidth", bandwidth)
    nf = check.positive("noise_figure_db", noise_figure_db, allow_zero=True)
    spins = conc * Avogadro * nuc.abundance
    m0 = curie_magnetization(nuc, spins, b0, temperature_sample)
    f0 = nuc.larmor_frequency(b0)
    sens = sample_sensitivity(coil, sample, b0_direction)
    xi = 2 * np.pi * f0 * m0 * sens.integral
    v_n = 10 ** (nf / 20) * np.sqrt(4 * Boltzmann * check.positive("temperature_coil", temperature_coil) * res * bw)
    moles = conc * nuc.abundance * sample.volume
    snr_1 = xi / (v_n / np.sqrt(bw))
    return SNRResult(f0, m0, xi, v_n, bw, xi / v_n, snr_1, moles, 3 * moles / snr_1)


def rotating_frame_b1(coil: Coil, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B1+, B1-) per ampere [T/A] for B0 along +z: B1+ = (Bx + i By)/2 (transmit),
    B1- = conj(Bx - i By)/2 (receive) (Hoult, Concepts Magn. Reson. 12, 173 (2000), eqs. 13-14)."""
    b = field(coil, points)
    return 0.5 * (b[:, 0] + 1j * b[:, 1]), 0.5 * np.conj(b[:, 0] - 1j * b[:, 1])


def magnetic_loss_resistance(coil: Coil, sample: Cylinder, frequency: float, conductivity: float) -> float:
    """Eddy-current loss of a conductive sample as a series resistance [ohm]:
    R_m = (1/I^2) int sigma |E|^2 dV with E = -j omega A (Coulomb-gauge A of the coil from the
    engine). The conservative part of E (surface charges on the sample) is neglected: exact for
    a sample coaxial with a solenoid, where A is azimuthal and already tangent to the surface
    (Hoult & Lauterbur, J. Magn. Reson. 34, 425 (1979)); an estimate otherwise. A helix's net
    axial current adds its own A_z (and E_z); include the leads/return path in the coil for a
    faithful value."""
    from coildesign.fields import vector_potential

    f = check.positive("frequency", frequency)
    sigma = check.positive("conductivity", conductivity, allow_zero=True)
    if sigma == 0.0:
        return 0.0
    pts, w = sample.quadrature()
    a = vector_potential(coil, pts)
    return float(sigma * (2 * np.pi * f) ** 2 * np.sum(w * np.einsum("ij,ij->i", a, a)))


def cylinder_in_solenoid_loss(turns_per_length: float, radius: float, length: float, frequency: float,
                              conductivity: float) -> float:
    """Closed form R_m = pi sigma omega^2 mu0^2 n^2 b^4 l / 8 [ohm] for a cylinder of radius b and
    length l coaxial in a long solenoid of n turns per metre (E_phi = omega mu0 n I r / 2;
    Hoult & Lauterbur 1979)."""
    from scipy.constants import mu_0

    n = check.positive("turns_per_length", turns_per_length)
    b = check.positive("radius", radius)
    length = check.positive("length", length)
    w = 2 * np.pi * check.positive("frequency", frequency)
    sigma = check.positive("conductivity", conductivity, allow_zero=True)
    return np.pi * sigma * w**2 * mu_0**2 * n**2 * b**4 * length / 8
