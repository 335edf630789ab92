"""Robustness figures of the studies, exports, sequences, scanner clients and design callables.

Run from the root of a checkout (it measures the ``coildesign`` it finds in the current folder)::

    PYTHONPATH=. python benchmarks/hardening_figures.py [fuzz] [files] [oversized] [kills] [sequences]

- ``fuzz``: every (callable, argument, bad value) case of ``tests/test_api_fuzz.py`` for the callables
  in ``NEW_SPECS``: counts of ok / refused (ValueError, TypeError) / nonfinite (silent NaN or inf) /
  hang (> 20 s) / wrong exception type.
- ``files``: malformed study files given to ``coildesign sweep``: exit 2 with one line, exit 1
  ("internal error"), or a traceback.
- ``oversized``: oversized problems, each in a child process (address space 4 GB, 60 s): refused
  with a ValueError (and the time it took), MemoryError, killed by a signal (native abort), or
  still running at 60 s.
- ``kills``: SIGKILL of a running sweep on the processes back end (API and command line, 3 each):
  worker processes still alive 10 s later.
- ``sequences``: 200 plausible ``gradient_echo_sequence`` calls (``benchmarks/sequence_calls.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))

NEW_SPECS = ("design_points", "design_points[lhs]", "sweep", "sweep[random]", "optimize", "microcoil",
             "gradient_study", "to_stl", "to_stl[loop]", "to_csv", "to_npz", "read_csv", "to_gradunwarp",
             "to_cosimpy", "gradient_echo_sequence", "sequence_psf", "point_spread_function", "resolution_limits",
             "geometric_distortion", "resistivity_at", "design.cylinder", "design.biplanar", "design.mesh",
             "design.gradient_coil")


def fuzz() -> Counter:
    import resource

    from tests import test_api_fuzz as tf

    resource.setrlimit(resource.RLIMIT_AS, (int(6e9), int(6e9)))
    counts: Counter = Counter()
    for spec, arg, value in tf.cases():
        if spec.name not in NEW_SPECS:
            continue
        res = tf.outcome(spec, arg, value)
        counts[res] += 1
        if res not in ("ok", "refused"):
            print(f"  {res:24s} {spec.name}({arg}={value!r:.60})", flush=True)
    return counts


M = "[study]\nfunction = 'microcoil'\n"
STUDY_FILES = {
    "not toml": "[study\nfunction = 'microcoil'\n",
    "binary": b"\xff\xfe\x00\x01",
    "study not a table": "study = 3\n[parameters]\nturns = [3]\n",
    "parameters not a table": "parameters = [1, 2]\n[study]\nfunction = 'microcoil'\n",
    "function a number": "[study]\nfunction = 3\n[parameters]\nturns = [3]\n",
    "function empty": "[study]\nfunction = ''\n[parameters]\nturns = [3]\n",
    "function ':'": "[study]\nfunction = ':'\n[parameters]\nturns = [3]\n",
    "method number": "[study]\nfunction = 'microcoil'\nmethod = 3\n[parameters]\nturns = [3]\n",
    "method unknown": "[study]\nfunction = 'microcoil'\nmethod = 'sobol'\n[parameters]\nturns = [3]\n",
    "samples string": M + "method = 'lhs'\nsamples = 'ten'\n[parameters]\nturns = [2, 8]\n",
    "samples negative": M + "method = 'lhs'\nsamples = -3\n[parameters]\nturns = [2, 8]\n",
    "workers string": M + "backend = 'processes'\nworkers = 'two'\n[parameters]\nturns = [3]\n",
    "backend unknown": "[study]\nfunction = 'microcoil'\nbackend = 'mpi'\n[parameters]\nturns = [3]\n",
    "integers string": "[study]\nfunction = 'microcoil'\nintegers = 'turns'\n[parameters]\nturns = [3]\n",
    "grid value not list": "[study]\nfunction = 'microcoil'\n[parameters]\nturns = 3\n",
    "grid empty": "[study]\nfunction = 'microcoil'\n[parameters]\nturns = []\n",
    "fixed not table": "fixed = 3\n[study]\nfunction = 'microcoil'\n[parameters]\nturns = [3]\n",
    "report heatmap one": M + "[parameters]\nturns = [3]\n[report]\nheatmap = ['turns']\n",
    "report pareto strings": M + "[parameters]\nturns = [3]\n[report]\npareto = 'snr'\n",
    "report maximize string": M + "[parameters]\nturns = [3]\n[report]\nmaximize = 'yes'\n",
    "deep nesting": M + "[parameters]\nturns = " + "[" * 20000 + "]" * 20000 + "\n",
    "objective typo": M + "[parameters]\nturns = [3, 4]\n[fixed]\nwire_diameter = 5e-5\n"
                      "pitch = 1e-4\n[report]\nobjective = 'SNR'\n",
    "parameter typo": M + "[parameters]\nturn = [3, 4]\n[fixed]\nwire_diameter = 5e-5\n"
                      "pitch = 1e-4\n",
    "code": "[study]\nfunction = 'subprocess:run'\n[parameters]\nargs = [['true']]\n",
}


def files() -> Counter:
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for label, text in STUDY_FILES.items():
            study = Path(tmp) / "study.toml"
            study.write_bytes(text if isinstance(text, bytes) else text.encode())
            output = Path(tmp) / f"out-{sum(counts.values())}"
            out = subprocess.run([sys.executable, "-m", "coildesign.cli", "sweep", str(study), "-o", str(output), "-q"],
                                 cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                 timeout=300)
            err = out.stderr.strip()
            kind = ("traceback" if "Traceback" in err else "exit 2, one line" if out.returncode == 2 and
                    err.count("\n") == 0 else f"exit {out.returncode}")
            if label == "code":
                kind += ", code ran" if out.returncode == 0 else ", refused"
            counts[kind] += 1
            print(f"  {label:24s} {kind:22s} {err.splitlines()[-1][:110] if err else ''}", flush=True)
    return counts


OVERSIZED = {
    "to_stl(sides=766274)": "export.to_stl(cd.Coil.from_loop(1e-3, wire_diameter=1e-4), T + '/a.stl', sides=766274)",
    "to_stl(loop_segments=1e8)": "export.to_stl(cd.Coil.from_loop(1e-3, wire_diameter=1e-4), T + '/a.stl', "
                                 "loop_segments=10**8)",
    "to_csv(loop_segments=1e9)": "export.to_csv(cd.Coil.from_loop(1e-3), T + '/a.csv', loop_segments=10**9)",
    "to_npz(loop_segments=1e9)": "export.to_npz(cd.Coil.from_loop(1e-3), T + '/a.npz', loop_segments=10**9)",
    "grid of 4e9 points": "studies.design_points({'a': list(range(63246)), 'b': list(range(63246))})",
    "sweep 2e9 lhs samples": "studies.sweep(square, {'x': (0.0, 1.0)}, method='lhs', samples=2 * 10**9, "
                             "progress=False)",
    "optimize popsize 2**31-1": "studies.optimize(square, {'x': (0.0, 1.0)}, objective='f', popsize=2**31 - 1)",
    "sequence 1e6 phase lines": "gradient_echo_sequence((1e-2, 100.0, 1e-2), 64, 10**6, dwell=1e-4)",
    "sequence 1e9 readout": "gradient_echo_sequence(1e-2, 10**9, dwell=1e-4)",
    "sweep workers=64": "studies.sweep(square, {'x': [1.0, 2.0]}, backend='processes', workers=64, progress=False);"
                        " assert False, 'ran'",
}
PRELUDE = ("import sys, tempfile, warnings\nsys.path.insert(0, '.')\nwarnings.simplefilter('error')\n"
           "import coildesign as cd\nfrom coildesign import export, studies\n"
           "from coildesign.analysis.sequence_psf import gradient_echo_sequence\n"
           "from tests._study_functions import square\nT = tempfile.mkdtemp()\n")
CHILD = ("import resource, time\nresource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))\n{prelude}"
         "t = time.perf_counter()\ntry:\n    {call}\nexcept (ValueError, TypeError, UserWarning) as e:\n"
         "    print('REFUSED', round(time.perf_counter() - t, 2), type(e).__name__, str(e)[:100])\n"
         "except MemoryError:\n    print('MEMORYERROR')\nelse:\n    print('FINISHED')\n")


def oversized() -> Counter:
    counts: Counter = Counter()
    for label, call in OVERSIZED.items():
        code = CHILD.format(prelude=PRELUDE, call=call)
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            kind, text = "still running at 60 s", ""
        else:
            text = out.strip().splitlines()[-1] if out.strip() else err.strip().splitlines()[-1] if err.strip() else ""
            if proc.returncode < 0:
                kind = f"killed by signal {-proc.returncode}"
            elif "AssertionError: ran" in err:
                kind = "ran without limit"
            elif text.startswith("REFUSED"):
                kind = "refused"
            elif text.startswith("MEMORYERROR") or "MemoryError" in err:
                kind = "MemoryError"
            else:
                kind = "other"
        counts[kind] += 1
        print(f"  {label:28s} {kind:22s} {text[:120]}", flush=True)
    return counts


def _children(pid: int) -> set[int]:
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += kids
            out.update(kids)
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def kills(repeats: int = 3) -> Counter:
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "slow.toml"
        study.write_text("[study]\nfunction = 'tests._study_functions:slow_square'\nbackend = 'processes'\n"
                         f"workers = 2\n[parameters]\nx = {list(range(400))}\n[fixed]\ndelay = 0.2\n")
        api = ("from coildesign.studies import sweep\nfrom tests._study_functions import slow_square\n"
               "sweep(slow_square, {'x': list(range(400))}, fixed={'delay': 0.2}, backend='processes', workers=2, "
               "batch_size=1, progress=False)\n")
        for how in ("api", "cli"):
            for k in range(repeats):
                cmd = ([sys.executable, "-c", api] if how == "api" else
                       [sys.executable, "-m", "coildesign.cli", "sweep", str(study), "-o", f"{tmp}/o{k}", "-q",
                        "--allow-code"])
                proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 60
                workers: set[int] = set()
                while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                    workers = {p for p in _children(proc.pid) if _alive(p)}
                time.sleep(0.5)
                workers = {p for p in _children(proc.pid) if _alive(p)}
                proc.kill()
                proc.wait()
                time.sleep(10)
                orphans = [p for p in workers if _alive(p)]
                for p in orphans:
                    os.kill(p, signal.SIGKILL)
                counts[f"{how}: kills"] += 1
                counts[f"{how}: orphaned workers"] += len(orphans)
                if proc.returncode != -9 or not workers:
                    counts[f"{how}: not measured"] += 1
                print(f"  {how} kill {k}: {len(workers)} workers, {len(orphans)} still alive 10 s later", flush=True)
    return counts


def sequences() -> Counter:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sequence_calls import tally

    return tally()


if __name__ == "__main__":
    parts = sys.argv[1:] or ["fuzz", "files", "oversized", "kills", "sequences"]
    for part in parts:
        t0 = time.perf_counter()
        print(f"{part}:", flush=True)
        result = {"fuzz": fuzz, "files": files, "oversized": oversized, "kills": kills, "sequences": sequences}[part]()
        print(f"{part}: {dict(result)}  [{time.perf_counter() - t0:.0f} s]\n", flush=True)
