"""STL of the swept wire (for 3-D printing winding formers, CAD and visual checks).

Each winding's path is swept by a regular ``sides``-gon inscribed in the wire's circle and the
triangulated surfaces of all windings are written as one binary STL through pyvista, in
metres (STL has no unit; most CAD tools assume mm: pass ``scale=1e3`` to write millimetres).

Construction (mitred prisms): every straight segment carries a prism whose cross-section frame
is parallel-transported from the previous segment by the rotation about the bend axis
(two reflections, W. Wang, B. Juettler, D. Zheng and Y. Liu, "Computation of rotation
minimizing frames", ACM Trans. Graph. 27(1), 2 (2008), sect. 4); consecutive prisms meet in the
bisecting plane of the bend, so the surface is watertight and, by Cavalieri's principle (each
prism is cut by planes through its axis end points), its volume is exactly the polygon area
times the path length. Open windings get end caps. On a closed non-planar path the
transported frame comes back twisted by the path's holonomy angle; that angle is removed
linearly along the path (Wang et al. sect. 5), which keeps the tube closed and costs a
second-order volume change. pyvista's ``Tube`` filter is not used because it leaves an open
seam on closed paths and pinches sharp corners.

Bundled turns (``turns > 1``) are one tube. Strips (rectangular conductors) are refused: they
are planar traces, exported with ``coildesign.export.to_svg``.

Size: the surface has (path vertices) x ``sides`` vertices and about twice as many triangles,
known before anything is built; a surface whose estimated peak memory (``VERTEX_BYTES`` per
vertex) exceeds ``_validation.memory_limit()`` (COILDESIGN_MAX_MEMORY, default half the
available memory), or with more triangles than a binary STL can count (2^32 - 1), is refused
with advice instead of failing inside VTK.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.coil import Coil, Winding
from coildesign.conductors import RectangularStrip
from coildesign.export.pointlists import check_export_size

VERTEX_BYTES = 400  # peak bytes per surface vertex up to the written STL (measured ~345, max RSS at 1e6 vertices)
MAX_TRIANGLES = 2**32 - 1  # a binary STL stores the triangle count as an unsigned 32-bit integer


def polygon_area(radius: float, sides: int) -> float:
    """Area [m^2] of the regular ``sides``-gon inscribed in a circle of ``radius`` [m]:
    (n/2) r^2 sin(2 pi/n), the cross-section of the swept wire."""
    return 0.5 * sides * radius * radius * float(np.sin(2.0 * np.pi / sides))


def _segment_frames(directions: np.ndarray, closed: bool, lengths: np.ndarray) -> np.ndarray:
    """Unit normals (M, 3) of the segments' cross-section frames (module doc)."""
    m = len(directions)
    normals = np.empty((m, 3))
    helper = np.eye(3)[int(np.argmin(np.abs(directions[0])))]
    n = np.cross(directions[0], helper)
    normals[0] = n / np.linalg.norm(n)

    def transport(n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        u = a + b
        uu = u @ u
        return n if uu < 1e-24 else n - (2.0 * (n @ u) / uu) * u  # H_(a+b) H_a n, with H_a n = n

    for i in range(1, m):
        normals[i] = transport(normals[i - 1], directions[i - 1], directions[i])
    if closed:
        back = transport(normals[-1], directions[-1], directions[0])
        t0 = directions[0]
        angle = np.arctan2(np.cross(back, normals[0]) @ t0, back @ normals[0])
        phi = angle * np.r_[0.0, np.cumsum(lengths[:-1])] / lengths.sum()
        binormals = np.cross(directions, normals)
        normals = np.cos(phi)[:, None] * normals + np.sin(phi)[:, None] * binormals
    return normals / np.linalg.norm(normals, axis=1, keepdims=True)


def swept_polygon(points: np.ndarray, closed: bool, radius: float, sides: int) -> tuple[np.ndarray, np.ndarray]:
    """(vertices (V, 3) [m], triangles (T, 3) indices) of the mitred sweep of a regular
    ``sides``-gon of circumradius ``radius`` [m] along the polyline ``points`` (N, 3) [m]
    (closed: without the repeated first point); outward-facing triangles, end caps when open."""
    p = np.asarray(points, dtype=float)
    ext = np.vstack([p, p[:1]]) if closed else p
    seg = np.diff(ext, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    s = seg / lengths[:, None]
    normals = _segment_frames(s, closed, lengths)
    binormals = np.cross(s, normals)
    theta = 2.0 * np.pi * np.arange(sides) / sides
    n_rings = len(p)
    rings = np.empty((n_rings, sides, 3))
    for k in range(n_rings):
        i = k if (closed or k < len(s)) else len(s) - 1  # frame of the segment leaving vertex k (last: arriving)
        a = s[i]
        before = s[k - 1] if (closed or k > 0) else a
        after = s[k] if (closed or k < len(s)) else a
        t = before + after
        t = t / np.linalg.norm(t) if t @ t > 1e-24 else a
        e = radius * (np.outer(np.cos(theta), normals[i]) + np.outer(np.sin(theta), binormals[i]))
        rings[k] = p[k] + e - np.outer((e @ t) / (a @ t), a)
    verts = rings.reshape(-1, 3)
    idx = np.arange(n_rings * sides).reshape(n_rings, sides)
    nxt = np.roll(idx, -1, axis=1)
    pairs = range(n_rings) if closed else range(n_rings - 1)
    tris = []
    for k in pairs:
        k2 = (k + 1) % n_rings
        tris.append(np.c_[idx[k], nxt[k], nxt[k2]])
        tris.append(np.c_[idx[k], nxt[k2], idx[k2]])
    if not closed:
        c0, c1 = len(verts), len(verts) + 1
        verts = np.vstack([verts, p[0], p[-1]])
        tris.append(np.c_[np.full(sides, c0), nxt[0], idx[0]])
        tris.append(np.c_[np.full(sides, c1), idx[-1], nxt[-1]])
    return verts, np.vstack(tris)


def wire_surface(coil: Coil, *, wire_diameter: float | None = None, sides: int = 16, loop_segments: int = 128):
    """A triangulated ``pyvista.PolyData`` of the coil's wires (module doc). ``wire_diameter``
    [m] overrides the windings' own diameters (and is required for filament windings)."""
    import pyvista as pv

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    n_sides = check.positive_int("sides", sides, minimum=3)
    override = None if wire_diameter is None else check.positive("wire_diameter", wire_diameter)
    # name the setting furthest above its default (both multiply the vertex count)
    has_loops = any(not isinstance(w, Winding) for w in coil.windings)
    blame = ("loop_segments", loop_segments) if has_loops and check.positive_int(
        "loop_segments", loop_segments, minimum=3) / 128 > n_sides / 16 else ("sides", sides)
    vertices = check_export_size(coil, loop_segments, VERTEX_BYTES, "swept-wire surface", extra=n_sides,
                                 name=blame[0], value=blame[1], advice="fewer sides or loop_segments")
    if 2.0 * vertices * n_sides > MAX_TRIANGLES:
        check._fail("sides", f"small enough for a binary STL (at most {MAX_TRIANGLES} triangles; this surface would "
                    f"have ~{2.0 * vertices * n_sides:.3g}): use fewer sides or loop_segments", sides)
    all_v, all_t, offset = [], [], 0
    for k, (w, path) in enumerate(zip(coil.windings, coil.paths(loop_segments))):
        if isinstance(w.cross_section, RectangularStrip) and override is None:
            check._fail(f"coil.windings[{k}]", "a round wire or filament (strips are planar traces: use to_svg), "
                        "or give wire_diameter", w.cross_section, TypeError)
        if override is None and w.cross_section is None:
            check._fail("wire_diameter", f"a diameter [m] for the filament winding {k} (it has no conductor)", None)
        radius = 0.5 * override if override is not None else w.cross_section.field_radius
        closed = not isinstance(w, Winding) or w.closed
        v, t = swept_polygon(path[:-1] if closed else path, closed, radius, n_sides)
        all_v.append(v)
        all_t.append(t + offset)
        offset += len(v)
    tris = np.vstack(all_t)
    return pv.PolyData(np.vstack(all_v), faces=np.c_[np.full(len(tris), 3), tris].ravel())


def to_stl(coil: Coil, path: str | os.PathLike, *, wire_diameter: float | None = None, sides: int = 16,
           loop_segments: int = 128, scale: float = 1.0) -> Path:
    """Write the swept wire of ``coil`` as a binary STL atomically (coordinates [m] times
    ``scale``; see the module doc). Returns the path written."""
    target = check.output_file("path", path, (".stl",))
    surface = wire_surface(coil, wire_diameter=wire_diameter, sides=sides, loop_segments=loop_segments)
    factor = check.positive("scale", scale)
    if factor != 1.0:
        surface = surface.scale(factor, inplace=False)
    with atomic_path(target) as tmp:
        surface.save(tmp, binary=True)
    return target
