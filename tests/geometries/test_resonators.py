"""Tests of coildesign.geometries.resonators and coildesign.rf.resonators: microstrip line
parameters (Hammerstad & Jensen), loop-gap resonance and Q = r/delta (Froncisz & Hyde),
Alderman-Grant current model, B1 per sqrt(W) and matching."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.constants import epsilon_0, mu_0
from scipy.constants import speed_of_light as c0

from coildesign.conductors import material
from coildesign.fields import field
from coildesign.geometries import alderman_grant, hammerstad_jensen, loop_gap_resonator, micro_helmholtz, stripline
from coildesign.geometries.resonators import helmholtz_separation
from coildesign.rf import resonator_analysis
from coildesign.rf.impedance import skin_depth
from coildesign.rf.sensitivity import B1AlongB0Warning

RHO = material("copper").resistivity_at(293.15)


def test_hammerstad_jensen_limits_and_a_known_line():
    """Air line: eps_eff = 1 exactly; wide strip: Z0 -> eta0 h / w plus fringing (parallel-plate
    limit from above); alumina (eps_r 9.8) at w/h = 0.95 is the design-chart 50 ohm line
    (charts give w/h = 0.95-0.97 for 50 ohm, i.e. 50-51 ohm at 0.95)."""
    z, eps = hammerstad_jensen(1e-3, 1e-3, 1.0)
    assert eps == 1.0 and z == pytest.approx(126.4, rel=2e-3)
    z_wide, _ = hammerstad_jensen(100e-3, 1e-3, 1.0)
    plate = mu_0 * c0 * 1e-3 / 100e-3
    assert plate * 0.95 < z_wide < plate
    z_al, eps_al = hammerstad_jensen(0.95 * 0.635e-3, 0.635e-3, 9.8)
    assert 50.0 <= z_al <= 51.0 and 6.4 < eps_al < 6.7
    with pytest.raises(ValueError, match="Input substrate_permittivity"):
        hammerstad_jensen(1e-3, 1e-3, 0.5)


@pytest.mark.parametrize("termination", ["short", "open"])
def test_stripline_resonance_and_analysis(termination):
    ell, w, h = 30e-3, 1e-3, 0.5e-3
    line = stripline(ell, w, h, substrate_permittivity=3.0, termination=termination)
    p = line.parameters
    f0 = c0 / ((4 if termination == "short" else 2) * ell * math.sqrt(p["eps_eff"]))
    assert p["resonance_frequency"] == pytest.approx(f0, rel=1e-14)
    # L' C' = eps_eff / c^2 and sqrt(L'/C') = Z0 (TEM line)
    assert p["inductance_per_length"] * p["capacitance_per_length"] == pytest.approx(p["eps_eff"] / c0**2, rel=1e-14)
    assert math.sqrt(p["inductance_per_length"] / p["capacitance_per_length"]) == pytest.approx(p["z0"], rel=1e-14)
    res = resonator_analysis(line, b0_direction=(1, 0, 0))
    # conductor Q of Pozar eq. 3.199: Q = beta Z0 w / (2 R_s)
    rs = RHO / skin_depth(f0, RHO)
    beta = 2 * math.pi * f0 * math.sqrt(p["eps_eff"]) / c0
    assert res.q == pytest.approx(beta * p["z0"] * w / (2 * rs), rel=1e-12)
    assert res.q > resonator_analysis(line, loss_tangent=1e-3, b0_direction=(1, 0, 0)).q
    # the equivalent parallel RLC resonates at f0 and is matched
    assert res.circuit.self_resonance == pytest.approx(f0, rel=1e-12)
    assert res.match.s11_db < -40 and res.b1_per_sqrt_watt > 0
    # B1 per sqrt(W) = |B1/I0| sqrt(2 Q / (omega L')): P = omega W / Q with W = L' l I0^2 / 4
    b = np.linalg.norm(field(line, [res.point])[0, :2])
    assert res.b1_per_sqrt_watt == pytest.approx(
        b * math.sqrt(4 * res.q / (2 * math.pi * f0 * p["inductance_per_length"] * ell)), rel=1e-12)


def test_loop_gap_resonator_froncisz_hyde():
    r, z, t, w, n = 1e-3, 5e-3, 50e-6, 0.5e-3, 4
    lgr = loop_gap_resonator(r, z, t, w, gaps=n).rotate(90.0, (0, 1, 0))  # loop axis across B0
    p = lgr.parameters
    assert p["inductance"] == pytest.approx(mu_0 * math.pi * r * r / z, rel=1e-14)
    assert p["capacitance"] == pytest.approx(epsilon_0 * w * z / (n * t), rel=1e-14)
    f0 = c0 / (2 * math.pi * r) * math.sqrt(n * t / (math.pi * w))  # Froncisz & Hyde's closed form
    assert p["resonance_frequency"] == pytest.approx(f0, rel=1e-12)
    res = resonator_analysis(lgr)
    assert res.q == pytest.approx(r / skin_depth(f0, RHO), rel=1e-12)  # Q = r / delta
    # centre field of the ring stack: the finite-solenoid value mu0 I / sqrt(Z^2 + 4 r^2) within 1 %
    b_centre = np.linalg.norm(field(lgr, [[0, 0, 0]])[0])
    assert b_centre == pytest.approx(mu_0 / math.sqrt(z * z + 4 * r * r), rel=1e-2)
    assert res.match.s11_db < -40
    with pytest.warns(B1AlongB0Warning):
        resonator_analysis(loop_gap_resonator(r, z, t, w))  # axis along B0
    with pytest.raises(ValueError, match="Input gap"):
        loop_gap_resonator(r, z, 2e-3, w, gaps=4)


def test_alderman_grant_current_model():
    a, ell = 2e-3, 8e-3
    ag = alderman_grant(a, ell, 80.0, strands=4, points_per_arc=16, capacitance=10e-12)
    centre = field(ag, [[0, 0, 0]])[0]
    assert centre[0] > 0 and abs(centre[1]) < 1e-12 * centre[0] and abs(centre[2]) < 1e-12 * centre[0]
    # each wing carries the full current: total weight through a wing's strands is 1
    assert sum(ag.weights) == pytest.approx(1.0, rel=1e-14)
    res = resonator_analysis(ag)
    assert res.frequency == pytest.approx(1 / (2 * math.pi * math.sqrt(res.circuit.inductance * 10e-12)), rel=1e-12)
    assert res.q == pytest.approx(2 * math.pi * res.frequency * res.circuit.inductance
                                  / res.circuit.conductor_resistance, rel=1e-12)
    assert res.b1_per_sqrt_watt == pytest.approx(centre[0] * math.sqrt(2 / res.circuit.resistance), rel=1e-9)
    with pytest.raises(ValueError, match="Input frequency must be given"):
        resonator_analysis(alderman_grant(a, ell))
    with pytest.raises(ValueError, match="Input wing_angle"):
        alderman_grant(a, ell, 190.0)


def test_micro_helmholtz_pair_resonated_at_a_frequency():
    """A Helmholtz pair of microcoils (geometries.helmholtz_pair, axis across B0) tuned to
    600 MHz: Q = omega L / R and B1 per sqrt(W) = |B1/I| sqrt(2/R) at the centre."""
    from coildesign.geometries import helmholtz_pair

    pair = helmholtz_pair(0.5e-3, 2, wire_diameter=50e-6).rotate(90.0, (0, 1, 0))
    res = resonator_analysis(pair, frequency=600e6)
    c = res.circuit
    assert res.q == pytest.approx(2 * math.pi * 600e6 * c.inductance / c.resistance, rel=1e-12)
    b = np.linalg.norm(field(pair, [[0, 0, 0]])[0, :2])
    assert res.b1_per_sqrt_watt == pytest.approx(b * math.sqrt(2 / c.resistance), rel=1e-12)
    assert res.match.s11_db < -40


def test_micro_helmholtz_of_one_turn_is_the_helmholtz_pair():
    """One turn per spiral: separation = R and B(0) = (4/5)^(3/2) mu0 / R per ampere (Jackson
    eq. 5.40 summed over the pair), from the field engine and from the recorded closed form."""
    coil = micro_helmholtz(0.4e-3, 1, 0.1e-3)
    r = 0.45e-3
    assert coil.parameters["separation"] == pytest.approx(r, rel=1e-14, abs=0)
    expected = (4.0 / 5.0) ** 1.5 * mu_0 / r
    assert field(coil, np.zeros((1, 3)))[0, 2] == pytest.approx(expected, rel=1e-12, abs=0)
    assert coil.parameters["centre_field_per_ampere_closed_form"] == pytest.approx(expected, rel=1e-14, abs=0)


def test_micro_helmholtz_separation_nulls_the_field_curvature():
    """Eight turns per spiral (Ehrmann et al. 2007 geometry): at the default separation the z^2
    term of B_z(z) on the axis vanishes (estimated from second differences at two steps, which
    removes the z^4 term; what remains is the z^6 term, ~(step/r)^4), at 1.1x it does not; the
    centre field equals the ring sum."""
    coil = micro_helmholtz(0.2e-3, 8, 0.05e-3, trace_width=0.03e-3)
    d = coil.parameters["separation"]
    radii = np.array(coil.parameters["turn_radii"])
    assert radii.min() < d < radii.max() and d == helmholtz_separation(radii)

    def z2_coefficient(c, step=2.5e-6):
        pts = np.zeros((5, 3))
        pts[:, 2] = np.array([-2, -1, 0, 1, 2]) * step
        b = field(c, pts)[:, 2]
        d1, d2 = b[1] + b[3] - 2 * b[2], b[0] + b[4] - 2 * b[2]
        return (16 * d1 - d2) / (24 * step**2) * radii.mean() ** 2 / b[2]

    assert abs(z2_coefficient(coil)) < 1e-7
    assert abs(z2_coefficient(micro_helmholtz(0.2e-3, 8, 0.05e-3, trace_width=0.03e-3, separation=1.1 * d))) > 1e-2
    b0 = field(coil, np.zeros((1, 3)))[0, 2]
    assert b0 == pytest.approx(coil.parameters["centre_field_per_ampere_closed_form"], rel=1e-12, abs=0)
    assert len(coil.windings) == 16 and coil.role == "rf"
    with pytest.raises(ValueError, match="Input trace_width must be smaller than the pitch"):
        micro_helmholtz(0.2e-3, 8, 0.05e-3, trace_width=0.06e-3)
    with pytest.raises(ValueError, match="Input radii"):
        helmholtz_separation([])
