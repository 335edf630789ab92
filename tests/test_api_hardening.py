"""Hardening: finite kernels at extreme but valid inputs, refusals of invalid ones.

Physics references: straight-segment potential A = mu0 I/(4 pi) ln((R1+R2+L)/(R1+R2-L))
(Hanson & Hirshman, Phys. Plasmas 9, 4410 (2002), eq. 9); on-axis loop field
B_z = mu0 I R^2 / (2 (R^2 + z^2)^(3/2)) (Jackson, Classical Electrodynamics, eq. 5.40);
similarity: B(s x) = B(x)/s for a coil scaled by s, A is scale-invariant.
"""

import json
import os

import numpy as np
import pytest
from scipy.constants import mu_0

import coildesign as cd

MU0_4PI = mu_0 / (4 * np.pi)


def segment_potential(p, p1, p2):
    """Closed-form A_parallel per ampere of a filament segment (Hanson & Hirshman eq. 9)."""
    r1, r2, length = (np.linalg.norm(np.subtract(*v)) for v in ((p, p1), (p, p2), (p2, p1)))
    return MU0_4PI * np.log((r1 + r2 + length) / (r1 + r2 - length))


@pytest.mark.parametrize("conductor", [{"wire_diameter": 1e-4},
                                       {"cross_section": cd.RectangularStrip(2e-4, 3e-5)}])
def test_vector_potential_finite_at_vertices_and_end_caps(conductor):
    """Issue 11: A was NaN at a vertex and -inf on the axis beyond the end of a round wire."""
    coil = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]], **conductor)
    pts = [[0, 0, 0], [-1e-5, 0, 0], [1e-3, 0, 0], [1e-3 + 1e-6, -1e-6, 0], [1e-3, 1e-3, 0], [1e-3, 1.00001e-3, 0]]
    for fn in (cd.vector_potential, cd.field, cd.field_jacobian):
        assert np.isfinite(fn(coil, pts)).all()


def test_inside_potential_is_continuous_at_the_surface_and_at_end_caps():
    """The inside rule takes the filament potential on the conductor surface: continuous at the
    surface beside the segment and around the end cap."""
    rw = 5e-5
    coil = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0]], wire_diameter=2 * rw)
    for direction in ([0, 1, 0], [-1, 0, 0], [-1, 1, 0]):
        e = np.asarray(direction, float) / np.linalg.norm(direction)
        base = np.zeros(3) if direction != [0, 1, 0] else np.array([5e-4, 0, 0])
        inner, outer = cd.vector_potential(coil, [base + rw * (1 - 1e-10) * e, base + rw * (1 + 1e-10) * e])
        assert inner[0] == pytest.approx(outer[0], rel=1e-8, abs=0)
        assert outer[0] == pytest.approx(segment_potential(base + rw * (1 + 1e-10) * e, [0, 0, 0], [1e-3, 0, 0]),
                                         rel=1e-12, abs=0)


def test_filament_rule_on_the_segment_and_regular_values_on_its_extension():
    """A filament gives 0 exactly on itself (documented rule) but its regular value on the line
    through it beyond its ends."""
    p1, p2 = np.zeros(3), np.array([1e-3, 0, 0])
    coil = cd.Coil.from_polyline([p1, p2])
    on = cd.vector_potential(coil, [[5e-4, 0, 0], [0, 0, 0]])
    assert (on == 0).all()
    beyond = np.array([[2e-3, 0, 0], [-3e-4, 0, 0]])
    a = cd.vector_potential(coil, beyond)[:, 0]
    assert a == pytest.approx([segment_potential(p, p1, p2) for p in beyond], rel=1e-13, abs=0)
    jac = cd.field_jacobian(coil, beyond[:1])[0]
    h = 1e-9
    fd = (cd.field(coil, beyond[0] + [0, 0, h]) - cd.field(coil, beyond[0] - [0, 0, h]))[0] / (2 * h)
    assert jac[:, 2] == pytest.approx(fd, rel=1e-6)
    assert abs(jac[1, 2]) > 0


def test_points_extremely_far_away():
    """1e160 m away: A of a segment is mu0 I L/(4 pi r) to leading order (relative error ~L/r),
    B underflows to zero, nothing is NaN; a loop follows its dipole field."""
    seg = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0]])
    p = np.array([[1e160, 1.0, 0.0], [3e300, -2e300, 1e300]])
    a = cd.vector_potential(seg, p)
    assert a[0, 0] == pytest.approx(MU0_4PI * 2e-3 / 2 / 1e160 * 1.0, rel=1e-12, abs=0)
    for fn in (cd.field, cd.field_jacobian, cd.vector_potential):
        assert np.isfinite(fn(seg, p)).all()
        assert np.isfinite(fn(cd.Coil.from_loop(1e-3), p)).all()


def test_loop_far_field_form_joins_the_exact_form():
    """On the axis the exact form is exact at any distance; beyond 1e9 radii the dipole form
    takes over: both agree with the closed form B_z = mu0 R^2/(2 (R^2 + z^2)^(3/2))."""
    r = 1e-3
    loop = cd.Coil.from_loop(r)
    z = r * np.array([1e8, 0.99e9, 1.01e9, 1e12, 1e100])
    bz = cd.field(loop, np.c_[np.zeros_like(z), np.zeros_like(z), z])[:, 2]
    assert bz == pytest.approx(mu_0 * r**2 / (2 * (r**2 + z**2) ** 1.5), rel=1e-13, abs=0)
    # off axis, either side of the switch: continuous to the far-field accuracy
    p = np.array([[0.6e9 * r * 0.99, 0, 0.8e9 * r * 0.99], [0.6e9 * r * 1.01, 0, 0.8e9 * r * 1.01]])
    b = cd.field(loop, p)
    ratio = b[0, [0, 2]] / b[1, [0, 2]] * 0.99**3 / 1.01**3  # B ~ 1/r^3 along a ray
    assert ratio == pytest.approx([1, 1], rel=1e-6)  # the exact form has lost ~9 digits of B_z here


@pytest.mark.parametrize("radius", [1e-70, 1e-200, 1e-300, 1e200])
def test_loops_of_extreme_radius_follow_similarity(radius):
    """B(R; x) = B(1; x/R)/R and A(R; x) = A(1; x/R): exact for any radius now (issue 11:
    NaN at the centre for R <= 1e-70)."""
    unit = cd.Coil.from_loop(1.0)
    loop = cd.Coil.from_loop(radius)
    x = np.array([[0, 0, 0], [2, 0, 1], [0.3, 0.4, -0.2], [0, 0, 5]])
    assert cd.field(loop, x * radius) * radius == pytest.approx(cd.field(unit, x), rel=1e-12, abs=0)
    assert cd.vector_potential(loop, x * radius) == pytest.approx(cd.vector_potential(unit, x), rel=1e-12, abs=0)
    assert cd.field(loop, [[0, 0, 0]])[0, 2] == pytest.approx(mu_0 / (2 * radius), rel=1e-14, abs=0)


@pytest.mark.parametrize("length", [1e-300, 1e-160, 1e-65, 1e100])
def test_segments_of_extreme_length_follow_similarity(length):
    unit = cd.Coil.from_polyline([[0, 0, 0], [1, 0, 0], [1, 1, 0.5]])
    coil = cd.Coil.from_polyline(np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0.5]]) * length)
    x = np.array([[0.5, 0.5, 0.1], [3, -1, 2], [1e-3, 0, 1e-4]])
    assert cd.field(coil, x * length) * length == pytest.approx(cd.field(unit, x), rel=1e-12, abs=0)
    assert cd.vector_potential(coil, x * length) == pytest.approx(cd.vector_potential(unit, x), rel=1e-12, abs=0)


def test_coincident_points_are_relative_to_the_coordinate_scale():
    cd.Coil.from_polyline([[0, 0, 0], [1e-300, 0, 0]])  # a tiny path is a path
    with pytest.raises(ValueError, match="Input points must be free of repeated consecutive points"):
        cd.Coil.from_polyline([[1, 0, 0], [1 + 1e-15, 0, 0], [2, 0, 0]])  # rounding noise, not a segment
    with pytest.raises(ValueError, match="float range"):
        cd.Coil.from_polyline([[-1e308, 0, 0], [1e308, 0, 0]])


# ---------------------------------------------------------------------------- command line
CLI_CASES = [
    ("", None, "the design file is empty"),
    ("# nothing but a comment\n", None, "the design file is empty"),
    (b"[probe]\nname = '\xff'\n", None, "not UTF-8 text"),
    ("[probe]\nnucleus = '2X'\n", None, "[probe] nucleus = '2X': must be one of"),
    ("[rf_coil]\ngenerator = 'solenoid'\nradius = 1e300\nlength = 1e-3\nturns = 5\nwire_diameter = 1e-4\n", None,
     "[rf_coil] (solenoid): Input radius must be a length in"),
    ("[rf_coil]\ngenerator = 'solenoid'\nradius = 0.5e-3\nlength = 1e-3\nturns = 1e12\nwire_diameter = 1e-4\n",
     None, "small enough to fit in memory"),
    ("[sample]\nradius = 0.05\nlength = 1e-3\n", None, "[sample] radius = 0.05: must be smaller than the inner radius"),
    ("[gradient]\ngenerator = 'gradient_set'\nradius = 5e-3\ndsv_radius = 0.5\n", None,
     "[gradient] dsv_radius = 0.5: must be smaller than the gradient coil's radius"),
    ("[imaging]\nmatrix = 4\n", "afile", "exists and is not a folder"),
]


@pytest.mark.parametrize("text, output, message", CLI_CASES)
def test_cli_user_errors_are_one_line_exit_2(tmp_path, capsys, text, output, message):
    from coildesign import cli

    design = tmp_path / "design.toml"
    (design.write_bytes if isinstance(text, bytes) else design.write_text)(text)
    (tmp_path / "afile").write_text("x")
    assert cli.main(["run", str(design), "--output", str(tmp_path / (output or "out")), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert str(tmp_path / ("afile" if output else "design.toml")) in err


def test_cli_design_path_that_is_a_folder_or_missing(tmp_path, capsys):
    from coildesign import cli

    assert cli.main(["run", str(tmp_path), "-o", str(tmp_path / "o")]) == 2
    assert "is a folder, not a design file" in capsys.readouterr().err
    assert cli.main(["run", str(tmp_path / "none.toml"), "-o", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not apply to root")
def test_cli_unreadable_design_and_unwritable_output(tmp_path, capsys):
    from coildesign import cli

    design = tmp_path / "d.toml"
    design.write_text("[imaging]\nmatrix = 64\n")
    design.chmod(0)
    assert cli.main(["run", str(design), "-o", str(tmp_path / "o")]) == 2
    assert "cannot be read (permission denied)" in capsys.readouterr().err
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    assert cli.main(["demo", "-o", str(ro)]) == 2  # refused before any computation
    assert "not writable" in capsys.readouterr().err


def test_cli_internal_error_short_message_and_debug_traceback(tmp_path, capsys, monkeypatch):
    from coildesign import cli, workflow

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(workflow, "run_design", broken)
    assert cli.main(["demo", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: simulated bug)" in err and "report" in err and "Traceback" not in err
    assert cli.main(["--debug", "demo", "-o", str(tmp_path)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_output_folder_removes_leftover_temporaries_and_locks(tmp_path, capsys):
    from coildesign import _files as files
    from coildesign import cli

    leftovers = [tmp_path / ".rf_s11_smith.png.ab_12xyz.png", tmp_path / ".summary.json.k3j4h5g6.json",
                 tmp_path / ".notes.q1w2e3r4.tmp"]
    keep = [tmp_path / ".keep", tmp_path / ".rf.png.ab_12xyz.jpg", tmp_path / "summary.json"]
    for p in leftovers + keep:
        p.write_text("x")
    with files.output_folder(tmp_path) as (folder, removed):
        assert sorted(removed) == sorted(leftovers)
        assert cli.main(["demo", "-o", str(tmp_path)]) == 2  # a second run into a locked folder
        assert "another coildesign run is writing to it" in capsys.readouterr().err
    assert all(p.exists() for p in keep) and not any(p.exists() for p in leftovers)
    with files.atomic_path(tmp_path / "a.vti") as tmp:
        assert files.is_temporary(tmp.name)


def test_strict_json_writes_null_with_a_note(tmp_path):
    from coildesign import _files as files

    text = files.json_text({"q": float("inf"), "nested": {"x": [1.0, float("nan")]}, "c": 1 + 2j,
                            "a": np.array([1.0, -np.inf])})
    data = json.loads(text)  # strict: the parser would choke on Infinity only if allow_nan; check text too
    assert "Infinity" not in text and "NaN" not in text
    assert data["q"] is None and data["nested"]["x"] == [1.0, None] and data["a"] == [1.0, None]
    assert data["c"] == {"real": 1.0, "imag": 2.0}
    assert any(n.startswith("q: inf") for n in data["json_notes"])
    assert any(n.startswith("nested.x[1]: nan") for n in data["json_notes"])


def _complete(path) -> bool:
    """True if an output file is whole: JSON parses, PNG ends with its IEND chunk, VTK XML is
    closed, text ends with a newline."""
    data = path.read_bytes()
    if path.suffix == ".json":
        json.loads(data)
        return True
    if path.suffix == ".png":
        return data.startswith(b"\x89PNG") and data[-12:-8] == b"\x00\x00\x00\x00" and data[-8:-4] == b"IEND"
    if path.suffix in (".vti", ".vtp", ".vts", ".vtu"):
        return data.rstrip().endswith(b"</VTKFile>")
    return data.endswith(b"\n")


@pytest.mark.slow
def test_kill_during_demo_writes_then_rerun_cleans(tmp_path):
    """SIGKILL the demo while it writes its outputs: no file under a final name is partial, and
    the next run into the folder removes the hidden temporaries the killed run left."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from coildesign._files import is_temporary

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "coildesign.cli", "demo", "-o", str(out), "-q"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_with_temporary = False
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            names = os.listdir(out) if out.is_dir() else []
            if any(is_temporary(n) for n in names) and any(n.endswith(".png") for n in names):
                os.kill(proc.pid, signal.SIGKILL)  # mid-write: a temporary exists, some files are done
                killed_with_temporary = True
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert killed_with_temporary, "the demo finished or timed out before its write phase was caught"
    finals = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert finals and all(_complete(p) for p in finals)
    (out / ".rf_s11_smith.png.zz_9y8x7.png").write_bytes(b"\x89PNG partial")  # a leftover for certain
    design = tmp_path / "quick.toml"
    design.write_text('[gradient]\ngenerator = "maxwell_pair"\nradius = 5e-3\nwire_diameter = 2e-4\n\n'
                      "[outputs]\nvtk = false\nplots = false\nreport = true\n")
    rerun = subprocess.run([sys.executable, "-m", "coildesign.cli", "run", str(design), "-o", str(out)], cwd=root,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "removed" in rerun.stderr and "leftover temporary" in rerun.stderr
    assert not [p for p in out.iterdir() if is_temporary(p.name)]
    assert all(_complete(p) for p in out.iterdir() if not p.name.startswith("."))


# --- work limits of the studies, exports and sequences: refused before allocation -----------------


def test_stl_sides_and_loop_segments_refused_before_vtk(tmp_path, monkeypatch):
    """to_stl(sides=766274) aborted the process inside VTK; it is a ValueError naming sides."""
    import time

    from coildesign.export import pointlists, stl

    monkeypatch.delenv("COILDESIGN_MAX_MEMORY", raising=False)
    loop = cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"Input sides must be small enough to fit in memory.*fewer sides or "
                       r"loop_segments.*instead received 766274"):
        stl.to_stl(loop, tmp_path / "w.stl", sides=766274)
    with pytest.raises(ValueError, match="Input loop_segments must be small enough to fit in memory"):
        pointlists.to_csv(loop, tmp_path / "w.csv", loop_segments=10**9)
    with pytest.raises(ValueError, match="Input loop_segments must be small enough"):
        pointlists.to_npz(loop, tmp_path / "w.npz", loop_segments=10**9)
    assert time.perf_counter() - start < 5
    assert not list(tmp_path.iterdir())
    # the limit follows COILDESIGN_MAX_MEMORY: 16 sides x 129 vertices x 400 B = 826 kB
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "500K")
    with pytest.raises(ValueError, match=r"this needs ~806 KiB and the limit is 500 KiB"):
        stl.to_stl(loop, tmp_path / "w.stl")
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "2M")
    assert stl.to_stl(loop, tmp_path / "w.stl").stat().st_size == 84 + 50 * 2 * 16 * 128


def test_stl_triangle_count_limit_of_the_format(monkeypatch):
    from coildesign.export import stl

    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "1000T")  # memory allowed: the STL format is the limit
    coil = cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]], wire_diameter=1e-4)
    with pytest.raises(ValueError, match=r"Input sides must be small enough for a binary STL \(at most 4294967295"):
        stl.wire_surface(coil, sides=2**30)


def test_study_size_refused_before_building_points(monkeypatch):
    import time

    from coildesign.studies import design_points, optimize, sweep
    from tests._study_functions import square

    monkeypatch.delenv("COILDESIGN_MAX_MEMORY", raising=False)
    start = time.perf_counter()
    axis = list(range(63246))
    with pytest.raises(ValueError, match=r"Input parameters must be small enough to fit in memory.*instead received "
                       r"'a grid of 4000056516 points \(63246 x 63246\)'"):
        design_points({"a": axis, "b": axis})
    with pytest.raises(ValueError, match="Input samples must be small enough to fit in memory"):
        sweep(square, {"x": (0.0, 1.0)}, method="lhs", samples=2 * 10**9, progress=False)
    with pytest.raises(ValueError, match="Input popsize must be small enough to fit in memory"):
        optimize(square, {"x": (0.0, 1.0)}, objective="f", popsize=2**31 - 1)
    assert time.perf_counter() - start < 10
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "100K")  # 2.6-2.7 kB per design: 30 designs fit, 50 do not
    assert len(design_points({"a": list(range(30))})[0]) == 30
    with pytest.raises(ValueError, match="this study has 50 designs"):
        design_points({"a": list(range(5)), "b": list(range(10))})


def test_sweep_cli_oversized_grid_exits_2(tmp_path, capsys):
    from coildesign.cli import main

    study = tmp_path / "big.toml"
    axis = list(range(63246))
    study.write_text(f"[study]\nfunction = 'microcoil'\n[parameters]\nturns = {axis}\nwire_diameter = {axis}\n"
                     "[fixed]\npitch = 1e-4\n")
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Input parameters must be small enough to fit in memory" in err and str(study) in err
    assert err.count("\n") == 1


def test_gradient_echo_sequence_names_the_violated_system_limit():
    pp = pytest.importorskip("pypulseq", reason="pypulseq is in the test extra")
    from coildesign.analysis.sequence_psf import gradient_echo_sequence

    strong = pp.Opts(max_grad=1000, grad_unit="mT/m", max_slew=10000, slew_unit="T/m/s")
    # a 1 us dwell at a 5 mm FOV needs 2e8 Hz/m (4.7 T/m): beyond pypulseq's default 40 mT/m
    with pytest.raises(ValueError, match=r"Input dwell must be long enough .*readout gradient 1/\(dwell fov\[0\]\) = "
                       r"2e\+08 Hz/m is within the system's max_grad = 1.703e\+06 Hz/m"):
        gradient_echo_sequence(5e-3, 64, dwell=1e-6)
    with pytest.raises(ValueError, match=r"Input dwell must be such that the prephaser, n_readout x dwell / 2 = "
                       r"4.725e-05 s, is a whole number of the system's grad_raster_time = 1e-05 s \(e.g. dwell = "
                       r"1.5873e-06 s"):
        gradient_echo_sequence(2e-2, 63, dwell=1.5e-6, system=strong)
    with pytest.raises(ValueError, match=r"Input dwell must be a whole number of the system's adc_raster_time"):
        gradient_echo_sequence(2e-2, 64, dwell=1.55e-6, system=strong)
    with pytest.raises(ValueError, match=r"Input rise_time must be long enough for the system's max_slew"):
        gradient_echo_sequence(2e-3, 100, dwell=2e-5, rise_time=1e-5, system=strong)
    with pytest.raises(ValueError, match=r"Input rise_time must be a whole number of the system's grad_raster_time"):
        gradient_echo_sequence(1e-2, 64, dwell=1e-5, rise_time=1.5e-5, system=strong)
    with pytest.raises(ValueError, match=r"Input n_phase must be small enough \(or fov\[1\] large enough\) that the "
                       r"largest y encode"):
        gradient_echo_sequence((5e-3, 1e-5, 5e-3), 64, 8, dwell=1e-5, system=strong)
    with pytest.raises(ValueError, match=r"Input n_phase must be small enough that n_phase x n_partition <= 100000"):
        gradient_echo_sequence(5e-3, 64, 1000, 1000, dwell=1e-5, system=strong)
    with pytest.raises(TypeError, match=r"Input system must be a pypulseq.Opts"):
        gradient_echo_sequence(5e-3, 64, system={"max_grad": 1})
    with pytest.raises(TypeError, match=r"Input fov must be one length or three lengths"):
        gradient_echo_sequence(5e-3 + 1j, 64, system=strong)
    # the default ramp is the shortest within the slew rate
    seq = gradient_echo_sequence(1.6e-2, 64, dwell=2e-5, system=strong)
    assert seq.check_timing()[0]
    waves = seq.waveforms_and_times()[0]
    t, g = np.asarray(waves[0][0]), np.asarray(waves[0][1])
    keep = np.diff(t) > 1e-12
    assert np.max(np.abs(np.diff(g)[keep] / np.diff(t)[keep])) <= strong.max_slew * (1 + 1e-9)


# --- finite or refused ----------------------------------------------------------------------------


def test_relaxation_times_nan_or_negative_infinity_are_refused():
    from coildesign.analysis import psf

    for bad in (float("nan"), float("-inf"), -1.0, 0.0):
        with pytest.raises(ValueError, match=r"Input t2star must be a number > 0 \(or inf for none\)"):
            psf.point_spread_function(1.0, 1e-3, 64, t2star=bad)
    assert np.isfinite(psf.point_spread_function(1.0, 1e-3, 64, t2star=float("inf")).fwhm)
    with pytest.raises(TypeError, match="Input t2star must be a real number > 0 or inf"):
        psf.point_spread_function(1.0, 1e-3, 64, t2star="20e-3")


def test_sequence_psf_relaxation_nan_refused():
    pytest.importorskip("pypulseq", reason="pypulseq is in the test extra")
    import pypulseq as pp

    from coildesign.analysis.sequence_psf import gradient_echo_sequence, sequence_psf

    seq = gradient_echo_sequence(5e-3, 16, dwell=2e-5, system=pp.Opts(max_grad=1000, grad_unit="mT/m",
                                                                       max_slew=10000, slew_unit="T/m/s"))
    for name in ("t2", "t2star"):
        with pytest.raises(ValueError, match=f"Input {name} must be a number > 0"):
            sequence_psf(None, seq, [[0, 0, 0]], **{name: float("nan")})


def test_geometric_distortion_without_gradient_along_the_axis_is_refused():
    from coildesign import analysis, geometries

    with pytest.raises(ValueError, match=r"Input axis must be such that the coil has a gradient along the encoding "
                       r"axis \[0.0, 0.0, 1.0\] \(its isocentre efficiency there is 0 T/\(m A\)"):
        analysis.geometric_distortion(geometries.helmholtz_pair(1e-3), [[1e-4, 0, 1e-4]], "z")
    with pytest.raises(ValueError, match=r"efficiency there is 2.\d+e-18 T/\(m A\), \d.\de-17 of its field scale"):
        analysis.geometric_distortion(geometries.golay(5e-3), [[1e-4, 0, 1e-4]], "z")  # a transverse coil
    with pytest.raises(ValueError, match=r"Input coil must be such that"):
        analysis.geometric_distortion(cd.Coil.from_loop(1e-3), [[1e-4, 0, 1e-4]])
    d = analysis.geometric_distortion(geometries.golay(5e-3), [[1e-4, 0, 1e-4]], "x")
    assert np.isfinite(d.displacement).all()


def test_resolution_limits_check_fov_and_n_samples():
    from coildesign.analysis import psf

    with pytest.raises(ValueError, match="Input fov must be a finite number > 0; instead received nan"):
        psf.resolution_limits(1.0, t2star=5e-3, fov=float("nan"), n_samples=64)
    with pytest.raises(TypeError, match="Input fov must be a real number"):
        psf.resolution_limits(1.0, t2star=5e-3, fov=1e-3 + 1j, n_samples=64)
    with pytest.raises(TypeError, match="Input n_samples must be an integer"):
        psf.resolution_limits(1.0, t2star=5e-3, fov=1e-3, n_samples=64.5 + 0j)
    with pytest.raises(ValueError, match="Input fov must be a finite number > 0; instead received nan"):
        psf.resolution_limits(1.0, t2star=5e-3, fov=float("nan"))
    with pytest.raises(ValueError, match="Input n_samples must be given together with fov"):
        psf.resolution_limits(1.0, t2star=5e-3, fov=1e-3)
    with pytest.raises(ValueError, match="Input fov must be given together with n_samples"):
        psf.resolution_limits(1.0, t2star=5e-3, n_samples=64)


def test_resistivity_overflow_is_refused():
    with pytest.raises(ValueError, match=r"Input temperature must be such that the resistivity of m .* stays finite"):
        cd.Material("m", 1e308, 0.01).resistivity_at(500)
    assert cd.Material("m", 1e300, 0.01).resistivity_at(500) == pytest.approx(1e300 * (1 + 0.01 * 206.85), rel=1e-15)
    with pytest.raises(TypeError, match="Input name must be a string"):
        cd.Material(3, 1e-8, 0.004)


# --- messages name the parameter: paths, study arguments, gradient designs ------------------------


def test_export_paths_are_type_checked_and_named(tmp_path):
    from coildesign.export import pointlists, stl, to_gradunwarp

    loop = cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    with pytest.raises(TypeError, match=r"Input path must be a file path \(a str or os.PathLike\); instead received 3"):
        stl.to_stl(loop, 3)
    with pytest.raises(ValueError, match=r"Input path must be a file name ending in .stl"):
        stl.to_stl(loop, tmp_path / "w.obj")
    (tmp_path / "d.stl").mkdir()
    with pytest.raises(ValueError, match=r"Input path must be a file path \(this is an existing folder\)"):
        stl.to_stl(loop, tmp_path / "d.stl")
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match=r"Input path must be a path below a folder \('.*/f' is a file\)"):
        pointlists.to_csv(loop, tmp_path / "f" / "w.csv")
    with pytest.raises(TypeError, match=r"Input path must be a file path"):
        pointlists.to_npz(loop, None)
    with pytest.raises(ValueError, match=r"Input path must be the path of an existing file"):
        pointlists.read_csv(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_bytes(b"\x00\xff\xfe garbage\n\"unterminated")
    with pytest.raises(ValueError, match=r"Input path must be a coildesign point-list CSV"):
        pointlists.read_csv(tmp_path / "bad.csv")
    with pytest.raises(TypeError, match=r"Input path must be a file path"):
        to_gradunwarp(cd.geometries.gradient_set(5e-3, points_per_arc=8), b"x.grad", 2e-3)


def test_coil_point_spread_names_the_coil_when_the_design_is_unusable_there():
    from coildesign import geometries
    from coildesign.analysis import psf

    g = geometries.maxwell_pair(2e-3)
    with pytest.raises(ValueError, match=r"Input coil must be a gradient whose local gradient at point \[0.0, 0.0, "
                       r"0.0019\] m has the sign of the nominal one"):
        psf.coil_point_spread(g, [0, 0, 1.9e-3], 1.0, 1e-2, 64)
    with pytest.raises(ValueError, match=r"Input coil must be a gradient that encodes point .* inside the field of "
                       r"view \+-0.0005 m"):
        psf.coil_point_spread(g, [0, 0, 6e-4], 1.0, 1e-3, 64)
    with pytest.raises(ValueError, match="Input point must be a 3-vector"):
        psf.coil_point_spread(g, [[0, 0, 0], [0, 0, 1e-4]], 1.0, 1e-3, 64)


def test_study_arguments_are_type_checked():
    from coildesign.studies import optimize, sweep
    from tests._study_functions import square

    with pytest.raises(TypeError, match="Input fixed must be a dict"):
        sweep(square, {"x": [1.0]}, fixed=[("y", 1.0)], progress=False)
    with pytest.raises(TypeError, match="Input checkpoint must be a folder path"):
        sweep(square, {"x": [1.0]}, checkpoint=3, progress=False)
    with pytest.raises(TypeError, match="Input progress must be True, False or None"):
        sweep(square, {"x": [1.0]}, progress="no")
    with pytest.raises(TypeError, match="Input seed must be an integer or None"):
        sweep(square, {"x": (0.0, 1.0)}, method="random", samples=3, seed=1.5, progress=False)
    with pytest.raises(TypeError, match="Input workers must be an integer"):
        sweep(square, {"x": [1.0]}, backend="processes", workers="2", progress=False)
    with pytest.raises(TypeError, match="Input maximize must be True or False"):
        optimize(square, {"x": (0.0, 1.0)}, objective="f", maximize="yes")
    with pytest.raises(TypeError, match="Input integers must be a sequence of parameter names"):
        optimize(square, {"x": (0.0, 1.0)}, objective="f", integers="x")


def test_a_deeply_nested_design_file_is_a_user_error(tmp_path, capsys):
    """A 20,000-deep nested array is refused with exit 2 and one line naming the file, not an
    internal error (tomllib recurses per nesting level)."""
    from coildesign import cli

    f = tmp_path / "deep.toml"
    f.write_text("[probe]\nname = " + "[" * 20000 + "]" * 20000 + "\n")
    assert cli.main(["run", str(f), "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "nested too deeply" in err and "internal error" not in err


def test_a_negative_rf_coil_radius_is_named_as_such(tmp_path, capsys):
    """The generator's own dimension is checked before the sample is compared with it."""
    from coildesign import cli

    f = tmp_path / "neg.toml"
    f.write_text('[rf_coil]\ngenerator = "solenoid"\nradius = -0.5e-3\nlength = 1e-3\nturns = 5\n'
                 'wire_diameter = 0.1e-3\n')
    assert cli.main(["run", str(f), "--output", str(tmp_path / "o")]) == 2
    assert "[rf_coil] radius = -0.0005: must be > 0" in capsys.readouterr().err
