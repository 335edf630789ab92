"""What a new user meets in the first hour: no silent wrong answer, no misleading message,
everything findable (design-file checks, the lumped-model check, the validation filter,
per-ampere labels of exported maps, defaults named in the report, lazy attributes, progress
switch)."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.constants import speed_of_light

import coildesign as cd
from coildesign import _progress, cli, probe_file, workflow

ROOT = Path(__file__).resolve().parents[1]


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coildesign.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


# ---------------------------------------------------------------------------- millimetres typed as metres
SOLENOID = "[rf_coil]\ngenerator = 'solenoid'\nlength = 1e-3\nturns = 5\nwire_diameter = 1e-4\n"


@pytest.mark.parametrize("radius, refused", [(0.5, True), (0.26, True), (0.24, False), (0.5e-3, False)])
def test_rf_coil_radius_is_checked_as_a_diameter(radius, refused):
    """A radius counts as the coil's extent 2 r against the geometries' 0.5 m plausibility bound
    (the length limit): 0.5 (mm typed as m) and 0.26 are refused with the millimetre hint."""
    design = {"rf_coil": {"generator": "solenoid", "radius": radius, "length": 1e-3, "turns": 5,
                          "wire_diameter": 1e-4}, "sample": {"radius": 1e-4, "length": 1e-3}}
    if refused:
        with pytest.raises(probe_file.DesignError, match=r"\[rf_coil\] radius = .*did you pass millimetres"):
            probe_file.validate_design(design)
    else:
        assert probe_file.validate_design(design).rf_coil.params["radius"] == radius


def test_lengths_keep_their_bound_and_get_the_hint(tmp_path):
    f = tmp_path / "d.toml"
    f.write_text(SOLENOID.replace("length = 1e-3", "length = 0.6") + "radius = 0.5e-3\n")
    with pytest.raises(probe_file.DesignError, match=r"length = 0.6: 0.6 m is implausible.*did you pass millimetres"):
        probe_file.load_design(f)
    f.write_text("[sample]\nradius = 0.4\n")
    with pytest.raises(probe_file.DesignError, match=r"range \[1e-07, 0.1\]; radius is in metres: did you pass"):
        probe_file.load_design(f)


def test_cli_refuses_millimetres_typed_as_metres(tmp_path, capsys):
    f = tmp_path / "mm.toml"
    f.write_text(SOLENOID + "radius = 0.5\n")
    assert cli.main(["run", str(f), "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "[rf_coil] radius = 0.5" in err and "did you pass millimetres" in err and err.count("\n") == 1


def test_lumped_model_check_is_conductor_length_over_wavelength():
    """A 20-turn helix of radius 5 cm: conductor length sqrt((2 pi a N)^2 + l^2) (closed form of
    a helix) against c/f at 600 MHz; 13x the wavelength, far past lambda/10."""
    a, length, turns, f = 0.05, 0.1, 20, 600e6
    coil = cd.geometries.solenoid(a, length, turns, wire_diameter=1e-3)
    check = workflow.lumped_model_check(coil, f)
    helix = math.hypot(2 * math.pi * a * turns, length)
    assert check.conductor_length == pytest.approx(helix, rel=1e-3, abs=0)  # 64-gon per turn
    assert check.wavelength == pytest.approx(speed_of_light / f, rel=1e-15, abs=0)
    assert not check.valid and "lambda/10" in check.message()
    small = workflow.lumped_model_check(cd.geometries.solenoid(0.5e-3, 1e-3, 5, wire_diameter=1e-4), f)
    assert small.valid and small.fraction == pytest.approx(small.conductor_length * f / speed_of_light, rel=1e-15)
    # a birdcage has capacitors in every leg or ring segment: its longest run is a leg (length 20 mm)
    cage = workflow.lumped_model_check(cd.geometries.birdcage(8, 0.01, 0.02), 400e6)
    assert cage.conductor_length == pytest.approx(0.02, rel=1e-12, abs=0) and cage.valid


BIG = {"rf_coil": {"generator": "solenoid", "radius": 0.05, "length": 0.1, "turns": 20, "wire_diameter": 1e-3},
       "sample": {"radius": 0.01, "length": 0.05}}


def test_electrically_large_coil_warns_in_python_and_is_refused_by_the_cli(tmp_path, capsys, monkeypatch):
    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(workflow, "_rf_section", stop)  # the check comes before any RF computation
    with pytest.warns(UserWarning, match=r"conductor is 6.28 m long.*lambda/10"), pytest.raises(Stop):
        workflow.run_design(BIG, tmp_path / "py", quiet=True)
    with pytest.raises(probe_file.DesignError, match="lumped model"):
        workflow.run_design(BIG, tmp_path / "py", quiet=True, strict=True)
    f = tmp_path / "big.toml"
    f.write_text("[rf_coil]\ngenerator = 'solenoid'\nradius = 0.05\nlength = 0.1\nturns = 20\nwire_diameter = 1e-3\n"
                 "[sample]\nradius = 0.01\nlength = 0.05\n")
    assert cli.main(["run", str(f), "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{f}: [rf_coil] the RF coil's conductor is 6.28 m long" in err and err.count("\n") == 1


def test_unknown_frequency_prints_na():
    assert workflow._frequency_text(float("inf")) == "n/a"
    assert workflow._frequency_text(float("nan")) == "n/a"
    assert workflow._frequency_text(5.726e9) == "5726 MHz"


# ---------------------------------------------------------------------------- validate --case
def test_validate_case_that_matches_nothing_is_an_error(capsys):
    assert cli.main(["validate", "--case", "golai"]) == 2
    err = capsys.readouterr().err
    assert "'golai'" in err and "did you mean 'Golay'" in err and err.count("\n") == 1
    assert cli.main(["validate", "--case", "nosuchcase", "--format", "json"]) == 2
    assert "'nosuchcase'" in capsys.readouterr().err
    assert cli.main(["validate", "--case", "Helmholtz", "--case", "nosuch"]) == 2  # each filter must match


def test_cli_validate_exit_code_in_a_fresh_process(tmp_path):
    r = _run_cli("validate", "--case", "nosuchcase", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stdout == ""


# ---------------------------------------------------------------------------- per-ampere labels
def test_per_ampere_field_map_labels(tmp_path):
    pv = pytest.importorskip("pyvista")
    from coildesign.export.vtk import to_vtk

    coil = cd.geometries.maxwell_pair(5e-3)
    fm = cd.fields.field_map(coil, size=2e-3, n=5, quantities=("B", "dB/dr", "A"))
    for suffix in (".vti", ".vts"):
        ds = pv.read(to_vtk(fm, tmp_path / f"g{suffix}", per_ampere=True))
        assert {"B [T/A]", "|B| [T/A]", "dB/dr [T/(m A)]", "A [T m/A]"} <= set(ds.point_data.keys())
        assert not {"B [T]", "dB/dr [T/m]"} & set(ds.point_data.keys())
        assert ds.field_data["unit: dB/dr"][0] == "T/(m A)"
        assert ds.GetPointData().GetArray("B [T/A]").GetComponentName(2) == "Bz"
        assert np.array_equal(ds.point_data["B [T/A]"], fm.arrays["B"])
    plain = pv.read(to_vtk(fm, tmp_path / "plain.vti"))
    assert "B [T]" in plain.point_data.keys()  # the field at the map's current
    with pytest.raises(TypeError, match="per_ampere"):
        to_vtk(fm, tmp_path / "x.vti", per_ampere="yes")


# ---------------------------------------------------------------------------- defaults and title
def test_design_with_only_some_tables_records_the_defaults(tmp_path):
    f = tmp_path / "gradient_only.toml"
    f.write_text("[gradient]\ngenerator = 'gradient_set'\nradius = 5e-3\nwire_diameter = 0.3e-3\ni_max = 5.0\n")
    spec = probe_file.load_design(f)
    assert spec.probe.name == "gradient_only"  # not the demo's "(demo)" title
    used = spec.from_defaults
    assert used["rf_coil"] == "all" and used["sample"] == "all" and used["imaging"] == "all"
    assert used["probe"] == ["b0", "nucleus", "temperature"]
    assert used["gradient"] == ["v_max", "dsv_radius", "deviation", "cooling", "temperature_limit"]  # not i_max
    assert probe_file.validate_design(spec) == spec  # validating twice keeps the record
    demo = probe_file.validate_design(probe_file.default_design(), "demo design")
    assert demo.from_defaults == {} and demo.probe.name.endswith("(demo)")
    assert probe_file.validate_design({"probe": {"frequency": 4e8}}).from_defaults["probe"] == ["nucleus",
                                                                                                  "temperature"]
    f.write_text("from_defaults = {}\n[probe]\nb0 = 9.4\n")
    with pytest.raises(probe_file.DesignError, match="from_defaults is not a design table"):
        probe_file.load_design(f)


@pytest.mark.slow
def test_partial_design_report_names_defaults_title_and_unknown_srf(tmp_path):
    """A file with only an RF coil whose l/D lies outside Medhurst's table (C_self unknown):
    the report is titled after the file, lists the tables taken from the demo design, and
    prints the unknown self-resonance as n/a (JSON: null with a note), never inf."""
    f = tmp_path / "flat_coil.toml"
    f.write_text("[rf_coil]\ngenerator = 'solenoid'\nradius = 1e-3\nlength = 0.15e-3\nturns = 2\n"
                 "wire_diameter = 0.05e-3\n[outputs]\nvtk = false\nplots = false\n")
    out = tmp_path / "out"
    assert cli.main(["run", str(f), "-o", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert report.startswith("# flat_coil\n") and "(demo)" not in report
    assert "taken from the built-in demo design" in report and "[gradient]  the whole table" in report
    assert "self-resonance" in report and "n/a" in report and "inf MHz" not in report
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rf_coil"]["self_resonance_Hz"] is None
    assert summary["from_defaults"]["sample"] == "all" and summary["lumped_model"]["lumped_model_valid"]


# ---------------------------------------------------------------------------- did you mean
def test_unknown_generator_keyword_suggests_the_close_one(tmp_path):
    f = tmp_path / "typo.toml"
    f.write_text(SOLENOID.replace("wire_diameter", "wire_diamter") + "radius = 0.5e-3\n")
    with pytest.raises(probe_file.DesignError) as err:
        probe_file.load_design(f)
    text = str(err.value)
    assert str(f) in text and "unknown key 'wire_diamter' for generator solenoid" in text
    assert "did you mean 'wire_diameter'" in text and "allowed: generator, radius" in text
    with pytest.raises(probe_file.DesignError, match=r"unknown key 'tunrs'.*did you mean 'turns'"):
        probe_file.validate_design({"gradient": {"generator": "target_field", "radius": 5e-3, "length": 25e-3,
                                                 "tunrs": 10}})
    with pytest.raises(probe_file.DesignError, match=r"unknown table \[sampel\] \(did you mean 'sample'\?\)"):
        probe_file.validate_design({"sampel": {}})
    with pytest.raises(probe_file.DesignError, match=r"unknown key 'radious' \(did you mean 'radius'\?\)"):
        probe_file.validate_design({"sample": {"radious": 1e-3}})


def test_every_generator_keyword_of_the_examples_is_accepted():
    for name in ("microcoil_probe.toml", "target_field_probe.toml"):
        probe_file.load_design(ROOT / "examples" / name)


# ---------------------------------------------------------------------------- findable
def test_subpackages_are_lazy_attributes_and_import_stays_light():
    code = ("import sys, coildesign as cd\n"
            "heavy = [m for m in ('coildesign.rf', 'coildesign.rf.snr', 'scipy.spatial', 'skrf', 'tqdm') "
            "if m in sys.modules]\n"
            "print(heavy)\n"
            "print(cd.rf.snr.snr.__name__, cd.rf.sensitivity.__name__, cd.analysis.handbook.__name__,\n"
            "      cd.fields.distributed.__name__, cd.fields.field_map.__name__)\n"
            "print('snr' in dir(cd.rf), 'field_map' in dir(cd.fields), callable(cd.set_progress))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    heavy, names, listed = r.stdout.splitlines()
    assert heavy == "[]"
    assert names == ("snr coildesign.rf.sensitivity coildesign.analysis.handbook coildesign.fields.distributed "
                     "field_map")
    assert listed == "True True True"
    from coildesign.fields import field_map
    from coildesign.fields.fieldmap import field_map as direct

    assert field_map is direct and "field_map" in cd.fields.__all__
    with pytest.raises(AttributeError, match="has no attribute 'snrr'"):
        cd.rf.snrr  # noqa: B018


# ---------------------------------------------------------------------------- progress switch
@pytest.fixture
def progress_reset(monkeypatch):
    monkeypatch.delenv(_progress.ENVIRONMENT_VARIABLE, raising=False)
    yield
    cd.set_progress(None)


def test_progress_switch(progress_reset, monkeypatch):
    # under pytest stderr is captured (not a terminal): "auto" draws nothing
    assert _progress.progress_mode() == "auto" and not _progress.progress_enabled()
    monkeypatch.setenv(_progress.ENVIRONMENT_VARIABLE, "1")
    assert _progress.progress_enabled()
    monkeypatch.setenv(_progress.ENVIRONMENT_VARIABLE, "never")
    assert not _progress.progress_enabled() and _progress.progress_enabled(True)  # a call that asks
    cd.set_progress("always")  # the function takes precedence over the environment
    assert _progress.progress_enabled() and not _progress.progress_enabled(False)
    cd.set_progress(False)
    assert _progress.progress_mode() == "never"
    with pytest.raises(ValueError, match="Input mode must be True, False or one of"):
        cd.set_progress("sometimes")
    cd.set_progress(None)
    monkeypatch.setenv(_progress.ENVIRONMENT_VARIABLE, "loud")
    with pytest.warns(UserWarning, match="COILDESIGN_PROGRESS"):
        assert _progress.progress_mode() == "auto"


def test_progress_bars_follow_the_switch(progress_reset, capfd):
    def square(x):
        return {"y": x * x}

    cd.sweep(square, {"x": [1.0, 2.0]})
    assert "sweep (serial)" not in capfd.readouterr().err  # not a terminal: clean output
    cd.set_progress("always")
    cd.sweep(square, {"x": [1.0, 2.0]})
    assert "sweep (serial)" in capfd.readouterr().err
    cd.sweep(square, {"x": [1.0, 2.0]}, progress=False)
    assert "sweep (serial)" not in capfd.readouterr().err
    coil = cd.Coil.from_loop(1e-3)
    cd.fields.evaluate(coil, np.zeros((3, 3)))  # small: no bar even when bars are on
    assert capfd.readouterr().err == ""
    cd.fields.evaluate(coil, np.zeros((3, 3)), progress=True)
    assert "B of" in capfd.readouterr().err


def test_no_progress_bar_in_a_scripted_cli_run(tmp_path):
    """A CLI run whose stderr is a pipe (a script, CI) prints no progress bar."""
    r = _run_cli("validate", "--case", "Helmholtz", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""
    f = tmp_path / "big.toml"
    f.write_text("[rf_coil]\ngenerator = 'solenoid'\nradius = 0.05\nlength = 0.1\nturns = 20\nwire_diameter = 1e-3\n"
                 "[sample]\nradius = 0.01\nlength = 0.05\n")
    r = _run_cli("run", str(f), "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert r.returncode == 2 and "step/s" not in r.stderr and r.stderr.count("\n") == 1



# ---------------------------------------------------------------------------- README
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _readme_examples() -> list:
    """(code, expected output) of every ```python block of README directly followed by a ```text
    block (the printout it shows)."""
    pairs = re.findall(r"```python\n((?:(?!```).)*)```\s*```text\n((?:(?!```).)*)```", README, flags=re.S)
    return [pytest.param(code, out, id=f"block{i}", marks=[pytest.mark.slow] if "gradient_coil" in code else [])
            for i, (code, out) in enumerate(pairs)]


def _same_printout(expected: str, actual: str) -> bool:
    """Equal text, numbers equal within one unit of their last printed digit."""
    if NUMBER.sub("#", expected).split() != NUMBER.sub("#", actual).split():
        return False
    for e, a in zip(NUMBER.findall(expected), NUMBER.findall(actual)):
        mantissa = e.lower().split("e")[0]
        exponent = int(e.lower().split("e")[1]) if "e" in e.lower() else 0
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        if abs(float(e) - float(a)) > 1.01 * 10.0 ** (exponent - decimals):
            return False
    return True


def test_readme_has_three_examples_with_output():
    assert len(_readme_examples()) >= 3


@pytest.mark.parametrize("code, expected", _readme_examples())
def test_readme_example_prints_what_readme_shows(tmp_path, code, expected):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert _same_printout(expected, r.stdout), f"README shows:\n{expected}\nthe code prints:\n{r.stdout}"


def test_same_printout_tolerates_only_the_last_digit():
    assert _same_printout("B1 4.45 mT/A, 2.7057", "B1 4.46 mT/A, 2.7058")
    assert not _same_printout("B1 4.45 mT/A", "B1 4.47 mT/A")
    assert not _same_printout("SNR 4.07e+04", "SNR 4.09e+04") and _same_printout("SNR 4.07e+04", "SNR 4.08e+04")
    assert not _same_printout("Q 127", "Q 127 ohm")


def test_readme_links_exist_and_no_development_history():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        assert (ROOT / target).exists(), target
    for code in re.findall(r"`((?:examples|docs|benchmarks|tests)/[^`\s]+)`", README):
        assert (ROOT / code.split()[0]).exists(), code
    for word in ("issue", "second pass", "third pass", "before issue"):
        assert word not in README.lower()
