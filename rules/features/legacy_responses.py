"""openai<1.0 responses were dicts; v1 responses are objects. Follow each result to where it is read."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import Func, dotted
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features import text_completions
from migrator.rules.features.common import module_index
from migrator.rules.features.legacy_plan import plan_for
from migrator.sites import Site

RESPONSE_KEYS = frozenset({"choices", "usage", "data"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class LegacyResponses(Rule):
    """Rewrites dict access on openai<1.0 responses into attribute access.

    What it does: the result of a migrated call is followed through assignment, iteration
    (``for chunk in resp``, ``async for chunk in await resp``), ``return`` and calls of the function
    that returns it, within the module. On each use, ``r["choices"][0]["message"]["content"]``
    becomes ``r.choices[0].message.content`` (also when mixed with attributes),
    ``d.get("content")`` becomes ``d.content`` (``d.get("content", "")`` becomes
    ``(d.content or "")``), ``r.to_dict()`` and ``dict(r)`` become ``r.model_dump()`` and
    ``json.dumps(r)`` becomes ``json.dumps(r.model_dump())``. For a ``Completion.create`` that became
    a chat call, ``.choices[0].text`` becomes ``.choices[0].message.content``. Reads of
    ``["choices"]``, ``["usage"]`` or ``["data"]`` that cannot be traced to a response are reported
    for review.

    Example::

        resp = openai.ChatCompletion.create(model="gpt-4", messages=m)
        answer = resp["choices"][0]["message"]["content"]

    becomes::

        resp = client.chat.completions.create(model="glm-4-plus", messages=m)
        answer = resp.choices[0].message.content

    Fix safety: safe where the flow is traced; review elsewhere.
    """

    CODE = "OA052"
    NAME = "legacy-response"
    FEATURE = "legacy"
    SITES = ()
    SUMMARY = "dict access on openai<1.0 responses becomes attribute access"

    def check(self, site: Site, ctx: PlanContext) -> None:
        return

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        plan = plan_for(ctx)
        calls = [s for s in sites if s.kind == "legacy" and isinstance(s.node, ast.Call) and id(s.node) in plan.homes]
        if not calls:
            return
        Flow(ctx, calls, self.CODE).run()


class Flow:
    def __init__(self, ctx: PlanContext, calls: list[Site], code: str) -> None:
        self.ctx = ctx
        self.code = code
        self.tree = ctx.resolver.tree
        index = module_index(ctx.resolver)
        self.parents, self.owner = index.parents, index.owner
        self.subscripts, self.calls = index.subscripts, index.calls
        self.queue: list[tuple[ast.expr, bool]] = []
        for s in calls:
            assert isinstance(s.node, ast.Call)  # check_file passes call sites
            self.queue.append((s.node, bool(s.extra.get("to_chat")) or (
                s.extra.get("path") == ("completions", "create") and text_completions.legacy_to_chat(s.node, ctx))))
        self.seen: set[int] = set()
        self.tainted: set[tuple[int, str, bool]] = set()
        self.reported: set[int] = set()
        self.functions: set[int] = set()
        self.handled: set[int] = set()  # subscripts already converted or part of a converted chain

    def run(self) -> None:
        while self.queue:
            expr, chat = self.queue.pop()
            if id(expr) in self.seen:
                continue
            self.seen.add(id(expr))
            self._follow(expr, chat)
        self._untraced()

    # -- where a response value goes -------------------------------------------------------------

    def _follow(self, expr: ast.expr, chat: bool) -> None:
        node: ast.expr = expr
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Await):
            node = parent
        node, chat = self._chain(node, chat)  # r["choices"][0] is a response part too
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Await):
            node, parent = parent, self.parents.get(id(parent))
        if isinstance(parent, ast.Assign) and node is parent.value:
            for t in parent.targets:
                if isinstance(t, ast.Name):
                    self._taint(self.owner[id(parent)], t.id, chat)
        elif isinstance(parent, ast.AnnAssign) and node is parent.value and isinstance(parent.target, ast.Name):
            self._taint(self.owner[id(parent)], parent.target.id, chat)
        elif isinstance(parent, ast.For | ast.AsyncFor | ast.comprehension) and node is parent.iter \
                and isinstance(parent.target, ast.Name):
            self._taint(self.owner[id(parent)], parent.target.id, chat)
        elif isinstance(parent, ast.Return) and parent.value is node:
            function = self.owner[id(parent)]
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and id(function) not in self.functions:
                self.functions.add(id(function))
                for call in self._calls_of(function):
                    self.queue.append((call, chat))
        elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.args \
                and parent.args[0] is node and parent.func.id in ("sorted", "list", "reversed"):
            # sorted(data, key=lambda x: x["index"]): the same items, and the key function reads each
            for k in parent.keywords:
                if k.arg == "key" and isinstance(k.value, ast.Lambda) and len(k.value.args.args) == 1:
                    for load in self._loads(k.value, k.value.args.args[0].arg):
                        self.queue.append((load, chat))
            self.queue.append((parent, chat))
        elif isinstance(parent, ast.Call) and parent.args == [node] and not parent.keywords \
                and isinstance(parent.func, ast.Attribute) and parent.func.attr == "append" \
                and isinstance(parent.func.value, ast.Name):
            # collected = []; collected.append(delta); ... "".join(m.get("content", "") for m in collected)
            owner = self.owner[id(parent)]
            name = parent.func.value.id
            if self._collects(owner, name):
                self._taint(owner, name, chat)

    def _collects(self, owner: ast.AST, name: str) -> bool:
        """``name`` is bound only to an empty list in ``owner``: a list that collects response parts."""
        stores = [n for n in ast.walk(owner) if isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in n.targets)]
        return bool(stores) and all(isinstance(a.value, ast.List) and not a.value.elts for a in stores)

    def _taint(self, owner: ast.AST, name: str, chat: bool) -> None:
        key = (id(owner), name, chat)  # the same name may hold a chat and a completion response
        if key in self.tainted:
            return
        self.tainted.add(key)
        for load in self._loads(owner, name):
            self.queue.append((load, chat))

    def _loads(self, owner: ast.AST, name: str) -> list[ast.Name]:
        out: list[ast.Name] = []
        stack = list(ast.iter_child_nodes(owner))
        while stack:
            n = stack.pop()
            if isinstance(n, _SCOPES):
                if isinstance(n, ast.Lambda | ast.ClassDef):
                    continue
                stack.extend(n.decorator_list)  # the body is another scope
                continue
            if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load):
                out.append(n)
            stack.extend(ast.iter_child_nodes(n))
        return out

    def _calls_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
        out = []
        r = self.ctx.resolver
        for node in self.calls:
            if isinstance(node.func, ast.Name) and node.func.id == function.name:
                scope = r.call_scopes.get(id(node), r.module_scope)
                if any(isinstance(v, Func) and v.node is function for v in r.eval(node.func, scope)):
                    out.append(node)
        return out

    # -- how it is read --------------------------------------------------------------------------

    def _chain(self, root: ast.expr, chat: bool) -> tuple[ast.expr, bool]:
        ctx, code = self.ctx, self.code
        node = root
        changed: list[str] = []
        after_choice = False
        while True:
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Subscript) and parent.value is node:
                key = parent.slice
                self.handled.add(id(parent))
                if isinstance(key, ast.Constant) and key.value == "text" and chat and after_choice:
                    ctx.edit(parent, "subscript_to_attr", code, name="content", extra="message")
                    changed.append('["text"] → .message.content')
                    after_choice = False
                elif isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier():
                    ctx.edit(parent, "subscript_to_attr", code, name=key.value)
                    changed.append(f'["{key.value}"] → .{key.value}')
                    after_choice = key.value == "choices"
                else:
                    after_choice = changed[-1:] == ['["choices"] → .choices'] or after_choice
                node = parent
                continue
            if isinstance(parent, ast.Attribute) and parent.value is node:
                grand = self.parents.get(id(parent))
                call = grand if isinstance(grand, ast.Call) and grand.func is parent else None
                if parent.attr == "get" and call is not None and 1 <= len(call.args) <= 2 and not call.keywords \
                        and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str) \
                        and call.args[0].value.isidentifier():
                    ctx.edit(call, "get_to_attr", code, name=call.args[0].value)
                    changed.append(f'.get("{call.args[0].value}") → .{call.args[0].value}')
                    node = call
                    continue
                if parent.attr in ("to_dict", "to_dict_recursive") and call is not None and not call.args:
                    ctx.edit(call, "call_to_model_dump", code)
                    changed.append(f".{parent.attr}() → .model_dump()")
                    break
                if parent.attr in ("keys", "items", "values") and call is not None and not call.args:
                    ctx.edit(parent, "model_dump_before", code)
                    changed.append(f".{parent.attr}() → .model_dump().{parent.attr}()")
                    break
                if parent.attr == "text" and chat and after_choice:
                    ctx.edit(parent, "rename_attr", code, name="content", extra="message")
                    changed.append(".text → .message.content")
                if parent.attr == "choices":
                    after_choice = True
                node = parent
                continue
            if isinstance(parent, ast.Call) and node in parent.args and parent.args[0] is node:
                if isinstance(parent.func, ast.Name) and parent.func.id == "dict" and len(parent.args) == 1:
                    ctx.edit(parent, "call_to_model_dump", code)
                    changed.append("dict(r) → r.model_dump()")
                elif dotted(parent.func) in ("json.dumps", "json.dump"):
                    ctx.edit(parent, "arg_to_model_dump", code)
                    changed.append(f"{dotted(parent.func)}(r) → {dotted(parent.func)}(r.model_dump())")
            break
        if changed and id(node) not in self.reported:
            self.reported.add(id(node))
            chat_text = any("message.content" in c for c in changed)
            ctx.report(node, code, "legacy", Severity.REVIEW if chat_text else Severity.AUTO,
                       "response read as a dict: " + ", ".join(changed), subject="openai<1.0 response read as a dict")
        return node, chat

    def _untraced(self) -> None:
        """``x["choices"]`` on something not traced to a response: say so, change nothing."""
        for node in sorted(self.subscripts, key=lambda n: (n.lineno, n.col_offset)):
            if id(node) not in self.handled \
                    and isinstance(node.slice, ast.Constant) and node.slice.value in RESPONSE_KEYS \
                    and isinstance(node.ctx, ast.Load) and not isinstance(node.value, ast.Dict) \
                    and not _inner_response_key(node.value):
                self.handled.add(id(node))
                self.ctx.report(node, self.code, "legacy", Severity.REVIEW,
                                f'["{node.slice.value}"] on a value migrator could not trace to an OpenAI response: '
                                "if it is one, use attribute access (.choices[0].message.content); v1 responses "
                                "are objects")


def _inner_response_key(node: ast.expr) -> bool:
    """``x["choices"][0]["usage"]``: report the innermost read only."""
    while isinstance(node, ast.Subscript):
        if isinstance(node.slice, ast.Constant) and node.slice.value in RESPONSE_KEYS:
            return True
        node = node.value
    return False
