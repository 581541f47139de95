"""The request of a Responses call as chat.completions arguments: input and instructions become messages,
function tools chat tools, ``text=`` / ``text_format=`` ``response_format`` (``responses.py`` has the rules
of when a call is translated)."""

from __future__ import annotations

import ast

from migrator.edits import HOLE, EditOp
from migrator.rules.base import PlanContext
from migrator.rules.features.common import kwarg, module_index
from migrator.rules.features.responses_common import Plan, bound_list, read_elsewhere
from migrator.rules.features.text_completions import single_string
from migrator.sites import Site

# request arguments that chat.completions takes as they are
_SAME_ON_CHAT = ("model", "temperature", "top_p", "user", "timeout", "extra_headers", "extra_query", "extra_body",
                 "parallel_tool_calls", "service_tier", "seed")
_PART_TYPES = {"input_text": "text", "output_text": "text"}
_ROLES = ("user", "system", "developer", "assistant")


class Translation:
    """The request of a Responses call as chat.completions arguments (planned into ``plan.edits``)."""

    def __init__(self, site: Site, ctx: PlanContext, plan: Plan, method: str) -> None:
        self.site, self.ctx, self.plan, self.method = site, ctx, plan, method
        assert isinstance(site.node, ast.Call)  # responses.plan checks it
        self.call = site.node
        self.q = ctx.quote

    def edit(self, node: ast.AST, op: EditOp, **args: object) -> None:
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
        other = [k.arg for k in call.keywords if k.arg is not None and k.arg not in known]
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
        elif isinstance(value, ast.Name) and bound_list(value, self.site, ctx) is not None:
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
        bound = bound_list(name, self.site, ctx)
        assert bound is not None
        stmt, literal = bound
        swaps = self._messages(literal)
        if swaps is None:
            return "its input list holds items that are not role/content messages or function call outputs"
        index = module_index(ctx.resolver)
        parents, owner = index.parents, index.owner
        scope = owner[id(stmt)]
        if read_elsewhere(name.id, scope, owner, ctx):
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
            if isinstance(method, ast.Call) and isinstance(parent, ast.Attribute) and method.func is parent \
                    and len(method.args) == 1 and not method.keywords:
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
            bound = bound_list(k.value, self.site, ctx)
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
                       if isinstance(key, ast.Constant) and isinstance(key.value, str)} \
                if isinstance(tool, ast.Dict) else {}
            kind = entries.get("type")
            if not isinstance(tool, ast.Dict) or not (isinstance(kind, ast.Constant) and kind.value == "function") \
                    or "name" not in entries or len(entries) != len(tool.keys) \
                    or set(entries) - {"type", "name", "description", "parameters", "strict"}:
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
            return f"{ctx.spec.display} does not take a {kind.value!s} response format"
        if src is None:
            return "migrator cannot read its text format"
        self.edit(text.value, "replace_expr", src=src)
        self.edit(call, "rename_kwarg", old="text", new="response_format")
        self.plan.changes.append("text={\"format\": ...} → response_format")
        return None


def _output_of(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "output"


def _entry(node: ast.expr, key: str) -> ast.expr | None:
    if not isinstance(node, ast.Dict):
        return None
    return next((v for k, v in zip(node.keys, node.values, strict=True)
                 if isinstance(k, ast.Constant) and k.value == key), None)
