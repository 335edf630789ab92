"""Conductor losses and self-capacitance of RF (micro)coils.

Skin effect
    ``skin_depth``; the exact Bessel solution for an isolated round wire
    (``round_wire_impedance_ratio``, ``round_wire_internal_inductance``); a strip/trace model
    (``strip_resistance_per_length``) built on Wheeler's incremental-inductance rule and checked
    against the filament (PEEC) route of ``coildesign.rf.peec``.
Proximity effect
    Medhurst's measured proximity factor for single-layer solenoids (``proximity_factor``) and two
    published conventions to apply it to an N-turn coil (``ac_resistance``).
Self-capacitance
    Medhurst's table and fit for solenoids; a coplanar-strip energy estimate for planar spirals
    (``self_capacitance``).
Small helpers
    ``self_resonant_frequency``, ``unloaded_q``, ``lead_resistance``, ``capacitor_esr``.

SI units in and out. Time dependence exp(+j omega t), so inductive reactance is positive.
"""

from __future__ import annotations

import cmath
import csv
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy.constants import epsilon_0
from scipy.interpolate import PchipInterpolator, RegularGridInterpolator
from scipy.optimize import brentq
from scipy.special import ellipe, ellipk, ellipkm1, hyp2f1, jve

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil
from coildesign.conductors import Material, RectangularStrip, RoundWire, material
from coildesign.rf.peec import filament_impedance
from coildesign.winding_info import Helix, PlanarSpiral

__all__ = [
    "PROXIMITY_CONVENTIONS",
    "ac_resistance",
    "capacitor_esr",
    "conductor_resistance",
    "conductor_resistance_model",
    "lead_resistance",
    "medhurst_capacitance",
    "medhurst_capacitance_fit",
    "proximity_factor",
    "rectangle_equivalent_radius",
    "round_wire_impedance_ratio",
    "round_wire_internal_inductance",
    "self_capacitance",
    "self_resonant_frequency",
    "skin_depth",
    "strip_effective_perimeter",
    "strip_resistance_per_length",
    "unloaded_q",
]

COPPER_RESISTIVITY = 1.678e-8  # [ohm m] at 20 degC (CRC Handbook, as coildesign.conductors.COPPER)
PROXIMITY_CONVENTIONS = ("minard", "qoil")
_ASYMPTOTIC_X = 14.0  # r/delta from which the Bessel ratio uses Hankel's asymptotic series
_HANKEL_TERMS = 25  # terms of each series: truncation < 3e-16 relative from x = 14 (checked against mpmath)


def _hankel_coefficients(order: int, terms: int) -> np.ndarray:
    """a_k(nu) = (4 nu^2 - 1^2)(4 nu^2 - 3^2) ... (4 nu^2 - (2k - 1)^2) / (k! 8^k), k = 0 .. terms - 1
    (Abramowitz & Stegun 9.2.7-9.2.10)."""
    out = np.ones(terms)
    for k in range(1, terms):
        out[k] = out[k - 1] * (4.0 * order * order - (2 * k - 1) ** 2) / (8.0 * k)
    return out


_HANKEL = tuple(tuple(_hankel_coefficients(nu, _HANKEL_TERMS).tolist()) for nu in (0, 1))
_EVEN, _ODD = tuple(range(0, _HANKEL_TERMS, 2)), tuple(range(1, _HANKEL_TERMS, 2))
# on the real axis x = r/delta, z = (1 - j) x, w = j/z = (-1 + j)/(2 x) and w^2 = -j s with
# s = 1/(2 x^2): a polynomial sum_m b_m (w^2)^m is sum_i b_(2i) (-t)^i - j s sum_i b_(2i+1) (-t)^i,
# t = s^2 ((-j)^(2i) = (-1)^i, (-j)^(2i+1) = -j (-1)^i). The eight real polynomials in -t (real and
# imaginary parts of the even and odd parts of nu = 0 and 1), highest power first, the shorter
# ones led by zeros: one real Horner pass on an (8, n) stack
_REAL_ROWS = []
for _nu, _part in ((0, _EVEN), (0, _ODD), (1, _EVEN), (1, _ODD)):
    _b = [_HANKEL[_nu][k] for k in _part]
    _REAL_ROWS += [_b[0::2], _b[1::2]]
_REAL_HORNER = np.zeros((max(len(row) for row in _REAL_ROWS), len(_REAL_ROWS), 1))
for _row, _coef in enumerate(_REAL_ROWS):
    _REAL_HORNER[len(_REAL_HORNER) - len(_coef):, _row, 0] = _coef[::-1]
_REAL_HORNER.setflags(write=False)


def _hankel_sums(coef: tuple[float, ...], w):
    """(sum_k a_k w^k, sum_k a_k (-w)^k) by Horner's rule on the even and odd parts in w^2
    (``w`` a Python complex; arrays go through ``_hankel_sums_stacked``)."""
    w2 = w * w
    even, odd = coef[_EVEN[-1]], coef[_ODD[-1]]
    for k in _EVEN[-2::-1]:
        even = even * w2 + coef[k]
    for k in _ODD[-2::-1]:
        odd = odd * w2 + coef[k]
    odd = odd * w
    return even + odd, even - odd


def _hankel_sums_stacked(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_hankel_sums`` of nu = 0 and 1 at w = j/z, z = (1 - j) x, for the real array ``x``:
    (S0+, S0-, S1+, S1-), from the real polynomials in y = -t, t = 1/(4 x^4), of
    ``_REAL_HORNER`` (w^2 = -j/(2 x^2) is imaginary): the powers y^6 .. y^0 of every point (six
    products of rows) times the (8, 7) coefficient matrix, one matrix product instead of 12
    broadcast Horner steps on the (8, n) stack (~3 us a numpy call on the few frequencies of a
    band-edge search). The sums alternate with terms falling in magnitude (|y| <= 6.6e-6 from
    x = 14 on, the coefficients of Hankel's series far below its turning point k ~ 2 x^2), so the
    power form rounds as Horner's rule does: within a few units of the last place of the
    leading term (N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed. (SIAM,
    2002), sect. 5.1; equal to the Horner values in the tests)."""
    shape = np.shape(x)
    xr = np.ravel(x)
    s = 0.5 / (xr * xr)
    powers = np.empty((len(_REAL_HORNER), len(xr)))  # y^6 .. y^0
    powers[-1] = 1.0
    np.multiply(s, -s, out=powers[-2])
    for k in range(len(powers) - 3, -1, -1):
        np.multiply(powers[k + 1], powers[-2], out=powers[k])
    acc = _REAL_HORNER[:, :, 0].T @ powers  # (8, n)
    acc[1::2] *= s
    sums = acc[0::2] - 1j * acc[1::2]  # (4, n): even0, odd0 / w, even1, odd1 / w
    w = (-0.5 + 0.5j) / xr
    even0, odd0, even1, odd1 = sums
    odd0, odd1 = odd0 * w, odd1 * w
    return tuple(part.reshape(shape) for part in (even0 + odd0, even0 - odd0, even1 + odd1, even1 - odd1))


def _bessel_ratio_asymptotic(x):
    """(z/2) J0(z)/J1(z) at z = (1 - j) x for x >= ``_ASYMPTOTIC_X`` (an array, or a float:
    then on Python complex numbers, ~10x faster than numpy's scalars) from Hankel's expansions
    (Abramowitz & Stegun 9.2.7-9.2.8): J_nu = (H1_nu + H2_nu)/2 with
    H(1,2)_nu(z) ~ sqrt(2/(pi z)) exp(+-j chi_nu) sum_k (+-j)^k a_k(nu) / z^k,
    chi_nu = z - nu pi/2 - pi/4, so that
    J0/J1 = (j S0+ - e S0-)/(S1+ - j e S1-), S_nu(+-) = sum_k a_k(nu) (+-j/z)^k, e = exp(-2 j z)
    (|e| = exp(-2x): the decaying Hankel function is kept). ``_HANKEL_TERMS`` terms: within 3e-16
    relative of the 40-digit value (mpmath) for every x >= 14 tested (14, 16, 18, 20, 30, 100, 1e3)."""
    scalar = isinstance(x, float)
    x = x if scalar else np.asarray(x, dtype=float)
    z = (1.0 - 1.0j) * x
    if scalar:
        w = 1j / z
        (s0p, s0m), (s1p, s1m) = _hankel_sums(_HANKEL[0], w), _hankel_sums(_HANKEL[1], w)
    else:
        s0p, s0m, s1p, s1m = _hankel_sums_stacked(x)
    e = cmath.exp(-2j * z) if scalar else np.exp(-2j * z)
    return 0.5 * z * (1j * s0p - e * s0m) / (s1p - 1j * e * s1m)


# ---------------------------------------------------------------------------- input helpers
def _real_array(name: str, value: object, *, allow_zero: bool, unit: str) -> np.ndarray:
    """A finite float array (0-d for scalars) with every element > 0 (or >= 0)."""
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        check._fail(name, f"a real number or an array of real numbers [{unit}]", value, TypeError)
    arr = check.real_array(name, value, f"a real number or an array of real numbers [{unit}]")
    if arr.size == 0:
        check._fail(name, "non-empty", value)
    bad = ~np.isfinite(arr) | (arr < 0) | ((arr == 0) & (not allow_zero))
    if bad.any():
        requirement = ">= 0" if allow_zero else "> 0"
        check._fail(name, f"finite and {requirement} [{unit}]", value)
    return arr


def _out(arr: np.ndarray):
    """Return a Python scalar for 0-d results, else the array."""
    return arr.item() if arr.ndim == 0 else arr


def _resistivity(mat: Material | str, temperature: float) -> float:
    return material(mat).resistivity_at(check.positive("temperature", temperature))


# ---------------------------------------------------------------------------- skin effect
def skin_depth(frequency: float | np.ndarray, resistivity: float = COPPER_RESISTIVITY,
               permeability: float = mu_0) -> float | np.ndarray:
    """Skin depth delta = sqrt(rho / (pi f mu)) [m] (Ramo, Whinnery & Van Duzer, "Fields and
    Waves in Communication Electronics", 3rd ed. (1994), sect. 5.11).

    ``frequency`` [Hz] (> 0, scalar or array), ``resistivity`` [ohm m], ``permeability`` [H/m].
    """
    f = _real_array("frequency", frequency, allow_zero=False, unit="Hz")
    rho = check.positive("resistivity", resistivity)
    mu = check.positive("permeability", permeability)
    return _out(check.result("skin depth", np.sqrt(rho / np.pi) / np.sqrt(mu) / np.sqrt(f),  # no overflow of f mu
                             frequency=frequency, resistivity=resistivity))


def _bessel_ratio(x: np.ndarray) -> np.ndarray:
    """Z_int / R_dc of a round wire of radius r at x = r / delta (any x >= 0, no overflow).

    Ramo, Whinnery & Van Duzer (1994) sect. 5.12: Z_i = (rho T / (2 pi r))
    J0(T r) / J1(T r) with T = (1 - j) / delta, so Z_i / R_dc = (T r / 2) J0(T r) / J1(T r).
    Evaluated with exponentially scaled Bessel functions (jve; the scale factors cancel) for
    x < ``_ASYMPTOTIC_X`` (14), and from there with Hankel's asymptotic series
    (``_bessel_ratio_asymptotic``, < 3e-16 relative; complex jve costs ~1.6 us a point, the
    series ~0.1 us).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:  # one frequency (e.g. a root finder's step): the same formulas without masks
        xs = float(x)
        if xs <= 0:
            return np.asarray(1.0 + 0.0j)
        if xs < _ASYMPTOTIC_X:
            z = (1.0 - 1.0j) * xs
            return np.asarray(0.5 * z * jve(0, z) / jve(1, z))
        return np.asarray(_bessel_ratio_asymptotic(xs))
    big = x >= _ASYMPTOTIC_X
    if big.all():  # (e.g. every frequency of a sweep above r/delta = 14)
        return _bessel_ratio_asymptotic(x)
    out = np.ones(x.shape, dtype=complex)
    small = (x > 0) & (x < _ASYMPTOTIC_X)
    if small.any():
        z = (1.0 - 1.0j) * x[small]
        out[small] = 0.5 * z * jve(0, z) / jve(1, z)
    if big.any():
        out[big] = _bessel_ratio_asymptotic(x[big])
    return out


def round_wire_impedance_ratio(radius: float, frequency: float | np.ndarray,
                               resistivity: float = COPPER_RESISTIVITY,
                               permeability: float = mu_0) -> complex | np.ndarray:
    """Internal impedance of an isolated straight round wire over its DC resistance [-].

    Z_int / R_dc = (T r / 2) J0(T r) / J1(T r), T = (1 - j) / delta (Ramo, Whinnery & Van Duzer,
    "Fields and Waves in Communication Electronics", 3rd ed. (1994), sect. 5.12;
    Wheeler, Proc. IRE 30, 412 (1942)). The real part is R_ac / R_dc; the imaginary part is
    omega L_int / R_dc. Limits: 1 + x^4/48 + j x^2/4 for x = r/delta -> 0 and
    x/2 + 1/4 + 3/(32x) + j (x/2 - 3/(32x)) for x -> infinity. Computed without overflow for any
    r/delta (exponentially scaled Bessel functions, asymptotic series beyond r/delta = 1e3).

    ``radius`` [m], ``frequency`` [Hz] (>= 0, scalar or array), ``resistivity`` [ohm m],
    ``permeability`` [H/m].
    """
    r = check.positive("radius", radius)
    f = _real_array("frequency", frequency, allow_zero=True, unit="Hz")
    rho = check.positive("resistivity", resistivity)
    mu = check.positive("permeability", permeability)
    x = r * np.sqrt(np.pi * f * mu / rho)
    return _out(_bessel_ratio(x))


def round_wire_internal_inductance(radius: float, frequency: float | np.ndarray,
                                   resistivity: float = COPPER_RESISTIVITY,
                                   permeability: float = mu_0) -> float | np.ndarray:
    """Internal inductance per length of an isolated round wire [H/m]: Im(Z_int) / omega from
    the Bessel solution (see ``round_wire_impedance_ratio``); mu / (8 pi) at DC
    (Ramo et al. (1994) sect. 5.12), falling as mu delta / (4 pi r) at high frequency."""
    r = check.positive("radius", radius)
    f = _real_array("frequency", frequency, allow_zero=True, unit="Hz")
    rho = check.positive("resistivity", resistivity)
    mu = check.positive("permeability", permeability)
    x = r * np.sqrt(np.pi * f * mu / rho)
    r_dc = rho / (np.pi * r * r)
    with np.errstate(divide="ignore", invalid="ignore"):
        ind = np.where(f > 0, _bessel_ratio(x).imag * r_dc / (2 * np.pi * np.where(f > 0, f, 1.0)),
                       mu / (8 * np.pi))
    return _out(ind)


@lru_cache(maxsize=256)
def rectangle_equivalent_radius(width: float, thickness: float) -> float:
    """Equivalent radius (logarithmic capacity) of a width x thickness rectangle [m].

    Exact conformal-mapping result (Polya & Szego, "Isoperimetric Inequalities in Mathematical
    Physics" (1951), table of capacities; rectangle of sides 2a >= 2b): with modulus k fixed by
    a / b = [E(k) - k'^2 K(k)] / [E(k') - k^2 K(k')], the radius is a / (2 [E(k) - k'^2 K(k)]).
    It equals 0.59017 a for a square of side a and w/4 + t/(4 pi) (1 + ln(4 pi w / t)) for a
    thin strip (Wheeler's strip formula). A round wire of this radius has the same external
    inductance at high frequency as the rectangle.
    """
    w = check.positive("width", width)
    t = check.positive("thickness", thickness)
    a, b = 0.5 * max(w, t), 0.5 * min(w, t)
    if a == b:
        p = 0.5
    else:
        # p = k'^2. K(1 - p) via ellipkm1, and E(p) - (1 - p) K(p) = (pi/4) p 2F1(1/2, 1/2; 2; p)
        # (DLMF 19.5.1-2), keep full precision for thin strips (p -> 0)
        def mismatch(p: float) -> float:
            num = ellipe(1.0 - p) - p * ellipkm1(p)
            den = 0.25 * np.pi * p * hyp2f1(0.5, 0.5, 2.0, p)
            return np.log(num / den) - np.log(a / b)

        p = brentq(mismatch, 1e-300, 0.5, xtol=1e-300, rtol=1e-15, maxiter=500)
    return float(a / (2.0 * (ellipe(1.0 - p) - p * ellipkm1(p))))


@lru_cache(maxsize=256)
def strip_effective_perimeter(width: float, thickness: float) -> float:
    """Wheeler's effective perimeter of a rectangular conductor at high frequency [m].

    Incremental-inductance rule (Wheeler, "Formulas for the skin effect", Proc. IRE 30, 412
    (1942)): R = (R_s / mu0) dL/dn with L the external inductance per length and n the
    recession of all surfaces, R_s = rho / delta. For an isolated conductor
    L = mu0/(2 pi) ln(D / r_eq) with r_eq the equivalent radius, so R = R_s / P_eff with
    P_eff = 2 pi r_eq / (-d r_eq / dn) (d/dn evaluated by central differences of the exact
    r_eq). P_eff = pi a for a square of side a (Wheeler's polygon rule, Proc. IRE 43, 805 (1955)),
    not 4a; about 0.59 times the perimeter for w/t = 20.
    """
    w = check.positive("width", width)
    t = check.positive("thickness", thickness)
    h = 1e-4 * min(w, t)
    r0 = rectangle_equivalent_radius(w, t)
    drdn = (rectangle_equivalent_radius(w + 2 * h, t + 2 * h)
            - rectangle_equivalent_radius(w - 2 * h, t - 2 * h)) / (2 * h)
    return float(2.0 * np.pi * r0 / drdn)


def strip_resistance_per_length(width: float, thickness: float, frequency: float | np.ndarray,
                                resistivity: float = COPPER_RESISTIVITY,
                                permeability: float = mu_0) -> float | np.ndarray:
    """AC resistance per length of an isolated rectangular strip/trace [ohm/m].

    Model. High-frequency limit: Wheeler's incremental-inductance rule, R = rho / (delta P_eff)
    with the effective perimeter P_eff of ``strip_effective_perimeter`` (Wheeler, Proc. IRE 30,
    412 (1942); exact equivalent radius from Polya & Szego (1951)). Transition from DC: the mean
    of the two exact one-dimensional skin-effect solutions that share this limit, for the
    hydraulic thickness t_h = 2 A / P_eff (A = w t):
    the round wire of radius t_h (Ramo et al. (1994) sect. 5.12, Re[(T t_h/2) J0/J1]) and the
    slab of thickness t_h (Rayleigh; Ramo et al. sect. 5.10: Re[(k t_h/2) coth(k t_h/2)],
    k = (1 + j)/delta), times R_dc = rho / A. For a round wire (t_h = r) the Bessel half is exact.
    This interpolation is this module's construction, not a published formula; its accuracy is
    established against the filament method (``coildesign.rf.peec``, itself ~1 % here):

    - DC exact; t/delta <= 0.5: within 0.3 % for w/t <= 5;
    - w/t <= 5, any frequency: -8 % ... +5 %;
    - w/t <= 50, any frequency: -23 % ... +11 %; the largest errors are for wide thin strips at
      t/delta = 0.5-1.5, where the current crowds to the edges of the width, not modelled;
    - t/delta >= 6: -4 % ... +5 % for 1 <= w/t <= 50 (+4 % as t/delta -> infinity).

    The popular "skin-depth shell" model R = rho / (2 delta (w + t - 2 delta)) is 15-40 % low
    against the same reference, because the current crowds into the corners. For higher accuracy
    use ``coildesign.rf.peec.filament_impedance``.

    ``width``, ``thickness`` [m], ``frequency`` [Hz] (>= 0, scalar or array),
    ``resistivity`` [ohm m], ``permeability`` [H/m].
    """
    w = check.positive("width", width)
    t = check.positive("thickness", thickness)
    f = _real_array("frequency", frequency, allow_zero=True, unit="Hz")
    rho = check.positive("resistivity", resistivity)
    mu = check.positive("permeability", permeability)
    area = w * t
    t_h = 2.0 * area / strip_effective_perimeter(w, t)
    x = t_h * np.sqrt(np.pi * f * mu / rho)  # t_h / delta
    bessel = _bessel_ratio(x).real
    y = 0.5 * (1.0 + 1.0j) * x  # k t_h / 2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        slab = np.where(x > 0, (y / np.tanh(np.where(x > 0, y, 1.0))).real, 1.0)
    return _out(rho / area * 0.5 * (bessel + slab))


# ---------------------------------------------------------------------------- Medhurst tables
def _read_table(name: str) -> tuple[list[str], np.ndarray]:
    text = resources.files("coildesign").joinpath("data", name).read_text(encoding="utf-8")
    rows = [r for r in csv.reader(line for line in text.splitlines()
                                  if line.strip() and not line.lstrip().startswith("#"))]
    header = rows[0]
    data = np.array([[float(v) for v in r] for r in rows[1:]])  # float("inf") parses "inf"
    return header, data


def _row_coordinate(l_over_d: np.ndarray) -> np.ndarray:
    """Interpolation coordinate for l/D: l/D itself up to 10, then 20 - 100 / (l/D), i.e. linear
    in D/l between l/D = 10 and infinity (end corrections of long coils scale with D/l)."""
    with np.errstate(divide="ignore"):
        return np.where(l_over_d <= 10.0, l_over_d, 20.0 - 100.0 / l_over_d)


@lru_cache(maxsize=1)
def _proximity_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, RegularGridInterpolator]:
    header, data = _read_table("medhurst_proximity_factor.csv")
    p_over_d = np.array([float(h) for h in header[1:]])
    l_over_d = data[:, 0]
    values = data[:, 1:]
    d_over_p = 1.0 / p_over_d  # 1, 0.9, ..., 0.1, 0 (decreasing)
    rows = _row_coordinate(l_over_d)
    interp = RegularGridInterpolator((rows, d_over_p[::-1]), values[:, ::-1], method="linear",
                                     bounds_error=True)
    return l_over_d, p_over_d, values, interp


def proximity_factor(length_over_diameter: float | np.ndarray,
                     pitch_over_wire_diameter: float | np.ndarray) -> float | np.ndarray:
    """Medhurst's proximity factor Phi of a single-layer solenoid [-].

    Phi = R_coil / R_straight wire (same wire, skin-effect limit), measured by Medhurst,
    Wireless Engineer 24, 35-43 and 80-92 (1947), table for coils of many turns; the table
    (coildesign/data/medhurst_proximity_factor.csv, with the corrected entries 1.26 and 2.37 that
    keep it monotonic) is reproduced exactly at its nodes. Between nodes: bilinear
    interpolation (scipy RegularGridInterpolator) in the coordinates d/p in [0, 1] (the
    column p/d = inf is d/p = 0) and l/D up to 10, continued linearly in D/l to the row
    l/D = inf. Bilinear interpolation keeps the table's monotonic decrease along p/d.

    ``length_over_diameter`` l/D in [0, inf] (inf allowed) and ``pitch_over_wire_diameter``
    p/d in [1, inf] (inf: isolated turns); scalars or broadcastable arrays.
    """
    ld = np.asarray(_check_table_input("length_over_diameter", length_over_diameter, 0.0), float)
    pd = np.asarray(_check_table_input("pitch_over_wire_diameter", pitch_over_wire_diameter, 1.0),
                    float)
    ld, pd = np.broadcast_arrays(ld, pd)
    interp = _proximity_table()[3]
    pts = np.stack([_row_coordinate(ld), 1.0 / pd], axis=-1)
    return _out(np.asarray(interp(pts.reshape(-1, 2))).reshape(ld.shape))


@lru_cache(maxsize=1024)
def _solenoid_proximity_factor(length_over_diameter: float, pitch_over_wire_diameter: float) -> float:
    """``proximity_factor`` of one solenoid (cached: a sweep at fixed geometry interpolates once)."""
    return float(proximity_factor(length_over_diameter, pitch_over_wire_diameter))


def _check_table_input(name: str, value: object, low: float) -> np.ndarray:
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        check._fail(name, "a real number or an array of real numbers", value, TypeError)
    arr = check.real_array(name, value, "a real number or an array of real numbers")
    if np.isnan(arr).any() or (arr < low).any():
        extra = " (wires touch at p/d = 1)" if low == 1.0 else ""
        check._fail(name, f"within Medhurst's table, {low:g} <= value <= inf{extra}", value)
    return arr


@lru_cache(maxsize=1)
def _capacitance_table() -> tuple[np.ndarray, np.ndarray, PchipInterpolator]:
    _, data = _read_table("medhurst_self_capacitance.csv")
    x, h = data[:, 0], data[:, 1]
    return x, h, PchipInterpolator(np.log(x), h, extrapolate=False)


def medhurst_capacitance(length_over_diameter: float, diameter: float) -> float:
    """Self-capacitance of a single-layer solenoid from Medhurst's table [F].

    C = H D with H [pF/cm] tabulated against l/D and D the coil diameter [cm] (Medhurst,
    Wireless Engineer 24, 80-92 (1947), table of H; coildesign/data/medhurst_self_capacitance.csv).
    The table is reproduced exactly at its nodes; between nodes H is interpolated by a
    shape-preserving monotone cubic (PCHIP) in ln(l/D). ``length_over_diameter`` must lie in the
    table, 0.1 <= l/D <= 50 (use ``medhurst_capacitance_fit`` outside); ``diameter`` [m].
    """
    x_nodes, _, interp = _capacitance_table()
    ld = check.positive("length_over_diameter", length_over_diameter)
    d = check.positive("diameter", diameter)
    if not x_nodes[0] <= ld <= x_nodes[-1]:
        check._fail("length_over_diameter", f"within Medhurst's table, {x_nodes[0]:g} <= l/D <= "
                    f"{x_nodes[-1]:g} (use medhurst_capacitance_fit outside it)", length_over_diameter)
    h_pf_per_cm = float(interp(np.log(ld)))
    return h_pf_per_cm * (d * 100.0) * 1e-12


def medhurst_capacitance_fit(l_over_D: float, D: float) -> float:
    """Self-capacitance of a single-layer solenoid from Medhurst's closed-form fit [F].

    H = 0.1126 (l/D) + 0.08 + 0.27 / sqrt(l/D) [pF/cm], C = H D with D in cm (Medhurst,
    Wireless Engineer 24, 80-92 (1947), the empirical formula fitted to his table). Deviation
    from the table nodes: -7.7 % (at l/D = 3.5) to +3.6 % (at l/D = 0.5) over 0.1 <= l/D <= 50.
    ``l_over_D`` > 0 [-], ``D`` coil diameter [m].
    """
    ld = check.positive("l_over_D", l_over_D)
    d = check.positive("D", D)
    h = 0.1126 * ld + 0.08 + 0.27 / np.sqrt(ld)
    return float(h * (d * 100.0) * 1e-12)


# ---------------------------------------------------------------------------- coils
def _solenoid_geometry(helix: Helix) -> dict:
    """Medhurst's quantities of a solenoid: D (mean diameter), N, p, l = N p."""
    if helix.layers != 1:
        check._fail("coil", "a single-layer solenoid (Medhurst's proximity factor and "
                    "self-capacitance are for single-layer coils)", f"solenoid with {helix.layers} layers")
    diameter = 2.0 * check.positive("coil.winding_info.radius", helix.radius)
    turns = check.positive("coil.winding_info.turns", helix.turns)
    pitch = check.positive("coil.winding_info.pitch", helix.pitch)
    return {"diameter": diameter, "turns": turns, "pitch": pitch, "length": turns * pitch}


def _winding_conductor(coil: Coil) -> list:
    out = []
    for i, w in enumerate(coil.windings):
        if w.cross_section is None:
            check._fail(f"coil.windings[{i}].cross_section",
                        "a RoundWire or RectangularStrip (a filament has no resistance)", None)
        out.append((w.cross_section, w.material, w.length))
    return out


def ac_resistance(coil: Coil, frequency: float, *, temperature: float = 293.15,
                  proximity: str | None = "minard", strip_model: str = "wheeler") -> float:
    """AC resistance of a coil's windings [ohm] (leads only if they are part of the windings;
    no sample, shield or radiation losses).

    Skin effect: each winding's length times the AC resistance per length of its cross-section,
    round wire by the exact Bessel solution (``round_wire_impedance_ratio``), strip by
    ``strip_resistance_per_length`` (``strip_model="wheeler"``) or by the filament method
    (``strip_model="peec"``, ``coildesign.rf.peec``, slower and more accurate), with each
    winding's resistivity at ``temperature`` [K].

    Proximity effect, only for round-wire solenoids (``coil.winding_info`` a
    ``coildesign.winding_info.Helix``; other coils get the skin effect only): Medhurst's Phi
    (``proximity_factor`` at l/D with l = N p, D the mean winding diameter 2 radius, and p/d),
    measured on coils of many turns, applied to N turns by one of two conventions:

    - ``"minard"`` (default): R = R_skin [1 + (Phi - 1)(1 - 1/N)], Minard & Wind, Concepts Magn.
      Reson. 13, 128 (2001), eq. 11, with R_skin from the Bessel solution. It gives R_skin for one
      turn (no neighbour) and Phi R_skin for N -> infinity (Medhurst's measurement), and counts
      that the two end turns have one neighbour instead of two; it is the peer-reviewed microcoil
      convention, hence the default.
    - ``"qoil"``: R = rho l_w / (pi (d delta - delta^2)) Phi (N - 1)/N, the skin-depth-shell
      conduction area pi (d delta - delta^2) (the whole section when delta >= d/2) and the factor
      (N - 1)/N, as in the Qoil microcoil calculator. It is lower than "minard" by R_skin / N,
      i.e. by 1 / (Phi (N - 1)) relative (12.5 % for 5 turns at Phi = 2), and gives zero for one
      turn, so N >= 2 is required.

    Straight leads recorded in ``coil.winding_info.leads`` (two of that length) get the skin
    effect only. Medhurst's factor is a strong-skin-effect measurement (d >> delta); at DC
    (``frequency`` = 0) the result is the DC resistance. Proximity needs a single-layer solenoid.

    ``proximity=None`` gives the skin effect only. ``frequency`` [Hz] >= 0.
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil", coil, TypeError)
    f = check.positive("frequency", frequency, allow_zero=True)
    if proximity is not None:
        check.choice("proximity", proximity, PROXIMITY_CONVENTIONS)
    check.choice("strip_model", strip_model, ("wheeler", "peec"))
    temperature = check.positive("temperature", temperature)
    return float(conductor_resistance(coil, np.asarray(f), temperature, proximity, strip_model))


def conductor_resistance(coil: Coil, frequencies: np.ndarray, temperature: float = 293.15,
                         proximity: str | None = "minard", strip_model: str = "wheeler") -> np.ndarray:
    """``ac_resistance`` [ohm] at every one of ``frequencies`` [Hz] (an array of finite values
    >= 0, any shape; arguments already validated): the same model evaluated for a whole sweep
    at once, ``conductor_resistance_model(...)(frequencies)``."""
    return conductor_resistance_model(coil, temperature, proximity, strip_model)(np.asarray(frequencies, dtype=float))


def conductor_resistance_model(coil: Coil, temperature: float = 293.15, proximity: str | None = "minard",
                               strip_model: str = "wheeler"):
    """The model of ``ac_resistance`` prepared for ``coil`` at ``temperature`` [K] (arguments
    already validated): a function f [Hz] (array, values >= 0) -> R(f) [ohm]. Everything that
    does not depend on the frequency (the windings grouped by cross-section and resistivity,
    Medhurst's proximity factor, the lead fraction) is computed once, so that R(f) over a
    matching network's sweep costs one Bessel evaluation per frequency and cross-section
    (``coildesign.rf.circuit.CoilCircuit``)."""
    conductors = _winding_conductor(coil)
    groups: dict = {}  # windings of one cross-section and material share their R' (computed once)
    for cs, mat, length in conductors:
        rho = mat.resistivity_at(temperature)
        groups[cs, rho] = groups.get((cs, rho), 0.0) + length

    def skin(f: np.ndarray) -> np.ndarray:
        r_skin = None
        for (cs, rho), length in groups.items():
            term = length * _resistance_per_length(cs, f, rho, strip_model)
            r_skin = term if r_skin is None else r_skin + term
        return np.zeros(f.shape) if r_skin is None else r_skin

    helix = coil.winding_info
    if proximity is None or not isinstance(helix, Helix):
        return skin
    if not all(isinstance(cs, RoundWire) for cs, _, _ in conductors):
        def refused(f: np.ndarray) -> np.ndarray:
            if np.all(f == 0):  # no proximity effect at DC: the strip's DC resistance
                return skin(f)
            check._fail("proximity", "None for a solenoid wound with rectangular strip (Medhurst's "
                        "factor is for round wire)", proximity)
        return refused
    geo = _solenoid_geometry(helix)
    d = conductors[0][0].diameter
    n = geo["turns"]
    phi = _solenoid_proximity_factor(float(geo["length"] / geo["diameter"]), float(geo["pitch"] / d))
    # straight leads (two of length helix.leads) get the skin effect only
    lead_length = 2.0 * float(helix.leads)
    total_length = sum(length for _, _, length in conductors)
    lead_fraction = min(max(lead_length / total_length, 0.0), 1.0)
    if proximity == "qoil" and n < 2:
        def refused_qoil(f: np.ndarray) -> np.ndarray:
            if np.all(f == 0):
                return skin(f)
            check._fail("coil.winding_info.turns", ">= 2 for the 'qoil' convention (it gives zero "
                        "resistance for one turn; use proximity='minard')", n)
        return refused_qoil

    def minard(f: np.ndarray) -> np.ndarray:
        r_skin = skin(f)
        r_leads = r_skin * lead_fraction  # one wire, one material: R_skin is proportional to length
        r_helix = r_skin - r_leads
        return np.where(f == 0, r_skin, r_helix * (1.0 + (phi - 1.0) * (1.0 - 1.0 / n)) + r_leads)

    def qoil(f: np.ndarray) -> np.ndarray:
        r_skin = skin(f)
        dc = f == 0
        r_shell = np.zeros(f.shape)
        for cs, mat, length in conductors:
            rho = mat.resistivity_at(temperature)
            delta = np.where(dc, np.inf, np.sqrt(rho / (np.pi * np.where(dc, 1.0, f) * mu_0)))
            dw = cs.diameter
            with np.errstate(invalid="ignore"):
                area = np.where(delta < dw / 2, np.pi * (dw * delta - delta**2), cs.area)
            r_shell = r_shell + rho * length / area
        return np.where(dc, r_skin, r_shell * (1.0 - lead_fraction) * phi * (n - 1.0) / n + r_skin * lead_fraction)

    return minard if proximity == "minard" else qoil


def _resistance_per_length(cs, f: np.ndarray, rho: float, strip_model: str) -> np.ndarray:
    """AC resistance per length [ohm/m] of one cross-section at the frequencies ``f`` [Hz]."""
    if isinstance(cs, RoundWire):
        return rho / cs.area * _bessel_ratio(cs.radius * np.sqrt(np.pi * f * mu_0 / rho)).real
    if strip_model == "wheeler":
        return np.asarray(strip_resistance_per_length(cs.width, cs.thickness, f, rho), dtype=float)
    wheeler = np.asarray(strip_resistance_per_length(cs.width, cs.thickness, f, rho), dtype=float)
    return np.vectorize(lambda fi, dc: dc if fi == 0 else _peec_strip_per_length(cs.width, cs.thickness, fi, rho),
                        otypes=[float])(f, wheeler)


@lru_cache(maxsize=64)
def _peec_strip_per_length(width: float, thickness: float, f: float, rho: float) -> float:
    length = 1000.0 * max(width, thickness)  # long: end effects of the partial inductances < 0.1 %
    mat = Material("strip", rho, 0.0)
    res = filament_impedance(RectangularStrip(width, thickness), length, f, mat)
    return float(res.resistance) / length


_SPIRAL_PERIMETER = {  # turn perimeter / turn (inscribed) diameter
    "circular": np.pi,
    "square": 4.0,
    "hexagonal": 6.0 * np.tan(np.pi / 6),
    "octagonal": 8.0 * np.tan(np.pi / 8),
}


def self_capacitance(coil: Coil, *, substrate_permittivity: float = 1.0) -> float:
    """Self-capacitance of a solenoid or planar-spiral coil [F].

    Solenoid (``coil.winding_info`` a ``Helix``): Medhurst's table,
    ``medhurst_capacitance(l/D, D)`` with D = 2 radius (mean winding diameter) and l = N p
    (N turns of pitch p); Medhurst's measurements scatter by a few per cent about the table.

    Planar spiral (a ``PlanarSpiral``): an estimate of the turn-to-turn part only. Neighbouring
    turns form coplanar strips of width w and gap s with
    C' = eps0 (eps_r + 1)/2 K(k')/K(k), k = s / (s + 2w), k' = sqrt(1 - k^2) (Wen, IEEE Trans.
    MTT 17, 1087 (1969); Gupta, Garg, Bahl & Bhartia, "Microstrip Lines and Slotlines", 2nd ed.
    (1996), ch. 7, coplanar strips on a thick substrate), plus the side-wall term eps0 t / s for
    traces of thickness t. With the voltage falling uniformly along the trace, neighbouring
    turns k, k+1 differ by V l_k / l_tot (l_k: the mean length of the two turns), and the energy
    method (Zolfaghari, Chan & Razavi, IEEE J. Solid-State Circuits 36, 620 (2001))
    gives C = sum_k C' l_k (l_k / l_tot)^2. Accuracy: about +-50 %; the crossover/underpass,
    a ground plane and a finite substrate are ignored (on chip the underpass overlap often
    dominates, Yue & Wong, IEEE Trans. Electron Devices 47, 560 (2000)).
    ``substrate_permittivity``: eps_r of the half-space under the traces (1 for free-standing;
    ~4.6 glass, 11.7 silicon, 3.4 polyimide).

    Other coils: ValueError (only solenoids and planar spirals are supported).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil", coil, TypeError)
    eps_r = check.positive("substrate_permittivity", substrate_permittivity)
    info = coil.winding_info
    if isinstance(info, Helix):
        geo = _solenoid_geometry(info)
        return medhurst_capacitance(geo["length"] / geo["diameter"], geo["diameter"])
    if isinstance(info, PlanarSpiral):
        return _spiral_capacitance(info, eps_r)
    check._fail("coil", "a solenoid or planar spiral (a coil whose winding_info is a Helix or a PlanarSpiral: "
                "the coils with a self-capacitance model)",
                f"coil with winding_info {type(info).__name__ if info is not None else None}")


def _spiral_capacitance(spiral: PlanarSpiral, eps_r: float) -> float:
    n = check.positive("coil.winding_info.turns", spiral.turns)
    d_out = check.positive("coil.winding_info.outer_diameter", spiral.outer_diameter)
    w = check.positive("coil.winding_info.trace_width", spiral.trace_width)
    s = check.positive("coil.winding_info.spacing", spiral.spacing)
    t = check.positive("coil.winding_info.thickness", spiral.thickness, allow_zero=True)
    shape = spiral.shape
    if shape not in _SPIRAL_PERIMETER:
        check._fail("coil.winding_info.shape", "one of " + ", ".join(map(repr, _SPIRAL_PERIMETER)), shape)
    n_full = int(np.ceil(n))
    k = np.arange(n_full)
    d_turn = d_out - w - 2.0 * k * (w + s)  # centre-line (inscribed) diameter of each turn
    if d_turn[-1] <= 0:
        check._fail("coil.winding_info", "a spiral whose innermost turn has a positive diameter", spiral)
    frac = np.ones(n_full)
    frac[-1] = n - (n_full - 1)
    perim = _SPIRAL_PERIMETER[shape] * d_turn
    l_tot = float((perim * frac).sum())
    if n_full < 2:
        return 0.0
    l_pair = 0.5 * (perim[:-1] + perim[1:]) * frac[1:]  # length over which turns k, k+1 face
    kk = s / (s + 2.0 * w)
    m = kk * kk
    c_per_len = epsilon_0 * (0.5 * (eps_r + 1.0) * ellipk(1.0 - m) / ellipk(m) + t / s)
    dv = 0.5 * (perim[:-1] + perim[1:]) / l_tot  # voltage step between the turns / V
    return float(c_per_len * (l_pair * dv**2).sum())


# ---------------------------------------------------------------------------- small helpers
def self_resonant_frequency(inductance: float, capacitance: float) -> float:
    """f = 1 / (2 pi sqrt(L C)) [Hz] (Thomson's formula); ``inductance`` [H], ``capacitance`` [F]."""
    lval = check.positive("inductance", inductance)
    cval = check.positive("capacitance", capacitance)
    return check.result("self-resonant frequency", float(1.0 / (2.0 * np.pi * np.sqrt(lval) * np.sqrt(cval))),
                        inductance=inductance, capacitance=capacitance)  # sqrt of each: L C may underflow


def unloaded_q(inductance: float, resistance: float, frequency: float) -> float:
    """Unloaded quality factor Q = omega L / R [-]; ``inductance`` [H], ``resistance`` [ohm]
    (series loss resistance), ``frequency`` [Hz]."""
    lval = check.positive("inductance", inductance)
    r = check.positive("resistance", resistance)
    f = check.positive("frequency", frequency)
    return check.result("unloaded Q", float(2.0 * np.pi * f * (lval / r)), inductance=inductance,
                        resistance=resistance, frequency=frequency)


def lead_resistance(length: float, wire_diameter: float, frequency: float,
                    material: Material | str = "copper", *, temperature: float = 293.15) -> float:
    """AC resistance of a straight round lead [ohm]: rho l / (pi r^2) times the Bessel
    R_ac/R_dc (Ramo et al. (1994) sect. 5.12); ``length`` [m] (all leads together),
    ``wire_diameter`` [m], ``frequency`` [Hz] >= 0, ``temperature`` [K]. Proximity of the
    return lead is not included (add it with coildesign.rf.peec.coupled_conductors_impedance)."""
    length = check.positive("length", length)
    d = check.positive("wire_diameter", wire_diameter)
    f = check.positive("frequency", frequency, allow_zero=True)
    rho = _resistivity(material, temperature)
    r = 0.5 * d
    return float(rho * length / (np.pi * r * r) * _bessel_ratio(r * np.sqrt(np.pi * f * mu_0 / rho)).real)


def capacitor_esr(capacitance: float, frequency: float, q_factor: float) -> float:
    """Equivalent series resistance of a capacitor of quality factor Q: ESR = 1 / (omega C Q)
    [ohm] (definition Q = X_C / ESR); ``capacitance`` [F], ``frequency`` [Hz], ``q_factor`` [-]."""
    c = check.positive("capacitance", capacitance)
    f = check.positive("frequency", frequency)
    q = check.positive("q_factor", q_factor)
    return float(1.0 / (2.0 * np.pi * f * c * q))
