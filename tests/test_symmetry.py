"""Mirror symmetries of coils (coildesign.symmetry), the inductance sum over winding orbits and
symmetric field maps.

References: the same Neumann / GMD sum with every winding its own orbit (no symmetry used), and
direct evaluation at every grid point; both must agree to rounding. The transformation rules
(B a pseudovector, A a polar vector) are checked against direct evaluation at image points."""

import sys

import numpy as np
import pytest

import coildesign as cd
from coildesign.analysis.inductance import inductance
from coildesign.fields import fieldmap
from coildesign.geometries import golay, maxwell_pair, solenoid
from coildesign.symmetry import field_factors, mirror_symmetries, stabiliser, winding_orbits
from tests.conftest import counted_evaluations

inductance_module = sys.modules["coildesign.analysis.inductance"]


def _without_symmetry(coil: cd.Coil, **kw) -> float:
    fresh = cd.Coil(coil.windings, coil.weights, axis=coil.axis)  # no cached value
    singles = [np.array([k]) for k in np.flatnonzero(coil.weights != 0.0)]
    original = inductance_module.winding_orbits, inductance_module.stabiliser
    inductance_module.winding_orbits = lambda c: singles
    inductance_module.stabiliser = lambda c, k: []
    try:
        return inductance(fresh, **kw)
    finally:
        inductance_module.winding_orbits, inductance_module.stabiliser = original


def _square(z: float, side: float = 2e-3, shift: int = 0, reverse: bool = False) -> cd.Winding:
    h = side / 2
    pts = np.array([[h, -h, z], [h, h, z], [-h, h, z], [-h, -h, z], [0.0, -h, z]])
    pts = np.roll(pts[::-1] if reverse else pts, shift, axis=0)
    return cd.Winding(pts, closed=True, cross_section=cd.RoundWire(1e-4))


def test_golay_pack_four_fold_orbits_and_same_inductance():
    coil = golay(5e-3, 3, wire_diameter=0.2e-3, points_per_arc=16)
    orbits = winding_orbits(coil)
    assert sorted(len(o) for o in orbits) == [4] * (len(coil.windings) // 4)
    assert sorted(np.concatenate(orbits).tolist()) == list(range(len(coil.windings)))
    assert inductance(coil) == pytest.approx(_without_symmetry(coil), rel=1e-12, abs=0)


def test_anti_symmetric_pair_uses_global_sign():
    """Maxwell pair: z -> -z maps the +z loops onto the -z loops with the current reversed (s = -1)."""
    coil = maxwell_pair(3e-3, 5, wire_diameter=0.2e-3)
    assert sorted(len(o) for o in winding_orbits(coil)) == [2] * 5
    assert inductance(coil) == pytest.approx(_without_symmetry(coil), rel=1e-12, abs=0)


def test_closed_polylines_match_under_shift_and_reversal():
    """The image of a square at +z is a square at -z listed from another point, in reverse,
    with the weight negated (the same current)."""
    coil = cd.Coil([_square(1e-3), _square(-1e-3, shift=2, reverse=True)], [1.0, -1.0], axis=(0, 0, 1))
    assert [len(o) for o in winding_orbits(coil)] == [2]
    assert inductance(coil) == pytest.approx(_without_symmetry(coil), rel=1e-12, abs=0)


def test_inconsistent_sign_breaks_the_symmetry():
    """Loops at -h, 0, +h with weights (-1, 1, 1): z -> -z needs s = -1 for the pair and
    s = +1 for the middle loop, so it is no symmetry; with (1, 1, 1) it is."""
    loops = [cd.LoopWinding(2e-3, center=(0, 0, z), cross_section=cd.RoundWire(1e-4)) for z in (-1e-3, 0.0, 1e-3)]
    assert sorted(len(o) for o in winding_orbits(cd.Coil(loops, [-1.0, 1.0, 1.0]))) == [1, 1, 1]
    assert sorted(len(o) for o in winding_orbits(cd.Coil(loops, [1.0, 1.0, 1.0]))) == [1, 2]


def test_perturbed_winding_or_other_wire_is_no_image():
    coil = golay(5e-3, 2, wire_diameter=0.2e-3, points_per_arc=16)
    moved = list(coil.windings)
    moved[0] = moved[0].transformed(np.eye(3), np.array([1e-7, 0.0, 0.0]))
    assert all(len(o) == 1 for o in winding_orbits(cd.Coil(moved, coil.weights, axis=coil.axis)))
    thicker = list(coil.windings)
    thicker[0] = cd.Winding(thicker[0].points, thicker[0].closed, cd.RoundWire(0.25e-3))
    assert all(len(o) == 1 for o in winding_orbits(cd.Coil(thicker, coil.weights, axis=coil.axis)))


def test_odd_gmd_points_do_not_use_symmetry():
    """With an odd ring of GMD points the displaced paths are not mirror-covariant: every winding
    is summed (the result equals the no-symmetry sum exactly)."""
    coil = maxwell_pair(3e-3, 2, wire_diameter=0.2e-3)
    assert inductance(coil, gmd_points=5) == _without_symmetry(coil, gmd_points=5)


def test_bad_tolerance_named():
    with pytest.raises(ValueError, match="tolerance"):
        winding_orbits(maxwell_pair(3e-3), tolerance=0.1)


@pytest.mark.parametrize("make", [lambda: golay(4e-3, 3, wire_diameter=0.2e-3, points_per_arc=24),
                                  lambda: maxwell_pair(3e-3, 4, wire_diameter=0.2e-3)])
def test_field_rules_at_image_points(make):
    """B(T x) = s det(T) T B(x), A(T x) = s T A(x), dB/dr(T x) = s det(T) t_i t_j dB/dr(x) for every
    symmetry found, at random points (direct evaluation on both sides)."""
    coil = make()
    syms = mirror_symmetries(coil)
    assert len(syms) == 7  # Golay and Maxwell packs: all three coordinate mirrors
    pts = np.random.default_rng(3).uniform(-2e-3, 2e-3, (20, 3))
    for kind, fn in (("B", cd.field), ("A", cd.vector_potential), ("dB/dr", cd.field_jacobian)):
        ref = fn(coil, pts)
        for t, s in syms:
            image = fn(coil, pts * t)
            np.testing.assert_allclose(image, ref * field_factors(t, s, kind), rtol=0,
                                       atol=1e-12 * np.abs(ref).max())


@pytest.mark.parametrize("center", [(0.0, 0.0, 0.0), (2e-4, 0.0, 0.0), (0.0, 0.0, 3e-4)])
def test_symmetric_field_map_equals_direct(monkeypatch, center):
    """A centred grid of a Golay pack evaluates 6^3 of 11^3 points (all three mirrors); an
    off-centre grid only uses the mirrors that keep it; values equal direct evaluation."""
    coil = golay(4e-3, 3, wire_diameter=0.2e-3, points_per_arc=24)
    sizes, _ = counted_evaluations(monkeypatch)
    q = ("B", "A", "dB/dr")
    sym = fieldmap.field_map(coil, center, 2e-3, 11, quantities=q)
    full = fieldmap.field_map(coil, center, 2e-3, 11, quantities=q, symmetry=False)
    assert sizes[:3] == [6**3 * (11 if center[0] else 6) * (11 if center[2] else 6) // 36] * 3
    assert sizes[3:] == [11**3] * 3
    for name in (*q, "|B|"):
        np.testing.assert_allclose(sym.arrays[name], full.arrays[name], rtol=0,
                                   atol=1e-13 * np.abs(full.arrays[name]).max())


def test_anti_symmetric_field_map_and_bad_option():
    coil = maxwell_pair(3e-3, 2, wire_diameter=0.2e-3)
    sym = fieldmap.field_map(coil, size=(2e-3, 0.0, 2e-3), n=9)
    full = fieldmap.field_map(coil, size=(2e-3, 0.0, 2e-3), n=9, symmetry=False)
    np.testing.assert_allclose(sym.arrays["B"], full.arrays["B"], rtol=0, atol=1e-13 * np.abs(full.arrays["B"]).max())
    with pytest.raises(TypeError, match="symmetry"):
        fieldmap.field_map(coil, symmetry="yes")


def test_stabiliser_of_golay_and_maxwell_windings():
    """A Golay winding of an x gradient is mapped onto itself by the y mirror (its saddle is
    symmetric about y = 0), with the current reversed: s = -1; a Maxwell loop by the x and y
    mirrors and the z rotation; the pieces of such a winding fold in pairs and the inductance
    keeps its value (test_golay_pack_four_fold_orbits_and_same_inductance)."""
    coil = golay(5e-3, 3, wire_diameter=0.2e-3, points_per_arc=16)
    assert [(t.tolist(), s) for t, s in stabiliser(coil, 0)] == [([1.0, -1.0, 1.0], -1.0)]
    m = maxwell_pair(3e-3, 3, wire_diameter=0.2e-3)
    assert sorted(t.tolist() for t, _ in stabiliser(m, 0)) == [[-1.0, -1.0, 1.0], [-1.0, 1.0, 1.0],
                                                               [1.0, -1.0, 1.0]]
    with pytest.raises(ValueError, match="winding"):
        stabiliser(m, 99)


def test_single_helix_folds_on_its_half_turn_symmetry():
    """A centred helix is mapped onto itself by the half turn about x (T = diag(1, -1, -1)); the
    image runs the path backwards, so s = -1. Half its pieces are integrated and the inductance
    is unchanged."""
    coil = solenoid(0.5e-3, 1e-3, 6, wire_diameter=0.1e-3)
    assert [(t.tolist(), s) for t, s in stabiliser(coil, 0)] == [([1.0, -1.0, -1.0], -1.0)]
    assert inductance(coil) == pytest.approx(_without_symmetry(coil), rel=1e-12, abs=0)


def test_axis_rounding_does_not_hide_a_mirror():
    """A y gradient made by rotating the x design carries the axis (2e-16, 1, 0): the x mirror,
    which maps each of its windings onto itself, is still found (axis compared to rounding)."""
    coil = golay(5e-3, 2, axis="y", wire_diameter=0.2e-3, points_per_arc=16)
    assert abs(coil.axis[0]) > 0  # the rounding this test is about
    assert [t.tolist() for t, _ in stabiliser(coil, 0)] == [[-1.0, 1.0, 1.0]]
    assert inductance(coil) == pytest.approx(_without_symmetry(coil), rel=1e-12, abs=0)


def test_orbit_sum_only_when_cheaper(monkeypatch):
    """Without symmetry each pair of windings is integrated once (N self terms + N - 1 mutual
    passes, not N (N - 1) pair passes); a Golay pack (four-fold orbits) is integrated once per
    orbit."""
    calls = []
    flux = inductance_module._flux

    def counting(*args, **kwargs):
        calls.append(1)
        return flux(*args, **kwargs)

    monkeypatch.setattr(inductance_module, "_flux", counting)
    loops = [cd.LoopWinding(2e-3 + 1e-4 * k, center=(0, 0, 7e-4 * k**1.5), cross_section=cd.RoundWire(1e-4))
             for k in range(4)]
    coil = cd.Coil(loops)
    assert all(len(o) == 1 for o in winding_orbits(coil))
    inductance(coil)
    assert len(calls) == 4 + 3
    calls.clear()
    pack = golay(5e-3, 3, wire_diameter=0.2e-3, points_per_arc=16)
    inductance(pack)
    assert len(calls) == 2 * len(winding_orbits(pack)) == 6


def test_field_at_a_mirror_closed_point_set_from_one_point_per_orbit(monkeypatch):
    """Scattered points, their images under a Golay pack's mirrors (shuffled) and points with no
    image: one evaluation per orbit, values equal to direct evaluation for B, A and dB/dr; a set
    without images is evaluated as is."""
    coil = golay(4e-3, 3, wire_diameter=0.2e-3, points_per_arc=24)
    rng = np.random.default_rng(5)
    base = rng.uniform(-2e-3, 2e-3, (30, 3))
    lone = rng.uniform(-2e-3, 2e-3, (7, 3))
    pts = np.vstack([base * t for t in ([1, 1, 1], [-1, 1, 1], [1, -1, -1], [-1, -1, 1])] + [lone])
    pts = pts[rng.permutation(len(pts))]
    sizes, evaluate = counted_evaluations(monkeypatch)
    for q in ("B", "A", "dB/dr"):
        got = fieldmap.evaluate_by_symmetry(coil, pts, quantity=q)
        ref = evaluate(coil, pts, quantity=q)
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-13 * np.abs(ref).max())
    assert sizes == [30 + 7] * 3
    np.testing.assert_array_equal(fieldmap.evaluate_by_symmetry(coil, lone), evaluate(coil, lone))


def test_field_at_a_point_set_with_coincident_points(monkeypatch):
    """Points that coincide (exactly or within the matching tolerance), as the refinement
    stencils of a dense check round mirror-image worst points do: the image the tree finds may
    itself be filled from a smaller point, and the chain is followed with the composed mirror
    (the fix of an IndexError); values equal direct evaluation, and far fewer points are
    evaluated than given (coincident points themselves are not merged: the identity is not
    matched)."""
    coil = golay(4e-3, 3, wire_diameter=0.2e-3, points_per_arc=24)
    rng = np.random.default_rng(8)
    base = rng.uniform(-2e-3, 2e-3, (20, 3))
    images = [base * t for t in ([1, 1, 1], [-1, 1, 1], [1, -1, -1], [-1, -1, 1])]
    # duplicates of every image, some shifted by far less than the tolerance, in shuffled order
    pts = np.vstack(images + [im + 1e-17 * rng.standard_normal(im.shape) for im in images] + images[::-1])
    for seed in range(4):
        shuffled = pts[np.random.default_rng(seed).permutation(len(pts))]
        sizes, evaluate = counted_evaluations(monkeypatch)
        for q in ("B", "dB/dr"):
            got = fieldmap.evaluate_by_symmetry(coil, shuffled, quantity=q)
            ref = evaluate(coil, shuffled, quantity=q)
            np.testing.assert_allclose(got, ref, rtol=0, atol=1e-13 * np.abs(ref).max())
        assert len(sizes) == 2 and sizes[0] == sizes[1] < len(pts) / 3
        monkeypatch.undo()
