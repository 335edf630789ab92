"""coildesign.eddy.far_field: the shells' field through one local solid-harmonic expansion,
against the exact 1/|r - r'| (Laplace's expansion, Jackson 3rd ed. eq. 3.70) and against the
direct Gauss sums of ``StreamFunctionOperators.field_operator`` on the same quadrature points,
within the stated truncation bound e_L(t) (module doc)."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.eddy import far_field as ff
from coildesign.surfaces import StreamFunctionOperators, cylinder
from coildesign.surfaces.operators import MU0_4PI
from coildesign.surfaces.quadrature import rule_order


def _ball(n, radius, seed):
    v = np.random.default_rng(seed).normal(size=(n, 3))
    return radius * v / np.linalg.norm(v, axis=1)[:, None] * np.random.default_rng(seed + 1).uniform(0, 1, (n, 1))


@pytest.mark.parametrize("ratio", [0.2, 0.5, 0.8])
def test_expansion_reproduces_the_kernel_within_its_bound(ratio):
    """grad_r 1/|r - r'| from the separated features vs the exact (r' - r)/|r - r'|^3 for r in
    the unit ball (and on its surface) and r' on the sphere of radius 1/ratio: the error of every
    pair is below e_L(t) |r - r'|^-2 (plus round-off), and the bound is not idle (within 30x of
    the error; measured 1.8x at t = 0.2, 4x at 0.5, 14-28x at 0.8)."""
    r = np.vstack([_ball(60, 1.0, 3), _ball(60, 1.0, 4) / np.linalg.norm(_ball(60, 1.0, 4), axis=1)[:, None]])
    s = np.random.default_rng(7).normal(size=(50, 3))
    s /= ratio * np.linalg.norm(s, axis=1)[:, None]
    diff = r[:, None] - s[None]
    dist = np.linalg.norm(diff, axis=2)
    exact = -diff / dist[..., None] ** 3
    for degree in (2, 6, 12, 20):
        psi = ff.irregular_features(s, degree)  # (K, S)
        approx = np.einsum("kam,ks->msa", ff.regular_gradients(r, degree), psi)
        err = np.linalg.norm(approx - exact, axis=2) * dist**2  # relative to the kernel's magnitude
        bound = ff.truncation_error(degree, ratio)
        assert err.max() <= bound + 1e-13  # round-off floor ~1e-15
        if 1e-10 < bound < 1:
            assert err.max() >= bound / 30
    # the potential itself: the addition theorem summed to high degree is exact to round-off
    phi = ff._real(ff.solid_harmonics(r, 60), 60)
    assert np.abs(phi.T @ ff.irregular_features(s, 60) - 1 / dist).max() <= 1e-12 * (1 / dist).max() + (
        ratio**61 / (1 - ratio) * ratio)


def test_degree_follows_the_bound():
    assert ff.expansion_degree(1.0, 1e-6) is None and ff.expansion_degree(0.95, 1e-6) is None
    for t in (0.1, 0.3, 0.5):
        n = ff.expansion_degree(t, 1e-6)
        assert ff.truncation_error(n, t) <= 1e-6 < ff.truncation_error(n - 1, t)
    assert ff.truncation_error(5, 0.3) < ff.truncation_error(5, 0.4)


@pytest.fixture(scope="module")
def shell_ops():
    return StreamFunctionOperators(cylinder(0.03, 0.1, resolution=2 * np.pi * 0.03 / 60), tolerance=1e-3)


def test_field_operator_equals_direct_sums_within_the_bound(shell_ops):
    """B of random stream functions at points in a 1 cm ball inside a 3 cm cylinder: every face
    has the same 4-point rule in both ways (the clipped minimum of ``rule_order``), so the
    difference is the truncation alone: |dB(r)| <= tol mu0/(4 pi) sum_t |J_t| A_t / d_t(r)^2
    with d_t a lower bound of the distance from r to face t."""
    s = shell_ops.surface
    pts = _ball(400, 0.01, 11)
    size = np.max(np.linalg.norm(s.corners - np.roll(s.corners, 1, axis=1), axis=2), axis=1)
    ball_gap = np.linalg.norm(s.centroids, axis=1) - 0.01
    assert rule_order(float((np.maximum(ball_gap - size / 2, 0) / size).min()), shell_ops.tolerance) == 2
    coeffs = np.random.default_rng(2).normal(size=(s.n_vertices, 5))
    fast = ff.field_operator(shell_ops, pts, coeffs)
    direct = shell_ops.field_operator(pts, coeffs)
    tol = ff.TRUNCATION * shell_ops.tolerance
    j = np.linalg.norm(np.stack([c @ coeffs for c in shell_ops.current_maps], axis=-1), axis=-1)  # (F, n)
    d = np.linalg.norm(pts[:, None] - s.centroids[None], axis=2) - size[None]  # (M, F)
    bound = tol * MU0_4PI * (s.areas[None, :] / d**2) @ j  # (M, n)
    err = np.linalg.norm(fast - direct, axis=1)
    assert np.all(err <= bound)
    assert err.max() > 0  # a different evaluation, not the same code path
    assert np.abs(fast - direct).max() <= 1e-6 * np.abs(direct).max()


def test_points_near_the_shell_use_the_direct_sums(shell_ops):
    """A ball that reaches the shell has no convergent expansion: None, and Modes.field_operator
    falls back to the direct sums."""
    pts = np.array([[0.0, 0.0, 0.0], [0.029, 0.0, 0.0]])
    assert ff.face_kernel(shell_ops, pts) is None
    coeffs = np.ones((shell_ops.surface.n_vertices, 1))
    assert ff.field_operator(shell_ops, _ball(10, 0.01, 1), coeffs) is None  # fewer points than features


def test_step_response_through_the_expansion_matches_the_direct_sums():
    """eddy.step_response (expansion) vs the direct sums of the same modes (1e-6 of the largest)."""
    shell = eddy.Shell(cylinder(0.03, 0.1, resolution=2 * np.pi * 0.03 / 20), 0.5e-3, "aluminium")
    m = eddy.modes(shell)
    from coildesign.geometries import golay

    coil = golay(0.02, axis="y")
    pts = _ball(500, 0.01, 5)
    times = np.geomspace(1e-4, 0.1, 7)
    sr = eddy.step_response(coil, m, pts, times)
    mc = m.modal_coupling(coil)
    full = m.operators.field_operator(pts)  # (M, 3, V) direct sums
    per_mode = np.asarray((m.basis.T @ full.reshape(-1, full.shape[2]).T).T) @ m.vectors
    ref = np.einsum("man,tn->tma", per_mode.reshape(len(pts), 3, -1) * -mc, np.exp(-np.outer(times, m.rates)))
    assert np.abs(sr.field - ref).max() <= 1e-6 * np.abs(ref).max()
    assert np.abs(sr.at(times) - sr.field).max() <= 1e-12 * np.abs(ref).max()
