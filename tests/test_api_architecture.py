"""The package's floors, read from its own source: every import of a coildesign module (at the
top of a module or inside a function) points to the same floor or a lower one, and the modules
form no import circle. The floors are those of docs/architecture.md."""

from __future__ import annotations

import ast
import pathlib

import coildesign

PACKAGE = pathlib.Path(coildesign.__file__).parent

# lowest first; a module belongs to the longest prefix that names it
FLOORS = [
    ("coildesign._constants", "coildesign._text", "coildesign._validation", "coildesign._runtime",
     "coildesign._files", "coildesign._version", "coildesign._progress", "coildesign._lazy"),
    ("coildesign.conductors",),
    ("coildesign.coil", "coildesign.symmetry", "coildesign.winding_info"),
    ("coildesign.geometries",),
    ("coildesign.fields",),
    ("coildesign.surfaces",),
    ("coildesign.analysis", "coildesign.eddy"),
    ("coildesign.rf",),
    ("coildesign.export",),
    ("coildesign.design", "coildesign.studies"),
    ("coildesign.interop", "coildesign.probe_file"),
    ("coildesign.workflow", "coildesign.workflow_outputs"),
    ("coildesign.validation",),
    ("coildesign.cli",),
    ("coildesign",),
]


def module_names() -> dict[str, pathlib.Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("coildesign",) + path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports(modules: dict[str, pathlib.Path]) -> dict[str, set[tuple[str, int]]]:
    """module -> {(imported coildesign module, line)}, nested imports included."""
    edges = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "coildesign"}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                if base.split(".")[0] != "coildesign":
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add((full if full in modules else base, node.lineno))
        edges[name] = found
    return edges


def floor(name: str) -> int:
    best = (-1, -1)
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best[1]:
                best = (level, len(prefix))
    assert best[0] >= 0, f"{name} is on no floor: add it to FLOORS and docs/architecture.md"
    return best[0]


def test_every_module_is_on_a_floor():
    for name in module_names():
        floor(name)


def test_no_import_points_to_a_higher_floor():
    modules = module_names()
    upward = [f"{m}:{line} imports {t} (floor {floor(m)} -> {floor(t)})"
              for m, found in imports(modules).items() for t, line in sorted(found)
              if t in modules and floor(t) > floor(m)]
    assert upward == []


def test_no_import_circle():
    """Tarjan's strongly connected components of the module graph (a subpackage's __init__
    importing its own modules is the facade, not a circle: edges into a package from its own
    members are left out)."""
    modules = module_names()
    graph = {m: {t for t, _ in found if t in modules and not m.startswith(t + ".")}
             for m, found in imports(modules).items()}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == []


def test_the_checker_sees_an_upward_arrow(tmp_path):
    """The import reader finds nested imports and resolves relative ones (so the tests above
    can fail)."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from ..export import vtk\n    import coildesign.cli\n")
    modules = {"coildesign.fields.m": src, "coildesign.export.vtk": src, "coildesign.cli": src}
    found = imports(modules)["coildesign.fields.m"]
    assert found == {("coildesign.export.vtk", 2), ("coildesign.cli", 3)}
    assert floor("coildesign.export.vtk") > floor("coildesign.fields.m")
