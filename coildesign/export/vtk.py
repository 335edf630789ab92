"""VTK/ParaView export through pyvista (extra ``coildesign[vtk]``; imported lazily).

- Coils -> ``.vtp`` poly data: one polyline cell per winding (loops drawn with 128 segments),
  point data ``current_weight``, cell data ``wire_radius`` [m] (use ParaView's Tube filter
  with "Vary radius by scalar") and ``winding``.
- Field maps -> ``.vti`` (image data), ``.vts`` (structured grid) or ``.vtp`` (surface of a
  plane), with every array of the map (B, |B|, deviations...) as point data.
Files are written atomically (temporary file, then rename). Writing needs no OpenGL; only
rendering does (``render_png``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding
from coildesign.export.files import atomic_path
from coildesign.fields.fieldmap import FieldMap

LOOP_DISPLAY_SEGMENTS = 128


def _pyvista():
    try:
        import pyvista
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("VTK export needs pyvista: pip install 'coildesign[vtk]'") from exc
    return pyvista


def winding_paths(coil: Coil) -> list[np.ndarray]:
    """Display paths [m] of every winding (loops as closed 128-gons)."""
    paths = []
    for w in coil.windings:
        if isinstance(w, LoopWinding):
            from coildesign.fields.engine import _frame

            f = _frame(w.normal)
            t = np.linspace(0, 2 * np.pi, LOOP_DISPLAY_SEGMENTS + 1)
            paths.append(w.center + w.radius * (np.outer(np.cos(t), f[0]) + np.outer(np.sin(t), f[1])))
        else:
            paths.append(np.asarray(w.vertices))
    return paths


def coil_polydata(coil: Coil):
    """A ``pyvista.PolyData`` of the coil's windings (see module doc for the arrays)."""
    pv = _pyvista()
    paths = winding_paths(coil)
    pts = np.vstack(paths)
    lines, start = [], 0
    for p in paths:
        lines.append(np.r_[len(p), np.arange(start, start + len(p))])
        start += len(p)
    poly = pv.PolyData(pts, lines=np.concatenate(lines))
    poly.point_data["current_weight"] = np.concatenate(
        [np.full(len(p), wt) for p, wt in zip(paths, coil.weights)])
    poly.cell_data["wire_radius"] = np.array(
        [0.0 if w.cross_section is None else w.cross_section.field_radius for w in coil.windings])
    poly.cell_data["winding"] = np.arange(len(paths))
    poly.field_data["name"] = np.array([coil.name])
    return poly


def fieldmap_dataset(fm: FieldMap, kind: str = "image"):
    """A pyvista ``ImageData`` (kind="image") or ``StructuredGrid`` (kind="structured")."""
    pv = _pyvista()
    if kind == "image":
        ds = pv.ImageData(dimensions=fm.shape, spacing=tuple(fm.spacing), origin=tuple(fm.origin))
    else:
        pts = fm.points
        ds = pv.StructuredGrid()
        ds.points = pts
        ds.dimensions = fm.shape
    for name, arr in fm.arrays.items():
        ds.point_data[name] = arr
    return ds


def to_vtk(obj: Coil | FieldMap, path: str | os.PathLike) -> Path:
    """Write a ``Coil`` (.vtp) or a ``FieldMap`` (.vti, .vts or .vtp) for ParaView, atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if isinstance(obj, Coil):
        if suffix != ".vtp":
            check._fail("path", "a file name ending in .vtp for a coil", str(path))
        data = coil_polydata(obj)
    elif isinstance(obj, FieldMap):
        check.choice("path suffix", suffix, (".vti", ".vts", ".vtp"))
        data = fieldmap_dataset(obj, "image" if suffix == ".vti" else "structured")
        if suffix == ".vtp":
            data = data.extract_surface(algorithm="dataset_surface")
    else:
        check._fail("obj", "a coildesign Coil or FieldMap", obj, TypeError)
    with atomic_path(target) as tmp:
        data.save(tmp)
    return target


_PROBE = "import pyvista as pv; p = pv.Plotter(off_screen=True); p.add_mesh(pv.Sphere()); p.screenshot(None)"


def can_render() -> tuple[bool, str]:
    """Whether off-screen rendering works here, probed in a subprocess (a missing GL backend
    crashes VTK instead of raising). Headless Linux needs EGL/OSMesa: e.g. Debian packages
    libegl1 libegl-mesa0 libgl1-mesa-dri with VTK_DEFAULT_OPENGL_WINDOW=vtkEGLRenderWindow."""
    try:
        _pyvista()
    except ImportError as exc:
        return False, str(exc)
    env = dict(os.environ)
    env.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    try:
        r = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return False, "off-screen rendering probe timed out"
    if r.returncode != 0:
        return False, f"off-screen rendering unavailable (probe exit {r.returncode}); install an EGL/OSMesa GL stack"
    return True, "ok"


def render_png(coil: Coil, path: str | os.PathLike, fm: FieldMap | None = None, array: str = "|B|") -> Path:
    """Off-screen PNG of the windings (as tubes) and, optionally, a field-map slice coloured by
    ``array``. Raises RuntimeError with advice where the machine cannot render."""
    ok, why = can_render()
    if not ok:
        raise RuntimeError(why)
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    pv = _pyvista()
    plotter = pv.Plotter(off_screen=True, window_size=(900, 700))
    poly = coil_polydata(coil)
    radius = max(float(poly.cell_data["wire_radius"].max()), 1e-3 * float(np.ptp(poly.points, axis=0).max()))
    plotter.add_mesh(poly.tube(radius=radius), color="darkorange")
    if fm is not None:
        plotter.add_mesh(fieldmap_dataset(fm), scalars=array, opacity=0.8, cmap="viridis")
    plotter.view_isometric()
    target = Path(path)
    with atomic_path(target) as tmp:
        plotter.screenshot(str(tmp))
    plotter.close()
    return target
