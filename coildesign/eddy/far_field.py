"""The shells' field at points that lie in a ball clear of the shells: the Biot-Savart kernel of
every face through one local (regular solid harmonic) expansion about the ball's centre.

``StreamFunctionOperators.field_operator`` sums the Biot-Savart kernel over a Gauss rule on
every face for every point (M x F x n^2 kernel evaluations). When the points lie in a ball
|r - c| <= rho and every quadrature point r' of the shells lies outside the sphere
|r' - c| = R > rho, the kernel separates (Laplace's expansion with the addition theorem of the
Legendre polynomials; Jackson, Classical Electrodynamics, 3rd ed., eqs. 3.38, 3.68 and 3.70):

    1/|r - r'| = sum_{l >= 0} sum_{m=0}^{l} eps_m Re[Q_lm(r) conj(Q_lm(r'))] / |r'|^(2l+1),

with coordinates about c, eps_0 = 1, eps_m = 2 (m > 0), and the regular solid harmonics
Q_lm(r) = |r|^l N_l^m(cos theta) e^(i m phi), N_l^m = sqrt((l - m)!/(l + m)!) P_l^m (Schmidt
semi-normalised, |N_l^m| <= 1; the Condon-Shortley phase, if used, cancels in the product).
Q_lm/|r|^(2l+1) = Q_lm(r/|r|^2)/|r| (Kelvin inversion) keeps every term bounded. The
recurrences (from the three-term recurrence of P_l^m, Abramowitz & Stegun 8.5.3, and
P_m^m = (2m - 1)!! sin^m theta):

    Q_00 = 1,  Q_mm = sqrt((2m - 1)/(2m)) (x + i y) Q_{m-1,m-1},
    Q_{l+1,m} = [(2l + 1) z Q_lm - sqrt((l + m)(l - m)) |r|^2 Q_{l-1,m}] / sqrt((l + 1)^2 - m^2);

the gradients follow by differentiating the recurrences (product rule). With real features
Phi_k(r) = sqrt(eps_m) (Re, Im) Q_lm(r) and Psi_k(r') = sqrt(eps_m) (Re, Im) Q_lm(r')/|r'|^(2l+1),
the face kernel of ``surfaces.operators`` becomes

    G_t(r) = mu0/(4 pi) sum_q w_q (r - r_q)/|r - r_q|^3 = -mu0/(4 pi) grad_r sum_q w_q / |r - r_q|
           ~ -mu0/(4 pi) sum_k grad Phi_k(r) T_kt,     T_kt = sum_q w_q Psi_k(r_q),

and the field of face currents J_t (per mode) B = sum_t J_t x G_t costs (L + 1)^2 features per
point and per face instead of F per point.

Truncation bound (degree L). The terms of degree l are h_l(r) = |r|^l P_l(cos gamma)/|r'|^(l+1);
|grad h_l| = |r|^(l-1) sqrt(l^2 P_l^2 + (1 - x^2) P_l'^2)/|r'|^(l+1) <= sqrt(l (l + 1)) |r|^(l-1)/|r'|^(l+1),
since P_l^2 + (1 - x^2) P_l'^2/(l (l + 1)) <= 1 on [-1, 1] (its derivative is
2 x P_l'^2/(l (l + 1)) by Legendre's equation, so it rises from x = 0 to its value 1 at x = 1
and is even; Szego, Orthogonal Polynomials (1939), sec. 7.3). For |r - c| <= rho and a source at
|r' - c| = R' (t' = rho/R' < 1) the kernel's error is therefore at most
sum_{l > L} (l + 1) t'^(l-1)/R'^2 = t'^L [(L + 2) - (L + 1) t'] / ((1 - t')^2 R'^2), and relative to
the kernel's magnitude 1/|r - r'|^2 >= 1/(R' (1 + t'))^2 at most

    e_L(t') = (1 + t')^2 t'^L [(L + 2) - (L + 1) t'] / (1 - t')^2,

which rises with t'. ``expansion_degree`` takes the least L with e_L(t) <= tolerance for
t = rho / min |r_q - c| over all quadrature points: every face's kernel is then within
tolerance x mu0/(4 pi) sum_q w_q / |r - r_q|^2 of the direct Gauss sum on the same points
(``tests/eddy/test_far_field.py`` checks it). The faces' Gauss orders follow
``quadrature.rule_order`` for the distance of each face to the ball (never lower than the
direct operator's, which uses the distance to the nearest point).
"""

from __future__ import annotations

import numpy as np

from coildesign.surfaces import StreamFunctionOperators
from coildesign.surfaces.operators import MU0_4PI
from coildesign.surfaces.quadrature import quadrature_points, rule_order

TRUNCATION = 1e-2
"""The truncation tolerance as a share of the field quadrature's tolerance
(``StreamFunctionOperators.tolerance``): 1e-6 for the shells' 1e-4, so the expansion adds at
most 1 % to the quadrature's error budget."""
MAX_DEGREE = 40
"""Largest expansion degree L; points whose ball needs more (rho/R above ~0.6 at 1e-6) use the
direct kernel."""


def truncation_error(degree: int, ratio: float) -> float:
    """e_L(t): bound on the relative error of the kernel truncated after ``degree`` for
    rho/R = ``ratio`` < 1 (module doc)."""
    t, n = float(ratio), int(degree)
    return (1 + t) ** 2 * t**n * ((n + 2) - (n + 1) * t) / (1 - t) ** 2


def expansion_degree(ratio: float, tolerance: float) -> int | None:
    """Least L with e_L(``ratio``) <= ``tolerance`` (module doc), or None above ``MAX_DEGREE``."""
    if not 0 <= ratio < 1:
        return None
    for n in range(MAX_DEGREE + 1):
        if truncation_error(n, ratio) <= tolerance:
            return n
    return None


def _index(degree: int) -> tuple[np.ndarray, np.ndarray]:
    """(l, m) of the complex harmonics in storage order (m outer, l inner)."""
    lm = [(l, m) for m in range(degree + 1) for l in range(m, degree + 1)]
    return np.array([a for a, _ in lm]), np.array([b for _, b in lm])


def solid_harmonics(points: np.ndarray, degree: int, gradient: bool = False):
    """Q_lm(p) for 0 <= m <= l <= ``degree`` (module doc's recurrences), complex
    (n_lm, N), storage order of ``_index``; with ``gradient`` also dQ_lm/dp (n_lm, 3, N)."""
    x, y, z = (np.ascontiguousarray(points[:, j]) for j in range(3))
    r2 = x * x + y * y + z * z
    w = x + 1j * y
    n = len(x)
    ls, _ = _index(degree)
    q = np.empty((len(ls), n), dtype=complex)
    dq = np.empty((len(ls), 3, n), dtype=complex) if gradient else None
    k = 0
    diag = np.ones(n, dtype=complex)
    ddiag = np.zeros((3, n), dtype=complex)
    for m in range(degree + 1):
        if m > 0:
            a = np.sqrt((2 * m - 1) / (2 * m))
            if gradient:
                ddiag = a * np.stack([diag + w * ddiag[0], 1j * diag + w * ddiag[1], w * ddiag[2]])
            diag = a * w * diag
        q[k] = diag
        if gradient:
            dq[k] = ddiag
        k += 1
        prev2, prev1 = None, diag  # Q_{l-1,m}, Q_{l,m}
        dprev2, dprev1 = None, ddiag
        for l in range(m, degree):  # Q_{l+1,m}
            g = np.sqrt((l + 1) ** 2 - m * m)
            s = np.sqrt((l + m) * (l - m))
            cur = (2 * l + 1) * z * prev1
            if gradient:
                dcur = (2 * l + 1) * z * dprev1
                dcur[2] += (2 * l + 1) * prev1
            if prev2 is not None and s > 0:
                cur = cur - s * r2 * prev2
                if gradient:
                    dcur = dcur - s * (r2 * dprev2 + 2.0 * np.stack([x, y, z]) * prev2)
            cur = cur / g
            q[k] = cur
            if gradient:
                dcur = dcur / g
                dq[k] = dcur
                dprev2, dprev1 = dprev1, dcur
            prev2, prev1 = prev1, cur
            k += 1
    return (q, dq) if gradient else q


def _real(values: np.ndarray, degree: int) -> np.ndarray:
    """Real features sqrt(eps_m) (Re, Im) of complex harmonics (n_lm, ...): Re of every (l, m),
    then Im of those with m > 0 ((degree + 1)^2 rows)."""
    _, ms = _index(degree)
    scale = np.where(ms > 0, np.sqrt(2.0), 1.0).reshape((-1,) + (1,) * (values.ndim - 1))
    pos = ms > 0
    return np.concatenate([values.real * scale, values[pos].imag * scale[pos]])


def irregular_harmonics(points: np.ndarray, degree: int) -> np.ndarray:
    """Q_lm(p)/|p|^(2l+1) (n_lm, N) complex, by Kelvin inversion (module doc); ``points`` about
    the expansion centre, all away from it."""
    r2 = (points * points).sum(axis=1)
    return solid_harmonics(points / r2[:, None], degree) / np.sqrt(r2)


def irregular_features(points: np.ndarray, degree: int) -> np.ndarray:
    """Psi_k(p) ((degree + 1)^2, N): the real features of ``irregular_harmonics`` (module doc)."""
    return _real(irregular_harmonics(points, degree), degree)


def regular_gradients(points: np.ndarray, degree: int) -> np.ndarray:
    """grad Phi_k(p) ((degree + 1)^2, 3, N) of the real regular features (module doc)."""
    _, dq = solid_harmonics(points, degree, gradient=True)
    return _real(dq, degree)


def face_kernel(ops: StreamFunctionOperators, points: np.ndarray, tolerance: float | None = None,
                max_features: int | None = None):
    """The separated face kernel for ``points`` [m] (M, 3), or None when the points' ball is
    not clear enough of the faces' quadrature points (degree above ``MAX_DEGREE``) or the
    expansion needs more than ``max_features`` features.

    Returns (D, T): grad Phi_k at the points (K, 3, M) [1/m] and T (K, F) [m] with
    G_t(r) = -mu0/(4 pi) sum_k D_k(r) T_kt (module doc); ``tolerance`` of the truncation
    (default ``TRUNCATION`` x ``ops.tolerance``)."""
    tol = TRUNCATION * ops.tolerance if tolerance is None else tolerance
    s = ops.surface
    center = 0.5 * (points.min(axis=0) + points.max(axis=0))
    rho = float(np.sqrt(((points - center) ** 2).sum(axis=1).max()))
    corners = s.corners
    size = np.max(np.linalg.norm(corners - np.roll(corners, 1, axis=1), axis=2), axis=1)
    if rho == 0.0:
        rho = 1e-3 * float(size.min())  # a single point: any small ball holds it
    dist = np.linalg.norm(s.centroids - center, axis=1) - rho
    ratio = np.maximum(dist - size / 2, 0.0) / size
    orders = np.array([rule_order(r, ops.tolerance) for r in ratio])
    groups = []
    nearest = np.inf
    for n in np.unique(orders):
        faces = np.flatnonzero(orders == n)
        qp, qw = quadrature_points(corners[faces], int(n))
        rel = (qp.reshape(-1, 3) - center) / rho
        nearest = min(nearest, float(np.sqrt((rel * rel).sum(axis=1).min())))
        groups.append((faces, rel, qw))
    degree = expansion_degree(1.0 / nearest, tol) if nearest > 1.0 else None
    if degree is None:
        return None
    if max_features is not None and (degree + 1) ** 2 > max_features:
        return None
    t = np.empty(((degree + 1) ** 2, len(s.faces)))
    for faces, rel, qw in groups:
        nq = qw.shape[1]
        step = max(1, 2_000_000 // ((degree + 1) ** 2 * nq))
        for lo in range(0, len(faces), step):
            sl = slice(lo, lo + step)
            q = irregular_harmonics(rel[lo * nq:(lo + step) * nq], degree)
            t[:, faces[sl]] = _real((q.reshape(len(q), -1, nq) * qw[sl][None]).sum(axis=2), degree) / rho
    d = regular_gradients((points - center) / rho, degree) / rho
    return d, t


def field_operator(ops: StreamFunctionOperators, points: np.ndarray, coefficients: np.ndarray) -> np.ndarray | None:
    """B [T] (M, 3, n) at ``points`` [m] of the stream functions ``coefficients`` (V, n) [A per
    unit] on ``ops``' surface, through the separated kernel (module doc): the same as
    ``ops.field_operator(points, coefficients)`` to within the truncation bound, or None when
    the points' ball is not clear of the faces or the direct sum is cheaper (fewer points than
    features)."""
    kernel = face_kernel(ops, points, max_features=len(points))
    if kernel is None:
        return None
    d, t = kernel
    z = [t @ np.asarray(c @ coefficients) for c in ops.current_maps]  # (K, n) per component
    out = np.empty((len(points), 3, coefficients.shape[1]))
    for a in range(3):
        b, c = (a + 1) % 3, (a + 2) % 3
        # (J x G)_a = J_b G_c - J_c G_b with G = -mu0/(4 pi) D T
        out[:, a] = -MU0_4PI * (d[:, c, :].T @ z[b] - d[:, b, :].T @ z[c])
    return out
