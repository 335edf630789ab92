"""The output stage of a probe run (``workflow.run_design``): the data of every picture and
field map is computed here, from the floors that own the physics (``rf.sensitivity``,
``analysis.gradient``, ``fields``), and handed to ``export`` to be written.

- ``b1_plane``: |B1_perp| per ampere of the RF coil on a coordinate plane;
- ``gradient_profiles``: a gradient coil's field-deviation map and its two deviation measures
  along the gradient axis (field B/(G s) - 1, local gradient (dB/ds)/G - 1);
- ``gradient_map``: a gradient coil's field map per ampere with the deviation arrays;
- ``probe_plots`` and ``probe_vtk``: every PNG and every ParaView file of a run;
- ``sequence_plots``: the pictures of the gradients playing the imaging sequence (currents and
  voltages, coil temperatures, force vectors on each coil in B0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coildesign._files import save_figure
from coildesign.analysis.drive import Drive
from coildesign.analysis.gradient import deviation_map, deviations
from coildesign.coil import Coil
from coildesign.export import plots
from coildesign.export.vtk import can_render, render_png, to_vtk
from coildesign.fields.fieldmap import FieldMap, field_map
from coildesign.rf.sensitivity import b1_field_map, b1_map

_IDX = {"x": 0, "y": 1, "z": 2}


def plane_points(plane: str, extent: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(u axis [m], points (n*n, 3) [m]) on the coordinate ``plane`` ("xy", "xz", "yz") through
    the origin, ``n`` points per side from -``extent`` to ``extent`` [m]; points indexed [u, v]."""
    u = np.linspace(-extent, extent, n)
    uu, vv = np.meshgrid(u, u, indexing="ij")
    pts = np.zeros((n * n, 3))
    pts[:, _IDX[plane[0]]] = uu.ravel()
    pts[:, _IDX[plane[1]]] = vv.ravel()
    return u, pts


def b1_plane(coil: Coil, plane: str, extent: float, n: int = 121,
             b0_direction=(0.0, 0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """(u axis [m], |B1_perp| per ampere (n, n) [T/A] indexed [u, v]) of ``coil`` on a
    coordinate ``plane`` of half width ``extent`` [m] (``rf.sensitivity.b1_map``)."""
    u, pts = plane_points(plane, extent, n)
    return u, b1_map(coil, pts, b0_direction=b0_direction).magnitude.reshape(n, n)


@dataclass(frozen=True)
class GradientProfiles:
    """The linearity pictures of one gradient coil: the field-deviation map ``deviation`` (n, n)
    [1] on the grid ``u`` x ``v`` [m] of ``plane`` (containing the gradient axis), and the field
    and local-gradient deviations [1] at positions ``s`` [m] along the gradient axis
    ``axis_name``."""

    name: str
    axis_name: str
    plane: str
    u: np.ndarray
    v: np.ndarray
    deviation: np.ndarray
    s: np.ndarray
    field_deviation: np.ndarray
    gradient_deviation: np.ndarray


def gradient_profiles(coil: Coil, dsv_radius: float) -> GradientProfiles:
    """Deviation map (81 x 81 over twice the DSV radius ``dsv_radius`` [m]) on the plane of the
    gradient axis and z (x for a z gradient), and both deviation measures at 201 points along
    the axis (the origin, where the field deviation is 0/0, left out)."""
    axis_name = "xyz"[int(np.argmax(np.abs(coil.axis)))]
    plane = {"x": "xz", "y": "yz", "z": "xz"}[axis_name]
    extent = 2 * dsv_radius
    u, v, dev = deviation_map(coil, plane, extent, 81, measure="field")
    s = np.linspace(-extent, extent, 201)
    s = s[np.abs(s) > 1e-3 * extent]
    fd, gd, _, _ = deviations(coil, np.outer(s, coil.axis))
    return GradientProfiles(coil.name, axis_name, plane, u, v, dev, s, fd, gd)


def gradient_map(coil: Coil, dsv_radius: float, n: int = 25) -> FieldMap:
    """Field map per ampere of a gradient coil on a cube of edge ``2 dsv_radius`` [m]: B [T/A],
    dB/dr [T/(m A)], the field deviation B/(G s) - 1 (0 where s = 0) and the local-gradient
    deviation (dB/ds)/G - 1 [1]."""
    fm = field_map(coil, size=2 * dsv_radius, n=n, quantities=("B", "dB/dr"))
    fd, gd, _, _ = deviations(coil, fm.points, field_values=fm.arrays["B"],
                              jacobian=fm.arrays["dB/dr"].reshape(-1, 3, 3))
    fm.add("field_deviation", np.nan_to_num(fd, nan=0.0)).add("gradient_deviation", gd)
    fm.name = f"{coil.name} field per ampere"
    return fm


def probe_plots(out: Path, rf_coil: Coil, sample_extent: float, matched, gradient_coils: list[Coil],
                dsv_radius: float, psfs) -> list[Path]:
    """Every picture of a probe run into the folder ``out``: the B1 map over 1.5 times the
    sample's half extent ``sample_extent`` [m], S11 and Smith chart of ``matched``, the
    linearity of each gradient coil around the DSV of ``dsv_radius`` [m], the PSF profiles
    ``psfs`` (centre, DSV edge); returns the paths written."""
    axis = rf_coil.axis if rf_coil.axis is not None else np.array([1.0, 0, 0])
    plane = "xz" if abs(axis[1]) < 0.5 else "yz"
    matched.plot(out / "rf_s11_smith.png")
    u, perp = b1_plane(rf_coil, plane, 1.5 * sample_extent)
    written = [plots.b1_map_plot(u, perp, out / "rf_b1_map.png", plane=plane, name=rf_coil.name),
               out / "rf_s11_smith.png"]
    for coil in gradient_coils:
        p = gradient_profiles(coil, dsv_radius)
        written.append(plots.gradient_plots(
            out / f"gradient_{coil.name}_linearity.png", name=p.name, axis_name=p.axis_name, plane=p.plane, u=p.u,
            v=p.v, deviation_map=p.deviation, s=p.s, field_deviation=p.field_deviation,
            gradient_deviation=p.gradient_deviation, dsv_radius=dsv_radius))
    written.append(plots.psf_plot(psfs, ["centre", f"{dsv_radius * 1e3:g} mm off centre"], out / "psf.png"))
    return written


def probe_vtk(out: Path, rf_coil: Coil, gradient_coils: list[Coil], dsv_radius: float,
              sample_extent: float) -> tuple[list[Path], list[dict[str, str]]]:
    """ParaView files: windings, the B1 map (|B1perp|, B1+, B1- per ampere [T/A]) and gradient
    field maps per ampere (``gradient_map``), plus an off-screen rendering where OpenGL works.

    Returns (paths written, skipped) where ``skipped`` lists ``{"file": name, "reason": ...}``
    for every output that could not be made here (no pyvista, no OpenGL)."""
    names = ["rf_coil.vtp", "rf_b1_map.vti", "rf_coil_render.png"]
    for coil in gradient_coils:
        names += [f"gradient_{coil.name}.vtp", f"gradient_{coil.name}_map.vti"]
    try:
        import pyvista  # noqa: F401
    except ImportError as exc:  # a broken vtk install: pyvista is a regular dependency
        return [], [{"file": n, "reason": f"pyvista cannot be imported ({exc})"} for n in names]

    written, skipped = [to_vtk(rf_coil, out / "rf_coil.vtp")], []
    written.append(to_vtk(b1_field_map(rf_coil, size=3 * sample_extent, n=31), out / "rf_b1_map.vti"))
    ok, why = can_render()
    if ok:
        plane = b1_field_map(rf_coil, size=(3 * sample_extent, 0.0, 3 * sample_extent), n=61)
        written.append(render_png(rf_coil, out / "rf_coil_render.png", plane, "|B1perp|"))
    else:
        skipped.append({"file": "rf_coil_render.png", "reason": why})
    for coil in gradient_coils:
        written.append(to_vtk(coil, out / f"gradient_{coil.name}.vtp"))
        fm = gradient_map(coil, dsv_radius)
        written.append(to_vtk(fm, out / f"gradient_{coil.name}_map.vti", per_ampere=True))  # B [T/A], dB/dr [T/(m A)]
    return written, skipped


FORCE_ARROWS = 250  # about this many force arrows per coil picture


def sequence_plots(out: Path, played: Drive, thermals: dict, in_b0: dict, window: float) -> list[Path]:
    """The pictures of a gradient set playing a sequence into the folder ``out``: currents [A]
    and voltages [V] of every channel over the first ``window`` [s] (``Drive.plot``:
    ``sequence_drive.png``), the coil temperatures from ambient with the scan repeated
    (``Thermal.plot``, one curve per channel over five of the longest finite time constant, or
    1.5 times the shortest time to the limit on a runaway: ``sequence_temperature.png``) and
    the force on every element of each coil in B0 at its peak current (``Forces.plot``, one
    panel per coil: ``forces_b0.png``); channel keys "x", "y", "z" of ``thermals`` and ``in_b0`` as in
    ``played``. Returns the paths written."""
    written = [save_figure(played.plot(window=(0.0, window)), out / "sequence_drive.png")]
    spans = [5 * t.time_constant for t in thermals.values() if np.isfinite(t.time_constant) and t.time_constant > 0]
    spans += [1.5 * t.time_to_limit for t in thermals.values()
              if t.runaway and t.time_to_limit is not None and np.isfinite(t.time_to_limit)]
    duration = max(spans) if spans else 1.0
    ax = None
    for name, th in thermals.items():
        ax = th.plot(duration, ax=ax, label=f"G{name}")
    ax.legend(fontsize=7)
    ax.set_title("coil temperature, scan repeated (limit dashed)")
    written.append(save_figure(ax.figure, out / "sequence_temperature.png"))
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4.2 * len(in_b0), 4.2))
    for k, (name, forces) in enumerate(in_b0.items()):
        every = max(1, len(forces.segment_points) // FORCE_ARROWS)
        forces.plot(played[name].coil, fig.add_subplot(1, len(in_b0), k + 1, projection="3d"), every=every)
    written.append(save_figure(fig, out / "forces_b0.png", dpi=100))
    return written
