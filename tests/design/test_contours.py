"""Contours of a stream function (coildesign.design.contours): saddles and the levels kept off them."""

import numpy as np
import pytest

from coildesign import design
from coildesign.design.contours import SADDLE_SAFETY, levels, saddle_levels


@pytest.fixture(scope="module")
def plates():
    return design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16)


def test_saddle_of_a_quadratic_is_found_with_its_exact_margin(plates):
    """psi = c (x^2 - y^2) has one saddle per plate, at the centre (a mesh vertex), value 0; the
    quadratic fit is exact, so the margin is SADDLE_SAFETY max|eig H| pitch^2 / 8 with H = diag(2c, -2c)."""
    x, y, _ = plates.vertices.T
    c, pitch = 3.0e4, 77e-6
    found = saddle_levels(plates, c * (x * x - y * y), pitch)
    assert len(found) == 2
    for value, margin in found:
        assert abs(value) <= 1e-12
        assert margin == pytest.approx(SADDLE_SAFETY * 2 * c * pitch**2 / 8, rel=1e-9, abs=0)
    assert saddle_levels(plates, c * (x * x + y * y), pitch) == []  # a bowl has none


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
    from coildesign.design.contours import ContourLoop, drop_specks

    t = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = np.c_[np.cos(t), np.sin(t), 0 * t]
    normals = np.c_[0 * t, 0 * t, 1 + 0 * t]
    speck = ContourLoop(ring * 0.05e-3, 1.0, normals)  # 0.1 mm across
    wire = ContourLoop(ring * 0.5e-3, 1.0, normals)
    assert drop_specks([speck, wire], 0.07e-3) == [wire]  # 0.1 mm < 2 x 70 um
    assert drop_specks([speck, wire], 0.04e-3) == [speck, wire]
