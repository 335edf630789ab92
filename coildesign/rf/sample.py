"""Samples for RF sensitivity and SNR: shapes with volume quadratures, media, sample losses.

Shapes
------
``Cylinder`` (capillary), ``Sphere`` and ``Box`` are the region shapes of
``coildesign.analysis.regions`` (geometry, ``volume`` [m^3], ``contains``, and the volume
quadrature ``points(n)`` -> (points (K, 3) [m], weights (K,) [m^3]) with sum(weights) equal to
the exact volume) with a ``medium``; ``Mask`` selects voxels of a regular grid (tensor
Gauss-Legendre inside every selected voxel; n = 1 is the midpoint rule on the voxel centres).

Media
-----
``Medium`` holds an ionic conductivity sigma [S/m] and a single-Debye relative permittivity
eps_r(f) = eps_inf + (eps_s - eps_inf) / (1 + j omega tau) - j sigma / (omega eps0), time
dependence exp(+j omega t) (so eps_r = eps' - j eps''). ``water(T)`` uses Kaatze's temperature
correlations for pure water (U. Kaatze, J. Chem. Eng. Data 34, 371 (1989)); ``saline(S, T)``
the Klein-Swift model for salt water of salinity S [g/kg] (L. A. Klein and C. T. Swift, IEEE
Trans. Antennas Propag. AP-25, 104 (1977), which extends A. Stogryn, IEEE Trans. Microwave
Theory Tech. MTT-19, 733 (1971)); 0.9 % (9 g/kg) is physiological saline.

Sample losses
-------------
- Magnetic (eddy-current, inductive) loss: ``magnetic_loss_resistance``, the series resistance
  R_m = (1/I^2) int sigma_eff |E|^2 dV [ohm] (peak phasors, so the dissipated power is
  I^2 R_m / 2), with the induced field E = -j omega (A + grad psi) per ampere, A the coil's
  vector potential from the field engine (``coildesign.vector_potential``) and
  sigma_eff = sigma + omega eps0 eps''_Debye (both ionic and dipolar losses dissipate the induced
  field). The gradient term is the conservative field of the surface charges, which make the
  current tangent to the sample surface and divergence free: A + grad psi is the
  Helmholtz-Hodge projection of A onto divergence-free fields tangent to the boundary, i.e. the
  minimiser of int |A + grad psi|^2 dV, computed here by least squares over polynomial psi of
  a given degree (Galerkin, so the loss converges from above). Assumptions: uniform sigma,
  the sample small against the wavelength, and conduction in the sample much stronger than the
  displacement current through its surface (eps_outside << |eps_c|, true for water). For a
  sample coaxial with a solenoid of rings A is azimuthal and already tangent, the correction is
  zero and the closed form of Hoult & Lauterbur holds (``cylinder_in_solenoid_loss``); a
  helix's net axial current adds a near-uniform A_z that the projection removes (the bare
  -j omega A overestimates by 11 % for a 400-turn, 40 mm long, 2 mm diameter helix, by 9 % for
  a 5-turn 1 mm microsolenoid), and a sample off the coil axis gets its eddy currents circling
  its own axis (the bare form gives 3x for a cylinder displaced by its radius in a uniform
  field). ``correction="none"`` gives the bare E = -j omega A (an upper bound).
- Dielectric loss: ``dielectric_loss_resistance``, an ESTIMATE from a stray-capacitance model
  (the mechanism of D. G. Gadian and F. N. H. Robinson, J. Magn. Reson. 34, 449 (1979)): the part
  C_s of the coil's self-capacitance whose electric field runs through the sample is a lossy
  capacitor, admittance Y = omega C_s (tan_delta + j), across the coil terminals; with the
  coil inductance L its series-equivalent resistance is R_e = Re[j omega L / (1 + j omega L Y)]
  = omega^2 L^2 G / ((1 - omega^2 L C_s)^2 + (omega L G)^2), G = omega C_s tan_delta, which is
  omega^3 L^2 C_s tan_delta well below self-resonance (derived here). C_s is the uncertain
  input (a fraction of Medhurst's self-capacitance, ``coildesign.rf.impedance.self_capacitance``,
  raised by the sample's permittivity); treat the result as an order-of-magnitude figure.
"""

from __future__ import annotations

import abc
import functools
import math
import weakref
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from scipy.constants import epsilon_0

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.analysis import regions
from coildesign.coil import Coil
from coildesign.fields import vector_potential

__all__ = [
    "Box",
    "Cylinder",
    "Mask",
    "Medium",
    "Sample",
    "Sphere",
    "cylinder_in_solenoid_loss",
    "dielectric_loss_resistance",
    "induced_potential",
    "magnetic_loss_resistance",
    "saline",
    "water",
]

PURE_WATER_CONDUCTIVITY = 5.5e-6  # [S/m] ultrapure water at 25 degC (0.055 uS/cm; Light, Licht,
# Bevilacqua & Morash, Electrochem. Solid-State Lett. 8, E16 (2005))


# ---------------------------------------------------------------------------- media
@dataclass(frozen=True)
class Medium:
    """A sample medium: ionic ``conductivity`` sigma [S/m] and a single-Debye relative
    permittivity (``eps_static``, ``eps_inf``, relaxation time ``tau`` [s]; ``tau = 0`` for a
    constant, lossless eps_r = eps_static). ``temperature`` [K] and ``reference`` document
    where the numbers come from."""

    name: str
    conductivity: float
    eps_static: float
    eps_inf: float
    tau: float = 0.0
    temperature: float | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "conductivity", check.positive("conductivity", self.conductivity, allow_zero=True))
        object.__setattr__(self, "eps_static", check.positive("eps_static", self.eps_static))
        object.__setattr__(self, "eps_inf", check.positive("eps_inf", self.eps_inf))
        object.__setattr__(self, "tau", check.positive("tau", self.tau, allow_zero=True))

    def relative_permittivity(self, frequency: float | np.ndarray) -> complex | np.ndarray:
        """Complex eps_r = eps' - j eps'' at ``frequency`` [Hz] (> 0), ionic term included."""
        w = 2.0 * np.pi * _frequency_array(frequency)
        eps = np.asarray(self.eps_inf + (self.eps_static - self.eps_inf) / (1.0 + 1j * w * self.tau)
                         - 1j * self.conductivity / (w * epsilon_0))
        return eps if eps.ndim else complex(eps)

    def dipolar_loss_factor(self, frequency: float | np.ndarray) -> float | np.ndarray:
        """eps''_Debye = (eps_s - eps_inf) omega tau / (1 + (omega tau)^2) (no ionic part)."""
        out = self._dipolar(_frequency_array(frequency))
        return out if out.ndim else float(out)

    def _dipolar(self, f: np.ndarray) -> np.ndarray:
        """``dipolar_loss_factor`` at the checked frequencies ``f`` [Hz] (an array)."""
        wt = 2.0 * np.pi * f * self.tau
        return np.asarray((self.eps_static - self.eps_inf) * wt / (1.0 + wt**2))

    def effective_conductivity(self, frequency: float | np.ndarray) -> float | np.ndarray:
        """sigma_eff = sigma + omega eps0 eps''_Debye [S/m]: what dissipates an induced field."""
        f = _frequency_array(frequency)
        out = np.asarray(self.conductivity + 2.0 * np.pi * f * epsilon_0 * self._dipolar(f))
        return out if out.ndim else float(out)

    def loss_tangent(self, frequency: float | np.ndarray) -> float | np.ndarray:
        """tan delta = eps'' / eps' of the complex permittivity (ionic and dipolar)."""
        eps = np.asarray(self.relative_permittivity(frequency))
        out = np.asarray(-eps.imag / eps.real)
        return out if out.ndim else float(out)


def _frequency_array(frequency) -> np.ndarray:
    f = np.asarray(frequency, dtype=float)
    if not np.isfinite(f).all() or (f <= 0).any():
        check._fail("frequency", "finite and > 0 [Hz]", frequency)
    return f


def _celsius(name: str, temperature: float, low: float, high: float) -> float:
    t = check.positive(name, temperature) - 273.15
    if not low <= t <= high:
        check._fail(name, f"between {low + 273.15:g} K and {high + 273.15:g} K (the model's range)", temperature)
    return t


def water(temperature: float = 293.15) -> Medium:
    """Pure water at ``temperature`` [K] (-4.1 to 60 degC).

    Single Debye relaxation with Kaatze's correlations (U. Kaatze, J. Chem. Eng. Data 34, 371
    (1989)), t in degC, T in K:
    eps_s = 10^(1.94404 - 1.991e-3 t), eps_inf = 5.77 - 2.74e-2 t,
    tau = 3.745e-15 (1 + 7e-5 (t - 27.5)^2) exp(2295.7 / T) s
    (at 25 degC: 78.39, 5.09, 8.27 ps). Ionic conductivity of ultrapure water 5.5e-6 S/m
    (25 degC), negligible beside the dipolar loss at NMR frequencies.
    """
    t = _celsius("temperature", temperature, -4.1, 60.0)
    eps_s = 10.0 ** (1.94404 - 1.991e-3 * t)
    eps_inf = 5.77 - 2.74e-2 * t
    tau = 3.745e-15 * (1.0 + 7.0e-5 * (t - 27.5) ** 2) * math.exp(2.2957e3 / (t + 273.15))
    return Medium("water", PURE_WATER_CONDUCTIVITY, eps_s, eps_inf, tau, float(temperature),
                  "Kaatze, J. Chem. Eng. Data 34, 371 (1989)")


def saline(salinity: float = 9.0, temperature: float = 293.15) -> Medium:
    """Salt water of ``salinity`` S [g of salt per kg of solution] (9 g/kg = 0.9 %
    physiological saline) at ``temperature`` [K] (0 to 40 degC).

    Klein & Swift (IEEE Trans. Antennas Propag. AP-25, 104 (1977), built on Stogryn 1971),
    t in degC, delta = 25 - t:
    eps_s = (87.134 - 1.949e-1 t - 1.276e-2 t^2 + 2.491e-4 t^3)
            (1 + 1.613e-5 t S - 3.656e-3 S + 3.210e-5 S^2 - 4.232e-7 S^3),
    tau = (1.768e-11 - 6.086e-13 t + 1.104e-14 t^2 - 8.111e-17 t^3)
          (1 + 2.282e-5 t S - 7.638e-4 S - 7.760e-6 S^2 + 1.105e-8 S^3) s,
    sigma = S (0.18252 - 1.4619e-3 S + 2.093e-5 S^2 - 1.282e-7 S^3)
            exp(-delta (2.033e-2 + 1.266e-4 delta + 2.464e-6 delta^2
                        - S (1.849e-5 - 2.551e-7 delta + 2.551e-8 delta^2))) S/m,
    eps_inf = 4.9. Fitted for sea salt at 4-35 g/kg near 1.4-2.7 GHz; for NaCl solutions and
    hundreds of MHz expect a few per cent (sigma: 1.54 S/m at 9 g/kg, 25 degC).
    """
    s = check.in_range("salinity", salinity, 0.0, 40.0)
    t = _celsius("temperature", temperature, 0.0, 40.0)
    eps_s = (87.134 - 1.949e-1 * t - 1.276e-2 * t**2 + 2.491e-4 * t**3) * (
        1.0 + 1.613e-5 * t * s - 3.656e-3 * s + 3.210e-5 * s**2 - 4.232e-7 * s**3)
    tau = (1.768e-11 - 6.086e-13 * t + 1.104e-14 * t**2 - 8.111e-17 * t**3) * (
        1.0 + 2.282e-5 * t * s - 7.638e-4 * s - 7.760e-6 * s**2 + 1.105e-8 * s**3)
    d = 25.0 - t
    sigma25 = s * (0.18252 - 1.4619e-3 * s + 2.093e-5 * s**2 - 1.282e-7 * s**3)
    alpha = 2.033e-2 + 1.266e-4 * d + 2.464e-6 * d**2 - s * (1.849e-5 - 2.551e-7 * d + 2.551e-8 * d**2)
    sigma = max(sigma25 * math.exp(-d * alpha), PURE_WATER_CONDUCTIVITY)
    return Medium(f"saline {s:g} g/kg", sigma, eps_s, 4.9, tau, float(temperature),
                  "Klein & Swift, IEEE Trans. Antennas Propag. AP-25, 104 (1977)")


def _medium(value: object) -> Medium | None:
    if value is None or isinstance(value, Medium):
        return value
    check._fail("medium", "a Medium (e.g. coildesign.rf.sample.water()) or None", value, TypeError)


# ---------------------------------------------------------------------------- shapes
class Sample(abc.ABC):
    """Base of the sample shapes: ``volume`` [m^3], ``points(n)``, ``center`` [m], ``extent``
    (a length [m] that scales the shape, used to condition fits) and ``medium``."""

    medium: Medium | None
    center: np.ndarray

    @property
    @abc.abstractmethod
    def volume(self) -> float:
        """Volume [m^3]."""

    @property
    @abc.abstractmethod
    def extent(self) -> float:
        """A length [m] that scales the shape."""

    @abc.abstractmethod
    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3])."""


@dataclass(frozen=True, eq=False)
class Cylinder(regions.Cylinder, Sample):
    """A cylindrical sample (capillary): ``radius`` and ``length`` [m], ``center`` [m], unit
    ``axis`` (the region ``coildesign.analysis.regions.Cylinder``), optional ``medium``.

    ``points(n)``: ``n`` None -> orders (8, 16, 24) (radial, axial, angle); an int ->
    (n, n, 3 n); or a tuple of three ints.
    """

    medium: Medium | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "medium", _medium(self.medium))


@dataclass(frozen=True, eq=False)
class Sphere(regions.Sphere, Sample):
    """A spherical sample of ``radius`` [m] at ``center`` [m] (the region
    ``coildesign.analysis.regions.Sphere``), optional ``medium``.

    ``points(n)``: ``n`` None -> 8; an int n -> orders (n, n, 2 n) (radial, polar, azimuth);
    or a tuple of three ints (radial order >= 2 for the volume to be exact).
    """

    medium: Medium | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "medium", _medium(self.medium))


@dataclass(frozen=True, eq=False)
class Box(regions.Box, Sample):
    """An axis-aligned rectangular sample of edge lengths ``size`` (3,) [m] at ``center`` [m]
    (the region ``coildesign.analysis.regions.Box``), optional ``medium``.

    ``points(n)``: ``n`` None -> 8 per axis; an int; or three ints (x, y, z).
    """

    medium: Medium | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "medium", _medium(self.medium))


@dataclass(frozen=True, eq=False)
class Mask(Sample):
    """A sample given as selected voxels of a regular axis-aligned grid.

    ``grid_points``: either three 1-D arrays of voxel-centre coordinates (x, y, z) [m], each
    uniformly spaced, or an array (nx, ny, nz, 3) of voxel centres (``np.meshgrid(x, y, z,
    indexing="ij")`` stacked on the last axis). ``mask``: boolean (nx, ny, nz), True inside the
    sample. ``voxel_size`` (3,) [m] is required only for an axis with a single node.
    ``points(n)``: ``n`` (default 1) Gauss-Legendre nodes per axis inside every voxel; n = 1 is
    the midpoint rule. The volume is (number of voxels) x (voxel volume).
    """

    grid_points: object
    mask: np.ndarray
    voxel_size: np.ndarray | None = None
    medium: Medium | None = None
    axes: tuple = field(init=False, repr=False)
    center: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        axes = self._axes(self.grid_points)
        m = np.asarray(self.mask)
        if m.dtype != bool:
            check._fail("mask", "a boolean array", self.mask, TypeError)
        shape = tuple(len(a) for a in axes)
        if m.shape != shape:
            check._fail("mask", f"of shape {shape} (the grid's)", f"array of shape {m.shape}")
        if not m.any():
            check._fail("mask", "True for at least one voxel", "an all-False mask")
        given = None if self.voxel_size is None else check.vector3("voxel_size", self.voxel_size)
        size = np.empty(3)
        for k, a in enumerate(axes):
            if len(a) >= 2:
                steps = np.diff(a)
                if (steps <= 0).any() or not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0):
                    check._fail("grid_points", f"uniformly spaced and increasing along axis {k}", a)
                size[k] = steps.mean()
                if given is not None and not np.isclose(given[k], size[k], rtol=1e-9, atol=0.0):
                    check._fail("voxel_size", f"equal to the grid spacing {size[k]:g} m along axis {k}", given)
            elif given is None:
                check._fail("voxel_size", f"given (axis {k} has a single node)", None)
            else:
                size[k] = given[k]
        if (size <= 0).any():
            check._fail("voxel_size", "three lengths > 0 [m]", size)
        m = m.copy()
        m.setflags(write=False)
        object.__setattr__(self, "mask", m)
        object.__setattr__(self, "voxel_size", size)
        object.__setattr__(self, "axes", axes)
        idx = np.nonzero(m)
        centres = np.stack([axes[k][idx[k]] for k in range(3)], axis=1)
        object.__setattr__(self, "center", 0.5 * (centres.min(axis=0) + centres.max(axis=0)))
        object.__setattr__(self, "medium", _medium(self.medium))

    @staticmethod
    def _axes(grid_points: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if isinstance(grid_points, (tuple, list)) and len(grid_points) == 3:
            axes = []
            for k, a in enumerate(grid_points):
                arr = np.asarray(a, dtype=float)
                if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
                    check._fail("grid_points", f"three finite 1-D coordinate arrays (axis {k} is not)", a)
                axes.append(arr)
            return tuple(axes)
        try:
            g = np.asarray(grid_points, dtype=float)
        except (TypeError, ValueError):
            check._fail("grid_points", "three 1-D arrays or an (nx, ny, nz, 3) array", grid_points, TypeError)
        if g.ndim != 4 or g.shape[3] != 3 or not np.isfinite(g).all():
            check._fail("grid_points", "three 1-D arrays or a finite (nx, ny, nz, 3) array",
                        f"array of shape {g.shape}")
        axes = (g[:, 0, 0, 0], g[0, :, 0, 1], g[0, 0, :, 2])
        full = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
        if not np.allclose(full, g, rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(g).max()))):
            check._fail("grid_points", "a regular axis-aligned grid (meshgrid with indexing='ij')",
                        f"array of shape {g.shape}")
        return axes

    @property
    def volume(self) -> float:
        """Number of selected voxels x voxel volume [m^3]."""
        return int(self.mask.sum()) * float(np.prod(self.voxel_size))

    @property
    def extent(self) -> float:
        """Half the largest dimension of the selected voxels' bounding box [m]."""
        idx = np.nonzero(self.mask)
        span = [np.ptp(self.axes[k][idx[k]]) + self.voxel_size[k] for k in range(3)]
        return 0.5 * float(max(span))

    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3]): ``n`` (default 1) Gauss-Legendre
        nodes per axis in every selected voxel."""
        k = 1 if n is None else check.positive_int("n", n)
        x, w = np.polynomial.legendre.leggauss(k)
        idx = np.nonzero(self.mask)
        centres = np.stack([self.axes[d][idx[d]] for d in range(3)], axis=1)
        offsets = np.array(list(product(x, repeat=3))) * (0.5 * self.voxel_size)
        weights = np.prod(np.array(list(product(w, repeat=3))), axis=1) * float(np.prod(0.5 * self.voxel_size))
        pts = (centres[:, None, :] + offsets[None, :, :]).reshape(-1, 3)
        return pts, np.tile(weights, len(centres))


def _sample(value: object) -> Sample:
    if not isinstance(value, Sample):
        check._fail("sample", "a Cylinder, Sphere, Box or Mask", value, TypeError)
    return value


_QUADRATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # sample -> {n: (points, weights)}


def _order_key(n) -> object:
    """A hashable form of a quadrature order ``n`` (None, an int or a sequence of ints), or
    None when it has none (then the quadrature is not kept)."""
    if n is None or (isinstance(n, (int, np.integer)) and not isinstance(n, bool)):
        return ("order", None if n is None else int(n))
    if isinstance(n, (tuple, list)) and all(isinstance(k, (int, np.integer)) and not isinstance(k, bool)
                                            for k in n):
        return ("orders",) + tuple(int(k) for k in n)
    return None


def _quadrature(sample: Sample, n=None) -> tuple[np.ndarray, np.ndarray]:
    """``sample.points(n)`` (points (K, 3) [m], volume weights (K,) [m^3]) as read-only arrays,
    kept per sample object and order (samples are frozen), so that the circuit's sample loss,
    the SNR's B1 and the field cache of one coil and sample build the quadrature once."""
    smp = _sample(sample)
    key = _order_key(n)
    try:
        store = _QUADRATURES.setdefault(smp, {}) if key is not None else {}
    except TypeError:  # a user-defined sample that is unhashable or not weakly referable: not kept
        store = {}
    if key not in store:
        pts, w = smp.points(n)
        pts, w = np.array(pts, dtype=float), np.array(w, dtype=float)
        pts.setflags(write=False)
        w.setflags(write=False)
        store[key] = (pts, w)
    return store[key]


# ---------------------------------------------------------------------------- losses
@functools.lru_cache(maxsize=16)
def _exponents(degree: int) -> np.ndarray:
    """Exponents (a, b, c) of the monomials x^a y^b z^c, 1 <= a+b+c <= degree: (n_basis, 3)
    int array (read-only; cached per degree)."""
    exps = np.array([(a, b, d - a - b) for d in range(1, degree + 1) for a in range(d + 1)
                     for b in range(d + 1 - a)], dtype=np.intp)
    exps.setflags(write=False)
    return exps


def _powers(local: np.ndarray, top: int) -> np.ndarray:
    """x_k^p for p = 0 .. top - 1 at ``local`` (K, 3) by repeated multiplication: array (top, 3, K)."""
    coords = np.ascontiguousarray(local.T)
    out = np.empty((top, 3, len(local)))
    out[0] = 1.0
    for p in range(1, top):
        np.multiply(out[p - 1], coords, out=out[p])
    return out


def _gradient_basis(powers: np.ndarray, degree: int) -> np.ndarray:
    """Gradients of the monomials x^a y^b z^c, 1 <= a+b+c <= degree, from ``_powers`` of the
    (dimensionless) local coordinates: array (3, n_basis, K). Component k of basis j is
    e_k x_k^(e_k - 1) prod_(m != k) x_m^(e_m) (zero where e_k = 0). Products are formed in
    place: fresh (n_basis, K) temporaries cost more than the arithmetic."""
    exps = _exponents(degree)
    out = np.empty((3, len(exps), powers.shape[2]))
    for k in range(3):
        np.multiply(exps[:, k, None], powers[np.maximum(exps[:, k] - 1, 0), k], out=out[k])
        for m in range(3):
            if m != k:
                out[k] *= powers[exps[:, m], m]
    return out


@functools.lru_cache(maxsize=16)
def _derivative_table(degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(monomials, index, factor) for the gradients of the monomials of ``_exponents(degree)``
    written on the monomials of degree < ``degree``: ``monomials`` (n_mono, 3) exponents;
    d/dx_k x^(e_j) = factor[j, k] x^(monomials[index[j, k]]) with factor = e_jk (0 where
    e_jk = 0, index then 0). Read-only."""
    monomials = np.array([(a, b, d - a - b) for d in range(degree) for a in range(d + 1) for b in range(d + 1 - a)],
                         dtype=np.intp)
    position = {tuple(e): i for i, e in enumerate(monomials.tolist())}
    exps = _exponents(degree)
    index = np.zeros((len(exps), 3), dtype=np.intp)
    factor = np.zeros((len(exps), 3))
    for j, e in enumerate(exps.tolist()):
        for k in range(3):
            if e[k] > 0:
                lower = list(e)
                lower[k] -= 1
                index[j, k], factor[j, k] = position[tuple(lower)], e[k]
    for array in (monomials, index, factor):
        array.setflags(write=False)
    return monomials, index, factor


@functools.lru_cache(maxsize=16)
def _scatter(degree: int) -> np.ndarray:
    """(3, n_mono, n_basis) with entry [k, m, j] = factor[j, k] where index[j, k] = m (0 elsewhere;
    ``_derivative_table``), so that ``_scatter(degree) @ coef`` gathers sum_j coef_j factor_jk per
    monomial m. Each monomial m is the k-derivative of one basis function only (x^(m + u_k)), so
    every row has one non-zero entry and the product is exact (read-only)."""
    monomials, index, factor = _derivative_table(degree)
    out = np.zeros((3, len(monomials), len(index)))
    for k in range(3):
        nonzero = factor[:, k] != 0.0
        out[k, index[nonzero, k], np.flatnonzero(nonzero)] = factor[nonzero, k]
    out.setflags(write=False)
    return out


def _monomial_values(powers: np.ndarray, monomials: np.ndarray) -> np.ndarray:
    """x^a y^b z^c (n_mono, K) of ``monomials`` (n_mono, 3) from ``_powers``."""
    out = powers[monomials[:, 0], 0] * powers[monomials[:, 1], 1]
    out *= powers[monomials[:, 2], 2]
    return out


def _basis_products(values: np.ndarray, vectors: np.ndarray, degree: int) -> np.ndarray:
    """sum_k sum_i (d/dx_k p_j)(x_i) vectors[k, i] (n_basis,) for the monomial gradients of
    ``_gradient_basis`` (= sum_k g[k] @ vectors[k]) from the monomial ``values`` (n_mono, K)
    (``_monomial_values``): the products with the n_mono < n_basis monomials, then the
    derivative table (``_derivative_table``): 3 n_mono K instead of 3 n_basis K operations."""
    _, index, factor = _derivative_table(degree)
    moments = values @ vectors.T  # (n_mono, 3)
    return sum(factor[:, k] * moments[index[:, k], k] for k in range(3))


@functools.lru_cache(maxsize=16)
def _gram_indices(degree: int) -> tuple[np.ndarray, np.ndarray]:
    """(factors, flat) (3, n_basis, n_basis) for ``_gradient_gram``: e_ak e_bk and the flat index
    of the moment of exponent e_a + e_b - 2 u_k in a (2 degree - 1)^3 moment array (read-only)."""
    exps = _exponents(degree)
    top = 2 * degree - 1
    total = exps[:, None, :] + exps[None, :, :]
    factors = np.empty((3, len(exps), len(exps)))
    flat = np.empty((3, len(exps), len(exps)), dtype=np.intp)
    for k in range(3):
        idx = total.copy()
        idx[:, :, k] -= 2
        idx = np.clip(idx, 0, top - 1)  # clipped entries have a zero factor
        factors[k] = np.outer(exps[:, k], exps[:, k])
        flat[k] = (idx[:, :, 0] * top + idx[:, :, 1]) * top + idx[:, :, 2]
    factors.setflags(write=False)
    flat.setflags(write=False)
    return factors, flat


def _gradient_gram(powers: np.ndarray, weights: np.ndarray, degree: int) -> np.ndarray:
    """Gram matrix sum_i w_i grad p_a(x_i) . grad p_b(x_i) of the monomial gradients of
    ``_gradient_basis`` (n_basis, n_basis) from the weighted moments
    mu(a, b, c) = sum_i w_i x_i^a y_i^b z_i^c (``powers`` up to order 2 degree - 2): since
    d/dx_k x^e = e_k x^(e - u_k), grad p_a . grad p_b = sum_k e_ak e_bk x^(e_a + e_b - 2 u_k)
    (u_k the unit exponent of axis k). Equal to g^T W g of the (3K, n_basis) basis matrix up
    to rounding, with O(K degree^3) work instead of O(K n_basis^2)."""
    top = 2 * degree - 1
    xw = powers[:top, 0] * weights
    xy = (xw[:, None, :] * powers[:top, 1][None, :, :]).reshape(top * top, -1)
    moments = (xy @ powers[:top, 2].T).ravel()
    factors, flat = _gram_indices(degree)
    return (factors * moments[flat]).sum(axis=0)


@check.finite_output("loss integral")
def magnetic_loss_integral(coil: Coil, sample: Sample, *, correction: str = "projection", degree: int = 5,
                           n=None, potential: np.ndarray | None = None) -> float:
    """G = (1/I^2) int |A + grad psi|^2 dV [T^2 m^5 / A^2], the geometric part of the eddy-current
    loss: R_m = sigma omega^2 G (``magnetic_loss_resistance``, which documents A, psi,
    ``correction``, ``degree`` and ``n``). It depends on the coil and the sample's shape only,
    so a sweep over frequency or medium computes it once. ``potential``: A [T m/A] at
    ``sample.points(n)`` (K, 3) when already evaluated (``induced_potential``)."""
    _, w, a = induced_potential(coil, sample, correction=correction, degree=degree, n=n, potential=potential)
    return float(np.sum(w * np.einsum("ij,ij->i", a, a)))


def induced_potential(coil: Coil, sample: Sample, *, correction: str = "projection", degree: int = 5,
                      n=None, potential: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points (K, 3) [m], volume weights (K,) [m^3], A + grad psi (K, 3) [T m/A]): the
    divergence-free part of the coil's vector potential per ampere tangent to the sample surface
    at the sample's quadrature points (``magnetic_loss_resistance`` documents the projection,
    ``correction``, ``degree`` and ``n``); the induced electric field per ampere is
    E = -j omega (A + grad psi). Several coils' fields give the sample-mediated mutual
    resistances R_ij = sigma omega^2 int (A_i + grad psi_i) . (A_j + grad psi_j) dV
    (``coildesign.rf.array.coupling``). ``potential``: the coil's A per ampere at
    ``sample.points(n)`` (K, 3) [T m/A] when already evaluated (e.g. together with B in one pass,
    ``coildesign.rf.circuit.sample_fields``); None evaluates it here."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil", coil, TypeError)
    smp = _sample(sample)
    check.choice("correction", correction, ("projection", "none"))
    deg = check.positive_int("degree", degree, maximum=64)
    pts, w = _quadrature(smp, n)
    if potential is None:
        a = vector_potential(coil, pts)
    else:
        a = np.asarray(potential, dtype=float)
        if a.shape != pts.shape:
            check._fail("potential", f"A at the sample's {len(pts)} quadrature points, shape {pts.shape}",
                        f"shape {a.shape}")
    if correction == "projection":
        powers = _powers((pts - smp.center) / smp.extent, max(deg + 1, 2 * deg - 1))
        # the gradients of the degree-``deg`` monomials are (multiples of) the n_mono monomials
        # of lower degree: every product with the gradient basis goes through their values
        # (``_basis_products``), the basis matrix g (3, n_basis, K) of ``_gradient_basis`` is
        # built only for the least-squares fall-back below
        monomials, index, factor = _derivative_table(deg)
        values = _monomial_values(powers, monomials)  # d/d(local), i.e. extent x physical gradient
        # normal equations (a 55 x 55 solve for degree 5, ~10x faster than lstsq's SVD), the
        # Gram matrix from weighted moments (``_gradient_gram``): R is the minimum of a
        # quadratic, so an error dc in the coefficients changes it only by |matrix dc|^2
        # (second order); the stationarity check falls back to lstsq on the weighted basis
        # matrix when the basis is so ill-conditioned that the normal equations lose that property
        wa = w * a.T  # (3, K)
        coef = np.linalg.solve(_gradient_gram(powers, w, deg), -_basis_products(values, wa, deg))
        # coef @ g[k] = (sum over the basis functions j whose k-derivative is monomial m of
        # coef_j factor_jk) @ values
        per_monomial = _scatter(deg) @ coef  # (3, n_mono)
        corrected = a.T + per_monomial @ values  # (3, K)
        sw = np.sqrt(w)
        stationarity = np.abs(_basis_products(values, w * corrected, deg)).max()
        # the scale: max_j sum_i |grad p_j(x_i)|_1 sqrt(w_i) (one moment per monomial, the same
        # for the three components: |values| @ sqrt(w), then the derivative table) times max |A| sqrt(w)
        moment = np.abs(values) @ sw
        scale = sum(factor[:, k] * moment[index[:, k]] for k in range(3)).max()
        if stationarity > 1e-8 * scale * (np.abs(corrected) * sw).max():
            g = _gradient_basis(powers, deg)
            matrix = (g * sw).transpose(0, 2, 1).reshape(-1, g.shape[1])  # rows (component, point)
            coef, *_ = np.linalg.lstsq(matrix, -(a.T * sw).ravel(), rcond=None)
            corrected = a.T + coef @ g
        a = corrected.T
    return pts, w, a


@check.finite_output("loss resistance")
def magnetic_loss_resistance(
    coil: Coil,
    sample: Sample,
    frequency: float,
    conductivity: float | None = None,
    *,
    correction: str = "projection",
    degree: int = 5,
    n=None,
    integral: float | None = None,
) -> float:
    """Eddy-current (magnetic) loss of a conductive sample as a series resistance [ohm].

    R_m = (1/I^2) int sigma |E|^2 dV with E = -j omega (A + grad psi) per ampere (module
    docstring): A from ``coildesign.vector_potential`` at the sample's quadrature points
    (``sample.points(n)``), psi a polynomial of ``degree`` (>= 1) in the sample's local
    coordinates minimising int |A + grad psi|^2 dV (``correction="projection"``, default), or
    psi = 0 (``correction="none"``: the bare -j omega A, an upper bound). So R_m = sigma omega^2 G
    with G from ``magnetic_loss_integral``; ``integral``: that G [T^2 m^5 / A^2] when already
    computed for this coil and sample shape (then ``correction``, ``degree`` and ``n`` are not
    used).

    ``frequency`` [Hz] > 0; ``conductivity`` [S/m] >= 0, or None to use the sample medium's
    ``effective_conductivity(frequency)`` (ionic + dipolar; ValueError without a medium).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil", coil, TypeError)
    smp = _sample(sample)
    f = check.positive("frequency", frequency)
    if conductivity is None:
        if smp.medium is None:
            check._fail("conductivity", "given (in S/m) when the sample has no medium", None)
        sigma = float(smp.medium.effective_conductivity(f))
    else:
        sigma = check.positive("conductivity", conductivity, allow_zero=True)
    if integral is None:
        if sigma == 0.0:
            return 0.0
        integral = magnetic_loss_integral(coil, smp, correction=correction, degree=degree, n=n)
    else:
        integral = check.positive("integral", integral, allow_zero=True)
    return float(sigma * (2.0 * np.pi * f) ** 2 * integral)


@check.finite_output("loss resistance")
def cylinder_in_solenoid_loss(turns_per_length: float, radius: float, length: float, frequency: float,
                              conductivity: float) -> float:
    """Closed form R_m = pi sigma omega^2 mu0^2 n^2 b^4 l / 8 [ohm] for a cylinder of radius
    b [m], length l [m] and conductivity sigma [S/m] coaxial in a long solenoid of n turns per
    metre at ``frequency`` [Hz] (D. I. Hoult and P. C. Lauterbur, J. Magn. Reson. 34, 425
    (1979), the solenoid case). Derivation: inside the solenoid B = mu0 n I, so Faraday's law
    on a circle of radius r gives E_phi = omega mu0 n I r / 2 and
    int sigma E^2 dV / I^2 = sigma (omega mu0 n / 2)^2 int_0^b r^2 2 pi r l dr.
    """
    n = check.positive("turns_per_length", turns_per_length)
    b = check.positive("radius", radius)
    length_ = check.positive("length", length)
    w = 2.0 * np.pi * check.positive("frequency", frequency)
    sigma = check.positive("conductivity", conductivity, allow_zero=True)
    return float(np.pi * sigma * w**2 * mu_0**2 * n**2 * b**4 * length_ / 8.0)


@check.finite_output("loss resistance")
def dielectric_loss_resistance(
    inductance: float,
    stray_capacitance: float,
    frequency: float,
    medium: Medium | None = None,
    *,
    loss_tangent: float | None = None,
) -> float:
    """ESTIMATE of the dielectric sample loss as a series resistance at the coil terminals [ohm].

    Stray-capacitance model (module docstring; mechanism of Gadian & Robinson 1979):
    R_e = omega^2 L^2 G / ((1 - omega^2 L C_s)^2 + (omega L G)^2), G = omega C_s tan_delta,
    i.e. omega^3 L^2 C_s tan_delta well below the self-resonance.

    ``inductance`` L [H]; ``stray_capacitance`` C_s [F], the part of the coil's
    self-capacitance whose electric field runs through the sample (with the sample in place);
    ``frequency`` [Hz]; tan_delta from ``medium.loss_tangent(frequency)`` or given as
    ``loss_tangent`` (exactly one of the two). Accuracy: set by C_s, typically no better than
    a factor of 2-3.
    """
    ind = check.positive("inductance", inductance)
    cs = check.positive("stray_capacitance", stray_capacitance, allow_zero=True)
    f = check.positive("frequency", frequency)
    if (medium is None) == (loss_tangent is None):
        check._fail("loss_tangent", "given exactly when medium is None", loss_tangent)
    tan_d = float(_medium(medium).loss_tangent(f)) if medium is not None else check.positive(
        "loss_tangent", loss_tangent, allow_zero=True)
    w = 2.0 * np.pi * f
    g = w * cs * tan_d
    return float(w**2 * ind**2 * g / ((1.0 - w**2 * ind * cs) ** 2 + (w * ind * g) ** 2))
