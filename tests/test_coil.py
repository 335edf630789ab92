"""coildesign.coil: the data model (Winding, LoopWinding, Coil), its exact transforms, the
coincident-point rule, the frame convention and the coil check."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from coildesign.coil import COINCIDENT, Coil, Winding, coincident_steps, frame, require_coil
from coildesign.geometries import birdcage, solenoid
from coildesign.winding_info import Birdcage, Helix

SQUARE = [[0.0, 0.0, 0.0], [1e-3, 0.0, 0.0], [1e-3, 1e-3, 0.0], [0.0, 1e-3, 0.0]]


def test_closed_square_length_counts_and_repeat_dropped():
    coil = Coil.from_polyline(SQUARE + [SQUARE[0]], closed=True)
    assert len(coil.windings[0].points) == 4  # the repeated first point is dropped
    assert coil.wire_length == pytest.approx(4e-3, rel=1e-15, abs=0)
    assert (coil.n_segments, coil.n_loops) == (4, 0)
    loop = Coil.from_loop(2e-3)
    assert loop.wire_length == pytest.approx(2 * np.pi * 2e-3, rel=1e-15, abs=0)
    assert (loop + coil).n_loops == 1 and len(loop + coil) == 2


def test_frame_is_right_handed_orthonormal_and_identity_along_z():
    np.testing.assert_array_equal(frame(np.array([0.0, 0.0, 1.0])), np.eye(3))
    rng = np.random.default_rng(0)
    for n in np.vstack([rng.normal(size=(50, 3)), [[1.0, 0, 0], [0, 0, -1.0], [0.95, 0.3, 0.0]]]):
        n = n / np.linalg.norm(n)
        f = frame(n)
        np.testing.assert_allclose(f @ f.T, np.eye(3), rtol=0, atol=1e-15)
        assert np.linalg.det(f) == pytest.approx(1.0, rel=1e-14, abs=0)
        np.testing.assert_array_equal(f[2], n)


def test_transforms_are_exact_and_compose():
    coil = Coil.from_polyline(SQUARE, closed=True)
    quarter = coil.rotate(90, (0, 0, 1))  # (x, y) -> (-y, x) to rounding of the coordinates
    np.testing.assert_allclose(quarter.windings[0].points[:, :2],
                               np.c_[-coil.windings[0].points[:, 1], coil.windings[0].points[:, 0]], rtol=0,
                               atol=1e-15 * 1e-3)
    moved = coil.translate((1e-3, -2e-3, 3e-3))
    np.testing.assert_allclose(moved.windings[0].points - coil.windings[0].points, [[1e-3, -2e-3, 3e-3]] * 4,
                               rtol=0, atol=1e-18)
    mirrored = coil.mirror((1, 0, 0))
    np.testing.assert_array_equal(mirrored.windings[0].points[:, 0], -coil.windings[0].points[:, 0])
    assert coil.scaled(2.0).wire_length == pytest.approx(2 * coil.wire_length, rel=1e-15, abs=0)


def test_coincident_points_are_refused_by_the_relative_rule():
    pts = np.array([[0.0, 0, 0], [1.0, 0, 0], [1.0 + 1e-15, 0, 0]])
    assert coincident_steps("points", pts).tolist() == [1]  # 1e-15 m at 1 m is rounding noise
    tiny = pts * 1e-300  # the rule is relative: a 1e-300 m path is fine
    assert coincident_steps("points", tiny[:2]).size == 0
    with pytest.raises(ValueError, match="Input points must be free of repeated consecutive points"):
        Winding(pts)
    assert COINCIDENT == 1e-12


def test_require_coil_names_the_parameter():
    coil = Coil.from_loop(1e-3)
    assert require_coil("coil", coil) is coil
    with pytest.raises(TypeError, match="Input gradient must be a coildesign.Coil"):
        require_coil("gradient", "Gx")


def test_winding_info_follows_the_transforms():
    """Rigid motions, mirrors, renaming and new weights keep the layout record, a scaling scales
    its lengths (a scaled solenoid is the solenoid of the scaled sizes), a join drops it."""
    coil = solenoid(0.5e-3, 2e-3, 8, wire_diameter=150e-6, leads=1e-3)
    info = coil.winding_info
    assert isinstance(info, Helix)
    for moved in (coil.translate((1e-3, 0, 0)), coil.rotate(90, (0, 1, 0)), coil.mirror((1, 0, 0)),
                  coil.renamed("probe"), coil.with_weights([2.0])):
        assert moved.winding_info == info
    big = coil.scaled(2.0)
    assert big.parameters == {}  # the descriptive dictionary is not scaled
    expected = solenoid(1e-3, 4e-3, 8, wire_diameter=300e-6, leads=2e-3).winding_info
    for name in ("radius", "length", "pitch", "wire_diameter", "leads"):
        assert getattr(big.winding_info, name) == pytest.approx(getattr(expected, name), rel=1e-15, abs=0)
    assert (big.winding_info.turns, big.winding_info.layers, big.winding_info.stacked) == (8, 1, False)
    assert (coil + Coil.from_loop(1e-3)).winding_info is None
    with pytest.raises(TypeError, match="Input winding_info must be a coildesign.winding_info record"):
        Coil(coil.windings, winding_info={"generator": "solenoid"})


def test_winding_info_survives_pickling():
    """Coils travel to worker processes by pickle: the record comes back equal."""
    coil = birdcage(8, 5e-3, 10e-3, "highpass", leg_width=1e-3, shield_radius=8e-3)
    back = pickle.loads(pickle.dumps(coil))
    assert back.winding_info == coil.winding_info == Birdcage(
        legs=8, radius=5e-3, length=10e-3, topology="highpass", leg_width=1e-3, shield_radius=8e-3)
    assert dataclasses.asdict(back.winding_info)["shield_radius"] == 8e-3
