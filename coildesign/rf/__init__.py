"""RF microcoil analysis: impedance (skin, proximity, self-capacitance), filament (PEEC)
solver, tuning/matching with scikit-rf and birdcage ladder modes (SI units)."""

from coildesign.rf.impedance import (
    ac_resistance,
    proximity_factor,
    self_capacitance,
    self_resonant_frequency,
    skin_depth,
    unloaded_q,
)
from coildesign.rf.matching import MatchResult, match, match_capacitors

__all__ = [
    "MatchResult",
    "ac_resistance",
    "match",
    "match_capacitors",
    "proximity_factor",
    "self_capacitance",
    "self_resonant_frequency",
    "skin_depth",
    "unloaded_q",
]
