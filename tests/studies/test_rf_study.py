"""Built-in study functions (microcoil, gradient) and the SNR-optimal microcoil demonstration."""

import math

import numpy as np
import pytest
from scipy.constants import mu_0

from coildesign.analysis.inductance import inductance
from coildesign.geometries import solenoid
from coildesign.rf import impedance
from coildesign.rf import sample as samples
from coildesign.studies import optimize, sweep
from coildesign.studies.gradient_study import gradient
from coildesign.studies.rf_study import microcoil, microcoil_geometry_cache_clear, ring_inductance


@pytest.mark.parametrize(("turns", "d", "p"), [(4, 50e-6, 50e-6), (13, 56e-6, 93e-6)])
def test_ring_inductance_matches_general_inductance(turns, d, p):
    a = 0.5e-3 + d / 2
    ref = inductance(solenoid(a, turns * p, turns, wire_diameter=d, stacked=True))
    assert ring_inductance(a, p, turns, d) == pytest.approx(ref, rel=1e-3, abs=0)


def test_microcoil_figures_are_consistent():
    n, d, p, f0 = 6, 60e-6, 100e-6, 600e6
    r = microcoil(n, d, p, frequency=f0)
    a = 0.5 * (1e-3 + d)
    assert r["mean_radius_m"] == a and r["length_m"] == pytest.approx(n * p, rel=1e-15, abs=0)
    # rings at z_k = -l/2 + (k + 1/2) p: centre field sum mu0 a^2 / (2 (a^2 + z_k^2)^(3/2)) (Jackson eq. 5.40)
    z = -0.5 * n * p + (np.arange(n) + 0.5) * p
    b_centre = np.sum(mu_0 * a**2 / (2.0 * (a**2 + z**2) ** 1.5))
    assert r["b1_centre_T_per_A"] == pytest.approx(b_centre, rel=1e-9, abs=0)
    srf = 1.0 / (2.0 * math.pi * math.sqrt(r["inductance_H"] * r["self_capacitance_F"]))
    assert r["self_resonance_Hz"] == pytest.approx(srf, rel=1e-12, abs=0)
    assert r["srf_ratio"] == pytest.approx(srf / f0, rel=1e-12, abs=0)
    assert r["unloaded_q"] == pytest.approx(2 * math.pi * f0 * r["inductance_H"] / r["ac_resistance_ohm"],
                                            rel=1e-12, abs=0)
    assert r["sample_volume_m3"] == pytest.approx(math.pi * 0.4e-3**2 * n * p, rel=1e-12, abs=0)
    assert r["self_capacitance_F"] == impedance.medhurst_capacitance(n * p / (2 * a), 2 * a)
    assert r["s11_dB"] < -60.0 and r["snr"] > 0


def test_ring_model_agrees_with_helix():
    rings = microcoil(6, 100e-6, 150e-6)
    helix = microcoil(6, 100e-6, 150e-6, model="helix", quadrature=None)
    for key in ("inductance_H", "ac_resistance_ohm", "b1_mean_T_per_A", "snr"):
        assert rings[key] == pytest.approx(helix[key], rel=1e-2, abs=0), key


def test_microcoil_rejects_overlap_and_small_bore():
    with pytest.raises(ValueError, match="Input pitch must be >= wire_diameter"):
        microcoil(5, 100e-6, 90e-6)
    with pytest.raises(ValueError, match="Input coil_inner_diameter must be >= the capillary outer diameter"):
        microcoil(5, 100e-6, 150e-6, coil_inner_diameter=0.9e-3)
    with pytest.raises(ValueError, match="Input model must be"):
        microcoil(5, 100e-6, 150e-6, model="sheet")


def test_gradient_study_maxwell_pair():
    # bundled turns: the closed form below is for N coincident turns (a real pack spreads them)
    r = gradient("maxwell_pair", dsv_radius=1e-3, radius=5e-3, turns=10, wire_diameter=0.3e-3, bundled=True)
    # eta = 48 sqrt(3) / (49 sqrt(7)) mu0 N / a^2 (geometries.maxwell_pair)
    eta = 48 * math.sqrt(3) / (49 * math.sqrt(7)) * mu_0 * 10 / 5e-3**2
    assert r["efficiency_T_per_m_A"] == pytest.approx(eta, rel=1e-9, abs=0)
    assert r["eta2_over_l"] == pytest.approx(eta**2 / r["inductance_H"], rel=1e-9, abs=0)
    assert r["max_gradient_T_per_m"] == pytest.approx(10.0 * eta, rel=1e-9, abs=0)
    # field deviation on the axis is -176/343 (z/a)^4 + O(z^6): a few 1e-3 at r = a/5
    assert 0 < r["max_field_deviation"] < 0.01


BOUNDS = {"turns": (6, 24), "wire_diameter": (30e-6, 100e-6), "pitch": (40e-6, 200e-6)}
FIXED = {"sample_length": 1e-3}


@pytest.mark.slow
def test_snr_optimal_microcoil_is_interior_and_beats_the_grid():
    """1 mm OD / 0.8 mm ID water capillary, 1 mm sample, 600 MHz: free turns, wire diameter, pitch;
    SRF >= 1.5 f0; overlap and unmatched designs raise (recorded as failures)."""
    res = optimize(microcoil, BOUNDS, objective="snr", maximize=True, integers=("turns",),
                   constraints=["srf_ratio >= 1.5"], fixed=FIXED, backend="processes", workers=2,
                   popsize=6, maxiter=30, tol=1e-4)
    assert res.feasible and res.at_bounds() == []
    best = res.point
    for change in ({"turns": best["turns"] + 1}, {"turns": best["turns"] - 1},
                   {"wire_diameter": best["wire_diameter"] * 1.03}, {"wire_diameter": best["wire_diameter"] * 0.97},
                   {"pitch": best["pitch"] * 1.03}, {"pitch": best["pitch"] * 0.97}):
        neighbour = microcoil(**{**best, **change}, **FIXED)
        assert neighbour["snr"] < res.objective, change
    grid = sweep(microcoil, {"turns": [4, 8, 12, 16, 20], "wire_diameter": [30e-6, 60e-6, 90e-6, 120e-6],
                             "pitch": [60e-6, 100e-6, 150e-6, 250e-6]}, fixed=FIXED, backend="processes",
                 workers=2, progress=False)
    assert len(grid.failures) > 0  # overlapping wires are recorded, not fatal
    assert res.objective > grid.best("snr")["snr"]
    # the optimum pitch is 1.5-2 wire diameters and the coil ~1-1.5 sample lengths
    assert 1.5 <= res.metrics["pitch_over_wire_diameter"] <= 2.0
    assert 1.0 <= res.metrics["length_m"] / FIXED["sample_length"] <= 1.5


def test_geometry_cache_gives_the_same_numbers():
    """A frequency sweep at fixed geometry reuses the geometry (coil, B1, L, C_self, eddy-loss
    integral) and returns exactly what fresh evaluations return; geometries that differ in one
    parameter do not share an entry."""
    freqs = (400e6, 600e6, 800e6)
    microcoil_geometry_cache_clear()
    swept = [microcoil(6, 1e-4, 1.5e-4, frequency=f) for f in freqs]
    fresh = []
    for f in freqs:
        microcoil_geometry_cache_clear()
        fresh.append(microcoil(6, 1e-4, 1.5e-4, frequency=f))
    assert swept == fresh
    a = microcoil(6, 1e-4, 1.5e-4)
    b = microcoil(6, 1e-4, 1.6e-4)
    assert b["inductance_H"] != a["inductance_H"]
    assert microcoil(6, 1e-4, 1.5e-4) == a
    assert microcoil(6, 1e-4, 1.5e-4, material="silver")["ac_resistance_ohm"] < a["ac_resistance_ohm"]
    with pytest.raises(TypeError, match="quadrature"):
        microcoil(6, 1e-4, 1.5e-4, quadrature=([6], [12], [8]))


def test_loss_resistance_from_its_integral():
    """R_m = sigma omega^2 G with G = magnetic_loss_integral (the same arithmetic, so equal to the
    last bit); a precomputed integral is checked like any other input."""
    coil = solenoid(0.55e-3, 1e-3, 6, wire_diameter=1e-4, stacked=True)
    smp = samples.Cylinder(0.4e-3, 1e-3, medium=samples.water(293.15))
    g = samples.magnetic_loss_integral(coil, smp)
    sigma = smp.medium.effective_conductivity(600e6)
    assert samples.magnetic_loss_resistance(coil, smp, 600e6) == sigma * (2 * np.pi * 600e6) ** 2 * g
    assert samples.magnetic_loss_resistance(coil, smp, 600e6, integral=g) == samples.magnetic_loss_resistance(
        coil, smp, 600e6)
    with pytest.raises(ValueError, match="integral"):
        samples.magnetic_loss_resistance(coil, smp, 600e6, integral=-1.0)


def test_rings_loss_integral_needs_no_projection():
    """The rings model skips the projection of A (azimuthal about the coaxial sample's axis, so
    already divergence free and tangent to its surface): the projected integral is the same."""
    from coildesign import conductors
    from coildesign.studies import rf_study

    geo = rf_study._geometry(6, 1e-4, 1.5e-4, 1e-3, 0.8e-3, None, conductors.material("copper"), "rings", (6, 12, 8))
    shape = samples.Cylinder(0.4e-3, geo.sample_length, axis=tuple(geo.coil.axis))
    projected = samples.magnetic_loss_integral(geo.coil, shape, n=(6, 12, 8))
    assert geo.loss_integral == pytest.approx(projected, rel=1e-12, abs=0)
