"""Regions of interest: sphere (DSV), cylinder and box, their volume quadratures and point sets.

One family of shapes serves the gradient figures of merit and the RF samples
(``coildesign.rf.sample`` adds a medium to the same shapes). Every ``Region`` has a ``center``
[m], a ``volume`` [m^3], an ``extent`` (a length [m] that scales it), ``contains(points)``, and
two point sets:

- ``points(n)`` -> (points (K, 3) [m], weights (K,) [m^3]): a volume quadrature with
  sum(weights) equal to the exact volume (to rounding), built for fast convergence on smooth
  fields (integrals such as the reciprocity integral and sample losses):

  - Cylinder: Gauss-Legendre in s = r^2 (dV = (1/2) ds dphi dz; after the angle integration a
    polynomial in x, y is a polynomial in r^2, exact up to degree 2 n_radial - 1 in r^2),
    Gauss-Legendre along the axis (exact to degree 2 n_axial - 1), trapezoid rule in angle
    (exact for Fourier modes |m| < n_angle).
  - Sphere: Gauss-Legendre in r (with the r^2 Jacobian in the weights) and in cos(theta),
    trapezoid rule in the azimuth: exact for polynomials of degree <= 2 n - 3.
  - Box: tensor Gauss-Legendre.

- ``sample(n, n_surface)`` -> points (K, 3) [m] for maxima and RMS values (linearity
  statistics): a grid of ``n`` points per diameter clipped to the region, plus points on its
  surface (where a gradient's deviation is largest for harmonic fields: the maximum principle
  for harmonic functions, Kellogg, Foundations of Potential Theory, ch. X). Sphere surfaces
  use a Fibonacci lattice (near-uniform area coverage, Gonzalez, Math. Geosci. 42, 49 (2010))
  made mirror-symmetric about the centre (``mirrored_fibonacci_sphere``), so that the grid and
  surface points of a centred sphere are closed under the coordinate mirrors of a symmetric
  coil and its field there can be evaluated one orbit at a time
  (``fields.fieldmap.evaluate_by_symmetry``).

``Region(shape, radius, length=None, center=(0, 0, 0))`` builds the named shape (``region``):
"sphere" of ``radius``, "cylinder" along z of ``radius`` and ``length`` (default 2 radius), or
"box" (a cube of half-size ``radius``).
"""

from __future__ import annotations

import abc
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from coildesign import _validation as check

__all__ = ["Box", "Cylinder", "REGIONS", "Region", "Sphere", "fibonacci_sphere", "mirrored_fibonacci_sphere", "region"]

REGIONS = ("sphere", "cylinder", "box")


def fibonacci_sphere(n: int) -> np.ndarray:
    """``n`` near-uniform unit vectors (Fibonacci lattice), shape (n, 3)."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + np.sqrt(5.0)) * i
    s = np.sqrt(1.0 - z * z)
    return np.c_[s * np.cos(phi), s * np.sin(phi), z]


_SIGNS = np.array([[sx, sy, sz] for sx in (1.0, -1.0) for sy in (1.0, -1.0) for sz in (1.0, -1.0)])


def mirrored_fibonacci_sphere(n: int) -> np.ndarray:
    """About ``n`` near-uniform unit vectors closed under the eight sign changes of the
    coordinates (the mirrors x -> -x, y -> -y, z -> -z and their products), shape (K, 3).

    At the mean spacing h = sqrt(4 pi / n) of n points: the six axis points, the three great
    circles x = 0, y = 0, z = 0 at q = ceil((pi / 2) / h) arcs per quarter, and the points of the
    Fibonacci lattice (Gonzalez, Math. Geosci. 42, 49 (2010)) of the remaining count that have all
    three coordinates positive, with their seven mirror images. Every image is exact (a sign
    change is exact in floating point). The circles close the seams of the octants, where the
    mirrored lattice alone leaves gaps of up to h (with them the covering radius is within 6 % of
    the Fibonacci lattice's for n >= 400, measured); ``n`` = 0 gives no point."""
    n = check.positive_int("n", n, minimum=0)
    if n == 0:
        return np.zeros((0, 3))
    q = max(1, math.ceil(0.5 * math.pi / math.sqrt(4.0 * math.pi / n)))
    phi = 0.5 * math.pi * np.arange(1, q) / q
    c, s = np.cos(phi), np.sin(phi)
    quadrant = np.array([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]])
    arcs = (quadrant[:, None, :] * np.c_[c, s][None]).reshape(-1, 2)
    zero = np.zeros((len(arcs), 1))
    seams = np.vstack([np.eye(3), -np.eye(3), np.hstack([arcs, zero]), np.hstack([zero, arcs]),
                       np.hstack([arcs[:, 1:], zero, arcs[:, :1]])])
    octant = fibonacci_sphere(max(n - len(seams), 0))
    octant = octant[np.all(octant > 0.0, axis=1)]
    return np.vstack([seams, (_SIGNS[:, None, :] * octant[None]).reshape(-1, 3)])


# ---------------------------------------------------------------------------- quadrature helpers
@functools.lru_cache(maxsize=64)
def _leggauss(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached: read-only arrays)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def _gauss(n: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights of order ``n`` on [a, b]."""
    x, w = _leggauss(int(n))
    return 0.5 * (b - a) * x + 0.5 * (b + a), 0.5 * (b - a) * w


def _orders(n, names: tuple[str, ...], default: tuple[int, ...], derive) -> tuple[int, ...]:
    """Quadrature orders: None -> ``default``; an int -> ``derive(n)``; a tuple -> as given."""
    if n is None:
        return default
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        return tuple(check.positive_int(nm, v) for nm, v in zip(names, derive(int(n))))
    if isinstance(n, Sequence) and len(n) == len(names):
        return tuple(check.positive_int(nm, v) for nm, v in zip(names, n))
    check._fail("n", f"None, an int or {len(names)} ints ({', '.join(names)})", n, TypeError)


def _frame(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors completing ``axis`` to a right-handed frame (e1, e2, axis): e1 the unit
    projection of +x onto the plane normal to ``axis`` (of +y when ``axis`` is within ~26
    degrees of x), e2 = axis x e1; the identity for ``axis`` = +z."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = helper - (helper @ axis) * axis
    e1 /= np.linalg.norm(e1)
    e2 = np.array([axis[1] * e1[2] - axis[2] * e1[1], axis[2] * e1[0] - axis[0] * e1[2],
                   axis[0] * e1[1] - axis[1] * e1[0]])  # axis x e1 (np.cross costs ~20 us on 3-vectors)
    return e1, e2


def _grid(n: int, half: np.ndarray) -> np.ndarray:
    """Local grid points (n^3, 3) [m]: ``n`` per axis from -half to +half (``half`` (3,) [m])."""
    g = np.linspace(-1.0, 1.0, n)
    x, y, z = np.meshgrid(g * half[0], g * half[1], g * half[2], indexing="ij")
    return np.c_[x.ravel(), y.ravel(), z.ravel()]


# ---------------------------------------------------------------------------- the family
class _NamedRegion(abc.ABCMeta):
    """``Region(shape, ...)`` called on the base class builds the named shape (``region``)."""

    def __call__(cls, *args, **kwargs):
        if cls is Region:
            return region(*args, **kwargs)
        return super().__call__(*args, **kwargs)


class Region(metaclass=_NamedRegion):
    """Base of the region shapes (module docstring): ``center`` [m], ``volume`` [m^3],
    ``extent`` [m], ``contains(points)``, ``points(n)`` (volume quadrature) and
    ``sample(n, n_surface)`` (points for maxima). ``Region(shape, radius, length=None,
    center=(0, 0, 0))`` builds the named shape, as ``region``."""

    center: np.ndarray

    @property
    @abc.abstractmethod
    def volume(self) -> float:
        """Volume [m^3]."""

    @property
    @abc.abstractmethod
    def extent(self) -> float:
        """A length [m] that scales the shape."""

    @abc.abstractmethod
    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3])."""

    @abc.abstractmethod
    def _inside(self, local: np.ndarray, tolerance: float) -> np.ndarray:
        """Boolean (K,): ``local`` points (K, 3) [m] relative to the centre in the shape's own
        axes lie inside (boundary widened by the relative ``tolerance``)."""

    @abc.abstractmethod
    def _local(self, points: np.ndarray) -> np.ndarray:
        """``points`` (K, 3) [m] relative to the centre in the shape's own axes."""

    def contains(self, points, *, tolerance: float = 1e-12) -> np.ndarray:
        """Boolean (K,): which of ``points`` (K, 3) [m] lie inside the region or on its
        boundary (widened by the relative ``tolerance`` against rounding)."""
        pts = check.points3("points", points)
        tol = check.positive("tolerance", tolerance, allow_zero=True)
        return self._inside(self._local(pts), tol)

    @abc.abstractmethod
    def sample(self, n: int = 21, n_surface: int = 400) -> np.ndarray:
        """Points [m] filling the region (grid of ``n`` per diameter) and on its surface."""


@dataclass(frozen=True, eq=False)
class Sphere(Region):
    """A sphere of ``radius`` [m] at ``center`` [m].

    ``points(n)``: ``n`` None -> 8; an int n -> orders (n, n, 2 n) (radial, polar, azimuth);
    or a tuple of three ints (radial order >= 2 for the volume to be exact).
    """

    radius: float
    center: np.ndarray = field(default_factory=lambda: np.zeros(3))

    def __post_init__(self) -> None:
        object.__setattr__(self, "radius", check.positive("radius", self.radius))
        object.__setattr__(self, "center", check.vector3("center", self.center))

    @property
    def volume(self) -> float:
        """4 pi r^3 / 3 [m^3]."""
        return 4.0 * math.pi * self.radius**3 / 3.0

    @property
    def extent(self) -> float:
        """The radius [m]."""
        return self.radius

    def _local(self, points: np.ndarray) -> np.ndarray:
        return points - self.center

    def _inside(self, local: np.ndarray, tolerance: float) -> np.ndarray:
        return np.einsum("ij,ij->i", local, local) <= self.radius * self.radius * (1 + tolerance)

    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3]); see the class docstring for ``n``."""
        nr, nt, nphi = _orders(n, ("n_radial", "n_polar", "n_azimuth"), (8, 8, 16), lambda k: (k, k, 2 * k))
        if nr < 2:
            check._fail("n", "a radial order >= 2 (the r^2 Jacobian needs it)", n)
        r, wr = _gauss(nr, 0.0, self.radius)
        mu, wmu = _gauss(nt, -1.0, 1.0)
        phi = 2.0 * np.pi * np.arange(nphi) / nphi
        rr, mm, pp = np.meshgrid(r, mu, phi, indexing="ij")
        w = (wr * r**2)[:, None, None] * wmu[None, :, None] * (2.0 * np.pi / nphi) * np.ones(rr.shape)
        st = np.sqrt(1.0 - mm**2)
        pts = np.stack([rr * st * np.cos(pp), rr * st * np.sin(pp), rr * mm], axis=-1).reshape(-1, 3) + self.center
        return pts, w.ravel()

    def sample(self, n: int = 21, n_surface: int = 400) -> np.ndarray:
        """Grid points [m] (``n`` per diameter) inside the sphere and about ``n_surface`` points
        on it (``mirrored_fibonacci_sphere``; 0: the grid alone)."""
        n = check.positive_int("n", n, minimum=3)
        n_surface = check.positive_int("n_surface", n_surface, minimum=0)
        r = self.radius
        pts = _grid(n, np.array([r, r, r]))
        pts = pts[self._inside(pts, 1e-12)]
        return np.vstack([pts, r * mirrored_fibonacci_sphere(n_surface)]) + self.center


@dataclass(frozen=True, eq=False)
class Cylinder(Region):
    """A cylinder of ``radius`` and ``length`` [m] at ``center`` [m] along the unit ``axis``.

    ``points(n)``: ``n`` None -> orders (8, 16, 24) (radial, axial, angle); an int ->
    (n, n, 3 n); or a tuple of three ints.
    """

    radius: float
    length: float
    center: np.ndarray = field(default_factory=lambda: np.zeros(3))
    axis: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))

    def __post_init__(self) -> None:
        object.__setattr__(self, "radius", check.positive("radius", self.radius))
        object.__setattr__(self, "length", check.positive("length", self.length))
        object.__setattr__(self, "center", check.vector3("center", self.center))
        object.__setattr__(self, "axis", check.unit_vector("axis", self.axis))

    @property
    def volume(self) -> float:
        """pi r^2 l [m^3]."""
        return math.pi * self.radius**2 * self.length

    @property
    def extent(self) -> float:
        """max(radius, length / 2) [m]."""
        return max(self.radius, 0.5 * self.length)

    def _basis(self) -> np.ndarray:
        """Rows e1, e2, axis (``_frame``)."""
        e1, e2 = _frame(self.axis)
        return np.array([e1, e2, self.axis])

    def _local(self, points: np.ndarray) -> np.ndarray:
        return (points - self.center) @ self._basis().T

    def _inside(self, local: np.ndarray, tolerance: float) -> np.ndarray:
        radial = local[:, 0] ** 2 + local[:, 1] ** 2 <= self.radius * self.radius * (1 + tolerance)
        return radial & (np.abs(local[:, 2]) <= 0.5 * self.length * (1 + tolerance))

    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3]); see the class docstring for ``n``."""
        nr, nz, nphi = _orders(n, ("n_radial", "n_axial", "n_angle"), (8, 16, 24), lambda k: (k, k, 3 * k))
        s, ws = _gauss(nr, 0.0, self.radius**2)  # s = r^2, dV = (1/2) ds dphi dz
        z, wz = _gauss(nz, -0.5 * self.length, 0.5 * self.length)
        phi = 2.0 * np.pi * np.arange(nphi) / nphi
        r = np.sqrt(s)[:, None, None]
        shape = (nr, nphi, nz)
        w = (0.5 * ws)[:, None, None] * (2.0 * np.pi / nphi) * wz[None, None, :] * np.ones(shape)
        e1, e2 = _frame(self.axis)
        u = np.broadcast_to(r * np.cos(phi)[None, :, None], shape).reshape(-1, 1)
        v = np.broadcast_to(r * np.sin(phi)[None, :, None], shape).reshape(-1, 1)
        zz = np.broadcast_to(z[None, None, :], shape).reshape(-1, 1)
        pts = u * e1 + v * e2 + zz * self.axis + self.center
        return pts, w.ravel()

    def sample(self, n: int = 21, n_surface: int = 400) -> np.ndarray:
        """Grid points [m] (``n`` per diameter and along the length) inside the cylinder and
        points on its mantle (max(8, n_surface // n) angles x ``n`` heights); the end faces
        carry the grid's first and last layers."""
        n = check.positive_int("n", n, minimum=3)
        r, half_z = self.radius, 0.5 * self.length
        pts = _grid(n, np.array([r, r, half_z]))
        pts = pts[pts[:, 0] ** 2 + pts[:, 1] ** 2 <= r * r * (1 + 1e-12)]
        phi = np.linspace(0, 2 * np.pi, max(8, n_surface // n), endpoint=False)
        pp, zz = np.meshgrid(phi, np.linspace(-half_z, half_z, n))
        surface = np.c_[r * np.cos(pp.ravel()), r * np.sin(pp.ravel()), zz.ravel()]
        return np.vstack([pts, surface]) @ self._basis() + self.center


@dataclass(frozen=True, eq=False)
class Box(Region):
    """An axis-aligned box of edge lengths ``size`` (3,) [m] at ``center`` [m].

    ``points(n)``: ``n`` None -> 8 per axis; an int; or three ints (x, y, z).
    """

    size: np.ndarray
    center: np.ndarray = field(default_factory=lambda: np.zeros(3))

    def __post_init__(self) -> None:
        size = check.vector3("size", self.size)
        if (size <= 0).any():
            check._fail("size", "three edge lengths > 0 [m]", self.size)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "center", check.vector3("center", self.center))

    @property
    def volume(self) -> float:
        """Product of the edge lengths [m^3]."""
        return float(np.prod(self.size))

    @property
    def extent(self) -> float:
        """Half the longest edge [m]."""
        return 0.5 * float(self.size.max())

    def _local(self, points: np.ndarray) -> np.ndarray:
        return points - self.center

    def _inside(self, local: np.ndarray, tolerance: float) -> np.ndarray:
        return np.all(np.abs(local) <= 0.5 * self.size * (1 + tolerance), axis=1)

    def points(self, n=None) -> tuple[np.ndarray, np.ndarray]:
        """(points (K, 3) [m], volume weights (K,) [m^3]) by tensor Gauss-Legendre."""
        orders = _orders(n, ("n_x", "n_y", "n_z"), (8, 8, 8), lambda k: (k, k, k))
        rules = [_gauss(k, c - 0.5 * s, c + 0.5 * s) for k, c, s in zip(orders, self.center, self.size)]
        grids = np.meshgrid(*[x for x, _ in rules], indexing="ij")
        w = np.einsum("i,j,k->ijk", *[w for _, w in rules])
        return np.stack([g.ravel() for g in grids], axis=1), w.ravel()

    def sample(self, n: int = 21, n_surface: int = 400) -> np.ndarray:
        """Grid points [m], ``n`` per edge including the faces (``n_surface`` is not used: the
        grid's outer layers lie on the faces)."""
        n = check.positive_int("n", n, minimum=3)
        return _grid(n, 0.5 * self.size) + self.center


def region(shape: str, radius: float, length: float | None = None, center=(0.0, 0.0, 0.0)) -> Region:
    """The region named ``shape``: "sphere" of ``radius`` [m], "cylinder" along z of ``radius``
    and ``length`` [m] (default 2 radius), or "box" (a cube of half-size ``radius`` [m]), at
    ``center`` [m]."""
    check.choice("region", shape, REGIONS)
    r = check.positive("radius", radius)
    c = check.vector3("center", center)
    if shape == "sphere":
        return Sphere(r, c)
    if shape == "cylinder":
        return Cylinder(r, 2 * r if length is None else length, c)
    return Box(np.full(3, 2.0 * r), c)
