"""A second OpenAI client, kept next to one that moves, for the calls the target cannot serve.

Assistants, realtime and the files those assistants read have no equivalent on most targets: where the
code makes them through the same name as the calls that move, they go through ``<name>_openai``, a copy of
the constructor as written (``second_client``); the rules of those calls send them there. A client whose
every call is one the target lacks stays on OpenAI as it is (``unsupported_only``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from migrator.model import Severity
from migrator.resolve import Client, dotted
from migrator.rules.base import PlanContext
from migrator.rules.features import responses, text_completions
from migrator.rules.features.common import call_feature, function_of, receiver
from migrator.sites import Site, construction_destination


def unsupported_only(call: ast.Call, ctx: PlanContext) -> list[str]:
    """Features of the calls on the client built by ``call``, when the provider offers none of them
    (files count as not offered when the assistants that read them are not)."""
    features: dict[str, bool] = {}
    for s in ctx.sites:
        if s.kind == "call" and any(isinstance(c, Client) and c.origin is call for c in s.clients):
            feature = call_feature(s)
            features[feature] = features.get(feature, True) and _unsupported(s, ctx)
    if features.get("assistants") is True and "files" in features:
        features["files"] = True
    if features and all(features.values()):
        return sorted(features)
    return []


@dataclass(frozen=True)
class SecondClient:
    """An OpenAI client kept next to one that moves, for the calls the target cannot serve."""

    stmt: ast.Assign | ast.AnnAssign  # ``client = OpenAI(...)``
    name: str  # ``client_openai`` / ``self.client_openai``
    source: str  # the constructor as written
    staying: frozenset[int]  # ids of the call nodes that keep OpenAI
    receivers: dict[int, ast.expr]  # call id -> the receiver expression to rename


def stays_on_openai(s: Site, ctx: PlanContext) -> bool:
    """A resource call the target cannot serve: it keeps OpenAI (through a second client, or with its own)."""
    return s.resource is not None and _unsupported(s, ctx)


def _unsupported(s: Site, ctx: PlanContext) -> bool:
    feature = call_feature(s)
    if feature == "completions" and text_completions.becomes_chat(s, ctx):
        return False  # it becomes a chat call
    if feature == "responses":
        return not responses.handled(s, ctx)
    return bool(ctx.spec.unsupported_reason(feature, s.extra.get("path", ())))


def second_client(call: ast.Call, ctx: PlanContext) -> SecondClient | None:
    """The plan to keep an OpenAI client for the calls on ``call``'s client that the target lacks.

    Only for ``name = OpenAI(...)`` / ``self.name = OpenAI(...)`` whose calls the code makes through the
    same name: the calls the target serves move with the client, the others (assistants, realtime, and
    the files those assistants read) go through ``name_openai``, a copy of the constructor as written.
    Any call whose receiver is something else (a parameter, another object) means no plan: the call is
    then reported as failing until it moves."""
    memo = ctx.memo.setdefault("second_client", {})
    if id(call) not in memo:
        memo[id(call)] = _plan_second_client(call, ctx)
    return memo[id(call)]


def _plan_second_client(call: ast.Call, ctx: PlanContext) -> SecondClient | None:
    on = [s for s in ctx.sites if s.kind == "call" and s.resource is not None
          and any(isinstance(c, Client) and c.origin is call for c in s.clients)]
    staying = [s for s in on if _unsupported(s, ctx)]
    if not staying or len(staying) == len(on):
        return None
    if any(call_feature(s) == "assistants" for s in staying):
        # files uploaded for an assistant must be where the assistant is
        staying += [s for s in on if s not in staying and call_feature(s) == "files"]
        if len(staying) == len(on):
            return None
    owner = next((s for s in ctx.sites if s.kind == "construct" and s.node is call), None)
    stmt = None if owner is None else next(
        (n for n in ast.walk(function_of(owner.scope)) if isinstance(n, ast.Assign | ast.AnnAssign) and n.value is call),
        None)
    if stmt is None or owner is None or owner.extra.get("classes") or construction_destination(
            call, ctx.resolver, owner.scope, ctx.provider_hosts).kind not in ("openai", "configured"):
        return None
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
    if isinstance(stmt, ast.Assign) and len(stmt.targets) != 1:
        return None
    held = dotted(target) if isinstance(target, ast.Name | ast.Attribute) else None
    if held is None or held.count(".") > 1:
        return None
    receivers: dict[int, ast.expr] = {}
    for s in staying:
        node = receiver(s)
        if node is None or dotted(node) != held:
            return None
        receivers[id(s.node)] = node
    last = held.rsplit(".", 1)[-1]
    used = {n.id for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.Attribute)}
    new = f"{last}_openai" if last != "client" else "openai_client"
    while new in used:
        new += "_"
    name = new if "." not in held else f"{held.rsplit('.', 1)[0]}.{new}"
    source = ctx.segment(call)
    if source is None:
        return None
    return SecondClient(stmt, name, source, frozenset(id(s.node) for s in staying), receivers)


def kept_on_openai(site: Site, ctx: PlanContext) -> SecondClient | None:
    """The second client that ``site`` (a call) goes through, if it stays on OpenAI that way."""
    for c in site.clients:
        if isinstance(c, Client) and c.origin is not None:
            plan = second_client(c.origin, ctx)
            if plan is not None and id(site.node) in plan.staying:
                return plan
    return None


def keep_on_openai(site: Site, ctx: PlanContext, code: str, label: str, reason: str) -> bool:
    """Send a call the target cannot serve through the second client (when there is one); report it."""
    second = kept_on_openai(site, ctx)
    if second is None:
        return False
    ctx.edit(second.receivers[id(site.node)], "replace_expr", code, src=second.name)
    ctx.report(site.node, code, site.resource.feature if site.resource else "client", Severity.MANUAL,
               f"{label}: kept on OpenAI through {second.name}, a second client built as before "
               f"(OPENAI_API_KEY, api.openai.com) — {reason}", reaches_openai=True, subject=label)
    return True
