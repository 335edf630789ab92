"""Exports: atomic files, JSON, VTK round trips."""

import json

import numpy as np
import pytest

from coildesign import _files as files


def test_atomic_write_leaves_old_file_on_crash(tmp_path):
    target = tmp_path / "out.txt"
    files.write_text(target, "old")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_json_handles_numpy_and_non_finite(tmp_path):
    p = files.write_json(tmp_path / "a" / "r.json", {"x": np.arange(3), "y": np.float64(2.5), "z": np.inf})
    assert json.loads(p.read_text()) == {"x": [0, 1, 2], "y": 2.5, "z": None}
