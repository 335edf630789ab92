"""Flex boards of cylindrical windings: the winding unrolled onto a board circumference x length.

The cylinder (axis ``axis`` through ``center``, radius R: by default the median distance of the
windings' points from the axis, i.e. the design surface) is cut along the seam, the line at
angle ``seam`` about the axis (from e1, the axis-normal direction closest to +x, or +y for an
x axis), and unrolled (``frames.CylinderFrame``): board x = R (phi - seam) in [0, 2 pi R), board
y = the axial coordinate. The seam is by default the angle (among 720 candidates, 0.5 deg apart)
that no winding segment crosses, farthest from any winding point; a winding that crosses every
candidate (a solenoid's helix) cannot be unrolled without joints across the seam and is
refused. The radial offset of the windings' points gives the copper layers (a design's lifted
return on the outer layer) as for plates (``layout``); the feeds run axially to pads beyond the
nearer end of the copper. Rolled back, every layer keeps its angle (a thin flex), so the copper
as built lies on the cylinders of radius R + layer offset.
"""

from __future__ import annotations

import os

import numpy as np

from coildesign import _validation as check
from coildesign.export.fabrication.boards import Fabrication, resolve_width, source, write_boards
from coildesign.export.fabrication.frames import CylinderFrame
from coildesign.export.fabrication.layout import Board, layout, winding_paths
from coildesign.export.fabrication.rules import DesignRules, resolve

SEAM_CANDIDATES = 720


def cylinder_frame(points: np.ndarray, axis, center, radius: float | None) -> CylinderFrame:
    """The frame of the cylinder (module doc) with the seam at e1 (angle 0)."""
    a = check.unit_vector("axis", axis)
    c = check.vector3("center", center)
    helper = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = helper - (helper @ a) * a
    e1 /= np.linalg.norm(e1)
    axes = np.array([e1, np.cross(a, e1), a])
    d = points - c
    rho = np.hypot(d @ axes[0], d @ axes[1])
    r = float(np.median(rho)) if radius is None else check.positive("radius", radius)
    if r <= 0:
        check._fail("radius", "given (the windings lie on the axis)", radius)
    return CylinderFrame(c, axes, r, 0.0)


def choose_seam(frame: CylinderFrame, paths: list[tuple[np.ndarray, bool]], seam: float | None) -> float:
    """Seam angle [rad] from e1 (module doc); ``seam`` [degrees] fixes it (checked)."""
    a, b = [], []
    for pts, closed in paths:
        ext = np.vstack([pts, pts[:1]]) if closed else pts
        phi = frame.angles(ext)
        a.append(phi[:-1])
        b.append(phi[1:])
    p0, p1 = np.concatenate(a), np.concatenate(b)
    span = np.angle(np.exp(1j * (p1 - p0)))  # signed shortest angular step
    lo = np.where(span >= 0, p0, p0 + span)
    width = np.abs(span)
    cand = 2 * np.pi * np.arange(SEAM_CANDIDATES) / SEAM_CANDIDATES if seam is None else \
        np.array([np.radians(check.finite("seam", seam)) % (2 * np.pi)])
    crossed = (np.mod(cand[:, None] - lo[None, :], 2 * np.pi) <= width[None, :]).sum(axis=1)
    free = np.flatnonzero(crossed == 0)
    if not len(free):
        if seam is not None:
            check._fail("seam", "an angle no winding crosses (a flex board cannot be joined across its seam)", seam)
        check._fail("coil", "windings that leave a seam free: an angle about the axis that no winding crosses "
                    "(a helix crosses every angle and cannot be unrolled without seam joints)", "a coil crossing "
                    f"every one of {SEAM_CANDIDATES} seam candidates")
    clearance = np.abs(np.angle(np.exp(1j * (cand[free][:, None] - np.r_[p0, p1][None, :])))).min(axis=1)
    return float(cand[free[int(np.argmax(clearance))]])


def plan_flex(coil_or_design, *, radius: float | None = None, axis=(0.0, 0.0, 1.0), center=(0.0, 0.0, 0.0),
              seam: float | None = None, rules: DesignRules | None = None, trace_width: float | None = None,
              current: float | None = None, temperature_rise: float = 10.0, layers: int = 2,
              layer_pitch: float | None = None, pad_spacing: float = 2.54e-3, margin: float = 1e-3,
              feeds: bool = True, name: str | None = None) -> Board:
    """The flex ``Board`` of a cylindrical coil or design (module doc; other arguments as for
    ``boards.plan_boards``; ``seam`` in degrees)."""
    coil, _ = source(coil_or_design)
    r = resolve(rules)
    n_layers = check.positive_int("layers", layers, minimum=1, maximum=32)
    width = resolve_width(coil, r, trace_width, current, check.positive("temperature_rise", temperature_rise),
                          n_layers)
    paths = winding_paths(coil)
    frame = cylinder_frame(np.vstack([p for p, _ in paths]), axis, center, radius)
    frame = CylinderFrame(frame.center, frame.axes, frame.radius, choose_seam(frame, paths, seam))
    ys = np.concatenate([frame.flatten(p)[0][:, 1] for p, _ in paths])
    mid = 0.5 * (ys.min() + ys.max())
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in (name or coil.name)) or "coil"
    board = layout(paths, list(range(len(paths))), frame, name=f"{stem}_flex", rules=r, width=width,
                   layers=n_layers, layer_pitch=None if layer_pitch is None else check.positive("layer_pitch",
                                                                                              layer_pitch),
                   pad_spacing=check.positive("pad_spacing", pad_spacing), margin=check.positive("margin", margin),
                   feed_direction=lambda m: np.array([0.0, 1.0 if m[1] >= mid else -1.0]),
                   outline_x=(0.0, frame.circumference), feeds=bool(feeds))
    seam_note = (f"seam at {np.degrees(frame.seam):.4g} deg from e1 = ({', '.join(f'{v:.3g}' for v in frame.axes[0])}) "
                 f"about the axis; board {frame.circumference:.6g} m (circumference at R = {frame.radius:.6g} m) x "
                 f"{board.outline[3] - board.outline[1]:.6g} m")
    return Board(**{**board.__dict__, "notes": board.notes + (seam_note,)})


def to_flex(coil_or_design, folder: str | os.PathLike, *, kicad: bool = True, allow_violations: bool = False,
            dsv_center=None, dsv_radius: float | None = None, **options) -> Fabrication:
    """Write the flex board of a cylindrical coil or design (``plan_flex`` with ``options``) as
    Gerber/Excellon files (and a KiCad board ``<name>_flex.kicad_pcb`` when ``kicad``) into
    ``folder``, checked against the rules, read back and verified like ``boards.to_gerber``."""
    coil, sphere = source(coil_or_design)
    board = plan_flex(coil_or_design, **options)
    return write_boards([board], coil, sphere, folder, kicad_name=f"{board.name}.kicad_pcb" if kicad else None,
                        allow_violations=allow_violations, dsv_center=dsv_center, dsv_radius=dsv_radius)
