"""Gradient coils for MR microscopy: Maxwell pair, anti-Helmholtz, Golay, biplanar, sets.

Conventions (B0 along +z): every generator returns a ``Coil`` with ``role="gradient"``,
``axis`` = the unit vector of the encoded direction s and ``name`` "Gx", "Gy" or "Gz";
positive current gives dBz/ds > 0 at the isocentre. With a ``wire_diameter`` the N turns are
laid out as a winding pack (``coildesign.geometries.winding_pack``: each turn its own winding,
in layers around the nominal path, pitch = wire diameter + insulation) and the closed forms
below are summed over the turns' actual positions; ``bundled=True`` (or no wire) keeps N
coincident turns (``Winding.turns`` / ``LoopWinding.turns``) on the nominal path, the
idealisation in which the formulas hold as written. ``Coil.parameters`` records the generator,
its arguments and the derived values below (dimensionless factors are in units of
mu0 N I / a^2 for the efficiency and of (s/a)^k for error terms).

Derivations (a = coil radius, I = current, N = turns, u = (h/a)^2):

Maxwell pair (opposed loops at z = +-d)
    On the axis one loop gives Bz = mu0 N I a^2 f(z - d) / 2, f(h) = (a^2 + h^2)^(-3/2)
    (Jackson, Classical Electrodynamics, 3rd ed., eq. 5.40). f is even, so the pair gives
    Bz(z) = -mu0 N I a^2 sum_{k odd} f^(k)(d) z^k / k!, hence
    eta = dBz/dz(0) = 3 mu0 N I a^2 d / (a^2 + d^2)^(5/2) and, on the axis,
    Bz / (eta z) - 1 = c3 (z/a)^2 + c5 (z/a)^4 + c7 (z/a)^6 + ..., c_k = a^(k-1) f^(k)(d) / (k! f'(d)),
    with (t = d/a, s = 1 + t^2)
    f'   = -3 t s^(-5/2),  f''' = -15 t (4 t^2 - 3) s^(-9/2),  f^(5) = -315 t (8 t^4 - 20 t^2 + 5) s^(-13/2),
    f^(7) = -2835 t (64 t^6 - 336 t^4 + 280 t^2 - 35) s^(-17/2)   (a = 1).
    c3 = 0 at t^2 = 3/4: loops at z = +-(sqrt(3)/2) a, separation sqrt(3) a (not a/sqrt(3)).
    There eta = 48 sqrt(3) / (49 sqrt(7)) = 48 sqrt(21) / 343 = 0.641293 mu0 N I / a^2
    (= 8.0589e-7 N I / a^2 T/m: the often-quoted "0.80" is this number in uT m/A, not a
    factor of mu0), c5 = -176/343 = -0.513120 and c7 = 9984/117649 = 0.084863.
Anti-Helmholtz pair (separation = a): t = 1/2, eta = 48 sqrt(5)/125 = 0.858650, c3 = -16/15.

Golay (double-saddle) transverse coil
    Four saddles on the cylinder of radius a; each has an inner arc at |z| = d1 and an outer
    arc at |z| = d2 spanning theta (120 deg) and two straight sides along z, which carry no
    Bz. Biot-Savart for an arc of radius a at height d, phi in [-theta/2, theta/2], current
    +phi, at the point (x, y, z) with h = z - d:
        Bz = mu0 I a / (4 pi) int (a - x cos phi - y sin phi) / (a^2 + h^2 + x^2 + y^2
             - 2 a (x cos phi + y sin phi))^(3/2) dphi,
    so on the z axis dBz/dx = mu0 I sin(theta/2) / (2 pi a^2) g(h/a), g(h) = (2 - h^2) / (1 + h^2)^(5/2).
    Expanding g(z - d) about z = 0, the arcs at +-d cancel the odd powers; the (z/a)^2 term of
    dBz/dx on the axis is the third-order (n = 3, m = 1) spherical harmonic and is
    proportional to g''(d) = -3 (4 u^2 - 27 u + 4) / (1 + u)^(9/2). The (n = 3, m = 3) harmonic
    of an arc is proportional to sin(3 theta/2) = 0 for theta = 120 deg. Placing both arcs at
    zeros of the quartic 4 (d/a)^4 - 27 (d/a)^2 + 4 = 0, i.e. d/a = 0.389295 (inner) and
    2.568745 (outer) (published rounded as 0.389 a and 2.57 a), removes every third-order term:
    the leading error is fifth order (Golay, US patent 3,569,823 (1971); Romeo & Hoult, Magn.
    Reson. Med. 1, 44 (1984); Turner, Magn. Reson. Imaging 11, 903 (1993)). The roots are
    computed numerically (``numpy.roots``) from the quartic; the rounded values shift the
    efficiency by 6e-4.
    Efficiency (four inner arcs +phi about the saddle, four outer -phi):
        eta = (2 sin(theta/2) / pi) [g(d1) - g(d2)] mu0 N I / a^2 = 0.732091 mu0 N I / a^2.
    Along x (y = z = 0), expanding the integrand in x and integrating over phi
    (S = sin(theta/2), t = d/a), the arc gives mu0 I / (4 pi a) sum_k C_k(t) (x/a)^k with
        C1 = 2 S (2 - t^2) / (1 + t^2)^(5/2),
        C3 = S (9 t^4 + 15 t^2 S^2 - 72 t^2 - 20 S^2 + 24) / (3 (1 + t^2)^(9/2)),
        C5 = S (-75 t^6 - 350 t^4 S^2 + 1350 t^4 - 315 t^2 S^4 + 1400 t^2 S^2 - 1800 t^2
             + 378 S^4 - 560 S^2 + 240) / (20 (1 + t^2)^(13/2)),
    so Bz/(eta x) - 1 = X2 (x/a)^2 + X4 (x/a)^4 with X2 = dC3/dC1, X4 = dC5/dC1
    (dC = C(d1) - C(d2)); X2 = 0 and X4 = -0.626502 for 120-degree arcs. On the z axis
    (dBz/dx)/eta - 1 = Z4 (z/a)^4 with Z4 = [g''''(d1) - g''''(d2)] / (24 [g(d1) - g(d2)])
    = -3.769551, g''''(h) = -45 (8 u^3 - 116 u^2 + 101 u - 6) / (1 + u)^(13/2).
    Shortened Golay (``length_ratio`` = d2/a given): the inner arcs are moved to where the
    total third-order term still vanishes, g''(d1) = g''(d2) (unique d1 below the maximum of
    g'' at d/a = sqrt((41 - sqrt(1393))/8) = 0.677964, where g''' = 15 h (4 h^4 - 41 h^2 + 18)
    / (1 + h^2)^(11/2) vanishes).

Biplanar (rectangular loops on z = +-g, see ``biplanar``)
    On the axis of a square of half-side p at distance h, Bz = (2 mu0 I / pi) p^2 /
    ((p^2 + h^2) sqrt(2 p^2 + h^2)) (from the finite-wire law, Griffiths Ex. 5.5), so the
    opposed-squares pair has eta = (4 mu0 I / pi) p^2 g [2 / ((p^2 + g^2)^2 sqrt(2 p^2 + g^2))
    + 1 / ((p^2 + g^2) (2 p^2 + g^2)^(3/2))]; its on-axis z^3 term vanishes at
    g = 0.945847 p (half_gap = 0.472923 size). For the x version the efficiency is the sum of
    dBz/dx of the finite wires (``_rectangle_dbz_dx``) and the wire positions come from the 2D
    expansion given in ``biplanar``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import Material, RoundWire
from coildesign.geometries.winding_pack import pack_fits, pack_parameters, turn_offsets, winding_pack

# ----------------------------------------------------------------------------- closed forms
GOLAY_QUARTIC = (4.0, 0.0, -27.0, 0.0, 4.0)
"""Coefficients (highest power first) of 4 t^4 - 27 t^2 + 4 in t = d/a: g''(t) = 0."""

MAXWELL_EFFICIENCY_FACTOR = 48.0 * math.sqrt(3.0) / (49.0 * math.sqrt(7.0))  # eta a^2 / (mu0 N I)
MAXWELL_Z5_COEFFICIENT = -176.0 / 343.0
MAXWELL_Z7_COEFFICIENT = 9984.0 / 117649.0
GOLAY_G2_PEAK = math.sqrt((41.0 - math.sqrt(1393.0)) / 8.0)  # d/a of the maximum of g'' (g''' = 0)


def golay_arc_positions(length_ratio: float | None = None) -> tuple[float, float]:
    """Arc positions (d1/a, d2/a) of the Golay coil (module doc).

    ``length_ratio`` None: the two positive real roots of 4 t^4 - 27 t^2 + 4 = 0, computed with
    ``numpy.roots`` (0.389295, 2.568745). Otherwise d2/a = ``length_ratio`` and d1/a is the
    root of g''(d1) = g''(d2) below 0.677964 (Brent's method to 1e-15).
    """
    if length_ratio is None:
        roots = np.roots(GOLAY_QUARTIC)
        real = np.sort(roots.real[(np.abs(roots.imag) < 1e-12) & (roots.real > 0)])
        # one Newton step on the quartic polishes the eigenvalue roots to the last bit
        p = np.polynomial.polynomial.Polynomial(GOLAY_QUARTIC[::-1])
        dp = p.deriv()
        real = real - p(real) / dp(real)
        return float(real[0]), float(real[1])
    d2 = check.finite("length_ratio", length_ratio)
    if not d2 > GOLAY_G2_PEAK:
        check._fail("length_ratio", f"greater than {GOLAY_G2_PEAK:.6f} (the maximum of g''; module doc)",
                    length_ratio)
    target = golay_g2(d2)
    d1 = brentq(lambda h: golay_g2(h) - target, 0.0, GOLAY_G2_PEAK, xtol=1e-15, rtol=1e-15, maxiter=200)
    return float(d1), d2


GOLAY_POSITIONS = golay_arc_positions()  # d/a of the inner and outer arcs
GOLAY_U = (GOLAY_POSITIONS[0] ** 2, GOLAY_POSITIONS[1] ** 2)  # roots of 4u^2 - 27u + 4


def _loop_axis_derivatives(t: float) -> tuple[float, float, float]:
    """f', f''' and f^(5) of f(h) = (1 + h^2)^(-3/2) at h = t (unit radius; module doc)."""
    s = 1.0 + t * t
    return (-3.0 * t * s**-2.5,
            -15.0 * t * (4.0 * t * t - 3.0) * s**-4.5,
            -315.0 * t * (8.0 * t**4 - 20.0 * t * t + 5.0) * s**-6.5)


def maxwell_error_coefficients(separation_ratio: float) -> tuple[float, float, float]:
    """(c3, c5, c7) of Bz/(eta z) - 1 = c3 (z/a)^2 + c5 (z/a)^4 + c7 (z/a)^6 on the axis of
    opposed loops at separation = ``separation_ratio`` x radius (module doc)."""
    t = 0.5 * check.positive("separation_ratio", separation_ratio)
    f1, f3, f5 = _loop_axis_derivatives(t)
    f7 = -2835.0 * t * (64.0 * t**6 - 336.0 * t**4 + 280.0 * t * t - 35.0) * (1.0 + t * t) ** -8.5
    return f3 / (6.0 * f1), f5 / (120.0 * f1), f7 / (5040.0 * f1)


def maxwell_efficiency(radius: float, separation: float, turns: int = 1) -> float:
    """eta = 3 mu0 N a^2 d / (a^2 + d^2)^(5/2), d = separation/2 [T/(m A)] (module doc)."""
    a, d = check.dimension("radius", radius), 0.5 * check.dimension("separation", separation)
    n = check.positive_int("turns", turns)
    return 3.0 * mu_0 * n * a * a * d / (a * a + d * d) ** 2.5


def golay_g(h: float) -> float:
    """g(h) = (2 - h^2) / (1 + h^2)^(5/2): on-axis dBz/dx of an arc at distance h (unit radius)."""
    return (2.0 - h * h) / (1.0 + h * h) ** 2.5


def golay_g2(h: float) -> float:
    """g''(h) = -3 (4 h^4 - 27 h^2 + 4) / (1 + h^2)^(9/2) (the third-order term of an arc)."""
    u = h * h
    return -3.0 * (4.0 * u * u - 27.0 * u + 4.0) / (1.0 + u) ** 4.5


def golay_g4(h: float) -> float:
    """g''''(h) = -45 (8 h^6 - 116 h^4 + 101 h^2 - 6) / (1 + h^2)^(13/2)."""
    u = h * h
    return -45.0 * (8.0 * u**3 - 116.0 * u * u + 101.0 * u - 6.0) / (1.0 + u) ** 6.5


def _arc_x_coefficients(t: float, s: float) -> tuple[float, float, float]:
    """C1, C3, C5 of an arc at height t (unit radius), S = sin(half arc angle) (module doc)."""
    q = 1.0 + t * t
    s2 = s * s
    c1 = 2.0 * s * (2.0 - t * t) / q**2.5
    c3 = s * (9.0 * t**4 + 15.0 * t * t * s2 - 72.0 * t * t - 20.0 * s2 + 24.0) / (3.0 * q**4.5)
    c5 = s * (-75.0 * t**6 - 350.0 * t**4 * s2 + 1350.0 * t**4 - 315.0 * t * t * s2 * s2 + 1400.0 * t * t * s2
              - 1800.0 * t * t + 378.0 * s2 * s2 - 560.0 * s2 + 240.0) / (20.0 * q**6.5)
    return c1, c3, c5


def golay_efficiency(radius: float, turns: int = 1, arc_angle: float = 120.0,
                     positions: tuple[float, float] | None = None) -> float:
    """eta = (2 sin(theta/2)/pi) [g(d1) - g(d2)] mu0 N / a^2 [T/(m A)] for arcs at
    ``positions`` (d1/a, d2/a), default ``GOLAY_POSITIONS`` (module doc)."""
    a, n = check.dimension("radius", radius), check.positive_int("turns", turns)
    theta = check.in_range("arc_angle", arc_angle, 0.0, 180.0)
    d1, d2 = GOLAY_POSITIONS if positions is None else positions
    return 2.0 * math.sin(math.radians(theta) / 2) / math.pi * mu_0 * n / (a * a) * (golay_g(d1) - golay_g(d2))


def golay_error_coefficients(arc_angle: float = 120.0,
                             positions: tuple[float, float] | None = None) -> dict[str, float]:
    """Dimensionless error terms of the Golay x coil (module doc): ``x2``, ``x4`` of
    Bz/(eta x) - 1 along x, and ``z2``, ``z4`` of (dBz/dx)/eta - 1 along z."""
    d1, d2 = GOLAY_POSITIONS if positions is None else positions
    s = math.sin(math.radians(arc_angle) / 2)
    a1, a3, a5 = _arc_x_coefficients(d1, s)
    b1, b3, b5 = _arc_x_coefficients(d2, s)
    dg = golay_g(d1) - golay_g(d2)
    return {"x2": (a3 - b3) / (a1 - b1), "x4": (a5 - b5) / (a1 - b1),
            "z2": (golay_g2(d1) - golay_g2(d2)) / (2.0 * dg), "z4": (golay_g4(d1) - golay_g4(d2)) / (24.0 * dg)}


def _square_pair_efficiency(half_side: float, half_gap: float) -> float:
    """eta [T/(m A)] of opposed square loops of half-side p at z = +-g (module doc)."""
    p2, g = half_side**2, half_gap
    a, b = p2 + g * g, 2.0 * p2 + g * g
    return 4.0 * mu_0 / math.pi * p2 * g * (2.0 / (a * a * math.sqrt(b)) + 1.0 / (a * b**1.5))


def _rectangle_dbz_dx(x1: float, x2: float, q: float, g: float) -> float:
    """dBz/dx [T/(m A)] at the origin of the rectangle [x1, x2] x [-q, q] in the plane z = +-g,
    current counter-clockwise about +z: sum of the finite-wire fields (Griffiths Ex. 5.5)
    differentiated in x. Sides along y: Bz = mu0 I q K(x_side - x) / (2 pi), K(t) = t /
    ((t^2 + g^2) sqrt(t^2 + g^2 + q^2)); sides along x: dBz/dx = -mu0 I q / (2 pi) [R(x2)^-3 -
    R(x1)^-3], R(x)^2 = x^2 + q^2 + g^2."""
    def k_prime(t: float) -> float:
        r2, w2 = t * t + g * g, t * t + g * g + q * q
        return 1.0 / (r2 * math.sqrt(w2)) - 2.0 * t * t / (r2 * r2 * math.sqrt(w2)) - t * t / (r2 * w2**1.5)

    def r3(x: float) -> float:
        return (x * x + q * q + g * g) ** -1.5

    return mu_0 * q / (2.0 * math.pi) * (k_prime(x1) - k_prime(x2) - r3(x2) + r3(x1))


def _planar_p(t: float) -> float:
    """P(t) = Re((t + i)^-4) = (t^4 - 6 t^2 + 1) / (1 + t^2)^4: third-order 2D term of four wires
    at (+-t, +-1) (unit half-gap)."""
    return (t**4 - 6.0 * t * t + 1.0) / (1.0 + t * t) ** 4


BIPLANAR_X_MIN = math.tan(math.pi / 5)  # x/g of the minimum of P (Re (t - i)^5 = 0): tan 36 deg


def planar_golay_inner_wire(half_gap: float, outer: float) -> float:
    """Position x1 [m] of the inner y-directed wires of the planar x gradient (``biplanar``):
    the root of P(x1) = P(outer) below tan(36 deg) half_gap, P(x) = cos(4 alpha) sin^4(alpha),
    alpha = atan(half_gap / x) (module doc; Brent's method to 1e-15 relative)."""
    g = check.dimension("half_gap", half_gap)
    t2 = check.dimension("outer", outer) / g
    if not t2 > BIPLANAR_X_MIN:
        check._fail("outer", f"greater than tan(36 deg) half_gap = {BIPLANAR_X_MIN * g:.6g} m", outer)
    target = _planar_p(t2)
    return g * float(brentq(lambda t: _planar_p(t) - target, 0.0, BIPLANAR_X_MIN, xtol=1e-15, rtol=1e-15,
                            maxiter=200))


# ----------------------------------------------------------------------------- helpers
def _wire(wire_diameter: float | None) -> RoundWire | None:
    return None if wire_diameter is None else RoundWire(check.dimension("wire_diameter", wire_diameter))


def _check_spacing(wire_diameter: float | None, spacing: float, what: str) -> None:
    if wire_diameter is not None and wire_diameter >= spacing:
        check._fail("wire_diameter", f"smaller than {what}, {spacing:.6g} m", wire_diameter)


def _opposed_loops(name: str, generator: str, radius: float, turns: int, separation: float,
                   wire_diameter: float | None, material: Material | str, layers: int | None,
                   insulation: float | None, bundled: bool) -> Coil:
    a = check.plausible_length("radius", radius)
    n = check.positive_int("turns", turns)
    sep = check.dimension("separation", separation)
    cs = _wire(wire_diameter)
    pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
    d = 0.5 * sep
    if pack is None:
        _check_spacing(wire_diameter, min(sep, a), "the separation and the radius")
    else:
        pack_fits(pack, [(a, pack.half_height, "the layers inside the radius"),
                          (d, pack.half_width, "the two packs to stay apart (half the separation)")])
    offsets, per = turn_offsets(pack, n)
    windings, weights, eta = [], [], 0.0
    for u, v in offsets:  # turn at radius a + v, |z| = d + u; the -z pack is the mirror image
        r, z = a + v, d + u
        windings += [LoopWinding(r, (0.0, 0.0, z), (0.0, 0.0, 1.0), cs, material, turns=per),
                     LoopWinding(r, (0.0, 0.0, -z), (0.0, 0.0, 1.0), cs, material, turns=per)]
        weights += [1.0, -1.0]
        eta += maxwell_efficiency(r, 2.0 * z, per)
    c3, c5, c7 = maxwell_error_coefficients(sep / a)
    params = {"generator": generator, "radius": a, "turns": n, "separation": sep, "wire_diameter": wire_diameter,
              **pack_parameters(pack, n),
              "loop_z": (d, -d), "efficiency_closed_form": eta, "efficiency_factor": eta * a * a / (mu_0 * n),
              "efficiency_formula": "sum over turns (radius r, |z| = h) of 3 mu0 r^2 h / (r^2 + h^2)^(5/2); "
                                    "bundled: 3 mu0 N a^2 d / (a^2 + d^2)^(5/2), d = separation/2",
              "z3_coefficient": c3, "z5_coefficient": c5, "z7_coefficient": c7,
              "error_coefficients_note": "z3/z5/z7 of the nominal (bundled) loops",
              "reference": "Jackson eq. 5.40 (on-axis loop field); Maxwell, Treatise (1873) sec. 715"}
    return Coil(windings, weights, name=name, axis=(0, 0, 1), role="gradient", parameters=params)


# ----------------------------------------------------------------------------- generators
def maxwell_pair(radius: float, turns: int = 1, separation: float | None = None, *,
                 wire_diameter: float | None = None, material: Material | str = "copper",
                 layers: int | None = None, insulation: float | None = None, bundled: bool = False) -> Coil:
    """Maxwell z-gradient pair: two coaxial exact loops with opposite currents.

    Parameters
    ----------
    radius : loop radius a [m].
    turns : turns N per loop (default 1).
    separation : distance between the loops [m]; default sqrt(3) a (loops at z = +-(sqrt(3)/2) a,
        where the z^3 term vanishes; a/sqrt(3) found elsewhere is wrong).
    wire_diameter : round-wire diameter [m] or None (filament).
    material : conductor material (default "copper").
    layers, insulation, bundled : the winding pack (``coildesign.geometries.winding_pack``).
        With a ``wire_diameter`` each loop is N real turns (one ``LoopWinding`` each): ``layers``
        layers (default round(sqrt(N))) stacked in radius about a, their turns side by side along
        z about z = +-separation/2, pitch = wire_diameter + ``insulation`` [m] (default 20 um,
        thin grade-1 enamel); the -z pack mirrors the +z pack. ``bundled=True`` (or no wire)
        keeps N coincident turns on the nominal loop (the thin-bundle idealisation: L = N^2 x one
        turn). ``parameters`` records the pack (``layers``, ``turns_per_layer``, ``pitch``,
        ``insulation``, ``bundled``).

    Positive current flows counter-clockwise about +z in the loop at +z, so dBz/dz > 0.
    Efficiency eta = 48 sqrt(3)/(49 sqrt(7)) mu0 N I / a^2 = 0.641293 mu0 N I / a^2 at the
    default separation; on the axis Bz/(eta z) - 1 = -176/343 (z/a)^4 + O(z^6). ``parameters``
    records ``efficiency_closed_form`` [T/(m A)] (for a pack: the sum of the closed form over the
    turns' radii and positions, exact for the real winding), ``efficiency_factor``
    (eta a^2/(mu0 N)) and ``z3_coefficient``, ``z5_coefficient``, ``z7_coefficient`` of the
    nominal loops for any separation (module doc).
    Reference: Jackson, Classical Electrodynamics, eq. 5.40; Turner, Magn. Reson. Imaging 11, 903 (1993).
    """
    a = check.plausible_length("radius", radius)
    sep = math.sqrt(3.0) * a if separation is None else separation
    return _opposed_loops("Gz", "maxwell_pair", a, turns, sep, wire_diameter, material, layers, insulation, bundled)


def anti_helmholtz(radius: float, turns: int = 1, separation: float | None = None, *,
                   wire_diameter: float | None = None, material: Material | str = "copper",
                   layers: int | None = None, insulation: float | None = None, bundled: bool = False) -> Coil:
    """Opposed-loop z gradient with separation = ``radius`` [m] by default.

    The compact z-gradient of many microscopy inserts: shorter than the Maxwell pair and
    34 % more efficient (eta = 48 sqrt(5)/125 = 0.858650 mu0 N I / a^2), but its z^3 term is not
    cancelled (Bz/(eta z) - 1 = -16/15 (z/a)^2 + ...). Same topology, sign convention and
    ``parameters`` as ``maxwell_pair`` (``turns`` N per loop, ``wire_diameter`` [m] or None,
    winding pack ``layers``, ``insulation`` [m], ``bundled`` as there).
    """
    a = check.plausible_length("radius", radius)
    return _opposed_loops("Gz", "anti_helmholtz", a, turns, a if separation is None else separation,
                          wire_diameter, material, layers, insulation, bundled)


def _arc(radius: float, phi0: float, phi1: float, z: float, n: int) -> np.ndarray:
    phi = np.linspace(phi0, phi1, n)
    return np.c_[radius * np.cos(phi), radius * np.sin(phi), np.full(n, z)]


def golay(radius: float, turns: int = 1, axis: str = "x", *, arc_angle: float = 120.0,
          length_ratio: float | None = None, points_per_arc: int = 64, wire_diameter: float | None = None,
          material: Material | str = "copper", layers: int | None = None, insulation: float | None = None,
          bundled: bool = False) -> Coil:
    """Golay (double-saddle) transverse gradient coil on the cylinder of ``radius`` about z.

    Parameters
    ----------
    radius : cylinder radius a [m].
    turns : turns N per saddle (default 1).
    axis : "x" (default) or "y"; "y" is the x coil rotated by +90 deg about z.
    arc_angle : arc opening theta [degrees], default 120 (cancels the m = 3 third-order term;
        other values in (0, 180) leave an x^2 error recorded as ``x2_coefficient``).
    length_ratio : d2/a, the outer-arc position (coil half-length over radius), default None:
        the optimum 2.568745; a shorter coil moves the inner arcs so that the third-order
        term still vanishes (module doc); must exceed 0.677964.
    points_per_arc : polyline vertices per arc, inscribed in the arc (default 64; the
        efficiency converges to the closed form as 1/(points_per_arc - 1)^2, from above:
        1.3e-5 relative at 128 points, 2.1e-7 at 1024).
    wire_diameter : round-wire diameter [m] or None (filament).
    material : conductor material (default "copper").
    layers, insulation, bundled : the winding pack (``coildesign.geometries.winding_pack``).
        With a ``wire_diameter`` each saddle is N real turns, each its own closed ``Winding``
        (the crossovers between turns are not modelled): turn (u, v) of the pack lies on the
        cylinder of radius a + v (``layers`` layers, default round(sqrt(N))) and is the saddle
        grown outwards by u in the cylinder surface: inner arc at |z| = d1 - u, outer arc at
        d2 + u, straight sides at phi = +-(theta/2 + u/(a + v)) about the saddle's centre, so
        the turns of a layer nest without touching (pitch = wire_diameter + ``insulation``,
        default 20 um). ``bundled=True`` (or no wire) keeps N coincident turns (``turns=N``
        on one path, the thin-bundle idealisation).

    Four saddles: at phi = 0 and 180 deg, z > 0 and z < 0; arcs at |z| = d1 (inner) and d2
    (outer), the roots 0.389295 a and 2.568745 a of 4 (d/a)^4 - 27 (d/a)^2 + 4 = 0 (computed
    numerically; published as 0.389 a and 2.57 a). Positive current: dBz/d(axis) > 0, with
    eta = (2 sin(theta/2)/pi) [g(d1) - g(d2)] mu0 N I / a^2 = 0.732091 mu0 N I / a^2; the
    leading errors are fifth order: Bz/(eta x) - 1 = -0.626502 (x/a)^4 along x and
    (dBz/dx)/eta - 1 = -3.769551 (z/a)^4 along z. ``parameters`` records the arc positions
    [m], the efficiency (for a pack: the closed form summed over its turns, each with its own
    radius, arc angle and arc positions; exact for the filament turns as points_per_arc grows)
    and the error coefficients of the nominal saddles. References: Golay, US patent 3,569,823
    (1971); Romeo & Hoult, Magn. Reson. Med. 1, 44 (1984); Turner, Magn. Reson. Imaging 11, 903 (1993).
    """
    a = check.plausible_length("radius", radius)
    n = check.positive_int("turns", turns)
    check.choice("axis", axis, ("x", "y"))
    theta = check.finite("arc_angle", arc_angle)
    if not 0.0 < theta < 180.0:
        check._fail("arc_angle", "in the open range (0, 180) degrees", arc_angle)
    npa = check.positive_int("points_per_arc", points_per_arc, minimum=2)
    check.geometry_size("points_per_arc", npa, 8.0 * npa)  # turns are bundled on each winding
    cs = _wire(wire_diameter)
    pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
    t1, t2 = golay_arc_positions(length_ratio)
    d1, d2 = t1 * a, t2 * a
    h = math.radians(theta) / 2
    if pack is None:
        _check_spacing(wire_diameter, min(2.0 * d1, d2 - d1, 2.0 * a * math.cos(h)),
                       "the closest spacing of the windings (2 d1, d2 - d1, gap between saddles)")
    else:
        r_in = a - pack.half_height + 0.5 * pack.pitch  # innermost layer radius
        pack_fits(pack, [(a, pack.half_height, "the layers inside the radius"),
                          (d1, pack.half_width, "the inner arcs of the +z and -z saddles to stay apart (d1)"),
                          (0.5 * (d2 - d1), pack.half_width, "the turns inside a saddle ((d2 - d1)/2)"),
                          (r_in * h, pack.half_width, "the turns inside a saddle (a theta/2 at the inner layer)"),
                          (r_in * (0.5 * math.pi - h), pack.half_width, "the gap between the saddles")])
    offsets, per = turn_offsets(pack, n)
    windings, eta = [], 0.0
    for u, v in offsets:
        r = a + v
        hk = h + u / r  # the turn grown by u along the surface: sides move by u of arc length
        z_in, z_out = d1 - u, d2 + u
        for centre, sense in ((0.0, 1.0), (math.pi, -1.0)):  # saddle at +x: inner arcs along +phi
            lo, hi = centre - hk, centre + hk
            for zs in (1.0, -1.0):
                inner = _arc(r, lo, hi, zs * z_in, npa) if sense > 0 else _arc(r, hi, lo, zs * z_in, npa)
                outer = _arc(r, hi, lo, zs * z_out, npa) if sense > 0 else _arc(r, lo, hi, zs * z_out, npa)
                windings.append(Winding(np.vstack([inner, outer]), True, cs, material, turns=per))
        eta += golay_efficiency(r, per, math.degrees(2.0 * hk), (z_in / r, z_out / r))
    err = golay_error_coefficients(theta, (t1, t2))
    params = {"generator": "golay", "radius": a, "turns": n, "axis": axis, "arc_angle": theta,
              "length_ratio": length_ratio, "points_per_arc": npa, "wire_diameter": wire_diameter,
              **pack_parameters(pack, n),
              "inner_arc_z": d1, "outer_arc_z": d2, "arc_positions_ratio": (t1, t2),
              "third_order_residual": golay_g2(t1) - golay_g2(t2),
              "efficiency_closed_form": eta, "efficiency_factor": eta * a * a / (mu_0 * n),
              "efficiency_formula": "(2 sin(theta/2)/pi) [g(d1) - g(d2)] mu0 N / a^2, g(h) = (2 - h^2)/(1 + h^2)^(5/2)",
              "x2_coefficient": err["x2"], "x4_coefficient": err["x4"],
              "z2_gradient_coefficient": err["z2"], "z4_gradient_coefficient": err["z4"],
              "reference": "Golay US 3,569,823 (1971); Romeo & Hoult, Magn. Reson. Med. 1, 44 (1984)"}
    coil = Coil(windings, name="Gx", axis=(1, 0, 0), role="gradient", parameters=params)
    if axis == "y":
        coil = coil.rotate(90.0, (0, 0, 1)).renamed("Gy")
    return coil


def biplanar(half_gap: float, size: float, turns: int = 1, axis: str = "z", *,
             wire_diameter: float | None = None, material: Material | str = "copper", layers: int | None = None,
             insulation: float | None = None, bundled: bool = False) -> Coil:
    """Simple biplanar gradient for planar microscopy inserts: rectangular loops on the planes
    z = +-``half_gap`` [m]. A target-field stream-function design will supersede it.

    Parameters
    ----------
    half_gap : half the distance g between the two planes [m].
    size : side of the square footprint on each plane [m].
    turns : turns per loop (default 1).
    axis : "z" (default), "x" or "y" ("y" is the x coil rotated by +90 deg about z).
    wire_diameter : round-wire diameter [m] or None (filament); material (default "copper").
    layers, insulation, bundled : the winding pack (``coildesign.geometries.winding_pack``).
        With a ``wire_diameter`` every rectangle is N real turns, each its own closed
        ``Winding``: turn (u, v) lies on the plane z = +-(half_gap + v) (``layers`` layers,
        default round(sqrt(N)), stacked away from the centre plane symmetrically about
        half_gap) and is the rectangle grown by u on every side (pitch = wire_diameter +
        ``insulation``, default 20 um). ``bundled=True`` (or no wire) keeps N coincident turns.

    "z": opposed squares of side ``size`` (a planar anti-Helmholtz pair); the on-axis z^3 term
    vanishes at half_gap = 0.472923 size (module doc).
    "x"/"y" (a planar Golay coil): on each plane the rectangle [x1, size/2] x [-size/2, size/2]
    and its mirror image in x with the opposite current, the same on both planes (Bz odd in x,
    even in z). The y-directed sides at +-x1 carry equal currents and so do those at +-size/2.
    For long wires the field is Bz + i Bx = -mu0 I / (2 pi) sum 1/(zeta - zeta0) (zeta = x + i z),
    whose third-order term from the four wires at (+-x, +-g) is proportional to
    P = cos(4 alpha) sin^4(alpha), alpha = atan(g/x) the elevation of the wires seen from the
    centre; x1 solves P(x1) = P(size/2) (so the 2D third-order term cancels; x1 -> tan(22.5 deg)
    g = 0.414 g for a large footprint). Needs size > 2 tan(36 deg) half_gap = 1.453 half_gap.
    The finite y-extent leaves a small third-order residue (field deviation -3e-4 (x/half_gap)^2
    at size = 10 half_gap, -2e-3 (x/half_gap)^2 at size = 5 half_gap).

    Positive current: dBz/d(axis) > 0; ``parameters["efficiency_closed_form"]`` [T/(m A)] is
    the sum of the finite-wire gradients (module doc).

    Linearity (``analysis.linearity``, max field deviation B/(G s) - 1 over a sphere of radius
    r; both leading errors are fifth order, so it grows as r^4): "z" at half_gap = 0.4729
    size: 0.25 % at r = half_gap/4, 0.8 % at half_gap/3, 4 % at half_gap/2; "x"/"y" at
    size = 10 half_gap: 1.4 %, 4.7 % and 30 % (half the way to the wires).
    """
    g = check.plausible_length("half_gap", half_gap)
    s = check.plausible_length("size", size)
    n = check.positive_int("turns", turns)
    check.choice("axis", axis, ("x", "y", "z"))
    cs = _wire(wire_diameter)
    pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
    offsets, per = turn_offsets(pack, n)

    def rect(x0: float, x1: float, q: float, z: float) -> Winding:  # [x0, x1] x [-q, q], counter-clockwise about +z
        return Winding([[x0, -q, z], [x1, -q, z], [x1, q, z], [x0, q, z]], True, cs, material, turns=per)

    params = {"generator": "biplanar", "half_gap": g, "size": s, "turns": n, "axis": axis,
              "wire_diameter": wire_diameter, **pack_parameters(pack, n),
              "note": "simple loops; a target-field stream-function design will supersede this generator"}
    windings, weights, eta = [], [], 0.0
    if axis == "z":
        if pack is None:
            _check_spacing(wire_diameter, min(2.0 * g, s), "the gap 2 half_gap and the size")
        else:
            pack_fits(pack, [(g, pack.half_height, "the layers on each side of the centre plane (half_gap)"),
                              (0.5 * s, pack.half_width, "the innermost turn (size/2)")])
        for u, v in offsets:
            q, z = s / 2 + u, g + v
            windings += [rect(-q, q, q, z), rect(-q, q, q, -z)]
            weights += [1.0, -1.0]
            eta += per * _square_pair_efficiency(q, z)
    else:
        x2 = s / 2
        if not x2 > BIPLANAR_X_MIN * g:
            check._fail("size", f"greater than 2 tan(36 deg) half_gap = {2 * BIPLANAR_X_MIN * g:.6g} m for a "
                        "transverse biplanar coil", size)
        x1 = planar_golay_inner_wire(g, x2)
        if pack is None:
            _check_spacing(wire_diameter, min(2.0 * g, 2.0 * x1, x2 - x1), "the wire spacing (2 half_gap, 2 x1, "
                           "size/2 - x1)")
        else:
            pack_fits(pack, [(g, pack.half_height, "the layers on each side of the centre plane (half_gap)"),
                              (x1, pack.half_width, "the inner wires at +-x1 to stay apart (x1)"),
                              (0.5 * (x2 - x1), pack.half_width, "the turns inside a rectangle ((size/2 - x1)/2)")])
        for u, v in offsets:
            lo, hi, q = x1 - u, x2 + u, s / 2 + u
            for z in (g + v, -(g + v)):
                windings += [rect(lo, hi, q, z), rect(-hi, -lo, q, z)]
                weights += [1.0, -1.0]
            eta += 2.0 * per * (_rectangle_dbz_dx(lo, hi, q, g + v) - _rectangle_dbz_dx(-hi, -lo, q, g + v))
        weights = np.array(weights)
        if eta < 0:  # small footprints: the outer wires dominate
            weights, eta = -weights, -eta
        params.update({"inner_wire_x": x1, "outer_wire_x": x2,
                       "third_order_residual_2d": _planar_p(x1 / g) - _planar_p(x2 / g)})
    params["efficiency_closed_form"] = eta
    coil = Coil(windings, weights, name="Gz" if axis == "z" else "Gx",
                axis=(0, 0, 1) if axis == "z" else (1, 0, 0), role="gradient", parameters=params)
    if axis == "y":
        coil = coil.rotate(90.0, (0, 0, 1)).renamed("Gy")
    return coil


# ----------------------------------------------------------------------------- sets
@dataclass(frozen=True)
class GradientSet:
    """Three gradient coils named Gx, Gy, Gz: attributes ``x``, ``y``, ``z``; iterable in that
    order; indexable by 0-2, "x"/"y"/"z" or "Gx"/"Gy"/"Gz"."""

    x: Coil
    y: Coil
    z: Coil

    def __iter__(self) -> Iterator[Coil]:
        return iter((self.x, self.y, self.z))

    def __len__(self) -> int:
        return 3

    def __getitem__(self, key: int | str) -> Coil:
        coils = (self.x, self.y, self.z)
        if isinstance(key, numbers.Integral) and not isinstance(key, bool) and -3 <= int(key) < 3:
            return coils[int(key)]
        names = {"x": 0, "y": 1, "z": 2, "Gx": 0, "Gy": 1, "Gz": 2}
        if isinstance(key, str) and key in names:
            return coils[names[key]]
        raise KeyError(f"Input key must be 0-2, 'x', 'y', 'z', 'Gx', 'Gy' or 'Gz'; instead received {key!r}.")

    def keys(self) -> tuple[str, str, str]:
        """The coil names ("Gx", "Gy", "Gz")."""
        return ("Gx", "Gy", "Gz")

    def items(self) -> list[tuple[str, Coil]]:
        """(name, coil) pairs in x, y, z order."""
        return list(zip(self.keys(), self))

    def as_dict(self) -> dict[str, Coil]:
        """{"Gx": x, "Gy": y, "Gz": z}."""
        return dict(self.items())


def gradient_set(radius: float, *, turns: int | Sequence[int] = (1, 1, 1), stagger: float | None = None,
                 wire_diameter: float | None = None, points_per_arc: int = 64, arc_angle: float = 120.0,
                 z_generator: str = "maxwell_pair", material: Material | str = "copper",
                 layers: int | None = None, insulation: float | None = None, bundled: bool = False) -> GradientSet:
    """Three-axis set for a bore of ``radius`` [m]: Golay x (radius a), Golay y (radius
    a (1 + stagger)) and a z pair (radius a (1 + 2 stagger)).

    The radii are staggered (``stagger`` is relative, in [0, 1]) so that the windings of
    different axes, whose arcs overlap in angle, lie on separate formers; the efficiency of each
    outer coil drops as 1/radius^2. ``stagger=None`` (default): 0.05, or more when the winding
    packs need it, i.e. the smallest step for which neighbouring packs do not overlap in radius,
    stagger = max(0.05, (t_x + t_y)/(2a), (t_y + t_z)/(2a)) with t = layers x pitch the radial
    thickness of a pack (for bundled turns t = wire_diameter). An explicit ``stagger`` whose
    packs would overlap is refused. ``turns``: one integer or (Nx, Ny, Nz). ``z_generator``:
    "maxwell_pair" or "anti_helmholtz". ``points_per_arc``, ``arc_angle`` [deg] go to ``golay``;
    ``wire_diameter`` [m], ``layers``, ``insulation`` [m] and ``bundled`` (the winding pack,
    ``coildesign.geometries.winding_pack``) to all three. Each coil records the set's
    ``stagger`` in its ``parameters["set_stagger"]``.
    """
    a = check.plausible_length("radius", radius)
    check.choice("z_generator", z_generator, ("maxwell_pair", "anti_helmholtz"))
    if isinstance(turns, numbers.Integral) and not isinstance(turns, bool):
        turns = (turns, turns, turns)
    if isinstance(turns, (str, bytes)) or not isinstance(turns, (Sequence, np.ndarray)) or np.ndim(turns) != 1 \
            or len(turns) != 3:
        check._fail("turns", "an integer or three integers (x, y, z)", turns, TypeError)
    turns = [t.item() if isinstance(t, np.generic) else t for t in turns]
    nxyz = [check.positive_int(f"turns[{i}]", t) for i, t in enumerate(turns)]
    thick = []
    for n in nxyz:
        pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
        thick.append(2.0 * pack.half_height if pack is not None else (wire_diameter or 0.0))
    needed = max(thick[0] + thick[1], thick[1] + thick[2]) / (2.0 * a)
    if stagger is None:
        st = max(0.05, needed)
    else:
        st = check.in_range("stagger", stagger, 0.0, 1.0)
        if st < needed * (1.0 - 1e-12):
            check._fail("stagger", f"at least {needed:.6g} so that the winding packs (radial thickness "
                        f"{', '.join(f'{t:.4g}' for t in thick)} m for x, y, z) do not overlap (or None for the "
                        "smallest such value)", stagger)
    if st > 1.0:
        check._fail("turns", f"few enough for the three packs to fit around radius {a:g} m (they need a "
                    f"relative radial step of {st:.4g} > 1)", turns)
    zgen = maxwell_pair if z_generator == "maxwell_pair" else anti_helmholtz
    pk = {"wire_diameter": wire_diameter, "material": material, "layers": layers, "insulation": insulation,
          "bundled": bundled}
    coils = (golay(a, nxyz[0], "x", arc_angle=arc_angle, points_per_arc=points_per_arc, **pk),
             golay(a * (1 + st), nxyz[1], "y", arc_angle=arc_angle, points_per_arc=points_per_arc, **pk),
             zgen(a * (1 + 2 * st), nxyz[2], **pk))
    for c in coils:
        c.parameters["set_stagger"] = st
    return GradientSet(*coils)
