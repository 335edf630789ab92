"""Progress bars: one switch for the whole package.

Every long computation of coildesign (a probe run, a parameter sweep, a field evaluation of
more than ``fields.engine.AUTO_PROGRESS_PAIRS`` source-point pairs) draws its tqdm bar
through ``progress_bar``. Whether a bar is drawn is decided here, once for the package:

- ``coildesign.set_progress(mode)`` in Python, or the environment variable
  ``COILDESIGN_PROGRESS`` (read when a bar is created; the function takes precedence):
  ``"auto"`` (default) draws bars only when they have somewhere to go, i.e. standard error
  is a terminal or the code runs in a Jupyter kernel, so scripted logs and CI output stay
  clean; ``"always"`` (also ``1``, ``true``, ``on``, ``yes``) draws them everywhere;
  ``"never"`` (also ``0``, ``false``, ``off``, ``no``) draws none.
- A call that is given an explicit ``progress=True`` or ``progress=False`` (e.g.
  ``coildesign.sweep(..., progress=False)``) overrides the switch for that call;
  ``progress=None`` (the default everywhere) follows it.
"""

from __future__ import annotations

import os
import sys
import warnings

ENVIRONMENT_VARIABLE = "COILDESIGN_PROGRESS"
MODES = ("auto", "always", "never")
_ALIASES = {"1": "always", "true": "always", "on": "always", "yes": "always", "always": "always",
            "0": "never", "false": "never", "off": "never", "no": "never", "never": "never",
            "auto": "auto", "": "auto"}
_mode: str | None = None  # set by set_progress; None: the environment variable decides


def _normalise(value: object, name: str) -> str:
    if isinstance(value, bool):
        return "always" if value else "never"
    if isinstance(value, str) and value.strip().lower() in _ALIASES:
        return _ALIASES[value.strip().lower()]
    raise ValueError(f"Input {name} must be True, False or one of 'auto', 'always', 'never'; "
                     f"instead received {value!r}.")


def set_progress(mode: bool | str | None = "auto") -> None:
    """Switch the progress bars of the whole package (module doc).

    Parameters
    ----------
    mode : bool, {"auto", "always", "never"} or None
        True / "always": draw bars; False / "never": draw none; "auto": only on a terminal or
        in a notebook; None: return to the ``COILDESIGN_PROGRESS`` environment variable.
    """
    global _mode
    _mode = None if mode is None else _normalise(mode, "mode")


def progress_mode() -> str:
    """The mode in force: "auto", "always" or "never" (``set_progress``, else the environment
    variable ``COILDESIGN_PROGRESS``, else "auto"). An unrecognised environment value warns once
    and counts as "auto"."""
    if _mode is not None:
        return _mode
    raw = os.environ.get(ENVIRONMENT_VARIABLE, "auto")
    try:
        return _normalise(raw, ENVIRONMENT_VARIABLE)
    except ValueError as exc:
        warnings.warn(f"{exc} Using 'auto'.", UserWarning, stacklevel=3)
        return "auto"


def _has_display() -> bool:
    """True when standard error is a terminal or the code runs in a Jupyter kernel."""
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):  # a replaced or closed stream
        pass
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress_enabled(progress: bool | None = None) -> bool:
    """Whether to draw a bar: ``progress`` when it is True or False (the caller asked),
    otherwise the package switch (``progress_mode``)."""
    if progress is not None:
        return bool(progress)
    mode = progress_mode()
    return mode == "always" or (mode == "auto" and _has_display())


def progress_bar(total: int, *, progress: bool | None = None, **options):
    """A ``tqdm.auto`` bar of ``total`` steps, disabled unless ``progress_enabled(progress)``.
    ``options`` go to tqdm (desc, unit, initial, leave, ...)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress_enabled(progress), **options)
