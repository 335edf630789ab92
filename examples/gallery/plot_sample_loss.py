"""
Sample losses: a conducting cylinder in a solenoid
==================================================

The magnetic (eddy-current) loss of a conducting sample adds a resistance R_m to the coil
(Hoult & Lauterbur, J. Magn. Reson. 34, 425 (1979)). For a long cylinder of radius b and length
l coaxial with a long solenoid of n turns per metre, the induced E field is azimuthal,
E = omega B r / 2, and

    R_m = pi omega^2 mu0^2 n^2 sigma b^4 l / 8.

``coildesign.rf.sample.magnetic_loss_resistance`` computes the loss of any coil and sample
from the coil's vector potential (with the surface-charge correction); here it is compared with
the closed form for saline samples of growing radius inside a 200-turn solenoid, long enough
that the uniform-field closed form holds.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

from coildesign import geometries, validation
from coildesign.rf.sample import Cylinder, cylinder_in_solenoid_loss, magnetic_loss_resistance

turns, length, radius = 200, 40e-3, 1e-3  # long solenoid [m]
coil = geometries.solenoid(radius, length, turns, wire_diameter=0.1e-3, stacked=True)
f, sigma = 400e6, 1.6  # [Hz], [S/m] (physiological saline)
radii = np.array([0.1, 0.2, 0.3, 0.4]) * 1e-3
sample_length = 2e-3
computed = np.array([magnetic_loss_resistance(coil, Cylinder(b, sample_length), f, sigma) for b in radii])
n = turns / length
closed = np.pi * (2 * np.pi * f) ** 2 * mu_0**2 * n**2 * sigma * radii**4 * sample_length / 8
for b, rc, rm in zip(radii, computed, closed):
    print(f"b = {b * 1e3:.1f} mm: R_m = {rc * 1e3:.4f} mOhm (coildesign), {rm * 1e3:.4f} mOhm (closed form)")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(radii * 1e3, computed * 1e3, "o", label="coildesign")
ax.loglog(radii * 1e3, closed * 1e3, "-", label="pi w^2 mu0^2 n^2 sigma b^4 l / 8")
ax.set_xlabel("sample radius [mm]")
ax.set_ylabel("sample loss resistance [mOhm]")
ax.legend()
fig.tight_layout()

# %%
# Checks: the closed form here, the package's own closed-form helper, and the validate cases
# (finite samples in the field of two loops, Hoult & Lauterbur's geometry)
helper = np.array([cylinder_in_solenoid_loss(n, b, sample_length, f, sigma) for b in radii])
assert np.allclose(helper, closed, rtol=1e-12, atol=0)
worst = np.abs(computed / closed - 1).max()
print(f"largest relative difference: {worst:.1e}")
assert worst < 0.01
outcomes = validation.run_all(["eddy-current loss"])
assert len(outcomes) == 2 and all(o.passed for o in outcomes)
