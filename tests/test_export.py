"""Exports: atomic files, JSON, VTK round trips."""

import json

import numpy as np
import pytest

import coildesign as cd
from coildesign import _files as files
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
    ref = cd.field(coil, pts)
    # fields ~4e-3 T/A with components through zero: atol 1e-13 of the largest (default 1e-8 was 2e-6 of it)
    np.testing.assert_allclose(fm.arrays["B"], ref, rtol=1e-12, atol=1e-13 * np.abs(ref).max())
    grid = fm.grid_values("B")
    np.testing.assert_allclose(grid[2, 3, 0], ref[3 * 5 + 2], rtol=1e-12, atol=1e-13 * np.abs(ref).max())


def test_vtk_round_trip(tmp_path):
    pv = pytest.importorskip("pyvista")
    from coildesign.export.vtk import to_vtk

    coil = helix_coil() + cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    fm = field_map(coil, size=1e-3, n=6, quantities=("B", "dB/dr"))
    for name in ("f.vti", "f.vts", "f.vtu", "f.vtp"):
        ds = pv.read(to_vtk(fm, tmp_path / name))
        assert {"B [T]", "|B| [T]", "dB/dr [T/m]"} <= set(ds.point_data.keys())
        assert ds.field_data["unit: dB/dr"][0] == "T/m"
    ds = pv.read(to_vtk(fm, tmp_path / "g.vti"))
    assert np.array_equal(ds.point_data["B [T]"], fm.arrays["B"])
    jac = ds.GetPointData().GetArray("dB/dr [T/m]")
    assert [jac.GetComponentName(i) for i in range(9)] == [f"dB{i}/d{j}" for i in "xyz" for j in "xyz"]
    poly = pv.read(to_vtk(coil, tmp_path / "coil.vtp"))
    assert poly.n_cells == 2 and set(poly.cell_data["wire radius [m]"]) == {5e-5}
    assert poly.field_data["unit: wire radius"][0] == "m"
    assert pv.read(to_vtk(coil, tmp_path / "coil.vtu")).n_cells == 2
    with pytest.raises(ValueError, match="Input path suffix"):
        to_vtk(coil, tmp_path / "coil.vti")
    fm.add("temperature", np.zeros(len(fm.points)))
    with pytest.raises(ValueError, match="Input units"):
        to_vtk(fm, tmp_path / "t.vti")
    ds = pv.read(to_vtk(fm, tmp_path / "t.vti", units={"temperature": "K"}))
    assert "temperature [K]" in ds.array_names


def test_b1_map_holds_rotating_frame_components(tmp_path):
    """B1 maps store |B1perp|, B1+ = (Bx + i By)/2 and B1- = (Bx - i By)*/2 per ampere for B0
    along z (Hoult, Concepts Magn. Reson. 12, 173 (2000)), not the full field."""
    pv = pytest.importorskip("pyvista")
    from coildesign.export.vtk import to_vtk
    from coildesign.rf import b1_field_map

    coil = cd.Coil.from_loop(1e-3, normal=(1.0, 1.0, 0.5))
    fm = b1_field_map(coil, size=(2e-3, 2e-3, 0.0), n=7)
    ds = pv.read(to_vtk(fm, tmp_path / "b1.vti"))
    b = cd.field(coil, fm.points)
    assert "B [T]" not in ds.array_names
    assert np.allclose(ds.point_data["|B1perp| [T/A]"], np.hypot(b[:, 0], b[:, 1]), rtol=1e-14, atol=0)
    plus = ds.point_data["B1+ [T/A]"]
    assert np.allclose(plus[:, 0], b[:, 0] / 2, rtol=1e-14, atol=0)
    assert np.allclose(plus[:, 1], b[:, 1] / 2, rtol=1e-14, atol=0)
    minus = ds.point_data["B1- [T/A]"]
    assert np.allclose(minus[:, 1], b[:, 1] / 2, rtol=1e-14, atol=0)  # conj(Bx - i By)/2 = (Bx + i By)/2
    assert ds.field_data["unit: |B1+|"][0] == "T/A"


def test_render_probe_runs_once_and_leaves_environment(tmp_path, monkeypatch):
    pytest.importorskip("pyvista")
    import os

    from coildesign.export import vtk

    calls = []
    real = vtk._launch

    def counting(extra):
        calls.append(extra)
        return real(extra)

    monkeypatch.setattr(vtk, "_render_probe", None)
    monkeypatch.setattr(vtk, "_pending", [])
    monkeypatch.setattr(vtk, "_launch", counting)
    before = dict(os.environ)
    vtk.start_render_probe()
    vtk.start_render_probe()  # one probe at a time
    assert len(calls) == 1
    ok, why = vtk.can_render()
    n_probes = len(calls)
    assert 1 <= n_probes <= 2
    if not ok:
        pytest.skip(f"no off-screen rendering here: {why}")
    coil = helix_coil()
    for name in ("a.png", "b.png"):
        assert vtk.render_png(coil, tmp_path / name, field_map(coil, size=(2e-3, 0, 2e-3), n=9)).stat().st_size > 0
    assert len(calls) == n_probes
    assert dict(os.environ) == before
