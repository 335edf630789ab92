"""Drawings of planar windings as SVG, for PCB layout, laser cutting or a wire-bending jig.

SVG is written directly (a plain XML text format, no dependency): KiCad (File > Import >
Graphics), Inkscape, LibreCAD (via Inkscape's DXF export) and laser-cutter software import it
in real units. The drawing is 1:1 in millimetres (``width``/``height`` in mm, ``viewBox`` in
mm). Each winding is one ``<path>`` (polylines) or ``<circle>`` (loops) whose stroke width is
the conductor width (strip width or wire diameter), with ``data-*`` attributes for its current
weight, turns and conductor; a separate ``annotations`` group (delete it before fabrication)
holds current-direction arrows, the title and a 1 mm scale bar.

In-plane axes: for windings in a plane normal to z the drawing shows x to the right and y up
(seen from +z); otherwise u is the projection of +x (of +y when the normal is near x) onto the
plane and v = normal x u. SVG's y axis points down; coordinates are mirrored accordingly.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from coildesign import _validation as check
from coildesign._files import write_text
from coildesign.coil import Coil, LoopWinding


def winding_plane(coil: Coil, rtol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """(point on the plane [m], rows u, v, normal) of the plane holding every winding of
    ``coil``; ``ValueError`` with the out-of-plane distance if the windings are not planar
    within ``rtol`` times the coil's size."""
    pts = np.vstack(coil.paths(16))
    centre = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - centre, full_matrices=False)
    normal = vt[2] * (np.sign(vt[2][np.argmax(np.abs(vt[2]))]) or 1.0)
    if abs(normal[2]) > 1.0 - 1e-12:
        normal = np.array([0.0, 0.0, 1.0])
    size = float(np.ptp(pts, axis=0).max())
    off = float(np.max(np.abs((pts - centre) @ normal)))
    if off > rtol * size:
        check._fail("coil", f"windings in one plane (within {rtol:g} x the coil size {size:.6g} m) for a drawing",
                    f"a coil whose points lie up to {off:.6g} m off their best-fit plane")
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = helper - (helper @ normal) * normal
    u /= np.linalg.norm(u)
    return centre, np.array([u, np.cross(normal, u), normal])


def _fmt(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _conductor_width(w) -> float | None:
    cs = w.cross_section
    if cs is None:
        return None
    return getattr(cs, "width", None) or getattr(cs, "diameter", None)


def to_svg(coil: Coil, path: str | os.PathLike, *, loop_segments: int = 128, margin: float = 0.5e-3) -> Path:
    """Write a 1:1 SVG drawing (mm) of the planar windings of ``coil`` atomically (module doc).
    Filament windings are drawn with a hairline of 1/500 of the drawing size. ``margin`` [m]
    around the conductors. Returns the path written."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    target = Path(path)
    if target.suffix.lower() != ".svg":
        check._fail("path", "a file name ending in .svg", str(path))
    pad = check.positive("margin", margin, allow_zero=True)
    _, frame = winding_plane(coil)
    paths = coil.paths(loop_segments)
    uv = [1e3 * np.c_[p @ frame[0], -(p @ frame[1])] for p in paths]  # mm, SVG y down
    allp = np.vstack(uv)
    size = float(np.ptp(allp, axis=0).max()) or 1.0
    widths = [(_conductor_width(w) or 0.0) * 1e3 for w in coil.windings]
    hair = size / 500.0
    half = 0.5 * max(max(widths), hair) + 1e3 * pad
    lo = allp.min(axis=0) - half
    hi = allp.max(axis=0) + half
    hi[1] += 0.08 * size  # room for the scale bar below the drawing
    wh = hi - lo
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_fmt(wh[0])}mm" height="{_fmt(wh[1])}mm" '
        f'viewBox="{_fmt(lo[0])} {_fmt(lo[1])} {_fmt(wh[0])} {_fmt(wh[1])}">',
        f"<title>{escape(coil.name)}</title>",
        f"<desc>coildesign drawing, 1:1, units mm; plane axes u = ({', '.join(_fmt(c) for c in frame[0])}), "
        f"v = ({', '.join(_fmt(c) for c in frame[1])}), normal = ({', '.join(_fmt(c) for c in frame[2])}); "
        "stroke width = conductor width</desc>",
        '<g id="windings" fill="none" stroke="#b87333" stroke-linecap="round" stroke-linejoin="round">',
    ]
    for k, (w, wt, p, width) in enumerate(zip(coil.windings, coil.weights, uv, widths)):
        attrs = (f'id="winding-{k}" stroke-width="{_fmt(width or hair)}" data-current-weight="{wt:.17g}" '
                 f'data-turns="{w.turns}" data-conductor={quoteattr(repr(w.cross_section))}')
        if isinstance(w, LoopWinding) and abs(abs(w.normal @ frame[2]) - 1.0) < 1e-12:
            c = 1e3 * np.array([w.center @ frame[0], -(w.center @ frame[1])])
            out.append(f'<circle {attrs} cx="{_fmt(c[0])}" cy="{_fmt(c[1])}" r="{_fmt(1e3 * w.radius)}"/>')
        else:
            closed = isinstance(w, LoopWinding) or w.closed
            q = p[:-1] if closed else p
            d = "M " + " L ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in q) + (" Z" if closed else "")
            out.append(f'<path {attrs} d="{d}"/>')
    out.append("</g>")
    out.append('<g id="annotations" fill="#1f77b4" stroke="none" font-family="sans-serif">')
    for p, wt in zip(uv, coil.weights):
        i = (len(p) - 1) // 2
        a, b = p[i], p[i + 1]
        direction = (b - a) / np.linalg.norm(b - a) * (1.0 if wt >= 0 else -1.0)
        tip = 0.5 * (a + b) + 0.02 * size * direction
        side = np.array([-direction[1], direction[0]])
        base = tip - 0.04 * size * direction
        tri = [tip, base + 0.015 * size * side, base - 0.015 * size * side]
        out.append('<polygon points="' + " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in tri) + '"/>')
    y_bar = hi[1] - 0.04 * size
    out.append(f'<rect x="{_fmt(lo[0] + half)}" y="{_fmt(y_bar)}" width="1" height="{_fmt(0.005 * size)}"/>')
    out.append(f'<text x="{_fmt(lo[0] + half + 1.2)}" y="{_fmt(y_bar + 0.01 * size)}" '
               f'font-size="{_fmt(0.03 * size)}">1 mm</text>')
    out.append("</g>")
    out.append("</svg>")
    return write_text(target, "\n".join(out) + "\n")
