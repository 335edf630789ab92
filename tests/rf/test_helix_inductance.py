"""Tests of coildesign.rf.helix_inductance: the screw-symmetric sum equals the general
analysis.inductance of the same polyline helix, and is used by CoilCircuit.from_coil."""

from __future__ import annotations

import numpy as np
import pytest

import coildesign.rf.helix_inductance as helix_inductance_module
from coildesign.analysis.inductance import inductance
from coildesign.coil import Coil
from coildesign.geometries import solenoid
from coildesign.rf import CoilCircuit
from coildesign.rf.helix_inductance import helix_inductance, is_uniform_helix, screw_motion


@pytest.mark.parametrize(("radius", "length", "turns", "wire", "ppt"), [
    (0.55e-3, 1.0e-3, 5, 0.1e-3, 64),     # the microcoil of the benchmark
    (0.5e-3, 0.5e-3, 5, 0.1e-3, 32),      # touching turns (p = d)
    (1.0e-3, 3.0e-3, 7.5, 0.2e-3, 24),    # fractional turns, coarse polygon
])
def test_screw_sum_equals_the_general_method(radius, length, turns, wire, ppt):
    """Same method (GMD-displaced paths, K = 6, Gauss order 8), summed over the screw
    symmetry: the interior frames are identical and the result agrees to ~1e-9 (the general
    path's one-sided end frames and its adaptive panels differ at that level)."""
    coil = solenoid(radius, length, turns, wire_diameter=wire, points_per_turn=ppt)
    coil = coil.rotate(90.0, (0, 1, 0)).translate((1e-3, 0, 2e-3))
    assert is_uniform_helix(coil)
    c, alpha, tau = screw_motion(coil.windings[0], coil.axis)
    assert alpha == pytest.approx(2 * np.pi / ppt, rel=1e-12) and abs(tau) == pytest.approx(length / turns / ppt,
                                                                                             rel=1e-12)
    general = inductance(solenoid(radius, length, turns, wire_diameter=wire, points_per_turn=ppt))
    assert helix_inductance(coil) == pytest.approx(general, rel=1e-8, abs=0)
    assert helix_inductance(coil, internal=False) == pytest.approx(
        inductance(solenoid(radius, length, turns, wire_diameter=wire, points_per_turn=ppt), internal=False),
        rel=1e-8, abs=0)


def test_non_helices_are_refused_and_go_the_general_way():
    leads = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3, leads=0.5e-3, points_per_turn=16)
    rings = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3, stacked=True)
    square = Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0], [0, 1e-3, 0]], closed=True,
                                wire_diameter=1e-4)
    for coil in (leads, rings, square):
        assert not is_uniform_helix(coil)
        with pytest.raises(ValueError, match="Input coil must be one open polyline of round wire"):
            helix_inductance(coil)
    with pytest.raises(TypeError, match="Input coil must be a coildesign Coil"):
        helix_inductance("helix")
    circuit = CoilCircuit.from_coil(leads, 600e6)
    assert circuit.inductance == inductance(leads) and "analysis.inductance" in circuit.notes[0]


def test_from_coil_uses_the_screw_sum_for_a_helix():
    coil = solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3, points_per_turn=32)
    circuit = CoilCircuit.from_coil(coil, 600e6)
    assert "screw" in circuit.notes[0]
    helix = solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3, points_per_turn=32)
    assert circuit.inductance == pytest.approx(inductance(helix),
                                               rel=1e-8, abs=0)


@pytest.mark.parametrize(("radius", "length", "turns", "ppt"), [
    (0.55e-3, 1.0e-3, 5, 64),   # the benchmark's microcoil: u <= ~55 l, ln of the ratio throughout
    (0.3e-3, 4.0e-3, 40, 16),   # a long helix: u beyond FAR_LOG_RATIO l, log1p on the far plane
])
def test_far_plane_logarithm_forms_agree(monkeypatch, radius, length, turns, ppt):
    """ln((u + l)/(u - l)) of the ratio (relative error <= u_r (1.5 (u/l + 1) + 1), module
    docstring) and log1p(2 l/(u - l)) (FAR_LOG_RATIO = 0) give L to 1e-14."""
    default = helix_inductance(solenoid(radius, length, turns, wire_diameter=0.05e-3, points_per_turn=ppt))
    monkeypatch.setattr(helix_inductance_module, "FAR_LOG_RATIO", 0.0)
    log1p = helix_inductance(solenoid(radius, length, turns, wire_diameter=0.05e-3, points_per_turn=ppt))
    assert default == pytest.approx(log1p, rel=1e-14, abs=0)


@pytest.mark.parametrize(("radius", "length", "turns", "ppt"), [
    (0.55e-3, 1.0e-3, 5, 64),   # the benchmark's microcoil
    (1.0e-3, 3.0e-3, 7.5, 24),  # a last half turn
])
def test_sources_of_one_side_give_the_sum_over_both(monkeypatch, radius, length, turns, ppt):
    """phi(-d) = phi(d) (the half turn, module docstring): L from the sources d >= 0 counted twice
    equals the sum over both sides (_SYMMETRY_TOL < 0 refuses the shortcut) to 1e-15 at order 8."""
    coil = solenoid(radius, length, turns, wire_diameter=0.1e-3, points_per_turn=ppt).rotate(37.0, (0.3, 1, 0.2))
    one_side = helix_inductance(coil)
    monkeypatch.setattr(helix_inductance_module, "_SYMMETRY_TOL", -1.0)
    both = helix_inductance(solenoid(radius, length, turns, wire_diameter=0.1e-3, points_per_turn=ppt)
                            .rotate(37.0, (0.3, 1, 0.2)))
    assert one_side == pytest.approx(both, rel=1e-15, abs=0)


@pytest.mark.parametrize(("radius", "length", "turns", "ppt"), [(0.55e-3, 1e-3, 5, 64), (1e-3, 3e-3, 7.5, 24),
                                                                (0.3e-3, 0.3e-3, 3, 48)])
def test_close_sources_keep_the_far_plane_where_it_applies(monkeypatch, radius, length, turns, ppt):
    """The close sources' pieces at least one piece length from their source keep the far
    plane's single-panel values (``_flux``'s far_values) instead of evaluating that rule again:
    L equal to 1e-15 either way."""
    flux = helix_inductance_module._flux

    def recompute(*args):
        return flux(*args[:5])  # far_values dropped: the single-panel rule evaluated again

    kept = helix_inductance(solenoid(radius, length, turns, wire_diameter=0.1e-3, points_per_turn=ppt))
    monkeypatch.setattr(helix_inductance_module, "_flux", recompute)
    again = helix_inductance(solenoid(radius, length, turns, wire_diameter=0.1e-3, points_per_turn=ppt))
    assert kept == pytest.approx(again, rel=1e-15, abs=0)


def test_rodrigues_rotation_of_columns_equals_the_rotation_matrix():
    """``_rotate`` (Rodrigues' formula on coordinate rows) against the matrix
    R = cos a I + sin a [k]_x + (1 - cos a) k k^T, for one point and for many."""
    rng = np.random.default_rng(7)
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    angles = rng.uniform(-7.0, 7.0, 5)
    points = rng.normal(size=(3, 5))
    skew = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
    for pts in (points, points[:, :1]):
        got = helix_inductance_module._rotate(pts, axis, angles)
        for j, a in enumerate(angles):
            matrix = np.cos(a) * np.eye(3) + np.sin(a) * skew + (1.0 - np.cos(a)) * np.outer(axis, axis)
            np.testing.assert_allclose(got[:, j], matrix @ pts[:, j % pts.shape[1]], rtol=0, atol=1e-15)
