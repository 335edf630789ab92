"""``optimize``: mixed integer/continuous design optimisation on the study back ends.

Method
------
1. Global search: ``scipy.optimize.differential_evolution`` (R. Storn and K. Price, J. Global
   Optim. 11, 341 (1997)) with ``integrality`` for the integer parameters (rounded trial vectors,
   as in scipy) and ``updating="deferred"``: each generation is one batch of designs handed to
   the back end's map (``workers=``), so serial, process-pool and dask runs visit the same points
   for the same ``seed``.
2. Constraints by the feasibility rules of K. Deb, Comput. Methods Appl. Mech. Eng. 186, 311
   (2000): a feasible design beats an infeasible one, two infeasible designs compare by their
   total relative violation, two feasible ones by the objective. Differential evolution only
   compares values, so the rules are encoded as ``PENALTY + violation`` for infeasible designs
   (``PENALTY`` larger than any objective) and ``2 PENALTY`` for designs that raised.
3. Local polish: Nelder-Mead (scipy) on the continuous parameters with the integers fixed at the
   global best, on the same penalised objective, started from the global best; kept only if it
   improves a feasible design.

Every evaluation (global and polish) is recorded in ``history`` with the parameters, the
metrics, the penalised objective, feasibility and any error.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from coildesign import _validation as check
from coildesign.studies import backends as _backends

PENALTY = 1e30
_OPS = {">=": operator.ge, "<=": operator.le}


@dataclass(frozen=True)
class Constraint:
    """``metric op bound`` with ``op`` one of ">=", "<="; relative violation
    max(0, bound - value) / scale (">=") or max(0, value - bound) / scale ("<="), scale = |bound|
    (1 for a zero bound)."""

    metric: str
    op: str
    bound: float

    def violation(self, metrics: dict) -> float:
        value = metrics.get(self.metric)
        if value is None or not np.isfinite(value):
            return np.inf
        scale = abs(self.bound) or 1.0
        gap = self.bound - value if self.op == ">=" else value - self.bound
        return max(0.0, gap) / scale

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.bound:g}"


def parse_constraint(spec: object) -> Constraint:
    """A ``Constraint`` from ``"metric >= bound"``, ``(metric, op, bound)`` or a ``Constraint``."""
    if isinstance(spec, Constraint):
        return spec
    if isinstance(spec, str):
        m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(>=|<=)\s*(\S+)\s*", spec)
        if m is None:
            check._fail("constraints", "entries like 'metric >= 1.5' or ('metric', '<=', 2.0)", spec)
        name, op, text = m.groups()
        try:
            bound = float(text)
        except ValueError:
            check._fail("constraints", "a numeric bound after >= or <=", spec)
        return Constraint(name, op, check.finite("constraint bound", bound))
    if isinstance(spec, (tuple, list)) and len(spec) == 3 and spec[1] in _OPS and isinstance(spec[0], str):
        return Constraint(spec[0], spec[1], check.finite("constraint bound", spec[2]))
    check._fail("constraints", "entries like 'metric >= 1.5' or ('metric', '<=', 2.0)", spec)


class _Evaluator:
    """Designs -> metrics through the back end, with a cache and a history."""

    def __init__(self, func, fixed, names, integers, objective, maximize, constraints, engine, batch_size):
        self.func, self.fixed, self.names = func, fixed, names
        self.integers = integers
        self.objective, self.maximize, self.constraints = objective, maximize, constraints
        self.engine, self.batch_size = engine, batch_size
        self.cache: dict[tuple, tuple[float, bool, dict | None, str | None]] = {}
        self.history: list[dict] = []
        self.stage = "global"

    def point(self, x: np.ndarray) -> dict:
        return {n: (int(round(v)) if n in self.integers else float(v)) for n, v in zip(self.names, x)}

    def score(self, metrics: dict | None, error: str | None) -> tuple[float, bool]:
        if error is not None or metrics is None:
            return 2.0 * PENALTY, False
        value = metrics.get(self.objective)
        if value is None or isinstance(value, (str, bool)) or not np.isfinite(value):
            return 2.0 * PENALTY, False
        violation = sum(c.violation(metrics) for c in self.constraints)
        if violation > 0:
            return PENALTY + min(violation, 0.5 * PENALTY), False
        return (-float(value) if self.maximize else float(value)), True

    def __call__(self, xs) -> list[float]:
        points = [self.point(np.asarray(x, dtype=float)) for x in xs]
        keys = [tuple(p.values()) for p in points]
        todo = {}
        for k, p in zip(keys, points):
            if k not in self.cache and k not in todo:
                todo[k] = p
        if todo:
            items = list(enumerate(todo.values()))
            size = self.batch_size or _backends.batch_size_for(len(items), self.engine.workers, per_worker=1)
            tasks = [(self.func, self.fixed, items[i:i + size]) for i in range(0, len(items), size)]
            keys_todo = list(todo)
            for records in self.engine.map(_backends.run_batch, tasks):
                for rec in records:
                    key = keys_todo[rec["index"]]
                    value, feasible = self.score(rec["metrics"], rec["error"])
                    self.cache[key] = (value, feasible, rec["metrics"], rec["error"])
                    self.history.append({"stage": self.stage, **todo[key], **(rec["metrics"] or {}),
                                         "objective_value": value, "feasible": feasible, "error": rec["error"],
                                         "seconds": rec["seconds"]})
        return [self.cache[k][0] for k in keys]

    def map(self, _scipy_func: Callable, population) -> list[float]:
        """The ``workers=`` map given to differential evolution (it passes its own wrapper of
        the objective, which is this evaluator's scalar form; the population is evaluated here
        in batches on the back end)."""
        return self(list(population))

    def scalar(self, x) -> float:
        return self([x])[0]


@dataclass
class OptimizeResult:
    """Outcome of ``optimize``: the best ``point`` (dict), its ``metrics``, the objective value
    (``objective``, in the metric's own sign), ``feasible``, the scipy results of both stages and
    the ``history`` (pandas DataFrame of every evaluation)."""

    point: dict
    metrics: dict
    objective: float
    feasible: bool
    history: object
    bounds: dict
    global_result: object = None
    polish_result: object = None
    evaluations: int = 0
    elapsed: float = 0.0
    constraints: tuple = field(default_factory=tuple)

    def at_bounds(self, rtol: float = 1e-3) -> list[str]:
        """Parameters whose optimum lies within ``rtol`` of the range (relative) of a bound."""
        out = []
        for name, (low, high) in self.bounds.items():
            tol = rtol * (high - low)
            if abs(self.point[name] - low) <= tol or abs(self.point[name] - high) <= tol:
                out.append(name)
        return out

    def active_constraints(self, rtol: float = 1e-2) -> list[str]:
        """Constraints met with a relative margin below ``rtol``."""
        out = []
        for c in self.constraints:
            value = self.metrics.get(c.metric)
            if value is not None and abs(value - c.bound) <= rtol * (abs(c.bound) or 1.0):
                out.append(str(c))
        return out

    def __repr__(self) -> str:
        return (f"OptimizeResult(point={self.point}, objective={self.objective:.6g}, feasible={self.feasible}, "
                f"{self.evaluations} evaluations in {self.elapsed:.3g} s)")


def optimize(
    func: Callable,
    bounds: dict,
    *,
    objective: str,
    constraints=(),
    integers=(),
    backend: str = "serial",
    client: object = None,
    maximize: bool = False,
    fixed: dict | None = None,
    workers: int | None = None,
    seed: int | None = 0,
    maxiter: int = 100,
    popsize: int = 15,
    tol: float = 0.01,
    polish: bool = True,
    batch_size: int | None = None,
) -> OptimizeResult:
    """Optimise ``func(**fixed, **point)`` over ``bounds`` (method in the module docstring).

    Parameters
    ----------
    func : callable
        Returns a dict of scalar metrics (or an object with ``as_dict()``), like a sweep function.
    bounds : dict
        name -> ``(low, high)``; integer parameters take integer values in ``[low, high]``.
    objective : str
        The metric to minimise (``maximize=True``: to maximise).
    constraints : sequence
        ``"metric >= bound"`` / ``"metric <= bound"`` strings or ``(metric, op, bound)`` tuples.
    integers : sequence of str
        Names of integer parameters.
    backend, client, workers, batch_size
        As for ``sweep`` (one task per batch of a generation's designs).
    seed, maxiter, popsize, tol
        ``differential_evolution`` settings (population = ``popsize`` x number of parameters).
    polish : bool
        Nelder-Mead polish of the continuous parameters from the global best.

    Returns
    -------
    OptimizeResult
    """
    import pandas as pd
    from scipy.optimize import differential_evolution, minimize

    if not callable(func):
        check._fail("func", "a callable returning a dict of metrics", func, TypeError)
    if not isinstance(bounds, dict) or not bounds:
        check._fail("bounds", "a non-empty dict name -> (low, high)", bounds, TypeError)
    if not isinstance(objective, str):
        check._fail("objective", "the name of a metric (str)", objective, TypeError)
    names = list(bounds)
    lows, highs = [], []
    for name, pair in bounds.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            check._fail(f"bounds[{name!r}]", "a (low, high) pair", pair, TypeError)
        low, high = check.finite(f"bounds[{name!r}][0]", pair[0]), check.finite(f"bounds[{name!r}][1]", pair[1])
        if not high > low:
            check._fail(f"bounds[{name!r}]", "a pair with high > low", pair)
        lows.append(low)
        highs.append(high)
    integers = tuple(integers)
    unknown = [n for n in integers if n not in bounds]
    if unknown:
        check._fail("integers", f"names among the bounds {names}", unknown)
    cons = tuple(parse_constraint(c) for c in constraints)
    fixed = dict(fixed or {})
    check.choice("backend", backend, _backends.BACKENDS)
    _backends.check_picklable(func, backend)
    start = time.perf_counter()
    with _backends.start(backend, workers=workers, client=client) as engine:
        ev = _Evaluator(func, fixed, names, set(integers), objective, bool(maximize), cons, engine, batch_size)
        de = differential_evolution(
            ev.scalar, list(zip(lows, highs)), integrality=[n in integers for n in names], seed=seed,
            maxiter=check.positive_int("maxiter", maxiter), popsize=check.positive_int("popsize", popsize),
            tol=check.positive("tol", tol), polish=False, updating="deferred", workers=ev.map, init="latinhypercube")
        best_x = np.array(list(ev.point(de.x).values()), dtype=float)
        polished = None
        continuous = [i for i, n in enumerate(names) if n not in integers]
        if polish and continuous and ev.cache[tuple(ev.point(best_x).values())][1]:
            ev.stage = "polish"

            def local(y: np.ndarray) -> float:
                x = best_x.copy()
                x[continuous] = np.clip(y, np.array(lows)[continuous], np.array(highs)[continuous])
                return ev.scalar(x)

            polished = minimize(local, best_x[continuous], method="Nelder-Mead",
                                bounds=[(lows[i], highs[i]) for i in continuous],
                                options={"xatol": 1e-4 * min(highs[i] - lows[i] for i in continuous), "fatol": 0.0,
                                         "maxfev": 200 * len(continuous)})
            x = best_x.copy()
            x[continuous] = np.clip(polished.x, np.array(lows)[continuous], np.array(highs)[continuous])
            if ev.scalar(x) < ev.scalar(best_x):
                best_x = x
    key = tuple(ev.point(best_x).values())
    value, feasible, metrics, _ = ev.cache[key]
    history = pd.DataFrame(ev.history)
    history.index.name = "evaluation"
    obj = metrics.get(objective, float("nan")) if metrics else float("nan")
    return OptimizeResult(point=ev.point(best_x), metrics=dict(metrics or {}), objective=obj, feasible=feasible,
                          history=history, bounds=dict(zip(names, zip(lows, highs))), global_result=de,
                          polish_result=polished, evaluations=len(ev.history), elapsed=time.perf_counter() - start,
                          constraints=cons)
