"""B1 per ampere: maps, rotating-frame components and homogeneity over samples.

Conventions
-----------
- B0 points along ``b0_direction`` (default +z). The transverse plane gets the right-handed
  basis (e1, e2, b0): e1 is the unit projection of +x onto the plane (of +y when B0 lies within
  ~25 degrees of x), e2 = b0 x e1; for B0 along +z this is (x, y, z).
- B1 per ampere [T/A] is the lab-frame coil field component transverse to B0 per ampere of coil
  current: B_perp = B - (B . b0) b0, |B1|/I = |B_perp|. This is the quantity of reciprocity for
  a linearly polarised coil (D. I. Hoult and R. E. Richards, J. Magn. Reson. 24, 71 (1976)).
- Rotating-frame components (D. I. Hoult, Concepts Magn. Reson. 12, 173 (2000)):
  B1+ = (B1 + i B2) / 2 and B1- = (B1 - i B2)* / 2, with B1 = B . e1, B2 = B . e2 (for B0 along
  z: (Bx + i By)/2 and (Bx - i By)*/2). For a coil driven by one real current all field phasors
  are real, so B1+ = B1- and |B1+| = |B1-| = |B_perp| / 2. They differ for complex (quadrature)
  drives, given as ``[(coil_a, 1), (coil_b, 1j)]``: with field phasors B(t) = Re[B exp(-i w t)]
  B1+ is the component rotating clockwise seen from the tip of B0, the sense of free precession
  of nuclei with gamma > 0 (transmit field); B1- governs reception. For gamma < 0 (15N, 29Si,
  ...) the roles swap. (This package's circuit modules use exp(+j w t): conjugate their
  current phasors before passing them here.)
- Homogeneity is measured against the volume-weighted mean over the sample; minimum and maximum
  are over the quadrature nodes, which are interior points (the extremes on the sample surface
  can be a little more extreme).

SI units: points [m], fields per ampere [T/A], volumes [m^3].
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.fields import field
from coildesign.fields.fieldmap import FieldMap, field_map
from coildesign.rf.sample import Sample, _quadrature

__all__ = [
    "B1AlongB0Warning",
    "B1Map",
    "b1_field_map",
    "Homogeneity",
    "SampleB1",
    "b1_map",
    "homogeneity",
    "rotating_frame_b1",
    "sample_b1",
    "sample_b1_of_map",
    "transverse_b1",
    "transverse_basis",
    "warn_if_b1_along_b0",
]

PARALLEL_FRACTION_WARNING = 0.5
"""Fraction of the coil's |B|^2 (volume-weighted over the sample) along B0 above which
``B1AlongB0Warning`` is issued: more of the field along B0 than across it."""


class B1AlongB0Warning(UserWarning):
    """The coil's field at the sample runs mostly along B0 (the RF coil's axis is parallel to
    B0), so the spins see only a small transverse B1: usually a coil left in its generator's
    orientation (axis along z = B0) that should have been rotated."""


def _squared_norms(vectors: np.ndarray) -> np.ndarray:
    """|v_i|^2 (M,) of the rows of ``vectors`` (M, 3), real or complex: one pass over the rows
    for a real array (a sum over an axis of length 3 costs a numpy inner loop per row)."""
    if np.iscomplexobj(vectors):
        return np.sum(np.abs(vectors) ** 2, axis=1)
    return np.einsum("ij,ij->i", vectors, vectors)


def _check_b1_direction(field_: np.ndarray, basis: np.ndarray, weights, where: str) -> None:
    """Issue ``B1AlongB0Warning`` when the weighted fraction of |B|^2 along B0 exceeds
    ``PARALLEL_FRACTION_WARNING`` (``field_`` (M, 3) lab-frame field per ampere [T/A])."""
    w = np.ones(len(field_)) if weights is None else np.asarray(weights, dtype=float)
    total = float(np.sum(w * _squared_norms(field_)))
    if not total > 0.0:
        return
    along = float(np.sum(w * np.abs(field_ @ basis[2]) ** 2))
    fraction = along / total
    if fraction > PARALLEL_FRACTION_WARNING:
        b0 = ", ".join(f"{v:g}" for v in basis[2])
        warnings.warn(
            f"{where}: {100 * fraction:.3g} % of the coil's |B|^2 at the sample is along B0 (b0_direction = ({b0})): "
            "the RF coil's axis is parallel to B0 and the spins see only the small transverse part of its field. "
            "Rotate the coil so that its axis is perpendicular to B0 (e.g. coil.rotate(90, (0, 1, 0)) for a "
            "solenoid built along z) or give the right b0_direction.", B1AlongB0Warning, stacklevel=3)


def warn_if_b1_along_b0(coil, point=None, b0_direction=(0.0, 0.0, 1.0), where: str = "B1") -> None:
    """Issue ``B1AlongB0Warning`` when the field of ``coil`` at ``point`` [m] (default: the
    centroid of its paths, e.g. the centre of a solenoid) is mostly along ``b0_direction``
    (one field evaluation; ``where`` names the caller in the message)."""
    if point is None:
        verts = np.vstack([p for p in coil.paths(16)])
        point = verts.mean(axis=0)
    pts = check.points3("point", np.reshape(np.asarray(point, dtype=float), (1, 3)))
    _check_b1_direction(_lab_field(coil, pts), transverse_basis(b0_direction), None, where)


def transverse_basis(b0_direction=(0.0, 0.0, 1.0)) -> np.ndarray:
    """Rows (e1, e2, b0) of the right-handed frame used for B1+ and B1- (module docstring)."""
    b0 = check.unit_vector("b0_direction", b0_direction)
    helper = np.array([1.0, 0.0, 0.0]) if abs(b0[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = helper - (helper @ b0) * b0
    e1 /= np.linalg.norm(e1)
    e2 = b0[[1, 2, 0]] * e1[[2, 0, 1]] - b0[[2, 0, 1]] * e1[[1, 2, 0]]  # b0 x e1 (np.cross: ~20 us a call)
    return np.array([e1, e2, b0])


def _lab_field(drive, points: np.ndarray) -> np.ndarray:
    """Lab-frame field phasor per ampere [T/A] of a coil (real) or of a sequence of
    (coil, complex current) pairs."""
    if isinstance(drive, Coil):
        return field(drive, points)
    if isinstance(drive, Sequence) and not isinstance(drive, str) and len(drive) > 0:
        total = np.zeros((len(points), 3), dtype=complex)
        for k, item in enumerate(drive):
            if not (isinstance(item, Sequence) and len(item) == 2 and isinstance(item[0], Coil)):
                check._fail(f"coil[{k}]", "a (Coil, complex current) pair", item, TypeError)
            cur = complex(item[1])
            if not np.isfinite(cur):
                check._fail(f"coil[{k}]", "a pair with a finite current", item)
            total += cur * field(item[0], points)
        return total if np.iscomplexobj(total) and np.any(total.imag) else total.real
    check._fail("coil", "a Coil or a sequence of (Coil, complex current) pairs", drive, TypeError)


@dataclass(frozen=True, eq=False)
class B1Map:
    """B1 per ampere at ``points`` (M, 3) [m] (module conventions).

    ``field`` (M, 3): the lab-frame field phasor per ampere [T/A] (real for one coil);
    ``basis``: rows (e1, e2, b0); ``transverse`` (M, 3) [T/A]: the part normal to B0;
    ``magnitude`` (M,) [T/A]: |B_perp|; ``b1_plus``, ``b1_minus`` (M,) complex [T/A].
    """

    points: np.ndarray
    field: np.ndarray
    basis: np.ndarray
    transverse: np.ndarray
    magnitude: np.ndarray
    b1_plus: np.ndarray
    b1_minus: np.ndarray

    @property
    def b0_direction(self) -> np.ndarray:
        """Unit vector of B0."""
        return self.basis[2]

    @property
    def longitudinal(self) -> np.ndarray:
        """Field component along B0 per ampere (M,) [T/A] (not seen by the spins at resonance)."""
        return self.field @ self.basis[2]

    def rows(self, index) -> B1Map:
        """The map at ``points[index]`` (a slice or index array; same basis)."""
        return B1Map(self.points[index], self.field[index], self.basis, self.transverse[index],
                     self.magnitude[index], self.b1_plus[index], self.b1_minus[index])


def b1_map(coil, points, *, b0_direction=(0.0, 0.0, 1.0), lab_field: np.ndarray | None = None) -> B1Map:
    """B1 per ampere of ``coil`` at ``points`` (M, 3) [m] with B0 along ``b0_direction``.

    ``coil`` is a ``Coil`` (driven by one real current) or a sequence of (Coil, complex
    current) pairs for a quadrature drive (module docstring). ``lab_field``: the coil's
    lab-frame field per ampere at ``points`` (M, 3) [T/A] when already evaluated.
    """
    pts = check.points3("points", points)
    basis = transverse_basis(b0_direction)
    b = _lab_field(coil, pts) if lab_field is None else np.asarray(lab_field)
    if b.shape != pts.shape:
        check._fail("lab_field", f"the field at the {len(pts)} points, shape {pts.shape}", f"shape {b.shape}")
    b0 = basis[2]
    transverse = b - np.outer(b @ b0, b0)
    b1, b2 = b @ basis[0], b @ basis[1]
    magnitude = np.sqrt(_squared_norms(transverse))
    return B1Map(pts, b, basis, transverse, magnitude, 0.5 * (b1 + 1j * b2), 0.5 * np.conj(b1 - 1j * b2))


@dataclass(frozen=True)
class Homogeneity:
    """Weighted statistics of a positive quantity (e.g. |B1|/I [T/A]) over a sample.

    ``mean``: weighted mean; ``minimum``/``maximum`` over the values of positive weight;
    ``max_over_min``;
    ``relative_std``: weighted standard deviation / mean; ``fraction_within``: weighted
    fraction of values with |v / mean - 1| <= ``within``.
    """

    mean: float
    minimum: float
    maximum: float
    max_over_min: float
    relative_std: float
    fraction_within: float
    within: float

    def as_dict(self) -> dict:
        """Plain dict (units of the values; ratios dimensionless)."""
        return asdict(self)


def homogeneity(values, weights=None, *, within: float = 0.1) -> Homogeneity:
    """Homogeneity of ``values`` (N,) (complex values use their modulus) with non-negative
    ``weights`` (N,) (e.g. quadrature volume weights [m^3]; None: equal weights): max/min
    ratio, relative standard deviation and the fraction within +-``within`` (0.1 = +-10 %)
    of the weighted mean."""
    try:
        v = np.abs(np.asarray(values)).astype(float).ravel()
    except (TypeError, ValueError):
        check._fail("values", "an array of numbers", values, TypeError)
    if v.size == 0 or not np.isfinite(v).all():
        check._fail("values", "a non-empty array of finite numbers", values)
    if weights is None:
        w = np.ones_like(v)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != v.shape or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            check._fail("weights", f"{v.size} finite non-negative numbers with a positive sum", weights)
    tol = check.positive("within", within)
    total = w.sum()
    mean = float(np.sum(w * v) / total)
    if mean == 0.0:
        check._fail("values", "not all zero (homogeneity is relative to the mean)", values)
    std = float(np.sqrt(np.sum(w * (v - mean) ** 2) / total))
    used = v[w > 0]
    vmin, vmax = float(used.min()), float(used.max())
    inside = float(np.sum(w * (np.abs(v / mean - 1.0) <= tol)) / total)
    return Homogeneity(mean, vmin, vmax, vmax / vmin if vmin > 0 else float("inf"), std / mean, inside, tol)


@dataclass(frozen=True, eq=False)
class SampleB1:
    """B1 per ampere over a sample's quadrature: the map, the volume ``weights`` [m^3],
    ``volume`` [m^3], ``integral`` = int |B_perp/I| dV [T m^3/A] (the reciprocity integral of a
    linear transmit/receive coil), ``integral_b1_minus`` = int |B1-/I| dV [T m^3/A] and the
    ``homogeneity`` of |B_perp|/I."""

    map: B1Map
    weights: np.ndarray
    volume: float
    integral: float
    integral_b1_minus: float
    homogeneity: Homogeneity

    @property
    def mean(self) -> float:
        """Volume-averaged |B_perp|/I [T/A]."""
        return self.integral / self.volume


def sample_b1(coil, sample: Sample, *, n=None, b0_direction=(0.0, 0.0, 1.0), within: float = 0.1) -> SampleB1:
    """B1 per ampere of ``coil`` over ``sample`` (``sample.points(n)`` quadrature) with B0
    along ``b0_direction``; homogeneity fraction within +-``within``."""
    pts, w = _quadrature(sample, n)
    return sample_b1_of_map(b1_map(coil, pts, b0_direction=b0_direction), w, within=within)


def sample_b1_of_map(b1: B1Map, weights, *, within: float = 0.1) -> SampleB1:
    """``SampleB1`` of a map already evaluated at a sample's quadrature points with volume
    ``weights`` (K,) [m^3] (e.g. the rows of a map that also holds other points, so that the
    field is evaluated in one call); homogeneity fraction within +-``within``. Issues a
    ``B1AlongB0Warning`` when more than half of the weighted |B|^2 runs along B0 (the coil's
    axis parallel to B0: a small transverse B1, the usual cause a solenoid left along z)."""
    if not isinstance(b1, B1Map):
        check._fail("b1", "a B1Map (from b1_map)", b1, TypeError)
    w = np.asarray(weights, dtype=float)
    if w.shape != b1.magnitude.shape:
        check._fail("weights", f"{len(b1.magnitude)} volume weights (one per map point)", f"shape {w.shape}")
    _check_b1_direction(b1.field, b1.basis, w, "sample_b1")
    return SampleB1(b1, w, float(w.sum()), float(np.sum(w * b1.magnitude)), float(np.sum(w * np.abs(b1.b1_minus))),
                    homogeneity(b1.magnitude, w, within=within))


# ---------------------------------------------------------------------------- single quantities of a map
def transverse_b1(coil, points, b0_direction=(0.0, 0.0, 1.0)) -> np.ndarray:
    """|B_perp| per ampere [T/A] at ``points`` (M, 3) [m] (``b1_map(...).magnitude``)."""
    return b1_map(coil, points, b0_direction=b0_direction).magnitude


def rotating_frame_b1(coil, points, b0_direction=(0.0, 0.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """(B1+, B1-) per ampere [T/A] at ``points`` [m] (module conventions)."""
    m = b1_map(coil, points, b0_direction=b0_direction)
    return m.b1_plus, m.b1_minus


def b1_field_map(coil: Coil, center=(0.0, 0.0, 0.0), size: float | tuple[float, float, float] = 1e-3,
                 n: int | tuple[int, int, int] = 21, *, b0_direction=(0.0, 0.0, 1.0)) -> FieldMap:
    """The B1 map of ``coil`` per ampere on a regular grid (``center`` [m], full edge lengths
    ``size`` [m], a zero edge makes a plane, ``n`` points per edge), B0 along ``b0_direction``.

    Arrays (conventions of ``coildesign.rf.sensitivity``: Hoult, Concepts Magn. Reson. 12, 173
    (2000)): ``|B1perp|`` = |B - (B.b0) b0| [T/A], the lab-frame transverse field per ampere;
    ``B1+`` = (B1 + i B2)/2 and ``B1-`` = (B1 - i B2)*/2 [T/A] (complex, stored as re/im; for
    B0 along z, (Bx + i By)/2 and (Bx - i By)*/2), and their magnitudes ``|B1+|``, ``|B1-|``.
    For a coil driven by one real current |B1+| = |B1-| = |B1perp|/2.
    """
    grid = field_map(coil, center, size, n, quantities=())
    m = b1_map(coil, grid.points, b0_direction=b0_direction)
    grid.name = f"{coil.name} B1 per ampere"
    grid.add("|B1perp|", m.magnitude).add("B1+", m.b1_plus).add("B1-", m.b1_minus)
    return grid.add("|B1+|", np.abs(m.b1_plus)).add("|B1-|", np.abs(m.b1_minus))
