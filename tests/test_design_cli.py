"""Design files and the command line (the parts that need no full probe run)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coildesign import cli, design, validation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_example_design_file_validates():
    spec = design.load_design(EXAMPLES / "microcoil_probe.toml")
    assert spec["rf_coil"]["generator"] == "solenoid"
    assert spec["gradient"]["i_max"] == 10.0


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
    with pytest.raises(design.DesignError) as err:
        design.load_design(f)
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
