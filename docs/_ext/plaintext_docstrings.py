"""Sphinx extension: render coildesign's plain-text docstrings faithfully as reStructuredText.

The docstrings are written for ``help()``: formulas such as ``|B_perp|`` or ``|z| = d1`` and
formula lines indented under a sentence. In reStructuredText ``|x|`` is a substitution and an
indented line after a paragraph is an error. Before numpydoc parses a docstring, this hook

- turns an indented block that follows a paragraph line (not a definition-list term, not a
  bullet's continuation) into a literal block, so formula lines keep their layout;
- ends such blocks (and lists, definitions) with the blank line reStructuredText needs;
- escapes ``|`` and word-final underscores outside literal text.

numpydoc's field sections (Parameters, Returns, ...) keep their structure; only ``|`` is
escaped there. The text itself is not changed.
"""

from __future__ import annotations

import re

FIELD_SECTIONS = {"parameters", "returns", "yields", "receives", "raises", "warns", "other parameters",
                  "attributes", "methods", "see also"}
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)]|[a-z][.)])\s+")
_LITERAL_SPAN = re.compile(r"(``.+?``|:[\w:]+:`[^`]+`|`[^`]+`_?)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _plain(text: str) -> str:
    """Escape the characters of plain text that reStructuredText would read as markup: ``|``
    (substitutions) and underscores ending a word (``alpha_+`` would be a hyperlink reference)."""
    text = re.sub(r"(?<!\\)\|", r"\\|", text)
    return re.sub(r"(?<!\\)(_+)(?=[^\w]|$)", lambda m: "\\_" * len(m.group(1)), text)


def _escape(line: str) -> str:
    parts = _LITERAL_SPAN.split(line)
    return "".join(p if i % 2 else _plain(p) for i, p in enumerate(parts))


def _is_header(lines: list[str], i: int) -> bool:
    return (i + 1 < len(lines) and lines[i].strip() != "" and re.fullmatch(r"\s*-{3,}\s*", lines[i + 1]) is not None
            and len(lines[i + 1].strip()) >= len(lines[i].strip()) - 1)


def fix_lines(lines: list[str]) -> list[str]:
    """The reStructuredText-safe version of a docstring's lines (see the module docstring)."""
    out: list[str] = []
    section = ""
    literal_indent = None  # indentation of the paragraph that introduced the current literal block
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_header(lines, i):
            if out and out[-1].strip():
                out.append("")
            section = line.strip().lower()
            out += [line, lines[i + 1]]
            literal_indent = None
            i += 2
            continue
        stripped = line.strip()
        if not stripped:
            out.append(line)
            i += 1
            continue
        ind = _indent(line)
        if literal_indent is not None and ind > literal_indent:
            out.append(line)  # inside a literal block: verbatim
            i += 1
            continue
        if literal_indent is not None:
            literal_indent = None
            if out and out[-1].strip():
                out.append("")
        prev = next((k for k in range(len(out) - 1, -1, -1)), None)
        prev_line = out[prev] if prev is not None else ""
        free_text = section not in FIELD_SECTIONS
        if prev_line.strip() and free_text:
            p_ind = _indent(prev_line)
            if ind > p_ind:
                bullet = _BULLET.match(prev_line)
                continuation = bullet is not None and ind == len(bullet.group(0))
                before = out[prev - 1] if prev >= 1 else ""
                term = not before.strip() and not bullet
                if prev_line.rstrip().endswith("::"):
                    out.append("")
                    literal_indent = p_ind
                    out.append(line)
                    i += 1
                    continue
                if _BULLET.match(line) and (continuation or bullet):
                    out += ["", line]  # a nested list
                    i += 1
                    continue
                if not continuation and not term:
                    if prev_line.rstrip().endswith(":"):
                        out[prev] = prev_line.rstrip() + ":"
                        out.append("")
                    else:
                        out += ["", " " * p_ind + "::", ""]
                    literal_indent = p_ind
                    out.append(line)
                    i += 1
                    continue
            elif ind < p_ind:
                out.append("")
            else:
                here, there = _BULLET.match(line), _BULLET.match(prev_line)
                if (here is None) != (there is None):
                    out.append("")  # a list starts or ends right after a paragraph line
        elif prev_line.strip() and ind < _indent(prev_line) and not section:
            out.append("")
        out.append(_escape(line))
        i += 1
    return out


def _process(app, what, name, obj, options, lines):
    lines[:] = fix_lines(list(lines))


def setup(app):
    app.connect("autodoc-process-docstring", _process, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
