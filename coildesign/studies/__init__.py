"""Design studies: parameter sweeps and optimisation on serial, process-pool or dask back ends.

- ``sweep(func, parameters, ...)``: grids, random and Latin-hypercube samples, resumable
  checkpoints, failures recorded per design (``studies.sweeps``).
- ``optimize(func, bounds, objective=..., constraints=..., integers=...)``: differential evolution
  with integer variables and a local polish on the same back ends (``studies.optimization``).
- Built-in study functions: ``microcoil`` (full RF analysis of a solenoid around a capillary,
  ``studies.rf_study``) and ``gradient`` (gradient-coil figures of merit, ``studies.gradient_study``).
- Plots of results: ``studies.plots``; the ``coildesign sweep study.toml`` command: ``studies.cli``.
- Back ends and what they need from the function: ``studies.backends``.

The names are imported on first use (module ``__getattr__``), so that the command line and
``import coildesign`` do not pay for the RF and optimisation modules until a study runs.
"""

from importlib import import_module

_NAMES = {
    "BACKENDS": "backends",
    "Constraint": "optimization",
    "OptimizeResult": "optimization",
    "SweepResult": "sweeps",
    "design_points": "sampling",
    "gradient": "gradient_study",
    "microcoil": "rf_study",
    "optimize": "optimization",
    "sweep": "sweeps",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        value = getattr(import_module(f"coildesign.studies.{_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coildesign.studies' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
