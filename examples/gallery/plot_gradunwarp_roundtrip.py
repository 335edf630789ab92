"""
gradunwarp round trip
=====================

The spherical-harmonic expansion of a three-axis gradient set (Golay x/y, Maxwell z, 10 mm
bore) is written as a Siemens-format ``.grad`` coefficient file
(``coildesign.export.to_gradunwarp``). gradunwarp (Glasser et al., the HCP gradient
nonlinearity correction) reads the file back and computes the displacement of every point;
it must agree with coildesign's own ``geometric_distortion`` (the encoded position Bz/eta minus
the true position), computed directly from Biot-Savart fields.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from gradunwarp.core.coeffs import get_coefficients
from gradunwarp.core.unwarp_resample import eval_spherical_harmonics

from coildesign.analysis import geometric_distortion, spherical_harmonics
from coildesign.export import to_gradunwarp
from coildesign.geometries import gradient_set

R0 = 3e-3  # reference radius of the expansion [m]
coils = gradient_set(5e-3)
sh = spherical_harmonics(coils.x, R0, 9)
print(f"Gx expansion: A11 = {sh.A[1, 1]:.6g} T/A, relative residual {sh.residual.relative_rms:.2e} (rms)")
path = to_gradunwarp(coils, Path(tempfile.mkdtemp()) / "coildesign_set.grad", R0, order=20, quadrature_degree=36)
print(path.read_text().splitlines()[0])

# %%
# gradunwarp reads the file; both displacement fields on a grid inside the sphere
coeffs = get_coefficients("siemens", str(path))
u = np.linspace(-R0, R0, 9)
pts = np.stack(np.meshgrid(u, u, u, indexing="ij"), axis=-1).reshape(-1, 3)
pts = pts[np.linalg.norm(pts, axis=1) <= R0]
dv, _ = eval_spherical_harmonics(coeffs, "siemens", tuple(pts.T * 1e3))  # positions in mm
worst = 0.0
fig, ax = plt.subplots(figsize=(6, 4))
for axis, d in zip("xyz", dv):
    ref = geometric_distortion(coils[axis], pts + [1e-7, 0.0, 0.0], axis).displacement  # gradunwarp adds 1e-4 mm to x
    diff = np.abs(np.asarray(d) * 1e-3 - ref).max()
    worst = max(worst, diff / np.abs(ref).max())
    print(f"{axis}: max displacement {np.abs(ref).max() * 1e6:.4g} um, "
          f"|gradunwarp - coildesign| <= {diff * 1e9:.3g} nm")
    ax.plot(ref * 1e6, np.asarray(d) * 1e3, ".", label=f"G{axis}")
ax.set_xlabel("coildesign displacement [um]")
ax.set_ylabel("gradunwarp displacement [um]")
ax.legend()
fig.tight_layout()

# %%
# Check: the two agree to a small fraction of the displacement
print(f"largest difference relative to the largest displacement: {worst:.2e}")
assert worst < 1e-4
