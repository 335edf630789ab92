"""
Matching network cascaded with a cable in scikit-rf
===================================================

A 1 mm solenoid is tuned and matched to 50 ohm at 600 MHz (``coildesign.rf.match``: series
match, parallel tune); the result is a scikit-rf ``Network``. Cascading a lossless coaxial cable
of length l in front of it moves the reflection coefficient along a circle: for a cable of the
system impedance, S11_in = S11_coil exp(-2 i beta l) (Pozar, Microwave Engineering, 4th ed.,
eq. 2.42); for a 75 ohm cable the input impedance follows the transmission-line equation
Z_in = Z_c (Z_L + i Z_c tan(beta l)) / (Z_c + i Z_L tan(beta l)) (Pozar eq. 2.44).
"""

import matplotlib.pyplot as plt
import numpy as np
import skrf

from coildesign import geometries
from coildesign.rf import match

f0 = 600e6
coil = geometries.solenoid(0.5e-3, 1.0e-3, 5, wire_diameter=0.1e-3).rotate(90.0, (0.0, 1.0, 0.0))
m = match(coil, f0, span=40e6, n_points=401)
print(m)
net = m.network
freq = net.frequency

# %%
# A 0.3 m cable with velocity factor 0.66, as a scikit-rf transmission line
length, vf = 0.3, 0.66
beta = 2 * np.pi * freq.f / (vf * 299792458.0)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for z_cable, style in ((50.0, "-"), (75.0, "--")):
    line = skrf.media.DefinedGammaZ0(frequency=freq, z0_port=50.0, z0=z_cable, gamma=1j * beta)
    cable = line.line(length, "m", name=f"{z_cable:g} ohm cable")
    total = cable ** net
    axes[0].plot(freq.f / 1e6, total.s_db[:, 0, 0], style, label=f"through {z_cable:g} ohm cable")
    total.plot_s_smith(ax=axes[1], label=f"{z_cable:g} ohm cable", linestyle=style)
    if z_cable == 50.0:
        total_50 = total
    else:
        total_75 = total
axes[0].plot(freq.f / 1e6, net.s_db[:, 0, 0], ":", label="coil alone")
axes[0].set_xlabel("frequency [MHz]")
axes[0].set_ylabel("|S11| [dB]")
axes[0].legend()
fig.tight_layout()

# %%
# Checks against the transmission-line closed forms
assert np.isfinite(net.s).all() and np.isfinite(total_50.s).all()
s_coil = net.s[:, 0, 0]
err50 = np.abs(total_50.s[:, 0, 0] - s_coil * np.exp(-2j * beta * length)).max()
z_load = 50.0 * (1 + s_coil) / (1 - s_coil)
tan = np.tan(beta * length)
z_in = 75.0 * (z_load + 1j * 75.0 * tan) / (75.0 + 1j * z_load * tan)
err75 = np.abs(total_75.s[:, 0, 0] - (z_in - 50.0) / (z_in + 50.0)).max()
i0 = np.argmin(np.abs(freq.f - f0))
print(f"|S11| at {f0 / 1e6:g} MHz: coil {abs(s_coil[i0]):.2e}, through the 50 ohm cable "
      f"{abs(total_50.s[i0, 0, 0]):.2e}, through the 75 ohm cable {abs(total_75.s[i0, 0, 0]):.3f}")
print(f"largest difference to the closed forms: {err50:.1e} (50 ohm), {err75:.1e} (75 ohm)")
assert abs(s_coil[i0]) < 1e-2
assert err50 < 1e-9 and err75 < 1e-9
