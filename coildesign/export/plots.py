"""Plots (matplotlib, headless) of a probe run, from data computed by the workflow
(``coildesign.workflow_outputs``). All files written atomically.

Figures are built as ``matplotlib.figure.Figure`` objects with the Agg canvas, so a run
neither changes the user's matplotlib back end nor leaves figures in pyplot's state."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coildesign._files import save_figure


def _figure(figsize: tuple[float, float]):
    """A headless figure (Agg canvas), independent of pyplot; constrained layout keeps colour
    bar labels clear of the neighbouring axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def b1_map_plot(u: np.ndarray, b1_perp: np.ndarray, path: Path, *, plane: str = "xz", name: str = "RF coil") -> Path:
    """Image of |B1_perp| per ampere (``b1_perp`` (n, n) [T/A], indexed [u, v]) on the square
    grid ``u`` x ``u`` [m] of a coordinate ``plane``, shown in mT/A with contour lines at
    +-5 % and +-10 % of the centre value; ``name`` titles the plot."""
    perp = np.asarray(b1_perp) * 1e3
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
    ax.set_title(f"{name}: B1 per ampere (contours +-5 %, +-10 %)")
    return save_figure(fig, path)


def gradient_plots(path: Path, *, name: str, axis_name: str, plane: str, u: np.ndarray, v: np.ndarray,
                   deviation_map: np.ndarray, s: np.ndarray, field_deviation: np.ndarray,
                   gradient_deviation: np.ndarray, dsv_radius: float) -> Path:
    """Two panels of a gradient coil ``name``: the field-deviation map ``deviation_map`` (n, n)
    [1] on the grid ``u`` x ``v`` [m] of ``plane`` with the linearity sphere of ``dsv_radius``
    [m] dashed, and the field and local-gradient deviations [1] at the positions ``s`` [m]
    along the gradient axis ``axis_name``."""
    from matplotlib.patches import Circle

    fig = _figure((10, 4.2))
    a1, a2 = fig.subplots(1, 2)
    lim = 0.1
    im = a1.imshow(100 * deviation_map.T, origin="lower", extent=np.r_[u[[0, -1]], v[[0, -1]]] * 1e3,
                   cmap="RdBu_r", vmin=-100 * lim, vmax=100 * lim)
    a1.add_patch(Circle((0, 0), dsv_radius * 1e3, fill=False, color="k", ls="--"))
    fig.colorbar(im, ax=a1, label="field deviation B/(G s) - 1 [%]")
    a1.set_xlabel(f"{plane[0]} [mm]")
    a1.set_ylabel(f"{plane[1]} [mm]")
    a1.set_title(f"{name}: field deviation (DSV dashed)")
    a2.plot(s * 1e3, 100 * field_deviation, label="field deviation B/(G s) - 1")
    a2.plot(s * 1e3, 100 * gradient_deviation, label="local-gradient deviation (dB/ds)/G - 1")
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
