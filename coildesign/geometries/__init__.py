"""Coil generators parametrised the way probe designers think (SI units).

RF coils: ``solenoid``, ``saddle``, ``loop``, ``rectangular_loop``, ``helmholtz_pair``,
``planar_spiral``, ``birdcage`` (``rf_coils``).
"""

from coildesign.geometries.rf_coils import (
    birdcage,
    helmholtz_pair,
    loop,
    planar_spiral,
    rectangular_loop,
    saddle,
    solenoid,
)

__all__ = ["birdcage", "helmholtz_pair", "loop", "planar_spiral", "rectangular_loop", "saddle", "solenoid"]
