"""The reads of a Responses call's result, each with its chat form (``output_text``, ``usage``, stream
events, function call output items); ``responses.py`` has the rules of when a call is translated."""

from __future__ import annotations

import ast

from migrator.edits import HOLE
from migrator.rules.base import PlanContext
from migrator.rules.features.common import kwarg, module_index
from migrator.rules.features.responses_common import Plan, read_elsewhere
from migrator.sites import Site

# reads of a response that a chat completion answers the same way
_SAME_READS = ("id", "model")
_USAGE = {"input_tokens": "prompt_tokens", "output_tokens": "completion_tokens", "total_tokens": "total_tokens"}
_DELTA = "response.output_text.delta"
_DONE = ("response.completed", "response.output_text.done")


def _sends_back_ids(ctx: PlanContext) -> bool:
    return any(isinstance(n, ast.keyword) and n.arg == "previous_response_id" and not (
        isinstance(n.value, ast.Constant) and n.value.value is None) for n in ast.walk(ctx.resolver.tree))


def _end(node: ast.stmt) -> tuple[int, int]:
    """Where a statement ends (a parsed node always has its end position)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


class Reads:
    """The reads of the call's result: each must have a chat form (planned into ``plan.edits``)."""

    def __init__(self, site: Site, ctx: PlanContext, plan: Plan) -> None:
        self.site, self.ctx, self.plan = site, ctx, plan
        index = module_index(ctx.resolver)
        self.parents, self.owner = index.parents, index.owner
        assert isinstance(site.node, ast.Call)  # responses.plan checks it
        stream = kwarg(site.node, "stream")
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
        if read_elsewhere(name, scope, self.owner, self.ctx):
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
        holders = [self.parents.get(id(s)) for s in stores]
        statements = [st for st in holders if isinstance(st, ast.Assign) and len(st.targets) == 1]
        if len(statements) != len(holders):
            return None
        body = self._body_of(assign)
        if body is None or not all(self._body_of(st) is body for st in statements):
            return None
        node: ast.AST | None = assign
        while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            if isinstance(node, ast.For | ast.AsyncFor | ast.While):
                return None
            node = self.parents.get(id(node))
        later = sorted((st for st in statements if st.lineno > assign.lineno), key=lambda st: st.lineno)
        done = _end(assign)
        until = _end(later[0]) if later else None

        def mine(n: ast.Name) -> bool:
            """Read after this assignment, and before the next one stores (its value is evaluated first)."""
            if (n.lineno, n.col_offset) < done:
                return False
            return until is None or (n.lineno, n.col_offset) < until

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
