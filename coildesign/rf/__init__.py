"""RF microcoil analysis: the coil's lumped circuit (``CoilCircuit``), impedance (skin,
proximity, self-capacitance), filament (PEEC) solver, tuning/matching with scikit-rf, coil
arrays (coupling, N-port networks, noise-optimal SNR, decoupling) and birdcage ladder modes
(SI units)."""

from coildesign._lazy import lazy_submodules
from coildesign.rf.array import (
    ArraySNR,
    Coupling,
    array_network,
    array_snr,
    coupling,
    decoupling_overlap,
    isolation_db,
    preamplifier_decoupling,
)
from coildesign.rf.circuit import CoilCircuit, coil_network
from coildesign.rf.impedance import (
    ac_resistance,
    proximity_factor,
    self_capacitance,
    self_resonant_frequency,
    skin_depth,
    unloaded_q,
)
from coildesign.rf.matching import MatchResult, NetworkElement, l_networks, match, match_capacitors
from coildesign.rf.measurement import MeasurementFit, fit_measurement
from coildesign.rf.resonators import ResonatorAnalysis, resonator_analysis

__all__ = [
    "ArraySNR",
    "CoilCircuit",
    "Coupling",
    "array_network",
    "array_snr",
    "coupling",
    "decoupling_overlap",
    "fit_measurement",
    "isolation_db",
    "preamplifier_decoupling",
    "resonator_analysis",
    "MatchResult",
    "MeasurementFit",
    "ResonatorAnalysis",
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

# every public submodule is an attribute on first access (import coildesign stays fast)
__getattr__, __dir__ = lazy_submodules(__name__, __path__)
