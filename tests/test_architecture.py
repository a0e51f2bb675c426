"""The layout of ``kg/`` follows the pipeline, and imports run downward only.

The stages, in the order the data flows (docs/architecture.md):

    helpers → curate → graph → store → analysis → export | extract | gtd | serve   (build runs them all)

A module may import its own stage and earlier ones, never a later stage, and the last
stages (export, extract, gtd, serve) never import one another. Every import counts,
including one inside a function: a lazy import hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

HELPERS = ("atomic", "dates", "errors", "namespaces", "resources")
RANKS = {"": 0, **dict.fromkeys(HELPERS, 0), "curate": 1, "graph": 2, "store": 3, "analysis": 4,
         "export": 5, "extract": 5, "gtd": 5, "serve": 5, "build": 6}
TOP_LEVEL_LIMIT = 6


def stage_of(module: str) -> str:
    """The stage of a dotted module name inside ``kg`` ("" for the package itself).

    >>> stage_of("kg.store.sparql"), stage_of("kg.dates"), stage_of("kg")
    ('store', 'dates', '')
    """
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> list[tuple[int, str]]:
    """Every ``kg`` module a file imports, with the line, relative imports made absolute."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.append((node.lineno, base))
            # ``from kg import curate`` imports the stage itself.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if base == "kg"]
    return [(line, target) for line, target in found if target == "kg" or target.startswith("kg.")]


def upward_imports(root: Path) -> list[str]:
    """Imports that run against the pipeline, as ``file:line: a imports b (stage x → later stage y)``."""
    problems = []
    for path in sorted((root / "kg").rglob("*.py")):
        module = module_name(root, path)
        here = stage_of(module)
        for line, target in imports_of(root, path):
            there = stage_of(target)
            if there == here or there not in RANKS or here not in RANKS:
                continue
            later = RANKS[there] > RANKS[here]
            sibling = RANKS[there] == RANKS[here] and RANKS[here] > 0
            if later or sibling:
                where = path.relative_to(root)
                problems.append(f"{where}:{line}: {module} imports {target} ({here or 'kg'} → {there})")
    return problems


def test_imports_run_downward() -> None:
    assert upward_imports(REPO) == []


def test_every_module_belongs_to_a_stage() -> None:
    unknown = [str(p.relative_to(REPO)) for p in (REPO / "kg").rglob("*.py")
               if stage_of(module_name(REPO, p)) not in RANKS]
    assert unknown == []


def test_top_level_is_small() -> None:
    top = sorted(p.stem for p in (REPO / "kg").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= TOP_LEVEL_LIMIT, top


def test_stage_packages_only_describe_themselves() -> None:
    """Each stage's ``__init__.py`` is a short docstring: it defines and re-exports nothing."""
    for init in (REPO / "kg").glob("*/__init__.py"):
        tree = ast.parse(init.read_text("utf-8"))
        doc = ast.get_docstring(tree)
        assert doc and 2 <= len(doc.splitlines()) <= 4, init
        assert len(tree.body) == 1, f"{init} defines or imports something"


@pytest.mark.parametrize(("source", "expected"), [
    ("from kg.export.stix import bundle\n", "kg.store.x imports kg.export.stix (store → export)"),
    ("def f():\n    from kg.analysis import resolve\n", "kg.store.x imports kg.analysis (store → analysis)"),
    ("from ..serve import app\n", "kg.store.x imports kg.serve (store → serve)"),
    ("import kg.build\n", "kg.store.x imports kg.build (store → build)"),
])
def test_an_upward_import_is_caught(tmp_path: Path, source: str, expected: str) -> None:
    """The check can fail: a store module that imports a later stage, eagerly or lazily."""
    (tmp_path / "kg" / "store").mkdir(parents=True)
    (tmp_path / "kg" / "__init__.py").write_text("")
    (tmp_path / "kg" / "store" / "__init__.py").write_text("")
    (tmp_path / "kg" / "store" / "x.py").write_text(source)
    [problem] = upward_imports(tmp_path)
    assert problem.endswith(expected)


def test_siblings_of_the_last_stage_are_kept_apart(tmp_path: Path) -> None:
    (tmp_path / "kg" / "serve").mkdir(parents=True)
    (tmp_path / "kg" / "serve" / "x.py").write_text("from kg.extract import pipeline\n")
    assert upward_imports(tmp_path) == ["kg/serve/x.py:1: kg.serve.x imports kg.extract (serve → extract)"]


def test_a_downward_import_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "kg" / "export").mkdir(parents=True)
    (tmp_path / "kg" / "export" / "x.py").write_text("from kg.store.sparql import select\nfrom kg import dates\n")
    assert upward_imports(tmp_path) == []
