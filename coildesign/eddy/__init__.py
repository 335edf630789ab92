"""Eddy currents in the conductors around a coil: thin shells, their modes, eddy fields.

``Shell`` (a surface with thickness and conductivity) -> ``modes`` (time constants and current
patterns of all shells, coupled) -> ``step_response``, ``response`` (eddy field of a coil's
current step or waveform), ``terms`` (the scanner's pre-emphasis model), ``dissipated_energy``,
``impedance`` and ``report`` (figures of merit). Sits beside ``analysis``: it uses
``surfaces``, ``fields`` and ``coil`` only.
"""

from coildesign.eddy.modes import Modes, modes
from coildesign.eddy.response import (
    Energy,
    Impedance,
    Response,
    StepResponse,
    dissipated_energy,
    exponential_filter,
    impedance,
    response,
    step_response,
)
from coildesign.eddy.sheet import SheetCurrent
from coildesign.eddy.shell import Shell, ThinSheetWarning
from coildesign.eddy.terms import EddyReport, EddyTerms, report, residual_fraction, terms

__all__ = [
    "EddyReport",
    "EddyTerms",
    "Energy",
    "Impedance",
    "Modes",
    "Response",
    "Shell",
    "SheetCurrent",
    "StepResponse",
    "ThinSheetWarning",
    "dissipated_energy",
    "exponential_filter",
    "impedance",
    "modes",
    "report",
    "residual_fraction",
    "response",
    "step_response",
    "terms",
]
