"""Boards from coils and designs: plan, check the rules, write Gerber/Excellon or KiCad, verify.

``plan_boards`` lays out one board per plate (``layout``); ``design_rule_check`` checks them
(``drc``); ``to_gerber`` and ``to_kicad`` refuse a violating design unless
``allow_violations=True`` (the violations are then in the report), write the files atomically
into a locked output folder, read them back (Gerber with gerbonara, KiCad with ``sexpr``)
and compare the copper they describe with the layout and the design (``verify``):

- ``readback_deviation``: field of the copper read back vs the layout's copper (what the files
  say equals what was laid out: coordinate rounding of the files only, 1 nm);
- ``design_deviation``: field of the layout's copper vs the design coil: what the fabrication
  adds (feed tracks to the pads, opened loops, loops as polygons, a spiral's return) and leaves
  out (the design's radial leads, which the connector wires replace; with ``feeds=False`` the
  leads are the wires soldered to the pads and count as built);
- lengths: the traces and via barrels read back equal the layout's; the layout's copper without
  the feeds plus the leads left out equals the design's winding length when no loop was opened
  and no layer change was oblique;
- for gradient coils, the gradient efficiency of the design and of the copper as built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import output_folder, write_json, write_text
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.coil import Coil
from coildesign.conductors import RectangularStrip, RoundWire
from coildesign.export.fabrication import gerber, kicad
from coildesign.export.fabrication.drc import DrcReport, check_boards
from coildesign.export.fabrication.layout import Board, layout, plane_frames, routes_coil, winding_paths
from coildesign.export.fabrication.rules import DesignRules, resolve
from coildesign.export.fabrication.trace_width import ipc2221_width
from coildesign.export.fabrication.verify import Sphere, default_sphere, field_deviation


class DesignRuleError(ValueError):
    """A design violates the design rules and ``allow_violations`` was not set; ``report``
    holds the ``DrcReport``."""

    def __init__(self, report: DrcReport) -> None:
        super().__init__(f"the design violates the design rules (nothing written; pass allow_violations=True to "
                         f"write it anyway):\n{report.text()}")
        self.report = report


@dataclass(frozen=True)
class Fabrication:
    """What was written and how it compares with the design (module doc): ``boards``, ``files``,
    the ``drc`` report, the layout's copper ``as_built`` and the copper ``read_back`` from the
    files (Coils), the two field deviations over ``sphere``, and lengths [m]: ``read_back_length``
    and ``layout_length`` (traces + via barrels, feeds included), ``feed_length``,
    ``leads_left_out`` and ``design_length`` (the design coil's wire length); for a gradient coil
    (role "gradient" with an axis) the gradient efficiency [T/(m A)] at the sphere's centre of
    the design (``efficiency_design``) and of the copper as built (``efficiency_as_built``)."""

    boards: tuple[Board, ...]
    files: tuple[Path, ...]
    drc: DrcReport
    as_built: Coil
    read_back: Coil
    sphere: Sphere
    readback_deviation: float
    design_deviation: float
    read_back_length: float
    layout_length: float
    feed_length: float
    leads_left_out: float
    design_length: float
    efficiency_design: float | None = None
    efficiency_as_built: float | None = None

    def as_dict(self) -> dict:
        """Figures, boards and the DRC report as a plain dict (SI units)."""
        return {"boards": [b.describe() for b in self.boards], "files": [str(p) for p in self.files],
                "drc": self.drc.as_dict(), "comparison_sphere": {"center": self.sphere.center,
                                                                 "radius": self.sphere.radius},
                "readback_deviation": self.readback_deviation, "design_deviation": self.design_deviation,
                "read_back_length": self.read_back_length, "layout_length": self.layout_length,
                "feed_length": self.feed_length, "leads_left_out": self.leads_left_out,
                "design_length": self.design_length, "efficiency_design": self.efficiency_design,
                "efficiency_as_built": self.efficiency_as_built}

    def text(self) -> str:
        """A short readable summary."""
        lines = [f"{len(self.boards)} board(s), {len(self.files)} file(s); DRC: {len(self.drc.violations)} "
                 "violation(s)",
                 f"field of the copper read back vs the layout: {self.readback_deviation:.3g} of max |B| over the "
                 f"sphere r = {self.sphere.radius:.4g} m",
                 f"field of the layout vs the design: {self.design_deviation:.3g} (what the layout added or left "
                 "out: the notes)",
                 f"trace + via length read back {self.read_back_length:.9g} m, laid out {self.layout_length:.9g} m "
                 f"(feeds {self.feed_length:.6g} m), design wire {self.design_length:.9g} m (leads left out "
                 f"{self.leads_left_out:.6g} m)"]
        if self.efficiency_design is not None:
            lines.append(f"gradient efficiency: design {self.efficiency_design * 1e3:.6g} mT/(m A), as built "
                         f"{self.efficiency_as_built * 1e3:.6g} mT/(m A)")
        for b in self.boards:
            lines += [f"{b.name}: {note}" for note in b.notes]
        return "\n".join(lines)


def source(coil_or_design) -> tuple[Coil, Sphere | None]:
    """(coil, the design's DSV or None) of a ``Coil`` or a design (an object with ``coil`` and
    ``dsv_radius``, such as ``coildesign.design.GradientDesign``)."""
    if isinstance(coil_or_design, Coil):
        return coil_or_design, None
    coil = getattr(coil_or_design, "coil", None)
    if isinstance(coil, Coil):
        radius = getattr(coil_or_design, "dsv_radius", None)
        return coil, None if radius is None else Sphere((0.0, 0.0, 0.0), float(radius))
    check._fail("coil_or_design", "a Coil or a design with a .coil (e.g. a GradientDesign)", coil_or_design,
                TypeError)


def resolve_width(coil: Coil, rules: DesignRules, trace_width: float | None, current: float | None,
                  temperature_rise: float, layers: int) -> float:
    """Trace width [m]: ``trace_width``; else the IPC-2221 width for ``current`` [A] at
    ``temperature_rise`` [K] (internal-layer constant when the board has inner layers), at least
    the rules' minimum; else the windings' conductor width (strip width or wire diameter)."""
    need = None
    if current is not None:
        need = ipc2221_width(current, temperature_rise, rules.copper_thickness, external=layers <= 2)
    if trace_width is not None:
        w = check.positive("trace_width", trace_width)
        if need is not None and w < need * (1 - 1e-12):
            check._fail("trace_width", f"at least {need:.4g} m (IPC-2221 width for {current:g} A at "
                        f"{temperature_rise:g} K rise on {rules.copper_thickness:g} m copper)", trace_width)
        return w
    if need is not None:
        return max(need, rules.min_trace_width)
    widths = [w.cross_section.width if isinstance(w.cross_section, RectangularStrip) else w.cross_section.diameter
              for w in coil.windings if isinstance(w.cross_section, (RectangularStrip, RoundWire))]
    if len(widths) < len(coil.windings):
        check._fail("trace_width", "given (or a current) for filament windings without a conductor", trace_width)
    return float(max(widths))


def plan_boards(coil_or_design, *, rules: DesignRules | None = None, trace_width: float | None = None,
                current: float | None = None, temperature_rise: float = 10.0, layers: int = 2,
                layer_pitch: float | None = None, pad_spacing: float = 2.54e-3, margin: float = 1e-3,
                feeds: bool = True, name: str | None = None) -> list[Board]:
    """One laid-out ``Board`` per plate of a planar coil or design (``layout`` module doc).

    Parameters
    ----------
    coil_or_design : Coil or GradientDesign
        Windings lying in planes (one board per plane).
    rules : DesignRules, optional
        Board-house rules (default ``DesignRules()``, OSH Park 2-layer).
    trace_width : float, optional
        Trace width [m] (checked against ``current`` when both are given).
    current : float, optional
        DC current [A] for the IPC-2221 trace width at ``temperature_rise`` [K].
    layers : int, default 2
        Copper layers per board.
    layer_pitch : float, optional
        Copper centre spacing [m] between layers (default: the design's own layer spacing, else
        the stack-up's).
    pad_spacing : float, default 2.54e-3
        Centre distance [m] of each winding's two feed pads (the connector's pitch).
    margin : float, default 1e-3
        Board outline beyond the copper [m].
    feeds : bool, default True
        Feed tracks to a pad pair beyond the copper; False: via-sized pads on the windings'
        ends, where the design's leads (wires) are soldered (``layout`` module doc).
    name : str, optional
        Board name stem (default: the coil's name).
    """
    coil, _ = source(coil_or_design)
    r = resolve(rules)
    n_layers = check.positive_int("layers", layers, minimum=1, maximum=32)
    width = resolve_width(coil, r, trace_width, current, check.positive("temperature_rise", temperature_rise),
                          n_layers)
    pitch = None if layer_pitch is None else check.positive("layer_pitch", layer_pitch)
    spacing = check.positive("pad_spacing", pad_spacing)
    edge = check.positive("margin", margin)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in (name or coil.name)) or "coil"
    paths = winding_paths(coil)
    frames = plane_frames(coil)
    boards = []
    for k, (frame, members) in enumerate(frames):
        board_name = stem if len(frames) == 1 else f"{stem}_plate{k + 1}"
        boards.append(layout([paths[i] for i in members], members, frame, name=board_name, rules=r, width=width,
                             layers=n_layers, layer_pitch=pitch, pad_spacing=spacing, margin=edge,
                             feeds=bool(feeds)))
    return boards


def design_rule_check(coil_or_design, rules: DesignRules | None = None, **options) -> DrcReport:
    """Lay the coil or design out (``plan_boards`` with ``options``) and check it against
    ``rules``; returns the ``DrcReport`` listing every violation with its location."""
    r = resolve(rules)
    return check_boards(plan_boards(coil_or_design, rules=r, **options), r)


def _combine(boards, routes_per_board) -> Coil:
    coils = [routes_coil(b.frame, b.layer_offsets, routes, b.trace_width, b.rules.copper_thickness, name=b.name,
                         leads=() if b.feeds else b.leads) for b, routes in zip(boards, routes_per_board)]
    out = coils[0]
    for c in coils[1:]:
        out = out + c
    return out


def _length(boards, routes_per_board) -> float:
    total = 0.0
    for b, routes in zip(boards, routes_per_board):
        for r in routes:
            total += float(r.lengths.sum())
            total += float(np.abs(np.diff(b.layer_offsets[r.layers])).sum())
    return total


def _finish(coil: Coil, sphere: Sphere | None, boards: list[Board], read: list[list], report: DrcReport,
            written: list[Path], folder: Path, stem: str, dsv_center, dsv_radius) -> Fabrication:
    if dsv_radius is not None or dsv_center is not None or sphere is None:
        sphere = default_sphere(coil, dsv_center if dsv_center is not None else (sphere.center if sphere else None),
                                dsv_radius if dsv_radius is not None else (sphere.radius if sphere else None))
    as_built = _combine(boards, [b.routes for b in boards])
    read_back = _combine(boards, read)
    layout_length = _length(boards, [b.routes for b in boards])
    result = Fabrication(
        boards=tuple(boards), files=tuple(written), drc=report, as_built=as_built, read_back=read_back, sphere=sphere,
        readback_deviation=field_deviation(read_back, as_built, sphere),
        design_deviation=field_deviation(as_built, coil, sphere), read_back_length=_length(boards, read),
        layout_length=layout_length, feed_length=float(sum(b.track_length() - b.track_length(False) for b in boards)),
        leads_left_out=float(sum(b.leads_total for b in boards)), design_length=coil.wire_length)
    if coil.role == "gradient" and coil.axis is not None:
        result = Fabrication(**{**result.__dict__,
                                "efficiency_design": gradient_efficiency(coil, coil.axis, center=sphere.center),
                                "efficiency_as_built": gradient_efficiency(as_built, coil.axis, center=sphere.center)})
    written.append(write_json(folder / f"{stem}-fabrication.json", result.as_dict()))
    written.append(write_text(folder / f"{stem}-drc.txt", report.text() + "\n"))
    return Fabrication(**{**result.__dict__, "files": tuple(written)})


def write_boards(boards: list[Board], coil: Coil, sphere: Sphere | None, folder: str | os.PathLike, *,
                 gerbers: bool = True, kicad_name: str | None = None, allow_violations: bool = False,
                 dsv_center=None, dsv_radius: float | None = None) -> Fabrication:
    """Check ``boards`` (rules of the first), refuse violations unless ``allow_violations``,
    write Gerber/drill files (``gerbers``) and a KiCad file named ``kicad_name`` into
    ``folder``, read them back (Gerber when written, else KiCad) and verify (module doc)."""
    report = check_boards(boards, boards[0].rules)
    if report.violations and not allow_violations:
        raise DesignRuleError(report)
    stem = kicad_name[:-len(".kicad_pcb")] if kicad_name else boards[0].name.split("_plate")[0]
    with output_folder(folder) as (out, _):
        written, read = [], []
        if gerbers:
            for b in boards:
                written += gerber.write_gerbers(b, out)
                read.append(gerber.read_routes(b, out))
        if kicad_name:
            written.append(kicad.write_kicad(boards, out / kicad_name))
            from_kicad = [kicad.read_routes(out / kicad_name, b, i, boards) for i, b in enumerate(boards)]
            read = read or from_kicad
        return _finish(coil, sphere, boards, read, report, written, out, stem, dsv_center, dsv_radius)


def to_gerber(coil_or_design, folder: str | os.PathLike, *, rules: DesignRules | None = None,
              trace_width: float | None = None, current: float | None = None, layers: int = 2,
              allow_violations: bool = False, dsv_center=None, dsv_radius: float | None = None,
              **options) -> Fabrication:
    """Write Gerber X2 copper, mask and outline files and an Excellon drill file per board of a
    planar coil or design into ``folder`` (``gerber`` module doc), plus ``<name>-fabrication.json``
    (stack-up, frames, pins, DRC, verification) and ``<name>-drc.txt``; read them back with
    gerbonara and verify (module doc). ``options`` go to ``plan_boards``; ``dsv_center`` [m] and
    ``dsv_radius`` [m] set the comparison sphere (default: the design's DSV, else ``verify``'s).
    Raises ``DesignRuleError`` (nothing written) when a rule is violated, unless
    ``allow_violations``."""
    coil, sphere = source(coil_or_design)
    boards = plan_boards(coil_or_design, rules=rules, trace_width=trace_width, current=current, layers=layers,
                         **options)
    return write_boards(boards, coil, sphere, folder, allow_violations=allow_violations, dsv_center=dsv_center,
                        dsv_radius=dsv_radius)


def to_kicad(coil_or_design, path: str | os.PathLike, *, rules: DesignRules | None = None,
             trace_width: float | None = None, current: float | None = None, layers: int = 2,
             allow_violations: bool = False, dsv_center=None, dsv_radius: float | None = None,
             **options) -> Fabrication:
    """Write the boards of a planar coil or design as one KiCad board file ``path``
    (``.kicad_pcb``; boards side by side; ``kicad`` module doc) with the report files beside it,
    read it back and verify (module doc); arguments as for ``to_gerber``."""
    target = Path(path)
    if target.suffix != ".kicad_pcb":
        check._fail("path", "a file name ending in .kicad_pcb", str(path))
    coil, sphere = source(coil_or_design)
    boards = plan_boards(coil_or_design, rules=rules, trace_width=trace_width, current=current, layers=layers,
                         **options)
    return write_boards(boards, coil, sphere, target.parent, gerbers=False, kicad_name=target.name,
                        allow_violations=allow_violations, dsv_center=dsv_center, dsv_radius=dsv_radius)
