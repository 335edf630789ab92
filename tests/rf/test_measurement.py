"""Tests of coildesign.rf.measurement: Q and coupling fitted to S-parameters of known circuits
(scikit-rf's Qfactor, Gregory NPL MAT 58), from Touchstone files and networks."""

from __future__ import annotations

import numpy as np
import pytest

from coildesign.rf import CoilCircuit, fit_measurement, match, match_capacitors

R, L, F0 = 0.5, 20e-9, 600e6


@pytest.fixture(scope="module")
def matched():
    return match_capacitors(R, L, F0, n_points=401)


def test_critically_coupled_coil_from_a_touchstone_file(matched, tmp_path):
    path = matched.to_touchstone(tmp_path / "coil.s1p")
    fit = fit_measurement(path)
    # critical coupling: beta = 1, Q_L = Q_0 / 2, Q_0 = omega L / R up to the matching network's
    # own frequency dependence (0.3 % here)
    assert fit.coupling == pytest.approx(1.0, abs=1e-3)
    assert fit.q_unloaded == pytest.approx(2 * np.pi * F0 * L / R, rel=5e-3)
    assert fit.q_loaded == pytest.approx(matched.q_loaded, rel=5e-3)
    assert fit.resonance_frequency == pytest.approx(F0, rel=1e-4)
    assert fit.bandwidth == pytest.approx(fit.resonance_frequency / fit.q_loaded, rel=1e-14)
    assert fit.q_external == pytest.approx(fit.q_unloaded / fit.coupling, rel=1e-14)
    text = fit.compare(matched)
    assert "loaded Q" in text and "coupling beta" in text


@pytest.mark.parametrize(("z0", "beta"), [(25.0, 0.5), (100.0, 2.0)])
def test_under_and_over_coupling(matched, z0, beta):
    """The network matched into 50 ohm, measured with another reference: the coupling resistance
    seen by the resonator scales with the reference, beta = Z0_ref / 50 ohm (to O(1/Q))."""
    net = matched.network.copy()
    net.renormalize(z0)
    fit = fit_measurement(net)
    assert fit.coupling == pytest.approx(beta, rel=2e-2)
    assert fit.q_unloaded == pytest.approx(2 * np.pi * F0 * L / R, rel=1e-2)
    assert fit.q_loaded == pytest.approx(fit.q_unloaded / (1 + fit.coupling), rel=1e-12)


def test_compare_with_a_circuit_and_bad_inputs(matched):
    fit = fit_measurement(matched.network, span=4 * matched.bandwidth)
    circuit = CoilCircuit(inductance=L, conductor_resistance=R, frequency=F0)
    assert "critically coupled" in fit.compare(circuit)
    assert fit.compare(match(circuit)).count("/") >= 8
    with pytest.raises(TypeError, match="Input touchstone_or_network"):
        fit_measurement(3.0)
    with pytest.raises(ValueError, match="Input touchstone_or_network must be an existing Touchstone"):
        fit_measurement("no_such_file.s1p")
    with pytest.raises(ValueError, match="Input res_type"):
        fit_measurement(matched.network, res_type="dip")
    with pytest.raises(TypeError, match="Input prediction"):
        fit.compare("coil")
