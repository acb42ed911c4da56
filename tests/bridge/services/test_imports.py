"""The services import in one direction: no circle, so no import hidden inside a function to dodge one."""

from __future__ import annotations

import ast
import re

from bridge.core.config import PROJECT_ROOT

SERVICES = PROJECT_ROOT / "bridge" / "services"


def _bridge_imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bridge"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("bridge"))
    return names


def _service_graph() -> dict[str, set[str]]:
    graph = {}
    for path in SERVICES.glob("*.py"):
        imported = _bridge_imports(ast.parse(path.read_text()))
        graph[path.stem] = {name.rsplit(".", 1)[-1] for name in imported if name.startswith("bridge.services.")}
        graph[path.stem] &= {p.stem for p in SERVICES.glob("*.py")}
    return graph


def test_no_import_circle_between_services() -> None:
    graph = _service_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [name for name in graph if reaches(name, name, {name})] == []


def test_the_basic_writes_are_a_leaf() -> None:
    assert _service_graph()["records"] <= {"events"}


def test_no_service_imports_inside_a_function() -> None:
    local: list[str] = []
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("bridge.services"):
                        local.append(f"{path.name}:{inner.lineno}")
    assert local == []


def test_a_case_is_opened_in_one_place() -> None:
    """`hand_over` (bridge/services/cases.py) is the only code that creates a HandoffCase."""
    creators = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "bridge").rglob("*.py")
        if re.search(r"(?<!class )\bHandoffCase\(", path.read_text()) and "alembic" not in path.parts
    ]
    assert creators == ["bridge/services/cases.py"]


def test_routers_do_not_import_each_other() -> None:
    routes = PROJECT_ROOT / "bridge" / "api" / "routes"
    crossing = {
        path.name: sorted(name for name in _bridge_imports(ast.parse(path.read_text())) if "bridge.api.routes" in name)
        for path in routes.glob("*.py")
    }
    assert {name: found for name, found in crossing.items() if found} == {}
