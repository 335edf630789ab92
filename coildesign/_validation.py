"""Input checks with one message style.

Every public entry point validates its inputs here, so that a user always reads
``Input <name> must be <requirement>; instead received <value>.`` (the magpylib
convention) and gets a ``ValueError`` for bad values or a ``TypeError`` for bad
types, never a NaN or a silently wrong number.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import os
import time
import warnings

import numpy as np

from coildesign._text import did_you_mean


def _fail(name: str, requirement: str, value: object, error: type[Exception] = ValueError):
    text = repr(value)
    if len(text) > 120:
        text = text[:117] + "..."
    raise error(f"Input {name} must be {requirement}; instead received {text}.")


MAX_COUNT = 2**31 - 1  # default upper bound of counts (points, turns, legs, orders): larger cannot be allocated


_PLAIN_FLOATS = frozenset((float, np.float64))  # exact types taken without the general checks
_INT_FLOAT_BOUND = 2**1023  # |n| below this converts to a float without overflow
_FLOAT_MAX = float(np.finfo(float).max)


def _plain(value: object) -> float | None:
    """``value`` as a float if its exact type is float, numpy.float64 or int (not bool) with
    |n| < 2**1023, else None: the fast path of the scalar checks (the general checks go through
    abstract-base-class isinstance tests, ~8 us a call); anything else takes the general path."""
    kind = type(value)
    if kind in _PLAIN_FLOATS:
        return float(value)
    if kind is int and -_INT_FLOAT_BOUND < value < _INT_FLOAT_BOUND:
        return float(value)
    return None


def _scalar(name: str, value: object, requirement: str = "a real number") -> float:
    """``value`` as a float: bool, complex, strings and other non-reals are a TypeError; an
    integer too large for a float (|n| > 1.8e308) is a ValueError, never an OverflowError."""
    v = _plain(value)
    if v is not None:
        return v
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
    v = _plain(value)
    if v is not None and (0.0 < v <= _FLOAT_MAX or (allow_zero and v == 0.0)):
        return v
    v = _scalar(name, value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        _fail(name, "a finite number >= 0" if allow_zero else "a finite number > 0", value)
    return v


def positive_or_inf(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is > 0: a finite number or +inf (e.g. a
    relaxation time, where inf means no decay); NaN and -inf are refused."""
    v = _scalar(name, value, "a real number > 0 or inf")
    if not (v > 0):
        _fail(name, "a number > 0 (or inf for none)", value)
    return v


def finite(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is a finite real number."""
    v = _plain(value)
    if v is not None and -_FLOAT_MAX <= v <= _FLOAT_MAX:
        return v
    v = _scalar(name, value)
    if not np.isfinite(v):
        _fail(name, "finite", value)
    return v


DIMENSION_RANGE = (1e-12, 1e3)  # [m] coil dimensions the generators accept (picometres to a kilometre)


def dimension(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return a coil dimension [m] after checking it lies in ``DIMENSION_RANGE`` (or is 0 when
    ``allow_zero``): outside it no coil is built, and the generators' closed forms (powers of
    the dimensions) would over- or underflow."""
    v = positive(name, value, allow_zero=allow_zero)
    low, high = DIMENSION_RANGE
    if not (low <= v <= high or (allow_zero and v == 0)):
        _fail(name, f"a length in [{low:g}, {high:g}] m{' or 0' if allow_zero else ''}", value)
    return v


def in_range(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a float after checking ``low <= value <= high``."""
    v = finite(name, value)
    if not low <= v <= high:
        _fail(name, f"in the range [{low}, {high}]", value)
    return v


def positive_int(name: str, value: object, *, minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """Return ``value`` as an int after checking it is an integer in [``minimum``, ``maximum``]."""
    if type(value) is int and minimum <= value <= maximum:  # fast path: a plain int in range
        return value
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


MEMORY_FRACTION = 0.5  # default share of the available physical memory one computation may use
VERTEX_BYTES = 400  # peak bytes per polyline vertex while a generator builds and checks a coil
MAX_WINDINGS = 200_000  # windings are Python objects: more takes minutes to build


def _parse_bytes(text: str) -> float:
    units = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    suffix = t[-1:] if t[-1:] in units else ""
    try:
        value = float(t[:-1] if suffix else t) * units[suffix]
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or value <= 0:
        _fail("COILDESIGN_MAX_MEMORY", "a positive number of bytes, optionally with K, M, G or T (e.g. 4G)", text)
    return value


MEMORY_READING_AGE = 0.2  # [s] a reading of available memory is reused this long
_memory_reading: list[float] = [-1.0, 0.0]  # (monotonic time [s], bytes) of the last reading


def available_memory() -> int:
    """Physical memory available to new allocations [bytes]: MemAvailable of /proc/meminfo
    (Linux), else free pages from sysconf; 0 if unknown. A reading is reused for
    ``MEMORY_READING_AGE`` seconds (an evaluation checks memory several times; each read of
    /proc/meminfo measured ~16 us here)."""
    now = time.monotonic()
    if _memory_reading[0] >= 0.0 and now - _memory_reading[0] < MEMORY_READING_AGE:
        return int(_memory_reading[1])
    value = _read_available_memory()
    _memory_reading[:] = [now, value]
    return value


def _read_available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def memory_limit(max_memory: float | None = None) -> float:
    """Bytes one computation may use [bytes]: ``max_memory`` if given, else the environment
    variable COILDESIGN_MAX_MEMORY (bytes, or with a K/M/G/T suffix), else ``MEMORY_FRACTION``
    of the available physical memory (0: unknown, no limit)."""
    if max_memory is not None:
        return positive("max_memory", max_memory)
    env = os.environ.get("COILDESIGN_MAX_MEMORY")
    if env:
        return _parse_bytes(env)
    return MEMORY_FRACTION * available_memory()


def _bytes(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"


def memory(name: str, value: object, need: float, advice: str, max_memory: float | None = None) -> None:
    """Refuse (ValueError naming ``name`` and ``value``) a computation whose estimated peak
    memory ``need`` [bytes] exceeds ``memory_limit(max_memory)``; ``advice`` says what to do."""
    limit = memory_limit(max_memory)
    if limit and need > limit:
        _fail(name, f"small enough to fit in memory: this needs ~{_bytes(need)} and the limit is "
              f"{_bytes(limit)} (max_memory argument or COILDESIGN_MAX_MEMORY; default "
              f"{MEMORY_FRACTION:g} x the available memory); {advice}", value)


def geometry_size(name: str, value: object, vertices: float, windings: float = 1) -> None:
    """Refuse a generator call that would build more than ``MAX_WINDINGS`` windings or more
    polyline vertices than fit in ``memory_limit()`` (``VERTEX_BYTES`` each), before building."""
    if windings > MAX_WINDINGS:
        _fail(name, f"small enough to give at most {MAX_WINDINGS} windings (this coil would have "
              f"{windings:.3g}); use turns on a winding for bundled turns", value)
    memory(name, value, float(vertices) * VERTEX_BYTES, f"this coil would have ~{float(vertices):.3g} "
           "vertices: use fewer points per turn/arc/segment or fewer turns")


def result(quantity: str, value, **inputs):
    """Return ``value`` after checking every number in it is finite: formulas whose exact
    result lies outside the float range (e.g. Q = omega L / R for R = 5e-324 ohm) are refused
    with a ValueError naming the inputs, instead of returning inf or NaN."""
    if not np.all(np.isfinite(value)):
        names = ", ".join(inputs)
        got = ", ".join(f"{k}={v!r}" for k, v in inputs.items())
        _fail(names, f"such that the {quantity} is a finite number (it is outside the float range)", got)
    return value


def _finite_tree(obj, depth: int = 0) -> bool:
    if type(obj) in _PLAIN_FLOATS:  # fast path: a float result (no array conversion)
        return math.isfinite(obj)
    if depth > 4 or isinstance(obj, (str, bytes, bool, type(None))):
        return True
    if isinstance(obj, (numbers.Number, np.ndarray, np.generic)):
        arr = np.asarray(obj)
        return arr.dtype.kind not in "fc" or bool(np.isfinite(arr).all())
    if isinstance(obj, dict):
        return all(_finite_tree(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_finite_tree(v, depth + 1) for v in obj)
    if dataclasses.is_dataclass(obj):
        return all(_finite_tree(getattr(obj, f.name), depth + 1) for f in dataclasses.fields(obj))
    return True


def finite_output(quantity: str):
    """Decorator for closed-form formulas: inputs that drive the arithmetic out of the float
    range (a Python OverflowError or ZeroDivisionError, or an inf/NaN in the result) give a
    ValueError naming the function's inputs instead of a wrong exception type or a silent
    inf/NaN. Input checks inside the function keep their own messages."""
    def wrap(fn):
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            try:
                with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                    out = fn(*args, **kwargs)
            except (OverflowError, ZeroDivisionError):
                out = None
            if out is None or not _finite_tree(out):
                # the inputs are printed only on failure (repr of arrays and coils is not free)
                given = ", ".join([repr(a)[:40] for a in args] + [f"{k}={v!r:.40}" for k, v in kwargs.items()])
                _fail(f"values of {fn.__name__}", f"such that the {quantity} is finite (the arithmetic leaves "
                      "the float range)", given)
            return out
        return checked
    return wrap


def choice(name: str, value: object, options: tuple[str, ...]) -> str:
    """Return ``value`` after checking it is one of ``options`` (strings)."""
    if not isinstance(value, str):
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value, TypeError)
    if value not in options:
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value)
    return str(value)


def plausible_length(name: str, value: object, *, certain: float = 10.0, unusual: float = 0.5) -> float:
    """Return a coil dimension ``value`` [m] after ``positive`` and a unit-plausibility check.

    Above ``certain`` (default 10 m) the value is certainly a unit mistake for a coil: ValueError
    naming the likely cause (lengths are in metres; millimetres passed as metres). Above
    ``unusual`` (default 0.5 m) the value is possible but implausible for MR microscopy: one
    ``UserWarning`` per distinct message (the ``warnings`` module's default filter), with the
    same hint.
    """
    v = dimension(name, value)
    hint = f"{name} is in metres; did you pass millimetres (e.g. 5e-3 for 5 mm)?"
    if v > certain:
        _fail(name, f"at most {certain:g} m for a coil ({hint})", value)
    if v > unusual:
        warnings.warn(f"Input {name} = {v:g} m is unusually large for an MR microscopy coil (> {unusual:g} m); "
                      f"{hint}", UserWarning, stacklevel=3)
    return v


def magnetic_field_strength(name: str, value: object) -> float:
    """Return a main field ``value`` [T] after ``positive`` and a unit-plausibility check: the
    strongest MR magnets reach ~30 T (resistive/hybrid magnets 45 T), so a value above 100 T is
    certainly a unit mistake, most likely a Larmor frequency in Hz (or MHz) passed as a field."""
    v = positive(name, value)
    if v > 100.0:
        _fail(name, f"a field in tesla (at most 100 T; MR magnets reach ~30 T); {name} is in tesla: did you pass a "
              "frequency in Hz or MHz?", value)
    return v


def one_of_names(name: str, value: object, options, what: str = "a name") -> str:
    """Return ``value`` after checking it is one of the strings ``options``: TypeError for a
    non-string, ValueError listing the options and the closest ones ("did you mean") otherwise."""
    options = list(options)
    if not isinstance(value, str):
        _fail(name, f"{what} (a string)", value, TypeError)
    if value not in options:
        shown = ", ".join(options[:40]) + (", ..." if len(options) > 40 else "")
        _fail(name, f"{what}, one of: {shown}{did_you_mean(value, options) if isinstance(value, str) else ''}", value)
    return value


def _as_path(name: str, value: object, requirement: str):
    from pathlib import Path

    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        _fail(name, requirement + " (a str or os.PathLike)", value, TypeError)
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        _fail(name, requirement + " (a non-empty name without NUL characters)", value)
    return Path(text)


def _suffix(name: str, path, value: object, suffixes: tuple[str, ...] | None) -> None:
    if suffixes and path.suffix.lower() not in suffixes:
        _fail(name, "a file name ending in " + " or ".join(suffixes), str(value))


def output_file(name: str, value: object, suffixes: tuple[str, ...] | None = None):
    """``value`` as a ``pathlib.Path`` of a file to write: a str or os.PathLike (TypeError
    otherwise), ending in one of ``suffixes`` (lower case, with the dot) when given, not an
    existing folder, below a folder that exists or can be created and is writable."""
    path = _as_path(name, value, "a file path")
    _suffix(name, path, value, suffixes)
    if path.is_dir():
        _fail(name, "a file path (this is an existing folder)", str(value))
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        _fail(name, f"a path below a folder ({str(parent)!r} is a file)", str(value))
    if not os.access(parent, os.W_OK | os.X_OK):
        _fail(name, f"a path in a writable folder ({str(parent)!r} is not writable)", str(value))
    return path


def input_file(name: str, value: object, suffixes: tuple[str, ...] | None = None):
    """``value`` as a ``pathlib.Path`` of an existing readable file (TypeError for a non-path,
    ValueError naming the problem otherwise)."""
    path = _as_path(name, value, "the path of an existing file")
    _suffix(name, path, value, suffixes)
    if not path.is_file():
        _fail(name, "the path of an existing file" + (" (this is a folder)" if path.is_dir() else ""), str(value))
    if not os.access(path, os.R_OK):
        _fail(name, "a readable file", str(value))
    return path
