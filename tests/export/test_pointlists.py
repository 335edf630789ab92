"""coildesign.export.pointlists: CSV and NPZ point lists of the windings."""

from __future__ import annotations

import numpy as np
import pytest

import coildesign as cd
from coildesign.export.pointlists import read_csv, to_csv, to_npz, winding_points


def _coil():
    t = np.linspace(0, 4 * np.pi, 129)
    helix = cd.Coil.from_polyline(np.c_[1e-3 * np.cos(t), 1e-3 * np.sin(t), np.linspace(-1e-3, 1e-3, 129)],
                                  wire_diameter=0.1e-3)
    return helix + cd.Coil.from_loop(2e-3, center=(0, 0, 3e-3), wire_diameter=0.2e-3).with_weights([-1.0])


def test_csv_round_trip_keeps_paths_conductor_and_weights(tmp_path):
    coil = _coil()
    path = to_csv(coil, tmp_path / "coil.csv", loop_segments=64)
    back = read_csv(path)
    assert len(back) == 2 and back.weights[1] == -1.0
    np.testing.assert_array_equal(back.windings[0].points, coil.windings[0].points)  # 17 digits written
    assert back.windings[1].points.shape == (64, 3)  # the loop comes back as the polygon written
    assert back.windings[0].cross_section.diameter == 0.1e-3
    # the polygon's field approaches the exact loop's: the 64-gon differs by O((pi/64)^2)
    p = np.array([[0.0, 0.0, 3e-3]])
    exact = cd.field(cd.Coil.from_loop(2e-3, center=(0, 0, 3e-3)), p)[0, 2]
    poly = cd.field(cd.Coil([back.windings[1]]), p)[0, 2]
    assert abs(poly / exact - 1) < (np.pi / 64) ** 2


def test_npz_and_directions(tmp_path):
    coil = _coil()
    to_npz(coil, tmp_path / "coil.npz", loop_segments=32)
    with np.load(tmp_path / "coil.npz") as data:
        assert len(data.files) > 0
    for w in winding_points(coil, 32):
        np.testing.assert_allclose(np.linalg.norm(w["direction"], axis=1), 1.0, rtol=0, atol=1e-12)


def test_bad_paths_are_named(tmp_path):
    with pytest.raises((TypeError, ValueError), match="Input path"):
        read_csv(tmp_path / "missing.csv")
