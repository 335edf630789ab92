"""S-expressions as KiCad writes and reads them (KiCad developer documentation, "S-Expression
Format", https://dev-docs.kicad.org/en/file-formats/sexpr-intro/, 2023).

A list is ``(token attribute ...)``: the first item is a bare lower-case token, strings are
double-quoted UTF-8 with ``\\"`` and ``\\\\`` escaped, numbers are plain decimals (KiCad never
writes exponents; lengths in millimetres, here to 1 nm = 1e-6 mm). In Python a list is a
``list``/``tuple``, a bare word a ``Symbol``, a quoted string a ``str``, a number an
``int``/``float``. ``dumps`` writes one top-level item per line below the first, ``loads`` is
its inverse (bare words that read as numbers become numbers).
"""

from __future__ import annotations

import re

DECIMALS = 6  # [mm] KiCad's internal unit is 1 nm


class Symbol(str):
    """A bare (unquoted) word: a token such as ``segment`` or an enumerated value such as ``signal``."""


_ATOM = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')


def _number(value: float) -> str:
    """``value`` as a plain decimal with at most ``DECIMALS`` places and no exponent."""
    text = f"{float(value):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _atom(item) -> str:
    if isinstance(item, Symbol):
        return str(item)
    if isinstance(item, str):
        return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(item, bool):
        return "yes" if item else "no"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        return _number(item)
    raise TypeError(f"Input item must be a Symbol, str, int, float or list; instead received {type(item).__name__}")


def _render(item) -> str:
    if isinstance(item, (list, tuple)):
        return "(" + " ".join(_render(x) for x in item) + ")"
    return _atom(item)


def dumps(tree) -> str:
    """Text of ``tree`` (a list whose first item is the file's token): the header attributes on
    the first line, every further child on a line of its own, indented by two spaces."""
    head = [x for x in tree if not isinstance(x, (list, tuple))]
    children = [x for x in tree if isinstance(x, (list, tuple))]
    lines = ["(" + " ".join(_atom(x) for x in head)]
    lines += ["  " + _render(child) for child in children]
    return "\n".join(lines) + "\n)\n"


def loads(text: str) -> list:
    """The tree of one S-expression ``text`` (inverse of ``dumps``)."""
    stack: list[list] = [[]]
    pos = 0
    while True:
        match = _ATOM.match(text, pos)
        if match is None:
            if text[pos:].strip():
                raise ValueError(f"Input text is not an S-expression at character {pos}: {text[pos:pos + 40]!r}")
            break
        pos = match.end()
        opening, closing, quoted, bare = match.groups()
        if opening:
            stack.append([])
        elif closing:
            if len(stack) < 2:
                raise ValueError(f"Input text has an unmatched ')' at character {pos}")
            done = stack.pop()
            stack[-1].append(done)
        elif quoted is not None:
            stack[-1].append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            try:
                stack[-1].append(int(bare))
            except ValueError:
                try:
                    stack[-1].append(float(bare))
                except ValueError:
                    stack[-1].append(Symbol(bare))
    if len(stack) != 1 or len(stack[0]) != 1:
        raise ValueError("Input text must hold exactly one balanced S-expression")
    return stack[0][0]


def children(tree: list, token: str) -> list[list]:
    """The items of ``tree`` that are lists starting with ``token``."""
    return [x for x in tree if isinstance(x, list) and x and x[0] == token]


def child(tree: list, token: str) -> list | None:
    """The first item of ``tree`` that is a list starting with ``token`` (None if there is none)."""
    found = children(tree, token)
    return found[0] if found else None
