"""
Two linearity measures: field deviation and local-gradient deviation
====================================================================

coildesign reports two deviations of a gradient coil, because they differ: the **field
deviation** Bz/(eta s) - 1 (the error of the encoded position, what distortion sees) and the
**local-gradient deviation** (dBz/ds)/eta - 1 (what local resolution and intensity see). For a
Maxwell pair of ideal loops the on-axis field is Bz = eta z [1 + c5 (z/a)^4 + c7 (z/a)^6 + ...]
with c5 = -176/343 and c7 = 9984/117649 (from the Taylor expansion of the loop field; the
generator records both), so the local-gradient deviation is 5 c5 (z/a)^4 + 7 c7 (z/a)^6 + ...:
five times the field deviation on the axis near the centre. ``coildesign.analysis.linearity``
gives both as maximum and RMS over a DSV; over a whole sphere their maxima differ less than on
the axis (printed below).
"""

import matplotlib.pyplot as plt
import numpy as np

import coildesign as cd
from coildesign import analysis, geometries

a = 5e-3  # [m]
coil = geometries.maxwell_pair(a)
eta = analysis.gradient_efficiency(coil, "z")
t = np.linspace(0.01, 0.6, 60)  # z / a
pts = np.c_[np.zeros_like(t), np.zeros_like(t), t * a]
field_dev = cd.field(coil, pts)[:, 2] / (eta * t * a) - 1
grad_dev = cd.field_jacobian(coil, pts)[:, 2, 2] / eta - 1

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy(t, np.abs(field_dev), label="field deviation |Bz/(eta z) - 1|")
ax.semilogy(t, np.abs(grad_dev), label="local-gradient deviation |dBz/dz / eta - 1|")
ax.set_xlabel("z / a on the axis")
ax.set_ylabel("deviation")
ax.legend()
fig.tight_layout()

for r in (0.2, 0.4):
    lin = analysis.linearity(coil, r * a)
    ratio = lin.max_gradient_deviation / lin.max_field_deviation
    print(f"DSV radius {r:g} a: max field deviation {100 * lin.max_field_deviation:.3g} %, max local-gradient "
          f"deviation {100 * lin.max_gradient_deviation:.3g} % (ratio {ratio:.2f})")

# %%
# Checks: both deviations against the series with the closed-form c5, c7 close to the centre
# (the next terms, of order 8, stay below 1e-10 for z <= 0.04 a), and their ratio tends to 5
c5, c7 = -176 / 343, 9984 / 117649
near = t <= 0.04
series_field = c5 * t**4 + c7 * t**6
series_grad = 5 * c5 * t**4 + 7 * c7 * t**6
print(f"largest difference to the series for z <= 0.04 a: field {np.abs(field_dev - series_field)[near].max():.1e}, "
      f"gradient {np.abs(grad_dev - series_grad)[near].max():.1e}")
assert np.abs(field_dev - series_field)[near].max() < 1e-10
assert np.abs(grad_dev - series_grad)[near].max() < 1e-10
assert abs(grad_dev[0] / field_dev[0] - 5) < 1e-3
