"""Interoperability with magpylib (>= 5, SI units): the cross-check peer of the field engine."""

from __future__ import annotations

import numpy as np

from coildesign import _validation as check
from coildesign.coil import Coil, LoopWinding


def to_magpylib(coil: Coil, current: float = 1.0):
    """A ``magpylib.Collection`` whose ``getB`` [T] equals ``coildesign.field(coil, pts, current)``.

    Polyline windings become ``magpylib.current.Polyline`` (closed ones with the first vertex
    repeated), loops become ``magpylib.current.Circle`` oriented so that their local +z is the
    loop normal. Each source carries ``current * weight`` [A].
    """
    import magpylib
    from scipy.spatial.transform import Rotation

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    cur = check.finite("current", current)
    sources = []
    for w, wt in zip(coil.windings, coil.weights):
        wt = wt * w.turns
        if isinstance(w, LoopWinding):
            z = np.array([0.0, 0.0, 1.0])
            axis = np.cross(z, w.normal)
            s = np.linalg.norm(axis)
            angle = np.arctan2(s, float(z @ w.normal))
            rot = Rotation.from_rotvec(axis / s * angle if s > 0 else np.array([np.pi, 0, 0]) * (angle > 1))
            sources.append(magpylib.current.Circle(position=w.center, orientation=rot,
                                                   diameter=2.0 * w.radius, current=cur * wt))
        else:
            sources.append(magpylib.current.Polyline(current=cur * wt, vertices=w.vertices))
    return magpylib.Collection(*sources, style_label=coil.name)
