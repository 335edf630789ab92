"""Field maps on regular grids (3-D blocks or planes), ready for plotting and VTK export, and
fields of a symmetric coil at point sets closed under its mirrors (``evaluate_by_symmetry``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign.coil import Coil, require_coil
from coildesign.fields.distributed import evaluate_dask
from coildesign.fields.engine import evaluate
from coildesign.symmetry import field_factors, mirror_symmetries


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


def empty_field_map(coil: Coil, center, size, n, quantities, *, in_memory: bool,
                    max_memory: float | None = None) -> tuple[FieldMap, tuple[str, ...]]:
    """The validated, still empty ``FieldMap`` of ``field_map``'s grid and the requested
    quantities; ``in_memory``: refuse a grid whose arrays would not fit (``field_map``; the
    lazy dask map computes chunk by chunk and skips this)."""
    require_coil("coil", coil)
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
    if in_memory:
        check.memory("n", n, total * per_point + 24 * total, f"a grid of {total:.3g} points: use fewer points per "
                     "edge or map a smaller region", max_memory)
    spacing = np.where(nn > 1, sz / np.maximum(nn - 1, 1), 1.0)
    fm = FieldMap(c - sz / 2, spacing, tuple(int(k) for k in nn), name=f"{coil.name} field")
    return fm, tuple(quantities)


@dataclass(frozen=True)
class PointOrbits:
    """A point set's orbits under a coil's mirror symmetries (``point_orbits``): ``representatives``
    (R,) the indices of one point per orbit (the smallest), for every point ``position`` (M,) the
    position of its representative among them and ``element`` (M,) the index into ``elements``
    (pairs (diagonal t of T, current sign s), the identity first) with point = T representative."""

    representatives: np.ndarray
    position: np.ndarray
    element: np.ndarray
    elements: tuple

    def fill(self, values: np.ndarray, quantity: str = "B") -> np.ndarray:
        """The values of ``quantity`` (``field_factors``) at every point from ``values`` at the
        representatives."""
        factors = np.array([field_factors(t, s, quantity) for t, s in self.elements])
        return values[self.position] * factors[self.element]


def _fundamental_domain(shape: tuple[int, int, int], center: np.ndarray, coil: Coil):
    """Grid points of one fundamental domain of the coil's mirror symmetries that map the grid
    onto itself (every mirrored axis through the grid centre at coordinate 0), as the grid's
    ``PointOrbits`` (flat indices of the points to evaluate, for every grid point the position of
    its representative among them and the group element mapping the representative onto it), or
    None."""
    usable = [(t, s) for t, s in mirror_symmetries(coil) if np.all(center[t < 0] == 0.0)]
    if not usable:
        return None
    nx, ny, nz = shape
    flat = np.arange(nx * ny * nz)
    idx = (flat % nx, (flat // nx) % ny, flat // (nx * ny))
    elements = [(np.ones(3), 1.0)] + usable
    rep, which = flat.copy(), np.zeros(len(flat), dtype=np.int8)
    for g, (t, _) in enumerate(elements[1:], start=1):
        i, j, k = (n - 1 - a if sign < 0 else a for a, n, sign in zip(idx, shape, t))
        image = i + nx * (j + ny * k)
        smaller = image < rep
        rep[smaller], which[smaller] = image[smaller], g
    reps = np.flatnonzero(rep == flat)
    return PointOrbits(reps, np.searchsorted(reps, rep), which, tuple(elements))


def point_orbits(coil: Coil, points: np.ndarray, *, tolerance: float = 1e-10) -> PointOrbits:
    """The orbits of ``points`` [m] (M, 3) under ``coil``'s mirror symmetries
    (``symmetry.mirror_symmetries``): point T x is matched to point x to ``tolerance`` x the
    largest coordinate magnitude of the points; a point with no image in the set is its own
    orbit. Points that coincide within the tolerance are matched through chains: the image the
    tree finds may itself be the image of a smaller point, and the elements compose (T_a T_b has
    the diagonal t_a t_b; with the identity the symmetries form a group)."""
    require_coil("coil", coil)
    pts = np.asarray(points, dtype=float)
    elements = [(np.ones(3), 1.0)] + mirror_symmetries(coil)
    rep, which = np.arange(len(pts)), np.zeros(len(pts), dtype=int)
    if len(elements) > 1 and len(pts) > 1:
        tol = tolerance * max(float(np.abs(pts).max()), 1e-300)
        tree = cKDTree(pts)
        for g, (t, _) in enumerate(elements[1:], start=1):
            dist, image = tree.query(pts * t, distance_upper_bound=2.0 * tol)  # point i is T_g of point image[i]
            smaller = (dist <= tol) & (image < rep)
            rep[smaller], which[smaller] = image[smaller], g
        diagonals = [tuple(t) for t, _ in elements]
        compose = np.array([[diagonals.index(tuple(ta * tb)) for tb, _ in elements] for ta, _ in elements])
        chained = rep[rep] != rep
        while chained.any():
            which[chained] = compose[which[chained], which[rep[chained]]]
            rep[chained] = rep[rep[chained]]
            chained = rep[rep] != rep
    reps = np.flatnonzero(rep == np.arange(len(pts)))
    return PointOrbits(reps, np.searchsorted(reps, rep), which, tuple(elements))


def evaluate_by_symmetry(coil: Coil, points: np.ndarray, current: float = 1.0, *, quantity: str = "B",
                         tolerance: float = 1e-10, **options) -> np.ndarray:
    """``engine.evaluate`` of ``coil`` at ``points`` [m] (M, 3), each point that is the mirror image
    T x of another point x of the set under one of the coil's mirror symmetries
    (``symmetry.mirror_symmetries``: J(T x) = s T J(x)) filled from x by B(T x) = s det(T) T B(x),
    A(T x) = s T A(x) or dB_i/dx_j(T x) = s det(T) t_i t_j dB_i/dx_j(x) (``field_factors``): one point
    per orbit (``point_orbits``, images matched to ``tolerance``) is evaluated (a quarter of the
    points for a set closed under a coil's two mirrors). The values equal a direct evaluation to
    rounding (the image's coordinates are exact to rounding), except inside a conductor at a
    polyline vertex (``field_map``). A point with no image in the set is evaluated itself."""
    orbits = point_orbits(coil, points, tolerance=tolerance)
    pts = np.asarray(points, dtype=float)
    if len(orbits.representatives) == len(pts):
        return evaluate(coil, pts, current, quantity=quantity, **options)
    return orbits.fill(evaluate(coil, pts[orbits.representatives], current, quantity=quantity, **options), quantity)


def field_map(
    coil: Coil,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    size: float | tuple[float, float, float] = 1e-3,
    n: int | tuple[int, int, int] = 21,
    *,
    current: float = 1.0,
    quantities: tuple[str, ...] = ("B",),
    symmetry: bool = True,
    **options,
) -> FieldMap:
    """Evaluate ``coil`` on a regular grid of full edge lengths ``size`` [m] (a zero edge makes
    a plane) with ``n`` points per edge, centred at ``center`` [m].

    Arrays: "B" [T] and "|B|" [T]; "A" [T m] and "dB/dr" [T/m, 9 components row-major] when
    requested in ``quantities``. ``options`` go to the engine (threads, method, ...).

    ``symmetry`` (default True): when the coil has mirror symmetries (``coildesign.symmetry``:
    J(T x) = s T J(x) for sign matrices T) that also map the grid onto itself (its centre
    coordinate is 0 along every mirrored axis), only one fundamental domain is evaluated and the
    other points are filled by B(T x) = s det(T) T B(x), A(T x) = s T A(x),
    dB_i/dx_j(T x) = s det(T) t_i t_j dB_i/dx_j(x): 8x fewer evaluations for a Golay coil on a
    centred grid. The values equal a direct evaluation to rounding (a mirrored grid point is the
    exact image up to the rounding of its coordinates), except inside a conductor at a polyline
    vertex, where the inside-conductor rule picks one of two equidistant segments and the map
    shows the image's choice. False evaluates every point.
    """
    if not isinstance(symmetry, (bool, np.bool_)):
        check._fail("symmetry", "True or False", symmetry, TypeError)
    fm, quantities = empty_field_map(coil, center, size, n, quantities, in_memory=True,
                                     max_memory=options.get("max_memory"))
    pts = fm.points
    domain = _fundamental_domain(fm.shape, check.vector3("center", center), coil) if symmetry else None
    for q in quantities:
        if domain is None:
            val = evaluate(coil, pts, current, quantity=q, **options)
        else:
            val = domain.fill(evaluate(coil, pts[domain.representatives], current, quantity=q, **options), q)
        if q == "dB/dr":
            val = val.reshape(len(pts), 9)
        fm.add(q, val)
        if q == "B":
            fm.add("|B|", np.hypot(np.hypot(val[:, 0], val[:, 1]), val[:, 2]))  # no overflow for huge currents
    return fm


# ---------------------------------------------------------------------------- lazy maps (dask)
DEFAULT_CHUNK_POINTS = 262_144


def _grid_block(block_info=None, *, origin, spacing, shape) -> np.ndarray:
    start, stop = block_info[None]["array-location"][0]
    idx = np.arange(start, stop)
    nx, ny, _ = shape
    i, j, k = idx % nx, (idx // nx) % ny, idx // (nx * ny)
    return np.c_[origin[0] + spacing[0] * i, origin[1] + spacing[1] * j, origin[2] + spacing[2] * k]


def grid_points(fieldmap: FieldMap, chunk_points: int = DEFAULT_CHUNK_POINTS):
    """The points of ``fieldmap``'s grid [m] as a lazily generated dask array (N, 3), x fastest."""
    import dask.array as da

    n = int(np.prod(fieldmap.shape))
    size = check.positive_int("chunk_points", chunk_points)
    chunks = (tuple([size] * (n // size) + ([n % size] if n % size else [])), (3,))
    return da.map_blocks(_grid_block, dtype=float, chunks=chunks, origin=np.asarray(fieldmap.origin, dtype=float),
                         spacing=np.asarray(fieldmap.spacing, dtype=float), shape=tuple(fieldmap.shape))


def field_map_dask(
    coil: Coil,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    size: float | tuple[float, float, float] = 1e-3,
    n: int | tuple[int, int, int] = 21,
    *,
    current: float = 1.0,
    quantities: tuple[str, ...] = ("B",),
    chunk_points: int = DEFAULT_CHUNK_POINTS,
    client: object = None,
    **options,
) -> FieldMap:
    """``fields.fieldmap.field_map`` with lazy dask arrays: same grid, same array names ("B",
    "|B|", "A", "dB/dr"), nothing computed until asked (module docstring)."""
    import dask.array as da

    fm, quantities = empty_field_map(coil, center, size, n, quantities, in_memory=False)
    pts = grid_points(fm, chunk_points)
    for q in quantities:
        val = evaluate_dask(coil, pts, current, quantity=q, client=client, **options)
        if q == "dB/dr":
            val = val.reshape(val.shape[0], 9)
        fm.add(q, val)
        if q == "B":
            fm.add("|B|", da.sqrt((val**2).sum(axis=1)))
    return fm
