"""coildesign.studies.backends: per-design records, metric checks, batch sizes and workers."""

from __future__ import annotations

import numpy as np
import pytest

from coildesign.studies.backends import batch_size_for, capped_workers, check_picklable, run_batch, scalar_metrics


def _design(x, y=0.0):
    if x < 0:
        raise ValueError("x must be >= 0")
    return {"s": np.float64(x + y), "ok": True}


def test_run_batch_records_results_and_failures_without_aborting():
    records = run_batch(_design, {"y": 1.0}, [(0, {"x": 1.0}), (1, {"x": -1.0}), (2, {"x": 2.0})])
    assert [r["index"] for r in records] == [0, 1, 2]
    assert records[0]["metrics"] == {"s": 2.0, "ok": True} and type(records[0]["metrics"]["s"]) is float
    assert records[1]["metrics"] is None and records[1]["error"] == "ValueError: x must be >= 0"
    assert all(r["seconds"] >= 0 for r in records)


def test_scalar_metrics_refuses_arrays_naming_the_metric():
    with pytest.raises(TypeError, match="metric 'v'"):
        scalar_metrics({"v": np.zeros(3)})
    with pytest.raises(TypeError, match=r"func\(\*\*point\)"):
        scalar_metrics([1, 2])


def test_batches_workers_and_pickling():
    assert batch_size_for(1000, 2) == 63 and batch_size_for(10**6, 2) == 256 and batch_size_for(1, 4) == 1
    assert 1 <= capped_workers(None)
    check_picklable(_design, "processes")
    with pytest.raises(TypeError, match="picklable"):
        check_picklable(lambda x: x, "processes")
