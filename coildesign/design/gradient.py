"""Target-field gradient coils: a stream function on a surface, optimised to minimum inductance
or power under a field-deviation bound, cut into connected wires and analysed as wires.

Problem (Turner, J. Phys. D 19, L147 (1986) for the target-field idea; Poole & Bowtell,
Concepts Magn. Reson. B 31, 162 (2007) for the bounded-deviation QP on a mesh):
    minimise   psi^T L psi                     (or psi^T R psi, or a weighted sum)
    subject to dBz/ds(centre) = G0,
               |Bz(r) - G0 s(r)| <= eps G0 scale(s(r))   at every target point,
               [net force = 0, net torque = 0 in B0], [|Bz| <= stray bound outside a radius],
               [|psi| <= turns G0 / eta_min].
s is the coordinate along the gradient axis, B0 along +z, G0 = 1 T/m (the problem is linear, so
the amplitude only fixes the units of psi [A]). scale(s) is ``analysis.gradient.deviation_scale``:
max(|s|, exclude R_dsv) for ``deviation="pointwise"`` (the relative deviation Bz/(G s) - 1, with
the absolute floor of |s| = exclude R_dsv where |s| is smaller), R_dsv for ``deviation="dsv"``;
the same measure judges the wires (``analysis.dense_field_deviation``), the report and
``analysis.linearity``. A wire set that misses the bound, the wire spacing or a physical limit is
refused (``InfeasibleDesignError``) unless ``allow_violations``.
Target points: a grid filling the DSV and a Fibonacci lattice on its surface (the error field
is harmonic: its extremes sit on the surface; Kellogg, Foundations of Potential Theory, ch. X).

psi lives in the span of the lowest Laplace-Beltrami modes of the mesh (``operators.modes``),
so the optimum is smooth and contours into smooth wires. Wire figures are those of the
connected ``Coil``: efficiency (analytic Jacobian), linearity, inductance (Neumann / GMD, with
the wire radius), DC resistance, all from ``coildesign.analysis``.
"""

from __future__ import annotations

import time
import warnings
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _files as files
from coildesign import _validation as check
from coildesign._runtime import one_blas_thread
from coildesign.analysis.gradient import (
    DEVIATIONS,
    DeviationCheck,
    bounded_deviation,
    deviation_scale,
    linearity,
)
from coildesign.analysis.inductance import inductance
from coildesign.analysis.performance import dc_resistance
from coildesign.analysis.regions import Region, fibonacci_sphere
from coildesign.coil import Coil, Winding
from coildesign.conductors import RoundWire, material
from coildesign.design.contours import (
    _segment_distances_apart,
    connect,
    contour_levels,
    drop_slivers,
    drop_specks,
    levels,
    nests,
    saddle_levels,
    trim_tips,
)
from coildesign.design.eddy_bound import EddyCheck, check_eddy, eddy_bound, eddy_rows
from coildesign.design.levels import tune_levels, wire_set, without_strays
from coildesign.design.plots import plot_design
from coildesign.design.solve import InfeasibleDesignError, solve_least_squares, solve_qp
from coildesign.design.target import HarmonicTarget
from coildesign.design.work import check_design_work, design_work
from coildesign.export import to_csv, to_npz, to_stl, to_vtk
from coildesign.fields.fieldmap import evaluate_by_symmetry
from coildesign.geometries.gradient_coils import GradientSet
from coildesign.surfaces.operators import StreamFunctionOperators
from coildesign.surfaces.surfaces import Surface, cylinder
from coildesign.symmetry import SIGN_MATRICES

AXES = {"x": 0, "y": 1, "z": 2}
STL_UNITS = {"m": 1.0, "mm": 1e3}
"""Length units of ``GradientDesign.export``'s STL: factor from metres."""
G0 = 1.0  # design gradient [T/m]; the design is linear in it
WIRE_GMD_POINTS = 4
"""Directions of the GMD-displaced paths in the wires' self inductance (analysis.inductance)."""
WIRE_ORDER = 4
"""Gauss-Legendre nodes per piece and per refined panel in the wires' inductance
(``analysis.inductance``; its default is 8). The wires are polylines of short segments and every
near pair is integrated on panels no longer than their distance, where an n-node rule converges
like rho^(-2n) (Trefethen, Approximation Theory and Approximation Practice, 2013, Thm. 19.3): the
integrand 1/r of a point at distance >= the panel length h is analytic inside the Bernstein
ellipse rho = 2 + sqrt(5) (its singularity nearest the panel, in units of h/2, at t0 +- 2i for a
point above t0 in [-1, 1]; further off beyond the ends), so rho^-8 < 1e-5 per near panel: 4 nodes change L by
-2.4e-9 (Gy) and -2.7e-9 (Gz) relative on benchmarks/bench_design.py's wires, in 55-70 % of the
CPU time of 8."""
AIM = 0.99
"""Set-point of the refinement's bound controller, as a fraction of max_deviation: aiming just
inside the bound gives iterates that meet it (a controller aimed at the bound itself hovers
across it); the reported deviation is always the measured one."""
CONVERGED_GAIN = 2e-3
"""The refinement stops when a round improves the estimated eta^2/L of a wire set that meets both
bounds by less than this fraction: the controller approaches its set-point monotonically, so the
rounds after it add less (0.07 % on benchmarks/bench_design.py's Gy for two more rounds). Its first
phase ends the same way on wire sets that meet the deviation bound but not the pitch (on
benchmarks/bench_eddy.py's eddy-bounded Gy three more rounds changed eta^2/L by -0.01 to -0.03 %
and left the spacing unchanged)."""
_OPERATORS: WeakKeyDictionary = WeakKeyDictionary()


def surface_operators(surface: Surface, tolerance: float = 1e-6) -> StreamFunctionOperators:
    """The cached ``StreamFunctionOperators`` of ``surface`` (built on first use)."""
    ops = _OPERATORS.get(surface)
    if ops is None or ops.tolerance != tolerance:
        ops = StreamFunctionOperators(surface, tolerance=tolerance)
        _OPERATORS[surface] = ops
    return ops


@dataclass
class GradientDesign:
    """A designed gradient coil: the connected wires (``coil``) and their figures, next to the
    continuous stream function's figures (``continuous``) so the cost of discretisation shows.

    Wire figures (current I through the wire): ``efficiency`` [T/(m A)] (for a harmonic target of
    degree n, ``target``: its coefficient c per ampere [T/(m^n A)]), ``inductance`` [H],
    ``resistance`` [ohm] (DC, 20 C), ``max_deviation`` (the maximum of the ``deviation`` measure,
    ``analysis.gradient`` module doc, over the whole DSV from ``analysis.dense_field_deviation``:
    ``deviation_check`` holds where it sits and how many points it took), ``max_gradient_deviation``
    (max |dBz/ds / eta - 1| on the 11-point grid of ``linearity``; None for a harmonic of degree
    >= 2), ``wire_length`` [m],
    ``min_spacing`` [m] (centre to centre, junctions excluded). ``violations``: what the wires fail
    of the deviation bound ``deviation_bound`` and the spacing rule, with the amounts (empty for a
    buildable design; only a design asked for with ``allow_violations=True`` has any).
    """

    coil: Coil
    surface: Surface
    stream_function: np.ndarray  # psi [A] per vertex at G0 = 1 T/m
    status: str
    axis: str | None  # None for a harmonic of degree >= 2 (``target``)
    dsv_radius: float
    turns: int
    wire_current: float  # level spacing Delta [A] at G0 (a wire carries Delta)
    efficiency: float
    inductance: float
    resistance: float
    max_deviation: float
    max_gradient_deviation: float | None
    wire_length: float
    min_spacing: float
    wire_diameter: float
    clearance: float
    continuous: dict = dataclass_field(default_factory=dict)
    timings: dict = dataclass_field(default_factory=dict)
    deviation: str = "pointwise"
    exclude: float = 0.1
    deviation_bound: float | None = None
    deviation_check: DeviationCheck | None = None
    violations: tuple = ()
    target: HarmonicTarget | None = None  # the harmonic designed for (None: the gradient along axis)
    eddy: EddyCheck | None = None  # the wires' eddy field against gradient_coil's eddy bound

    @property
    def name(self) -> str:
        """Gx, Gy, Gz for a gradient coil, the harmonic's name (Z2, XY, ...) for a shim coil."""
        return self.target.name if self.target is not None else f"G{self.axis}"

    @property
    def efficiency_unit(self) -> str:
        """Unit of ``efficiency``: T/(m A) for a gradient, T/(m^n A) for a harmonic of degree n."""
        n = 1 if self.target is None else self.target.n
        return "T/(m A)" if n == 1 else f"T/(m^{n} A)"

    @property
    def figure_of_merit(self) -> float:
        """eta^2 / L [T^2/(m^2 A^2 H)] of the wires ([T^2/(m^(2n) A^2 H)] for a harmonic of degree n)."""
        return self.efficiency**2 / self.inductance

    @property
    def buildable(self) -> bool:
        """True when neighbouring wires are at least a wire diameter plus the clearance apart and
        the wires meet the deviation bound (``deviation_bound``, when known)."""
        spaced = self.min_spacing >= (self.wire_diameter + self.clearance) * (1 - 1e-9)
        return spaced and (self.deviation_bound is None or self.max_deviation <= self.deviation_bound * (1 + 1e-9))

    @property
    def terminals(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(entry, exit) lead ends [m] of each winding: every winding is one conductor of the
        coil, and with several windings they are connected in series off the coil (their
        current directions as drawn)."""
        return [(w.points[0].copy(), w.points[-1].copy()) for w in self.coil.windings]

    def as_dict(self) -> dict:
        """Figures as a plain dict (SI units)."""
        keys = ("axis", "dsv_radius", "turns", "status", "efficiency", "inductance", "resistance", "max_deviation",
                "max_gradient_deviation", "wire_length", "min_spacing", "wire_diameter", "clearance", "deviation",
                "exclude", "deviation_bound")
        out = {k: getattr(self, k) for k in keys}
        out.update(name=self.name, efficiency_unit=self.efficiency_unit,
                   harmonic=None if self.target is None else {"n": self.target.n, "m": self.target.m,
                                                               "normalization": self.target.normalization},
                   figure_of_merit=self.figure_of_merit, buildable=self.buildable, violations=list(self.violations),
                   deviation_check=None if self.deviation_check is None else self.deviation_check.as_dict(),
                   windings=len(self.coil.windings),
                   terminals_m=[[a.tolist(), b.tolist()] for a, b in self.terminals],
                   continuous=dict(self.continuous), timings=dict(self.timings),
                   eddy=None if self.eddy is None else self.eddy.as_dict())
        return out

    def table(self) -> str:
        """Side-by-side text table: wires vs the continuous stream function."""
        c = self.continuous
        unit = self.efficiency_unit
        n = 1 if self.target is None else self.target.n
        rows = [("", "wires", "continuous"),
                (f"efficiency [m{unit}]", f"{self.efficiency * 1e3:.5g}", f"{c['efficiency'] * 1e3:.5g}"),
                ("inductance [uH]", f"{self.inductance * 1e6:.5g}", f"{c['inductance'] * 1e6:.5g}"),
                (f"eta^2/L [T^2/(m^{2 * n if n > 1 else 2} A^2 H)]", f"{self.figure_of_merit:.5g}",
                 f"{c['efficiency'] ** 2 / c['inductance']:.5g}"),
                (f"max field deviation ({self.deviation}) [%]", f"{100 * self.max_deviation:.4g}",
                 f"{100 * c['max_deviation']:.4g}"),
                ("max gradient deviation [%]", "-" if self.max_gradient_deviation is None
                 else f"{100 * self.max_gradient_deviation:.3g}", "-"),
                ("resistance [ohm]", f"{self.resistance:.4g}", "-"),
                ("wire length [m]", f"{self.wire_length:.4g}", "-"),
                ("min spacing / wire diameter [mm]", f"{self.min_spacing * 1e3:.3g} / {self.wire_diameter * 1e3:.3g}",
                 "-"),
                ("windings / terminals", f"{len(self.coil.windings)} / {2 * len(self.coil.windings)}", "-"),
                ("buildable", "yes" if self.buildable else "NO (violations below)", "-"),
                ("turns per sign, status", f"{self.turns}", self.status)]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows]
        return "\n".join(lines + [f"violation: {v}" for v in self.violations])

    def __str__(self) -> str:
        return f"{self.name} target-field design on {self.surface.name} (DSV radius {self.dsv_radius:g} m)\n" + \
            self.table()

    def export(self, folder, unit: str = "m") -> list:
        """Write the design for manufacturing and viewing into ``folder``: windings as CSV and
        NPZ point lists (wire diameter, current direction), VTK polylines (ParaView), the swept
        wire as STL, the figures as JSON and the stream-function picture; returns the paths.
        ``unit`` ("m" or "mm"): length unit of the STL (which carries none; CAD tools assume mm);
        the point lists, VTK and JSON stay SI with their units named in them."""
        check.choice("unit", unit, tuple(STL_UNITS))
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{self.name}_target_field"
        written = [to_csv(self.coil, stem.with_suffix(".csv")), to_npz(self.coil, stem.with_suffix(".npz")),
                   to_vtk(self.coil, stem.with_suffix(".vtp")),
                   to_stl(self.coil, stem.with_suffix(".stl"), scale=STL_UNITS[unit]),
                   files.write_json(stem.with_suffix(".json"), self.as_dict())]
        self.plot(stem.with_suffix(".png"))
        return written + [stem.with_suffix(".png")]

    def plot(self, path=None):
        """Stream function with its contour wires (unrolled for cylinders, per plate for planes)
        and the 3-D winding; returns the matplotlib figure (saved when ``path`` is given)."""
        return plot_design(self, path)


def _targets(dsv_radius: float, center: np.ndarray, n_points: int) -> np.ndarray:
    """Target points [m]: a grid in the DSV (~1/3 of them) and a Fibonacci surface lattice."""
    n_surface = max(50, (2 * n_points) // 3)
    n_grid = max(5, int(round((6 / np.pi * (n_points - n_surface)) ** (1 / 3))))
    grid = Region("sphere", dsv_radius).sample(n_grid, n_surface=0)
    return np.vstack([grid, dsv_radius * fibonacci_sphere(n_surface)]) + center


def _stray_points(surface: Surface, radius: float, count: int = 600) -> np.ndarray:
    """Points on a cylinder of ``radius`` [m] as long as the surfaces, for the stray-field bound."""
    z = surface.vertices[:, 2]
    half = 0.5 * float(np.ptp(z)) + radius
    k = int(np.sqrt(count))
    phi, zz = np.meshgrid(2 * np.pi * np.arange(k) / k, np.linspace(-half, half, k) + 0.5 * (z.max() + z.min()))
    return np.c_[radius * np.cos(phi.ravel()), radius * np.sin(phi.ravel()), zz.ravel()]


def gradient_coil(surface: Surface, axis: str, dsv_radius: float, max_deviation: float = 0.05, turns: int = 10,
                  objective: str | float = "inductance", wire_diameter: float | None = None,
                  shield: Surface | None = None, *, center=(0.0, 0.0, 0.0), modes: int | None = None,
                  n_targets: int = 3000, exclude: float = 0.1, clearance: float | None = None,
                  zero_force: bool = False, zero_torque: bool = False, stray_radius: float | None = None,
                  max_stray: float = 0.01, method: str = "qp", regularization: float = 1e-4,
                  sheet_thickness: float | None = None, material_name: str = "copper",
                  tolerance: float = 1e-6, refine: int = 6, symmetry: bool = True,
                  smoothing: float = 1e-3, enforce_spacing: bool = True, deviation: str = "pointwise",
                  allow_violations: bool = False, min_efficiency: float | None = None,
                  max_inductance: float | None = None, max_power: float | None = None,
                  power_gradient: float | None = None, join_windings: bool = False,
                  optimise_levels: bool = True, eddy=None) -> GradientDesign:
    """Design a gradient coil on ``surface`` by the target-field method (module doc).

    Parameters
    ----------
    surface : Surface
        Where the wires go (``coildesign.design.cylinder``, ``biplanar`` or ``mesh``).
    axis : "x", "y" or "z"
        Gradient direction s (B0 along +z): positive current gives dBz/ds > 0.
    dsv_radius : float
        Radius [m] of the spherical region where the field deviation is bounded.
    max_deviation : float, default 0.05
        Bound eps on the ``deviation`` measure at every point of the DSV: a hard constraint of the
        QP at the target points, and the wires are held to it on ``analysis.dense_field_deviation``'s
        dense set (whole DSV, refined round the worst points); the design reports that figure.
    deviation : "pointwise" or "dsv", default "pointwise"
        The measure (``coildesign.analysis.gradient`` module doc): "pointwise" bounds
        |Bz/(G s) - 1| where |s| >= exclude R_dsv and |Bz - G s| <= eps G exclude R_dsv where
        |s| < exclude R_dsv (checked there too); "dsv" bounds |Bz - G s| <= eps G R_dsv
        (Turner's and bfieldtools' convention).
    turns : int, default 10
        Wires per sign of the stream function (contour levels per coil half).
    objective : "inductance", "power" or a weight w in [0, 1]
        Minimise L, the sheet power psi^T R psi, or (1 - w) L/<L> + w R/<R> with each matrix
        divided by its mean diagonal (dimensionless weighting).
    wire_diameter : float, optional
        Round-wire diameter [m]; default 0.6 x the smallest contour spacing.
    shield : Surface, optional
        A second surface (e.g. a larger cylinder) whose stream function is designed too, with a
        stray-field bound |Bz| <= ``max_stray`` G0 R_dsv on a cylinder at ``stray_radius``
        (default 1.2 x the outermost vertex radius).
    center : 3-vector, default origin
        DSV centre [m].
    modes : int, optional
        Size of the smooth basis (default min(160, free vertices - 1)).
    n_targets : int, default 3000
        Target points over the whole DSV (grid + surface); a symmetric design keeps those in
        its fundamental domain (about 1/8 of them for three mirrors), which constrains it
        at all of them.
    exclude : float, default 0.1
        Floor of the "pointwise" measure (above); must be > 0 for it.
    allow_violations : bool, default False
        A wire set that misses the deviation bound, the spacing rule (wire diameter plus
        clearance, centre to centre) or a physical limit below raises ``InfeasibleDesignError``
        naming what failed and by how much; with True the design is returned with a warning,
        ``buildable`` False and the failures in ``violations`` and ``status``.
    eddy : (shells, times, max_fraction), optional
        Eddy-field bound (``coildesign.design.eddy_bound``): |Bz_eddy(r, t)| <= f(t) G0 R_dsv on
        the DSV after a current step, for the conducting ``shells`` (``eddy.Shell``, a sequence
        of them or their ``eddy.Modes``), at every time from ``times[0]`` [s] on, f falling
        log-linearly through ``max_fraction`` (one per time, or one for all). QP rows, and the
        wires are checked by ``eddy.step_response`` on a dense time grid (``GradientDesign.eddy``).
    join_windings : bool, default False
        One conductor per coil: the windings of the separate contour nests joined in series by
        jumpers routed above the surface and leads (``_join_in_series``), which are wires of the
        coil (their field, inductance and resistance count in every figure and in the bounds).
        Otherwise each nest is a winding with its own two terminals (``terminals``), to be
        connected in series off the coil.
    min_efficiency : float, optional
        Lowest gradient per ampere [T/(m A)] of the wires (the amplifier's current limit:
        G_max / I_max): a linear bound |psi| <= turns G0 / min_efficiency in the QP, checked on the wires.
    max_inductance : float, optional
        Largest inductance [H] of the wires (checked; the inductance objective minimises it).
    max_power : float, optional
        Largest DC power [W] dissipated at the gradient ``power_gradient`` [T/m] (default 1 T/m):
        (power_gradient / eta)^2 R, checked on the wires (``objective="power"`` minimises it).
    clearance : float, optional
        Extra spacing required between wires [m] (default 0.1 x wire diameter).
    zero_force, zero_torque : bool
        Equality constraints: no net Lorentz force / torque in a uniform B0 along z.
    method : "qp" or "least_squares"
        Bounded-deviation QP (optimal) or the fast Tikhonov path with dimensionless
        ``regularization`` (no deviation guarantee).
    sheet_thickness : float, optional
        Sheet thickness [m] of the power model (default: the wire diameter, else 1e-4 m).
    material_name : str, default "copper"
        Wire material (``coildesign.conductors.MATERIALS``) for the resistance and the power model.
    tolerance : float, default 1e-6
        Relative accuracy of the field operator's quadrature.
    smoothing : float, default 1e-3
        Weight of the Laplace-Beltrami energy int |grad psi|^2 dA added to the objective,
        relative to the objective's mean diagonal (dimensionless, so scale-invariant): damps
        stream-function ripples below the wire spacing. Its effect on eta^2/L is below 0.3 %
        for the cylinder designs of ``examples/target_field_design.py`` (measured at 1e-3,
        1e-2 and 1e-1).
    symmetry : bool, default True
        Restrict psi to the mirror parities of the target (module doc) for every coordinate
        mirror through ``center`` that maps the mesh onto itself: the field is then exactly odd
        in s and even in the other coordinates, wires included.
    enforce_spacing : bool, default True
        When the best wire set of the refinement has wires closer than a pitch (wire diameter
        plus clearance), run as many refinement rounds again with a maximum current density
        |J| <= Delta / pitch on every face (Delta from the latest iterate: a fixed point), and
        return a wire set that meets both bounds if one is found. Those rounds are skipped when
        every first-phase iterate already meets their density cap: they would repeat the
        first rounds exactly (``_cap_binds``).
    refine : int, default 6
        Discretisation-aware re-solves: each shifts the deviation bounds by the error the
        wires of the previous solution added at the target points (a damped fixed-point
        pre-compensation) and scales them by AIM eps / wire deviation (at most 1); the
        wire set with the best eta^2/L among those meeting ``max_deviation`` (else the least
        deviating) is returned. The rounds stop early once a round improves a wire set that
        meets both bounds by less than ``CONVERGED_GAIN``; the first ones also once a round
        improves by less than that a wire set that meets the deviation bound and the limits but
        not the pitch (then the spacing rounds follow). Each wire set is judged by the dense
        check (for ``deviation="dsv"`` its sphere points alone, where the harmonic error field
        has its maximum), the returned one by the whole dense check, grid included.

    optimise_levels : bool, default True
        After the refinement, tune the contour level values (for an axisymmetric coil the ring
        positions) on the wires' own eta^2/L under the deviation bound and the spacing rule
        (``coildesign.design.levels``: a linearised trust-region program, every step judged on
        the true wires), and drop stray windings (a single loop beside the main windings). A
        tuned wire set is returned only when it meets both bounds; else the refined one.

    Returns
    -------
    GradientDesign
        ``coil`` (connected windings, role "gradient"), wire figures, continuous figures,
        ``stream_function`` and solver ``status``. Raises ``InfeasibleDesignError`` (a
        ValueError) when the constraints cannot be met, with advice; when the stream-function
        QP itself has no solution, the error names the binding limit (its ``binding``: each of
        max_deviation, max_stray, min_efficiency, eddy, zero_force, zero_torque whose removal
        alone makes the QP solvable; empty when only several together would). max_inductance
        and max_power are checked on the wires and named in the wires' violations.
    """
    check.choice("axis", axis, tuple(AXES))
    options = dict(locals())
    del options["axis"], options["surface"]
    return _design(surface, HarmonicTarget.gradient(axis), _Options(**options))


@dataclass(frozen=True)
class _Options:
    """The keyword options of a target-field design, as ``gradient_coil`` and
    ``harmonic.harmonic_coil`` received them (their docstrings; validated by ``_design``)."""

    dsv_radius: float
    max_deviation: float = 0.05
    turns: int = 10
    objective: str | float = "inductance"
    wire_diameter: float | None = None
    shield: Surface | None = None
    center: tuple = (0.0, 0.0, 0.0)
    modes: int | None = None
    n_targets: int = 3000
    exclude: float = 0.1
    clearance: float | None = None
    zero_force: bool = False
    zero_torque: bool = False
    stray_radius: float | None = None
    max_stray: float = 0.01
    method: str = "qp"
    regularization: float = 1e-4
    sheet_thickness: float | None = None
    material_name: str = "copper"
    tolerance: float = 1e-6
    refine: int = 6
    symmetry: bool = True
    smoothing: float = 1e-3
    enforce_spacing: bool = True
    deviation: str = "pointwise"
    allow_violations: bool = False
    min_efficiency: float | None = None
    max_inductance: float | None = None
    max_power: float | None = None
    power_gradient: float | None = None
    join_windings: bool = False
    optimise_levels: bool = True
    eddy: object = None


@one_blas_thread()
def _design(surface: Surface, target: HarmonicTarget, opt: _Options) -> GradientDesign:
    """The target-field design of a coil whose Bz is ``target`` (``design.target.HarmonicTarget``)
    over the DSV: ``gradient_coil``'s problem (its parameters, module doc) with G0 s replaced by
    c0 h_nm (c0 = G0 = 1 in the target's units) and R_dsv in the deviation scale by the
    harmonic's DSV maximum H (``HarmonicTarget.scale``), the keyword options in ``opt``.
    ``gradient_coil`` is the n = 1 case, ``harmonic.harmonic_coil`` the general one.

    One worker thread runs beside the caller (``_design_with``): numpy's loops and BLAS release
    the GIL, so independent pieces overlap (the face coupling with the mode basis and the field
    operator, a wire set's dense check with its spacing and image fields, a trial's inductance
    with its linearisation). BLAS runs on one thread throughout (``_runtime.one_blas_thread``, set
    on the calling thread): some of OpenBLAS's products round differently on one and two threads
    (a (265, 2720) x (2720, 159) product here, by 1e-13), and a thread count that changed with
    the worker's timing would make the same inputs give other wires."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return _design_with(surface, target, opt, worker)


def _design_with(surface: Surface, target: HarmonicTarget, opt: _Options, worker: Executor) -> GradientDesign:
    """``_design`` with its ``worker``."""
    t0 = time.perf_counter()
    if not isinstance(surface, Surface):
        check._fail("surface", "a coildesign.design Surface (cylinder, biplanar or mesh)", surface, TypeError)
    if opt.shield is not None and not isinstance(opt.shield, Surface):
        check._fail("shield", "a coildesign.design Surface or None", opt.shield, TypeError)
    r_dsv = check.positive("dsv_radius", opt.dsv_radius)
    eps = check.in_range("max_deviation", opt.max_deviation, 1e-6, 0.5)
    n_turns = check.positive_int("turns", opt.turns)
    check.choice("method", opt.method, ("qp", "least_squares"))
    if isinstance(opt.objective, str):
        check.choice("objective", opt.objective, ("inductance", "power"))
        weight = 0.0 if opt.objective == "inductance" else 1.0
    else:
        weight = check.in_range("objective", opt.objective, 0.0, 1.0)
    ctr = check.vector3("center", opt.center)
    exclude = check.in_range("exclude", opt.exclude, 0.0, 0.9)
    check.choice("deviation", opt.deviation, DEVIATIONS)
    deviation = opt.deviation
    if deviation == "pointwise" and exclude == 0:
        check._fail("exclude", "> 0 for deviation='pointwise' (the floor region |s| < exclude R_dsv, where "
                    "Bz/(G s) - 1 is 0/0 on s = 0)", exclude)
    if not isinstance(opt.allow_violations, bool):
        check._fail("allow_violations", "True or False", opt.allow_violations, TypeError)
    limits = _Limits(target.n,
        None if opt.min_efficiency is None else check.positive("min_efficiency", opt.min_efficiency),
        None if opt.max_inductance is None else check.positive("max_inductance", opt.max_inductance),
        None if opt.max_power is None else check.positive("max_power", opt.max_power),
        1.0 if opt.power_gradient is None else check.positive("power_gradient", opt.power_gradient))
    if opt.max_power is None and opt.power_gradient is not None:
        check._fail("max_power", "given with power_gradient (the power bound is at that gradient)", opt.max_power)
    n_targets = check.positive_int("n_targets", opt.n_targets, minimum=20)
    d_wire = None if opt.wire_diameter is None else check.positive("wire_diameter", opt.wire_diameter)
    bound_eddy = None if opt.eddy is None else eddy_bound(opt.eddy)  # the shells' modes
    full = surface if opt.shield is None else surface + opt.shield
    reach = float(np.linalg.norm(surface.vertices - ctr, axis=1).min())
    if r_dsv >= reach:
        check._fail("dsv_radius", f"smaller than the distance from the centre to the surface ({reach:g} m)",
                    opt.dsv_radius)
    ops = surface_operators(full, opt.tolerance)
    # mirror symmetry: a target Bz = G s is odd under the mirror of s and even under the other
    # two (a harmonic h_nm: ``HarmonicTarget.field_parities``); a stream function with
    # psi(M r) = p M_zz psi(r) has exactly that field (the mirror maps J to -M J(M r) on a mesh it
    # maps onto itself, and B to det(M) M B(M r))
    parities = target.stream_parities() if opt.symmetry else {}
    n_free = ops.symmetric_subspace(parities, ctr).shape[1]
    # mirrors of the mesh with the target's field parity (Bz(M r) = p Bz(r))
    field_parity = target.field_parities()
    mirrors = {b: field_parity[b] for b in parities if ops.mirror_map(b, ctr) is not None}
    k = min(160, n_free - 1) if opt.modes is None else check.positive_int("modes", opt.modes)
    n_rounds = (check.positive_int("refine", opt.refine, minimum=0) + 1) * (2 if opt.enforce_spacing else 1)
    work = design_work(len(full.faces), full.n_vertices, k, n_targets, n_turns, n_rounds if opt.method == "qp" else 1)
    check_design_work(work)  # before the operators and wires are allocated
    # the inductance matrix in the basis (first the mesh's F x F face coupling) on the worker,
    # beside the basis and the field operator
    worker.submit(getattr, ops, "face_coupling")  # its errors are raised by inductance_matrix below
    basis = ops.modes(k, parities, ctr)
    reduced_inductance = worker.submit(ops.inductance_matrix, basis)
    t_basis = time.perf_counter()
    # ---- targets and operators in the reduced basis
    # a symmetric design meets the bound at r exactly when it meets it at the mirror images of
    # r, so only the targets in the fundamental domain are kept (no duplicated constraint rows,
    # which stall interior-point solvers; n_targets counts the whole DSV)
    pts = _targets(r_dsv, ctr, n_targets)
    pts = pts[np.all((pts - ctr)[:, list(mirrors)] >= -1e-12 * r_dsv, axis=1)]
    s = target.values(pts, ctr)  # the target field per unit coefficient h_nm [m^n] (s for a gradient)
    h_max = target.scale(r_dsv)  # its DSV maximum H [m^n] (R_dsv for a gradient)
    a_bz = ops.bz_operator(pts, basis)
    grad_row = target.amplitude_row(ops, basis, r_dsv, ctr)
    l_red = reduced_inductance.result()
    thickness = opt.sheet_thickness if opt.sheet_thickness is not None else (d_wire or 1e-4)
    rho = material(opt.material_name).resistivity
    if weight > 0:
        r_red = ops.resistance_matrix(thickness, rho, basis)
        q = (1 - weight) * l_red / np.mean(np.diag(l_red)) + weight * r_red / np.mean(np.diag(r_red))
    else:
        q = l_red
    if opt.smoothing > 0:
        # Laplace-Beltrami (Dirichlet) energy of psi, diagonal in the mode basis: suppresses the
        # ripples that fragment the top contour levels (dimensionless weight, relative to the
        # mean diagonal of the objective)
        stiffness = basis.T @ (ops.stiffness @ basis)
        q = q + opt.smoothing * np.mean(np.diag(q)) / np.mean(np.diag(stiffness)) * stiffness
    t_ops = time.perf_counter()

    eq_rows, eq_rhs, eq_names = [grad_row], [G0], ["amplitude"]
    b0 = np.array([0.0, 0.0, 1.0])
    if opt.zero_force:
        eq_rows += list(ops.force_operator(b0, basis)[:2])  # Fz = J x z-hat has no z component
        eq_rhs += [0.0, 0.0]
        eq_names += ["zero_force"] * 2
    if opt.zero_torque:
        eq_rows += list(ops.torque_operator(b0, basis))
        eq_rhs += [0.0, 0.0, 0.0]
        eq_names += ["zero_torque"] * 3
    a_eq, b_eq = _independent(np.array(eq_rows), np.array(eq_rhs))
    bound = eps * G0 * deviation_scale(s, h_max, exclude, deviation)
    rows, lower, upper = [a_bz], [G0 * s - bound], [G0 * s + bound]
    families = [("max_deviation", len(s))]  # the rows' constraint families, in order (for the refusal)
    if opt.shield is not None or opt.stray_radius is not None:
        radius = opt.stray_radius if opt.stray_radius is not None else 1.2 * float(
            np.hypot(full.vertices[:, 0], full.vertices[:, 1]).max())
        sp_pts = _stray_points(full, check.positive("stray_radius", radius))
        stray = check.positive("max_stray", opt.max_stray) * G0 * r_dsv
        rows.append(ops.bz_operator(sp_pts, basis))
        families.append(("max_stray", len(sp_pts)))
        lower.append(np.full(len(sp_pts), -stray))
        upper.append(np.full(len(sp_pts), stray))
    if limits.min_efficiency is not None:
        # eta of the contoured wires is G0 / Delta with Delta = max|psi| / turns: eta >= eta_min is
        # the linear bound |psi| <= turns G0 / eta_min at every vertex (aimed AIM inside it)
        cap = AIM * n_turns * G0 / limits.min_efficiency
        rows.append(basis)
        families.append(("min_efficiency", len(basis)))
        lower.append(np.full(len(basis), -cap))
        upper.append(np.full(len(basis), cap))
    if bound_eddy is not None:
        e_rows = eddy_rows(bound_eddy, ops, basis, r_dsv, ctr, tuple(mirrors), G0)  # the last rows of a_in
        rows.append(e_rows.matrix)
        families.append(("eddy", len(e_rows.matrix)))
        lower.append(-AIM * e_rows.limit)
        upper.append(AIM * e_rows.limit)
    a_in = np.vstack(rows)
    lower, upper = np.concatenate(lower), np.concatenate(upper)
    advice = (f"max_deviation={eps:g} over a DSV of radius {r_dsv:g} m is out of reach on this surface"
              + (f" with min_efficiency={limits.min_efficiency:g} T/(m A) at {n_turns} turns (raise turns or "
                 "lower min_efficiency)" if limits.min_efficiency is not None else "")
              + "; raise max_deviation, shrink dsv_radius, lengthen or widen the surface, or drop "
              "force/torque/stray/eddy bounds")
    n_dsv = len(pts)
    gap = None if opt.clearance is None else check.positive("clearance", opt.clearance, allow_zero=True)
    if not isinstance(opt.join_windings, bool):
        check._fail("join_windings", "True or False", opt.join_windings, TypeError)
    wire = _WireMaker(full, ops, n_turns, d_wire, gap, opt.material_name, ctr, target, opt.join_windings, r_dsv)
    # discretisation-aware refinement: re-solve with the bounds shifted by the error that the
    # wires added at the target points (their field normalised to the same centre gradient,
    # minus the continuous field; a damped fixed point) and scaled by AIM eps / deviation (a
    # controller that steers the wires' deviation just inside eps); keep the best wire set that
    # meets eps (else the least deviating)
    shift = np.zeros(len(a_in))
    narrow = 1.0
    best = None
    centre = tuple(ctr)
    # the wires' Bz is evaluated at the targets and all their mirror images in one call (the
    # symmetrised error)
    images, image_parity = _mirror_images(pts, mirrors, ctr)
    candidates: list[list] = []

    def judged(dev: float, eta: float, l_est: float, limits_met: bool, spacing: float) -> tuple:
        meets = dev <= eps * (1 + 1e-9) and limits_met
        return (meets and spacing >= wire.pitch * (1 - 1e-9), meets, eta**2 / l_est if meets else -dev)

    def verified() -> tuple:
        """The best wire set after the whole dense check (``target.dense_deviation``: grid and
        sphere) of every wire set that leads on its sphere-only figure, until the leader is checked."""
        while True:
            c = max(candidates, key=lambda c: c[0])
            if c[6] is not None:
                return tuple(c[:8]) + (c[11],)
            c[6] = target.dense_deviation(c[3], r_dsv, c[8], center=centre, exclude=exclude, deviation=deviation)
            c[0] = judged(c[6].max_deviation, c[8], c[9], c[10], c[7])
    density_rows = np.empty((0, k))
    stalled = 0
    density_cap = np.empty(0)
    rounds = check.positive_int("refine", opt.refine, minimum=0) + 1 if opt.method == "qp" else 1
    it, n_iter, extra = -1, 2 * rounds if opt.enforce_spacing and opt.method == "qp" else rounds, 0
    while it + 1 < n_iter:
        it += 1
        if it == rounds:
            best = verified()
            if best[0][0]:
                break  # the best wire set already meets the bound with wires a pitch apart
            density_rows = current_density_rows(ops, basis)
            density_cap = np.full(len(density_rows), DENSITY_FACTOR * best[4] / wire.pitch)
            if not _cap_binds(density_rows, density_cap[0], wire.pitch, candidates):
                break  # the capped rounds would repeat the first ones: the shortfall is not the density's
            shift[:] = 0.0  # the second round refines afresh under the density bound
            narrow = 1.0
        if opt.method == "qp":
            mid = 0.5 * (lower + upper)
            half = 0.5 * (upper - lower)
            half[:n_dsv] *= narrow
            try:
                sol = solve_qp(q, np.vstack([a_in, density_rows]),
                               np.concatenate([mid - half - shift, -density_cap]),
                               np.concatenate([mid + half - shift, density_cap]), a_eq, b_eq, advice=advice)
            except InfeasibleDesignError as error:
                if best is None:
                    raise _named_binding(error, q, a_in, lower, upper, families, np.array(eq_rows),
                                         np.array(eq_rhs), eq_names) from error
                break  # a refinement step the solver cannot meet: keep the best wire set so far
        else:
            sol = solve_least_squares(q, a_bz, G0 * s, opt.regularization, a_eq, b_eq)
        psi = basis @ sol.x
        coil, delta, junctions = wire.make(psi)
        eta_w = target.coefficient(coil, r_dsv, centre)
        # the wires are judged by the dense check that the design reports (whole DSV, no symmetry
        # assumed) and by the spacing that ``buildable`` reports. For "dsv" the error field
        # Bz - c h is harmonic in the DSV, so its maximum sits on the sphere (module doc): each
        # wire set is judged by the dense check's sphere points and refinement alone, and the
        # chosen one by the whole dense check, grid included (``verified``). The check runs on the
        # worker while the field at the targets' images and the spacing are computed here
        checking = worker.submit(target.dense_deviation, coil, r_dsv, eta_w, center=centre, exclude=exclude,
                                 deviation=deviation, sphere_only=deviation == "dsv")
        # (mirror images, targets), one point per orbit of the wires' own mirror symmetries
        bz_images = evaluate_by_symmetry(coil, images)[:, 2].reshape(len(image_parity), -1)
        spacing = _min_spacing(coil.windings, junctions, wire.pitch)
        dense = None if deviation == "dsv" else checking.result()
        dev = checking.result().max_deviation
        l_est = float(sol.x @ l_red @ sol.x) / delta**2
        e_wire = None if bound_eddy is None else e_rows.of(coil, eta_w)
        limits_met = not limits.failures(eta_w, l_est, dc_resistance(coil)) and (
            e_wire is None or e_rows.meets(e_wire))
        trial = judged(dev, eta_w, l_est, limits_met, spacing)
        if (not extra and it == rounds - 1 and e_wire is not None and dev <= eps * (1 + 1e-9)
                and not e_rows.meets(e_wire) and e_rows.meets(AIM * e_wire)):
            rounds, n_iter, extra = rounds + 1, n_iter + 1, 1  # the eddy error within 1 - AIM: one more round
        # converging: a wire set meeting both bounds after one that did, or (first phase) one meeting the
        # deviation and limits but not the pitch after one that did the same
        converging = best is not None and trial[:2] == best[0][:2] and (trial[0] or (trial[1] and it < rounds))
        gain = trial[2] / best[0][2] - 1.0 if converging else 1.0
        candidates.append([trial, sol, psi, coil, delta, junctions, dense, spacing, eta_w, l_est, limits_met,
                           (wire.levels.copy(), wire.loops, wire.has_strays)])
        best = tuple(max(candidates, key=lambda c: c[0])[:8])
        # a wire set meeting both bounds that the last round improved by < CONVERGED_GAIN is converged;
        # one that misses only the pitch ends the first phase (the spacing phase is the one that acts on it)
        stalled = stalled + 1 if gain < CONVERGED_GAIN else 0
        if stalled >= 1:
            if trial[0] or it >= rounds or n_iter == rounds:
                break
            it, stalled = rounds - 1, 0
            continue
        error = (image_parity @ bz_images) / len(image_parity) * (G0 / eta_w) - a_bz @ sol.x
        shift[:n_dsv] += 0.5 * (error - shift[:n_dsv])
        if e_wire is not None:  # the wires' eddy error, pre-compensated like the deviation's
            shift[len(a_in) - len(e_wire):] += 0.5 * (e_wire - e_rows.matrix @ sol.x - shift[len(a_in) - len(e_wire):])
        narrow = min(1.0, narrow * AIM * eps / dev)
        if len(density_cap):
            density_cap[:] = DENSITY_FACTOR * delta / wire.pitch  # Delta of this iterate: a fixed point
    _, sol, psi, coil, delta, junctions, dense, spacing, cut = verified()
    if opt.optimise_levels and opt.method == "qp" and target.axis is not None and best[0][0]:
        # levels tuned on the wires' eta^2/L (design.levels); kept only within every bound. The
        # start is the refinement's chosen wire set itself when it has no stray nest (already
        # judged by the whole dense check); for "dsv" the trials are judged on the sphere (where
        # the harmonic error field has its maximum) and the returned one by the whole dense check
        def deviation_check(sphere_only: bool):
            return lambda c, _: target.dense_deviation(c, r_dsv, target.coefficient(c, r_dsv, centre), center=centre,
                                                       exclude=exclude, deviation=deviation, sphere_only=sphere_only)
        s_hat = np.eye(3)[AXES[target.axis]]
        sphere = deviation == "dsv"
        # trial wire sets that miss the eddy bound are refused before their inductance is computed
        meets_eddy = None if bound_eddy is None else lambda c, eta: e_rows.meets(e_rows.of(c, eta))
        # the wire sets' inductances run on the worker while the levels are linearised
        # (``levels.wire_set``)
        start = None if cut[2] else wire_set(cut[0], coil, junctions, cut[1], spacing, s_hat, ctr, r_dsv,
                                             deviation, exclude, WIRE_GMD_POINTS, check=lambda *_: dense,
                                             order=WIRE_ORDER, executor=worker)
        tuned, _ = tune_levels(wire, psi, _min_spacing, s_hat, ctr, r_dsv, eps, deviation, exclude,
                               WIRE_GMD_POINTS, start=start, check=deviation_check(True) if sphere else None,
                               final_check=deviation_check(False) if sphere else None,
                               admissible=meets_eddy, order=WIRE_ORDER, executor=worker)
        if (tuned is not None and not limits.failures(tuned.efficiency, tuned.inductance, dc_resistance(tuned.coil))
                and (meets_eddy is None or meets_eddy(tuned.coil, tuned.efficiency))):
            coil, junctions, dense, spacing = tuned.coil, tuned.junctions, tuned.check, tuned.spacing
    rounds = it + 1
    t_solve = time.perf_counter()
    cont_dev = float(np.nanmax(bounded_deviation(a_bz @ sol.x, s, G0, h_max, exclude, deviation)))
    t_wires = time.perf_counter()
    if target.axis is not None:
        lin = linearity(coil, r_dsv, axis=target.axis, center=tuple(ctr), n=11, exclude=exclude, deviation=deviation)
        eta_wire, gradient_dev = lin.efficiency, lin.max_gradient_deviation
    else:  # a harmonic of degree >= 2: its coefficient; no local-gradient measure
        eta_wire, gradient_dev = target.coefficient(coil, r_dsv, centre), None
    # GMD self terms averaged over 4 directions round the wire (the default 6 changes L by 3.5e-6
    # on examples/target_field_design.py's Gx, for 2/3 of the time)
    l_wire = inductance(coil, gmd_points=WIRE_GMD_POINTS, order=WIRE_ORDER)
    t_analysis = time.perf_counter()
    continuous = {"efficiency": G0 / delta, "inductance": float(sol.x @ l_red @ sol.x) / delta**2,
                  "max_deviation": cont_dev, "objective": sol.objective, "iterations": sol.iterations,
                  "modes": k, "vertices": full.n_vertices, "target_points": len(pts),
                  "estimated_work": work.as_dict()}
    d = wire.diameter
    r_wire = dc_resistance(coil)
    violations = _violations(dense, eps, deviation, exclude, spacing, d, wire.clearance)
    limit_failures = limits.failures(eta_wire, l_wire, r_wire)
    violations += limit_failures
    eddy_check = None if bound_eddy is None else check_eddy(bound_eddy, coil, eta_wire, r_dsv, ctr)
    violations += [] if eddy_check is None else list(eddy_check.violations)
    status = sol.status
    if violations:
        text = "; ".join(violations)
        if not opt.allow_violations:
            hints = ([advice] if dense.max_deviation > eps else [])
            hints += limits.hints(n_turns) if limit_failures else []
            hints += (
                [f"for the spacing use fewer turns (turns={n_turns}), a thinner wire, a smaller clearance or "
                 "a larger surface"] if spacing < wire.pitch * (1 - 1e-9) else [])
            raise InfeasibleDesignError(
                f"no wire set of {target.name} on {full.name} meets the design's bounds after {rounds} refinement "
                f"rounds: "
                f"{text}. {'; '.join(hints)} (allow_violations=True returns the design marked buildable=False)")
        warnings.warn(f"{target.name} target-field design is not buildable as specified: {text}", stacklevel=3)
        status = f"{status}; violates {len(violations)} bound(s) (violations)"
    return GradientDesign(
        coil=coil, surface=full, stream_function=psi, status=status, axis=target.axis, dsv_radius=r_dsv,
        turns=n_turns, wire_current=delta, efficiency=eta_wire, inductance=l_wire,
        resistance=r_wire, max_deviation=dense.max_deviation,
        max_gradient_deviation=gradient_dev, wire_length=coil.wire_length,
        min_spacing=spacing, wire_diameter=d, clearance=wire.clearance, continuous=continuous,
        timings={"basis": t_basis - t0, "operators": t_ops - t_basis, "solve and wires": t_solve - t_ops,
                 "analysis": t_analysis - t_wires},
        deviation=deviation, exclude=exclude, deviation_bound=eps, deviation_check=dense,
        violations=tuple(violations), target=target, eddy=eddy_check,
    )


@dataclass(frozen=True)
class _Limits:
    """Physical limits of a design (SI): efficiency [T/(m A)], inductance [H], power [W] at
    ``power_gradient`` [T/m] (P = (G / eta)^2 R, DC resistance at 20 C)."""

    degree: int  # n of the target: efficiency in T/(m^n A)
    min_efficiency: float | None
    max_inductance: float | None
    max_power: float | None
    power_gradient: float

    def failures(self, eta: float, inductance: float, resistance: float) -> list[str]:
        """The limits a wire set with these figures misses, each with the amount."""
        out = []
        unit = "mT/(m A)" if self.degree == 1 else f"mT/(m^{self.degree} A)"
        per = "T/m" if self.degree == 1 else f"T/m^{self.degree}"  # unit of power_gradient
        if self.min_efficiency is not None and eta < self.min_efficiency:
            out.append(f"efficiency {eta * 1e3:.5g} {unit} is below min_efficiency {self.min_efficiency * 1e3:.5g} "
                       f"{unit} by {100 * (1 - eta / self.min_efficiency):.3g} %")
        if self.max_inductance is not None and inductance > self.max_inductance:
            out.append(f"inductance {inductance * 1e6:.5g} uH exceeds max_inductance "
                       f"{self.max_inductance * 1e6:.5g} uH by {100 * (inductance / self.max_inductance - 1):.3g} %")
        if self.max_power is not None:
            power = (self.power_gradient / eta) ** 2 * resistance
            if power > self.max_power:
                out.append(f"power {power:.4g} W at {self.power_gradient:g} {per} exceeds max_power "
                           f"{self.max_power:.4g} W by {100 * (power / self.max_power - 1):.3g} %")
        return out

    def hints(self, turns: int) -> list[str]:
        """Advice on the limits: how turns trade them (eta ~ N, L ~ N^2, P ~ 1/N at a fixed gradient)."""
        out = []
        if self.max_inductance is not None:
            out.append(f"L grows as turns^2 (turns={turns}): fewer turns or a larger max_inductance")
        if self.min_efficiency is not None or self.max_power is not None:
            out.append(f"eta grows as turns and the power at a fixed gradient falls as 1/turns (turns={turns}): more "
                       "turns of a thinner wire, or relax min_efficiency / max_power")
        return out


def _violations(dense: DeviationCheck, eps: float, deviation: str, exclude: float, spacing: float,
                diameter: float, clearance: float) -> list[str]:
    """What a wire set fails of the deviation bound and the spacing rule, and by how much."""
    out = []
    if dense.max_deviation > eps * (1 + 1e-9):
        where = ", ".join(f"{1e3 * x:.4g}" for x in dense.worst_point)
        out.append(f"field deviation ({deviation}{f', exclude={exclude:g}' if deviation == 'pointwise' else ''}) "
                   f"{100 * dense.max_deviation:.4g} % exceeds max_deviation {100 * eps:.4g} % by "
                   f"{100 * (dense.max_deviation - eps):.3g} percentage points (worst at ({where}) mm)")
    pitch = diameter + clearance
    if spacing < pitch * (1 - 1e-9):
        out.append(f"wires {1e3 * spacing:.4g} mm apart (centre to centre) where the wire diameter plus clearance "
                   f"is {1e3 * pitch:.4g} mm ({1e3 * (pitch - spacing):.3g} mm short)")
    return out


LEAD_LIFTS = 4.0
"""Length of a winding's radial leads, in wire pitches (contours.connect's ``lead_length``)."""
JUMPER_LIFTS = 6.0
"""Height of the jumpers that join windings in series above the surface, in wire pitches: two
pitches above the lead tips, so that no jumper touches a lead or a wire on the surface."""


def _join_in_series(paths: list[tuple[np.ndarray, np.ndarray]], surface: Surface,
                    lift: float) -> tuple[np.ndarray, np.ndarray]:
    """One path through all windings in series (current direction kept): from the last lead tip
    of one winding a jumper rises (JUMPER_LIFTS - LEAD_LIFTS) pitches along the surface normal,
    runs at JUMPER_LIFTS pitches above the surface (the straight line between the raised ends,
    sampled at one pitch and pushed out along the nearest vertex normal where it comes closer)
    and comes down onto the first lead tip of the nearest winding not yet joined. The jumpers are
    wires of the coil: their field, inductance and resistance count in every figure. Returns
    (path, junction indices)."""
    height = JUMPER_LIFTS * lift
    normals = surface.vertex_normals
    order, left = [0], list(range(1, len(paths)))
    while left:  # the next winding is the one whose first lead tip is nearest (short jumpers)
        tip = paths[order[-1]][0][-1]
        nxt = min(left, key=lambda i: (float(np.linalg.norm(paths[i][0][0] - tip)), i))
        order.append(nxt)
        left.remove(nxt)
    pts, junctions = [paths[0][0]], [paths[0][1]]
    offset = len(paths[0][0])
    for path, junc in (paths[i] for i in order[1:]):
        a, b = pts[-1][-1], path[0]
        na = normals[surface.vertex_tree.query(a)[1]]
        nb = normals[surface.vertex_tree.query(b)[1]]
        up, down = a + (height - LEAD_LIFTS * lift) * na, b + (height - LEAD_LIFTS * lift) * nb
        count = max(2, int(np.ceil(np.linalg.norm(down - up) / lift)) + 1)
        line = up + np.linspace(0.0, 1.0, count)[:, None] * (down - up)
        _, near = surface.vertex_tree.query(line)
        n = normals[near]
        gap = np.einsum("ij,ij->i", line - surface.vertices[near], n)
        line = line + np.maximum(0.0, height - gap)[:, None] * n
        pts.append(line)
        junctions.append(offset + np.array([0, len(line) - 1]))  # the jumper's run is spacing-checked
        offset += len(line)
        pts.append(path)
        junctions.append(offset + junc)
        offset += len(path)
    return np.vstack(pts), np.unique(np.concatenate(junctions))


MIRROR_TOLERANCE = 1e-9
"""Largest distance, as a fraction of a nest's size, at which a contour point of one nest counts
as the mirror image of a point of another (the contours of a stream function with exact mirror
parities on a mirror-symmetric mesh agree to round-off, ~1e-16)."""


def _mirror_of(nest: list, image: list, t: np.ndarray, center: np.ndarray, tol: float | None = None,
               trees: dict | None = None) -> bool | None:
    """Whether the contour loops ``image`` are the loops of ``nest`` mirrored by the diagonal
    map ``t`` about ``center`` as point sets with their surface normals: None if not, else whether
    the mirrored loops run against the image loops' current direction. ``tol`` [m]: the nest's
    MIRROR_TOLERANCE times its size where the caller has it; ``trees``: a cache of the image
    loops' k-d trees by loop index, filled as they are built.

    Per loop pair: the same point counts; the mean of the mirrored points within tol of the image
    loop's mean (a cheap necessary test); each mirrored point within tol of its nearest image
    point, with the surface normals mirrored alike (to 1e-9); the nearest indices stepping all
    by +1 round the image loop (False) or all by -1 (True; either way one to one); and the same
    answer for every loop. Any test failing gives None, so they are made for all loops at once:
    the means from sums by loop, each (sum in any order, then a division) within (P + 1) u X of
    the exact mean of P coordinates of magnitude <= X (u = 2^-53; Higham, Accuracy and
    Stability of Numerical Algorithms, 2nd ed. (2002), sec. 4.2), so two computations differ by
    less than the margin 4 (P + 2) u X; where that does not decide a loop, its own means as before."""
    if len(nest) != len(image):
        return None
    count = np.array([len(a.points) for a in nest], dtype=np.intp)
    if count.tolist() != [len(b.points) for b in image] or not len(count):
        return None
    if tol is None:
        tol = MIRROR_TOLERANCE * max(float(np.ptp(np.vstack([lp.points for lp in nest]), axis=0).max()), 1e-300)
    trees = {} if trees is None else trees
    begin = np.r_[0, np.cumsum(count)[:-1]]
    ends = begin + count
    a_pts = np.vstack([a.points for a in nest])
    b_pts = np.vstack([b.points for b in image])
    mirrored = center + (a_pts - center) * t  # row by row as for each loop alone
    gap = np.abs(np.add.reduceat(mirrored, begin, axis=0) / count[:, None]
                 - np.add.reduceat(b_pts, begin, axis=0) / count[:, None]).max(axis=1)
    size = 2.0 * float(np.abs(center).max()) + max(float(np.abs(a_pts).max()), float(np.abs(b_pts).max()))
    margin = 4.0 * (count + 2) * (np.finfo(float).eps / 2) * size  # X: the mirrored points' bound
    if (gap > tol + margin).any():
        return None
    for i in np.flatnonzero(gap >= tol - margin).tolist():  # undecided by the sums: as stated
        lo, hi = int(begin[i]), int(ends[i])
        if np.abs(mirrored[lo:hi].mean(axis=0) - image[i].points.mean(axis=0)).max() > tol:
            return None
    dist, idx = [], []
    for i, b in enumerate(image):
        if i not in trees:
            trees[i] = cKDTree(b.points)
        d, k = trees[i].query(mirrored[begin[i]:ends[i]])
        dist.append(d)
        idx.append(k)
    if np.concatenate(dist).max() > tol:
        return None
    local = np.concatenate(idx)
    owner = np.repeat(np.arange(len(count)), count)
    a_normals = np.vstack([a.normals for a in nest])
    b_normals = np.vstack([b.normals for b in image])
    if np.abs(a_normals * t - b_normals[local + begin[owner]]).max() > 1e-9:
        return None
    inner = owner[:-1] == owner[1:]  # consecutive points of one loop
    step = (np.diff(local)[inner] % count[owner[:-1][inner]])  # +1 along the image loop, len - 1 against it
    forward = np.bincount(owner[:-1][inner][step != 1], minlength=len(count)) == 0
    backward = np.bincount(owner[:-1][inner][step != count[owner[:-1][inner]] - 1], minlength=len(count)) == 0
    if not (forward | backward).all():
        return None
    rev = ~forward  # all +1 counts as running along (as when both hold)
    if rev.any() and not rev.all():
        return None
    return bool(rev[0])


class _Mirrors:
    """``_mirror_of(chains[j], chains[k], SIGN_MATRICES[t], center)`` for nests j, k and sign map t,
    each computed once (``connect_nests`` asks for some twice), with each nest's size and its
    loops' k-d trees computed once. A pair whose loops differ in
    their point counts, or whose mirrored loop means miss the image's means by more than
    ``_mirror_of``'s tolerance plus a rounding margin, is answered None without the point by point
    test: ``_mirror_of`` returns None there too. Its mean test compares the mean of the mirrored
    points with the image's mean; the mean mirrored, c + t (mean - c), differs from it by rounding
    only, at most (log2 P + 4) u (|c| + 2 max|p|) for P points (pairwise summation: Higham,
    Accuracy and Stability of Numerical Algorithms, 2nd ed. (2002), sec. 4.2; u = 2^-53), far
    below the margin 1e-12 (|c| + 2 max|p|) for any P below 2^4000."""

    def __init__(self, chains: list, pts: list[np.ndarray], center: np.ndarray) -> None:
        self.chains, self.center = chains, center
        self.tol = [MIRROR_TOLERANCE * max(float(np.ptp(p, axis=0).max()), 1e-300) for p in pts]
        self.counts = [[len(lp.points) for lp in nest] for nest in chains]
        self.means = [np.array([lp.points.mean(axis=0) for lp in nest]).reshape(-1, 3) for nest in chains]
        reach = float(np.abs(center).max()) + 2.0 * max((float(np.abs(p).max()) for p in pts), default=0.0)
        self.margin = 1e-12 * reach
        self.known: dict[tuple[int, int, int], bool | None] = {}
        self.trees: list[dict] = [{} for _ in chains]  # per nest: its loops' k-d trees

    def __call__(self, j: int, k: int, t: int) -> bool | None:
        key = (j, k, t)
        if key not in self.known:
            if self.counts[j] != self.counts[k]:
                self.known[key] = None
            else:
                moved = self.center + (self.means[j] - self.center) * SIGN_MATRICES[t]
                if (np.abs(moved - self.means[k]).max(axis=1, initial=0.0) > self.tol[j] + self.margin).any():
                    self.known[key] = None
                else:
                    self.known[key] = _mirror_of(self.chains[j], self.chains[k], SIGN_MATRICES[t], self.center,
                                                 self.tol[j], self.trees[k])
        return self.known[key]


def connect_nests(chains: list, lift: float, lead_length: float, center: np.ndarray) -> list[tuple[np.ndarray,
                                                                                                    np.ndarray]]:
    """``contours.connect`` for every nest of ``chains``: (path [m], junction indices) per nest.
    Nests that are mirror images of one another (under products of coordinate mirrors about
    ``center``, the symmetries of a target-field stream function on a symmetric surface; checked
    point by point with the surface normals, ``_mirror_of``) form an orbit: its representative,
    the nest whose centroid is largest in x, then y, then z (a rule that does not depend on the
    order of ``chains``, which for mirror images can hinge on round-off), is connected and every
    other member gets that path mirrored, run backwards where the mirrored loops run against its
    current: the windings are then exact mirror images, with their cuts, jogs, returns and leads
    (a coil with the target's mirror symmetries; its wires' symmetry-breaking field keeps the
    target's parities, and analysis.inductance folds the windings of an orbit into one)."""
    center = np.asarray(center, dtype=float)
    n = len(chains)
    pts = [np.vstack([lp.points for lp in nest]) for nest in chains]
    mirror = _Mirrors(chains, pts, center)
    orbit = list(range(n))
    for k in range(n):
        orbit[k] = next((orbit[j] for j in range(k) for t in range(len(SIGN_MATRICES))
                         if mirror(j, k, t) is not None), k)
    centroid = [p.mean(axis=0) - center for p in pts]
    tol = [1e-6 * float(np.ptp(p, axis=0).max()) for p in pts]

    def above(a: int, b: int) -> bool:  # centroid a after b in x, then y, then z (beyond tol)
        for i in range(3):
            d = centroid[a][i] - centroid[b][i]
            if abs(d) > max(tol[a], tol[b]):
                return d > 0
        return False

    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * n
    for o in sorted(set(orbit)):
        members = [k for k in range(n) if orbit[k] == o]
        rep = members[0]
        for k in members[1:]:
            rep = k if above(k, rep) else rep
        out[rep] = connect(chains[rep], lift, lead_length, center)
        for k in members:
            if k == rep:
                continue
            found = next(((SIGN_MATRICES[t], against) for t in range(len(SIGN_MATRICES))
                          if (against := mirror(rep, k, t)) is not None), None)
            if found is None:  # images of one nest whose composition misses the tolerance
                out[k] = connect(chains[k], lift, lead_length, center)
                continue
            t, against = found
            path, junc = out[rep]
            path = center + (path - center) * t
            if against:
                path, junc = path[::-1], np.sort(len(path) - 1 - junc)
            out[k] = (np.ascontiguousarray(path), junc)
    return out


class _WireMaker:
    """Contours a stream function into the connected winding (``contours`` module doc); the
    wire diameter (default 0.6 x the first design's smallest contour spacing) is fixed on first use."""

    def __init__(self, surface, ops, turns, diameter, clearance, material_name, center, target, join=False,
                 radius=None) -> None:
        self.surface, self.ops, self.turns = surface, ops, turns
        self.diameter, self.clearance = diameter, clearance
        self.material_name, self.center, self.target = material_name, center, target
        self.axis = target.axis  # "x", "y", "z" for a gradient, None for a harmonic of degree >= 2
        self.join, self.radius = join, radius  # radius: the DSV's [m], for a harmonic's coefficient
        self._saddles: tuple[np.ndarray, list] | None = None

    def saddles(self, psi: np.ndarray) -> list[tuple[float, float]]:
        """(value, margin) [A] of the saddles of ``psi`` that no level may come near
        (``contours.saddle_levels`` at the wire pitch; the last stream function's are kept, since
        the refinement's winner and the level optimisation cut the same psi again): no level
        through or next to a saddle of psi, where the topology hinges on round-off and the
        contour's branches pinch to less than a wire pitch."""
        if self._saddles is None or not np.array_equal(self._saddles[0], psi):
            self._saddles = (np.array(psi, dtype=float), saddle_levels(self.surface, psi, self.pitch))
        return self._saddles[1]

    def make(self, psi: np.ndarray, at: np.ndarray | None = None,
             strays: bool = True) -> tuple[Coil, float, list[np.ndarray]]:
        """(coil, level spacing Delta [A], junction indices per winding); ``at``: levels [A] to cut
        at instead of the mid-levels; ``strays=False`` drops stray nests (``levels.without_strays``)."""
        current = self.ops.current_density(psi)
        if self.diameter is None:
            lv, _ = levels(psi, self.turns)
            self.diameter = 0.6 * _contour_spacing(contour_levels(self.surface, psi, lv, current))
        if self.clearance is None:
            self.clearance = 0.1 * self.diameter
        lift = self.diameter + self.clearance
        self.pitch = lift
        self.avoid = self.saddles(psi)
        self.levels, delta = levels(psi, self.turns, self.avoid)
        lv = self.levels if at is None else at
        loops = contour_levels(self.surface, psi, lv, current)
        loops = trim_tips(drop_specks(drop_slivers(loops, lift), lift), lift)
        self.spacing = _contour_spacing(loops)
        chains = nests(loops)
        stray_free = without_strays(chains)
        self.has_strays = len(stray_free) != len(chains)  # nests that strays=False drops
        chains = chains if strays else stray_free
        self.loops = [lp for nest in chains for lp in nest]
        paths = connect_nests(chains, lift, LEAD_LIFTS * lift, self.center)
        if self.join and len(paths) > 1:
            paths = [_join_in_series(paths, self.surface, lift)]
        windings = [Winding(path, closed=False, cross_section=RoundWire(self.diameter), material=self.material_name)
                    for path, _ in paths]
        junctions = [junc for _, junc in paths]
        if self.axis is not None:
            s_axis, role = np.eye(3)[AXES[self.axis]], "gradient"
            params = {"generator": "target_field", "surface": self.surface.name, "axis": self.axis,
                      "turns": self.turns, "wire_diameter": self.diameter, "wire_current_at_1T_per_m": delta}
        else:
            t = self.target
            s_axis, role = None, None
            params = {"generator": "target_field", "surface": self.surface.name, "harmonic": [t.n, t.m],
                      "normalization": t.normalization, "turns": self.turns, "wire_diameter": self.diameter,
                      f"wire_current_at_1{t.unit.replace('/', '_per_')}": delta}
        coil = Coil(windings, name=self.target.name, axis=s_axis, role=role, parameters=params)
        if self.target.coefficient(coil, self.radius, self.center) < 0:
            # convention: positive current gives a positive gradient (coefficient)
            coil = Coil([Winding(w.points[::-1], False, w.cross_section, w.material) for w in coil.windings],
                        name=coil.name, axis=s_axis, role=role, parameters=params)
        return coil, delta, junctions


def target_field_set(radius: float, length: float, dsv_radius: float, max_deviation: float = 0.05,
                     turns: int | tuple[int, int, int] = 10, wire_diameter: float = 0.3e-3, *,
                     resolution: float | None = None, objective: str | float = "inductance",
                     deviation_measure: str = "pointwise", exclude: float = 0.1,
                     allow_violations: bool = False) -> GradientSet:
    """A three-axis set of target-field gradient coils on coaxial cylinders (SI units): Gx on
    ``radius`` [m], Gy and Gz on cylinders stepped out by two wire layers plus clearance each
    (2.2 x ``wire_diameter``: the winding layer and its lifted return layer), all ``length`` [m]
    long, each designed by ``gradient_coil`` for ``max_deviation`` over the DSV of ``dsv_radius``
    [m]. ``turns``: one count for all axes or (x, y, z). ``deviation_measure``, ``exclude`` and
    ``allow_violations``: ``gradient_coil``'s ``deviation``, ``exclude`` and ``allow_violations``
    (a coil that misses its bounds raises ``InfeasibleDesignError`` unless allowed). Returns a
    ``GradientSet`` of the wire coils; each coil's ``parameters["design"]`` holds its figures
    (``GradientDesign.as_dict``: ``buildable`` and ``violations`` among them)."""
    a = check.positive("radius", radius)
    d = check.positive("wire_diameter", wire_diameter)
    counts = (turns,) * 3 if isinstance(turns, int) else tuple(turns)
    if len(counts) != 3:
        check._fail("turns", "an integer or three integers (x, y, z)", turns)
    coils = []
    for k, ax in enumerate("xyz"):
        surface = cylinder(a + 2.2 * d * k, length, resolution)
        design = gradient_coil(surface, ax, dsv_radius, max_deviation, counts[k], objective, d,
                               deviation=deviation_measure, exclude=exclude, allow_violations=allow_violations)
        coils.append(Coil(design.coil.windings, design.coil.weights, name=design.coil.name, axis=design.coil.axis,
                          role="gradient", parameters={**design.coil.parameters, "design": design.as_dict()}))
    return GradientSet(*coils)


DENSITY_DIRECTIONS = 4
"""In-plane directions per face (two-sided rows) of the current-density polygon."""
DENSITY_FACTOR = AIM * float(np.cos(np.pi / (2 * DENSITY_DIRECTIONS)))
"""Bound on |u . J| as a fraction of Delta / pitch: the inscribed polygon keeps |J| below
Delta / pitch (wires at least a pitch apart), aimed just inside like the deviation bound."""


def _cap_binds(rows: np.ndarray, first_cap: float, pitch: float, candidates: list) -> bool:
    """Whether the density cap of the spacing phase would change any of its rounds. That phase
    starts afresh (no shift, no narrowing) with the cap ``first_cap`` [A/m] and then caps round
    k at DENSITY_FACTOR Delta_(k-1) / ``pitch``; every other input of round k is computed from
    the wires of round k - 1. If each first-phase iterate x_k (``candidates`` in round order:
    solution, Delta at indices 1 and 4) already meets the cap of its round, |rows x_k| <= cap_k,
    then x_k, the unique optimum of the strictly convex QP without the cap, is feasible with it
    and hence its optimum too (the feasible set only shrank; Boyd & Vandenberghe, Convex
    Optimization (2004), sec. 4.2.2). By induction every capped round repeats the first phase's
    round and wire set: the spacing phase would add nothing. This happens when the wires' shortfall
    lies in their construction (cuts, jogs, leads) rather than in adjacent contours, which run
    Delta / |J| apart on every face where psi is linear."""
    caps = [first_cap] + [DENSITY_FACTOR * c[4] / pitch for c in candidates[:-1]]
    return any(float(np.abs(rows @ c[1].x).max()) > cap for c, cap in zip(candidates, caps))


def current_density_rows(ops: StreamFunctionOperators, basis: np.ndarray) -> np.ndarray:
    """Rows (F x DENSITY_DIRECTIONS, K) giving u . J_t per unit basis coefficient [1/m] for
    DENSITY_DIRECTIONS unit vectors u spread over a half turn in each face's plane: |u . J| <= c
    for all of them keeps |J| <= c / cos(pi / (2 DENSITY_DIRECTIONS))."""
    s = ops.surface
    e1 = s.corners[:, 1] - s.corners[:, 0]
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = np.cross(s.normals, e1)
    y = [np.asarray(m @ basis) for m in ops.current_maps]  # (F, K) per component
    rows = []
    for theta in np.pi * np.arange(DENSITY_DIRECTIONS) / DENSITY_DIRECTIONS:
        u = np.cos(theta) * e1 + np.sin(theta) * e2
        rows.append(sum(u[:, a, None] * y[a] for a in range(3)))
    return np.vstack(rows)


def _mirror_images(points: np.ndarray, mirrors: dict[int, int], center: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The images g r of ``points`` under the mirror group generated by ``mirrors`` (identity
    first), stacked image by image, and each image's parity p(g) (the product of the target's
    field parities): (1/|G|) sum_g p(g) Bz(g r) is the part of the wires' field that a symmetric
    stream function can compensate (leads and jogs break the symmetry slightly)."""
    images = [(np.eye(3), 1.0)]
    for axis, parity in mirrors.items():
        m = np.eye(3)
        m[axis, axis] = -1.0
        images += [(m @ g, parity * p) for g, p in images]
    stacked = np.vstack([(points - center) @ g.T + center for g, _ in images])
    return stacked, np.array([p for _, p in images])


def _named_binding(error: InfeasibleDesignError, q: np.ndarray, a_in: np.ndarray, lower: np.ndarray,
                   upper: np.ndarray, families: list[tuple[str, int]], a_eq: np.ndarray, b_eq: np.ndarray,
                   eq_names: list[str]) -> InfeasibleDesignError:
    """``error`` (the solver's proof that the QP has no solution) re-raised naming the binding
    limit: every constraint family (the inequality rows ``families`` (name, row count) in the
    order of ``a_in``, and the equality families of ``eq_names`` besides the gradient amplitude)
    whose removal alone makes the QP solvable; when none does, only several relaxed together
    would. The names are kept in the error's ``binding`` attribute."""
    edges = np.cumsum([0] + [n for _, n in families])
    trials = []
    for (name, _), lo, hi in zip(families, edges[:-1], edges[1:]):
        keep = np.ones(len(a_in), dtype=bool)
        keep[lo:hi] = False
        trials.append((name, keep, np.ones(len(a_eq), dtype=bool)))
    names = np.array(eq_names)
    for name in dict.fromkeys(n for n in eq_names if n != "amplitude"):
        trials.append((name, np.ones(len(a_in), dtype=bool), names != name))
    binding = []
    for name, keep, keep_eq in trials:
        a, lo, hi = a_in[keep], lower[keep], upper[keep]
        if not len(a):  # no inequality row left: one that every psi meets
            a, lo, hi = np.zeros((1, a_in.shape[1])), np.array([-1.0]), np.array([1.0])
        try:
            solve_qp(q, a, lo, hi, *_independent(a_eq[keep_eq], b_eq[keep_eq]))
        except InfeasibleDesignError:
            continue
        binding.append(name)
    which = (f"the binding limit: {' or '.join(binding)} (relaxing it alone makes the problem solvable)"
             if binding else "no single limit is binding: only several relaxed together can make the problem "
             f"solvable ({', '.join([n for n, _ in families] + sorted(set(eq_names) - {'amplitude'}))})")
    out = InfeasibleDesignError(f"{error}; {which}")
    out.binding = tuple(binding)
    return out


def _independent(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop equality rows that are linear combinations of earlier ones (e.g. a torque
    component that vanishes identically by symmetry)."""
    keep: list[int] = []
    for i in range(len(a)):
        trial = a[keep + [i]]
        if np.linalg.matrix_rank(trial, tol=1e-9 * np.abs(a).max()) == len(keep) + 1:
            keep.append(i)
    return a[keep], b[keep]


SPACING_NEIGHBOURS = 24
"""Nearest points of each contour point among which ``_contour_spacing`` looks for another loop's."""
SPACING_STRIDE = 4
"""Every how many contour points ``_contour_spacing`` takes a first bound at."""
SPACING_FIRST = 4
"""Nearest points of those that give ``_contour_spacing`` its first bound."""
SPACING_NEAR = 12
"""Points per contour point listed by ``_contour_spacing``'s bounded search (fewer than this lie
within the bound of every point in the common case)."""


def _contour_spacing(loops) -> float:
    """Smallest distance [m] between points of different contour loops: from each point to the
    nearest point of another loop among its SPACING_NEIGHBOURS nearest points (inf where none
    has one).

    Computed with bounded k-d tree searches: the distance m of any pair of points of different
    loops (here the least among the SPACING_FIRST nearest points of every SPACING_STRIDE-th point)
    and a bound b > m. Where fewer than SPACING_NEAR <= SPACING_NEIGHBOURS points lie within b of
    every point, each point's SPACING_NEIGHBOURS nearest include all of those (whatever order the
    search gives to ties), the pair at m among them, so the minimum sought is below b and is the
    minimum over the pairs closer than b, whose list does not depend on the tree. Else (or where
    the first search finds no other loop) the SPACING_NEIGHBOURS nearest of every point are
    searched in full."""
    if len(loops) < 2:
        return float(np.ptp(loops[0].points, axis=0).max()) if loops else 0.0
    pts = np.vstack([lp.points for lp in loops])
    ids = np.r_[np.repeat(np.arange(len(loops)), [len(lp.points) for lp in loops]), -1]  # -1: no neighbour

    def least(dist: np.ndarray, idx: np.ndarray, rows: slice = slice(None)) -> float:
        return float(np.where(ids[idx] != ids[:-1][rows, None], dist, np.inf).min())

    tree = cKDTree(pts)
    k = min(SPACING_NEIGHBOURS, len(pts))
    if k > SPACING_NEAR:
        rows = slice(None, None, SPACING_STRIDE)
        first = least(*tree.query(pts[rows], k=SPACING_FIRST), rows)
        if np.isfinite(first):
            dist, idx = tree.query(pts, k=SPACING_NEAR, distance_upper_bound=first * (1.0 + 1e-9) + 1e-300)
            if not np.isfinite(dist[:, -1]).any():
                return least(dist, idx)
    return least(*tree.query(pts, k=k))


def _min_spacing(windings, junctions, reach: float) -> float:
    """Smallest centre-to-centre distance [m] between wire points that are not neighbours along
    the same wire (less than 2 ``reach`` [m] apart along it).

    Away from the junctions (cut, jog, lifted return corners, leads) every winding is sampled at
    <= reach/4 and the samples' distances are taken. Within one ``reach`` of a junction, where the
    wire turns and the return's corners stand a pitch above the wire below, the distances are
    exact: the wire is cut into straight pieces <= reach/2 long, and every pair of pieces at least
    one of which lies within ``reach`` of a junction and whose midpoints are within 1.5 reach is
    measured as the least distance over its point pairs at least 2 ``reach`` apart along the wire
    (``contours._segment_distances_apart``; pieces of different windings: all point pairs).

    The number is that of the search of all pairs written below, found with less work
    (``_spacing_from``): the pieces' pairs are searched from the pieces near a junction only and
    first, and the samples' pairs then only as near as the pieces' least distance (no farther
    pair can lower it); windings that are exact mirror images of one another
    (``_exact_images``) have samples and pieces that are exact images too, and a mirror keeps
    every distance exactly, so only the pairs with a member on a representative of each orbit
    are measured. Where that cannot be shown to give the same number, all pairs are searched."""
    points = [np.asarray(w.points, dtype=float) for w in windings]
    rep, sign, perms = _exact_images(points, junctions)
    parts: list[tuple] = []
    for k, v in enumerate(points):
        if rep[k] == k:
            parts.append(_wire_samples(v, junctions[k], reach))
        else:  # the representative's samples and pieces mirrored: the same numbers as its own
            p, arc, skip, a, b, parc, plen, near = parts[rep[k]]
            parts.append((p * sign[k], arc, skip, a * sign[k], b * sign[k], parc, plen, near))
    p, arc, skip, a, b, parc, plen, pnear = (np.concatenate([part[m] for part in parts]) for m in range(8))
    ids = np.concatenate([np.full(len(part[0]), n) for n, part in enumerate(parts)])
    pid = np.concatenate([np.full(len(part[3]), n) for n, part in enumerate(parts)])
    spacing = _spacing_from(rep, perms, reach, p, ids, arc, skip, a, b, pid, parc, plen, pnear)
    if spacing is not None:
        return spacing
    tree = cKDTree(p)
    # every pair within 1.5 reach (a buildable wire set's closest pair, at about one reach), else
    # the 32 nearest neighbours of every point (exact up to ~2 reach: along a wire sampled at
    # reach/4 fewer than 32 points lie that close)
    i, j = tree.query_pairs(1.5 * reach, output_type="ndarray").T
    valid = ~((ids[i] == ids[j]) & (np.abs(arc[i] - arc[j]) < 2.0 * reach)) & ~skip[i] & ~skip[j]
    if valid.any():
        i, j = i[valid], j[valid]
        sampled = float(np.sqrt(((p[i] - p[j]) ** 2).sum(axis=1)).min())
    else:
        dist, idx = tree.query(p, k=min(32, len(p)))
        same = ids[idx] == ids[:, None]
        close_along = same & (np.abs(arc[idx] - arc[:, None]) < 2.0 * reach)
        valid = ~close_along & ~skip[:, None] & ~skip[idx]
        sampled = float(np.where(valid, dist, np.inf).min())
    # near the junctions: exact distances between pieces (two pieces <= reach/2 long whose
    # points come within ``reach`` have midpoints within 1.5 reach)
    i, j = cKDTree(0.5 * (a + b)).query_pairs(1.5 * reach, output_type="ndarray").T
    keep = pnear[i] | pnear[j]
    i, j = i[keep], j[keep]
    later = (pid[i] == pid[j]) & (parc[i] > parc[j])  # order the pieces of one wire along it
    i, j = np.where(later, j, i), np.where(later, i, j)
    c = np.where(pid[i] == pid[j], 2.0 * reach - (parc[j] - parc[i]), -np.inf)
    exact = _segment_distances_apart(a[i], b[i], a[j], b[j], c, plen[i], plen[j])
    return min(sampled, float(exact.min()) if len(exact) else np.inf)


def _wire_samples(v: np.ndarray, junc, reach: float) -> tuple:
    """``_min_spacing``'s data of one winding with points ``v`` [m] and junction indices ``junc``:
    (samples <= reach/4 apart, their path lengths [m], whether within ``reach`` of a junction;
    pieces' starts, ends [m] (every segment of positive length cut into equal parts <= reach/2),
    path lengths at their starts, lengths [m], whether within ``reach`` of a junction)."""
    seg = np.diff(v, axis=0)
    length = np.linalg.norm(seg, axis=1)
    start = np.concatenate([[0.0], np.cumsum(length)[:-1]])
    sub = np.maximum(1, np.ceil(length / (reach / 4)).astype(int))
    which = np.repeat(np.arange(len(seg)), sub)  # segment of each sample
    t = (np.arange(len(which)) - np.repeat(np.cumsum(sub) - sub, sub)) / sub[which]
    p = v[which] + t[:, None] * seg[which]
    arc = start[which] + t * length[which]
    junction_tree = cKDTree(v[junc])
    # nearest junction distances, searched only up to (1 + 1e-9) times the threshold (farther: inf; the
    # nearer ones are the same numbers, far from the search's edge)
    skip = junction_tree.query(p, distance_upper_bound=reach * (1.0 + 1e-9))[0] < reach
    sub = np.where(length > 0.0, np.maximum(1, np.ceil(length / (reach / 2)).astype(int)), 0)
    which = np.repeat(np.arange(len(seg)), sub)
    k = np.arange(len(which)) - np.repeat(np.cumsum(sub) - sub, sub)
    t0, t1 = k / sub[which], (k + 1) / sub[which]
    a = v[which] + t0[:, None] * seg[which]
    b = np.where((k + 1 == sub[which])[:, None], v[which + 1], v[which] + t1[:, None] * seg[which])
    piece = (t1 - t0) * length[which]
    # a piece lies within ``reach`` of a junction when its midpoint does within reach + half its length
    bound = (reach + 0.5 * float(piece.max(initial=0.0))) * (1.0 + 1e-9)
    near = junction_tree.query(0.5 * (a + b), distance_upper_bound=bound)[0] < reach + 0.5 * piece
    return p, arc, skip, a, b, start[which] + t0 * length[which], piece, near


def _exact_images(points: list, junctions) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The windings (point arrays ``points`` [m]) as exact mirror images of one another: (the
    first winding of each one's orbit (n,), the diagonal t with points[k] == points[rep[k]] * t
    (n, 3), the permutations of the windings under the group of sign maps (``SIGN_MATRICES``,
    identity first) that carry every winding's points, in their order, exactly onto another
    winding's with the same junction indices). Checked with ``np.array_equal``: no tolerance, so
    that the images' samples and distances are exactly the representatives' mirrored."""
    n = len(points)
    junc = [np.unique(np.asarray(j, dtype=int)) for j in junctions]
    perms, maps = [np.arange(n)], [np.ones(3)]
    for t in SIGN_MATRICES:
        image = []
        for k in range(n):
            mirrored = points[k] * t
            image.append(next((m for m in range(n) if points[m].shape == mirrored.shape
                               and np.array_equal(mirrored[0], points[m][0]) and np.array_equal(mirrored, points[m])
                               and np.array_equal(junc[k], junc[m])), -1))
            if image[-1] < 0:
                break
        if -1 not in image and len(set(image)) == n:
            perms.append(np.array(image))
            maps.append(t)
    rep, sign = np.arange(n), np.ones((n, 3))
    for k in range(n):
        for perm, t in zip(perms, maps):
            if k < rep[perm[k]]:
                rep[perm[k]], sign[perm[k]] = k, t
    return rep, sign, perms


def _pairs_from(first: np.ndarray, points: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of ``points`` [m] within ``radius`` [m] of one another (k-d tree
    distances) with at least one member marked ``first``: i marked, each pair once. The trees are
    built by sliding midpoints without shrinking the boxes (built ~2x faster, searched as fast;
    the same pairs but for rounding at ``radius``, which ``_spacing_from`` allows for)."""
    q, o = np.flatnonzero(first), np.flatnonzero(~first)
    if not len(q):
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    tree = cKDTree(points[q], balanced_tree=False, compact_nodes=False)
    i, j = tree.query_pairs(radius, output_type="ndarray").T
    if not len(o):
        return q[i], q[j]
    other = cKDTree(points[o], balanced_tree=False, compact_nodes=False)
    found = tree.sparse_distance_matrix(other, radius, output_type="ndarray")
    return np.concatenate([q[i], q[found["i"]]]), np.concatenate([q[j], o[found["j"]]])


def _spacing_from(rep, perms, reach, p, ids, arc, skip, a, b, pid, parc, plen, pnear) -> float | None:
    """``_min_spacing`` of the samples ``p`` [m] (winding ``ids``, path lengths ``arc``, ``skip``
    near a junction) and the pieces ``a``-``b`` [m] (winding ``pid``, path lengths ``parc`` at
    their starts, lengths ``plen``, ``pnear`` a junction) from fewer pairs, or None where that
    cannot be shown to be the number of the search of all pairs: no sample pair nearer than 1.5
    ``reach`` [m], or a pair of pieces 1.5 ``reach`` apart to 1e-9 relative that would change it.

    - Symmetry: ``rep`` (the first winding of each one's orbit) and ``perms`` (the windings'
      permutations under the mirror group, ``_exact_images``). A pair (x, y) and its image
      (T x, T y) have the same distance, validity and, for pieces of one wire, order along it:
      only pairs with a member on a representative winding are measured. A pair of pieces of
      different windings is measured in the order of their windings' indices, so such a pair is
      measured in each order that one of its images has.
    - Pieces first, from those near a junction (the others' pairs are not measured). Pairs found
      within 1.5 (1 + 1e-9) ``reach`` and nearer than 1.5 (1 - 1e-9) ``reach`` are exactly those
      that the search of all pairs finds that near (k-d tree distances round like these to
      ~1e-16); those in between (pieces of a straight lead cut into equal parts) are measured in
      both orders, and must not lower the result.
    - Samples then only within the pieces' least distance d (to 1e-9 relative) where that is
      below 1.5 ``reach``: a sample pair farther apart cannot lower the result, and where none
      is nearer, the search of all pairs gives d."""
    r = 1.5 * reach
    lo, hi = r * (1.0 - 1e-9), r * (1.0 + 1e-9)
    mid = 0.5 * (a + b)
    i, j = _pairs_from(pnear, mid, hi)
    keep = (rep[pid[i]] == pid[i]) | (rep[pid[j]] == pid[j])
    i, j = i[keep], j[keep]
    gap = np.sqrt(((mid[i] - mid[j]) ** 2).sum(axis=1))
    i, j, gap = i[gap <= hi], j[gap <= hi], gap[gap <= hi]  # beyond hi: in no search's 1.5 reach
    band = gap >= lo
    same = pid[i] == pid[j]
    later = same & ((parc[i] > parc[j]) | ((parc[i] == parc[j]) & (i > j)))  # order the pieces of one wire along it
    i, j = np.where(later, j, i), np.where(later, i, j)
    order = np.array(perms)  # (G, n): the winding each group element carries each winding onto
    before = (order[:, :, None] < order[:, None, :]).any(axis=0)  # (n, n): in some image k's before m's
    ahead = same | np.where(band, True, before[pid[i], pid[j]])  # near 1.5 reach: both orders
    behind = ~same & np.where(band, True, before[pid[j], pid[i]])
    i, j = np.concatenate([i[ahead], j[behind]]), np.concatenate([j[ahead], i[behind]])
    near = np.concatenate([band[ahead], band[behind]])
    c = np.where(pid[i] == pid[j], 2.0 * reach - (parc[j] - parc[i]), -np.inf)
    exact = _segment_distances_apart(a[i], b[i], a[j], b[j], c, plen[i], plen[j])
    pieces = float(exact[~near].min()) if (~near).any() else np.inf
    cut = pieces if pieces < lo else r  # the samples' search radius
    i, j = _pairs_from(rep[ids] == ids, p, cut * (1.0 + 1e-9))
    valid = ~((ids[i] == ids[j]) & (np.abs(arc[i] - arc[j]) < 2.0 * reach)) & ~skip[i] & ~skip[j]
    i, j = i[valid], j[valid]
    dist = np.sqrt(((p[i] - p[j]) ** 2).sum(axis=1))
    sampled = float(dist.min()) if len(dist) else np.inf
    if cut < r and sampled > cut:
        spacing = pieces  # every sample pair is farther apart (or none within 1.5 reach)
    elif sampled < lo:
        spacing = min(sampled, pieces)
    else:
        return None
    return None if near.any() and exact[near].min() < spacing else spacing
