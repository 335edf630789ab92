"""Design-study benchmark: designs per second on the serial, process-pool and dask back ends.

Run (one benchmark at a time on a shared machine)::

    flock /tmp/bench.lock python benchmarks/bench_studies.py [--designs 1000] [--workers 2]

1. RF microcoil study (``coildesign.studies.microcoil``, full analysis: B1, L, R_ac, C_self,
   SRF, Q, sample loss, match, SNR, LOD) on a grid of ``--designs`` designs (no overlapping
   wires): designs/s serial, processes (``--workers``) and dask LocalCluster (``--workers``
   processes, one thread each, ``studies.backends.local_cluster``), in ``--rounds`` interleaved
   rounds: the load of a shared machine drifts, so each parallel run is compared with the serial
   run of its round. For each run: the share of the workers' time spent inside designs ("busy",
   1 - back-end overhead) and the share of that time the designs had a CPU ("CPU share", from
   ``time.process_time``; below 100 % when other processes compete for the cores).
   ``workers x busy`` is the speed-up the back end allows on free cores. The dask time excludes
   the cluster start, reported separately.
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


def timed_microcoil(**kwargs) -> dict:
    """``microcoil`` plus the CPU time of the design in its process [s] (``time.process_time``)."""
    t0 = time.process_time()
    out = microcoil(**kwargs)
    out["cpu_seconds"] = time.process_time() - t0
    return out


def design_grid(n: int) -> dict:
    """About ``n`` designs: turns x wire diameter x pitch, pitch always >= wire diameter."""
    k = max(2, round(n ** (1 / 3)))
    return {"turns": [int(t) for t in np.linspace(4, 24, k).round()],
            "wire_diameter": np.linspace(20e-6, 60e-6, k).tolist(),
            "pitch": np.linspace(65e-6, 200e-6, k).tolist()}


def run(backend: str, params: dict, workers: int, client=None) -> dict:
    """designs/s and where the workers' time went: ``busy`` = sum of per-design wall time /
    (workers x wall) (1 - back-end overhead), ``cpu_share`` = sum of per-design CPU time / sum of
    per-design wall time (below 1 when other processes take the cores)."""
    t0 = time.perf_counter()
    res = sweep(timed_microcoil, params, backend=backend, workers=workers, client=client, progress=False,
                fixed={"sample_length": 1e-3})
    wall = time.perf_counter() - t0
    n_workers = 1 if backend == "serial" else workers
    t = res.table
    return {"rate": len(t) / wall, "busy": t["seconds"].sum() / (n_workers * wall),
            "cpu_share": t["cpu_seconds"].sum() / t["seconds"].sum(), "cpu_per_design": t["cpu_seconds"].median(),
            "failed": len(res.failures), "load": os.getloadavg()[0]}


def overhead(backend: str, n: int, workers: int, client=None, batch_size=None) -> float:
    t0 = time.perf_counter()
    sweep(trivial, {"x": list(range(n))}, backend=backend, workers=workers, client=client, batch_size=batch_size,
          progress=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved rounds of serial / processes / dask")
    ap.add_argument("--overhead-points", type=int, default=20000)
    args = ap.parse_args()
    from distributed import Client

    from coildesign.studies.backends import local_cluster

    params = design_grid(args.designs)
    n = int(np.prod([len(v) for v in params.values()]))
    w = args.workers
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {n} microcoil designs, "
          f"{w} workers, {args.rounds} interleaved rounds")
    t0 = time.perf_counter()
    with local_cluster(w) as cluster, Client(cluster) as client:
        print(f"dask LocalCluster start: {time.perf_counter() - t0:.2f} s (not included below)")
        results = {"serial": [], "processes": [], "dask": []}
        for r in range(args.rounds):
            for name in results:
                out = run(name, params, w, client if name == "dask" else None)
                results[name].append(out)
                print(f"round {r + 1} {name:9s} {out['rate']:7.2f} designs/s  busy {out['busy']:.0%}  CPU share "
                      f"{out['cpu_share']:.0%}  CPU/design {out['cpu_per_design'] * 1e3:.1f} ms  "
                      f"load {out['load']:.1f}  failed {out['failed']}")
        print("\nspeed-up vs the serial run of the same round (median over rounds):")
        for name in ("processes", "dask"):
            ratios = [p["rate"] / s["rate"] for p, s in zip(results[name], results["serial"])]
            busy = np.median([p["busy"] for p in results[name]])
            print(f"  {name:9s} measured {np.median(ratios):.2f}x  (rounds: {', '.join(f'{x:.2f}' for x in ratios)});"
                  f" workers busy {busy:.0%} -> {w * busy:.2f}x with {w} free cores")
        m = args.overhead_points
        print(f"\noverhead of the back end ({m} points of a function that returns at once):")
        for name, cl in (("serial", None), ("processes", None), ("dask", client)):
            batched = overhead(name, m, w, cl)
            single = overhead(name, min(m, 2000), w, cl, batch_size=1)
            print(f"  {name:9s} {batched / m * 1e6:8.1f} us per point (default batches)   "
                  f"{single / min(m, 2000) * 1e3:7.3f} ms per task (one point per task)")


if __name__ == "__main__":
    main()
