"""Exports: VTK/ParaView (``vtk``), manufacturing point lists
(``pointlists``: CSV, NPZ), the swept wire as STL (``stl``), drawings of planar windings
(``drawing``: SVG), gradunwarp coefficient files (``gradunwarp``), CoSimPy RF coils
(``cosimpy``), pandas views of results (``frames``), plots (``plots``) and fabrication files
(``fabrication``: Gerber/Excellon and KiCad boards, flex boards, design-rule checks, grooved
winding formers). pyvista, pandas and gerbonara are imported on first use."""

from coildesign.export.cosimpy import to_cosimpy
from coildesign.export.drawing import to_svg
from coildesign.export.fabrication import design_rule_check, to_flex, to_gerber, to_kicad, winding_former
from coildesign.export.frames import to_frame
from coildesign.export.gradunwarp import to_gradunwarp
from coildesign.export.pointlists import read_csv, to_csv, to_npz
from coildesign.export.stl import to_stl
from coildesign.export.vtk import show, to_vtk

__all__ = ["design_rule_check", "read_csv", "show", "to_cosimpy", "to_csv", "to_flex", "to_frame",
           "to_gerber", "to_gradunwarp", "to_kicad", "to_npz", "to_stl", "to_svg", "to_vtk", "winding_former"]
