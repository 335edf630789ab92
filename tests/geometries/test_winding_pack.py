"""Winding packs of the multi-turn generators (coildesign.geometries.winding_pack): layout rules,
and inductance, efficiency and centre fields against exact sums over the real turns."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd
from coildesign.analysis import gradient_efficiency
from coildesign.analysis import handbook as hb
from coildesign.analysis.inductance import _segment_distance, inductance
from coildesign.coil import LoopWinding
from coildesign.geometries import gradient_coils as gc
from coildesign.geometries import rf_coils as rc
from coildesign.geometries.winding_pack import DEFAULT_INSULATION, default_layers, winding_pack

# the demo's z gradient: 10 turns of 0.3 mm wire per loop
A, N, WIRE = 5e-3, 10, 0.3e-3


def pack_positions(turns_per_layer, pitch):
    """(u, v) of every turn, written out independently of the package: layers centred on v = 0,
    turns of each layer centred on u = 0."""
    n_layers = len(turns_per_layer)
    return [((j - (t - 1) / 2) * pitch, (k - (n_layers - 1) / 2) * pitch)
            for k, t in enumerate(turns_per_layer) for j in range(t)]


# ---------------------------------------------------------------------------- layout
def test_default_layout_is_compact_centred_and_documented():
    assert [default_layers(n) for n in (1, 2, 3, 4, 5, 9, 10, 16, 30)] == [1, 1, 2, 2, 2, 3, 3, 4, 5]
    assert winding_pack(10, WIRE).turns_per_layer == (3, 4, 3)
    assert winding_pack(5, WIRE).turns_per_layer == (3, 2)
    assert winding_pack(10, WIRE, layers=2).turns_per_layer == (5, 5)
    pack = winding_pack(10, WIRE)
    assert pack.pitch == WIRE + DEFAULT_INSULATION == pytest.approx(0.32e-3, rel=1e-15, abs=0)
    assert np.allclose(pack.offsets, pack_positions((3, 4, 3), pack.pitch), rtol=0, atol=1e-18)
    assert np.allclose(pack.offsets.mean(axis=0), 0.0, atol=1e-18)  # symmetric pack: centroid on the nominal path
    d = np.linalg.norm(pack.offsets[:, None] - pack.offsets[None], axis=2) + np.eye(10)
    assert d.min() >= pack.pitch * (1 - 1e-12)  # no two turns closer than one pitch
    assert winding_pack(10, WIRE, bundled=True) is None
    assert winding_pack(10, None) is None


@pytest.mark.parametrize("call, match", [
    (lambda: winding_pack(3, WIRE, layers=4), "Input layers must be at most turns = 3"),
    (lambda: winding_pack(3, WIRE, layers=0), "Input layers"),
    (lambda: winding_pack(3, WIRE, insulation=-1e-6), "Input insulation"),
    (lambda: winding_pack(3, None, layers=2), "Input layers must be None without wire_diameter"),
    (lambda: winding_pack(3, WIRE, bundled="no"), "Input bundled"),
    (lambda: gc.maxwell_pair(1e-3, 40, wire_diameter=0.3e-3, layers=1), "Input turns must be few enough"),
    (lambda: gc.golay(2e-3, 30, wire_diameter=0.3e-3), "Input turns must be few enough"),
    (lambda: gc.gradient_set(5e-3, turns=10, wire_diameter=0.3e-3, stagger=0.05), "Input stagger must be at least"),
])
def test_bad_pack_parameters_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ---------------------------------------------------------------------------- Maxwell pair
def maxwell_turns(radius, turns, turns_per_layer, pitch, separation=None):
    """(radius, z) of the turns of the +z loop of a packed Maxwell pair (the -z loop mirrors it)."""
    d = (math.sqrt(3) * radius if separation is None else separation) / 2
    return [(radius + v, d + u) for u, v in pack_positions(turns_per_layer, pitch)]


def test_maxwell_pack_efficiency_is_the_sum_over_turns():
    """Every turn pair (radius r, |z| = h, opposed currents) contributes the closed form
    3 mu0 r^2 h / (r^2 + h^2)^(5/2) (Jackson eq. 5.40): the engine's efficiency (exact loop
    kernel) equals the sum over the pack to 1e-12."""
    coil = gc.maxwell_pair(A, N, wire_diameter=WIRE)
    turns = maxwell_turns(A, N, (3, 4, 3), WIRE + DEFAULT_INSULATION)
    expected = sum(3 * mu_0 * r * r * h / (r * r + h * h) ** 2.5 for r, h in turns)
    assert gradient_efficiency(coil) == pytest.approx(expected, rel=1e-12, abs=0)
    assert coil.parameters["efficiency_closed_form"] == pytest.approx(expected, rel=1e-13, abs=0)
    assert coil.n_loops == 2 * N and all(w.turns == 1 for w in coil.windings)
    assert coil.parameters["turns_per_layer"] == [3, 4, 3] and coil.parameters["bundled"] is False
    # the packed efficiency differs from N x the nominal loops (here by -1.05e-3)
    assert gradient_efficiency(coil) / gc.maxwell_efficiency(A, math.sqrt(3) * A, N) - 1 == pytest.approx(
        -1.05e-3, abs=5e-5)


def test_maxwell_pack_inductance_is_the_exact_sum_over_turns():
    """L = sum over distinct turns s_i s_j M(r_i, r_j, z_i - z_j) (Maxwell's coaxial-circle
    formula, handbook) + the single-turn terms (GMD method, one turn alone), with s = +-1 the
    current signs of the two loops: equal to rounding, since the engine computes distinct turns
    as exact Neumann integrals. The single-turn term itself equals Wien's ring formula to
    O((a/R)^4)."""
    coil = gc.maxwell_pair(A, N, wire_diameter=WIRE)
    up = maxwell_turns(A, N, (3, 4, 3), WIRE + DEFAULT_INSULATION)
    rings = [(r, z, 1.0) for r, z in up] + [(r, -z, -1.0) for r, z in up]
    mutual = sum(si * sj * hb.maxwell_mutual_inductance(ri, rj, zi - zj)
                 for i, (ri, zi, si) in enumerate(rings) for j, (rj, zj, sj) in enumerate(rings) if i != j)
    own = [inductance(cd.Coil.from_loop(r, wire_diameter=WIRE)) for r, _, _ in rings]
    assert inductance(coil) == pytest.approx(mutual + sum(own), rel=1e-11, abs=0)
    wien = [hb.loop_inductance(r, WIRE / 2) for r, _, _ in rings]
    assert sum(own) == pytest.approx(sum(wien), rel=(WIRE / 2 / A) ** 2, abs=0)


def test_bundled_is_n_squared_times_one_turn_and_packed_is_much_less():
    """bundled=True keeps the thin-bundle idealisation: N coincident turns, L = N^2 L_1 exactly.
    The demo's Gz (radius 5.5 mm in the demo's gradient set, 10 turns of bare 0.3 mm wire)
    reproduces issue 10's figures: 5.22 uH bundled, 3.33 uH as 2 layers x 5 turns."""
    bundled = gc.maxwell_pair(A, N, wire_diameter=WIRE, bundled=True)
    one = gc.maxwell_pair(A, 1, wire_diameter=WIRE)
    assert inductance(bundled) == pytest.approx(N * N * inductance(one), rel=1e-12, abs=0)
    assert gradient_efficiency(bundled) == pytest.approx(N * gradient_efficiency(one), rel=1e-12, abs=0)
    demo = 5.5e-3
    assert inductance(gc.maxwell_pair(demo, N, wire_diameter=WIRE, bundled=True)) == pytest.approx(5.22e-6, abs=5e-9)
    two_by_five = gc.maxwell_pair(demo, N, wire_diameter=WIRE, layers=2, insulation=0.0)
    assert inductance(two_by_five) == pytest.approx(3.33e-6, abs=5e-9)


def test_filament_turns_stay_coincident():
    coil = gc.maxwell_pair(A, N)
    assert len(coil.windings) == 2 and coil.windings[0].turns == N and coil.parameters["bundled"] is True


# ---------------------------------------------------------------------------- saddles, Golay, planes
def test_golay_pack_efficiency_is_the_sum_over_turns():
    """Each Golay turn (u, v) is the saddle grown by u in the surface at radius a + v: arcs at
    d1 - u and d2 + u spanning theta + 2u/(a + v). The efficiency is the sum of the arc closed
    form (2 sin(theta_k/2)/pi) [g(d1k/rk) - g(d2k/rk)] mu0 / rk^2 over turns; the polyline
    converges to it as 1/points_per_arc^2 (the straight sides along z add no Bz)."""
    pitch = WIRE + DEFAULT_INSULATION
    d1, d2 = (t * A for t in gc.GOLAY_POSITIONS)
    expected = 0.0
    for u, v in pack_positions((2, 2), pitch):
        r, theta = A + v, math.radians(120.0) + 2 * u / (A + v)
        arcs = gc.golay_g((d1 - u) / r) - gc.golay_g((d2 + u) / r)
        expected += 2 * math.sin(theta / 2) / math.pi * mu_0 / r**2 * arcs
    coarse, fine = (gc.golay(A, 4, wire_diameter=WIRE, points_per_arc=n) for n in (64, 256))
    assert fine.parameters["efficiency_closed_form"] == pytest.approx(expected, rel=1e-13, abs=0)
    err = [gradient_efficiency(c) / expected - 1 for c in (coarse, fine)]
    assert abs(err[1]) < 5e-6 and err[0] / err[1] == pytest.approx(16, rel=0.05)
    assert len(fine.windings) == 16  # 4 saddles x 4 turns, each its own closed path


def test_saddle_and_helmholtz_centre_fields_are_sums_over_turns():
    """Saddle: every turn adds mu0 l_k sin(h_k) (2 r^2 + l_k^2/4) / (pi r (r^2 + l_k^2/4)^(3/2))
    (the saddle closed form at its own radius, length and angle); Helmholtz: every turn pair adds
    mu0 r^2 / (r^2 + z^2)^(3/2) (Jackson eq. 5.40)."""
    a, length, wire = 2e-3, 8e-3, 0.1e-3
    pitch = wire + DEFAULT_INSULATION
    saddle = rc.saddle(a, length, 6, wire_diameter=wire, points_per_arc=1024)
    expected = 0.0
    for u, v in pack_positions((3, 3), pitch):
        r, h, ell = a + v, math.pi / 3 + u / (a + v), length + 2 * u
        q = r * r + ell * ell / 4
        expected += mu_0 * ell * math.sin(h) * (2 * r * r + ell * ell / 4) / (math.pi * r * q**1.5)
    assert saddle.parameters["centre_field_per_ampere_closed_form"] == pytest.approx(expected, rel=1e-13, abs=0)
    assert cd.field(saddle, [0, 0, 0])[0, 0] == pytest.approx(expected, rel=2e-6, abs=0)  # 1024-gon arcs
    helm = rc.helmholtz_pair(a, 7, wire_diameter=wire)
    expected = sum(mu_0 * (a + v) ** 2 / ((a + v) ** 2 + (a / 2 + u) ** 2) ** 1.5
                   for u, v in pack_positions((2, 3, 2), pitch))
    assert cd.field(helm, [0, 0, 0])[0, 2] == pytest.approx(expected, rel=1e-13, abs=0)
    assert helm.parameters["centre_field_per_ampere_closed_form"] == pytest.approx(expected, rel=1e-13, abs=0)


@pytest.mark.parametrize("axis", ["z", "x"])
def test_biplanar_pack_efficiency_is_the_sum_over_turns(axis):
    """Each turn is the rectangle grown by u on the plane at half_gap + v; the finite-wire
    efficiency (Griffiths Ex. 5.5, summed in the generator) matches the engine to 1e-10."""
    coil = gc.biplanar(2e-3, 20e-3, 5, axis, wire_diameter=0.2e-3)
    assert len(coil.windings) == (2 if axis == "z" else 4) * 5
    assert gradient_efficiency(coil) == pytest.approx(coil.parameters["efficiency_closed_form"], rel=1e-10, abs=0)
    bundled = gc.biplanar(2e-3, 20e-3, 5, axis, wire_diameter=0.2e-3, bundled=True)
    assert coil.parameters["efficiency_closed_form"] != bundled.parameters["efficiency_closed_form"]


def test_gradient_set_packs_do_not_overlap():
    """Default stagger: the smallest relative step (>= 0.05) that keeps neighbouring packs apart:
    (t_x + t_y) / (2a) with t = layers x pitch = 3 x 0.32 mm for 10 turns."""
    gs = gc.gradient_set(A, turns=10, wire_diameter=WIRE, points_per_arc=16)
    radii = [c.parameters["radius"] for c in gs]
    thickness = 3 * (WIRE + DEFAULT_INSULATION)
    assert np.diff(radii) == pytest.approx([thickness, thickness], rel=1e-12, abs=0)
    assert gs.z.parameters["turns_per_layer"] == [3, 4, 3] and gs.x.parameters["set_stagger"] == pytest.approx(0.192)
    assert [c.parameters["radius"] for c in gc.gradient_set(A, turns=10)] == pytest.approx([A, 1.05 * A, 1.1 * A])


def _segments(winding):
    if isinstance(winding, LoopWinding):
        th = np.linspace(0.0, 2 * np.pi, 257)
        e1 = np.cross([1.0, 0.0, 0.0] if abs(winding.normal[0]) < 0.9 else [0.0, 1.0, 0.0], winding.normal)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(winding.normal, e1)
        v = winding.center + winding.radius * (np.cos(th)[:, None] * e1 + np.sin(th)[:, None] * e2)
    else:
        v = winding.vertices
    return v[:-1], v[1:]


@pytest.mark.parametrize("make, pitch", [
    (lambda: gc.gradient_set(A, turns=4, wire_diameter=WIRE, points_per_arc=32), WIRE + DEFAULT_INSULATION),
    (lambda: [rc.saddle(2e-3, 8e-3, 6, wire_diameter=0.1e-3, points_per_arc=32)], 0.1e-3 + DEFAULT_INSULATION),
    (lambda: [gc.biplanar(2e-3, 20e-3, 5, "x", wire_diameter=0.2e-3)], 0.2e-3 + DEFAULT_INSULATION),
])
def test_no_two_conductors_closer_than_one_pitch(make, pitch):
    """Every pair of turns (also between the three coils of a set) is at least one pitch apart,
    up to the sagitta of the polygonal arcs (32 points per 120-degree arc: 1e-2 of the pitch)."""
    windings = [w for coil in make() for w in coil.windings]
    pieces = [_segments(w) for w in windings]
    least = np.inf
    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces)):
            (a0, a1), (b0, b1) = pieces[i], pieces[j]
            least = min(least, float(_segment_distance(a0[:, None], a1[:, None], b0[None], b1[None]).min()))
    assert least >= pitch * (1 - 1e-2)
