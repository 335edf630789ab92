"""Design rules of a board house: the limits a design-rule check holds a board to.

Defaults: OSH Park's standard 2-layer prototype service, as its published specification reads
(quoted in the KiCad forum thread "OSHPark PCB Rules", https://forum.kicad.info/t/oshpark-pcb-rules/121):
6 mil (152.4 um) minimum trace width, 6 mil minimum spacing, 15 mil (381 um) from copper to the
board edge, 13 mil (330.2 um) minimum drill and 7 mil (177.8 um) minimum annular ring, on a
1.6 mm FR-4 board with 1 oz (35 um) copper. Every field is editable (``dataclasses.replace`` or
keyword arguments); other houses publish their own (e.g. Aisler "2 Layer Simple": 200 um trace,
150 um space, 300 um edge, 0.3 mm via drill with 200 um ring).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from coildesign import _validation as check

MIL = 25.4e-6
"""One mil (thou) [m]."""
OUNCE_COPPER = 34.79e-6
"""Thickness [m] of 1 oz/ft^2 copper (1.37 mil, the IPC-2221 chart's unit thickness)."""


@dataclass(frozen=True)
class DesignRules:
    """Fabrication limits [m] (module doc for the defaults and their source).

    ``min_trace_width``: narrowest copper trace; ``min_spacing``: copper-to-copper gap on one
    layer (edge to edge; also between turns of one winding, which would otherwise short);
    ``min_annular_ring``: (pad diameter - drill)/2 of vias and pads; ``min_via_drill``:
    smallest finished hole; ``min_edge_clearance``: copper to the board outline.
    Construction defaults (not limits): ``via_drill``/``via_diameter`` of the vias the layout
    places, ``pad_drill``/``pad_diameter`` of the feed pads (a 2.54 mm header pin, 1.0 mm
    hole), ``copper_thickness`` and ``board_thickness`` of the stack-up.
    """

    name: str = "OSH Park 2-layer standard"
    min_trace_width: float = 6 * MIL
    min_spacing: float = 6 * MIL
    min_annular_ring: float = 7 * MIL
    min_via_drill: float = 13 * MIL
    min_edge_clearance: float = 15 * MIL
    via_drill: float = 0.35e-3
    via_diameter: float = 0.75e-3
    pad_drill: float = 1.0e-3
    pad_diameter: float = 1.7e-3
    copper_thickness: float = 35e-6
    board_thickness: float = 1.6e-3

    def __post_init__(self) -> None:
        for key, value in asdict(self).items():
            if key != "name":
                object.__setattr__(self, key, check.positive(key, value))
        if self.via_diameter <= self.via_drill:
            check._fail("via_diameter", f"larger than via_drill {self.via_drill:g} m", self.via_diameter)
        if self.pad_diameter <= self.pad_drill:
            check._fail("pad_diameter", f"larger than pad_drill {self.pad_drill:g} m", self.pad_diameter)

    def as_dict(self) -> dict:
        """The rules as a plain dict (SI units)."""
        return asdict(self)


def resolve(rules: DesignRules | None) -> DesignRules:
    """``rules`` checked, or the defaults when None."""
    if rules is None:
        return DesignRules()
    if not isinstance(rules, DesignRules):
        check._fail("rules", "a DesignRules or None", rules, TypeError)
    return rules
