"""Process-wide runtime settings (coildesign._runtime): the one-BLAS-thread context holds the
limit until the last open context closes, on any thread and in any order, and then restores it."""

import threading

import scipy.linalg  # noqa: F401  (loads SciPy's own BLAS, which the context must hold too)
from threadpoolctl import threadpool_info

from coildesign import _runtime
from coildesign._runtime import one_blas_thread


def _blas_threads() -> set[int]:
    """The thread counts of every BLAS loaded (numpy's and SciPy's own OpenBLAS)."""
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_nested_one_blas_thread_holds_numpy_and_scipy_blas_until_the_outermost_closes():
    before = _blas_threads()
    with one_blas_thread():
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == {1}
    assert _blas_threads() == before


def test_contexts_closing_out_of_order_on_two_threads_keep_the_limit_until_the_last_closes():
    """A context opened on a worker thread closes after the caller's, which opened first: the
    limit stays set (one limiter held) until the worker's closes, and none is left behind (the
    first limiter's restore at the first close once released the worker's limit early)."""
    opened, close_worker, states = threading.Event(), threading.Event(), []

    def worker():
        with one_blas_thread():
            opened.set()
            close_worker.wait(10)
            states.append((_runtime._HOLDERS[0], len(_runtime._HELD)))

    thread = threading.Thread(target=worker)
    with one_blas_thread():
        thread.start()
        opened.wait(10)
        states.append((_runtime._HOLDERS[0], len(_runtime._HELD)))
    states.append((_runtime._HOLDERS[0], len(_runtime._HELD)))  # the caller's closed first
    close_worker.set()
    thread.join(10)
    assert states == [(2, 1), (1, 1), (1, 1)]
    assert _runtime._HOLDERS[0] == 0 and not _runtime._HELD
