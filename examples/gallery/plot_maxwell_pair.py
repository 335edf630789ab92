"""
Maxwell pair: gradient efficiency against the closed form
=========================================================

Two coaxial loops of radius a at z = ±(√3/2) a with opposite currents: the z gradient at the
centre has a closed form from the on-axis loop field B(z) = μ0 I a² / (2 (a² + z²)^(3/2))
(Jackson, Classical Electrodynamics, 3rd ed., eq. 5.40). Differentiating and summing the two
loops gives dBz/dz = 3 μ0 I a² d / (a² + d²)^(5/2) with d = (√3/2) a.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

import coildesign as cd
from coildesign import analysis, geometries

a = 5e-3  # loop radius [m]
coil = geometries.maxwell_pair(a)
print(coil)

eta = analysis.gradient_efficiency(coil, "z")
print(f"gradient efficiency: {eta * 1e3:.4f} mT/(m A)")

# %%
# The field along the axis and its deviation from the ideal gradient
z = np.linspace(-0.8 * a, 0.8 * a, 201)
pts = np.c_[np.zeros_like(z), np.zeros_like(z), z]
bz = cd.field(coil, pts)[:, 2]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(z * 1e3, bz * 1e3, label="Bz per ampere")
ax.plot(z * 1e3, eta * z * 1e3, "--", label="ideal gradient")
ax.set_xlabel("z [mm]")
ax.set_ylabel("Bz per ampere [mT/A]")
ax.legend()
fig.tight_layout()

# %%
# Check against the closed form
d = np.sqrt(3) / 2 * a
expected = 3 * mu_0 * a**2 * d / (a**2 + d**2) ** 2.5
print(f"closed form: {expected * 1e3:.4f} mT/(m A)")
assert abs(eta / expected - 1) < 1e-9
