"""Closed-form ("handbook") inductance formulas, for comparison with the field-engine values of
``coildesign.analysis.inductance`` and for quick design estimates. SI units throughout:
lengths [m], inductances [H].

Every formula cites its source; where a classical formula was re-derived or extended here,
the derivation is given and the test suite (``tests/analysis/test_inductance.py``) checks it against an
independent computation.

References
----------
- [Maxwell] J. C. Maxwell, A Treatise on Electricity and Magnetism, vol. 2 (1873), art. 693
  (geometric mean distance) and art. 701 (coaxial circles).
- [Jackson] J. D. Jackson, Classical Electrodynamics, 3rd ed. (1999), eq. (5.37).
- [RG1912] E. B. Rosa and F. W. Grover, "Formulas and tables for the calculation of mutual and
  self-inductance", Bull. Bur. Stand. 8, 1-237 (1912), formulas (1)-(2) (Maxwell's formula in
  elliptic integrals).
- [Grover] F. W. Grover, Inductance Calculations (Van Nostrand 1946; Dover 1962).
- [Rosa1906] E. B. Rosa, "The self and mutual inductances of linear conductors" and
  "Calculation of the self-inductance of single-layer coils", Bull. Bur. Stand. 4, 301-344
  (1908) and 2, 161-187 (1906).
- [Nagaoka] H. Nagaoka, "The inductance coefficients of solenoids", J. Coll. Sci. Imp. Univ.
  Tokyo 27, art. 6 (1909).
- [Lundin] R. Lundin, "A handbook formula for the inductance of a single-layer circular coil",
  Proc. IEEE 73(9), 1428-1429 (1985).
- [Wheeler] H. A. Wheeler, "Simple inductance formulas for radio coils", Proc. IRE 16(10),
  1398-1400 (1928).
- [Mohan] S. S. Mohan, M. del Mar Hershenson, S. P. Boyd and T. H. Lee, "Simple accurate
  expressions for planar spiral inductances", IEEE J. Solid-State Circuits 34(10), 1419-1424
  (1999).
- [Knight] D. W. Knight, "Inductors and transformers, part 1" (g3ynh.info, 2008), sec. 3-6
  (Nagaoka's coefficient) and 3-7 (Rosa's corrections, notation k_s, k_m for Rosa's A, B), and
  "Rosa's mutual inductance correction for the round-wire solenoid" (2010), Table 7#1.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import inch
from scipy.special import elliprd, elliprf

from coildesign import _validation as check
from coildesign._constants import mu_0

__all__ = [
    "MOHAN_CURRENT_SHEET",
    "MOHAN_WHEELER",
    "WHEELER_SI_FACTOR",
    "current_sheet_inductance",
    "loop_inductance",
    "lundin_nagaoka_coefficient",
    "maxwell_mutual_inductance",
    "mohan_current_sheet_inductance",
    "mohan_wheeler_inductance",
    "nagaoka_coefficient",
    "parallel_filaments_mutual_inductance",
    "rectangle_loop_inductance",
    "rosa_mutual_correction",
    "rosa_self_correction",
    "rosa_solenoid_inductance",
    "straight_wire_inductance",
    "wheeler_inductance",
]


# ---------------------------------------------------------------------------- circles
def maxwell_mutual_inductance(radius_1: float, radius_2: float, distance: float) -> float:
    """Mutual inductance [H] of two coaxial circular filaments (exact).

    Maxwell's formula ([Maxwell] art. 701; [RG1912] formula (1); equivalently the flux
    2 pi rho A_phi of the loop potential, [Jackson] eq. (5.37)):

        M = mu0 sqrt(r1 r2) [(2/k - k) K(k) - (2/k) E(k)],  k^2 = 4 r1 r2 / ((r1 + r2)^2 + d^2).

    Evaluated in the equivalent form in the Landen-transformed modulus ([RG1912] formula (2)),
    M = 2 mu0 sqrt(r1 r2 / k1) [K(k1) - E(k1)] with k1 = (rho2 - rho1)/(rho2 + rho1), rho1, rho2
    the least and greatest distances between the circles, formed as 4 r1 r2 / (rho1 + rho2)^2
    (rho2^2 - rho1^2 = 4 r1 r2: no difference of near-equal distances for circles far apart),
    and K - E = (k1^2/3) R_D(0, 1 - k1^2, 1)
    (Carlson's symmetric integral), which has no cancellation for circles far apart (where the
    form above loses ~2 log10(1/k) digits) nor near each other.

    ``radius_1``, ``radius_2`` [m] > 0, ``distance`` [m] between the planes (>= 0; the circles
    must not coincide).
    """
    r1 = check.dimension("radius_1", radius_1)
    r2 = check.dimension("radius_2", radius_2)
    d = check.dimension("distance", abs(check.finite("distance", distance)), allow_zero=True)
    rho1 = float(np.hypot(r1 - r2, d))
    rho2 = float(np.hypot(r1 + r2, d))
    if rho1 == 0.0:
        check._fail("distance", "non-zero or radius_2 != radius_1 (coincident filaments have infinite mutual "
                    "inductance; use loop_inductance for a loop of wire)", distance)
    k1 = 4.0 * r1 * r2 / (rho1 + rho2) ** 2  # (rho2 - rho1)/(rho2 + rho1), as rho2^2 - rho1^2 = 4 r1 r2
    y = 4.0 * rho1 * rho2 / (rho1 + rho2) ** 2  # 1 - k1^2 without cancellation
    return float(2.0 * mu_0 * np.sqrt(r1 * r2 / k1) * (k1 * k1 / 3.0) * elliprd(0.0, y, 1.0))


def loop_inductance(radius: float, wire_radius: float, *, internal: bool = True,
                    higher_order: bool = True) -> float:
    """Self inductance [H] of a circular loop (mean radius R [m]) of round wire (radius a [m]).

    - Low frequency, uniform current (``internal=True``): to O(a^2/R^2),

          L = mu0 R [(1 + a^2/(8 R^2)) ln(8R/a) - 7/4 + a^2/(24 R^2)]

      (Kirchhoff's leading term mu0 R [ln(8R/a) - 2 + 1/4], [RG1912], [Grover]; the a^2/R^2
      terms are Wien's, Ann. Phys. 53, 928 (1894), quoted in [RG1912]). The a^2/R^2
      coefficients 1/8 and 1/24 were checked in the tests against a 4-D quadrature of Maxwell's
      formula over two uniformly filled cross-sections (agreement to the O(a^4/R^4) remainder).
      ``higher_order=False`` returns the leading term only.
    - High frequency, strong skin effect (``internal=False``): the current flows on the wire
      surface and the internal inductance mu0 R / 4 vanishes: L = mu0 R [ln(8R/a) - 2]
      (leading order only; its a^2/R^2 terms depend on the surface-current distribution).
    """
    r = check.dimension("radius", radius)
    a = check.dimension("wire_radius", wire_radius)
    if a >= r:
        check._fail("wire_radius", f"smaller than the loop radius {r:g} m", wire_radius)
    lg = np.log(8.0 * r / a)
    if not internal:
        return float(mu_0 * r * (lg - 2.0))
    e2 = (a / r) ** 2 if higher_order else 0.0
    return float(mu_0 * r * ((1.0 + e2 / 8.0) * lg - 1.75 + e2 / 24.0))


# ---------------------------------------------------------------------------- straight wires
def parallel_filaments_mutual_inductance(length: float, distance: float) -> float:
    """Mutual inductance [H] of two parallel, equal, coextensive straight filaments of
    ``length`` l [m] at ``distance`` d [m] (exact; [Rosa1906] 1908 paper; [Grover]):

        M = mu0/(2 pi) [l asinh(l/d) - sqrt(l^2 + d^2) + d].

    With d = the geometric mean distance g of a cross-section from itself it is the partial
    self inductance of a straight conductor ([Maxwell] art. 693): g = a e^(-1/4) for a round
    wire of radius a with uniform current, g = a with the current on the surface.
    """
    ln = check.dimension("length", length)
    d = check.dimension("distance", distance)
    return float(mu_0 / (2.0 * np.pi) * (ln * np.arcsinh(ln / d) - np.hypot(ln, d) + d))


def straight_wire_inductance(length: float, wire_radius: float, *, internal: bool = True) -> float:
    """Partial self inductance [H] of a straight round wire, l >> a ([Rosa1906] 1908; [Grover]):
    L = mu0 l/(2 pi) [ln(2l/a) - 1 + Y], Y = 1/4 for a uniform current (``internal``), 0 with
    strong skin effect. Error O(a/l) (the exact GMD form is
    ``parallel_filaments_mutual_inductance(l, g)``)."""
    ln = check.dimension("length", length)
    a = check.dimension("wire_radius", wire_radius)
    y = 0.25 if internal else 0.0
    return float(mu_0 * ln / (2.0 * np.pi) * (np.log(2.0 * ln / a) - 1.0 + y))


def rectangle_loop_inductance(width: float, height: float, wire_radius: float, *, internal: bool = True,
                              exact_partials: bool = False) -> float:
    """Self inductance [H] of a rectangular loop of round wire, sides w, h [m], wire radius a [m].

    Sum of partial inductances: four straight sides, minus the mutual inductances of the two
    pairs of opposite sides (the perpendicular sides have none) ([Rosa1906] 1908; [Grover],
    rectangle of round wire):

        L = mu0/pi [w ln(2w/a) + h ln(2h/a) - (w + h)(2 - Y) + 2 sqrt(w^2 + h^2)
                    - w asinh(w/h) - h asinh(h/w)],   Y = 1/4 (``internal``) or 0.

    This published form uses the l >> a straight-wire partials; ``exact_partials=True`` uses the
    exact GMD partials ``parallel_filaments_mutual_inductance(side, g)`` instead (differs by
    O(a/side)). Corner effects (O(a) per corner) are neglected in both.
    """
    w = check.dimension("width", width)
    h = check.dimension("height", height)
    a = check.dimension("wire_radius", wire_radius)
    if 2 * a >= min(w, h):
        check._fail("wire_radius", f"smaller than half the shorter side {min(w, h) / 2:g} m", wire_radius)
    y = 0.25 if internal else 0.0
    if exact_partials:
        g = a * np.exp(-y)
        pm = parallel_filaments_mutual_inductance
        return float(2.0 * (pm(w, g) + pm(h, g) - pm(w, h) - pm(h, w)))
    diag = np.hypot(w, h)
    return float(mu_0 / np.pi * (w * np.log(2 * w / a) + h * np.log(2 * h / a) - (w + h) * (2.0 - y) + 2 * diag
                                 - w * np.arcsinh(w / h) - h * np.arcsinh(h / w)))


# ---------------------------------------------------------------------------- solenoids
def nagaoka_coefficient(diameter_over_length: float) -> float:
    """Nagaoka's coefficient K_N of a uniform cylindrical current sheet, D/l = 2a/l (exact).

    [Nagaoka] 1909 (tabulated in [Grover] Table 36; [Knight] sec. 3-6): with
    k^2 = 4a^2/(4a^2 + l^2) and k' = sqrt(1 - k^2) = l / sqrt(4a^2 + l^2),

        K_N = 4/(3 pi k') [ (k'^2/k^2) (K(k) - E(k)) + E(k) - k ],

    so that L_sheet = mu0 pi a^2 N^2 K_N / l; K_N -> 1 - 4a/(3 pi l) for l >> a. (K - E)/k^2 is
    evaluated as R_D(0, k'^2, 1)/3 (Carlson), free of cancellation for long coils.
    """
    x = check.in_range("diameter_over_length", diameter_over_length, 1e-15, 1e15)  # float range of the forms
    m1 = 1.0 / (1.0 + x * x)  # k'^2
    m = x * x * m1  # k^2
    kp, k = np.sqrt(m1), np.sqrt(m)
    k_minus_e_over_m = elliprd(0.0, m1, 1.0) / 3.0
    e = elliprf(0.0, m1, 1.0) - m * k_minus_e_over_m
    return float(4.0 / (3.0 * np.pi * kp) * (m1 * k_minus_e_over_m + e - k))


def lundin_nagaoka_coefficient(diameter_over_length: float) -> float:
    """Lundin's approximation to Nagaoka's coefficient, x = D/l ([Lundin] 1985; claimed
    accuracy +-3 ppm, checked in the tests over 1e-3 <= x <= 1e3):

        f1(u) = (1 + 0.383901 u + 0.017108 u^2) / (1 + 0.258952 u),
        f2(u) = 0.093842 u + 0.002029 u^2 - 0.000801 u^3,
        x <= 1: K_N = f1(x^2) - 4x/(3 pi),
        x >= 1: K_N = (2/(pi x)) [(ln(4x) - 1/2) f1(1/x^2) + f2(1/x^2)].
    """
    x = check.in_range("diameter_over_length", diameter_over_length, 1e-15, 1e15)  # float range of the forms

    def f1(u: float) -> float:
        return (1.0 + 0.383901 * u + 0.017108 * u * u) / (1.0 + 0.258952 * u)

    if x <= 1.0:
        return float(f1(x * x) - 4.0 * x / (3.0 * np.pi))
    u = 1.0 / (x * x)
    f2 = 0.093842 * u + 0.002029 * u * u - 0.000801 * u**3
    return float(2.0 / (np.pi * x) * ((np.log(4.0 * x) - 0.5) * f1(u) + f2))


def current_sheet_inductance(radius: float, length: float, turns: float) -> float:
    """L = mu0 pi a^2 N^2 K_N / l [H] of a uniform current sheet of radius a [m], length l [m]
    with N turns ([Nagaoka] 1909; Lorenz's exact formula)."""
    a = check.dimension("radius", radius)
    length = check.dimension("length", length)
    n = check.positive("turns", turns)
    return check.result("inductance", float(mu_0 * np.pi * a * a * n * n * nagaoka_coefficient(2 * a / length)
                                            / length), turns=turns)


def rosa_self_correction(pitch: float, wire_diameter: float, *, internal: bool = True) -> float:
    """Rosa's correction A (Knight's k_s) [-] for the self inductance of the turns of a helix
    of round wire vs. the current sheet ([Rosa1906] 1906; [Grover] Table 7; [Knight] sec. 3-7a):

        A = 5/4 - ln(2p/d)   (uniform current),   A = 3/2 - ln(2p/d)   (``internal=False``).

    Derivation: a turn of round wire (radius d/2) has mu0 R [ln(8R/(d/2)) - 2 + Y] (Y = 1/4 with
    uniform current, 0 with the current on the surface) and a sheet band of width p has
    mu0 R [ln(8R/p) - 1/2] ([Grover], band of width p), so the sheet exceeds the wire by
    mu0 R [3/2 - Y - ln(2p/d)]. Rosa's published A = 5/4 - ln(2p/d) is the uniform-current value
    (it contains the internal inductance); the skin-effect value is larger by 1/4.
    """
    p = check.dimension("pitch", pitch)
    d = check.dimension("wire_diameter", wire_diameter)
    if d > p * (1 + 1e-12):
        check._fail("wire_diameter", f"at most the pitch {p:g} m (turns must not overlap)", wire_diameter)
    return float((1.25 if internal else 1.5) - np.log(2.0 * p / d))


# terms 2 / ((2m)(2m-1)(2m-2)) k^-(2m-2), m = 2..13, of F(k) = ln k - ln(g_k / p) for large k
_F_SERIES = np.array([2.0 / ((2 * m) * (2 * m - 1) * (2 * m - 2)) for m in range(2, 14)])


def _rosa_f(k: np.ndarray) -> np.ndarray:
    """F(k) = ln(k p / g_k): the log of the ratio of the centre distance k p of two sheet bands of
    width p to their geometric mean distance g_k (collinear segments of length p, [Maxwell]
    art. 692; [Grover]):
    ln(g_k/p) = [(k+1)^2 ln(k+1) + (k-1)^2 ln(k-1)]/2 - k^2 ln k - 3/2."""
    k = np.asarray(k, dtype=float)
    out = np.empty_like(k)
    small = k < 8
    ks = k[small]
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = np.where(ks > 1, (ks - 1) ** 2 * np.log(np.where(ks > 1, ks - 1, 1.0)), 0.0)
    out[small] = np.log(ks) - (((ks + 1) ** 2 * np.log(ks + 1) + lm) / 2 - ks**2 * np.log(ks) - 1.5)
    inv2 = 1.0 / k[~small] ** 2
    out[~small] = inv2 * np.polyval(_F_SERIES[::-1], inv2)
    return out


def rosa_mutual_correction(turns: int) -> float:
    """Rosa's correction B (Knight's k_m) [-] for the mutual inductances of N round-wire turns
    vs. the current sheet ([Rosa1906] 1906; [Grover] Table 8 / [Knight] Table 7#1), evaluated
    exactly from its definition: each pair of turns k pitches apart is a pair of filaments at
    distance k p in place of two sheet bands of width p, whose geometric mean distance g_k is
    exact; their mutual inductance differs by mu0 R ln(k p / g_k), so

        B(N) = (2/N) sum_{k=1}^{N-1} (N - k) F(k),   F(k) = ln(k p / g_k),

    with F(1) = 3/2 - 2 ln 2 and F(k) = 1/(12k^2) + 1/(60k^4) + 1/(168k^6) + ... for large k.
    B(1) = 0, B(2) = 0.11371, B(10) = 0.26641, B -> ln(2 pi) - 3/2 = 0.33788 as N -> infinity.
    """
    n = check.positive_int("turns", turns)
    if n == 1:
        return 0.0
    k = np.arange(1, n, dtype=float)
    return float(2.0 / n * np.sum((n - k) * _rosa_f(k)))


def rosa_solenoid_inductance(radius: float, pitch: float, turns: int, wire_diameter: float, *,
                             internal: bool = True) -> float:
    """Inductance [H] of a single-layer solenoid of N circular turns of round wire (diameter d
    [m], pitch p [m], mean radius a [m]) by Rosa's method ([Rosa1906] 1906; [Grover];
    [Knight] sec. 3-7):

        L = L_sheet(a, l = N p, N) - mu0 a N (A + B),

    with Nagaoka's sheet (``current_sheet_inductance``), A = ``rosa_self_correction`` and
    B = ``rosa_mutual_correction``. Rosa's turns are closed circles: a helix adds the small
    inductance of its axial current (one turn per pitch advances the current by p), which this
    formula omits. Accuracy: the corrections use the thin-ring forms (errors O((p/a)^2)).
    """
    a = check.dimension("radius", radius)
    p = check.dimension("pitch", pitch)
    n = check.positive_int("turns", turns)
    big_a = rosa_self_correction(p, wire_diameter, internal=internal)
    return float(current_sheet_inductance(a, n * p, n) - mu_0 * a * n * (big_a + rosa_mutual_correction(n)))


WHEELER_SI_FACTOR = float(mu_0 * np.pi * 10.0 * inch / 1e-6)
"""mu0 pi / (1e-6 H / (10 inch)) = 1.00275: Wheeler's 1928 formula in SI is
mu0 pi N^2 r^2 / (l + 0.9 r) divided by this factor (inch = 0.0254 m exactly)."""


def wheeler_inductance(radius: float, length: float, turns: float) -> float:
    """Wheeler's 1928 formula [H] for a single-layer coil of radius r [m], length l [m]
    ([Wheeler] 1928, first formula): L[uH] = r^2 N^2 / (9 r + 10 l) with r, l in inches.

    Converted exactly to SI it is L = mu0 pi N^2 r^2 / (l + 0.9 r) / 1.00275: the published
    constants hide a factor ``WHEELER_SI_FACTOR`` = mu0 pi x 10 inch / 1e-6 H = 1.00275 (the
    formula takes mu0 pi ~ 3.937e-6 H/m instead of 3.948e-6 H/m). Wheeler claims ~1 % for
    l > 0.8 r; against Nagaoka's exact sheet it is within 1 % for l/D >= 0.4 but about 10 % low
    at l/D = 0.1 (short coils are outside its range; tested).
    """
    r_in = check.dimension("radius", radius) / inch
    l_in = check.dimension("length", length) / inch
    n = check.positive("turns", turns)
    return check.result("inductance", float(1e-6 * r_in * r_in * n * n / (9.0 * r_in + 10.0 * l_in)), turns=turns)


# ---------------------------------------------------------------------------- planar spirals
MOHAN_WHEELER: dict[str, tuple[float, float]] = {
    "square": (2.34, 2.75),
    "hexagonal": (2.33, 3.82),
    "octagonal": (2.25, 3.55),
}
"""(K1, K2) of the modified Wheeler expression, [Mohan] Table I (no entry for circular spirals)."""

MOHAN_CURRENT_SHEET: dict[str, tuple[float, float, float, float]] = {
    "square": (1.27, 2.07, 0.18, 0.13),
    "hexagonal": (1.09, 2.23, 0.00, 0.17),
    "octagonal": (1.07, 2.29, 0.00, 0.19),
    "circular": (1.00, 2.46, 0.00, 0.20),
}
"""(c1, c2, c3, c4) of the current-sheet expression, [Mohan] Table II."""


def _spiral_geometry(turns: float, outer_diameter: float, inner_diameter: float) -> tuple[float, float, float]:
    n = check.positive("turns", turns)
    d_out = check.dimension("outer_diameter", outer_diameter)
    d_in = check.dimension("inner_diameter", inner_diameter, allow_zero=True)
    if d_in >= d_out:
        check._fail("inner_diameter", f"smaller than outer_diameter {d_out:g} m", inner_diameter)
    return n, 0.5 * (d_out + d_in), (d_out - d_in) / (d_out + d_in)


@check.finite_output("inductance")
def mohan_wheeler_inductance(turns: float, outer_diameter: float, inner_diameter: float,
                             shape: str = "square") -> float:
    """Modified Wheeler formula [H] for a planar spiral ([Mohan] 1999, modified Wheeler
    expression with the coefficients of their Table I):

        L = K1 mu0 n^2 d_avg / (1 + K2 rho),  d_avg = (d_out + d_in)/2,
        rho = (d_out - d_in)/(d_out + d_in) (fill ratio),

    ``shape`` in ``MOHAN_WHEELER`` (square, hexagonal, octagonal). Mohan et al. report typical
    errors of ~2-3 % against field solvers and measurements for spacing <= 3 x trace width.
    Diameters [m] as defined there (outer edge to outer edge; inner across the n-th turn).
    """
    if shape not in MOHAN_WHEELER:
        check._fail("shape", "one of " + ", ".join(repr(s) for s in MOHAN_WHEELER)
                    + " (Mohan et al. give no modified-Wheeler coefficients for circular spirals; use "
                    "mohan_current_sheet_inductance)", shape)
    n, d_avg, rho = _spiral_geometry(turns, outer_diameter, inner_diameter)
    k1, k2 = MOHAN_WHEELER[shape]
    return float(k1 * mu_0 * n * n * d_avg / (1.0 + k2 * rho))


@check.finite_output("inductance")
def mohan_current_sheet_inductance(turns: float, outer_diameter: float, inner_diameter: float,
                                   shape: str = "square") -> float:
    """Current-sheet expression [H] for a planar spiral ([Mohan] 1999, current-sheet expression
    with the coefficients of their Table II):

        L = mu0 n^2 d_avg c1 / 2 [ln(c2/rho) + c3 rho + c4 rho^2]

    (the sides of the spiral replaced by uniform current sheets, their self and mutual
    inductances by GMD, arithmetic-mean and arithmetic-mean-square distances), ``shape`` in
    ``MOHAN_CURRENT_SHEET`` (square, hexagonal, octagonal, circular). Accuracy degrades for
    spacing > ~3 x width (the sheet approximation), ~1-3 % otherwise per Mohan et al.
    """
    check.choice("shape", shape, tuple(MOHAN_CURRENT_SHEET))
    n, d_avg, rho = _spiral_geometry(turns, outer_diameter, inner_diameter)
    if rho <= 0.0:
        check._fail("inner_diameter", "smaller than outer_diameter", inner_diameter)
    c1, c2, c3, c4 = MOHAN_CURRENT_SHEET[shape]
    return float(mu_0 * n * n * d_avg * c1 / 2.0 * (np.log(c2 / rho) + c3 * rho + c4 * rho * rho))

