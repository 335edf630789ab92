"""Coil generators parametrised the way probe designers think (SI units).

RF coils (``rf_coils``): ``solenoid``, ``saddle``, ``loop``, ``rectangular_loop``,
``helmholtz_pair``, ``planar_spiral``, ``birdcage``.
Gradient coils (``gradient_coils``): ``maxwell_pair``, ``anti_helmholtz``, ``golay``,
``biplanar``, ``gradient_set``.
Resonators (``resonators``): ``stripline``, ``loop_gap_resonator``, ``alderman_grant``, ``micro_helmholtz``.
Winding packs (``winding_pack``): where the N turns of a multi-turn coil lie (``layers``,
``insulation``, ``bundled`` keywords of the multi-turn generators).
"""

from coildesign.geometries.gradient_coils import (
    GradientSet,
    anti_helmholtz,
    biplanar,
    golay,
    gradient_set,
    maxwell_pair,
)
from coildesign.geometries.resonators import (
    alderman_grant,
    hammerstad_jensen,
    loop_gap_resonator,
    micro_helmholtz,
    stripline,
)
from coildesign.geometries.rf_coils import (
    birdcage,
    helmholtz_pair,
    loop,
    planar_spiral,
    rectangular_loop,
    saddle,
    solenoid,
)

__all__ = [
    "GradientSet",
    "alderman_grant",
    "hammerstad_jensen",
    "loop_gap_resonator",
    "stripline",
    "anti_helmholtz",
    "biplanar",
    "birdcage",
    "golay",
    "gradient_set",
    "helmholtz_pair",
    "loop",
    "maxwell_pair",
    "micro_helmholtz",
    "planar_spiral",
    "rectangular_loop",
    "saddle",
    "solenoid",
]
