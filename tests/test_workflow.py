"""The run's sequence section (``workflow.SequenceReport``): its numbers are those of direct calls of
``imaging_sequence``, ``drive``, ``thermal`` and ``lorentz_forces`` on the same coils, its derived
slew rate keeps every channel's voltage within the amplifier, and the design's keys reach it."""

import numpy as np
import pytest

from coildesign import probe_file, workflow
from coildesign.analysis import Amplifier, drive, lorentz_forces, thermal
from coildesign.analysis.drive_waveforms import imaging_sequence
from coildesign.rf.nuclei import nucleus

DESIGN = {"gradient": {"generator": "gradient_set", "radius": 5e-3, "turns": [2, 2, 2], "wire_diameter": 0.3e-3,
                       "points_per_arc": 16, "v_max": 20.0, "i_max": 8.0, "dsv_radius": 1.5e-3,
                       "cooling": "forced air", "temperature_limit": 313.15},
          "imaging": {"fov": 2e-3, "matrix": 32, "bandwidth": 30e3, "slice_thickness": 0.5e-3,
                      "rf_duration": 0.5e-3, "time_bandwidth": 3.0, "sequence": "spin_echo"},
          "probe": {"b0": 9.4, "temperature": 300.0}}


@pytest.fixture(scope="module")
def section():
    spec = probe_file.validate_design(DESIGN)
    gradients = workflow._gradient_section(spec.gradient, spec.probe.temperature, lambda name: None)
    gamma = nucleus(spec.probe.nucleus).gamma
    report = workflow._sequence_section(spec.imaging, spec.gradient, gradients, spec.probe.b0, gamma,
                                        spec.probe.temperature)
    return spec, gradients, gamma, report


def test_section_equals_direct_calls(section):
    """Sequence, drive, thermal and forces as a user would call them, at 1e-12."""
    spec, gradients, gamma, report = section
    coils = {"x": gradients[0].coil, "y": gradients[1].coil, "z": gradients[2].coil}
    perf = [g.performance for g in gradients]
    im, gs, temp = spec.imaging, spec.gradient, spec.probe.temperature
    slew = min(abs(p.efficiency) * (gs.v_max - p.resistance * gs.i_max) / p.inductance for p in perf)
    seq = imaging_sequence(im.fov, im.matrix, im.bandwidth, slice_thickness=im.slice_thickness,
                           rf_duration=im.rf_duration, time_bandwidth=im.time_bandwidth,
                           max_gradient=min(p.max_gradient for p in perf), slew_rate=slew, gamma=gamma,
                           kind="spin_echo")
    assert report.sequence.slew_rate == pytest.approx(slew, rel=1e-12, abs=0)
    assert report.sequence.repetition_time == pytest.approx(seq.repetition_time, rel=1e-12, abs=0)
    d = drive(coils, seq.waveforms(), amplifier=Amplifier(gs.v_max, gs.i_max), temperature=temp,
              period=seq.scan_time)
    out = report.as_dict()["channels"]
    for c in "xyz":
        ch, row = d[c], out["G" + c]
        th = thermal(coils[c], ch.current_rms, cooling="forced air", ambient=temp, limit=313.15)
        for key, value in (("current_peak_A", ch.current_peak), ("current_rms_A", ch.current_rms),
                           ("voltage_peak_V", ch.voltage_peak), ("power_mean_W", ch.power_mean),
                           ("power_peak_W", ch.power_peak), ("steady_temperature_K", th.steady_temperature),
                           ("max_duty_cycle", th.max_duty_cycle), ("max_amplitude_scale", th.max_amplitude_scale)):
            assert row[key] == pytest.approx(value, rel=1e-12, abs=0), (c, key)
        assert row["time_to_limit_s"] == th.time_to_limit or row["time_to_limit_s"] == pytest.approx(
            th.time_to_limit, rel=1e-12, abs=0)
        f = lorentz_forces(coils[c], 9.4, ch.current_peak)
        np.testing.assert_allclose(row["net_torque_in_b0_N_m"], f.net_torque, rtol=1e-12, atol=0)
        np.testing.assert_allclose(row["max_force_density_in_b0_N_per_m"],
                                   np.linalg.norm(f.force_density, axis=1).max(), rtol=1e-12, atol=0)
        # the derived slew rate: V = L dI/dt + R I within v_max wherever |I| <= i_max
        assert ch.voltage_peak <= gs.v_max * (1 + 1e-9)
        assert row["amplifier_limits_met"] == (ch.current_peak <= gs.i_max * (1 + 1e-9))
    pairs = {(p["target"], p["source"]): p for p in report.as_dict()["between_coils"]}
    assert set(pairs) == {("Gy", "Gx"), ("Gz", "Gx"), ("Gz", "Gy")}
    for (t, s), p in pairs.items():
        f = lorentz_forces(coils[t[1]], coils[s[1]], d[t[1]].current_peak, source_current=d[s[1]].current_peak,
                           tolerance=workflow.FORCE_TOLERANCE)
        np.testing.assert_allclose(p["net_torque_N_m"], f.net_torque, rtol=1e-12, atol=1e-12 * np.abs(
            f.net_torque).max())
        np.testing.assert_allclose(p["net_force_N"], f.net_force, rtol=0, atol=1e-12 * np.abs(f.net_torque).max()
                                   / 5e-3)


def test_section_rows_print_every_channel(section):
    """The printed table names the sequence, each channel's drive, heating and forces, and the pair."""
    _, _, _, report = section
    rows = dict(report.rows())
    assert rows["sequence"].startswith("2-D spin echo, TR ")
    for c in ("Gx", "Gy", "Gz"):
        assert f"{c}: current peak / rms" in rows and f"{c}: amplifier 20 V / 8 A" in rows
        assert rows[f"{c}: steady temperature (forced air)"].endswith("degC")
        assert f"{c}: time to 40 degC / max duty cycle" in rows
    assert any(k.startswith("largest force between coils") for k in rows)


def test_design_keys_are_validated():
    """The new keys have ranges, choices and a consistency check against the ambient temperature."""
    bad = [({"imaging": {"sequence": "epi"}}, "sequence = 'epi': must be one of gradient_echo, spin_echo"),
           ({"imaging": {"bandwidth": 1.0}}, "bandwidth = 1.0: must be in the range"),
           ({"gradient": {"generator": "maxwell_pair", "radius": 3e-3, "cooling": "ice"}},
            "cooling = 'ice': must be one of still air, forced air, water-cooled plate"),
           ({"probe": {"temperature": 340.0}}, "temperature_limit = 333.15: must be above the probe's temperature")]
    for design, message in bad:
        with pytest.raises(probe_file.DesignError, match=message):
            probe_file.validate_design(design)
    spec = probe_file.validate_design({"imaging": {"tr": 0.01}})
    assert spec.imaging.tr == 0.01 and spec.imaging.slew_rate is None
    assert spec.from_defaults["imaging"] == ["fov", "matrix", "t2star", "t2", "diffusion", "sequence", "bandwidth",
                                             "slice_thickness", "rf_duration", "time_bandwidth"]


def test_a_repetition_time_too_short_is_a_design_error():
    spec = probe_file.validate_design({**DESIGN, "imaging": {**DESIGN["imaging"], "tr": 1e-4}})
    gradients = workflow._gradient_section(spec.gradient, 300.0, lambda name: None)
    with pytest.raises(probe_file.DesignError, match=r"\[imaging\] Input tr must be at least"):
        workflow._sequence_section(spec.imaging, spec.gradient, gradients, 9.4, nucleus("1H").gamma, 300.0)


def test_largest_coupling_is_by_force_then_torque_ignoring_rounding(section):
    """Orthogonal gradient coils pull on each other with net forces at rounding level (symmetry) but
    twist each other: the reported pair is then the one with the largest torque."""
    report = section[3]
    nets = {k: np.linalg.norm(f.net_force) / np.linalg.norm(f.segment_forces, axis=1).sum()
            for k, f in report.between.items()}
    assert max(nets.values()) < 1e-12  # symmetric set: no net force between the coils
    torques = {k: np.linalg.norm(f.net_torque) for k, f in report.between.items()}
    pair, forces = report.largest_coupling()
    assert pair == max(torques, key=torques.get) and forces is report.between[pair]


def test_a_sequence_the_coils_cannot_play_leaves_the_run_standing(tmp_path):
    """A weak one-coil gradient cannot play the default 50 kHz readout over 1 mm: the run finishes
    and says why the sequence was not played (text and summary.json)."""
    design = {"gradient": {"generator": "maxwell_pair", "radius": 5e-3, "wire_diameter": 2e-4},
              "outputs": {"vtk": False, "plots": False, "report": False}}
    result = workflow.run_design(design, tmp_path, quiet=True)
    reason = result.summary["sequence"]["not_played"]
    assert reason.startswith("[imaging] Input bandwidth must be at most") and reason in result.text
