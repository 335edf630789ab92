"""
Designed versus Maxwell and Golay gradient coils
================================================

Target-field design (``coildesign.design.gradient_coil``): a stream function on a cylinder of
5 mm radius and 25 mm length, minimum inductance under a hard bound of 5 % on the field
deviation over a 6 mm sphere, cut into 10 connected turns per half of 0.25 mm wire. Next to it
the classical coils of the same radius with real 10-turn winding packs: the Maxwell pair (z)
and the Golay coil (x). Every figure is of the wires, from the same analysis functions.

With ``COILDESIGN_DOCS_SMALL=1`` the designs use a coarser mesh, fewer target points and fewer
refinement rounds (the wires change a little; the checks hold at both sizes). The full-size
table is in ``examples/target_field_design.py``.
"""

import os

import magpylib
import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import mu_0

import coildesign as cd
from coildesign import design
from coildesign.analysis import dc_resistance, inductance, linearity
from coildesign.geometries import golay, maxwell_pair

SMALL = os.environ.get("COILDESIGN_DOCS_SMALL", "") not in ("", "0")
RADIUS, LENGTH, DSV, WIRE, TURNS = 5e-3, 25e-3, 3e-3, 0.25e-3, 10
# the small build's 1.5 mm mesh leaves the wires up to 0.7 % closer than the pitch (a known contouring
# defect on coarse cylinders): there the designs are accepted with that violation, printed below
options = {"n_targets": 1000, "refine": 2, "allow_violations": True} if SMALL else {}
surface = design.cylinder(RADIUS, LENGTH, 1.5e-3 if SMALL else None)

designed = {axis: design.gradient_coil(surface, axis, DSV, 0.05, turns=TURNS, wire_diameter=WIRE, **options)
            for axis in ("z", "x")}
classical = {"z": maxwell_pair(RADIUS, turns=TURNS, wire_diameter=WIRE),
             "x": golay(RADIUS, turns=TURNS, wire_diameter=WIRE)}

rows = []
for axis in ("z", "x"):
    res = designed[axis]
    print(res, "\n")
    if res.violations:
        print("violations:", "; ".join(res.violations), "\n")
    rows.append((f"G{axis} target field", res.efficiency, res.inductance, res.resistance, res.max_deviation))
    coil = classical[axis]
    lin = linearity(coil, DSV, n=11)
    rows.append((f"G{axis} {coil.parameters['generator']}", lin.efficiency, inductance(coil), dc_resistance(coil),
                 lin.max_field_deviation))
print(f"{'coil':22s} {'eta [mT/(m A)]':>15s} {'L [uH]':>8s} {'R [ohm]':>8s} {'eta^2/L':>9s} {'max dev':>8s}")
for name, eta, ell, r, dev in rows:
    print(f"{name:22s} {eta * 1e3:15.4g} {ell * 1e6:8.4g} {r:8.3g} {eta**2 / ell:9.5g} {100 * dev:7.3g} %")

# %%
# The designed transverse winding and the field deviation along each gradient axis
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for p in designed["x"].coil.paths():
    axes[0].plot(np.degrees(np.arctan2(p[:, 1], p[:, 0])), p[:, 2] * 1e3, lw=0.7)
axes[0].set_xlabel("azimuth [deg]")
axes[0].set_ylabel("z [mm]")
axes[0].set_title("designed Gx: windings on the cylinder")
s = np.linspace(-DSV, DSV, 121)
s = s[np.abs(s) > 1e-9]
for axis, style in (("z", "-"), ("x", "--")):
    e = np.eye(3)["xyz".index(axis)]
    for label, coil, eta in ((f"G{axis} designed", designed[axis].coil, designed[axis].efficiency),
                             (f"G{axis} classical", classical[axis], rows[1 if axis == "z" else 3][1])):
        bz = cd.field(coil, np.outer(s, e))[:, 2]
        axes[1].plot(s * 1e3, 100 * (bz / (eta * s) - 1), style, label=label)
axes[1].set_xlabel("position along the gradient axis [mm]")
axes[1].set_ylabel("field deviation [%]")
axes[1].set_ylim(-30, 10)
axes[1].legend()
fig.tight_layout()

# %%
# Checks. The designed coils' efficiency from magpylib's field of the same wires (central
# difference, step 1 um: truncation error ~ (h/a)^2 c3 < 1e-7); the Maxwell pair's
# efficiency against the sum over its 20 turns (a 3/4/3 pack per side) of the on-axis loop
# closed form dBz/dz = 3 mu0 r^2 z / (2 (r^2 + z^2)^(5/2)); and the designed wires meet the
# deviation bound the design promised.
h = 1e-6
for axis in ("z", "x"):
    res = designed[axis]
    e = np.eye(3)["xyz".index(axis)]
    b = magpylib.getB(cd.to_magpylib(res.coil), np.array([h * e, -h * e]))[:, 2]
    eta_mp = (b[0] - b[1]) / (2 * h)
    print(f"G{axis} designed: eta {res.efficiency * 1e3:.6g} mT/(m A), magpylib {eta_mp * 1e3:.6g} mT/(m A)")
    assert abs(eta_mp / res.efficiency - 1) < 1e-6
    assert res.max_deviation <= 0.05 * (1 + 1e-6)
pack = [(w.radius, w.center[2], wt * w.turns * w.normal[2]) for w, wt in zip(classical["z"].windings,
                                                                             classical["z"].weights)]
eta_loops = sum(wt * 1.5 * mu_0 * r**2 * z / (r**2 + z**2) ** 2.5 for r, z, wt in pack)
print(f"Maxwell pack: eta {rows[1][1] * 1e3:.6g} mT/(m A), sum of loop closed forms {eta_loops * 1e3:.6g}")
assert abs(rows[1][1] / eta_loops - 1) < 1e-9
