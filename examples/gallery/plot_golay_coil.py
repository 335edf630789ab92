"""
Golay coil: arc positions, efficiency and field against magpylib
================================================================

A Golay (double-saddle) x-gradient coil on a cylinder of radius a: four saddles with 120-degree
arcs at z = ±d1 and ±d2, the roots of 4 (d/a)^4 - 27 (d/a)^2 + 4 = 0 (Golay, US patent 3,569,823
(1971); Romeo & Hoult, Magn. Reson. Med. 1, 44 (1984)). The efficiency on the axis follows from
the arc field g(h) = (2 - h^2) / (1 + h^2)^(5/2):

    eta = (2 sin(theta/2) / pi) [g(d1/a) - g(d2/a)] mu0 N I / a^2.

This example recomputes the roots and eta here, and compares the field of the coil with
magpylib's ``Polyline`` sources at points spread over a 3 mm sphere.
"""

import magpylib
import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

import coildesign as cd
from coildesign import analysis, geometries

a = 5e-3  # coil radius [m]
coil = geometries.golay(a, points_per_arc=256)
eta = analysis.gradient_efficiency(coil, "x")
print(f"Golay x, a = {a * 1e3:g} mm: eta = {eta * 1e3:.5f} mT/(m A)")

# %%
# Bz along x: the field deviation grows as the fourth power of x
x = np.linspace(-0.7 * a, 0.7 * a, 141)
pts = np.c_[x, np.zeros_like(x), np.zeros_like(x)]
bz = cd.field(coil, pts)[:, 2]
fig, ax = plt.subplots(figsize=(6, 3.5))
ok = np.abs(x) > 1e-12
ax.plot(x[ok] / a, 100 * (bz[ok] / (eta * x[ok]) - 1))
ax.set_xlabel("x / a")
ax.set_ylabel("field deviation Bz/(eta x) - 1 [%]")
ax.set_title("Golay x coil along x")
fig.tight_layout()

# %%
# Independent references: the quartic's roots, the closed-form efficiency, magpylib's field
t2 = np.sort(np.roots([4.0, -27.0, 4.0]).real)  # (d/a)^2
d1, d2 = np.sqrt(t2)
r1, r2 = coil.parameters["arc_positions_ratio"]
print(f"arc positions d1/a = {d1:.6f}, d2/a = {d2:.6f}  (coil: {r1:.6f}, {r2:.6f})")


def g(h):
    return (2 - h**2) / (1 + h**2) ** 2.5


eta_closed = 2 * np.sin(np.radians(60.0)) / np.pi * (g(d1) - g(d2)) * mu_0 / a**2
print(f"closed form eta = {eta_closed * 1e3:.5f} mT/(m A)")

rng = np.random.default_rng(1)
probe = rng.normal(size=(200, 3))
probe *= (3e-3 * rng.random(200) ** (1 / 3) / np.linalg.norm(probe, axis=1))[:, None]
b_magpy = magpylib.getB(cd.to_magpylib(coil), probe)
b_ours = cd.field(coil, probe)
rel = np.abs(b_ours - b_magpy).max() / np.abs(b_magpy).max()
print(f"max |B - B_magpylib| / max |B| over 200 points: {rel:.2e}")

assert abs(r1 - d1) < 1e-9 and abs(r2 - d2) < 1e-9
# 256-gon arcs: the chords' field differs from the arcs' by ~(pi/n_arc)^2/3 of (120 deg / 256 steps)
assert abs(eta / eta_closed - 1) < 2e-5
assert rel < 1e-10
