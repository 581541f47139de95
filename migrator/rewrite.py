"""Rewrite: apply planned edits to a module with one LibCST transform (no metadata providers)."""

from __future__ import annotations

import re
from collections import defaultdict

import libcst as cst

from migrator import cst as h
from migrator.edits import HOLE, Anchor, PlacedEdit, Placer


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
    cst.Attribute: "attribute",
    cst.Subscript: "subscript",
    cst.ExceptHandler: "handler",
    cst.ExceptStarHandler: "handler",
    cst.If: "if",
}


class _Applier(cst.CSTTransformer):
    def __init__(self, edits: dict[tuple[str, int], list[PlacedEdit]]) -> None:
        super().__init__()
        self.edits = edits
        self.counters: dict[str, int] = defaultdict(int)
        self.stack: list[tuple[str, int]] = []
        self.applied = 0
        self.pending_after: list[list[str]] = []
        self.pending_remove = 0
        self.pending_blank = False
        self.orphan_lines: list[cst.EmptyLine] = []  # blank lines and comments above removed lines
        self.in_import = 0  # dotted names in imports are Attribute nodes in LibCST, strings in ast

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Import | cst.ImportFrom):
            self.in_import += 1
        kind = _KINDS.get(type(node))
        if kind == "attribute" and self.in_import:
            kind = None
        if kind is not None:
            self.stack.append((kind, self.counters[kind]))
            self.counters[kind] += 1
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        kind = _KINDS.get(type(original_node))
        if kind == "attribute" and self.in_import:
            kind = None
        if isinstance(original_node, cst.Import | cst.ImportFrom):
            self.in_import -= 1
        result = super().on_leave(original_node, updated_node)
        if kind is not None:
            key = self.stack.pop()
            for edit in self.edits.get(key, ()):
                if edit.anchor.fingerprint != h.fingerprint(original_node):
                    raise RewriteError(f"internal: anchor {key} is {h.fingerprint(original_node)!r}, "
                                       f"expected {edit.anchor.fingerprint!r}")
                result = self._apply(result, edit)  # type: ignore[arg-type]
                self.applied += 1
        if isinstance(original_node, cst.SimpleStatementSuite) and (self.pending_after or self.pending_remove):
            raise RewriteError("cannot add or remove a statement in a one-line block (`if x: import openai`)")
        if isinstance(original_node, cst.SimpleStatementLine) and self.pending_remove:
            self.pending_remove = 0
            kept = [s for s in result.body if not isinstance(s, _Removed)]  # type: ignore[union-attr]
            if not kept:
                if self.pending_after:  # statements to add after a removed line take its place
                    stmts = [cst.parse_statement(src) for group in self.pending_after for src in group]
                    self.pending_after = []
                    lines = [*self.orphan_lines, *result.leading_lines]  # type: ignore[union-attr]
                    self.orphan_lines = []
                    stmts[0] = stmts[0].with_changes(leading_lines=lines)
                    return cst.FlattenSentinel(stmts)
                self.orphan_lines = [*self.orphan_lines, *result.leading_lines]  # type: ignore[union-attr]
                return cst.RemovalSentinel.REMOVE
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            result = result.with_changes(body=kept)  # type: ignore[union-attr]
        if isinstance(original_node, cst.SimpleStatementLine) and self.pending_after:
            stmts = [cst.parse_statement(src) for group in self.pending_after for src in group]
            self.pending_after = []
            if self.pending_blank:  # code after an import block is set apart by a blank line
                stmts[0] = stmts[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
                self.pending_blank = False
            return cst.FlattenSentinel([result, *stmts])
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
                return node.with_changes(names=_without_duplicates(names))
            if op == "merge_extra_body":
                return self._merge_extra_body(node, a)  # type: ignore[arg-type]
            if op == "spread_kwarg":
                return h.spread_kwarg(node, a["name"])  # type: ignore[arg-type]
            if op == "insert_after":
                self.pending_after.append(a["stmts"])
                self.pending_blank = self.pending_blank or bool(a.get("blank"))
                return node
            if op == "remove_stmt":
                self.pending_remove += 1
                return _Removed(node)
            if op == "positional_to_kw":
                assert isinstance(node, cst.Call)
                args = list(node.args)
                equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace(""))
                for i, name in enumerate(a["names"][:len(args)]):
                    if args[i].keyword is None and args[i].star == "":
                        args[i] = args[i].with_changes(keyword=cst.Name(name), equal=equal)
                return node.with_changes(args=args)
            if op == "subscript_to_attr":
                assert isinstance(node, cst.Subscript)
                value = node.value
                if a.get("extra"):
                    value = cst.Attribute(value=value, attr=cst.Name(a["extra"]))
                return cst.Attribute(value=value, attr=cst.Name(a["name"]), lpar=node.lpar, rpar=node.rpar)
            if op == "model_dump_before":  # r.keys -> r.model_dump().keys
                assert isinstance(node, cst.Attribute)
                return node.with_changes(value=cst.Call(func=cst.Attribute(value=node.value,
                                                                           attr=cst.Name("model_dump"))))
            if op == "get_to_attr":
                assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                attr = cst.Attribute(value=node.func.value, attr=cst.Name(a["name"]))
                if len(node.args) < 2:
                    return attr.with_changes(lpar=node.lpar, rpar=node.rpar)
                return cst.BooleanOperation(left=attr, operator=cst.Or(), right=node.args[1].value,
                                            lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            if op == "call_to_model_dump":  # r.to_dict() / dict(r)
                assert isinstance(node, cst.Call)
                value = node.func.value if isinstance(node.func, cst.Attribute) else node.args[0].value
                return cst.Call(func=cst.Attribute(value=value, attr=cst.Name("model_dump")), lpar=node.lpar,
                                rpar=node.rpar)
            if op == "arg_to_model_dump":  # json.dumps(r) -> json.dumps(r.model_dump())
                assert isinstance(node, cst.Call)
                args = list(node.args)
                args[0] = args[0].with_changes(value=cst.Call(func=cst.Attribute(
                    value=args[0].value, attr=cst.Name("model_dump"))))
                return node.with_changes(args=args)
            if op == "rename_attr":
                assert isinstance(node, cst.Attribute)
                if a.get("extra"):
                    return node.with_changes(value=cst.Attribute(value=node.value, attr=cst.Name(a["extra"])),
                                             attr=cst.Name(a["name"]))
                return node.with_changes(attr=cst.Name(a["name"]))
            if op == "rewrite_import":
                return _rewrite_import(node, a)
            if op == "remove_import_name":
                assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
                names = [n for n in node.names if not (isinstance(n.name, cst.Name) and n.name.value == a["name"])]
                if not names:
                    self.pending_remove += 1
                    return _Removed(node)
                names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return node.with_changes(names=names)
            if op == "replace_string":
                return h.replace_at(node, edit.path, lambda old: h.restring(old, a["value"]))
            if op == "template_expr":  # the node's code, with what other edits did inside it, in a template
                return h.replace_at(node, edit.path, lambda old: _templated(a["src"], old))
            if op == "attr_template":  # ``value.attr`` -> the template around ``value`` (as rewritten)
                assert isinstance(node, cst.Attribute)
                return _templated(a["src"], node.value, node)
            if op == "replace_expr":
                new = cst.parse_expression(a["src"])
                return h.replace_at(node, edit.path, lambda old: new.with_changes(
                    lpar=old.lpar, rpar=old.rpar) if isinstance(old, cst.BaseExpression) and old.lpar else new)
        except h.PathError as exc:
            raise RewriteError(f"internal: {exc}") from exc
        raise RewriteError(f"internal: unknown edit {op}")

    def _merge_extra_body(self, call: cst.Call, a: dict) -> cst.Call:
        entries = {k: cst.parse_expression(v) for k, v in a["entries"].items()}
        name = a.get("kw", "extra_body")  # or another dict keyword (model_kwargs=, additional_kwargs=)
        arg = h.kwarg(call, name)
        if arg is None:
            quote = a["quote"]
            items = ", ".join(f"{quote}{k}{quote}: {v}" for k, v in a["entries"].items())
            return h.add_kwarg(call, name, cst.parse_expression("{" + items + "}"))
        target = arg.value
        if not isinstance(target, cst.Dict):
            raise RewriteError(f"internal: {name} is not a dict literal")
        args = [x.with_changes(value=h.add_dict_entries(target, entries, a["quote"])) if x is arg else x
                for x in call.args]
        return call.with_changes(args=args)


def _templated(template: str, inner: cst.CSTNode, outer: cst.CSTNode | None = None) -> cst.BaseExpression:
    """``template`` with ``HOLE`` replaced by the code of ``inner``; the parentheses of ``outer`` stay."""
    code = cst.Module(body=[]).code_for_node(inner)  # with its own parentheses
    new = cst.parse_expression(template.replace(HOLE, code))
    if outer is not None and getattr(outer, "lpar", None) and hasattr(new, "lpar"):
        return new.with_changes(lpar=outer.lpar, rpar=outer.rpar)  # type: ignore[attr-defined]
    return new


class _Removed(cst.Pass):
    """Placeholder for a small statement to drop; the enclosing line removes it."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()


def _rewrite_import(node: cst.CSTNode, a: dict) -> cst.CSTNode:
    """``from openai.error import X as Y`` → ``from openai import V1 as Y``; ``import openai.error`` → ``import openai``."""
    if isinstance(node, cst.Import):
        names = [n.with_changes(name=cst.parse_expression(a["module"])) if h.dotted(n.name) == a["old"] else n
                 for n in node.names]
        return node.with_changes(names=names)
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    renames: dict[str, str] = a.get("names", {})
    names = []
    for n in node.names:
        old = n.name.value if isinstance(n.name, cst.Name) else None
        new = renames.get(old or "")
        if new is None or new == old:
            names.append(n)
            continue
        local = n.asname.name.value if n.asname is not None else old  # type: ignore[union-attr]
        if n.asname is None and a.get("rename_local"):
            local = new  # the uses are renamed too (framework class swaps)
        asname = None if new == local else cst.AsName(name=cst.Name(local))  # type: ignore[arg-type]
        names.append(n.with_changes(name=cst.Name(new), asname=asname))
    return node.with_changes(module=cst.parse_expression(a["module"]), names=_without_duplicates(names))


def _without_duplicates(names: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """Drop an alias that a rename made identical to another one of the statement (``from openai import
    OpenAI, AsyncOpenAI, AsyncAzureOpenAI`` with AsyncAzureOpenAI → AsyncOpenAI)."""
    def key(n: cst.ImportAlias) -> tuple[str, str | None]:
        asname = n.asname.name.value if n.asname is not None and isinstance(n.asname.name, cst.Name) else None
        return h.dotted(n.name) or "", asname

    kept: list[cst.ImportAlias] = []
    seen: set[tuple[str, str | None]] = set()
    for n in names:
        if key(n) in seen:
            if n is names[-1] and kept:  # the one before becomes the last: it takes this one's comma (or none)
                kept[-1] = kept[-1].with_changes(comma=n.comma)
            continue
        seen.add(key(n))
        kept.append(n)
    return kept


def apply(text: str, placed: list[PlacedEdit], imports: set[tuple[str, str | None]], layout: Placer) -> str:
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
    for edits in by_anchor.values():
        edits.sort(key=lambda p: 0 if p.path else 1)  # inside the node first, then the node itself
    return _apply_chunks(text, placed, by_anchor, imports, layout)


def _parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise RewriteError(f"LibCST cannot parse this file: {str(exc).splitlines()[0]}") from exc


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _apply_chunks(text: str, placed: list[PlacedEdit], by_anchor: dict, imports: set[tuple[str, str | None]],
                  layout: Placer) -> str:
    """Parse, transform and print only the top-level statements that hold edits.

    A top-level statement is a module of its own, so each edited one (with the statements that share
    its lines) is cut from the text by the line span ``ast`` gives, handled by LibCST alone, and put
    back; everything else (statements, comments and blank lines between them) is kept as text. The
    anchor counters of a chunk start at the counts of the statements before it.
    """
    lines = _LINE.findall(text)
    spans = layout.spans
    chunks: list[list[int]] = []  # runs of top-level statement indexes that share lines
    for i, (start, _end) in enumerate(spans):
        if chunks and start <= spans[chunks[-1][-1]][1]:
            chunks[-1].append(i)
        else:
            chunks.append([i])
    edited = {p.top for p in placed}
    # the imports go after the leading import block, or at the top when the module starts with code
    # (a notebook's `!pip install` line, `import sys; sys.path.append(...)`)
    head_chunks = {n for n, c in enumerate(chunks) if c[0] < max(layout.head, 1)} if imports else set()
    selected = [n for n, c in enumerate(chunks) if edited.intersection(c)]
    groups: list[list[int]] = []  # chunk numbers handled together (the import block is one group)
    if head_chunks:
        groups.append(sorted(head_chunks | {n for n in selected if n <= max(head_chunks)}))
    groups += [[n] for n in selected if not head_chunks or n > max(head_chunks)]
    prefix: list[dict[str, int]] = [{} for _ in range(len(spans) + 1)]
    for i, counts in enumerate(layout.layout):
        prefix[i + 1] = {k: prefix[i].get(k, 0) + counts.get(k, 0) for k in {*prefix[i], *counts}}
    out: list[str] = []
    line = 1  # next line of the original text to copy
    applied = 0
    for group in groups:
        first, last = chunks[group[0]][0], chunks[group[-1]][-1]
        start, end = spans[first][0], max(spans[i][1] for n in group for i in chunks[n])
        if head_chunks and group[0] == min(head_chunks):
            start = 1  # the import block: from the top, comments and docstring included
        out.append("".join(lines[line - 1:start - 1]))
        piece = _parse("".join(lines[start - 1:end]))
        applier = _Applier(by_anchor)
        applier.counters.update(prefix[first])
        new = piece.visit(applier)
        if applier.pending_after:
            raise RewriteError("internal: a statement to insert found no place")
        expected = prefix[last + 1]
        if any(applier.counters.get(k, 0) != v for k, v in expected.items()):
            raise RewriteError("internal: LibCST and ast disagree about a statement's content")
        applied += applier.applied
        if head_chunks and group[0] == min(head_chunks):
            new = _add_imports(new, imports)
            code = new.code
            following = lines[end] if end < len(lines) else ""
            if layout.head and following.strip() and code.strip() and not code.endswith(("\n\n", "\r\n\r\n")):
                code += new.default_newline  # a blank line between the imports and the code
            out.append(code)
        else:
            out.append(new.code if new.body else "")  # a removed statement leaves nothing behind
        line = end + 1
    out.append("".join(lines[line - 1:]))
    if applied != sum(len(v) for v in by_anchor.values()):
        raise RewriteError("internal: not every planned edit found its place")
    return "".join(out)


def _add_imports(module: cst.Module, imports: set[tuple[str, str | None]]) -> cst.Module:
    """Add the imports the edits need at the end of the module's leading import block.

    The same placement as LibCST's ``AddImportsVisitor`` (after the docstring and the imports at the
    top, a ``from M import`` joined to an existing one), without its matcher set-up, which costs about
    18 ms a file. The caller has left out imports the module already binds.
    """
    body = list(module.body)
    head = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, cst.Import | cst.ImportFrom)
                                                              for s in stmt.body):
            head = i + 1
        elif i == 0 and isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr) \
                and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString):
            head = 1
        else:
            break
    new_lines: list[cst.SimpleStatementLine] = []
    for module_name, obj in sorted(imports, key=lambda i: (i[1] is not None, i[0], i[1] or "")):
        if obj is None:
            new_lines.append(cst.parse_statement(f"import {module_name}"))  # type: ignore[arg-type]
            continue
        for i in range(head):  # join an existing `from module import ...` at the top
            stmt = body[i]
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and h.dotted(small.module) == module_name and not isinstance(small.names, cst.ImportStar):
                names = list(small.names)
                names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                names.append(cst.ImportAlias(name=cst.Name(obj)))
                body[i] = stmt.with_changes(body=[small.with_changes(names=names)])
                break
        else:
            new_lines.append(cst.parse_statement(f"from {module_name} import {obj}"))  # type: ignore[arg-type]
    if not new_lines:
        return module.with_changes(body=body)
    rest = body[head:]
    if rest and not rest[0].leading_lines:
        # as AddImportsVisitor does: a blank line between the imports and the code
        rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    return module.with_changes(body=[*body[:head], *new_lines, *rest])


__all__ = ["Anchor", "RewriteError", "apply"]
