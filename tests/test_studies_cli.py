"""Study plots and the ``coildesign sweep`` command."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

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
    ("[study]\nfunction = 'microcoil'\ncolour = 1\n[parameters]\nx = [1]\n", "unknown keys ['colour']"),
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
