"""openai<1.0 code: the plan for a module, which client replaces the module API in which scope.

One client per module (per function for a function-local import), named so as not to clash with a name
the module uses; the module-level settings that fold into its construction (``openai.api_key``,
``openai.api_base``). The legacy rules (``legacy.py``) and the response rule (``legacy_responses.py``)
read it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.resolve import Qual, Scope, dotted
from migrator.rules.base import PlanContext
from migrator.rules.features.common import per_module
from migrator.sites import Site

FOLDED = ("api_key", "api_base", "base_url", "organization", "api_type", "api_version")
_SYNC_NAMES = ("client", "openai_client", "llm_client", "_openai_client")
_ASYNC_NAMES = ("aclient", "async_client", "openai_aclient", "_openai_aclient")


@dataclass
class Slot:
    """A client that replaces the module API in one scope."""

    scope: Scope
    is_async: bool
    name: str


@dataclass
class LegacyPlan:
    slots: dict[tuple[int, bool], Slot] = field(default_factory=dict)
    homes: dict[int, Scope] = field(default_factory=dict)  # id(call site node) -> scope that imports openai
    folded: list[Site] = field(default_factory=list)  # top-level settings moved into the module client

    def slot(self, site: Site, is_async: bool) -> Slot | None:
        home = self.homes.get(id(site.node))
        if home is None:
            return None
        return self.slots.get((id(home), is_async))

    def module_slot(self, scope: Scope) -> Slot | None:
        return self.slots.get((id(scope), False)) or self.slots.get((id(scope), True))


def _identifiers(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return names


def plan_for(ctx: PlanContext) -> LegacyPlan:
    cached = getattr(ctx, "_legacy_plan", None)
    if cached is not None:
        return cached
    plan = LegacyPlan()
    r = ctx.resolver
    calls = [s for s in ctx.sites if s.kind == "legacy" and s.extra.get("method")]
    if not calls:
        ctx._legacy_plan = plan  # type: ignore[attr-defined]
        return plan
    taken = set(per_module(r, "_identifiers", lambda: _identifiers(r.tree)))
    for site in calls:
        assert isinstance(site.node, ast.Call)  # a legacy site is a call
        root = (dotted(site.node.func) or "").split(".")[0]
        entries = r.visible_bindings(root, site.scope)
        if not entries:
            continue
        home = entries[0][1]
        plan.homes[id(site.node)] = home
        key = (id(home), bool(site.extra["is_async"]))
        if key in plan.slots:
            continue
        for name in _ASYNC_NAMES if key[1] else _SYNC_NAMES:
            if name not in taken:
                taken.add(name)
                plan.slots[key] = Slot(home, key[1], name)
                break
    module = r.module_scope
    if plan.module_slot(module) is not None:
        plan.folded = [s for s in ctx.sites if s.kind == "module_setting" and s.attr in FOLDED
                       and s.extra.get("top")]
    ctx._legacy_plan = plan  # type: ignore[attr-defined]
    return plan


def module_alias(scope: Scope) -> str | None:
    """A name bound to the openai module in ``scope`` (``openai``, ``oa``)."""
    for name, entries in scope.bindings.items():
        if any(e[0] == "value" and e[1] == Qual("openai") for e in entries):
            return name
    return None
