"""Field targets of the target-field designer: a solid harmonic Bz = c h_nm(r) with its symmetry,
its deviation measure and the coefficient c that a stream function or a wire set produces.

Harmonic (the expansion of ``coildesign.analysis.spherical_harmonics``, module doc: Janke et
al., Magn. Reson. Med. 52, 115 (2004), eq. 1): about the centre r_c, with spherical coordinates
(r, theta, phi) of r - r_c,

    h_nm(r) = r^n N_nm P_n^|m|(cos theta) cos(m phi)     (m >= 0, the cosine "A" terms)
    h_nm(r) = r^n N_nm P_n^|m|(cos theta) sin(|m| phi)   (m < 0, the sine "B" terms)

[m^n], P_n^m without the Condon-Shortley phase and N_nm the normalisation ``normalization`` of
that module (``normalization_factors``). A field Bz = c h_nm has the expansion coefficient
A_nm (or B_n|m|) = c R0^n at reference radius R0, so c [T/m^n] per ampere is the coil's
efficiency in the stated normalisation. In the default Schmidt normalisation (N_10 = N_11 = 1)
h_10 = z, h_11 = x, h_1,-1 = y: c is the gradient G [T/m] (Winch et al., Geophys. J. Int.
160, 487 (2005), eq. 3), so the n = 1 targets are the gradient coils' Bz = G s.

Mirror parities: under x -> -x (phi -> pi - phi) h_nm changes by (-1)^m (cosine) or
(-1)^(m+1) (sine); under y -> -y (phi -> -phi) by +1 (cosine) or -1 (sine); under z -> -z
(cos theta -> -cos theta) by (-1)^(n+m), since P_n^m(-u) = (-1)^(n+m) P_n^m(u) (Abramowitz &
Stegun 8.2.3).

Deviation (``analysis.gradient`` module doc, with the gradient's G s replaced by c h_nm and the
DSV radius by H = max over the DSV of |h_nm| = R^n N_nm max_u |P_n^m(u)|, which the
maximum principle puts on the sphere; Kellogg, Foundations of Potential Theory, ch. X):
"dsv": |Bz - c h| <= eps c H (the field error as a fraction of the harmonic's largest field in
the DSV); "pointwise": |Bz / (c h) - 1| <= eps where |h| >= exclude H and |Bz - c h| <=
eps c exclude H elsewhere (the relative error with an absolute floor, checked there too). For
n = 1 both are exactly the gradient's measures (h = s, H = R). Computed by
``analysis.gradient.bounded_deviation`` with s -> h and R -> H.

Coefficient c of a field: for n = 1 the centre gradient dBz/ds (the analytic Jacobian, as
``analysis.gradient_efficiency``); for n >= 2 the orthogonal projection of Bz on h_nm over the
sphere of radius R (the fit of ``analysis.spherical_harmonics``), on its Gauss-Legendre x
uniform product quadrature of degree L = n + ``QUADRATURE_EXTRA``, which integrates h_nm times
every harmonic of degree <= 2L + 1 - n = n + 2 ``QUADRATURE_EXTRA`` + 1 exactly (Driscoll &
Healy, Adv. Appl. Math. 15, 202 (1994)); the field's higher degrees decay as (R / a)^l for
conductors at distance a, so the aliasing is below (R/a)^(n + 41). For the harmonic field of
sources outside the sphere the projection is the Taylor coefficient of Bz at the centre, so
for n = 1 both definitions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.optimize import minimize_scalar

from coildesign import _validation as check
from coildesign.analysis.gradient import (
    DEVIATIONS,
    DeviationCheck,
    bounded_deviation,
    dense_check_points,
    dense_field_deviation,
    dense_maximum,
    gradient_efficiency,
)
from coildesign.analysis.spherical_harmonics import (
    NORMALIZATIONS,
    normalization_factors,
    solid_harmonics,
    sphere_quadrature,
)
from coildesign.coil import Coil
from coildesign.fields import field
from coildesign.fields.fieldmap import evaluate_by_symmetry

QUADRATURE_EXTRA = 20
"""Quadrature degree above n of the projection that defines the coefficient for n >= 2 (module doc)."""
MAX_DEGREE = 10
"""Highest degree n offered: h_nm varies as (r/R)^n, so higher degrees need a stream function
finer than the smooth basis resolves."""
NAMES = {(1, 1): "Gx", (1, -1): "Gy", (1, 0): "Gz", (2, 0): "Z2", (2, 1): "ZX", (2, -1): "ZY", (2, 2): "X2-Y2",
         (2, -2): "XY", (3, 0): "Z3", (3, 1): "Z2X", (3, -1): "Z2Y", (3, 2): "Z(X2-Y2)", (3, -2): "ZXY",
         (3, 3): "X3", (3, -3): "Y3"}
"""Customary shim names of the low-order harmonics (Schmidt-normalised terms; Romeo & Hoult,
Magn. Reson. Med. 1, 44 (1984), table 1, for the shim set)."""
GRADIENT_TERMS = {"x": (1, 1), "y": (1, -1), "z": (1, 0)}
"""(n, m) of the linear gradients G_x, G_y, G_z (module doc)."""


@dataclass(frozen=True)
class HarmonicTarget:
    """The target Bz = c h_nm (module doc): degree ``n`` >= 1, order ``m`` (-n..n; m < 0 the
    sine terms), ``normalization`` of ``analysis.spherical_harmonics``."""

    n: int
    m: int
    normalization: str = "schmidt"

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)) or not 1 <= self.n <= MAX_DEGREE:
            check._fail("n", f"an integer degree in [1, {MAX_DEGREE}] (n = 0 is a uniform field, which a "
                        "stream function on a surface enclosing the DSV cannot single out of B0)", self.n)
        if isinstance(self.m, bool) or not isinstance(self.m, (int, np.integer)) or abs(self.m) > self.n:
            check._fail("m", f"an integer order in [-n, n] = [{-self.n}, {self.n}] (m >= 0 the cosine terms, "
                        "m < 0 the sine terms)", self.m)
        check.choice("normalization", self.normalization, NORMALIZATIONS)
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "m", int(self.m))

    @classmethod
    def gradient(cls, axis: str) -> HarmonicTarget:
        """The linear gradient along ``axis`` ("x", "y" or "z"): Bz = G s (module doc)."""
        check.choice("axis", axis, tuple(GRADIENT_TERMS))
        return cls(*GRADIENT_TERMS[axis])

    @property
    def axis(self) -> str | None:
        """"x", "y" or "z" for a linear gradient (n = 1), else None."""
        return {v: k for k, v in GRADIENT_TERMS.items()}.get((self.n, self.m)) if self.n == 1 else None

    @property
    def name(self) -> str:
        """Gx, Gy, Gz, Z2, ZX, XY, ... (``NAMES``), else H(n,m)."""
        return NAMES.get((self.n, self.m), f"H({self.n},{self.m})")

    @property
    def unit(self) -> str:
        """Unit of the coefficient c: T/m for n = 1, T/m^n otherwise."""
        return "T/m" if self.n == 1 else f"T/m^{self.n}"

    @cached_property
    def _factor(self) -> float:
        return float(normalization_factors(self.n, self.normalization)[self.n, abs(self.m)])

    def values(self, points: np.ndarray, center=(0.0, 0.0, 0.0)) -> np.ndarray:
        """h_nm [m^n] at ``points`` [m] (M, 3) about ``center`` [m] (module doc)."""
        p = np.asarray(points, dtype=float) - np.asarray(center, dtype=float)
        if self.n == 1:  # exact: h_10 = z, h_11 = x, h_1,-1 = y times N_1m
            return self._factor * p[:, {0: 2, 1: 0, -1: 1}[self.m]]
        r = solid_harmonics(p, self.n)[:, self.n, abs(self.m)]
        return self._factor * (r.real if self.m >= 0 else r.imag)

    def field_parities(self) -> dict[int, int]:
        """{mirror axis: parity p} with h(M_b r) = p h(r) for the coordinate mirrors (module doc)."""
        n, m = self.n, abs(self.m)
        if self.m >= 0:
            return {0: (-1) ** m, 1: 1, 2: (-1) ** (n + m)}
        return {0: (-1) ** (m + 1), 1: -1, 2: (-1) ** (n + m)}

    def stream_parities(self) -> dict[int, int]:
        """Parities of a stream function whose Bz has ``field_parities``: a mirror M maps J to
        -M J(M r) and B to det(M) M B(M r), so Bz picks up an extra -1 under the z mirror."""
        return {b: p * (-1 if b == 2 else 1) for b, p in self.field_parities().items()}

    def scale(self, radius: float) -> float:
        """H = max over the DSV of ``radius`` [m] of |h_nm| [m^n] (module doc): R^n N_nm max |P_n^m|,
        on the meridian where |cos m phi| or |sin |m| phi| is 1."""
        if self.n == 1:
            return radius * self._factor  # |P_1^0| and |P_1^1| peak at 1
        theta = np.linspace(0.0, np.pi, 2049)

        def p_abs(t):
            t = np.atleast_1d(t)
            unit = np.column_stack([np.sin(t), np.zeros_like(t), np.cos(t)])
            return np.abs(solid_harmonics(unit, self.n)[:, self.n, abs(self.m)])

        values = p_abs(theta)
        i = int(np.argmax(values))
        lo, hi = theta[max(i - 1, 0)], theta[min(i + 1, len(theta) - 1)]
        fine = minimize_scalar(lambda t: -float(p_abs(t)[0]), bounds=(lo, hi), method="bounded",
                               options={"xatol": 1e-12})
        peak = max(float(values[i]), -float(fine.fun))
        return radius**self.n * self._factor * peak

    def measure(self, bz: np.ndarray, points: np.ndarray, coefficient: float, radius: float, exclude: float,
                deviation: str, center=(0.0, 0.0, 0.0)) -> np.ndarray:
        """The deviation of Bz [T/A] from ``coefficient`` x h_nm at ``points`` [m] (module doc)."""
        return bounded_deviation(bz, self.values(points, center), coefficient, self.scale(radius), exclude, deviation)

    def amplitude_row(self, ops, basis: np.ndarray, radius: float, center) -> np.ndarray:
        """Row a with a . x = c for the stream function basis @ x (module doc): the Jacobian's
        dBz/ds at the centre for n = 1, the quadrature projection on h_nm for n >= 2."""
        if self.n == 1:
            axis = {0: 2, 1: 0, -1: 1}[self.m]
            return ops.jacobian_operator(center, basis)[2, axis] / self._factor
        pts, w = self._quadrature(radius, center)
        h = self.values(pts, center)
        return (w * h) @ ops.bz_operator(pts, basis) / float(w @ h**2)

    def coefficient(self, coil: Coil, radius: float, center=(0.0, 0.0, 0.0)) -> float:
        """c [T/m^n per A] of ``coil``'s Bz (module doc)."""
        if self.n == 1:
            return gradient_efficiency(coil, self.axis, center=tuple(center)) / self._factor
        pts, w = self._quadrature(radius, center)
        h = self.values(pts, center)
        return float((w * h) @ field(coil, pts)[:, 2] / (w @ h**2))

    def _quadrature(self, radius: float, center) -> tuple[np.ndarray, np.ndarray]:
        return sphere_quadrature(radius, self.n + QUADRATURE_EXTRA, tuple(float(x) for x in center))

    def dense_deviation(self, coil: Coil, radius: float, coefficient: float, *, center=(0.0, 0.0, 0.0),
                        exclude: float = 0.1, deviation: str = "pointwise",
                        sphere_only: bool = False) -> DeviationCheck:
        """Maximum of the deviation of ``coil``'s Bz from ``coefficient`` h_nm over the DSV on the
        dense set of ``analysis.dense_field_deviation`` (grid at R/10, surface lattice, refined
        round the worst points); for n = 1 that function itself. ``sphere_only``: without the
        grid's interior points (for "dsv" the error field is harmonic, its maximum on the sphere)."""
        check.choice("deviation", deviation, DEVIATIONS)
        if self.n == 1 and not sphere_only:
            return dense_field_deviation(coil, radius, self.axis, center=tuple(center), exclude=exclude,
                                         deviation=deviation, eta=coefficient * self._factor)
        c = np.asarray(center, dtype=float)

        def measure(p: np.ndarray) -> np.ndarray:
            return self.measure(evaluate_by_symmetry(coil, p)[:, 2], p, coefficient, radius, exclude, deviation, c)

        # the gradient's check has the circles |s| = exclude R (the pointwise measure's kink)
        s_hat = np.eye(3)[{0: 2, 1: 0, -1: 1}[self.m]] if self.n == 1 else (1.0, 0.0, 0.0)
        pts = dense_check_points(radius, c, s_hat, exclude if self.n == 1 else 0.0)
        if sphere_only:
            pts = pts[np.linalg.norm(pts - c, axis=1) >= radius * (1 - 1e-9)]
        best, worst, count, rounds = dense_maximum(measure, pts, radius, c)
        return DeviationCheck(best, worst, count, rounds, deviation, float(exclude))
