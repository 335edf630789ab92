"""Contours of a stream function (coildesign.design.contours): saddles and the levels kept off them."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from coildesign import design
from coildesign.design import contours
from coildesign.design.contours import (
    RETURN_POINTS,
    SADDLE_SAFETY,
    STAR_SAFETY,
    ContourLoop,
    connect,
    contour_loops,
    drop_specks,
    levels,
    nests,
    saddle_levels,
    winding_numbers,
)
from coildesign.export.fabrication.geometry import point_segment_distance, segment_distances


@pytest.fixture(scope="module")
def plates():
    return design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16)


def test_saddle_of_a_quadratic_is_found_with_its_exact_margin(plates):
    """psi = c (x^2 - y^2) has one saddle per plate, at the centre (a mesh vertex), value 0. Its
    quadratic fit is exact (H = diag(2c, -2c): smooth bound 2c pitch^2 / 8); on the mesh (edge h)
    psi is linear on the faces round the centre and its level t crosses the spokes to (+-h, 0)
    at x = +-t / (c h), the nearest points of the two branches: they are 2 t / (c h) apart, a
    pitch apart at t = c h pitch / 2, which is the larger bound here (h = 0.5 mm > pitch)."""
    x, y, _ = plates.vertices.T
    c, pitch, h = 3.0e4, 77e-6, 8e-3 / 16
    found = saddle_levels(plates, c * (x * x - y * y), pitch)
    assert len(found) == 2
    for value, margin in found:
        assert abs(value) <= 1e-12
        assert margin == pytest.approx(max(SADDLE_SAFETY * 2 * c * pitch**2 / 8, STAR_SAFETY * c * h * pitch / 2),
                                       rel=1e-9, abs=0)
    assert saddle_levels(plates, c * (x * x + y * y), pitch) == []  # a bowl has none


def reference_saddle_levels(surface, psi, pitch):
    """``saddle_levels`` written saddle by saddle, piece by piece (its docstring's definition):
    the batched function must give the same floats."""
    centre, rings, valid = contours._rings(surface)
    v, out = surface.vertices, []
    for i, ring in zip(centre, rings):
        c = ring[ring >= 0]
        w = psi[c] - psi[i]
        up = (w > 0) | ((w == 0) & (c > i))
        if (up != np.roll(up, 1)).sum() < 4:
            continue
        n = surface.vertex_normals[i]
        e1 = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(n, e1)
        x, y = (v[c] - v[i]) @ e1, (v[c] - v[i]) @ e2
        coef = np.linalg.lstsq(np.c_[x, y, 0.5 * x * x, x * y, 0.5 * y * y], w, rcond=None)[0]
        curvature = np.abs(np.linalg.eigvalsh(np.array([[coef[2], coef[3]], [coef[3], coef[4]]]))).max()
        xy, k, best = np.c_[x, y], len(c), np.inf
        for sign in (1.0, -1.0):
            if not (w != 0).any():
                break
            side = sign * w > 0
            t = sign * 0.25 * np.abs(w[w != 0]).min()
            run = np.cumsum(side & ~np.roll(side, 1))
            if side[0] and side[-1]:
                run[run == run[-1]] = run[0]
            pieces = []
            for j in range(k):
                m = (j + 1) % k
                ends = [(t / w[a]) * xy[a] for a in (j, m) if side[a]]
                ends += [xy[a] + ((t - w[a]) / (w[b] - w[a])) * (xy[b] - xy[a])
                         for a, b in ((j, m), (m, j)) if side[a] and not side[b]]
                if ends:
                    pieces.append((ends[0], ends[-1], run[j] if side[j] else run[m]))
            for a, b, label in pieces:
                for p, q, other in pieces:
                    if other != label:
                        d = min(point_segment_distance(a, p, q), point_segment_distance(b, p, q))
                        best = min(best, d / abs(t))
        linear = pitch / best if np.isfinite(best) and best > 0 else 0.0
        out.append((float(psi[i]), max(SADDLE_SAFETY * curvature * pitch * pitch / 8.0, STAR_SAFETY * linear)))
    return out


@pytest.mark.parametrize("shape", ["plates", "cylinder"])
def test_batched_saddle_levels_are_the_per_saddle_definition(plates, shape):
    """All saddles at once give the floats of the saddle-by-saddle definition (random psi: many
    saddles, ring vertices on the level itself (quantised values), flat rings)."""
    surface = plates if shape == "plates" else design.cylinder(2e-3, 4e-3, resolution=0.4e-3)
    rng = np.random.default_rng(7)
    for psi in (rng.standard_normal(surface.n_vertices), np.round(2 * rng.standard_normal(surface.n_vertices)) / 2):
        got = saddle_levels(surface, psi, 4e-4)
        assert len(got) > 20
        assert got == reference_saddle_levels(surface, psi, 4e-4)


def face_currents(surface, psi):
    """J = grad(psi) x n [A/m] per face of the piecewise-linear psi (the orientation of contours)."""
    p = surface.vertices[surface.faces]
    v = psi[surface.faces]
    n = surface.normals
    grad = sum(v[:, k, None] * np.cross(n, p[:, (k + 2) % 3] - p[:, (k + 1) % 3]) for k in range(3))
    return np.cross(grad, n)


def window(x, y, side=8e-3):
    """A factor vanishing on the plate's edges (contours of psi * window are closed)."""
    return (1 - (2 * x / side) ** 2) * (1 - (2 * y / side) ** 2)


def test_saddle_margin_puts_the_branches_a_pitch_apart(plates):
    """At the saddle value plus the piecewise-linear margin (without the safety factor) the two
    branches of the contour on a plate are exactly one pitch apart (the margin's derivation in
    ``saddle_levels``); closer to the saddle they are closer, further away further apart."""
    x, y, z = plates.vertices.T
    c, pitch = 3.0e4, 77e-6
    psi = c * (x * x - 0.5 * y * y) * window(x, y)  # zero on no vertex but the centres (y^2 = 2 x^2)
    (value, margin), other = saddle_levels(plates, psi, pitch)
    assert other == (value, margin)  # one per plate
    current = face_currents(plates, psi)

    def gap(level):
        top = [lp for lp in contour_loops(plates, psi, level, current) if lp.points[0, 2] > 0]
        assert len(top) == 2
        return cKDTree(top[0].points).query(top[1].points)[0].min()

    assert gap(value + margin / STAR_SAFETY) == pytest.approx(pitch, rel=1e-9, abs=0)
    assert gap(value + 0.5 * margin / STAR_SAFETY) < pitch < gap(value + margin)


def test_nests_follow_enclosure_not_distance(plates):
    """An annular ridge with a peak on its inner flank: at a low level {psi > c} is an annulus
    (an outer loop and the loop round its hole), at a high level only the peak's island, which
    lies nearer the hole's loop than the outer one. The island's parent is the outer loop
    (winding number 1 about it in the plate's plane), not the nearer hole (winding number 0):
    one chain outer -> island on each plate, and the hole's loop alone."""
    x, y, z = plates.vertices.T
    r = np.hypot(x, y)
    ridge = np.exp(-(((r - 2e-3) / 0.6e-3) ** 2)) + 0.8 * np.exp(-(((x - 1.5e-3) ** 2 + y * y) / (0.3e-3) ** 2))
    psi = ridge * window(x, y)
    current = face_currents(plates, psi)
    low, high = 0.3, 0.95
    loops = contour_loops(plates, psi, low, current) + contour_loops(plates, psi, high, current)
    assert sorted(len([lp for lp in loops if lp.level == lv]) for lv in (low, high)) == [2, 4]
    chains = nests(loops)
    assert len(chains) == 4
    for chain in chains:
        if len(chain) == 2:
            outer, island = chain
            assert outer.level == low and island.level == high
            assert np.ptp(outer.points[:, 0]) > 4e-3  # the outer loop, not the hole's
            assert all(lp.points[0, 2] * outer.points[0, 2] > 0 for lp in chain)  # one plate
        else:
            assert chain[0].level == low and np.ptp(chain[0].points[:, 0]) < 4e-3  # the hole's loop
    # the winding numbers themselves: the outer loop winds once round the island, the hole not at all
    for chain in chains:
        if len(chain) == 2:
            hole = next(c[0] for c in chains if len(c) == 1 and c[0].points[0, 2] * chain[0].points[0, 2] > 0)
            assert set(np.abs(winding_numbers(chain[0].plane, chain[1].plane))) == {1}
            assert set(winding_numbers(hole.plane, chain[1].plane)) == {0}


def test_winding_numbers_of_a_square_traversed_twice():
    """A square traversed twice counter-clockwise winds twice round inside points, zero times
    round outside ones; reversed, -2 (Hormann & Agathos 2001: signed crossing count)."""
    sq = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    twice = np.vstack([sq, sq])
    pts = np.array([[0.5, 0.5], [0.25, 0.9], [1.5, 0.5], [0.5, -0.1], [-0.2, 0.0]])
    assert winding_numbers(twice, pts).tolist() == [2, 2, 0, 0, 0]
    assert winding_numbers(twice[::-1], pts).tolist() == [-2, -2, 0, 0, 0]
    # rays through vertices: each crossing counted once (half-open edges)
    diamond = np.array([[0.0, -1.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    assert winding_numbers(diamond, np.array([[-0.5, 0.0], [-2.0, 0.0], [0.0, 0.5]])).tolist() == [1, 0, 1]


def test_winding_numbers_equal_the_crossing_count_over_all_pairs():
    """The pairs (edge, point) that winding_numbers forms from the points sorted by y give the
    signed crossing count over every edge and every point (Hormann & Agathos 2001, sec. 2),
    exactly: on integer lattices (points on edges, vertices on the rays, horizontal edges) and
    on random polygons."""
    def every_pair(polygon, points):
        a, b, q = polygon[None], np.roll(polygon, -1, axis=0)[None], points[:, None]
        side = (b[..., 0] - a[..., 0]) * (q[..., 1] - a[..., 1]) - (q[..., 0] - a[..., 0]) * (b[..., 1] - a[..., 1])
        up = (a[..., 1] <= q[..., 1]) & (b[..., 1] > q[..., 1]) & (side > 0)
        down = (a[..., 1] > q[..., 1]) & (b[..., 1] <= q[..., 1]) & (side < 0)
        return up.sum(axis=1) - down.sum(axis=1)

    rng = np.random.default_rng(5)
    for trial in range(400):
        k, m = int(rng.integers(1, 12)), int(rng.integers(0, 15))
        if trial % 2:
            polygon, points = rng.integers(-3, 4, (k, 2)).astype(float), rng.integers(-3, 4, (m, 2)).astype(float)
        else:
            polygon, points = rng.normal(size=(k, 2)), rng.normal(size=(m, 2))
        assert winding_numbers(polygon, points).tolist() == every_pair(polygon, points).tolist()


def test_unwrapped_angles_are_each_loops_own_unwrap():
    """_unwrapped_angles fills the loops in one padded pass: bit for bit np.unwrap of each loop's
    angles, for loops that go round the axis (several times), contractible ones across the seam
    at +-pi, and loops of very different lengths (the padded pass and the loop-by-loop one)."""
    rng = np.random.default_rng(3)
    for lengths in ([30, 40, 35, 38], [200, 3, 3, 3, 3]):  # padded within UNWRAP_PADDING, and not
        loops = []
        for n in lengths:
            turns = rng.choice([0.0, 1.0, 2.0, -1.0])
            wiggle = 0.4 * np.sin(np.linspace(0, 6, n)) + rng.normal(0, 0.3, n)
            angle = np.pi + turns * np.linspace(0, 2 * np.pi, n) + wiggle
            radius = 1e-3 * (1 + 0.1 * rng.random(n))
            loops.append(np.c_[radius * np.cos(angle), radius * np.sin(angle), rng.normal(size=n)])
        points = np.vstack(loops)
        ends = np.cumsum([0] + lengths)
        bounds = list(zip(ends[:-1].tolist(), ends[1:].tolist()))
        for phi, (a, b) in zip(contours._unwrapped_angles(points, bounds), bounds):
            own = np.unwrap(np.arctan2(points[a:b, 1], points[a:b, 0]))
            assert phi[:b - a].tobytes() == own.tobytes()


def test_levels_are_moved_off_saddle_values():
    psi = np.linspace(-1.0, 1.0, 11)
    plain, delta = levels(psi, 4)
    assert delta == 0.25 and np.allclose(plain, [0.125, 0.375, 0.625, 0.875, -0.125, -0.375, -0.625, -0.875])
    moved, _ = levels(psi, 4, [(0.36, 0.05), (-0.36, 0.05)])
    assert moved[1] == pytest.approx(0.41, rel=1e-12) and moved[5] == pytest.approx(-0.41, rel=1e-12)
    assert np.array_equal(np.delete(moved, [1, 5]), np.delete(plain, [1, 5]))
    capped, _ = levels(psi, 4, [(0.375, 1.0)])  # at most half a level spacing
    assert capped[1] == pytest.approx(0.5, rel=1e-12)


def test_specks_smaller_than_two_wire_widths_are_dropped():
    t = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = np.c_[np.cos(t), np.sin(t), 0 * t]
    normals = np.c_[0 * t, 0 * t, 1 + 0 * t]
    speck = ContourLoop(ring * 0.05e-3, 1.0, normals)  # 0.1 mm across
    wire = ContourLoop(ring * 0.5e-3, 1.0, normals)
    assert drop_specks([speck, wire], 0.07e-3) == [wire]  # 0.1 mm < 2 x 70 um
    assert drop_specks([speck, wire], 0.04e-3) == [speck, wire]


def spacing(path, pitch, skip_ends=1):
    """Smallest distance [m] between points of ``path`` (sampled every pitch / 40) more than two
    pitches apart along it, the first and last ``skip_ends`` segments (the leads) left out."""
    seg = np.diff(path, axis=0)
    length = np.linalg.norm(seg, axis=1)
    pts, arc = [], []
    for i in range(skip_ends, len(seg) - skip_ends):
        t = np.arange(max(1, int(np.ceil(length[i] / (pitch / 40))))) / max(1, int(np.ceil(length[i] / (pitch / 40))))
        pts.append(path[i] + t[:, None] * seg[i])
        arc.append(length[:i].sum() + t * length[i])
    pts, arc = np.vstack(pts), np.concatenate(arc)
    dist, idx = cKDTree(pts).query(pts, k=400)
    far = np.abs(arc[idx] - arc[:, None]) > 2 * pitch
    return float(np.where(far, dist, np.inf).min())


@pytest.mark.parametrize("sides", [64, 9])
def test_connected_nest_is_a_pitch_apart_everywhere(sides):
    """Three nested loops (regular 64-gons, and coarse 9-gons whose gaps span corners) whose
    sides stand a pitch apart, joined by ``connect``: no point is passed twice, every loop ends a pitch before
    where it starts, and the whole winding - jogs, gaps, lifted return, leads - keeps a pitch
    between any two of its points more than two pitches apart along it."""
    pitch = 0.1e-3
    t = 2 * np.pi * np.arange(sides) / sides
    nest = []
    for k in range(3):
        r = 1e-3 - k * pitch / np.cos(np.pi / sides)  # apothems a pitch apart
        ring = np.c_[r * np.cos(t), r * np.sin(t), 0 * t]
        nest.append(ContourLoop(ring, float(k + 0.5), np.tile([0.0, 0.0, 1.0], (sides, 1))))
    path, junctions = connect(nest, pitch, 4 * pitch, np.zeros(3))
    keys = {tuple(np.round(p, 15)) for p in path}
    assert len(keys) == len(path)  # no point twice
    surface = path[np.abs(path[:, 2]) < 1e-15]
    assert spacing(path, pitch) >= pitch * (1 - 1e-6)
    # the lifted return: one pitch above the surface, over each loop's gap and each jog
    # (RETURN_POINTS points per straight piece between its 2 n - 1 corners)
    lifted = path[np.abs(path[:, 2] - pitch) < 1e-15]
    assert len(lifted) == RETURN_POINTS * (2 * len(nest) - 2) + 1
    assert len(surface) + len(lifted) + 2 == len(path)  # and the two leads' tips
    assert path[0, 2] == pytest.approx(4 * pitch, rel=1e-12) and path[-1, 2] == pytest.approx(4 * pitch, rel=1e-12)
    assert np.linalg.norm(path[0, :2] - path[-1, :2]) >= pitch * (1 - 1e-6)  # the leads a pitch apart
    assert junctions[0] == 0 and junctions[-1] == len(path) - 1


def test_rings_round_a_cylinder_are_not_specks():
    """A contour that goes round a cylinder (psi = z on it) has no width across its parameter
    plane: it is kept, and has no parent among contractible loops."""
    cyl = design.cylinder(2e-3, 4e-3, resolution=2 * np.pi * 2e-3 / 24)
    z = cyl.vertices[:, 2]
    psi = np.cos(np.pi * z / 4e-3)  # zero on both rims, rings at every level between
    rings = contour_loops(cyl, psi, 0.5, face_currents(cyl, psi))
    assert len(rings) == 2 and all(lp.period == pytest.approx(2 * np.pi * 2e-3, rel=1e-12) for lp in rings)
    assert drop_specks(rings, 0.2e-3) == rings
    assert [len(c) for c in nests(rings)] == [1, 1]


def test_nests_do_not_depend_on_the_order_of_the_loops(plates):
    """The annular ridge's loops (``test_nests_follow_enclosure_not_distance``) given in reversed
    and shuffled order give the same chains (parents decided by enclosure and area, not by index)."""
    x, y, z = plates.vertices.T
    r = np.hypot(x, y)
    psi = (np.exp(-(((r - 2e-3) / 0.6e-3) ** 2)) + 0.8 * np.exp(-(((x - 1.5e-3) ** 2 + y * y) / (0.3e-3) ** 2))) \
        * window(x, y)
    current = face_currents(plates, psi)
    loops = [lp for lv in (0.3, 0.95) for lp in contour_loops(plates, psi, lv, current)]

    def signature(chains):
        return sorted(tuple((lp.level, round(float(lp.points[:, 0].sum()), 12)) for lp in c) for c in chains)

    reference = signature(nests(loops))
    order = np.random.default_rng(7).permutation(len(loops))
    assert signature(nests(loops[::-1])) == reference
    assert signature(nests([loops[i] for i in order])) == reference


@pytest.mark.parametrize("sides", [64, 9])
def test_batched_gap_test_is_the_per_sample_definition(sides):
    """``_clear`` decides most samples by distance bounds; its verdict on every start must be the
    definition's: every sample of the 3-pitch stretch after the start and of the jog arriving
    there from the nearest point of the outer loop lies at least a pitch from the tail (samples
    every pitch / GAP_SAMPLES, each queried in the k-d tree). Starts are swept through the
    region where the verdict flips, on fine and on coarse polygons."""
    pitch = 0.1e-3
    fine = pitch / contours.GAP_SAMPLES
    t = 2 * np.pi * np.arange(sides) / sides
    inner = np.c_[0.8e-3 * np.cos(t), 0.8e-3 * np.sin(t), 0 * t]
    outer = np.c_[0.95e-3 * np.cos(t + 0.1), 0.95e-3 * np.sin(t + 0.1), 0 * t]
    poly, ring = contours._Polygon(inner), contours._Polygon(outer)
    total = float(poly.arc[-1])
    span = 3 * pitch
    count = int(np.ceil(span / fine)) + 1
    tail = poly.sample(np.array([0.3e-3]), np.linspace(0.0, -span, count))[0]
    jog = np.array([tail[0], [0.5e-3, 0.5e-3, 0.0]])
    tree = cKDTree(np.vstack([tail, contours._segment_points(jog[0], jog[1], fine)]))
    offsets = np.linspace(0.0, span, count)
    where = 0.3e-3 + np.linspace(0.0, 0.2 * total, 97)
    got = contours._clear(poly, ring, tree, where, offsets, pitch, fine, [])
    expected = []
    for s in where:
        head = poly.sample(np.array([s]), offsets)[0]
        i, f = contours._nearest_on(outer, head[0])
        source = outer[i] + f * (outer[(i + 1) % sides] - outer[i])
        head = np.vstack([head, contours._segment_points(head[0], source, fine)])
        expected.append(bool(np.isinf(tree.query(head, distance_upper_bound=pitch)[0]).all()))
    assert got.tolist() == expected
    assert 0 < sum(expected) < len(expected)  # the sweep crosses the flip


def test_sharp_tips_are_cut_and_thin_islands_dropped():
    """A rhombus with 33 deg tips (half-diagonals 1 mm and 0.3 mm) cannot be followed by a wire
    of pitch 0.1 mm at its tips: each tip is cut by a chord one pitch long, and the loop is kept
    (its two sides are far more than a pitch apart across the middle). A rhombus 40 um across
    has no chord of a pitch anywhere: it is dropped."""
    from coildesign.design.contours import trim_tips

    pitch = 0.1e-3

    def rhombus(w):
        p = np.array([[1e-3, 0, 0], [0, w, 0], [-1e-3, 0, 0], [0, -w, 0]])
        t = np.linspace(0, 1, 25)[:-1, None]
        pts = np.vstack([p[k] + t * (p[(k + 1) % 4] - p[k]) for k in range(4)])
        return ContourLoop(pts, 1.0, np.tile([0.0, 0.0, 1.0], (len(pts), 1)), pts[:, :2].copy())

    (cut,) = trim_tips([rhombus(0.3e-3)], pitch)
    xs = cut.points[:, 0]
    tip_width = 2 * 0.3e-3 * (1 - np.abs(xs) / 1e-3)  # the rhombus' width at each remaining point
    assert xs.max() < 1e-3 and xs.min() > -1e-3  # both tips cut
    # the chords across the cuts are a pitch long: the rhombus' width there is one pitch
    assert tip_width.min() == pytest.approx(pitch, rel=1e-6, abs=0)
    assert trim_tips([rhombus(0.02e-3)], pitch) == []


def test_loops_passed_as_followable_have_every_chord_a_pitch_long():
    """_followable passes a loop only where every chord across two pitches of path round a vertex
    is at least a pitch long (the check trim_tips makes before cutting), measured directly on
    wiggly loops of many shapes and point counts; it passes smooth large loops and not a sharp
    rhombus, a loop under two pitches long or one of two points."""
    pitch = 0.1e-3
    rng = np.random.default_rng(2)
    loops = []
    for _ in range(200):
        n = int(rng.integers(3, 80))
        t = np.sort(rng.uniform(0, 2 * np.pi, n))
        r = 10 ** rng.uniform(-4.3, -2.5) * (1 + rng.uniform(0, 0.8) * np.sin(rng.integers(1, 6) * t))
        pts = np.c_[r * np.cos(t), r * np.sin(t), rng.normal(0, 1e-5, n)]
        loops.append(ContourLoop(pts, 1.0, np.tile([0.0, 0.0, 1.0], (n, 1))))
    rhombus = np.array([[1e-3, 0, 0], [0, 0.3e-3, 0], [-1e-3, 0, 0], [0, -0.3e-3, 0]])
    circle = 2e-3 * np.c_[np.cos(np.arange(60) / 60 * 2 * np.pi), np.sin(np.arange(60) / 60 * 2 * np.pi), np.zeros(60)]
    small = 0.03e-3 * circle / 2e-3
    for pts in (rhombus, circle, small, circle[:2]):
        loops.append(ContourLoop(pts, 1.0, np.tile([0.0, 0.0, 1.0], (len(pts), 1))))
    passed = contours._followable(loops, pitch)
    assert passed[-4:].tolist() == [False, True, False, False]
    for lp, ok in zip(loops, passed):
        if ok:
            pts = lp.points
            seg = np.linalg.norm(np.diff(np.vstack([pts, pts[:1]]), axis=0), axis=1)
            arc = np.r_[0.0, np.cumsum(seg)]
            gap = contours._at_arcs(pts, arc, arc[:-1] - pitch) - contours._at_arcs(pts, arc, arc[:-1] + pitch)
            assert np.sqrt((gap * gap).sum(axis=1)).min() >= pitch
    assert 10 < passed.sum() < len(loops) - 10  # both verdicts occur


@pytest.mark.parametrize("sides", [64, 9])
def test_placed_gap_is_a_pitch_from_the_kept_wire_exactly(sides):
    """The start ``_gap_start`` places after an end keeps its 3-pitch stretch and the jog arriving
    from the outer loop at least a pitch from the stretch before the end and the jog leaving it,
    measured as exact segment-to-segment distances (not at sample points), for ends swept round
    a fine and a coarse polygon; and it is the first such start to the bisection's resolution
    (the start one resolution step earlier is closer than a pitch)."""
    pitch = 0.1e-3
    t = 2 * np.pi * np.arange(sides) / sides
    inner = np.c_[0.8e-3 * np.cos(t), 0.8e-3 * np.sin(t), 0 * t]
    outer = np.c_[0.95e-3 * np.cos(t + 0.1), 0.95e-3 * np.sin(t + 0.1), 0 * t]
    poly, ring = contours._Polygon(inner), contours._Polygon(outer)
    span = 3 * pitch
    resolution = pitch / contours.GAP_STEPS / 2 ** contours.GAP_BISECTIONS
    for s_end in np.linspace(0.0, float(poly.arc[-1]), 7, endpoint=False):
        i = int(np.searchsorted(poly.arc, s_end, side="right")) - 1
        end = (i, float((s_end - poly.arc[i]) / poly.seg[i]))
        jog = np.array([poly.sample_pairs(np.array([s_end]), np.zeros(1))[0], [0.5e-3, 0.5e-3, 0.0]])
        k, f = contours._gap_start(inner, end, pitch, jog, outer)
        start = poly.arc[k] + f * poly.seg[k]
        start += float(poly.arc[-1]) * (start < s_end)
        kept = poly.path(s_end - span, span)
        ka, kb = np.vstack([kept[:-1], jog[:1]]), np.vstack([kept[1:], jog[1:]])

        def distance(where, ka=ka, kb=kb):
            head = poly.path(where, span)
            j, g = ring.nearest(head[:1])
            source = ring.points[j] + g[:, None] * (ring.nxt[j] - ring.points[j])
            ha, hb = np.vstack([head[:-1], source]), np.vstack([head[1:], head[:1]])
            return float(segment_distances(ha[:, None], hb[:, None], ka[None], kb[None]).min())

        assert distance(start) >= pitch
        assert distance(start - 1.01 * resolution) < pitch


@pytest.mark.parametrize("sides", [64, 9])
def test_gap_start_is_the_same_whatever_midpoints_are_tested_together(sides, monkeypatch):
    """``_gap_start``'s bisection tests midpoints in batches (a predicted path, then every path of
    the last steps): the start it places is the same as with every path of all GAP_BISECTIONS
    steps tested at once (which contains the step-by-step path), as with the path of all clear
    verdicts (the prediction left out) and as with the path of none, for ends round a fine and a
    coarse polygon."""
    pitch = 0.1e-3
    t = 2 * np.pi * np.arange(sides) / sides
    inner = np.c_[0.8e-3 * np.cos(t), 0.8e-3 * np.sin(t), 0 * t]
    outer = np.c_[0.95e-3 * np.cos(t + 0.1), 0.95e-3 * np.sin(t + 0.1), 0 * t]
    poly = contours._Polygon(inner)
    estimate = contours._flip_estimate
    cases = []
    for s_end in np.linspace(0.0, float(poly.arc[-1]), 3, endpoint=False):
        i = int(np.searchsorted(poly.arc, s_end, side="right")) - 1
        end = (i, float((s_end - poly.arc[i]) / poly.seg[i]))
        jog = np.array([poly.sample_pairs(np.array([s_end]), np.zeros(1))[0], [0.5e-3, 0.5e-3, 0.0]])
        cases.append((end, jog))

    def starts(tree, guess):
        monkeypatch.setattr(contours, "GAP_TREE", tree)
        monkeypatch.setattr(contours, "_flip_estimate", guess)
        return [contours._gap_start(inner, end, pitch, jog, outer) for end, jog in cases]

    placed = starts(contours.GAP_TREE, estimate)
    assert placed == starts(contours.GAP_BISECTIONS, estimate)
    assert placed == starts(0, lambda profile, lo, hi, pitch: lo)
    assert placed == starts(0, lambda profile, lo, hi, pitch: hi)


def _nest_on_cylinder(radius, steps, sides=200):
    """Nested ellipses (half-axes 4 mm round the axis, 2 mm along it, shrinking by ``steps`` [m])
    wrapped onto a cylinder of ``radius`` [m] round the z axis, with its outward normals."""
    t = 2 * np.pi * np.arange(sides) / sides
    nest = []
    for k, shrink in enumerate(steps):
        phi = (4e-3 - shrink) * np.cos(t) / radius
        points = np.c_[radius * np.cos(phi), radius * np.sin(phi), (2e-3 - shrink) * np.sin(t)]
        nest.append(ContourLoop(points, float(k + 0.5), np.c_[np.cos(phi), np.sin(phi), 0 * phi]))
    return nest


def test_lifted_return_keeps_a_pitch_from_the_jogs_round_a_cylinder():
    """Three nested loops on a 5 mm cylinder whose jogs run round the axis (the cut sits at the
    innermost loop's point farthest from the centre): between its corners the return's lift
    directions turn with the normals, so straight pieces a pitch from the jog at their points
    would sag to pitch cos(theta / 2) between them (0.9994 pitch here). Every segment of the
    return over a jog is at least a pitch from that jog (exact segment distances), and raised no
    more than the bisection needs (the closest within 1e-9 of a pitch; the corners themselves are
    a pitch from the jog to round-off, 1e-12)."""
    pitch, radius = 0.1e-3, 5e-3
    nest = _nest_on_cylinder(radius, [0.0, 0.6e-3, 1.2e-3])
    path, junctions = connect(nest, pitch, 4 * pitch, np.array([radius, 0.0, 0.0]))
    n = len(nest)
    ends = junctions[2:2 * n:2]  # each loop's last point (its jog leaves there)
    corners = junctions[2 * n + 1:-1]  # the return's corners: e_n, c_n, e_{n-1}, ..., c_2, e_1
    assert len(corners) == 2 * n - 1
    least = []
    for q in range(n - 1):  # the return piece c_{n-q} -> e_{n-q-1} runs back over jog n - q - 1
        piece = path[corners[2 * q + 1]:corners[2 * q + 2] + 1]
        jog = path[ends[n - q - 2]:ends[n - q - 2] + 2]
        assert len(piece) == RETURN_POINTS + 1
        least.append(segment_distances(piece[:-1], piece[1:], jog[0], jog[1]).min())
    assert min(least) >= pitch * (1 - 1e-12)
    assert all(d <= pitch * (1 + 1e-9) for d in least)


def test_leads_stand_a_pitch_apart_where_the_chord_between_them_leaves_the_normal():
    """Three nested circles drawn on the plane z = x / 2 but given the normals (0, 0, 1) (as the
    points of a contour on a faceted former carry one facet's normal while the loop bends over the
    next facet): the chord c_1 -> e_1 between the leads' feet has a component along the normals,
    so leads along the normals would stand |c_1 - e_1| sin(angle) < a pitch apart. Both leads run
    along the normals made perpendicular to that chord: parallel segments exactly |c_1 - e_1| (at
    least a pitch) apart (exact segment distances)."""
    pitch, sides = 0.1e-3, 120
    t = 2 * np.pi * np.arange(sides) / sides
    nest = []
    for k, radius in enumerate([2e-3, 1.5e-3, 1e-3]):
        x, y = radius * np.cos(t), radius * np.sin(t)
        nest.append(ContourLoop(np.c_[x, y, 0.5 * x], float(k + 0.5), np.tile([0.0, 0.0, 1.0], (sides, 1))))
    path, _ = connect(nest, pitch, 4 * pitch, np.array([0.0, -5e-3, 0.0]))  # cuts at y > 0, where z climbs
    lead_in, lead_out = path[:2], path[-2:]  # c_1 + 4 pitch m -> c_1; e_1 + pitch m -> e_1 + 4 pitch m
    direction_in = (lead_in[0] - lead_in[1]) / np.linalg.norm(lead_in[0] - lead_in[1])
    direction_out = (lead_out[1] - lead_out[0]) / np.linalg.norm(lead_out[1] - lead_out[0])
    np.testing.assert_allclose(direction_in, direction_out, rtol=0, atol=1e-12)
    chord = (lead_out[0] - pitch * direction_out) - lead_in[1]  # e_1 - c_1
    assert abs(chord[2]) > 0.1 * pitch  # the case the normals alone get wrong
    assert abs(direction_in @ chord) <= 1e-12 * pitch
    gap = float(segment_distances(lead_in[:1], lead_in[1:], lead_out[0], lead_out[1])[0])
    assert gap >= pitch * (1 - 1e-12)
    assert gap == pytest.approx(float(np.linalg.norm(chord)), rel=1e-12, abs=0)


def test_return_corners_stand_a_pitch_above_the_wires_that_leave_their_feet():
    """Three nested circles drawn on the plane z = x / 2 but given the normals (0, 0, 1) (a contour
    on a faceted former carries the nearest vertex's normal, which leans along the wire): a corner
    of the lifted return raised along that normal would stand only ``lift`` cos(26.6 deg) = 0.894
    pitch from the loop's segment that leaves its foot. Every corner of the return over the inner
    loops is turned into the cone of directions that do not lean along the wires leaving its foot
    (loop and jog), so it stands at least a pitch from every wire on the surface (exact
    point-to-segment distances). The corner above e_1 takes the out-lead's direction (covered by
    the leads' test) and is left out."""
    pitch, sides, n = 0.1e-3, 120, 3
    t = 2 * np.pi * np.arange(sides) / sides
    nest = []
    for k, radius in enumerate([2e-3, 1.5e-3, 1e-3]):
        x, y = radius * np.cos(t), radius * np.sin(t)
        nest.append(ContourLoop(np.c_[x, y, 0.5 * x], float(k + 0.5), np.tile([0.0, 0.0, 1.0], (sides, 1))))
    path, junctions = connect(nest, pitch, 4 * pitch, np.array([0.0, -5e-3, 0.0]))
    surface = path[1:junctions[2 * n] + 1]  # c_1 ... e_n: the loops and the jogs
    corners = path[junctions[2 * n + 1:2 * n + 1 + 2 * n - 2]]  # e_n, c_n, ..., c_2 (lifted)
    assert len(corners) == 2 * n - 2
    least = point_segment_distance(corners[:, None], surface[None, :-1], surface[None, 1:]).min(axis=1)
    assert least.min() >= pitch * (1 - 1e-12)



def test_lifted_return_keeps_a_pitch_from_the_loop_over_its_gap_round_a_cylinder():
    """The same three loops on a 5 mm cylinder: the return over each inner loop's gap (from above
    e_k to above c_k) is lifted from the gap's chord, but the loop's wire bends away from that
    chord at both ends of the gap and the lift directions turn round the axis, so straight pieces
    a pitch above the chord come nearer than a pitch to the wire beside their corners. Every
    segment of the return over a gap is at least a pitch from every segment of that loop (exact
    segment distances)."""
    pitch, radius = 0.1e-3, 5e-3
    nest = _nest_on_cylinder(radius, [0.0, 0.6e-3, 1.2e-3])
    path, junctions = connect(nest, pitch, 4 * pitch, np.array([radius, 0.0, 0.0]))
    n = len(nest)
    corners = junctions[2 * n + 1:-1]  # e_n, c_n, e_{n-1}, ..., c_2, e_1
    least = []
    for q in range(n - 1):  # the piece e_{n-q} -> c_{n-q} runs over loop n - q's gap
        k = n - 1 - q
        piece = path[corners[2 * q]:corners[2 * q + 1] + 1]
        loop = path[junctions[1 + 2 * k]:junctions[2 + 2 * k] + 1]
        least.append(segment_distances(piece[:-1, None], piece[1:, None], loop[None, :-1],
                                                 loop[None, 1:]).min())
    assert min(least) >= pitch * (1 - 1e-12)


def test_segment_distances_apart_along_the_wire():
    """``_segment_distances_apart``: the least distance over the pairs with t l2 - s l1 >= c. Closed
    forms: a straight wire (P = [0, 1], Q = [1, 2] on the x axis, pairs at least 1.5 apart along
    it: 1.5; none 2.5 apart: inf; no condition: 0, the shared end). 300 random pairs against a
    601 x 601 grid of (s, t): rounding a feasible (s, t) down in s and up in t stays feasible and
    moves the points by at most a grid step times (l1 + l2), so the grid's least feasible
    distance lies in [exact, exact + step (l1 + l2)]."""
    x = np.eye(3)[0]
    p0, p1, q0, q1 = 0 * x, x, x, 2 * x
    one = np.ones(1)
    for c, expected in ((0.5, 1.5), (1.5, np.inf), (-np.inf, 0.0)):
        got = contours._segment_distances_apart(p0[None], p1[None], q0[None], q1[None], np.array([c]), one, one)[0]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    rng = np.random.default_rng(7)
    p0, p1, q0, q1 = rng.normal(size=(4, 300, 3))
    l1, l2 = np.linalg.norm(p1 - p0, axis=1), np.linalg.norm(q1 - q0, axis=1)
    c = rng.uniform(-l1 - 0.5, l2 + 0.2)
    exact = contours._segment_distances_apart(p0, p1, q0, q1, c, l1, l2)
    grid = np.linspace(0.0, 1.0, 601)
    s, t = np.meshgrid(grid, grid, indexing="ij")
    for k in range(300):
        feasible = t * l2[k] - s * l1[k] >= c[k]
        if not feasible.any():
            assert exact[k] == np.inf
            continue
        pts = p0[k] + s[..., None] * (p1[k] - p0[k]) - q0[k] - t[..., None] * (q1[k] - q0[k])
        sampled = np.linalg.norm(pts, axis=-1)[feasible].min()
        assert exact[k] <= sampled * (1 + 1e-12)
        assert sampled <= exact[k] + (grid[1] - grid[0]) * (l1[k] + l2[k])


def test_cut_does_not_hinge_on_round_off_between_mirror_images():
    """Three concentric 80-gons whose vertices are mirror images about the y axis: the innermost
    loop's two vertices furthest along CUT_DIRECTION tie exactly, and coordinates perturbed by
    1e-15 m (round-off of a stream function computed another way) used to pick either one, moving
    the cut by a vertex. The tie goes to CUT_TIES: every perturbation gives the same wires."""
    pitch, sides = 0.1e-3, 80
    t = 2 * np.pi * (np.arange(sides) + 0.5) / sides - 0.5 * np.pi  # symmetric about -y
    rng = np.random.default_rng(5)
    paths = []
    for _ in range(6):
        nest = []
        for k, radius in enumerate([2e-3, 1.5e-3, 1e-3]):
            pts = np.c_[radius * np.cos(t), radius * np.sin(t), np.zeros(sides)]
            pts[:, :2] += 1e-15 * rng.standard_normal((sides, 2))
            nest.append(ContourLoop(pts, float(k + 0.5), np.tile([0.0, 0.0, 1.0], (sides, 1))))
        paths.append(connect(nest, pitch, 4 * pitch, np.zeros(3))[0])
    for other in paths[1:]:
        assert other.shape == paths[0].shape
        assert np.abs(other - paths[0]).max() < 1e-12



def _plain_raised_piece(first, a, b, base, offset, lift):
    """One piece of the lifted return by the search ``_raised`` defines, run alone with every
    segment against every wire ``a``-``b``: heights lift + 2^k (target - d(lift)) until clear (at
    most RETURN_DOUBLINGS), then RETURN_BISECTIONS bisections; the piece at ``lift`` where it is
    clear or none clears."""
    low_piece = base + lift * offset
    if not len(a):
        return low_piece
    k_u = contours.RETURN_ROUNDING * np.finfo(float).eps / 2
    corner = point_segment_distance(np.vstack([first, low_piece[-1]])[:, None], a[None], b[None]).min()
    scale = max(np.abs(first).max(), np.abs(low_piece).max(), np.abs(a).max(), np.abs(b).max(), lift)
    target = min(lift, corner) - k_u / (1 - k_u) * scale

    def piece(h):
        return base + np.r_[np.full(len(base) - 1, h), lift][:, None] * offset

    def distance(h):
        pts = np.vstack([first, piece(h)])
        return segment_distances(pts[:-1, None], pts[1:, None], a[None], b[None]).min()

    low = distance(lift)
    if low >= target:
        return low_piece
    lo = lift
    for k in range(contours.RETURN_DOUBLINGS):
        hi = lift + 2.0**k * (target - low)
        if distance(hi) >= target:
            break
        lo = hi
    else:
        return low_piece
    for _ in range(contours.RETURN_BISECTIONS):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if distance(mid) >= target else (mid, hi)
    return piece(hi)


def test_batched_return_search_is_the_plain_search(monkeypatch):
    """``_raised`` tests several heights per evaluation and leaves out the wire pairs that a
    distance bound keeps clear over the heights tested; its pieces must be those of the plain
    search its docstring defines, run piece by piece with every segment against every wire
    (``_plain_raised_piece``; the three loops on a 5 mm cylinder of
    ``test_lifted_return_keeps_a_pitch_from_the_jogs_round_a_cylinder``, whose pieces over the
    jogs and over the gaps are raised)."""
    pitch, radius = 0.1e-3, 5e-3
    nest = _nest_on_cylinder(radius, [0.0, 0.6e-3, 1.2e-3])
    captured = []
    batched = contours._raised

    def spy(*args):
        captured.append(args)
        return batched(*args)

    monkeypatch.setattr(contours, "_raised", spy)
    connect(nest, pitch, 4 * pitch, np.array([radius, 0.0, 0.0]))
    firsts, walls, bases, offsets, lift = captured[0]
    got = batched(firsts, walls, bases, offsets, lift)
    raised = 0
    for i, (a, b) in enumerate(walls):
        a, b = np.reshape(a, (-1, 3)), np.reshape(b, (-1, 3))
        expected = _plain_raised_piece(firsts[i], a, b, bases[i], offsets[i], lift)
        np.testing.assert_array_equal(got[i], expected)
        raised += bool(np.any(expected != bases[i] + lift * offsets[i]))
    assert raised >= 2


def test_few_bisections_still_raise_every_piece_clear(monkeypatch):
    """The first search of ``_raised`` doubles the raise from the height missing, which can be
    picometres while the raise needed is 2^12 times more (a segment leaving a corner moves away
    from the wire there slowly): it must not stop after RETURN_BISECTIONS steps. With 8
    bisections the return over the jogs and gaps of the cylinder nest is still a pitch from the
    wires below (a coarser bisection only leaves it higher)."""
    monkeypatch.setattr(contours, "RETURN_BISECTIONS", 8)
    pitch, radius = 0.1e-3, 5e-3
    nest = _nest_on_cylinder(radius, [0.0, 0.6e-3, 1.2e-3])
    path, junctions = connect(nest, pitch, 4 * pitch, np.array([radius, 0.0, 0.0]))
    n = len(nest)
    ends = junctions[2:2 * n:2]
    corners = junctions[2 * n + 1:-1]  # e_n, c_n, e_{n-1}, ..., c_2, e_1
    least = []
    for q in range(n - 1):
        over_jog = path[corners[2 * q + 1]:corners[2 * q + 2] + 1]
        jog = path[ends[n - q - 2]:ends[n - q - 2] + 2]
        least.append(segment_distances(over_jog[:-1], over_jog[1:], jog[0], jog[1]).min())
        over_gap = path[corners[2 * q]:corners[2 * q + 1] + 1]
        loop = path[junctions[1 + 2 * (n - 1 - q)]:junctions[2 + 2 * (n - 1 - q)] + 1]
        least.append(segment_distances(over_gap[:-1, None], over_gap[1:, None], loop[None, :-1], loop[None, 1:]).min())
    assert min(least) >= pitch * (1 - 1e-12)


def test_enclosure_counts_only_the_points_in_the_parents_box():
    """``encloses`` counts winding numbers only at the child's points inside the parent's bounding
    box (a point outside has winding number 0 exactly): the same answers as the plain majority
    of winding numbers over every point, on a plane and round a periodic chart, for children
    inside, outside, straddling the box and cut by the chart's seam."""
    rng = np.random.default_rng(11)
    period = 2 * np.pi
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    found = []
    for trial in range(40):
        radius = 1.0 + 0.3 * np.sin(3 * angles + trial)
        parent = np.c_[radius * np.cos(angles), radius * np.sin(angles)] + rng.uniform(-1, 1, 2)
        child = 0.6 * np.c_[np.cos(angles), np.sin(angles)] + rng.uniform(-2, 2, 2)
        plain = np.count_nonzero(contours.winding_numbers(parent, child)) * 2 > len(child)
        assert contours.encloses((parent, 0.0, 0), (child, 0.0, 0)) == plain
        # periodic chart: u taken modulo the period, every copy of the parent's extent tested
        shifted = parent + [period * (trial % 3 - 1) + 3.0, 0.0]
        moved = child + [3.0 + period * (trial % 2), 0.0]  # the child on another copy of the chart
        lo = shifted[:, 0].min()
        q = moved.copy()
        q[:, 0] = lo + (q[:, 0] - lo) % period
        total = sum(contours.winding_numbers(shifted, q + [k * period, 0.0])
                    for k in range(int(np.ceil((shifted[:, 0].max() - lo) / period)) + 1))
        wound = np.count_nonzero(total) * 2 > len(q)
        assert contours.encloses((shifted, period, 0), (moved, 0.0, 0)) == wound
        found += [plain, wound]
    assert 0 < sum(found) < len(found)  # both answers occur


def _same_loops(a, b):
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert np.array_equal(p.points, q.points) and np.array_equal(p.normals, q.normals)
        assert np.array_equal(p.plane, q.plane)
        assert (p.level, p.period, p.component) == (q.level, q.period, q.component)


@pytest.mark.parametrize("per_chunk", [1, 2, 100])
def test_contour_levels_are_the_loops_of_each_level_in_turn(plates, monkeypatch, per_chunk):
    """Many levels contoured in one pass (in chunks of ``per_chunk`` levels) give exactly the
    loops of ``contour_loops`` level by level, in the order of the levels given (repeated and
    descending levels too), on plates (two components) and round a cylinder."""
    monkeypatch.setattr(contours, "CONTOUR_BATCH", per_chunk * len(plates.faces))
    x, y, z = plates.vertices.T
    psi = np.sign(z) * np.exp(-((x - 1e-3) ** 2 + y * y) / (2e-3) ** 2) * window(x, y)
    current = face_currents(plates, psi)
    lv = [0.9, 0.1, -0.5, 0.5, 0.3, 0.3, 0.05, 2.0]
    batch = contours.contour_levels(plates, psi, lv, current)
    assert {lp.level for lp in batch} == {0.9, 0.1, -0.5, 0.5, 0.3, 0.05}
    _same_loops(batch, [lp for c in lv for lp in contour_loops(plates, psi, c, current)])
    cyl = design.cylinder(2e-3, 4e-3, resolution=2 * np.pi * 2e-3 / 24)
    monkeypatch.setattr(contours, "CONTOUR_BATCH", per_chunk * len(cyl.faces))
    x, y, z = cyl.vertices.T
    psi = np.cos(np.pi * z / 4e-3) * (1 + 0.3 * x / 2e-3)
    current = face_currents(cyl, psi)
    lv = np.linspace(-0.9, 1.2, 9)
    batch = contours.contour_levels(cyl, psi, lv, current)
    assert any(lp.period > 0 for lp in batch)
    _same_loops(batch, [lp for c in lv for lp in contour_loops(cyl, psi, c, current)])
    assert contours.contour_levels(cyl, psi, [], current) == []


def test_dedupe_drops_coincident_points_of_each_loop():
    """Points within 1e-9 of their loop's size of the next one (the last point's next
    is the first) are dropped, loop by loop: each loop's own size sets its threshold."""
    big = np.array([[0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1e-10]], dtype=float)
    small = 1e-6 * np.array([[0, 0, 0], [1, 0, 0], [1, 1e-4, 0], [0, 1, 0]], dtype=float)
    pts = np.vstack([big, small])
    kept, bounds = contours._dedupe_all(pts, np.arange(10), np.array([6, 4]))
    assert bounds == [(0, 4), (4, 8)]
    assert np.array_equal(kept, np.vstack([big[[0, 2, 3, 4]], small]))


def test_chains_walk_the_segments_from_the_earliest_start():
    """Closed chains in the order of their earliest segment, each from that segment's start;
    a chain of 2 points or one that does not close is left out (a permutation of the points:
    the array walk; a point without successor: the step-by-step walk)."""
    seg_a = np.array([5, 1, 7, 0, 6, 2, 3, 4])  # cycles 5 0 3, 1 6, 7 2 4
    seg_b = np.array([0, 6, 2, 3, 1, 4, 5, 7])
    idx, counts = contours._chains(seg_a, seg_b, 8)
    assert idx.tolist() == [5, 0, 3, 7, 2, 4] and counts.tolist() == [3, 3]
    idx, counts = contours._chains(np.array([0, 1, 2, 4, 5, 6]), np.array([1, 2, 3, 5, 6, 4]), 7)
    assert idx.tolist() == [4, 5, 6] and counts.tolist() == [3]


@pytest.mark.parametrize("shift, dropped", [(0.5, True), (0.9, True), (1.2, False), (5.0, False)])
def test_slivers_of_loops_apart_along_an_axis(shift, dropped):
    """Two same-level loops of 1 um shifted by ``shift`` widths along y: within a width of each
    other everywhere below one width apart (a sliver, both go), kept beyond (their boxes stand
    apart along y by more than a width: decided without the distances)."""
    t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    ring = np.c_[np.cos(t), np.sin(t), 0 * t] * 0.5e-6
    normals = np.c_[0 * t, 0 * t, 1 + 0 * t]
    width = 0.1e-3
    loops = [ContourLoop(ring, 1.0, normals), ContourLoop(ring + [0.0, shift * width, 0.0], 1.0, normals)]
    assert len(contours.drop_slivers(loops, width)) == (0 if dropped else 2)


@pytest.mark.parametrize("pitch", [0.3e-3, 0.7e-3, 1.3e-3])
def test_bisect_chord_takes_the_steps_of_one_at_a_time_bisection(pitch):
    """The chord bisection in trees of steps ends on exactly the (lo, hi) of the plain
    bisection (mid = (lo + hi) / 2 becomes lo where the chord is shorter than a pitch)."""
    t = np.linspace(0, 2 * np.pi, 37, endpoint=False)
    pts = np.c_[2e-3 * np.cos(t), 0.4e-3 * np.sin(t) * (1 + 0.3 * np.cos(3 * t)), 0 * t]
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(np.vstack([pts, pts[:1]]), axis=0), axis=1))]
    at, lo, hi = arc[0], 0.5 * pitch, 3 * pitch
    for _ in range(contours.TIP_BISECTIONS):
        mid = 0.5 * (lo + hi)
        if np.linalg.norm(contours._at_arc(pts, arc, at - mid) - contours._at_arc(pts, arc, at + mid)) < pitch:
            lo = mid
        else:
            hi = mid
    assert contours._bisect_chord(pts, arc, at, 0.5 * pitch, 3 * pitch, pitch) == (lo, hi)


def test_points_at_a_vertex_take_one_form_and_arcs_end_there_once():
    """The end of segment i and the start of segment i + 1 are one point; a nearest-point search
    returns either form by round-off (two equal distances), and the arcs drawn from the two once
    differed by a vertex (the coarse Z2 shim's wires then depended on the mesh operators'
    round-off). ``_at_vertex`` gives the vertex (index, 0.0) for both, within VERTEX_SNAP."""
    square = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    assert contours._at_vertex((0, 1.0), 4) == (1, 0.0)
    assert contours._at_vertex((1, 0.0), 4) == (1, 0.0)
    assert contours._at_vertex((3, 1.0 - 0.5 * contours.VERTEX_SNAP), 4) == (0, 0.0)
    assert contours._at_vertex((2, 0.5 * contours.VERTEX_SNAP), 4) == (2, 0.0)
    assert contours._at_vertex((2, 0.25), 4) == (2, 0.25)
    # the corner (1, 0) is nearest to a point beyond it on the diagonal: both segments tie
    i, t = contours._nearest_on(square, np.array([2.0, -1.0, 0.0]))
    assert (i, t) in ((0, 1.0), (1, 0.0))
    assert contours._at_vertex((i, t), 4) == (1, 0.0)
    # an arc ending at a vertex holds it once, also all the way round from the same segment
    for begin in ((1, 0.5), (0, 0.5)):
        arc = contours._arc(square, begin, (1, 0.0))
        assert np.all(np.linalg.norm(np.diff(arc, axis=0), axis=1) > 0)
        np.testing.assert_array_equal(arc[-1], square[1])
    np.testing.assert_array_equal(contours._arc(square, (1, 0.5), (1, 0.0))[1:-1], square[[2, 3, 0]])
