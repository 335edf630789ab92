"""RF microcoil analysis: the coil's lumped circuit (``CoilCircuit``), impedance (skin,
proximity, self-capacitance), filament (PEEC) solver, tuning/matching with scikit-rf, coil
arrays (coupling, N-port networks, noise-optimal SNR, decoupling) and birdcage ladder modes
(SI units)."""

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

# every submodule is an attribute on first access (e.g. coildesign.rf.snr), as in the
# package root: import coildesign stays fast
import importlib as _importlib  # noqa: E402
import pkgutil as _pkgutil  # noqa: E402


def _submodules() -> set[str]:
    return {m.name for m in _pkgutil.iter_modules(__path__) if not m.name.startswith("_")}


def __getattr__(name: str):
    """A public submodule, imported on first attribute access (PEP 562)."""
    if name in _submodules():
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _submodules())
