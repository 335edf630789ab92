"""Sampling of regions of interest: sphere (DSV), cylinder and box.

Linearity statistics are maxima and RMS values over point sets that fill the region: a cubic
grid of ``n`` points per diameter clipped to the region, plus points on its surface (where a
gradient's deviation is largest for harmonic fields: the maximum principle for harmonic
functions, Kellogg, Foundations of Potential Theory, ch. X). Sphere surfaces use a Fibonacci
lattice (near-uniform area coverage, Gonzalez, Math. Geosci. 42, 49 (2010)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check

REGIONS = ("sphere", "cylinder", "box")


def fibonacci_sphere(n: int) -> np.ndarray:
    """``n`` near-uniform unit vectors (Fibonacci lattice), shape (n, 3)."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + np.sqrt(5.0)) * i
    s = np.sqrt(1.0 - z * z)
    return np.c_[s * np.cos(phi), s * np.sin(phi), z]


@dataclass(frozen=True)
class Region:
    """A region of interest centred at ``center`` [m]: a sphere of ``radius``, a z-axis
    cylinder of ``radius`` and ``length``, or a box of half-size ``radius`` (cube) [m]."""

    shape: str
    radius: float
    length: float | None = None
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        check.choice("region", self.shape, REGIONS)
        check.positive("radius", self.radius)
        if self.shape == "cylinder":
            check.positive("length", self.length if self.length is not None else 2 * self.radius)
        check.vector3("center", self.center)

    def sample(self, n: int = 21, n_surface: int = 400) -> np.ndarray:
        """Points [m] filling the region (grid of ``n`` per diameter) and on its surface."""
        n = check.positive_int("n", n, minimum=3)
        r = self.radius
        half_z = 0.5 * (self.length or 2 * r) if self.shape == "cylinder" else r
        g = np.linspace(-1.0, 1.0, n)
        x, y, z = np.meshgrid(g * r, g * r, g * half_z, indexing="ij")
        pts = np.c_[x.ravel(), y.ravel(), z.ravel()]
        if self.shape == "sphere":
            pts = pts[np.einsum("ij,ij->i", pts, pts) <= r * r * (1 + 1e-12)]
            surface = r * fibonacci_sphere(n_surface)
        elif self.shape == "cylinder":
            pts = pts[pts[:, 0] ** 2 + pts[:, 1] ** 2 <= r * r * (1 + 1e-12)]
            phi = np.linspace(0, 2 * np.pi, max(8, n_surface // n), endpoint=False)
            zz = np.linspace(-half_z, half_z, n)
            pp, zz = np.meshgrid(phi, zz)
            surface = np.c_[r * np.cos(pp.ravel()), r * np.sin(pp.ravel()), zz.ravel()]
        else:
            surface = np.empty((0, 3))
        return np.vstack([pts, surface]) + np.asarray(self.center, dtype=float)
