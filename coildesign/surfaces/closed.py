"""Closed surfaces: a sphere mesh (a closed conducting can for eddy-current checks).

The vertices are a Fibonacci lattice on the sphere (nearly uniform spacing; Gonzalez, Math.
Geosci. 42, 49 (2010)); the faces are its convex hull (every face of the hull of points on a
sphere is a Delaunay triangle of the sphere; Brown, Inf. Process. Lett. 9, 223 (1979)),
oriented with outward normals.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull

from coildesign import _validation as check
from coildesign.surfaces.surfaces import Surface, _check_size


def sphere(radius: float, resolution: float | None = None, *, center=(0.0, 0.0, 0.0), name: str = "sphere") -> Surface:
    """A closed sphere of ``radius`` [m] about ``center`` [m], outward normals; ``resolution``
    [m] is the target edge length (default 2 pi radius / 40)."""
    a = check.positive("radius", radius)
    c = check.vector3("center", center)
    h = 2 * np.pi * a / 40 if resolution is None else check.positive("resolution", resolution)
    # a Fibonacci lattice of n points has ~2n faces of area ~ sqrt(3)/4 h^2 covering 4 pi a^2
    n = max(12, int(np.ceil(8 * np.pi * a * a / (np.sqrt(3) * h * h))))
    _check_size(n)
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    r = np.sqrt(1.0 - z * z)
    phi = np.pi * (1.0 + np.sqrt(5.0)) * i
    p = a * np.c_[r * np.cos(phi), r * np.sin(phi), z]
    faces = ConvexHull(p).simplices.astype(np.int64)
    corners = p[faces]
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    flip = np.einsum("fj,fj->f", normal, corners.mean(axis=1)) < 0
    faces[flip] = faces[flip][:, ::-1]
    return Surface(p + c, faces, name=name,
                   parameters={"kind": "sphere", "radius": a, "center": c.tolist(), "resolution": h})
