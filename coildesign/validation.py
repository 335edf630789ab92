"""Built-in validation cases: coildesign against exact closed forms and published tables.

Each case computes one number with the package's public API and compares it with an
independent reference within a stated relative tolerance:

- exact closed forms (evaluated here, independently of the package's own formulas where the
  package has one): the tolerance is the numerical accuracy of the method (~1e-12), or the
  size of a stated, known truncation (a polygon's area deficit, a series' first omitted term);
- published tables and formulas: the tolerance is the accuracy the publication states, or
  half a unit of the last printed digit of a table.

Tolerances are never fitted to the computed values. ``coildesign validate`` prints the table
(``format_table``) or JSON (``to_json``) so that a user can check an installation and see how
far to trust each number; ``tests/test_validation.py`` runs the same cases.

Every case's ``source`` names the reference in full (authors, title, journal or book, year,
equation or table). Short forms used repeatedly are spelled out in ``REFERENCES``.
"""

from __future__ import annotations

import functools
import json
import math
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy.constants import mu_0
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq
from scipy.special import ellipe, ellipk, ellipkm1, eval_gegenbauer, jv

from coildesign import eddy, surfaces
from coildesign.analysis import drive, gradient_efficiency, inductance, lorentz_forces, mutual_inductance, thermal
from coildesign.analysis import handbook as hb
from coildesign.coil import Coil
from coildesign.fields import field, field_jacobian
from coildesign.geometries import (
    anti_helmholtz,
    birdcage,
    golay,
    loop,
    loop_gap_resonator,
    maxwell_pair,
    planar_spiral,
    rectangular_loop,
    solenoid,
)
from coildesign.geometries import gradient_coils as gc
from coildesign.rf import array_network, array_snr, decoupling_overlap, resonator_analysis
from coildesign.rf import impedance as imp
from coildesign.rf.birdcage_modes import birdcage_capacitance
from coildesign.rf.matching import input_impedance, match_capacitors
from coildesign.rf.sample import Box, Cylinder, Sphere, cylinder_in_solenoid_loss, magnetic_loss_resistance, saline
from coildesign.rf.sensitivity import b1_map
from coildesign.rf.snr import snr

# ---------------------------------------------------------------------------- references
GRIFFITHS = "D. J. Griffiths, Introduction to Electrodynamics, 4th ed. (Pearson 2013)"
JACKSON = "J. D. Jackson, Classical Electrodynamics, 3rd ed. (Wiley 1999)"
SIMPSON = ("J. C. Simpson, J. E. Lane, C. D. Immer and R. C. Youngquist, 'Simple analytic expressions for the "
           "magnetic field of a circular current loop', NASA Technical Memorandum NASA/TM-2013-217919 (2001)")
MAXWELL = "J. C. Maxwell, A Treatise on Electricity and Magnetism, vol. 2 (Clarendon 1873), art. 701"
ROSA_GROVER = ("E. B. Rosa and F. W. Grover, 'Formulas and tables for the calculation of mutual and "
               "self-inductance', Bull. Bur. Stand. 8, 1-237 (1912)")
GROVER = "F. W. Grover, Inductance Calculations (Van Nostrand 1946; Dover 1962)"
NAGAOKA = ("H. Nagaoka, 'The inductance coefficients of solenoids', J. Coll. Sci. Imp. Univ. Tokyo 27, "
           "art. 6 (1909); table as reprinted in " + GROVER + ", Table 36")
ROSA = ("E. B. Rosa, 'Calculation of the self-inductance of single-layer coils', Bull. Bur. Stand. 2, "
        "161-187 (1906)")
LUNDIN = ("R. Lundin, 'A handbook formula for the inductance of a single-layer circular coil', "
          "Proc. IEEE 73(9), 1428-1429 (1985)")
WHEELER = "H. A. Wheeler, 'Simple inductance formulas for radio coils', Proc. IRE 16(10), 1398-1400 (1928)"
MEDHURST = ("R. G. Medhurst, 'H.F. resistance and self-capacitance of single-layer solenoids', "
            "Wireless Engineer 24, 35-43 and 80-92 (1947)")
MINARD_WIND = ("K. R. Minard and R. A. Wind, 'Solenoidal microcoil design', Concepts Magn. Reson. 13, "
               "128-142 (2001)")
RAMO = ("S. Ramo, J. R. Whinnery and T. Van Duzer, Fields and Waves in Communication Electronics, "
        "3rd ed. (Wiley 1994)")
HOULT_LAUTERBUR = ("D. I. Hoult and P. C. Lauterbur, 'The sensitivity of the zeugmatographic experiment "
                   "involving human samples', J. Magn. Reson. 34, 425-433 (1979)")
HOULT_RICHARDS = ("D. I. Hoult and R. E. Richards, 'The signal-to-noise ratio of the nuclear magnetic "
                  "resonance experiment', J. Magn. Reson. 24, 71-85 (1976)")
CHIN = ("C.-L. Chin, C. M. Collins, S. Li, B. J. Dardzinski and M. B. Smith, 'BirdcageBuilder: design of "
        "specified-geometry birdcage coils with desired current pattern and resonant frequency', "
        "Concepts Magn. Reson. 15(2), 156-163 (2002), Table 1")
POZAR = "D. M. Pozar, Microwave Engineering, 4th ed. (Wiley 2012), sect. 5.1"
GOLAY = ("M. J. E. Golay, US patent 3,569,823 (1971); F. Romeo and D. I. Hoult, 'Magnet field profiling: "
         "analysis and correcting coil design', Magn. Reson. Med. 1, 44-65 (1984)")
ABRAMOWITZ = ("M. Abramowitz and I. A. Stegun, Handbook of Mathematical Functions (NBS 1964), sect. 22.9 "
              "(generating function of the Gegenbauer polynomials)")

REFERENCES = (GRIFFITHS, JACKSON, SIMPSON, MAXWELL, ROSA_GROVER, GROVER, NAGAOKA, ROSA, LUNDIN, WHEELER,
              MEDHURST, MINARD_WIND, RAMO, HOULT_LAUTERBUR, HOULT_RICHARDS, CHIN, POZAR, GOLAY, ABRAMOWITZ)
"""The works cited by the cases (full citations)."""


# ---------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Case:
    """A validation case: ``run()`` returns (expected, computed) in ``unit``; ``tolerance`` is
    relative (absolute when the expected value is exactly 0)."""

    name: str
    source: str
    tolerance: float  # relative
    run: Callable[[], tuple[float, float]]
    unit: str = "-"


@dataclass(frozen=True)
class Outcome:
    """Result of one case. ``computed`` and ``rel_error`` are None when the case raised an
    exception (``error`` holds its message) or returned a non-finite number."""

    name: str
    source: str
    unit: str
    expected: float | None
    computed: float | None
    rel_error: float | None
    tolerance: float
    error: str | None = None

    @property
    def passed(self) -> bool:
        """True when rel_error <= tolerance: rel_error = |computed/expected - 1|, or |computed|
        for an expected value of exactly 0 (an absolute tolerance)."""
        return self.rel_error is not None and bool(self.rel_error <= self.tolerance)

    def as_dict(self) -> dict:
        """JSON-ready dict: every field plus ``passed`` (no NaN or infinity: None instead)."""
        return dict(asdict(self), passed=self.passed)


CASES: list[Case] = []


def case(name: str, source: str, tolerance: float, unit: str = "-"):
    """Register a validation case (decorator); ``tolerance`` is relative."""

    def wrap(fn):
        CASES.append(Case(name, source, tolerance, fn, unit))
        return fn

    return wrap


def _table_tolerance(value: float, decimals: int) -> float:
    """Half a unit of the last printed digit of a table entry, relative to the entry."""
    return 0.5 * 10.0**-decimals / abs(value)


# ---------------------------------------------------------------------------- fields
@case("finite wire, 1e-9 L from the wire", f"{GRIFFITHS}, Example 5.5 (field of a straight segment)", 1e-12, "T/A")
def _finite_wire():
    length, d, z = 1e-3, 1e-12, 0.2e-3
    coil = Coil.from_polyline([[0, 0, -length / 2], [0, 0, length / 2]])
    exact = mu_0 / (4 * np.pi * d) * ((length / 2 - z) / np.hypot(d, length / 2 - z)
                                       + (length / 2 + z) / np.hypot(d, length / 2 + z))
    return exact, float(field(coil, [d, 0, z])[0, 1])


@case("regular 7-gon centre field", f"N mu0 I tan(pi/N)/(2 pi R): {GRIFFITHS}, Example 5.5 summed over the sides",
      1e-13, "T/A")
def _polygon():
    r, n = 1e-3, 7
    phi = 2 * np.pi * np.arange(n) / n
    coil = Coil.from_polyline(np.c_[r * np.cos(phi), r * np.sin(phi), 0 * phi], closed=True)
    return n * mu_0 * np.tan(np.pi / n) / (2 * np.pi * r), float(field(coil, [0, 0, 0])[0, 2])


@case("square loop centre field", f"2 sqrt(2) mu0 I/(pi s) for side s: {GRIFFITHS}, Problem 5.8", 1e-13, "T/A")
def _square():
    s = 2e-3
    h = s / 2
    coil = Coil.from_polyline([[h, h, 0], [-h, h, 0], [-h, -h, 0], [h, -h, 0]], closed=True)
    return 2 * np.sqrt(2) * mu_0 / (np.pi * s), float(field(coil, [0, 0, 0])[0, 2])


@case("loop on axis at z = 0.7 R", f"mu0 I R^2 / (2 (R^2+z^2)^(3/2)): {JACKSON}, eq. 5.40 on the axis", 1e-13, "T/A")
def _loop_axis():
    r, z = 1e-3, 0.7e-3
    return mu_0 * r**2 / (2 * (r**2 + z**2) ** 1.5), float(field(Coil.from_loop(r), [0, 0, z])[0, 2])


@case("loop near axis, rho = 1e-9 R", "B_rho = -(rho/2) dBz/dz on axis (div B = 0, first order in rho) with "
      f"{JACKSON}, eq. 5.40", 1e-9, "T/A")
def _loop_near_axis():
    r, z, rho = 1e-3, 0.5e-3, 1e-12
    dbz = -3 * mu_0 * r**2 * z / (2 * (r**2 + z**2) ** 2.5)
    return -0.5 * rho * dbz, float(field(Coil.from_loop(r), [rho, 0, z])[0, 0])


def _loop_off_axis_exact(r: float, rho: float, z: float) -> tuple[float, float]:
    """(B_rho, B_z) [T/A] of a circular loop (Jackson eq. 5.37 differentiated; Simpson et al. 2001):
    with m = k^2 = 4 R rho / ((R + rho)^2 + z^2),
    Bz = mu0/(2 pi) [K + (R^2 - rho^2 - z^2)/((R - rho)^2 + z^2) E] / sqrt((R + rho)^2 + z^2),
    B_rho = mu0 z/(2 pi rho) [-K + (R^2 + rho^2 + z^2)/((R - rho)^2 + z^2) E] / sqrt((R + rho)^2 + z^2)."""
    q = (r + rho) ** 2 + z * z
    m = 4 * r * rho / q
    k, e = ellipk(m), ellipe(m)
    den = (r - rho) ** 2 + z * z
    bz = mu_0 / (2 * np.pi * np.sqrt(q)) * (k + (r * r - rho * rho - z * z) / den * e)
    brho = mu_0 * z / (2 * np.pi * rho * np.sqrt(q)) * (-k + (r * r + rho * rho + z * z) / den * e)
    return float(brho), float(bz)


@case("loop off axis Bz, rho = 0.6 R, z = 0.4 R", f"elliptic-integral closed form ({JACKSON}, eq. 5.37 "
      f"differentiated; written out in {SIMPSON})", 1e-12, "T/A")
def _loop_off_axis_bz():
    r, rho, z = 1e-3, 0.6e-3, 0.4e-3
    return _loop_off_axis_exact(r, rho, z)[1], float(field(Coil.from_loop(r), [rho, 0, z])[0, 2])


@case("loop off axis B_rho, rho = 0.6 R, z = 0.4 R", f"elliptic-integral closed form ({JACKSON}, eq. 5.37 "
      f"differentiated; written out in {SIMPSON})", 1e-12, "T/A")
def _loop_off_axis_brho():
    r, rho, z = 1e-3, 0.6e-3, 0.4e-3
    return _loop_off_axis_exact(r, rho, z)[0], float(field(Coil.from_loop(r), [rho, 0, z])[0, 0])


@case("Helmholtz pair centre field", f"(4/5)^(3/2) mu0 I / R: {JACKSON}, eq. 5.40 for two loops at z = +-R/2",
      1e-13, "T/A")
def _helmholtz():
    r = 2e-3
    coil = Coil.from_loop(r, center=(0, 0, r / 2)) + Coil.from_loop(r, center=(0, 0, -r / 2))
    return (4 / 5) ** 1.5 * mu_0 / r, float(field(coil, [0, 0, 0])[0, 2])


_LONG_A, _LONG_L, _LONG_N = 1e-3, 0.1, 48


@case("long solenoid (l = 50 D, 1000 turns, 48-gon helix) centre field", "mu0 N I / sqrt(l^2 + 4a^2) (finite "
      f"current sheet, {JACKSON}, eq. 5.40 integrated over the length); tolerance: twice the polygon error, which "
      "enters only through the coil ends (the axial integral of any loop's field is mu0 I, Ampere's law): "
      "the 48-gon's area deficit 2 (pi/n)^2/3 times the end weight 2 a^2/l^2",
      2 * 2 * (np.pi / _LONG_N) ** 2 / 3 * 2 * _LONG_A**2 / _LONG_L**2, "T/A")
def _solenoid():
    a, length, turns = _LONG_A, _LONG_L, 1000
    t = np.linspace(0, 2 * np.pi * turns, turns * _LONG_N + 1)
    coil = Coil.from_polyline(np.c_[a * np.cos(t), a * np.sin(t), np.linspace(-length / 2, length / 2, t.size)])
    return mu_0 * turns / np.hypot(length, 2 * a), float(field(coil, [0, 0, 0])[0, 2])


def _sheet_axis_field(a: float, length: float, turns: float, z: float) -> float:
    """Bz [T/A] on the axis of a uniform current sheet (Jackson eq. 5.40 integrated over z')."""
    u, v = z + length / 2, z - length / 2
    return mu_0 * turns / (2 * length) * (u / np.hypot(a, u) - v / np.hypot(a, v))


_MICRO_HELIX_POINTS = 256


def _micro_helix() -> Coil:
    return solenoid(1e-3, 2e-3, 10, wire_diameter=0.1e-3, points_per_turn=_MICRO_HELIX_POINTS)


@case("microsolenoid (10 turns, l = D) on axis, centre", "finite current sheet Bz = mu0 N I/(2l) [u/sqrt(a^2+u^2) - "
      f"v/sqrt(a^2+v^2)] ({JACKSON}, eq. 5.40 integrated; a helix's on-axis Bz equals the sheet's); tolerance: "
      "the 256-gon turns' field deviation 2 (pi/n)^2/3", 2 * (np.pi / _MICRO_HELIX_POINTS) ** 2 / 3, "T/A")
def _micro_centre():
    return _sheet_axis_field(1e-3, 2e-3, 10, 0.0), float(field(_micro_helix(), [0, 0, 0])[0, 2])


@case("microsolenoid (10 turns, l = D) on axis, end (z = l/2)", "finite current sheet, as above "
      f"({JACKSON}, eq. 5.40 integrated); tolerance: the 256-gon turns' field deviation 2 (pi/n)^2/3",
      2 * (np.pi / _MICRO_HELIX_POINTS) ** 2 / 3, "T/A")
def _micro_end():
    return _sheet_axis_field(1e-3, 2e-3, 10, 1e-3), float(field(_micro_helix(), [0, 0, 1e-3])[0, 2])


# ---------------------------------------------------------------------------- gradient coils
def _opposed_loop_error(t: float, k: int) -> float:
    """c_k of Bz/(eta z) - 1 = sum c_k (z/a)^(k-1) on the axis of opposed unit loops at z = +-t, from
    the Gegenbauer generating function (1 - 2 c s + s^2)^(-3/2) = sum C_n^(3/2)(c) s^n
    (Abramowitz & Stegun 22.9.3): with R^2 = 1 + t^2, c = t/R, c_k = C_k(c) / (C_1(c) R^(k-1))."""
    big_r = np.hypot(1.0, t)
    c = t / big_r
    return float(eval_gegenbauer(k, 1.5, c) / (eval_gegenbauer(1, 1.5, c) * big_r ** (k - 1)))


def _opposed_loop_deviation(t: float, u: float) -> float:
    """Bz/(eta z) - 1 at z = u a on the axis of opposed loops at z = +-t a: the full Gegenbauer
    series sum_{k odd >= 3} c_k u^(k-1) (terms fall as (u/R)^2 per step; summed to k = 61)."""
    return float(sum(_opposed_loop_error(t, k) * u ** (k - 1) for k in range(3, 63, 2)))


def _engine_axis_deviation(coil: Coil, z: float) -> float:
    """Bz/(eta z) - 1 at (0, 0, z) from the engine's field and Jacobian."""
    eta = float(field_jacobian(coil, [0, 0, 0])[0, 2, 2])
    return float(field(coil, [0, 0, z])[0, 2] / (eta * z) - 1.0)


@case("Maxwell pair efficiency (maxwell_pair)", "48 sqrt(21)/343 mu0 I/a^2 at separation sqrt(3) a "
      f"(derivative of {JACKSON}, eq. 5.40 on the axis)", 1e-12, "T/(m A)")
def _maxwell():
    a = 5e-3
    return 48 * np.sqrt(21) / 343 * mu_0 / a**2, gradient_efficiency(maxwell_pair(a))


@case("Maxwell pair 5th-order error c5 (closed form)", "c5 = C_5(c)/(C_1(c) R^4), c = sqrt(3/7), R = sqrt(7)/2 "
      f"(= -176/343): {ABRAMOWITZ} applied to {JACKSON}, eq. 5.40, vs the derivative form of "
      "coildesign.geometries.gradient_coils", 1e-13)
def _maxwell_c5():
    return _opposed_loop_error(np.sqrt(3) / 2, 5), gc.maxwell_error_coefficients(np.sqrt(3))[1]


@case("Maxwell pair on-axis deviation Bz/(eta z) - 1 at z = 0.2 a (engine)", "sum_k c_k (z/a)^(k-1), c_k = "
      f"C_k(c)/(C_1(c) R^(k-1)) ({ABRAMOWITZ} applied to {JACKSON}, eq. 5.40); tolerance: a few 1e-15 relative "
      "accuracy of field and Jacobian over a deviation of 8e-4", 1e-11)
def _maxwell_deviation():
    a = 5e-3
    return _opposed_loop_deviation(np.sqrt(3) / 2, 0.2), _engine_axis_deviation(maxwell_pair(a), 0.2 * a)


@case("Maxwell pair 7th-order error c7 (closed form)", f"c7 = C_7(c)/(C_1(c) R^6): {ABRAMOWITZ} applied to "
      f"{JACKSON}, eq. 5.40, vs the derivative form of coildesign.geometries.gradient_coils", 1e-13)
def _maxwell_c7():
    return _opposed_loop_error(np.sqrt(3) / 2, 7), gc.maxwell_error_coefficients(np.sqrt(3))[2]


@case("opposed-loop z gradient at separation a: efficiency", "anti-Helmholtz pair (anti_helmholtz): 48 sqrt(5)/125 "
      f"mu0 I/a^2 (derivative of {JACKSON}, eq. 5.40)",
      1e-12, "T/(m A)")
def _anti_helmholtz():
    a = 5e-3
    return 48 * np.sqrt(5) / 125 * mu_0 / a**2, gradient_efficiency(anti_helmholtz(a))


@case("opposed-loop z gradient at separation a: 3rd-order error c3 (closed form)", "anti-Helmholtz pair: "
      "c3 = C_3(c)/(C_1(c) R^2), c = 1/sqrt(5) (= -16/15): "
      f"{ABRAMOWITZ} applied to {JACKSON}, eq. 5.40, vs the derivative form of coildesign.geometries.gradient_coils",
      1e-13)
def _anti_helmholtz_c3():
    return _opposed_loop_error(0.5, 3), gc.maxwell_error_coefficients(1.0)[0]


@case("opposed-loop z gradient at separation a: on-axis deviation Bz/(eta z) - 1 at z = 0.2 a (engine)",
      "anti-Helmholtz pair: sum_k c_k (z/a)^(k-1) "
      f"({ABRAMOWITZ} applied to {JACKSON}, eq. 5.40); tolerance: floating-point accuracy", 1e-12)
def _anti_helmholtz_deviation():
    a = 5e-3
    return _opposed_loop_deviation(0.5, 0.2), _engine_axis_deviation(anti_helmholtz(a), 0.2 * a)


@case("Golay x efficiency (1024 points/arc)", "(2 sin 60deg/pi) [g(d1) - g(d2)] mu0 N I/a^2, g(h) = (2 - h^2)/"
      f"(1 + h^2)^(5/2), arcs from 4u^2 - 27u + 4 = 0: {GOLAY}; tolerance: the polygonal arcs' far-field "
      "deviation Delta^2/6, Delta = 120 deg/1024", math.radians(120 / 1024) ** 2 / 6, "T/(m A)")
def _golay():
    return gc.golay_efficiency(5e-3), gradient_efficiency(golay(5e-3, points_per_arc=1024))


@case("Golay inner arc position d1/a", f"sqrt((27 - sqrt(665))/8), the small root of 4u^2 - 27u + 4 = 0, u = (d/a)^2: "
      f"{GOLAY} (published rounded as 0.389)", 1e-14)
def _golay_d1():
    return math.sqrt((27 - math.sqrt(665)) / 8), gc.golay_arc_positions()[0]


@case("Golay outer arc position d2/a", f"sqrt((27 + sqrt(665))/8), the large root of 4u^2 - 27u + 4 = 0: {GOLAY} "
      "(published rounded as 2.57)", 1e-14)
def _golay_d2():
    return math.sqrt((27 + math.sqrt(665)) / 8), gc.golay_arc_positions()[1]


def _golay_bz_on_x(x: np.ndarray, positions: tuple[float, float], half_angle: float) -> np.ndarray:
    """Bz(x, 0, 0) / (mu0 I / (4 pi a)) of the Golay x coil (unit radius; complex x allowed):
    Biot-Savart for an arc at height d, phi in [-half_angle, half_angle], current along +phi,
    (dl x r)_z = a^2 - a x cos(phi), integrated by 200-point Gauss-Legendre in phi (the integrand
    is analytic). Arcs at +-d1 (+), +-d2 (-); the saddles at phi = pi carry the opposite current,
    i.e. x -> -x."""
    nodes, weights = np.polynomial.legendre.leggauss(200)
    phi, w = half_angle * nodes, half_angle * weights
    cos = np.cos(phi)[None, :]
    x = np.asarray(x)[:, None]

    def arc(xx: np.ndarray, d: float) -> np.ndarray:
        return np.sum(w * (1.0 - xx * cos) / (1.0 + d * d + xx * xx - 2.0 * xx * cos) ** 1.5, axis=1)

    return sum(s * 2.0 * (arc(x, d) - arc(-x, d)) for s, d in zip((1.0, -1.0), positions))


@case("Golay x^4 error term along x", f"Taylor coefficients b1, b5 of the Biot-Savart field Bz(x) ({GRIFFITHS}, "
      "sect. 5.2.2, arcs integrated by Gauss-Legendre) by Cauchy's integral formula (trapezoid rule on |x| = a/2, "
      f"64 points), X4 = b5/b1, vs the series closed form of coildesign.geometries.gradient_coils ({GOLAY})",
      1e-10)
def _golay_x4():
    n, radius = 64, 0.5
    x = radius * np.exp(2j * np.pi * np.arange(n) / n)
    coef = np.fft.fft(_golay_bz_on_x(x, gc.golay_arc_positions(), math.radians(60.0))) / n  # b_k radius^k
    b1, b5 = coef[1].real / radius, coef[5].real / radius**5
    return float(b5 / b1), gc.golay_error_coefficients()["x4"]


@case("Golay z^4 error term of dBz/dx along z", "Z4 = sum_arcs s G_4(d) / sum_arcs s G_0(d) with g(h) = "
      "3 (1+h^2)^(-5/2) - (1+h^2)^(-3/2) expanded by Gegenbauer polynomials C_n^(5/2), C_n^(3/2) "
      f"({ABRAMOWITZ}), vs the derivative form g''''/24 of coildesign.geometries.gradient_coils ({GOLAY})", 1e-12)
def _golay_z4():
    d1, d2 = gc.golay_arc_positions()

    def g_n(d: float, n: int) -> float:
        big_r = math.hypot(1.0, d)
        c = d / big_r
        return (3 * big_r**-5 * eval_gegenbauer(n, 2.5, c) - big_r**-3 * eval_gegenbauer(n, 1.5, c)) * big_r**-n

    return (g_n(d1, 4) - g_n(d2, 4)) / (g_n(d1, 0) - g_n(d2, 0)), gc.golay_error_coefficients()["z4"]


# ---------------------------------------------------------------------------- inductance: circles
def _maxwell_elliptic(r1: float, r2: float, d: float) -> float:
    """Maxwell's mutual inductance of coaxial circles, classic form:
    mu0 sqrt(r1 r2) [(2/k - k) K(k) - (2/k) E(k)], k^2 = 4 r1 r2 / ((r1 + r2)^2 + d^2)."""
    m = 4 * r1 * r2 / ((r1 + r2) ** 2 + d**2)
    k = np.sqrt(m)
    return float(mu_0 * np.sqrt(r1 * r2) * ((2 / k - k) * ellipk(m) - 2 / k * ellipe(m)))


@case("coaxial loops mutual inductance, R2 = 1.7 R1, d = 0.6 R1", f"Maxwell's formula: {MAXWELL}; {ROSA_GROVER}, "
      "formula (1)", 1e-12, "H")
def _coaxial_mutual():
    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    return _maxwell_elliptic(r1, r2, d), mutual_inductance(Coil.from_loop(r1),
                                                            Coil.from_loop(r2, center=(0, 0, d)))


def _equal_circles(d_over_r: float) -> tuple[float, float]:
    r = 1e-3
    d = d_over_r * r
    return _maxwell_elliptic(r, r, d), mutual_inductance(Coil.from_loop(r), Coil.from_loop(r, center=(0, 0, d)))


@case("equal coaxial circles mutual inductance, d = 0.1 R", f"Maxwell's formula: {MAXWELL}; {GROVER}, "
      "coaxial circular filaments", 1e-12, "H")
def _circles_close():
    return _equal_circles(0.1)


@case("equal coaxial circles mutual inductance, d = R", f"Maxwell's formula: {MAXWELL}; {GROVER}", 1e-12, "H")
def _circles_mid():
    return _equal_circles(1.0)


@case("equal coaxial circles mutual inductance, d = 5 R", f"Maxwell's formula: {MAXWELL}; {GROVER} "
      "(classic form loses ~2 log10(1/k) digits, k = 0.37)", 1e-11, "H")
def _circles_far():
    return _equal_circles(5.0)


@case("loop self inductance, a/R = 0.005", "mu0 R [ln(8R/a) - 7/4] (Kirchhoff; " + GROVER + ", circular ring "
      "of round wire); tolerance: the omitted O((a/R)^2 ln(8R/a)) terms and the engine's O((a/R)^2) accuracy", 1e-4,
      "H")
def _loop_inductance():
    r, a = 1e-3, 5e-6
    return mu_0 * r * (np.log(8 * r / a) - 1.75), inductance(Coil.from_loop(r, wire_diameter=2 * a))


@case("loop self inductance, a/R = 0.05", "mu0 R [(1 + a^2/8R^2) ln(8R/a) - 7/4 + a^2/24R^2] (" + ROSA_GROVER
      + ", circular ring, with M. Wien's a^2/R^2 terms, Ann. Phys. 53, 928 (1894)); tolerance (a/R)^2: the "
      "order of the engine's GMD method", 0.05**2, "H")
def _loop_inductance_thick():
    r, a = 1e-3, 5e-5
    e2 = (a / r) ** 2
    exact = mu_0 * r * ((1 + e2 / 8) * np.log(8 * r / a) - 1.75 + e2 / 24)
    return exact, inductance(Coil.from_loop(r, wire_diameter=2 * a))


@case("rectangle 10 x 5 mm of 0.2 mm wire", "mu0/pi [w ln(2w/a) + h ln(2h/a) - (w + h)(2 - 1/4) + 2 sqrt(w^2+h^2) - "
      f"w asinh(w/h) - h asinh(h/w)]: {GROVER}, rectangle of round wire; tolerance a/h, the formula's "
      "l >> a accuracy", 0.1e-3 / 5e-3, "H")
def _rectangle():
    w, h, a = 10e-3, 5e-3, 0.1e-3
    exact = mu_0 / np.pi * (w * np.log(2 * w / a) + h * np.log(2 * h / a) - (w + h) * 1.75 + 2 * np.hypot(w, h)
                            - w * np.arcsinh(w / h) - h * np.arcsinh(h / w))
    return float(exact), inductance(rectangular_loop(w, h, wire_diameter=2 * a))


# ---------------------------------------------------------------------------- inductance: solenoids
def _nagaoka_case(d_over_l: float, table: float) -> None:
    @case(f"Nagaoka coefficient, D/l = {d_over_l:g}", f"{NAGAOKA}: {table:.4f}", _table_tolerance(table, 4))
    def _run():
        return table, hb.nagaoka_coefficient(d_over_l)


for _x, _k in ((0.1, 0.9588), (0.2, 0.9201), (0.5, 0.8181), (1.0, 0.6884), (2.0, 0.5255), (5.0, 0.3198),
               (10.0, 0.2033)):
    _nagaoka_case(_x, _k)


@case("Rosa's mutual correction B, N = 10", f"{ROSA}; {GROVER}, Table 8: 0.2664", _table_tolerance(0.2664, 4))
def _rosa_b10():
    return 0.2664, hb.rosa_mutual_correction(10)


@case("Rosa's mutual correction B, N = 100", f"{ROSA}; {GROVER}, Table 8: 0.3269", _table_tolerance(0.3269, 4))
def _rosa_b100():
    return 0.3269, hb.rosa_mutual_correction(100)


_ROSA_COIL = (1e-3, 10, 0.1e-3, 0.08e-3)  # radius a, turns N, pitch p, wire diameter d [m]


def _rosa_tolerance() -> float:
    """(p/a)^2 x the relative size of Rosa's corrections, (L_sheet - L_Rosa)/L_sheet."""
    a, n, p, d = _ROSA_COIL
    return (p / a) ** 2 * (1 - hb.rosa_solenoid_inductance(a, p, n, d) / hb.current_sheet_inductance(a, n * p, n))


_ROSA_TOLERANCE = _rosa_tolerance()


@case("10 stacked rings of round wire vs Nagaoka + Rosa", f"L = L_sheet - mu0 a N (A + B): {NAGAOKA} with {ROSA}'s "
      "corrections A = 5/4 - ln(2p/d), B(N); tolerance: the corrections (3.6 % of L here) are exact for straight "
      "parallel conductors, with a curvature error O((p/a)^2) relative to them", _ROSA_TOLERANCE, "H")
def _stacked_rosa():
    a, n, p, d = _ROSA_COIL
    return hb.rosa_solenoid_inductance(a, p, n, d), inductance(solenoid(a, n * p, n, wire_diameter=d, stacked=True))


_HELIX_POINTS = 100


@case("10-turn helix (100 points/turn) vs Nagaoka + Rosa", f"{NAGAOKA} with {ROSA}'s corrections; tolerance: "
      "Rosa's curvature error (as for the stacked rings) + the 100-gon turns' area deficit 2 pi^2/(3 n^2)",
      _ROSA_TOLERANCE + 2 * np.pi**2 / (3 * _HELIX_POINTS**2), "H")
def _helix_rosa():
    a, n, p, d = _ROSA_COIL
    helix = solenoid(a, n * p, n, wire_diameter=d, points_per_turn=_HELIX_POINTS)
    return hb.rosa_solenoid_inductance(a, p, n, d), inductance(helix)


def _lundin_case(d_over_l: float) -> None:
    @case(f"Lundin's formula vs Nagaoka, D/l = {d_over_l:g}", f"{LUNDIN} (stated accuracy +-3 ppm) against "
          f"Nagaoka's exact coefficient ({NAGAOKA}, elliptic-integral form)", 3e-6)
    def _run():
        return hb.nagaoka_coefficient(d_over_l), hb.lundin_nagaoka_coefficient(d_over_l)


for _x in (0.2, 1.0, 5.0, 50.0):
    _lundin_case(_x)


def _wheeler_case(l_over_d: float) -> None:
    @case(f"Wheeler's formula vs Nagaoka's sheet, l/D = {l_over_d:g}", f"{WHEELER} (stated ~1 % for l > 0.8 r) "
          f"against the current-sheet inductance mu0 pi a^2 N^2 K_N / l ({NAGAOKA})", 0.01, "H")
    def _run():
        r, n = 1e-3, 10
        length = 2 * r * l_over_d
        return hb.current_sheet_inductance(r, length, n), hb.wheeler_inductance(r, length, n)


for _x in (0.5, 2.0):
    _wheeler_case(_x)


# ---------------------------------------------------------------------------- conductor losses
@case("skin depth, copper at 600 MHz", f"delta = sqrt(rho / (pi f mu0)), rho = 1.678e-8 ohm m: {RAMO}, sect. 5.11",
      1e-14, "m")
def _skin():
    return float(np.sqrt(1.678e-8 / (np.pi * 600e6 * mu_0))), float(imp.skin_depth(600e6, 1.678e-8))


def _wire_at(x: float) -> tuple[float, float, float]:
    """(radius [m], frequency [Hz], resistivity) of a copper wire of radius 0.1 mm at r/delta = x."""
    rho, r = 1.678e-8, 1e-4
    return r, rho * x * x / (np.pi * mu_0 * r * r), rho


@case("round wire R_ac/R_dc, low-frequency limit r/delta = 0.3", f"1 + x^4/48 (x = r/delta; {RAMO}, sect. 5.12, "
      "series of the Bessel solution); tolerance: the first omitted term x^8/2880", 0.3**8 / 2880)
def _bessel_low():
    x = 0.3
    return 1 + x**4 / 48, float(np.real(imp.round_wire_impedance_ratio(*_wire_at(x))))


@case("round wire R_ac/R_dc, high-frequency limit r/delta = 50", "x/2 + 1/4 + 3/(32x) (x = r/delta; Hankel's "
      "asymptotic series, Abramowitz & Stegun sect. 9.2, in the solution of " + RAMO + ", sect. 5.12); tolerance: "
      "the omitted O(x^-3) terms, 2/x^4 relative", 2 / 50**4)
def _bessel_high():
    x = 50.0
    return x / 2 + 0.25 + 3 / (32 * x), float(np.real(imp.round_wire_impedance_ratio(*_wire_at(x))))


def _medhurst_phi_case(l_over_d: float, p_over_d: float, table: float) -> None:
    @case(f"Medhurst proximity factor, l/D = {l_over_d:g}, p/d = {p_over_d:g}", f"{MEDHURST}, table of the "
          f"proximity factor: {table:.2f}", _table_tolerance(table, 2))
    def _run():
        return table, float(imp.proximity_factor(l_over_d, p_over_d))


for _ld, _pd, _phi in ((0.0, 1.0, 5.31), (1.0, 2.0, 1.67), (4.0, 1.25, 2.60), (np.inf, 1.0, 3.41)):
    _medhurst_phi_case(_ld, _pd, _phi)


@case("AC resistance of a 5-turn solenoid (l/D = 1, p/d = 2) at 300 MHz", f"R = R_skin [1 + (Phi - 1)(1 - 1/N)] "
      f"({MINARD_WIND}, eq. 11) with Phi = 1.67 ({MEDHURST}) and R_skin = R_dc Re[(T r/2) J0(T r)/J1(T r)], "
      f"T = (1 - j)/delta ({RAMO}, sect. 5.12, evaluated with scipy.special.jv); tolerance: Phi's printed digits",
      _table_tolerance(1.67, 2), "ohm")
def _ac_resistance():
    a, n, d, f = 1e-3, 5, 0.2e-3, 300e6
    coil = solenoid(a, n * 2 * d, n, wire_diameter=d)
    rho = coil.windings[0].material.resistivity_at(293.15)
    r = d / 2
    t = (1 - 1j) / np.sqrt(rho / (np.pi * f * mu_0))
    r_skin = rho * coil.wire_length / (np.pi * r * r) * float(np.real(t * r / 2 * jv(0, t * r) / jv(1, t * r)))
    return r_skin * (1 + (1.67 - 1) * (1 - 1 / n)), imp.ac_resistance(coil, f)


def _medhurst_c_case(l_over_d: float, h_table: float) -> None:
    @case(f"Medhurst self-capacitance of a solenoid, l/D = {l_over_d:g}, D = 2 mm", f"C = H D, H = {h_table:.2f} "
          f"pF/cm: {MEDHURST}, table of H", _table_tolerance(h_table, 2), "F")
    def _run():
        a, n, d = 1e-3, 10, 0.05e-3
        coil = solenoid(a, l_over_d * 2 * a, n, wire_diameter=d)
        return h_table * 1e-12 * (2 * a * 100), imp.self_capacitance(coil)


for _ld, _h in ((0.5, 0.50), (1.0, 0.46), (4.0, 0.72)):
    _medhurst_c_case(_ld, _h)


# ---------------------------------------------------------------------------- sample losses and SNR
def _helmholtz_uniform(radius: float) -> tuple[Coil, float]:
    coil = Coil.from_loop(radius, center=(0, 0, radius / 2)) + Coil.from_loop(radius, center=(0, 0, -radius / 2))
    return coil, (4 / 5) ** 1.5 * mu_0 / radius


@case("eddy-current loss of a sphere (b = R/20) in a uniform field (loops R at +-R/2)",
      f"R_m = 2 pi sigma omega^2 B^2 b^5/15 per "
      f"A^2 (the sphere in a uniform field of {HOULT_LAUTERBUR}, derived here from E_phi = omega B r sin(theta)/2 "
      "for a peak field B); tolerance: the Helmholtz field's (b/R)^4 non-uniformity",
      (1 / 20) ** 4, "ohm")
def _sphere_loss():
    r = 5e-3
    coil, b_per_a = _helmholtz_uniform(r)
    b, f, sigma = r / 20, 300e6, 1.0
    expected = 2 * np.pi * sigma * (2 * np.pi * f) ** 2 * b_per_a**2 * b**5 / 15
    return float(expected), magnetic_loss_resistance(coil, Sphere(b), f, sigma)


@case("eddy-current loss of a coaxial cylinder (b = R/20, l = 2b) in a uniform field (loops R at +-R/2)",
      "R_m = pi sigma omega^2 "
      f"B^2 b^4 l/8 per A^2 ({HOULT_LAUTERBUR}, cylinder in a solenoid, B = mu0 n I), evaluated by "
      "coildesign.rf.sample.cylinder_in_solenoid_loss at n = B/(mu0 I); tolerance: the field's non-uniformity "
      "((b^2 + l^2/4)/R^2)^2", ((1 / 20) ** 2 * 2) ** 2, "ohm")
def _cylinder_loss():
    r = 5e-3
    coil, b_per_a = _helmholtz_uniform(r)
    b, f, sigma = r / 20, 300e6, 1.0
    return (cylinder_in_solenoid_loss(b_per_a / mu_0, b, 2 * b, f, sigma),
            magnetic_loss_resistance(coil, Cylinder(b, 2 * b), f, sigma))


@case("SNR frequency scaling 300 -> 600 MHz, coil noise only", f"SNR ~ omega^(7/4) ({HOULT_RICHARDS}, eq. 4 "
      "with R ~ omega^(1/2) in the skin-effect limit): ratio 2^(7/4); tolerance: the Bessel correction to "
      "R ~ omega^(1/2), delta/(4 r) at 300 MHz", 1.678e-8 ** 0.5 / (np.pi * 300e6 * mu_0) ** 0.5 / (4 * 0.4e-3))
def _snr_scaling():
    coil = solenoid(2.5e-3, 10e-3, 10, wire_diameter=0.8e-3).rotate(90, (0, 1, 0))  # axis perpendicular to B0
    sample = Sphere(1e-3)
    lo, hi = (snr(coil, sample, frequency=f).snr for f in (300e6, 600e6))
    return 2.0**1.75, hi / lo


# ---------------------------------------------------------------------------- birdcages
def _chin_case(label: str, frequency: float, c_table: float, **geometry) -> None:
    @case(f"birdcage {label} capacitance at {frequency / 1e6:g} MHz", f"{CHIN}, coil {label}: {c_table} pF "
          "(as transcribed in tests/rf/test_birdcage_modes.py). Tolerance 5 %: not a stated accuracy of the table but "
          "an allowance for the different inductance models (BirdcageBuilder's thin-strip formulas vs coildesign's "
          "partial-inductance matrix)", 0.05, "F")
    def _run():
        return c_table * 1e-12, birdcage_capacitance(birdcage(**geometry), frequency)


_chin_case("A (12-leg low-pass, shield 100 cm)", 21.25e6, 269.54, legs=12, radius=3.8e-2, length=10e-2,
           leg_width=0.6e-2, ring_width=0.6e-2, shield_radius=100e-2)
_chin_case("B (12-leg low-pass)", 63e6, 29.56, legs=12, radius=4.45e-2, length=8.9e-2, leg_width=0.6e-2,
           ring_width=0.6e-2)
_chin_case("C (8-leg low-pass, shielded)", 127.8e6, 9.76, legs=8, radius=6.35e-2, length=8.9e-2, leg_width=0.6e-2,
           ring_width=1.27e-2, shield_radius=8.95e-2)
_chin_case("D (8-leg low-pass, shielded)", 400.1e6, 3.38, legs=8, radius=1.25e-2, length=2.4e-2, leg_width=0.1e-2,
           ring_width=0.1e-2, shield_radius=1.87e-2)
_chin_case("G (8-leg high-pass)", 200.5e6, 25.58, legs=8, radius=1.9e-2, length=7.3e-2, topology="highpass",
           leg_width=0.6e-2, ring_width=0.6e-2, shield_radius=50e-2)


# ---------------------------------------------------------------------------- matching
_COIL_R, _COIL_L, _COIL_F, _Z0 = 2.0, 50e-9, 400e6, 50.0


def _pozar_shunt_first() -> tuple[float, float]:
    """Pozar eqs. 5.3a-b for the load Z_L = R_L + j X_L (the coil), shunt susceptance B next to
    the load, then series reactance X:
    B = [X_L -+ sqrt(R_L/Z0) sqrt(R_L^2 + X_L^2 - Z0 R_L)] / (R_L^2 + X_L^2),
    X = 1/B + X_L Z0/R_L - Z0/(B R_L), taking the root whose X is capacitive (X < 0).
    Returns (shunt capacitance B/omega, series capacitance -1/(omega X)) [F]."""
    w = 2 * np.pi * _COIL_F
    r, x = _COIL_R, w * _COIL_L
    b = (x - np.sqrt(r / _Z0) * np.sqrt(r * r + x * x - _Z0 * r)) / (r * r + x * x)
    x_series = 1 / b + x * _Z0 / r - _Z0 / (b * r)
    return float(b / w), float(-1 / (w * x_series))


@case("L-network tuning capacitor (shunt C across a 2 ohm + 50 nH coil, 400 MHz, 50 ohm)", f"{POZAR}, "
      "eqs. 5.3a-b (shunt element next to the load), root with a capacitive series element", 1e-12, "F")
def _pozar_tune():
    res = match_capacitors(_COIL_R, _COIL_L, _COIL_F, z0=_Z0)
    return _pozar_shunt_first()[0], res.capacitors["tune"]


@case("L-network matching capacitor (series C, same coil)", f"{POZAR}, eqs. 5.3a-b, series reactance "
      "X = 1/B + X_L Z0/R_L - Z0/(B R_L)", 1e-12, "F")
def _pozar_match():
    res = match_capacitors(_COIL_R, _COIL_L, _COIL_F, z0=_Z0)
    return _pozar_shunt_first()[1], res.capacitors["match"]


def _matched_input(c_tune: float, c_match: float, network: str) -> complex:
    return complex(input_impedance(_COIL_F, _COIL_R, _COIL_L, {"tune": c_tune, "match": c_match}, topology=network))


@case("matched input impedance Re Z_in (Pozar eqs. 5.3a-b capacitors)", f"Z_in = Z0 = 50 ohm: {POZAR} "
      "(condition of a matched L-section), evaluated with coildesign.rf.matching.input_impedance", 1e-12, "ohm")
def _pozar_zin():
    return _Z0, _matched_input(*_pozar_shunt_first(), "series_match_parallel_tune").real


@case("matched input impedance Im Z_in / Z0 (Pozar eqs. 5.3a-b capacitors)", f"Im Z_in = 0: {POZAR} (condition "
      "of a matched L-section); absolute tolerance", 1e-12)
def _pozar_zin_imag():
    return 0.0, _matched_input(*_pozar_shunt_first(), "series_match_parallel_tune").imag / _Z0


def _pozar_series_first() -> tuple[float, float]:
    """Pozar eqs. 5.6a-b for R_L < Z0 (series reactance X next to the load, shunt susceptance B
    across the line): X = sqrt(R_L (Z0 - R_L)) - X_L, B = sqrt((Z0 - R_L)/R_L)/Z0 (the roots with a
    capacitive X and B). Returns (series capacitance -1/(omega X), shunt capacitance B/omega) [F]."""
    w = 2 * np.pi * _COIL_F
    r, x = _COIL_R, w * _COIL_L
    x_series = np.sqrt(r * (_Z0 - r)) - x
    b = np.sqrt((_Z0 - r) / r) / _Z0
    return float(-1 / (w * x_series)), float(b / w)


@case("L-network series tuning capacitor (series C, shunt C across the line; same coil)", f"{POZAR}, eqs. 5.6a-b "
      "(shunt element next to the source), X = sqrt(R_L (Z0 - R_L)) - X_L", 1e-12, "F")
def _pozar_series_tune():
    res = match_capacitors(_COIL_R, _COIL_L, _COIL_F, z0=_Z0, topology="parallel_match_series_tune")
    return _pozar_series_first()[0], res.capacitors["tune"]


@case("L-network shunt matching capacitor (same network)", f"{POZAR}, eqs. 5.6a-b, B = sqrt((Z0 - R_L)/R_L)/Z0",
      1e-12, "F")
def _pozar_series_match():
    res = match_capacitors(_COIL_R, _COIL_L, _COIL_F, z0=_Z0, topology="parallel_match_series_tune")
    return _pozar_series_first()[1], res.capacitors["match"]


@case("matched input impedance Re Z_in (Pozar eqs. 5.6a-b capacitors)", f"Z_in = Z0 = 50 ohm: {POZAR}, evaluated "
      "with coildesign.rf.matching.input_impedance", 1e-12, "ohm")
def _pozar_series_zin():
    return _Z0, _matched_input(*_pozar_series_first(), "parallel_match_series_tune").real


# ---------------------------------------------------------------------------- planar spirals
MOHAN = ("S. S. Mohan, M. del Mar Hershenson, S. P. Boyd and T. H. Lee, 'Simple accurate expressions for planar "
         "spiral inductances', IEEE J. Solid-State Circuits 34(10), 1419-1424 (1999)")


def _mohan_case(shape: str) -> None:
    @case(f"{shape} planar spiral (5 turns, 2 mm, w = s = 50 um) vs Mohan's current-sheet expression",
          f"{MOHAN}, current-sheet expression with the coefficients of Table II (stated typical error 2-3 %, "
          "spacing <= 3 w); d_in, d_out of the generated spiral", 0.03, "H")
    def _run():
        coil = planar_spiral(5, 2e-3, 50e-6, 50e-6, shape, thickness=5e-6)
        p = coil.winding_info
        return hb.mohan_current_sheet_inductance(5, p.outer_diameter, p.inner_diameter, shape), inductance(coil)


for _shape in ("square", "hexagonal", "octagonal", "circular"):
    _mohan_case(_shape)


# ---------------------------------------------------------------------------- forces, drive, heating
DLMF_19 = "NIST Digital Library of Mathematical Functions, eq. 19.4.1 (derivatives of K(k) and E(k))"
IEC_60028 = "IEC 60028, International standard of resistance for copper (1925; alpha = 0.00393 /K at 20 degC)"
INCROPERA = ("F. P. Incropera, D. P. DeWitt, T. L. Bergman and A. S. Lavine, Fundamentals of Heat and Mass Transfer, "
             "6th ed. (Wiley 2007), sect. 3.1.2 (thermal resistance) and 5.3 (general lumped capacitance analysis)")
BERNSTEIN = ("M. A. Bernstein, K. F. King and X. J. Zhou, Handbook of MRI Pulse Sequences (Elsevier 2004), ch. 7 "
             "(gradient lobe shapes)")


def _coaxial_force(r1: float, r2: float, d: float) -> float:
    """dM/dd of Maxwell's formula (``_maxwell_elliptic``) in closed form: with m = k^2,
    -mu0 k d / (4 sqrt(r1 r2)) [(2 - m) E / (1 - m) - 2 K] (newtons per A^2)."""
    m = 4 * r1 * r2 / ((r1 + r2) ** 2 + d**2)
    return float(-mu_0 * np.sqrt(m) * d / (4 * np.sqrt(r1 * r2)) * ((2 - m) / (1 - m) * ellipe(m) - 2 * ellipk(m)))


@case("force between coaxial loops, R2 = 1.7 R1, d = 0.6 R1 (loop on loop)", f"F = I1 I2 dM/dd, M by {MAXWELL} "
      f"differentiated with {DLMF_19}", 1e-12, "N/A^2")
def _coaxial_force_case():
    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    f = lorentz_forces(Coil.from_loop(r2, center=(0, 0, d)), Coil.from_loop(r1))
    return _coaxial_force(r1, r2, d), f.net_force[2]


@case("two parallel wires, L = 200 d, 400 segments each", f"mu0 I1 I2 (sqrt(L^2 + d^2) - d)/(2 pi d), the field "
      f"of a finite wire ({GRIFFITHS}, Example 5.5) integrated along the other; -> mu0 I1 I2/(2 pi d) per length",
      1e-10, "N/A^2")
def _parallel_wires():
    d, length, n = 1e-3, 0.2, 400
    z = np.linspace(0.0, length, n + 1)
    w1 = Coil.from_polyline(np.column_stack([np.zeros(n + 1), np.zeros(n + 1), z]))
    w2 = Coil.from_polyline(np.column_stack([np.full(n + 1, d), np.zeros(n + 1), z]))
    f = lorentz_forces(w2, w1, 1.0, source_current=-1.0)
    return mu_0 / (2 * np.pi * d) * (math.hypot(length, d) - d), f.net_force[0]


def _tilted_square_in_b0():
    """A 1 mm square carrying 2 A, its normal tilted 30 degrees from B0 = 14.1 T along z."""
    sq = Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0], [0, 1e-3, 0]], closed=True)
    sq = sq.rotate(30.0, (1, 1, 0))
    b0 = np.array([0.0, 0.0, 14.1])
    return sq, b0, lorentz_forces(sq, b0, 2.0, origin=(3e-3, -1e-3, 2e-3))


@case("square loop in a uniform B0: |net force| / (I x perimeter x B0)", f"F = I oint dl x B0 = 0 ({JACKSON}, "
      "eq. 5.12; rounding only)", 1e-14, "1")
def _loop_zero_force():
    _, b0, f = _tilted_square_in_b0()
    return 0.0, float(np.linalg.norm(f.net_force) / (2.0 * 4e-3 * 14.1))


@case("square loop in a uniform B0: |torque| about an off-loop point", f"|m x B0| = I A B0 sin(theta) ({JACKSON}, "
      "eq. 5.1 and sect. 5.7), independent of the pivot", 1e-12, "N m")
def _loop_torque():
    _, _, f = _tilted_square_in_b0()  # normal tilted by 30 degrees from B0
    return 2.0 * 1e-6 * 14.1 * math.sin(math.radians(30.0)), float(np.linalg.norm(f.net_torque))


@case("RMS current of a trapezoid train (ramp 100 us, flat 400 us, period 2 ms)", "I_rms = A sqrt((f + 2r/3)/T): "
      f"the mean of (a + (b - a) u)^2 over a linear piece is (a^2 + ab + b^2)/3; trapezoidal lobes as in {BERNSTEIN}",
      1e-13, "A")
def _trapezoid_rms():
    coil = gc.golay(4e-3, 1, "x", points_per_arc=16, wire_diameter=0.2e-3)
    eta = gradient_efficiency(coil, "x")
    r, f, period, a = 100e-6, 400e-6, 2e-3, 4.0
    t = np.array([0.0, r, r + f, 2 * r + f])
    d = drive({"x": coil}, {"x": (t, eta * a * np.array([0.0, 1.0, 1.0, 0.0]))}, period=period,
              inductance={"x": 1e-5}, resistance={"x": 0.1})
    return a * math.sqrt((f + 2 * r / 3) / period), d["x"].current_rms


@case("adiabatic heating rate of a copper wire (1 m, 0.3 mm, 2 A)", "dT/dt = P/(m c) = I^2 rho_e / (A^2 rho_m c), "
      "rho_e 1.678e-8 ohm m, rho_m 8960 kg/m^3, c 385 J/(kg K) (CRC Handbook of Chemistry and Physics, 97th ed. "
      f"(2016)); {INCROPERA}", 1e-13, "K/s")
def _adiabatic():
    area = math.pi * 0.15e-3**2
    wire = Coil.from_polyline([[0, 0, 0], [1.0, 0, 0]], wire_diameter=0.3e-3)
    res = thermal(wire, 2.0, thermal_resistance=np.inf)
    return 4.0 * 1.678e-8 / (area**2 * 8960.0 * 385.0), res.heating_rate


@case("steady temperature rise P R_th (constant resistance)", "theta = P R_th, the steady state of C dT/dt = P - "
      f"theta/R_th: {INCROPERA}", 1e-15, "K")
def _steady_constant():
    return 2.5 * 12.0, thermal(None, power=2.5, thermal_resistance=12.0, heat_capacity=1.0,
                               temperature_coefficient=0.0).steady_rise


@case("steady temperature rise with copper's R(T)", f"theta = P R_th / (1 - alpha P R_th), {IEC_60028}; {INCROPERA}",
      1e-14, "K")
def _steady_copper():
    alpha = 0.00393
    return 2.5 * 12.0 / (1 - alpha * 2.5 * 12.0), thermal(
        None, power=2.5, thermal_resistance=12.0, heat_capacity=1.0).steady_rise


# ---------------------------------------------------------------------------- eddy currents
HAUS_MELCHER = ("H. A. Haus and J. R. Melcher, Electromagnetic Fields and Energy (Prentice-Hall 1989), ch. 10 "
                "(magnetoquasistatic relaxation of currents in thin conducting shells)")
PEEREN = ("G. N. Peeren, 'Stream function approach for determining optimal surface currents', J. Comput. "
          "Phys. 191, 305-321 (2003)")
_SHELL_A, _SHELL_D = 0.05, 1e-4  # sphere radius, thickness [m] (copper)


@functools.lru_cache(maxsize=1)
def _sphere_shells() -> tuple:
    """Two copper spheres, 20 and 28 edges round a great circle, with their modes (smooth basis)."""
    shells = tuple(eddy.Shell(surfaces.sphere(_SHELL_A, 2 * np.pi * _SHELL_A / k), _SHELL_D) for k in (20, 28))
    return shells, tuple(eddy.modes(s, basis_size=24) for s in shells)


def _sphere_tau_case(degree: int) -> None:
    @case(f"thin spherical shell, mode time constant l = {degree} (two meshes, Richardson)",
          f"tau_l = mu0 sigma d a/(2l + 1) (stream function Y_lm: L_l = mu0 a l(l+1)/(2l+1), R_l = l(l+1)/(sigma d); "
          f"{HAUS_MELCHER} for l = 1); the O(h^2) mesh error extrapolated from two meshes in the area per vertex; "
          "tolerance: 2e-3, a fifth of the finer mesh's own error", 2e-3, "s")
    def _run():
        shells, ms = _sphere_shells()
        lo, hi = degree**2 - 1, (degree + 1) ** 2 - 1  # the 2l + 1 modes of degree l
        taus = [m.time_constants[lo:hi].mean() for m in ms]
        h2 = [s.surface.areas.sum() / s.surface.n_vertices for s in shells]
        extrapolated = taus[1] + (taus[1] - taus[0]) * h2[1] / (h2[0] - h2[1])
        return mu_0 * shells[0].conductivity * _SHELL_D * _SHELL_A / (2 * degree + 1), extrapolated


for _degree in (1, 2):
    _sphere_tau_case(_degree)


@case("finite cylindrical shell, uniform circulating current L/R (a = 30 mm, l = 90 mm)",
      f"tau = K(2a/l) mu0 sigma d a/2: L = K mu0 pi a^2/l ({NAGAOKA}), R = 2 pi a/(sigma d l); the slowest mode "
      "lies above this estimate (Rayleigh quotient); tolerance: the 64-gon's perimeter and area deficits (~1e-3) "
      "and the mesh", 3e-3, "s")
def _cylinder_tau():
    a, ell = 0.03, 0.09
    s = eddy.Shell(surfaces.cylinder(a, ell, 2 * np.pi * a / 64), _SHELL_D, "aluminium")
    ops = surfaces.StreamFunctionOperators(s.surface)
    psi = (s.surface.vertices[:, 2] + ell / 2)[:, None] / ell  # uniform circulation: psi linear in z
    tau = ops.inductance_matrix(psi)[0, 0] / ops.resistance_matrix(_SHELL_D, s.resistivity, psi)[0, 0]
    return hb.nagaoka_coefficient(2 * a / ell) * mu_0 * s.conductivity * _SHELL_D * a / 2, tau


@case("flux conservation at t = 0+: closed sphere round a Maxwell pair, field outside",
      f"a closed thin shell keeps the field outside unchanged (zero) right after a step of a coil inside it "
      f"({PEEREN}; integrating L u' + R u = -M I' across the step gives L u(0+) = -M): "
      "Bz_eddy(0+) = -Bz_coil at (0, 0, 1.6 a); tolerance: mesh (finer sphere)",
      3e-3, "T/A")
def _flux_conservation():
    shells, ms = _sphere_shells()
    coil = maxwell_pair(0.4 * _SHELL_A)
    p = np.array([[0.0, 0.0, 1.6 * _SHELL_A]])
    full = eddy.modes(shells[1])  # every unknown of the mesh: u(0+) = -L^{-1} M exactly in the mesh's space
    return -float(field(coil, p)[0, 2]), float(eddy.step_response(coil, full, p, [0.0]).field[0, 0, 2])


@case("energy dissipated after a step = magnetic energy of the initial eddy currents",
      f"int u^T R u dt (ODE L u' = -R u integrated by LSODA, rtol 1e-10) against u(0+)^T L u(0+)/2 with "
      f"L u(0+) = -M ({PEEREN}); tolerance: the integrator's", 1e-6, "J/A^2")
def _eddy_energy():

    shells, ms = _sphere_shells()
    m = ms[0]
    coil = loop(0.4 * _SHELL_A)
    u0 = -np.linalg.solve(m.inductance, m.coupling(coil))
    lr = np.linalg.solve(m.inductance, m.resistance)
    sol = solve_ivp(lambda t, y: np.r_[-lr @ y[:-1], y[:-1] @ m.resistance @ y[:-1]],
                    (0.0, 40.0 * m.time_constants[0]), np.r_[u0, 0.0], rtol=1e-10, atol=1e-30, method="LSODA")
    return 0.5 * u0 @ m.inductance @ u0, sol.y[-1, -1]


# ---------------------------------------------------------------------------- running
def run_case(c: Case) -> Outcome:
    """Run one case. A case that raises, or returns a non-finite number, gives a failed
    ``Outcome`` with ``computed`` None and the reason in ``error``."""
    try:
        expected, computed = (float(v) for v in c.run())
        error = None if math.isfinite(computed) and math.isfinite(expected) else "non-finite result"
    except Exception as exc:  # noqa: BLE001 - a failing case is reported, not raised
        expected, computed = math.nan, math.nan
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"
    if error is not None:
        return Outcome(c.name, c.source, c.unit, expected if math.isfinite(expected) else None, None, None,
                       c.tolerance, error)
    rel = abs(computed / expected - 1.0) if expected != 0 else abs(computed)
    return Outcome(c.name, c.source, c.unit, expected, computed, float(rel), c.tolerance)


def unmatched(names: list[str] | None) -> list[str]:
    """The texts of ``names`` that are part of no case name (case-insensitive)."""
    return [t for t in names or [] if not any(t.lower() in c.name.lower() for c in CASES)]


def select(names: list[str] | None = None) -> list[Case]:
    """The registered cases whose name contains one of ``names`` (case-insensitive; all cases
    for None or an empty list). A text that matches no case is a ValueError naming it (a filter
    that silently selects nothing would report "0 passed, 0 failed" as a success)."""
    if not names:
        return list(CASES)
    missing = unmatched(names)
    if missing:
        raise ValueError(f"Input case must be part of the name of a validation case ({len(CASES)} cases); "
                         f"instead received {', '.join(repr(t) for t in missing)}")
    return [c for c in CASES if any(n.lower() in c.name.lower() for n in names)]


def run_all(names: list[str] | None = None) -> list[Outcome]:
    """Run every registered case (or those whose name contains one of ``names``,
    case-insensitive; a text that matches no case is a ValueError, ``select``); see
    ``run_case``."""
    return [run_case(c) for c in select(names)]


def to_json(outcomes: list[Outcome]) -> str:
    """Strict JSON (RFC 8259: no NaN or infinity) list of the outcomes' ``as_dict()``."""
    return json.dumps([o.as_dict() for o in outcomes], indent=2, allow_nan=False)


def format_table(outcomes: list[Outcome]) -> str:
    """Plain-text table (case, expected, computed, unit, relative error, tolerance, result) followed
    by the numbered sources."""
    head = ("#", "case", "expected", "computed", "unit", "rel. error", "tolerance", "result")

    def num(v: float | None, fmt: str) -> str:
        return "-" if v is None else format(v, fmt)

    rows = [(str(i + 1), o.name, num(o.expected, ".10g"), num(o.computed, ".10g"), o.unit, num(o.rel_error, ".1e"),
             f"{o.tolerance:.1e}", "pass" if o.passed else "FAIL") for i, o in enumerate(outcomes)]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    n_pass = sum(o.passed for o in outcomes)
    lines.append(f"{n_pass} passed, {len(outcomes) - n_pass} failed")
    lines.append("")
    lines.append("Sources:")
    lines += [f"{i + 1:>3}. {o.source}" + (f"  [ERROR: {o.error}]" if o.error else "") for i, o in enumerate(outcomes)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- RF coil arrays
ROEMER = ("P. B. Roemer, W. A. Edelstein, C. E. Hayes, S. P. Souza and O. M. Mueller, 'The NMR phased "
          "array', Magn. Reson. Med. 16, 192-225 (1990)")
_ARRAY_R, _ARRAY_H = 1e-3, 1e-6  # loop radius [m]; the loops' planes 1 um (0.05 % of D) apart (no crossing)


def _loop_pair_mutual(d: float) -> float:
    """Neumann M [H] of two equal loops (radius _ARRAY_R, planes _ARRAY_H apart, axes d apart):
    M = oint A_phi . dl with A_phi = (mu0/(pi k)) sqrt(a/rho) [(1 - k^2/2) K - E],
    k^2 = 4 a rho / ((a + rho)^2 + z^2) (Jackson eq. 5.37), adaptive quadrature split where the
    other loop passes closest; 1 - k^2 formed without cancellation."""
    a, h = _ARRAY_R, _ARRAY_H

    def f(theta: float) -> float:
        rho = math.sqrt(d * d + a * a + 2 * a * d * math.cos(theta))
        p = ((a - rho) ** 2 + h * h) / ((a + rho) ** 2 + h * h)
        m = 1.0 - p
        a_phi = mu_0 / (math.pi * math.sqrt(m)) * math.sqrt(a / rho) * ((1 - m / 2) * ellipkm1(p) - ellipe(m))
        return a_phi * a * (d * math.cos(theta) + a) / rho

    edges = [0.0, *([math.acos(-d / (2 * a))] if d < 2 * a else []), math.pi]
    return 2.0 * sum(quad(f, lo, hi, limit=400, epsabs=0, epsrel=1e-12)[0] for lo, hi in zip(edges[:-1], edges[1:]))


@case("critical overlap of two loops: centre distance / D (thin wire, ~0.758)", f"{ROEMER}; M = 0 of the "
      f"Neumann integral of the loop potential, {JACKSON}, eq. 5.37", 1e-6)
def _critical_overlap():
    a = loop(_ARRAY_R, wire_diameter=1e-6)
    b = loop(_ARRAY_R, wire_diameter=1e-6, center=(0.0, 0.0, _ARRAY_H))
    expected = brentq(_loop_pair_mutual, 1.0 * _ARRAY_R, 1.9 * _ARRAY_R, xtol=1e-15) / (2 * _ARRAY_R)
    return expected, decoupling_overlap(a, b, (1.0, 0.0, 0.0)) / (2 * _ARRAY_R)


def _array_pair():
    a = loop(1e-3, wire_diameter=1e-4, normal=(1.0, 0.0, 0.0))
    b = loop(1e-3, wire_diameter=1e-4, normal=(1.0, 0.0, 0.0), center=(1e-4, 1.6e-3, 0.0))
    slab = Box((1e-3, 4e-3, 2e-3), center=(0.8e-3, 0.8e-3, 0.0), medium=saline(9.0))
    return a, b, slab


@case("Roemer two-coil SNR combination (correlated noise), SNR at a point", f"{ROEMER}, eq. 6: SNR^2 = "
      "s^H Psi^-1 s = (|s1|^2 Psi22 + |s2|^2 Psi11 - 2 Re(s1* s2 Psi12)) / (Psi11 Psi22 - Psi12^2)", 1e-10)
def _roemer_two_coils():
    a, b, slab = _array_pair()
    point = np.array([[0.5e-3, 0.8e-3, 0.2e-3]])
    res = array_snr([a, b], slab, point, b0=2.35, voxel_volume=1e-12)
    psi = res.noise_covariance
    s1, s2 = (res.channels[:, 0] * np.sqrt(np.diag(psi))) * np.exp(1j * np.angle(
        [b1_map(c, point).b1_minus[0] for c in (a, b)]))
    num = abs(s1) ** 2 * psi[1, 1] + abs(s2) ** 2 * psi[0, 0] - 2 * (np.conj(s1) * s2 * psi[0, 1]).real
    return float(np.sqrt(num / (psi[0, 0] * psi[1, 1] - psi[0, 1] ** 2))), float(res.combined[0])


@case("passive reciprocal 2-port of coupled matched loops: max |S - S^T| (0 expected)", f"{POZAR} "
      "(sect. 4.3: a reciprocal network has a symmetric S matrix)", 1e-12)
def _reciprocal_array():
    a, b, slab = _array_pair()
    net = array_network([a, b], np.linspace(90e6, 110e6, 11), sample=slab, matched=True)
    return 0.0, float(np.abs(net.s - net.s.transpose(0, 2, 1)).max())


@case("passive 2-port of coupled matched loops: largest eigenvalue of S^H S (< 1)", f"{POZAR} (sect. 4.3; "
      "power balance I - S^H S = 4 Z0 (Z + Z0)^-H Re(Z) (Z + Z0)^-1 for S = (Z - Z0)(Z + Z0)^-1, so the eigenvalue "
      "is 1 - (smallest eigenvalue of the right side) < 1 when Re(Z) > 0), from skrf's Z", 1e-12)
def _passive_array():
    a, b, slab = _array_pair()
    net = array_network([a, b], np.linspace(90e6, 110e6, 11), sample=slab, matched=True)
    s, z, z0 = net.s, net.z, 50.0
    inv = np.linalg.inv(z + z0 * np.eye(2))
    loss = 4 * z0 * np.conj(inv.transpose(0, 2, 1)) @ (0.5 * (z + np.conj(z.transpose(0, 2, 1)))) @ inv
    expected = float((1.0 - np.linalg.eigvalsh(loss)).max())
    return expected, float(np.linalg.eigvalsh(np.conj(s.transpose(0, 2, 1)) @ s).max())


# ---------------------------------------------------------------------------- resonators
FRONCISZ_HYDE = ("W. Froncisz and J. S. Hyde, 'The loop-gap resonator: a new microwave lumped circuit ESR sample "
                 "structure', J. Magn. Reson. 47, 515-521 (1982)")


@case("loop-gap resonance, 1 mm loop, 4 gaps of 50 um in a 0.5 mm wall", f"{FRONCISZ_HYDE}: f0 = (c / 2 pi r) "
      "sqrt(n t / (pi eps_r w)) from L = mu0 pi r^2 / Z and C = eps0 eps_r w Z / (n t)", 1e-12, "Hz")
def _loop_gap_resonance():
    r, z, t, w, n = 1e-3, 5e-3, 50e-6, 0.5e-3, 4
    expected = 299792458.0 / (2 * math.pi * r) * math.sqrt(n * t / (math.pi * w))
    lgr = loop_gap_resonator(r, z, t, w, gaps=n).rotate(90.0, (0.0, 1.0, 0.0))
    return expected, resonator_analysis(lgr).frequency
