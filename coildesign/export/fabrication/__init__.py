"""From design to part: printed boards (Gerber X2, Excellon, KiCad), flex boards of cylindrical
windings, design-rule checks and grooved winding formers.

- ``to_gerber`` / ``to_kicad``: boards of planar windings (one per plate), checked against the
  rules (``design_rule_check``), written atomically, read back and verified (``boards``);
- ``to_flex``: cylindrical windings unrolled onto a flex board (``flex``);
- ``winding_former``: a grooved former for wire-wound cylindrical coils as STL (``former``);
- ``DesignRules`` (``rules``), ``ipc2221_width`` (``trace_width``).
gerbonara (the ``fab`` extra) is imported when Gerber files are written or read; KiCad boards
are written and parsed directly (``kicad``, ``sexpr``).
"""

from coildesign.export.fabrication.boards import (
    DesignRuleError,
    Fabrication,
    design_rule_check,
    plan_boards,
    to_gerber,
    to_kicad,
)
from coildesign.export.fabrication.drc import DrcReport, Violation
from coildesign.export.fabrication.flex import plan_flex, to_flex
from coildesign.export.fabrication.former import Former, winding_former
from coildesign.export.fabrication.layout import Board
from coildesign.export.fabrication.rules import DesignRules
from coildesign.export.fabrication.trace_width import ipc2221_current, ipc2221_width

__all__ = ["Board", "DesignRuleError", "DesignRules", "DrcReport", "Fabrication", "Former", "Violation",
           "design_rule_check", "ipc2221_current", "ipc2221_width", "plan_boards", "plan_flex", "to_flex", "to_gerber",
           "to_kicad", "winding_former"]
