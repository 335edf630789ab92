"""coildesign in its ecosystem: lazy subpackages, magpylib both ways, manufacturing exports read
back (CSV, NPZ, STL, SVG), matplotlib/pyvista views and the main job's ParaView files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import coildesign as cd
from coildesign.export.stl import polygon_area, swept_polygon

ROOT = Path(cd.__file__).resolve().parents[1]


def run_python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args], env=env,
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=600)


def helix(turns=3, radius=0.5e-3, length=1e-3, n=97, wire=80e-6):
    t = np.linspace(0, 2 * np.pi * turns, n)
    return cd.Coil.from_polyline(np.c_[radius * np.cos(t), radius * np.sin(t), np.linspace(-length / 2, length / 2, n)],
                                 wire_diameter=wire, name="helix")


# ---------------------------------------------------------------------------- package surface
def test_subpackages_are_lazy_attributes():
    code = ("import sys, coildesign as cd\n"
            "heavy = [m for m in ('pyvista', 'vtk', 'pandas', 'magpylib', 'matplotlib', 'skrf', 'coildesign.rf',"
            " 'coildesign.geometries', 'coildesign.analysis', 'coildesign.export') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "assert callable(cd.geometries.solenoid) and callable(cd.rf.match) and callable(cd.export.to_csv)\n"
            "assert callable(cd.analysis.inductance) and 'rf' in dir(cd)\n")
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        cd.nonexistent  # noqa: B018


def test_py_typed_is_shipped():
    assert (ROOT / "coildesign" / "py.typed").is_file()
    text = (ROOT / "pyproject.toml").read_text()
    assert '"py.typed"' in text and '"pyvista>=' in text.split("[project.optional-dependencies]")[0]


# ---------------------------------------------------------------------------- magpylib both ways
def test_magpylib_round_trip_field_equality():
    magpy = pytest.importorskip("magpylib")
    coil = (helix() + cd.Coil.from_loop(0.8e-3, center=(0, 0, 1e-3), normal=(1, 2, 2), wire_diameter=50e-6)
            + cd.Coil.from_loop(0.6e-3, normal=(0, 0, -1))).with_weights([1.0, -2.0, 0.5])
    pts = np.random.default_rng(3).normal(scale=2e-3, size=(40, 3))
    b = cd.field(coil, pts)
    coll = cd.to_magpylib(coil)
    assert np.allclose(coll.getB(pts), b, rtol=0, atol=1e-12 * np.abs(b).max())
    back = cd.from_magpylib(coll)
    assert len(back) == 3 and back.n_loops == 2
    assert np.allclose(cd.field(back, pts), b, rtol=0, atol=1e-12 * np.abs(b).max())
    # nested collections and moved sources: positions and orientations are applied
    line = magpy.current.Polyline(current=3.0, vertices=[(0, 0, 0), (1e-3, 0, 0), (1e-3, 1e-3, 0), (0, 0, 0)])
    ring = magpy.current.Circle(current=-1.5, diameter=2e-3)
    line.move((1e-3, 0, 0)).rotate_from_angax(30, "z", anchor=0)
    ring.rotate_from_angax(50, (1, 1, 0))
    nested = magpy.Collection(line, magpy.Collection(ring))
    coil2 = cd.from_magpylib(nested, wire_diameter=10e-6)
    assert coil2.windings[0].closed and len(coil2.windings[0].points) == 3
    b2 = nested.getB(pts)
    assert np.allclose(cd.field(coil2, pts), b2, rtol=0, atol=1e-12 * np.abs(b2).max())
    with pytest.raises(TypeError, match="Input obj"):
        cd.from_magpylib(magpy.magnet.Sphere(polarization=(0, 0, 1), diameter=1e-3))
    moving = magpy.current.Circle(current=1.0, diameter=1e-3, position=[(0, 0, 0), (0, 0, 1e-3)])
    with pytest.raises(ValueError, match="single position"):
        cd.from_magpylib(moving)


# ---------------------------------------------------------------------------- manufacturing exports
def test_csv_and_npz_round_trip(tmp_path):
    pd = pytest.importorskip("pandas")
    spiral = cd.geometries.planar_spiral(3, 2e-3, 100e-6, 100e-6).translate((0, 0, 1e-3))
    coil = (helix() + spiral).with_weights([1.0, -1.0])
    back = cd.export.read_csv(cd.export.to_csv(coil, tmp_path / "c.csv"))
    for w, v in zip(coil.windings, back.windings):
        assert np.array_equal(w.points, v.points) and w.closed == v.closed
        assert repr(w.cross_section) == repr(v.cross_section)
    assert np.array_equal(back.weights, coil.weights)
    df = pd.read_csv(tmp_path / "c.csv", comment="#")
    assert list(df.groupby("winding").size()) == [len(w.points) for w in coil.windings]
    assert set(df.loc[df.winding == 0, "wire_diameter_m"]) == {80e-6}
    d = df.loc[df.winding == 1, ["direction_x", "direction_y", "direction_z"]].to_numpy()
    step = np.diff(spiral.windings[0].points, axis=0)
    assert np.allclose(d[:-1], -step / np.linalg.norm(step, axis=1, keepdims=True), rtol=0, atol=1e-15)
    z = np.load(cd.export.to_npz(coil, tmp_path / "c.npz"))
    assert np.array_equal(z["winding_1_points"], spiral.windings[0].points)
    assert z["strip_width"][1] == 100e-6 and np.isnan(z["strip_width"][0])
    with pytest.raises(ValueError, match="Input path"):
        cd.export.to_npz(coil, tmp_path / "c.csv")


def test_swept_wire_volume_is_polygon_area_times_length():
    """Mitred prisms: volume = regular-polygon area x path length exactly (Cavalieri), for
    open and closed planar paths; surfaces closed and outward oriented (positive signed volume)."""
    bent = np.array([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0.5e-3], [0, 1e-3, 0]])
    square = np.array([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0], [0, 1e-3, 0]])
    for pts, closed in ((bent, False), (square, True)):
        ext = np.vstack([pts, pts[:1]]) if closed else pts
        length = np.linalg.norm(np.diff(ext, axis=0), axis=1).sum()
        v, t = swept_polygon(pts, closed, 50e-6, 12)
        a, b, c = v[t[:, 0]], v[t[:, 1]], v[t[:, 2]]
        volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
        assert volume == pytest.approx(polygon_area(50e-6, 12) * length, rel=1e-12, abs=0)
        edges = np.sort(np.vstack([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]]), axis=1)
        _, counts = np.unique(edges, axis=0, return_counts=True)
        assert (counts == 2).all()  # every edge shared by exactly two triangles: watertight


def test_stl_read_back(tmp_path):
    pv = pytest.importorskip("pyvista")
    coil = helix() + cd.Coil.from_loop(1e-3, normal=(1, 0, 0), wire_diameter=100e-6)
    mesh = pv.read(cd.export.to_stl(coil, tmp_path / "coil.stl"))
    assert mesh.is_manifold and mesh.n_open_edges == 0
    paths = coil.paths()
    lengths = [np.linalg.norm(np.diff(p, axis=0), axis=1).sum() for p in paths]
    expected = polygon_area(40e-6, 16) * lengths[0] + polygon_area(50e-6, 16) * lengths[1]
    # exact for open paths and planar closed ones; binary STL stores float32 coordinates (~6e-8)
    assert mesh.volume == pytest.approx(expected, rel=1e-6, abs=0)
    mm = pv.read(cd.export.to_stl(coil, tmp_path / "coil_mm.stl", scale=1e3))
    assert mm.volume == pytest.approx(expected * 1e9, rel=1e-6, abs=0)  # float32 STL coordinates
    with pytest.raises(ValueError, match="Input wire_diameter"):
        cd.export.to_stl(cd.Coil.from_loop(1e-3), tmp_path / "f.stl")
    with pytest.raises(TypeError, match="strips"):
        cd.export.to_stl(cd.geometries.planar_spiral(3, 2e-3, 100e-6, 100e-6), tmp_path / "s.stl")


def test_svg_drawing_of_planar_windings(tmp_path):
    spiral = cd.geometries.planar_spiral(3, 2e-3, 100e-6, 100e-6)
    root = ET.parse(cd.export.to_svg(spiral, tmp_path / "s.svg")).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    path = root.find("s:g[@id='windings']/s:path", ns)
    assert path.get("stroke-width") == "0.1"  # trace width 100 um in mm
    xy = np.array([[float(v) for v in pair.split()] for pair in path.get("d")[2:].split(" L ")])
    expected = 1e3 * spiral.windings[0].points[:, :2] * [1, -1]
    assert np.allclose(xy, expected, rtol=0, atol=1e-6)
    # outer conductor edge spans exactly d_out = 2 mm
    assert np.ptp(xy[:, 0]) + 0.1 == pytest.approx(2.0, rel=1e-12, abs=0)
    loop = cd.Coil.from_loop(1e-3, center=(0, 0, 0), wire_diameter=1e-4)
    circle = ET.parse(cd.export.to_svg(loop, tmp_path / "l.svg")).getroot().find("s:g/s:circle", ns)
    assert float(circle.get("r")) == 1.0
    with pytest.raises(ValueError, match="one plane"):
        cd.export.to_svg(helix(), tmp_path / "h.svg")


# ---------------------------------------------------------------------------- views
def test_coil_plot_returns_axes_and_saves(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    ax = helix().plot(path=tmp_path / "coil.png")
    assert ax.name == "3d" and (tmp_path / "coil.png").stat().st_size > 0
    assert ax.get_xlabel() == "x [mm]"
    fig_ax = cd.Coil.from_loop(1e-3).plot(ax=ax, color="k", arrows=False)
    assert fig_ax is ax
    with pytest.raises(TypeError, match="Input ax"):
        helix().plot(ax=object())


def test_show_off_screen(tmp_path):
    pytest.importorskip("pyvista")
    from coildesign.export.vtk import can_render
    from coildesign.rf import b1_field_map

    ok, why = can_render()
    if not ok:
        with pytest.warns(UserWarning, match="cannot render"):
            assert cd.export.show(helix()) is None
        return
    plotter = cd.export.show(helix(), b1_field_map(helix(), size=(2e-3, 0, 2e-3), n=9), off_screen=True,
                              screenshot=str(tmp_path / "s.png"))
    assert (tmp_path / "s.png").stat().st_size > 0 and plotter is not None


# ---------------------------------------------------------------------------- the main job
@pytest.mark.slow
def test_demo_writes_named_paraview_files(demo_run):
    """As a fresh install would run it: `python -m coildesign.cli demo` writes .vtp and .vti
    files that pyvista reads back with named arrays and units; summary.json lists the outputs."""
    pv = pytest.importorskip("pyvista")
    out, r = demo_run
    assert r.returncode == 0, r.stderr
    summary = json.loads((out / "summary.json").read_text())
    written = set(summary["outputs"]["written"])
    assert {"rf_coil.vtp", "rf_b1_map.vti", "gradient_Gx.vtp", "gradient_Gz_map.vti", "summary.json"} <= written
    assert written | {s["file"] for s in summary["outputs"]["skipped"]} >= {"rf_coil_render.png"}
    assert all(s["reason"] for s in summary["outputs"]["skipped"])
    assert written == {p.name for p in out.iterdir()}
    b1 = pv.read(out / "rf_b1_map.vti")
    assert {"|B1perp| [T/A]", "B1+ [T/A]", "B1- [T/A]"} <= set(b1.point_data.keys())
    assert b1.field_data["unit: |B1perp|"][0] == "T/A"
    gz = pv.read(out / "gradient_Gz_map.vti")
    assert {"B [T/A]", "dB/dr [T/(m A)]", "field_deviation [1]", "gradient_deviation [1]"} <= set(gz.point_data.keys())
    assert gz.field_data["unit: B"][0] == "T/A"
    coil = pv.read(out / "rf_coil.vtp")
    assert coil.field_data["unit: wire radius"][0] == "m" and coil.n_cells >= 1


@pytest.mark.slow
def test_example_notebook_shows_the_coil(monkeypatch):
    """examples/microcoil_design.ipynb runs top to bottom with coil.plot() drawing an image and
    the scikit-rf cascade printing finite, matched S11 values."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "examples" / "microcoil_design.ipynb", as_version=4)
    plot_cells = [c for c in nb.cells if c.cell_type == "code" and "coil.plot()" in c.source]
    assert plot_cells
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    assert any("image/png" in o.get("data", {}) for o in plot_cells[0].outputs)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "matched -" in text and "microcoil_wire.stl" in text


def test_results_to_frame():
    pytest.importorskip("pandas")
    from coildesign.analysis.performance import gradient_performance

    coils = [cd.geometries.maxwell_pair(r, wire_diameter=1e-4) for r in (2e-3, 3e-3)]
    perfs = [gradient_performance(c, v_max=10.0, i_max=1.0) for c in coils]
    frame = cd.export.to_frame(perfs, index=["r2", "r3"])
    assert list(frame.index) == ["r2", "r3"]
    for col, value in perfs[1].as_dict().items():
        if np.isscalar(value):
            assert frame.loc["r3", col] == value
    m = cd.rf.match_capacitors(0.5, 20e-9, 600e6)
    assert cd.export.to_frame({"a": {"b": 1.0}}).columns.tolist() == ["a.b"]
    assert cd.export.to_frame(m).loc[0, "s11_dB"] == m.s11_db
    with pytest.raises(TypeError, match="Input result"):
        cd.export.to_frame(object())


def test_probe_vtk_reports_skipped_rendering(tmp_path, monkeypatch):
    """Without OpenGL the rendering is skipped with its reason (no crash, no silent drop)."""
    pytest.importorskip("pyvista")
    from coildesign import workflow_outputs
    from coildesign.export import vtk

    monkeypatch.setattr(vtk, "_render_probe", (False, "no OpenGL here (test)", {}))
    rf = cd.geometries.solenoid(0.5e-3, 1e-3, 3, wire_diameter=0.1e-3).rotate(90, (0, 1, 0))
    gz = cd.geometries.maxwell_pair(3e-3, wire_diameter=1e-4).renamed("Gz")
    written, skipped = workflow_outputs.probe_vtk(tmp_path, rf, [gz], 1e-3, 0.5e-3)
    assert skipped == [{"file": "rf_coil_render.png", "reason": "no OpenGL here (test)"}]
    assert sorted(p.name for p in written) == sorted(p.name for p in tmp_path.iterdir()) == [
        "gradient_Gz.vtp", "gradient_Gz_map.vti", "rf_b1_map.vti", "rf_coil.vtp"]
    with pytest.warns(UserWarning, match="no OpenGL here"):
        assert cd.export.show(rf) is None


def test_rotate_uses_exact_rotations():
    """A third of a turn about (1, 1, 1) permutes the axes x -> y -> z -> x (exact closed form);
    rotations keep loop radii and wire lengths."""
    pts = np.array([[1e-3, 0, 0], [0, 2e-3, 0], [0, 0, 3e-3]])
    coil = cd.Coil.from_polyline(pts, wire_diameter=1e-5) + cd.Coil.from_loop(1e-3, normal=(1, 0, 0))
    turned = coil.rotate(120.0, (1, 1, 1))
    assert np.allclose(turned.windings[0].points, pts[:, [2, 0, 1]], rtol=0, atol=1e-18)
    assert np.allclose(turned.windings[1].normal, [0, 1, 0], rtol=0, atol=1e-15)
    assert turned.wire_length == pytest.approx(coil.wire_length, rel=1e-15, abs=0)
    back = turned.rotate(-120.0, (1, 1, 1), center=(0, 0, 0))
    assert np.allclose(back.windings[0].points, pts, rtol=0, atol=1e-18)
