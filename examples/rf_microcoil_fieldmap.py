"""|B1| per ampere of a 1 mm microcoil solenoid on the xz-plane.

Builds the 5-turn, 1 mm diameter, 1 mm long solenoid of ``microcoil_probe.toml`` (0.1 mm
wire), evaluates B per ampere on a 241 x 241 grid of the xz-plane with ``coildesign.field``
and saves ``rf_microcoil_fieldmap.png`` (map plus the on-axis profile against the current
sheet formula) into the output folder.

Usage:  python examples/rf_microcoil_fieldmap.py [output_folder]   (default coildesign-output/)
Runs headless (matplotlib Agg) in about a second.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.constants import mu_0  # noqa: E402

import coildesign as cd  # noqa: E402
from coildesign.geometries.rf_coils import solenoid  # noqa: E402


def main(output: str = "coildesign-output") -> Path:
    radius, length, turns, wire = 0.5e-3, 1.0e-3, 5, 0.1e-3  # [m]
    coil = solenoid(radius, length, turns, wire_diameter=wire, points_per_turn=128)
    print(coil)

    x = np.linspace(-1.5e-3, 1.5e-3, 241)
    z = np.linspace(-1.5e-3, 1.5e-3, 241)
    xx, zz = np.meshgrid(x, z)
    pts = np.c_[xx.ravel(), np.zeros(xx.size), zz.ravel()]
    b = cd.field(coil, pts)  # [T] for 1 A
    b1 = np.linalg.norm(b, axis=1).reshape(xx.shape) * 1e3  # [mT/A]

    axis = np.c_[np.zeros_like(z), np.zeros_like(z), z]
    bz_axis = cd.field(coil, axis)[:, 2] * 1e3
    u1, u2 = z + length / 2, z - length / 2
    sheet = mu_0 * turns / (2 * length) * (u1 / np.hypot(radius, u1) - u2 / np.hypot(radius, u2)) * 1e3
    centre = float(cd.field(coil, [0, 0, 0])[0, 2] * 1e3)
    print(f"B1/I at the centre: {centre:.4f} mT/A (current sheet {sheet[len(z) // 2]:.4f} mT/A)")

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1.15, 1]})
    im = ax0.pcolormesh(x * 1e3, z * 1e3, b1, shading="auto", cmap="viridis", vmin=0, vmax=2 * centre)
    ax0.contour(x * 1e3, z * 1e3, b1 / centre, levels=[0.9, 0.95, 1.05, 1.1], colors="w", linewidths=0.6)
    # wire cross-sections where the helix pierces the xz-plane (y = 0, x > 0 and x < 0)
    pitch = length / turns
    for sign, offset in ((1.0, 0.0), (-1.0, 0.5)):
        zc = -length / 2 + (np.arange(turns + 1) + offset) * pitch
        for zi in zc[zc <= length / 2 + 1e-12]:
            ax0.add_patch(plt.Circle((sign * radius * 1e3, zi * 1e3), wire / 2 * 1e3, fill=False, color="r", lw=0.8))
    ax0.set(xlabel="x [mm]", ylabel="z [mm]", aspect="equal",
            title="|B1| / I on the xz-plane (contours: ±5 %, ±10 % of centre)")
    fig.colorbar(im, ax=ax0, label="|B1| / I [mT/A]")
    ax1.plot(z * 1e3, bz_axis, label="helix (coildesign.field)")
    ax1.plot(z * 1e3, sheet, "--", label="current sheet formula")
    ax1.axvspan(-length / 2 * 1e3, length / 2 * 1e3, color="0.9", zorder=0)
    ax1.set(xlabel="z [mm]", ylabel="Bz / I on the axis [mT/A]", title="On-axis profile")
    ax1.legend()
    fig.tight_layout()

    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rf_microcoil_fieldmap.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "coildesign-output")
