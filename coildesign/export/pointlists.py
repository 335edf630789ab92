"""Point lists of the windings for manufacturing (wire bending, CNC, CAD import): CSV and NPZ.

Every winding is written as its path vertices [m] in current direction (current flows from
the first point to the last and, for closed windings, back to the first), with its conductor
(round-wire diameter or strip width x thickness [m]), current weight (sign and multiplier of
the coil current), turns (bundled coincident turns) and the unit direction of the current
leaving each vertex (times the sign of the weight, so it is the direction of the actual
current for a positive coil current). Loops are written as closed regular polygons of
``loop_segments`` sides (default 128). ``read_csv`` reads a CSV back into a ``Coil`` (loops
come back as those polygons). Files are written atomically.

Size: the vertex count is known before any path is built (``path_vertices``); an export whose
estimated peak memory (``VERTEX_BYTES`` per vertex) exceeds ``_validation.memory_limit()``
(COILDESIGN_MAX_MEMORY, default half the available memory) is refused with advice.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.coil import Coil, Winding
from coildesign.conductors import RectangularStrip, RoundWire

CSV_COLUMNS = ("winding", "point", "x_m", "y_m", "z_m", "direction_x", "direction_y", "direction_z",
               "closed", "wire_diameter_m", "strip_width_m", "strip_thickness_m", "current_weight", "turns",
               "material")


VERTEX_BYTES = 320  # peak bytes per vertex of to_csv (measured ~250, max RSS at 1e6 vertices) and to_npz (~140)


def path_vertices(coil: Coil, loop_segments: int = 128) -> int:
    """Number of vertices of ``coil.paths(loop_segments)`` (computed without building them)."""
    n = check.positive_int("loop_segments", loop_segments, minimum=3)
    return sum(len(w.vertices) if isinstance(w, Winding) else n + 1 for w in coil.windings)


def check_export_size(coil: Coil, loop_segments: int, bytes_per_vertex: float, what: str, extra: float = 1.0,
                      name: str | None = None, value: object = None, advice: str = "fewer loop_segments") -> int:
    """Refuse (ValueError naming ``name``; default loop_segments, or coil when it has no loops)
    an export of ``coil`` whose estimated peak memory ``path_vertices x extra x
    bytes_per_vertex`` exceeds the memory limit; returns the path vertex count."""
    vertices = path_vertices(coil, loop_segments)
    if name is None:
        has_loops = any(not isinstance(w, Winding) for w in coil.windings)
        name, value = ("loop_segments", loop_segments) if has_loops else ("coil", f"coil with {vertices} vertices")
    check.memory(name, value, float(vertices) * extra * bytes_per_vertex,
                 f"the {what} would have ~{float(vertices) * extra:.3g} vertices: use {advice} (or a coarser coil)")
    return vertices


def _conductor(w) -> tuple[float, float, float]:
    """(round-wire diameter, strip width, strip thickness) [m], NaN where not applicable."""
    cs = w.cross_section
    if isinstance(cs, RoundWire):
        return cs.diameter, np.nan, np.nan
    if isinstance(cs, RectangularStrip):
        return np.nan, cs.width, cs.thickness
    return np.nan, np.nan, np.nan


def _closed(w) -> bool:
    return not isinstance(w, Winding) or w.closed


def winding_points(coil: Coil, loop_segments: int = 128) -> list[dict]:
    """Per winding: ``points`` (N, 3) [m] (closed windings without the repeated first point),
    ``direction`` (N, 3) unit current direction leaving each point (times the weight's sign),
    ``closed``, ``wire_diameter``, ``strip_width``, ``strip_thickness`` [m] (NaN where not
    applicable), ``current_weight``, ``turns`` and ``material``."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    check_export_size(coil, loop_segments, VERTEX_BYTES, "point list")
    out = []
    for w, wt, path in zip(coil.windings, coil.weights, coil.paths(loop_segments)):
        closed = _closed(w)
        pts = path[:-1] if closed else path
        nxt = np.roll(pts, -1, axis=0)
        step = nxt - pts
        if not closed:
            step[-1] = pts[-1] - pts[-2]
        direction = np.sign(wt or 1.0) * step / np.linalg.norm(step, axis=1, keepdims=True)
        d, width, thick = _conductor(w)
        out.append({"points": pts, "direction": direction, "closed": closed, "wire_diameter": d,
                    "strip_width": width, "strip_thickness": thick, "current_weight": float(wt),
                    "turns": int(w.turns), "material": w.material.name})
    return out


def to_csv(coil: Coil, path: str | os.PathLike, *, loop_segments: int = 128) -> Path:
    """Write the windings' point lists as one CSV (columns ``CSV_COLUMNS``, one row per vertex,
    grouped by ``winding``; lengths in metres, ``#`` comment lines first) atomically. Read it
    with ``pandas.read_csv(path, comment="#")`` or ``read_csv``. Returns the path written."""
    import pandas as pd

    target = check.output_file("path", path)
    frames = []
    for k, w in enumerate(winding_points(coil, loop_segments)):
        p, d = w["points"], w["direction"]
        frames.append(pd.DataFrame({
            "winding": k, "point": np.arange(len(p)), "x_m": p[:, 0], "y_m": p[:, 1], "z_m": p[:, 2],
            "direction_x": d[:, 0], "direction_y": d[:, 1], "direction_z": d[:, 2], "closed": w["closed"],
            "wire_diameter_m": w["wire_diameter"], "strip_width_m": w["strip_width"],
            "strip_thickness_m": w["strip_thickness"], "current_weight": w["current_weight"], "turns": w["turns"],
            "material": w["material"]}))
    header = (f"# coildesign point list of coil {coil.name!r}: {len(frames)} windings, SI units (m)\n"
              "# current flows from point 0 to the last point of each winding (and back to point 0 if closed);\n"
              "# direction_*: unit direction of the current leaving the point (sign of current_weight included)\n")
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(header)
            pd.concat(frames, ignore_index=True).to_csv(fh, index=False, float_format="%.17g")
    return target


def read_csv(path: str | os.PathLike, *, name: str | None = None) -> Coil:
    """A ``Coil`` from a CSV written by ``to_csv`` (polyline windings with their conductor,
    weight and turns; loops come back as the polygons written)."""
    import pandas as pd

    source = check.input_file("path", path)
    try:
        df = pd.read_csv(source, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        check._fail("path", f"a coildesign point-list CSV (it cannot be parsed: {exc})", str(path))
    missing = set(CSV_COLUMNS) - set(df.columns)
    if missing:
        check._fail("path", f"a coildesign point-list CSV with the columns {CSV_COLUMNS}",
                    f"{path} without {sorted(missing)}")
    windings, weights = [], []
    for _, g in df.sort_values(["winding", "point"]).groupby("winding", sort=True):
        row = g.iloc[0]
        if np.isfinite(row["wire_diameter_m"]):
            cs = RoundWire(float(row["wire_diameter_m"]))
        elif np.isfinite(row["strip_width_m"]):
            cs = RectangularStrip(float(row["strip_width_m"]), float(row["strip_thickness_m"]))
        else:
            cs = None
        windings.append(Winding(g[["x_m", "y_m", "z_m"]].to_numpy(), bool(row["closed"]), cs, str(row["material"]),
                                int(row["turns"])))
        weights.append(float(row["current_weight"]))
    return Coil(windings, weights, name=name if name is not None else Path(path).stem)


def to_npz(coil: Coil, path: str | os.PathLike, *, loop_segments: int = 128) -> Path:
    """Write the point lists as a compressed NPZ atomically: ``winding_<k>_points`` (N, 3) [m]
    and ``winding_<k>_direction`` (N, 3) per winding, and per-winding arrays ``closed``,
    ``wire_diameter``, ``strip_width``, ``strip_thickness`` [m] (NaN where not applicable),
    ``current_weight``, ``turns``, ``material`` and the coil ``name``. Returns the path."""
    target = check.output_file("path", path, (".npz",))
    ws = winding_points(coil, loop_segments)
    arrays: dict[str, np.ndarray] = {"name": np.array(coil.name)}
    for k, w in enumerate(ws):
        arrays[f"winding_{k}_points"] = w["points"]
        arrays[f"winding_{k}_direction"] = w["direction"]
    for key in ("closed", "wire_diameter", "strip_width", "strip_thickness", "current_weight", "turns", "material"):
        arrays[key] = np.array([w[key] for w in ws])
    with atomic_path(target) as tmp:
        np.savez_compressed(tmp, **arrays)
    return target
