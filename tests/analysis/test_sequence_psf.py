"""PSF of pypulseq sequences on coildesign gradient coils (pypulseq 1.5, a test dependency)."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.analysis import geometric_distortion, point_spread_function
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.psf import GAMMA_1H
from coildesign.analysis.sequence_psf import gradient_echo_sequence, sequence_psf, sequence_trajectory
from coildesign.fields import field
from coildesign.geometries import gradient_set
from coildesign.surfaces import cylinder

pp = pytest.importorskip("pypulseq", reason="pypulseq is in the test extra")


N, DWELL, FOV = 32, 10e-6, 1e-3


G_TESLA = 1.0 / (DWELL * FOV) / (GAMMA_1H / (2 * np.pi))  # readout gradient [T/m] of the sequences


@pytest.fixture(scope="module")
def fine():
    """A system with 10 ns rasters and ramps, so the readout is the idealised one."""
    return pp.Opts(grad_raster_time=1e-8, rf_raster_time=1e-8, adc_raster_time=1e-8, block_duration_raster=1e-8,
                   max_grad=1e12, max_slew=1e20, rf_dead_time=0, rf_ringdown_time=0, adc_dead_time=0)


@pytest.fixture(scope="module")
def coils():
    return gradient_set(1e-3)


def test_trajectory_matches_pypulseq(fine):
    seq = gradient_echo_sequence(FOV, N, 8, dwell=DWELL, system=fine, rise_time=1e-8)
    traj = sequence_trajectory(seq)
    k_pp = seq.calculate_kspace()[0].T
    assert np.abs(traj.k - k_pp).max() <= 1e-12 * np.abs(k_pp).max()
    # k = 0 on sample N/2 of every line, sample 0 at -N/2 pixels
    assert np.allclose(traj.k[N // 2 :: N, 0], 0.0, atol=1e-9 / FOV)
    assert traj.k[0, 0] * FOV == pytest.approx(-N / 2, rel=1e-12)


@pytest.mark.parametrize(("t2star", "diffusion", "tol"),
                         [(np.inf, 0.0, 1e-12), (2e-3, 0.0, 1e-12), (2e-3, 2.3e-9, 1e-6), (np.inf, 2.3e-9, 1e-6)])
def test_linear_coil_equals_point_spread_function(fine, coils, t2star, diffusion, tol):
    """Ideal gradients (coil None) and the isocentre of the real set (where the field is
    exactly linear to first order) reproduce ``point_spread_function`` for the same readout;
    the diffusion case differs only by the 10 ns ramps (1e-6)."""
    seq = gradient_echo_sequence(FOV, N, dwell=DWELL, system=fine, rise_time=1e-8)
    ref = point_spread_function(G_TESLA, FOV, N, t2star=t2star, diffusion=diffusion, echo="gradient", oversample=16)
    for coil in (None, coils):
        got = sequence_psf(coil, seq, np.zeros((1, 3)), t2star=t2star, diffusion=diffusion, oversample=16)
        assert got.axes == ("x",)
        assert np.allclose(got.u["x"], ref.x, rtol=0, atol=1e-15)
        assert np.abs(got.profiles["x"][0] - ref.profile).max() <= tol
        assert got.fwhm[0, 0] == pytest.approx(ref.fwhm, rel=max(tol, 1e-12), abs=0)


def test_nonlinear_shift_and_local_gradient(fine, coils):
    """Off centre on the x axis of the Golay x coil: the PSF sits at s' = Bz/G (the
    displacement of ``geometric_distortion``), and diffusion acts through the local gradient,
    i.e. as ``point_spread_function`` with D J_xx^2 (J_xy = J_xz = 0 there by symmetry)."""
    seq = gradient_echo_sequence(FOV, N, dwell=DWELL, system=fine, rise_time=1e-8)
    point = np.array([[0.4e-3, 0.0, 0.0]])
    got = sequence_psf(coils, seq, point, t2star=3e-3, diffusion=2.3e-9, oversample=16)
    dist = geometric_distortion(coils.x, point, "x")
    assert got.encoded[0, 0] == pytest.approx(dist.encoded[0], rel=1e-12, abs=0)
    assert abs(dist.displacement[0]) > 0.05 * FOV / N  # a visible shift
    assert got.shift[0, 0] == pytest.approx(dist.displacement[0], rel=0, abs=1e-3 * FOV / N)
    jxx = got.jacobian[0, 0, 0]
    assert jxx == pytest.approx(dist.stretch[0], rel=1e-12, abs=0)
    assert abs(jxx - 1) > 1e-3
    ref = point_spread_function(G_TESLA, FOV, N, t2star=3e-3, diffusion=2.3e-9 * jxx**2, echo="gradient",
                                oversample=16)
    assert np.abs(got.profiles["x"][0] - ref.profile).max() <= 1e-6
    assert got.fwhm_object[0, 0] == pytest.approx(got.fwhm[0, 0] / jxx, rel=1e-14, abs=0)


def test_seq_file_and_plot(tmp_path, coils):
    """A .seq file written by pypulseq gives the same PSF as the Sequence object (the file
    stores amplitudes to 6 digits and times in whole microseconds, hence scanner-like
    10 us rasters here), for a 2-D readout; the plot is one figure, saved."""
    system = pp.Opts(max_grad=1e12, max_slew=1e20)
    seq = gradient_echo_sequence(FOV, 16, 8, dwell=DWELL, system=system)
    path = tmp_path / "gre.seq"
    seq.write(str(path))
    pts = np.array([[0.0, 0.0, 0.0], [0.3e-3, 0.2e-3, 0.1e-3]])
    a = sequence_psf(coils, seq, pts, t2star=2e-3)
    b = sequence_psf(coils, path, pts, t2star=2e-3)
    assert a.axes == b.axes == ("x", "y")
    assert np.allclose(a.fwhm, b.fwhm, rtol=1e-5, atol=0)
    fig_path = tmp_path / "psf.png"
    a.plot(fig_path)
    assert fig_path.stat().st_size > 1000


def test_spin_echo_refocusing(fine):
    """A refocusing pulse negates k (checked against pypulseq) and moves the T2* echo."""
    seq = pp.Sequence(system=fine)
    seq.add_block(pp.make_block_pulse(np.pi / 2, duration=1e-4, system=fine, use="excitation"))
    seq.add_block(pp.make_trapezoid("x", area=1000.0, duration=2e-4, rise_time=1e-8, system=fine))
    seq.add_block(pp.make_block_pulse(np.pi, duration=1e-4, system=fine, use="refocusing"))
    seq.add_block(pp.make_trapezoid("x", amplitude=1e8, flat_time=4e-4, rise_time=1e-8, system=fine),
                  pp.make_adc(40, dwell=1e-5, delay=1e-8, system=fine))
    traj = sequence_trajectory(seq)
    assert np.abs(traj.k - seq.calculate_kspace()[0].T).max() <= 1e-9 * np.abs(traj.k).max()
    assert traj.k[0, 0] < 0
    np.testing.assert_allclose(traj.t_echo, 2 * 3.5e-4 - 0.5e-4, rtol=1e-9, atol=0)


def test_bad_inputs(fine, coils):
    seq = gradient_echo_sequence(FOV, 8, dwell=DWELL, system=fine, rise_time=1e-8)
    with pytest.raises(TypeError, match="sequence"):
        sequence_psf(coils, 3, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="sequence"):
        sequence_psf(coils, "/nonexistent.seq", np.zeros((1, 3)))
    with pytest.raises(ValueError, match="t2star"):
        sequence_psf(coils, seq, np.zeros((1, 3)), t2star=-1.0)
    with pytest.raises(TypeError, match="coil"):
        sequence_psf([coils.x], seq, np.zeros((1, 3)))


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
