"""KiCad boards (``.kicad_pcb``) of laid-out boards, written and read directly in KiCad's
S-expression board format (KiCad developer documentation, "Board File Format",
https://dev-docs.kicad.org/en/file-formats/sexpr-pcb/, 2023; file version 20211014 = KiCad 6,
which KiCad 6 and every later release open; ``sexpr`` module doc for the syntax).

One net per route (``/<board>/W<k>``, the winding's copper from pad to pad), tracks
(``segment``) on their copper layers, through vias, and one footprint per route holding its two
plated feed pads (``J<k>``: pad 1 square, current in; pad 2 round), the outline on
``Edge.Cuts`` and the stack-up thickness. Copper layers carry KiCad 6's ordinals (F.Cu 0,
In<k>.Cu k, B.Cu 31). KiCad's y axis points down: board y is written as -y (the board seen from
its top, as in the Gerber files). Timestamps are UUID 5 of each item's name, so the same design
gives the same file. Written atomically. ``read_routes`` parses the file and chains the tracks
like ``gerber.chain``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from coildesign._files import write_text
from coildesign.export.fabrication.gerber import chain
from coildesign.export.fabrication.layout import Board, Route
from coildesign.export.fabrication.sexpr import Symbol as S
from coildesign.export.fabrication.sexpr import child, children, dumps, loads

MM = 1e3
VERSION = 20211014
# the non-copper layers a board needs (KiCad 6 ordinals and names): masks for the pads, the
# outline, and the silkscreen/fabrication layers the footprints' texts sit on
USER_LAYERS = ((38, "B.Mask"), (39, "F.Mask"), (37, "F.SilkS"), (44, "Edge.Cuts"), (49, "F.Fab"))


def _stamp(*parts) -> str:
    """A reproducible KiCad timestamp (UUID 5 of the item's name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "coildesign/" + "/".join(map(str, parts))))


def _mm(p) -> list[float]:
    """Board point ``p`` [m] as KiCad coordinates [mm] (y down)."""
    return [round(float(p[0]) * MM, 6), round(-float(p[1]) * MM, 6)]


def _copper_layers(n: int) -> list[list]:
    names = ["F.Cu"] + [f"In{i}.Cu" for i in range(1, n - 1)] + ["B.Cu"]
    ordinals = list(range(n - 1)) + [31]
    return [[k, name, S("signal")] for k, name in zip(ordinals, names)]


def _text(kind: str, value: str, y: float, layer: str) -> list:
    return [S("fp_text"), S(kind), value, [S("at"), 0, y], [S("layer"), layer],
            [S("effects"), [S("font"), [S("size"), 1.0, 1.0], [S("thickness"), 0.15]]]]


def kicad_board(boards: list[Board]) -> list:
    """The S-expression tree of one ``.kicad_pcb`` holding ``boards`` (each offset along x by
    the previous ones' widths plus 5 mm when there are several, so they sit side by side)."""
    n = max(b.n_layers for b in boards)
    tree: list = [S("kicad_pcb"), [S("version"), VERSION], [S("generator"), S("coildesign")],
                  [S("general"), [S("thickness"), boards[0].rules.board_thickness * MM]],
                  [S("paper"), "A4"],
                  [S("layers"), *_copper_layers(n), *([k, name, S("user")] for k, name in USER_LAYERS)],
                  [S("setup"), [S("pad_to_mask_clearance"), 0]],
                  [S("net"), 0, ""]]
    items: list = []
    shift = 0.0
    number = 0
    for board in boards:
        origin = np.array([shift - board.outline[0], 0.0])
        r = board.rules
        names = board.layer_names
        for k, route in enumerate(board.routes):
            number += 1
            net = f"/{board.name}/W{route.winding}"
            tree.append([S("net"), number, net])
            for i, (a, b, lv) in enumerate(zip(route.xy[:-1], route.xy[1:], route.layers)):
                items.append([S("segment"), [S("start"), *_mm(a + origin)], [S("end"), *_mm(b + origin)],
                              [S("width"), board.trace_width * MM], [S("layer"), names[lv]], [S("net"), number],
                              [S("tstamp"), S(_stamp(board.name, k, "segment", i))]])
            for i, p in enumerate(route.xy[route.vias]):
                items.append([S("via"), [S("at"), *_mm(p + origin)], [S("size"), r.via_diameter * MM],
                              [S("drill"), r.via_drill * MM], [S("layers"), "F.Cu", "B.Cu"], [S("net"), number],
                              [S("tstamp"), S(_stamp(board.name, k, "via", i))]])
            pads = []
            size = board.pad_diameter * MM
            for pin, p in ((1, route.xy[0]), (2, route.xy[-1])):
                pads.append([S("pad"), str(pin), S("thru_hole"), S("rect" if pin == 1 else "circle"),
                             [S("at"), *_mm(p - route.xy[0])], [S("size"), size, size],
                             [S("drill"), board.pad_drill * MM], [S("layers"), "*.Cu", "*.Mask"],
                             [S("net"), number, net], [S("tstamp"), S(_stamp(board.name, k, "pad", pin))]])
            tree.append([S("footprint"), f"coildesign:Feed_{board.name}_W{route.winding}", [S("layer"), "F.Cu"],
                         [S("tstamp"), S(_stamp(board.name, k, "footprint"))], [S("at"), *_mm(route.xy[0] + origin)],
                         [S("attr"), S("through_hole")], _text("reference", f"J{number}", -0.5, "F.SilkS"),
                         _text("value", "feed", 1.0, "F.Fab"), *pads])
        x0, y0, x1, y1 = board.outline
        corners = [np.array(c) + origin for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
        for i, (p, q) in enumerate(zip(corners[:-1], corners[1:])):
            tree.append([S("gr_line"), [S("start"), *_mm(p)], [S("end"), *_mm(q)], [S("layer"), "Edge.Cuts"],
                         [S("width"), 0.1], [S("tstamp"), S(_stamp(board.name, "edge", i))]])
        shift += (x1 - x0) + 5e-3
    return tree + items


def write_kicad(boards: list[Board], path: Path) -> Path:
    """Write ``boards`` as one ``.kicad_pcb`` atomically (module doc)."""
    return write_text(path, dumps(kicad_board(boards)))


def read_routes(path: Path, board: Board, index: int = 0, boards: list[Board] | None = None) -> list[Route]:
    """The routes of ``board`` (number ``index`` among ``boards`` written to ``path``) as the
    KiCad file describes them, parsed from the file and in the board's own frame."""
    tree = loads(Path(path).read_text(encoding="utf-8"))
    group = boards or [board]
    shift = sum((b.outline[2] - b.outline[0]) + 5e-3 for b in group[:index])
    origin = np.array([shift - board.outline[0], 0.0])
    prefix = f"/{board.name}/W"
    nets = {item[1] for item in children(tree, "net") if str(item[2]).startswith(prefix)}
    names = list(board.layer_names)

    def xy(item, token):
        p = child(item, token)
        return np.array([p[1], -p[2]]) / MM

    layers: list[list[tuple]] = [[] for _ in names]
    holes = []
    for item in children(tree, "segment"):
        if child(item, "net")[1] in nets:
            layers[names.index(child(item, "layer")[1])].append(
                (xy(item, "start") - origin, xy(item, "end") - origin, child(item, "width")[1] / MM))
    for item in children(tree, "via"):
        if child(item, "net")[1] in nets:
            holes.append(xy(item, "at") - origin)
    ends = np.array([e for segs in layers for a, b, _ in segs for e in (a, b)]).reshape(-1, 2)
    pads = []
    for fp in children(tree, "footprint"):
        at = xy(fp, "at") - origin
        for pad in children(fp, "pad"):
            net = child(pad, "net")
            if net is not None and net[1] in nets:
                p = at + xy(pad, "at")
                # a pad's position is the footprint's plus its own, each rounded to 1 nm in the
                # file: take the track end it sits on (within 100 nm)
                if len(ends):
                    d = np.linalg.norm(ends - p, axis=1)
                    if d.min() < 1e-7:
                        p = ends[np.argmin(d)]
                holes.append(p)
                pads.append((p, int(pad[1])))
    return chain(layers, np.array(holes).reshape(-1, 2), pads, grid=1e-9)
