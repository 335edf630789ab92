"""Board frames: how a flat board's coordinates (x, y [m], a copper layer's offset [m] along the
board normal) map to space and back.

``PlaneFrame``: a flat board; x, y along the in-plane axes u, v (u x v = normal), offset along the
normal. Straight board segments stay straight in space.

``CylinderFrame``: a flex board wrapped round a cylinder of radius R (the radius of the design
surface, where the board's reference plane sits). x = R (phi - seam) with phi in [seam,
seam + 2 pi) (so the board is the circumference 2 pi R wide and the seam, the line phi = seam,
is its left and right edge), y = axial coordinate, offset = radial distance from R. A thin
flex keeps angles when it is rolled (every layer at angle phi = seam + x / R, radius R +
offset), so a straight board segment becomes a helix arc in space; ``curve`` samples it with
angular steps of at most ``ARC_STEP`` (chord sag R ARC_STEP^2 / 8 = 1.3e-7 R).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ARC_STEP = 1e-3
"""Largest angular step [rad] of a rolled flex segment's samples (module doc)."""


@dataclass(frozen=True, eq=False)
class PlaneFrame:
    """A flat board: ``origin`` [m] (on the reference layer) and ``axes`` rows u, v, normal."""

    origin: np.ndarray
    axes: np.ndarray
    kind = "plane"

    def flatten(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(xy (N, 2) [m], offset (N,) [m]) of space points (N, 3)."""
        d = np.asarray(points, dtype=float) - self.origin
        return np.c_[d @ self.axes[0], d @ self.axes[1]], d @ self.axes[2]

    def place(self, xy: np.ndarray, offset) -> np.ndarray:
        """Space points (N, 3) [m] of board points ``xy`` at ``offset`` [m]."""
        xy = np.atleast_2d(xy)
        off = np.broadcast_to(np.asarray(offset, dtype=float), (len(xy),))
        return self.origin + np.outer(xy[:, 0], self.axes[0]) + np.outer(xy[:, 1], self.axes[1]) + \
            np.outer(off, self.axes[2])

    def curve(self, a: np.ndarray, b: np.ndarray, offset: float) -> np.ndarray:
        """Space points of the board segment a -> b at ``offset`` without its first point."""
        return self.place(np.asarray(b)[None], offset)

    def describe(self) -> dict:
        """The frame as a plain dict (SI units)."""
        return {"kind": "plane", "origin": self.origin, "u": self.axes[0], "v": self.axes[1], "normal": self.axes[2]}


@dataclass(frozen=True, eq=False)
class CylinderFrame:
    """A flex board rolled on a cylinder: ``center`` [m] on the axis, ``axes`` rows e1, e2, axis
    (right-handed), ``radius`` R [m] of the reference layer, ``seam`` angle [rad] from e1."""

    center: np.ndarray
    axes: np.ndarray
    radius: float
    seam: float
    kind = "cylinder"

    @property
    def circumference(self) -> float:
        """Board width 2 pi R [m]."""
        return float(2.0 * np.pi * self.radius)

    def angles(self, points: np.ndarray) -> np.ndarray:
        """Angles [rad] in [0, 2 pi) of space points measured from the seam."""
        d = np.asarray(points, dtype=float) - self.center
        phi = np.arctan2(d @ self.axes[1], d @ self.axes[0]) - self.seam
        return np.mod(phi, 2.0 * np.pi)

    def flatten(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(xy (N, 2) [m], offset (N,) [m]) of space points (module doc)."""
        d = np.asarray(points, dtype=float) - self.center
        rho = np.hypot(d @ self.axes[0], d @ self.axes[1])
        return np.c_[self.radius * self.angles(points), d @ self.axes[2]], rho - self.radius

    def place(self, xy: np.ndarray, offset) -> np.ndarray:
        """Space points (N, 3) [m] of board points at ``offset`` [m] (module doc)."""
        xy = np.atleast_2d(xy)
        rho = self.radius + np.broadcast_to(np.asarray(offset, dtype=float), (len(xy),))
        phi = self.seam + xy[:, 0] / self.radius
        return self.center + np.outer(rho * np.cos(phi), self.axes[0]) + np.outer(rho * np.sin(phi), self.axes[1]) + \
            np.outer(xy[:, 1], self.axes[2])

    def curve(self, a: np.ndarray, b: np.ndarray, offset: float) -> np.ndarray:
        """Space samples of the rolled board segment a -> b (a helix arc) without its first point."""
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        n = max(1, int(np.ceil(abs(b[0] - a[0]) / self.radius / ARC_STEP)))
        t = np.arange(1, n + 1)[:, None] / n
        return self.place(a + t * (b - a), offset)

    def describe(self) -> dict:
        """The frame as a plain dict (SI units; ``seam`` in degrees from e1 about the axis)."""
        return {"kind": "cylinder", "center": self.center, "e1": self.axes[0], "e2": self.axes[1],
                "axis": self.axes[2], "radius": self.radius, "seam_degrees": float(np.degrees(self.seam)),
                "width": self.circumference}
