"""Plain-text tables for printed summaries."""

from __future__ import annotations


def table(rows: list[tuple[str, str]], title: str | None = None) -> str:
    """Two aligned columns (name, value-with-unit), optionally under a title and a rule."""
    w = max(len(k) for k, _ in rows)
    lines = [f"{k:<{w}}  {v}" for k, v in rows]
    if title is None:
        return "\n".join(lines)
    return "\n".join([title, "-" * max(len(title), max(len(x) for x in lines))] + lines)
