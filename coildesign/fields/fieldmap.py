"""Field maps on regular grids (3-D blocks or planes), ready for plotting and VTK export."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.fields.engine import evaluate


@dataclass
class FieldMap:
    """Values on a regular grid: ``origin`` [m], ``spacing`` [m], ``shape`` (nx, ny, nz).

    ``arrays`` maps names to arrays of shape (nx*ny*nz,) or (nx*ny*nz, k) in VTK order
    (x fastest, then y, then z). A plane has one of its dimensions equal to 1.
    """

    origin: np.ndarray
    spacing: np.ndarray
    shape: tuple[int, int, int]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = "field map"

    @property
    def points(self) -> np.ndarray:
        """Grid points [m], (N, 3), x fastest."""
        axes = [self.origin[i] + self.spacing[i] * np.arange(self.shape[i]) for i in range(3)]
        z, y, x = np.meshgrid(axes[2], axes[1], axes[0], indexing="ij")
        return np.c_[x.ravel(), y.ravel(), z.ravel()]

    def grid_values(self, name: str) -> np.ndarray:
        """Array ``name`` reshaped to (nx, ny, nz[, k])."""
        a = self.arrays[name]
        nx, ny, nz = self.shape
        return np.moveaxis(a.reshape((nz, ny, nx) + a.shape[1:]), (0, 1, 2), (2, 1, 0))

    def add(self, name: str, values: np.ndarray) -> FieldMap:
        """Attach an array (length = number of grid points); returns self."""
        v = np.asarray(values)
        if v.shape[0] != int(np.prod(self.shape)):
            check._fail(name, f"an array with {int(np.prod(self.shape))} rows (one per grid point)", v.shape)
        self.arrays[name] = v
        return self


def field_map(
    coil: Coil,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    size: float | tuple[float, float, float] = 1e-3,
    n: int | tuple[int, int, int] = 21,
    *,
    current: float = 1.0,
    quantities: tuple[str, ...] = ("B",),
    **options,
) -> FieldMap:
    """Evaluate ``coil`` on a regular grid of full edge lengths ``size`` [m] (a zero edge makes
    a plane) with ``n`` points per edge, centred at ``center`` [m].

    Arrays: "B" [T] and "|B|" [T]; "A" [T m] and "dB/dr" [T/m, 9 components row-major] when
    requested in ``quantities``. ``options`` go to the engine (threads, method, ...).
    """
    check.coil("coil", coil)
    c = check.vector3("center", center)
    if isinstance(size, (list, tuple, np.ndarray)):
        sz = check.vector3("size", size)
        if (sz < 0).any():
            check._fail("size", "non-negative edge lengths [m]", size)
    else:
        sz = np.full(3, check.positive("size", size, allow_zero=True))
    if isinstance(n, (list, tuple, np.ndarray)):
        if np.ndim(n) != 1 or len(n) != 3:
            check._fail("n", "an integer or three integers (points per edge)", n, TypeError)
        nn = [check.positive_int(f"n[{i}]", k.item() if isinstance(k, np.generic) else k) for i, k in enumerate(n)]
    else:
        nn = [check.positive_int("n", n)] * 3
    if isinstance(quantities, str):
        quantities = (quantities,)
    for q in quantities:
        check.choice("quantities", q, ("B", "A", "dB/dr"))
    nn = np.array([1 if sz[i] == 0 else k for i, k in enumerate(nn)], dtype=np.int64)
    total = float(np.prod(nn.astype(float)))
    per_point = 24 + sum({"B": 32, "A": 24, "dB/dr": 72}[q] for q in quantities)
    check.memory("n", n, total * per_point + 24 * total, f"a grid of {total:.3g} points: use fewer points per "
                 "edge or map a smaller region", options.get("max_memory"))
    spacing = np.where(nn > 1, sz / np.maximum(nn - 1, 1), 1.0)
    fm = FieldMap(c - sz / 2, spacing, tuple(int(k) for k in nn), name=f"{coil.name} field")
    pts = fm.points
    for q in quantities:
        val = evaluate(coil, pts, current, quantity={"B": "B", "A": "A", "dB/dr": "J"}[q], **options)
        if q == "dB/dr":
            val = val.reshape(len(pts), 9)
        fm.add(q, val)
        if q == "B":
            fm.add("|B|", np.hypot(np.hypot(val[:, 0], val[:, 1]), val[:, 2]))  # no overflow for huge currents
    return fm
