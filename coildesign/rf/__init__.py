"""RF microcoil analysis: the coil's lumped circuit (``CoilCircuit``), impedance (skin,
proximity, self-capacitance), filament (PEEC) solver, tuning/matching with scikit-rf, coil
arrays (coupling, N-port networks, noise-optimal SNR, decoupling) and birdcage ladder modes
(SI units)."""

from coildesign._lazy import lazy_submodules
from coildesign.rf.array import (
    ArraySNR,
    CapacitiveDecoupling,
    Coupling,
    array_network,
    array_snr,
    capacitive_decoupling,
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
from coildesign.rf.nuclei import NUCLEI, Nucleus, nucleus
from coildesign.rf.resonators import Microslot, ResonatorAnalysis, microslot, resonator_analysis
from coildesign.rf.sample import (
    Box,
    Cylinder,
    Mask,
    Sample,
    Sphere,
    cylinder_in_solenoid_loss,
    dielectric_loss_resistance,
    magnetic_loss_resistance,
)
from coildesign.rf.sensitivity import (
    B1AlongB0Warning,
    b1_field_map,
    b1_map,
    homogeneity,
    rotating_frame_b1,
    sample_b1,
    transverse_b1,
)
from coildesign.rf.snr import WATER_PROTON_CONCENTRATION, SNRResult, curie_magnetization, limit_of_detection

__all__ = [
    "ArraySNR",
    "B1AlongB0Warning",
    "Box",
    "CapacitiveDecoupling",
    "CoilCircuit",
    "Coupling",
    "Cylinder",
    "Mask",
    "MatchResult",
    "MeasurementFit",
    "Microslot",
    "NUCLEI",
    "NetworkElement",
    "Nucleus",
    "ResonatorAnalysis",
    "SNRResult",
    "Sample",
    "Sphere",
    "WATER_PROTON_CONCENTRATION",
    "ac_resistance",
    "array_network",
    "array_snr",
    "b1_field_map",
    "capacitive_decoupling",
    "b1_map",
    "coil_network",
    "coupling",
    "curie_magnetization",
    "cylinder_in_solenoid_loss",
    "decoupling_overlap",
    "dielectric_loss_resistance",
    "fit_measurement",
    "homogeneity",
    "isolation_db",
    "l_networks",
    "limit_of_detection",
    "magnetic_loss_resistance",
    "match",
    "match_capacitors",
    "microslot",
    "nucleus",
    "preamplifier_decoupling",
    "proximity_factor",
    "resonator_analysis",
    "rotating_frame_b1",
    "sample_b1",
    "self_capacitance",
    "self_resonant_frequency",
    "skin_depth",
    "transverse_b1",
    "unloaded_q",
]

# every public submodule is an attribute on first access (import coildesign stays fast)
__getattr__, __dir__ = lazy_submodules(__name__, __path__)
