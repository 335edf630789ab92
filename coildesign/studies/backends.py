"""Where the designs of a study run: in this process, in a local process pool, or on dask.

Every back end runs *tasks*: one task is a batch of design points evaluated by ``run_batch`` in
a worker, so the per-task cost of the back end (pickling, scheduling, a round trip; measured in
``benchmarks/bench_studies.py``) is paid once per batch, not once per design.

- ``"serial"``: this process, in order.
- ``"processes"``: ``concurrent.futures.ProcessPoolExecutor`` with ``workers`` processes (the
  platform's default start method), at most one per CPU available to this process (more only
  contend for the cores: a larger ``workers`` is capped with a warning). Every worker watches its
  parent (``watch_parent``) and ends when the parent dies, also when the parent is killed with
  SIGKILL and cannot shut the pool down: no orphaned workers keep computing.
  The function is pickled *by reference*: it must be importable
  by name in the workers (defined at module level of an importable module; a function defined in
  the ``__main__`` of a script works with the ``fork`` start method only, and lambdas or closures
  never).
- ``"dask"``: ``dask.distributed``. ``client`` may be a ``distributed.Client``, a scheduler address
  (``"tcp://host:8786"``) or None, which starts a ``LocalCluster(n_workers=workers,
  threads_per_worker=1, processes=True, dashboard_address=None)`` for the study (``local_cluster``)
  and closes it afterwards (threads are slower than processes for small-array numpy work). Dask pickles the
  function with cloudpickle (by value when it is not importable), but the modules it uses must be
  installed on the workers. Scripts that start a local cluster need the
  ``if __name__ == "__main__":`` guard (the workers are spawned). A local cluster has at most one
  worker per CPU, like the process pool; an existing client or a scheduler address may have any.

Every back end evaluates designs with one BLAS thread per worker (``threadpoolctl``): design
functions do small-array linear algebra, where multi-threaded OpenBLAS only contends for the cores
the back end already uses (measured here: ``numpy.linalg.lstsq`` of a 1728 x 56 system, the sample
loss projection of ``studies.microcoil``, took 2 ms with one thread and 180 ms with two on the
loaded 2-core machine).

dask and distributed are imported only when the dask back end is used (they take ~1 s to import),
so ``import coildesign`` stays fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import numbers
import os
import pickle
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from coildesign import _validation as check
from coildesign._runtime import one_blas_thread

BACKENDS = ("serial", "processes", "dask")


def scalar_metrics(value: object) -> dict:
    """The metrics of one design as a flat dict of scalars (numbers, bools, strings or None).

    ``value`` is a dict or an object with ``as_dict()``; numpy scalars become Python scalars.
    Raises TypeError naming the offending metric otherwise.
    """
    if hasattr(value, "as_dict") and not isinstance(value, dict):
        value = value.as_dict()
    if not isinstance(value, dict):
        check._fail("func(**point)", "a dict of scalar metrics or an object with as_dict()", value, TypeError)
    out = {}
    for key, v in value.items():
        if isinstance(v, np.generic):
            v = v.item()
        if v is not None and not isinstance(v, (numbers.Number, str, bool)):
            check._fail(f"metric {key!r}", "a scalar (number, bool, string or None)", v, TypeError)
        out[str(key)] = v
    return out


def run_batch(func: Callable, fixed: dict, batch: list[tuple[int, dict]]) -> list[dict]:
    """Evaluate ``func(**fixed, **point)`` for each ``(index, point)`` of ``batch``.

    Returns one record per point: ``{"index", "metrics" (dict or None), "error" ("Type: message"
    or None), "seconds"}``. An exception in one design is recorded and the batch goes on.
    """
    records = []
    with one_blas_thread():
        for index, point in batch:
            start = time.perf_counter()
            try:
                metrics, error = scalar_metrics(func(**fixed, **point)), None
            except Exception as exc:  # a failing design is a result of the study, never an abort
                metrics, error = None, f"{type(exc).__name__}: {exc}"
            records.append({"index": index, "metrics": metrics, "error": error,
                            "seconds": time.perf_counter() - start})
    return records


def check_picklable(func: Callable, backend: str, name: str = "func") -> None:
    """TypeError with advice when ``func`` (or the argument called ``name``) cannot be sent to the
    workers of ``backend``."""
    if backend == "serial":
        return
    try:
        if backend == "dask":
            import cloudpickle

            cloudpickle.dumps(func)
        else:
            pickle.dumps(func)
    except Exception as exc:
        how = "cloudpickle" if backend == "dask" else "pickle (by reference)"
        check._fail(name, f"picklable with {how} to run on the {backend!r} back end: define functions at module "
                    "level in an importable module (not a lambda, closure or local function; under the 'spawn' "
                    f"start method not in __main__ either), and keep unpicklable state out of them ({exc})",
                    func, TypeError)


def default_workers() -> int:
    """Workers when none are given: the CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batch_size_for(n_points: int, workers: int, per_worker: int = 8, largest: int = 256) -> int:
    """Points per task: about ``per_worker`` tasks per worker (load balance and checkpoint
    granularity), at most ``largest`` points per task."""
    return max(1, min(largest, math.ceil(n_points / (per_worker * max(workers, 1)))))


PARENT_POLL = 0.5  # [s] interval of the portable parent-death watch of a worker
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_process() -> None:
    """End this (worker) process at once, without running Python clean-up (the parent that
    would receive results is gone)."""
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(1)


def _poll_parent(parent_pid: int, interval: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(interval)
    _end_process()


def watch_parent(parent_pid: int, interval: float = PARENT_POLL) -> None:
    """Make this process end when the process ``parent_pid`` (its parent) dies.

    Two mechanisms: on Linux the kernel sends SIGKILL to the process when its parent ends
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, man 2 prctl; immediate, also when the parent was
    killed with SIGKILL); on every platform a daemon thread polls ``os.getppid()`` every
    ``interval`` [s] and ends the process once it was re-parented (the parent died). If the
    parent died before the watch started, the process ends at once. Used as the initializer of
    the ``"processes"`` back end's workers.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the polling thread below still watches
            pass
    if os.getppid() != parent_pid:
        _end_process()
    threading.Thread(target=_poll_parent, args=(parent_pid, interval), name="coildesign-parent-watch",
                     daemon=True).start()


def capped_workers(workers: int | None) -> int:
    """``workers`` (default ``default_workers()``), capped at the CPUs available with a
    UserWarning: local worker processes beyond the cores only contend for them."""
    cores = default_workers()
    if workers is None:
        return cores
    n = check.positive_int("workers", workers)
    if n > cores:
        warnings.warn(f"Input workers = {n} is more than the {cores} CPUs this process may use: using {cores} "
                      "local worker processes (more would only contend for the cores); to run more workers, give "
                      "a dask client or scheduler address (backend='dask', client=...)", UserWarning, stacklevel=3)
        return cores
    return n


class Backend:
    """A started back end: ``submit_all(fn, argument tuples)`` yields results as tasks finish,
    ``map(fn, argument tuples)`` returns them in order; ``close()`` stops what it started."""

    name = "serial"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def submit_all(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        for args in tasks:
            yield fn(*args)

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> list:
        return [fn(*args) for args in tasks]

    def close(self) -> None:
        return None

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ProcessBackend(Backend):
    """``concurrent.futures.ProcessPoolExecutor`` with ``workers`` processes."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=watch_parent, initargs=(os.getpid(),))

    def submit_all(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        futures = [self._pool.submit(fn, *args) for args in tasks]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> list:
        return [f.result() for f in [self._pool.submit(fn, *args) for args in tasks]]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def local_cluster(workers: int):
    """A ``distributed.LocalCluster`` of ``workers`` processes with one thread each, without the
    dashboard, and without dask's ``MALLOC_TRIM_THRESHOLD_=65536`` for the workers: that setting
    (``distributed.nanny.pre-spawn-environ``) returns freed memory to the system eagerly, which
    measured 14.5-14.9 ms of CPU per ``studies.microcoil`` design instead of 11.6-12.1 ms (+23 %)
    here, because numpy's temporaries are then mapped and unmapped again at every design.

    The calling process keeps its environment: distributed's nanny writes the pre-spawn variables
    (``OMP_NUM_THREADS=1`` and the other BLAS thread counts) into ``os.environ`` of the process
    that starts the workers, so every process that caller starts afterwards (a script run with
    ``subprocess``, a process pool) would run single-threaded BLAS; they are put back as they were
    once the workers run (``_environment_kept``)."""
    import dask
    from distributed import LocalCluster

    env = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
           if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": env}), _environment_kept(env):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


@contextlib.contextmanager
def _environment_kept(names: Iterable[str]) -> Iterator[None]:
    """Put the environment variables ``names`` of this process back as they were on entry (set to
    their old value, or removed when they were unset) when the block ends."""
    before = {k: os.environ.get(k) for k in names}
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class DaskBackend(Backend):
    """``dask.distributed``: an existing ``Client``, a scheduler address, or a LocalCluster."""

    name = "dask"

    def __init__(self, workers: int, client: object = None) -> None:
        from distributed import Client

        self._own_cluster = self._own_client = None
        if client is None:
            self._own_cluster = local_cluster(workers)
            client = self._own_client = Client(self._own_cluster)
        elif isinstance(client, str):
            client = self._own_client = Client(client)
        elif not isinstance(client, Client):
            check._fail("client", "a distributed.Client, a scheduler address string or None", client, TypeError)
        self.client = client
        super().__init__(max(1, sum(client.nthreads().values())))

    def submit_all(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        from distributed import as_completed as dask_completed

        futures = [self.client.submit(fn, *args, pure=False) for args in tasks]
        try:
            for fut in dask_completed(futures):
                yield fut.result()
        finally:
            self.client.cancel(futures)

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> list:
        return self.client.gather([self.client.submit(fn, *args, pure=False) for args in tasks])

    def close(self) -> None:
        if self._own_client is not None:
            self._own_client.close()
        if self._own_cluster is not None:
            self._own_cluster.close()


def start(backend: str, *, workers: int | None = None, client: object = None) -> Backend:
    """Start the back end named ``backend`` (one of ``BACKENDS``) with ``workers`` workers
    (default: the CPUs available; local workers are capped at that number with a warning,
    ``capped_workers``; ignored for an existing dask client or scheduler address)."""
    check.choice("backend", backend, BACKENDS)
    if client is not None and backend != "dask":
        check._fail("client", "None unless backend='dask'", client)
    if backend == "serial" or client is not None:
        if workers is not None:
            check.positive_int("workers", workers)
        if backend == "serial":
            return Backend(1)
        n = 1
    else:
        n = capped_workers(workers)
    if backend == "processes":
        return ProcessBackend(n)
    return DaskBackend(n, client)
