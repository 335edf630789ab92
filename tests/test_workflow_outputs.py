"""The output stage of a probe run (coildesign.workflow_outputs): the data of its pictures and
field maps, checked against closed forms of loops on their axes."""

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd
from coildesign import workflow_outputs


def test_b1_plane_centre_is_the_loop_centre_field():
    """|B1perp| per ampere at the centre of a loop of radius a whose normal is across B0 (x):
    mu0 / (2 a) (Biot-Savart, centre of a circular loop; Jackson, Classical Electrodynamics,
    3rd ed., sect. 5.5); the grid is symmetric about the origin."""
    a = 1e-3
    u, perp = workflow_outputs.b1_plane(cd.Coil.from_loop(a, normal=(1.0, 0.0, 0.0)), "xz", 0.5e-3, n=21)
    assert perp.shape == (21, 21) and u[10] == 0.0 and np.allclose(u, -u[::-1], rtol=0, atol=1e-18)
    assert perp[10, 10] == pytest.approx(mu_0 / (2 * a), rel=1e-9, abs=0)


def test_gradient_profiles_of_a_maxwell_pair_follow_the_loop_closed_form():
    """Field deviation Bz/(eta z) - 1 on the axis of a filament Maxwell pair (loops of radius a
    at z = +-d, d = sqrt(3)/2 a, opposite currents): Bz(z) = mu0 a^2/2 [((z - d)^2 + a^2)^-3/2
    - ((z + d)^2 + a^2)^-3/2] per ampere and eta = dBz/dz(0) = 3 mu0 a^2 d (d^2 + a^2)^-5/2
    (on-axis field of a loop, Jackson sect. 5.5)."""
    a, dsv = 3e-3, 1e-3
    d = np.sqrt(3) / 2 * a
    p = workflow_outputs.gradient_profiles(cd.geometries.maxwell_pair(a), dsv)
    assert (p.axis_name, p.plane, p.deviation.shape, p.s.size) == ("z", "xz", (81, 81), 200)
    bz = 0.5 * mu_0 * a**2 * (((p.s - d) ** 2 + a**2) ** -1.5 - ((p.s + d) ** 2 + a**2) ** -1.5)
    eta = 3 * mu_0 * a**2 * d * (d**2 + a**2) ** -2.5
    assert np.allclose(p.field_deviation, bz / (eta * p.s) - 1, rtol=0, atol=1e-9)
    assert np.all(np.abs(p.field_deviation) < 0.2)


def test_gradient_map_carries_both_deviations_per_ampere():
    fm = workflow_outputs.gradient_map(cd.geometries.maxwell_pair(3e-3), 1e-3, n=5)
    assert {"B", "dB/dr", "field_deviation", "gradient_deviation"} <= set(fm.arrays)
    centre = np.flatnonzero(np.all(fm.points == 0.0, axis=1))
    assert centre.size == 1 and fm.arrays["field_deviation"][centre[0]] == 0.0  # 0/0 at s = 0 written as 0
    assert np.isfinite(fm.arrays["field_deviation"]).all() and fm.name == "Gz field per ampere"


def test_sequence_plots_write_drive_temperature_and_forces(tmp_path):
    """The sequence pictures: currents/voltages, temperatures and the force arrows in B0."""
    from coildesign.analysis import Amplifier, drive, lorentz_forces
    from coildesign.geometries import gradient_set
    from coildesign.workflow_outputs import sequence_plots

    coils = gradient_set(5e-3, turns=1, points_per_arc=8, wire_diameter=0.3e-3)
    t = np.array([0.0, 1e-4, 5e-4, 6e-4, 1e-3])
    played = drive(coils, {"x": (t, np.array([0.0, 0.5, 0.5, 0.0, 0.0]))}, amplifier=Amplifier(10.0, 5.0))
    heat = played.thermal(cooling="still air", limit=330.0)
    forces = {c: lorentz_forces(played[c].coil, 9.4, played[c].current_peak + 1.0) for c in "xyz"}
    written = sequence_plots(tmp_path, played, heat, forces, 1e-3)
    assert [p.name for p in written] == ["sequence_drive.png", "sequence_temperature.png", "forces_b0.png"]
    assert all(p.stat().st_size > 1000 for p in written)
