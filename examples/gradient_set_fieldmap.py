"""Three-axis gradient set for a 10 mm bore: field maps and linearity.

Builds Golay x/y and Maxwell z coils (coildesign.geometries.gradient_set), prints each coil's
efficiency and linearity over a 3 mm DSV, and saves Bz maps on the xz plane with the
field-deviation contours, plus on-axis deviation profiles.

Run:  python examples/gradient_set_fieldmap.py [output_folder]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import coildesign as cd  # noqa: E402
from coildesign.analysis import deviations, gradient_efficiency, linearity  # noqa: E402
from coildesign.export.files import save_figure  # noqa: E402
from coildesign.geometries import gradient_set  # noqa: E402


def main(out: Path) -> None:
    coils = gradient_set(5e-3, points_per_arc=128)
    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    u = np.linspace(-3e-3, 3e-3, 81)
    uu, vv = np.meshgrid(u, u, indexing="ij")
    for col, coil in enumerate(coils):
        across = coil.axis if abs(coil.axis[2]) < 0.5 else np.array([1.0, 0.0, 0.0])
        pts = np.outer(uu.ravel(), across) + np.outer(vv.ravel(), [0.0, 0.0, 1.0])
        name = "xyz"[int(np.argmax(np.abs(across)))]
        eta = gradient_efficiency(coil)
        lin = linearity(coil, 1.5e-3)
        print(f"{coil.name}: eta = {eta * 1e3:.4g} mT/(m A); over a 3 mm DSV: max field deviation "
              f"{100 * lin.max_field_deviation:.3g} %, max local-gradient deviation "
              f"{100 * lin.max_gradient_deviation:.3g} %")
        bz = cd.field(coil, pts)[:, 2].reshape(uu.shape)
        ax = axes[0, col]
        im = ax.imshow(bz.T * 1e3, origin="lower", extent=np.r_[u[[0, -1]], u[[0, -1]]] * 1e3, cmap="RdBu_r")
        fig.colorbar(im, ax=ax, label="Bz per ampere [mT/A]")
        ax.set_title(f"{coil.name}: Bz on the {name}z plane")
        ax.set_xlabel(f"{name} [mm]")
        ax.set_ylabel("z [mm]")
        s = np.linspace(-3e-3, 3e-3, 121)
        s = s[np.abs(s) > 1e-6]
        fd, gd, _, _ = deviations(coil, np.outer(s, coil.axis))
        ax = axes[1, col]
        ax.plot(s * 1e3, 100 * fd, label="field deviation B/(G s) - 1")
        ax.plot(s * 1e3, 100 * gd, label="local-gradient deviation")
        ax.axvspan(-1.5, 1.5, color="0.92")
        ax.set_ylim(-20, 20)
        ax.set_xlabel(f"position along {coil.name[1]} [mm]")
        ax.set_ylabel("deviation [%]")
        ax.legend(fontsize=8)
    print("saved", save_figure(fig, out / "gradient_set_fieldmap.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("coildesign-output"))
