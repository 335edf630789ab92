"""scikit-rf networks of coils and matching networks (scikit-rf >= 1.0; names of skrf 2.x).

- ``coil_network(coil, frequencies)``: the bare coil as a one-port ``skrf.Network``: the
  series branch ``R(f) + j omega L`` shunted by ``C_self`` (the lumped coil model of
  ``coildesign.rf.matching``), with R(f) from ``coildesign.rf.impedance.ac_resistance`` at every
  frequency (skin and proximity effect; plus the sample's eddy-current loss when a sample is
  given), L from ``coildesign.analysis.inductance.inductance`` and C_self from
  ``coildesign.rf.impedance.self_capacitance``. It is built from ``skrf.media.DefinedGammaZ0``
  lumped elements: ``shunt_capacitor(C_self) ** resistor(R) ** inductor(L) ** short()``.
- ``ladder_two_port(elements, frequency, z0)``: a matching network (``NetworkElement`` list,
  line side first) as a 2-port of the same media elements; ``MatchResult.matching_network``.

The results are ordinary scikit-rf objects: cascade with ``**``, write Touchstone files with
``write_touchstone``, plot Smith charts, fit Q with ``skrf.qfactor.Qfactor``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coildesign import _validation as check

__all__ = ["coil_network", "ladder_two_port"]


def _media(frequency, z0: float):
    import skrf

    return skrf.media.DefinedGammaZ0(frequency=frequency, z0_port=z0, z0=z0)


def _frequency(frequencies):
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
    freq = _frequency(frequency)
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


def _sample_loss(coil, sample, f: np.ndarray, conductivity: float | None) -> np.ndarray:
    """Eddy-current loss resistance [ohm] of ``sample`` at the frequencies ``f`` [Hz]. The
    quasi-static loss of ``coildesign.rf.sample.magnetic_loss_resistance`` is sigma omega^2 K
    with K = int |A + grad psi|^2 dV per ampere^2 depending on the geometry only (D. I. Hoult and
    P. C. Lauterbur, J. Magn. Reson. 34, 425 (1979): R_sample proportional to sigma omega^2), so K
    is computed once (at the middle frequency with sigma = 1 S/m) and scaled."""
    from coildesign.rf.sample import magnetic_loss_resistance

    f_ref = float(np.median(f))
    k = magnetic_loss_resistance(coil, sample, f_ref, 1.0) / (2.0 * np.pi * f_ref) ** 2
    if conductivity is None:
        if getattr(sample, "medium", None) is None:
            check._fail("conductivity", "given (in S/m) when the sample has no medium", None)
        sigma = np.asarray(sample.medium.effective_conductivity(f), dtype=float)
    else:
        sigma = check.positive("conductivity", conductivity, allow_zero=True)
    return sigma * (2.0 * np.pi * f) ** 2 * k


def coil_network(coil, frequencies, *, z0: float = 50.0, temperature: float | None = None,
                 c_self: float | None = None, sample=None, conductivity: float | None = None,
                 name: str | None = None):
    """The bare ``coil`` as a one-port ``skrf.Network`` over ``frequencies`` [Hz] (or a
    ``skrf.Frequency``), reference ``z0`` [ohm] (module docstring for the model and sources).

    ``temperature`` [K] for the resistance (default: ``ac_resistance``'s 293.15 K); ``c_self``
    [F] overrides the self-capacitance (default ``self_capacitance(coil)``, 0 where it does not
    support the coil type); ``sample`` (a ``coildesign.rf.sample`` shape) adds its eddy-current
    loss resistance at every frequency (``conductivity`` [S/m] or the sample medium's
    frequency-dependent effective conductivity; the geometry integral is computed once and
    scaled as sigma omega^2). ``ac_resistance`` is evaluated at each frequency (~0.4 ms each
    for a solenoid).
    """
    from coildesign.analysis.inductance import inductance
    from coildesign.coil import Coil
    from coildesign.rf.impedance import ac_resistance, self_capacitance

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    z0v = check.positive("z0", z0)
    freq = _frequency(frequencies)
    f = freq.f
    kw = {} if temperature is None else {"temperature": check.positive("temperature", temperature)}
    resistance = np.array([ac_resistance(coil, fi, **kw) for fi in f])
    if sample is not None:
        resistance = resistance + _sample_loss(coil, sample, f, conductivity)
    l_coil = float(inductance(coil))
    if c_self is None:
        try:
            cs = float(self_capacitance(coil))
        except ValueError:
            cs = 0.0
    else:
        cs = check.positive("c_self", c_self, allow_zero=True)
    media = _media(freq, z0v)
    series = media.resistor(resistance) ** media.inductor(l_coil) ** media.short(nports=1)
    net = media.shunt_capacitor(cs) ** series if cs > 0.0 else series
    net.name = name if name is not None else coil.name
    return net
