"""The house plan, checked on the import graph (issue 12; docs/architecture.md, "Layers").

Two checks, both over every import grimp finds in the six application packages, imports inside
functions included (an import moved into a function still ties the two modules together):

- no import circle between any two modules (a strongly connected component of more than one
  module); the failure names each circle and the lines that close it. Imports under
  ``if TYPE_CHECKING:`` are left out of this one (they tie nothing at run time);
- the import-linter contracts in pyproject.toml (`[tool.importlinter]`: the layers
  core < accounts < mlcore < quizapp < projects < config, and mlcore.learn free of Django) hold.
"""

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "core", "accounts", "mlcore", "quizapp", "projects")


def strongly_connected(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to trouble recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def describe(graph: grimp.ImportGraph, component: list[str], edges: dict[str, set[str]]) -> str:
    members = set(component)
    lines = [f"circle of {len(component)} modules: {', '.join(component)}"]
    for importer in component:
        for imported in sorted(edges[importer] & members):
            details = graph.get_import_details(importer=importer, imported=imported)
            where = ", ".join(f"l.{d['line_number']} `{d['line_contents']}`" for d in details)
            lines.append(f"    {importer} -> {imported}  ({where})")
    return "\n".join(lines)


def test_strongly_connected_finds_circles_and_only_circles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    components = strongly_connected(edges, edges)
    assert [c for c in components if len(c) > 1] == [["a", "b", "c"]]


def test_no_import_circles_between_modules():
    graph = grimp.build_graph(
        *PACKAGES, include_external_packages=False, exclude_type_checking_imports=True, cache_dir=None
    )
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    circles = [c for c in strongly_connected(graph.modules, edges) if len(c) > 1]
    assert not circles, "import circles (break them; see docs/architecture.md):\n" + "\n".join(
        describe(graph, c, edges) for c in circles
    )


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[result.stdout.find("Contracts") :] + result.stderr
