"""Gradient-coil figures of merit: efficiency and linearity.

Conventions
-----------
- B0 along ``b0_direction`` (default +z); a gradient coil encodes G = d(B . b0)/ds along its
  ``axis`` s (``Coil.axis``, or "x"/"y"/"z", or a vector). Efficiency eta = G per ampere
  [T/(m A)] at the isocentre, from the analytic Jacobian of the field engine (no finite
  differences).
- Two linearity measures, reported separately (they differ ~5x for a Maxwell pair):
  * field deviation  dB = Bz(r) / (eta s) - 1, the relative error of the encoded position
    s' = Bz/G (what image distortion sees); on the null plane s = 0 it is 0/0, and where Bz
    vanishes there (any gradient coil antisymmetric in s) its limit s -> 0 is the
    local-gradient deviation, which ``deviations`` reports;
  * local-gradient deviation dG = (dBz/ds)(r) / eta - 1 (what local resolution and intensity
    see).
  Both as maximum of the absolute value and RMS over a region (``regions.Region``).
- The bounded field deviation of ``linearity``, ``dense_field_deviation`` and the target-field
  designer (``coildesign.design``) is one of two definitions (``deviation``), both a field error
  |Bz - eta s| divided by eta and a length scale ``deviation_scale``:
  * "pointwise": |Bz/(eta s) - 1| where |s| >= exclude R, and |Bz - eta s| / (eta exclude R)
    where |s| < exclude R (the absolute floor of the relative measure, checked there, not
    skipped; the two agree on |s| = exclude R);
  * "dsv": |Bz - eta s| / (eta R), the field error as a fraction of the field eta R at the
    region's edge (Turner, J. Phys. D 19, L147 (1986); the convention of bfieldtools, Zetter et
    al., J. Appl. Phys. 128, 034901 (2020)).
  The error field Bz - eta s of a coil outside the region is harmonic inside it, so its maximum
  sits on the region's surface (maximum principle, Kellogg, Foundations of Potential Theory,
  ch. X); ``dense_field_deviation`` samples the surface densely and refines around the worst
  points.
- Transverse ("concomitant") components: max |B_perp| / (eta R) over the region, where R is
  the region radius; B_perp is the field perpendicular to B0 (Norris & Hutchison, Magn.
  Reson. Imaging 8, 33 (1990), on concomitant fields).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._text import table
from coildesign.analysis.regions import Region
from coildesign.coil import Coil, require_coil
from coildesign.fields import field, field_jacobian
from coildesign.fields.engine import loop_sources, polyline_sources
from coildesign.fields.fieldmap import evaluate_by_symmetry, field_map

_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


def encoding_axis(coil: Coil, axis: str | np.ndarray | None = None) -> np.ndarray:
    """Unit vector of the gradient direction: ``axis`` ("x", "y", "z" or a 3-vector), or the
    coil's own ``axis`` when None."""
    require_coil("coil", coil)
    if axis is None:
        if coil.axis is None:
            check._fail("axis", "given (the coil has no axis of its own)", axis)
        return coil.axis
    if isinstance(axis, str):
        check.choice("axis", axis, tuple(_AXES))
        return np.array(_AXES[axis])
    return check.unit_vector("axis", axis)


def gradient_efficiency(
    coil: Coil,
    axis: str | np.ndarray | None = None,
    *,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    b0_direction: tuple[float, float, float] = (0.0, 0.0, 1.0),
) -> float:
    """Gradient efficiency eta = d(B.b0)/ds per ampere at ``center`` [T/(m A)]."""
    require_coil("coil", coil)
    s = encoding_axis(coil, axis)
    b0 = check.unit_vector("b0_direction", b0_direction)
    jac = field_jacobian(coil, check.vector3("center", center))[0]
    return float(b0 @ jac @ s)


POINT_BYTES = 600  # peak bytes per evaluation point in deviations: points, B, dB/dr, temporaries


def _check_points_memory(name: str, value: int, points: float) -> None:
    check.memory(name, value, POINT_BYTES * points, f"{points:.3g} evaluation points: use a smaller n")


def _size(coil: Coil) -> float:
    """Largest coordinate magnitude of the coil's conductors [m] (a length scale)."""
    return max(float(np.abs(w.vertices).max()) if hasattr(w, "vertices") else float(np.abs(w.center).max()) + w.radius
               for w in coil.windings)


@dataclass(frozen=True)
class Linearity:
    """Linearity of a gradient coil over a region (dimensionless deviations, see module doc)."""

    efficiency: float  # [T/(m A)]
    region: str
    radius: float  # [m]
    n_points: int
    max_field_deviation: float
    rms_field_deviation: float
    max_gradient_deviation: float
    rms_gradient_deviation: float
    max_transverse_ratio: float
    deviation: str = "pointwise"  # the field-deviation measure (module doc)
    exclude: float = 0.1

    def as_dict(self) -> dict:
        """Plain dict (units: efficiency T/(m A), radius m, deviations dimensionless)."""
        return asdict(self)

    def __str__(self) -> str:
        rows = [
            ("efficiency", f"{self.efficiency * 1e3:.6g} mT/(m A)"),
            ("region", f"{self.region} of radius {self.radius * 1e3:.4g} mm ({self.n_points} points)"),
            (f"max field deviation ({self.deviation})", f"{100 * self.max_field_deviation:.4g} %"),
            ("rms field deviation", f"{100 * self.rms_field_deviation:.4g} %"),
            ("max local-gradient deviation dB/ds / G - 1", f"{100 * self.max_gradient_deviation:.4g} %"),
            ("rms local-gradient deviation", f"{100 * self.rms_gradient_deviation:.4g} %"),
            ("max |B_perp| / (G R)", f"{self.max_transverse_ratio:.4g}"),
        ]
        return table(rows)


def deviations(
    coil: Coil,
    points: np.ndarray,
    axis: str | np.ndarray | None = None,
    *,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    b0_direction: tuple[float, float, float] = (0.0, 0.0, 1.0),
    field_values: np.ndarray | None = None,
    jacobian: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(field deviation, local-gradient deviation, transverse field per A [T/A], eta) at points.

    Where the encoded coordinate s is exactly 0 the field deviation Bz/(eta s) - 1 is 0/0: if
    Bz vanishes there (|Bz| <= 1e-9 |eta| x the largest |s| of ``points``, as for any coil
    antisymmetric in s) its limit s -> 0, the local-gradient deviation, is reported; otherwise
    the deviation is unbounded there and NaN is reported.

    ``field_values`` (M, 3) [T/A] and ``jacobian`` (M, 3, 3) [T/(m A)], J[m, i, j] = dB_i/dx_j:
    the coil's B and dB/dr per ampere at ``points`` when they are already known (e.g. the
    arrays of a ``field_map``); each is evaluated here when not given.
    """
    require_coil("coil", coil)
    s_hat = encoding_axis(coil, axis)
    b0 = check.unit_vector("b0_direction", b0_direction)
    c = check.vector3("center", center)
    eta = gradient_efficiency(coil, s_hat, center=c, b0_direction=b0)
    if eta == 0.0:
        check._fail("axis", "a direction along which the coil has a non-zero gradient", s_hat)
    pts = check.points3("points", points)
    b = field(coil, pts) if field_values is None else _given("field_values", field_values, (len(pts), 3))
    jac = field_jacobian(coil, pts) if jacobian is None else _given("jacobian", jacobian, (len(pts), 3, 3))
    bz = b @ b0
    grad_dev = np.einsum("i,mij,j->m", b0, jac, s_hat) / eta - 1.0
    scale = max(float(np.abs(pts - c).max()), _size(coil))
    field_dev = _field_deviation(bz, (pts - c) @ s_hat, eta, scale, lambda null: grad_dev[null])
    b_perp = b - np.outer(bz, b0)
    return field_dev, grad_dev, np.linalg.norm(b_perp, axis=1), eta


def _given(name: str, values: object, shape: tuple[int, ...]) -> np.ndarray:
    """A precomputed array of the expected shape (one row per point), finite."""
    arr = check.real_array(name, values)
    if arr.shape != shape or not np.isfinite(arr).all():
        check._fail(name, f"a finite array of shape {shape} (one row per point)", f"shape {arr.shape}")
    return arr


def _field_deviation(bz: np.ndarray, s: np.ndarray, eta: float, scale: float, gradient_deviation) -> np.ndarray:
    """Field deviation Bz/(eta s) - 1 from the encoded component ``bz`` [T/A] and coordinate
    ``s`` [m], with the null-plane rule of ``deviations`` (``scale`` [m]: its length scale);
    ``gradient_deviation(mask)`` returns the local-gradient deviation at the points of ``mask``
    (only called where s = 0 and Bz vanishes, so callers that have only B evaluate dB/dr there
    alone)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        field_dev = bz / eta / s - 1.0  # divided in turn: eta * s may underflow
        null = ~np.isfinite(field_dev)
        if null.any():
            small = null & (np.abs(bz) <= 1e-9 * abs(eta) * scale)
            field_dev[null] = np.nan
            if small.any():
                field_dev[small] = gradient_deviation(small)
    return field_dev


DEVIATIONS = ("pointwise", "dsv")
"""The two bounded field-deviation definitions (module doc)."""


def deviation_scale(s: np.ndarray, radius: float, exclude: float = 0.1, deviation: str = "pointwise") -> np.ndarray:
    """Length [m] by which the field error |Bz - G s| / G is divided at encoded coordinate
    ``s`` [m] (module doc): max(|s|, exclude R) for "pointwise", R for "dsv"."""
    check.choice("deviation", deviation, DEVIATIONS)
    s = np.asarray(s, dtype=float)
    if deviation == "dsv":
        return np.full(s.shape, float(radius))
    return np.maximum(np.abs(s), exclude * radius)


def bounded_deviation(bz: np.ndarray, s: np.ndarray, eta: float, radius: float, exclude: float = 0.1,
                      deviation: str = "pointwise") -> np.ndarray:
    """|Bz - eta s| / (|eta| ``deviation_scale``) (module doc) from Bz [T/A] and s [m]: the measure
    that the ``deviation`` bound eps holds to; where the scale is 0 (pointwise, ``exclude`` = 0,
    s = 0) the limit s -> 0 is not known from Bz alone and NaN is returned."""
    scale = deviation_scale(s, radius, exclude, deviation)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.abs(np.asarray(bz) - eta * np.asarray(s)) / (abs(eta) * scale)
    return np.where(scale > 0, out, np.nan)


@dataclass(frozen=True)
class DeviationCheck:
    """Result of ``dense_field_deviation``: the maximum of the ``deviation`` measure, where it
    sits (``worst_point`` [m]), how many points were evaluated and the refinement rounds."""

    max_deviation: float
    worst_point: tuple[float, float, float]
    n_points: int
    rounds: int
    deviation: str
    exclude: float

    def as_dict(self) -> dict:
        """Plain dict (deviation dimensionless, worst_point in m)."""
        return asdict(self)


DENSE_GRID = 21  # grid points per diameter of the dense check: spacing R/10
DENSE_SURFACE = 3000  # Fibonacci points on the sphere of the dense check
DENSE_TOLERANCE = 1e-4  # refinement stops when the maximum moves by less (0.01 percentage points)


def dense_check_points(radius: float, center=(0.0, 0.0, 0.0), s_hat=(1.0, 0.0, 0.0), exclude: float = 0.1,
                       n_surface: int = DENSE_SURFACE) -> np.ndarray:
    """Points [m] of the dense deviation check over a sphere: a grid at spacing R/10, ``n_surface``
    Fibonacci points on the surface and, where the pointwise measure has its kink, the two
    circles |s| = exclude R on the surface at the lattice's spacing."""
    c = np.asarray(center, dtype=float)
    pts = Region("sphere", radius).sample(DENSE_GRID, n_surface=n_surface)
    e = np.asarray(s_hat, dtype=float)
    if exclude > 0:
        u = np.cross(e, [1.0, 0.0, 0.0] if abs(e[0]) < 0.9 else [0.0, 1.0, 0.0])
        u /= np.linalg.norm(u)
        v = np.cross(e, u)
        rho = radius * np.sqrt(1.0 - exclude**2)
        k = max(16, int(np.ceil(2 * np.pi * rho / (radius * np.sqrt(4 * np.pi / n_surface)))) * 2)
        phi = 2 * np.pi * np.arange(k) / k
        ring = rho * (np.cos(phi)[:, None] * u + np.sin(phi)[:, None] * v)
        pts = np.vstack([pts, ring + exclude * radius * e, ring - exclude * radius * e])
    return pts + c


def dense_field_deviation(coil: Coil, radius: float, axis: str | np.ndarray | None = None, *,
                          center: tuple[float, float, float] = (0.0, 0.0, 0.0), exclude: float = 0.1,
                          deviation: str = "pointwise", eta: float | None = None, n_surface: int = DENSE_SURFACE,
                          tolerance: float = DENSE_TOLERANCE, max_rounds: int = 12) -> DeviationCheck:
    """Maximum of the ``deviation`` measure (module doc) of ``coil``'s Bz over the sphere of
    ``radius`` [m] about ``center``, on a dense set: a grid at spacing R/10, about ``n_surface``
    points on the surface (``regions.mirrored_fibonacci_sphere``) and the circles |s| = exclude R,
    then refined around the eight worst points (a 5 x 5 x 5 stencil at the local point spacing,
    points outside the sphere moved radially onto it, the spacing halved each round) until the
    maximum moves by less than ``tolerance`` (dimensionless). ``eta`` [T/(m A)]: the gradient
    the deviation is measured from (default: the coil's efficiency at ``center``). The whole
    sphere is checked; only the exact mirror symmetries the coil's wires have
    (``symmetry.mirror_symmetries``) are used, to evaluate one point per orbit of a set closed
    under them (``fields.fieldmap.evaluate_by_symmetry``: equal to direct evaluation to rounding)."""
    require_coil("coil", coil)
    r = check.positive("radius", radius)
    exclude = check.in_range("exclude", exclude, 0.0, 0.9)
    check.choice("deviation", deviation, DEVIATIONS)
    n_surface = check.positive_int("n_surface", n_surface, minimum=100)
    tolerance = check.positive("tolerance", tolerance)
    c = check.vector3("center", center)
    s_hat = encoding_axis(coil, axis)
    if eta is None:
        eta = gradient_efficiency(coil, s_hat, center=c)
    if eta == 0.0:
        check._fail("axis", "a direction along which the coil has a non-zero gradient", s_hat)
    _check_points_memory("n_surface", n_surface, float(n_surface) + DENSE_GRID**3)
    b0 = np.array([0.0, 0.0, 1.0])

    def measure(p: np.ndarray) -> np.ndarray:  # NaN only on s = 0 for pointwise without floor
        return bounded_deviation(evaluate_by_symmetry(coil, p) @ b0, (p - c) @ s_hat, eta, r, exclude, deviation)

    pts = dense_check_points(r, c, s_hat, exclude, n_surface)
    best, worst, count, rounds = dense_maximum(measure, pts, r, c, n_surface, tolerance, max_rounds)
    return DeviationCheck(best, worst, count, rounds, deviation, float(exclude))


def dense_maximum(measure, points: np.ndarray, radius: float, center=(0.0, 0.0, 0.0),
                  n_surface: int = DENSE_SURFACE, tolerance: float = DENSE_TOLERANCE,
                  max_rounds: int = 12) -> tuple[float, tuple[float, float, float], int, int]:
    """(maximum, where [m], points evaluated, rounds) of ``measure(points)`` over the ball of
    ``radius`` [m] about ``center``, starting from ``points`` (``dense_check_points``) and refined
    around the eight worst points (a 5 x 5 x 5 stencil at the spacing of a surface lattice of
    ``n_surface`` points, points outside the ball moved radially onto its surface, the spacing
    halved each round) until the maximum moves by less than ``tolerance``; NaN values are
    ignored (``dense_field_deviation``)."""
    c = np.asarray(center, dtype=float)
    r = float(radius)
    pts = np.asarray(points, dtype=float)
    values = measure(pts)
    count = len(pts)
    step = r * np.sqrt(4 * np.pi / n_surface)  # the surface lattice's point spacing
    grid = np.linspace(-1.0, 1.0, 5)
    stencil = np.stack(np.meshgrid(grid, grid, grid, indexing="ij"), axis=-1).reshape(-1, 3)
    best = float(np.nanmax(values))
    rounds = 0
    for rounds in range(1, max_rounds + 1):
        worst = pts[np.argsort(np.nan_to_num(values, nan=-1.0))[::-1][:8]]
        new = (worst[:, None, :] + step * stencil[None]).reshape(-1, 3) - c
        norm = np.linalg.norm(new, axis=1)
        outside = norm > r
        new[outside] *= (r / norm[outside])[:, None]
        new += c
        new_values = measure(new)
        count += len(new)
        pts, values = np.vstack([pts, new]), np.concatenate([values, new_values])
        top = float(np.nanmax(values))
        moved = top - best
        best = top
        step *= 0.5
        if moved < tolerance and rounds >= 2:
            break
    i = int(np.nanargmax(values))
    return best, tuple(float(x) for x in pts[i]), count, rounds


def linearity(
    coil: Coil,
    radius: float,
    *,
    axis: str | np.ndarray | None = None,
    region: str = "sphere",
    length: float | None = None,
    center: tuple[float, float, float] = (0.0, 0.0, 0.0),
    n: int = 21,
    exclude: float = 0.1,
    b0_direction: tuple[float, float, float] = (0.0, 0.0, 1.0),
    deviation: str = "pointwise",
) -> Linearity:
    """Field and local-gradient deviation of ``coil`` over a region of ``radius`` [m].

    ``region``: "sphere" (DSV), "cylinder" (z axis, ``length`` [m], default 2 radius) or "box"
    (cube of half-size ``radius``). ``n``: grid points per diameter (plus surface points).
    ``exclude`` and ``deviation`` ("pointwise" or "dsv"): the field-deviation measure (module
    doc); with "pointwise" the points with |s| < exclude x radius are held to the absolute floor
    (checked, not skipped). The grid is a statistic of the region; the maximum over a sphere to
    0.01 percentage points is ``dense_field_deviation``'s.
    """
    require_coil("coil", coil)
    reg = Region(region, radius, length, tuple(check.vector3("center", center)))
    exclude = check.in_range("exclude", exclude, 0.0, 0.9)
    check.choice("deviation", deviation, DEVIATIONS)
    n = check.positive_int("n", n, minimum=3)
    _check_points_memory("n", n, float(n) ** 3)
    pts = reg.sample(n)
    b = evaluate_by_symmetry(coil, pts)
    field_dev, grad_dev, b_perp, eta = deviations(coil, pts, axis, center=center, b0_direction=b0_direction,
                                                  field_values=b)
    s = (pts - np.asarray(center)) @ encoding_axis(coil, axis)
    bz = b @ check.unit_vector("b0_direction", b0_direction)
    fd = bounded_deviation(bz, s, eta, float(radius), exclude, deviation)
    null = np.isnan(fd)  # pointwise without a floor, on s = 0: the limit (``deviations``)
    fd[null] = np.abs(field_dev[null])
    fd = fd[np.isfinite(fd)]
    if fd.size == 0:
        check._fail("exclude", "large enough to give the field deviation a finite value somewhere", exclude)
    return Linearity(
        efficiency=eta,
        region=region,
        radius=float(radius),
        n_points=len(pts),
        max_field_deviation=float(fd.max()),
        rms_field_deviation=float(np.sqrt(np.mean(fd**2))),
        max_gradient_deviation=float(np.abs(grad_dev).max()),
        rms_gradient_deviation=float(np.sqrt(np.mean(grad_dev**2))),
        max_transverse_ratio=float(b_perp.max() / abs(eta * radius)),
        deviation=deviation,
        exclude=float(exclude),
    )


def largest_dsv(
    coil: Coil,
    deviation: float = 0.05,
    *,
    measure: str = "field",
    axis: str | np.ndarray | None = None,
    max_radius: float | None = None,
    rtol: float = 1e-3,
    n: int = 11,
) -> float:
    """Radius [m] of the largest sphere (DSV) over which the maximum ``measure`` deviation
    ("field" or "gradient") stays within ``deviation``; bisection to ``rtol``.

    ``max_radius`` defaults to the distance from the origin to the nearest conductor.
    ``rtol`` in [1e-12, 0.5]: the bisection takes ~log2(1/rtol) steps (at most 40).
    """
    require_coil("coil", coil)
    check.choice("measure", measure, ("field", "gradient"))
    deviation = check.positive("deviation", deviation)
    rtol = check.in_range("rtol", rtol, 1e-12, 0.5)
    n = check.positive_int("n", n, minimum=3, maximum=201)
    if max_radius is None:
        reach = []
        if (p := polyline_sources(coil)) is not None:
            reach.append(float(np.sqrt((p.verts**2).sum(axis=1)).min()))
        if (lp := loop_sources(coil)) is not None:
            z = -np.einsum("ij,ij->i", lp.centers, lp.frames[:, 2])
            rho = np.linalg.norm(-lp.centers - z[:, None] * lp.frames[:, 2], axis=1)
            reach.append(float(np.hypot(rho - lp.radii, z).min()))
        max_radius = min(r for r in reach if r > 0) if any(r > 0 for r in reach) else 0.0
    hi = check.positive("max_radius", max_radius)

    s_hat = encoding_axis(coil, axis)
    b0 = np.array([0.0, 0.0, 1.0])
    eta = gradient_efficiency(coil, s_hat, b0_direction=b0)  # does not depend on the radius
    if eta == 0.0:
        check._fail("axis", "a direction along which the coil has a non-zero gradient", s_hat)

    def worst(r: float) -> float:
        # the same statistics as ``linearity(coil, r, axis=axis, n=n)`` on the same points, with
        # only the quantity the measure needs: B alone for "field" (dB/dr costs more than B),
        # dB/dr alone for "gradient"; eta is computed once above
        pts = Region("sphere", r).sample(n)
        if measure == "gradient":
            jac = field_jacobian(coil, pts)
            return float(np.abs(np.einsum("i,mij,j->m", b0, jac, s_hat) / eta - 1.0).max())
        # linearity's default measure: pointwise with the floor at exclude = 0.1
        return float(np.nanmax(bounded_deviation(evaluate_by_symmetry(coil, pts) @ b0, pts @ s_hat, eta, r, 0.1,
                                                 "pointwise")))

    lo = 0.0
    if worst(hi) <= deviation:
        return hi
    for _ in range(64):  # bounded even if rounding stalls the interval
        if hi - lo <= rtol * hi:
            break
        mid = 0.5 * (lo + hi)
        if worst(mid) <= deviation:
            lo = mid
        else:
            hi = mid
    return lo


def deviation_map(
    coil: Coil,
    plane: str = "xz",
    extent: float = 1e-3,
    n: int = 101,
    *,
    axis: str | np.ndarray | None = None,
    measure: str = "field",
    offset: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deviation map on a coordinate plane: (u [m], v [m], deviation (n, n)) for plotting.

    ``plane``: "xy", "xz" or "yz" at ``offset`` [m] along the third axis; ``extent``: half
    width [m]. ``measure``: "field" or "gradient" deviation (see module doc). The field
    deviation of a plane on which the encoded coordinate is 0 everywhere (e.g. "xy" at offset 0
    for a z gradient) is undefined: that is refused with advice.
    """
    require_coil("coil", coil)
    check.choice("plane", plane, ("xy", "xz", "yz"))
    check.choice("measure", measure, ("field", "gradient"))
    extent = check.positive("extent", extent)
    n = check.positive_int("n", n, minimum=2)
    _check_points_memory("n", n, float(n) ** 2)
    idx = {"x": 0, "y": 1, "z": 2}
    a, b = idx[plane[0]], idx[plane[1]]
    third = 3 - a - b
    size, shape, centre = np.zeros(3), [1, 1, 1], np.zeros(3)
    size[[a, b]] = 2.0 * extent
    shape[a] = shape[b] = n
    centre[third] = check.finite("offset", offset)
    s_hat = encoding_axis(coil, axis)
    if measure == "field" and not (s_hat[a] or s_hat[b] or (s_hat[third] and centre[third])):
        check._fail("plane", "a plane on which the encoded coordinate s varies for measure='field' (the "
                    "field deviation B/(G s) - 1 is 0/0 on the null plane s = 0; use measure='gradient', "
                    "another plane or a non-zero offset)", f"{plane} at offset {offset} m")
    # the grid of field_map (mirror symmetries used); B alone for the field deviation, whose
    # null plane s = 0 alone needs dB/dr
    fm = field_map(coil, centre, size, shape, quantities=("B",) if measure == "field" else ("B", "dB/dr"))
    pts = fm.points
    if measure == "field":
        eta = gradient_efficiency(coil, s_hat)
        if eta == 0.0:
            check._fail("axis", "a direction along which the coil has a non-zero gradient", s_hat)
        scale = max(float(np.abs(pts).max()), _size(coil))
        dev = _field_deviation(fm.arrays["B"][:, 2], pts @ s_hat, eta, scale,
                               lambda null: deviations(coil, pts[null], axis)[1])
    else:
        dev = deviations(coil, pts, axis, field_values=fm.arrays["B"],
                         jacobian=fm.arrays["dB/dr"].reshape(-1, 3, 3))[1]
    u = fm.origin[a] + fm.spacing[a] * np.arange(n)
    v = fm.origin[b] + fm.spacing[b] * np.arange(n)
    return u, v, fm.add("deviation", dev).grid_values("deviation").reshape(n, n)
