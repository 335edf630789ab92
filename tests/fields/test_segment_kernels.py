"""Straight-segment field engine against exact closed forms and physical laws."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.constants import mu_0

import coildesign as cd
from coildesign.fields import engine
from coildesign.fields import segment_kernels as sk
from tests.conftest import curl_of_vector_potential

mp.mp.dps = 40


def finite_wire_exact(d, z, z1, z2, current=1.0):
    """|B| of a straight segment on the z axis from z1 to z2 at radius d, height z:
    B = mu0 I / (4 pi d) [(z2 - z)/sqrt(d^2 + (z2 - z)^2) - (z1 - z)/sqrt(d^2 + (z1 - z)^2)]
    (Griffiths, Introduction to Electrodynamics, 4th ed., Example 5.5), in 40-digit mpmath."""
    d, z, z1, z2 = (mp.mpf(float(v)) for v in (d, z, z1, z2))
    val = (z2 - z) / mp.sqrt(d**2 + (z2 - z) ** 2) - (z1 - z) / mp.sqrt(d**2 + (z1 - z) ** 2)
    return float(mp.mpf(mu_0) * current / (4 * mp.pi * d) * val)


SEG = cd.Coil.from_polyline([[0, 0, -0.5e-3], [0, 0, 0.5e-3]])


@pytest.mark.parametrize("d_over_l", [1e-12, 1e-9, 1e-6, 1e-3, 0.05, 1.0, 30.0])
@pytest.mark.parametrize("z_over_l", [0.0, 0.3, -0.49, 0.7, -3.0])
def test_finite_wire_closed_form_down_to_1e_12_of_length(d_over_l, z_over_l):
    """Griffiths Ex. 5.5; full precision from d = 1e-12 L outward (rationalised denominator)."""
    length = 1e-3
    d, z = d_over_l * length, z_over_l * length
    b = cd.field(SEG, [d, 0.0, z])[0]
    exact = finite_wire_exact(d, z, -0.5e-3, 0.5e-3)
    assert b[0] == 0.0 and b[2] == 0.0
    assert b[1] == pytest.approx(exact, rel=2e-14)


def test_rotated_segment_near_wire_precision():
    """Same closed form with the segment along a generic direction (coordinates not exact in
    binary), at d = 1e-9 L: agreement limited only by the rounding of the inputs."""
    axis = np.array([1.0, 2.0, 2.0]) / 3.0
    perp = np.array([2.0, -2.0, 1.0]) / 3.0
    p1, p2 = -0.5e-3 * axis, 0.5e-3 * axis
    coil = cd.Coil.from_polyline([p1, p2])
    for d in (1e-12, 1e-9, 1e-6):
        b = cd.field(coil, 0.1e-3 * axis + d * perp)[0]
        exact = finite_wire_exact(d, 0.1e-3, -0.5e-3, 0.5e-3)
        assert np.linalg.norm(b) == pytest.approx(exact, rel=1e-16 * 1e-3 / d * 10 + 1e-14)
        assert np.dot(b, np.cross(axis, perp)) > 0


def test_long_wire_limit():
    """Ampere: B -> mu0 I / (2 pi d) for L >> d; the finite-wire correction is
    1/sqrt(1 + (2d/L)^2) (Griffiths Ex. 5.5 at the midpoint)."""
    length, d = 1e3, 1e-3
    coil = cd.Coil.from_polyline([[0, 0, -length / 2], [0, 0, length / 2]])
    b = cd.field(coil, [d, 0, 0], current=2.0)[0, 1]
    ampere = mu_0 * 2.0 / (2 * np.pi * d)
    assert b == pytest.approx(ampere / np.sqrt(1 + (2 * d / length) ** 2), rel=1e-12, abs=0)
    assert b / ampere - 1 == pytest.approx(-2 * (d / length) ** 2, rel=1e-3, abs=0)  # the -2e-12 is resolved


@pytest.mark.parametrize("n", [3, 4, 7, 64, 1000])
def test_regular_polygon_centre_exact(n):
    """Centre of a regular N-gon of circumradius R: B = N mu0 I tan(pi/N) / (2 pi R)
    (sum of N finite wires at distance R cos(pi/N)); tends to mu0 I / (2R) (circle)."""
    r = 2e-3
    phi = 2 * np.pi * np.arange(n) / n
    coil = cd.Coil.from_polyline(np.c_[r * np.cos(phi), r * np.sin(phi), np.zeros(n)], closed=True)
    b = cd.field(coil, [0, 0, 0])[0]
    exact = n * mu_0 * np.tan(np.pi / n) / (2 * np.pi * r)
    assert b[2] == pytest.approx(exact, rel=1e-13, abs=0)
    assert abs(b[0]) < 1e-15 * exact and abs(b[1]) < 1e-15 * exact
    if n == 1000:
        assert b[2] == pytest.approx(mu_0 / (2 * r), rel=4e-6)


def helix(radius=1e-3, length=4e-3, turns=20, n=1001):
    t = np.linspace(0, 2 * np.pi * turns, n)
    return np.c_[radius * np.cos(t), radius * np.sin(t), np.linspace(-length / 2, length / 2, n)]


def test_long_solenoid_centre():
    """Long solenoid: B = mu0 N I / L at the centre; for a finite solenoid of radius a the
    exact on-axis centre value is mu0 N I / sqrt(L^2 + 4 a^2) (current-sheet limit)."""
    a, length, turns = 1e-3, 0.2, 2000
    pts = helix(a, length, turns, turns * 64 + 1)
    b = cd.field(cd.Coil.from_polyline(pts), [0, 0, 0])[0, 2]
    sheet = mu_0 * turns / np.sqrt(length**2 + 4 * a**2)
    assert b == pytest.approx(sheet, rel=2e-3)  # helix pitch + polygonal turns vs sheet
    assert b == pytest.approx(mu_0 * turns / length, rel=3e-3)


def test_against_magpylib_random_polylines():
    """Cross-check with magpylib.current.Polyline (independent implementation) away from the
    wires (every point farther than 1e-3 x segment length): relative agreement <= 1e-12."""
    magpylib = pytest.importorskip("magpylib")
    rng = np.random.default_rng(7)
    for _ in range(5):
        verts = rng.normal(size=(rng.integers(2, 40), 3)) * 1e-3
        coil = cd.Coil.from_polyline(verts)
        pts = rng.normal(size=(2000, 3)) * 2e-3
        ours = cd.field(coil, pts, current=1.7)
        peer = magpylib.current.Polyline(current=1.7, vertices=verts).getB(pts)
        g = sk._pair_geometry(pts[:, 0:1], pts[:, 1:2], pts[:, 2:3], tuple(verts[:-1].T), tuple(verts[1:].T))
        dist = np.sqrt(g["c2"] / g["l2"])
        far = (dist > 1e-3 * np.sqrt(g["l2"])).all(axis=1)
        rel = np.linalg.norm(ours - peer, axis=1) / np.linalg.norm(peer, axis=1)
        assert far.sum() > 1500
        assert rel[far].max() < 1e-12


def test_to_magpylib_collection_matches():
    magpylib = pytest.importorskip("magpylib")
    coil = cd.Coil.from_polyline(helix(n=201), wire_diameter=1e-4) + cd.Coil.from_polyline(
        [[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]]).with_weights([-2.0])
    pts = np.random.default_rng(3).normal(size=(500, 3)) * 3e-3
    verts = coil.windings[0].vertices  # magpylib has filaments: compare outside the 50 um wire only
    g = sk._pair_geometry(pts[:, 0:1], pts[:, 1:2], pts[:, 2:3], tuple(verts[:-1].T), tuple(verts[1:].T))
    outside = (np.sqrt(np.minimum(g["r1"], g["r2"]) ** 2) > 1e-4).all(axis=1) & (g["c2"] / g["l2"] > 1e-8).all(axis=1)
    assert outside.sum() > 450
    assert np.allclose(cd.to_magpylib(coil, 0.5).getB(pts)[outside], cd.field(coil, pts, 0.5)[outside], rtol=1e-11,
                       atol=0)
    assert isinstance(cd.to_magpylib(coil), magpylib.Collection)


def test_ampere_circulation():
    """Ampere's law: the line integral of B around a closed path linking the wire once is
    mu0 I; one not linking it gives 0 (the circuit must be closed for the law to be exact;
    trapezoid rule on a periodic path converges spectrally)."""
    coil = cd.Coil.from_polyline([[0, 0, -1.0], [0, 0, 1.0], [0.5, 0, 1.0], [0.5, 0, -1.0]], closed=True)
    phi = np.linspace(0, 2 * np.pi, 4001)[:-1]
    for centre, expected in (((0.0, 0.0), mu_0 * 3.0), ((5e-3, 0.0), 0.0)):
        ring = np.c_[centre[0] + 2e-3 * np.cos(phi), centre[1] + 2e-3 * np.sin(phi), 1e-3 * np.sin(phi)]
        tangent = np.c_[-2e-3 * np.sin(phi), 2e-3 * np.cos(phi), 1e-3 * np.cos(phi)]
        b = cd.field(coil, ring, current=3.0)
        circ = np.sum(np.einsum("ij,ij->i", b, tangent)) * (2 * np.pi / len(phi))
        assert circ == pytest.approx(expected, abs=1e-9 * mu_0 * 3.0)


def test_inside_conductor_rule_is_continuous_and_finite():
    """Uniform current density in a round wire: B(d) = B_filament(d) (d/a)^2 for d < a, so
    B = mu0 I d / (2 pi a^2) inside a long wire (Ampere) and continuous at the surface."""
    a = 50e-6
    coil = cd.Coil.from_polyline([[0, 0, -1.0], [0, 0, 1.0]], wire_diameter=2 * a)
    d = np.array([0.0, 1e-9, 0.5 * a, a * (1 - 1e-12), a, 2 * a])
    b = cd.field(coil, np.c_[d, np.zeros_like(d), np.zeros_like(d)])[:, 1]
    assert np.isfinite(b).all()
    assert b[0] == 0.0
    for di, bi in zip(d[1:], b[1:]):
        exact = finite_wire_exact(di, 0.0, -1.0, 1.0) * min(1.0, (di / a) ** 2)
        assert bi == pytest.approx(exact, rel=1e-13, abs=0)
    assert b[3] == pytest.approx(mu_0 * d[3] / (2 * np.pi * a**2), rel=1e-8)  # long-wire interior


def test_points_on_filament_and_vertices_are_finite():
    """Documented rule: a filament contributes nothing at points exactly on it (B, A, J = 0)."""
    verts = np.array([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0], [0, 1e-3, 1e-4]])
    coil = cd.Coil.from_polyline(verts, closed=True)
    pts = np.vstack([verts, 0.5 * (verts[0] + verts[1]), [2e-3, 0, 0]])
    for fn in (cd.field, cd.vector_potential, cd.field_jacobian):
        assert np.isfinite(fn(coil, pts)).all()
    # a point in the middle of side 0 sees only the other sides
    others = cd.Coil.from_polyline(np.vstack([verts[1:], verts[:1]]))
    np.testing.assert_allclose(cd.field(coil, pts[4]), cd.field(others, pts[4]), rtol=1e-13, atol=0)


def test_vector_potential_closed_form_and_curl():
    """A of a segment: mu0 I/(4 pi) ln((R1+R2+L)/(R1+R2-L)) along the segment (Hanson &
    Hirshman 2002 eq. 9); curl A = B by central differences."""
    d, z = 0.3e-3, 0.1e-3
    a = cd.vector_potential(SEG, [d, 0, z])[0]
    r1, r2, length = np.hypot(d, z + 0.5e-3), np.hypot(d, z - 0.5e-3), 1e-3
    assert a[2] == pytest.approx(mu_0 / (4 * np.pi) * np.log((r1 + r2 + length) / (r1 + r2 - length)),
                                 rel=1e-14, abs=0)
    coil = cd.Coil.from_polyline(helix(n=301), closed=False)
    p = np.array([0.3e-3, -0.2e-3, 0.4e-3])
    np.testing.assert_allclose(curl_of_vector_potential(coil, p, 1e-7), cd.field(coil, p)[0], rtol=1e-6, atol=0)


def test_jacobian_analytic_matches_differences_and_is_curl_and_div_free():
    """dB/dr analytic vs central differences; off the wires div B = trace J = 0 and
    curl B = 0 (J symmetric) to rounding."""
    coil = cd.Coil.from_polyline(helix(n=301), closed=True, wire_diameter=5e-5)  # closed: curl-free
    pts = np.random.default_rng(0).uniform(-0.6e-3, 0.6e-3, (50, 3))
    jac = cd.field_jacobian(coil, pts)
    h = 1e-8
    fd = np.stack([(cd.field(coil, pts + h * e) - cd.field(coil, pts - h * e)) / (2 * h) for e in np.eye(3)],
                  axis=-1)
    scale = np.abs(jac).max()
    assert np.abs(jac - fd).max() < 1e-6 * scale
    assert np.abs(np.trace(jac, axis1=1, axis2=2)).max() < 1e-12 * scale
    assert np.abs(jac - jac.transpose(0, 2, 1)).max() < 1e-12 * scale


def test_chunking_and_threads_do_not_change_results():
    coil = cd.Coil.from_polyline(helix(n=501)) + cd.Coil.from_polyline(helix(n=101) * 2)
    pts = np.random.default_rng(1).normal(size=(3000, 3)) * 2e-3
    ref = cd.field(coil, pts, threads=1)
    for opts in ({"block_pairs": 64}, {"chunk_points": 7, "threads": 2}, {"block_pairs": 1 << 20}):
        assert np.abs(cd.field(coil, pts, **opts) - ref).max() < 1e-13 * np.abs(ref).max()


@pytest.mark.parametrize("explicit_pairs", [50, engine.EXPLICIT_BLOCK_PAIRS])
def test_near_pairs_collected_across_blocks(monkeypatch, explicit_pairs):
    """Near pairs left out by the fast blocks are evaluated together (flushed and sliced every
    ``EXPLICIT_BLOCK_PAIRS`` pairs): the result does not depend on when they are flushed and
    equals the pair-by-pair explicit kernel, for B and dB/dr, points near and inside the wire
    included."""
    monkeypatch.setattr(engine, "EXPLICIT_BLOCK_PAIRS", explicit_pairs)
    verts = helix(n=201)
    coil = cd.Coil.from_polyline(verts, wire_diameter=4e-5)
    rng = np.random.default_rng(3)
    on_wire = verts[rng.integers(0, len(verts), 400)] + rng.normal(size=(400, 3)) * 3e-5
    pts = np.vstack([on_wire, rng.normal(size=(400, 3)) * 1e-3])
    src = engine.polyline_sources(coil)
    for fn, quantity in ((cd.field, "B"), (cd.field_jacobian, "dB/dr")):
        ref = engine._explicit_all(pts, src, quantity, 1 << 16)
        for opts in ({"block_pairs": 64}, {"block_pairs": 4096}, {}):
            val = fn(coil, pts, threads=1, **opts)
            err = np.abs(val - ref).max(axis=tuple(range(1, val.ndim)))
            assert (err <= 1e-12 * np.abs(ref).max(axis=tuple(range(1, val.ndim)))).all(), (quantity, opts)


def test_padded_layout_dummy_pairs_stay_out():
    """The fast path's padded layout pairs the last vertex of one point's row with the first
    vertex of the next point's row (a dummy pair, never a segment): points exactly on those
    two vertices make the dummy 0/0, which must not reach the sums. B, A and dB/dr equal the
    pair-by-pair explicit kernel, one point per block and many."""
    verts = np.array([[0.0, 0.0, 0.0], [1e-3, 0.0, 0.0], [1e-3, 1e-3, 0.0], [0.0, 1e-3, 2e-4]])
    coil = cd.Coil.from_polyline(verts)
    rng = np.random.default_rng(4)
    pts = np.vstack([verts[-1], verts[0], verts[-1], verts[0], rng.normal(size=(6, 3)) * 1e-3])
    src = engine.polyline_sources(coil)
    for fn, quantity in ((cd.field, "B"), (cd.vector_potential, "A"), (cd.field_jacobian, "dB/dr")):
        ref = engine._explicit_all(pts, src, quantity, 1 << 16)
        for opts in ({"block_pairs": 64}, {}):
            val = fn(coil, pts, threads=1, **opts)
            assert np.isfinite(val).all(), (quantity, opts)
            np.testing.assert_allclose(val, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max(), err_msg=quantity)


@settings(max_examples=25, deadline=None)
@given(angle=st.floats(-180, 180), ax=st.tuples(*[st.floats(-1, 1)] * 3).filter(
    lambda v: np.linalg.norm(v) > 0.1), shift=st.tuples(*[st.floats(-5e-3, 5e-3)] * 3))
def test_rotation_translation_covariance(angle, ax, shift):
    """B(R x + t; rotated coil) = R B(x; coil): the field is a vector under rigid motions."""
    coil = cd.Coil.from_polyline(helix(n=61, turns=3))
    pts = np.random.default_rng(5).normal(size=(20, 3)) * 2e-3
    moved = coil.rotate(angle, ax).translate(shift)
    rot = cd.coil._rotation_matrix(np.deg2rad(angle), np.asarray(ax) / np.linalg.norm(ax))
    b = cd.field(coil, pts)
    b_moved = cd.field(moved, pts @ rot.T + np.asarray(shift))
    assert np.allclose(b_moved, b @ rot.T, rtol=1e-9, atol=1e-9 * np.abs(b).max())


def test_superposition_and_weights():
    a = cd.Coil.from_polyline(helix(n=101))
    b = cd.Coil.from_polyline([[0, 0, -1e-3], [2e-3, 0, 0]])
    pts = np.random.default_rng(2).normal(size=(100, 3)) * 2e-3
    both = (a + b).with_weights([2.0, -0.5])
    ref = 2 * cd.field(a, pts) - 0.5 * cd.field(b, pts)
    # components that nearly cancel in the weighted sum carry rounding of the largest ones
    np.testing.assert_allclose(cd.field(both, pts), ref, rtol=1e-13, atol=1e-13 * np.abs(ref).max())


def test_mirror_gives_mirrored_pseudovector_field():
    """B is a pseudovector: for a mirror M, B'(M x) = det(M) M B(x)."""
    coil = cd.Coil.from_polyline(helix(n=81, turns=4))
    m = np.diag([1.0, 1.0, -1.0])
    pts = np.random.default_rng(4).normal(size=(30, 3)) * 2e-3
    b = cd.field(coil, pts)
    assert np.allclose(cd.field(coil.mirror([0, 0, 1]), pts @ m.T), -(b @ m.T), rtol=1e-12, atol=1e-18)


def test_fmm_back_end_matches_direct_with_near_field_correction():
    """Fast multipole (fmm3dpy) + exact near-field correction vs direct sums, including points
    close to the wire where the Gauss quadrature of the far-field part would be wrong."""
    pytest.importorskip("fmm3dpy")
    coil = cd.Coil.from_polyline(helix(n=2001, turns=40))
    rng = np.random.default_rng(9)
    pts = np.vstack([rng.uniform(-3e-3, 3e-3, (1500, 3)), helix(n=2001, turns=40)[::40] * 1.001])
    direct = cd.field(coil, pts, method="direct")
    fast = cd.field(coil, pts, method="fmm", tolerance=1e-9)
    rel = np.linalg.norm(fast - direct, axis=1) / np.linalg.norm(direct, axis=1)
    assert rel.max() < 1e-7


@pytest.mark.parametrize("tolerance", [1e-6, 1e-10])
def test_fmm_meets_the_requested_tolerance(tolerance):
    """Quadrature order and FMM precision derived from ``tolerance`` (fields.fmm): the
    relative error against direct sums stays below it at every point, and the built-in check
    on a sample of points raises no warning."""
    pytest.importorskip("fmm3dpy")
    import warnings

    coil = cd.Coil.from_polyline(helix(n=2001, turns=40))
    rng = np.random.default_rng(9)
    pts = np.vstack([rng.uniform(-3e-3, 3e-3, (1000, 3)), helix(n=2001, turns=40)[::40] * 1.001])
    direct = cd.field(coil, pts, method="direct")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fast = cd.field(coil, pts, method="fmm", tolerance=tolerance)
    assert (np.linalg.norm(fast - direct, axis=1) / np.linalg.norm(direct, axis=1)).max() <= tolerance


def test_fmm_refuses_other_quantities():
    pytest.importorskip("fmm3dpy")
    with pytest.raises(ValueError, match="Input method"):
        cd.vector_potential(SEG, [[1e-3, 0, 0]], method="fmm")


def test_memory_estimate_refuses_with_advice(monkeypatch):
    from coildesign import _validation

    monkeypatch.setattr(_validation, "available_memory", lambda: 10_000_000)
    with pytest.raises(ValueError, match="evaluate the points in parts"):
        cd.field_jacobian(SEG, np.zeros((1_000_000, 3)) + 1e-3)
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "1G")  # the environment variable overrides the default
    assert cd.field_jacobian(SEG, np.zeros((1000, 3)) + 1e-3).shape == (1000, 3, 3)
    with pytest.raises(ValueError, match="limit is 1 MiB"):
        cd.field(SEG, np.zeros((100_000, 3), dtype=np.float32), max_memory=2**20)  # refused before the copy
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "lots")
    with pytest.raises(ValueError, match="Input COILDESIGN_MAX_MEMORY must be a positive number of bytes"):
        cd.field(SEG, [[0, 0, 1]])


def test_work_limit_refuses_huge_direct_sums_with_advice(monkeypatch):
    coil = cd.Coil.from_polyline(helix(n=1001))
    pts = np.zeros((20_000, 3)) + 1e-2
    with pytest.raises(ValueError, match="pair evaluations, above the limit 1e.07"):
        cd.field(coil, pts, max_pairs=1e7, method="direct")
    monkeypatch.setenv("COILDESIGN_MAX_PAIRS", "1e6")
    with pytest.raises(ValueError, match="evaluate fewer points"):
        cd.vector_potential(coil, pts)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="Input points must be finite"):
        cd.field(SEG, [[0, 0, np.nan]])
    with pytest.raises(ValueError, match=r"Input points must be an array of shape \(M, 3\)"):
        cd.field(SEG, np.zeros((4, 2)))
    with pytest.raises(TypeError, match="Input coil"):
        cd.field("coil", [[0, 0, 0]])
    with pytest.raises(ValueError, match="Input points must be free of repeated consecutive points"):
        cd.Coil.from_polyline([[0, 0, 0], [0, 0, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="Input wire_diameter must be a finite number > 0"):
        cd.Coil.from_polyline([[0, 0, 0], [1, 0, 0]], wire_diameter=-1e-3)
    with pytest.raises(ValueError, match="Input radius"):
        cd.Coil.from_loop(0.0)
    with pytest.raises(ValueError, match="Input method"):
        cd.field(SEG, [[1, 0, 0]], method="magic")
    assert cd.field(SEG, np.zeros((0, 3))).shape == (0, 3)


def test_coil_repr_length_and_transforms():
    coil = cd.Coil.from_polyline(helix(n=101, turns=5), wire_diameter=1e-4, name="h")
    assert "Coil('h'" in repr(coil) and "wire length" in repr(coil)
    moved = coil.translate([1e-3, 0, 0]).rotate(30, (0, 1, 0))
    assert moved.wire_length == pytest.approx(coil.wire_length, rel=1e-12, abs=0)
    assert coil.scaled(2).wire_length == pytest.approx(2 * coil.wire_length, rel=1e-12, abs=0)
    loop = cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    assert loop.wire_length == pytest.approx(2 * np.pi * 1e-3)
    mirrored = loop.mirror([0, 0, 1])
    assert np.allclose(mirrored.windings[0].normal, [0, 0, 1])  # pseudovector: reflected circulation


def test_turns_scale_field_length_and_resistance():
    """N coincident turns: field and conductor length x N, resistance x N (each turn carries
    the coil current), whereas a weight N scales the current (power-equivalent R x N^2)."""
    from coildesign.analysis.performance import dc_resistance

    one = cd.Coil([cd.LoopWinding(1e-3, cross_section=cd.RoundWire(1e-4))])
    three = cd.Coil([cd.LoopWinding(1e-3, cross_section=cd.RoundWire(1e-4), turns=3)])
    p = np.array([[1e-4, 2e-4, 3e-4]])
    np.testing.assert_allclose(cd.field(three, p), 3 * cd.field(one, p), rtol=1e-15, atol=0)
    assert three.wire_length == pytest.approx(3 * one.wire_length)
    assert dc_resistance(three) == pytest.approx(3 * dc_resistance(one))
    assert dc_resistance(one.with_weights([3.0])) == pytest.approx(9 * dc_resistance(one))
    poly = cd.Coil([cd.Winding(helix(n=51, turns=2), turns=4)])
    np.testing.assert_allclose(cd.field(poly, p), 4 * cd.field(cd.Coil.from_polyline(helix(n=51, turns=2)), p),
                               rtol=1e-5, atol=0)
    with pytest.raises(ValueError, match="Input turns"):
        cd.Winding(helix(n=5), turns=0)


def test_inside_rule_everywhere_in_a_thick_wire_helix():
    """Thick wire on short segments (wire radius ~ segment length): every point inside the
    conductor, also beside the joints, follows the rule (fast path and explicit kernel agree),
    and the field stays bounded by the surface field scale; a point 1e-19 m from a vertex is
    finite and small."""
    coil = cd.Coil.from_polyline(helix(radius=0.5e-3, length=1e-3, turns=5, n=321), wire_diameter=1e-4)
    verts = coil.windings[0].vertices
    rng = np.random.default_rng(11)
    offsets = rng.normal(size=(300, 3))
    offsets *= (rng.uniform(0, 0.9, 300) * 5e-5 / np.linalg.norm(offsets, axis=1))[:, None]
    pts = verts[rng.integers(1, len(verts) - 1, 300)] + offsets
    b_fast = cd.field(coil, pts)
    from coildesign.fields.engine import _explicit_segments, polyline_sources

    src = polyline_sources(coil)
    m, n = len(pts), len(src.verts) - 1
    b_exact = _explicit_segments(pts, src.verts, np.repeat(np.arange(m), n), np.tile(np.arange(n), m),
                                 src.wire_radius, src.weights, "B") * 1.0
    assert np.allclose(b_fast, b_exact, rtol=1e-10, atol=1e-12)
    assert np.linalg.norm(b_fast, axis=1).max() < 3 * mu_0 / (2 * np.pi * 5e-5)
    assert np.linalg.norm(cd.field(coil, verts[16] + 1e-19)) < 3 * mu_0 / (2 * np.pi * 5e-5)


@pytest.mark.parametrize("case", ["helix", "golay", "thick"])
def test_jacobian_fast_path_matches_explicit_kernel_on_every_pair(case):
    """The expanded matrix-product Jacobian (segment_kernels.polyline_jacobian_block) against
    the explicit analytic kernel on every (point, segment) pair, summed in extended precision:
    differences below 3e-13 of the sum of the pairs' absolute contributions (the condition of
    the sum; inside a solenoid J is ~200x smaller than that), also inside a thick conductor,
    among the turns and in a Golay coil's bore."""
    from coildesign.geometries.gradient_coils import golay

    rng = np.random.default_rng(5)
    if case == "helix":
        coil = cd.Coil.from_polyline(helix(n=301), wire_diameter=5e-5)
        pts = rng.uniform(-0.6e-3, 0.6e-3, (200, 3))
    elif case == "golay":
        coil = golay(4e-3, 2, points_per_arc=64)
        pts = rng.uniform(-3.9e-3, 3.9e-3, (200, 3))
    else:
        coil = cd.Coil.from_polyline(helix(radius=0.5e-3, length=1e-3, turns=5, n=321), wire_diameter=1e-4)
        verts = coil.windings[0].vertices
        pts = verts[rng.integers(1, len(verts) - 1, 200)] + rng.normal(size=(200, 3)) * 4e-5
    exact = np.zeros((len(pts), 3, 3), dtype=np.longdouble)
    condition = np.zeros((len(pts), 3, 3))
    for w, wt in zip(coil.windings, coil.weights):
        v = w.vertices
        jac = sk.segment_field_jacobian(pts[:, 0:1], pts[:, 1:2], pts[:, 2:3], tuple(v[:-1].T), tuple(v[1:].T),
                                        w.cross_section.field_radius if w.cross_section else 0.0)
        for i in range(3):
            for j in range(3):
                exact[:, i, j] += (wt * w.turns * np.asarray(jac[i][j], dtype=np.longdouble)).sum(axis=1)
                condition[:, i, j] += np.abs(wt * w.turns * jac[i][j]).sum(axis=1)
    fast = cd.field_jacobian(coil, pts)
    assert (np.abs(fast - exact).max(axis=(1, 2)).astype(float) <= 3e-13 * condition.max(axis=(1, 2))).all()


def test_mu0_literal_is_scipy_codata_and_import_needs_no_scipy():
    """The kernels' mu0 literal is scipy.constants.mu_0 (CODATA 2022, SciPy >= 1.15) exactly,
    and ``import coildesign`` imports neither SciPy nor the optional interop module."""
    import subprocess
    import sys

    from coildesign._constants import mu_0 as literal

    assert literal == mu_0
    code = "import sys, coildesign; print(sorted(m for m in sys.modules if m.startswith(('scipy', 'magpylib'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_work_items_balanced_over_threads():
    """Equal work items, their number a multiple of the threads (10,000 points in items of
    ~1,998: six items of 1,667, not five of 1,998 and one of 10; 10,000 in items of ~3,000 on
    two threads: four of 2,500)."""
    from coildesign.fields.engine import _balanced_chunk

    assert _balanced_chunk(10_000, 1998, 2) == 1667
    assert _balanced_chunk(10_000, 3000, 2) == 2500
    assert _balanced_chunk(10_000, 3000, 1) == 2500  # four items either way
    assert _balanced_chunk(1, 256, 2) == 1
    for m in (7, 999, 4096, 12_345):
        size = _balanced_chunk(m, 500, 2)
        items = -(-m // size)
        assert items % 2 == 0 or m < 2 * size
        assert size * items - m < items  # the last item is short by less than one point per item
