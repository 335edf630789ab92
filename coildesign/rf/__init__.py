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
from coildesign.rf.matching import MatchResult, NetworkElement, l_networks, match, match_capacitors
from coildesign.rf.network import coil_network

__all__ = [
    "MatchResult",
    "NetworkElement",
    "ac_resistance",
    "coil_network",
    "l_networks",
    "match",
    "match_capacitors",
    "proximity_factor",
    "self_capacitance",
    "self_resonant_frequency",
    "skin_depth",
    "unloaded_q",
]

# every submodule is an attribute on first access (e.g. coildesign.rf.snr)
from coildesign._lazy import lazy_attributes  # noqa: E402 (after the public names)

__getattr__, __dir__ = lazy_attributes(__name__)
