"""scikit-rf networks of coils and matching networks (scikit-rf >= 1.0; names of skrf 2.x).

- ``coil_one_port(frequency, R, L, C_self, z0, name)``: the lumped coil (series branch
  ``R(f) + j omega L`` shunted by ``C_self``) as a one-port ``skrf.Network`` built from
  ``skrf.media.DefinedGammaZ0`` lumped elements:
  ``shunt_capacitor(C_self) ** resistor(R) ** inductor(L) ** short()``; used by
  ``coildesign.rf.circuit.CoilCircuit.network`` and ``coildesign.rf.coil_network``.
- ``ladder_two_port(elements, frequency, z0)``: a matching network (``NetworkElement`` list,
  line side first) as a 2-port of the same media elements; ``MatchResult.matching_network``.

The results are ordinary scikit-rf objects: cascade with ``**``, write Touchstone files with
``write_touchstone``, plot Smith charts, fit Q with ``skrf.qfactor.Qfactor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coildesign import _validation as check

__all__ = ["coil_one_port", "frequency_axis", "ladder_two_port"]


def _media(frequency, z0: float):
    import skrf

    return skrf.media.DefinedGammaZ0(frequency=frequency, z0_port=z0, z0=z0)


def frequency_axis(frequencies):
    """``frequencies`` [Hz] (strictly increasing, finite, > 0) as a ``skrf.Frequency``
    (returned unchanged when it is one)."""
    import skrf

    if isinstance(frequencies, skrf.Frequency):
        return frequencies
    f = np.atleast_1d(np.asarray(frequencies, dtype=float))
    if f.ndim != 1 or not np.isfinite(f).all() or np.any(f <= 0) or np.any(np.diff(f) <= 0):
        check._fail("frequencies", "a strictly increasing 1-D array of finite frequencies > 0 [Hz] "
                    "or a skrf.Frequency", frequencies)
    return skrf.Frequency.from_f(f, unit="Hz")


def ladder_two_port(elements: Sequence, frequency, z0: float = 50.0, *, name: str = "matching network"):
    """A 2-port ``skrf.Network`` of lumped ``elements`` (``coildesign.rf.matching.NetworkElement``,
    port 1 side first) over ``frequency`` (``skrf.Frequency`` or frequencies [Hz]) with port
    reference ``z0`` [ohm]. A series element is ``resistor(ESR) ** capacitor(C)`` (or
    ``inductor(L)``); a shunt element is the same one-port terminated by ``short()`` placed
    across the line with ``media.shunt``."""
    z0v = check.positive("z0", z0)
    freq = frequency_axis(frequency)
    media = _media(freq, z0v)
    parts = []
    for e in elements:
        reactive = media.capacitor(e.value) if e.kind == "capacitor" else media.inductor(e.value)
        two_port = media.resistor(e.esr) ** reactive if e.esr > 0.0 else reactive
        parts.append(two_port if e.position == "series" else media.shunt(two_port ** media.short(nports=1)))
    if not parts:
        check._fail("elements", "at least one network element", elements)
    net = parts[0]
    for part in parts[1:]:
        net = net**part
    net.name = name
    return net


def coil_one_port(frequency, resistance: np.ndarray, inductance: float, c_self: float, z0: float, name: str):
    """The lumped coil as a one-port of media elements over ``frequency`` (``skrf.Frequency``):
    ``shunt_capacitor(C_self) ** resistor(R(f)) ** inductor(L) ** short()`` (no shunt capacitor
    when ``c_self`` is 0); ``resistance`` [ohm] per frequency, ``inductance`` [H], ``c_self``
    [F], reference ``z0`` [ohm]."""
    media = _media(frequency, z0)
    series = media.resistor(resistance) ** media.inductor(inductance) ** media.short(nports=1)
    net = media.shunt_capacitor(c_self) ** series if c_self > 0.0 else series
    net.name = name
    return net
