"""KiCad boards (``.kicad_pcb``, KiCad 6 S-expression format) of laid-out boards, via kiutils.

One net per route (``/<board>/W<k>``, the winding's copper from pad to pad), tracks
(``segment``) on their copper layers, through vias, and one footprint per route holding its two
plated feed pads (``J<k>``: pad 1 square, current in; pad 2 round), the outline on
``Edge.Cuts`` and the stack-up thickness. KiCad's y axis points down: board y is written as -y
(the board seen from its top, as in the Gerber files). Written atomically.
``read_routes`` loads the file with kiutils and chains the tracks like ``gerber.chain``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from coildesign._files import write_text
from coildesign.export.fabrication.gerber import chain
from coildesign.export.fabrication.layout import Board, Route

MM = 1e3


def _stamp(*parts) -> str:
    """A reproducible KiCad timestamp (UUID 5 of the item's name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "coildesign/" + "/".join(map(str, parts))))


def _pos(p):
    from kiutils.items.common import Position

    return Position(X=round(float(p[0]) * MM, 6), Y=round(-float(p[1]) * MM, 6))


def kicad_board(boards: list[Board]):
    """A ``kiutils.board.Board`` holding ``boards`` (each offset along x by the previous ones'
    widths plus 5 mm when there are several, so they sit side by side in one file)."""
    from kiutils.board import Board as KiBoard
    from kiutils.footprint import DrillDefinition, Footprint, Pad
    from kiutils.items.brditems import LayerToken, Segment, Via
    from kiutils.items.common import Net, Position
    from kiutils.items.gritems import GrLine

    kb = KiBoard.create_new()
    n = max(b.n_layers for b in boards)
    if n > 2:
        inner = [LayerToken(ordinal=i, name=f"In{i}.Cu", type="signal") for i in range(1, n - 1)]
        kb.layers[1:1] = inner
    kb.general.thickness = boards[0].rules.board_thickness * MM
    shift = 0.0
    number = 0
    for board in boards:
        origin = np.array([shift - board.outline[0], 0.0])
        r = board.rules
        names = board.layer_names
        for k, route in enumerate(board.routes):
            number += 1
            net = Net(number=number, name=f"/{board.name}/W{route.winding}")
            kb.nets.append(net)
            for a, b, lv in zip(route.xy[:-1], route.xy[1:], route.layers):
                kb.traceItems.append(Segment(start=_pos(a + origin), end=_pos(b + origin),
                                             width=board.trace_width * MM, layer=names[lv], net=number,
                                             tstamp=_stamp(board.name, k, "segment", len(kb.traceItems))))
            for p in route.xy[route.vias]:
                kb.traceItems.append(Via(position=_pos(p + origin), size=r.via_diameter * MM, drill=r.via_drill * MM,
                                         layers=["F.Cu", "B.Cu"], net=number,
                                         tstamp=_stamp(board.name, k, "via", len(kb.traceItems))))
            fp = Footprint.create_new(f"coildesign:Feed_{board.name}_W{route.winding}", "feed",
                                      type="through_hole", reference=f"J{number}")
            fp.position = _pos(route.xy[0] + origin)
            fp.tstamp = _stamp(board.name, k, "footprint")
            for pin, p in ((1, route.xy[0]), (2, route.xy[-1])):
                rel = _pos(p - route.xy[0])
                fp.pads.append(Pad(number=str(pin), type="thru_hole", shape="rect" if pin == 1 else "circle",
                                   position=Position(X=rel.X, Y=rel.Y), size=Position(X=board.pad_diameter * MM,
                                                                                       Y=board.pad_diameter * MM),
                                   drill=DrillDefinition(diameter=board.pad_drill * MM), layers=["*.Cu", "*.Mask"],
                                   net=Net(number=number, name=net.name),
                                   tstamp=_stamp(board.name, k, "pad", pin)))
            kb.footprints.append(fp)
        x0, y0, x1, y1 = board.outline
        corners = [np.array(c) + origin for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
        for p, q in zip(corners[:-1], corners[1:]):
            kb.graphicItems.append(GrLine(start=_pos(p), end=_pos(q), layer="Edge.Cuts", width=0.1,
                                             tstamp=_stamp(board.name, "edge", len(kb.graphicItems))))
        shift += (x1 - x0) + 5e-3
    return kb


def write_kicad(boards: list[Board], path: Path) -> Path:
    """Write ``boards`` as one ``.kicad_pcb`` atomically (module doc)."""
    return write_text(path, kicad_board(boards).to_sexpr())


def read_routes(path: Path, board: Board, index: int = 0, boards: list[Board] | None = None) -> list[Route]:
    """The routes of ``board`` (number ``index`` among ``boards`` written to ``path``) as the
    KiCad file describes them, read with kiutils and in the board's own frame."""
    from kiutils.board import Board as KiBoard
    from kiutils.items.brditems import Segment, Via

    kb = KiBoard.from_file(str(path))
    group = boards or [board]
    shift = sum((b.outline[2] - b.outline[0]) + 5e-3 for b in group[:index])
    origin = np.array([shift - board.outline[0], 0.0])
    prefix = f"/{board.name}/W"
    nets = {n.number for n in kb.nets if n.name.startswith(prefix)}
    names = list(board.layer_names)

    def xy(p):
        return np.array([p.X, -p.Y]) / MM - origin

    layers: list[list[tuple]] = [[] for _ in names]
    holes = []
    for item in kb.traceItems:
        if getattr(item, "net", None) not in nets:
            continue
        if isinstance(item, Segment):
            layers[names.index(item.layer)].append((xy(item.start), xy(item.end), item.width / MM))
        elif isinstance(item, Via):
            holes.append(xy(item.position))
    ends = np.array([e for segs in layers for a, b, _ in segs for e in (a, b)]).reshape(-1, 2)
    pads = []
    for fp in kb.footprints:
        for pad in fp.pads:
            if pad.net is not None and pad.net.number in nets:
                p = xy(fp.position) + np.array([pad.position.X, -pad.position.Y]) / MM
                # a pad's position is the footprint's plus its own, each rounded to 1 nm in the
                # file: take the track end it sits on (within 100 nm)
                if len(ends):
                    d = np.linalg.norm(ends - p, axis=1)
                    if d.min() < 1e-7:
                        p = ends[np.argmin(d)]
                holes.append(p)
                pads.append((p, int(pad.number)))
    return chain(layers, np.array(holes).reshape(-1, 2), pads, grid=1e-9)
