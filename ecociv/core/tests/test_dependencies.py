"""Dependencies between apps run one way: the app-level import graph, computed from the source
(every `import`/`from … import` anywhere in a module, at module level or inside a function), has
no cycle and no edge outside the table in docs/ARCHITECTURE.md ("Dependency direction")."""
from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # …/ecociv
DOC = PACKAGE.parent / "docs" / "ARCHITECTURE.md"


def apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def import_graph(package: Path = PACKAGE) -> dict[str, dict[str, set[str]]]:
    """app → imported app → the files (relative to the package) that import it. Tests are left
    out (they may set up any app); migrations, commands, views, templatetags are in."""
    names = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    graph: dict[str, dict[str, set[str]]] = {a: {} for a in names}
    for f in sorted(package.rglob("*.py")):
        parts = f.relative_to(package).parts
        if len(parts) < 2 or parts[0] not in names or "tests" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"), filename=str(f))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from ecociv import entry` names the app in the imported name
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for m in modules:
                p = m.split(".")
                if len(p) > 1 and p[0] == package.name and p[1] in names and p[1] != app:
                    graph[app].setdefault(p[1], set()).add("/".join(parts))
    return graph


def allowed_table(text: str) -> dict[str, set[str]]:
    """The `| layer | app | may import |` table of the doc's "Dependency direction" section."""
    section = text.split("## Dependency direction", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].isdigit():
            continue
        app = re.match(r"`([a-z]+)`", cells[1]).group(1)
        out[app] = set(re.findall(r"`([a-z]+)`", cells[2]))
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search (one per back edge)."""
    found, state, stack = [], {}, []

    def visit(a):
        state[a] = "open"
        stack.append(a)
        for b in sorted(edges.get(a, ())):
            if state.get(b) == "open":
                found.append([*stack[stack.index(b):], b])
            elif b not in state:
                visit(b)
        stack.pop()
        state[a] = "done"

    for a in sorted(edges):
        if a not in state:
            visit(a)
    return found


def test_every_app_is_in_the_table():
    table = allowed_table(DOC.read_text(encoding="utf-8"))
    assert set(table) == apps(), "docs/ARCHITECTURE.md's dependency table must list exactly the apps"
    assert not cycles(table), "the allowed table itself has a cycle"


def test_no_cycle_between_apps():
    graph = import_graph()
    found = cycles({a: set(t) for a, t in graph.items()})
    assert not found, "\n".join(" → ".join(c) + "  (" + "; ".join(
        f"{x}→{y}: {', '.join(sorted(graph[x][y]))}" for x, y in itertools.pairwise(c)) + ")" for c in found)


def test_every_edge_is_allowed():
    table = allowed_table(DOC.read_text(encoding="utf-8"))
    bad = [f"{a} → {b}: {', '.join(sorted(files))}" for a, targets in sorted(import_graph().items())
           for b, files in sorted(targets.items()) if b not in table.get(a, set())]
    assert not bad, "imports outside docs/ARCHITECTURE.md's table:\n" + "\n".join(bad)


def test_the_checker_sees_function_level_imports_and_cycles(tmp_path):
    """The checks above can fail: a function-level back edge makes a cycle the graph reports."""
    pkg = tmp_path / "ecociv"
    for app, body in {"low": "def f():\n    from ecociv.high.models import X\n",
                      "high": "from ecociv.low import f\n"}.items():
        (pkg / app).mkdir(parents=True)
        (pkg / app / "__init__.py").write_text("")
        (pkg / app / "mod.py").write_text(body)
    (pkg / "high" / "tests").mkdir()
    (pkg / "high" / "tests" / "test_x.py").write_text("import ecociv.low\n")
    graph = import_graph(pkg)
    assert graph == {"low": {"high": {"low/mod.py"}}, "high": {"low": {"high/mod.py"}}}
    assert cycles({a: set(t) for a, t in graph.items()}) == [["high", "low", "high"]]
    assert allowed_table("## Dependency direction\n| 0 | `low` | nothing |\n| 1 | `high` | `low` |\n") == {
        "low": set(), "high": {"low"}}


@pytest.mark.parametrize("app", sorted(apps()))
def test_table_lists_only_real_apps(app):
    table = allowed_table(DOC.read_text(encoding="utf-8"))
    assert table[app] <= apps()
