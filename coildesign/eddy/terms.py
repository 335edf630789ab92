"""The eddy response as a scanner's pre-emphasis model, and the eddy figures of merit of a coil.

Pre-emphasis model (the form of scanner eddy-current compensation; Jehenson, Westphal &
Schuff, J. Magn. Reson. 90, 264 (1990); Bernstein, King & Zhou, Handbook of MRI Pulse
Sequences (2004) sec. 10.3): after a gradient step G the field the eddy currents add is, per
spatial term, a sum of exponentials

    B0 term:        dB0(t) = G sum_i b_i exp(-t/tau_i)         [b_i in T/(T/m) = m]
    gradient terms: dG_j(t) = G sum_i a_ij exp(-t/tau_i)       [a_ij dimensionless]

Here the tau_i are the shells' mode time constants (exact, ``modes``) and each mode's eddy
field Bz (``step_response.mode_fields``) is expanded by least squares over the given points
in the terms 1, x, y, z about ``center`` (B0 offset and the three linear gradients; the
residual of that fit, reported per mode, is the higher-order content; the higher harmonic
terms per mode are ``coildesign.analysis.eddy_harmonics``). a_i along the coil's own axis
summed over all modes is the eddy gradient at t = 0+ as a fraction of G.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, require_coil
from coildesign.eddy.modes import as_modes
from coildesign.eddy.response import (
    Energy,
    Impedance,
    _check_frequencies,
    _mode_fields,
    dissipated_energy,
    finite_array,
    impedance,
)
from coildesign.fields import field_jacobian

AXES = ("x", "y", "z")
REPORT_TIMES = (1e-4, 1e-3, 1e-2)
"""Times [s] after a step at which ``report`` gives the eddy field (0.1, 1 and 10 ms)."""


def _axis_index(coil: Coil, axis: str | None) -> int:
    if axis is not None:
        return AXES.index(check.choice("axis", axis, AXES))
    ax = coil.axis
    if ax is None or not np.isclose(np.abs(ax).max(), 1.0):
        check._fail("axis", "given (x, y or z) for a coil whose axis is not a coordinate axis", axis)
    return int(np.argmax(np.abs(ax)))


def _efficiency(coil: Coil, axis: int, center: np.ndarray, efficiency: float | None) -> float:
    """eta = dBz/ds at ``center`` [T/(m A)] (as ``analysis.gradient_efficiency``), or the given value."""
    eta = float(field_jacobian(coil, center[None])[0, 2, axis]) if efficiency is None else \
        check.finite("efficiency", efficiency)
    if eta == 0:
        check._fail("efficiency", "non-zero (the coil makes no gradient along its axis)", eta)
    return eta


@dataclass(frozen=True)
class EddyTerms:
    """Pre-emphasis model of a coil in its shells (module doc).

    ``time_constants`` tau_i [s] (n,); ``b0`` [T/A] and ``gradient`` (n, 3) [T/(m A)] per mode
    for a 1 A step; ``efficiency`` eta [T/(m A)] of the coil along ``axis``; ``residual`` (n,)
    rms of each mode's Bz left by the fit over the points [T/A]."""

    time_constants: np.ndarray
    b0: np.ndarray
    gradient: np.ndarray
    efficiency: float
    axis: str
    residual: np.ndarray

    @property
    def gradient_amplitudes(self) -> np.ndarray:
        """a_ij = gradient / eta (n, 3): dG_j(t)/G = sum_i a_ij exp(-t/tau_i)."""
        return self.gradient / self.efficiency

    @property
    def b0_amplitudes(self) -> np.ndarray:
        """b_i = b0 / eta [m] (n,): dB0(t)/G = sum_i b_i exp(-t/tau_i)."""
        return self.b0 / self.efficiency

    def dominant(self, count: int = 5, term: str | None = None) -> list[tuple[float, float]]:
        """The ``count`` largest (tau [s], amplitude) pairs of ``term`` ("b0" in m, or "x", "y",
        "z" dimensionless; default the coil's own axis), largest |amplitude| first."""
        n = check.positive_int("count", count)
        t = self.axis if term is None else check.choice("term", term, ("b0", *AXES))
        amp = self.b0_amplitudes if t == "b0" else self.gradient_amplitudes[:, AXES.index(t)]
        order = np.argsort(-np.abs(amp))[:n]
        return [(float(self.time_constants[i]), float(amp[i])) for i in order]

    def model(self, times, term: str | None = None) -> np.ndarray:
        """The term's sum of exponentials at ``times`` [s] (t >= 0), per unit gradient step."""
        t = np.atleast_1d(finite_array("times", times))
        term = self.axis if term is None else check.choice("term", term, ("b0", *AXES))
        amp = self.b0_amplitudes if term == "b0" else self.gradient_amplitudes[:, AXES.index(term)]
        return np.exp(-np.maximum(t, 0)[:, None] / self.time_constants[None, :]) @ amp


def terms(coil: Coil, shells, points, *, center=(0.0, 0.0, 0.0), axis: str | None = None,
          efficiency: float | None = None, basis_size: int | None = None) -> EddyTerms:
    """Pre-emphasis model (module doc) of ``coil`` in ``shells`` (Shells or their ``Modes``),
    fitted over ``points`` [m] (M >= 4, e.g. a DSV surface lattice). ``axis`` defaults to the
    coil's axis; ``efficiency`` [T/(m A)] to dBz/ds at ``center``."""
    require_coil("coil", coil)
    m = as_modes(shells, basis_size)
    ctr = check.vector3("center", center)
    ax = _axis_index(coil, axis)
    eta = _efficiency(coil, ax, ctr, efficiency)
    pts, g, _ = _mode_fields(m, coil, points)
    return _fit_terms(m.time_constants, pts, g, ctr, AXES[ax], eta)


def _fit_terms(taus: np.ndarray, pts: np.ndarray, g: np.ndarray, ctr: np.ndarray, axis: str, eta: float) -> EddyTerms:
    if len(pts) < 4:
        check._fail("points", "at least 4 points (B0 and three gradient terms are fitted)", len(pts))
    design = np.c_[np.ones(len(pts)), pts - ctr]
    bz = g[:, 2, :]
    coef, *_ = np.linalg.lstsq(design, bz, rcond=None)
    res = np.sqrt(np.mean((bz - design @ coef) ** 2, axis=0))
    return EddyTerms(taus, coef[0], coef[1:].T, eta, axis, res)


@dataclass(frozen=True)
class EddyReport:
    """Eddy figures of merit of a gradient coil in its shells (``report``).

    ``times`` [s]; ``fraction`` (T,) max over the points of |Bz_eddy| / (eta R) after a step
    (R: largest distance of the points from the centre, so eta R is the coil's field at the
    DSV edge); ``terms`` the pre-emphasis model; ``energy`` heat per shell per 1 A step
    [J/A^2]; ``impedance`` the coil + shells impedance against frequency; ``shells`` names."""

    times: np.ndarray
    fraction: np.ndarray
    radius: float
    terms: EddyTerms
    energy: Energy
    impedance: Impedance
    shells: tuple[str, ...]

    def table(self) -> str:
        """Plain-text summary (SI units, percentages marked)."""
        lines = [f"eddy field of the G{self.terms.axis} coil after a step (max over the DSV, % of G R, "
                 f"R = {self.radius * 1e3:.4g} mm):"]
        lines += [f"  t = {t * 1e3:8.4g} ms: {100 * f:.4g} %" for t, f in zip(self.times, self.fraction)]
        lines.append(f"dominant time constants and amplitudes ({self.terms.axis} gradient term, fraction of G):")
        lines += [f"  tau = {tau * 1e3:8.4g} ms: {a:+.4g}" for tau, a in self.terms.dominant(5)]
        lines.append("B0 term, largest: " + ", ".join(f"{tau * 1e3:.4g} ms: {b * 1e6:+.4g} uT/(mT/m)"
                                                       for tau, b in self.terms.dominant(3, "b0")))
        lines.append("heat per 1 A step [uJ/A^2]: " + ", ".join(f"{n}: {e * 1e6:.4g}"
                                                             for n, e in zip(self.shells, self.energy.per_shell)))
        z = self.impedance
        lines.append("effective inductance / resistance vs frequency:")
        for i in np.unique(np.linspace(0, len(z.frequencies) - 1, min(6, len(z.frequencies))).astype(int)):
            lines.append(f"  {z.frequencies[i]:10.4g} Hz: L = {z.inductance[i] * 1e6:.5g} uH, "
                         f"R = {z.resistance[i] * 1e3:.5g} mohm")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def _fraction(rates, pts, g, ctr, eta, t) -> tuple[float, np.ndarray]:
    radius = float(np.linalg.norm(pts - ctr, axis=1).max())
    if radius <= 0:
        check._fail("points", "points not all at the centre", pts)
    bz = np.exp(-np.maximum(t, 0)[:, None] * rates[None, :]) @ g[:, 2, :].T  # (T, M)
    return radius, np.abs(bz).max(axis=1) / (abs(eta) * radius)


def _step_fields(coil, shells, points, times, center, axis, basis_size):
    """Checked inputs of a step analysis and the mode fields at the points: (modes, times [s],
    centre [m], gradient axis index, points [m], mode fields g)."""
    require_coil("coil", coil)
    m = as_modes(shells, basis_size)
    t = np.atleast_1d(finite_array("times", times))
    _check_frequencies(m, t)
    ctr = check.vector3("center", center)
    ax = _axis_index(coil, axis)
    pts, g, _ = _mode_fields(m, coil, points)
    return m, t, ctr, ax, pts, g


def residual_fraction(coil: Coil, shells, points, times, *, center=(0.0, 0.0, 0.0), axis: str | None = None,
                      efficiency: float | None = None, basis_size: int | None = None) -> np.ndarray:
    """Residual eddy field of a (designed) gradient coil: max over ``points`` [m] of
    |Bz_eddy(t)| / (eta R) after a step, at every one of ``times`` [s] (T,) (R: the points'
    largest distance from ``center``; eta: dBz/ds there). Pass a dense time grid to check a
    bound at all times, not only at chosen instants."""
    m, t, ctr, ax, pts, g = _step_fields(coil, shells, points, times, center, axis, basis_size)
    return _fraction(m.rates, pts, g, ctr, _efficiency(coil, ax, ctr, efficiency), t)[1]


def report(coil: Coil, shells, points, *, times=REPORT_TIMES, center=(0.0, 0.0, 0.0), axis: str | None = None,
           efficiency: float | None = None, frequencies=None, coil_inductance: float = 0.0,
           coil_resistance: float = 0.0, basis_size: int | None = None) -> EddyReport:
    """Eddy figures of merit of ``coil`` in ``shells`` over ``points`` [m] (e.g. a DSV surface
    lattice): eddy field at ``times`` [s] (default 0.1, 1, 10 ms) as a fraction of eta R, the
    pre-emphasis terms, heat per shell per step and the impedance at ``frequencies`` [Hz]
    (default 10 Hz to 100 kHz) with ``coil_inductance`` [H] and ``coil_resistance`` [ohm]
    added (``EddyReport``)."""
    m, t, ctr, ax, pts, g = _step_fields(coil, shells, points, times, center, axis, basis_size)
    tm = _fit_terms(m.time_constants, pts, g, ctr, AXES[ax], _efficiency(coil, ax, ctr, efficiency))
    radius, frac = _fraction(m.rates, pts, g, ctr, tm.efficiency, t)
    f = np.geomspace(10.0, 1e5, 41) if frequencies is None else frequencies
    return EddyReport(t, frac, radius, tm, dissipated_energy(coil, m),
                      impedance(coil, m, f, coil_inductance=coil_inductance, coil_resistance=coil_resistance),
                      tuple(s.name for s in m.shells))
