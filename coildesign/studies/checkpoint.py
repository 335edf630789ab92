"""Resumable study results: a folder of Parquet parts written atomically, one per finished task.

Layout of a checkpoint folder::

    study.ckpt/
        study.json                        what the study is (function, fixed arguments, method,
                                          parameters, a SHA-256 of every design point)
        part-00000012-1f3a9c0e.parquet    the records of one finished batch
        ...

Only the main process writes. Each batch's records go to a temporary file that is moved into
place with ``os.replace`` (``coildesign._files.atomic_path``), so a process killed at any
moment leaves either a complete part or none: on restart the finished points are read back and
skipped, the points of an interrupted batch are computed again, and no point is stored twice.
A checkpoint whose ``study.json`` describes another study is refused. While a sweep runs it holds
an exclusive ``flock`` on ``study.lock`` so that two sweeps cannot write the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

from coildesign import _files as files

META = "study.json"
LOCK = "study.lock"
RESERVED = ("index", "error", "seconds")


def function_identity(func: object) -> str:
    """A stable name of ``func`` (module.qualname; a partial adds its bound arguments)."""
    import functools

    if isinstance(func, functools.partial):
        return f"partial({function_identity(func.func)}, args={func.args!r}, keywords={func.keywords!r})"
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None) or type(func).__module__
    return f"{module}.{name}"


def describe(func: object, fixed: dict, method: str, parameters: dict, points: list[dict], seed) -> dict:
    """The identity of a study as written to ``study.json``."""
    text = json.dumps(points, sort_keys=True, default=repr)
    return {
        "function": function_identity(func),
        "fixed": json.loads(json.dumps(fixed, sort_keys=True, default=repr)),
        "method": method,
        "parameters": json.loads(json.dumps(parameters, default=repr)),
        "seed": seed if method != "grid" else None,
        "n_points": len(points),
        "points_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no flock on Windows: one sweep per checkpoint is then the user's duty
        yield
        return
    with open(folder / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ValueError(f"Input checkpoint must be a folder no other running sweep writes; instead received "
                             f"{str(folder)!r}, in use by another sweep now (wait for it, or use another "
                             "checkpoint folder)") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Checkpoint:
    """A checkpoint folder bound to one study description (see the module docstring)."""

    def __init__(self, path: str | Path, description: dict) -> None:
        self.path = Path(path)
        self.description = description
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"Input checkpoint must be a folder path; instead received the file {str(self.path)!r}.")
        meta = self.path / META
        if meta.exists():
            stored = json.loads(meta.read_text(encoding="utf-8"))
            if stored != description:
                diff = sorted(k for k in set(stored) | set(description) if stored.get(k) != description.get(k))
                shown = "; ".join(f"{k}: checkpoint {stored.get(k)!r} vs now {description.get(k)!r}"
                                  for k in diff if k != "points_sha256")
                raise ValueError(
                    f"checkpoint {str(self.path)!r} was written for another study (differs in {', '.join(diff)}"
                    f"{': ' + shown if shown else ''}); pass the same arguments to resume it, or use a new "
                    "checkpoint path (or delete the folder) to start over")
        else:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"Input checkpoint must be a folder path that can be created; instead received "
                                 f"{str(self.path)!r} ({exc.strerror}).") from None
            files.write_json(meta, description)

    def parts(self) -> list[Path]:
        """The finished part files (temporary files of an interrupted write are not parts)."""
        return sorted(self.path.glob("part-*.parquet"))

    def load(self):
        """All stored records as a pandas DataFrame (empty without parts); ValueError if a point
        was stored twice (two sweeps wrote the folder)."""
        import pandas as pd
        import pyarrow.parquet as pq

        frames = [pq.read_table(p).to_pandas() for p in self.parts()]
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame({"index": pd.Series(dtype="int64")})
        table = pd.concat(frames, ignore_index=True)
        dup = table["index"][table["index"].duplicated()]
        if len(dup):
            raise ValueError(f"checkpoint {str(self.path)!r} stores points {sorted(dup.tolist())[:10]} more than "
                             "once (written by two sweeps at the same time?); delete it and run again")
        return table

    def append(self, rows: list[dict]) -> Path:
        """Store the rows of one finished batch (dicts with an ``index`` key; a row may lack the
        metrics of the others, e.g. a failed design) as a new part."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = list(dict.fromkeys(key for row in rows for key in row))
        table = pa.table({c: [row.get(c) for row in rows] for c in columns})
        target = self.path / f"part-{min(r['index'] for r in rows):08d}-{uuid.uuid4().hex[:8]}.parquet"
        with files.atomic_path(target) as tmp:
            pq.write_table(table, tmp)
        return target

    def lock(self):
        """Context manager: hold the folder exclusively while a sweep writes it."""
        return _exclusive(self.path)
