"""Design studies: parameter sweeps and optimisation on serial, process-pool or dask back ends.

- ``sweep(func, parameters, ...)``: grids, random and Latin-hypercube samples, resumable
  checkpoints, failures recorded per design (``studies.sweep``).
- ``optimize(func, bounds, objective=..., constraints=..., integers=...)``: differential evolution
  with integer variables and a local polish on the same back ends (``studies.optimize``).
- Back ends and their requirements on the function: ``studies.backends``.
"""

from coildesign.studies.backends import BACKENDS
from coildesign.studies.optimize import Constraint, OptimizeResult, optimize
from coildesign.studies.sampling import design_points
from coildesign.studies.sweep import SweepResult, sweep

__all__ = ["BACKENDS", "Constraint", "OptimizeResult", "SweepResult", "design_points", "optimize", "sweep"]
