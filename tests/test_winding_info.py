"""coildesign.winding_info: the typed layout records and how they follow a scaling."""

from __future__ import annotations

import dataclasses

import pytest

from coildesign.geometries import alderman_grant, birdcage, loop_gap_resonator, planar_spiral, stripline
from coildesign.winding_info import AldermanGrant, Birdcage, LoopGapResonator, PlanarSpiral, Stripline


def test_geometric_records_scale_their_lengths_only():
    spiral = planar_spiral(4, 2e-3, 50e-6, 40e-6, "octagonal").winding_info
    assert isinstance(spiral, PlanarSpiral)
    half = spiral.scaled(0.5)
    assert half.turns == 4 and half.shape == "octagonal"
    for name in ("outer_diameter", "inner_diameter", "trace_width", "spacing", "thickness"):
        assert getattr(half, name) == 0.5 * getattr(spiral, name)
    cage = birdcage(8, 5e-3, 10e-3, leg_width=1e-3).winding_info
    assert isinstance(cage, Birdcage)
    double = cage.scaled(2.0)
    assert (double.legs, double.topology, double.ring_width, double.shield_radius) == (8, "lowpass", None, None)
    assert (double.radius, double.length, double.leg_width, double.thickness) == (10e-3, 20e-3, 2e-3, 70e-6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cage.legs = 6


def test_resonator_records_follow_their_models():
    """A line's or a loop-gap resonator's constants change with the scale: no record; an
    Alderman-Grant resonator keeps the designer's tuning capacitor."""
    line = stripline(10e-3, 1e-3, 0.5e-3, substrate_permittivity=4.0).winding_info
    lgr = loop_gap_resonator(1e-3, 3e-3, 50e-6, 200e-6).winding_info
    assert isinstance(line, Stripline) and isinstance(lgr, LoopGapResonator)
    assert line.scaled(2.0) is None and lgr.scaled(2.0) is None
    ag = alderman_grant(2e-3, 5e-3, capacitance=2e-12).winding_info
    assert isinstance(ag, AldermanGrant)
    assert ag.scaled(3.0) == dataclasses.replace(ag, radius=6e-3, length=15e-3)
