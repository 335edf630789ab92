"""VTK/ParaView export through pyvista (a regular dependency, imported lazily because vtk
costs ~1 s to import).

Every array is named ``"<quantity> [<unit>]"`` (unit ``1`` for dimensionless ratios), vector
and tensor arrays carry VTK component names (``Bx``, ``dBx/dy``, ``re``/``im``...), and the
field data hold one string ``"unit: <quantity>"`` per array with the unit alone, so ParaView
shows ``B [T]`` with components ``Bx By Bz`` rather than ``B_0 B_1 B_2``.

- Coils -> ``.vtp`` poly data (or ``.vtu``): one polyline cell per winding (loops drawn as
  128-gons); point data ``current weight [1]`` and ``current direction [1]`` (unit tangent
  times the sign of the weight, for ParaView's Glyph filter); cell data ``wire radius [m]``
  (Tube filter, "Vary radius by scalar") and ``winding [1]``.
- Field maps -> ``.vti`` (image data), ``.vts`` (structured grid), ``.vtu`` (unstructured
  grid) or ``.vtp`` (the outer surface); ``b1_field_map`` builds the B1 map of an RF coil
  (``|B1perp|``, ``B1+``, ``B1-``; per ampere, ``[T/A]``). A map of a coil evaluated for a
  current of 1 A is a map per ampere: ``to_vtk(fm, path, per_ampere=True)`` labels it so
  (``B [T/A]``, ``|B| [T/A]``, ``A [T m/A]``, ``dB/dr [T/(m A)]``, ``PER_AMPERE``), as the
  probe run's gradient maps are; without it the arrays are the field at the map's current
  (``B [T]``).
Files are written atomically. Writing needs no OpenGL; only rendering does (``render_png``,
``coil_scene``), and rendering is probed once per process (``can_render``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.coil import Coil
from coildesign.fields.fieldmap import FieldMap

LOOP_DISPLAY_SEGMENTS = 128

_XYZ = ("x", "y", "z")
# quantity name in a FieldMap -> (unit, component names)
QUANTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "B": ("T", tuple(f"B{c}" for c in _XYZ)),
    "|B|": ("T", ()),
    "A": ("T m", tuple(f"A{c}" for c in _XYZ)),
    "dB/dr": ("T/m", tuple(f"dB{i}/d{j}" for i in _XYZ for j in _XYZ)),
    "field_deviation": ("1", ()),
    "gradient_deviation": ("1", ()),
    "|B1perp|": ("T/A", ()),
    "|B1+|": ("T/A", ()),
    "|B1-|": ("T/A", ()),
    "B1+": ("T/A", ("re", "im")),
    "B1-": ("T/A", ("re", "im")),
    "current direction": ("1", _XYZ),
}
# units of the engine's quantities in a map computed per ampere of coil current (current = 1 A)
PER_AMPERE: dict[str, str] = {"B": "T/A", "|B|": "T/A", "A": "T m/A", "dB/dr": "T/(m A)"}
_BRACKETED = re.compile(r"^(?P<quantity>.+?)\s*\[(?P<unit>[^\]]*)\]$")


def _pyvista():
    """pyvista, imported on first use (vtk takes ~1 s to import)."""
    import pyvista

    return pyvista


def quantity_and_unit(name: str, units: dict[str, str] | None = None) -> tuple[str, str]:
    """(quantity, unit) of an array name: ``"B [T]"`` -> ("B", "T"); known FieldMap names
    (``QUANTITIES``) and ``units`` (name -> unit) supply the unit of bare names; otherwise
    ``ValueError`` naming the array (an array without a unit would be ambiguous in ParaView)."""
    m = _BRACKETED.match(name)
    if m:
        return m["quantity"], m["unit"]
    if units and name in units:
        return name, units[name]
    if name in QUANTITIES:
        return name, QUANTITIES[name][0]
    check._fail("units", f"a unit for the array {name!r} (name it '{name} [unit]' or pass units={{{name!r}: ...}})",
                units)
    return name, ""  # unreachable: _fail raises


def _add_array(data, attributes, name: str, values: np.ndarray, units: dict[str, str] | None = None) -> str:
    """Store ``values`` as ``"<quantity> [<unit>]"`` with component names and a unit record."""
    quantity, unit = quantity_and_unit(name, units)
    label = f"{quantity} [{unit}]"
    v = np.asarray(values)
    if np.iscomplexobj(v):
        v = np.stack([v.real, v.imag], axis=-1) if v.ndim == 1 else np.concatenate([v.real, v.imag], axis=1)
    attributes[label] = v
    comps = QUANTITIES.get(quantity, ("", ()))[1]
    if v.ndim == 2 and len(comps) == v.shape[1]:
        arr = attributes.GetArray(label)
        for i, c in enumerate(comps):
            arr.SetComponentName(i, c)
    data.field_data[f"unit: {quantity}"] = np.array([unit])
    return label


def winding_paths(coil: Coil) -> list[np.ndarray]:
    """Display paths [m] of every winding (loops as closed 128-gons); see ``Coil.paths``."""
    return coil.paths(LOOP_DISPLAY_SEGMENTS)


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
    directions = []
    for p, wt in zip(paths, coil.weights):
        t = np.gradient(p, axis=0)
        directions.append(np.sign(wt) * t / np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-300))
    _add_array(poly, poly.point_data, "current weight [1]", np.concatenate(
        [np.full(len(p), wt) for p, wt in zip(paths, coil.weights)]))
    _add_array(poly, poly.point_data, "current direction [1]", np.vstack(directions))
    _add_array(poly, poly.cell_data, "wire radius [m]", np.array(
        [0.0 if w.cross_section is None else w.cross_section.field_radius for w in coil.windings]))
    _add_array(poly, poly.cell_data, "winding [1]", np.arange(len(paths)))
    poly.field_data["name"] = np.array([coil.name])
    return poly


def fieldmap_dataset(fm: FieldMap, kind: str = "image", units: dict[str, str] | None = None, *,
                     per_ampere: bool = False):
    """A pyvista ``ImageData`` (kind="image"), ``StructuredGrid`` ("structured") or
    ``UnstructuredGrid`` ("unstructured") of ``fm`` with named arrays (module doc);
    ``per_ampere``: label B, |B|, A and dB/dr per ampere (``PER_AMPERE``)."""
    pv = _pyvista()
    check.choice("kind", kind, ("image", "structured", "unstructured"))
    if not isinstance(per_ampere, (bool, np.bool_)):
        check._fail("per_ampere", "True or False", per_ampere, TypeError)
    if per_ampere:
        units = {**PER_AMPERE, **(units or {})}
    if kind == "image":
        ds = pv.ImageData(dimensions=fm.shape, spacing=tuple(fm.spacing), origin=tuple(fm.origin))
    else:
        ds = pv.StructuredGrid()
        ds.points = fm.points
        ds.dimensions = fm.shape
    for name, arr in fm.arrays.items():
        _add_array(ds, ds.point_data, name, arr, units)
    ds.field_data["name"] = np.array([fm.name])
    return ds.cast_to_unstructured_grid() if kind == "unstructured" else ds


def to_vtk(obj: Coil | FieldMap, path: str | os.PathLike, *, units: dict[str, str] | None = None,
           per_ampere: bool = False) -> Path:
    """Write a ``Coil`` (.vtp or .vtu) or a ``FieldMap`` (.vti, .vts, .vtu, or .vtp for its
    outer surface) for ParaView, atomically. ``units`` maps FieldMap array names without a
    bracketed unit to their unit (it takes precedence over ``QUANTITIES``). ``per_ampere``: the
    map holds values per ampere of coil current (a ``field_map`` at its default current of
    1 A): B and |B| are labelled ``[T/A]``, A ``[T m/A]``, dB/dr ``[T/(m A)]``, like the B1 map's
    ``[T/A]``. Returns the path written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if isinstance(obj, Coil):
        check.choice("path suffix (for a coil)", suffix, (".vtp", ".vtu"))
        data = coil_polydata(obj)
        if suffix == ".vtu":
            data = data.cast_to_unstructured_grid()
    elif isinstance(obj, FieldMap):
        check.choice("path suffix", suffix, (".vti", ".vts", ".vtu", ".vtp"))
        kind = {".vti": "image", ".vtu": "unstructured"}.get(suffix, "structured")
        data = fieldmap_dataset(obj, kind, units, per_ampere=per_ampere)
        if suffix == ".vtp":
            data = data.extract_surface(algorithm="dataset_surface")
    else:
        check._fail("obj", "a coildesign Coil or FieldMap", obj, TypeError)
    with atomic_path(target) as tmp:
        data.save(tmp)
    return target


# ---------------------------------------------------------------------------- rendering
_PROBE = "import pyvista as pv; p = pv.Plotter(off_screen=True); p.add_mesh(pv.Sphere()); p.screenshot(None)"
_EGL = {"VTK_DEFAULT_OPENGL_WINDOW": "vtkEGLRenderWindow"}
_render_probe: tuple[bool, str, dict[str, str]] | None = None
_pending: list[tuple[dict[str, str], subprocess.Popen]] = []  # probe started by start_render_probe


def _launch(extra_env: dict[str, str]) -> subprocess.Popen:
    """Start the rendering probe with ``extra_env`` in a subprocess."""
    return subprocess.Popen([sys.executable, "-c", _PROBE], env={**os.environ, **extra_env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _outcome(proc: subprocess.Popen) -> tuple[bool, str]:
    """(rendered, reason) of a started probe, waiting at most 120 s for it."""
    try:
        code = proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False, "the off-screen rendering probe timed out"
    if code != 0:
        return False, f"off-screen rendering unavailable (probe exit code {code})"
    return True, "ok"


def _candidates() -> list[dict[str, str]]:
    """Environments to probe in turn: VTK's EGL window first on Linux without a display (and no
    ``VTK_DEFAULT_OPENGL_WINDOW`` of the user's), then the default window."""
    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and os.environ.get("VTK_DEFAULT_OPENGL_WINDOW") is None):
        return [_EGL, {}]
    return [{}]


def start_render_probe() -> None:
    """Start ``can_render``'s probe in the background (a run that renders at its end calls this
    first, so the ~1 s the probe needs to import pyvista overlaps the computation)."""
    if _render_probe is None and not _pending:
        extra = _candidates()[0]
        _pending.append((extra, _launch(extra)))


def can_render() -> tuple[bool, str]:
    """(whether rendering works here, reason). VTK crashes the process instead of raising when
    no OpenGL back end exists, so this renders a sphere in a subprocess, once per process (the
    answer is cached; ``start_render_probe`` starts it early). Without an X display on Linux
    (and no ``VTK_DEFAULT_OPENGL_WINDOW`` of the user's) it tries VTK's EGL window first
    (``VTK_DEFAULT_OPENGL_WINDOW=vtkEGLRenderWindow``, which rendering then sets only while it
    creates its window, sparing VTK a failed X connection), then the default window. Headless
    Linux needs EGL or OSMesa, e.g. the Debian packages libegl1 libegl-mesa0 libgl1-mesa-dri."""
    global _render_probe
    if _render_probe is None:
        start_render_probe()
        first, proc = _pending.pop()
        reasons = []
        for extra in [first] + [c for c in _candidates() if c != first]:
            ok, why = _outcome(proc if extra is first else _launch(extra))
            if ok:
                _render_probe = (True, "ok", extra)
                break
            reasons.append(why + (" with the EGL window" if extra else ""))
        else:
            _render_probe = (False, "; ".join(reasons) + ": install an EGL or OSMesa GL stack", {})
    return _render_probe[0], _render_probe[1]


@contextmanager
def _render_environment():
    """Set the variables the probe needed (if any) while VTK creates a window, then restore
    the user's environment exactly."""
    can_render()
    extra = _render_probe[2] if _render_probe else {}
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _scalar_bar(title: str) -> dict:
    """Vertical colour bar inside the window, room left for its last label."""
    return {"title": title, "vertical": True, "position_x": 0.84, "position_y": 0.12, "width": 0.07,
            "height": 0.72, "fmt": "%.3g", "title_font_size": 16, "label_font_size": 14, "n_labels": 5}


def coil_scene(coil: Coil, fm: FieldMap | None = None, scalars: str | None = None, *, off_screen: bool = False,
               window_size: tuple[int, int] = (900, 700)):
    """A ``pyvista.Plotter`` with the windings as tubes (at least 1/1000 of the coil's size
    thick) and, optionally, the field map coloured by the array ``scalars`` (FieldMap name,
    e.g. ``"|B|"``; default the first scalar array) with a colour bar titled with its unit.
    Call ``can_render()`` first: a machine without OpenGL crashes here."""
    pv = _pyvista()
    with _render_environment():
        plotter = pv.Plotter(off_screen=off_screen, window_size=window_size)
    poly = coil_polydata(coil)
    radius = max(float(poly.cell_data["wire radius [m]"].max()), 1e-3 * float(np.ptp(poly.points, axis=0).max()))
    plotter.add_mesh(poly.tube(radius=radius), color="darkorange")
    if fm is not None:
        ds = fieldmap_dataset(fm)
        if scalars is None:
            scalars = next((k for k, v in fm.arrays.items() if np.ndim(v) == 1), None)
            if scalars is None:
                check._fail("scalars", "the name of a scalar array of the field map", scalars)
        if scalars not in fm.arrays:
            check._fail("scalars", f"one of {sorted(fm.arrays)}", scalars)
        quantity, unit = quantity_and_unit(scalars)
        # VTK's scalar-bar font drops "|": write |Q| as "Q magnitude"
        title = re.sub(r"^\|(.+)\|$", r"\1 magnitude", quantity) + f" [{unit}]"
        plotter.add_mesh(ds, scalars=f"{quantity} [{unit}]", opacity=0.85, cmap="viridis",
                         scalar_bar_args=_scalar_bar(title))
    plotter.view_isometric()
    return plotter


def show(coil: Coil, field_map: FieldMap | None = None, scalars: str | None = None, *, off_screen: bool = False,
         **show_kwargs):
    """Show the windings of ``coil`` (tubes of the wire diameter) and optionally a ``FieldMap``
    (a slice or a block, coloured by the array ``scalars``; default its first array's
    magnitude) in a pyvista window, or inline in Jupyter (pyvista's static or trame back end;
    ``show_kwargs`` go to ``Plotter.show``, e.g. ``jupyter_backend="static"`` or
    ``screenshot="coil.png"`` with ``off_screen=True``).

    Rendering needs OpenGL; where it is missing VTK crashes the process instead of raising, so
    rendering is probed once per process in a subprocess (``can_render``). Without it this warns
    with the reason and returns None; otherwise it returns the ``pyvista.Plotter``.
    """
    ok, why = can_render()
    if not ok:
        warnings.warn(f"show: skipped, cannot render here ({why}); use Coil.plot() (matplotlib) or export with "
                      "coildesign.export.to_vtk and open the file in ParaView", stacklevel=2)
        return None
    plotter = coil_scene(coil, field_map, scalars, off_screen=off_screen)
    plotter.show(**show_kwargs)
    return plotter


def render_png(coil: Coil, path: str | os.PathLike, fm: FieldMap | None = None, array: str = "|B|") -> Path:
    """Off-screen PNG of the windings (as tubes) and, optionally, the field map ``fm``
    coloured by its array ``array`` with a colour bar carrying the unit. Raises RuntimeError
    with advice where the machine cannot render (probed once per process, ``can_render``).
    The process environment is left as it was."""
    ok, why = can_render()
    if not ok:
        raise RuntimeError(why)
    plotter = coil_scene(coil, fm, array if fm is not None else None, off_screen=True)
    target = Path(path)
    with atomic_path(target) as tmp:
        plotter.screenshot(str(tmp))
    plotter.close()
    return target
