"""Rewrite: apply planned edits to a module with one LibCST transform (no metadata providers)."""

from __future__ import annotations

import ast
from collections import defaultdict

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from migrator import cst as h
from migrator.edits import Anchor, Edit, PlacedEdit, Placer, Unplaceable


class RewriteError(Exception):
    """The planned edits could not be applied; the file is reported and left untouched."""


_KINDS = {
    cst.Call: "call",
    cst.Assign: "assign",
    cst.AnnAssign: "annassign",
    cst.FunctionDef: "def",
    cst.Import: "import",
    cst.ImportFrom: "importfrom",
    cst.Expr: "expr",
}


class _Applier(cst.CSTTransformer):
    def __init__(self, edits: dict[tuple[str, int], list[PlacedEdit]]) -> None:
        super().__init__()
        self.edits = edits
        self.counters: dict[str, int] = defaultdict(int)
        self.stack: list[tuple[str, int]] = []
        self.applied = 0
        self.pending_after: list[list[str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = _KINDS.get(type(node))
        if kind is not None:
            self.stack.append((kind, self.counters[kind]))
            self.counters[kind] += 1
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        kind = _KINDS.get(type(original_node))
        result = super().on_leave(original_node, updated_node)
        if kind is not None:
            key = self.stack.pop()
            for edit in self.edits.get(key, ()):
                if edit.anchor.fingerprint != h.fingerprint(original_node):
                    raise RewriteError(f"internal: anchor {key} is {h.fingerprint(original_node)!r}, "
                                       f"expected {edit.anchor.fingerprint!r}")
                result = self._apply(result, edit)  # type: ignore[arg-type]
                self.applied += 1
        if isinstance(original_node, cst.SimpleStatementSuite) and self.pending_after:
            raise RewriteError("cannot add a statement after a one-line block (`if x: import openai`)")
        if isinstance(original_node, cst.SimpleStatementLine) and self.pending_after:
            stmts = [cst.parse_statement(src) for group in self.pending_after for src in group]
            self.pending_after = []
            return cst.FlattenSentinel([result, *stmts])  # type: ignore[list-item]
        return result

    def _apply(self, node: cst.CSTNode, edit: PlacedEdit) -> cst.CSTNode:
        op, a = edit.op, edit.args
        try:
            if op == "add_kwarg":
                return h.add_kwarg(node, a["name"], cst.parse_expression(a["src"]))  # type: ignore[arg-type]
            if op == "remove_kwarg":
                return h.remove_kwarg(node, a["name"])  # type: ignore[arg-type]
            if op == "rename_kwarg":
                return h.rename_kwarg(node, a["old"], a["new"])  # type: ignore[arg-type]
            if op == "rename_callee":
                assert isinstance(node, cst.Call)
                func = node.func
                if isinstance(func, cst.Attribute):
                    return node.with_changes(func=func.with_changes(attr=cst.Name(a["name"])))
                return node.with_changes(func=cst.Name(a["name"]))
            if op == "rename_import":
                assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
                names = [a.with_changes(name=cst.Name(edit.args["new"]))
                         if isinstance(a.name, cst.Name) and a.name.value == edit.args["old"] else a
                         for a in node.names]
                return node.with_changes(names=names)
            if op == "merge_extra_body":
                return self._merge_extra_body(node, a)  # type: ignore[arg-type]
            if op == "insert_after":
                self.pending_after.append(a["stmts"])
                return node
            if op == "replace_string":
                return h.replace_at(node, edit.path, lambda old: h.restring(old, a["value"]))
            if op == "replace_expr":
                new = cst.parse_expression(a["src"])
                return h.replace_at(node, edit.path, lambda old: new.with_changes(
                    lpar=getattr(old, "lpar", ()), rpar=getattr(old, "rpar", ())))
        except h.PathError as exc:
            raise RewriteError(f"internal: {exc}") from exc
        raise RewriteError(f"internal: unknown edit {op}")

    def _merge_extra_body(self, call: cst.Call, a: dict) -> cst.Call:
        entries = {k: cst.parse_expression(v) for k, v in a["entries"].items()}
        arg = h.kwarg(call, "extra_body")
        if arg is None:
            quote = a["quote"]
            items = ", ".join(f"{quote}{k}{quote}: {v}" for k, v in a["entries"].items())
            return h.add_kwarg(call, "extra_body", cst.parse_expression("{" + items + "}"))
        if not isinstance(arg.value, cst.Dict):
            raise RewriteError("internal: extra_body is not a dict literal")
        args = [x.with_changes(value=h.add_dict_entries(x.value, entries, a["quote"])) if x is arg else x
                for x in call.args]
        return call.with_changes(args=args)


def place(tree: ast.Module, edits: list[Edit]) -> tuple[list[PlacedEdit], list[tuple[Edit, str]]]:
    """Anchor every edit; the ones that cannot be placed come back with the reason."""
    placed, failed, _ = place_with_layout(tree, edits)
    return placed, failed


def place_with_layout(tree: ast.Module, edits: list[Edit]) -> tuple[list[PlacedEdit], list[tuple[Edit, str]],
                                                                    list[dict[str, int]]]:
    placer = Placer(tree)
    placed: list[PlacedEdit] = []
    failed: list[tuple[Edit, str]] = []
    for e in edits:
        try:
            placed.append(placer.place(e))
        except Unplaceable as exc:
            failed.append((e, str(exc)))
    return placed, failed, placer.layout


def apply(text: str, placed: list[PlacedEdit], imports: set[tuple[str, str | None]],
          layout: list[dict[str, int]] | None = None) -> str:
    """The module's new source. ``text`` is the decoded source (no BOM)."""
    by_anchor: dict[tuple[str, int], list[PlacedEdit]] = defaultdict(list)
    seen: set[tuple] = set()
    for p in placed:
        key = (p.anchor.kind, p.anchor.ordinal)
        ident = (key, p.path, p.op, repr(sorted(p.args.items())))
        if ident in seen:
            continue  # the same edit planned twice (a constant shared by two calls)
        seen.add(ident)
        by_anchor[key].append(p)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise RewriteError(f"LibCST cannot parse this file: {str(exc).splitlines()[0]}") from exc
    applier = _Applier(by_anchor)
    new = module.visit(applier) if layout is None else _visit_edited(module, applier, layout, placed)
    if applier.applied != sum(len(v) for v in by_anchor.values()) or applier.pending_after:
        raise RewriteError("internal: not every planned edit found its place")
    if imports:
        new = _add_imports(new, imports)
    return new.code


def _visit_edited(module: cst.Module, applier: _Applier, layout: list[dict[str, int]],
                  placed: list[PlacedEdit]) -> cst.Module:
    """Transform only the top-level statements that hold edits; count the anchors of the others."""
    edited = {p.top for p in placed}
    body: list[cst.CSTNode] = []
    index = 0
    for stmt in module.body:
        n = len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        tops = range(index, index + n)
        index += n
        if not edited.intersection(tops):
            for i in tops:
                for kind, count in layout[i].items():
                    applier.counters[kind] += count
            body.append(stmt)
            continue
        result = stmt.visit(applier)
        if isinstance(result, cst.FlattenSentinel):
            body.extend(result.nodes)
        elif not isinstance(result, cst.RemovalSentinel):
            body.append(result)
    if index != len(layout):
        raise RewriteError("internal: LibCST and ast disagree about the module's statements")
    return module.with_changes(body=body)


def _add_imports(module: cst.Module, imports: set[tuple[str, str | None]]) -> cst.Module:
    """AddImportsVisitor on the module's leading import block only (the rest is not visited)."""
    context = CodemodContext()
    for module_name, obj in sorted(imports, key=lambda i: (i[0], i[1] or "")):
        AddImportsVisitor.add_needed_import(context, module_name, obj)
    head = 0
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body):
            head = i + 1
        elif i == 0 and isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr) \
                and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString):
            head = 1
        else:
            break
    top = module.with_changes(body=module.body[:head])
    # visit directly: transform_module() would deep-copy the tree into a MetadataWrapper
    new_top = top.visit(AddImportsVisitor(context))
    rest = list(module.body[head:])
    if len(new_top.body) != len(top.body) and rest and not rest[0].leading_lines:
        # as AddImportsVisitor does on a whole module: a blank line between imports and code
        rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine()])
    return module.with_changes(body=[*new_top.body, *rest])


__all__ = ["Anchor", "RewriteError", "apply", "place"]
