"""Solid-harmonic expansion of a coil's Bz about a reference sphere (SI units).

Expansion (the form of Siemens gradient coefficient files; Janke et al., Magn. Reson. Med.
52, 115 (2004), eq. 1; Jovicich et al., NeuroImage 30, 436 (2006)): with (r, theta, phi)
spherical coordinates about ``center`` and reference radius R0,

    Bz(r) = sum_{n=0}^{N} sum_{m=0}^{n} (r/R0)^n N_nm P_n^m(cos theta) [A_nm cos m phi + B_nm sin m phi]

where P_n^m is the associated Legendre function *without* the Condon-Shortley phase
(P_1^1 = sin theta) and N_nm a normalisation. A_nm, B_nm are in tesla (at the coil current
given, 1 A by default). Normalisations (``NORMALIZATIONS``):

- "unnormalized": N_nm = 1.
- "schmidt" (Schmidt semi-normalised, the geomagnetic convention): N_n0 = 1,
  N_nm = sqrt(2 (n-m)!/(n+m)!) for m > 0; then A_10 = Gz R0, A_11 = Gx R0, B_11 = Gy R0 for
  the linear gradients (Winch et al., Geophys. J. Int. 160, 487 (2005), eq. 3).
- "full" (4 pi fully normalised, geodesy): N_nm = sqrt((2 - delta_m0) (2n+1) (n-m)!/(n+m)!),
  so each basis function has mean square 1 over the sphere (integral 4 pi over the unit
  sphere; Heiskanen & Moritz, Physical Geodesy (1967) eq. 1-73).
- "gradunwarp": what gradunwarp 1.2.3 evaluates for Siemens files (read from its
  ``siemens_B``): N_n0 = 1, N_nm = sqrt((2n+1) (n-m)! / (2 (n+m)!)) for m > 0. This is not
  Schmidt's normalisation: it is Schmidt x sqrt(2n+1)/2 for m > 0 (e.g. sqrt(3)/2 for the
  transverse linear terms). ``coildesign.export.to_gradunwarp`` writes in this convention so
  that gradunwarp reproduces the field.

Coefficients convert between normalisations as A' = A N_nm / N'_nm.

Fit: Bz is sampled on the sphere r = R0 at a product quadrature, Gauss-Legendre in
cos theta (L + 1 nodes) x uniform in phi (2L + 2 nodes), which integrates every product of
two spherical harmonics of degree <= L exactly (Driscoll & Healy, Adv. Appl. Math. 15, 202
(1994), for the product-grid idea; Gauss-Legendre exactness: Abramowitz & Stegun 25.4.29).
The weighted least-squares fit of degree N <= L is then the orthogonal projection (diagonal
normal equations, computed as such), exact for
a field band-limited to degree L; content above L aliases into the coefficients at the level
of the field's degree-(L+1) content. L defaults to N + 40. Because Bz is harmonic inside the
sphere (source-free region), the coefficients on r = R0 determine Bz everywhere inside
(uniqueness of the interior Dirichlet problem); the residual on the sphere bounds the
truncation error inside (maximum principle).

Full B: Bz = -d(Phi)/dz for a scalar potential Phi with B = -grad Phi. With the complex
regular solid harmonics R_n^m = r^n P_n^m(cos theta) e^{i m phi} (no Condon-Shortley phase)
the ladder identities d/dz R_n^m = (n+m) R_{n-1}^m, (d/dx + i d/dy) R_n^m = -R_{n-1}^{m+1},
(d/dx - i d/dy) R_n^m = (n+m)(n+m-1) R_{n-1}^{m-1} for m >= 1 and, R_n^0 being real,
(d/dx - i d/dy) R_n^0 = -conj(R_{n-1}^1) (Hobson, The Theory of Spherical and
Ellipsoidal Harmonics (1931) ch. III; verified in the tests) give the potential whose z
derivative is the fitted Bz. Potentials independent of z (r^n P_n^n, i.e. Re/Im (x + i y)^n:
uniform transverse fields and their 2-D multipoles) carry no Bz, so a Bz fit cannot see them.
With ``transverse=True`` they are fitted too: a curl- and divergence-free field with Bz = 0
is -grad Re F(x + i y) with F analytic, so Bx - i By = -F'(w); the residual transverse field
on the sphere (coil minus the Bz-derived potential) is fitted by least squares, on the same
quadrature, as Bx - i By = sum_{k=0}^{N} T_k (w/R0)^k, w = x + i y (``transverse_terms``, complex,
[T]). Without it ``field(points, full=True)`` omits these terms.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.fields import field

NORMALIZATIONS = ("schmidt", "full", "unnormalized", "gradunwarp")


def normalization_factors(order: int, normalization: str = "schmidt") -> np.ndarray:
    """(order + 1, order + 1) array of N_nm (row n, column m; 0 where m > n) (module doc)."""
    order = check.positive_int("order", order, minimum=0)
    check.choice("normalization", normalization, NORMALIZATIONS)
    out = np.zeros((order + 1, order + 1))
    for n in range(order + 1):
        for m in range(n + 1):
            ratio = math.factorial(n - m) / math.factorial(n + m)
            if normalization == "unnormalized":
                out[n, m] = 1.0
            elif normalization == "schmidt":
                out[n, m] = 1.0 if m == 0 else math.sqrt(2.0 * ratio)
            elif normalization == "full":
                out[n, m] = math.sqrt((1.0 if m == 0 else 2.0) * (2 * n + 1) * ratio)
            else:  # gradunwarp
                out[n, m] = 1.0 if m == 0 else math.sqrt((2 * n + 1) * ratio / 2.0)
    return out


def convert_coefficients(coefficients: np.ndarray, source: str, target: str) -> np.ndarray:
    """Coefficients (order + 1, order + 1) in normalisation ``source`` expressed in ``target``:
    C' = C N_source / N_target (entries with m > n are returned as 0)."""
    c = np.asarray(coefficients, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        check._fail("coefficients", "a square (order + 1, order + 1) array", c.shape)
    order = c.shape[0] - 1
    ns = normalization_factors(order, source)
    nt = normalization_factors(order, target)
    out = np.zeros_like(c)
    mask = nt > 0
    out[mask] = c[mask] * ns[mask] / nt[mask]
    return out


def solid_harmonics(points: np.ndarray, order: int) -> np.ndarray:
    """Complex regular solid harmonics R_n^m(p) = |p|^n P_n^m(cos theta) e^{i m phi} (no
    Condon-Shortley phase, unnormalised) at dimensionless ``points`` (M, 3): array
    (M, order + 1, order + 1), zero for m > n.

    Recurrences in Cartesian form (exact at the origin): R_m^m = (2m - 1)!! (x + i y)^m,
    R_{m+1}^m = (2m + 1) z R_m^m, (n - m) R_n^m = (2n - 1) z R_{n-1}^m - (n + m - 1) r^2 R_{n-2}^m
    (Abramowitz & Stegun 8.5.3 and 8.6.18 multiplied by r^n)."""
    p = np.asarray(points, dtype=float)
    x, y, z = p[:, 0], p[:, 1], p[:, 2]
    r2 = x * x + y * y + z * z
    w = x + 1j * y
    out = np.zeros((len(p), order + 1, order + 1), complex)
    sectoral = np.ones(len(p), complex)
    for m in range(order + 1):
        if m > 0:
            sectoral = sectoral * (2 * m - 1) * w
        out[:, m, m] = sectoral
        if m + 1 <= order:
            out[:, m + 1, m] = (2 * m + 1) * z * sectoral
        for n in range(m + 2, order + 1):
            out[:, n, m] = ((2 * n - 1) * z * out[:, n - 1, m] - (n + m - 1) * r2 * out[:, n - 2, m]) / (n - m)
    return out


@dataclass(frozen=True)
class FitResidual:
    """Residual of the fit on the quadrature points of the sphere r = R0."""

    rms: float  # [T] quadrature-weighted RMS of Bz - fit
    max: float  # [T] largest |Bz - fit|
    relative_rms: float  # rms / (quadrature-weighted RMS of Bz)
    relative_max: float  # max / max |Bz|


@dataclass(frozen=True)
class SphericalHarmonics:
    """Solid-harmonic expansion of Bz (module doc). ``A``, ``B``: (order + 1, order + 1) [T],
    row n, column m, in ``normalization``; ``radius`` R0 [m]; ``center`` [m]."""

    A: np.ndarray
    B: np.ndarray
    radius: float
    normalization: str = "schmidt"
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)
    residual: FitResidual | None = None
    transverse_terms: np.ndarray | None = None  # (order + 1,) complex [T], module doc

    def __post_init__(self) -> None:
        a = np.asarray(self.A, dtype=float)
        b = np.asarray(self.B, dtype=float)
        if a.ndim != 2 or a.shape[0] != a.shape[1] or b.shape != a.shape:
            check._fail("A, B", "square arrays of equal shape (order + 1, order + 1)", (a.shape, b.shape))
        check.positive("radius", self.radius)
        check.choice("normalization", self.normalization, NORMALIZATIONS)
        object.__setattr__(self, "A", a)
        object.__setattr__(self, "B", b)
        object.__setattr__(self, "center", tuple(check.vector3("center", self.center)))
        if self.transverse_terms is not None:
            t = np.asarray(self.transverse_terms, dtype=complex)
            if t.ndim != 1:
                check._fail("transverse_terms", "a 1-D complex array (T_0, T_1, ...)", t.shape)
            object.__setattr__(self, "transverse_terms", t)

    @property
    def order(self) -> int:
        """Highest degree n of the expansion."""
        return self.A.shape[0] - 1

    @property
    def coefficients(self) -> dict[tuple[int, int], tuple[float, float]]:
        """{(n, m): (A_nm, B_nm)} [T] for 0 <= m <= n <= order."""
        return {(n, m): (float(self.A[n, m]), float(self.B[n, m]))
                for n in range(self.order + 1) for m in range(n + 1)}

    def to(self, normalization: str) -> SphericalHarmonics:
        """The same expansion with coefficients in another normalisation."""
        return SphericalHarmonics(convert_coefficients(self.A, self.normalization, normalization),
                                  convert_coefficients(self.B, self.normalization, normalization),
                                  self.radius, normalization, self.center, self.residual, self.transverse_terms)

    def _complex_unnormalized(self) -> np.ndarray:
        """C_nm = (A_nm - i B_nm) N_nm: Bz = Re sum C_nm R_n^m(p / R0)."""
        nf = normalization_factors(self.order, self.normalization)
        return (self.A - 1j * self.B) * nf

    def field(self, points: np.ndarray, *, full: bool = False) -> np.ndarray:
        """Bz [T] at ``points`` [m] (M, 3) from the expansion, or with ``full`` the field
        B = -grad Phi (M, 3) [T] of the potential whose z derivative is the expansion, plus the
        z-independent terms when they were fitted (``transverse_terms``; module doc)."""
        pts = (check.points3("points", points) - np.asarray(self.center)) / self.radius
        c = self._complex_unnormalized()
        n_max = self.order
        if not full:
            return np.einsum("nm,knm->k", c, solid_harmonics(pts, n_max)).real
        # Phi = -R0 Re sum_nm C_nm R_{n+1}^m / (n + m + 1) so that -dPhi/dz = Re sum C_nm R_n^m
        rh = solid_harmonics(pts, n_max + 1)
        d = np.zeros((n_max + 2, n_max + 2), complex)  # potential coefficients D_lm of R_l^m
        for n in range(n_max + 1):
            for m in range(n + 1):
                d[n + 1, m] = -c[n, m] / (n + m + 1)
        # gradient in units of 1/R0 on the dimensionless points: U = (dx + i dy)F, V = (dx - i dy)F
        u = np.zeros(len(pts), complex)
        v = np.zeros(len(pts), complex)
        dz = np.zeros(len(pts), complex)
        for l_ in range(1, n_max + 2):
            for m in range(l_ + 1):
                if d[l_, m] == 0:  # only m <= l - 1 are set: R_{l-1}^m exists for each
                    continue
                dz += d[l_, m] * (l_ + m) * rh[:, l_ - 1, m]
                if m + 1 <= l_ - 1:
                    u -= d[l_, m] * rh[:, l_ - 1, m + 1]
                if m >= 1:
                    v += d[l_, m] * (l_ + m) * (l_ + m - 1) * rh[:, l_ - 1, m - 1]
                elif l_ >= 2:  # R_l^0 is real: (dx - i dy) R_l^0 = conj((dx + i dy) R_l^0)
                    v -= d[l_, m] * np.conj(rh[:, l_ - 1, 1])
        # F = sum D R (complex); Phi = Re F (times R0, cancelled by the 1/R0 of the gradient)
        # Re of a harmonic with m = 0 terms: dx Re F = Re dxF, with dxF = (U + V)/2, dyF = (U - V)/(2i)
        dxf = 0.5 * (u + v)
        dyf = (u - v) / 2j
        out = -np.column_stack([dxf.real, dyf.real, dz.real])
        if self.transverse_terms is not None:
            bxy = np.polynomial.polynomial.polyval(pts[:, 0] + 1j * pts[:, 1], self.transverse_terms)  # Bx - i By
            out[:, 0] += bxy.real
            out[:, 1] -= bxy.imag
        return out


def sphere_quadrature(radius: float, degree: int,
                      center: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """(points (M, 3) [m], weights (M,) summing to 4 pi) of the product rule exact for
    spherical polynomials of degree <= 2 ``degree`` + 1 on the sphere of ``radius`` [m]."""
    r0 = check.positive("radius", radius)
    deg = check.positive_int("degree", degree, minimum=0)
    c = check.vector3("center", center)
    ct, wt = np.polynomial.legendre.leggauss(deg + 1)
    n_phi = 2 * deg + 2
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    cc, pp = np.meshgrid(ct, phi, indexing="ij")
    st = np.sqrt(1.0 - cc * cc)
    pts = r0 * np.column_stack([(st * np.cos(pp)).ravel(), (st * np.sin(pp)).ravel(), cc.ravel()]) + c
    weights = np.repeat(wt, n_phi) * (2 * np.pi / n_phi)
    return pts, weights


def fit_spherical_harmonics(bz: Callable[[np.ndarray], np.ndarray], radius: float, order: int,
                            normalization: str = "schmidt", *, center: tuple[float, float, float] = (0.0, 0.0, 0.0),
                            quadrature_degree: int | None = None,
                            transverse: Callable[[np.ndarray], np.ndarray] | None = None) -> SphericalHarmonics:
    """Fit the expansion of degree ``order`` to ``bz(points)`` [T] on the sphere of ``radius``
    R0 [m] about ``center`` [m] (module doc); ``quadrature_degree`` L >= order (default
    order + 40). ``transverse(points)`` -> (M, 2) [T] (Bx, By), when given, also fits the
    z-independent potential terms (``transverse_terms``, degrees 0..order)."""
    r0 = check.positive("radius", radius)
    order = check.positive_int("order", order, minimum=0)
    check.choice("normalization", normalization, NORMALIZATIONS)
    c = check.vector3("center", center)
    deg = order + 40 if quadrature_degree is None else check.positive_int("quadrature_degree", quadrature_degree,
                                                                          minimum=order)
    pts, wts = sphere_quadrature(r0, deg, tuple(c))
    values = np.asarray(bz(pts), dtype=float)
    if values.shape != (len(pts),):
        check._fail("bz", f"a function returning shape ({len(pts)},)", values.shape)
    # design matrix in the 4 pi-normalised basis (orthogonal columns under the quadrature)
    rh = solid_harmonics((pts - c) / r0, order)
    nf = normalization_factors(order, "full")
    cols, index = [], []
    for n in range(order + 1):
        for m in range(n + 1):
            cols.append(nf[n, m] * rh[:, n, m].real)
            index.append((n, m, 0))
            if m > 0:
                cols.append(nf[n, m] * rh[:, n, m].imag)
                index.append((n, m, 1))
    design = np.column_stack(cols)
    # the quadrature makes the columns orthogonal (exact for degree <= 2L + 1 >= 2 order), so the
    # weighted normal equations are diagonal and the least-squares solution is the projection
    sol = (design.T @ (wts * values)) / (wts @ design**2)
    a = np.zeros((order + 1, order + 1))
    b = np.zeros_like(a)
    for (n, m, part), value in zip(index, sol):
        (b if part else a)[n, m] = value
    res = values - design @ sol
    rms = float(np.sqrt(wts @ res**2 / wts.sum()))
    ref_rms = float(np.sqrt(wts @ values**2 / wts.sum()))
    ref_max = float(np.abs(values).max())
    resid = FitResidual(rms, float(np.abs(res).max()), rms / ref_rms if ref_rms > 0 else 0.0,
                        float(np.abs(res).max()) / ref_max if ref_max > 0 else 0.0)
    terms = None
    if transverse is not None:
        bxy = np.asarray(transverse(pts), dtype=float)
        if bxy.shape != (len(pts), 2):
            check._fail("transverse", f"a function returning shape ({len(pts)}, 2)", bxy.shape)
        partial = SphericalHarmonics(a, b, r0, "full", tuple(c)).field(pts, full=True)
        rest = (bxy[:, 0] - partial[:, 0]) - 1j * (bxy[:, 1] - partial[:, 1])
        w = ((pts[:, 0] - c[0]) + 1j * (pts[:, 1] - c[1])) / r0
        vander = np.vander(w, order + 1, increasing=True)  # orthogonal sectoral harmonics on the sphere
        terms = (vander.conj().T @ (wts * rest)) / (wts @ np.abs(vander) ** 2)
    full = SphericalHarmonics(a, b, r0, "full", tuple(c), resid, terms)
    return full if normalization == "full" else full.to(normalization)


def spherical_harmonics(coil: Coil, radius: float, order: int, normalization: str = "schmidt", *,
                        current: float = 1.0, center: tuple[float, float, float] = (0.0, 0.0, 0.0),
                        quadrature_degree: int | None = None, transverse: bool = False) -> SphericalHarmonics:
    """Solid-harmonic expansion of ``coil``'s Bz [T at ``current`` A] over the sphere of
    reference ``radius`` R0 [m] about ``center`` [m], degrees 0..``order``, by least squares on
    the exact sphere quadrature (module doc). ``.residual`` reports the fit residual on the
    sphere (the truncation error of degree ``order``). ``transverse``: also fit the
    z-independent potential terms from Bx, By, so that ``field(points, full=True)`` is the
    coil's whole field."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    i = check.finite("current", current)
    if not isinstance(transverse, bool):
        check._fail("transverse", "True or False", transverse, TypeError)
    cache: dict[bytes, np.ndarray] = {}

    def b_at(p: np.ndarray) -> np.ndarray:  # one field evaluation serves Bz and (Bx, By)
        key = p.tobytes()
        if key not in cache:
            cache[key] = field(coil, p, current=i)
        return cache[key]

    return fit_spherical_harmonics(lambda p: b_at(p)[:, 2], radius, order, normalization, center=center,
                                   quadrature_degree=quadrature_degree,
                                   transverse=(lambda p: b_at(p)[:, :2]) if transverse else None)
