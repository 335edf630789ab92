"""Study plots and the ``coildesign sweep`` command."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from coildesign._files import output_folder
from coildesign.cli import main  # noqa: E402
from coildesign.studies import sweep  # noqa: E402
from coildesign.studies.plots import pareto_mask  # noqa: E402
from tests._study_functions import square  # noqa: E402


def test_pareto_mask_with_ties_and_senses():
    a = np.array([1.0, 2.0, 3.0, 3.0, 2.0, 0.5, 3.0])
    b = np.array([5.0, 4.0, 1.0, 1.0, 4.0, 6.0, 0.5])
    # (3,1) twice and (2,4) twice are non-dominated duplicates; (3,0.5) is dominated by (3,1)
    assert pareto_mask(a, b).tolist() == [True, True, True, True, True, True, False]
    # minimise the first: (0.5, 6) dominates everything with b <= 6
    assert pareto_mask(a, b, (False, True)).tolist() == [False, False, False, False, False, True, False]


def test_heatmap_and_profile_show_best_over_other_parameters():
    res = sweep(square, {"x": [1.0, 2.0, 3.0], "y": [0.0, 1.0], "offset": [0.0, -10.0]}, progress=False)
    ax = res.heatmap("f", "x", "y")
    cells = np.asarray(ax.collections[0].get_array()).reshape(2, 3)
    xs = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(cells, [xs**2, xs**2 + 1.0])  # best offset is 0
    ax2 = res.profile("f", "x")
    line = ax2.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), xs)
    np.testing.assert_array_equal(line.get_ydata(), xs**2 + 1.0)
    ax3 = res.pareto("f", "pid")
    assert ax3.get_lines()[0].get_label().startswith("Pareto front")
    plt.close("all")


def test_profile_bins_samples():
    res = sweep(square, {"x": (0.0, 1.0), "y": (0.0, 1.0)}, method="lhs", samples=40, progress=False)
    line = res.profile("f", "x", bins=5).get_lines()[0]
    assert len(line.get_xdata()) == 5
    table = res.to_dataframe()
    assert line.get_ydata().max() == table["f"].max()
    plt.close("all")


STUDY = """
[study]
function = "tests._study_functions:picky"
method = "grid"
backend = "serial"

[parameters]
x = [-1.0, 1.0, 4.0, 9.0]

[report]
objective = "sqrt"
profiles = ["x"]
columns = ["inv"]
"""


def test_sweep_command_writes_table_plots_report_and_resumes(tmp_path, capsys):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    out = tmp_path / "out"
    assert main(["sweep", str(study), "-o", str(out), "-q", "--allow-code"]) == 0
    table = pd.read_csv(out / "results.csv", index_col="point")
    assert table["x"].tolist() == [-1.0, 1.0, 4.0, 9.0]
    assert table["sqrt"].tolist()[1:] == [1.0, 2.0, 3.0]
    assert pd.read_parquet(out / "results.parquet")["sqrt"].iloc[3] == 3.0
    assert (out / "profile_sqrt_x.png").exists()
    report = (out / "report.md").read_text()
    assert "4 designs (grid) on 'serial'" in report and "1 x ValueError" in report
    assert main(["sweep", str(study), "-o", str(out), "--allow-code"]) == 0
    assert "4 resumed" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "message"), [
    ("[study]\nfunction = 'nowhere'\n[parameters]\nx = [1]\n", "function must be one of"),
    ("[study]\nfunction = 'microcoil'\ncolour = 1\n[parameters]\nx = [1]\n", "unknown keys 'colour'"),
    ("[study]\nfunction = 'microcoil'\n", "[parameters] is required"),
    ("[study]\nfunction = 'tests._study_functions:square'\nmethod = 'lhs'\n[parameters]\nx = [0, 1]\n",
     "Input samples must be"),
])
def test_bad_study_files_exit_2_with_a_message(tmp_path, capsys, text, message):
    study = tmp_path / "bad.toml"
    study.write_text(text)
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q", "--allow-code"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("function", ["subprocess:run", "os:system", "tests._study_functions:square",
                                      "coildesign.geometries:solenoid"])
def test_study_file_naming_code_is_refused_without_allow_code(tmp_path, capsys, function):
    """A study file is data: a function outside the built-in study functions is not imported."""
    marker = tmp_path / "ran"
    study = tmp_path / "s.toml"
    study.write_text(f"[study]\nfunction = '{function}'\n[parameters]\nargs = [['touch', '{marker}']]\n")
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"function = {function!r}" in err and "--allow-code" in err and "a study file is data" in err
    assert err.count("\n") == 1
    assert not marker.exists() and not (tmp_path / "o").exists()


def test_built_in_study_functions_run_without_allow_code(tmp_path):
    study = tmp_path / "s.toml"
    study.write_text("[study]\nfunction = 'gradient'\n[parameters]\nradius = [3e-3]\n"
                     "[fixed]\ngenerator = 'maxwell_pair'\ndsv_radius = 1e-3\nwire_diameter = 2e-4\n")
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q"]) == 0
    table = pd.read_csv(tmp_path / "o" / "results.csv")
    assert table["error"].isna().all() and table["efficiency_T_per_m_A"].iloc[0] > 0


MICRO = """
[study]
function = "microcoil"
[parameters]
{param} = [3, 4]
[fixed]
wire_diameter = 5e-5
pitch = 1e-4
[report]
objective = "{objective}"
"""


@pytest.mark.parametrize(("param", "objective", "message"), [
    ("turns", "SNR", "[report] objective: 'SNR' is not a metric of [study] function = 'microcoil' (did you mean "
     "'snr'"),
    ("turn", "snr", "Input parameters name 'turn' must be an argument of microcoil(), one of: turns, "),
])
def test_typos_in_names_are_refused_before_running(tmp_path, capsys, param, objective, message):
    study = tmp_path / "s.toml"
    study.write_text(MICRO.format(param=param, objective=objective))
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "o" / "checkpoint").exists()  # nothing ran


def test_custom_function_metrics_checked_after_the_run(tmp_path, capsys):
    study = tmp_path / "s.toml"
    study.write_text(STUDY.replace('objective = "sqrt"', 'objective = "sqr"'))
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q", "--allow-code"]) == 2
    assert "[report] objective: 'sqr' is not a metric" in capsys.readouterr().err


def test_all_or_most_designs_failing_is_said_with_the_first_error(tmp_path, capsys):
    study = tmp_path / "s.toml"
    study.write_text("[study]\nfunction = 'tests._study_functions:picky'\n[parameters]\nx = [-1.0, -2.0]\n")
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q", "--allow-code"]) == 2
    err = capsys.readouterr().err
    assert "all 2 designs failed; first error: ValueError: x must be >= 0, got -1.0" in err
    study.write_text("[study]\nfunction = 'tests._study_functions:picky'\n[parameters]\nx = [-1.0, -2.0, 4.0]\n")
    assert main(["sweep", str(study), "-o", str(tmp_path / "o2"), "-q", "--allow-code"]) == 0
    assert "warning: 2 of 3 designs failed; first error: ValueError" in capsys.readouterr().err


def test_format_json_and_debug(tmp_path, capsys):
    import json

    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "--format", "json", "--debug", "--allow-code"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["designs"] == 4 and summary["failed"] == 1
    assert summary["best"]["x"] == 9.0 and summary["best"]["sqrt"] == 3.0
    assert "report.md" in summary["files"]


def test_help_lists_the_metrics_with_units(capsys):
    from coildesign.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["sweep", "--help"])
    text = capsys.readouterr().out
    assert "snr_1hz" in text and "[Hz^(1/2)]" in text and "efficiency_T_per_m_A" in text and "[T/(m A)]" in text
    assert "--allow-code" in text and "--format" in text


def test_metric_tables_match_the_functions_and_their_docstrings():
    from coildesign.studies import gradient, metrics, microcoil

    micro = microcoil(4, 5e-5, 1e-4)
    grad = gradient("maxwell_pair", dsv_radius=1e-3, radius=3e-3, wire_diameter=2e-4)
    assert list(micro) == list(metrics.MICROCOIL) and list(grad) == list(metrics.GRADIENT)
    for fn, table in ((microcoil, metrics.MICROCOIL), (gradient, metrics.GRADIENT)):
        for name, meaning in table.items():
            assert f"{name}" in fn.__doc__ and meaning in fn.__doc__
        assert metrics.known_metrics(fn) is table


def test_unusable_output_and_malformed_files_exit_2_on_one_line(tmp_path, capsys):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["sweep", str(study), "-o", str(a_file), "-q", "--allow-code"]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    busy = tmp_path / "busy"
    with output_folder(busy):
        assert main(["sweep", str(study), "-o", str(busy), "-q", "--allow-code"]) == 2
    assert "another coildesign run is writing to it" in capsys.readouterr().err
    deep = tmp_path / "deep.toml"
    deep.write_text("[study]\nfunction = 'microcoil'\n[parameters]\nturns = " + "[" * 20000 + "]" * 20000 + "\n")
    assert main(["sweep", str(deep), "-o", str(tmp_path / "o"), "-q"]) == 2
    assert "nested too deeply" in capsys.readouterr().err
    for text, message in (("study = 3\n", "study = 3 must be a table [study]"),
                          ("[study]\nfunction = 'microcoil'\nmethod = 3\n[parameters]\nturns = [3]\n",
                           "[study] method must be a string"),
                          ("[study]\nfunction = 'microcoil'\n[parameters]\nturns = [3]\n"
                           "[report]\nheatmap = ['turns']\n",
                           "[report] heatmap must be two parameter names"),
                          ("[study]\nfunction = 'microcoil'\n[parameters]\nturns = [3]\n"
                           "[report]\nprofiles = ['tuns']\n",
                           "'tuns' is not a parameter of the study (parameters: turns) (did you mean 'turns'?)"),
                          ("[study]\nfunction = 'microcoil'\nmethd = 'grid'\n[parameters]\nturns = [3]\n",
                           "unknown keys 'methd' (did you mean 'method'?)")):
        study.write_text(text)
        assert main(["sweep", str(study), "-o", str(tmp_path / "o"), "-q"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and str(study) in err
