"""Built-in validation cases: coildesign against analytic results and published tables.

Each case computes one number with the package and compares it with an independent
reference (a closed form evaluated here, or a published value) within a stated tolerance.
``coildesign validate`` prints the table so a user can check an installation and see how far
to trust each number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.constants import mu_0

import coildesign as cd


@dataclass(frozen=True)
class Case:
    """A validation case: ``run()`` returns (expected, computed)."""

    name: str
    source: str
    tolerance: float  # relative
    run: Callable[[], tuple[float, float]]


@dataclass(frozen=True)
class Outcome:
    """Result of one case."""

    name: str
    source: str
    expected: float
    computed: float
    rel_error: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when |computed/expected - 1| <= tolerance."""
        return bool(self.rel_error <= self.tolerance)


CASES: list[Case] = []


def case(name: str, source: str, tolerance: float):
    """Register a validation case (decorator)."""

    def wrap(fn):
        CASES.append(Case(name, source, tolerance, fn))
        return fn

    return wrap


@case("finite wire, 1e-9 L from the wire", "Griffiths, Intro. Electrodynamics Ex. 5.5", 1e-12)
def _finite_wire():
    length, d, z = 1e-3, 1e-12, 0.2e-3
    coil = cd.Coil.from_polyline([[0, 0, -length / 2], [0, 0, length / 2]])
    exact = mu_0 / (4 * np.pi * d) * ((length / 2 - z) / np.hypot(d, length / 2 - z)
                                       + (length / 2 + z) / np.hypot(d, length / 2 + z))
    return exact, float(cd.field(coil, [d, 0, z])[0, 1])


@case("regular 7-gon centre field", "N mu0 I tan(pi/N)/(2 pi R), superposed finite wires", 1e-13)
def _polygon():
    r, n = 1e-3, 7
    phi = 2 * np.pi * np.arange(n) / n
    coil = cd.Coil.from_polyline(np.c_[r * np.cos(phi), r * np.sin(phi), 0 * phi], closed=True)
    return n * mu_0 * np.tan(np.pi / n) / (2 * np.pi * r), float(cd.field(coil, [0, 0, 0])[0, 2])


@case("loop on axis at z = 0.7 R", "mu0 I R^2 / (2 (R^2+z^2)^1.5), Jackson eq. 5.40", 1e-13)
def _loop_axis():
    r, z = 1e-3, 0.7e-3
    return mu_0 * r**2 / (2 * (r**2 + z**2) ** 1.5), float(cd.field(cd.Coil.from_loop(r), [0, 0, z])[0, 2])


@case("loop near axis, rho = 1e-9 R", "B_rho = -(rho/2) dBz/dz on axis (div B = 0), first order", 1e-9)
def _loop_near_axis():
    r, z, rho = 1e-3, 0.5e-3, 1e-12
    dbz = -3 * mu_0 * r**2 * z / (2 * (r**2 + z**2) ** 2.5)
    return -0.5 * rho * dbz, float(cd.field(cd.Coil.from_loop(r), [rho, 0, z])[0, 0])


@case("Helmholtz pair centre field", "(4/5)^(3/2) mu0 I / R", 1e-13)
def _helmholtz():
    r = 2e-3
    coil = cd.Coil.from_loop(r, center=(0, 0, r / 2)) + cd.Coil.from_loop(r, center=(0, 0, -r / 2))
    return (4 / 5) ** 1.5 * mu_0 / r, float(cd.field(coil, [0, 0, 0])[0, 2])


@case("Maxwell pair efficiency", "48 sqrt(3)/(49 sqrt(7)) mu0 I/a^2 (derivative of Jackson eq. 5.40)", 1e-12)
def _maxwell():
    a = 5e-3
    d = np.sqrt(3) / 2 * a
    coil = cd.Coil.from_loop(a, center=(0, 0, d)) + cd.Coil.from_loop(a, center=(0, 0, -d)).with_weights([-1])
    return 48 * np.sqrt(3) / (49 * np.sqrt(7)) * mu_0 / a**2, float(cd.field_jacobian(coil, [0, 0, 0])[0, 2, 2])


@case("long solenoid centre field", "mu0 N I / sqrt(L^2 + 4a^2) (current sheet), -> mu0 N I / L", 2e-3)
def _solenoid():
    a, length, turns = 1e-3, 0.1, 1000
    t = np.linspace(0, 2 * np.pi * turns, turns * 48 + 1)
    coil = cd.Coil.from_polyline(np.c_[a * np.cos(t), a * np.sin(t), np.linspace(-length / 2, length / 2, t.size)])
    return mu_0 * turns / np.hypot(length, 2 * a), float(cd.field(coil, [0, 0, 0])[0, 2])


@case("Golay x efficiency (1024 points/arc)", "2 sin(60deg)/pi [g(d1) - g(d2)] mu0 N I/a^2, arcs from 4u^2-27u+4=0",
      1e-6)
def _golay():
    from coildesign.analysis import gradient_efficiency
    from coildesign.geometries import golay
    from coildesign.geometries.gradient_coils import golay_efficiency

    return golay_efficiency(5e-3), gradient_efficiency(golay(5e-3, points_per_arc=1024))


@case("coaxial loops mutual inductance", "Maxwell: mu0 sqrt(R1 R2) [(2/k - k) K - (2/k) E]", 1e-12)
def _coaxial_mutual():
    from scipy.special import ellipe, ellipk

    from coildesign.analysis import mutual_inductance

    r1, r2, d = 1e-3, 1.7e-3, 0.6e-3
    m = 4 * r1 * r2 / ((r1 + r2) ** 2 + d**2)
    k = np.sqrt(m)
    exact = mu_0 * np.sqrt(r1 * r2) * ((2 / k - k) * ellipk(m) - 2 / k * ellipe(m))
    return exact, mutual_inductance(cd.Coil.from_loop(r1), cd.Coil.from_loop(r2, center=(0, 0, d)))


@case("loop self inductance, a/R = 0.005", "mu0 R [ln(8R/a) - 7/4] (Grover eq. 96), O((a/R)^2)", 1e-4)
def _loop_inductance():
    from coildesign.analysis import inductance

    r, a = 1e-3, 5e-6
    return mu_0 * r * (np.log(8 * r / a) - 1.75), inductance(cd.Coil.from_loop(r, wire_diameter=2 * a))


@case("Nagaoka coefficient, D/l = 1", "Nagaoka 1909 table (Grover 1946 Table 36): 0.6884", 1e-4)
def _nagaoka():
    from coildesign.analysis.handbook import nagaoka_coefficient

    return 0.6884, nagaoka_coefficient(1.0)


@case("skin depth, copper at 600 MHz", "sqrt(rho / (pi f mu0)), rho = 1.678e-8 ohm m (CRC)", 1e-14)
def _skin():
    from coildesign.rf import skin_depth

    return float(np.sqrt(1.678e-8 / (np.pi * 600e6 * mu_0))), float(skin_depth(600e6, 1.678e-8))


def run_all(names: list[str] | None = None) -> list[Outcome]:
    """Run every registered case (or those whose name contains one of ``names``)."""
    out = []
    for c in CASES:
        if names and not any(n.lower() in c.name.lower() for n in names):
            continue
        expected, computed = c.run()
        rel = abs(computed / expected - 1.0) if expected != 0 else abs(computed)
        out.append(Outcome(c.name, c.source, float(expected), float(computed), float(rel), c.tolerance))
    return out


def format_table(outcomes: list[Outcome]) -> str:
    """Plain-text table: case, source, expected, computed, relative error, tolerance, pass."""
    head = ("case", "source", "expected", "computed", "rel. error", "tolerance", "result")
    rows = [(o.name, o.source, f"{o.expected:.10g}", f"{o.computed:.10g}", f"{o.rel_error:.1e}",
             f"{o.tolerance:.0e}", "pass" if o.passed else "FAIL") for o in outcomes]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    n_pass = sum(o.passed for o in outcomes)
    lines.append(f"{n_pass} passed, {len(outcomes) - n_pass} failed")
    return "\n".join(lines)
