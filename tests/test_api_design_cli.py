"""Design files and the command line (the parts that need no full probe run)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coildesign import cli, probe_file, validation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_example_design_file_validates():
    spec = probe_file.load_design(EXAMPLES / "microcoil_probe.toml")
    assert spec.rf_coil.generator == "solenoid"
    assert spec.gradient.i_max == 10.0


@pytest.mark.parametrize("text, message", [
    ("[rf_coil]\ngenerator = 'spring'\n", "[rf_coil] generator = 'spring': must be one of"),
    ("[imaging]\nmatrix = 2\n", "[imaging] matrix = 2: must be in the range [4, 8192]"),
    ("[imaging]\nfov = 'big'\n", "[imaging] fov = 'big': must be a number"),
    ("[probe]\nb0 = 14.1\nfrequency = 6e8\n", "give b0 or frequency, not both"),
    ("[sampel]\nradius = 1e-3\n", "unknown table [sampel]"),
    ("[sample]\nradious = 1e-3\n", "unknown key 'radious'"),
    ("[sample\n", "not valid TOML"),
])
def test_bad_design_files_name_file_key_value_and_range(tmp_path, text, message):
    f = tmp_path / "d.toml"
    f.write_text(text)
    with pytest.raises(probe_file.DesignError) as err:
        probe_file.load_design(f)
    assert message in str(err.value) and str(f) in str(err.value)


def test_run_with_bad_file_exits_2(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text("[imaging]\nmatrix = 1\n")
    assert cli.main(["run", str(f), "--output", str(tmp_path / "o")]) == 2
    assert "matrix" in capsys.readouterr().err


def test_validate_cases_all_pass():
    outcomes = validation.run_all()
    assert len(outcomes) >= 7
    failed = [(o.name, o.rel_error) for o in outcomes if not o.passed]
    assert not failed
    table = validation.format_table(outcomes)
    assert "rel. error" in table and "Griffiths" in table


def test_validate_command_json(capsys):
    assert cli.main(["validate", "--case", "Helmholtz", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["passed"]


def test_help_for_every_command():
    for args in (["--help"], ["demo", "--help"], ["run", "--help"], ["validate", "--help"]):
        r = subprocess.run([sys.executable, "-m", "coildesign.cli", *args], capture_output=True, text=True)
        assert r.returncode == 0 and "usage" in r.stdout


@pytest.mark.slow
def test_demo_writes_every_output(demo_run):
    """The main job on embedded defaults: prints the summary and writes JSON, report, plots,
    Touchstone and VTK files; the matched S11 is finite and below -30 dB."""
    tmp_path, done = demo_run
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for key in ("B1 per ampere at centre", "AC resistance", "S11", "limit of detection", "Gradient Gz",
                "largest DSV", "dominant"):
        assert key in text
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["rf_coil"]["match"]["s11_dB"] is None or summary["rf_coil"]["match"]["s11_dB"] < -30
    assert set(summary["gradients"]) == {"Gx", "Gy", "Gz"}
    names = {p.name for p in tmp_path.iterdir()}
    assert {"summary.json", "report.md", "rf_match.s1p", "rf_b1_map.png", "psf.png", "rf_s11_smith.png",
            "sequence_drive.png", "sequence_temperature.png", "forces_b0.png"} <= names
    played = summary["sequence"]  # the gradients playing the [imaging] sequence
    assert played["kind"] == "gradient_echo" and set(played["channels"]) == {"Gx", "Gy", "Gz"}
    assert all(c["amplifier_limits_met"] for c in played["channels"].values())
    assert "Gx: steady temperature (water-cooled plate)" in text and "largest force between coils" in text
    import skrf

    net = skrf.Network(str(tmp_path / "rf_match.s1p"))
    assert np.isfinite(net.s).all()


@pytest.mark.slow
def test_run_example_design_json(tmp_path, capsys):
    assert cli.main(["run", str(EXAMPLES / "microcoil_probe.toml"), "--output", str(tmp_path), "--format",
                     "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["probe"]["frequency_Hz"] == pytest.approx(600.3e6, rel=1e-3)


def test_generator_errors_are_reported_with_file_context(tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text("[rf_coil]\ngenerator = 'solenoid'\nradius = 0.5e-3\nlength = 1e-4\nturns = 5\n"
                 "wire_diameter = 1e-4\n")
    assert cli.main(["run", str(f), "--output", str(tmp_path / "o")]) == 2
    assert "[rf_coil] (solenoid)" in capsys.readouterr().err


@pytest.mark.slow
def test_example_notebook_executes():
    """examples/microcoil_design.ipynb runs top to bottom (nbclient + ipykernel)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(EXAMPLES / "microcoil_design.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "best number of turns" in outputs


def test_example_scripts_run(tmp_path):
    for script in ("rf_microcoil_fieldmap.py", "gradient_set_fieldmap.py"):
        r = subprocess.run([sys.executable, str(EXAMPLES / script), str(tmp_path)], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
    assert len(list(tmp_path.glob("*.png"))) == 2


UNBUILDABLE = ("[gradient]\ngenerator = 'target_field'\nradius = 5e-3\nlength = 20e-3\nturns = 8\n"
               "wire_diameter = 0.5e-3\nresolution = 1.3e-3\ndsv_radius = 2.5e-3\ndeviation = 0.05\n")


@pytest.mark.slow
def test_run_refuses_an_unbuildable_target_field_design(tmp_path, capsys):
    """Wires that cannot be a pitch apart: the run stops with exit code 2 and says why (how far
    apart, how much is missing) and how to accept it."""
    f = tmp_path / "d.toml"
    f.write_text(UNBUILDABLE)
    assert cli.main(["run", str(f), "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "[gradient] (target_field)" in err and "apart" in err and "allow_violations" in err


@pytest.mark.slow
def test_run_accepting_violations_prints_buildability(tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text(UNBUILDABLE + "allow_violations = true\n[outputs]\nvtk = false\nplots = false\nreport = false\n")
    with pytest.warns(UserWarning, match="not buildable"):
        assert cli.main(["run", str(f), "--output", str(tmp_path / "o"), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["gradients"]["Gx"]["buildable"] is False


def test_validated_design_is_a_frozen_probe_design_mirroring_the_schema():
    """validate_design returns a frozen ProbeDesign: one dataclass per table whose fields are the
    SCHEMA keys (generator tables: generator, drive keys, params); as_dict() gives the tables
    back and validates to the same design."""
    import dataclasses

    spec = probe_file.load_design(EXAMPLES / "microcoil_probe.toml")
    assert isinstance(spec, probe_file.ProbeDesign)
    for table in ("probe", "sample", "imaging", "outputs"):
        names = {f.name for f in dataclasses.fields(probe_file.TABLE_TYPES[table])}
        assert names == set(probe_file.SCHEMA[table]), table
    gradient = {f.name for f in dataclasses.fields(probe_file.GradientTable)}
    assert gradient == {"generator", "params", *probe_file.SCHEMA["gradient_drive"]}
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.probe.b0 = 9.4
    tables = spec.as_dict()
    assert tables["rf_coil"]["generator"] == "solenoid" and tables["gradient"]["i_max"] == 10.0
    assert "frequency" not in tables["probe"] and "size" not in tables["sample"]
    assert probe_file.validate_design(tables) == spec == probe_file.validate_design(spec)
    by_frequency = probe_file.validate_design({"probe": {"frequency": 4e8}})
    assert by_frequency.probe.b0 is None and by_frequency.probe.frequency == 4e8
    assert probe_file.validate_design(probe_file.default_design()).as_dict() == {**probe_file.default_design(),
                                                                                   "from_defaults": {}}


def test_gradient_report_rows_are_the_performance_rows_and_the_linearity():
    """The printed gradient table is built from GradientPerformance.rows() (not re-parsed text):
    its rows are the performance rows after the coil's name, then linearity and largest DSV."""
    from coildesign import workflow
    from coildesign._text import table

    gspec = probe_file.validate_design({"gradient": {"generator": "maxwell_pair", "radius": 3e-3,
                                                     "wire_diameter": 1e-4, "dsv_radius": 1e-3}}).gradient
    (report,) = workflow._gradient_section(gspec, 293.15, lambda name: None)
    perf = report.performance
    assert str(perf) == table(perf.rows()) and perf.rows()[0] == ("coil", report.coil.name)
    rows = report.rows()
    assert rows[:len(perf.rows()) - 1] == perf.rows()[1:]
    assert rows[-3] == ("max field deviation, DSV r = 1 mm", f"{100 * report.linearity.max_field_deviation:.3g} %")
    assert rows[-1][1] == f"{2 * report.largest_dsv * 1e3:.4g} mm diameter"
    assert report.as_dict()["largest_dsv_radius_m"] == report.largest_dsv and report.title == "Gradient Gz"
