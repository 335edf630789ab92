"""
Skin and proximity effects in a microcoil
=========================================

The AC resistance of a 5-turn, 1 mm solenoid from 10 MHz to 1 GHz: the skin depth
delta = sqrt(rho / (pi f mu0)) (Ramo, Whinnery & Van Duzer, Fields and Waves, sec. 5.7),
the exact Bessel solution of an isolated round wire, and Medhurst's measured proximity factor
for the turns' crowding (Medhurst, Wireless Engineer 24, 35 (1947)) applied with Minard &
Wind's N-turn convention (Concepts Magn. Reson. 13, 128 (2001), eq. 11).
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

from coildesign import geometries, validation
from coildesign.analysis import dc_resistance
from coildesign.conductors import MATERIALS
from coildesign.rf import ac_resistance, proximity_factor, skin_depth

coil = geometries.solenoid(0.5e-3, 1.0e-3, 5, wire_diameter=0.1e-3)
freqs = np.geomspace(10e6, 1e9, 25)
r_dc = dc_resistance(coil)
r_skin = np.array([ac_resistance(coil, f, proximity=None) for f in freqs])
r_ac = np.array([ac_resistance(coil, f) for f in freqs])
print(f"R_dc = {r_dc * 1e3:.2f} mOhm; at 600 MHz: skin only {np.interp(600e6, freqs, r_skin):.3f} Ohm, "
      f"with proximity {np.interp(600e6, freqs, r_ac):.3f} Ohm; "
      f"Medhurst factor {proximity_factor(1.0, 2.0):.3f} (l/D = 1, p/d = 2)")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(freqs / 1e6, r_skin / r_dc, label="skin effect (Bessel)")
ax.loglog(freqs / 1e6, r_ac / r_dc, label="+ proximity (Medhurst, Minard & Wind)")
ax.set_xlabel("frequency [MHz]")
ax.set_ylabel("R_ac / R_dc")
ax.legend()
fig.tight_layout()

# %%
# Checks: the skin depth against its closed form, the skin resistance against the asymptotic
# expansion of the Bessel solution for delta << r, R_ac/R_dc = r/(2 delta) + 1/4 + 3 delta/(32 r)
# + O((delta/r)^2) (from the large-argument expansion of J0/J1, e.g. Ramo, Whinnery & Van Duzer
# sec. 5.12), and the Medhurst validate cases
rho = MATERIALS["copper"].resistivity
delta = np.sqrt(rho / (np.pi * freqs * mu_0))
assert np.allclose(skin_depth(freqs, rho), delta, rtol=1e-12, atol=0)
ratio = r_skin[-1] / r_dc
x = 0.05e-3 / delta[-1]  # wire radius / skin depth
limit = x / 2 + 1 / 4 + 3 / (32 * x)
print(f"R_ac/R_dc at 1 GHz: {ratio:.4f}, asymptotic expansion {limit:.4f} (r/delta = {x:.1f})")
assert abs(ratio / limit - 1) < 1e-3
outcomes = validation.run_all(["Medhurst proximity", "skin depth", "R_ac/R_dc"])
assert len(outcomes) >= 6 and all(o.passed for o in outcomes)
