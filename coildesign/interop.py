"""Interoperability with magpylib (>= 5, SI units), both ways.

``to_magpylib(coil)`` turns a coil into magpylib current sources; ``from_magpylib(obj)`` turns
``magpylib.current.Polyline`` and ``magpylib.current.Circle`` sources (alone, in a list or in a
``magpylib.Collection``) into a coil. magpylib is imported inside the functions: it is a
regular dependency, but importing it costs ~0.3 s that ``import coildesign`` should not pay.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.spatial.transform import Rotation

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import RoundWire


def _z_to(normal: np.ndarray) -> Rotation:
    """The rotation taking +z to the unit vector ``normal`` (the shortest one; a half turn
    about x for ``normal = -z``)."""
    rot, _ = Rotation.align_vectors([normal], [[0.0, 0.0, 1.0]])
    if float(rot.apply([0.0, 0.0, 1.0]) @ normal) < 0.0:  # align_vectors is ambiguous for antiparallel input
        rot = Rotation.from_rotvec([np.pi, 0.0, 0.0])
    return rot


def to_magpylib(coil: Coil, current: float = 1.0):
    """A ``magpylib.Collection`` of filament sources carrying ``current * weight * turns`` [A].

    Polyline windings become ``magpylib.current.Polyline`` (closed ones with the first vertex
    repeated), loops become ``magpylib.current.Circle`` oriented so that their local +z is the
    loop normal. The sources are filaments: magpylib knows no conductor cross-section.

    Agreement with ``coildesign.field(coil, pts, current)`` (to rounding, ~1e-12 relative)
    holds only *outside* the conductors (distance from the wire centre line larger than the
    wire radius). Inside a conductor coildesign applies its inside-conductor rule (uniform
    current density, see ``coildesign.fields.segment_kernels``) while magpylib gives the
    filament field (divergent towards the centre line, zero on it). Windings with ``turns > 1``
    become one source with ``turns`` times the current (bundled turns).
    """
    import magpylib

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    cur = check.finite("current", current)
    sources = []
    for w, wt in zip(coil.windings, coil.weights):
        amps = cur * wt * w.turns
        if isinstance(w, LoopWinding):
            sources.append(magpylib.current.Circle(position=w.center, orientation=_z_to(w.normal),
                                                   diameter=2.0 * w.radius, current=amps))
        else:
            sources.append(magpylib.current.Polyline(current=amps, vertices=w.vertices))
    return magpylib.Collection(*sources, style_label=coil.name)


def _sources(obj) -> list:
    """The current sources in ``obj`` (a source, a Collection or an iterable of either)."""
    import magpylib

    if isinstance(obj, magpylib.Collection):
        return list(obj.sources_all)
    if isinstance(obj, (magpylib.current.Polyline, magpylib.current.Circle)):
        return [obj]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        return [s for item in obj for s in _sources(item)]
    check._fail("obj", "a magpylib.current.Polyline or Circle, a magpylib.Collection of them, or a list of these",
                type(obj).__name__, TypeError)
    return []  # unreachable: _fail raises


def _static_pose(src) -> tuple[np.ndarray, Rotation]:
    """(position [m], orientation) of a source with a single pose (no motion path)."""
    pos = np.asarray(src.position, dtype=float)
    if pos.ndim == 2:
        if len(pos) != 1:
            check._fail("obj", "sources with a single position (no magpylib motion path)",
                        f"{type(src).__name__} with a path of {len(pos)} positions")
        pos = pos[0]
    rot = src.orientation
    return pos, (rot if rot.single else rot[0])


def from_magpylib(obj, *, wire_diameter: float | None = None, material: str = "copper",
                  name: str | None = None) -> Coil:
    """A ``Coil`` equivalent to magpylib current sources, for analysis with coildesign.

    ``obj`` is a ``magpylib.current.Polyline`` or ``magpylib.current.Circle`` (magpylib >= 5,
    SI units), a ``magpylib.Collection`` of them (nested collections are flattened) or a list of
    these. Each source becomes one winding in the global frame (its ``position`` and
    ``orientation`` applied; a Circle's local +z is the loop normal) with weight = its current
    [A], so ``coildesign.field(coil, pts, current=1.0)`` equals ``obj.getB(pts)`` outside the
    conductors (see ``to_magpylib``). Polylines whose last vertex repeats the first become closed
    windings; consecutive repeated vertices (zero-length segments, harmless in magpylib) are
    dropped. ``wire_diameter`` [m] gives every winding a round wire (None: filaments).

    Raises ``TypeError`` for other source types (magnets, dipoles, current sheets) and
    ``ValueError`` for sources with a motion path (several positions).
    """
    import magpylib

    sources = _sources(obj)
    if not sources:
        check._fail("obj", "at least one magpylib current source", obj)
    wire = None if wire_diameter is None else RoundWire(check.positive("wire_diameter", wire_diameter))
    windings, weights = [], []
    for i, src in enumerate(sources):
        pos, rot = _static_pose(src)
        if isinstance(src, magpylib.current.Circle):
            normal = rot.apply([0.0, 0.0, 1.0])
            windings.append(LoopWinding(0.5 * float(src.diameter), pos, normal / np.linalg.norm(normal),
                                        wire, material))
        elif isinstance(src, magpylib.current.Polyline):
            verts = rot.apply(np.asarray(src.vertices, dtype=float)) + pos
            keep = np.r_[True, np.any(np.diff(verts, axis=0) != 0.0, axis=1)]
            verts = verts[keep]
            closed = len(verts) > 3 and np.array_equal(verts[0], verts[-1])
            windings.append(Winding(verts, closed, wire,
                                    material))
        else:
            check._fail(f"obj source {i}", "a magpylib.current.Polyline or magpylib.current.Circle",
                        type(src).__name__, TypeError)
        weights.append(float(src.current))
    label = name if name is not None else (getattr(getattr(obj, "style", None), "label", None) or "magpylib")
    return Coil(windings, weights, name=str(label))
