"""Bare vectorized kernels for a circular current loop (no classes, no validation).

Frame: loop of radius R in the z = 0 plane centred at the origin, current counter-clockwise
seen from +z (B_z > 0 at the centre for positive current). Per ampere, SI units.

Notation: rho = sqrt(x^2 + y^2), alpha^2 = (R - rho)^2 + z^2, beta^2 = (R + rho)^2 + z^2,
kc = alpha / beta, k^2 = 1 - kc^2 = 4 R rho / beta^2, Delta^2 = cos^2 phi + kc^2 sin^2 phi.
Bulirsch's complete elliptic integral (Bulirsch, Numer. Math. 13, 305 (1969))::

    cel(kc, p, a, b) = int_0^{pi/2} (a cos^2 + b sin^2) / ((cos^2 + p sin^2) Delta) dphi

The textbook fields (Smythe, Static and Dynamic Electricity, sec. 7.10; Jackson eq. 5.37)
in terms of K and E cancel catastrophically near the axis and far away (Ortner, Leitner &
Slanovc, Magnetism 3, 11 (2023)). Rewriting their brackets as single integrals gives
(derivation: combine -K + c E, etc. under one integral using E = int Delta, K = int 1/Delta,
then factor)::

    A_phi = mu0 I R / (pi beta) * cel(kc, 1, -1, 1)
    B_rho = mu0 I R z / (pi beta^3) * cel(kc, 1, 1/kc^2, -1)
    B_z   = mu0 I / (2 pi beta) * cel(kc, 1, 2R(R - rho)/alpha^2, 2R(R + rho)/beta^2)

The first two still cancel inside the integrand near the axis (their values are O(k^2)
while the integrand is O(1)). Bulirsch's algorithm takes p = 1 and maps (a, b) in its first
step to (a + b, 2 (b + a kc)); for these two integrals that step is done analytically with
the exact 1 - kc = 4 R rho / (beta (alpha + beta)) and k^2 = 4 R rho / beta^2, i.e.

    cel(kc, 1, -1, 1):      (a1, b1) = (0, 2 (1 - kc))
    cel(kc, 1, 1/kc^2, -1): (a1, b1) = (k^2 / kc^2, 2 (1 - kc) / kc)

after which every quantity in the recursion is non-negative, so no cancellation remains:
full double precision down to rho = 0 (where B_rho / rho is evaluated in the divided form
(a1, b1) / k^2, exact on the axis). B_z keeps a genuine sign change outside the loop (its
value crosses zero there) and loses ~log10(r/R) digits in the far field off the axis; beyond
``FAR_RATIO`` = 1e9 radii the point-dipole form replaces it (exact to rounding there, and free
of overflow up to the largest representable distances). All lengths are first scaled by a
power of two that brings the radius to [0.5, 1) (exact), so loops of 1e-300 m to 1e300 m work.

Jacobian: dB/dr by the complex-step derivative f'(x) = Im f(x + i h) / h (Squire & Trapp,
SIAM Rev. 40, 110 (1998)), which has no subtractive cancellation and is exact to rounding for
h = 1e-30 R because every step above is analytic; applied to (B_rho / rho, B_z)(rho, z) and
mapped to Cartesian components with the chain rule (B_rho / rho taken analytically on axis).

Inside-conductor rule (as for segments): with wire radius ``a > 0`` and alpha < a (alpha is
the distance to the loop's centre line), B and J are those of the filament times
(alpha/a)^2 (product rule for J); A is its value on the conductor surface along the same
direction plus mu0 I/(4 pi) (1 - alpha^2/a^2) along phi (the straight-wire interior
solution). For a filament (a = 0) a point exactly on the circle gets B = 0, A = 0, J = 0.
"""

from __future__ import annotations

import functools

import numpy as np

from coildesign._constants import mu_0

CEL_TOLERANCE = 1e-8  # AGM convergence (quadratic: final relative error ~1e-16)
CEL_MAX_ITER = 40
# steps run on every element: points farther than ~0.17 radii from the wire (kc > 0.085) need
# at most 4, the rest are finished alone (_cel_after_first_step); 3 measured slower
CEL_BULK_STEPS = 4
FAR_RATIO = 1e9  # beyond this many radii the dipole form is exact to rounding (octupole/dipole < 1e-17)


def _cel_iterations(kc_min: float) -> int:
    """Number of recursion steps ``_cel_after_first_step`` needs for its slowest element,
    found by running the AGM part of the recursion (em, qc) on the smallest kc alone: the
    convergence test compares the scaled arithmetic and geometric means of (1, kc), whose
    ratio after every step (2 sqrt(x) / (1 + x), increasing in x on (0, 1]) increases with
    kc, so the smallest kc of a set converges last. NaN: no steps (the NaN propagates)."""
    if not abs(1.0 - kc_min) > CEL_TOLERANCE:
        return 0
    em = 1.0 + kc_min
    qc = 2.0 * np.sqrt(kc_min)
    e = qc * em
    for n in range(1, CEL_MAX_ITER + 1):
        gap = em - qc
        em += qc
        if not abs(gap) > (em - qc) * CEL_TOLERANCE:
            return n
        qc = 2.0 * np.sqrt(e)
        e = qc * em
    raise RuntimeError("Bulirsch cel did not converge")


@functools.cache
def _cel_kc_bound(steps: int) -> float:
    """Smallest kc that converges within ``steps`` steps (``_cel_iterations``, increasing in
    kc), by bisection to the last bit; elements with kc at least this are converged."""
    lo, hi = 0.0, 1.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            return hi
        lo, hi = (lo, mid) if _cel_iterations(mid) <= steps else (mid, hi)


def _cel_after_first_step(kc, a, b):
    """Finish Bulirsch's cel(kc, 1, a, b) for several (a1, b1) pairs given after the first
    step, with a shared kc: ``a`` and ``b`` are stacked as (n_pairs, *kc.shape) and are
    overwritten; arrays may be complex (complex-step derivatives). Returns the integrals
    stacked the same way.

    The recursion is Bulirsch's (Numer. Math. 13, 305 (1969), algorithm cel2, p = 1)::

        g = e / p;  (a, b) <- (a + b / p, 2 (b + a g));  p <- p + g;  em <- em + qc;
        [converged if |em_old - qc| <= em_old CEL_TOLERANCE]  qc <- 2 sqrt(e);  e <- qc em;
        cel = pi/2 (b + a em) / (em (em + p))

    Without per-step tests: every element runs ``CEL_BULK_STEPS`` steps or, if fewer, the
    number its slowest element needs (``_cel_iterations`` on the smallest real part of kc,
    the same convergence test); iterating a converged element further is an exact
    transformation of its integral (measured: changes < 1e-15), cheaper than masking. The
    few elements still unconverged after ``CEL_BULK_STEPS`` steps (kc below
    ``_cel_kc_bound``) are gathered and finished alone. The divisions by p use one
    reciprocal per step.
    """
    shape = np.shape(kc)
    kc = np.ravel(kc)
    a, b = a.reshape(-1, kc.size), b.reshape(-1, kc.size)
    steps = _cel_iterations(float(np.fmin.reduce(np.real(kc)))) if kc.size else 0
    bulk = min(steps, CEL_BULK_STEPS)
    p = 1.0 + kc
    em = p.copy()
    qc = np.sqrt(kc)
    qc *= 2.0
    e = qc * em
    qc, e = _cel_steps(a, b, p, em, qc, e, bulk, advance=False)
    slow = np.flatnonzero(np.real(kc) < _cel_kc_bound(bulk)) if steps > bulk else None
    if slow is not None and slow.size:
        ta, tb, tp, tem = a[:, slow], b[:, slow], p[slow], em[slow]
        more = max(1, _cel_iterations(float(np.fmin.reduce(np.real(kc[slow])))) - bulk)
        _cel_steps(ta, tb, tp, tem, qc[slow], e[slow], more, advance=True)
    result = _cel_final(a, b, p, em)
    if slow is not None and slow.size:
        result[:, slow] = _cel_final(ta, tb, tp, tem)
    return result.reshape((-1,) + shape)


def _cel_steps(a, b, p, em, qc, e, steps, advance):
    """``steps`` steps of ``_cel_after_first_step``'s recursion, in place; ``advance``: the
    AGM update (qc, e) of the previous step is still to be done. Returns (qc, e)."""
    rp = np.empty_like(p)
    g = np.empty_like(p)
    step = np.empty_like(b)
    ag = np.empty_like(b)
    for n in range(steps):
        if advance or n:
            np.sqrt(e, out=e)
            e *= 2.0  # the next qc
            qc, e = e, qc
            np.multiply(qc, em, out=e)
        np.divide(1.0, p, out=rp)
        np.multiply(e, rp, out=g)
        np.multiply(b, rp, out=step)
        np.multiply(a, g, out=ag)
        b += ag
        b *= 2.0
        a += step
        p += g
        em += qc
    return qc, e


def _cel_final(a, b, p, em):
    """pi/2 (b + a em) / (em (em + p)) for the stacked pairs, in place in ``a`` and ``p``."""
    p += em
    p *= em
    np.divide(0.5 * np.pi, p, out=p)
    a *= em
    a += b
    a *= p
    return a


def bulirsch_cel(kc, p, a, b):
    """Bulirsch's generalized complete elliptic integral cel(kc, p, a, b) for p > 0 (vectorized).

    Reference implementation of the recursion (Bulirsch 1969, algorithm "cel2"); the loop
    kernels use the same recursion with their first step done analytically.
    """
    kc, p, a, b = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (kc, p, a, b)))
    if np.any(p <= 0):
        raise ValueError(f"Input p must be > 0; instead received min {p.min()}.")
    kc = np.abs(kc)
    ps = np.sqrt(p)
    b = b / ps
    a1 = a + b / ps
    g = kc / ps
    b1 = 2.0 * (b + a * g)
    p1 = g + ps
    # continue with the shared recursion (its first step was for p = 1: redo generally)
    em = 1.0 + kc
    qc = 2.0 * np.sqrt(kc)
    e = qc * em
    aa, bb, pp = a1, b1, p1
    active = np.abs(1.0 - kc) > CEL_TOLERANCE
    for _ in range(CEL_MAX_ITER):
        if not np.any(active):
            break
        f = aa
        aa = np.where(active, aa + bb / pp, aa)
        gg = e / pp
        bb = np.where(active, 2.0 * (bb + f * gg), bb)
        pp = np.where(active, gg + pp, pp)
        g_old = em
        em = np.where(active, em + qc, em)
        still = active & (np.abs(g_old - qc) > g_old * CEL_TOLERANCE)
        qc = np.where(still, 2.0 * np.sqrt(np.where(still, e, 1.0)), qc)
        e = np.where(still, qc * em, e)
        active = still
    else:
        raise RuntimeError("Bulirsch cel did not converge")
    return 0.5 * np.pi * (bb + aa * em) / (em * (em + pp))


def _cylindrical(rho, z, radius, need_a=False):
    """(B_rho / rho, B_z[, A_phi]) per ampere of a filament loop; rho, z may be complex."""
    return _cylindrical_from(rho, z, radius, *_loop_distances(rho, z, radius), need_a=need_a)


def _loop_distances(rho, z, r):
    """(R - rho, R + rho, alpha^2, beta^2) in the notation of the module docstring."""
    z2 = z * z
    dm = r - rho
    dp = r + rho
    return dm, dp, dm * dm + z2, dp * dp + z2


def _cylindrical_from(rho, z, r, dm, dp, alpha2, beta2, need_a=False, scale=1.0):
    """``_cylindrical`` given ``_loop_distances``, the fields multiplied by ``scale``."""
    alpha = np.sqrt(alpha2)
    beta = np.sqrt(beta2)
    kc = alpha / beta
    a0 = 2.0 * r * dm / alpha2
    b0 = 2.0 * r * dp / beta2
    n_pairs = 3 if need_a else 2
    dtype = np.result_type(kc, float)
    a = np.empty((n_pairs,) + kc.shape, dtype)
    b = np.empty((n_pairs,) + kc.shape, dtype)
    np.divide(beta2, alpha2, out=a[0, ...])  # cel(kc,1,1/kc^2,-1) / k^2 after its first step
    np.divide(2.0 * beta2, (alpha + beta) * alpha, out=b[0, ...])
    np.add(a0, b0, out=a[1, ...])  # B_z integral
    np.multiply(a0, kc, out=b[1, ...])
    b[1, ...] += b0
    b[1, ...] *= 2.0
    if need_a:  # cel(kc,1,-1,1): (a1, b1) = (0, 2 (1 - kc))
        a[2, ...] = 0.0
        np.divide(8.0 * r * rho, beta * (alpha + beta), out=b[2, ...])
    cels = _cel_after_first_step(kc, a, b)
    b_rho_over_rho = (4.0 * mu_0 / np.pi * scale) * r * r * z / (beta2 * beta2 * beta) * cels[0]
    b_z = (mu_0 / (2.0 * np.pi) * scale) * cels[1] / beta
    if need_a:
        return b_rho_over_rho, b_z, mu_0 * r / (np.pi * beta) * cels[2]
    return b_rho_over_rho, b_z


def _geometry(x, y, z, radius, wire_radius):
    """Inputs scaled by a power of two s (exact) that brings the radius to [0.5, 1), so that
    loops of any size (1e-300 m to 1e300 m) are evaluated without under- or overflow; points
    farther than ``FAR_RATIO`` radii are marked for the dipole form. Returns the scaled
    coordinates and the scale s: B scales as 1/length (multiply by s), A is scale-free,
    dB/dr scales as 1/length^2 (multiply by s^2)."""
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    radius = np.asarray(radius, dtype=float)
    s = np.ldexp(1.0, -np.frexp(radius)[1])
    with np.errstate(over="ignore"):
        x, y, z = x * s, y * s, z * s  # inf for points beyond the range: far, dipole form
    radius = radius * s
    wire_radius = np.asarray(wire_radius, dtype=float) * s
    far = np.maximum(np.maximum(np.abs(x), np.abs(y)), np.abs(z)) > FAR_RATIO
    if far.any():  # evaluated by the dipole form; a harmless stand-in keeps the elliptic part finite
        x, y, z = np.where(far, 2.0, x), np.where(far, 0.0, y), np.where(far, 0.0, z)
    rho = np.sqrt(x * x + y * y)
    dist = np.sqrt((rho - radius) ** 2 + z * z)  # distance to the loop's centre line
    inside = dist < wire_radius
    on_filament = dist == 0.0
    return x, y, z, radius, wire_radius, rho, dist, inside, on_filament, s, far


def _dipole(x, y, z, s, radius, need_jacobian=False):
    """Far field of the loop as a point dipole m = pi R^2 (per ampere) along z, at unscaled
    points (x, y, z) for the length scale ``s`` and scaled ``radius`` of ``_geometry``;
    evaluated with coordinates divided by q = max(|x|, |y|, |z|) so nothing overflows; at
    distances over ``FAR_RATIO`` radii the neglected octupole terms are below ~(R/r)^2 = 1e-18
    relative (Jackson, Classical Electrodynamics, eqs. 5.56 and 5.32). Returns (B, A) tuples
    in scaled units, or the Jacobian rows (3 x 3) when ``need_jacobian``."""
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    q = np.maximum(np.maximum(np.abs(x), np.abs(y)), np.abs(z))
    q = np.where(q > 0, q, 1.0)
    xs, ys, zs = x / q, y / q, z / q
    with np.errstate(over="ignore"):
        q = q * s  # may overflow to inf: the field then underflows to 0, as it should
    r2 = xs * xs + ys * ys + zs * zs
    k = mu_0 / 4.0 * radius * radius  # mu0 m / (4 pi) with m = pi R^2
    if need_jacobian:
        c = k / q / q / q / q  # successive divisions underflow gracefully, never overflow
        r5, r7 = r2 * r2 * np.sqrt(r2), r2 * r2 * r2 * np.sqrt(r2)
        rv = (xs, ys, zs)
        return tuple(tuple(c * (3.0 * ((j == 2) * rv[i] + zs * (i == j) + (i == 2) * rv[j]) / r5
                                - 15.0 * zs * rv[i] * rv[j] / r7) for j in range(3)) for i in range(3))
    c = k / q / q / q
    r3, r5 = r2 * np.sqrt(r2), r2 * r2 * np.sqrt(r2)
    b = (c * 3.0 * zs * xs / r5, c * 3.0 * zs * ys / r5, c * (3.0 * zs * zs / r5 - 1.0 / r3))
    ca = k / q / q
    a = (-ca * ys / r3, ca * xs / r3, np.zeros_like(xs))
    return b, a


def _safe(v, bad, fill):
    """v with ``bad`` entries replaced by ``fill`` before evaluation (avoids 0/0)."""
    return np.where(bad, fill, v)


def _field_regular(x, y, z, radius, wire_radius):
    """``loop_field`` when no point is far (``FAR_RATIO``), on the filament or inside the
    conductor and the radius is within 2^+-900 m (so that no scaled product over- or
    underflows); else None. The same formulas, with the geometry computed once."""
    x, y, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, y, z)))
    radius = np.asarray(radius, dtype=float)
    s = np.ldexp(1.0, -np.frexp(radius)[1])
    if not (x.ndim and x.size and np.all(s > 2.0**-900) and np.all(s < 2.0**900)):
        return None
    with np.errstate(over="ignore", invalid="ignore"):  # far or non-finite points: general path
        x, y, z = x * s, y * s, z * s
        radius = radius * s
        rho = x * x
        rho += y * y
        np.sqrt(rho, out=rho)
        dm, dp, alpha2, beta2 = _loop_distances(rho, z, radius)
    if not np.max(beta2) <= FAR_RATIO**2:  # rho^2 + z^2 <= beta^2: no point is far; NaN, inf: general path
        return None
    wire2 = np.square(np.asarray(wire_radius, dtype=float) * s)
    if not np.min(alpha2) > 0.0 or (np.any(wire2 > 0.0) and np.any(alpha2 < wire2)):
        return None
    brr, bz = _cylindrical_from(rho, z, radius, dm, dp, alpha2, beta2, scale=s)
    x *= brr
    y *= brr
    return x, y, bz


def loop_field(x, y, z, radius, wire_radius=0.0):
    """B per ampere [T/A] of the loop at points (x, y, z) [m] (local frame); returns (bx, by, bz)."""
    regular = _field_regular(x, y, z, radius, wire_radius)
    if regular is not None:
        return regular
    x0, y0, z0 = x, y, z
    x, y, z, radius, wire_radius, rho, dist, inside, on, s, far = _geometry(x, y, z, radius, wire_radius)
    special = bool(inside.any() or on.any())
    with np.errstate(divide="ignore", invalid="ignore"):
        if special:
            rho, z = _safe(rho, on, 0.0), _safe(z, on, 0.0)
        brr, bz = _cylindrical(rho, z, radius)
        scale = 1.0
        if special:
            scale = np.where(inside, dist**2 / np.where(wire_radius > 0, wire_radius, 1.0) ** 2, 1.0)
            scale = np.where(on, 0.0, scale)
        b = (brr * x * scale * s, brr * y * scale * s, bz * scale * s)
    if far.any():
        bd, _ = _dipole(x0, y0, z0, s, radius)
        b = tuple(np.where(far, bdk * s, bk) for bdk, bk in zip(bd, b))
    return b


def loop_vector_potential(x, y, z, radius, wire_radius=0.0):
    """A per ampere [T m/A] of the loop (Coulomb gauge, azimuthal); returns (ax, ay, az)."""
    x0, y0, z0 = x, y, z
    x, y, z, radius, wire_radius, rho, dist, inside, on, s, far = _geometry(x, y, z, radius, wire_radius)
    with np.errstate(divide="ignore", invalid="ignore"):
        # inside the conductor evaluate on the surface along the same direction from the centre line
        direction_r = np.where(dist > 0, (rho - radius) / np.where(dist > 0, dist, 1.0), 1.0)
        direction_z = np.where(dist > 0, z / np.where(dist > 0, dist, 1.0), 0.0)
        rho_e = np.where(inside, radius + wire_radius * direction_r, rho)
        z_e = np.where(inside, wire_radius * direction_z, z)
        bad = on & ~inside
        _, _, a_phi = _cylindrical(_safe(rho_e, bad, 0.0), _safe(z_e, bad, 0.0), radius, need_a=True)
        a_phi = a_phi + np.where(inside, mu_0 / (4 * np.pi) * (1.0 - dist**2 / np.where(
            wire_radius > 0, wire_radius, 1.0) ** 2), 0.0)
        a_phi = np.where(bad, 0.0, a_phi)
        cos_p = np.where(rho > 0, x / np.where(rho > 0, rho, 1.0), 1.0)
        sin_p = np.where(rho > 0, y / np.where(rho > 0, rho, 1.0), 0.0)
    a = (-a_phi * sin_p, a_phi * cos_p, np.zeros_like(a_phi))
    if far.any():
        _, ad = _dipole(x0, y0, z0, s, radius)
        a = tuple(np.where(far, adk, ak) for adk, ak in zip(ad, a))
    return a


def loop_field_jacobian(x, y, z, radius, wire_radius=0.0):
    """dB_i/dx_j per ampere [T/(m A)] of the loop; nested 3x3 tuple of arrays (local frame)."""
    x0, y0, z0 = x, y, z
    x, y, z, radius, wire_radius, rho, dist, inside, on, s, far = _geometry(x, y, z, radius, wire_radius)
    h = 1e-30 * radius
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rho_s = _safe(rho, on, 0.0)
        z_s = _safe(z, on, 0.0)
        f_r, bz_r = _cylindrical(rho_s + 1j * h, z_s.astype(complex), radius)
        f_z, bz_z = _cylindrical(rho_s.astype(complex), z_s + 1j * h, radius)
        f = np.real(f_z)  # B_rho / rho
        bz = np.real(f_z * 0 + bz_z)
        df_drho, df_dz = np.imag(f_r) / h, np.imag(f_z) / h
        dbz_drho, dbz_dz = np.imag(bz_r) / h, np.imag(bz_z) / h
        # B_x = f x, B_y = f y; d/dx_j f = df/drho * x_j/rho (j = x, y), d f/dz
        ux = np.where(rho > 0, x / np.where(rho > 0, rho, 1.0), 0.0)
        uy = np.where(rho > 0, y / np.where(rho > 0, rho, 1.0), 0.0)
        grad_f = (df_drho * ux, df_drho * uy, df_dz)
        grad_bz = (dbz_drho * ux, dbz_drho * uy, dbz_dz)
        jac = [
            [f + x * grad_f[0], x * grad_f[1], x * grad_f[2]],
            [y * grad_f[0], f + y * grad_f[1], y * grad_f[2]],
            [grad_bz[0], grad_bz[1], grad_bz[2]],
        ]
        b = (f * x, f * y, bz)
        a2 = np.where(wire_radius > 0, wire_radius, 1.0) ** 2
        scale = np.where(inside, dist**2 / a2, 1.0)
        # grad(dist^2) = 2 (r - closest point) = 2 ((rho - R) u_rho + z e_z)
        gs = (2.0 * (rho - radius) * ux / a2, 2.0 * (rho - radius) * uy / a2, 2.0 * z / a2)
        out = []
        for i in range(3):
            row = []
            for j in range(3):
                v = np.where(inside, scale * jac[i][j] + b[i] * gs[j], jac[i][j])
                row.append(np.where(on, 0.0, v) * s * s)
            out.append(tuple(row))
    if far.any():
        jd = _dipole(x0, y0, z0, s, radius, need_jacobian=True)
        with np.errstate(over="ignore"):
            out = [tuple(np.where(far, jd[i][j] * s * s, out[i][j]) for j in range(3)) for i in range(3)]
    return tuple(out)
