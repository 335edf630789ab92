"""
A field map for ParaView
========================

``coildesign.fields.fieldmap.field_map`` evaluates a coil on a regular grid and
``coildesign.export.to_vtk`` writes it as VTK image data (``.vti``) with named arrays and units,
which ParaView opens directly (File > Open, then e.g. a Slice or Glyph filter on "B"). The
windings go to a ``.vtp`` poly-data file. Here: a Helmholtz pair; the file is read back with
pyvista and the centre value compared with the closed form
B = (4/5)^(3/2) mu0 N I / R (Jackson, Classical Electrodynamics, 3rd ed., problem 5.7).
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pyvista
from scipy.constants import mu_0

from coildesign import geometries
from coildesign.export import to_vtk
from coildesign.fields.fieldmap import field_map

radius = 1e-3  # [m]
coil = geometries.helmholtz_pair(radius)
fmap = field_map(coil, size=(3e-3, 3e-3, 3e-3), n=(31, 31, 31))
out = Path(tempfile.mkdtemp())
path_map = to_vtk(fmap, out / "helmholtz_field.vti")
path_coil = to_vtk(coil, out / "helmholtz_windings.vtp")
print(f"wrote {path_map.name} and {path_coil.name}")

# %%
# What ParaView will see: read the file back and draw the field magnitude on the xz plane
grid = pyvista.read(path_map)
print(grid)
print("arrays:", list(grid.point_data.keys()))
bmag = np.asarray(grid.point_data[[k for k in grid.point_data.keys() if k.startswith("|B|")][0]])
bmag = bmag.reshape(31, 31, 31, order="F")  # VTK order: x fastest
u = np.linspace(-1.5, 1.5, 31)
fig, ax = plt.subplots(figsize=(5, 4))
im = ax.contourf(u, u, bmag[:, 15, :].T * 1e3, levels=30)
fig.colorbar(im, ax=ax, label="|B| per ampere [mT/A]")
ax.set_xlabel("x [mm]")
ax.set_ylabel("z [mm]")
ax.set_aspect("equal")
fig.tight_layout()

# %%
# Check: the centre of the map against the closed form
centre = bmag[15, 15, 15]
expected = (4 / 5) ** 1.5 * mu_0 / radius
print(f"|B| at the centre: {centre * 1e3:.6f} mT/A, closed form {expected * 1e3:.6f} mT/A")
assert abs(centre / expected - 1) < 1e-9
