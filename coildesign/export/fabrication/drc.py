"""Design-rule check of laid-out boards against a board house's rules (``rules.DesignRules``).

Checks (every violation is listed with its board, layer and location in board coordinates; the
same finding at one place, as seen from the two segments meeting at a vertex, is listed once):
- ``trace width``: the traces are at least ``min_trace_width`` wide;
- ``spacing``: copper to copper on each layer, edge to edge, at least ``min_spacing``: between
  traces (also turns of one winding: touching turns short the winding; parts of one route
  closer along the path than two trace widths plus two spacings are one bend, not two
  conductors), between traces and vias or pads (plated through every layer), and between
  holes; ``short`` where copper of one layer meets copper of another route;
- ``annular ring`` ((diameter - drill) / 2 of vias and pads) and ``via drill`` (every hole);
- ``edge clearance``: copper at least ``min_edge_clearance`` from the board outline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign.export.fabrication.geometry import closest_points, near_pairs, point_segment_distance, segment_distance
from coildesign.export.fabrication.layout import Board
from coildesign.export.fabrication.rules import DesignRules


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` name, ``board``, ``layer`` ("all" for holes), ``location``
    (x, y) [m] in the board frame, the measured ``value`` and the rule's ``limit`` [m], and
    ``detail`` naming the copper involved."""

    rule: str
    board: str
    layer: str
    location: tuple[float, float]
    value: float
    limit: float
    detail: str

    def __str__(self) -> str:
        x, y = self.location
        return (f"{self.board} {self.layer}: {self.rule} {self.value * 1e3:.4g} mm < {self.limit * 1e3:.4g} mm at "
                f"({x * 1e3:.4f}, {y * 1e3:.4f}) mm: {self.detail}")


@dataclass(frozen=True)
class DrcReport:
    """Result of ``design_rule_check``: every ``violations`` entry, the ``rules`` used and the
    counts of checked items per board."""

    violations: tuple[Violation, ...]
    rules: DesignRules
    checked: dict

    @property
    def ok(self) -> bool:
        """True when no rule is violated."""
        return not self.violations

    def text(self) -> str:
        """A readable report: the rules, the counts and one line per violation."""
        r = self.rules
        lines = [f"Design-rule check ({r.name}): trace >= {r.min_trace_width * 1e3:.4g} mm, spacing >= "
                 f"{r.min_spacing * 1e3:.4g} mm, annular ring >= {r.min_annular_ring * 1e3:.4g} mm, drill >= "
                 f"{r.min_via_drill * 1e3:.4g} mm, edge clearance >= {r.min_edge_clearance * 1e3:.4g} mm"]
        for name, c in self.checked.items():
            lines.append(f"  {name}: {c['segments']} track segments, {c['vias']} vias, {c['pads']} pads")
        lines.append(f"{len(self.violations)} violation(s)" + (":" if self.violations else ""))
        lines += [f"  {v}" for v in self.violations]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """The report as a plain dict (SI units)."""
        return {"ok": self.ok, "rules": self.rules.as_dict(), "checked": self.checked,
                "violations": [{"rule": v.rule, "board": v.board, "layer": v.layer, "location": list(v.location),
                                "value": v.value, "limit": v.limit, "detail": v.detail} for v in self.violations]}


def check_boards(boards: list[Board], rules: DesignRules) -> DrcReport:
    """Check ``boards`` against ``rules`` (module doc)."""
    found: list[Violation] = []
    checked = {}
    for board in boards:
        seen = set()
        for v in _check(board, rules):
            # two segments meeting at a vertex see the same neighbour there: report the place once
            key = (v.rule, v.layer, round(v.location[0] * 1e9), round(v.location[1] * 1e9), round(v.value * 1e12))
            if key not in seen:
                seen.add(key)
                found.append(v)
        checked[board.name] = {"segments": int(sum(len(r.layers) for r in board.routes)),
                               "vias": int(len(board.vias()["xy"])), "pads": int(len(board.pads()["xy"]))}
    return DrcReport(tuple(found), rules, checked)


def _check(board: Board, rules: DesignRules) -> list[Violation]:
    out: list[Violation] = []
    w = board.trace_width
    name = board.name
    seg = board.segments()
    a, b, layer, route, s0 = seg["a"], seg["b"], seg["layer"], seg["route"], seg["s0"]
    length = np.linalg.norm(b - a, axis=1)
    lname = board.layer_names

    def add(rule, lv, loc, value, limit, detail):
        out.append(Violation(rule, name, lv, (float(loc[0]), float(loc[1])), float(value), float(limit), detail))

    if w < rules.min_trace_width * (1 - 1e-9):
        for k, r in enumerate(board.routes):
            add("trace width", lname[r.layers[0]], r.xy[0], w, rules.min_trace_width, f"route {k} (winding "
                f"{r.winding})")
    bend = 2.0 * (w + rules.min_spacing)
    # traces against traces, per layer
    p = near_pairs(a, b, w + rules.min_spacing)
    if len(p):
        i, j = p[:, 0], p[:, 1]
        same = layer[i] == layer[j]
        i, j = i[same], j[same]
        gap_path = np.maximum(s0[j] - (s0[i] + length[i]), s0[i] - (s0[j] + length[j]))
        exempt = (route[i] == route[j]) & (gap_path < bend)
        i, j = i[~exempt], j[~exempt]
        d = segment_distance(a[i], b[i], a[j], b[j])
        bad = d - w < rules.min_spacing * (1 - 1e-9)
        p_near, q_near = closest_points(a[i[bad]], b[i[bad]], a[j[bad]], b[j[bad]])
        for ii, jj, dd, pn, qn in zip(i[bad], j[bad], d[bad], p_near, q_near):
            loc = 0.5 * (pn + qn)
            short = dd <= 0.0 and route[ii] != route[jj]
            add("short" if short else "spacing", lname[layer[ii]], loc, max(dd - w, 0.0), rules.min_spacing,
                f"route {route[ii]} segment {seg['index'][ii]} and route {route[jj]} segment {seg['index'][jj]}")
    # holes: vias and pads, plated through all layers
    vias, pads = board.vias(), board.pads()
    holes = [(xy, k, s, 0.5 * rules.via_diameter, rules.via_drill, f"via of route {k}")
             for xy, k, s in zip(vias["xy"], vias["route"], vias["s"])]
    for xy, k, pin in zip(pads["xy"], pads["route"], pads["pin"]):
        s = 0.0 if pin == 1 else float(board.routes[k].lengths.sum())
        holes.append((xy, k, s, 0.5 * board.pad_diameter, board.pad_drill, f"pad {pin} of route {k}"))
    for diameter, drill, what in ((rules.via_diameter, rules.via_drill, "via"),
                                  (board.pad_diameter, board.pad_drill, "pad")):
        items = [h for h in holes if h[5].startswith(what)]
        for xy, *_rest, label in items:
            if drill < rules.min_via_drill * (1 - 1e-9):
                add("via drill", "all", xy, drill, rules.min_via_drill, label)
            if 0.5 * (diameter - drill) < rules.min_annular_ring * (1 - 1e-9):
                add("annular ring", "all", xy, 0.5 * (diameter - drill), rules.min_annular_ring, label)
    for xy, k, s, radius, _, label in holes:
        d = point_segment_distance(xy[None], a, b)
        gap = d - radius - 0.5 * w
        near = gap < rules.min_spacing * (1 - 1e-9)
        own = (route == k) & (s0 - (radius + bend) <= s) & (s <= s0 + length + radius + bend)
        for g in np.flatnonzero(near & ~own):
            add("spacing", lname[layer[g]], xy, max(gap[g], 0.0), rules.min_spacing,
                f"{label} and route {route[g]} segment {seg['index'][g]}")
    for m in range(len(holes)):
        for n in range(m + 1, len(holes)):
            gap = np.linalg.norm(holes[m][0] - holes[n][0]) - holes[m][3] - holes[n][3]
            if gap < rules.min_spacing * (1 - 1e-9):
                add("spacing", "all", 0.5 * (holes[m][0] + holes[n][0]), max(gap, 0.0), rules.min_spacing,
                    f"{holes[m][5]} and {holes[n][5]}")
    # board edge
    x0, y0, x1, y1 = board.outline

    def edge(p):
        return np.minimum.reduce([p[:, 0] - x0, x1 - p[:, 0], p[:, 1] - y0, y1 - p[:, 1]])

    e = np.minimum(edge(a), edge(b)) - 0.5 * w
    for g in np.flatnonzero(e < rules.min_edge_clearance * (1 - 1e-9)):
        add("edge clearance", lname[layer[g]], a[g] if edge(a[g:g + 1])[0] < edge(b[g:g + 1])[0] else b[g],
            max(e[g], 0.0), rules.min_edge_clearance, f"route {route[g]} segment {seg['index'][g]}")
    for xy, _, _, radius, _, label in holes:
        gap = edge(xy[None])[0] - radius
        if gap < rules.min_edge_clearance * (1 - 1e-9):
            add("edge clearance", "all", xy, max(gap, 0.0), rules.min_edge_clearance, label)
    return out
