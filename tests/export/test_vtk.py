"""Exports: atomic files, JSON, VTK round trips."""

import numpy as np
import pytest

import coildesign as cd
from coildesign.fields.fieldmap import field_map


def helix_coil():
    t = np.linspace(0, 2 * np.pi * 4, 257)
    return cd.Coil.from_polyline(np.c_[5e-4 * np.cos(t), 5e-4 * np.sin(t), np.linspace(-5e-4, 5e-4, 257)],
                                 wire_diameter=1e-4, name="helix")


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
