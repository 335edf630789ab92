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
   compares values, so the rules are encoded as ``PENALTY (1 + v / (1 + v))`` for infeasible
   designs of total violation v (``PENALTY`` larger than any objective; the factor keeps the order
   of the violations, which ``PENALTY + v`` would round away) and ``2 PENALTY`` for designs that
   raised.
3. Local polish: Nelder-Mead (scipy) on the continuous parameters with the integers fixed, on the
   same penalised objective, started from the best feasible design of each of the best few integer
   combinations the global search found (``polish_starts``; the starts run in parallel, one task
   each, on the back end). Several starts matter when the objective is flat along a ridge that
   couples an integer and continuous parameters (the microcoil's turns and wire diameter at fixed
   length and pitch ratio, see ``examples/microcoil_optimum.py``). The best design evaluated in
   any stage is returned.

Every evaluation (global and polish) is recorded in ``history`` with the parameters, the
metrics, the penalised objective, feasibility and any error.
"""

from __future__ import annotations

import operator
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from coildesign import _validation as check
from coildesign.studies import backends as _backends
from coildesign.studies.metrics import known_metrics
from coildesign.studies.sampling import check_names, check_seed, check_study_size
from coildesign.studies.sweeps import check_arguments

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


@dataclass(frozen=True)
class _Scorer:
    """Deb's feasibility rules as one number to minimise (module docstring)."""

    objective: str
    maximize: bool
    constraints: tuple

    def __call__(self, metrics: dict | None, error: str | None) -> tuple[float, bool]:
        if error is not None or metrics is None:
            return 2.0 * PENALTY, False
        value = metrics.get(self.objective)
        if value is None or isinstance(value, (str, bool)) or not np.isfinite(value):
            return 2.0 * PENALTY, False
        violation = sum(c.violation(metrics) for c in self.constraints)
        if violation > 0:
            share = violation / (1.0 + violation) if np.isfinite(violation) else 1.0
            return PENALTY * (1.0 + share), False
        return (-float(value) if self.maximize else float(value)), True


def _point(names: list[str], integers: set, x) -> dict:
    return {n: (int(round(v)) if n in integers else float(v)) for n, v in zip(names, x)}


class _Evaluator:
    """Designs -> scores through the back end, with a cache and a history."""

    def __init__(self, func, fixed, names, integers, scorer, engine, batch_size):
        self.func, self.fixed, self.names, self.integers = func, fixed, names, integers
        self.scorer, self.engine, self.batch_size = scorer, engine, batch_size
        self.cache: dict[tuple, tuple[float, bool, dict | None, str | None]] = {}
        self.history: list[dict] = []
        self.names_checked = False
        self.name_error: ValueError | None = None

    def check_names(self, metrics: dict) -> None:
        """Refuse an objective or constraint that names no metric of the function (checked on
        the first design that returned metrics; a typo would otherwise count every design as
        failed or infeasible)."""
        self.names_checked = True
        available = sorted(metrics)
        try:
            check.one_of_names("objective", self.scorer.objective, available, "a metric the function returns")
            for c in self.scorer.constraints:
                check.one_of_names("constraints", c.metric, available, "conditions on metrics the function returns")
        except ValueError as exc:
            self.name_error = exc  # scipy wraps errors of the map in a RuntimeError: optimize re-raises this
            raise

    def record(self, point: dict, rec: dict, stage: str) -> None:
        if not self.names_checked and rec["metrics"]:
            self.check_names(rec["metrics"])
        value, feasible = self.scorer(rec["metrics"], rec["error"])
        self.cache[tuple(point.values())] = (value, feasible, rec["metrics"], rec["error"])
        self.history.append({"stage": stage, **point, **(rec["metrics"] or {}), "objective_value": value,
                             "feasible": feasible, "error": rec["error"], "seconds": rec["seconds"]})

    def __call__(self, xs) -> list[float]:
        points = [_point(self.names, self.integers, np.asarray(x, dtype=float)) for x in xs]
        keys = [tuple(p.values()) for p in points]
        todo = {}
        for k, p in zip(keys, points):
            if k not in self.cache and k not in todo:
                todo[k] = p
        if todo:
            items = list(enumerate(todo.values()))
            size = self.batch_size or _backends.batch_size_for(len(items), self.engine.workers, per_worker=1)
            tasks = [(self.func, self.fixed, items[i:i + size]) for i in range(0, len(items), size)]
            pending = list(todo.values())
            for records in self.engine.map(_backends.run_batch, tasks):
                for rec in records:
                    self.record(pending[rec["index"]], rec, "global")
        return [self.cache[k][0] for k in keys]

    def map(self, _scipy_func: Callable, population) -> list[float]:
        """The ``workers=`` map given to differential evolution (it passes its own wrapper of
        the objective, which is this evaluator's scalar form; the population is evaluated here
        in batches on the back end)."""
        return self(list(population))

    def scalar(self, x) -> float:
        return self([x])[0]


def polish_run(func: Callable, fixed: dict, names: list[str], integers: set, scorer: _Scorer, x0: np.ndarray,
               lows: np.ndarray, highs: np.ndarray, maxfev: int) -> list[tuple[dict, dict]]:
    """One Nelder-Mead polish of the continuous parameters from ``x0`` (integers fixed), run in a
    worker; returns every evaluation as ``(point, record)``."""
    from scipy.optimize import minimize

    cont = np.array([n not in integers for n in names])
    evaluations: list[tuple[dict, dict]] = []
    seen: dict[tuple, float] = {}

    def local(y: np.ndarray) -> float:
        x = np.array(x0, dtype=float)
        x[cont] = np.clip(y, lows[cont], highs[cont])
        point = _point(names, integers, x)
        key = tuple(point.values())
        if key not in seen:
            rec = _backends.run_batch(func, fixed, [(0, point)])[0]
            seen[key] = scorer(rec["metrics"], rec["error"])[0]
            evaluations.append((point, rec))
        return seen[key]

    minimize(local, np.asarray(x0, dtype=float)[cont], method="Nelder-Mead",
             bounds=list(zip(lows[cont], highs[cont])),
             options={"xatol": 1e-4 * float(np.min(highs[cont] - lows[cont])), "fatol": 0.0, "maxfev": maxfev})
    return evaluations


@dataclass
class OptimizeResult:
    """Outcome of ``optimize``: the best ``point`` (dict), its ``metrics``, the objective value
    (``objective``, in the metric's own sign), ``feasible``, the scipy result of the global stage
    and the ``history`` (pandas DataFrame of every evaluation, ``stage`` "global" or "polish")."""

    point: dict
    metrics: dict
    objective: float
    feasible: bool
    history: object
    bounds: dict
    global_result: object = None
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
    polish_starts: int | None = None,
    polish_evaluations: int = 100,
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
        Nelder-Mead polish of the continuous parameters (module docstring).
    polish_starts : int, optional
        Number of polish starts: the best feasible design of each of the best ``polish_starts``
        integer combinations found by the global search, polished in parallel on the back end
        (default: the number of workers, at least 2; 1 without integer parameters).
    polish_evaluations : int
        Evaluations per continuous parameter and polish start (Nelder-Mead ``maxfev``).

    Returns
    -------
    OptimizeResult
    """
    import pandas as pd
    from scipy.optimize import differential_evolution

    if not callable(func):
        check._fail("func", "a callable returning a dict of metrics", func, TypeError)
    if not isinstance(bounds, dict) or not bounds:
        check._fail("bounds", "a non-empty dict name -> (low, high)", bounds, TypeError)
    if not isinstance(objective, str):
        check._fail("objective", "the name of a metric (str)", objective, TypeError)
    if not isinstance(maximize, bool):
        check._fail("maximize", "True or False", maximize, TypeError)
    if not isinstance(polish, bool):
        check._fail("polish", "True or False", polish, TypeError)
    check_seed(seed)
    if workers is not None:
        check.positive_int("workers", workers)
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
    lows_a, highs_a = np.array(lows), np.array(highs)
    integers = check_names("integers", integers)
    unknown = [n for n in integers if n not in bounds]
    if unknown:
        check._fail("integers", f"names among the bounds {names}", unknown)
    if isinstance(constraints, (str, Constraint)):
        constraints = [constraints]
    scorer = _Scorer(objective, bool(maximize), tuple(parse_constraint(c) for c in constraints))
    fixed = dict(fixed or {})
    if not isinstance(fixed, dict):
        check._fail("fixed", "a dict of arguments passed to every design", fixed, TypeError)
    check_arguments(func, {"bounds": names, "fixed": list(fixed)}, fixed)
    known = known_metrics(func)
    if known is not None:
        check.one_of_names("objective", objective, known, f"a metric of {func.__name__}()")
        for c in scorer.constraints:
            check.one_of_names("constraints", c.metric, known, f"conditions on metrics of {func.__name__}()")
    check.choice("backend", backend, _backends.BACKENDS)
    _backends.check_picklable(func, backend)
    _backends.check_picklable(fixed, backend, "fixed")
    maxfev = check.positive_int("polish_evaluations", polish_evaluations)
    n_pop = check.positive_int("popsize", popsize) * len(names)
    check_study_size("popsize", popsize, n_pop, len(names))
    start = time.perf_counter()
    int_set = set(integers)
    with _backends.start(backend, workers=workers, client=client) as engine:
        ev = _Evaluator(func, fixed, names, int_set, scorer, engine, batch_size)
        settings = dict(maxiter=check.positive_int("maxiter", maxiter), popsize=check.positive_int("popsize", popsize),
                        tol=check.positive("tol", tol))
        try:
            de = differential_evolution(ev.scalar, list(zip(lows, highs)), integrality=[n in int_set for n in names],
                                        seed=seed, polish=False, updating="deferred", workers=ev.map,
                                        init="latinhypercube", **settings)
        except RuntimeError:
            if ev.name_error is not None:
                raise ev.name_error from None
            raise
        starts = _polish_starts(ev, names, integers, polish_starts, engine.workers) if polish else []
        if starts and len(starts[0]) and len(integers) < len(names):
            tasks = [(func, fixed, names, int_set, scorer, x0, lows_a, highs_a, maxfev * (len(names) - len(integers)))
                     for x0 in starts]
            for evaluations in engine.map(polish_run, tasks):
                for point, rec in evaluations:
                    ev.record(point, rec, "polish")
    best_key = min(ev.cache, key=lambda k: ev.cache[k][0])
    value, feasible, metrics, error = ev.cache[best_key]
    best_value = (metrics or {}).get(objective)
    if error is not None or not isinstance(best_value, (int, float)) or not np.isfinite(best_value):
        errors = [v[3] for v in ev.cache.values() if v[3] is not None]
        first = errors[0] if errors else f"no design returned a finite {objective!r}"
        raise ValueError(f"optimize: none of the {len(ev.cache)} designs evaluated gave a result (every design "
                         f"failed or returned a non-finite {objective!r}); first error: {first}")
    if not feasible:
        warnings.warn(f"optimize: no evaluated design satisfies the constraints "
                      f"{', '.join(map(str, scorer.constraints))}; the result is the least infeasible design "
                      "(feasible=False)", UserWarning, stacklevel=2)
    history = pd.DataFrame(ev.history)
    history.index.name = "evaluation"
    obj = metrics.get(objective, float("nan")) if metrics else float("nan")
    return OptimizeResult(point=dict(zip(names, best_key)), metrics=dict(metrics or {}), objective=obj,
                          feasible=feasible, history=history, bounds=dict(zip(names, zip(lows, highs))),
                          global_result=de, evaluations=len(ev.history), elapsed=time.perf_counter() - start,
                          constraints=scorer.constraints)


def _polish_starts(ev: _Evaluator, names: list[str], integers: tuple, n_starts: int | None,
                   workers: int) -> list[np.ndarray]:
    """Best feasible design of each of the best integer combinations (module docstring)."""
    feasible = [(v[0], k) for k, v in ev.cache.items() if v[1]]
    if not feasible:
        return []
    n = (max(2, workers) if integers else 1) if n_starts is None else check.positive_int("polish_starts", n_starts)
    idx = [names.index(i) for i in integers]
    best: dict[tuple, tuple[float, tuple]] = {}
    for value, key in sorted(feasible):
        best.setdefault(tuple(key[i] for i in idx), (value, key))
    ranked = sorted(best.values())[:n]
    return [np.array(key, dtype=float) for _, key in ranked]
