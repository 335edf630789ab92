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


MAX_COUNT = 2**31 - 1  # default upper bound of counts (points, turns, legs, orders): larger cannot be allocated


def _scalar(name: str, value: object, requirement: str = "a real number") -> float:
    """``value`` as a float: bool, complex, strings and other non-reals are a TypeError; an
    integer too large for a float (|n| > 1.8e308) is a ValueError, never an OverflowError."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        _fail(name, requirement, value, TypeError)
    try:
        return float(value)
    except OverflowError:
        _fail(name, "a finite number (this integer is too large for a float, |x| > 1.8e308)", value)


def positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and > 0 (or >= 0)."""
    v = _scalar(name, value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        _fail(name, "a finite number >= 0" if allow_zero else "a finite number > 0", value)
    return v


def finite(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is a finite real number."""
    v = _scalar(name, value)
    if not np.isfinite(v):
        _fail(name, "finite", value)
    return v


def in_range(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a float after checking ``low <= value <= high``."""
    v = finite(name, value)
    if not low <= v <= high:
        _fail(name, f"in the range [{low}, {high}]", value)
    return v


def positive_int(name: str, value: object, *, minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """Return ``value`` as an int after checking it is an integer in [``minimum``, ``maximum``]."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        _fail(name, f"an integer >= {minimum}", value, TypeError)
    if int(value) < minimum:
        _fail(name, f"an integer >= {minimum}", value)
    if int(value) > maximum:
        _fail(name, f"an integer <= {maximum} (a count this large cannot be allocated)", value)
    return int(value)


def real_array(name: str, value: object, requirement: str = "an array of real numbers") -> np.ndarray:
    """``value`` as a float array, refusing (TypeError) complex numbers, strings, booleans and
    other non-numbers instead of converting them (numpy would drop imaginary parts and parse
    numeric strings); integers too large for a float are a ValueError. Non-finite entries are
    left to the caller."""
    if isinstance(value, (str, bytes)):
        _fail(name, requirement, value, TypeError)
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting
        _fail(name, requirement, value, TypeError)
    kind = arr.dtype.kind
    if kind == "O":
        flat = arr.ravel().tolist()
        if not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in flat):
            _fail(name, requirement, value, TypeError)
        try:
            return np.array(flat, dtype=float).reshape(arr.shape)
        except OverflowError:
            _fail(name, "finite (an integer in it is too large for a float, |x| > 1.8e308)", value)
    if kind not in "iuf":
        _fail(name, requirement + (" (not complex)" if kind == "c" else ""), value, TypeError)
    return arr.astype(float, copy=False)


def vector3(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a finite float array of shape (3,)."""
    arr = real_array(name, value, "a 3-vector of real numbers")
    if arr.shape != (3,):
        _fail(name, "a 3-vector (shape (3,))", value)
    if not np.isfinite(arr).all():
        _fail(name, "finite", value)
    return np.array(arr)


def unit_vector(name: str, value: object) -> np.ndarray:
    """Return ``value`` normalised to unit length after checking it is non-zero (scaled first,
    so vectors of any finite magnitude, e.g. (1e300, 1e300, 1e300), normalise correctly)."""
    arr = vector3(name, value)
    big = float(np.abs(arr).max())
    if big == 0.0:
        _fail(name, "a non-zero 3-vector", value)
    arr = arr / big
    return arr / float(np.sqrt(arr @ arr))


def points3(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a finite float array of shape (M, 3); a single (3,) point is promoted."""
    arr = real_array(name, value, "an array of real numbers with shape (M, 3)")
    if arr.ndim == 1 and arr.shape == (3,):
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 3:
        _fail(name, f"an array of shape (M, 3) (got shape {arr.shape})", value)
    if not np.isfinite(arr).all():
        bad = int(np.argwhere(~np.isfinite(arr))[0][0])
        _fail(name, f"finite (row {bad} is {arr[bad].tolist()})", value)
    return np.ascontiguousarray(arr)


def coil(name: str, value: object):
    """Return ``value`` after checking it is a ``coildesign.Coil`` (TypeError otherwise)."""
    from coildesign.coil import Coil  # imported here: coildesign.coil imports this module

    if not isinstance(value, Coil):
        _fail(name, "a coildesign.Coil", value, TypeError)
    return value


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
    """Return ``value`` after checking it is one of ``options`` (strings)."""
    if not isinstance(value, str):
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value, TypeError)
    if value not in options:
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value)
    return str(value)
