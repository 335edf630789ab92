"""What was built equals what was designed: fields and lengths of copper read back from files.

The comparison region is a sphere (the design's DSV, or by default a sphere about the coil's
bounding-box centre with half the distance to the nearest conductor as radius), sampled by an
11-point grid inside and 400 points of a Fibonacci lattice on its surface (where the largest
deviation of a harmonic error field lies; Kellogg, Foundations of Potential Theory, ch. X).
The deviation of a field B from a reference B_ref is max |B - B_ref| / max |B_ref| over those
points (vector difference, relative to the reference's largest magnitude).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.analysis.regions import Region
from coildesign.coil import Coil
from coildesign.fields import field


@dataclass(frozen=True)
class Sphere:
    """Comparison region: ``center`` [m] and ``radius`` [m]."""

    center: tuple[float, float, float]
    radius: float

    def points(self) -> np.ndarray:
        """Sample points [m] (module doc)."""
        return Region("sphere", self.radius).sample(11, n_surface=400) + np.asarray(self.center)


def default_sphere(coil: Coil, center=None, radius: float | None = None) -> Sphere:
    """The comparison sphere: given ``center``/``radius``, else the module doc's default."""
    paths = coil.paths(64)
    pts = np.vstack(paths)
    c = 0.5 * (pts.min(axis=0) + pts.max(axis=0)) if center is None else check.vector3("dsv_center", center)
    if radius is None:
        a = np.vstack([p[:-1] for p in paths])
        d = np.vstack([p[1:] for p in paths]) - a
        t = np.clip(((c - a) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-300), 0.0, 1.0)
        r = 0.5 * float(np.min(np.linalg.norm(a + t[:, None] * d - c, axis=1)))
        if r <= 0:
            check._fail("dsv_radius", "given (the coil's centre lies on a conductor)", radius)
    else:
        r = check.positive("dsv_radius", radius)
    return Sphere(tuple(float(v) for v in c), r)


def field_deviation(coil: Coil, reference: Coil, sphere: Sphere) -> float:
    """max |B_coil - B_reference| / max |B_reference| over the sphere's points (module doc)."""
    pts = sphere.points()
    b_ref = field(reference, pts)
    scale = float(np.max(np.linalg.norm(b_ref, axis=1)))
    if scale == 0:
        check._fail("reference", "a coil with a field in the comparison sphere", reference)
    return float(np.max(np.linalg.norm(field(coil, pts) - b_ref, axis=1)) / scale)
