"""Exports: atomic files, JSON, VTK round trips."""

import numpy as np

import coildesign as cd
from coildesign.fields.fieldmap import field_map


def helix_coil():
    t = np.linspace(0, 2 * np.pi * 4, 257)
    return cd.Coil.from_polyline(np.c_[5e-4 * np.cos(t), 5e-4 * np.sin(t), np.linspace(-5e-4, 5e-4, 257)],
                                 wire_diameter=1e-4, name="helix")


def test_field_map_layout_matches_points():
    coil = helix_coil()
    fm = field_map(coil, size=(1e-3, 2e-3, 0.0), n=(5, 7, 9))
    assert fm.shape == (5, 7, 1)
    pts = fm.points
    ref = cd.field(coil, pts)
    # fields ~4e-3 T/A with components through zero: atol 1e-13 of the largest (default 1e-8 was 2e-6 of it)
    np.testing.assert_allclose(fm.arrays["B"], ref, rtol=1e-12, atol=1e-13 * np.abs(ref).max())
    grid = fm.grid_values("B")
    np.testing.assert_allclose(grid[2, 3, 0], ref[3 * 5 + 2], rtol=1e-12, atol=1e-13 * np.abs(ref).max())
