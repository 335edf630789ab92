"""Trace width for a current and an allowed temperature rise: the IPC-2221 chart formula.

IPC-2221A (Generic Standard on Printed Board Design, 2003), sec. 6.2, Fig. 6-4 charts the
conductor cross-section a current may carry for a temperature rise; the curve fit published
with the charts' calculators (e.g. the Qorvo and LCSC trace-width tools, which quote it) is

    I = k dT^0.44 A^0.725,   I [A], dT [K], A [mil^2],
    k = 0.048 for external layers, 0.024 for internal layers,

valid for I <= 35 A, dT = 10..100 K and widths up to 400 mil. The width is A / t with the
copper thickness t in mil. IPC-2152 (2009) replaced the charts with measured data that allow
wider currents for internal layers; the 2221 fit is the more conservative one, used here.
"""

from __future__ import annotations

from coildesign import _validation as check
from coildesign.export.fabrication.rules import MIL

K_EXTERNAL = 0.048
K_INTERNAL = 0.024
B_EXPONENT = 0.44
C_EXPONENT = 0.725


def ipc2221_width(current: float, temperature_rise: float = 10.0, copper_thickness: float = 35e-6, *,
                  external: bool = True) -> float:
    """Trace width [m] carrying ``current`` [A] DC at ``temperature_rise`` [K] over ambient on
    copper of ``copper_thickness`` [m] (module doc: A = (I / (k dT^0.44))^(1/0.725) mil^2)."""
    i = check.positive("current", current)
    dt = check.positive("temperature_rise", temperature_rise)
    t = check.positive("copper_thickness", copper_thickness)
    k = K_EXTERNAL if external else K_INTERNAL
    area_mil2 = (i / (k * dt**B_EXPONENT)) ** (1.0 / C_EXPONENT)
    return area_mil2 / (t / MIL) * MIL


def ipc2221_current(width: float, temperature_rise: float = 10.0, copper_thickness: float = 35e-6, *,
                    external: bool = True) -> float:
    """Current [A] a trace of ``width`` [m] carries at ``temperature_rise`` [K] (the inverse of
    ``ipc2221_width``)."""
    w = check.positive("width", width)
    dt = check.positive("temperature_rise", temperature_rise)
    t = check.positive("copper_thickness", copper_thickness)
    k = K_EXTERNAL if external else K_INTERNAL
    return k * dt**B_EXPONENT * ((w / MIL) * (t / MIL)) ** C_EXPONENT
