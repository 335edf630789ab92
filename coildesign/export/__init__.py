"""Exports: atomic files, VTK/ParaView, Touchstone, JSON, reports."""
