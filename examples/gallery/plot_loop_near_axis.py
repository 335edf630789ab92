"""
Loop field near the axis and against magpylib
=============================================

The field of a circular loop in closed form uses complete elliptic integrals; written with K
and E it loses every digit near the axis (rho/R < 1e-5), where two large terms cancel. The
loop kernel uses Bulirsch's generalised integral ``cel`` (Bulirsch, Numer. Math. 13, 305
(1969); the form of Ortner et al., SoftwareX 2023), which is exact there. This example compares
the kernel with the on-axis closed form B = mu0 I R^2 / (2 (R^2 + z^2)^(3/2)) and its
first-order off-axis expansion, and with magpylib's ``Circle`` away from the axis.
"""

import magpylib
import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

import coildesign as cd

R = 1e-3  # [m]
coil = cd.Coil.from_loop(R)
rho = np.geomspace(1e-12, 0.5, 60) * R
z = 0.3 * R
pts = np.c_[rho, np.zeros_like(rho), np.full_like(rho, z)]
b = cd.field(coil, pts)

# near the axis: B_z = B_axis + O(rho^2), B_rho = -(rho/2) dB_axis/dz + O(rho^3)
b_axis = mu_0 * R**2 / (2 * (R**2 + z**2) ** 1.5)
db_dz = -3 * mu_0 * R**2 * z / (2 * (R**2 + z**2) ** 2.5)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(rho / R, np.abs(b[:, 0] / (-rho / 2 * db_dz) - 1) + 1e-17, label="B_rho vs first-order term")
ax.loglog(rho / R, np.abs(b[:, 2] / b_axis - 1) + 1e-17, label="B_z vs on-axis value")
ax.set_xlabel("rho / R")
ax.set_ylabel("relative difference")
ax.legend()
fig.tight_layout()

# %%
# Checks: near the axis against the expansion (exact to rho^2), away from it against magpylib
near = rho < 1e-5 * R
err_axis = np.abs(b[near, 0] / (-rho[near] / 2 * db_dz) - 1).max()
print(f"rho < 1e-5 R: largest relative error of B_rho {err_axis:.1e}")
assert err_axis < 1e-9
grid = np.random.default_rng(0).uniform(-2 * R, 2 * R, size=(500, 3))
b_magpy = magpylib.getB(magpylib.current.Circle(current=1.0, diameter=2 * R), grid)
rel = np.abs(cd.field(coil, grid) - b_magpy).max() / np.abs(b_magpy).max()
print(f"500 points in a 4 mm cube: max |B - B_magpylib| / max |B| = {rel:.1e}")
assert rel < 1e-10
