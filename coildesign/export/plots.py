"""Plots (matplotlib, headless) and VTK files for a probe run. All files written atomically.

Figures are built as ``matplotlib.figure.Figure`` objects with the Agg canvas, so a run
neither changes the user's matplotlib back end nor leaves figures in pyplot's state."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coildesign._files import save_figure

_IDX = {"x": 0, "y": 1, "z": 2}


def _figure(figsize: tuple[float, float]):
    """A headless figure (Agg canvas), independent of pyplot; constrained layout keeps colour
    bar labels clear of the neighbouring axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def plane_points(plane: str, extent: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(u axis [m], points (n*n, 3) [m]) on a coordinate plane through the origin."""
    u = np.linspace(-extent, extent, n)
    uu, vv = np.meshgrid(u, u, indexing="ij")
    pts = np.zeros((n * n, 3))
    pts[:, _IDX[plane[0]]] = uu.ravel()
    pts[:, _IDX[plane[1]]] = vv.ravel()
    return u, pts


def b1_map_plot(coil, path: Path, extent: float, plane: str = "xz", b0_direction=(0.0, 0.0, 1.0)) -> Path:
    """|B1_perp| per ampere [mT/A] on a coordinate plane (image) with contour lines."""
    from coildesign.fields import field

    u, pts = plane_points(plane, extent, 121)
    b = field(coil, pts)
    b0 = np.asarray(b0_direction, float) / np.linalg.norm(b0_direction)
    perp = np.linalg.norm(b - np.outer(b @ b0, b0), axis=1).reshape(len(u), len(u)) * 1e3
    fig = _figure((5.2, 4.4))
    ax = fig.subplots()
    im = ax.imshow(perp.T, origin="lower", extent=np.r_[u[[0, -1]], u[[0, -1]]] * 1e3, cmap="viridis",
                   vmax=np.percentile(perp, 98))
    centre = perp[len(u) // 2, len(u) // 2]
    ax.contour(u * 1e3, u * 1e3, perp.T, levels=centre * np.array([0.9, 0.95, 1.05, 1.1]), colors="w",
               linewidths=0.7)
    fig.colorbar(im, ax=ax, label="|B1 perp| / I [mT/A]")
    ax.set_xlabel(f"{plane[0]} [mm]")
    ax.set_ylabel(f"{plane[1]} [mm]")
    ax.set_title(f"{coil.name}: B1 per ampere (contours +-5 %, +-10 %)")
    return save_figure(fig, path)


def gradient_plots(coil, path: Path, dsv_radius: float) -> Path:
    """Field-deviation map on the plane containing the gradient axis and z (or x), and the
    two deviation measures along the axis."""
    from matplotlib.patches import Circle

    from coildesign.analysis.gradient import deviation_map, deviations

    axis_name = "xyz"[int(np.argmax(np.abs(coil.axis)))]
    plane = {"x": "xz", "y": "yz", "z": "xz"}[axis_name]
    extent = 2 * dsv_radius
    u, v, dev = deviation_map(coil, plane, extent, 81, measure="field")
    fig = _figure((10, 4.2))
    a1, a2 = fig.subplots(1, 2)
    lim = 0.1
    im = a1.imshow(100 * dev.T, origin="lower", extent=np.r_[u[[0, -1]], v[[0, -1]]] * 1e3, cmap="RdBu_r",
                   vmin=-100 * lim, vmax=100 * lim)
    a1.add_patch(Circle((0, 0), dsv_radius * 1e3, fill=False, color="k", ls="--"))
    fig.colorbar(im, ax=a1, label="field deviation B/(G s) - 1 [%]")
    a1.set_xlabel(f"{plane[0]} [mm]")
    a1.set_ylabel(f"{plane[1]} [mm]")
    a1.set_title(f"{coil.name}: field deviation (DSV dashed)")
    s = np.linspace(-extent, extent, 201)
    s = s[np.abs(s) > 1e-3 * extent]
    fd, gd, _, _ = deviations(coil, np.outer(s, coil.axis))
    a2.plot(s * 1e3, 100 * fd, label="field deviation B/(G s) - 1")
    a2.plot(s * 1e3, 100 * gd, label="local-gradient deviation (dB/ds)/G - 1")
    a2.axvspan(-dsv_radius * 1e3, dsv_radius * 1e3, color="0.9")
    a2.set_xlabel(f"{axis_name} along the gradient axis [mm]")
    a2.set_ylabel("deviation [%]")
    a2.set_ylim(-30, 30)
    a2.legend(fontsize=8)
    a2.set_title("linearity profile on axis")
    return save_figure(fig, path)


def psf_plot(psfs, labels, path: Path) -> Path:
    """Overlayed PSF profiles (image coordinate relative to each peak)."""
    fig = _figure((5.5, 3.6))
    ax = fig.subplots()
    for p, lab in zip(psfs, labels):
        peak = p.x[int(np.argmax(p.profile))]
        ax.plot((p.x - peak) * 1e6, p.profile, label=f"{lab}: FWHM {p.fwhm * 1e6:.3g} um")
    ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
    ax.set_xlim(-8 * psfs[0].nominal * 1e6, 8 * psfs[0].nominal * 1e6)
    ax.set_xlabel("image position relative to peak [um]")
    ax.set_ylabel("|PSF|")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def probe_plots(out: Path, rf_coil, sample_extent: float, matched, gradients, dsv_radius: float, psfs) -> list[Path]:
    """Every picture of a probe run; returns the paths written."""
    axis = rf_coil.axis if rf_coil.axis is not None else np.array([1.0, 0, 0])
    plane = "xz" if abs(axis[1]) < 0.5 else "yz"
    matched.plot(out / "rf_s11_smith.png")
    written = [b1_map_plot(rf_coil, out / "rf_b1_map.png", 1.5 * sample_extent, plane), out / "rf_s11_smith.png"]
    for coil, *_ in gradients:
        written.append(gradient_plots(coil, out / f"gradient_{coil.name}_linearity.png", dsv_radius))
    written.append(psf_plot(psfs, ["centre", f"{dsv_radius * 1e3:g} mm off centre"], out / "psf.png"))
    return written


def probe_vtk(out: Path, rf_coil, gradient_coils, dsv_radius: float,
              sample_extent: float) -> tuple[list[Path], list[dict[str, str]]]:
    """ParaView files: windings, the B1 map (|B1perp|, B1+, B1- per ampere [T/A]) and gradient
    field maps per ampere (B [T/A], dB/dr [T/(m A)]) with deviation arrays, plus an off-screen
    rendering where OpenGL works.

    Returns (paths written, skipped) where ``skipped`` lists ``{"file": name, "reason": ...}``
    for every output that could not be made here (no pyvista, no OpenGL)."""
    names = ["rf_coil.vtp", "rf_b1_map.vti", "rf_coil_render.png"]
    for coil in gradient_coils:
        names += [f"gradient_{coil.name}.vtp", f"gradient_{coil.name}_map.vti"]
    try:
        import pyvista  # noqa: F401
    except ImportError as exc:  # a broken vtk install: pyvista is a regular dependency
        return [], [{"file": n, "reason": f"pyvista cannot be imported ({exc})"} for n in names]
    from coildesign.analysis.gradient import deviations
    from coildesign.export.vtk import can_render, render_png, to_vtk
    from coildesign.fields.fieldmap import field_map
    from coildesign.rf.sensitivity import b1_field_map

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
        fm = field_map(coil, size=2 * dsv_radius, n=25, quantities=("B", "dB/dr"))
        fd, gd, _, _ = deviations(coil, fm.points, field_values=fm.arrays["B"],
                                  jacobian=fm.arrays["dB/dr"].reshape(-1, 3, 3))
        fm.add("field_deviation", np.nan_to_num(fd, nan=0.0)).add("gradient_deviation", gd)
        fm.name = f"{coil.name} field per ampere"
        written.append(to_vtk(fm, out / f"gradient_{coil.name}_map.vti", per_ampere=True))  # B [T/A], dB/dr [T/(m A)]
    return written, skipped
