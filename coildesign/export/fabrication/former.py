"""Grooved winding formers for wire-wound cylindrical coils, as a closed, outward-oriented STL.

The former is a tube about the coil's axis: its outer surface sits at R + r_w (R: the radius of
the winding's wire centres, by default the median distance of its points from the axis; r_w the
wire radius), so a wire lying in a groove has its centre on the design surface and is flush
with the former. Grooves follow the wire paths that lie on the design surface (points within a
wire radius of R; a design's lifted return and its radial leads lie on top and get none): round
bottomed, radius r_g = r_w + ``clearance``, centred on the wire path, with walls up to the
outer surface over one grid step (where wire paths are closer than 2 r_g, their grooves merge into
one flat-bottomed channel: a design at a pitch of the wire diameter plus a 10 % clearance leaves
no printable wall between its turns). Lead exits: from both ends of every open winding a channel
of the same section, one wire diameter deeper than the grooves (the lead runs under the turns it
crosses), runs axially to the nearer end face. The inner bore has radius R - r_g - 2 r_w -
``wall``.

Construction: the outer surface is a height field r(phi, y) on a periodic grid of step
``resolution`` (default r_g / 2): r = R - sqrt(r_g^2 - d^2) within r_g of a path (d: distance
in the unrolled surface, arc length R dphi by axial), rising linearly to R + r_w over the next
step; the bore is a cylinder through the same angles, and the two end faces are annular strips
joining the outer and inner rings. Every grid quad is split into two triangles ordered
counter-clockwise seen from outside, so the surface is closed, two-manifold and outward oriented
by construction (each directed edge once, its reverse once); ``closed_and_oriented`` checks it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.coil import Coil
from coildesign.conductors import RoundWire
from coildesign.export.fabrication.flex import cylinder_frame
from coildesign.export.fabrication.layout import winding_paths


@dataclass(frozen=True)
class Former:
    """A written former: ``path``, radii [m] (``wire_radius`` R of the wire centres, ``outer``,
    ``inner``), ``groove_radius`` [m], ``length`` [m], ``grooves`` (windings grooved),
    ``lead_exits``, ``triangles``, ``volume`` [m^3] (signed, > 0 for outward normals), the
    ``scale`` the STL coordinates were multiplied by and ``closed`` (closed_and_oriented)."""

    path: Path
    wire_radius: float
    outer: float
    inner: float
    groove_radius: float
    length: float
    grooves: int
    lead_exits: int
    triangles: int
    volume: float
    scale: float
    closed: bool


def closed_and_oriented(triangles: np.ndarray) -> bool:
    """True when every directed edge of ``triangles`` (T, 3) occurs once and its reverse once
    (a closed two-manifold with consistently oriented faces)."""
    e = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    fwd = e[:, 0].astype(np.int64) * (int(e.max()) + 1) + e[:, 1]
    rev = e[:, 1].astype(np.int64) * (int(e.max()) + 1) + e[:, 0]
    if len(np.unique(fwd)) != len(fwd):
        return False
    return bool(np.array_equal(np.sort(fwd), np.sort(rev)))


def signed_volume(vertices: np.ndarray, triangles: np.ndarray) -> float:
    """Volume [m^3] enclosed by the triangles by the divergence theorem (sum of det/6):
    positive for outward normals."""
    a, b, c = (vertices[triangles[:, k]] for k in range(3))
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def _quads(rows: np.ndarray, closed_rows: bool) -> np.ndarray:
    """Triangles of the quad strip between consecutive rows of vertex indices ``rows`` (M, N),
    periodic along N; each quad (i, j) -> (i, j+1) -> (i+1, j+1) -> (i+1, j) as given."""
    m = len(rows)
    nxt = np.roll(rows, -1, axis=1)
    pairs = range(m) if closed_rows else range(m - 1)
    tris = []
    for i in pairs:
        k = (i + 1) % m
        tris.append(np.c_[rows[i], nxt[i], nxt[k]])
        tris.append(np.c_[rows[i], nxt[k], rows[k]])
    return np.vstack(tris)


def winding_former(coil: Coil, path: str | os.PathLike, *, wire_diameter: float | None = None,
                   clearance: float = 0.05e-3, wall: float = 1.0e-3, margin: float = 3.0e-3,
                   radius: float | None = None, axis=(0.0, 0.0, 1.0), center=(0.0, 0.0, 0.0),
                   resolution: float | None = None, lead_exits: bool = True, scale: float = 1e3) -> Former:
    """Write the grooved former of the cylindrical ``coil`` (or a design's ``.coil``) as a binary
    STL atomically (module doc). ``wire_diameter`` [m] (default: the windings' round wire),
    ``clearance`` [m] added to the groove radius, ``wall`` [m] below the lead channels,
    ``margin`` [m] of former beyond the windings at each end, ``radius`` [m] of the wire centres,
    ``axis``/``center`` of the cylinder, grid ``resolution`` [m]; the STL holds coordinates [m]
    times ``scale`` (default 1e3: millimetres, what slicers assume)."""
    coil = getattr(coil, "coil", coil)
    if not isinstance(coil, Coil):
        check._fail("coil", "a Coil or a design with a .coil", coil, TypeError)
    target = Path(path)
    if target.suffix.lower() != ".stl":
        check._fail("path", "a file name ending in .stl", str(path))
    if wire_diameter is None:
        ds = {w.cross_section.diameter for w in coil.windings if isinstance(w.cross_section, RoundWire)}
        if not ds:
            check._fail("wire_diameter", "given for windings without a round wire", wire_diameter)
        dw = max(ds)
    else:
        dw = check.positive("wire_diameter", wire_diameter)
    rw = 0.5 * dw
    rg = rw + check.positive("clearance", clearance, allow_zero=True)
    wall_t = check.positive("wall", wall)
    edge = check.positive("margin", margin)
    factor = check.positive("scale", scale)
    paths = winding_paths(coil)
    frame = cylinder_frame(np.vstack([p for p, _ in paths]), axis, center, radius)
    r0 = frame.radius
    h = 0.5 * rg if resolution is None else check.positive("resolution", resolution)
    inner = r0 - rg - dw - wall_t
    if inner <= 0:
        check._fail("wall", f"thin enough to leave a bore (R - groove radius - wire diameter - wall = {inner:.4g} m)",
                    wall)
    outer = r0 + rw
    # groove centre lines in the unrolled plane (x = R phi, y axial): parts on the surface only
    samples, ends = [], []
    ylo, yhi = np.inf, -np.inf
    for pts, closed in paths:
        ext = np.vstack([pts, pts[:1]]) if closed else pts
        dense = [ext[:1]]
        for a, b in zip(ext[:-1], ext[1:]):
            n = max(1, int(np.ceil(np.linalg.norm(b - a) / (0.25 * h))))
            dense.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
        dense = np.vstack(dense)
        xy, off = frame.flatten(dense)
        on = np.abs(off) < rw
        samples.append(xy[on])
        ylo, yhi = min(ylo, xy[:, 1].min()), max(yhi, xy[:, 1].max())
        if not closed:
            ends += [xy[0], xy[-1]]
    y0, y1 = ylo - edge, yhi + edge
    width = frame.circumference
    n_phi = max(16, int(np.ceil(width / h)))
    n_y = max(2, int(np.ceil((y1 - y0) / h)) + 1)
    check.memory("resolution", f"a former grid of {n_phi} x {n_y} nodes", 8.0 * 40 * n_phi * n_y,
                 "use a coarser resolution")
    gx = width * np.arange(n_phi) / n_phi
    gy = np.linspace(y0, y1, n_y)
    nodes = np.c_[np.tile(gx, n_y), np.repeat(gy, n_phi)]

    def periodic_distance(centres: np.ndarray) -> np.ndarray:
        if not len(centres):
            return np.full(len(nodes), np.inf)
        copies = np.vstack([centres + [s, 0.0] for s in (-width, 0.0, width)])
        return cKDTree(copies).query(nodes, distance_upper_bound=rg + 2 * h)[0]

    def profile(d: np.ndarray, bottom: float) -> np.ndarray:
        out = np.full(len(d), outer)
        inside = d < rg
        out[inside] = bottom - np.sqrt(rg * rg - d[inside] ** 2)
        ramp = (d >= rg) & (d < rg + h)
        out[ramp] = bottom + (outer - bottom) * (d[ramp] - rg) / h
        return out

    rho = profile(periodic_distance(np.vstack(samples) if samples else np.zeros((0, 2))), r0)
    exits = 0
    if lead_exits and ends:
        channel = []
        for x, y in ends:
            stop = y0 if (y - y0) < (y1 - y) else y1
            n = max(2, int(np.ceil(abs(stop - y) / (0.25 * h))) + 1)
            channel.append(np.c_[np.full(n, x), np.linspace(y, stop, n)])
            exits += 1
        rho = np.minimum(rho, profile(periodic_distance(np.vstack(channel)), r0 - dw))
    phi = frame.seam + gx / r0
    cos, sin = np.cos(phi), np.sin(phi)
    e1, e2, ea = frame.axes

    def ring(radii: np.ndarray, y: float | np.ndarray) -> np.ndarray:
        return frame.center + np.outer(radii * np.tile(cos, len(radii) // n_phi), e1) + \
            np.outer(radii * np.tile(sin, len(radii) // n_phi), e2) + np.outer(np.broadcast_to(y, len(radii)), ea)

    v_outer = ring(rho, nodes[:, 1])
    v_inner = ring(np.full(2 * n_phi, inner), np.repeat([y0, y1], n_phi))
    verts = np.vstack([v_outer, v_inner])
    outer_rows = np.arange(n_y * n_phi).reshape(n_y, n_phi)
    inner_rows = n_y * n_phi + np.arange(2 * n_phi).reshape(2, n_phi)
    # outer surface, increasing phi then y: (phi, y) -> (phi+, y) -> (phi+, y+) is counter-clockwise
    # seen from outside (e_phi x e_y = +radial); the bore and end faces are ordered so that their
    # normals point into the bore and out of the ends
    tris = [_quads(outer_rows, False),
            _quads(inner_rows[::-1], False),
            _quads(np.array([inner_rows[0], outer_rows[0]]), False),
            _quads(np.array([outer_rows[-1], inner_rows[1]]), False)]
    tris = np.vstack(tris)
    closed = closed_and_oriented(tris)
    volume = signed_volume(verts, tris)
    import pyvista as pv

    mesh = pv.PolyData(verts * factor, faces=np.c_[np.full(len(tris), 3), tris].ravel())
    with atomic_path(target) as tmp:
        mesh.save(tmp, binary=True)
    grooved = sum(1 for s in samples if len(s))
    return Former(target, r0, outer, inner, rg, y1 - y0, grooved, exits, len(tris), volume, factor, closed)
