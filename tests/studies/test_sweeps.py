"""coildesign.sweep: sampling, failures, back ends, checkpoints (resume after SIGKILL)."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import coildesign as cd
from coildesign.studies import design_points, sweep
from coildesign.studies.backends import local_cluster
from tests._study_functions import Locked, picky, slow_square, square

ROOT = Path(__file__).resolve().parents[2]


def test_grid_shape_coordinates_and_order():
    res = sweep(square, {"x": [3, 1, 2], "y": [0.5, -0.5]}, fixed={"offset": 10.0}, progress=False)
    df = res.to_dataframe()
    assert len(df) == 6
    assert list(df.columns[:3]) == ["x", "y", "f"]
    # last parameter fastest, values in the order given
    assert df["x"].tolist() == [3, 3, 1, 1, 2, 2]
    assert df["y"].tolist() == [0.5, -0.5] * 3
    np.testing.assert_allclose(df["f"], df["x"] ** 2 + df["y"] + 10.0, rtol=0, atol=0)
    ds = res.to_xarray()
    assert dict(ds.sizes) == {"x": 3, "y": 2}
    assert ds["x"].values.tolist() == [3, 1, 2]
    assert ds["y"].values.tolist() == [0.5, -0.5]
    assert ds["f"].sel(x=1, y=-0.5).item() == 1.0 - 0.5 + 10.0
    assert res.failures.empty


@pytest.mark.parametrize("method", ["random", "lhs"])
def test_sample_counts_bounds_and_integers(method):
    bounds = {"a": (-2.0, 3.0), "n": (2, 7)}
    pts, axes = design_points(bounds, method, 60, seed=4, integers=("n",))
    assert axes is None and len(pts) == 60
    a = np.array([p["a"] for p in pts])
    n = np.array([p["n"] for p in pts])
    assert a.min() >= -2.0 and a.max() < 3.0
    assert all(type(p["n"]) is int for p in pts) and n.min() >= 2 and n.max() <= 7
    if method == "lhs":
        # one point per stratum of width 5/60 in a; 60 points on 6 integers: 10 each
        strata = np.floor((a + 2.0) / 5.0 * 60).astype(int)
        assert sorted(strata.tolist()) == list(range(60))
        assert np.bincount(n - 2).tolist() == [10] * 6
    again, _ = design_points(bounds, method, 60, seed=4, integers=("n",))
    assert again == pts
    res = sweep(square, {"x": (0.0, 1.0)}, method=method, samples=25, progress=False)
    assert len(res.to_dataframe()) == 25
    with pytest.raises(ValueError, match="to_xarray needs a grid"):
        res.to_xarray()


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="Input samples must be"):
        sweep(square, {"x": (0, 1)}, method="lhs")
    with pytest.raises(TypeError, match=r"Input parameters\['x'\] must be a \(low, high\) pair"):
        sweep(square, {"x": [0, 1, 2]}, method="random", samples=3)
    with pytest.raises(ValueError, match="Input backend must be"):
        sweep(square, {"x": [1]}, backend="threads")
    with pytest.raises(ValueError, match="Input fixed must be"):
        sweep(square, {"x": [1]}, fixed={"x": 2})
    with pytest.raises(TypeError, match="Input fixed must be picklable"):
        sweep(square, {"x": [1]}, fixed={"offset": Locked()}, backend="processes")
    with pytest.raises(ValueError, match="Input batch_size must be"):
        sweep(square, {"x": [1]}, batch_size=0, backend="dask")


def test_failures_recorded_per_point_and_sweep_goes_on():
    res = sweep(picky, {"x": [-1.0, 0.0, 4.0]}, progress=False)
    df = res.to_dataframe()
    assert df["error"].tolist()[:2] == ["ValueError: x must be >= 0, got -1.0",
                                        "ZeroDivisionError: float division by zero"]
    assert df["error"].iloc[2] is None and df["sqrt"].iloc[2] == 2.0
    assert res.failures.index.tolist() == [0, 1]
    assert res.best("sqrt")["x"] == 4.0


def test_metric_clashing_with_a_parameter_is_a_recorded_failure():
    res = sweep(lambda x: {"x": x}, {"x": [1.0]}, progress=False)
    assert res.to_dataframe()["error"].iloc[0].startswith("ValueError: metrics ['x'] have the names of parameters")


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_unpicklable_function_gives_clear_error(backend):
    with pytest.raises(TypeError, match=f"Input func must be picklable .* to run on the '{backend}' back end"):
        sweep(Locked(), {"x": [1, 2]}, backend=backend, progress=False)


def test_processes_backend_matches_serial_and_uses_workers():
    params = {"x": list(range(40))}
    serial = sweep(square, params, progress=False).to_dataframe()
    par = sweep(square, params, backend="processes", workers=2, batch_size=5, progress=False).to_dataframe()
    assert par["f"].tolist() == serial["f"].tolist()
    assert os.getpid() not in set(par["pid"])


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_local_cluster_matches_serial(dask_client):
    params = {"x": [0.5, 1.5, 2.5], "y": [0.0, 1.0, 2.0, 3.0]}
    serial = sweep(square, params, progress=False)
    on_client = sweep(square, params, backend="dask", client=dask_client, batch_size=2, progress=False)
    by_address = sweep(picky, {"x": [-1.0, 1.0]}, backend="dask", client=dask_client.scheduler.address,
                       progress=False)
    assert on_client.to_dataframe()["f"].tolist() == serial.to_dataframe()["f"].tolist()
    assert os.getpid() not in set(on_client.to_dataframe()["pid"])
    assert by_address.failures["error"].tolist() == ["ValueError: x must be >= 0, got -1.0"]
    assert on_client.to_xarray()["f"].shape == (3, 4)


def test_dask_embedded_local_cluster():
    pytest.importorskip("distributed")
    res = sweep(square, {"x": (0.0, 2.0)}, method="random", samples=12, backend="dask", workers=2, progress=False)
    df = res.to_dataframe()
    np.testing.assert_allclose(df["f"], df["x"] ** 2, rtol=1e-15, atol=0)
    assert res.backend == "dask"


def test_dask_local_cluster_leaves_the_callers_environment_as_it_was(monkeypatch):
    """distributed's nanny writes OMP_NUM_THREADS=1 (and the other BLAS thread counts) into the
    environment of the process that starts the workers; the study's cluster puts them back, so
    processes the caller starts afterwards keep their BLAS threads."""
    pytest.importorskip("distributed")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    cluster = local_cluster(1)
    try:
        assert "OMP_NUM_THREADS" not in os.environ
        assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    finally:
        cluster.close()


def test_checkpoint_refuses_other_study_and_resumes_same(tmp_path):
    ck = tmp_path / "study.ckpt"
    first = sweep(square, {"x": [1.0, 2.0, 3.0]}, checkpoint=ck, batch_size=1, progress=False)
    assert len(list(ck.glob("part-*.parquet"))) == 3 and first.resumed == 0
    again = sweep(square, {"x": [1.0, 2.0, 3.0]}, checkpoint=ck, progress=False)
    assert again.resumed == 3
    assert again.to_dataframe()["f"].tolist() == first.to_dataframe()["f"].tolist()
    with pytest.raises(ValueError, match="was written for another study .*parameters"):
        sweep(square, {"x": [1.0, 2.0, 4.0]}, checkpoint=ck, progress=False)
    with pytest.raises(ValueError, match="was written for another study .*fixed"):
        sweep(square, {"x": [1.0, 2.0, 3.0]}, fixed={"offset": 1.0}, checkpoint=ck, progress=False)
    with pytest.raises(ValueError, match="was written for another study .*function"):
        sweep(slow_square, {"x": [1.0, 2.0, 3.0]}, checkpoint=ck, progress=False)


def test_resume_after_sigkill_no_duplicate_no_missing(tmp_path):
    ck = tmp_path / "killed.ckpt"
    n = 150
    script = ("from coildesign.studies import sweep\n"
              "from tests._study_functions import slow_square\n"
              f"sweep(slow_square, {{'x': list(range({n}))}}, checkpoint={str(ck)!r}, batch_size=3, progress=False)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while len(list(ck.glob("part-*.parquet"))) < 3:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(random.uniform(0.0, 0.4))
    assert proc.poll() is None, "the sweep ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = len(list(ck.glob("part-*.parquet")))
    assert 0 < stored < n // 3
    res = sweep(slow_square, {"x": list(range(n))}, checkpoint=ck, batch_size=3, progress=False)
    df = res.to_dataframe()
    assert res.resumed == 3 * stored
    assert df.index.tolist() == list(range(n))
    assert df["x"].tolist() == list(range(n))
    assert df["f"].tolist() == [float(x * x) for x in range(n)]
    assert res.failures.empty


def test_top_level_sweep_is_lazy_and_works():
    code = "import sys, coildesign; print(any(m in sys.modules for m in ('pandas', 'dask', 'distributed')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    res = cd.sweep(square, {"x": [2.0]}, progress=False)
    assert res.to_dataframe()["f"].tolist() == [4.0]


def _descendants(pid: int) -> set[int]:
    """Process ids of the children of ``pid``, recursively (Linux /proc)."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += [k for k in kids if k not in out]
            out.update(kids)
    return out


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


STUDY_SLOW = """
[study]
function = "tests._study_functions:slow_square"
backend = "processes"
workers = 2
[parameters]
x = {x}
[fixed]
delay = 0.2
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from Linux /proc")
@pytest.mark.parametrize("how", ["api", "cli"])
def test_sigkill_of_the_parent_leaves_no_orphaned_worker(tmp_path, how):
    """SIGKILL of a sweep on the processes back end (API and ``coildesign sweep``): its worker
    processes end too (parent-death watch), within a few seconds."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if how == "api":
        code = ("from coildesign.studies import sweep\nfrom tests._study_functions import slow_square\n"
                "sweep(slow_square, {'x': list(range(400))}, fixed={'delay': 0.2}, backend='processes', workers=2,"
                " batch_size=1, progress=False)\n")
        cmd = [sys.executable, "-c", code]
    else:
        study = tmp_path / "slow.toml"
        study.write_text(STUDY_SLOW.format(x=list(range(400))))
        cmd = [sys.executable, "-m", "coildesign.cli", "sweep", str(study), "-o", str(tmp_path / "out"), "-q",
               "--allow-code"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
            workers = {p for p in _descendants(proc.pid) if _alive(p)}
        time.sleep(0.5)  # the workers are computing designs
        workers = {p for p in _descendants(proc.pid) if _alive(p)}
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [p for p in workers if _alive(p)]
    finally:
        if proc.poll() is None:
            proc.kill()
    for p in orphans:  # never leave them behind, even when the test fails
        os.kill(p, signal.SIGKILL)
    assert not orphans, f"orphaned worker processes {orphans} after SIGKILL of the sweep"


def test_worker_ends_when_its_parent_dies(tmp_path):
    """The portable watch alone (no prctl): a grandchild whose parent exits ends within the poll
    interval."""
    flag = tmp_path / "alive"
    code = ("import os, sys, time\nfrom coildesign.studies.backends import _poll_parent\n"
            "parent = os.getpid()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    import threading\n"
            "    threading.Thread(target=_poll_parent, args=(parent, 0.05), daemon=True).start()\n"
            f"    open({str(flag)!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(30)\n"
            "    os._exit(0)\n"
            "time.sleep(0.5)\nos._exit(0)\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
                   timeout=60)
    child = int(flag.read_text())
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive


def test_workers_are_capped_at_the_cores():
    from coildesign.studies import backends

    cores = backends.default_workers()
    with pytest.warns(UserWarning, match=f"Input workers = {cores + 62} is more than the {cores} CPUs"):
        res = sweep(square, {"x": [1.0, 2.0]}, backend="processes", workers=cores + 62, progress=False)
    assert res.to_dataframe()["f"].tolist() == [1.0, 4.0]
    with pytest.warns(UserWarning, match="more than the"):
        assert backends.capped_workers(10**6) == cores
    with pytest.raises(TypeError, match="Input workers must be an integer"):
        backends.capped_workers(1.5)


def test_argument_names_are_checked_before_running():
    from coildesign.studies import gradient, microcoil

    with pytest.raises(ValueError, match=r"Input parameters name 'turn' must be an argument of microcoil\(\).*"
                       r"did you mean 'turns'\?\); instead received 'turn'"):
        sweep(microcoil, {"turn": [3, 4]}, fixed={"wire_diameter": 5e-5, "pitch": 1e-4}, progress=False)
    with pytest.raises(ValueError, match=r"Input fixed name 'pich' .*did you mean 'pitch'"):
        sweep(microcoil, {"turns": [3, 4]}, fixed={"wire_diameter": 5e-5, "pich": 1e-4}, progress=False)
    with pytest.raises(ValueError, match=r"every required argument of microcoil\(\) \(missing: pitch"):
        sweep(microcoil, {"turns": [3, 4]}, fixed={"wire_diameter": 5e-5}, progress=False)
    # gradient(**geometry): the geometry names are those of the generator
    with pytest.raises(ValueError, match=r"Input parameters name 'radus' .*did you mean 'radius'"):
        sweep(gradient, {"radus": [3e-3]}, fixed={"dsv_radius": 1e-3, "generator": "golay"}, progress=False)
    with pytest.raises(ValueError, match=r"Input parameters name 'half_gap' must be an argument of gradient"):
        sweep(gradient, {"half_gap": [3e-3]}, fixed={"dsv_radius": 1e-3}, progress=False)  # maxwell_pair
    ok = sweep(gradient, {"half_gap": [3e-3]}, fixed={"dsv_radius": 1e-3, "generator": "biplanar", "size": 8e-3,
                                                  "wire_diameter": 2e-4},
               progress=False)
    assert ok.failures.empty


def test_best_with_a_misspelt_metric_says_did_you_mean():
    res = sweep(square, {"x": [1.0, 2.0]}, progress=False)
    with pytest.raises(ValueError, match=r"Input metric must be a metric of this study, one of: f, pid \(did you mean "
                       r"'f'\?\); instead received 'F'"):
        res.best("F")


def test_checkpoint_in_use_is_a_value_error_naming_it(tmp_path):
    from coildesign.studies.checkpoint import Checkpoint

    ck = Checkpoint(tmp_path / "c", {"study": 1})
    with ck.lock(), pytest.raises(ValueError, match="Input checkpoint must be a folder no other running sweep writes"):
        with Checkpoint(tmp_path / "c", {"study": 1}).lock():
            pass
