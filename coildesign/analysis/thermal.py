"""Lumped thermal model of a coil: temperature rise, runaway, time to a limit, duty cycle.

Model (one thermal node: the conductor, optionally with its former/potting lumped in):

    C dT/dt = P(T) - (T - T_a) / R_th,    P(T) = I_rms^2 R(T),

with heat capacity C [J/K], thermal resistance R_th [K/W] to a coolant or the air at T_a [K]
and the resistance rising linearly with temperature, R(T) = R_a (1 + alpha_a (T - T_a)),
alpha_a = (dR/dT) / R(T_a) (for copper alpha = 3.93e-3 /K at 20 degC: IEC 60028,
"International standard of resistance for copper" (1925), the annealed-copper standard;
``coildesign.conductors``). With theta = T - T_a and P_a = I_rms^2 R_a the equation is linear,

    C dtheta/dt = P_a - k theta,    k = 1/R_th - alpha_a P_a,

so theta(t) = (P_a / k)(1 - exp(-k t / C)) exactly. For k > 0 the coil settles at the steady rise
theta_ss = P_a R_th / (1 - alpha_a P_a R_th) with time constant C/k; for k <= 0 (alpha_a P_a R_th
>= 1) there is no steady state: thermal runaway, the rise grows without bound (exponentially
for k < 0). The initial heating rate is P_a / C (adiabatic: R_th = inf). A steady rise of at
most theta_lim = T_lim - T_a needs a mean ambient-temperature power of at most
P_max = theta_lim / (R_th (1 + alpha_a theta_lim)); the duty cycle (fraction of the load
that can be played continuously) is P_max / P_a and the largest gradient amplitude scales
with its square root (power ~ I^2).

The mean power is used: valid when the sequence's repetition is short against the thermal
time constant C/k (the ripple within one repetition is then small), which is the assumption
of a console's duty-cycle estimate. The model has one node: hot spots inside a thick winding
pack run hotter than its mean temperature.

Material constants (``MASS_DENSITY`` [kg/m^3], ``SPECIFIC_HEAT`` [J/(kg K)]): copper 8960 and
385, silver 10490 and 235, gold 19300 and 129, aluminium 2700 and 897 (CRC Handbook of
Chemistry and Physics, 97th ed. (2016), "Physical constants of inorganic compounds" and
"Heat capacity of the elements at 25 degC", converted from molar heat capacity: Cu 24.44,
Ag 25.35, Au 25.42, Al 24.20 J/(mol K)); annealed standard copper (``copper_iacs``) 8890 kg/m^3
(IEC 60028). Heat-transfer coefficients of a stated cooling (``COOLING`` [W/(m^2 K)], applied
to the conductor surface): still air 10, forced air 100, water-cooled plate 1000; these are
representative values inside the ranges of F. P. Incropera, D. P. DeWitt, T. L. Bergman and
A. S. Lavine, Fundamentals of Heat and Mass Transfer, 6th ed. (Wiley 2007), Table 1.1 (free
convection of gases 2-25, forced convection of gases 25-250, forced convection of liquids
100-20,000 W/(m^2 K)); the plate's value stands for a bond layer of ~0.2 mm of epoxy
(k ~ 0.2 W/(m K)) in series with the water. Measure R_th of a real insert and pass
``thermal_resistance``: these defaults are estimates to an order of magnitude.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign._text import table
from coildesign.analysis.performance import dc_resistance
from coildesign.coil import Coil, require_coil

MASS_DENSITY = {"copper": 8960.0, "copper_iacs": 8890.0, "silver": 10490.0, "gold": 19300.0, "aluminium": 2700.0}
SPECIFIC_HEAT = {"copper": 385.0, "copper_iacs": 385.0, "silver": 235.0, "gold": 129.0, "aluminium": 897.0}
COOLING = {"still air": 10.0, "forced air": 100.0, "water-cooled plate": 1000.0}
COPPER_ALPHA = 3.93e-3  # [1/K] at 20 degC, IEC 60028


def _winding_material(coil: Coil, k: int, w) -> str:
    name = w.material.name
    if name not in MASS_DENSITY:
        check._fail(f"coil.windings[{k}].material", "one of " + ", ".join(sorted(MASS_DENSITY)) + " (a known density "
                    "and specific heat) or pass heat_capacity", name)
    if w.cross_section is None:
        check._fail(f"coil.windings[{k}]", "a conductor with a cross-section (wire_diameter or strip) to have a "
                    "mass and a surface", "a filament")
    return name


def conductor_heat_capacity(coil: Coil) -> float:
    """Heat capacity [J/K] of the coil's conductor: sum of density x specific heat x
    cross-section area x conductor length (``Winding.length``, turns included) over the
    windings (module doc for the constants). Add a former's or potting's mass x specific heat
    to it for a heavier thermal node."""
    require_coil("coil", coil)
    total = 0.0
    for k, w in enumerate(coil.windings):
        name = _winding_material(coil, k, w)
        total += MASS_DENSITY[name] * SPECIFIC_HEAT[name] * w.cross_section.area * w.length
    return float(total)


def conductor_surface(coil: Coil) -> float:
    """Surface area [m^2] of the coil's conductor: cross-section perimeter x conductor length
    (an upper bound on the cooled area of a tightly wound pack)."""
    require_coil("coil", coil)
    for k, w in enumerate(coil.windings):
        _winding_material(coil, k, w)
    return float(sum(w.cross_section.perimeter * w.length for w in coil.windings))


def _thermal_resistance(coil: Coil | None, thermal_resistance, cooling) -> float:
    if thermal_resistance is not None and cooling is not None:
        check._fail("cooling", "None when thermal_resistance is given", cooling)
    if thermal_resistance is not None:
        if thermal_resistance == np.inf:
            return np.inf
        return check.positive("thermal_resistance", thermal_resistance)
    if cooling is None:
        check._fail("thermal_resistance", "given (a number [K/W], np.inf for no cooling) or a cooling (one of "
                    + ", ".join(repr(c) for c in COOLING) + ", a heat-transfer coefficient [W/(m^2 K)] or "
                    "(coefficient, area [m^2]))", thermal_resistance)
    if isinstance(cooling, str):
        check.choice("cooling", cooling, tuple(COOLING))
        h, area = COOLING[cooling], None
    elif isinstance(cooling, (tuple, list)) and len(cooling) == 2:
        h, area = check.positive("cooling[0]", cooling[0]), check.positive("cooling[1]", cooling[1])
    else:
        h, area = check.positive("cooling", cooling), None
    if area is None:
        if coil is None:
            check._fail("cooling", "(coefficient, area) or thermal_resistance when no coil is given", cooling)
        area = conductor_surface(coil)
    return 1.0 / (h * area)


@dataclass(frozen=True)
class Thermal:
    """Lumped thermal response of a coil to a mean power (module doc); temperatures in K."""

    ambient: float  # [K]
    limit: float | None  # [K]
    power: float  # [W] mean ohmic power at ambient temperature
    heat_capacity: float  # [J/K]
    thermal_resistance: float  # [K/W]
    temperature_coefficient: float  # [1/K] (dR/dT)/R at ambient
    resistance: float | None  # [ohm] at ambient (None without a coil)
    current_rms: float | None  # [A]

    @property
    def conductance_net(self) -> float:
        """k = 1/R_th - alpha_a P_a [W/K]: heat removed per kelvin minus the extra ohmic power
        per kelvin; k <= 0 is a runaway."""
        return (0.0 if self.thermal_resistance == np.inf else 1.0 / self.thermal_resistance) - \
            self.temperature_coefficient * self.power

    @property
    def runaway(self) -> bool:
        """True when no steady state exists (alpha_a P_a R_th >= 1; always with no cooling)."""
        return self.power > 0 and self.conductance_net <= 0

    @property
    def steady_rise(self) -> float:
        """Steady temperature rise [K] including R(T) (inf on runaway)."""
        if self.power == 0:
            return 0.0
        return np.inf if self.runaway else self.power / self.conductance_net

    @property
    def steady_temperature(self) -> float:
        """Steady temperature [K] (inf on runaway)."""
        return self.ambient + self.steady_rise

    @property
    def time_constant(self) -> float:
        """C/k [s]: time constant of the approach to the steady state (inf when k = 0;
        negative k: the e-folding time of the runaway is -C/k)."""
        k = self.conductance_net
        return np.inf if k == 0 else self.heat_capacity / k

    @property
    def heating_rate(self) -> float:
        """Initial heating rate P_a/C [K/s] (adiabatic)."""
        return self.power / self.heat_capacity

    def temperature(self, t) -> np.ndarray | float:
        """Temperature [K] at time ``t`` [s] (scalar or array, t >= 0) from ambient at t = 0
        with the load repeated: T_a + (P_a/k)(1 - exp(-k t/C)) (P_a t / C for k = 0)."""
        ts = check.real_array("t", t)
        if (ts < 0).any() or not np.isfinite(ts).all():
            check._fail("t", "finite times >= 0 [s]", t)
        x = -self.conductance_net * ts / self.heat_capacity
        # (P/k)(1 - e^{-kt/C}) = (P t / C) * expm1(x)/x, x = -k t / C, stable at k -> 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            factor = np.where(x == 0, 1.0, np.expm1(x) / np.where(x == 0, 1.0, x))
        out = self.ambient + self.power * ts / self.heat_capacity * factor
        return float(out) if np.ndim(t) == 0 else out

    @property
    def time_to_limit(self) -> float | None:
        """Time [s] from ambient to ``limit`` (inf if never reached; None without a limit)."""
        if self.limit is None:
            return None
        rise = self.limit - self.ambient
        if self.power == 0 or rise >= self.steady_rise:
            return np.inf
        x = self.conductance_net * rise / self.power  # theta(t) = lim  <=>  t = (C rise / P) (-log1p(-x)/x)
        f = 1.0 if x == 0 else -np.log1p(-x) / x
        return float(self.heat_capacity * rise / self.power * f)

    @property
    def max_power(self) -> float | None:
        """Largest mean ambient-temperature power [W] whose steady temperature stays at the
        limit: theta_lim / (R_th (1 + alpha_a theta_lim)) (0 with no cooling; None without a limit)."""
        if self.limit is None:
            return None
        if self.thermal_resistance == np.inf:
            return 0.0
        rise = self.limit - self.ambient
        return float(rise / (self.thermal_resistance * (1.0 + self.temperature_coefficient * rise)))

    @property
    def max_duty_cycle(self) -> float | None:
        """Largest fraction (0-1) of the load that can be played continuously below the limit:
        min(1, P_max/P_a) (1 for zero power; None without a limit)."""
        if self.limit is None:
            return None
        return 1.0 if self.power == 0 else float(min(1.0, self.max_power / self.power))

    @property
    def max_amplitude_scale(self) -> float | None:
        """Factor on the sequence's gradient amplitudes (hence currents) that keeps the steady
        temperature at the limit: sqrt(P_max / P_a) (> 1: headroom; None without a limit)."""
        if self.limit is None:
            return None
        return np.inf if self.power == 0 else float(np.sqrt(self.max_power / self.power))

    @property
    def max_current_rms(self) -> float | None:
        """Largest continuous RMS current [A] below the limit (None without a coil or a limit)."""
        if self.limit is None or self.resistance is None:
            return None
        return float(np.sqrt(self.max_power / self.resistance))

    def __str__(self) -> str:
        def k(v):
            return "inf" if v is None or not np.isfinite(v) else f"{v:.5g}"

        rows = [("mean power at ambient", f"{self.power:.5g} W"),
                ("heat capacity", f"{self.heat_capacity:.5g} J/K"),
                ("thermal resistance", f"{k(self.thermal_resistance)} K/W"),
                ("steady rise", "runaway" if self.runaway else f"{self.steady_rise:.5g} K"),
                ("time constant", f"{k(self.time_constant)} s")]
        if self.limit is not None:
            rows += [("limit", f"{self.limit:.5g} K"), ("time to limit", f"{k(self.time_to_limit)} s"),
                     ("max duty cycle", f"{100 * self.max_duty_cycle:.4g} %"),
                     ("max amplitude scale", k(self.max_amplitude_scale))]
        return table(rows, "thermal")

    def plot(self, duration: float | None = None, *, ax=None, path: str | os.PathLike | None = None, label=None):
        """Temperature [degC] against time [s] over ``duration`` (default five time constants,
        or the time to the limit on runaway) with the limit as a dashed line; returns the axes
        (saved atomically to ``path`` when given)."""
        if duration is None:
            tc = self.time_constant
            guess = 5 * tc if np.isfinite(tc) and tc > 0 else (self.time_to_limit or 0.0) * 1.5
            duration = guess if np.isfinite(guess) and guess > 0 else 1.0
        d = check.positive("duration", duration)
        if ax is None:
            import matplotlib.pyplot as plt

            ax = plt.figure(figsize=(5.0, 3.4)).add_subplot()
        t = np.linspace(0.0, d, 400)
        ax.plot(t, self.temperature(t) - 273.15, label=label)
        if self.limit is not None:
            ax.axhline(self.limit - 273.15, color="C3", ls="--", lw=0.8)
        ax.set_xlabel("time [s]")
        ax.set_ylabel("temperature [degC]")
        if path is not None:
            save_figure(ax.figure, path)
        return ax


def thermal(coil: Coil | None, current_rms: float | None = None, *, power: float | None = None,
            thermal_resistance: float | None = None, heat_capacity: float | None = None, ambient: float = 293.15,
            limit: float | None = None, cooling=None, temperature_coefficient: float | None = None) -> Thermal:
    """Lumped thermal response (module doc) of ``coil`` carrying ``current_rms`` [A] (or
    dissipating ``power`` [W] at ambient temperature; give one of the two).

    ``thermal_resistance`` [K/W] to the coolant (``np.inf``: no cooling), or ``cooling``: one of
    ``COOLING`` ("still air", "forced air", "water-cooled plate"), a heat-transfer coefficient
    [W/(m^2 K)] over the conductor surface, or (coefficient, area [m^2]).
    ``heat_capacity`` [J/K] (default: the conductor's, ``conductor_heat_capacity``).
    ``ambient``, ``limit`` [K]. ``temperature_coefficient`` [1/K] of the resistance at
    ambient (default: from the coil's materials, dR/dT / R(T_a); copper's IEC 60028 3.93e-3 /K
    when no coil is given). ``coil`` may be None when power, heat capacity and thermal
    resistance are given.
    """
    if coil is not None:
        require_coil("coil", coil)
    t_a = check.positive("ambient", ambient)
    lim = None if limit is None else check.positive("limit", limit)
    if lim is not None and lim <= t_a:
        check._fail("limit", f"above the ambient temperature {t_a:g} K", limit)
    if (current_rms is None) == (power is None):
        check._fail("current_rms", "given, or power given instead (exactly one of the two)", current_rms)
    res = None
    if coil is not None and (current_rms is not None or temperature_coefficient is None):
        res = dc_resistance(coil, t_a)
    if current_rms is not None:
        if coil is None:
            check._fail("coil", "a coildesign.Coil when current_rms is given (its resistance is needed)", coil,
                        TypeError)
        p = check.positive("current_rms", current_rms, allow_zero=True) ** 2 * res
    else:
        p = check.positive("power", power, allow_zero=True)
    if temperature_coefficient is not None:
        alpha = check.finite("temperature_coefficient", temperature_coefficient)
    elif coil is None:
        alpha = COPPER_ALPHA / (1.0 + COPPER_ALPHA * (t_a - 293.15))
    else:
        alpha = (dc_resistance(coil, t_a + 1.0) - res) / res  # R(T) is linear: exact slope
    if heat_capacity is None:
        if coil is None:
            check._fail("heat_capacity", "given [J/K] when no coil is given", heat_capacity)
        cap = conductor_heat_capacity(coil)
    else:
        cap = check.positive("heat_capacity", heat_capacity)
    r_th = _thermal_resistance(coil, thermal_resistance, cooling)
    return Thermal(t_a, lim, float(p), float(cap), float(r_th), float(alpha), res,
                   None if current_rms is None else float(current_rms))
