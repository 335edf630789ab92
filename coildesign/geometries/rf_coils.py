"""RF coil generators: solenoids, saddles, loops, Helmholtz pairs, planar spirals, birdcages.

Every generator returns a ``Coil`` with ``role="rf"``, ``axis`` = the direction of B1 at the
coil centre for a positive unit current, and ``parameters`` = ``{"generator": name, ...every
argument..., ...derived values}`` (descriptive, for reports and JSON); the solenoid, planar
spiral and birdcage also carry ``winding_info`` (``Helix``, ``PlanarSpiral``, ``Birdcage`` of
``coildesign.winding_info``), the typed facts that the handbook formulas of the RF analysis
read. SI units throughout: lengths in metres, angles in degrees unless stated.

Conventions shared by all generators
------------------------------------
- The coil is centred at the origin; cylindrical coils have their axis along z.
- Exact circles are ``LoopWinding`` objects (the field engine has an exact elliptic kernel
  for them); everything else is a polyline ``Winding`` whose current flows from
  ``points[0]`` to ``points[-1]``.
- Multi-turn Helmholtz pairs and saddles given a ``wire_diameter`` lay out a winding pack
  (``coildesign.geometries.winding_pack``): every turn is its own winding at its own
  position (layers, pitch = wire diameter + insulation). With ``bundled=True`` (or without a
  wire) the N turns coincide on the nominal path (one winding with ``turns = N``, the
  thin-bundle idealisation). ``parameters["conductor_length"]`` records the conductor length
  including all turns for every generator.
"""

from __future__ import annotations

import math

import numpy as np

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import Material, RectangularStrip, RoundWire
from coildesign.conductors import material as _material
from coildesign.geometries.winding_pack import pack_fits, pack_parameters, turn_offsets, winding_pack
from coildesign.winding_info import Birdcage, Helix, PlanarSpiral

__all__ = [
    "solenoid",
    "saddle",
    "loop",
    "rectangular_loop",
    "helmholtz_pair",
    "planar_spiral",
    "birdcage",
    "SADDLE_OPTIMUM_ARC_ANGLE",
    "SADDLE_OPTIMUM_LENGTH_TO_DIAMETER",
    "SPIRAL_SHAPES",
    "BIRDCAGE_TOPOLOGIES",
]

SADDLE_OPTIMUM_ARC_ANGLE = 120.0
"""[degrees] Arc angle that cancels the transverse second-order terms of a saddle pair
(Ginsberg & Melchner, Rev. Sci. Instrum. 41, 122 (1970))."""

SADDLE_OPTIMUM_LENGTH_TO_DIAMETER = 2.0
"""Straight-section length / coil diameter that cancels d^2 Bx/dz^2 at the centre of a thin
filament saddle pair (Ginsberg & Melchner 1970; derived in ``saddle``: u^2 = 4 a^2 with
u = length/2, for any arc angle)."""

SPIRAL_SHAPES = ("square", "hexagonal", "octagonal", "circular")
_POLYGON_SIDES = {"square": 4, "hexagonal": 6, "octagonal": 8}
BIRDCAGE_TOPOLOGIES = ("lowpass", "highpass", "bandpass")


# ---------------------------------------------------------------------------- helpers
def _optional_wire(wire_diameter: float | None) -> RoundWire | None:
    return None if wire_diameter is None else RoundWire(check.dimension("wire_diameter", wire_diameter))


def _material_name(value: Material | str) -> str:
    return _material(value).name


def _arc(radius: float, phi_start: float, phi_end: float, z: float, n: int) -> np.ndarray:
    """``n`` points on the circle of ``radius`` [m] at height ``z`` [m], from ``phi_start`` to
    ``phi_end`` [rad] inclusive."""
    phi = np.linspace(phi_start, phi_end, n)
    return np.c_[radius * np.cos(phi), radius * np.sin(phi), np.full(n, z)]


# ---------------------------------------------------------------------------- solenoid
def solenoid(
    radius: float,
    length: float,
    turns: float,
    *,
    wire_diameter: float,
    points_per_turn: int = 64,
    leads: float = 0.0,
    layers: int = 1,
    stacked: bool = False,
    material: Material | str = "copper",
) -> Coil:
    """A helical solenoid on the z axis, centred at the origin.

    Parameters
    ----------
    radius : float
        Mean winding radius a [m] (centre line of the innermost layer's wire).
    length : float
        Axial span of the helix [m]: the wire centre line runs from z = -length/2 to
        +length/2; pitch p = length / turns [m].
    turns : float
        Turns per layer N (> 0; may be fractional for the helix, must be an integer when
        ``stacked``).
    wire_diameter : float
        Round-wire diameter d [m]; must satisfy d <= p (turns must not overlap) and d < 2a.
    points_per_turn : int, default 64
        Polyline vertices per turn n (>= 3); the vertices lie on the exact helix. A
        polygonal turn has a near field (pi/n)^2/3 stronger and a far (dipole) field
        2 (pi/n)^2/3 weaker than its circle, so the field differs from the smooth helix by
        at most ~2 (pi/n)^2/3 (1.6e-4 for 64, 1.0e-4 measured on the axis for 256).
    leads : float, default 0.0
        Length [m] of two straight leads, 0 for none. Leads are **axial**: each continues
        the wire from its end point parallel to the coil axis, away from the winding (they
        carry no azimuthal current, so they add no Bz on the axis; their small transverse
        field is included). With an even number of layers both leads leave on the -z side.
    layers : int, default 1
        Number of layers; layer k (k = 0, 1, ...) is wound at radius a + k d, advancing
        alternately towards +z and -z, each layer joined to the next by a radial step of
        one wire diameter. The sense of circulation (counter-clockwise about +z) is the same
        in every layer.
    stacked : bool, default False
        If True, return the comparison model of ``turns`` exact coaxial rings per layer
        (``LoopWinding``) at z_k = -length/2 + (k + 1/2) p, i.e. the midpoint discretisation
        of the same current sheet (no helix pitch, no axial current, no leads).
    material : Material or str, default "copper"
        Conductor material.

    Returns
    -------
    Coil
        ``role="rf"``, ``axis=(0, 0, 1)``: Bz > 0 at the centre for positive current (the
        current advances counter-clockwise about +z, a right-handed helix for layer 0).
        ``parameters`` records every argument plus ``pitch`` [m], ``total_turns``,
        ``outer_radius`` [m] (mean radius of the outermost layer), ``conductor_length``
        [m] and ``helix_length`` [m] = N sqrt((2 pi a)^2 + p^2) (analytic, layer 0).

    Raises
    ------
    ValueError
        When p < d (adjacent turns overlap; the message gives the minimum length N d),
        when d >= 2a, for non-positive sizes, for ``leads`` > 0 with ``stacked``.

    References
    ----------
    The on-axis field of the smooth helix equals that of the current sheet,
    Bz(z) = mu0 N I / (2L) [(z + L/2)/sqrt(a^2 + (z + L/2)^2) - (z - L/2)/sqrt(a^2 + (z - L/2)^2)]
    (e.g. Jackson, Classical Electrodynamics, 3rd ed., problem 5.33), because the
    azimuthally averaged surface current of a helix is uniform over its span.
    """
    a = check.plausible_length("radius", radius)
    length_ = check.plausible_length("length", length)
    n = check.positive("turns", turns)
    d = check.dimension("wire_diameter", wire_diameter)
    ppt = check.positive_int("points_per_turn", points_per_turn, minimum=3)
    lead = check.dimension("leads", leads, allow_zero=True)
    n_layers = check.positive_int("layers", layers)
    check.geometry_size("turns, points_per_turn and layers", (turns, ppt, n_layers), n * ppt * n_layers, n_layers)
    if not isinstance(stacked, (bool, np.bool_)):
        check._fail("stacked", "True or False", stacked, TypeError)
    mat = _material(material)
    if d >= 2.0 * a:
        check._fail("wire_diameter", f"smaller than twice the winding radius (2 x {a:g} m = {2 * a:g} m), "
                    "or the wire would cross the axis", wire_diameter)
    pitch = length_ / n
    if pitch < d * (1.0 - 1e-12):
        check._fail("length", f"at least turns x wire_diameter = {n:g} x {d:g} m = {n * d:g} m so that adjacent "
                    f"turns do not overlap (the pitch length/turns = {pitch:g} m is smaller than the wire "
                    f"diameter {d:g} m)", length)
    if stacked:
        if float(n) != int(n):
            check._fail("turns", "an integer when stacked=True (one ring per turn)", turns)
        if lead > 0.0:
            check._fail("leads", "0 when stacked=True (the ring model has no leads)", leads)
    cross = RoundWire(d)
    radii = a + d * np.arange(n_layers)
    helix_length = n * math.hypot(2.0 * math.pi * a, pitch)
    params = {
        "generator": "solenoid", "radius": a, "length": length_, "turns": turns, "wire_diameter": d,
        "points_per_turn": ppt, "leads": lead, "layers": n_layers, "stacked": bool(stacked),
        "material": mat.name, "pitch": pitch, "total_turns": n * n_layers, "outer_radius": float(radii[-1]),
        "lead_direction": "axial", "helix_length": helix_length,
    }
    info = Helix(radius=a, length=length_, turns=n, pitch=pitch, wire_diameter=d, leads=lead, layers=n_layers,
                 stacked=bool(stacked))
    if stacked:
        nz = int(n)
        zs = -0.5 * length_ + (np.arange(nz) + 0.5) * pitch
        windings = [LoopWinding(float(r), (0.0, 0.0, float(z)), (0.0, 0.0, 1.0), cross, mat)
                    for r in radii for z in zs]
        params["conductor_length"] = float(sum(w.length for w in windings))
        return Coil(windings, name="solenoid (stacked rings)", axis=(0, 0, 1), role="rf", parameters=params,
                    winding_info=info)

    n_seg = max(1, math.ceil(n * ppt - 1e-9))
    s = np.linspace(0.0, 1.0, n_seg + 1)  # fraction of one layer
    pieces = []
    for k, r in enumerate(radii):
        t = 2.0 * math.pi * n * (k + s)  # angle keeps increasing: same circulation in every layer
        z = (-0.5 + s) * length_ if k % 2 == 0 else (0.5 - s) * length_
        pieces.append(np.c_[r * np.cos(t), r * np.sin(t), z])  # layer k+1 starts with the radial step
    pts = np.vstack(pieces)
    if lead > 0.0:
        start, end = pts[0], pts[-1]
        out = 1.0 if end[2] > 0 else -1.0
        pts = np.vstack([start + (0.0, 0.0, -lead), pts, end + (0.0, 0.0, out * lead)])
    winding = Winding(pts, False, cross, mat)
    params["conductor_length"] = winding.length
    return Coil([winding], name="solenoid", axis=(0, 0, 1), role="rf", parameters=params, winding_info=info)


# ---------------------------------------------------------------------------- saddle
def saddle(
    radius: float,
    length: float,
    turns: int = 1,
    arc_angle: float = SADDLE_OPTIMUM_ARC_ANGLE,
    *,
    points_per_arc: int = 64,
    wire_diameter: float | None = None,
    material: Material | str = "copper",
    layers: int | None = None,
    insulation: float | None = None,
    bundled: bool = False,
) -> Coil:
    """A saddle pair on a cylinder of ``radius`` about z, B1 along +x at the centre.

    Two closed saddle loops centred at phi = 0 and phi = 180 degrees. Each consists of two
    straight wires parallel to z (length ``length``, from z = -length/2 to +length/2) at
    phi = +-arc_angle/2 (around 0) or 180 -+ arc_angle/2, and two arcs of ``arc_angle`` at
    z = +-length/2 (polylines of ``points_per_arc`` vertices each, vertices on the circle).
    Both loops circulate counter-clockwise about +x (their moments point along +x).

    Parameters
    ----------
    radius : float
        Cylinder radius a [m].
    length : float
        Length l of the straight sections along z [m].
    turns : int, default 1
        Turns N per loop: a winding pack with a ``wire_diameter`` (below), else N coincident
        turns (``Winding.turns``, thin bundle).
    arc_angle : float, default 120
        Arc angle theta [degrees], 0 < theta < 180.
    points_per_arc : int, default 64
        Vertices per arc (>= 2; 2 makes the arc a single chord).
    wire_diameter : float or None, default None
        Round wire diameter [m] or None for a filament.
    material : Material or str, default "copper"
    layers, insulation, bundled
        The winding pack (``coildesign.geometries.winding_pack``). With a ``wire_diameter``
        each loop is N real turns, each its own closed ``Winding`` (crossovers not modelled):
        turn (u, v) lies on the cylinder of radius a + v (``layers`` layers, default
        round(sqrt(N))) and is the loop grown outwards by u in the cylinder surface (arcs at
        z = +-(length/2 + u), sides at phi = +-(theta/2 + u/(a + v)) about the loop's centre);
        pitch = wire_diameter + ``insulation`` [m] (default 20 um). ``bundled=True`` keeps N
        coincident turns (the thin-bundle idealisation, L = N^2 x one turn).

    Notes
    -----
    Centre field (derived by Biot-Savart: four straight wires, each contributing
    mu0 I l sin(theta/2) / (4 pi a sqrt(a^2 + l^2/4)) to Bx, plus four arcs, each
    mu0 I a l sin(theta/2) / (4 pi (a^2 + l^2/4)^{3/2})):

        Bx(0) = mu0 N I l sin(theta/2) (2 a^2 + l^2/4) / (pi a (a^2 + l^2/4)^{3/2}).

    On the axis, Bx(z) = (mu0 N I sin(theta/2) / pi) sum_{u = l/2 -+ z} g(u) with
    g(u) = u / (a sqrt(a^2 + u^2)) + a u / (a^2 + u^2)^{3/2}; g''(u) is proportional to
    u (3u^2 - 12 a^2), so d^2 Bx/dz^2 = 0 at the centre for l = 4a, i.e. length/diameter
    = 2, independently of theta. theta = 120 degrees removes the transverse second-order
    term (its sin(3 theta/2) factor vanishes). Together these are the optimum of Ginsberg &
    Melchner, Rev. Sci. Instrum. 41, 122 (1970): ``saddle(a, 4 * a)`` (defaults 120 degrees).
    For a pack, ``parameters["centre_field_per_ampere_closed_form"]`` sums this over the turns
    (each with its own radius, length and arc angle).
    """
    a = check.plausible_length("radius", radius)
    ell = check.plausible_length("length", length)
    n = check.positive_int("turns", turns)
    theta_deg = check.finite("arc_angle", arc_angle)
    if not 0.0 < theta_deg < 180.0:
        check._fail("arc_angle", "in the open range (0, 180) degrees", arc_angle)
    npa = check.positive_int("points_per_arc", points_per_arc, minimum=2)
    check.geometry_size("points_per_arc", npa, 4.0 * npa)  # turns are bundled on each winding
    cross = _optional_wire(wire_diameter)
    mat = _material(material)
    pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
    theta = math.radians(theta_deg)
    h = 0.5 * theta
    if pack is not None:
        r_in = a - pack.half_height + 0.5 * pack.pitch  # innermost layer radius
        pack_fits(pack, [(a, pack.half_height, "the layers inside the radius"),
                         (r_in * h, pack.half_width, "the turns inside a loop (a theta/2 at the inner layer)"),
                         (0.5 * ell, pack.half_width, "the turns inside a loop (length/2)"),
                         (r_in * (0.5 * math.pi - h), pack.half_width, "the gap between the two loops")])
    elif cross is not None:
        gap = 2.0 * a * math.sin(0.5 * (math.pi - theta))
        limit = min(gap, ell, 2.0 * a)
        if cross.diameter >= limit:
            check._fail("wire_diameter", f"smaller than {limit:g} m (the gap {gap:g} m between the two loops, the "
                        f"straight-section length and the diameter)", wire_diameter)
    offsets, per = turn_offsets(pack, n)
    windings, centre = [], 0.0
    for u, v in offsets:
        r, hk, zk = a + v, h + u / (a + v), 0.5 * ell + u
        # loop 1 (around phi = 0): bottom arc -h -> +h, up at +h, top arc +h -> -h, down at -h
        loop1 = np.vstack([_arc(r, -hk, hk, -zk, npa), _arc(r, hk, -hk, zk, npa)])
        # loop 2 (around phi = pi): mirror of loop 1 in the plane x = 0 (moment stays along +x)
        loop2 = np.vstack([_arc(r, math.pi + hk, math.pi - hk, -zk, npa), _arc(r, math.pi - hk, math.pi + hk, zk, npa)])
        windings += [Winding(loop1, True, cross, mat, turns=per), Winding(loop2, True, cross, mat, turns=per)]
        centre += (mu_0 * per * 2 * zk * math.sin(hk) * (2 * r * r + zk * zk)
                   / (math.pi * r * (r * r + zk * zk) ** 1.5))
    params = {
        "generator": "saddle", "radius": a, "length": ell, "turns": n, "arc_angle": theta_deg,
        "points_per_arc": npa, "wire_diameter": None if cross is None else cross.diameter, "material": mat.name,
        **pack_parameters(pack, n),
        "length_to_diameter": ell / (2 * a), "conductor_length": sum(w.length for w in windings),
        "centre_field_per_ampere_closed_form": centre,
    }
    return Coil(windings, name="saddle", axis=(1, 0, 0), role="rf", parameters=params)


# ---------------------------------------------------------------------------- loops
def loop(
    radius: float,
    *,
    wire_diameter: float | None = None,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    normal: tuple[float, float, float] = (0.0, 0.0, 1.0),
    material: Material | str = "copper",
) -> Coil:
    """One exact circular loop (``LoopWinding``) of ``radius`` [m] at ``center`` [m].

    Current circulates counter-clockwise about the unit ``normal``; the centre field is
    mu0 I / (2R) along +normal (Jackson, Classical Electrodynamics, 3rd ed., eq. 5.40 at
    the centre). ``wire_diameter`` [m] or None (filament); must be smaller than 2R.
    """
    r = check.plausible_length("radius", radius)
    cross = _optional_wire(wire_diameter)
    if cross is not None and cross.diameter >= 2 * r:
        check._fail("wire_diameter", f"smaller than the loop diameter {2 * r:g} m", wire_diameter)
    c = check.vector3("center", center)
    nrm = check.unit_vector("normal", normal)
    mat = _material(material)
    w = LoopWinding(r, c, nrm, cross, mat)
    params = {"generator": "loop", "radius": r, "wire_diameter": None if cross is None else cross.diameter,
              "center": c.tolist(), "normal": nrm.tolist(), "material": mat.name, "turns": 1,
              "conductor_length": w.length}
    return Coil([w], name="loop", axis=nrm, role="rf", parameters=params)


def rectangular_loop(
    width: float,
    height: float,
    *,
    wire_diameter: float | None = None,
    material: Material | str = "copper",
) -> Coil:
    """A rectangular loop in the z = 0 plane centred at the origin, ``width`` [m] along x,
    ``height`` [m] along y; current counter-clockwise about +z (+z field at the centre).

    Centre field 2 mu0 I sqrt(w^2 + h^2) / (pi w h) (four finite straight wires, Griffiths,
    Introduction to Electrodynamics, 4th ed., Example 5.5 / problem 5.8).
    ``wire_diameter`` [m] or None; must be smaller than both sides.
    """
    w = check.plausible_length("width", width)
    h = check.plausible_length("height", height)
    cross = _optional_wire(wire_diameter)
    if cross is not None and cross.diameter >= min(w, h):
        check._fail("wire_diameter", f"smaller than the shorter side {min(w, h):g} m", wire_diameter)
    mat = _material(material)
    pts = 0.5 * np.array([[-w, -h, 0.0], [w, -h, 0.0], [w, h, 0.0], [-w, h, 0.0]])
    winding = Winding(pts, True, cross, mat)
    params = {"generator": "rectangular_loop", "width": w, "height": h,
              "wire_diameter": None if cross is None else cross.diameter, "material": mat.name, "turns": 1,
              "conductor_length": winding.length}
    return Coil([winding], name="rectangular loop", axis=(0, 0, 1), role="rf", parameters=params)


def helmholtz_pair(
    radius: float,
    turns: int = 1,
    separation: float | None = None,
    *,
    wire_diameter: float | None = None,
    material: Material | str = "copper",
    layers: int | None = None,
    insulation: float | None = None,
    bundled: bool = False,
) -> Coil:
    """Two coaxial exact loops of ``radius`` [m] at z = +-separation/2, currents in the same
    sense (counter-clockwise about +z, field along +z).

    Parameters
    ----------
    radius : float
        Loop radius R [m].
    turns : int, default 1
        Turns per loop N: a winding pack with a ``wire_diameter`` (below), else N coincident
        turns (``LoopWinding.turns``, a thin bundle at the loop position).
    separation : float or None, default None (= radius, the Helmholtz condition)
        Distance between the loop planes [m].
    wire_diameter : float or None
        Round wire diameter [m] (< separation and < 2R) or None for a filament.
    layers, insulation, bundled
        The winding pack (``coildesign.geometries.winding_pack``): with a ``wire_diameter``
        each loop is N real turns (one ``LoopWinding`` each), ``layers`` layers (default
        round(sqrt(N))) stacked in radius about R, their turns side by side along z about
        z = +-separation/2, pitch = wire_diameter + ``insulation`` [m] (default 20 um); the
        -z pack mirrors the +z pack. ``bundled=True`` keeps N coincident turns (thin bundle).

    Notes
    -----
    For separation = R, d^2Bz/dz^2 = 0 at the centre, so Bz(z)/Bz(0) - 1 = O(z^4), and
    Bz(0) = (4/5)^{3/2} mu0 N I / R = 8 mu0 N I / (5^{3/2} R) (e.g. Jackson, problem 5.3;
    Smythe, Static and Dynamic Electricity, sec. 7.10). For a pack,
    ``parameters["centre_field_per_ampere_closed_form"]`` sums the loop formula
    mu0 r^2 / (2 (r^2 + z^2)^(3/2)) over the turns (Jackson eq. 5.40 on the axis).
    """
    r = check.plausible_length("radius", radius)
    n = check.positive_int("turns", turns)
    sep = r if separation is None else check.dimension("separation", separation)
    cross = _optional_wire(wire_diameter)
    pack = winding_pack(n, wire_diameter, layers=layers, insulation=insulation, bundled=bundled)
    if pack is not None:
        pack_fits(pack, [(r, pack.half_height, "the layers inside the radius"),
                         (0.5 * sep, pack.half_width, "the two packs to stay apart (half the separation)")])
    elif cross is not None and cross.diameter >= min(sep, 2 * r):
        check._fail("wire_diameter", f"smaller than the separation {sep:g} m and the loop diameter {2 * r:g} m",
                    wire_diameter)
    mat = _material(material)
    offsets, per = turn_offsets(pack, n)
    windings, centre = [], 0.0
    for u, v in offsets:  # turn at radius r + v, |z| = sep/2 + u
        rk, zk = r + v, 0.5 * sep + u
        windings += [LoopWinding(rk, (0.0, 0.0, s * zk), (0.0, 0.0, 1.0), cross, mat, turns=per) for s in (-1.0, 1.0)]
        centre += 2 * per * mu_0 * rk * rk / (2 * (rk * rk + zk * zk) ** 1.5)
    params = {"generator": "helmholtz_pair", "radius": r, "turns": n, "separation": sep,
              "wire_diameter": None if cross is None else cross.diameter, "material": mat.name,
              **pack_parameters(pack, n),
              "conductor_length": float(sum(w.length for w in windings)),
              "centre_field_per_ampere_closed_form": float(centre)}
    return Coil(windings, name="Helmholtz pair", axis=(0, 0, 1), role="rf", parameters=params)


# ---------------------------------------------------------------------------- planar spiral
def planar_spiral(
    turns: int,
    outer_diameter: float | None,
    trace_width: float,
    spacing: float,
    shape: str = "square",
    *,
    inner_diameter: float | None = None,
    thickness: float = 35e-6,
    material: Material | str = "copper",
    points_per_turn: int = 128,
) -> Coil:
    """A planar spiral inductor in the z = 0 plane, centred at the origin, +z field at the
    centre for positive current (current spirals inwards, counter-clockwise about +z).

    Parameters
    ----------
    turns : int
        Number of turns n (full revolutions, >= 1).
    outer_diameter : float or None
        Outer diameter d_out [m] to the outer trace edge: across flats for the polygons
        (side length for the square), diameter for the circular spiral. None when
        ``inner_diameter`` is given.
    trace_width : float
        Trace width w [m].
    spacing : float
        Edge-to-edge gap s [m] between adjacent turns; the pitch is w + s.
    shape : {"square", "hexagonal", "octagonal", "circular"}, default "square"
    inner_diameter : float or None, keyword
        Inner diameter d_in [m] instead of ``outer_diameter`` (give exactly one). The two are
        related by d_in = d_out - 2 n w - 2 (n - 1) s (Mohan, del Mar Hershenson, Boyd & Lee,
        IEEE J. Solid-State Circuits 34, 1419 (1999)).
    thickness : float, default 35e-6
        Trace (metal) thickness t [m]; cross-section ``RectangularStrip(w, t)``.
    material : Material or str, default "copper"
    points_per_turn : int, default 128
        Vertices per revolution of the circular (Archimedean) spiral; polygons use their
        corners only.

    Notes
    -----
    Layout (Mohan et al. 1999, Fig. 1: d_out and d_in are measured to the trace edges, across
    flats for the polygons): the spiral is n concentric turns joined by steps of one pitch
    p = w + s. Every side of turn j (j = 0..n-1) lies at the apothem (circle: radius)
    h_j = d_out/2 - w/2 - j p of the trace centre line, so the outermost turn's outer edges
    lie on the polygon (circle) of diameter d_out, the innermost turn's inner edges on the one
    of diameter d_in = d_out - 2 n w - 2 (n - 1) s, and neighbouring turns are exactly s
    apart edge to edge. The spiral starts at a corner of the outermost turn and makes n
    revolutions; the step from turn j to turn j + 1 is taken at the corner that closes turn j
    (polygons: the last side of each turn ends where it meets the first side of the next turn,
    so the square's side lengths are L, L, L, L-p, L-p, L-2p, L-2p, ..., L = d_out - w); the
    last side ends one pitch short of closing the innermost turn (room for the return). The
    square therefore occupies exactly d_out x d_out, the hexagon and octagon exactly their
    polygons of d_out across flats, and the circular spiral the annulus d_in .. d_out: its
    turn j is an arc of the circle of radius h_j (``points_per_turn`` inscribed vertices per
    revolution) ending an angle delta_j = l / h_(j+1) (at most 90 deg) short of closing, and
    the step is the chord from there to the start of turn j + 1, spanning an arc l of the
    arriving turn. Neighbouring step chords are then p l / sqrt(l^2 + p^2) apart; l is the
    shortest arc that keeps half the gap there, p l / sqrt(l^2 + p^2) = w + s/2 (l = 1.13 p for
    s = w). The innermost turn ends l / h_(n-1) short of closing, where its step would begin
    (the open end lowers L below the closed concentric rings by a few % for 3 turns, < 1 % for
    8). The return
    path from the inner end (underpass or bridge) is not modelled: the winding is open. The
    turns must fit: d_in > 0, and for the polygons a last side of positive length after the
    final step.

    ``parameters`` adds ``inner_diameter``, ``outer_diameter``, ``average_diameter``
    (d_out + d_in)/2, ``fill_ratio`` (d_out - d_in)/(d_out + d_in) (Mohan et al. 1999),
    ``pitch`` [m] and ``conductor_length`` [m].
    """
    n = check.positive_int("turns", turns)
    w = check.dimension("trace_width", trace_width)
    s = check.dimension("spacing", spacing)
    shp = check.choice("shape", shape, SPIRAL_SHAPES)
    t = check.dimension("thickness", thickness)
    ppt = check.positive_int("points_per_turn", points_per_turn, minimum=8)
    check.geometry_size("turns and points_per_turn", (n, ppt), float(n) * ppt)
    mat = _material(material)
    if (outer_diameter is None) == (inner_diameter is None):
        check._fail("outer_diameter", "given exactly when inner_diameter is not (give one of the two)",
                    outer_diameter)
    build = 2 * n * w + 2 * (n - 1) * s
    pitch = w + s
    if outer_diameter is not None:
        d_out = check.plausible_length("outer_diameter", outer_diameter)
        d_in = d_out - build
    else:
        d_in = check.dimension("inner_diameter", inner_diameter)
        d_out = d_in + build
    pts = _spiral_vertices(shp, n, d_out, w, pitch, ppt)
    if pts is None:
        what = ("turns", turns) if outer_diameter is not None else ("inner_diameter", inner_diameter)
        check._fail(what[0], f"{'few' if what[0] == 'turns' else 'large'} enough for the spiral to fit: d_in = "
                    f"{d_in:g} m (d_out = {d_out:g} m, d_in = d_out - 2 n w - 2 (n - 1) s) leaves no room for the "
                    f"last step of one pitch {pitch:g} m inside the innermost turn; with outer_diameter "
                    f"{d_out:g} m at most {_max_turns(shp, d_out, w, s, ppt)} turns fit", what[1])
    winding = Winding(pts, False, RectangularStrip(w, t), mat)
    params = {
        "generator": "planar_spiral", "turns": n, "outer_diameter": d_out, "trace_width": w, "spacing": s,
        "shape": shp, "inner_diameter": d_in, "thickness": t, "material": mat.name,
        "points_per_turn": ppt if shp == "circular" else None, "pitch": pitch,
        "average_diameter": 0.5 * (d_out + d_in), "fill_ratio": (d_out - d_in) / (d_out + d_in),
        "conductor_length": winding.length, "return_path_modelled": False,
    }
    info = PlanarSpiral(turns=n, outer_diameter=d_out, inner_diameter=d_in, trace_width=w, spacing=s, thickness=t,
                        shape=shp)
    return Coil([winding], name=f"{shp} planar spiral", axis=(0, 0, 1), role="rf", parameters=params,
                winding_info=info)


def _spiral_vertices(shape: str, n: int, d_out: float, w: float, pitch: float, ppt: int) -> np.ndarray | None:
    """Vertices [m] of the spiral's trace centre line (``planar_spiral`` notes), or None when the
    innermost turn leaves no room for the last step."""
    h0 = 0.5 * d_out - 0.5 * w
    if h0 - (n - 1) * pitch - 0.5 * w <= 0.0:  # d_in > 0
        return None
    if shape == "circular":
        radii = h0 - pitch * np.arange(n)
        q = (w + 0.5 * (pitch - w)) / pitch  # step chords keep half the gap: p l / sqrt(l^2 + p^2) = w + s/2
        arc = pitch * q / math.sqrt(1.0 - q * q)
        phi, r = [], []
        for j in range(n):
            step = min(0.5 * np.pi, arc / radii[min(j + 1, n - 1)])
            m = max(2, math.ceil(ppt * (1.0 - step / (2 * np.pi))))
            phi.append(2 * np.pi * j + np.linspace(0.0, 2 * np.pi - step, m + 1))
            r.append(np.full(m + 1, radii[j]))
        phi, r = np.concatenate(phi), np.concatenate(r)
        return np.c_[r * np.cos(phi), r * np.sin(phi), np.zeros(len(phi))]
    sides = _POLYGON_SIDES[shape]
    i = np.arange(-1, n * sides + 1)  # side lines -1 .. n*M; -1 and n*M are virtual
    apothem = h0 - pitch * np.floor(np.maximum(i, 0) / sides)
    psi = 2 * np.pi * i / sides
    nx, ny = np.cos(psi), np.sin(psi)
    # vertex between side lines j-1 and j: n_{j-1}.v = h_{j-1}, n_j.v = h_j
    det = nx[:-1] * ny[1:] - ny[:-1] * nx[1:]
    vx = (apothem[:-1] * ny[1:] - ny[:-1] * apothem[1:]) / det
    vy = (nx[:-1] * apothem[1:] - apothem[:-1] * nx[1:]) / det
    # each side must run forwards along its line (tangent (-sin psi, cos psi))
    forward = np.diff(vx) * -ny[1:-1] + np.diff(vy) * nx[1:-1]
    if np.any(forward <= 0.0):
        return None
    return np.c_[vx, vy, np.zeros_like(vx)]


def _max_turns(shape: str, d_out: float, w: float, s: float, ppt: int) -> int:
    """Largest n whose spiral fits in ``d_out`` (``_spiral_vertices`` is not None)."""
    n = 0
    while _spiral_vertices(shape, n + 1, d_out, w, w + s, ppt) is not None:
        n += 1
    return n


# ---------------------------------------------------------------------------- birdcage
def birdcage(
    legs: int,
    radius: float,
    length: float,
    topology: str = "lowpass",
    *,
    phase: float = 0.0,
    leg_width: float | None = None,
    ring_width: float | None = None,
    shield_radius: float | None = None,
    wire_diameter: float | None = None,
    thickness: float = 35e-6,
    points_per_segment: int = 16,
    material: Material | str = "copper",
) -> Coil:
    """A birdcage resonator in its homogeneous (k = 1) mode, as weighted windings.

    Parameters
    ----------
    legs : int
        Number of legs N (even, >= 4); leg k lies at phi_k = 2 pi k / N on the cylinder of
        ``radius``, parallel to z, from z = -length/2 to +length/2.
    radius : float
        Leg (and end-ring) radius a [m].
    length : float
        Leg length l [m] = distance between the two end rings.
    topology : {"lowpass", "highpass", "bandpass"}, default "lowpass"
        Recorded with the capacitor positions (legs' midpoints / ring segments between legs
        / both). The ideal-mode field does not depend on it.
    phase : float, default 0.0
        Mode phase psi [degrees] (like every angle a designer types in coildesign: ``rotate``,
        ``arc_angle``): leg k carries cos(phi_k + psi) (-90 for B1 along +x).
    leg_width, ring_width : float or None
        Widths [m] of strip conductors (``RectangularStrip(width, thickness)``) for legs /
        ring segments; None falls back to ``wire_diameter`` (round wire) or a filament.
    shield_radius : float or None
        Radius [m] of a coaxial RF shield (> radius), recorded in ``parameters`` for the RF
        analysis; its image currents are not included in the field.
    wire_diameter : float or None
        Round conductor diameter [m] for legs and rings without a strip width.
    thickness : float, default 35e-6
        Strip thickness [m] for ``leg_width`` / ``ring_width``.
    points_per_segment : int, default 16
        Vertices per end-ring arc between adjacent legs (>= 2).

    Currents (the windings' weights, per unit mode current)
    ------------------------------------------------------
    - Leg k: cos(phi_k + psi), flowing +z.
    - Ring segment k joins nodes k and k+1 (counter-clockwise about +z). Kirchhoff's current
      law at top node k, with leg k arriving, reads J_{k-1} + cos(phi_k + psi) - J_k = 0, so
      J_k = J_{k-1} + cos(phi_k + psi); with zero net circulation (sum_k J_k = 0) the unique
      solution is J_k = sin(phi_k + pi/N + psi) / (2 sin(pi/N)) (telescoping identity
      sin(x + pi/N) - sin(x - pi/N) = 2 cos x sin(pi/N)). At the bottom nodes the legs leave,
      so the bottom ring carries -J_k: the two rings carry opposite currents.

    Field direction: a leg at phi_k with current +z produces B along -phi_hat(phi_k) at the
    centre, so the leg currents cos(phi_k + psi) give B1 along -(sin psi, cos psi, 0):
    **-y for psi = 0** and +x for psi = -pi/2 (the ring currents, equivalently the mesh
    currents J_k with moments along -r_hat, add in the same direction). ``Coil.axis`` is
    set to this direction. References: Hayes, Edelstein, Schenck, Mueller & Eash, J. Magn.
    Reson. 63, 622 (1985); Jin, Electromagnetic Analysis and Design in MRI (CRC 1998),
    ch. 4 (mesh-current model).
    """
    n = check.positive_int("legs", legs, minimum=4)
    if n % 2:
        check._fail("legs", "an even integer >= 4", legs)
    a = check.plausible_length("radius", radius)
    ell = check.plausible_length("length", length)
    topo = check.choice("topology", topology, BIRDCAGE_TOPOLOGIES)
    phase_deg = check.finite("phase", phase)
    psi = math.radians(phase_deg)
    t = check.dimension("thickness", thickness)
    nps = check.positive_int("points_per_segment", points_per_segment, minimum=2)
    check.geometry_size("legs and points_per_segment", (n, nps), 8.0 * n * nps, 2 * n)
    mat = _material(material)
    rw = _optional_wire(wire_diameter)
    spacing = 2 * a * math.sin(math.pi / n)  # chord between adjacent legs
    for name, value, limit in (("leg_width", leg_width, spacing), ("ring_width", ring_width, ell),
                               ("wire_diameter", wire_diameter, min(spacing, ell))):
        if value is not None and check.positive(name, value) >= limit:
            check._fail(name, f"smaller than {limit:g} m (the conductors would overlap)", value)
    if shield_radius is not None and check.dimension("shield_radius", shield_radius) <= a:
        check._fail("shield_radius", f"larger than the coil radius {a:g} m", shield_radius)
    leg_cs = RectangularStrip(check.dimension("leg_width", leg_width), t) if leg_width is not None else rw
    ring_cs = RectangularStrip(check.dimension("ring_width", ring_width), t) if ring_width is not None else rw

    phi = 2 * np.pi * np.arange(n) / n
    leg_current = np.cos(phi + psi)
    ring_current = np.sin(phi + np.pi / n + psi) / (2 * np.sin(np.pi / n))
    windings: list[Winding] = []
    weights: list[float] = []
    for k in range(n):
        x, y = a * math.cos(phi[k]), a * math.sin(phi[k])
        windings.append(Winding([[x, y, -0.5 * ell], [x, y, 0.5 * ell]], False, leg_cs, mat))
        weights.append(float(leg_current[k]))
    for sign, end in ((1.0, 1), (-1.0, 0)):
        for k in range(n):
            arc = _arc(a, phi[k], phi[k] + 2 * np.pi / n, windings[k].points[end][2], nps)
            arc[0] = windings[k].points[end]  # start and end exactly on the leg nodes
            arc[-1] = windings[(k + 1) % n].points[end]
            windings.append(Winding(arc, False, ring_cs, mat))
            weights.append(float(sign * ring_current[k]))
    capacitors = {"lowpass": "legs (one per leg, at z = 0)",
                  "highpass": "end rings (one per ring segment, midway between legs)",
                  "bandpass": "legs and end rings"}[topo]
    n_caps = {"lowpass": n, "highpass": 2 * n, "bandpass": 3 * n}[topo]
    axis = (-math.sin(psi), -math.cos(psi), 0.0)
    params = {
        "generator": "birdcage", "legs": n, "radius": a, "length": ell, "topology": topo, "phase": phase_deg,
        "leg_width": leg_width, "ring_width": ring_width, "shield_radius": shield_radius,
        "wire_diameter": None if rw is None else rw.diameter, "thickness": t, "points_per_segment": nps,
        "material": mat.name, "capacitor_positions": capacitors, "capacitors": n_caps,
        "leg_currents": leg_current.tolist(), "ring_currents": ring_current.tolist(),
        "mode": "homogeneous (k = 1), weights = currents per unit mode amplitude",
        "b1_direction": list(axis), "conductor_length": float(sum(w.length for w in windings)),
        "windings": f"{n} legs (indices 0..{n - 1}), then {n} top-ring and {n} bottom-ring segments",
    }
    info = Birdcage(legs=n, radius=a, length=ell, topology=topo, leg_width=leg_width, ring_width=ring_width,
                    thickness=t, wire_diameter=None if rw is None else rw.diameter, shield_radius=shield_radius)
    return Coil(windings, weights, name=f"{topo} birdcage", axis=axis, role="rf", parameters=params,
                winding_info=info)
