"""Exports: atomic files (``files``), VTK/ParaView (``vtk``, needs the ``vtk`` extra at call
time), plots (``plots``)."""

from coildesign.export.cosimpy import to_cosimpy as to_cosimpy
from coildesign.export.gradunwarp import to_gradunwarp as to_gradunwarp
from coildesign.export.vtk import to_vtk

__all__ = ["to_vtk"]
