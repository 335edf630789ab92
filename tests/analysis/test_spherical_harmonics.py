"""Solid-harmonic expansion of Bz: exact recovery, normalisations, derived error terms."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.special import lpmv

from coildesign.analysis import spherical_harmonics
from coildesign.analysis.spherical_harmonics import (
    NORMALIZATIONS,
    SphericalHarmonics,
    convert_coefficients,
    fit_spherical_harmonics,
    normalization_factors,
    solid_harmonics,
    sphere_quadrature,
)
from coildesign.fields import field
from coildesign.geometries import golay, helmholtz_pair, maxwell_pair


def _random_expansion(order, normalization, seed=3, radius=2e-3):
    rng = np.random.default_rng(seed)
    a = np.tril(rng.normal(size=(order + 1, order + 1)))
    b = np.tril(rng.normal(size=(order + 1, order + 1)))
    b[:, 0] = 0.0
    full = SphericalHarmonics(a * 1e-3, b * 1e-3, radius, "full", center=(1e-4, -2e-4, 3e-4))
    return full.to(normalization)


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
def test_analytic_field_recovered(normalization):
    """Coefficients chosen at random (band limit 9) are recovered to <= 1e-10 relative (each
    compared in the full normalisation, where every term has unit mean square on the sphere)."""
    ref = _random_expansion(9, normalization)
    fit = fit_spherical_harmonics(ref.field, ref.radius, 9, normalization, center=ref.center)
    assert fit.normalization == normalization
    fit_full, ref_full = fit.to("full"), ref.to("full")
    scale = np.abs(ref_full.A).max()
    assert np.abs(fit_full.A - ref_full.A).max() <= 1e-10 * scale
    assert np.abs(fit_full.B - ref_full.B).max() <= 1e-10 * scale
    assert fit.residual.relative_rms <= 1e-12


def test_legendre_against_scipy():
    """R_n^m on the unit sphere = P_n^m(cos theta) e^{i m phi} without the Condon-Shortley
    phase, i.e. (-1)^m scipy.special.lpmv."""
    rng = np.random.default_rng(0)
    p = rng.normal(size=(50, 3))
    r = np.linalg.norm(p, axis=1)
    rh = solid_harmonics(p, 10)
    ct = p[:, 2] / r
    phi = np.arctan2(p[:, 1], p[:, 0])
    for n in range(11):
        for m in range(n + 1):
            expect = r**n * (-1) ** m * lpmv(m, n, ct) * np.exp(1j * m * phi)
            assert np.allclose(rh[:, n, m], expect, rtol=1e-12, atol=1e-12 * np.abs(expect).max())


def test_normalizations_on_the_sphere():
    """Full normalisation: mean square 1 over the sphere; Schmidt: mean square 1/(2n + 1)
    (Winch et al. 2005 eq. 6); the quadrature is exact for these degree-2n integrands."""
    pts, w = sphere_quadrature(1.0, 12)
    rh = solid_harmonics(pts, 12)
    full = normalization_factors(12, "full")
    schmidt = normalization_factors(12, "schmidt")
    for n in range(13):
        for m in range(n + 1):
            parts = [rh[:, n, m].real] + ([rh[:, n, m].imag] if m else [])
            for part in parts:
                assert w @ (full[n, m] * part) ** 2 / (4 * np.pi) == pytest.approx(1.0, rel=1e-12, abs=0)
                assert w @ (schmidt[n, m] * part) ** 2 / (4 * np.pi) == pytest.approx(1 / (2 * n + 1), rel=1e-12, abs=0)


def test_conversions_keep_the_field():
    ref = _random_expansion(6, "schmidt")
    pts = np.random.default_rng(5).uniform(-1e-3, 1e-3, (30, 3))
    bz = ref.field(pts)
    for target in NORMALIZATIONS:
        conv = ref.to(target)
        assert np.allclose(conv.field(pts), bz, rtol=0, atol=1e-13 * np.abs(bz).max())
        back = convert_coefficients(conv.A, target, "schmidt")
        assert np.allclose(back, ref.A, rtol=1e-13, atol=0)
    # the gradunwarp normalisation is Schmidt x sqrt(2n+1)/2 for m > 0
    gu, sc = normalization_factors(6, "gradunwarp"), normalization_factors(6, "schmidt")
    for n in range(1, 7):
        assert gu[n, 1:n + 1] / sc[n, 1:n + 1] == pytest.approx(math.sqrt(2 * n + 1) / 2, rel=1e-14, abs=0)


def test_full_field_of_linear_terms():
    """B = -grad Phi with -dPhi/dz = Bz: Bz = G z gives B = G (-x/2, -y/2, z); Bz = G x gives
    B = G (z, 0, x) (Maxwell's equations for the lowest harmonics)."""
    g, r0 = 0.7, 1e-3
    p = np.random.default_rng(2).uniform(-1e-3, 1e-3, (20, 3))
    a = np.zeros((3, 3))
    a[1, 0] = g * r0
    bz = SphericalHarmonics(a, np.zeros((3, 3)), r0).field(p, full=True)
    assert np.allclose(bz, g * np.column_stack([-p[:, 0] / 2, -p[:, 1] / 2, p[:, 2]]), rtol=1e-13, atol=0)
    a = np.zeros((3, 3))
    a[1, 1] = g * r0
    bx = SphericalHarmonics(a, np.zeros((3, 3)), r0).field(p, full=True)
    assert np.allclose(bx, g * np.column_stack([p[:, 2], 0 * p[:, 0], p[:, 0]]), rtol=1e-13, atol=1e-18)


def test_full_field_is_divergence_and_curl_free():
    ref = _random_expansion(7, "full")
    p = np.random.default_rng(7).uniform(-1e-3, 1e-3, (6, 3))
    h = 1e-7
    jac = np.zeros((6, 3, 3))
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        jac[:, :, j] = (ref.field(p + e, full=True) - ref.field(p - e, full=True)) / (2 * h)
    scale = np.abs(jac).max()
    assert np.abs(np.trace(jac, axis1=1, axis2=2)).max() <= 1e-7 * scale
    assert np.abs(jac - jac.transpose(0, 2, 1)).max() <= 1e-7 * scale
    assert np.allclose(ref.field(p, full=True)[:, 2], ref.field(p), rtol=1e-14, atol=0)


def test_transverse_terms_recovered():
    """Random Bz coefficients plus random z-independent terms (Bx - i By = sum T_k (w/R0)^k):
    both recovered to 1e-10 from the full field on the sphere."""
    ref = _random_expansion(6, "schmidt")
    terms = np.random.default_rng(9).normal(size=(7, 2)) @ np.array([1.0, 1j]) * 1e-3
    ref = SphericalHarmonics(ref.A, ref.B, ref.radius, "schmidt", ref.center, transverse_terms=terms)
    fit = fit_spherical_harmonics(ref.field, ref.radius, 6, "schmidt", center=ref.center,
                                  transverse=lambda p: ref.field(p, full=True)[:, :2])
    assert np.abs(fit.transverse_terms - terms).max() <= 1e-10 * np.abs(terms).max()
    assert np.abs(fit.A - ref.A).max() <= 1e-10 * np.abs(ref.A).max()


def test_helmholtz_pair_along_x_needs_transverse_terms():
    """A Helmholtz pair with its axis along x: its uniform Bx comes from a z-independent
    potential, invisible in Bz; with ``transverse=True`` the full field matches the coil to
    the truncation level, T_0 = the centre field (Jackson eq. 5.40 for each loop)."""
    a = 1e-3
    coil = helmholtz_pair(a).rotate(90.0, (0.0, 1.0, 0.0))
    p = np.random.default_rng(4).normal(size=(20, 3))
    p *= 0.3 * a / np.linalg.norm(p, axis=1)[:, None]
    b = field(coil, p)
    without = spherical_harmonics(coil, 0.4 * a, 12)
    assert np.abs(without.field(p, full=True) - b).max() > 0.5 * np.abs(b).max()
    sh = spherical_harmonics(coil, 0.4 * a, 12, transverse=True)
    assert np.abs(sh.field(p, full=True) - b).max() <= 1e-7 * np.abs(b).max()
    b_centre = 2 * mu_0 * a**2 / (2 * (a**2 + (a / 2) ** 2) ** 1.5)
    assert sh.transverse_terms[0].real == pytest.approx(b_centre, rel=1e-8, abs=0)
    assert sh.to("full").transverse_terms is sh.transverse_terms


def test_maxwell_pair_error_terms():
    """A_50/A_10 = c5 (R0/a)^4 and A_70/A_10 = c7 (R0/a)^6 with the closed forms
    c5 = -176/343, c7 = 9984/117649 (loop kernels are exact, so ~1e-11)."""
    a = 1e-3
    r0 = 0.5 * a
    coil = maxwell_pair(a)
    sh = spherical_harmonics(coil, r0, 12, "unnormalized")
    a10 = sh.A[1, 0]
    assert a10 == pytest.approx(coil.parameters["efficiency_closed_form"] * r0, rel=1e-12, abs=0)
    assert sh.A[3, 0] / a10 == pytest.approx(0.0, abs=1e-13)
    assert sh.A[5, 0] / a10 / (r0 / a) ** 4 == pytest.approx(-176 / 343, rel=1e-11, abs=0)
    assert sh.A[7, 0] / a10 / (r0 / a) ** 6 == pytest.approx(9984 / 117649, rel=1e-10, abs=0)
    assert sh.A[5, 0] / a10 / (r0 / a) ** 4 == pytest.approx(coil.parameters["z5_coefficient"], rel=1e-11, abs=0)
    # the full field (from the potential) matches the coil inside the sphere
    p = np.random.default_rng(1).normal(size=(20, 3))
    p *= 0.4 * a / np.linalg.norm(p, axis=1)[:, None]
    b = field(coil, p)
    assert np.abs(sh.field(p, full=True) - b).max() <= 1e-5 * np.abs(b).max()
    assert sh.residual.relative_max < 1e-4


def test_golay_error_terms():
    """Schmidt A_11 = eta R0; along x sum_m P_5^m(0) A_5m / R0^5 = eta X4 / a^4; along z the
    (5, 1) term gives dBz/dx = 15 A_51 z^4 / R0^5 = eta Z4 z^4 / a^4 (P_5^1'(1) = 15).
    Polyline arcs converge as 1/(points - 1)^2 (measured: 1e-5 at 512 points, 6e-7 at 2048)."""
    a = 1e-3
    r0 = 0.5 * a
    coil = golay(a, points_per_arc=2048)
    par = coil.parameters
    eta = par["efficiency_closed_form"]
    sh = spherical_harmonics(coil, r0, 7, quadrature_degree=40)
    assert sh.A[1, 1] / (eta * r0) == pytest.approx(1.0, rel=2e-7)
    un = sh.to("unnormalized")
    x5 = sum(un.A[5, m] * (-1) ** m * lpmv(m, 5, 0.0) for m in range(6)) / r0**5
    assert x5 * a**4 / eta == pytest.approx(par["x4_coefficient"], rel=2e-6)
    assert 15 * un.A[5, 1] / r0**5 * a**4 / eta == pytest.approx(par["z4_gradient_coefficient"], rel=2e-6)
    assert abs(un.A[3, 3]) <= 1e-7 * abs(un.A[1, 1])  # 120-degree arcs cancel (3, 3)
    assert abs(un.A[3, 1]) <= 1e-6 * abs(un.A[1, 1])  # arc positions cancel (3, 1)


def test_bad_inputs():
    with pytest.raises(ValueError, match="normalization"):
        spherical_harmonics(maxwell_pair(1e-3), 1e-4, 3, "siemens")
    with pytest.raises(ValueError, match="radius"):
        spherical_harmonics(maxwell_pair(1e-3), -1e-4, 3)
    with pytest.raises(TypeError, match="coil"):
        spherical_harmonics("coil", 1e-4, 3)
    with pytest.raises(ValueError, match="quadrature_degree"):
        spherical_harmonics(maxwell_pair(1e-3), 1e-4, 5, quadrature_degree=3)
