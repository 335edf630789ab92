"""Design studies: parameter sweeps and optimisation on serial, process-pool or dask back ends.

- ``sweep(func, parameters, ...)``: grids, random and Latin-hypercube samples, resumable
  checkpoints, failures recorded per design (``studies.sweep``).
- ``optimize(func, bounds, objective=..., constraints=..., integers=...)``: differential evolution
  with integer variables and a local polish on the same back ends (``studies.optimize``).
- Built-in study functions: ``microcoil`` (full RF analysis of a solenoid around a capillary,
  ``studies.rf_study``) and ``gradient`` (gradient-coil figures of merit, ``studies.gradient_study``).
- Back ends and their requirements on the function: ``studies.backends``.
"""

from coildesign.studies.backends import BACKENDS
from coildesign.studies.gradient_study import gradient
from coildesign.studies.optimize import Constraint, OptimizeResult, optimize
from coildesign.studies.rf_study import microcoil
from coildesign.studies.sampling import design_points
from coildesign.studies.sweep import SweepResult, sweep

__all__ = ["BACKENDS", "Constraint", "OptimizeResult", "SweepResult", "design_points", "gradient", "microcoil",
           "optimize", "sweep"]
