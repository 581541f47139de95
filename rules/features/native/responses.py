"""Native style: the reads of the responses of native calls, where the SDK's objects differ from OpenAI's.

Each response is followed through the module (as for openai<1.0 responses, ``legacy_responses.Flow``) and
its reads renamed as the SDK names them (``NativeSpec.response_renames``, ``dump_methods``,
``message_param``); a read of a field the SDK lacks, or one migrator cannot trace to a response, is reported.
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules.base import PlanContext
from migrator.rules.features.legacy_responses import Flow
from migrator.rules.features.native.base import RESPONSE_CODE
from migrator.rules.providers import NativeSpec
from migrator.sites import Site


class ResponseFlow(Flow):
    """Follows native responses; the state carried is (response kind, attribute path from the root)."""

    def __init__(self, ctx: PlanContext, native: NativeSpec, uses: list[Site]) -> None:
        super().__init__(ctx, [], RESPONSE_CODE)
        self.native = native
        self.renamed: set[int] = set()  # attribute nodes the flow renamed
        methods = [(u, native.methods[".".join(u.extra.get("path", ()))]) for u in uses]
        self.queue = [(u.node, (m.response, ())) for u, m in methods if m.response]  # type: ignore[misc]

    def run(self) -> None:
        if not (self.native.response_renames or self.native.dump_methods or self.native.message_param
                or self.native.response_missing):
            return
        visits: dict[int, int] = {}
        while self.queue:
            expr, state = self.queue.pop()
            if (id(expr), state) in self.seen:
                continue
            visits[id(expr)] = visits.get(id(expr), 0) + 1
            if visits[id(expr)] > 8:  # a value that flows back into itself (x = sorted(x)[...]): its path grows
                continue
            self.seen.add((id(expr), state))  # type: ignore[arg-type]
            self._follow(expr, state)
        self._untraced_reads()

    def _into_messages(self, node: ast.AST) -> bool:
        """``node`` goes into a list of messages: ``messages.append(m)``, ``messages.insert(i, m)``,
        ``messages.extend([m])``, ``messages += [m]``, ``create(messages=[..., m])``."""
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
            return (parent.func.attr == "append" and len(parent.args) == 1 and parent.args[0] is node) or (
                parent.func.attr == "insert" and len(parent.args) == 2 and parent.args[1] is node)
        if not isinstance(parent, ast.List) or not any(e is node for e in parent.elts):
            return False
        grand = self.parents.get(id(parent))
        if isinstance(grand, ast.Call) and isinstance(grand.func, ast.Attribute):
            return grand.func.attr == "extend" and len(grand.args) == 1 and grand.args[0] is parent
        return (isinstance(grand, ast.AugAssign) and isinstance(grand.op, ast.Add) and grand.value is parent) or (
            isinstance(grand, ast.keyword) and grand.arg == "messages")

    def _untraced_reads(self) -> None:
        """``x.usage.prompt_tokens`` on a value not traced to a response: say what the SDK calls it."""
        renames = {tuple(key.split(".")): new for kind in self.native.response_renames.values()
                   for key, new in kind.items() if "." in key}
        if not renames:
            return
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Attribute) or id(node) in self.renamed:
                continue
            for key, new in renames.items():
                if node.attr == key[-1] and isinstance(node.value, ast.Attribute) and node.value.attr == key[-2]:
                    self.ctx.report(node, self.code, "native", Severity.REVIEW,
                                    f".{'.'.join(key)} on a value migrator could not trace to a response: if it "
                                    f"reads a {self.native.module} response, it is .{'.'.join((*key[:-1], new))}",
                                    subject="response read migrator could not trace")

    def _chain(self, root: ast.expr, state):
        ctx, native = self.ctx, self.native
        kind, path = state
        renames = native.response_renames.get(kind, {})
        node: ast.AST = root
        changed: list[str] = []
        climbed: set[int] = set()
        while id(node) not in climbed:
            climbed.add(id(node))
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Subscript) and parent.value is node:
                path = (*path, "[]")
                node = parent
                continue
            if isinstance(parent, ast.Attribute) and parent.value is node:
                key = ".".join(p for p in (*path, parent.attr) if p != "[]")
                grand = self.parents.get(id(parent))
                new = renames.get(key)
                gone = native.response_missing.get(kind, {}).get(key)
                if gone and id(parent) not in self.reported:
                    self.reported.add(id(parent))
                    ctx.report(parent, self.code, "native", Severity.MANUAL,
                               f".{key} raises AttributeError on a {native.module} response: {gone}",
                               subject="response field the provider SDK lacks")
                if new:
                    self.renamed.add(id(parent))
                    ctx.edit(parent, "rename_attr", self.code, name=new)
                    changed.append(f".{parent.attr} → .{new}")
                dump = native.dump_methods.get(parent.attr)
                if dump and isinstance(grand, ast.Call) and grand.func is parent:
                    ctx.edit(parent, "rename_attr", self.code, name=dump)
                    changed.append(f".{parent.attr}() → .{dump}()")
                    for k in grand.keywords:
                        if k.arg in native.dump_drops:
                            ctx.edit(grand, "remove_kwarg", self.code, name=k.arg)
                            changed.append(f"dropped {k.arg}= ({native.dump_drops[k.arg]})")
                    node = grand
                    break
                path = (*path, parent.attr)
                node = parent
                continue
            if native.message_param and kind == "chat" and [p for p in path if p != "[]"] == ["choices", "message"] \
                    and self._into_messages(node):
                ctx.edit(node, "replace_expr", self.code, src=f"{ctx.segment(node)}.{native.message_param}")
                changed.append(f"message added to the messages as .{native.message_param}")
            break
        if changed and id(node) not in self.reported:
            self.reported.add(id(node))
            ctx.report(node, self.code, "native", Severity.AUTO, f"{native.module} response: " + ", ".join(changed),
                       subject="response read as an openai object")
        if isinstance(self.parents.get(id(node)), ast.For | ast.AsyncFor | ast.comprehension) \
                and path and path[-1] != "[]":
            path = (*path, "[]")  # iterating a list field (choices, data) yields its items
        return node, (kind, path)
