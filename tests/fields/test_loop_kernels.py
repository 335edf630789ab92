"""Circular-loop kernels against 50-digit references and physical laws."""

import mpmath as mp
import numpy as np
import pytest
from scipy.constants import mu_0
from scipy.special import ellipe, ellipk, ellipkm1

import coildesign as cd
from coildesign.fields import loop_kernels as lk
from tests.conftest import curl_of_vector_potential

R = 1e-3


def textbook(rho, z, radius=R):
    """B_rho, B_z of a loop (Smythe sec. 7.10 / Jackson eq. 5.37 with K, E), in 50 digits:
    B_rho = mu0 I z / (2 pi rho beta) [-K + (R^2 + rho^2 + z^2)/alpha^2 E],
    B_z   = mu0 I / (2 pi beta) [K + (R^2 - rho^2 - z^2)/alpha^2 E], m = k^2 = 4 R rho / beta^2."""
    with mp.workdps(50):
        rho, z, a = mp.mpf(rho), mp.mpf(z), mp.mpf(radius)
        alpha2 = (a - rho) ** 2 + z**2
        beta2 = (a + rho) ** 2 + z**2
        m = 4 * a * rho / beta2
        kk, ee = mp.ellipk(m), mp.ellipe(m)
        c = mp.mpf(mu_0) / (2 * mp.pi * mp.sqrt(beta2))
        bz = c * (kk + (a**2 - rho**2 - z**2) / alpha2 * ee)
        brho = c * z / rho * (-kk + (a**2 + rho**2 + z**2) / alpha2 * ee) if rho != 0 else mp.mpf(0)
        return float(brho), float(bz)


def test_cel_reproduces_k_and_e():
    """cel(kc,1,1,1) = K(k), cel(kc,1,1,kc^2) = E(k) (Bulirsch 1969)."""
    kc = np.array([1e-6, 0.1, 0.5, 0.9, 0.999999, 1.0])
    m = 1 - kc**2
    # K(m), 1-m = kc^2
    np.testing.assert_allclose(lk.bulirsch_cel(kc, 1.0, 1.0, 1.0), ellipkm1(kc**2), rtol=1e-14, atol=0)
    np.testing.assert_allclose(lk.bulirsch_cel(kc, 1.0, 1.0, kc**2), ellipe(m), rtol=1e-14, atol=0)
    with pytest.raises(ValueError, match="Input p"):
        lk.bulirsch_cel(0.5, -1.0, 1.0, 1.0)


@pytest.mark.parametrize("rho_over_r", [1e-12, 1e-9, 1e-6, 1e-3, 0.3, 0.9, 0.999, 1.001, 2.0, 10.0])
@pytest.mark.parametrize("z_over_r", [0.0, 1e-3, 0.5, 3.0])
def test_loop_field_against_50_digit_reference(rho_over_r, z_over_r):
    """Full double precision near the axis (where the K/E form loses all digits) and
    elsewhere; B_z in the plane outside the loop changes sign, so it is compared against the
    field's magnitude scale there."""
    rho, z = rho_over_r * R, z_over_r * R
    brho, bz = textbook(rho, z)
    bx, by, bz_ = lk.loop_field(rho, 0.0, z, R)
    scale = np.hypot(brho, bz)
    assert by == 0.0
    assert abs(bx - brho) <= 2e-14 * abs(brho) + 1e-15 * scale
    assert abs(bz_ - bz) <= 2e-14 * abs(bz) + 1e-14 * scale * (rho_over_r > 1)


def test_on_axis_closed_form_and_far_dipole():
    """B_z(0,0,z) = mu0 I R^2 / (2 (R^2+z^2)^1.5) (Jackson eq. 5.40); far away the field is
    that of the dipole m = I pi R^2: B = mu0/(4 pi) (3 (m.r) r/r^5 - m/r^3)."""
    z = np.array([0.0, 1e-6, 1e-3, 1.0, 1e3]) * R
    np.testing.assert_allclose(lk.loop_field(0 * z, 0 * z, z, R)[2], mu_0 * R**2 / (2 * (R**2 + z**2) ** 1.5),
                               rtol=1e-15, atol=0)  # atol=0: the fields are ~1e-4..1e-13 T/A
    r = 1e4 * R * np.array([0.6, 0.0, 0.8])
    b = np.array(lk.loop_field(*r, R))
    m = np.array([0, 0, np.pi * R**2])
    dip = mu_0 / (4 * np.pi) * (3 * (m @ r) * r / np.linalg.norm(r) ** 5 - m / np.linalg.norm(r) ** 3)
    assert np.allclose(b, dip, rtol=1e-7, atol=1e-7 * np.abs(dip).max())


def test_against_magpylib_circle():
    magpylib = pytest.importorskip("magpylib")
    pts = np.random.default_rng(3).uniform(-3 * R, 3 * R, (20000, 3))
    coil = cd.Coil.from_loop(R, center=(1e-4, -2e-4, 3e-4), normal=(0.3, -0.2, 0.9))
    ours = cd.field(coil, pts, current=2.0)
    peer = cd.to_magpylib(coil, 2.0).getB(pts)
    rel = np.linalg.norm(ours - peer, axis=1) / np.linalg.norm(peer, axis=1)
    assert rel.max() < 1e-12
    assert isinstance(cd.to_magpylib(coil), magpylib.Collection)


def test_jacobian_exact_on_axis_and_against_differences():
    """dB/dr by complex step: divergence-free, curl-free (symmetric), equal to central
    differences; on the axis dBz/dz = -3 mu0 R^2 z / (2 (R^2+z^2)^2.5) and
    dBx/dx = dBy/dy = -dBz/dz / 2 exactly."""
    z = 0.4 * R
    jac = cd.field_jacobian(cd.Coil.from_loop(R), [0, 0, z])[0]
    dbz = -3 * mu_0 * R**2 * z / (2 * (R**2 + z**2) ** 2.5)
    assert jac[2, 2] == pytest.approx(dbz, rel=1e-14, abs=0)
    assert jac[0, 0] == pytest.approx(-dbz / 2, rel=1e-14, abs=0)
    assert jac[1, 1] == pytest.approx(-dbz / 2, rel=1e-14, abs=0)
    coil = cd.Coil.from_loop(R, normal=(1, 1, 0.5), wire_diameter=1e-5)
    pts = np.random.default_rng(0).uniform(-2 * R, 2 * R, (200, 3))
    jac = cd.field_jacobian(coil, pts)
    h = 1e-9
    fd = np.stack([(cd.field(coil, pts + h * e) - cd.field(coil, pts - h * e)) / (2 * h) for e in np.eye(3)],
                  axis=-1)
    scale = np.abs(jac).max(axis=(1, 2))[:, None, None]
    assert np.abs(jac - fd).max(axis=(1, 2)).max() / scale.min() < 1e-5
    assert (np.abs(np.trace(jac, axis1=1, axis2=2)) / scale[:, 0, 0]).max() < 1e-13
    assert (np.abs(jac - jac.transpose(0, 2, 1)) / scale).max() < 1e-13


def test_curl_of_vector_potential_is_field():
    """curl A = B (central differences of the analytic A)."""
    coil = cd.Coil.from_loop(R, normal=(0.2, 0.1, 1.0))
    p = np.array([0.3e-3, -0.5e-3, 0.2e-3])
    np.testing.assert_allclose(curl_of_vector_potential(coil, p, 1e-8), cd.field(coil, p)[0], rtol=1e-6, atol=0)


def test_vector_potential_textbook_value():
    """A_phi = mu0 I / (pi k) sqrt(R/rho) [(1 - k^2/2) K - E] (Jackson eq. 5.37) at a point
    where the textbook form is well conditioned."""
    rho, z = 0.7 * R, 0.4 * R
    m = 4 * R * rho / ((R + rho) ** 2 + z**2)
    k = np.sqrt(m)
    a_phi = mu_0 / (np.pi * k) * np.sqrt(R / rho) * ((1 - m / 2) * ellipk(m) - ellipe(m))
    assert lk.loop_vector_potential(rho, 0.0, z, R)[1] == pytest.approx(a_phi, rel=1e-13, abs=0)


def test_on_and_inside_the_conductor():
    """Inside-conductor rule: B scaled by (d/a)^2 inside the wire, continuous at its surface,
    zero on a filament; nothing is NaN or inf anywhere (centre, axis, on the wire)."""
    a = 2e-5
    pts = np.array([[R, 0, 0], [R + 0.5 * a, 0, 0], [R + a * (1 - 1e-12), 0, 0], [R + a, 0, 0], [0, 0, 0],
                    [0, 0, 5 * R], [R, 0, 1e-15]])
    wire = cd.Coil.from_loop(R, wire_diameter=2 * a)
    fil = cd.Coil.from_loop(R)
    for coil in (wire, fil):
        for fn in (cd.field, cd.vector_potential, cd.field_jacobian):
            assert np.isfinite(fn(coil, pts)).all()
    bw, bf = cd.field(wire, pts), cd.field(fil, pts)
    assert (bw[0] == 0).all() and (bf[0] == 0).all()  # the rule: exactly zero on the filament
    np.testing.assert_allclose(bw[1], bf[1] * 0.25, rtol=1e-13, atol=0)
    np.testing.assert_allclose(bw[2], bw[3], rtol=1e-9, atol=0)
    aw = cd.vector_potential(wire, pts)
    assert aw[1, 1] > aw[3, 1] > 0  # the interior potential rises towards the centre line


def test_regular_path_tail_steps_and_threads_agree(monkeypatch):
    """The fast path for regular points (no far, on-wire or inside points), the cel steps
    finished apart for slow elements (points near the wire) and two threads reproduce the
    general path, all-steps cel and one thread to rounding."""
    rng = np.random.default_rng(3)
    pts = rng.uniform(-3 * R, 3 * R, (3000, 3))
    pts[:50] = [R, 0, 0] + rng.normal(0, 1e-6 * R, (50, 3))  # kc ~ 1e-6: 6 cel steps
    regular = np.array(lk.loop_field(*pts.T, R))
    general = np.array(lk.loop_field(*np.c_[pts.T, [1e12 * R, 0, 0]], R))[:, :-1]  # a far point: general path
    scale = np.abs(regular).max(axis=0)
    assert np.all(np.abs(regular - general) <= 1e-15 * scale)
    monkeypatch.setattr(lk, "CEL_BULK_STEPS", lk.CEL_MAX_ITER)
    all_steps = np.array(lk.loop_field(*pts.T, R))
    assert np.all(np.abs(regular - all_steps) <= 2e-15 * scale)
    monkeypatch.undo()
    coil = cd.Coil.from_loop(R, normal=(0.2, 0.1, 1.0))
    one = cd.field(coil, pts, threads=1)
    assert np.array_equal(cd.field(coil, pts, threads=2, chunk_points=700), one)


def test_blocks_of_one_loop_accumulate():
    """A Helmholtz pair with a straight lead (segments first, then one loop per block, blocks
    added) equals the sum of its parts evaluated alone."""
    pts = np.random.default_rng(4).uniform(-2 * R, 2 * R, (20_000, 3))
    lower, upper = cd.Coil.from_loop(R, center=(0, 0, -R / 2)), cd.Coil.from_loop(R, center=(0, 0, R / 2))
    lead = cd.Coil.from_polyline([[2 * R, 0, 0], [3 * R, 0, 0]])
    parts = sum(cd.field(c, pts, threads=1) for c in (lower, upper, lead))
    both = cd.field(lower + upper + lead, pts, threads=1)
    assert np.all(np.abs(both - parts) <= 1e-14 * np.abs(parts).max())
