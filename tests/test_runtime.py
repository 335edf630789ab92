"""Process-wide runtime settings (coildesign._runtime): the one-BLAS-thread context holds and
restores the limit when contexts on several threads open and close in any order."""

import threading

from threadpoolctl import threadpool_info

from coildesign._runtime import one_blas_thread


def _blas_threads() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_one_blas_thread_interleaved_on_two_threads_restores_the_original_limit():
    before = _blas_threads()
    opened, release_first, inside = threading.Event(), threading.Event(), []

    def first():  # opens first and closes first, while the second is still open
        with one_blas_thread():
            opened.set()
            release_first.wait(10)

    worker = threading.Thread(target=first)
    worker.start()
    opened.wait(10)
    with one_blas_thread():
        release_first.set()
        worker.join(10)
        inside.append(_blas_threads())  # the first has closed: still held for this context
    assert inside == [{1}]
    assert _blas_threads() == before


def test_nested_one_blas_thread_holds_until_the_outermost_closes():
    before = _blas_threads()
    with one_blas_thread():
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == {1}
    assert _blas_threads() == before
