"""Conductor materials and cross-sections.

Materials carry the DC resistivity at a reference temperature and its linear temperature
coefficient, rho(T) = rho_ref * (1 + alpha (T - T_ref)) [ohm m]. Values are for annealed,
high-purity metals at 20 degC (293.15 K) from the CRC Handbook of Chemistry and Physics,
97th ed., "Electrical resistivity of pure metals" (Cu 1.678e-8, Ag 1.587e-8, Au 2.214e-8,
Al 2.650e-8 ohm m) and the usual temperature coefficients (Cu 0.00393, Ag 0.0038,
Au 0.0034, Al 0.00429 1/K); annealed copper per IEC 60028 is 1.7241e-8 ohm m (offered as
``copper_iacs``). The linear law is accurate to ~1 % between about 200 K and 400 K; use a
custom ``Material`` for cryogenic probes.

Cross-sections: a round wire of given diameter, or a rectangular strip/trace of given
width and thickness (microfabricated coils). All sizes in metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check

REFERENCE_TEMPERATURE = 293.15  # [K], 20 degC


@dataclass(frozen=True)
class Material:
    """A conductor material: DC resistivity at ``reference_temperature`` [ohm m] and its
    linear temperature coefficient [1/K]."""

    name: str
    resistivity: float
    temperature_coefficient: float
    reference_temperature: float = REFERENCE_TEMPERATURE

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            check._fail("name", "a string (the material's name)", self.name, TypeError)
        check.positive("resistivity", self.resistivity)
        check.finite("temperature_coefficient", self.temperature_coefficient)
        check.positive("reference_temperature", self.reference_temperature)

    def resistivity_at(self, temperature: float) -> float:
        """Resistivity [ohm m] at ``temperature`` [K] by the linear law."""
        t = check.positive("temperature", temperature)
        rho = self.resistivity * (1.0 + self.temperature_coefficient * (t - self.reference_temperature))
        if not np.isfinite(rho):
            check._fail("temperature", f"such that the resistivity of {self.name} ({self.resistivity:g} ohm m at "
                        f"{self.reference_temperature:g} K, {self.temperature_coefficient:g} 1/K) stays finite by the "
                        "linear law (it leaves the float range)", temperature)
        if rho <= 0:
            check._fail(
                "temperature",
                f"above {self.reference_temperature - 1 / self.temperature_coefficient:.1f} K "
                f"(where the linear law for {self.name} reaches zero resistivity)",
                temperature,
            )
        return rho


COPPER = Material("copper", 1.678e-8, 0.00393)
COPPER_IACS = Material("copper_iacs", 1.7241e-8, 0.00393)
SILVER = Material("silver", 1.587e-8, 0.0038)
GOLD = Material("gold", 2.214e-8, 0.0034)
ALUMINIUM = Material("aluminium", 2.650e-8, 0.00429)

MATERIALS: dict[str, Material] = {
    m.name: m for m in (COPPER, COPPER_IACS, SILVER, GOLD, ALUMINIUM)
}
MATERIALS["aluminum"] = ALUMINIUM


def material(value: Material | str) -> Material:
    """Return a ``Material`` from an instance or one of the names in ``MATERIALS``."""
    if isinstance(value, Material):
        return value
    if isinstance(value, str) and value.lower() in MATERIALS:
        return MATERIALS[value.lower()]
    check._fail("material", "a Material or one of " + ", ".join(sorted(MATERIALS)), value)


@dataclass(frozen=True)
class RoundWire:
    """Round wire of ``diameter`` [m]."""

    diameter: float

    def __post_init__(self) -> None:
        check.positive("wire_diameter", self.diameter)

    @property
    def radius(self) -> float:
        """Wire radius [m]."""
        return 0.5 * self.diameter

    @property
    def area(self) -> float:
        """Cross-section area [m^2]."""
        return np.pi * self.radius**2

    @property
    def perimeter(self) -> float:
        """Perimeter [m] (carries the current in the strong skin-effect limit)."""
        return np.pi * self.diameter

    @property
    def field_radius(self) -> float:
        """Radius [m] inside which the field engine applies its inside-conductor rule."""
        return self.radius


@dataclass(frozen=True)
class RectangularStrip:
    """Rectangular strip or trace: ``width`` x ``thickness`` [m]."""

    width: float
    thickness: float

    def __post_init__(self) -> None:
        check.positive("width", self.width)
        check.positive("thickness", self.thickness)

    @property
    def area(self) -> float:
        """Cross-section area [m^2]."""
        return self.width * self.thickness

    @property
    def perimeter(self) -> float:
        """Perimeter [m]."""
        return 2.0 * (self.width + self.thickness)

    @property
    def field_radius(self) -> float:
        """Radius [m] of the round wire of equal area, used by the field engine's
        inside-conductor rule (a strip is not resolved across its width by filament kernels)."""
        return float(np.sqrt(self.area / np.pi))


CrossSection = RoundWire | RectangularStrip
