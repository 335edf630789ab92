"""Pictures of a designed coil: the stream function with its contour wires, and the 3-D winding.

Cylinders are unrolled to (arc length a phi, z) [mm]; plane pairs are drawn plate by plate in
(x, y) [mm]; other meshes show the winding in 3-D only. matplotlib is imported on use.
"""

from __future__ import annotations

import numpy as np

from coildesign._files import save_figure


def _panels(design) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(title, u [mm], v [mm], face indices) per flat view of the surface."""
    s = design.surface
    v = s.vertices
    kind = s.parameters.get("kind")
    if kind == "cylinder":
        a = s.parameters["radius"]
        phi = np.arctan2(v[:, 1], v[:, 0])
        u = a * phi
        span = np.ptp(phi[s.faces], axis=1)
        faces = s.faces[span < np.pi]  # drop the faces that straddle the seam at phi = +-pi
        return [("cylinder, unrolled", 1e3 * u, 1e3 * v[:, 2], faces)]
    if kind == "biplanar":
        top = s.faces[(v[s.faces][:, :, 2] > 0).all(axis=1)]
        bottom = s.faces[(v[s.faces][:, :, 2] < 0).all(axis=1)]
        return [("top plate (z > 0)", 1e3 * v[:, 0], 1e3 * v[:, 1], top),
                ("bottom plate (z < 0)", 1e3 * v[:, 0], 1e3 * v[:, 1], bottom)]
    return []


def plot_design(design, path=None):
    """Stream function psi [A] (filled contours, per 1 A of wire current) with the wire levels
    drawn as lines, and the 3-D winding; returns the figure (saved atomically to ``path``)."""
    import matplotlib.pyplot as plt
    from matplotlib.tri import Triangulation

    panels = _panels(design)
    fig = plt.figure(figsize=(5.0 * (len(panels) + 1), 4.6))
    psi = design.stream_function / design.wire_current  # in units of the wire current
    levels = np.arange(-design.turns, design.turns + 1)
    for k, (title, u, v, faces) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels) + 1, k + 1)
        tri = Triangulation(u, v, faces)
        filled = ax.tricontourf(tri, psi, levels=40, cmap="RdBu_r")
        ax.tricontour(tri, psi, levels=levels[levels != 0] - 0.5 * np.sign(levels[levels != 0]), colors="k",
                      linewidths=0.7)
        ax.set_aspect("equal")
        ax.set_title(title)
        ax.set_xlabel("a phi [mm]" if "cylinder" in title else "x [mm]")
        ax.set_ylabel("z [mm]" if "cylinder" in title else "y [mm]")
        fig.colorbar(filled, ax=ax, label="stream function / wire current")
    ax3 = fig.add_subplot(1, len(panels) + 1, len(panels) + 1, projection="3d")
    design.coil.plot(ax3, arrows=False)
    ax3.set_title(f"{design.name}: {len(design.coil.windings)} windings, {design.wire_length:.3g} m of wire")
    fig.suptitle(f"eta = {design.efficiency * 1e3:.4g} mT/(m A), L = {design.inductance * 1e6:.4g} uH, "
                 f"max deviation {100 * design.max_deviation:.3g} % over DSV r = {design.dsv_radius * 1e3:.3g} mm")
    fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig
