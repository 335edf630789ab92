"""Gradient coils for MR microscopy: Maxwell pair, anti-Helmholtz, Golay, biplanar, sets.

Conventions (B0 along +z): every generator returns a ``Coil`` with ``role="gradient"`` and
``axis`` = the encoded direction s, and positive current gives dBz/ds > 0 at the isocentre.
Turns are ``Winding.turns`` / ``LoopWinding.turns`` (coincident turns in series).

Derivations (a = coil radius, I = current, N = turns):

- Maxwell pair: opposed loops at z = +-d. From the on-axis loop field
  Bz = mu0 N I a^2 / (2 (a^2 + z^2)^(3/2)) (Jackson eq. 5.40), Bz(z) of the pair is
  -mu0 N I a^2 sum_k f^(2k+1)(d) z^(2k+1) / (2k+1)! with f(h) = (a^2 + h^2)^(-3/2); the z^3 term
  vanishes where f'''(d) = 0, i.e. d = (sqrt(3)/2) a (separation sqrt(3) a), giving
  eta = 3 mu0 N I a^2 d / (a^2 + d^2)^(5/2) = 48 sqrt(3) / (49 sqrt(7)) mu0 N I / a^2 and the
  relative on-axis error Bz/(eta z) - 1 = c5 (z/a)^4 with c5 = f^(5)(d) a^4 / (120 f'(d))
  = -176/343 at d = (sqrt(3)/2) a.
- Golay (x): four saddles of 120-degree arcs on a cylinder. Straight sides along z carry no
  Bz. An arc of opening theta at height d carrying I along +phi gives on the axis
  dBz/dx (z) = mu0 I a sin(theta/2) / (2 pi) * g(z - d), g(h) = (2a^2 - h^2) / (a^2 + h^2)^(5/2)
  (direct Biot-Savart integration of (dl x R)_z, differentiated at x = 0). The m = 3
  azimuthal harmonic of an arc is proportional to sin(3 theta/2), zero for theta = 120 deg;
  the third-order m = 1 term of each arc is proportional to g''(d), which vanishes where
  4 u^2 - 27 u + 4 = 0, u = (d/a)^2 (a quartic in d/a): d1 = 0.38930 a (inner arcs), d2 =
  2.56874 a (outer arcs). So both third-order terms vanish and the error is of fifth order
  (Golay, US patent 3,569,823 (1971); Romeo & Hoult, Magn. Reson. Med. 1, 44 (1984)).
  Efficiency: eta = (2 sin(theta/2) / pi) mu0 N I a [g(d1) - g(d2)] (four inner and four outer
  arcs with opposite currents) = 0.7322 mu0 N I / a^2 for theta = 120 deg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.constants import mu_0

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import RoundWire

GOLAY_U = ((27.0 - math.sqrt(665.0)) / 8.0, (27.0 + math.sqrt(665.0)) / 8.0)  # roots of 4u^2 - 27u + 4
GOLAY_POSITIONS = (math.sqrt(GOLAY_U[0]), math.sqrt(GOLAY_U[1]))  # d/a of the inner, outer arcs


def _wire(wire_diameter: float | None) -> RoundWire | None:
    return None if wire_diameter is None else RoundWire(check.positive("wire_diameter", wire_diameter))


def _loop_axis_derivatives(h: float) -> tuple[float, float, float]:
    """First, third and fifth derivatives of f(h) = (1 + h^2)^(-3/2) (unit radius)."""
    s = 1.0 + h * h
    return (-3.0 * h * s**-2.5,
            -15.0 * h * (4.0 * h * h - 3.0) * s**-4.5,
            -315.0 * h * (8.0 * h**4 - 20.0 * h * h + 5.0) * s**-6.5)


def maxwell_efficiency(radius: float, separation: float, turns: int = 1) -> float:
    """eta = 3 mu0 N a^2 d / (a^2 + d^2)^(5/2), d = separation/2 [T/(m A)] (module doc)."""
    d = 0.5 * separation
    return 3.0 * mu_0 * turns * radius**2 * d / (radius**2 + d**2) ** 2.5


def _opposed_loops(name: str, generator: str, radius: float, turns: int, separation: float,
                   wire_diameter: float | None, material) -> Coil:
    a = check.positive("radius", radius)
    n = check.positive_int("turns", turns)
    sep = check.positive("separation", separation)
    cs = _wire(wire_diameter)
    if cs is not None and cs.diameter >= min(sep, a):
        check._fail("wire_diameter", f"smaller than the separation {sep:g} m and the radius {a:g} m", wire_diameter)
    d = 0.5 * sep
    up = LoopWinding(a, (0.0, 0.0, d), (0.0, 0.0, 1.0), cs, material, turns=n)
    down = LoopWinding(a, (0.0, 0.0, -d), (0.0, 0.0, 1.0), cs, material, turns=n)
    params = {"generator": generator, "radius": a, "turns": n, "separation": sep,
              "wire_diameter": wire_diameter, "efficiency_closed_form": maxwell_efficiency(a, sep, n)}
    return Coil([up, down], [1.0, -1.0], name=name, axis=(0, 0, 1), role="gradient", parameters=params)


def maxwell_pair(radius: float, turns: int = 1, separation: float | None = None, *,
                 wire_diameter: float | None = None, material: str = "copper") -> Coil:
    """Maxwell z-gradient pair: opposed exact loops of ``radius`` [m] at z = +-separation/2,
    separation default sqrt(3) radius (z^3 term cancelled). Positive current: dBz/dz > 0.

    ``parameters`` holds ``efficiency_closed_form`` [T/(m A)] and, at the default separation,
    ``z5_coefficient`` c5 in Bz/(eta z) - 1 = c5 (z/a)^4 on the axis (module doc).
    """
    a = check.positive("radius", radius)
    coil = _opposed_loops("Gz", "maxwell_pair", a, turns, math.sqrt(3.0) * a if separation is None else separation,
                          wire_diameter, material)
    d = 0.5 * coil.parameters["separation"] / a
    f1, _, f5 = _loop_axis_derivatives(d)
    coil.parameters["z5_coefficient"] = f5 / (120.0 * f1)
    return coil


def anti_helmholtz(radius: float, turns: int = 1, separation: float | None = None, *,
                   wire_diameter: float | None = None, material: str = "copper") -> Coil:
    """Opposed loops at separation = ``radius`` by default (the compact z-gradient of many
    microscopy inserts; its z^3 term is not cancelled). Positive current: dBz/dz > 0."""
    a = check.positive("radius", radius)
    return _opposed_loops("Gz", "anti_helmholtz", a, turns, a if separation is None else separation,
                          wire_diameter, material)


def golay_g(h: float) -> float:
    """g(h) = (2 - h^2) / (1 + h^2)^(5/2) for unit radius (module doc)."""
    return (2.0 - h * h) / (1.0 + h * h) ** 2.5


def golay_efficiency(radius: float, turns: int = 1, arc_angle: float = 120.0) -> float:
    """eta [T/(m A)] of the Golay coil from its arc positions (module doc)."""
    d1, d2 = GOLAY_POSITIONS
    return (2.0 * math.sin(math.radians(arc_angle) / 2) / math.pi * mu_0 * turns / radius**2
            * (golay_g(d1) - golay_g(d2)))


def _arc(radius: float, phi0: float, phi1: float, z: float, n: int) -> np.ndarray:
    phi = np.linspace(phi0, phi1, n)
    return np.c_[radius * np.cos(phi), radius * np.sin(phi), np.full(n, z)]


def golay(radius: float, turns: int = 1, axis: str = "x", *, arc_angle: float = 120.0,
          points_per_arc: int = 64, wire_diameter: float | None = None, material: str = "copper") -> Coil:
    """Golay transverse-gradient coil on a cylinder of ``radius`` [m] about z: four saddles
    with 120-degree arcs at z = +-0.38930 a (inner) and +-2.56874 a (outer), computed from
    4u^2 - 27u + 4 = 0 (module doc). ``axis`` "x" or "y" ("y" is x rotated +90 deg about z).
    Positive current: dBz/d(axis) > 0. Arcs are polylines of ``points_per_arc`` points.
    """
    a = check.positive("radius", radius)
    n = check.positive_int("turns", turns)
    check.choice("axis", axis, ("x", "y"))
    theta = check.finite("arc_angle", arc_angle)
    if not 0.0 < theta < 180.0:
        check._fail("arc_angle", "in the open range (0, 180) degrees", arc_angle)
    npa = check.positive_int("points_per_arc", points_per_arc, minimum=2)
    cs = _wire(wire_diameter)
    d1, d2 = (p * a for p in GOLAY_POSITIONS)
    h = math.radians(theta) / 2
    windings = []
    for centre, sense in ((0.0, 1.0), (math.pi, -1.0)):  # saddle at +x: +phi on inner arcs
        for zs in (1.0, -1.0):
            lo, hi = centre - h, centre + h
            inner = _arc(a, lo, hi, zs * d1, npa) if sense > 0 else _arc(a, hi, lo, zs * d1, npa)
            outer = _arc(a, hi, lo, zs * d2, npa) if sense > 0 else _arc(a, lo, hi, zs * d2, npa)
            windings.append(Winding(np.vstack([inner, outer]), True, cs, material, turns=n))
    params = {"generator": "golay", "radius": a, "turns": n, "axis": axis, "arc_angle": theta,
              "points_per_arc": npa, "wire_diameter": wire_diameter, "inner_arc_z": d1, "outer_arc_z": d2,
              "efficiency_closed_form": golay_efficiency(a, n, theta)}
    coil = Coil(windings, name="Gx", axis=(1, 0, 0), role="gradient", parameters=params)
    if axis == "y":
        coil = coil.rotate(90.0, (0, 0, 1)).renamed("Gy")
    return coil


def biplanar(half_gap: float, size: float, turns: int = 1, axis: str = "z", *,
             wire_diameter: float | None = None, material: str = "copper") -> Coil:
    """Simple biplanar gradient for planar microscopy inserts: loops on the planes
    z = +-``half_gap`` [m] (square loops of side ``size`` [m]).

    "z": opposed squares (a planar anti-Helmholtz pair). "x"/"y": on each plane two
    rectangles (size/2 x size) centred at s = +-size/4 along the axis with opposite currents,
    the same on both planes (Bz even in z, odd in s). These few loops are a starting point,
    not an optimised design: the z version keeps ~3 % field deviation over a sphere of radius
    half_gap/3, the x/y versions ~40 % (half_gap 3 mm, size 8 mm); measure with
    ``analysis.linearity``. A target-field stream-function design supersedes this.
    """
    g = check.positive("half_gap", half_gap)
    s = check.positive("size", size)
    n = check.positive_int("turns", turns)
    check.choice("axis", axis, ("x", "y", "z"))
    cs = _wire(wire_diameter)

    def rect(cx, width, height, z):
        x0, x1, y0, y1 = cx - width / 2, cx + width / 2, -height / 2, height / 2
        return Winding([[x0, y0, z], [x1, y0, z], [x1, y1, z], [x0, y1, z]], True, cs, material, turns=n)

    if axis == "z":
        windings = [rect(0.0, s, s, g), rect(0.0, s, s, -g)]
        weights = [1.0, -1.0]
    else:
        windings = [rect(c, s / 2, s, z) for z in (g, -g) for c in (s / 4, -s / 4)]
        weights = [1.0, -1.0, 1.0, -1.0]
    params = {"generator": "biplanar", "half_gap": g, "size": s, "turns": n, "axis": axis,
              "wire_diameter": wire_diameter}
    coil = Coil(windings, weights, name=f"G{axis}", axis=(1, 0, 0) if axis != "z" else (0, 0, 1),
                role="gradient", parameters=params)
    if axis == "y":
        coil = coil.rotate(90.0, (0, 0, 1)).renamed("Gy")
    if axis != "z":  # the efficiency sign convention: dBz/ds > 0 for positive current
        from coildesign.analysis.gradient import gradient_efficiency

        if gradient_efficiency(coil) < 0:
            coil = coil.with_weights(-coil.weights)
    return coil


@dataclass(frozen=True)
class GradientSet:
    """Three gradient coils named Gx, Gy, Gz; iterable in that order."""

    x: Coil
    y: Coil
    z: Coil

    def __iter__(self):
        return iter((self.x, self.y, self.z))

    def __len__(self) -> int:
        return 3


def gradient_set(radius: float, *, turns: tuple[int, int, int] = (1, 1, 1), stagger: float = 0.05,
                 wire_diameter: float | None = None, points_per_arc: int = 64) -> GradientSet:
    """Golay x and y and Maxwell z coils for a bore of ``radius`` [m]. The y coil sits at
    radius (1 + stagger) and the z coil at radius (1 + 2 stagger) so that windings of
    different axes do not intersect (their arcs overlap in angle)."""
    a = check.positive("radius", radius)
    st = check.in_range("stagger", stagger, 0.0, 1.0)
    nx, ny, nz = (check.positive_int(f"turns[{i}]", t) for i, t in enumerate(turns))
    return GradientSet(
        golay(a, nx, "x", wire_diameter=wire_diameter, points_per_arc=points_per_arc),
        golay(a * (1 + st), ny, "y", wire_diameter=wire_diameter, points_per_arc=points_per_arc),
        maxwell_pair(a * (1 + 2 * st), nz, wire_diameter=wire_diameter),
    )
