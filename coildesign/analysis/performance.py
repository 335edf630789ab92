"""DC resistance, drive limits, switching and heating of a gradient coil.

Conventions
-----------
- Winding weights are current multipliers: winding k carries w_k I in each of its n_k
  coincident turns. The series resistance referred to the terminal current is the
  power-equivalent R = sum_k w_k^2 R_k with R_k = rho(T) n_k l_k / A_k (``Winding.length``
  includes the turns).
- Amplifier model: a voltage ``v_max`` [V] and current ``i_max`` [A] limited source driving
  the coil's series R-L. Maximum gradient G_max = eta i_max. The slew rate from rest is
  S = eta v_max / L (Turner, Prog. NMR Spectr. 25, 109 (1993), sec. 2); the rise time to
  G_max with resistance is t_r = -(L/R) ln(1 - R i_max / v_max) (first-order R-L step
  response), tending to L i_max / v_max as R -> 0. Stored energy W = L i_max^2 / 2, power
  P = R i_max^2. Figures of merit eta^2/L [T^2/(m^2 H)] and eta^2/R [T^2/(m^2 ohm)].
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._text import table
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.inductance import inductance as self_inductance
from coildesign.coil import Coil


def dc_resistance(coil: Coil, temperature: float = 293.15) -> float:
    """Power-equivalent DC resistance [ohm] at ``temperature`` [K] (see module doc)."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign.Coil", coil, TypeError)
    total = 0.0
    for k, (w, wt) in enumerate(zip(coil.windings, coil.weights)):
        if w.cross_section is None:
            check._fail(f"coil.windings[{k}]", "a conductor with a cross-section (wire_diameter or strip) to "
                        "have a resistance", "a filament")
        total += wt**2 * w.material.resistivity_at(temperature) * w.length / w.cross_section.area
    return float(total)


@dataclass(frozen=True)
class GradientPerformance:
    """Gradient-coil figures of merit with an amplifier (SI units, see module doc)."""

    name: str
    efficiency: float  # [T/(m A)]
    inductance: float  # [H]
    resistance: float  # [ohm]
    max_gradient: float  # [T/m]
    slew_rate: float  # [T/(m s)]
    rise_time: float  # [s]
    stored_energy: float  # [J]
    power: float  # [W] at max_gradient (DC)
    eta2_over_l: float  # [T^2/(m^2 H)]
    eta2_over_r: float  # [T^2/(m^2 ohm)]

    def as_dict(self) -> dict:
        """Plain dict of the figures (SI units)."""
        return asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit) of each figure, the coil's name first: the rows of ``__str__``
        and of the probe summary's tables."""
        return [
            ("coil", self.name),
            ("efficiency", f"{self.efficiency * 1e3:.5g} mT/(m A)"),
            ("inductance", f"{self.inductance * 1e6:.5g} uH"),
            ("resistance", f"{self.resistance * 1e3:.5g} mOhm"),
            ("max gradient", f"{self.max_gradient:.5g} T/m"),
            ("slew rate", f"{self.slew_rate:.5g} T/(m s)"),
            ("rise time", f"{self.rise_time * 1e6:.5g} us"),
            ("stored energy", f"{self.stored_energy * 1e3:.5g} mJ"),
            ("power at max gradient", f"{self.power:.5g} W"),
            ("eta^2/L", f"{self.eta2_over_l:.5g} T^2/(m^2 H)"),
            ("eta^2/R", f"{self.eta2_over_r:.5g} T^2/(m^2 ohm)"),
        ]

    def __str__(self) -> str:
        return table(self.rows())


def gradient_performance(
    coil: Coil,
    *,
    v_max: float = 100.0,
    i_max: float = 10.0,
    temperature: float = 293.15,
    inductance: float | None = None,
    resistance: float | None = None,
    axis: str | np.ndarray | None = None,
) -> GradientPerformance:
    """Figures of merit of a gradient coil driven by an amplifier of ``v_max`` [V] and
    ``i_max`` [A]. ``inductance`` [H] / ``resistance`` [ohm] are computed when not given."""
    v_max = check.positive("v_max", v_max)
    i_max = check.positive("i_max", i_max)
    eta = gradient_efficiency(coil, axis)
    if inductance is None:
        inductance = self_inductance(coil)
    ind = check.positive("inductance", inductance)
    res = dc_resistance(coil, temperature) if resistance is None else check.positive(
        "resistance", resistance, allow_zero=True)
    if res * i_max >= v_max:
        check._fail("i_max", f"below v_max / R = {v_max / res:.4g} A (the amplifier cannot drive more "
                    "current through the coil's resistance)", i_max)
    rise = ind * i_max / v_max if res == 0 else -(ind / res) * np.log1p(-res * i_max / v_max)
    return GradientPerformance(
        name=coil.name,
        efficiency=eta,
        inductance=ind,
        resistance=res,
        max_gradient=abs(eta) * i_max,
        slew_rate=abs(eta) * v_max / ind,
        rise_time=float(rise),
        stored_energy=0.5 * ind * i_max**2,
        power=res * i_max**2,
        eta2_over_l=eta**2 / ind,
        eta2_over_r=eta**2 / res if res > 0 else np.inf,
    )
