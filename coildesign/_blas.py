"""One BLAS thread for a stretch of numpy work (threadpoolctl), for the field engine and the
study back ends.

Small and medium matrix products gain nothing from OpenBLAS's own threads on top of the
engine's threads or the back ends' workers, and lose much: measured on this 2-core machine,
``numpy.linalg.lstsq`` of a 1728 x 56 system took 2 ms with one BLAS thread and 180 ms with two
on the loaded machine; B of 1,000 segments at 10,000 points in 256k-pair blocks took 0.16 s on
two engine threads against 0.09 s with one BLAS thread; and a multi-threaded product leaves
OpenBLAS's worker spinning for ~0.1 s of CPU after it, which took a core from whatever ran
next (two engine threads right after a one-thread call: 1.13x instead of 1.6-1.8x).
"""

from __future__ import annotations

_CONTROLLER: list = []  # one per process: finding the libraries takes ~3 ms


def one_blas_thread():
    """Context limiting BLAS to one thread while it lasts (process-wide). threadpoolctl is
    imported on first use: it takes ~10 ms, which ``import coildesign`` does not pay."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")
