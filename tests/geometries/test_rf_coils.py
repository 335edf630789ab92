"""RF coil generators (coildesign.geometries.rf_coils) against closed forms, evaluated through
``coildesign.field``, plus geometry invariants and input validation."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd
from coildesign.coil import LoopWinding, Winding
from coildesign.geometries import rf_coils as rc

A = 0.5e-3  # a typical microcoil radius [m]


def axis_points(z):
    z = np.atleast_1d(np.asarray(z, dtype=float))
    return np.c_[np.zeros_like(z), np.zeros_like(z), z]


def sheet_field(z, a, length, turns):
    """On-axis Bz per ampere of a finite current sheet (finite solenoid):
    Bz(z) = mu0 N / (2L) [(z + L/2)/sqrt(a^2 + (z + L/2)^2) - (z - L/2)/sqrt(a^2 + (z - L/2)^2)]
    (Jackson, Classical Electrodynamics, 3rd ed., problem 5.33; Griffiths, Introduction to
    Electrodynamics, 4th ed., problem 5.11)."""
    u1, u2 = z + length / 2, z - length / 2
    return mu_0 * turns / (2 * length) * (u1 / np.hypot(a, u1) - u2 / np.hypot(a, u2))


def saddle_centre(a, length, theta_deg, turns=1):
    """Centre field of a filament saddle pair (derived by Biot-Savart, see ``rf_coils.saddle``):
    four straight wires at phi = +-theta/2 and 180 -+ theta/2, each giving
    mu0 I l sin(theta/2) / (4 pi a sqrt(a^2 + l^2/4)) along x (Griffiths Ex. 5.5 projected),
    and four arcs of angle theta at z = +-l/2, each giving mu0 I a l sin(theta/2) / (4 pi rho^3)
    with rho^2 = a^2 + l^2/4:
    Bx = mu0 N I l sin(theta/2) (2 a^2 + l^2/4) / (pi a rho^3)."""
    rho2 = a * a + length * length / 4
    s = math.sin(math.radians(theta_deg) / 2)
    return mu_0 * turns * length * s * (2 * a * a + length * length / 4) / (math.pi * a * rho2**1.5)


def saddle_axis(z, a, length, theta_deg):
    """On-axis Bx(z) of a filament saddle pair: (mu0 I sin(theta/2)/pi) sum_{u = l/2 -+ z}
    [u / (a sqrt(a^2 + u^2)) + a u / (a^2 + u^2)^{3/2}] (same derivation as ``saddle_centre``
    with the wire ends and arcs at heights l/2 -+ z from the field point)."""
    s = math.sin(math.radians(theta_deg) / 2)
    total = 0.0
    for u in (length / 2 - z, length / 2 + z):
        total = total + u / (a * np.hypot(a, u)) + a * u / np.hypot(a, u) ** 3
    return mu_0 * s / math.pi * total


# ---------------------------------------------------------------------------- loops
def test_loop_centre_field():
    """Centre of a circular loop: B = mu0 I / (2R) along the normal (Jackson eq. 5.40 at the
    centre; Griffiths Ex. 5.6)."""
    coil = rc.loop(0.7e-3, wire_diameter=50e-6)
    assert coil.role == "rf" and isinstance(coil.windings[0], LoopWinding)
    b = cd.field(coil, [0, 0, 0], current=2.0)[0]
    assert b[2] == pytest.approx(mu_0 * 2.0 / (2 * 0.7e-3), rel=1e-14, abs=0)
    assert abs(b[0]) < 1e-15 * b[2] and abs(b[1]) < 1e-15 * b[2]
    n = np.array([1.0, 2.0, 2.0]) / 3.0
    tilted = rc.loop(1e-3, center=(1e-3, 0, 0), normal=n)
    b = cd.field(tilted, [1e-3, 0, 0])[0]
    assert np.allclose(b, mu_0 / (2 * 1e-3) * n, rtol=1e-13, atol=1e-16)
    assert np.allclose(tilted.axis, n)


def test_rectangular_loop_centre_field():
    """Centre of a w x h rectangle: B = 2 mu0 I sqrt(w^2 + h^2) / (pi w h) (four finite wires,
    Griffiths Ex. 5.5)."""
    w, h = 1.2e-3, 0.5e-3
    coil = rc.rectangular_loop(w, h)
    b = cd.field(coil, [0, 0, 0])[0]
    assert b[2] == pytest.approx(2 * mu_0 * math.hypot(w, h) / (math.pi * w * h), rel=1e-13, abs=0)
    assert coil.windings[0].closed and np.allclose(coil.axis, [0, 0, 1])


def test_helmholtz_centre_and_fourth_order_flatness():
    """Helmholtz pair (separation = R): Bz(0) = (8 / 5^{3/2}) mu0 N I / R, and the second
    derivative vanishes, so Bz(z)/Bz(0) - 1 = c4 z^4 + O(z^6): doubling z multiplies the
    deviation by 2^4 = 16 (a pair at another separation gives 2^2 = 4). Jackson problem 5.3.
    The closed form is for N coincident turns (bundled); a real pack is tested in
    tests/geometries/test_winding_pack.py."""
    r, n = 2e-3, 7
    coil = rc.helmholtz_pair(r, n, wire_diameter=0.1e-3, bundled=True)
    assert coil.parameters["separation"] == r
    b0 = cd.field(coil, [0, 0, 0])[0, 2]
    assert b0 == pytest.approx(8 / 5**1.5 * mu_0 * n / r, rel=1e-13, abs=0)
    assert b0 == pytest.approx(coil.parameters["centre_field_per_ampere_closed_form"], rel=1e-13, abs=0)
    z = np.array([0.0, 0.04 * r, 0.08 * r])
    dev = cd.field(coil, axis_points(z))[:, 2] / b0 - 1
    assert dev[2] / dev[1] == pytest.approx(16.0, rel=0.02)  # measured 16.04 (z^6 term)
    wide = rc.helmholtz_pair(r, n, 1.5 * r)
    dev = cd.field(wide, axis_points(z))[:, 2] / cd.field(wide, [0, 0, 0])[0, 2] - 1
    assert dev[2] / dev[1] == pytest.approx(4.0, rel=0.02)


# ---------------------------------------------------------------------------- solenoid
def test_solenoid_axis_profile_matches_current_sheet():
    """The azimuthally averaged surface current of a helix is uniform over its span and only
    the azimuthal current gives Bz on the axis, so the smooth helix reproduces the current
    sheet formula exactly on the axis; the only difference left is the polygonal turns
    (vertices on the helix). A regular n-gon loop has the near field +(pi/n)^2/3 (centre,
    n tan(pi/n)/pi) and the far field -2(pi/n)^2/3 (area ratio n sin(2 pi/n)/(2 pi)) relative
    to its circle, so the deviation is bounded by 2(pi/n)^2/3. Measured max over |z| <= 1.5 L:
    9.5e-5 (n = 256; bound 1.0e-4) and 5.9e-6 (n = 1024; bound 6.3e-6): second-order
    convergence to the sheet."""
    a, length, turns = A, 2e-3, 20
    z = np.linspace(-1.5 * length, 1.5 * length, 61)
    exact = sheet_field(z, a, length, turns)
    errs = []
    for ppt in (256, 1024):
        coil = rc.solenoid(a, length, turns, wire_diameter=50e-6, points_per_turn=ppt)
        bz = cd.field(coil, axis_points(z))[:, 2]
        errs.append(np.max(np.abs(bz / exact - 1)))
        assert errs[-1] < 2 / 3 * (math.pi / ppt) ** 2
    assert errs[0] / errs[1] == pytest.approx(16.0, rel=0.05)


def test_stacked_ring_model_matches_current_sheet():
    """Stacked exact rings at z_k = -L/2 + (k + 1/2) p are the midpoint rule for the sheet
    integral, error O(p^2/a^2) at the ends and much smaller inside; measured for N = 20
    (p = 0.2 a): 3.3e-3 max over |z| <= 1.5 L, 2e-4 at the centre; N = 40: 4x smaller."""
    a, length = A, 2e-3
    z = np.linspace(-1.5 * length, 1.5 * length, 61)
    worst = []
    for turns in (20, 40):
        coil = rc.solenoid(a, length, turns, wire_diameter=40e-6, stacked=True)
        assert coil.n_loops == turns and coil.n_segments == 0
        rel = np.abs(cd.field(coil, axis_points(z))[:, 2] / sheet_field(z, a, length, turns) - 1)
        worst.append(rel.max())
        assert rel[30] < 2.5e-4
    assert worst[0] < 5e-3
    assert worst[0] / worst[1] == pytest.approx(4.0, rel=0.15)


def test_solenoid_sign_axis_and_parameters():
    """Positive current gives Bz > 0 at the centre (counter-clockwise about +z), also for
    every layer of a multilayer coil; parameters carry what the handbook formulas need."""
    coil = rc.solenoid(0.5e-3, 1.0e-3, 5, wire_diameter=0.1e-3)  # the example probe's coil
    assert cd.field(coil, [0, 0, 0])[0, 2] > 0
    p = coil.parameters
    assert p["generator"] == "solenoid" and coil.role == "rf" and np.allclose(coil.axis, [0, 0, 1])
    for key, value in (("radius", 0.5e-3), ("length", 1e-3), ("turns", 5), ("wire_diameter", 0.1e-3),
                       ("pitch", 0.2e-3), ("layers", 1), ("lead_direction", "axial")):
        assert p[key] == pytest.approx(value) if isinstance(value, float) else p[key] == value
    one = rc.solenoid(0.5e-3, 1.0e-3, 5, wire_diameter=0.1e-3, layers=1)
    two = rc.solenoid(0.5e-3, 1.0e-3, 5, wire_diameter=0.1e-3, layers=2)
    b1, b2 = (cd.field(c, [0, 0, 0])[0, 2] for c in (one, two))
    assert 1.8 * b1 < b2 < 2 * b1  # the second layer adds in the same sense (slightly larger radius)
    pts = two.windings[0].points
    # zero components carry the rounding of cos/sin at the winding radius: atol 1e-12 of 0.6 mm
    np.testing.assert_allclose(pts[0], [0.5e-3, 0, -0.5e-3], rtol=1e-12, atol=1e-12 * 0.6e-3)
    np.testing.assert_allclose(pts[-1], [0.6e-3, 0, -0.5e-3], rtol=1e-12, atol=1e-12 * 0.6e-3)
    r = np.hypot(pts[:, 0], pts[:, 1])
    np.testing.assert_allclose(np.unique(np.round(r, 12)), [0.5e-3, 0.6e-3], rtol=1e-9, atol=0)  # rounded to 1e-12 m


def test_solenoid_axial_leads():
    """Leads continue the wire parallel to z, away from the winding, by ``leads`` metres;
    with an even number of layers both leave on the -z side."""
    coil = rc.solenoid(A, 1e-3, 5, wire_diameter=0.1e-3, leads=2e-3)
    pts = coil.windings[0].points
    assert np.allclose(pts[1] - pts[0], [0, 0, 2e-3], atol=0) and np.allclose(pts[-1] - pts[-2], [0, 0, 2e-3], atol=0)
    assert pts[0][2] == pytest.approx(-2.5e-3) and pts[-1][2] == pytest.approx(2.5e-3)
    bare = rc.solenoid(A, 1e-3, 5, wire_diameter=0.1e-3)
    assert coil.wire_length == pytest.approx(bare.wire_length + 4e-3, rel=1e-12, abs=0)
    assert cd.field(coil, [0, 0, 0])[0, 2] == pytest.approx(cd.field(bare, [0, 0, 0])[0, 2], rel=1e-12, abs=0)
    two = rc.solenoid(A, 1e-3, 5, wire_diameter=0.1e-3, leads=1e-3, layers=2).windings[0].points
    assert np.allclose(two[1] - two[0], [0, 0, 1e-3], atol=0) and np.allclose(two[-1] - two[-2], [0, 0, -1e-3], atol=0)


def test_helix_wire_length():
    """Helix length N sqrt((2 pi a)^2 + p^2) (arc length of a helix). The polyline with n
    points per turn has the exact chord length N n sqrt((2 a sin(pi/n))^2 + (p/n)^2) (checked
    to 1e-12) and approaches the helix as 1 - (pi/n)^2/6 (2pi a)^2/((2 pi a)^2 + p^2): to
    1e-6 for n = 4096 (measured 9.8e-8)."""
    a, length, turns = A, 1.5e-3, 12
    p = length / turns
    helix = turns * math.hypot(2 * math.pi * a, p)
    for ppt in (64, 4096):
        coil = rc.solenoid(a, length, turns, wire_diameter=0.1e-3, points_per_turn=ppt)
        chord = turns * ppt * math.hypot(2 * a * math.sin(math.pi / ppt), p / ppt)
        assert coil.wire_length == pytest.approx(chord, rel=1e-12, abs=0)
        assert coil.parameters["conductor_length"] == pytest.approx(chord, rel=1e-12, abs=0)
        assert coil.parameters["helix_length"] == pytest.approx(helix, rel=1e-15, abs=0)
    assert coil.wire_length == pytest.approx(helix, rel=1e-6)


def _min_distance_between_turns(points, per_turn):
    """Smallest distance between polyline vertices at least half a turn apart along the wire."""
    best = np.inf
    half = per_turn // 2
    for i in range(len(points) - half):
        d = np.linalg.norm(points[i + half:] - points[i], axis=1).min()
        best = min(best, d)
    return best


def test_no_two_turns_closer_than_wire_diameter():
    """Vertices of different turns (>= half a turn apart along the wire) stay at least one wire
    diameter apart: axial pitch >= d in a layer, radial step = d between layers (vertices lie
    on the exact helix; a close-wound layer would touch at p cos(helix angle))."""
    d = 0.1e-3
    for kwargs in ({"turns": 5, "length": 1e-3}, {"turns": 8, "length": 1.2e-3, "layers": 3}):
        coil = rc.solenoid(A, wire_diameter=d, points_per_turn=32, **kwargs)
        dist = _min_distance_between_turns(coil.windings[0].points, 32)
        assert dist >= d * (1 - 1e-12)
    close = rc.solenoid(A, 1e-3, 10, wire_diameter=d)  # close-wound: pitch == wire diameter is accepted
    assert close.parameters["pitch"] == pytest.approx(d)


# ---------------------------------------------------------------------------- saddle
@pytest.mark.parametrize("theta", [60.0, 120.0, 150.0])
@pytest.mark.parametrize("ratio", [0.5, 1.0, 2.0, 4.0])
def test_saddle_centre_field_closed_form(theta, ratio):
    """Saddle centre field vs Bx = mu0 N I l sin(theta/2)(2a^2 + l^2/4)/(pi a (a^2 + l^2/4)^{3/2})
    for length/diameter = ratio (derivation in ``saddle_centre``). The arcs are polylines with
    vertices on the circle; a chord of angle dphi seen from the circle's centre is stronger
    than its arc by tan(dphi/2)/(dphi/2) - 1 ~ dphi^2/12 (n-gon centre field), so the tolerance
    is dphi^2/8 (measured up to 9.8e-5 for 64 points per 120 degree arc at length/diameter
    0.5, where the arcs dominate; 1e-7 for 2001 points)."""
    a = A
    for ppa in (64, 2001):
        tol = (math.radians(theta) / (ppa - 1)) ** 2 / 8
        coil = rc.saddle(a, 2 * a * ratio, 3, theta, points_per_arc=ppa)
        b = cd.field(coil, [0, 0, 0])[0]
        exact = saddle_centre(a, 2 * a * ratio, theta, 3)
        assert b[0] == pytest.approx(exact, rel=tol)
        assert abs(b[1]) < 1e-12 * exact and abs(b[2]) < 1e-12 * exact
    assert coil.parameters["centre_field_per_ampere_closed_form"] == pytest.approx(exact, rel=1e-14, abs=0)
    assert all(w.closed and w.turns == 3 for w in coil.windings) and np.allclose(coil.weights, 1)


def test_saddle_optimum_is_fourth_order_along_axis():
    """With length/diameter = 2 (Ginsberg & Melchner, Rev. Sci. Instrum. 41, 122 (1970);
    d^2Bx/dz^2 = 0 because g''(u) ~ u (3u^2 - 12a^2) vanishes at u = l/2 = 2a), the on-axis
    deviation Bx(z)/Bx(0) - 1 grows as z^4 (ratio 16 when z doubles); for length/diameter
    = 1 it grows as z^2 (ratio 4). The engine also follows the on-axis closed form."""
    a = A
    z = np.array([0.0, 0.05 * a, 0.1 * a, 0.3 * a])
    for ratio, power in ((2.0, 16.0), (1.0, 4.0)):
        coil = rc.saddle(a, 2 * a * ratio, points_per_arc=2001)
        bx = cd.field(coil, axis_points(z))[:, 0]
        assert np.allclose(bx, saddle_axis(z, a, 2 * a * ratio, 120.0), rtol=1e-7, atol=0)
        dev = bx / bx[0] - 1
        assert dev[2] / dev[1] == pytest.approx(power, rel=0.01)  # 16.05 and 4.0 measured
    assert rc.SADDLE_OPTIMUM_ARC_ANGLE == 120.0 and rc.SADDLE_OPTIMUM_LENGTH_TO_DIAMETER == 2.0


# ---------------------------------------------------------------------------- birdcage
def birdcage_centre(n, a, length):
    """Centre |B1| of an N-leg birdcage in the homogeneous mode (unit mode current): legs with
    cos(phi_k) each give mu0 I_k l/(4 pi a rho) along -phi_hat, summing to
    mu0 N l/(8 pi a rho); each ring (currents sin(phi_mid)/(2 sin(pi/N)) over arcs of 2pi/N)
    gives mu0 a (l/2) N / (8 pi rho^3); rho^2 = a^2 + l^2/4 (Biot-Savart, derived here):
    |B1| = mu0 N l (rho^2 + a^2) / (8 pi a rho^3)."""
    rho2 = a * a + length * length / 4
    return mu_0 * n * length * (rho2 + a * a) / (8 * math.pi * a * rho2**1.5)


def test_birdcage_centre_field_direction_and_magnitude():
    """Leg k carries cos(2 pi k/N + phase) along +z: B1 = -y for phase 0, +x for
    phase = -90 degrees (``Coil.axis``); Bz = 0 at the centre; magnitude vs ``birdcage_centre``
    (ring arcs as polylines, error ~dphi^2/12 per arc step dphi: measured 1.6e-6 with 64 points
    per segment, bound 3.2e-6)."""
    a, length = 1e-3, 2e-3
    coil = rc.birdcage(16, a, length, points_per_segment=64)
    b = cd.field(coil, [0, 0, 0])[0]
    exact = birdcage_centre(16, a, length)
    assert b[1] == pytest.approx(-exact, rel=(2 * math.pi / 16 / 63) ** 2 / 12)
    assert abs(b[0]) < 1e-12 * exact and abs(b[2]) < 1e-12 * exact
    assert np.allclose(coil.axis, [0, -1, 0])
    quad = rc.birdcage(16, a, length, phase=-90.0)
    bq = cd.field(quad, [0, 0, 0])[0]
    assert bq[0] == pytest.approx(exact, rel=1e-4) and np.allclose(quad.axis, [1, 0, 0], atol=1e-15)
    assert np.dot(bq, quad.axis) > 0 and np.dot(b, coil.axis) > 0


@pytest.mark.parametrize("ratio, tolerance", [(1.0, 0.04), (2.0, 1e-3)])
def test_birdcage_homogeneity(ratio, tolerance):
    """|B1| (transverse) within a few % of the centre value over a sphere of 30% of the radius
    (measured 3.5% for length/diameter 1, 1e-4 for 2), with Bz ~ 0 on the central plane."""
    a = 1e-3
    coil = rc.birdcage(16, a, 2 * a * ratio)
    rng = np.random.default_rng(1)
    u = rng.normal(size=(1500, 3))
    pts = u / np.linalg.norm(u, axis=1)[:, None] * (0.3 * a * rng.random(1500)[:, None] ** (1 / 3))
    b = cd.field(coil, pts)
    b0 = np.linalg.norm(cd.field(coil, [0, 0, 0])[0])
    assert np.abs(np.hypot(b[:, 0], b[:, 1]) / b0 - 1).max() < tolerance
    plane = pts.copy()
    plane[:, 2] = 0.0
    assert np.abs(cd.field(coil, plane)[:, 2]).max() < 1e-10 * b0


@pytest.mark.parametrize("legs, phase", [(4, 0.0), (8, 17.0), (16, -60.0)])
def test_birdcage_kirchhoff_at_every_node(legs, phase):
    """Kirchhoff's current law: at each of the 2N nodes (leg ends), the weights of windings
    ending there minus those starting there sum to zero; the rings carry opposite currents
    with zero net circulation; leg k carries cos(2 pi k/N + phase), phase in degrees."""
    coil = rc.birdcage(legs, 1e-3, 2e-3, "bandpass", phase=phase)
    nodes: dict[tuple, float] = {}
    for w, wt in zip(coil.windings, coil.weights):
        for pt, sign in ((w.points[0], -1.0), (w.points[-1], 1.0)):
            key = tuple(np.round(pt, 12))
            nodes[key] = nodes.get(key, 0.0) + sign * wt
    assert len(nodes) == 2 * legs
    assert max(abs(v) for v in nodes.values()) < 1e-14
    weights = np.asarray(coil.weights)
    phi = 2 * np.pi * np.arange(legs) / legs
    assert np.allclose(weights[:legs], np.cos(phi + np.radians(phase)), rtol=0, atol=1e-15)
    assert coil.parameters["phase"] == phase
    top, bottom = weights[legs:2 * legs], weights[2 * legs:]
    assert np.allclose(top, -bottom) and abs(top.sum()) < 1e-14
    assert coil.parameters["topology"] == "bandpass" and coil.parameters["capacitors"] == 3 * legs


def test_birdcage_parameters_record_conductors_and_capacitors():
    """Topology decides where capacitors sit (low-pass: legs; high-pass: ring segments;
    band-pass: both; Hayes et al., J. Magn. Reson. 63, 622 (1985)); conductor sizes recorded."""
    coil = rc.birdcage(8, 1e-3, 2e-3, "highpass", leg_width=0.2e-3, ring_width=0.3e-3, shield_radius=1.5e-3)
    p = coil.parameters
    assert p["shield_radius"] == 1.5e-3 and p["leg_width"] == 0.2e-3 and p["ring_width"] == 0.3e-3
    assert "ring" in p["capacitor_positions"] and p["capacitors"] == 16
    assert isinstance(coil.windings[0].cross_section, cd.RectangularStrip)
    assert coil.windings[0].cross_section.width == 0.2e-3 and coil.windings[-1].cross_section.width == 0.3e-3
    assert rc.birdcage(8, 1e-3, 2e-3).parameters["capacitor_positions"].startswith("legs")


# ---------------------------------------------------------------------------- planar spiral
@pytest.mark.parametrize("shape", rc.SPIRAL_SHAPES)
def test_planar_spiral_diameters_and_field(shape):
    """d_in = d_out - 2 n w - 2 (n - 1) s and fill ratio (d_out - d_in)/(d_out + d_in)
    (Mohan et al., IEEE JSSC 34, 1419 (1999)); giving d_in instead of d_out inverts it.
    Layout as specified (issue 10): every side of turn j at apothem (radius) d_out/2 - w/2 - j p,
    so the trace edges span exactly d_out across flats (the square exactly d_out x d_out) and
    exactly d_in inside; +z field at the centre; strip cross-section w x t."""
    n, d_out, w, s = 5, 1.0e-3, 30e-6, 20e-6
    p = w + s
    coil = rc.planar_spiral(n, d_out, w, s, shape)
    par = coil.parameters
    d_in = d_out - 2 * n * w - 2 * (n - 1) * s
    assert par["inner_diameter"] == pytest.approx(d_in, rel=1e-14, abs=0)
    assert par["fill_ratio"] == pytest.approx((d_out - d_in) / (d_out + d_in), rel=1e-14, abs=0)
    back = rc.planar_spiral(n, None, w, s, shape, inner_diameter=d_in)
    assert back.parameters["outer_diameter"] == pytest.approx(d_out, rel=1e-14, abs=0)
    assert np.allclose(back.windings[0].points, coil.windings[0].points, rtol=0, atol=1e-15)
    pts = coil.windings[0].points
    assert np.all(pts[:, 2] == 0.0)
    cs = coil.windings[0].cross_section
    assert cs.width == w and cs.thickness == 35e-6
    assert cd.field(coil, [0, 0, 0])[0, 2] > 0
    r = np.hypot(pts[:, 0], pts[:, 1])
    if shape == "circular":
        levels = d_out / 2 - w / 2 - p * np.arange(n)  # every vertex on one of the n circles
        assert np.min(np.abs(r[:, None] - levels[None]), axis=1).max() < 1e-15
        assert r.max() + w / 2 == pytest.approx(d_out / 2, rel=1e-14, abs=0)
        assert r.min() - w / 2 == pytest.approx(d_in / 2, rel=1e-6, abs=0)
        return
    sides = {"square": 4, "hexagonal": 6, "octagonal": 8}[shape]
    assert len(pts) == n * sides + 1
    step = np.diff(pts, axis=0)
    apothem = np.abs(step[:, 0] * pts[:-1, 1] - step[:, 1] * pts[:-1, 0]) / np.hypot(step[:, 0], step[:, 1])
    np.testing.assert_allclose(apothem, np.repeat(d_out / 2 - w / 2 - p * np.arange(n), sides), rtol=1e-12, atol=0)
    # extent across flats: the outer edges of the first turn at exactly d_out / 2
    psi = 2 * np.pi * np.arange(sides) / sides
    support = (pts[:, :2] @ np.c_[np.cos(psi), np.sin(psi)].T).max(axis=0)
    assert support + w / 2 == pytest.approx(np.full(sides, d_out / 2), rel=1e-13, abs=0)
    if shape == "square":
        assert np.ptp(pts[:, 0]) + w == pytest.approx(d_out) and np.ptp(pts[:, 1]) + w == pytest.approx(d_out)


def test_planar_spiral_refuses_turns_that_do_not_fit():
    with pytest.raises(ValueError, match="Input turns must be few enough"):
        rc.planar_spiral(20, 1e-3, 30e-6, 20e-6)
    with pytest.raises(ValueError, match="Input inner_diameter"):
        rc.planar_spiral(3, None, 30e-6, 20e-6, inner_diameter=10e-6)  # no room for the last step
    with pytest.raises(ValueError, match="Input shape must be one of"):
        rc.planar_spiral(3, 1e-3, 30e-6, 20e-6, "pentagonal")
    with pytest.raises(ValueError, match="Input outer_diameter"):
        rc.planar_spiral(3, 1e-3, 30e-6, 20e-6, inner_diameter=0.5e-3)


# ---------------------------------------------------------------------------- invariants
def test_closed_windings_and_roles():
    coils = [rc.saddle(A, 4 * A), rc.rectangular_loop(1e-3, 1e-3), rc.solenoid(A, 1e-3, 4, wire_diameter=0.1e-3),
             rc.helmholtz_pair(A), rc.loop(A), rc.planar_spiral(3, 1e-3, 30e-6, 20e-6),
             rc.birdcage(8, A, 2 * A)]
    for coil in coils:
        assert coil.role == "rf" and coil.axis is not None
        assert coil.parameters["generator"] in rc.__all__
        assert coil.parameters["conductor_length"] > 0
        for w in coil.windings:
            if isinstance(w, Winding) and w.closed:
                assert np.array_equal(w.vertices[0], w.vertices[-1])
    saddle = coils[0]
    assert saddle.parameters["conductor_length"] == pytest.approx(saddle.wire_length)  # one turn


# ---------------------------------------------------------------------------- validation
@pytest.mark.parametrize("call, match", [
    (lambda: rc.solenoid(A, 0.4e-3, 5, wire_diameter=0.1e-3), r"Input length must be at least .*= 0.0005 m"),
    (lambda: rc.solenoid(A, 1e-3, 5, wire_diameter=1.2e-3), "Input wire_diameter must be smaller than twice"),
    (lambda: rc.solenoid(-A, 1e-3, 5, wire_diameter=0.1e-3), "Input radius must be a finite number > 0"),
    (lambda: rc.solenoid(A, 1e-3, 0, wire_diameter=0.1e-3), "Input turns"),
    (lambda: rc.solenoid(A, 1e-3, 4.5, wire_diameter=0.1e-3, stacked=True), "Input turns must be an integer"),
    (lambda: rc.solenoid(A, 1e-3, 5, wire_diameter=0.1e-3, layers=0), "Input layers"),
    (lambda: rc.solenoid(A, 1e-3, 5, wire_diameter=0.1e-3, leads=-1e-3), "Input leads"),
    (lambda: rc.saddle(A, 2e-3, arc_angle=180.0), r"Input arc_angle must be in the open range \(0, 180\)"),
    (lambda: rc.saddle(A, 2e-3, arc_angle=0.0), "Input arc_angle"),
    (lambda: rc.saddle(A, -2e-3), "Input length must be a finite number > 0"),
    (lambda: rc.loop(-1e-3), "Input radius"),
    (lambda: rc.rectangular_loop(1e-3, 0.0), "Input height"),
    (lambda: rc.helmholtz_pair(A, separation=-1.0), "Input separation"),
    (lambda: rc.planar_spiral(3, 1e-3, -30e-6, 20e-6), "Input trace_width"),
    (lambda: rc.birdcage(7, A, 2e-3), "Input legs must be an even integer"),
    (lambda: rc.birdcage(2, A, 2e-3), "Input legs"),
    (lambda: rc.birdcage(8, A, 2e-3, "bandstop"), "Input topology must be one of"),
    (lambda: rc.birdcage(8, A, 2e-3, shield_radius=0.4e-3), "Input shield_radius must be larger"),
])
def test_validation_errors_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError, match="Input turns"):
        rc.helmholtz_pair(A, turns=1.5)
    with pytest.raises(TypeError, match="Input radius"):
        rc.loop("1 mm")


def test_unit_mistakes_are_refused_and_unusual_sizes_warn():
    """Coil dimensions are in metres (``coildesign._validation.plausible_length``): above 10 m
    certainly a unit mistake (ValueError naming millimetres), above 0.5 m possible but unusual
    for MR microscopy (UserWarning)."""
    with pytest.raises(ValueError, match=r"Input radius must be at most 10 m.*radius is in metres; did you pass "
                                         "millimetres"):
        rc.solenoid(500.0, 1e-3, 5, wire_diameter=0.1e-3)
    with pytest.raises(ValueError, match="Input outer_diameter must be at most 10 m"):
        rc.planar_spiral(3, 20.0, 30e-6, 20e-6)
    with pytest.warns(UserWarning, match="radius = 0.75 m is unusually large.*did you pass millimetres"):
        rc.birdcage(8, 0.75, 0.4)
    with pytest.warns(UserWarning, match="length"):
        rc.saddle(0.1, 0.8)
