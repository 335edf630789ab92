"""``coildesign sweep study.toml [--backend dask --scheduler ADDRESS]``: a sweep from a file.

The study file (TOML, see ``examples/study.toml``)::

    [study]
    function = "microcoil"        # built-in: microcoil | gradient ("package.module:function"
                                  # needs --allow-code on the command line, see below)
    method = "grid"               # grid | random | lhs
    samples = 200                 # random / lhs only
    seed = 0                      # random / lhs only
    integers = ["turns"]          # parameters sampled as integers (random / lhs)
    backend = "processes"         # serial | processes | dask (the command line overrides)
    workers = 2

    [parameters]                  # grid: lists of values; random / lhs: [low, high]
    turns = [4, 8, 12, 16]

    [fixed]                       # passed unchanged to every design
    sample_length = 1e-3

    [report]                      # all optional
    objective = "snr"             # the metric that ranks designs
    maximize = true
    heatmap = ["turns", "pitch"]  # parameters of the heat map
    pareto = ["snr", "srf_ratio"] # two metrics (both maximised unless pareto_maximize says)
    pareto_maximize = [true, true]
    profiles = ["turns", "pitch"] # metric-vs-parameter plots
    columns = ["srf_ratio"]       # metrics shown beside the objective in report.md

The command writes to ``--output``: ``results.parquet`` and ``results.csv`` (one row per design),
the plots (PNG), ``report.md`` (best designs, failures, timing) and the checkpoint folder
``checkpoint/``: run the same command again after an interruption and the finished designs are
read back instead of computed.

A study file is data: whoever runs it may have received it from someone else. The command runs
the package's study functions by name (``microcoil``, ``gradient``) and nothing else unless the
command line says ``--allow-code``: a ``function = "package.module:function"`` imports that module
and calls that function, i.e. it runs arbitrary code with the rights of the user
(``function = "subprocess:run"`` would run a shell command), so it is refused without the flag.
The Python API has no such switch because it takes the function itself: ``sweep(func, ...)``
with a callable the caller chose.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tomllib
from pathlib import Path

from coildesign import _files as files
from coildesign._text import did_you_mean
from coildesign.studies import metrics
from coildesign.studies.metrics import known_metrics
from coildesign.studies.sweeps import sweep

BUILT_IN = {"microcoil": "coildesign.studies.rf_study:microcoil",
            "gradient": "coildesign.studies.gradient_study:gradient"}
_STUDY_KEYS = {"function", "method", "samples", "seed", "integers", "backend", "workers", "batch_size"}
_REPORT_KEYS = {"objective", "maximize", "heatmap", "pareto", "pareto_maximize", "profiles", "columns"}


class StudyFileError(ValueError):
    """A study file that cannot be run (the message names the key)."""


def _help_epilog() -> str:
    return ("metrics of the built-in study functions (the names for [report] objective, columns and pareto):\n\n"
            "microcoil (coildesign.studies.microcoil):\n" + metrics.describe(metrics.MICROCOIL) +
            "\n\ngradient (coildesign.studies.gradient):\n" + metrics.describe(metrics.GRADIENT) +
            "\n\nexit codes: 0 done (more than half of the designs failing is reported on stderr), 1 internal "
            "error, 2 a problem with the study file, the output folder or the command line, or every design "
            "failed (the first error is printed), 130 interrupted")


def add_sweep_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``sweep`` command to ``subparsers`` (an argparse sub-parser collection)."""
    p = subparsers.add_parser("sweep", help="run a parameter sweep described by a TOML study file (see "
                              "examples/study.toml): table, plots and report",
                              description="Run the parameter sweep of a TOML study file (see examples/study.toml) "
                              "and write results.csv, results.parquet, plots and report.md to the output folder.",
                              epilog=_help_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="study file (.toml)")
    p.add_argument("--output", "-o", default="coildesign-sweep", help="output folder (default: %(default)s)")
    p.add_argument("--backend", choices=("serial", "processes", "dask"), help="override [study] backend")
    p.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address, e.g. tcp://host:8786 "
                   "(implies --backend dask; default: a local cluster)")
    p.add_argument("--workers", type=int, help="worker processes (processes, local dask cluster; at most the CPUs)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, print nothing but errors")
    p.add_argument("--format", choices=("text", "json"), default="text", help="summary format on stdout")
    p.add_argument("--allow-code", action="store_true",
                   help="allow [study] function = \"package.module:function\": import and run code named by the "
                   "study file (only for files you trust; without it only the built-in study functions run)")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="print the traceback of internal errors")
    return p


def _resolve(name: object, allow_code: bool = False):
    """The study function named by ``[study] function``: a built-in name, or with ``allow_code``
    a ``package.module:function`` (module docstring: a study file is data)."""
    if not isinstance(name, str):
        raise StudyFileError(f"[study] function must be a string, one of {sorted(BUILT_IN)}; instead received "
                             f"{name!r}")
    target = BUILT_IN.get(name, name)
    module, _, attr = target.partition(":")
    if not attr or not module:
        raise StudyFileError(f"[study] function must be one of {sorted(BUILT_IN)} or 'package.module:function' "
                             f"(with --allow-code); instead received {name!r}")
    if target not in BUILT_IN.values() and not allow_code:
        raise StudyFileError(f"[study] function = {name!r} names code outside coildesign's study functions "
                             f"({', '.join(sorted(BUILT_IN))}); a study file is data, and running it must not "
                             f"import and call arbitrary code (it would run with your rights): pass --allow-code "
                             f"if you trust this file and want {module!r} imported and {attr!r} called")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise StudyFileError(f"[study] function {name!r} cannot be imported: {exc}") from None


_TYPES = {  # [table] key -> (check, requirement)
    ("study", "method"): (lambda v: isinstance(v, str), "a string: grid, random or lhs"),
    ("study", "backend"): (lambda v: isinstance(v, str), "a string: serial, processes or dask"),
    ("study", "integers"): (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                            "a list of parameter names"),
    ("report", "objective"): (lambda v: isinstance(v, str), "the name of a metric"),
    ("report", "maximize"): (lambda v: isinstance(v, bool), "true or false"),
    ("report", "heatmap"): (lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v),
                           "two parameter names"),
    ("report", "pareto"): (lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v),
                          "two metric names"),
    ("report", "pareto_maximize"): (lambda v: isinstance(v, list) and len(v) == 2
                                    and all(isinstance(x, bool) for x in v), "two booleans"),
    ("report", "profiles"): (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                            "a list of parameter names"),
    ("report", "columns"): (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                           "a list of metric names"),
}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def load_study(path: str | Path) -> dict:
    """Read and check a study file; returns ``{"study", "parameters", "fixed", "report"}``.
    Raises ``StudyFileError`` naming the file, table, key and value."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StudyFileError(f"cannot read study file {where!r}: {exc}") from None
    except RecursionError:
        raise StudyFileError(f"cannot read study file {where!r}: arrays or tables nested too deeply") from None
    unknown = sorted(set(data) - {"study", "parameters", "fixed", "report"})
    if unknown:
        raise StudyFileError(f"{where}: unknown tables {unknown} (allowed: study, parameters, fixed, report)")
    for table in ("study", "parameters", "fixed", "report"):
        if table in data and not isinstance(data[table], dict):
            raise StudyFileError(f"{where}: {table} = {_short(data[table])} must be a table [{table}]")
    for table, keys in (("study", _STUDY_KEYS), ("report", _REPORT_KEYS)):
        extra = sorted(set(data.get(table, {})) - keys)
        if extra:
            hint = "".join(f"{k!r}{did_you_mean(k, keys)} " for k in extra).strip()
            raise StudyFileError(f"{where}: [{table}] has unknown keys {hint} (allowed: {sorted(keys)})")
    for (table, key), (ok, requirement) in _TYPES.items():
        if key in data.get(table, {}) and not ok(data[table][key]):
            raise StudyFileError(f"{where}: [{table}] {key} must be {requirement}; instead received "
                                 f"{_short(data[table][key])}")
    study = data.get("study", {})
    if "function" not in study:
        raise StudyFileError(f"{where}: [study] function is required (e.g. function = \"microcoil\")")
    if not data.get("parameters"):
        raise StudyFileError(f"{where}: [parameters] is required: name = [values] (grid) or [low, high] "
                             "(random / lhs)")
    return {"study": study, "parameters": data["parameters"], "fixed": data.get("fixed", {}),
            "report": data.get("report", {})}


def check_report(spec: dict, parameters: list[str], metrics) -> None:
    """Refuse ``[report]`` entries that name no parameter or (when ``metrics`` is known) no
    metric, with the closest names."""
    rep = spec["report"]
    for key in ("heatmap", "profiles"):
        for name in rep.get(key, []):
            if name not in parameters:
                raise StudyFileError(f"[report] {key}: {name!r} is not a parameter of the study (parameters: "
                                     f"{', '.join(parameters)}){did_you_mean(name, parameters)}")
    if metrics is None:
        return
    metrics = list(metrics)
    named = [("objective", rep["objective"])] if "objective" in rep else []
    named += [(key, n) for key in ("columns", "pareto") for n in rep.get(key, [])]
    for key, name in named:
        if name not in metrics:
            raise StudyFileError(f"[report] {key}: {name!r} is not a metric of [study] function = "
                                 f"{spec['study']['function']!r}{did_you_mean(name, metrics)} (metrics: "
                                 f"{', '.join(metrics)})")


def _report(result, spec: dict, out: Path, elapsed_text: str) -> list[Path]:
    rep = spec["report"]
    table = result.to_dataframe()
    written = []
    with files.atomic_path(out / "results.parquet") as tmp:
        table.to_parquet(tmp)
    written.append(out / "results.parquet")
    with files.atomic_path(out / "results.csv") as tmp:
        table.to_csv(tmp)
    written.append(out / "results.csv")
    objective = rep.get("objective", result.metrics[0] if result.metrics else None)
    maximize = bool(rep.get("maximize", True))
    lines = [f"# Sweep of {spec['study']['function']}", "",
             f"{len(table)} designs ({result.method}) on {result.backend!r}: {elapsed_text}, "
             f"{len(result.failures)} failed, {result.resumed} read back from the checkpoint.", ""]
    ok = result.succeeded
    if objective is not None and objective in result.metrics and ok[objective].notna().any():
        top = ok.sort_values(objective, ascending=not maximize).head(5)
        shown = [objective, *[c for c in rep.get("columns", []) if c in result.metrics and c != objective]]
        lines += [f"## Best designs by {objective} ({'max' if maximize else 'min'})", "", "```",
                  top[[*result.parameters, *shown]].to_string(), "```", ""]
        if rep.get("heatmap"):
            x, y = rep["heatmap"]
            ax = result.heatmap(objective, x, y, maximize=maximize)
            written.append(files.save_figure(ax.figure, out / f"heatmap_{objective}_{x}_{y}.png"))
        for par in rep.get("profiles", []):
            ax = result.profile(objective, par, maximize=maximize)
            written.append(files.save_figure(ax.figure, out / f"profile_{objective}_{par}.png"))
    if rep.get("pareto"):
        first, second = rep["pareto"]
        ax = result.pareto(first, second, maximize=tuple(rep.get("pareto_maximize", (True, True))))
        written.append(files.save_figure(ax.figure, out / f"pareto_{first}_{second}.png"))
    if len(result.failures):
        counts = result.failures["error"].str.split(":").str[0].value_counts()
        lines += ["## Failures", "", *[f"- {n} x {kind}" for kind, n in counts.items()], "",
                  f"First: {result.failures['error'].iloc[0]}", ""]
    lines += [f"![{p.name}]({p.name})" for p in written if p.suffix == ".png"]
    written.append(files.write_text(out / "report.md", "\n".join(lines) + "\n"))
    return written


def _summary(result, out: Path, written: list[Path], objective: str | None, maximize: bool) -> dict:
    failures = result.failures
    summary = {"designs": len(result.table), "failed": len(failures), "resumed": result.resumed,
               "method": result.method, "backend": result.backend, "elapsed_s": result.elapsed,
               "parameters": result.parameters, "metrics": result.metrics, "output": str(out.resolve()),
               "files": [p.name for p in written],
               "first_error": failures["error"].iloc[0] if len(failures) else None, "best": None}
    if objective in result.metrics and result.succeeded[objective].notna().any():
        row = result.best(objective, maximize=maximize)
        summary["best"] = {"objective": objective, "maximize": maximize,
                           **{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}}
    return summary


def run_sweep(args: argparse.Namespace) -> int:
    """Run the ``sweep`` command; returns the exit code (0 done, 2 a problem the user can fix:
    the study file, the output folder, the command line, or every design failed)."""
    import matplotlib

    matplotlib.use("Agg")
    def fail(text: str) -> int:
        print("coildesign sweep: " + " ".join(str(text).split()), file=sys.stderr)
        return 2

    try:
        spec = load_study(args.file)
        st = spec["study"]
        func = _resolve(st["function"], getattr(args, "allow_code", False))
        check_report(spec, list(spec["parameters"]), known_metrics(func))
    except StudyFileError as exc:
        text = str(exc)
        return fail(text if str(args.file) in text else f"{args.file}: {text}")
    backend = "dask" if args.scheduler else (args.backend or st.get("backend", "serial"))
    out = Path(args.output)
    try:
        with files.output_folder(out):
            result = sweep(func, spec["parameters"], method=st.get("method", "grid"), samples=st.get("samples"),
                           seed=st.get("seed", 0), integers=tuple(st.get("integers", ())), fixed=spec["fixed"],
                           backend=backend, client=args.scheduler, workers=args.workers or st.get("workers"),
                           batch_size=st.get("batch_size"), checkpoint=out / "checkpoint",
                           progress=False if (args.quiet or args.format == "json") else None)
            if known_metrics(func) is None and result.metrics:
                check_report(spec, result.parameters, result.metrics)
            written = _report(result, spec, out, f"{result.elapsed:.3g} s")
    except files.OutputFolderError as exc:
        return fail(str(exc))
    except StudyFileError as exc:
        return fail(f"{args.file}: {exc} (the results are in {out / 'checkpoint'})")
    except (ValueError, TypeError) as exc:
        return fail(f"{args.file}: {exc}")
    n, n_failed = len(result.table), len(result.failures)
    first = result.failures["error"].iloc[0] if n_failed else None
    if n_failed == n:
        return fail(f"{args.file}: all {n} designs failed; first error: {first} (every error is in "
                    f"{out / 'results.csv'})")
    if n_failed > n / 2:
        print(f"coildesign sweep: warning: {n_failed} of {n} designs failed; first error: {first}", file=sys.stderr)
    rep = spec["report"]
    objective = rep.get("objective", result.metrics[0] if result.metrics else None)
    if args.format == "json":
        print(files.json_text(_summary(result, out, written, objective, bool(rep.get("maximize", True)))))
    elif not args.quiet:
        print(f"{result!r}\nwrote {len(written)} files to {out.resolve()}")
    return 0
