"""
Birdcage mode spectrum
======================

The resonant modes of a low-pass birdcage ladder of N legs (Hayes et al., J. Magn. Reson. 63,
622 (1985)): with leg inductance L_leg, end-ring segment inductance L_ring and a capacitor C in
every leg, and no mutual coupling between branches, the mesh currents of mode m vary as
exp(2 pi i m j / N) and Kirchhoff's voltage law gives

    omega_m = 1 / sqrt(C (L_leg + L_ring / (2 sin^2(pi m / N)))),   m = 1 ... N/2.

The homogeneous mode is m = 1. ``coildesign.rf.birdcage_modes`` solves the ladder as a
generalised eigenproblem (with or without mutual inductances); here it is compared with the
closed form, then the capacitance for 400 MHz is checked by a ``coildesign validate`` case
(Chin et al., Concepts Magn. Reson. 15, 156 (2002)).
"""

import matplotlib.pyplot as plt
import numpy as np

from coildesign import validation
from coildesign.rf.birdcage_modes import ladder_modes

n_legs, l_leg, l_ring, cap = 16, 40e-9, 8e-9, 10e-12  # [H], [H], [F]
modes = ladder_modes(n_legs, l_leg, l_ring, cap, "lowpass", mutual=np.zeros((3 * n_legs, 3 * n_legs)),
                     method="eigen")
print(modes)

# %%
m = np.arange(1, n_legs // 2 + 1)
closed = 1 / np.sqrt(cap * (l_leg + l_ring / (2 * np.sin(np.pi * m / n_legs) ** 2))) / (2 * np.pi)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(modes.mode_numbers, np.asarray(modes.frequencies) / 1e6, "o", label="eigenproblem")
ax.plot(m, closed / 1e6, "x", ms=9, label="closed form (Hayes 1985)")
ax.set_xlabel("mode number m")
ax.set_ylabel("frequency [MHz]")
ax.legend()
fig.tight_layout()

# %%
# Checks: every mode against the closed form; a published birdcage through validate
found = dict(zip(np.asarray(modes.mode_numbers).tolist(), np.asarray(modes.frequencies)))
worst = max(abs(found[int(k)] / f - 1) for k, f in zip(m, closed))
print(f"largest relative difference to the closed form: {worst:.1e}")
assert worst < 1e-9
outcomes = validation.run_all(["birdcage D"])
for o in outcomes:
    print(f"{o.name}: computed {o.computed:.4g}, expected {o.expected:.4g} (tolerance {o.tolerance:.0%})")
assert outcomes and all(o.passed for o in outcomes)
