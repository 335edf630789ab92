"""Nuclear data for NMR sensitivity: gyromagnetic ratio, spin and natural abundance.

Source
------
R. K. Harris, E. D. Becker, S. M. Cabral de Menezes, R. Goodfellow and P. Granger,
"NMR nomenclature. Nuclear spin properties and conventions for chemical shifts (IUPAC
Recommendations 2001)", Pure Appl. Chem. 73, 1795-1818 (2001), Table 1 (magnetogyric ratio
gamma / 10^7 rad s^-1 T^-1, spin quantum number I, natural abundance in per cent). The 1H value
26.7522128e7 rad/(s T) is the bare proton's (CODATA 1998); scipy's CODATA 2018 value
2.6752218744e8 differs by 2e-7 relative, well below anything an SNR estimate resolves.

Conventions
-----------
SI units: ``gamma`` [rad/(s T)] with its sign (negative for 3He, 15N, 17O, 29Si, 129Xe, whose
magnetisation precesses counter-clockwise about B0; for them the transmit field is the
rotating-frame B1- rather than B1+, see ``coildesign.rf.sensitivity``), ``abundance`` as a
fraction (0..1), Larmor frequency f0 = |gamma| B0 / (2 pi) [Hz].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check

__all__ = ["NUCLEI", "Nucleus", "larmor_frequency", "nucleus"]


@dataclass(frozen=True)
class Nucleus:
    """An NMR nucleus: ``gamma`` [rad/(s T)], ``spin`` I (half-integer), natural ``abundance``
    (fraction 0..1)."""

    name: str
    gamma: float
    spin: float
    abundance: float

    def larmor_frequency(self, b0: float) -> float:
        """Larmor frequency f0 = |gamma| B0 / (2 pi) [Hz] at ``b0`` [T]."""
        f0 = abs(self.gamma) * check.magnetic_field_strength("b0", b0) / (2.0 * np.pi)
        return check.result("Larmor frequency", f0, b0=b0)

    def field_for_frequency(self, frequency: float) -> float:
        """B0 = 2 pi f0 / |gamma| [T] at which this nucleus resonates at ``frequency`` [Hz]."""
        return 2.0 * np.pi * check.positive("frequency", frequency) / abs(self.gamma)

    @property
    def spin_factor(self) -> float:
        """I (I + 1), the spin factor of the Curie law (dimensionless)."""
        return self.spin * (self.spin + 1.0)


# Harris et al. 2001, Table 1: (name, gamma / 1e7 rad s^-1 T^-1, spin I, natural abundance %).
_TABLE = (
    ("1H", 26.7522128, 0.5, 99.9885),
    ("2H", 4.10662791, 1.0, 0.0115),
    ("3He", -20.3801587, 0.5, 0.000137),
    ("13C", 6.728284, 0.5, 1.07),
    ("14N", 1.9337792, 1.0, 99.632),
    ("15N", -2.71261804, 0.5, 0.368),
    ("17O", -3.62808, 2.5, 0.038),
    ("19F", 25.18148, 0.5, 100.0),
    ("23Na", 7.0808493, 1.5, 100.0),
    ("29Si", -5.3190, 0.5, 4.6832),
    ("31P", 10.8394, 0.5, 100.0),
    ("129Xe", -7.452103, 0.5, 26.44),
)

NUCLEI: dict[str, Nucleus] = {name: Nucleus(name, g * 1e7, spin, ab / 100.0) for name, g, spin, ab in _TABLE}


def nucleus(name: str | Nucleus) -> Nucleus:
    """The ``Nucleus`` called ``name`` (a key of ``NUCLEI``, e.g. ``"1H"``); a ``Nucleus``
    passes through unchanged."""
    if isinstance(name, Nucleus):
        return name
    if not isinstance(name, str):
        check._fail("nucleus", "a nucleus name (str) or a Nucleus", name, TypeError)
    check.choice("nucleus", name, tuple(NUCLEI))
    return NUCLEI[name]


def larmor_frequency(name: str | Nucleus, b0: float) -> float:
    """Larmor frequency [Hz] of nucleus ``name`` at ``b0`` [T]: |gamma| B0 / (2 pi)."""
    return nucleus(name).larmor_frequency(b0)
