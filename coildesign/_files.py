"""Atomic file writing, on the ground floor so that every layer that writes a file can use it.

Every file coildesign writes goes to a temporary file in the target folder first and is moved
into place with ``os.replace`` (atomic on POSIX and Windows), so a crash or an interrupt never
leaves a half-written file under the final name.

A process killed between creating and renaming a temporary leaves it behind (hidden, named
``.<name>.<8 random characters><suffix>``, see ``TEMPORARY_NAME``): ``output_folder`` removes
such leftovers at the start of the next run into that folder, while holding an exclusive
lock on the folder, so a concurrent run's temporaries are never touched.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

try:
    import fcntl  # POSIX only: output-folder locks
except ImportError:  # Windows: no lock, so a concurrent run into the same folder goes undetected
    fcntl = None


# mkstemp(prefix=".<name>.", suffix=<suffix of name or ".tmp">): 8 characters of
# tempfile's alphabet between them
TEMPORARY_NAME = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]+)$")


def is_temporary(name: str) -> bool:
    """True if ``name`` is a temporary file name made by ``atomic_path``."""
    m = TEMPORARY_NAME.match(name)
    return bool(m) and (Path(m["name"]).suffix or ".tmp") == m["suffix"]


@contextlib.contextmanager
def output_folder(path: str | os.PathLike) -> Iterator[tuple[Path, list[Path]]]:
    """Create (if needed), check and lock an output folder for one run.

    Raises ``OutputFolderError`` (a ValueError) naming the folder if it is a file, cannot be
    created, is not writable, or another process holds its lock (a run writing there now).
    While the lock is held, leftover temporaries of killed runs are removed; yields the
    folder and the list of removed files. The lock (``flock`` on the folder itself) is
    released when the context exits or the process dies.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputFolderError(f"output folder {folder}: exists and is not a folder") from None
    except OSError as exc:
        raise OutputFolderError(f"output folder {folder}: cannot be created ({exc.strerror})") from None
    if not folder.is_dir():
        raise OutputFolderError(f"output folder {folder}: exists and is not a folder")
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputFolderError(f"output folder {folder}: cannot be opened ({exc.strerror})") from None
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputFolderError(f"output folder {folder}: another coildesign run is writing to it") from None
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise OutputFolderError(f"output folder {folder}: not writable ({exc.strerror})") from None
        removed = []
        for entry in folder.iterdir():
            if is_temporary(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)
                removed.append(entry)
        yield folder, removed
    finally:
        os.close(fd)


class OutputFolderError(ValueError):
    """An output folder that cannot be used (message names the folder and the reason)."""


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically,
    on error it is removed and ``path`` is left untouched."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix or ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _jsonable(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, complex):
        return {"real": obj.real, "imag": obj.imag}
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def write_json(path: str | os.PathLike, data) -> Path:
    """Write ``data`` as strict, indented JSON atomically (``json_text``; non-finite numbers
    as null, without the notes: file readers know the schema)."""
    return write_text(path, json_text(data, notes=False) + "\n")


def json_text(data, indent: int | None = 2, *, notes: bool = True) -> str:
    """Strict JSON (RFC 8259: no NaN or Infinity) of ``data``: numpy arrays and scalars are
    converted, non-finite numbers are written as null and, with ``notes`` when ``data`` is a
    dict, listed under "json_notes" (key path and value), so a reader knows which nulls were
    inf or NaN."""
    found: list = []
    clean = _finite(data, "", found)
    if notes and found and isinstance(clean, dict):
        clean["json_notes"] = [f"{where}: {value} is not representable in JSON, written as null"
                               for where, value in found]
    return json.dumps(clean, indent=indent, allow_nan=False)


def _finite(obj, where: str, notes: list):
    if isinstance(obj, dict):
        return {str(k): _finite(v, f"{where}.{k}" if where else str(k), notes) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v, f"{where}[{i}]", notes) for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return _finite(obj.tolist(), where, notes)
    if isinstance(obj, (np.generic,)):
        return _finite(obj.item(), where, notes)
    if isinstance(obj, complex):
        return {"real": _finite(obj.real, f"{where}.real", notes), "imag": _finite(obj.imag, f"{where}.imag", notes)}
    if isinstance(obj, float) and not math.isfinite(obj):
        notes.append((where, obj))
        return None
    if isinstance(obj, (str, int, float, bool, type(None))):
        return obj
    return _finite(_jsonable(obj), where, notes)


def save_figure(fig, path: str | os.PathLike, dpi: int = 130) -> Path:
    """Save a matplotlib figure atomically (format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=target.suffix.lstrip(".") or "png")
    plt.close(fig)
    return target
