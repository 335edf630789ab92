"""Design-study benchmark: designs per second on the serial, process-pool and dask back ends.

Run (one benchmark at a time on a shared machine)::

    flock /tmp/bench.lock python benchmarks/bench_studies.py [--designs 1000] [--workers 2]

1. RF microcoil study (``coildesign.studies.microcoil``, full analysis: B1, L, R_ac, C_self,
   SRF, Q, sample loss, match, SNR, LOD) on a grid of ``--designs`` designs (no overlapping
   wires): designs/s serial, processes (``--workers``) and dask LocalCluster (``--workers``
   processes, one thread each); the serial run is repeated at the end and the two serial rates
   averaged, so that a change of the machine's load during the run shows up as their spread.
   The dask time excludes the cluster start, reported separately.
2. Per-point and per-task overhead of each back end: a function that returns at once, swept over
   ``--overhead-points`` points with the default batching (overhead per point) and with one point
   per task (overhead per task).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from coildesign.studies import microcoil, sweep


def trivial(x: float) -> dict:
    """A design function that costs nothing: what is left is the back end's overhead."""
    return {"y": x}


def design_grid(n: int) -> dict:
    """About ``n`` designs: turns x wire diameter x pitch, pitch always >= wire diameter."""
    k = max(2, round(n ** (1 / 3)))
    return {"turns": [int(t) for t in np.linspace(4, 24, k).round()],
            "wire_diameter": np.linspace(20e-6, 60e-6, k).tolist(),
            "pitch": np.linspace(65e-6, 200e-6, k).tolist()}


def rate(backend: str, params: dict, workers: int, client=None, **kw) -> tuple[float, object]:
    t0 = time.perf_counter()
    res = sweep(microcoil, params, backend=backend, workers=workers, client=client, progress=False,
                fixed={"sample_length": 1e-3}, **kw)
    wall = time.perf_counter() - t0
    return len(res.table) / wall, res


def overhead(backend: str, n: int, workers: int, client=None, batch_size=None) -> float:
    t0 = time.perf_counter()
    sweep(trivial, {"x": list(range(n))}, backend=backend, workers=workers, client=client, batch_size=batch_size,
          progress=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--overhead-points", type=int, default=20000)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    params = design_grid(args.designs)
    n = int(np.prod([len(v) for v in params.values()]))
    w = args.workers
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {n} microcoil designs, "
          f"{w} workers")
    s1, serial = rate("serial", params, 1)
    print(f"serial      {s1:8.2f} designs/s  ({serial.table['seconds'].median() * 1e3:.1f} ms median per design, "
          f"{len(serial.failures)} failed)")
    sp, _ = rate("processes", params, w)
    print(f"processes   {sp:8.2f} designs/s")
    t0 = time.perf_counter()
    with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter() - t0
        sd, _ = rate("dask", params, w, client=client)
        print(f"dask        {sd:8.2f} designs/s  (LocalCluster start {start:.2f} s, not included)")
        s2, _ = rate("serial", params, 1)
        mean = 0.5 * (s1 + s2)
        print(f"serial again {s2:7.2f} designs/s -> serial mean {mean:.2f} (spread {abs(s1 - s2) / mean:.0%})")
        print(f"speed-up vs serial mean: processes {sp / mean:.2f}x, dask {sd / mean:.2f}x (target >= 1.8x)")
        m = args.overhead_points
        print(f"\noverhead of the back end ({m} points of a function that returns at once):")
        for name, cl in (("serial", None), ("processes", None), ("dask", client)):
            batched = overhead(name, m, w, cl)
            single = overhead(name, min(m, 2000), w, cl, batch_size=1)
            print(f"{name:10s} {batched / m * 1e6:8.1f} us per point (default batches)   "
                  f"{single / min(m, 2000) * 1e3:7.3f} ms per task (one point per task)")


if __name__ == "__main__":
    main()
