"""Hardening: finite kernels at extreme but valid inputs, refusals of invalid ones.

Physics references: straight-segment potential A = mu0 I/(4 pi) ln((R1+R2+L)/(R1+R2-L))
(Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002), eq. 9); on-axis loop field
B_z = mu0 I R^2 / (2 (R^2 + z^2)^(3/2)) (Jackson, Classical Electrodynamics, eq. 5.40);
similarity: B(s x) = B(x)/s for a coil scaled by s, A is scale-invariant.
"""

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd

MU0_4PI = mu_0 / (4 * np.pi)


def segment_potential(p, p1, p2):
    """Closed-form A_parallel per ampere of a filament segment (Hanson & Hirshman eq. 9)."""
    r1, r2, length = (np.linalg.norm(np.subtract(*v)) for v in ((p, p1), (p, p2), (p2, p1)))
    return MU0_4PI * np.log((r1 + r2 + length) / (r1 + r2 - length))


@pytest.mark.parametrize("conductor", [{"wire_diameter": 1e-4},
                                       {"cross_section": cd.RectangularStrip(2e-4, 3e-5)}])
def test_vector_potential_finite_at_vertices_and_end_caps(conductor):
    """Issue 11: A was NaN at a vertex and -inf on the axis beyond the end of a round wire."""
    coil = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]], **conductor)
    pts = [[0, 0, 0], [-1e-5, 0, 0], [1e-3, 0, 0], [1e-3 + 1e-6, -1e-6, 0], [1e-3, 1e-3, 0], [1e-3, 1.00001e-3, 0]]
    for fn in (cd.vector_potential, cd.field, cd.field_jacobian):
        assert np.isfinite(fn(coil, pts)).all()


def test_inside_potential_is_continuous_at_the_surface_and_at_end_caps():
    """The inside rule takes the filament potential on the conductor surface: continuous at the
    surface beside the segment and around the end cap."""
    rw = 5e-5
    coil = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0]], wire_diameter=2 * rw)
    for direction in ([0, 1, 0], [-1, 0, 0], [-1, 1, 0]):
        e = np.asarray(direction, float) / np.linalg.norm(direction)
        base = np.zeros(3) if direction != [0, 1, 0] else np.array([5e-4, 0, 0])
        inner, outer = cd.vector_potential(coil, [base + rw * (1 - 1e-10) * e, base + rw * (1 + 1e-10) * e])
        assert inner[0] == pytest.approx(outer[0], rel=1e-8, abs=0)
        assert outer[0] == pytest.approx(segment_potential(base + rw * (1 + 1e-10) * e, [0, 0, 0], [1e-3, 0, 0]),
                                         rel=1e-12, abs=0)


def test_filament_rule_on_the_segment_and_regular_values_on_its_extension():
    """A filament gives 0 exactly on itself (documented rule) but its regular value on the line
    through it beyond its ends."""
    p1, p2 = np.zeros(3), np.array([1e-3, 0, 0])
    coil = cd.Coil.from_polyline([p1, p2])
    on = cd.vector_potential(coil, [[5e-4, 0, 0], [0, 0, 0]])
    assert (on == 0).all()
    beyond = np.array([[2e-3, 0, 0], [-3e-4, 0, 0]])
    a = cd.vector_potential(coil, beyond)[:, 0]
    assert a == pytest.approx([segment_potential(p, p1, p2) for p in beyond], rel=1e-13, abs=0)
    jac = cd.field_jacobian(coil, beyond[:1])[0]
    h = 1e-9
    fd = (cd.field(coil, beyond[0] + [0, 0, h]) - cd.field(coil, beyond[0] - [0, 0, h]))[0] / (2 * h)
    assert jac[:, 2] == pytest.approx(fd, rel=1e-6)
    assert abs(jac[1, 2]) > 0


def test_points_extremely_far_away():
    """1e160 m away: A of a segment is mu0 I L/(4 pi r) to leading order (relative error ~L/r),
    B underflows to zero, nothing is NaN; a loop follows its dipole field."""
    seg = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0]])
    p = np.array([[1e160, 1.0, 0.0], [3e300, -2e300, 1e300]])
    a = cd.vector_potential(seg, p)
    assert a[0, 0] == pytest.approx(MU0_4PI * 2e-3 / 2 / 1e160 * 1.0, rel=1e-12, abs=0)
    for fn in (cd.field, cd.field_jacobian, cd.vector_potential):
        assert np.isfinite(fn(seg, p)).all()
        assert np.isfinite(fn(cd.Coil.from_loop(1e-3), p)).all()


def test_loop_far_field_form_joins_the_exact_form():
    """On the axis the exact form is exact at any distance; beyond 1e9 radii the dipole form
    takes over: both agree with the closed form B_z = mu0 R^2/(2 (R^2 + z^2)^(3/2))."""
    r = 1e-3
    loop = cd.Coil.from_loop(r)
    z = r * np.array([1e8, 0.99e9, 1.01e9, 1e12, 1e100])
    bz = cd.field(loop, np.c_[np.zeros_like(z), np.zeros_like(z), z])[:, 2]
    assert bz == pytest.approx(mu_0 * r**2 / (2 * (r**2 + z**2) ** 1.5), rel=1e-13, abs=0)
    # off axis, either side of the switch: continuous to the far-field accuracy
    p = np.array([[0.6e9 * r * 0.99, 0, 0.8e9 * r * 0.99], [0.6e9 * r * 1.01, 0, 0.8e9 * r * 1.01]])
    b = cd.field(loop, p)
    ratio = b[0, [0, 2]] / b[1, [0, 2]] * 0.99**3 / 1.01**3  # B ~ 1/r^3 along a ray
    assert ratio == pytest.approx([1, 1], rel=1e-6)  # the exact form has lost ~9 digits of B_z here


@pytest.mark.parametrize("radius", [1e-70, 1e-200, 1e-300, 1e200])
def test_loops_of_extreme_radius_follow_similarity(radius):
    """B(R; x) = B(1; x/R)/R and A(R; x) = A(1; x/R): exact for any radius now (issue 11:
    NaN at the centre for R <= 1e-70)."""
    unit = cd.Coil.from_loop(1.0)
    loop = cd.Coil.from_loop(radius)
    x = np.array([[0, 0, 0], [2, 0, 1], [0.3, 0.4, -0.2], [0, 0, 5]])
    assert cd.field(loop, x * radius) * radius == pytest.approx(cd.field(unit, x), rel=1e-12, abs=0)
    assert cd.vector_potential(loop, x * radius) == pytest.approx(cd.vector_potential(unit, x), rel=1e-12, abs=0)
    assert cd.field(loop, [[0, 0, 0]])[0, 2] == pytest.approx(mu_0 / (2 * radius), rel=1e-14, abs=0)


@pytest.mark.parametrize("length", [1e-300, 1e-160, 1e-65, 1e100])
def test_segments_of_extreme_length_follow_similarity(length):
    unit = cd.Coil.from_polyline([[0, 0, 0], [1, 0, 0], [1, 1, 0.5]])
    coil = cd.Coil.from_polyline(np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0.5]]) * length)
    x = np.array([[0.5, 0.5, 0.1], [3, -1, 2], [1e-3, 0, 1e-4]])
    assert cd.field(coil, x * length) * length == pytest.approx(cd.field(unit, x), rel=1e-12, abs=0)
    assert cd.vector_potential(coil, x * length) == pytest.approx(cd.vector_potential(unit, x), rel=1e-12, abs=0)


def test_coincident_points_are_relative_to_the_coordinate_scale():
    cd.Coil.from_polyline([[0, 0, 0], [1e-300, 0, 0]])  # a tiny path is a path
    with pytest.raises(ValueError, match="Input points must be free of repeated consecutive points"):
        cd.Coil.from_polyline([[1, 0, 0], [1 + 1e-15, 0, 0], [2, 0, 0]])  # rounding noise, not a segment
    with pytest.raises(ValueError, match="float range"):
        cd.Coil.from_polyline([[-1e308, 0, 0], [1e308, 0, 0]])
