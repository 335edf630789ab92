"""Lorentz forces and torques on windings in a uniform static field B0.

For a straight segment from P1 to P2 carrying current I in uniform B0, the force is exactly
F = I (P2 - P1) x B0 and the torque about a point O is exactly
tau = I ((P1 + P2)/2 - O) x ((P2 - P1) x B0), because the integrand r x (dl x B0) is linear in
r along the segment (Jackson, Classical Electrodynamics, 3rd ed., eq. 5.12 applied to a line
current). A closed circular loop of radius a and unit normal n has F = 0 and
tau = I pi a^2 n x B0 (magnetic moment m = I pi a^2 n; Jackson eq. 5.1). A balanced gradient
coil therefore has zero net force and (for symmetric designs) near-zero net torque;
unbalanced designs show their torque here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding


@dataclass(frozen=True)
class Forces:
    """Per-winding forces [N] and torques [N m] (about ``origin``) and their totals."""

    forces: np.ndarray  # (n_windings, 3)
    torques: np.ndarray  # (n_windings, 3)
    origin: np.ndarray  # (3,)

    @property
    def net_force(self) -> np.ndarray:
        """Total force [N]."""
        return self.forces.sum(axis=0)

    @property
    def net_torque(self) -> np.ndarray:
        """Total torque about ``origin`` [N m]."""
        return self.torques.sum(axis=0)


def lorentz_forces(
    coil: Coil,
    b0: float | tuple[float, float, float] = 1.0,
    current: float = 1.0,
    *,
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> Forces:
    """Forces and torques on each winding of ``coil`` carrying ``current`` [A] in a uniform
    field ``b0`` [T] (a number means b0 along +z)."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    b = np.array([0.0, 0.0, check.finite("b0", b0)]) if np.isscalar(b0) else check.vector3("b0", b0)
    cur = check.finite("current", current)
    o = check.vector3("origin", origin)
    forces, torques = [], []
    for w, wt in zip(coil.windings, coil.weights):
        i = cur * wt * w.turns
        if isinstance(w, LoopWinding):
            moment = i * np.pi * w.radius**2 * w.normal
            forces.append(np.zeros(3))
            torques.append(np.cross(moment, b))
        else:
            v = w.vertices
            dl = np.diff(v, axis=0)
            f_seg = i * np.cross(dl, b)
            mid = 0.5 * (v[:-1] + v[1:]) - o
            forces.append(f_seg.sum(axis=0))
            torques.append(np.cross(mid, f_seg).sum(axis=0))
    return Forces(np.array(forces), np.array(torques), o)
