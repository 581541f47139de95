"""Structured output on a target without json_schema: json_object, the schema in the prompt, validated."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from migrator.model import Severity
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import call_destination, function_of, kwarg, receiver
from migrator.sites import Site

_INSTRUCTION = "Reply with one JSON object that follows this JSON schema:\n"


@dataclass(frozen=True)
class JsonObjectPlan:
    """What the rewrite of one call does."""

    schema: str  # source of the expression that holds the JSON schema (a dict)
    model: str | None  # ``Invoice`` of ``parse(response_format=Invoice)``; None for a json_schema dict
    reads: tuple[ast.Attribute, ...]  # ``r.choices[0].message.parsed`` reads to validate


def plan(site: Site, ctx: PlanContext) -> JsonObjectPlan | None:
    """How ``site`` becomes a json_object call, or None when it cannot be done faithfully here."""
    memo = ctx.memo.setdefault("json_object", {})
    if id(site.node) not in memo:
        memo[id(site.node)] = _plan(site, ctx)
    return memo[id(site.node)]


def _plan(site: Site, ctx: PlanContext) -> JsonObjectPlan | None:
    if ctx.spec.json_schema != "no" or site.resource is None or site.resource.feature not in ("chat", "structured"):
        return None
    call = site.node
    assert isinstance(call, ast.Call)
    fmt = kwarg(call, "response_format")
    if fmt is None or _messages_edit(call, ctx, "") is None:
        return None
    path = tuple(site.extra.get("path", ()))
    if path and path[-1] == "parse":
        if not isinstance(fmt.value, ast.Name | ast.Attribute) or kwarg(call, "stream") is not None \
                or receiver(site) is None:
            return None
        model = ctx.segment(fmt.value)
        body = function_of(site.scope)
        stmt = _binding(call, body)
        if model is None or stmt is None:
            return None
        reads = _parsed_reads(stmt, body)
        if reads is None:
            return None
        return JsonObjectPlan(f"{model}.model_json_schema()", model, reads)
    if not isinstance(fmt.value, ast.Dict) or path[-1:] != ("create",):
        return None
    entries = {k.value: v for k, v in zip(fmt.value.keys, fmt.value.values, strict=True)
               if isinstance(k, ast.Constant)}
    kind = entries.get("type")
    if not (isinstance(kind, ast.Constant) and kind.value == "json_schema") or "json_schema" not in entries:
        return None
    spec = entries["json_schema"]
    if isinstance(spec, ast.Dict):
        inner = {k.value: v for k, v in zip(spec.keys, spec.values, strict=True) if isinstance(k, ast.Constant)}
        if "schema" not in inner:
            return None
        schema = ctx.segment(inner["schema"])
    else:
        src = ctx.segment(spec)
        schema = f"{src}[{ctx.string('schema')}]" if src else None
    if schema is None or "\n" in schema:
        return None
    return JsonObjectPlan(schema, None, ())


def _binding(call: ast.Call, body: ast.AST) -> ast.Assign | None:
    """``completion = client.beta.chat.completions.parse(...)``: the statement that names the result."""
    for node in ast.walk(body):
        if isinstance(node, ast.Assign) and node.value is call and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            return node
    return None


def _parsed_reads(stmt: ast.Assign, body: ast.AST) -> tuple[ast.Attribute, ...] | None:
    """Every use of the result is ``r.choices[i].message.<field>`` or ``r.<other>`` (usage, id); the
    ``.parsed`` reads among them. None when the result goes anywhere else (returned, passed on, the
    message kept in a variable): then a caller may read ``.parsed`` where this rule cannot see it."""
    target = stmt.targets[0]
    assert isinstance(target, ast.Name)  # as _binding found it
    name = target.id
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(body):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    reads: list[ast.Attribute] = []
    for node in ast.walk(body):
        if not (isinstance(node, ast.Name) and node.id == name) or node is target:
            continue
        if isinstance(node.ctx, ast.Store | ast.Del):
            return None  # rebound: the reads may be of another value
        up = parents.get(id(node))
        if not isinstance(up, ast.Attribute):
            return None
        if up.attr != "choices":
            continue  # usage, id, model: the same on a create() result
        sub = parents.get(id(up))
        msg = parents.get(id(sub)) if isinstance(sub, ast.Subscript) else None
        if not (isinstance(msg, ast.Attribute) and msg.attr == "message"):
            return None
        field = parents.get(id(msg))
        assign = field if isinstance(field, ast.Assign) and len(field.targets) == 1 else None
        held = assign.targets[0] if assign is not None else None
        if assign is not None and isinstance(held, ast.Name):  # message = completion.choices[0].message
            fields = _uses(held.id, assign, body, parents)
            if fields is None:
                return None
        elif isinstance(field, ast.Attribute):
            fields = [field]
        else:
            return None  # the message object itself goes somewhere
        for f in fields:
            if f.attr == "parsed":
                reads.append(f)
            elif f.attr not in ("content", "refusal", "role", "tool_calls"):
                return None
    return tuple(reads)


def _uses(name: str, stmt: ast.Assign, body: ast.AST, parents: dict[int, ast.AST]) -> list[ast.Attribute] | None:
    """The attribute reads of ``name`` (bound once by ``stmt``) in ``body``; None for any other use."""
    out = []
    for node in ast.walk(body):
        if isinstance(node, ast.Name) and node.id == name and node is not stmt.targets[0]:
            up = parents.get(id(node))
            if not isinstance(node.ctx, ast.Load) or not isinstance(up, ast.Attribute):
                return None
            out.append(up)
    return out


def _text(ctx: PlanContext, schema: str, lead: str) -> str:
    return f"{ctx.quote}{(lead + _INSTRUCTION).encode('unicode_escape').decode()}{ctx.quote} + {schema}"


def _messages_edit(call: ast.Call, ctx: PlanContext, schema: str) -> tuple[ast.expr, str] | None:
    """Where the schema goes: appended to a leading system message literal, or a system message put
    in front of a list the code builds elsewhere. ``schema`` is the source of the JSON text to add."""
    messages = kwarg(call, "messages")
    if messages is None:
        return None
    value = messages.value
    if isinstance(value, ast.List):
        first = value.elts[0] if value.elts else None
        if not isinstance(first, ast.Dict):
            return None
        entries = {k.value: v for k, v in zip(first.keys, first.values, strict=True) if isinstance(k, ast.Constant)}
        role, content = entries.get("role"), entries.get("content")
        if not (isinstance(role, ast.Constant) and role.value in ("system", "developer")) or content is None \
                or isinstance(content, ast.List | ast.Dict):
            return None
        src = ctx.segment(content)
        if src is None or "\n" in src:
            return None
        if not isinstance(content, ast.Constant | ast.JoinedStr | ast.Name | ast.Attribute | ast.Call):
            src = f"({src})"
        return content, f"{src} + {_text(ctx, schema, chr(10) * 2)}"
    if isinstance(value, ast.Name | ast.Attribute):
        src = ctx.segment(value)
        quote = ctx.quote
        text = _text(ctx, schema, "")
        return value, (f"[{{{quote}role{quote}: {quote}system{quote}, {quote}content{quote}: {text}}}, *{src}]")
    return None


class JsonObjectFallback(Rule):
    """Turns structured output into ``json_object`` on a target that has no ``json_schema``.

    What it does: on GLM, DeepSeek and Kimi (``response_format`` takes ``json_object`` only),
    ``chat.completions.parse(response_format=Model)`` becomes ``chat.completions.create`` with
    ``response_format={"type": "json_object"}``, the model's JSON schema is added to the system message
    (or put in front of the messages as one), and each ``r.choices[0].message.parsed`` read becomes
    ``Model.model_validate_json(r.choices[0].message.content)``. A ``json_schema`` response format dict
    on ``create`` becomes ``json_object`` with its ``schema`` in the prompt the same way. Done only
    where every use of the result is visible (no ``return completion``), there is a system message
    literal to extend or a messages variable to prepend to, and the call does not stream; elsewhere
    the call is reported as before.

    Example::

        r = client.beta.chat.completions.parse(model="gpt-4o", messages=[{"role": "system", "content": "Extract."}, u],
                                               response_format=Invoice)
        invoice = r.choices[0].message.parsed

    becomes (``--target glm``)::

        r = client.chat.completions.create(model="glm-4.6", messages=[{"role": "system", "content": "Extract." + "\\n\\nReply with one JSON object that follows this JSON schema:\\n" + json.dumps(Invoice.model_json_schema())}, u],
                                           response_format={"type": "json_object"})
        invoice = Invoice.model_validate_json(r.choices[0].message.content)

    Fix safety: review; the provider does not enforce the schema, so a reply that does not match raises
    pydantic's ``ValidationError`` where the SDK used to validate.
    """

    CODE = "OA204"
    NAME = "json-object-fallback"
    FEATURE = "structured"
    SITES = ("call",)
    SUMMARY = "structured output → json_object with the schema in the prompt (targets without json_schema)"

    def check(self, site: Site, ctx: PlanContext) -> None:
        p = plan(site, ctx)
        if p is None or call_destination(site, ctx) is None:
            return
        call = site.node
        assert isinstance(call, ast.Call)
        ctx.need_import("json")
        messages = _messages_edit(call, ctx, f"json.dumps({p.schema})")
        fmt = kwarg(call, "response_format")
        assert messages is not None and fmt is not None  # plan() checked both
        target, src = messages
        ctx.edit(target, "replace_expr", self.CODE, src=src)
        q = ctx.quote
        ctx.edit(fmt.value, "replace_expr", self.CODE, src=f"{{{q}type{q}: {q}json_object{q}}}")
        if p.model is not None:
            ctx.edit(call.func, "replace_expr", self.CODE, src=f"{ctx.segment(receiver(site))}.chat.completions.create")
            for read in p.reads:
                inner = ctx.segment(read.value)
                ctx.edit(read, "replace_expr", self.CODE, src=f"{p.model}.model_validate_json({inner}.content)")
            what = f"parse(response_format={p.model}) → create(response_format=json_object)"
            after = f"; {len(p.reads)} .parsed read(s) → {p.model}.model_validate_json(... .content)"
        else:
            what = "response_format json_schema → json_object"
            after = ""
        ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"{what} with the schema in the prompt ({ctx.spec.display} has no json_schema){after}; the "
                   "provider does not enforce the schema: a reply that does not match raises ValidationError",
                   reaches_openai=False, subject="structured output (json_schema)")
