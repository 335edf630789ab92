"""Fabrication exports checked with real readers: gerbv renders every Gerber and drill file,
gerbonara parses them back (traced length, field of the copper), kiutils loads the KiCad boards
(nets, tracks, vias), and the winding former's STL is a closed, outward-oriented manifold
(pyvista and an edge count)."""

import shutil
import subprocess

import matplotlib.image as mpimg
import numpy as np
import pytest
from gerbonara import ExcellonFile, GerberFile
from gerbonara.graphic_objects import Line
from gerbonara.utils import MM
from kiutils.board import Board as KiBoard
from kiutils.items.brditems import Segment, Via

import coildesign as cd
from coildesign import design, geometries
from coildesign.export import fabrication as fab
from coildesign.export.fabrication import DesignRuleError, DesignRules
from coildesign.export.fabrication.former import closed_and_oriented, signed_volume
from coildesign.export.fabrication.geometry import crossing_pairs, segment_distances
from coildesign.export.fabrication.rules import MIL
from coildesign.export.fabrication.trace_width import ipc2221_current, ipc2221_width
from coildesign.export.fabrication.verify import field_deviation

FINE = DesignRules(name="fine line (4 mil)", min_trace_width=0.1e-3, min_spacing=0.1e-3, min_annular_ring=0.1e-3,
                   min_via_drill=0.2e-3, via_drill=0.2e-3, via_diameter=0.4e-3, min_edge_clearance=0.3e-3)


def spiral(spacing=0.4e-3):
    return geometries.planar_spiral(5, 10e-3, 0.4e-3, spacing)


def render(path, tmp_path):
    """gerbv renders ``path`` to a PNG: exit status 0 and a non-empty image with lit pixels."""
    if shutil.which("gerbv") is None:
        pytest.skip("gerbv is not installed (Debian package gerbv; .ci/run installs it)")
    png = tmp_path / (path.name + ".png")
    run = subprocess.run(["gerbv", "-x", "png", "--dpi=400", "-a", "-o", str(png), str(path)], capture_output=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    image = mpimg.imread(png)
    assert image.size > 0 and (image[..., :3].sum(axis=-1) > 0.1).any()


def gerber_lines(path):
    """(a, b) [m] of the trace lines gerbonara reads from a copper file."""
    lines = [o.converted(MM) for o in GerberFile.open(path).objects if isinstance(o, Line)]
    return (np.array([[o.x1, o.y1] for o in lines]).reshape(-1, 2) * 1e-3,
            np.array([[o.x2, o.y2] for o in lines]).reshape(-1, 2) * 1e-3)


def no_short(routes):
    """True when no two segments of one layer meet except consecutive ones of a route."""
    a = np.vstack([r.xy[:-1] for r in routes])
    b = np.vstack([r.xy[1:] for r in routes])
    lay = np.concatenate([r.layers for r in routes])
    rid = np.concatenate([np.full(len(r.layers), k) for k, r in enumerate(routes)])
    sid = np.concatenate([np.arange(len(r.layers)) for r in routes])
    return len(crossing_pairs(a, b, lay, rid, sid)) == 0


# ------------------------------------------------------------------ rules and trace width
def test_default_rules_are_the_fabricators_standard_class():
    r = DesignRules()
    assert (r.min_trace_width, r.min_spacing, r.min_annular_ring, r.min_via_drill, r.min_edge_clearance) == \
        pytest.approx((6 * MIL, 6 * MIL, 7 * MIL, 13 * MIL, 15 * MIL), rel=1e-15, abs=0)
    with pytest.raises(ValueError, match="via_diameter"):
        DesignRules(via_drill=0.4e-3, via_diameter=0.3e-3)


def test_ipc2221_width_is_the_chart_formula():
    """I = k dT^0.44 A^0.725 (A in mil^2, k = 0.048 external, 0.024 internal), W = A / t."""
    t = 35e-6
    area = (1.0 / (0.048 * 10.0**0.44)) ** (1 / 0.725)  # mil^2 for 1 A at 10 K
    assert ipc2221_width(1.0, 10.0, t) == pytest.approx(area / (t / MIL) * MIL, rel=1e-13, abs=0)
    assert ipc2221_width(1.0, 10.0, t, external=False) / ipc2221_width(1.0, 10.0, t) == \
        pytest.approx(2.0 ** (1 / 0.725), rel=1e-13, abs=0)
    assert ipc2221_width(3.0, 20.0, t) / ipc2221_width(1.0, 20.0, t) == pytest.approx(3.0 ** (1 / 0.725), rel=1e-13,
                                                                                       abs=0)
    assert ipc2221_current(ipc2221_width(2.5, 30.0, 70e-6), 30.0, 70e-6) == pytest.approx(2.5, rel=1e-13, abs=0)
    # ~0.3 mm for 1 A, 10 K rise on 1 oz copper, the usual rule of thumb
    assert 0.29e-3 < ipc2221_width(1.0, 10.0, 34.79e-6) < 0.31e-3


def test_trace_width_from_current_and_checked_against_it():
    board = fab.plan_boards(spiral(), current=1.5)[0]
    assert board.trace_width == pytest.approx(ipc2221_width(1.5, 10.0, 35e-6), rel=1e-15, abs=0)
    with pytest.raises(ValueError, match="trace_width"):
        fab.plan_boards(spiral(), current=5.0, trace_width=0.2e-3)


# ------------------------------------------------------------------ planar boards
def test_spiral_board_gerbers_render_parse_and_match_the_layout(tmp_path):
    coil = spiral()
    out = fab.to_gerber(coil, tmp_path)
    names = {p.name for p in out.files}
    stem = out.boards[0].name
    assert {f"{stem}-F_Cu.gbr", f"{stem}-B_Cu.gbr", f"{stem}-F_Mask.gbr", f"{stem}-B_Mask.gbr",
            f"{stem}-Edge_Cuts.gbr", f"{stem}-PTH.drl", f"{stem}-fabrication.json", f"{stem}-drc.txt"} <= names
    for p in out.files:
        if p.suffix in (".gbr", ".drl"):
            render(p, tmp_path)
    # the return from the spiral's centre runs on the other layer: one trace there, one via
    top_a, top_b = gerber_lines(tmp_path / f"{stem}-F_Cu.gbr")
    bot_a, bot_b = gerber_lines(tmp_path / f"{stem}-B_Cu.gbr")
    route = out.boards[0].routes[0]
    assert len(bot_a) == np.sum(route.layers == 0) and route.feed[route.layers == 0].all()  # only the return below
    assert len(top_a) == 20 + np.sum(route.feed & (route.layers == 1))  # the spiral's 20 sides and its feed
    holes = list(ExcellonFile.open(tmp_path / f"{stem}-PTH.drl").drills())
    assert len(holes) == 3  # the via and the two feed pads
    traced = np.linalg.norm(top_b - top_a, axis=1).sum() + np.linalg.norm(bot_b - bot_a, axis=1).sum()
    assert traced == pytest.approx(out.boards[0].track_length(), rel=1e-8, abs=0)
    # the spiral itself is on the board exactly: traced length minus the feeds is the winding's
    assert traced - (out.boards[0].track_length() - out.boards[0].track_length(False)) == \
        pytest.approx(coil.wire_length, rel=1e-8, abs=0)
    assert out.drc.ok and out.readback_deviation < 1e-6
    assert out.read_back_length == pytest.approx(out.layout_length, rel=1e-8, abs=0)
    board = out.boards[0]
    assert no_short(fab.boards.gerber.read_routes(board, tmp_path))


def test_spiral_without_feeds_is_the_design(tmp_path):
    """Pads on the spiral's ends (wire or bond jumper from the centre): the copper read back from
    the Gerber files has the design's field to 1e-6 and its length."""
    coil = spiral()
    out = fab.to_gerber(coil, tmp_path, feeds=False)
    assert field_deviation(out.read_back, coil, out.sphere) < 1e-6
    assert out.design_deviation < 1e-6
    assert out.read_back_length == pytest.approx(coil.wire_length, rel=1e-8, abs=0)


def test_kicad_board_loads_with_nets_tracks_vias_and_pads(tmp_path):
    out = fab.to_kicad(spiral(), tmp_path / "spiral.kicad_pcb")
    kb = KiBoard.from_file(str(tmp_path / "spiral.kicad_pcb"))
    board = out.boards[0]
    assert len(kb.nets) == 1 + len(board.routes)  # net 0 and one per winding
    segments = [t for t in kb.traceItems if isinstance(t, Segment)]
    vias = [t for t in kb.traceItems if isinstance(t, Via)]
    assert len(segments) == sum(len(r.layers) for r in board.routes)
    assert len(vias) == 1
    assert {s.layer for s in segments} == {"F.Cu", "B.Cu"}
    pads = [(p.number, p.shape) for fp in kb.footprints for p in fp.pads]
    assert sorted(pads) == [("1", "rect"), ("2", "circle")]
    assert any(g.layer == "Edge.Cuts" for g in kb.graphicItems)
    assert out.readback_deviation < 1e-6


def test_closed_loops_are_opened_and_both_plates_written(tmp_path):
    coil = geometries.biplanar(3e-3, 10e-3, axis="x", wire_diameter=0.3e-3)
    out = fab.to_gerber(coil, tmp_path)
    assert len(out.boards) == 2 and all(len(b.routes) == 2 for b in out.boards)
    assert all("opened" in " ".join(b.notes) for b in out.boards)
    assert out.drc.ok and out.readback_deviation < 1e-6
    assert {round(b.frame.axes[2][2]) for b in out.boards} == {-1, 1}  # normals away from the centre
    # the feed gaps and feeds cost a little gradient efficiency, reported
    assert out.efficiency_design == pytest.approx(coil.parameters["efficiency_closed_form"], rel=1e-9, abs=0)
    assert 0.9 < out.efficiency_as_built / out.efficiency_design < 1.0
    assert fab.to_gerber(spiral(), tmp_path / "rf").efficiency_design is None
    for p in out.files:
        if p.suffix in (".gbr", ".drl"):
            render(p, tmp_path)


def test_an_exact_circle_is_laid_out_as_a_polygon_and_opened(tmp_path):
    loop = cd.Coil.from_loop(5e-3, wire_diameter=0.3e-3)
    out = fab.to_gerber(loop, tmp_path)
    route = out.boards[0].routes[0]
    gap = 0.3e-3 + 2 * DesignRules().min_spacing
    # the polygon's path minus the gap, plus the two feeds
    polygon = 2 * 256 * 5e-3 * np.sin(np.pi / 256)
    assert route.lengths[~route.feed].sum() == pytest.approx(polygon - gap, rel=1e-12, abs=0)
    assert out.drc.ok and out.readback_deviation < 1e-6


def test_a_winding_crossing_itself_takes_the_other_layer():
    pts = 1e-3 * np.array([[0, 0, 0], [4, 0, 0], [4, 4, 0], [2, 4, 0], [2, -2, 0]], float)
    coil = cd.Coil.from_polyline(pts, wire_diameter=0.2e-3)
    board = fab.plan_boards(coil, feeds=False)[0]
    route = board.routes[0]
    assert len(set(route.layers)) == 2 and len(route.vias) == 1  # the last segment below, one via
    assert no_short(board.routes)
    assert any("crossed copper" in n for n in board.notes)


# ------------------------------------------------------------------ design rules
def test_design_rule_check_lists_every_violation_and_refuses_to_write(tmp_path):
    tight = spiral(spacing=0.1e-3)  # 0.1 mm gap < 6 mil
    report = fab.design_rule_check(tight, DesignRules())
    spacing = [v for v in report.violations if v.rule == "spacing"]
    assert spacing and all(v.value == pytest.approx(0.1e-3, rel=1e-6, abs=0) for v in spacing
                           if v.layer == "F.Cu" and "segment" in v.detail and "via" not in v.detail)
    assert all(max(abs(v.location[0]), abs(v.location[1])) < 5e-3 for v in spacing)  # on the spiral
    assert str(spacing[0]).startswith(report.violations[0].board)
    folder = tmp_path / "refused"
    with pytest.raises(DesignRuleError, match="spacing") as err:
        fab.to_gerber(tight, folder)
    assert err.value.report.violations == report.violations
    assert not folder.exists() or not any(folder.iterdir())
    out = fab.to_gerber(tight, folder, allow_violations=True)
    assert f"{len(report.violations)} violation(s)" in (folder / f"{out.boards[0].name}-drc.txt").read_text()
    rules = {v.rule for v in fab.design_rule_check(spiral(), DesignRules(via_diameter=0.5e-3), trace_width=0.1e-3,
                                                   margin=0.1e-3).violations}
    assert {"trace width", "annular ring", "edge clearance"} <= rules


def test_bad_inputs_name_the_parameter(tmp_path):
    with pytest.raises(ValueError, match="weights"):
        fab.plan_boards(spiral().with_weights([0.5]))
    with pytest.raises(ValueError, match="coil"):
        fab.plan_boards(geometries.solenoid(2e-3, 4e-3, 4, wire_diameter=0.2e-3))
    with pytest.raises(ValueError, match="path"):
        fab.to_kicad(spiral(), tmp_path / "board.pcb")
    with pytest.raises(ValueError, match="trace_width"):
        fab.plan_boards(cd.Coil.from_polyline(1e-3 * np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]], float)))
    with pytest.raises(ValueError, match="seam|coil"):
        fab.plan_flex(geometries.solenoid(2e-3, 4e-3, 4, wire_diameter=0.2e-3))


# ------------------------------------------------------------------ designs: biplanar boards, flex, former
@pytest.fixture(scope="module")
def insert():
    surf = design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16)
    # a coarse design whose wires bunch closer than a pitch: the board writer must still lay it out
    # and the design-rule check must report it (allow_violations: the design marked buildable=False)
    with pytest.warns(UserWarning, match="not buildable"):
        return design.gradient_coil(surf, "x", np.sqrt(3) * 0.5e-3, 0.05, turns=4, wire_diameter=0.15e-3,
                                    clearance=0.15e-3, n_targets=600, refine=1, allow_violations=True)


@pytest.fixture(scope="module")
def gy():
    surf = design.cylinder(5e-3, 20e-3, resolution=2 * np.pi * 5e-3 / 24)
    with pytest.warns(UserWarning, match="not buildable"):
        return design.gradient_coil(surf, "y", 2.5e-3, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=600, refine=1,
                                    modes=40, allow_violations=True)


@pytest.mark.slow
def test_biplanar_design_boards_built_as_laid_out(insert, tmp_path):
    boards = fab.plan_boards(insert, rules=FINE)
    lift = insert.wire_diameter + insert.clearance
    assert len(boards) == 2
    for b in boards:
        assert np.diff(b.layer_offsets)[0] == pytest.approx(lift, rel=1e-9, abs=0)  # the lifted return below/above
        assert no_short(b.routes)
        assert all(len(r.vias) >= 1 for r in b.routes)
    out = fab.to_gerber(insert, tmp_path / "gerber", rules=FINE, allow_violations=True)
    assert out.readback_deviation < 1e-6
    # each segment end is rounded to the files' 1 nm grid: lengths agree to 1 nm per segment
    n_segments = sum(len(r.layers) for b in boards for r in b.routes)
    assert abs(out.read_back_length - out.layout_length) <= n_segments * 1e-9
    assert out.sphere.radius == insert.dsv_radius
    assert all(no_short(fab.boards.gerber.read_routes(b, tmp_path / "gerber")) for b in out.boards)
    kicad = fab.to_kicad(insert, tmp_path / "kicad" / "insert.kicad_pcb", rules=FINE, allow_violations=True)
    assert kicad.readback_deviation < 1e-6
    kb = KiBoard.from_file(str(tmp_path / "kicad" / "insert.kicad_pcb"))
    assert len(kb.nets) == 1 + len(insert.coil.windings)
    assert len([t for t in kb.traceItems if isinstance(t, Via)]) == sum(len(r.vias) for b in boards for r in b.routes)


@pytest.mark.slow
def test_target_field_design_is_built_as_designed(insert, tmp_path):
    """The design's wires are what can be built (each contour ends a pitch before its cut, the
    return runs on the second layer): laid out with the design's leads as the wires soldered to
    the pads (no feed tracks), the copper read back from the Gerber files has the design's field
    to 1e-6 over the DSV and, with the leads, the design's length; the layout opens or moves
    nothing."""
    out = fab.to_gerber(insert, tmp_path, rules=FINE, allow_violations=True, feeds=False)
    assert field_deviation(out.read_back, insert.coil, out.sphere) < 1e-6
    assert out.design_deviation < 1e-6
    n_segments = sum(len(r.layers) for b in out.boards for r in b.routes)  # ends on the files' 1 nm grid
    assert abs(out.read_back_length + out.leads_left_out - insert.coil.wire_length) <= n_segments * 1e-9
    assert out.efficiency_as_built == pytest.approx(out.efficiency_design, rel=1e-6, abs=0)
    for b in out.boards:
        assert not any("opened" in note or "moved" in note or "oblique" in note for note in b.notes)


@pytest.mark.slow
def test_cylindrical_design_on_flex(gy, tmp_path):
    out = fab.to_flex(gy, tmp_path, trace_width=0.2e-3, allow_violations=True)
    board = out.boards[0]
    x0, _, x1, _ = board.outline
    assert (x0, x1) == pytest.approx((0.0, 2 * np.pi * board.frame.radius), rel=1e-12, abs=1e-18)
    xs = np.vstack([r.xy for r in board.routes])[:, 0]
    assert xs.min() > 0 and xs.max() < x1  # nothing crosses the seam
    # the median distance of the wires from the axis: on the design surface, whose 24 facets lie
    # between the apothem R cos(pi / 24) and R
    assert 5e-3 * np.cos(np.pi / 24) <= board.frame.radius <= 5e-3
    assert out.readback_deviation < 1e-6
    assert out.design_deviation < 0.05
    for p in out.files:
        if p.suffix in (".gbr", ".drl"):
            render(p, tmp_path)
    kb = KiBoard.from_file(str(tmp_path / f"{board.name}.kicad_pcb"))
    assert len([t for t in kb.traceItems if isinstance(t, Segment)]) == sum(len(r.layers) for r in board.routes)


@pytest.mark.slow
def test_grooved_former_is_a_closed_outward_manifold(gy, tmp_path):
    import pyvista as pv

    former = fab.winding_former(gy, tmp_path / "gy_former.stl")
    assert former.closed and former.volume > 0
    assert former.lead_exits == 2 * len(gy.coil.windings) and former.grooves == len(gy.coil.windings)
    mesh = pv.read(tmp_path / "gy_former.stl").clean()
    assert mesh.n_open_edges == 0 and mesh.is_manifold
    tris = mesh.faces.reshape(-1, 4)[:, 1:]
    assert closed_and_oriented(tris)
    assert signed_volume(mesh.points, tris) == pytest.approx(former.volume * former.scale**3, rel=1e-5, abs=0)
    # less material than the plain tube (grooves, lead channels), but most of it
    tube = np.pi * (former.outer**2 - former.inner**2) * former.length
    assert 0.8 * tube < former.volume < tube
    r = np.hypot(mesh.points[:, 0], mesh.points[:, 1]) / former.scale
    assert r.max() == pytest.approx(former.outer, rel=1e-6, abs=0)  # STL stores float32
    assert r.min() == pytest.approx(former.inner, rel=1e-6, abs=0)
    grooved = r[(r > former.inner * 1.01)]
    assert grooved.min() < former.wire_radius - 0.9 * former.groove_radius  # groove bottoms a wire radius deep


def test_segment_distances_are_exact():
    """``geometry.segment_distances`` (3-D) against closed forms: skew segments crossing over each other at a
    height h (distance h), parallel segments offset diagonally (sqrt 2, between endpoints), a
    point of one segment's interior nearest to the other's end, touching segments (0); and
    random pairs never above the least distance of densely sampled points nor below it by more
    than the sampling can hide (half a sample spacing)."""
    d = segment_distances
    o, x = np.zeros(3), np.array([1.0, 0.0, 0.0])
    assert d(o, x, np.array([0.5, -1.0, 0.3]), np.array([0.5, 1.0, 0.3])) == pytest.approx(0.3, rel=1e-15, abs=0)
    assert d(o, x, np.array([2.0, 1.0, 0.0]), np.array([3.0, 1.0, 0.0])) == pytest.approx(np.sqrt(2.0), rel=1e-15,
                                                                                          abs=0)
    assert d(o, x, np.array([0.25, 0.5, 0.0]), np.array([0.25, 2.0, 0.0])) == pytest.approx(0.5, rel=1e-15, abs=0)
    assert d(o, x, np.array([0.4, 0.0, 0.0]), np.array([0.4, 1.0, 1.0])) == 0.0
    rng = np.random.default_rng(3)
    p0, p1, q0, q1 = rng.normal(size=(4, 200, 3))
    exact = d(p0, p1, q0, q1)
    u = np.linspace(0.0, 1.0, 401)
    a = p0[:, None] + u[None, :, None] * (p1 - p0)[:, None]
    b = q0[:, None] + u[None, :, None] * (q1 - q0)[:, None]
    sampled = np.linalg.norm(a[:, :, None] - b[:, None, :], axis=-1).min(axis=(1, 2))
    step = 0.5 * (np.linalg.norm(p1 - p0, axis=1) + np.linalg.norm(q1 - q0, axis=1)) / 400
    assert np.all(exact <= sampled * (1 + 1e-12))
    assert np.all(exact >= sampled - step)
