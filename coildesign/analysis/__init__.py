"""Gradient-coil analysis: efficiency, linearity, resistance and drive, forces, distortion,
point-spread function and resolution limits (SI units)."""

from coildesign._lazy import lazy_submodules
from coildesign.analysis.drive import Amplifier, drive
from coildesign.analysis.drive_waveforms import imaging_sequence
from coildesign.analysis.eddy_harmonics import eddy_harmonics as eddy_harmonics
from coildesign.analysis.forces import SolenoidMagnet, lorentz_forces
from coildesign.analysis.gradient import deviation_map, deviations, gradient_efficiency, largest_dsv, linearity
from coildesign.analysis.inductance import inductance, inductance_matrix, mutual_inductance
from coildesign.analysis.performance import dc_resistance, gradient_performance
from coildesign.analysis.psf import (
    coil_point_spread,
    geometric_distortion,
    gradient_for_resolution,
    point_spread_function,
    resolution_limits,
)
from coildesign.analysis.sequence_psf import sequence_psf as sequence_psf
from coildesign.analysis.spherical_harmonics import spherical_harmonics as spherical_harmonics
from coildesign.analysis.thermal import thermal

__all__ = [
    "Amplifier",
    "SolenoidMagnet",
    "drive",
    "imaging_sequence",
    "thermal",
    "coil_point_spread",
    "dc_resistance",
    "deviation_map",
    "deviations",
    "geometric_distortion",
    "gradient_efficiency",
    "gradient_for_resolution",
    "gradient_performance",
    "inductance",
    "inductance_matrix",
    "largest_dsv",
    "linearity",
    "lorentz_forces",
    "mutual_inductance",
    "point_spread_function",
    "resolution_limits",
]

# every public submodule is an attribute on first access (import coildesign stays fast)
__getattr__, __dir__ = lazy_submodules(__name__, __path__)
