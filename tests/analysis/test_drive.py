"""Drive of gradient coils from waveforms and pypulseq sequences: closed forms for a trapezoid train,
amplifier limits, coupling through an inductance matrix, and the sequence path."""

import numpy as np
import pytest

import coildesign as cd
from coildesign.analysis import Amplifier, drive, gradient_efficiency
from coildesign.analysis.sequence_psf import gradient_echo_sequence, gradient_waveforms
from coildesign.geometries import golay, gradient_set

RAMP, FLAT, PERIOD, AMP = 100e-6, 400e-6, 2e-3, 4.0  # [s], [s], [s], [A]
L, R = 20e-6, 0.05  # [H], [ohm]: L A/r = 0.8 V > R A = 0.2 V


@pytest.fixture(scope="module")
def gx():
    return golay(4e-3, 1, "x", points_per_arc=16, wire_diameter=0.2e-3)


def trapezoid(eta, start=0.0):
    t = start + np.array([0.0, RAMP, RAMP + FLAT, 2 * RAMP + FLAT])
    return t, eta * AMP * np.array([0.0, 1.0, 1.0, 0.0])


def test_trapezoid_train_closed_forms(gx):
    """I_rms^2 = A^2 (f + 2r/3)/T; V_peak = L A/r + R A at the end of the up-ramp; P = R I_rms^2."""
    eta = gradient_efficiency(gx, "x")
    v_max = L * AMP / RAMP + 0.5 * R * AMP  # exceeded on the second half of the up-ramp only
    amp = Amplifier(v_max, 0.8 * AMP)
    d = drive({"x": gx}, {"x": trapezoid(eta)}, period=PERIOD, inductance={"x": L}, resistance={"x": R},
              amplifier=amp)
    ch = d["Gx"]
    assert ch.current_rms == pytest.approx(AMP * np.sqrt((FLAT + 2 * RAMP / 3) / PERIOD), rel=1e-14, abs=0)
    assert ch.current_peak == pytest.approx(AMP, rel=1e-14, abs=0)
    assert ch.voltage_peak == pytest.approx(L * AMP / RAMP + R * AMP, rel=1e-13, abs=0)
    assert ch.power_mean == pytest.approx(R * ch.current_rms**2, rel=1e-15, abs=0)
    assert ch.power_peak == pytest.approx(R * AMP**2, rel=1e-14, abs=0)
    assert ch.amplifier_power_peak == pytest.approx((L * AMP / RAMP + R * AMP) * AMP, rel=1e-13, abs=0)
    assert ch.voltage_limited_time == pytest.approx(0.5 * RAMP, rel=1e-10, abs=0)
    assert ch.current_limited_time == pytest.approx(FLAT + 0.4 * RAMP, rel=1e-10, abs=0)
    assert ch.limited_time == pytest.approx(FLAT + 0.7 * RAMP, rel=1e-10, abs=0)
    assert ch.within_limits is False
    assert ch.gradient_peak == pytest.approx(abs(eta) * AMP, rel=1e-14)
    assert ch.slew_rate_peak == pytest.approx(abs(eta) * AMP / RAMP, rel=1e-12)
    ok = drive({"x": gx}, {"x": trapezoid(eta)}, period=PERIOD, inductance={"x": L}, resistance={"x": R},
               amplifier=Amplifier(10 * v_max, 2 * AMP))
    assert ok["x"].within_limits is True and ok["x"].limited_time == 0.0


def test_inductance_matrix_couples_channels(gx):
    """V_x = M dI_y/dt while x carries no current."""
    gy = golay(4.4e-3, 1, "y", points_per_arc=16, wire_diameter=0.2e-3)
    ey = gradient_efficiency(gy, "y")
    m = 3e-6
    t = np.array([0.0, 1e-3])
    d = drive({"x": gx, "y": gy}, {"x": (t, np.zeros(2)), "y": trapezoid(ey, 1e-4)}, period=PERIOD,
              inductance=np.array([[L, m], [m, 2 * L]]), resistance={"x": R, "y": R})
    assert d["x"].current_peak == 0.0
    assert d["x"].voltage_peak == pytest.approx(m * AMP / RAMP, rel=1e-13, abs=0)
    base = drive({"x": gx, "y": gy}, {"y": trapezoid(ey, 1e-4)}, period=PERIOD,
                 inductance={"x": L, "y": 2 * L}, resistance={"x": R, "y": R})
    assert base["y"].voltage_peak == pytest.approx(d["y"].voltage_peak, rel=1e-14)
    assert base["x"].voltage_peak == 0.0


def test_pypulseq_sequence_currents_and_rms():
    """Currents are G/eta with pypulseq's Hz/m divided by gamma; the exact RMS of the piecewise-linear
    waveform against a dense trapezoidal sum."""
    pp = pytest.importorskip("pypulseq")
    system = pp.Opts(max_grad=2000, grad_unit="mT/m", max_slew=5000, slew_unit="T/m/s")
    seq = gradient_echo_sequence((4e-3, 4e-3, 4e-3), 32, 4, 2, system=system)
    gs = gradient_set(4e-3, wire_diameter=0.2e-3)
    d = drive(gs, seq)
    t, g, duration = gradient_waveforms(seq)
    assert np.abs(g[:, 0]).max() == pytest.approx(1 / (10e-6 * 4e-3) / system.gamma, rel=1e-12)
    assert d.period == pytest.approx(duration, rel=1e-15)
    for k, a in enumerate("xyz"):
        ch = d[a]
        assert ch.current_peak == pytest.approx(np.abs(g[:, k]).max() / abs(ch.efficiency), rel=1e-12)
        dense = np.linspace(0, duration, 2_000_001)
        i = np.interp(dense, t, g[:, k], left=0, right=0) / ch.efficiency
        assert ch.current_rms == pytest.approx(np.sqrt(np.trapezoid(i * i, dense) / duration), rel=1e-5, abs=0)
    assert len(d) == 3 and "drive" in str(d)
    heat = d.thermal(cooling="still air", limit=333.15)
    assert d["x"].max_gradient(heat["x"]) == pytest.approx(d["x"].gradient_peak * heat["x"].max_amplitude_scale,
                                                           rel=1e-15)


def test_bad_input(gx):
    eta = gradient_efficiency(gx, "x")
    with pytest.raises(ValueError, match="period"):
        drive({"x": gx}, {"x": trapezoid(eta)}, period=1e-4, inductance={"x": L}, resistance={"x": R})
    with pytest.raises(ValueError, match="increasing"):
        drive({"x": gx}, {"x": (np.array([0.0, 1e-4, 1e-4]), np.zeros(3))}, inductance={"x": L})
    with pytest.raises(TypeError, match="amplifier"):
        drive({"x": gx}, {"x": trapezoid(eta)}, amplifier=(10, 2), inductance={"x": L})
    with pytest.raises(ValueError, match="sequence"):
        drive({"x": gx}, {"q": trapezoid(eta)}, inductance={"x": L})
    with pytest.raises(ValueError, match="v_max"):
        Amplifier(-1.0, 2.0)
    with pytest.raises(ValueError, match="inductance"):
        drive({"x": gx}, {"x": trapezoid(eta)}, inductance=np.eye(2))


def test_plot(tmp_path, gx):
    import matplotlib

    matplotlib.use("Agg")
    eta = gradient_efficiency(gx, "x")
    d = drive({"x": gx}, {"x": trapezoid(eta)}, period=PERIOD, inductance={"x": L}, resistance={"x": R},
              amplifier=Amplifier(100.0, 10.0))
    d.plot(path=tmp_path / "d.png")
    assert (tmp_path / "d.png").stat().st_size > 1000
    assert isinstance(cd.analysis.drive, type(drive))
