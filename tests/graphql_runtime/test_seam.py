"""What graphql_runtime may import and hold, read from its source: the standard library,
graphql-core, strawberry, starlette and pubsub/ only; private names of graphql-core and
strawberry through compat.py only; no import cycle between its modules; no cache in a module."""

import ast
import importlib
import sys
from collections.abc import Iterator
from functools import _lru_cache_wrapper
from pathlib import Path
from types import ModuleType
from typing import Any
from weakref import WeakKeyDictionary, WeakValueDictionary

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "graphql_runtime"
ALLOWED_TOP_LEVEL = {"graphql", "strawberry", "starlette", "pubsub", "graphql_runtime"}
# The modules of graphql-core and strawberry that they document for their users; anything
# else of theirs is imported by compat.py alone.
PUBLIC_MODULES = {
    "graphql",
    "graphql.validation",
    "strawberry",
    "strawberry.dataloader",
    "strawberry.extensions",
    "strawberry.schema.config",
    "starlette.websockets",
}
# Names of NamedTuple's documented API.
NAMEDTUPLE_API = {"_replace", "_fields", "_asdict", "_make"}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def imported(tree: ast.Module) -> Iterator[str]:
    """Every module imported, at run time or for type checking."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_the_engine_imports_only_the_standard_library_graphql_strawberry_starlette_pubsub() -> None:
    wrong = {
        (name, module)
        for name, tree in modules()
        for module in imported(tree)
        if module.split(".")[0] not in ALLOWED_TOP_LEVEL | set(sys.stdlib_module_names)
    }
    assert wrong == set()


def test_private_modules_of_graphql_and_strawberry_are_imported_by_compat_alone() -> None:
    wrong = {
        (name, module)
        for name, tree in modules()
        if name != "graphql_runtime.compat"
        for module in imported(tree)
        if module.split(".")[0] in {"graphql", "strawberry", "starlette"}
        and module not in PUBLIC_MODULES
    }
    assert wrong == set()


def test_private_attributes_of_the_libraries_are_read_by_compat_alone() -> None:
    """Outside compat.py, an attribute whose name starts with one underscore is the engine's
    own (defined somewhere in graphql_runtime) or NamedTuple's API."""
    trees = dict(modules())
    own = set(NAMEDTUPLE_API)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                own.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                own.add(node.target.id)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                own.add(node.value)  # __slots__
    wrong = {
        (name, node.attr)
        for name, tree in trees.items()
        if name != "graphql_runtime.compat"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in own
    }
    assert wrong == set()


def test_no_import_cycle_between_the_engines_modules() -> None:
    graph = {
        name: {m for m in imported(tree) if m.startswith("graphql_runtime.")}
        for name, tree in modules()
    }
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in path:
                cycles.append([*path[path.index(target) :], target])
            elif target in graph:
                visit(target, [*path, target])

    for module in graph:
        visit(module, [module])
    assert cycles == []


def test_execution_and_live_delivery_import_one_way() -> None:
    """execution/ may use live/'s shared events and parking protocol; live/ never imports
    execution/ (the executor is chosen when the schema is built, above both)."""
    wrong = {
        (name, module)
        for name, tree in modules()
        if name.startswith("graphql_runtime.live")
        for module in imported(tree)
        if module.startswith("graphql_runtime.execution")
    }
    assert wrong == set()


def _is_cache(attribute: str, value: Any) -> bool:
    if isinstance(value, _lru_cache_wrapper | WeakKeyDictionary | WeakValueDictionary):
        return True
    if attribute.startswith("__") and attribute.endswith("__"):
        return False  # the module's own (__path__, __all__...)
    if isinstance(value, dict | list | set):
        return not attribute.isupper()  # upper case: a constant table, never written
    # An object of the engine's own (a cache of plans, of selections...).
    return type(value).__module__.startswith("graphql_runtime")


@pytest.mark.parametrize("name", [name for name, _ in modules()])
def test_no_module_keeps_a_cache(name: str) -> None:
    """Caches belong to a built schema (execution/caches.py, limits.DocumentCache); a module
    holds constants only (upper-case names: tables that are never written)."""
    module: ModuleType = importlib.import_module(name)
    held = {attribute for attribute, value in vars(module).items() if _is_cache(attribute, value)}
    assert held == set()
