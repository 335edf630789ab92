"""Input checks with one message style.

Every public entry point validates its inputs here, so that a user always reads
``Input <name> must be <requirement>; instead received <value>.`` (the magpylib
convention) and gets a ``ValueError`` for bad values or a ``TypeError`` for bad
types, never a NaN or a silently wrong number.
"""

from __future__ import annotations

import numbers

import numpy as np


def _fail(name: str, requirement: str, value: object, error: type[Exception] = ValueError):
    text = repr(value)
    if len(text) > 120:
        text = text[:117] + "..."
    raise error(f"Input {name} must be {requirement}; instead received {text}.")


def positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(name, "a real number", value, TypeError)
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        _fail(name, "a finite number >= 0" if allow_zero else "a finite number > 0", value)
    return v


def finite(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(name, "a real number", value, TypeError)
    v = float(value)
    if not np.isfinite(v):
        _fail(name, "finite", value)
    return v


def in_range(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a float after checking ``low <= value <= high``."""
    v = finite(name, value)
    if not low <= v <= high:
        _fail(name, f"in the range [{low}, {high}]", value)
    return v


def positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        _fail(name, f"an integer >= {minimum}", value, TypeError)
    if int(value) < minimum:
        _fail(name, f"an integer >= {minimum}", value)
    return int(value)


def vector3(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a finite float array of shape (3,)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, "a 3-vector of real numbers", value, TypeError)
    if arr.shape != (3,):
        _fail(name, "a 3-vector (shape (3,))", value)
    if not np.isfinite(arr).all():
        _fail(name, "finite", value)
    return arr


def unit_vector(name: str, value: object) -> np.ndarray:
    """Return ``value`` normalised to unit length after checking it is non-zero."""
    arr = vector3(name, value)
    norm = float(np.sqrt(arr @ arr))
    if norm == 0.0:
        _fail(name, "a non-zero 3-vector", value)
    return arr / norm


def points3(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a finite float array of shape (M, 3); a single (3,) point is promoted."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(name, "an array of real numbers with shape (M, 3)", value, TypeError)
    if arr.ndim == 1 and arr.shape == (3,):
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 3:
        _fail(name, f"an array of shape (M, 3) (got shape {arr.shape})", value)
    if not np.isfinite(arr).all():
        bad = int(np.argwhere(~np.isfinite(arr))[0][0])
        _fail(name, f"finite (row {bad} is {arr[bad].tolist()})", value)
    return np.ascontiguousarray(arr)


COINCIDENT = 1e-12  # consecutive path points closer than this x the path's coordinate scale coincide


def coincident_steps(name: str, verts: np.ndarray) -> np.ndarray:
    """Indices i of steps verts[i] -> verts[i+1] that are shorter than ``COINCIDENT`` times the
    largest coordinate magnitude of ``verts`` (relative, so a 1e-300 m path is fine while a
    1e-15 m step at 1 m from the origin, which is rounding noise, is not). Refuses paths whose
    steps overflow the float range."""
    with np.errstate(over="ignore"):
        steps = np.diff(verts, axis=0)
    if not np.isfinite(steps).all():
        _fail(name, "points whose differences stay within the float range (|step| < 1.8e308 m)",
              f"array with max |coordinate| {np.abs(verts).max():g}")
    scale = np.abs(steps).max(axis=1)
    return np.flatnonzero(scale <= COINCIDENT * float(np.abs(verts).max()))


def choice(name: str, value: object, options: tuple[str, ...]) -> str:
    """Return ``value`` after checking it is one of ``options``."""
    if value not in options:
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value)
    return str(value)
