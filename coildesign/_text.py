"""Plain-text helpers: tables for printed summaries, "did you mean" suggestions."""

from __future__ import annotations

import difflib


def table(rows: list[tuple[str, str]], title: str | None = None) -> str:
    """Two aligned columns (name, value-with-unit), optionally under a title and a rule."""
    w = max(len(k) for k, _ in rows)
    lines = [f"{k:<{w}}  {v}" for k, v in rows]
    if title is None:
        return "\n".join(lines)
    return "\n".join([title, "-" * max(len(title), max(len(x) for x in lines))] + lines)


def close_names(name: str, options, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``options`` closest to ``name`` (``difflib`` similarity >= ``cutoff``,
    case-insensitive), best first."""
    by_lower = {}
    for o in options:
        by_lower.setdefault(str(o).lower(), str(o))
    return [by_lower[m] for m in difflib.get_close_matches(str(name).lower(), list(by_lower), n=n, cutoff=cutoff)]


def did_you_mean(name: str, options, n: int = 3) -> str:
    """``" (did you mean 'a' or 'b'?)"`` for the ``close_names`` of ``name``, or ``""``."""
    found = close_names(name, options, n)
    if not found:
        return ""
    quoted = [repr(f) for f in found]
    return " (did you mean " + (" or ".join(quoted) if len(quoted) <= 2 else
                                ", ".join(quoted[:-1]) + " or " + quoted[-1]) + "?)"
