"""The Responses API (``client.responses.create / parse``) on each target, as its provider data says.

Where the target serves the Responses API (``ProviderSpec.responses``) the call stays: its model is mapped to
one that serves it, and a provider that serves it at a base URL of its own (GLM: ``/api/v1``, chat on
``/api/paas/v4``) gets the call through ``client.with_options(base_url=...)``. Where it does not (ERNIE), or
with ``--responses chat``, a stateless call becomes a ``chat.completions`` call::

    r = client.responses.create(model="gpt-5", instructions=sys_prompt, input=question, max_output_tokens=300)
    print(r.output_text, r.usage.input_tokens)

becomes (``--target ernie``)::

    r = client.chat.completions.create(model="ernie-5.1", messages=[{"role": "system", "content": sys_prompt},
        {"role": "user", "content": question}], max_tokens=300)
    print((r.choices[0].message.content or ""), r.usage.prompt_tokens)

The translation is made only where it is faithful: the request's arguments all have a chat form (``input`` one
string or a list of role/content messages with ``input_text`` / ``input_image`` parts, ``instructions``,
``max_output_tokens``, ``text={"format": ...}``, ``text_format=`` with ``responses.parse``, ``temperature``,
``top_p``, ``stream``), and every read of the result in the function is one chat answers the same way
(``output_text``, ``output_parsed``, ``usage.input_tokens`` / ``output_tokens`` / ``total_tokens``, ``id``,
``model``; on a stream, ``event.type == "response.output_text.delta"`` with ``event.delta`` under it, and
``"response.completed"``). Server-side state (``previous_response_id``, ``store=True`` then ``retrieve``,
``conversation``, ``background``, ``conversations.*``) has no chat form: manual, with the reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.edits import HOLE
from migrator.resolve import MODULE_CLIENT
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import function_of, kwarg, models_of, module_index, receiver
from migrator.rules.features.text_completions import single_string
from migrator.rules.providers import ModelTarget
from migrator.sites import Site

# request arguments that keep server-side state: no chat form
STATEFUL = ("previous_response_id", "conversation", "background", "prompt", "include", "truncation")
# request arguments that chat.completions takes as they are
_SAME_ON_CHAT = ("model", "temperature", "top_p", "user", "timeout", "extra_headers", "extra_query", "extra_body",
                 "parallel_tool_calls", "service_tier", "seed")
# reads of a response that a chat completion answers the same way
_SAME_READS = ("id", "model")
_USAGE = {"input_tokens": "prompt_tokens", "output_tokens": "completion_tokens", "total_tokens": "total_tokens"}
_PART_TYPES = {"input_text": "text", "output_text": "text"}
_ROLES = ("user", "system", "developer", "assistant")
_DELTA = "response.output_text.delta"
_DONE = ("response.completed", "response.output_text.done")


@dataclass
class Plan:
    """What happens to one Responses call: kept (the target serves it), made a chat call, or neither."""

    how: str  # "keep" | "chat" | "" (manual: ``reason`` says why)
    reason: str = ""
    base_url: str = ""  # keep: the Responses API's own base URL on this target ("" : the client's)
    edits: list[tuple[ast.AST, str, dict]] = field(default_factory=list)  # chat: the rewrite, planned
    changes: list[str] = field(default_factory=list)  # chat: what it changes, for the message
    lossy: list[tuple[ast.AST, str]] = field(default_factory=list)  # chat: what it drops (an OA703 marker each)
    # chat: ids of the lists the call shares with other Responses calls (its tools, its conversation): those
    # calls become chat calls together or not at all
    shared: set[int] = field(default_factory=set)
    conversation: str = ""  # chat: the name of the list its input is (``input=input_list``)
    why_chat: str = ""  # chat: why the call becomes a chat call (the target's reason, or --responses chat)


def serves(ctx: PlanContext) -> bool:
    """The target serves the Responses API in this region, and the user did not ask for chat calls."""
    api = ctx.spec.responses
    return api is not None and ctx.options.responses != "chat" and api.base_url(ctx.options.region) is not None


def plan(site: Site, ctx: PlanContext) -> Plan:
    """The plan for a ``responses.*`` / ``conversations.*`` call (answered once per call). Calls that share a
    tools list or a conversation list become chat calls together or not at all."""
    memo = ctx.memo.setdefault("responses", {})
    if id(site.node) not in memo:
        own = _individual(site, ctx)
        if own.how == "chat" and own.shared:
            for other in ctx.sites:
                if other is site or other.kind != "call" or other.resource is None \
                        or other.resource.feature != "responses":
                    continue
                theirs = _individual(other, ctx)
                if theirs.how != "chat" and _shares(other, own.shared, ctx):
                    own = Plan("", f"another Responses call (line {other.node.lineno}) uses the same tools or "  # type: ignore[attr-defined]
                                   f"conversation list and cannot become a chat call: {theirs.reason or 'kept'}")
                    break
        memo[id(site.node)] = own
    return memo[id(site.node)]


def _individual(site: Site, ctx: PlanContext) -> Plan:
    memo = ctx.memo.setdefault("responses_one", {})
    if id(site.node) not in memo:
        memo[id(site.node)] = _plan(site, ctx)
    return memo[id(site.node)]


def _shares(site: Site, lists: set[int], ctx: PlanContext) -> bool:
    """The call passes one of ``lists`` (ids of list literals) as its tools or input."""
    call = site.node
    assert isinstance(call, ast.Call)
    for name in ("tools", "input"):
        k = kwarg(call, name)
        if k is not None and isinstance(k.value, ast.Name):
            bound = _bound_list(k.value, site, ctx)
            if bound is not None and id(bound[1]) in lists:
                return True
    return False


def _bound_list(name: ast.Name, site: Site, ctx: PlanContext) -> tuple[ast.Assign, ast.List] | None:
    """``name = [...]``, the one assignment of the name where the call reads it (its function or the module)."""
    entries = ctx.resolver._binding_entries(name.id, site.scope)
    if len(entries) != 1 or entries[0][0][0] != "expr" or not isinstance(entries[0][0][1], ast.List):
        return None
    value = entries[0][0][1]
    index = module_index(ctx.resolver)
    stmt = index.parents.get(id(value))
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    return stmt, value


def handled(site: Site, ctx: PlanContext) -> bool:
    return plan(site, ctx).how != ""


def model_target(target: ModelTarget, ctx: PlanContext) -> ModelTarget:
    """A kept Responses call needs a model that serves the API there (Kimi: kimi-k3 only)."""
    api = ctx.spec.responses
    if api is None or api.serves(target.model) or not api.model:
        return target
    return ModelTarget(api.model, note=f"{target.model} does not serve {ctx.spec.display}'s Responses API; "
                                       f"{api.model} does")


def _path(site: Site) -> tuple[str, ...]:
    return tuple(p for p in site.extra.get("path", ()) if p not in surface.TRANSPARENT_SEGMENTS)


def _set(call: ast.Call, name: str) -> bool:
    """The argument is given and not a constant None / False."""
    k = kwarg(call, name)
    return k is not None and not (isinstance(k.value, ast.Constant) and k.value.value in (None, False))


def _plan(site: Site, ctx: PlanContext) -> Plan:
    path, call = _path(site), site.node
    assert isinstance(call, ast.Call)
    if path[0] == "conversations":
        return Plan("", "the Conversations API keeps the conversation on OpenAI's servers; no provider offers it: "
                        "keep the messages yourself and send them as input")
    method = ".".join(path[1:])
    api = ctx.spec.responses
    if serves(ctx):
        assert api is not None
        if method not in ("create", "stream", "parse") and api.stateless:
            return Plan("", f"{api.stateless}: responses.{method} has nothing to read back")
        lacking = [name for name in api.lacks if _set(call, name)]
        if lacking:
            return Plan("", "; ".join(api.lacks[name] for name in lacking))
        kept = [name for name in ("previous_response_id", "conversation", "background") if _set(call, name)]
        if kept and api.stateless:
            return Plan("", f"{api.stateless}: {', '.join(kept)} need{'s' if len(kept) == 1 else ''} a stored "
                            "response; send the whole conversation as input")
        base = api.base_url(ctx.options.region) or ""
        if base and _sent_there(receiver(site), base):
            base = ""  # migrated already: client.with_options(base_url=<that URL>)
        if base and (MODULE_CLIENT in site.clients or _receiver(site, ctx) is None):
            return Plan("", f"{ctx.spec.display} serves the Responses API at {base}, not at the chat base URL, "
                            "and migrator cannot give this call a client of its own")
        return Plan("keep", base_url=base)
    where = ("with --responses chat" if api is not None and ctx.options.responses == "chat" else
             ctx.spec.unsupported_reason("responses", path) or f"{ctx.spec.display} does not serve it here")
    if method not in ("create", "parse"):
        return Plan("", f"responses.{method} reads server-side state, which chat.completions does not keep ({where})")
    stateful = [name for name in STATEFUL if _set(call, name)] + (["store=True"] if _set(call, "store") else [])
    if stateful:
        return Plan("", f"{', '.join(stateful)} keep{'s' if len(stateful) == 1 else ''} state on the server, which "
                        f"chat.completions does not ({where})")
    out = Plan("chat", why_chat=where)
    refusal = _Translation(site, ctx, out, method).request() or _Reads(site, ctx, out).check()
    if refusal:
        return Plan("", f"{where}; not translated to chat.completions: {refusal}")
    return out


def _sent_there(node: ast.expr | None, base: str) -> bool:
    """``node`` is ``<client>.with_options(base_url=base)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_options"):
        return False
    url = kwarg(node, "base_url")
    return url is not None and isinstance(url.value, ast.Constant) and url.value.value == base


def constant_target(lit: ast.Constant, target: ModelTarget, ctx: PlanContext,
                    func: ast.AST | None = None) -> ModelTarget:
    """A model setting that a kept Responses call of the module uses needs a model that serves the API; so does
    a model argument of a call of a function (``func``) that makes a kept Responses call."""
    for s in ctx.sites:
        if s.kind == "call" and s.resource is not None and s.resource.feature == "responses" \
                and plan(s, ctx).how == "keep" and (any(u.literal is lit for u in models_of(s, ctx))
                                                   or func is not None and function_of(s.scope) is func):
            return model_target(target, ctx)
    return target


def _receiver(site: Site, ctx: PlanContext) -> ast.expr | None:
    """The client expression, when the call reads ``<client>.responses.<method>``."""
    node = receiver(site)
    return node if node is not None and ctx.segment(node) is not None else None


def keep(site: Site, ctx: PlanContext, code: str) -> list[str]:
    """Plans a kept call's rewrite (its own base URL); returns what changed."""
    p = plan(site, ctx)
    if not p.base_url:
        return []
    node = _receiver(site, ctx)
    assert node is not None
    ctx.edit(node, "replace_expr", code, src=f"{ctx.segment(node)}.with_options(base_url={ctx.string(p.base_url)})")
    return [f"sent to {p.base_url} (client.with_options(base_url=...)): chat stays on the client's base URL"]


def convert(site: Site, ctx: PlanContext, code: str) -> list[str]:
    """Plans the chat rewrite :func:`plan` found faithful; returns what it changes."""
    p = plan(site, ctx)
    done = ctx.memo.setdefault("responses_edits", {})  # lists shared by several calls are rewritten once
    replaced = [_span(n) for n, op, _ in p.edits if op == "replace_expr"]
    for node, op, args in p.edits:
        if any(outer[0] <= _span(node)[0] and _span(node)[1] <= outer[1] and outer != _span(node)
               for outer in replaced):
            continue  # inside a node this plan writes anew (its text already says it)
        key = (id(node), op, repr(sorted(args.items())))
        if key not in done:
            done[key] = True
            ctx.edit(node, op, code, **args)
    return p.changes


class _Translation:
    """The request of a Responses call as chat.completions arguments (planned into ``plan.edits``)."""

    def __init__(self, site: Site, ctx: PlanContext, plan: Plan, method: str) -> None:
        self.site, self.ctx, self.plan, self.method = site, ctx, plan, method
        self.call: ast.Call = site.node  # type: ignore[assignment]
        self.q = ctx.quote

    def edit(self, node: ast.AST, op: str, **args: object) -> None:
        self.plan.edits.append((node, op, args))

    def request(self) -> str | None:
        call, ctx = self.call, self.ctx
        if call.args or any(k.arg is None for k in call.keywords):
            return "its arguments are spread or positional"
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
                and func.value.attr == "responses" and ctx.segment(func.value.value) is not None):
            return "migrator cannot rename the method"
        known = {"input", "instructions", "max_output_tokens", "stream", "store", "text", "text_format",
                 "tool_choice", "reasoning", "tools", *_SAME_ON_CHAT}
        other = [k.arg for k in call.keywords if k.arg not in known]
        if other:
            return f"{', '.join(other)} ha{'s' if len(other) == 1 else 've'} no chat form migrator writes"
        stream = kwarg(call, "stream")
        if stream is not None and not isinstance(stream.value, ast.Constant):
            return "whether it streams is decided at run time"
        if kwarg(call, "tool_choice") is not None and kwarg(call, "tools") is None:
            return "it passes tool_choice without tools"
        refusal = self._input() or self._format() or self._reasoning() or self._tools()
        if refusal:
            return refusal
        method = "parse" if self.method == "parse" else "create"
        self.edit(func, "replace_expr", src=f"{ctx.segment(func.value.value)}.chat.completions.{method}")
        store = kwarg(call, "store")
        if store is not None:
            self.edit(call, "remove_kwarg", name="store")
        if kwarg(call, "max_output_tokens") is not None:
            self.edit(call, "rename_kwarg", old="max_output_tokens", new="max_tokens")
            self.plan.changes.append("max_output_tokens → max_tokens")
        return None

    # -- input and instructions -> messages

    def _input(self) -> str | None:
        call, ctx, q = self.call, self.ctx, self.q
        given, instructions = kwarg(call, "input"), kwarg(call, "instructions")
        if given is None:
            return "it has no input"
        system = ""
        if instructions is not None:
            seg = ctx.segment(instructions.value)
            if seg is None:
                return "migrator cannot read its instructions"
            system = f"{{{q}role{q}: {q}system{q}, {q}content{q}: {seg}}}"
        value = given.value
        if isinstance(value, ast.List):
            swaps = self._messages(value)
            if swaps is None or not value.elts:
                return "its input items are not all role/content messages with text or image parts"
            for node, src in swaps:
                self.edit(node, "replace_expr", src=src)
            if system:  # the system message goes first: the first item becomes two
                first = value.elts[0]
                if any(node is first for node, _ in swaps):
                    return "migrator cannot put the instructions before its first item"
                self.edit(first, "template_expr", src=f"{system}, {HOLE}")
            changes = ["input items → messages"]
        elif isinstance(value, ast.Name) and _bound_list(value, self.site, ctx) is not None:
            refusal = self._conversation(value)
            if refusal:
                return refusal
            if system:  # the list is shared: the system message goes in front of it for this call only
                self.edit(value, "template_expr", src=f"[{system}, *{HOLE}]")
            changes = ["the input list → messages (function_call_output items → tool messages)"]
        elif single_string(value, ctx, self.site.scope):
            user = f"{{{q}role{q}: {q}user{q}, {q}content{q}: {HOLE}}}"
            self.edit(value, "template_expr", src=f"[{system}, {user}]" if system else f"[{user}]")
            changes = ["input → a user message"]
        else:
            return "its input is not one string or a list of messages as far as migrator can see"
        self.edit(call, "rename_kwarg", old="input", new="messages")
        if instructions is not None:
            self.edit(call, "remove_kwarg", name="instructions")
            changes.insert(0, "instructions → a system message")
        self.plan.changes += changes
        return None

    def _messages(self, items: ast.List) -> list[tuple[ast.AST, str]] | None:
        """Each Responses-only piece of the list with its chat form (None: an item chat lacks)."""
        ctx = self.ctx
        swaps: list[tuple[ast.AST, str]] = []
        for item in items.elts:
            output = self._tool_output(item)
            if output is not None:
                swaps.append((item, output))
                continue
            if not isinstance(item, ast.Dict) or None in item.keys:
                return None
            entries = {k.value: v for k, v in zip(item.keys, item.values, strict=True)
                       if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if len(entries) != len(item.keys) or set(entries) - {"role", "content", "type"}:
                return None
            kind, role = entries.get("type"), entries.get("role")
            if kind is not None and not (isinstance(kind, ast.Constant) and kind.value == "message"):
                return None
            if not (isinstance(role, ast.Constant) and role.value in _ROLES):
                return None
            if kind is not None:
                swaps.append((item, self._without_type(item)))
                continue
            content = entries.get("content")
            if content is None:
                return None
            if isinstance(content, ast.List):
                for part in content.elts:
                    swap = self._part(part)
                    if swap is None:
                        return None
                    swaps.extend(swap)
            elif not single_string(content, ctx, self.site.scope):
                return None
        return swaps

    def _tool_output(self, item: ast.expr) -> str | None:
        """``{"type": "function_call_output", "call_id": c, "output": o}`` as a tool message (None: not one)."""
        if not isinstance(item, ast.Dict) or None in item.keys:
            return None
        entries = {k.value: v for k, v in zip(item.keys, item.values, strict=True) if isinstance(k, ast.Constant)}
        kind = entries.get("type")
        if set(entries) != {"type", "call_id", "output"} or len(entries) != len(item.keys) \
                or not (isinstance(kind, ast.Constant) and kind.value == "function_call_output"):
            return None
        q, seg = self.q, self.ctx.segment
        call_id = entries["call_id"]
        # ``item.call_id`` of the loop over the output items: the chat tool call's ``id`` (the read's own edit
        # lies inside this one and is dropped)
        ident = f"{seg(call_id.value)}.id" if isinstance(call_id, ast.Attribute) and call_id.attr == "call_id" \
            else seg(call_id)
        return f"{{{q}role{q}: {q}tool{q}, {q}tool_call_id{q}: {ident}, {q}content{q}: {seg(entries['output'])}}}"

    def _conversation(self, name: ast.Name) -> str | None:
        """``input=items`` where ``items = [...]`` in the function, grown with ``.append({...})`` and
        ``items += response.output``: the list becomes chat messages."""
        ctx = self.ctx
        bound = _bound_list(name, self.site, ctx)
        assert bound is not None
        stmt, literal = bound
        swaps = self._messages(literal)
        if swaps is None:
            return "its input list holds items that are not role/content messages or function call outputs"
        index = module_index(ctx.resolver)
        parents, owner = index.parents, index.owner
        scope = owner[id(stmt)]
        if _read_elsewhere(name.id, scope, owner, ctx):
            return f"its input list {name.id} is also used in another function that migrator does not follow"
        for node in ast.walk(scope):
            if not (isinstance(node, ast.Name) and node.id == name.id and owner.get(id(node)) is scope) \
                    or node is stmt.targets[0]:
                continue
            parent = parents.get(id(node))
            if isinstance(parent, ast.keyword) and parent.arg == "input":
                continue  # a Responses call (the group check makes sure it becomes a chat call too)
            if isinstance(parent, ast.AugAssign) and parent.target is node and _output_of(parent.value):
                continue  # items += response.output: the response's reads plan it
            method = parents.get(id(parent)) if isinstance(parent, ast.Attribute) and parent.value is node else None
            if isinstance(method, ast.Call) and method.func is parent and len(method.args) == 1 \
                    and not method.keywords:
                arg = method.args[0]
                if parent.attr == "extend" and _output_of(arg):
                    continue
                if parent.attr == "append":
                    output = self._tool_output(arg)
                    if output is not None:
                        swaps.append((arg, output))
                        continue
                    more = self._messages(ast.List(elts=[arg]))
                    if more is not None:
                        swaps.extend(more)
                        continue
            return f"its input list {name.id} is used in ways migrator cannot follow (line {node.lineno})"
        for node, src in swaps:
            self.edit(node, "replace_expr", src=src)
        self.edit(self.call, "rename_kwarg", old="input", new="messages")
        self.plan.shared.add(id(literal))
        self.plan.conversation = name.id
        return None

    def _tools(self) -> str | None:
        """Responses function tools ``{"type": "function", "name": ...}`` → chat tools ``{"type": "function",
        "function": {...}}``, in a literal at the call or in the one list the name holds."""
        call, ctx = self.call, self.ctx
        k = kwarg(call, "tools")
        if k is None:
            return None
        literal: ast.expr = k.value
        if isinstance(k.value, ast.Name):
            bound = _bound_list(k.value, self.site, ctx)
            if bound is None:
                return "its tools are not a list migrator can see"
            literal = bound[1]
            index = module_index(ctx.resolver)
            for node in ast.walk(ctx.resolver.tree):  # every read of the list: a Responses call's tools=
                if isinstance(node, ast.Name) and node.id == k.value.id and isinstance(node.ctx, ast.Load):
                    parent = index.parents.get(id(node))
                    if not (isinstance(parent, ast.keyword) and parent.arg == "tools"):
                        return f"its tools list {k.value.id} is used elsewhere too (line {node.lineno})"
            self.plan.shared.add(id(literal))
        if not isinstance(literal, ast.List):
            return "its tools are not a list migrator can see"
        q, seg = self.q, ctx.segment
        for tool in literal.elts:
            entries = {key.value: v for key, v in zip(tool.keys, tool.values, strict=True)
                       if isinstance(key, ast.Constant)} if isinstance(tool, ast.Dict) else {}
            kind = entries.get("type")
            if not (isinstance(kind, ast.Constant) and kind.value == "function") or "name" not in entries \
                    or len(entries) != len(tool.keys) or set(entries) - {"type", "name", "description", "parameters",  # type: ignore[union-attr]
                                                                          "strict"}:
                return "its tools are not all function tools written out (hosted tools have no chat form)"
            inner = ", ".join(f"{q}{key}{q}: {seg(v)}" for key, v in entries.items() if key != "type")
            self.edit(tool, "replace_expr", src=f"{{{q}type{q}: {q}function{q}, {q}function{q}: {{{inner}}}}}")
        choice = kwarg(call, "tool_choice")
        if choice is not None:
            value = choice.value
            name = _entry(value, "name")
            if isinstance(value, ast.Dict) and name is not None and len(value.keys) == 2:
                self.edit(value, "replace_expr", src=f"{{{q}type{q}: {q}function{q}, {q}function{q}: "
                                                     f"{{{q}name{q}: {seg(name)}}}}}")
            elif not (isinstance(value, ast.Constant) and value.value in ("auto", "none", "required")):
                return "its tool_choice has no chat form migrator writes"
        self.plan.changes.append("function tools → chat tools")
        return None

    def _without_type(self, item: ast.Dict) -> str:
        """A ``{"type": "message", "role": ..., "content": "..."}`` item without its type (a plain message)."""
        parts = [f"{self.ctx.segment(k)}: {self.ctx.segment(v)}" for k, v in zip(item.keys, item.values, strict=True)
                 if not (isinstance(k, ast.Constant) and k.value == "type")]
        return "{" + ", ".join(parts) + "}"

    def _part(self, part: ast.expr) -> list[tuple[ast.AST, str]] | None:
        """``{"type": "input_text", "text": t}`` → ``{"type": "text", ...}``; ``input_image`` → ``image_url``."""
        if not isinstance(part, ast.Dict) or None in part.keys:
            return None
        entries = {k.value: (k, v) for k, v in zip(part.keys, part.values, strict=True)
                   if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        kind = entries.get("type", (None, None))[1]
        if not isinstance(kind, ast.Constant) or len(entries) != len(part.keys):
            return None
        q = self.q
        if kind.value in _PART_TYPES and set(entries) == {"type", "text"}:
            return [(kind, f"{q}{_PART_TYPES[kind.value]}{q}")]
        if kind.value == "input_image" and set(entries) <= {"type", "image_url", "detail"} and "image_url" in entries:
            url = self.ctx.segment(entries["image_url"][1])
            detail = entries.get("detail")
            inner = f"{q}url{q}: {url}" + (f", {q}detail{q}: {self.ctx.segment(detail[1])}" if detail else "")
            return [(part, f"{{{q}type{q}: {q}image_url{q}, {q}image_url{q}: {{{inner}}}}}")]
        return None

    def _reasoning(self) -> str | None:
        """``reasoning={"effort": ...}``: chat has no portable equivalent on the providers; dropped, said."""
        k = kwarg(self.call, "reasoning")
        if k is None:
            return None
        if not isinstance(k.value, ast.Dict) or None in k.value.keys or not all(
                isinstance(key, ast.Constant) and key.value in ("effort", "summary") for key in k.value.keys):
            return "its reasoning= is not a literal {\"effort\": ...}"
        self.edit(self.call, "remove_kwarg", name="reasoning")
        self.plan.lossy.append((k, f"reasoning={self.ctx.segment(k.value)} dropped: the chat call runs with the "
                                   f"model's own reasoning default on {self.ctx.spec.display}"))
        return None

    # -- text= / text_format= -> response_format

    def _format(self) -> str | None:
        call, ctx, q = self.call, self.ctx, self.q
        text, text_format = kwarg(call, "text"), kwarg(call, "text_format")
        if text_format is not None:
            if self.method != "parse":
                return "text_format is a responses.parse argument"
            if ctx.spec.json_schema != "yes":
                return f"{ctx.spec.display} does not take a json_schema response format everywhere"
            self.edit(call, "rename_kwarg", old="text_format", new="response_format")
            self.plan.changes.append("text_format → response_format (chat.completions.parse)")
        if text is None:
            return None
        if not isinstance(text.value, ast.Dict) or None in text.value.keys or not all(
                isinstance(key, ast.Constant) and key.value in ("format", "verbosity") for key in text.value.keys):
            return "its text= is not a literal {\"format\": ..., \"verbosity\": ...}"
        verbosity = _entry(text.value, "verbosity")
        if verbosity is not None:
            self.plan.lossy.append((text, f"text verbosity {self.ctx.segment(verbosity)} dropped: no provider's chat "
                                          "call takes it"))
        fmt = _entry(text.value, "format")
        if fmt is None:
            self.edit(call, "remove_kwarg", name="text")
            return None
        kind = _entry(fmt, "type")
        if not isinstance(kind, ast.Constant) or not isinstance(fmt, ast.Dict):
            return "its text format is not a literal"
        if kind.value in ("text", "json_object") and len(fmt.keys) == 1:
            src = ctx.segment(fmt)
        elif kind.value == "json_schema" and ctx.spec.json_schema == "yes":
            inner = [f"{ctx.segment(k)}: {ctx.segment(v)}" for k, v in zip(fmt.keys, fmt.values, strict=True)
                     if not (isinstance(k, ast.Constant) and k.value == "type")]
            src = f"{{{q}type{q}: {q}json_schema{q}, {q}json_schema{q}: {{{', '.join(inner)}}}}}"
        else:
            return f"{ctx.spec.display} does not take a {kind.value} response format"
        if src is None:
            return "migrator cannot read its text format"
        self.edit(text.value, "replace_expr", src=src)
        self.edit(call, "rename_kwarg", old="text", new="response_format")
        self.plan.changes.append("text={\"format\": ...} → response_format")
        return None


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]


def _read_elsewhere(name: str, scope: ast.AST, owner: dict, ctx: PlanContext) -> bool:
    """The name is used in a scope other than ``scope`` where it may be ``scope``'s variable: a function or
    lambda nested in it, or any function of the module when ``scope`` is the module."""
    area = ctx.resolver.tree if isinstance(scope, ast.Module) else scope
    return any(isinstance(n, ast.Name) and n.id == name and owner.get(id(n)) is not scope for n in ast.walk(area))


def _sends_back_ids(ctx: PlanContext) -> bool:
    return any(isinstance(n, ast.keyword) and n.arg == "previous_response_id" and not (
        isinstance(n.value, ast.Constant) and n.value.value is None) for n in ast.walk(ctx.resolver.tree))


def _output_of(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "output"


def _entry(node: ast.expr, key: str) -> ast.expr | None:
    if not isinstance(node, ast.Dict):
        return None
    return next((v for k, v in zip(node.keys, node.values, strict=True)
                 if isinstance(k, ast.Constant) and k.value == key), None)


class _Reads:
    """The reads of the call's result: each must have a chat form (planned into ``plan.edits``)."""

    def __init__(self, site: Site, ctx: PlanContext, plan: Plan) -> None:
        self.site, self.ctx, self.plan = site, ctx, plan
        index = module_index(ctx.resolver)
        self.parents, self.owner = index.parents, index.owner
        stream = kwarg(site.node, "stream")  # type: ignore[arg-type]
        self.stream = stream is not None and isinstance(stream.value, ast.Constant) and bool(stream.value.value)
        self.guards: set[int] = set()  # ids of the delta tests already translated
        self.why = ""  # a specific reason the reads cannot be translated
        self.found: set[str] = set()

    def edit(self, node: ast.AST, src: str) -> None:
        self.plan.edits.append((node, "replace_expr", {"src": src}))

    def around(self, attribute: ast.Attribute, template: str) -> None:
        """``x.attr`` → the template around ``x`` as rewritten (a call's own edits inside ``x`` stay)."""
        self.plan.edits.append((attribute, "attr_template", {"src": template}))

    def check(self) -> str | None:
        call: ast.AST = self.site.node
        parent = self.parents.get(id(call))
        if isinstance(parent, ast.Await):
            call, parent = parent, self.parents.get(id(parent))
        if isinstance(parent, ast.Expr):
            return None  # the result is not read
        if isinstance(parent, ast.Attribute) and not self.stream:
            return self._done(self._result(call))
        if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
            return "its result is used in ways migrator cannot follow"
        name, scope = parent.targets[0].id, self.owner[id(parent)]
        if _read_elsewhere(name, scope, self.owner, self.ctx):
            return f"{name} is also read in another function (or a lambda) that migrator does not follow"
        uses = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and self.owner.get(id(n)) is scope]
        stores = [n for n in uses if not isinstance(n.ctx, ast.Load)]
        reads = self._reached(parent, stores, [n for n in uses if isinstance(n.ctx, ast.Load)])
        if reads is None:
            return "the name that holds its result holds something else too"
        if self.stream:
            return self._done(all(self._stream(n) for n in reads))
        return self._done(all(self._result(n) for n in reads))

    def _reached(self, assign: ast.Assign, stores: list[ast.Name], loads: list[ast.Name]) -> list[ast.Name] | None:
        """The reads of the name this assignment reaches: all of them when it is the only store; else, when every
        store is an assignment in the same straight run of statements (no loop around them), the reads between
        this one and the next (None: migrator cannot tell)."""
        if len(stores) == 1:
            return loads
        statements = [self.parents.get(id(s)) for s in stores]
        if not all(isinstance(st, ast.Assign) and len(st.targets) == 1 for st in statements):
            return None
        body = self._body_of(assign)
        if body is None or not all(self._body_of(st) is body for st in statements):  # type: ignore[arg-type]
            return None
        node: ast.AST | None = assign
        while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            if isinstance(node, ast.For | ast.AsyncFor | ast.While):
                return None
            node = self.parents.get(id(node))
        later = sorted((st for st in statements if st.lineno > assign.lineno), key=lambda st: st.lineno)  # type: ignore[union-attr]
        nxt = later[0] if later else None
        done = (assign.end_lineno, assign.end_col_offset)

        def mine(n: ast.Name) -> bool:
            """Read after this assignment, and before the next one stores (its value is evaluated first)."""
            if (n.lineno, n.col_offset) < done:  # type: ignore[operator]
                return False
            return nxt is None or (n.lineno, n.col_offset) < (nxt.end_lineno, nxt.end_col_offset)  # type: ignore[union-attr, operator]

        return [n for n in loads if mine(n)]

    def _body_of(self, stmt: ast.stmt) -> list | None:
        parent = self.parents.get(id(stmt))
        for name in ("body", "orelse", "finalbody"):
            block = getattr(parent, name, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
        return None

    def _done(self, ok: bool) -> str | None:
        if not ok:
            return self.why or ("its result is read in ways migrator cannot translate (output items, events or "
                                "fields chat lacks)")
        names = {"output_text": "output_text → .choices[0].message.content", "usage": "usage.input_tokens / "
                 "output_tokens → prompt_tokens / completion_tokens", "stream": "stream events → chunk deltas",
                 "output_parsed": "output_parsed → .choices[0].message.parsed",
                 "output": "function_call output items → .choices[0].message.tool_calls"}
        self.plan.changes += [names[n] for n in ("output_text", "output_parsed", "output", "usage", "stream")
                              if n in self.found]
        return None

    def _result(self, node: ast.AST) -> bool:
        """``node`` is the response: each attribute read has a chat form."""
        parent = self.parents.get(id(node))
        if not (isinstance(parent, ast.Attribute) and parent.value is node):
            return False
        seg = self.ctx.segment(node)
        if seg is None:
            return False
        if parent.attr in ("output_text", "output_parsed"):
            self.found.add(parent.attr)
            if parent.attr == "output_text":  # "" on a turn that only calls tools, as output_text was
                empty = "str()" if self._in_fstring(parent) else self.ctx.quote * 2  # no quotes inside f"..."
                self.around(parent, f"({HOLE}.choices[0].message.content or {empty})")
            else:
                self.around(parent, f"{HOLE}.choices[0].message.parsed")
            return True
        if parent.attr == "usage":
            return self._usage(parent)
        if parent.attr == "output":
            return self._output(parent, seg)
        if parent.attr == "id":  # a chat completion's id is no response id: it cannot be read back
            use = self.parents.get(id(parent))
            if not isinstance(use, ast.keyword) and _sends_back_ids(self.ctx):
                self.why = ("its id is read while the module sends response ids back (previous_response_id), and a "
                            "chat completion's id names no stored response")
                return False
            if isinstance(use, ast.keyword) and use.arg == "previous_response_id":
                self.why = (f"its id is sent back as previous_response_id (line {use.value.lineno}), and a chat "
                            "completion's id names no stored response")
                return False
            return True
        return parent.attr in _SAME_READS

    def _output(self, node: ast.Attribute, seg: str) -> bool:
        """``r.output``: iterated for its function calls, or added to the conversation list."""
        parent = self.parents.get(id(node))
        conversation = self.plan.conversation
        grown = isinstance(parent, ast.AugAssign) and parent.value is node and isinstance(parent.target, ast.Name) \
            and parent.target.id == conversation
        if not grown and isinstance(parent, ast.Call) and parent.args == [node]:
            func = parent.func
            grown = isinstance(func, ast.Attribute) and func.attr == "extend" and isinstance(func.value, ast.Name) \
                and func.value.id == conversation
        if grown:
            self.found.add("output")
            self.around(node, f"[{HOLE}.choices[0].message]")
            return True
        if isinstance(parent, ast.For) and parent.iter is node and isinstance(parent.target, ast.Name):
            item, scope = parent.target.id, self.owner[id(parent)]
            uses = [n for n in ast.walk(parent) if isinstance(n, ast.Name) and n.id == item
                    and self.owner.get(id(n)) is scope and n is not parent.target]
            if any(not isinstance(n.ctx, ast.Load) for n in uses) or not all(self._tool_call(n) for n in uses):
                return False
            self.found.add("output")
            self.around(node, f"({HOLE}.choices[0].message.tool_calls or [])")
            return True
        return False

    def _tool_call(self, node: ast.Name) -> bool:
        """A read of an output item in a loop that handles function calls: its chat tool call form."""
        parent = self.parents.get(id(node))
        if not (isinstance(parent, ast.Attribute) and parent.value is node):
            return False
        if parent.attr == "type":
            test = self.parents.get(id(parent))
            if isinstance(test, ast.Compare) and test.left is parent and len(test.ops) == 1 \
                    and isinstance(test.ops[0], ast.Eq | ast.NotEq) and isinstance(test.comparators[0], ast.Constant) \
                    and test.comparators[0].value == "function_call":
                self.plan.edits.append((test.comparators[0], "replace_string", {"value": "function"}))
                return True
            return False
        if parent.attr in ("name", "arguments"):
            self.plan.edits.append((parent, "rename_attr", {"name": parent.attr, "extra": "function"}))
            return True
        if parent.attr == "call_id":
            self.plan.edits.append((parent, "rename_attr", {"name": "id"}))
            return True
        return False

    def _in_fstring(self, node: ast.AST) -> bool:
        parent = self.parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.JoinedStr):
                return True
            parent = self.parents.get(id(parent))
        return False

    def _usage(self, node: ast.Attribute) -> bool:
        parent = self.parents.get(id(node))
        if not (isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _USAGE):
            return False
        self.found.add("usage")
        if _USAGE[parent.attr] != parent.attr:
            self.plan.edits.append((parent, "rename_attr", {"name": _USAGE[parent.attr]}))
        return True

    def _stream(self, node: ast.AST) -> bool:
        """``node`` is the stream: iterated once with ``for event in stream`` (or ``async for``)."""
        loop = self.parents.get(id(node))
        if not (isinstance(loop, ast.For | ast.AsyncFor) and loop.iter is node and isinstance(loop.target, ast.Name)):
            return False
        event, scope = loop.target.id, self.owner[id(loop)]
        uses = [n for n in ast.walk(loop) if isinstance(n, ast.Name) and n.id == event
                and self.owner.get(id(n)) is scope and n is not loop.target]
        if any(not isinstance(n.ctx, ast.Load) for n in uses):
            return False
        self.found.add("stream")
        return all(self._event(n) for n in uses)

    def _event(self, node: ast.Name) -> bool:
        parent = self.parents.get(id(node))
        if not (isinstance(parent, ast.Attribute) and parent.value is node):
            return False
        e = node.id
        if parent.attr == "type":
            test = self.parents.get(id(parent))
            if not (isinstance(test, ast.Compare) and test.left is parent and len(test.ops) == 1
                    and isinstance(test.ops[0], ast.Eq | ast.NotEq) and isinstance(test.comparators[0], ast.Constant)):
                return False
            kind = test.comparators[0].value
            if kind == _DELTA:
                src = f"bool({e}.choices and {e}.choices[0].delta.content)"
                self.guards.add(id(test))
            elif kind in _DONE:
                src = f"bool({e}.choices and {e}.choices[0].finish_reason)"
            else:
                return False
            self.edit(test, src if isinstance(test.ops[0], ast.Eq) else f"not {src}")
            return True
        if parent.attr == "delta" and self._guarded(parent):
            self.around(parent, f"{HOLE}.choices[0].delta.content")
            return True
        return False

    def _guarded(self, node: ast.AST) -> bool:
        """``node`` runs only when the event's test for a text delta held (inside the ``if`` body)."""
        child, parent = node, self.parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.For | ast.AsyncFor):
            if isinstance(parent, ast.If) and child in parent.body and isinstance(parent.test, ast.Compare) \
                    and isinstance(parent.test.ops[0], ast.Eq) and isinstance(parent.test.comparators[0], ast.Constant) \
                    and parent.test.comparators[0].value == _DELTA:
                return True
            child, parent = parent, self.parents.get(id(parent))
        return False
