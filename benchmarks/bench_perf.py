"""Performance rows of issue 15, measured side by side and interleaved in one process.

Each row runs coildesign and its anchor alternately ``--repeat`` times and prints the min and
the median of each, as wall time and per core (pairs / CPU second of the process, so a
library that quietly uses two cores is not flattered), plus the load average before and after
(the machine is shared: compare medians of interleaved runs, not single runs). Run under the
benchmark lock, with the checkout to measure first on the path:
    PYTHONPATH=. flock /tmp/bench.lock python benchmarks/bench_perf.py [--demo] [--repeat N] [--only ROW]

Rows:
1. segment B, 1,000-segment helix x 10,000 points: 1 thread, 2 threads; magpylib Polyline
   (on a 2,000-point subset, scaled) interleaved; where numba is installed (optional, benchmark
   only) also the exact compiled reference kernel of ``compiled_reference.py`` with 1 and 2
   threads, its agreement with ``cd.field`` and the fraction of compiled speed reached per thread;
2. segment dB/dr on the same case: cost relative to B (target <= 3x);
3. loop B at 1e6 points against magpylib Circle;
4. full RF analysis of a solenoid microcoil (``studies.rf_study.microcoil``), one BLAS thread:
   analyses per second per core, with the geometry cache emptied before each (a new design) and
   at one geometry over changing frequencies (a frequency sweep);
5. ``import coildesign`` in a fresh interpreter (median of 5), and loop B at 16,384 points in a
   fresh interpreter (best of five calls, median of 3 interpreters: before the process has freed
   a large array, glibc maps and unmaps every 128 KiB temporary; ``_runtime.prime_allocator``);
6. --demo: ``python -m coildesign.cli demo`` wall time (one run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

import coildesign as cd

try:
    import compiled_reference
except ModuleNotFoundError as exc:  # numba is optional: benchmark only, not a coildesign dependency
    if exc.name != "numba":
        raise
    compiled_reference = None


def helix(segments: int, turns: int, radius: float = 1e-3, length: float = 4e-3) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi * turns, segments + 1)
    return np.c_[radius * np.cos(t), radius * np.sin(t), np.linspace(-length / 2, length / 2, segments + 1)]


def clock(fn) -> tuple[float, float]:
    """(wall [s], process CPU [s]) of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


SETTLE = 0.3  # [s] pause before each timed call


def interleaved(fns: dict, repeat: int) -> dict:
    """{name: (walls, cpus)} with the callables run alternately ``repeat`` times, each after a
    pause of ``SETTLE``: the worker threads of the previous call (numba's OpenMP pool,
    OpenBLAS, magpylib's) spin-wait for a while after their work and otherwise share the two
    cores with the next call (measured: coildesign's one-thread row used 1.08-1.10 cores
    right after the compiled two-thread row, 1.00 after a pause)."""
    out = {k: ([], []) for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            time.sleep(SETTLE)
            w, c = clock(fn)
            out[name][0].append(w)
            out[name][1].append(c)
    return out


def row(label: str, work: float, unit: str, walls: list, cpus: list, scale: float = 1.0) -> float:
    """Print rate = work / time (min-time and median-time based), wall and per core."""
    w = np.array(walls) / scale
    c = np.array(cpus) / scale
    print(f"  {label:34s} wall {work / np.median(w) / 1e6:8.2f} (best {work / w.min() / 1e6:8.2f}) M{unit}/s"
          f" | per core {work / np.median(c) / 1e6:8.2f} (best {work / c.min() / 1e6:8.2f}) M{unit}/s"
          f" | cores used {np.median(c / w):4.2f}", flush=True)
    return float(np.median(w))


def segments_rows(repeat: int) -> None:
    import magpylib

    verts = helix(1000, 10)
    coil = cd.Coil.from_polyline(verts)
    pts = np.random.default_rng(0).uniform(-3e-3, 3e-3, (10_000, 3))
    sub = pts[:2000]
    peer = magpylib.current.Polyline(current=1.0, vertices=verts)
    peer.getB(sub[:10])
    cd.field(coil, pts[:100])
    fns = {
        "B 1 thread": lambda: cd.field(coil, pts, threads=1),
        "B 2 threads": lambda: cd.field(coil, pts, threads=2),
        "dB/dr 1 thread": lambda: cd.field_jacobian(coil, pts, threads=1),
        "magpylib": lambda: peer.getB(sub),
    }
    if compiled_reference is not None:
        compiled_reference.warm_up()
        fns["compiled 1 thread"] = lambda: compiled_reference.field(pts, verts, threads=1)
        fns["compiled 2 threads"] = lambda: compiled_reference.field(pts, verts, threads=2)
    res = interleaved(fns, repeat)
    pairs = 1000 * 10_000
    print("segment B, 1,000 segments x 10,000 points [pairs]")
    t1 = row("coildesign B, 1 thread", pairs, "pairs", *res["B 1 thread"])
    t2 = row("coildesign B, 2 threads", pairs, "pairs", *res["B 2 threads"])
    tj = row("coildesign dB/dr, 1 thread", pairs, "pairs", *res["dB/dr 1 thread"])
    tm = row("magpylib Polyline (2,000-pt subset)", pairs, "pairs", *res["magpylib"], scale=2000 / 10_000)
    print(f"  2 threads / 1 thread: {t1 / t2:.2f}x; dB/dr / B cost: {tj / t1:.2f}x; "
          f"coildesign (2 threads) / magpylib wall: {tm / t2:.1f}x")
    if compiled_reference is None:
        print("  compiled (numba) reference: skipped, numba is not installed (optional, benchmark only)")
        return
    c1 = row("compiled (numba) 1 thread", pairs, "pairs", *res["compiled 1 thread"])
    c2 = row("compiled (numba) 2 threads", pairs, "pairs", *res["compiled 2 threads"])
    b_cd = cd.field(coil, pts)
    b_nb = compiled_reference.field(pts, verts, threads=2)
    rel = np.linalg.norm(b_nb - b_cd, axis=1) / np.linalg.norm(b_cd, axis=1)
    print(f"  compiled vs cd.field: max relative difference {rel.max():.2e} (|dB| / |B| per point)")
    print(f"  fraction of compiled speed (wall, medians): coildesign 1 thread / compiled 1 thread {c1 / t1:.2f}; "
          f"coildesign 2 threads / compiled 2 threads {c2 / t2:.2f}")
    cpu = {name: float(np.median(cpus)) for name, (_, cpus) in res.items()}
    print(f"  fraction of compiled speed (per core, medians): 1 thread "
          f"{cpu['compiled 1 thread'] / cpu['B 1 thread']:.2f}; "
          f"2 threads {cpu['compiled 2 threads'] / cpu['B 2 threads']:.2f}")

def loop_row(repeat: int) -> None:
    import magpylib

    coil = cd.Coil.from_loop(1e-3)
    pts = np.random.default_rng(1).uniform(-3e-3, 3e-3, (1_000_000, 3))
    peer = magpylib.current.Circle(diameter=2e-3, current=1.0)
    res = interleaved({"cd": lambda: cd.field(coil, pts), "mp": lambda: peer.getB(pts)}, repeat)
    print("loop B, 1 loop x 1e6 points [points]")
    tc = row("coildesign", 1e6, "pts", *res["cd"])
    tm = row("magpylib Circle", 1e6, "pts", *res["mp"])
    print(f"  coildesign / magpylib wall: {tm / tc:.2f}x")


def rf_row(seconds: float) -> None:
    from threadpoolctl import threadpool_limits

    from coildesign.studies.rf_study import microcoil, microcoil_geometry_cache_clear

    def full():  # a new geometry every time: the geometry cache emptied first
        microcoil_geometry_cache_clear()
        microcoil(6, 1e-4, 1.5e-4)

    frequencies = iter(np.linspace(300e6, 1000e6, 1_000_000))

    def same_geometry():  # a frequency sweep: the geometry from the cache
        microcoil(6, 1e-4, 1.5e-4, frequency=next(frequencies))

    for label, fn in (("full analysis, new geometry", full), ("same geometry, new frequency", same_geometry)):
        with threadpool_limits(1):
            fn()
            walls, cpus, count = [], [], 0
            t_end = time.perf_counter() + seconds
            while time.perf_counter() < t_end:
                w, c = clock(fn)
                walls.append(w)
                cpus.append(c)
                count += 1
        w, c = np.array(walls), np.array(cpus)
        print(f"RF microcoil analysis (6 turns, rings model), one BLAS thread, {label}, {count} runs\n"
              f"  wall {1 / np.median(w):7.1f} (best {1 / w.min():7.1f}) per s | per core {1 / np.median(c):7.1f} "
              f"(best {1 / c.min():7.1f}) per s")


FRESH_LOOP = """
import time
import numpy as np
import coildesign as cd
coil = cd.Coil.from_loop(1e-3)
pts = np.random.default_rng(1).uniform(-3e-3, 3e-3, (16384, 3))
cd.field(coil, pts[:10])
times = []
for _ in range(5):
    t = time.perf_counter()
    cd.field(coil, pts)
    times.append(time.perf_counter() - t)
print(min(times))
"""


def fresh_interpreter(code: str) -> float:
    """The float that ``code`` prints, run in a fresh interpreter on this checkout."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(cd.__file__))))
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                check=True).stdout)


def import_row() -> None:
    code = "import time; t = time.perf_counter(); import coildesign; print(time.perf_counter() - t)"
    times = [fresh_interpreter(code) for _ in range(5)]
    print(f"import coildesign: median {np.median(times):.3f} s (min {min(times):.3f} s) over 5 fresh interpreters")
    loops = [fresh_interpreter(FRESH_LOOP) for _ in range(3)]
    print(f"loop B at 16,384 points in a fresh interpreter (glibc's mmap threshold not yet raised by the "
          f"process): median {16384 / np.median(loops) / 1e6:.1f} M points/s over 3 interpreters")


def demo_row() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coildesign.cli", "demo", "-o", out, "-q"], check=True)
        print(f"coildesign demo: {time.perf_counter() - t0:.1f} s wall (one run)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="interleaved repeats per row (default 5)")
    ap.add_argument("--demo", action="store_true", help="also time the demo (minutes on a loaded machine)")
    ap.add_argument("--only", choices=("segments", "loop", "rf", "import"), default=None,
                    help="run only this row (e.g. --only rf: the microcoil analyses, ~10 s)")
    args = ap.parse_args()
    import magpylib

    numba_version = "not installed" if compiled_reference is None else compiled_reference.numba_version()
    print(f"coildesign {cd.__file__}, magpylib {magpylib.__version__}, numpy {np.__version__}, "
          f"numba {numba_version}; "
          f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    rows = {"segments": lambda: segments_rows(args.repeat), "loop": lambda: loop_row(args.repeat),
            "rf": lambda: rf_row(5.0), "import": import_row}
    for name, run in rows.items():
        if args.only in (None, name):
            run()
    if args.demo:
        demo_row()
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
