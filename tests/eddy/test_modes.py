"""coildesign.eddy.modes: time constants and mode patterns of thin shells against exact references (see conftest.py)."""

import importlib

import numpy as np
import pytest
import scipy.linalg as sla
from scipy.constants import mu_0

from coildesign import eddy
from coildesign.analysis import handbook as hb
from coildesign.geometries import maxwell_pair
from coildesign.surfaces import StreamFunctionOperators, cylinder, mesh
from tests.eddy.conftest import A, D


def _group_means(tau):
    # the l = 1 (3 modes) and l = 2 (5 modes) groups
    return np.array([tau[:3].mean(), tau[3:8].mean()])


def test_sphere_time_constants_converge_to_exact(spheres):
    """tau_l = mu0 sigma d a/(2l+1): the mesh error falls as h^2 (area-per-vertex), so the
    Richardson extrapolation of two meshes meets the closed form to 2e-3."""
    sigma = spheres[0].conductivity
    exact = np.array([mu_0 * sigma * D * A / (2 * l + 1) for l in (1, 2)])
    taus, h2 = [], []
    for s in spheres:
        m = eddy.modes(s)
        taus.append(_group_means(m.time_constants))
        h2.append(s.surface.areas.sum() / s.surface.n_vertices)
        # degenerate groups: the l = 1 triplet is split by the mesh by < 0.5 %
        assert np.ptp(m.time_constants[:3]) / m.time_constants[0] < 5e-3
    coarse, fine = taus
    extrapolated = fine + (fine - coarse) * h2[1] / (h2[0] - h2[1])
    assert np.all(np.abs(fine / exact - 1) < np.abs(coarse / exact - 1))
    np.testing.assert_allclose(extrapolated, exact, rtol=2e-3, atol=0)


def test_smooth_basis_matches_full_basis_for_slow_modes(spheres):
    full = eddy.modes(spheres[0]).time_constants[:8]
    smooth = eddy.modes(spheres[0], basis_size=30).time_constants[:8]
    np.testing.assert_allclose(smooth, full, rtol=1e-3, atol=0)
    assert np.all(smooth <= full * (1 + 1e-9))  # Rayleigh-Ritz: a subspace gives lower bounds


def test_cylinder_uniform_circulation_is_nagaoka():
    """The uniform circulating current (psi linear in z) on a finite cylinder: L/R =
    K(2a/l) mu0 sigma d a/2; the slowest mode lies above it (variational)."""
    a, ell = 0.03, 0.09
    s = eddy.Shell(cylinder(a, ell, 2 * np.pi * a / 40), D, "aluminium")
    ops = StreamFunctionOperators(s.surface)
    psi = (s.surface.vertices[:, 2] + ell / 2)[:, None] / ell
    tau_u = ops.inductance_matrix(psi)[0, 0] / ops.resistance_matrix(D, s.resistivity, psi)[0, 0]
    exact = hb.nagaoka_coefficient(2 * a / ell) * mu_0 * s.conductivity * D * a / 2
    assert tau_u == pytest.approx(exact, rel=5e-3, abs=0)
    tau = eddy.modes(s, basis_size=60).time_constants
    assert tau[0] >= tau_u
    assert tau[0] < 1.1 * tau_u


def test_two_shells_are_coupled_and_energy_splits():
    inner = eddy.Shell(cylinder(0.02, 0.06, 0.006, name="shield"), 3e-5, "copper")
    outer = eddy.Shell(cylinder(0.03, 0.08, 0.008, name="bore"), 5e-4, "aluminium")
    both = eddy.modes([inner, outer], basis_size=30)
    alone = eddy.modes(outer, basis_size=30)
    assert both.count == eddy.modes(inner, basis_size=30).count + alone.count
    assert both.time_constants[0] != pytest.approx(alone.time_constants[0], rel=1e-3)
    coil = maxwell_pair(0.012)
    e = eddy.dissipated_energy(coil, both)
    assert e.per_shell.shape == (2,) and np.all(e.per_shell > 0)
    assert e.total == pytest.approx(e.initial, rel=1e-9, abs=0)


def test_laplace_modes_by_parity_blocks_equal_the_whole_problem():
    """A mirror-symmetric cylinder: the lowest Laplace-Beltrami eigenpairs gathered from the
    parity blocks have the whole problem's eigenvalues (Rayleigh quotients, 1e-12) and stay
    mass-orthonormal; a mesh without mirrors is solved whole."""
    modes_module = importlib.import_module("coildesign.eddy.modes")
    s = cylinder(0.01, 0.03, 2 * np.pi * 0.01 / 16)
    ops = StreamFunctionOperators(s)
    k, m, free = ops.stiffness, ops.mass, s.interior_vertices
    assert len(modes_module._parity_blocks(ops, free)) == 8
    blocks = modes_module._laplace_modes(k, m, free, 40, ops)
    whole = modes_module._laplace_modes(k, m, free, 40)

    def rayleigh(v):
        return np.einsum("vk,vk->k", v, k @ v) / np.einsum("vk,vk->k", v, m @ v)

    assert np.abs(rayleigh(blocks) - rayleigh(whole)).max() <= 1e-12 * rayleigh(whole).max()
    assert np.abs(blocks.T @ m @ blocks - np.eye(40)).max() < 1e-12
    skew = mesh(s.vertices + np.random.default_rng(2).normal(scale=1e-4, size=s.vertices.shape), s.faces)
    assert modes_module._parity_blocks(StreamFunctionOperators(skew), skew.interior_vertices) is None


def test_mirror_blocks_give_the_dense_eigenpairs():
    """A mesh that its coordinate mirrors map onto itself splits R v = lambda L v into parity
    blocks (the loops' circulation and the gauge included): the rates equal the dense
    generalised eigensolver's on the same (group-averaged) L to 1e-12, the vectors are L- and
    R-orthonormal over all blocks, and L's average differs from L by its quadrature level."""
    surf = cylinder(0.03, 0.1, resolution=2 * np.pi * 0.03 / 20)
    shell = eddy.Shell(surf, 0.5e-3, "aluminium")
    modes_mod = importlib.import_module("coildesign.eddy.modes")
    dof = modes_mod.stream_basis(surf)
    blocks, actions = modes_mod._unknown_blocks(shell, dof)
    assert len(blocks) == 8 and sum(b.shape[1] for b in blocks) == dof.matrix.shape[1]
    m = eddy.modes(shell)
    lam = sla.eigh(m.resistance, m.inductance, eigvals_only=True)
    np.testing.assert_allclose(m.rates, lam, rtol=1e-12, atol=0)
    n = m.count
    assert np.abs(m.vectors.T @ m.inductance @ m.vectors - np.eye(n)).max() < 1e-12
    assert np.abs(m.vectors.T @ m.resistance @ m.vectors - np.diag(m.rates)).max() < 1e-12 * m.rates.max()
    # the unaveraged L (the plain Galerkin matrix) gives the same rates to its quadrature level
    ops = StreamFunctionOperators(surf, tolerance=modes_mod.FIELD_TOLERANCE)
    b = dof.matrix
    raw = np.asarray(b.T @ np.asarray(b.T @ ops.inductance_matrix()).T)
    np.testing.assert_allclose(m.rates, sla.eigh(m.resistance, 0.5 * (raw + raw.T), eigvals_only=True),
                               rtol=1e-7, atol=0)
    # every group element commutes with L and R
    for p in actions:
        assert np.abs(p.T @ (p.T @ m.inductance).T - m.inductance).max() < 1e-12 * np.abs(m.inductance).max()
