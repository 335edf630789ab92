"""Typed facts of a coil's layout, recorded by the generator that drew it (``Coil.winding_info``).

Handbook formulas need facts that the current paths alone do not state (a solenoid's pitch and
turn count for Medhurst's proximity factor and self-capacitance, a planar spiral's trace width
and gap for its coplanar-strip capacitance, a birdcage's legs and shield for its ladder
network, a resonator's line or lumped constants). Each generator of ``coildesign.geometries``
records them in one of the frozen records below; analyses dispatch on the record's type.
``Coil.parameters`` stays the descriptive dictionary of the generator's arguments (for JSON
and reports); no analysis reads it.

Under coil transforms (``Coil.transformed``): rigid motions and mirrors keep the record (its
facts are lengths, counts and labels that such motions do not change); a scaling by f returns
``record.scaled(f)``: the purely geometric records multiply their lengths by f, the resonator
records (whose line impedance, lumped L and C and resonance follow from the layout by their
own models) return None and the scaled coil carries no record. A series join of two coils
(``coil_a + coil_b``) carries no record.

All lengths in metres.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = ["AldermanGrant", "Birdcage", "Helix", "LoopGapResonator", "PlanarSpiral", "Stripline", "WindingInfo"]


@dataclass(frozen=True)
class WindingInfo:
    """Base of the layout records: ``scaled(factor)`` gives the record of the coil scaled by
    ``factor`` about the origin (geometric similarity), or None when the record does not follow
    such a scaling."""

    _LENGTHS = ()  # names of the fields [m] that scale with the coil

    def scaled(self, factor: float) -> WindingInfo | None:
        """The record of the coil scaled by ``factor`` (> 0): every length times ``factor``,
        counts, ratios and labels unchanged."""
        names = {f.name for f in fields(self)}
        return replace(self, **{k: None if getattr(self, k) is None else factor * getattr(self, k)
                                for k in self._LENGTHS if k in names})


@dataclass(frozen=True)
class Helix(WindingInfo):
    """A single- or multi-layer solenoid (``geometries.solenoid``): mean winding ``radius`` of
    the innermost layer [m], axial ``length`` [m], ``turns`` per layer, ``pitch`` = length /
    turns [m], round ``wire_diameter`` [m], ``leads`` (length of each of the two straight leads
    [m], 0 for none), ``layers`` and ``stacked`` (drawn as coaxial rings instead of a helix)."""

    radius: float
    length: float
    turns: float
    pitch: float
    wire_diameter: float
    leads: float = 0.0
    layers: int = 1
    stacked: bool = False

    _LENGTHS = ("radius", "length", "pitch", "wire_diameter", "leads")


@dataclass(frozen=True)
class PlanarSpiral(WindingInfo):
    """A planar spiral (``geometries.planar_spiral``): ``turns``, ``outer_diameter`` and
    ``inner_diameter`` to the trace edges [m], ``trace_width`` [m], ``spacing`` (gap between
    neighbouring turns) [m], trace ``thickness`` [m] and ``shape`` ("square", "hexagonal",
    "octagonal", "circular")."""

    turns: int
    outer_diameter: float
    inner_diameter: float
    trace_width: float
    spacing: float
    thickness: float
    shape: str

    _LENGTHS = ("outer_diameter", "inner_diameter", "trace_width", "spacing", "thickness")


@dataclass(frozen=True)
class Birdcage(WindingInfo):
    """A birdcage in its homogeneous mode (``geometries.birdcage``): ``legs`` N, leg ``radius``
    and ``length`` [m], ``topology`` ("lowpass", "highpass", "bandpass"), strip widths
    ``leg_width`` / ``ring_width`` [m] (None: round wire or filament), strip ``thickness`` [m],
    round ``wire_diameter`` [m] or None, and the radius of a coaxial RF ``shield_radius`` [m]
    or None. Windings 0..N-1 are the legs, then N top-ring and N bottom-ring segments."""

    legs: int
    radius: float
    length: float
    topology: str
    leg_width: float | None = None
    ring_width: float | None = None
    thickness: float = 35e-6
    wire_diameter: float | None = None
    shield_radius: float | None = None

    _LENGTHS = ("radius", "length", "leg_width", "ring_width", "thickness", "wire_diameter", "shield_radius")


@dataclass(frozen=True)
class Stripline(WindingInfo):
    """A microstrip resonator (``geometries.stripline``): strip ``length``, ``width``,
    ``height`` over the ground and ``thickness`` [m], ``substrate_permittivity``,
    ``termination`` ("short": lambda/4, "open": lambda/2), the quasi-TEM line's ``z0`` [ohm],
    ``eps_eff``, ``inductance_per_length`` [H/m], ``resonance_frequency`` [Hz], the x of the
    current maximum ``current_maximum_x`` [m] and a ``model`` description."""

    length: float
    width: float
    height: float
    thickness: float
    substrate_permittivity: float
    termination: str
    z0: float
    eps_eff: float
    inductance_per_length: float
    resonance_frequency: float
    current_maximum_x: float
    model: str

    def scaled(self, factor: float) -> None:
        """None: the line's resonance changes with the scale (the scaled coil carries no record)."""
        return None


@dataclass(frozen=True)
class LoopGapResonator(WindingInfo):
    """A loop-gap resonator (``geometries.loop_gap_resonator``): tube ``radius`` and ``length``
    [m], its lumped ``inductance`` [H] and ``capacitance`` [F], ``resonance_frequency`` [Hz] and
    a ``model`` description."""

    radius: float
    length: float
    inductance: float
    capacitance: float
    resonance_frequency: float
    model: str

    def scaled(self, factor: float) -> None:
        """None: L, C and the resonance change with the scale (the scaled coil carries no record)."""
        return None


@dataclass(frozen=True)
class AldermanGrant(WindingInfo):
    """An Alderman-Grant slotted-tube resonator (``geometries.alderman_grant``): ``radius`` and
    ``length`` [m], the tuning ``capacitance`` [F] the designer chose (None when not given; a
    component, so it stays when the coil is scaled) and a ``model`` description."""

    radius: float
    length: float
    capacitance: float | None
    model: str

    _LENGTHS = ("radius", "length")
