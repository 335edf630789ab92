"""Trapezoid waveforms of a 2-D imaging sequence from its parameters: the lobe areas the k-space
relations demand (Bernstein, King & Zhou, Handbook of MRI Pulse Sequences, 2004, ch. 7-8), checked
on the lobes and on the time integrals of the waveform arrays that ``drive`` receives."""

import numpy as np
import pytest

from coildesign.analysis import Amplifier, drive
from coildesign.analysis.drive_waveforms import CRUSHER_CYCLES, Trapezoid, imaging_sequence, shortest_trapezoid
from coildesign.geometries import gradient_set
from coildesign.rf.nuclei import nucleus

GAMMA = nucleus("1H").gamma  # [rad/(s T)]
GBAR = GAMMA / (2 * np.pi)  # [Hz/T]
FOV, N, BW = 1e-3, 64, 40e3  # [m], samples, [Hz]
DZ, TAU, TBW = 0.3e-3, 1e-3, 4.0  # [m], [s], [1]
G_LIM, SLEW = 1.5, 8e5  # [T/m], [T/(m s)]


def build(kind="gradient_echo", matrix=N, **kw):
    args = dict(slice_thickness=DZ, rf_duration=TAU, time_bandwidth=TBW, max_gradient=G_LIM, slew_rate=SLEW,
                gamma=GAMMA, kind=kind)
    args.update(kw)
    return imaging_sequence(FOV, matrix, BW, **args)


def integral(t, g, a, b):
    """Exact time integral [T s/m] of the piecewise-linear (t, g) from a to b."""
    grid = np.unique(np.concatenate([t[(t > a) & (t < b)], [a, b]]))
    values = np.interp(grid, t, g)
    return float(np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(grid)))


def test_gradient_echo_lobes_have_the_k_space_areas():
    """Readout G_r = BW/(gamma_bar FOV) over T_acq = N/BW (flat-top area N/(gamma_bar FOV) = 1/(gamma_bar dx));
    prephaser -1/2 of the readout lobe up to its end ramp; phase encode -(N/2)/(gamma_bar FOV) and its
    rewinder; slice select TBW/(gamma_bar tau dz) with the refocusing lobe -G_ss (tau + r)/2."""
    seq = build()
    ro, pre = seq.lobe("readout"), seq.lobe("readout prephaser")
    assert ro.amplitude == pytest.approx(BW / (GBAR * FOV), rel=1e-15, abs=0)
    assert ro.flat == pytest.approx(N / BW, rel=1e-15, abs=0)
    assert ro.flat_area == pytest.approx(N / (GBAR * FOV), rel=1e-15, abs=0)
    assert pre.area == pytest.approx(-0.5 * ro.amplitude * (ro.flat + ro.ramp), rel=1e-14, abs=0)
    pe, rew = seq.lobe("phase encode"), seq.lobe("phase rewinder")
    assert pe.area == pytest.approx(-(N // 2) / (GBAR * FOV), rel=1e-14, abs=0)
    assert rew.area == -pe.area
    ss, ref = seq.lobe("slice select"), seq.lobe("slice refocus")
    assert ss.amplitude == pytest.approx(TBW / (GBAR * TAU * DZ), rel=1e-15, abs=0) and ss.flat == TAU
    assert ref.area == pytest.approx(-0.5 * ss.amplitude * (TAU + ss.ramp), rel=1e-14, abs=0)
    assert seq.echo_time == pytest.approx(ro.start + ro.ramp + 0.5 * ro.flat - seq.excitation_centre, rel=1e-15)


def test_waveform_integrals_put_k_at_the_echo():
    """The arrays ``drive`` gets: from the excitation's centre to the echo, k_x = 0, k_y = n/FOV for
    step n (phase steps -N/2 ... N/2 - 1 in successive repetitions), k_z = 0 after the refocusing
    lobe; every repetition returns k_y to 0 (rewinder)."""
    seq = build()
    w = seq.waveforms()
    scale = seq.lobe("readout").flat_area  # N/(gamma_bar FOV)
    tr, te, t90 = seq.repetition_time, seq.echo_time, seq.excitation_centre
    for n in (-N // 2, -3, 0, 5, N // 2 - 1):
        start = (n + N // 2) * tr
        kx = integral(*w["x"], start + t90, start + t90 + te)
        ky = integral(*w["y"], start + t90, start + t90 + te)
        kz = integral(*w["z"], start + t90, start + seq.lobe("slice refocus").end)
        assert abs(kx) <= 1e-13 * scale and abs(kz) <= 1e-13 * scale
        assert ky == pytest.approx(n / (GBAR * FOV), rel=1e-12, abs=1e-13 * scale)
        assert abs(integral(*w["y"], start, start + tr)) <= 1e-13 * scale
    for ch, (t, g) in w.items():
        assert t[0] == 0 and t[-1] == pytest.approx(N * tr, rel=1e-15) and (np.diff(t) > 0).all(), ch
        assert g[0] == 0 and g[-1] == 0


def test_spin_echo_refocuses_at_te():
    """Spin echo: the prephaser (+1/2 of the readout lobe) before the refocusing pulse, which negates
    k, so k_x = 0 at TE = 2 (t_180 - t_90); crushers of 2 cycles across the slice, equal on both sides."""
    seq = build("spin_echo")
    ro, pre, refocus = seq.lobe("readout"), seq.lobe("readout prephaser"), seq.lobe("refocusing slice select")
    assert pre.area == pytest.approx(0.5 * ro.amplitude * (ro.flat + ro.ramp), rel=1e-14, abs=0)
    t180 = refocus.start + refocus.ramp + 0.5 * refocus.flat
    assert seq.echo_time == pytest.approx(2 * (t180 - seq.excitation_centre), rel=1e-14)
    w = seq.waveforms()
    before = integral(*w["x"], seq.excitation_centre, t180)
    after = integral(*w["x"], t180, seq.excitation_centre + seq.echo_time)
    assert abs(after - before) <= 1e-13 * ro.flat_area
    crushers = [lb for lb in seq.lobes if lb.name == "crusher"]
    assert len(crushers) == 2 and crushers[0].end == refocus.start and crushers[1].start == refocus.end
    for c in crushers:
        assert c.area == pytest.approx(CRUSHER_CYCLES / (GBAR * DZ), rel=1e-14, abs=0)
    assert refocus.amplitude == seq.lobe("slice select").amplitude


def test_lobes_respect_the_amplitude_and_slew_limits_and_are_shortest():
    """Every lobe within max_gradient and the slew rate; a small area gives a triangle with ramps
    sqrt(A/S), a large one a trapezoid at the limit (Bernstein sect. 7.1)."""
    for kind in ("gradient_echo", "spin_echo"):
        seq = build(kind)
        for lb in seq.lobes:
            assert abs(lb.amplitude) <= G_LIM * (1 + 1e-14), lb
            assert abs(lb.amplitude) <= SLEW * lb.ramp * (1 + 1e-14), lb
    tri = shortest_trapezoid("x", "t", 0.0, 1e-7, G_LIM, SLEW)
    assert tri.flat == 0 and tri.ramp == pytest.approx(np.sqrt(1e-7 / SLEW), rel=1e-15)
    assert tri.area == pytest.approx(1e-7, rel=1e-14, abs=0)
    big = shortest_trapezoid("x", "t", 0.0, -1e-3, G_LIM, SLEW)
    assert big.amplitude == pytest.approx(-G_LIM, rel=1e-14) and big.ramp == G_LIM / SLEW
    assert big.area == pytest.approx(-1e-3, rel=1e-14, abs=0)
    t, g = Trapezoid("y", "t", 1.0, 0.1, 0.0, 2.0).corners()
    assert t.tolist() == [1.0, 1.1, 1.2] and g.tolist() == [0.0, 2.0, 0.0]


def test_repetition_time_and_odd_matrix():
    """A given TR adds dead time (the scan lasts N TR); shorter than the lobes allow is refused;
    an odd matrix encodes the steps -(N-1)/2 ... (N-1)/2."""
    short = build()
    longer = build(tr=2 * short.repetition_time)
    assert longer.scan_time == pytest.approx(2 * short.scan_time, rel=1e-15)
    with pytest.raises(ValueError, match="Input tr must be at least the shortest"):
        build(tr=0.5 * short.repetition_time)
    odd = build(matrix=9)
    steps = [odd.step_lobes(n)[2].area * GBAR * FOV for n in range(-4, 5)]
    assert steps == pytest.approx(list(range(-4, 5)), rel=1e-13, abs=1e-13)
    with pytest.raises(ValueError, match="Input n must be"):
        odd.step_lobes(5)


@pytest.mark.parametrize(("kw", "message"), [
    ({"bandwidth": 1e7}, "Input bandwidth must be at most"),
    ({"slice_thickness": 1e-6}, "Input slice_thickness must be at least"),
    ({"kind": "epi"}, "Input kind must be one of"),
    ({"slew_rate": 0.0}, "Input slew_rate must be a finite number > 0"),
])
def test_bad_input_names_the_parameter(kw, message):
    args = dict(slice_thickness=DZ, rf_duration=TAU, time_bandwidth=TBW, max_gradient=G_LIM, slew_rate=SLEW,
                gamma=GAMMA)
    bw = kw.pop("bandwidth", BW)
    args.update(kw)
    with pytest.raises(ValueError, match=message):
        imaging_sequence(FOV, N, bw, **args)


def test_drive_of_the_waveforms_matches_the_lobes():
    """Fed to ``drive``: the readout channel's peak current is the largest lobe over eta, and the
    RMS current over the scan follows the lobes' closed form (A^2 (flat + 2 ramp/3) per lobe)."""
    coils = gradient_set(5e-3, turns=1, points_per_arc=16, wire_diameter=0.3e-3)
    seq = build()
    d = drive(coils, seq.waveforms(), amplifier=Amplifier(50.0, 10.0), period=seq.scan_time)
    x = d["x"]
    peak = max(abs(lb.amplitude) for lb in seq.lobes if lb.channel == "x")
    assert x.current_peak == pytest.approx(peak / abs(x.efficiency), rel=1e-14, abs=0)
    energy = sum(lb.amplitude**2 * (lb.flat + 2 * lb.ramp / 3) for lb in seq.lobes if lb.channel == "x")
    assert x.current_rms == pytest.approx(np.sqrt(energy / seq.repetition_time) / abs(x.efficiency), rel=1e-12,
                                          abs=0)
