"""Gerber X2 and Excellon files of a laid-out board, written and read back with gerbonara.

Per board ``<name>``: ``<name>-F_Cu.gbr``, ``<name>-B_Cu.gbr`` (and ``-In<k>_Cu.gbr``) copper with
X2 file attributes (``.FileFunction,Copper,L<k>,Top|Inr|Bot``); ``<name>-F_Mask.gbr`` and
``<name>-B_Mask.gbr`` solder-mask openings over the feed pads (vias tented);
``<name>-Edge_Cuts.gbr`` the outline (``.FileFunction,Profile,NP``) and ``<name>-PTH.drl`` the
plated holes (vias and pads) as Excellon. Millimetres, absolute, 4.6 format (1 nm resolution).
Traces are lines of a round aperture of the trace width (round ends and joins), vias round
flashes, pad 1 (current in) a square flash, pad 2 a round one. Every file is written atomically.

``read_routes`` reads the copper and drill files back with gerbonara and chains the trace
centre lines into routes from each square pad to a round one, changing layer through the
drilled holes: the copper as the files describe it, independent of the layout in memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coildesign._files import atomic_path
from coildesign.export.fabrication.layout import Board, Route

MASK_EXPANSION = 0.05e-3
"""Solder-mask opening beyond the pad edge [m]."""
OUTLINE_WIDTH = 0.1e-3
"""Aperture [m] of the outline lines."""


def _gerber():
    import gerbonara
    from gerbonara.apertures import CircleAperture, ExcellonTool, RectangleAperture
    from gerbonara.cam import FileSettings
    from gerbonara.graphic_objects import Flash, Line
    from gerbonara.utils import MM

    return gerbonara, CircleAperture, ExcellonTool, RectangleAperture, FileSettings, Flash, Line, MM


def layer_file(board: Board, index: int) -> str:
    """File name of copper layer ``index`` (0 = bottom) of ``board``."""
    return f"{board.name}-{board.layer_names[index].replace('.', '_')}.gbr"


def write_gerbers(board: Board, folder: Path) -> list[Path]:
    """Write the board's Gerber and drill files into ``folder`` (module doc); returns the paths."""
    gerbonara, CircleAperture, ExcellonTool, RectangleAperture, FileSettings, Flash, Line, MM = _gerber()
    settings = FileSettings(unit=MM, number_format=(4, 6), zeros=None)
    mm = 1e3
    r = board.rules
    track = CircleAperture(board.trace_width * mm, unit=MM)
    via = CircleAperture(r.via_diameter * mm, unit=MM)
    pad1 = RectangleAperture(board.pad_diameter * mm, board.pad_diameter * mm, unit=MM)
    pad2 = CircleAperture(board.pad_diameter * mm, unit=MM)
    pads = board.pads()
    vias = board.vias()
    software = ("coildesign", "fabrication")
    written = []

    def save(obj, name):
        target = folder / name
        with atomic_path(target) as tmp:
            obj.save(tmp, settings=settings)
        written.append(target)

    n = board.n_layers
    for index in range(n):
        objs = []
        for route in board.routes:
            for a, b in zip(route.xy[:-1][route.layers == index], route.xy[1:][route.layers == index]):
                objs.append(Line(*(a * mm), *(b * mm), aperture=track, unit=MM))
        objs += [Flash(*(p * mm), aperture=via, unit=MM) for p in vias["xy"]]
        objs += [Flash(*(p * mm), aperture=pad1 if pin == 1 else pad2, unit=MM)
                 for p, pin in zip(pads["xy"], pads["pin"])]
        position = "Top" if index == n - 1 else ("Bot" if index == 0 else "Inr")
        attrs = {".FileFunction": ("Copper", f"L{n - index}", position), ".FilePolarity": ("Positive",),
                 ".GenerationSoftware": software, ".Part": ("Single",)}
        save(gerbonara.GerberFile(objects=objs, file_attrs=attrs), layer_file(board, index))
    grow = board.pad_diameter + 2 * MASK_EXPANSION
    mask1 = RectangleAperture(grow * mm, grow * mm, unit=MM)
    mask2 = CircleAperture(grow * mm, unit=MM)
    for side, name in (("Top", "F_Mask"), ("Bot", "B_Mask")):
        objs = [Flash(*(p * mm), aperture=mask1 if pin == 1 else mask2, unit=MM)
                for p, pin in zip(pads["xy"], pads["pin"])]
        attrs = {".FileFunction": ("Soldermask", side), ".FilePolarity": ("Negative",),
                 ".GenerationSoftware": software, ".Part": ("Single",)}
        save(gerbonara.GerberFile(objects=objs, file_attrs=attrs), f"{board.name}-{name}.gbr")
    x0, y0, x1, y1 = (v * mm for v in board.outline)
    edge = CircleAperture(OUTLINE_WIDTH * mm, unit=MM)
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    objs = [Line(*p, *q, aperture=edge, unit=MM) for p, q in zip(corners[:-1], corners[1:])]
    attrs = {".FileFunction": ("Profile", "NP"), ".FilePolarity": ("Positive",), ".GenerationSoftware": software,
             ".Part": ("Single",)}
    save(gerbonara.GerberFile(objects=objs, file_attrs=attrs), f"{board.name}-Edge_Cuts.gbr")
    via_tool = ExcellonTool(r.via_drill * mm, plated=True, unit=MM)
    pad_tool = ExcellonTool(board.pad_drill * mm, plated=True, unit=MM)
    holes = [Flash(*(p * mm), aperture=via_tool, unit=MM) for p in vias["xy"]]
    holes += [Flash(*(p * mm), aperture=pad_tool, unit=MM) for p in pads["xy"]]
    save(gerbonara.ExcellonFile(objects=holes), f"{board.name}-PTH.drl")
    return written


def read_copper(board: Board, folder: Path) -> tuple[list[list[tuple]], np.ndarray, list[tuple]]:
    """(per layer: trace segments (a, b, width) [m], hole centres (H, 2) [m], pads (xy, pin))
    read from the board's files in ``folder`` with gerbonara."""
    gerbonara, _, _, RectangleAperture, _, Flash, Line, MM = _gerber()
    layers, pads = [], {}
    for index in range(board.n_layers):
        g = gerbonara.GerberFile.open(folder / layer_file(board, index))
        segs = []
        for obj in g.objects:
            obj = obj.converted(MM)
            if isinstance(obj, Line):
                segs.append((np.array([obj.x1, obj.y1]) * 1e-3, np.array([obj.x2, obj.y2]) * 1e-3,
                             obj.aperture.equivalent_width(MM) * 1e-3))
            elif isinstance(obj, Flash):
                square = isinstance(obj.aperture, RectangleAperture)
                size = obj.aperture.w if square else obj.aperture.equivalent_width(MM)
                if abs(size * 1e-3 - board.pad_diameter) < 1e-9:
                    pads[(round(obj.x * 1e6), round(obj.y * 1e6))] = 1 if square else 2
        layers.append(segs)
    drill = gerbonara.ExcellonFile.open(folder / f"{board.name}-PTH.drl")
    holes = np.array([[h.converted(MM).x, h.converted(MM).y] for h in drill.drills()]) * 1e-3
    return layers, holes.reshape(-1, 2), [(np.array(k) * 1e-9, pin) for k, pin in pads.items()]


def chain(layers: list[list[tuple]], holes: np.ndarray, pads: list[tuple], grid: float = 1e-9) -> list[Route]:
    """Routes (``layout.Route``, winding = order found) from each pad 1 along the trace centre
    lines to a pad 2, changing layer at drilled holes; ``ValueError`` on branching, dangling or
    left-over copper. Coordinates are matched on a ``grid`` [m] (the files' resolution)."""

    def key(p):
        return (int(round(p[0] / grid)), int(round(p[1] / grid)))

    ends: dict[tuple, list[tuple[int, int]]] = {}
    for lv, segs in enumerate(layers):
        for i, (a, b, _) in enumerate(segs):
            ends.setdefault((lv, key(a)), []).append((i, 0))
            ends.setdefault((lv, key(b)), []).append((i, 1))
    hole_keys = {key(h) for h in holes}
    used = [np.zeros(len(s), bool) for s in layers]
    routes = []
    for start, pin in pads:
        if pin != 1:
            continue
        k = key(start)
        cur = next((lv for lv in range(len(layers)) if (lv, k) in ends), None)
        if cur is None:
            raise ValueError(f"pad 1 at {start} m: no trace reaches it")
        xy, lay = [np.asarray(start, float)], []
        while True:
            free = [(i, e) for i, e in ends.get((cur, k), []) if not used[cur][i]]
            if not free and k in hole_keys:
                for lv in range(len(layers)):
                    if lv != cur and any(not used[lv][i] for i, _ in ends.get((lv, k), [])):
                        cur = lv
                        free = [(i, e) for i, e in ends[(lv, k)] if not used[lv][i]]
                        break
            if not free:
                break
            if len(free) > 1:
                raise ValueError(f"copper branches at {xy[-1]} m on layer {cur}")
            i, e = free[0]
            used[cur][i] = True
            a, b, _ = layers[cur][i]
            nxt = a if e == 1 else b
            xy.append(np.asarray(nxt, float))
            lay.append(cur)
            k = key(nxt)
        end = [pin2 for p, pin2 in pads if key(p) == k]
        if end != [2]:
            raise ValueError(f"the route from pad 1 at {start} m ends at {xy[-1]} m, not on a pad 2")
        routes.append(Route(np.array(xy), np.array(lay), np.zeros(len(lay), bool), len(routes)))
    left = sum(int((~u).sum()) for u in used)
    if left:
        raise ValueError(f"{left} trace segment(s) belong to no route from a pad 1 to a pad 2")
    return routes


def read_routes(board: Board, folder: Path) -> list[Route]:
    """The routes of ``board`` as its Gerber and drill files in ``folder`` describe them."""
    layers, holes, pads = read_copper(board, folder)
    return chain(layers, holes, pads)
