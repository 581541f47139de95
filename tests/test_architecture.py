"""The import graph of ``migrator/`` and ``rules/`` (installed as ``migrator.rules``) has no cycle.

Every import counts: at module level, inside functions, and the package ``__init__`` files an import
runs on the way (importing ``migrator.rules.base`` runs ``migrator/rules/__init__.py`` first), so a
cycle cannot hide behind a function-local import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for top, prefix in (("migrator", ("migrator",)), ("rules", ("migrator", "rules"))):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(prefix) + list(path.relative_to(ROOT / top).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the project importing it runs (targets and their parent packages)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}

    def add(source: str, target: str) -> None:
        while target:
            if target in modules and target != source:
                graph[source].add(target)
            target = target.rpartition(".")[0]

    for module, (path, is_package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(module, alias.name)
            elif isinstance(node, ast.ImportFrom):
                target = _absolute(module, is_package, node.level, node.module)
                add(module, target)
                for alias in node.names:
                    add(module, f"{target}.{alias.name}")
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50 and graph["migrator.engine"], "the graph was not read"
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(g) for g in found)


def test_the_cycle_finder_sees_a_cycle_through_a_package_init() -> None:
    graph = import_graph()
    graph["migrator.rules"] = graph["migrator.rules"] | {"migrator.rules.registry"}  # an __init__ listing rules
    assert any("migrator.rules" in g and "migrator.rules.registry" in g for g in cycles(graph))


def test_provider_modules_import_only_the_spec() -> None:
    """``rules/providers/__init__.py`` loads the provider modules with importlib, which the graph does not
    see: a provider module that imported anything but ``rules/spec.py`` could close a cycle through it."""
    graph = import_graph()
    providers = [m for m in graph if m.startswith("migrator.rules.providers.")]
    assert len(providers) >= 3
    for module in providers:
        assert graph[module] <= {"migrator.rules.spec", "migrator.rules", "migrator"}, (module, graph[module])


def test_package_inits_import_nothing_of_their_own_package() -> None:
    graph = import_graph()
    for module, (path, is_package) in _modules().items():
        if is_package:
            assert not {t for t in graph[module] if t.startswith(module + ".")}, path


def test_no_module_under_rules_is_over_450_lines() -> None:
    """One concern per module: a rule module that grows past this is split by concern."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "rules").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not long, long


def test_each_stage_has_its_entry_and_passes_a_frozen_result() -> None:
    """discover → analyse (parse → resolve → plan) → place → verify: one entry per stage module, and what
    it returns cannot be changed by the next stage (docs/architecture.md)."""
    import dataclasses
    import inspect
    import typing

    from migrator import discover, edits, engine, model, plan, scan, verify

    stages = [(discover.discover, model.SourceFile), (scan.analyze, scan.Analysis), (plan.plan, plan.Plan),
              (edits.place, edits.Placement), (verify.verify, verify.Verified), (engine.migrate, engine.Outcome)]
    for entry, result in stages:
        assert dataclasses.is_dataclass(result) and result.__dataclass_params__.frozen, result  # type: ignore[attr-defined]
        returned = typing.get_type_hints(entry)["return"]
        assert result in (returned, *typing.get_args(returned), *(a for t in typing.get_args(returned)
                                                                    for a in typing.get_args(t))), entry
        assert inspect.getmodule(entry) is inspect.getmodule(result) or result is model.SourceFile
