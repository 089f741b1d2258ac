"""The simulation package's modules import each other without a cycle.

Every relative import counts, at the top of a module or inside a function, so a cycle cannot
hide behind an import made late.
"""

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "sim"


def import_graph(package: Path) -> nx.DiGraph:
    """Module -> the modules of the same package it imports, wherever the import stands."""
    graph = nx.DiGraph()
    modules = {path.stem for path in package.glob("*.py")}
    for path in package.glob("*.py"):
        graph.add_node(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level != 1:
                continue
            if node.module:
                targets = [node.module.split(".")[0]]
            else:
                targets = [alias.name for alias in node.names]
            graph.add_edges_from((path.stem, t) for t in targets if t in modules)
    return graph


def test_the_import_graph_sees_imports_inside_functions(tmp_path):
    (tmp_path / "a.py").write_text("from .b import thing\n")
    (tmp_path / "b.py").write_text("def f():\n    from . import a\n    return a\n")
    cycles = [sorted(cycle) for cycle in nx.simple_cycles(import_graph(tmp_path))]
    assert cycles == [["a", "b"]]


def test_no_import_cycle_among_the_simulation_modules():
    cycles = sorted(sorted(cycle) for cycle in nx.simple_cycles(import_graph(PACKAGE)))
    assert cycles == [], f"import cycles: {cycles}"
