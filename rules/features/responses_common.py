"""The Responses API on each target: the plan of one call, and what its request and reads translators share."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.edits import EditOp
from migrator.rules.base import PlanContext
from migrator.rules.features.common import module_index
from migrator.sites import Site


@dataclass
class Plan:
    """What happens to one Responses call: kept (the target serves it), made a chat call, or neither."""

    how: str  # "keep" | "chat" | "" (manual: ``reason`` says why)
    reason: str = ""
    base_url: str = ""  # keep: the Responses API's own base URL on this target ("" : the client's)
    edits: list[tuple[ast.AST, EditOp, dict]] = field(default_factory=list)  # chat: the rewrite, planned
    changes: list[str] = field(default_factory=list)  # chat: what it changes, for the message
    lossy: list[tuple[ast.AST, str]] = field(default_factory=list)  # chat: what it drops (an OA703 marker each)
    # chat: ids of the lists the call shares with other Responses calls (its tools, its conversation): those
    # calls become chat calls together or not at all
    shared: set[int] = field(default_factory=set)
    conversation: str = ""  # chat: the name of the list its input is (``input=input_list``)
    why_chat: str = ""  # chat: why the call becomes a chat call (the target's reason, or --responses chat)


def bound_list(name: ast.Name, site: Site, ctx: PlanContext) -> tuple[ast.Assign, ast.List] | None:
    """``name = [...]``, the one assignment of the name where the call reads it (its function or the module)."""
    entries = ctx.resolver.visible_bindings(name.id, site.scope)
    if len(entries) != 1 or entries[0][0][0] != "expr" or not isinstance(entries[0][0][1], ast.List):
        return None
    value = entries[0][0][1]
    index = module_index(ctx.resolver)
    stmt = index.parents.get(id(value))
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    return stmt, value


def read_elsewhere(name: str, scope: ast.AST, owner: dict, ctx: PlanContext) -> bool:
    """The name is used in a scope other than ``scope`` where it may be ``scope``'s variable: a function or
    lambda nested in it, or any function of the module when ``scope`` is the module."""
    area = ctx.resolver.tree if isinstance(scope, ast.Module) else scope
    return any(isinstance(n, ast.Name) and n.id == name and owner.get(id(n)) is not scope for n in ast.walk(area))
