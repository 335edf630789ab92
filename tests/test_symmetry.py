"""Mirror symmetries of coils (analysis.symmetry) and the inductance sum over winding orbits.

Reference: the same Neumann / GMD sum with every winding its own orbit (no symmetry used); the
orbit sum must equal it to rounding, because the quadrature is covariant under the sign maps."""

import sys

import numpy as np
import pytest

import coildesign as cd
from coildesign.analysis.inductance import inductance
from coildesign.analysis.symmetry import winding_orbits
from coildesign.geometries import golay, maxwell_pair

inductance_module = sys.modules["coildesign.analysis.inductance"]


def _without_symmetry(coil: cd.Coil, **kw) -> float:
    fresh = cd.Coil(coil.windings, coil.weights, axis=coil.axis)  # no cached value
    singles = [np.array([k]) for k in np.flatnonzero(coil.weights != 0.0)]
    original = inductance_module.winding_orbits
    inductance_module.winding_orbits = lambda c: singles
    try:
        return inductance(fresh, **kw)
    finally:
        inductance_module.winding_orbits = original


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
