"""Process-wide runtime settings for numpy-heavy work: BLAS threads and the C allocator.

- ``one_blas_thread()``: small and medium matrix products gain nothing from OpenBLAS's own
  threads on top of the engine's threads or the study back ends' workers, and a multi-threaded
  product leaves OpenBLAS's workers spinning after it, taking a core from what runs next
  (measurements: ``docs/scaling.md``).
- ``prime_allocator()``: glibc's malloc serves requests of 128 KiB and more with fresh mmaps,
  faulted in and unmapped at every call, until a larger mapped block has been freed; from then on
  its dynamic threshold is that block's size (glibc mallopt(3), M_MMAP_THRESHOLD, at most
  32 MiB; a threshold set through MALLOC_MMAP_THRESHOLD_ is left alone). Freeing one 4 MiB array
  once per process puts a fresh process (every study worker) in that state; the field kernels'
  block temporaries then reuse memory (measured effect: ``docs/scaling.md``). Elsewhere (other C
  libraries) it is one allocation and one free.
"""

from __future__ import annotations

import contextlib
import functools
import threading

import numpy as np

ALLOCATOR_PRIME_BYTES = 4 * 2**20  # above the kernels' largest block temporary, below glibc's 32 MiB cap

_CONTROLLER: list = []  # one per process: finding the libraries takes ~3 ms
_HELD: list = []  # the limiter of the outermost one_blas_thread() context that is open
_HOLDERS = [0]  # contexts open, in all threads
_LOCK = threading.Lock()


@contextlib.contextmanager
def one_blas_thread():
    """Context limiting BLAS to one thread while it lasts (process-wide). Thread safe: the
    first context to open sets the limit and the last to close restores the original one, so
    contexts that open and close in different orders on several threads (the field engine's
    calls from a worker thread beside the caller's) never leave the limit changed. Both
    numpy's and SciPy's BLAS are held. OpenBLAS (0.3.30/0.3.31 here) ignored a limit set from a
    worker thread once the main thread had set and restored one (measured): open the outermost
    context on the calling thread, round the work it hands to workers (as ``design.gradient``
    does round its level search). threadpoolctl is imported on first use: it takes ~10 ms,
    which ``import coildesign`` does not pay."""
    with _LOCK:
        if not _HOLDERS[0]:
            if not _CONTROLLER:
                # SciPy links its own OpenBLAS, loaded with scipy.linalg: load it first, or the
                # controller (which sees the libraries loaded when it is made) leaves it alone
                import scipy.linalg  # noqa: F401
                from threadpoolctl import ThreadpoolController

                _CONTROLLER.append(ThreadpoolController())
            _HELD.append(_CONTROLLER[0].limit(limits=1, user_api="blas"))
        _HOLDERS[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _HOLDERS[0] -= 1
            if not _HOLDERS[0]:
                _HELD.pop().restore_original_limits()


@functools.cache
def prime_allocator() -> None:
    """Allocate and free one ``ALLOCATOR_PRIME_BYTES`` array, once per process (module docstring)."""
    np.empty(ALLOCATOR_PRIME_BYTES // 8)
