"""sequence_psf with conducting shells: the eddy field added to the gradient waveforms."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.sequence_psf import gradient_echo_sequence, sequence_psf
from coildesign.fields import field
from coildesign.geometries import gradient_set
from coildesign.surfaces import cylinder

pp = pytest.importorskip("pypulseq", reason="pypulseq is in the test extra")

N, DWELL, FOV = 32, 10e-6, 1e-3


@pytest.fixture(scope="module")
def setup():
    system = pp.Opts(grad_raster_time=1e-8, rf_raster_time=1e-8, adc_raster_time=1e-8, block_duration_raster=1e-8,
                     max_grad=1e12, max_slew=1e20, rf_dead_time=0, rf_ringdown_time=0, adc_dead_time=0)
    seq = gradient_echo_sequence(FOV, N, dwell=DWELL, system=system, rise_time=1e-6)
    return seq, gradient_set(1e-3), cylinder(2e-3, 8e-3, 4e-4, name="shield")


def test_no_shells_is_todays_result(setup):
    seq, coils, _ = setup
    pts = np.array([[0.0, 0.0, 0.0], [0.3e-3, 0.1e-3, 0.0]])
    a = sequence_psf(coils, seq, pts, t2star=2e-3)
    b = sequence_psf(coils, seq, pts, t2star=2e-3, shells=None)
    for ax in a.axes:
        assert np.array_equal(a.profiles[ax], b.profiles[ax])
    assert np.array_equal(a.shift, b.shift)


def test_slow_shell_scales_the_gradient(setup):
    """A shell whose time constants are far longer than the sequence keeps its t = 0+ currents
    in step with the coil current (x_i = I), so the coil's field is replaced by coil + eddy(0+)
    at all times: the point appears at (Bz_coil + Bz_eddy(0+))/eta."""
    seq, coils, surf = setup
    shell = eddy.Shell(surf, 1e-4, conductivity=1e16)
    m = eddy.modes(shell, basis_size=40)
    assert m.time_constants[-1] > 1e4 * 2e-3  # the sequence lasts < 2 ms
    pts = np.array([[0.3e-3, 0.0, 0.0]])
    got = sequence_psf(coils, seq, pts, shells=m)
    plain = sequence_psf(coils, seq, pts)
    eta = gradient_efficiency(coils.x, "x")
    b0 = eddy.step_response(coils.x, m, pts, [0.0]).field[0, 0, 2]
    expected = (field(coils.x, pts)[0, 2] + b0) / eta - pts[0, 0]
    assert abs(b0) > 0.05 * abs(field(coils.x, pts)[0, 2])  # the shield matters
    assert got.shift[0, 0] == pytest.approx(expected, rel=0, abs=2e-3 * FOV / N)
    assert abs(got.shift[0, 0] - plain.shift[0, 0]) > 0.5 * FOV / N


def test_fast_shell_has_no_effect(setup):
    """Time constants far below the dwell time: the eddy currents die within each raster step."""
    seq, coils, surf = setup
    shell = eddy.Shell(surf, 1e-7, conductivity=1e3)
    m = eddy.modes(shell, basis_size=40)
    assert m.time_constants[0] < 1e-9
    pts = np.array([[0.3e-3, 0.0, 0.0]])
    got = sequence_psf(coils, seq, pts, shells=m)
    plain = sequence_psf(coils, seq, pts)
    assert got.shift[0, 0] == pytest.approx(plain.shift[0, 0], rel=0, abs=1e-3 * FOV / N)


@pytest.mark.filterwarnings("ignore::coildesign.eddy.ThinSheetWarning")
def test_response_to_a_pypulseq_channel(setup):
    """A pypulseq channel is the gradient [Hz/m] / (gamma_bar eta) in amperes."""
    seq, coils, surf = setup
    m = eddy.modes(eddy.Shell(surf, 1e-4), basis_size=20)
    pts = np.array([[0.3e-3, 0.0, 0.0]])
    waves = seq.waveforms_and_times(append_RF=False)[0]
    eta = gradient_efficiency(coils.x, "x")
    t = np.linspace(0.0, waves[0][0][-1], 7)
    a = eddy.response(coils.x, m, pts, (seq, "x"), t)
    b = eddy.response(coils.x, m, pts, (waves[0][0], waves[0][1] / (seq.system.gamma * eta)), t)
    np.testing.assert_allclose(a.field, b.field, rtol=1e-9, atol=1e-30)
    assert np.abs(a.field).max() > 0
