"""Gradient-coil analysis: efficiency, linearity, resistance and drive, forces, distortion,
point-spread function and resolution limits (SI units)."""

from coildesign.analysis.drive import Amplifier, drive
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

# every submodule is an attribute on first access (e.g. coildesign.analysis.handbook), as in the
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
