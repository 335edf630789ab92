"""The eddy field of each shell mode as solid harmonics: the higher-order terms of the
pre-emphasis model (``coildesign.eddy.terms`` gives the B0 and linear terms).

After a 1 A step in the coil the eddy field is Bz_e(r, t) = sum_i g_i(r) exp(-t/tau_i)
(``eddy.step_response``). Each g_i is harmonic inside the shells, so it has the solid-harmonic
expansion of ``analysis.spherical_harmonics`` (Siemens/Janke form, fitted on the exact sphere
quadrature): dA_nm(t) = sum_i A_nm,i exp(-t/tau_i) and likewise for B_nm, a sum of exponentials
per harmonic term as a scanner's higher-order eddy-current compensation models it. The mode
fields are evaluated once on the quadrature points, then fitted mode by mode.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.analysis.spherical_harmonics import SphericalHarmonics, fit_spherical_harmonics, sphere_quadrature
from coildesign.coil import Coil
from coildesign.eddy import step_response
from coildesign.eddy.modes import as_modes


@dataclass(frozen=True)
class EddyHarmonics:
    """Per-mode solid-harmonic expansions of the eddy field after a 1 A step: ``A``, ``B``
    (n, order + 1, order + 1) [T/A] in ``normalization`` at reference ``radius`` [m];
    ``time_constants`` (n,) [s]; ``modes`` the per-mode ``SphericalHarmonics`` (with residuals)."""

    time_constants: np.ndarray
    A: np.ndarray
    B: np.ndarray
    radius: float
    normalization: str
    modes: tuple[SphericalHarmonics, ...]

    def at(self, t: float) -> SphericalHarmonics:
        """The expansion of the eddy field [T/A] at time ``t`` [s] >= 0 after the step."""
        tt = check.positive("t", t, allow_zero=True)
        w = np.exp(-tt / self.time_constants)
        return SphericalHarmonics(np.einsum("i,inm->nm", w, self.A), np.einsum("i,inm->nm", w, self.B), self.radius,
                                  self.normalization, self.modes[0].center if self.modes else (0.0, 0.0, 0.0))


def eddy_harmonics(coil: Coil, shells, radius: float, order: int, normalization: str = "schmidt", *,
                   center=(0.0, 0.0, 0.0), quadrature_degree: int | None = None,
                   basis_size: int | None = None) -> EddyHarmonics:
    """Solid-harmonic expansion (degrees 0..``order`` about ``center`` [m], reference
    ``radius`` [m]) of every shell mode's eddy field after a 1 A step in ``coil`` (module doc).
    ``shells``: Shells or their ``eddy.modes``; ``quadrature_degree`` as for
    ``fit_spherical_harmonics`` (default order + 40)."""
    m = as_modes(shells, basis_size)
    r0 = check.positive("radius", radius)
    n = check.positive_int("order", order, minimum=0)
    deg = n + 40 if quadrature_degree is None else check.positive_int("quadrature_degree", quadrature_degree,
                                                                      minimum=n)
    c = tuple(check.vector3("center", center))
    pts, _ = sphere_quadrature(r0, deg, c)
    g = step_response(coil, m, pts, [0.0]).mode_fields[:, 2, :]  # (M, modes) [T/A]
    fits = tuple(fit_spherical_harmonics(lambda p, i=i: g[:, i], r0, n, normalization, center=c,
                                         quadrature_degree=deg) for i in range(m.count))
    return EddyHarmonics(m.time_constants, np.array([f.A for f in fits]), np.array([f.B for f in fits]), r0,
                         normalization, fits)
