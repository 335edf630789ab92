"""From windings to a board layout: copper routes on layers, vias, feed pads and the outline.

A board carries the windings of one plate (or one flex). Each winding becomes one *route*: board
points xy (K, 2) [m] in current direction (for positive coil current) and the copper layer of
every segment between them; a via stands wherever consecutive segments change layer (at their
shared point), and the route starts and ends on a plated feed pad.

Layers: the windings' points are split by their offset from the reference plane (along the
normal) into clusters at least half a trace width apart; each cluster is one copper layer,
placed at the cluster's offset, so a design's second winding layer (``coildesign.design``'s
lifted return, one pitch off the surface) becomes the other copper layer at the same distance.
Clusters take the top layers (the top is the layer farthest along the normal); the remaining
layers lie below at ``layer_pitch`` (default: the stack-up's copper centre spacing
(board thickness - copper thickness) / (layers - 1)). A step between layers that is steep
(offset change larger than half its in-plane length, in-plane shorter than a trace width)
becomes a via at its first point; an oblique one runs on its first layer and drops through a
via at its end (counted in the notes).

Crossings: a winding that crosses copper of the same layer (a spiral's return from its centre,
a jog between contours, a feed leaving the inside of a spiral) is never shorted: the later
segment of each crossing pair moves to another copper layer, with vias at its ends (the nearest
layer free of crossings there; a ``ValueError`` when none is).

Leads and feeds: steep segments at a winding's ends that leave the board (the design's radial
leads to the connector) are not copper; the winding's two terminals are taken on feed tracks
(straight, or when the terminals lie side by side, running together and fanning out to the pads
at 45 deg) to a pair of plated pads ``pad_spacing`` apart (a 2.54 mm pin header by default) beyond
the copper in the direction ``feed_direction`` (default: from the board's copper centroid
towards the terminals). Pad 1 (square in Gerber and KiCad) is where the current enters for
positive coil current, pad 2 (round) where it leaves. Closed windings (loops) are opened by a
gap of one trace width plus two spacings (of path length) where they are farthest from the
copper centroid, on a straight stretch where they have one. Open windings are laid as they are:
a winding that passes a point twice (on one layer) is not opened there but reported by the
design-rule check (its turns touch); ``coildesign.design``'s windings never do, their loops end a
wire pitch before the point where they start (``design.contours.connect``).
With ``feeds=False`` no feed tracks are added: via-sized pads sit on the windings' ends and the
design's leads are the wires soldered there (the copper plus those leads is then the design,
but for the changes listed in the notes). Windings are separate circuits on the board, each
with its own pads (series connections between them are the connector's, as the design's leads
are); a winding's current weight must be +-1.

The layout's copper as built (``as_built``: routes on their layers' offsets, vias through the
stack, feeds included, connector leads excluded) is what the written files are checked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import RectangularStrip
from coildesign.export.fabrication.frames import CylinderFrame, PlaneFrame
from coildesign.export.fabrication.geometry import crossing_pairs, segments_cross
from coildesign.export.fabrication.rules import DesignRules

LOOP_SEGMENTS = 256
"""Sides of the polygon an exact circular loop is laid out as (its field differs from the
circle's by ~(pi/n)^2/6 = 2.5e-5 relative)."""


@dataclass(frozen=True, eq=False)
class Route:
    """One winding's copper: ``xy`` (K, 2) [m] board points in current direction, ``layers``
    (K-1,) copper layer index (0 = bottom) per segment, ``feed`` (K-1,) True for the feed
    tracks the layout added, ``winding`` index in the source coil."""

    xy: np.ndarray
    layers: np.ndarray
    feed: np.ndarray
    winding: int

    @property
    def vias(self) -> np.ndarray:
        """Indices of the route points where a via stands (the layer changes there)."""
        return np.flatnonzero(self.layers[1:] != self.layers[:-1]) + 1

    @property
    def lengths(self) -> np.ndarray:
        """In-plane length [m] of each segment."""
        return np.linalg.norm(np.diff(self.xy, axis=0), axis=1)


@dataclass(frozen=True, eq=False)
class Board:
    """A laid-out board (module doc). Coordinates [m] in the board frame; ``layer_offsets``
    [m] of the copper layers (bottom to top) along the frame normal; ``outline`` (xmin, ymin,
    xmax, ymax) [m]; ``notes`` say what the layout added or changed."""

    name: str
    frame: PlaneFrame | CylinderFrame
    layer_names: tuple[str, ...]
    layer_offsets: np.ndarray
    routes: tuple[Route, ...]
    trace_width: float
    rules: DesignRules
    outline: tuple[float, float, float, float]
    pad_spacing: float
    lead_length: float = 0.0
    leads_total: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)
    pad_diameter: float = 0.0
    pad_drill: float = 0.0
    feeds: bool = True
    leads: tuple[np.ndarray, ...] = field(default_factory=tuple)

    @property
    def n_layers(self) -> int:
        return len(self.layer_names)

    def segments(self) -> dict[str, np.ndarray]:
        """All track segments: ``a``, ``b`` (M, 2) [m], ``layer``, ``route``, ``index``
        (segment number within its route), ``s0`` (path length [m] at its start, vias and feeds
        included in the count of segments only)."""
        a, b, layer, route, index, s0 = [], [], [], [], [], []
        for k, r in enumerate(self.routes):
            a.append(r.xy[:-1])
            b.append(r.xy[1:])
            layer.append(r.layers)
            route.append(np.full(len(r.layers), k))
            index.append(np.arange(len(r.layers)))
            s0.append(np.r_[0.0, np.cumsum(r.lengths)[:-1]])
        return {"a": np.vstack(a), "b": np.vstack(b), "layer": np.concatenate(layer),
                "route": np.concatenate(route), "index": np.concatenate(index), "s0": np.concatenate(s0)}

    def vias(self) -> dict[str, np.ndarray]:
        """Via positions ``xy`` (V, 2) [m], their ``route`` and path length ``s`` [m]."""
        xy, route, s = [], [], []
        for k, r in enumerate(self.routes):
            idx = r.vias
            xy.append(r.xy[idx])
            route.append(np.full(len(idx), k))
            s.append(np.r_[0.0, np.cumsum(r.lengths)][idx])
        return {"xy": np.vstack(xy) if xy else np.zeros((0, 2)), "route": np.concatenate(route).astype(int),
                "s": np.concatenate(s)}

    def pads(self) -> dict[str, np.ndarray]:
        """Feed pads: ``xy`` (P, 2) [m], ``route``, ``pin`` (1: current in, 2: out)."""
        xy = np.array([p for r in self.routes for p in (r.xy[0], r.xy[-1])])
        route = np.repeat(np.arange(len(self.routes)), 2)
        return {"xy": xy, "route": route, "pin": np.tile([1, 2], len(self.routes))}

    def track_length(self, feeds: bool = True) -> float:
        """Total in-plane trace length [m] (without the feed tracks unless ``feeds``)."""
        return float(sum(r.lengths[feeds | ~r.feed].sum() for r in self.routes))

    def via_length(self) -> float:
        """Total via barrel length [m] the current runs through (layer offset differences)."""
        return float(sum(np.abs(np.diff(self.layer_offsets[r.layers]))[r.vias - 1].sum() if len(r.vias) else 0.0
                         for r in self.routes))

    def as_built(self) -> Coil:
        """The board's copper as a ``Coil`` in space (module doc), with the design's leads as
        the wires soldered to the pads when the board has no feed tracks."""
        return routes_coil(self.frame, self.layer_offsets, self.routes, self.trace_width,
                           self.rules.copper_thickness, name=self.name, leads=() if self.feeds else self.leads)

    def describe(self) -> dict:
        """Stack-up, frame and notes as a plain dict (SI units)."""
        return {"name": self.name, "frame": self.frame.describe(), "layers": list(self.layer_names),
                "layer_offsets": self.layer_offsets,
                "dielectric_thickness": np.diff(self.layer_offsets) - self.rules.copper_thickness,
                "trace_width": self.trace_width, "outline": self.outline,
                "pad_spacing": self.pad_spacing, "windings": [r.winding for r in self.routes],
                "track_length": self.track_length(), "feed_length": self.track_length() - self.track_length(False),
                "via_count": int(sum(len(r.vias) for r in self.routes)), "notes": list(self.notes),
                "pins": "pad 1 (square): current in for positive coil current; pad 2 (round): current out"}


def routes_coil(frame, layer_offsets: np.ndarray, routes, width: float, thickness: float, *, name: str,
                leads=()) -> Coil:
    """The copper of ``routes`` in space: each route one open ``Winding`` (strip conductor of
    ``width`` x ``thickness`` [m]) along its segments on their layers' offsets, with vertical
    (normal or radial) via segments where the layer changes; ``leads`` (space polylines) are
    added as windings of their own (wires in series with the copper)."""
    windings = [Winding(p, False) for p in leads]
    for r in routes:
        off = layer_offsets[r.layers]
        pts = [frame.place(r.xy[:1], off[0])]
        for i in range(len(r.layers)):
            if i and r.layers[i] != r.layers[i - 1]:
                pts.append(frame.place(r.xy[i:i + 1], off[i]))
            pts.append(frame.curve(r.xy[i], r.xy[i + 1], off[i]))
        windings.append(Winding(np.vstack(pts), False, RectangularStrip(width, thickness)))
    return Coil(windings, name=f"{name} (as built)")


# ------------------------------------------------------------------------------ frames from coils
def winding_paths(coil: Coil) -> list[tuple[np.ndarray, bool]]:
    """(points (N, 3) [m] in current direction for positive coil current, closed) per winding."""
    out = []
    for k, (w, wt) in enumerate(zip(coil.windings, coil.weights)):
        if abs(abs(float(wt)) - 1.0) > 1e-12:
            check._fail(f"coil.weights[{k}]", "+1 or -1 (windings on a board are in series, each carrying the "
                        "coil current)", float(wt))
        if w.turns != 1:
            check._fail(f"coil.windings[{k}].turns", "1 (a board trace is one turn: lay bundled turns out one by "
                        "one)", w.turns)
        if isinstance(w, LoopWinding):
            pts, closed = coil.paths(LOOP_SEGMENTS)[k][:-1], True
        else:
            pts, closed = np.array(w.points), w.closed
        out.append((pts if wt > 0 else pts[::-1], closed))
    return out


def plane_frames(coil: Coil, rtol: float = 1e-3) -> list[tuple[PlaneFrame, list[int]]]:
    """Group the windings of ``coil`` by the plane most of their points lie in (within ``rtol``
    times the coil size); returns (frame, winding indices) per plate. The normal points away from
    the coil's centre (for a plate through the centre: its largest component positive)."""
    paths = coil.paths(64)
    allpts = np.vstack(paths)
    centre = 0.5 * (allpts.min(axis=0) + allpts.max(axis=0))
    size = float(np.ptp(allpts, axis=0).max())
    plates: list[tuple[np.ndarray, float, list[int]]] = []
    for k, p in enumerate(paths):
        # the normal of most consecutive segment pairs (off-plane leads are a few of them)
        d = np.diff(p, axis=0)
        c = np.cross(d[:-1], d[1:])
        if not np.any(c):
            check._fail("coil", "windings that each span a plane (not straight lines)", f"winding {k}")
        size_c = np.linalg.norm(c, axis=1)
        c = c[size_c > 1e-9 * size_c.max()] / size_c[size_c > 1e-9 * size_c.max(), None]  # each pair one vote
        n = np.linalg.eigh(c.T @ c)[1][:, -1]
        level = float(np.median(p @ n))
        on_plane = np.abs(p @ n - level) <= 1e-6 * size
        if on_plane.mean() < 0.5:  # most of a board winding is on its plate (lifted parts and leads are few)
            check._fail("coil", "windings that each lie mostly in a plane (a board per plate)",
                        f"winding {k} with {on_plane.mean():.0%} of its points on its best plane")
        for normal, lv, members in plates:
            if abs(abs(n @ normal) - 1.0) < rtol and abs(np.sign(n @ normal) * level - lv) < rtol * size:
                members.append(k)
                break
        else:
            plates.append((n, level, [k]))
    out = []
    for n, level, members in plates:
        side = level - centre @ n
        if abs(side) > rtol * size:
            n = n * np.sign(side)
        else:
            n = n * (np.sign(n[np.argmax(np.abs(n))]) or 1.0)
        pts = np.vstack([paths[k] for k in members])
        lv = float(np.median(pts @ n))
        mid = 0.5 * (pts.min(axis=0) + pts.max(axis=0))
        origin = mid - (mid @ n - lv) * n
        helper = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        u = helper - (helper @ n) * n
        u /= np.linalg.norm(u)
        out.append((PlaneFrame(origin, np.array([u, np.cross(n, u), n])), members))
    return out


# ------------------------------------------------------------------------------ the layout
def _steep(d_xy: float, d_off: float, width: float) -> bool:
    return abs(d_off) > 0.5 * d_xy and d_xy < width


def _open_loop(xy: np.ndarray, centroid: np.ndarray, gap: float) -> np.ndarray:
    """The closed board polygon ``xy`` (no repeated point) opened by a gap of ``gap`` [m] of
    path length centred on the midpoint farthest from ``centroid`` of its segments longer than
    2 ``gap`` (without such: its vertex or segment midpoint farthest from ``centroid``)."""
    ext = np.vstack([xy, xy[:1]])
    seg = np.linalg.norm(np.diff(ext, axis=0), axis=1)
    total = float(seg.sum())
    if total <= 2.0 * gap:
        check._fail("coil", f"closed windings longer than twice the feed gap {gap:g} m", f"a loop of {total:g} m")
    s = np.r_[0.0, np.cumsum(seg)]
    mids = 0.5 * (ext[:-1] + ext[1:])
    long = seg > 2.0 * gap  # cut a straight stretch where there is one (feeds leave it side by side)
    if long.any():
        cands, where = mids[long], (s[:-1] + 0.5 * seg)[long]
    else:
        cands, where = np.vstack([xy, mids]), np.r_[s[:-1], s[:-1] + 0.5 * seg]
    s_cut = float(where[int(np.argmax(np.linalg.norm(cands - centroid, axis=1)))])

    def point(t: float) -> np.ndarray:
        t = t % total
        i = min(int(np.searchsorted(s, t, side="right")) - 1, len(seg) - 1)
        return ext[i] + (ext[i + 1] - ext[i]) * ((t - s[i]) / seg[i])

    a, b = s_cut + 0.5 * gap, s_cut + total - 0.5 * gap
    inside = [(t if t > a else t + total) for t in s[:-1]]
    keep = sorted((t, i) for i, t in enumerate(inside) if a < t < b)
    return np.vstack([point(a)] + [xy[i][None] for _, i in keep] + [point(b)])


def _stack(offsets: list[np.ndarray], width: float, layers: int, layer_pitch: float | None,
           rules: DesignRules) -> tuple[np.ndarray, np.ndarray]:
    """(cluster offsets [m], layer offsets [m] bottom to top) of the windings' point offsets."""
    allo = np.sort(np.concatenate(offsets))
    breaks = np.flatnonzero(np.diff(allo) > 0.5 * width)
    clusters = np.array([c.mean() for c in np.split(allo, breaks + 1)])
    if len(clusters) > layers:
        check._fail("layers", f"at least {len(clusters)} (the windings lie on {len(clusters)} levels, offsets "
                    f"{', '.join(f'{c:.4g}' for c in clusters)} m)", layers)
    pitch = layer_pitch
    if pitch is None:
        pitch = float(np.diff(clusters).mean()) if len(clusters) > 1 else \
            (rules.board_thickness - rules.copper_thickness) / max(layers - 1, 1)
    top = clusters[-1]
    offs = top - pitch * np.arange(layers)[::-1]
    offs[layers - len(clusters):] = clusters if layer_pitch is None else offs[layers - len(clusters):]
    return clusters, offs


def layout(paths: list[tuple[np.ndarray, bool]], windings: list[int], frame, *, name: str, rules: DesignRules,
           width: float, layers: int, layer_pitch: float | None, pad_spacing: float, margin: float,
           feed_direction=None, outline_x: tuple[float, float] | None = None, feeds: bool = True) -> Board:
    """Lay out the windings ``paths`` (from ``winding_paths``; ``windings`` their indices) on a
    board in ``frame`` (module doc). ``feed_direction``: a board direction for the feeds, or a
    function of the terminals' midpoint giving one (None: from the copper centroid);
    ``outline_x``: a fixed x extent of the outline (flex); ``feeds``: False puts the pads on the
    windings' ends (module doc)."""
    notes: list[str] = []
    flat = []
    lead_length = leads_total = 0.0
    leads = []
    for pts, closed in paths:
        xy, off = frame.flatten(pts)
        if not closed:  # strip the off-board leads at the ends
            while len(xy) > 2 and _steep(np.linalg.norm(xy[1] - xy[0]), off[1] - off[0], width):
                lead_length = max(lead_length, abs(off[1] - off[0]))
                leads_total += float(np.linalg.norm(pts[1] - pts[0]))
                leads.append(pts[:2])
                pts = pts[1:]
                xy, off = xy[1:], off[1:]
            while len(xy) > 2 and _steep(np.linalg.norm(xy[-1] - xy[-2]), off[-1] - off[-2], width):
                lead_length = max(lead_length, abs(off[-1] - off[-2]))
                leads_total += float(np.linalg.norm(pts[-1] - pts[-2]))
                leads.append(pts[-2:])
                pts = pts[:-1]
                xy, off = xy[:-1], off[:-1]
        flat.append((xy, off, closed))
    if lead_length:
        notes.append(f"the windings' leads off the board (up to {lead_length:.4g} m along the normal) are the "
                     "connector's wires, not copper")
    clusters, offsets = _stack([o for _, o, _ in flat], width, layers, layer_pitch, rules)
    first = layers - len(clusters)
    centroid = np.vstack([xy for xy, _, _ in flat]).mean(axis=0)
    gap = width + 2.0 * rules.min_spacing
    routes = []
    n_oblique = n_open = 0
    for (xy, off, closed), k in zip(flat, windings):
        lay = first + np.argmin(np.abs(off[:, None] - clusters[None, :]), axis=1)
        if closed:
            if np.any(lay != lay[0]):
                check._fail("coil", "closed windings on one level (loops are opened for the feed on their layer)",
                            f"winding {k} spanning offsets {off.min():.4g} .. {off.max():.4g} m")
            xy = _open_loop(xy, centroid, gap)
            lay = np.full(len(xy), lay[0])
            n_open += 1
        nodes = [(xy[0], lay[0])]
        for p, lv in zip(xy[1:], lay[1:]):
            q, lq = nodes[-1]
            if lv == lq:
                nodes.append((p, lv))
            elif _steep(np.linalg.norm(p - q), offsets[lv] - offsets[lq], width):
                nodes.append((q, lv))
            else:
                n_oblique += 1
                nodes += [(p, lq), (p, lv)]
        pos, seg_layer = [nodes[0][0]], []
        for p, lv in nodes[1:]:
            if np.array_equal(p, pos[-1]):  # a via: the next segment is on the new layer
                continue
            pos.append(p)
            seg_layer.append(lv)
        if not seg_layer:
            check._fail("coil", "windings with copper on the board", f"winding {k} reduced to a point")
        routes.append(Route(np.array(pos), np.array(seg_layer), np.zeros(len(seg_layer), bool), k))
    if n_open:
        notes.append(f"{n_open} closed winding(s) opened by a feed gap of {gap:.4g} m")
    if n_oblique:
        notes.append(f"{n_oblique} oblique layer change(s) laid as a trace on the first layer and a via at the end")
    routes, moved = _uncross(routes, layers)
    if moved:
        notes.append(f"{moved} segment(s) that crossed copper of their layer moved to another layer through vias")
    if feeds:
        routes = _feeds(routes, rules, width, pad_spacing, layers, feed_direction)
        pad_d, pad_drill = rules.pad_diameter, rules.pad_drill
    else:
        pad_d, pad_drill = rules.via_diameter, rules.via_drill
        notes.append("no feed tracks: the pads (via-sized) sit on the windings' ends" +
                     (", where the design's leads are soldered" if leads else ""))
    if layers > 1:
        gaps = np.diff(offsets) - rules.copper_thickness
        if np.any(gaps <= 0):
            check._fail("layer_pitch", f"larger than the copper thickness {rules.copper_thickness:g} m (the layers "
                        f"are {np.diff(offsets).min():.4g} m apart)", layer_pitch)
        notes.append("stack-up: copper layers " + ", ".join(f"{n} at {o * 1e3:.4g} mm" for n, o in
                     zip(_names(layers), offsets)) + " along the normal (copper centres); dielectric " +
                     ", ".join(f"{g * 1e3:.4g}" for g in gaps) +
                     f" mm between them with {rules.copper_thickness * 1e6:.3g} um copper")
    pts = np.vstack([r.xy for r in routes])
    half = 0.5 * max(width, rules.pad_diameter, rules.via_diameter) + margin
    grid = 1e-4  # outline on a 0.1 mm grid
    lo = np.floor((pts.min(axis=0) - half) / grid) * grid
    hi = np.ceil((pts.max(axis=0) + half) / grid) * grid
    if outline_x is not None:
        lo[0], hi[0] = outline_x
    return Board(name, frame, _names(layers), offsets, tuple(routes), width, rules, (lo[0], lo[1], hi[0], hi[1]),
                 pad_spacing, lead_length, leads_total, tuple(notes), pad_d, pad_drill, feeds, tuple(leads))


def _names(layers: int) -> tuple[str, ...]:
    """KiCad copper layer names, bottom to top."""
    return ("F.Cu",) if layers == 1 else tuple(["B.Cu"] + [f"In{i}.Cu" for i in range(layers - 2, 0, -1)] + ["F.Cu"])


def _nearest_layers(layer: int, layers: int) -> list[int]:
    """All layer indices, ``layer`` first, then by distance from it (the shorter via first)."""
    return sorted(range(layers), key=lambda lv: (abs(lv - layer), lv))


def _uncross(routes: list[Route], layers: int) -> tuple[list[Route], int]:
    """Move the later segment of every same-layer crossing pair to another layer (module doc)."""
    layer_of = [r.layers.copy() for r in routes]
    moved = 0
    for _ in range(layers + 1):
        a = np.vstack([r.xy[:-1] for r in routes])
        b = np.vstack([r.xy[1:] for r in routes])
        lay = np.concatenate(layer_of)
        rid = np.concatenate([np.full(len(r.layers), k) for k, r in enumerate(routes)])
        sid = np.concatenate([np.arange(len(r.layers)) for r in routes])
        pairs = crossing_pairs(a, b, lay, rid, sid)
        if not len(pairs):
            break
        later = np.unique(pairs.max(axis=1))
        for g in later:
            k, i = rid[g], sid[g]
            for new in _nearest_layers(int(lay[g]), layers)[1:]:
                others = (lay == new) & ~((rid == k) & (np.abs(sid - i) <= 1))
                if not segments_cross(a[g], b[g], a[others], b[others]).any():
                    layer_of[k][i] = new
                    lay[g] = new
                    moved += 1
                    break
            else:
                check._fail("layers", f"more than {layers}: winding {routes[k].winding} segment {i} crosses copper "
                            "on every layer", layers)
    else:
        check._fail("layers", f"more than {layers} (crossings remain after rerouting)", layers)
    return [Route(r.xy, lv, r.feed, r.winding) for r, lv in zip(routes, layer_of)], moved


def _feeds(routes: list[Route], rules: DesignRules, width: float, spacing: float, layers: int,
           direction) -> list[Route]:
    """Each route with straight feed tracks from its terminals to its pad pair (module doc)."""
    allpts = np.vstack([r.xy for r in routes])
    centroid = allpts.mean(axis=0)
    out = []
    pad_r = 0.5 * rules.pad_diameter
    for r in routes:
        a, b = r.xy[0], r.xy[-1]
        m = 0.5 * (a + b)
        if direction is not None:
            e = np.asarray(direction(m) if callable(direction) else direction, dtype=float)
        else:
            e = m - centroid
            if np.linalg.norm(e) < 1e-9 * (np.ptp(allpts, axis=0).max() + 1e-300):
                e = a - centroid
            if np.linalg.norm(e) == 0:
                e = np.array([1.0, 0.0])
        e = e / np.linalg.norm(e)
        t = np.array([-e[1], e[0]])
        pts = np.vstack([q.xy for q in out] + [q.xy for q in routes])
        band = np.abs((pts - m) @ t) < spacing + rules.pad_diameter + width
        reach = float(np.max((pts[band] - m) @ e)) if band.any() else 0.0
        q = m + (max(reach, 0.0) + 0.5 * width + rules.min_spacing + pad_r + 0.5 * spacing) * e
        sa, sb = (a - m) @ t, (b - m) @ t
        sign = -1.0 if sa <= sb else 1.0
        pad_a, pad_b = q + sign * 0.5 * spacing * t, q - sign * 0.5 * spacing * t
        # terminals side by side: the feeds run together along e and fan out to the pads at 45 deg
        # at the end (a small loop between them, so little field of their own)
        together = abs(sa - sb) < spacing
        fa, fb = (_feed_path(p, pad, e, t, width, together) for p, pad in ((a, pad_a), (b, pad_b)))
        placed = out + [x for x in routes if x is not r]
        la = _free_layer(fa, r.layers[0], placed, r, layers, 0)
        lb = _free_layer(fb, r.layers[-1], placed, r, layers, len(r.layers) - 1)
        if la == lb and any(segments_cross(p, q, np.array(fb[:-1]), np.array(fb[1:])).any()
                            for p, q in zip(fa[:-1], fa[1:])):
            check._fail("pad_spacing", "a spacing whose feed tracks do not cross", spacing)
        xy = np.vstack([fa[::-1], r.xy[1:-1], fb])
        na, nb = len(fa) - 1, len(fb) - 1
        out.append(Route(xy, np.r_[np.full(na, la), r.layers, np.full(nb, lb)],
                         np.r_[np.ones(na, bool), r.feed, np.ones(nb, bool)], r.winding))
    return out


def _feed_path(p: np.ndarray, pad: np.ndarray, e: np.ndarray, t: np.ndarray, width: float,
               together: bool) -> list[np.ndarray]:
    """Feed polyline from terminal ``p`` to ``pad``: straight, or (``together``) along ``e``
    first and to the pad at 45 deg."""
    if together:
        run = (pad - p) @ e - abs((pad - p) @ t)
        if run > 0.5 * width:
            return [p, p + run * e, pad]
    return [p, pad]


def _free_layer(feed: list[np.ndarray], prefer: int, others: list[Route], own: Route, layers: int,
                end: int) -> int:
    """The layer (``prefer`` first, then the nearest) on which the feed polyline crosses no copper."""
    for lv in _nearest_layers(int(prefer), layers):
        segs = [(x.xy[:-1][x.layers == lv], x.xy[1:][x.layers == lv]) for x in others]
        keep = own.layers == lv
        keep[end] = False
        segs.append((own.xy[:-1][keep], own.xy[1:][keep]))
        a = np.vstack([s[0] for s in segs])
        b = np.vstack([s[1] for s in segs])
        if not len(a) or not any(segments_cross(p, q, a, b).any() for p, q in zip(feed[:-1], feed[1:])):
            return lv
    check._fail("layers", f"more than {layers}: the feed of winding {own.winding} crosses copper on every layer",
                layers)
