"""The floors of the code (README, "Map of the code"): no module imports a higher floor, no area reaches into
another area's controllers, and no two modules import each other, however indirectly."""

from __future__ import annotations

import ast
from pathlib import Path

import events

SOURCE = Path(events.__file__).parent

# Lowest first: a module may import its own floor and those below it.
FLOORS = [
    ("events.resources", "events.config", "events.text", "events.i18n"),
    ("events.models",),
    ("events.audit",),
    ("events.db", "events.storage"),
    ("events.web",),
    ("events.domain",),
    ("events.demo", "events.backup", "events.cli", "events.app", "events.__main__"),
]
# What one area may use of another: its services, reads, path loaders and the sign-in guards.
SHARED_BETWEEN_AREAS = {"service", "queries", "public_queries", "deps", "auth", "rules"}


def _module_name(path: Path) -> str:
    parts = ["events", *path.relative_to(SOURCE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _nodes_run(tree: ast.AST):
    """Every node, except under `if TYPE_CHECKING:` (type hints only: nothing imported at run time)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            yield from (n for child in node.orelse for n in (child, *_nodes_run(child)))
            continue
        yield node
        yield from _nodes_run(node)


def _imports() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports (at any depth of its code)."""
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str] = set()
        for node in _nodes_run(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                if target.startswith("events"):
                    imported.add(target)
                    # `from . import service` imports a module, not a name
                    imported |= {f"{target}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names if alias.name.startswith("events")}
        found[name] = imported
    return {name: {target for target in targets if target in found} for name, targets in found.items()}


def _floor(module: str) -> int:
    for level, prefixes in enumerate(FLOORS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return level
    raise AssertionError(f"{module} is on no floor: add it to FLOORS and to the README's map")


def test_no_module_imports_a_higher_floor():
    upward = [
        (module, target)
        for module, targets in _imports().items()
        for target in targets
        if _floor(target) > _floor(module)
    ]
    assert upward == []


def test_areas_use_only_each_others_services_reads_and_loaders():
    reaching = []
    for module, targets in _imports().items():
        if not module.startswith("events.domain."):
            continue
        area = module.split(".")[2]
        for target in targets:
            parts = target.split(".")
            if (
                len(parts) > 3
                and parts[1] == "domain"
                and parts[2] != area
                and parts[3] not in SHARED_BETWEEN_AREAS
            ):
                reaching.append((module, target))
    assert reaching == []


def test_no_import_cycles():
    graph = _imports()
    # A package's __init__ imported for one of its modules is not a dependency on its siblings.
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if target == module or module.startswith(target + "."):  # a module and its own package
                continue
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == [], "\n".join(" → ".join(cycle) for cycle in cycles)
