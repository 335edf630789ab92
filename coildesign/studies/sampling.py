"""Design points of a study: full grids, uniform random samples and Latin-hypercube samples.

``design_points(parameters, method, samples, seed, integers)`` returns the points as a list of
dicts (one per design, in a fixed order, so a point's index identifies it across restarts) and,
for grids, the coordinates of each axis.

- ``"grid"``: ``parameters`` maps names to sequences of values; the points are their Cartesian
  product, the last parameter varying fastest (C order, as ``numpy.meshgrid(..., indexing="ij")``).
- ``"random"``: ``parameters`` maps names to ``(low, high)`` pairs; ``samples`` points drawn
  uniformly and independently (``numpy.random.default_rng(seed)``).
- ``"lhs"``: Latin hypercube of ``samples`` points (M. D. McKay, R. J. Beckman and W. J. Conover,
  Technometrics 21, 239 (1979); ``scipy.stats.qmc.LatinHypercube``): each parameter's range is cut
  into ``samples`` equal strata and every stratum holds exactly one point.

Parameters named in ``integers`` take integer values in ``[low, high]`` (both included): the unit
sample u is mapped to ``floor(low + u (high - low + 1))``, which keeps the strata of a Latin
hypercube equally wide on the integers when ``samples`` is a multiple of ``high - low + 1``.

Size: the number of designs is known before any point is built; a study whose estimated
memory (``DESIGN_BYTES`` per design for the points, the records and the results table) exceeds
``_validation.memory_limit()`` (COILDESIGN_MAX_MEMORY, default half the available memory) is
refused with advice, e.g. a grid of 4e9 points or 2e9 samples.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from coildesign import _validation as check

METHODS = ("grid", "random", "lhs")
# peak bytes per design of a sweep (points, records, results table); measured with tracemalloc:
# 0.8-2.3 kB for 1-2 parameters and 2 metrics, ~200 B of it the point itself; 100 B per further column
DESIGN_BYTES = 2500
COLUMN_BYTES = 100


def check_seed(seed: object) -> int | None:
    """Return ``seed`` after checking it is None or an integer >= 0 (a random generator seed)."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        check._fail("seed", "an integer or None", seed, TypeError)
    if seed < 0:
        check._fail("seed", "an integer >= 0 or None", seed)
    return int(seed)


def check_names(name: str, value: object) -> tuple[str, ...]:
    """Return ``value`` as a tuple of strings (a list or tuple of parameter names; a single
    string is refused, it would be read letter by letter)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        check._fail(name, "a sequence of parameter names (a list or tuple of strings)", value, TypeError)
    if not all(isinstance(v, str) for v in value):
        check._fail(name, "a sequence of parameter names (a list or tuple of strings)", value, TypeError)
    return tuple(value)


def check_study_size(name: str, value: object, n_designs: int, n_parameters: int) -> None:
    """Refuse a study of ``n_designs`` designs that would not fit in memory (module docstring)."""
    need = float(n_designs) * (DESIGN_BYTES + COLUMN_BYTES * n_parameters)
    check.memory(name, value, need, f"this study has {float(n_designs):.4g} designs: use fewer values per parameter, "
                 "fewer samples, or split the study into parts")


def _grid_axis(name: str, values: object) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        check._fail(f"parameters[{name!r}]", "a sequence of values for a grid", values, TypeError)
    axis = [v.item() if isinstance(v, np.generic) else v for v in values]
    if not axis:
        check._fail(f"parameters[{name!r}]", "a non-empty sequence of values", values)
    bad = [v for v in axis if isinstance(v, numbers.Real) and not isinstance(v, bool) and not math.isfinite(v)]
    if bad:
        check._fail(f"parameters[{name!r}]", "finite values (NaN and inf are no design parameters)", values)
    if len(set(map(repr, axis))) != len(axis):
        check._fail(f"parameters[{name!r}]", "a sequence of distinct values", values)
    return axis


def _bounds(name: str, values: object) -> tuple[float, float]:
    pair = tuple(values) if hasattr(values, "__iter__") and not isinstance(values, (str, bytes)) else ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair):
        check._fail(f"parameters[{name!r}]", "a (low, high) pair of real numbers for random/lhs sampling", values,
                    TypeError)
    low = check.finite(f"parameters[{name!r}][0]", pair[0])
    high = check.finite(f"parameters[{name!r}][1]", pair[1])
    if not high > low:
        check._fail(f"parameters[{name!r}]", "a (low, high) pair with high > low", values)
    return low, high


def design_points(
    parameters: dict,
    method: str = "grid",
    samples: int | None = None,
    *,
    seed: int | None = 0,
    integers: tuple[str, ...] = (),
) -> tuple[list[dict], dict[str, list] | None]:
    """(points, grid axes or None) for ``parameters`` (module docstring for the methods)."""
    if not isinstance(parameters, dict) or not parameters:
        check._fail("parameters", "a non-empty dict mapping parameter names to values", parameters, TypeError)
    for name in parameters:
        if not isinstance(name, str) or not name.isidentifier():
            check._fail("parameters", "a dict whose keys are parameter names (Python identifiers)", name)
    method = check.choice("method", method, METHODS)
    integers = check_names("integers", integers)
    seed = check_seed(seed)
    unknown = [n for n in integers if n not in parameters]
    if unknown:
        check._fail("integers", f"names among the parameters {list(parameters)}", unknown)
    if method == "grid":
        if samples is not None:
            check._fail("samples", "None for a grid (its size is the product of the axis lengths)", samples)
        axes = {name: _grid_axis(name, values) for name, values in parameters.items()}
        for name in integers:
            if not all(isinstance(v, numbers.Integral) for v in axes[name]):
                check._fail(f"parameters[{name!r}]", "integers (it is listed in integers)", axes[name])
        names = list(axes)
        check_study_size("parameters", f"a grid of {math.prod(len(a) for a in axes.values())} points ("
                         + " x ".join(str(len(a)) for a in axes.values()) + ")",
                         math.prod(len(a) for a in axes.values()), len(names))
        points = [dict(zip(names, combo)) for combo in itertools.product(*axes.values())]
        return points, axes
    if samples is None:
        check._fail("samples", f"the number of points (an integer >= 1) for method={method!r}", samples)
    n = check.positive_int("samples", samples)
    check_study_size("samples", samples, n, len(parameters))
    bounds = {name: _bounds(name, values) for name, values in parameters.items()}
    for name in integers:
        low, high = bounds[name]
        if low != math.floor(low) or high != math.floor(high):
            check._fail(f"parameters[{name!r}]", "integer bounds (it is listed in integers)", parameters[name])
    if method == "random":
        unit = np.random.default_rng(seed).random((n, len(bounds)))
    else:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(bounds), seed=seed).random(n)
    points = [{} for _ in range(n)]
    for j, (name, (low, high)) in enumerate(bounds.items()):
        if name in integers:
            col = np.minimum(np.floor(low + unit[:, j] * (high - low + 1.0)), high).astype(int).tolist()
        else:
            col = (low + unit[:, j] * (high - low)).tolist()
        for p, v in zip(points, col):
            p[name] = v
    return points, None
