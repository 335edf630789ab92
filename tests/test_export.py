"""Exports: atomic files, JSON, VTK round trips."""

import json

import numpy as np
import pytest

import coildesign as cd
from coildesign.export import files
from coildesign.fields.fieldmap import field_map


def test_atomic_write_leaves_old_file_on_crash(tmp_path):
    target = tmp_path / "out.txt"
    files.write_text(target, "old")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_json_handles_numpy_and_non_finite(tmp_path):
    p = files.write_json(tmp_path / "a" / "r.json", {"x": np.arange(3), "y": np.float64(2.5), "z": np.inf})
    assert json.loads(p.read_text()) == {"x": [0, 1, 2], "y": 2.5, "z": None}


def helix_coil():
    t = np.linspace(0, 2 * np.pi * 4, 257)
    return cd.Coil.from_polyline(np.c_[5e-4 * np.cos(t), 5e-4 * np.sin(t), np.linspace(-5e-4, 5e-4, 257)],
                                 wire_diameter=1e-4, name="helix")


def test_field_map_layout_matches_points():
    coil = helix_coil()
    fm = field_map(coil, size=(1e-3, 2e-3, 0.0), n=(5, 7, 9))
    assert fm.shape == (5, 7, 1)
    pts = fm.points
    assert np.allclose(fm.arrays["B"], cd.field(coil, pts))
    grid = fm.grid_values("B")
    assert np.allclose(grid[2, 3, 0], cd.field(coil, pts[3 * 5 + 2])[0])


def test_vtk_round_trip(tmp_path):
    pv = pytest.importorskip("pyvista")
    from coildesign.export.vtk import to_vtk

    coil = helix_coil() + cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    fm = field_map(coil, size=1e-3, n=6)
    for name in ("f.vti", "f.vts", "f.vtp"):
        ds = pv.read(to_vtk(fm, tmp_path / name))
        assert "|B|" in ds.array_names
    ds = pv.read(to_vtk(fm, tmp_path / "g.vti"))
    assert np.allclose(ds.point_data["B"], fm.arrays["B"])
    poly = pv.read(to_vtk(coil, tmp_path / "coil.vtp"))
    assert poly.n_cells == 2 and set(poly.cell_data["wire_radius"]) == {5e-5}
    with pytest.raises(ValueError, match="Input path"):
        to_vtk(coil, tmp_path / "coil.vti")
