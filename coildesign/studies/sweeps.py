"""``sweep``: evaluate a design function over a grid or a sample of parameters, on any back end,
resumable, with every failure recorded.

A study function takes the parameters as keyword arguments and returns a dict of scalar
metrics (or an object with ``as_dict()``), e.g. ``coildesign.studies.microcoil``. Designs that
raise are recorded with the exception type and message and never abort the sweep.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coildesign import _validation as check
from coildesign._progress import progress_bar
from coildesign._text import did_you_mean
from coildesign.studies import backends as _backends
from coildesign.studies import gradient_study, plots
from coildesign.studies.checkpoint import RESERVED, Checkpoint, describe
from coildesign.studies.sampling import check_names, design_points


@dataclass
class SweepResult:
    """The outcome of ``sweep``.

    ``table``: pandas DataFrame, one row per design point (index ``point``, the point's position
    in the study), columns = parameters, metrics, ``error`` ("Type: message" or None) and
    ``seconds`` (evaluation time [s]). ``axes``: the grid coordinates (None for samples).
    ``resumed``: points read back from the checkpoint instead of computed.
    """

    table: object
    parameters: list[str]
    method: str
    axes: dict[str, list] | None = None
    backend: str = "serial"
    resumed: int = 0
    elapsed: float = 0.0
    checkpoint: Path | None = None
    metrics: list[str] = field(default_factory=list)

    def to_dataframe(self):
        """The results as a pandas DataFrame (a copy of ``table``)."""
        return self.table.copy()

    @property
    def failures(self):
        """The rows of the designs that raised (DataFrame with the parameters and ``error``)."""
        return self.table.loc[self.table["error"].notna(), [*self.parameters, "error"]]

    @property
    def succeeded(self):
        """The rows of the designs that returned metrics."""
        return self.table.loc[self.table["error"].isna()]

    def to_xarray(self):
        """Grid results as an ``xarray.Dataset``: dims = the parameters (coordinates in the order
        given), one variable per metric plus ``error`` and ``seconds``."""
        if self.axes is None:
            raise ValueError(f"to_xarray needs a grid study (dims = parameters); this study used method="
                             f"{self.method!r}: use to_dataframe()")
        import xarray as xr

        dims = list(self.axes)
        shape = tuple(len(v) for v in self.axes.values())
        # the table holds every grid point in order (point = C-order position in the grid)
        data = {c: (dims, self.table[c].to_numpy().reshape(shape)) for c in self.table.columns if c not in dims}
        return xr.Dataset(data, coords={k: list(v) for k, v in self.axes.items()})

    def best(self, metric: str, *, maximize: bool = True):
        """The row (pandas Series) of the successful design with the largest (or smallest) ``metric``."""
        ok = self.succeeded
        check.one_of_names("metric", metric, self.metrics, "a metric of this study")
        if ok[metric].notna().sum() == 0:
            raise ValueError(f"no successful design has a value of {metric!r}")
        return ok.loc[ok[metric].idxmax() if maximize else ok[metric].idxmin()]

    def heatmap(self, metric: str, x: str, y: str, **kwargs):
        """Heat map of ``metric`` over parameters ``x`` and ``y`` (``studies.plots.heatmap``)."""
        return plots.heatmap(self.to_dataframe(), metric, x, y, **kwargs)

    def pareto(self, first: str, second: str, **kwargs):
        """Pareto front of two metrics (``studies.plots.pareto``)."""
        return plots.pareto(self.to_dataframe(), first, second, **kwargs)

    def profile(self, metric: str, parameter: str, **kwargs):
        """``metric`` versus ``parameter`` with the others at their best (``studies.plots.profile``)."""
        return plots.profile(self.to_dataframe(), metric, parameter, self.parameters, **kwargs)

    def __repr__(self) -> str:
        n_fail = int(self.table["error"].notna().sum())
        return (f"SweepResult({len(self.table)} designs of {self.parameters} by {self.method!r} on {self.backend!r}"
                f" in {self.elapsed:.3g} s, {n_fail} failed, {self.resumed} resumed; metrics {self.metrics})")


def check_arguments(func: Callable, names: dict[str, list[str]], fixed: dict | None = None) -> None:
    """Refuse, before any design runs, argument names that ``func`` does not accept and required
    arguments that no name supplies (a typo would make every design fail).

    ``names`` maps where the names come from (e.g. "parameters", "fixed") to the names. The
    accepted names are those of ``func``'s signature; a function with ``**kwargs`` accepts any
    name, except ``studies.gradient``, whose extra arguments must be those of its generator
    (``fixed["generator"]``, default "maxwell_pair"; not checked when the generator is swept).
    Callables without a signature are not checked.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return
    params = signature.parameters.values()
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    accepted = [p.name for p in params if p.kind in keyword]
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    given = {n for group in names.values() for n in group}
    if func is gradient_study.gradient and ("generator" not in given or "generator" in (fixed or {})):
        generator = (fixed or {}).get("generator", "maxwell_pair")
        if isinstance(generator, str) and generator in gradient_study.GENERATORS:
            accepted, open_ended = sorted(gradient_study.accepted_arguments(generator)), False
    title = getattr(func, "__name__", type(func).__name__)
    if not open_ended:
        for where, group in names.items():
            for n in group:
                if n not in accepted:
                    check._fail(f"{where} name {n!r}", f"an argument of {title}(), one of: {', '.join(accepted)}"
                                f"{did_you_mean(n, accepted)}", n)
    missing = [p.name for p in params if p.kind in keyword and p.default is inspect.Parameter.empty
               and p.name not in given]
    if missing:
        check._fail("parameters", f"a study that gives every required argument of {title}() (missing: "
                    f"{', '.join(missing)}; add them to the parameters or to fixed)", sorted(given))


def _rows(records: list[dict], points: list[dict], reserved: set[str]) -> list[dict]:
    rows = []
    for rec in records:
        metrics, error = rec["metrics"] or {}, rec["error"]
        clash = sorted(set(metrics) & reserved)
        if clash:
            metrics, error = {}, (f"ValueError: metrics {clash} have the names of parameters or of the reserved "
                                  f"columns {list(RESERVED)}; rename them")
        rows.append({"index": rec["index"], **points[rec["index"]], **metrics, "error": error,
                     "seconds": rec["seconds"]})
    return rows


def _table(frames: list, parameters: list[str]):
    import pandas as pd

    frames = [f if isinstance(f, pd.DataFrame) else pd.DataFrame(f) for f in frames]
    table = pd.concat([f for f in frames if len(f)], ignore_index=True).sort_values("index")
    table["error"] = table["error"].astype(object)
    metrics = [c for c in table.columns if c not in (*parameters, *RESERVED)]
    table = table[["index", *parameters, *metrics, "error", "seconds"]]
    table = table.set_index("index").rename_axis("point")
    table["error"] = table["error"].where(table["error"].notna(), None)
    return table, metrics


def sweep(
    func: Callable,
    parameters: dict,
    *,
    method: str = "grid",
    samples: int | None = None,
    backend: str = "serial",
    checkpoint: str | Path | None = None,
    client: object = None,
    workers: int | None = None,
    batch_size: int | None = None,
    seed: int | None = 0,
    integers: tuple[str, ...] = (),
    fixed: dict | None = None,
    progress: bool | None = None,
) -> SweepResult:
    """Evaluate ``func(**fixed, **point)`` at every design point and collect the metrics.

    Parameters
    ----------
    func : callable
        Returns a dict of scalar metrics (or an object with ``as_dict()``). For the
        ``"processes"`` and ``"dask"`` back ends it must be picklable (``studies.backends``).
    parameters : dict
        ``method="grid"``: name -> sequence of values (full Cartesian grid, last name fastest);
        ``"random"`` / ``"lhs"``: name -> ``(low, high)`` (``studies.sampling``).
    method : {"grid", "random", "lhs"}
    samples : int
        Number of points for ``"random"`` and ``"lhs"`` (None for a grid).
    backend : {"serial", "processes", "dask"}
    checkpoint : path, optional
        Folder that stores results as they finish (``studies.checkpoint``); rerunning with the
        same arguments skips the finished points; a folder of another study is refused.
    client : distributed.Client or str, optional
        Existing dask client or scheduler address (``backend="dask"`` only); None starts a
        LocalCluster of ``workers`` processes for this call.
    workers : int, optional
        Worker processes (default: the CPUs available).
    batch_size : int, optional
        Points per task (default ``backends.batch_size_for``: ~8 tasks per worker, <= 256 points).
    seed : int or None, default 0
        Random / LHS seed (fixed by default so that a restarted sample is the same sample).
    integers : tuple of str
        Parameters sampled as integers in ``[low, high]``.
    fixed : dict, optional
        Arguments passed unchanged to every call (not columns of the table).
    progress : bool, optional
        tqdm progress bar with rate and ETA; None (default) follows the package's switch
        (``coildesign.set_progress``: on a terminal or in a notebook only).

    Returns
    -------
    SweepResult
        ``.to_dataframe()``, ``.to_xarray()`` (grids), ``.failures``, ``.best(metric)``, plots.
    """
    if not callable(func):
        check._fail("func", "a callable returning a dict of metrics", func, TypeError)
    if fixed is not None and not isinstance(fixed, dict):
        check._fail("fixed", "a dict of arguments passed to every design (or None)", fixed, TypeError)
    if progress is not None and not isinstance(progress, bool):
        check._fail("progress", "True, False or None (the package's switch)", progress, TypeError)
    if checkpoint is not None and (isinstance(checkpoint, bytes) or not isinstance(checkpoint, (str, os.PathLike))):
        check._fail("checkpoint", "a folder path (str or os.PathLike) or None", checkpoint, TypeError)
    if workers is not None:
        check.positive_int("workers", workers)
    points, axes = design_points(parameters, method, samples, seed=seed, integers=check_names("integers", integers))
    names = list(points[0])
    fixed = dict(fixed or {})
    overlap = sorted(set(fixed) & set(names))
    if overlap:
        check._fail("fixed", f"arguments that are not swept parameters (both give {overlap})", fixed)
    check_arguments(func, {"parameters": names, "fixed": list(fixed)}, fixed)
    check.choice("backend", backend, _backends.BACKENDS)
    _backends.check_picklable(func, backend)
    _backends.check_picklable(fixed, backend, "fixed")
    if batch_size is not None:
        batch_size = check.positive_int("batch_size", batch_size)
    start_time = time.perf_counter()
    ckpt = None
    frames = []
    if checkpoint is not None:
        normalised = axes if axes is not None else {k: [float(v) for v in parameters[k]] for k in names}
        ckpt = Checkpoint(checkpoint, describe(func, fixed, method, normalised, points, seed))
    with ckpt.lock() if ckpt is not None else contextlib.nullcontext():
        done = ckpt.load() if ckpt is not None else None
        finished = set() if done is None else set(done["index"].tolist())
        if done is not None:
            frames.append(done)
        pending = [(i, p) for i, p in enumerate(points) if i not in finished]
        if pending:
            frames.append(_run(func, fixed, pending, points, set(names) | set(RESERVED), ckpt, backend, client,
                               workers, batch_size, progress, len(finished)))
    table, metrics = _table(frames, names)
    return SweepResult(table=table, parameters=names, method=method, axes=axes, backend=backend,
                       resumed=len(finished), elapsed=time.perf_counter() - start_time,
                       checkpoint=None if ckpt is None else ckpt.path, metrics=metrics)


def _run(func, fixed, pending, points, reserved, ckpt, backend, client, workers, batch_size, progress, initial):
    rows: list[dict] = []
    bar = progress_bar(len(points), progress=progress, initial=initial, desc=f"sweep ({backend})", unit="design")
    try:
        with _backends.start(backend, workers=workers, client=client) as engine:
            size = _backends.batch_size_for(len(pending), engine.workers) if batch_size is None else batch_size
            tasks = [(func, fixed, pending[k:k + size]) for k in range(0, len(pending), size)]
            for records in engine.submit_all(_backends.run_batch, tasks):
                batch = _rows(records, points, reserved)
                if ckpt is not None:
                    ckpt.append(batch)
                rows += batch
                bar.update(len(records))
    finally:
        bar.close()
    return rows
