"""Edits planned on the ``ast`` and carried over to LibCST without position metadata.

An edit names an ``ast`` node. Before the rewrite, each edit is re-expressed as an *anchor* (the
n-th node of a kind that both trees share: calls, assignments, function definitions, imports, in
source order) plus a *path* from the anchor down to the node (``("kw", "model")``,
``("default", "model")``, ...). The LibCST side counts anchors as it walks and follows the path.
Each anchor carries a fingerprint (the dotted callee, target or name) that the rewriter checks, so a
mismatch is an error for the file, never a wrong edit.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

from migrator.resolve import dotted

# What an edit does, with the arguments each op reads (migrator/rewrite.py applies them).
EditOp = Literal[
    # a call's arguments
    "add_kwarg",  # name, src: name=<src> added
    "remove_kwarg",  # name
    "rename_kwarg",  # old, new
    "spread_kwarg",  # name: name={...} of a dict literal spread into keywords
    "merge_extra_body",  # entries {key: src}, quote, kw="extra_body": entries merged into a dict keyword
    "positional_to_kw",  # names: positional arguments given these keywords
    "rename_callee",  # name: the called name (or its last attribute)
    # expressions (at the edit's path under the anchor)
    "replace_string",  # value: a string literal's value, its quotes and prefix kept
    "replace_expr",  # src: the expression replaced
    "template_expr",  # src: a template whose hole takes the expression (as other edits rewrote it)
    "attr_template",  # src: ``value.attr`` becomes the template around ``value``
    "rename_attr",  # name, extra: ``x.a`` -> ``x.name`` (``x.extra.name``)
    "subscript_to_attr",  # name, extra: ``x["a"]`` -> ``x.name``
    "get_to_attr",  # name: ``x.get("a")`` -> ``x.name``
    "model_dump_before",  # ``r.keys()`` -> ``r.model_dump().keys()``
    "call_to_model_dump",  # ``r.to_dict()`` / ``dict(r)`` -> ``r.model_dump()``
    "arg_to_model_dump",  # ``json.dumps(r)`` -> ``json.dumps(r.model_dump())``
    # statements and imports
    "insert_after",  # stmts, blank: statements after the anchor's statement
    "remove_stmt",
    "rename_import",  # old, new: ``from m import old`` -> ``new``
    "rewrite_import",  # module, old, names, rename_local: an import moved to another module
    "remove_import_name",  # name: one name of a ``from`` import (the statement goes with its last)
]

ANCHOR_TYPES: dict[type, str] = {
    ast.Call: "call",
    ast.Assign: "assign",
    ast.AnnAssign: "annassign",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def",
    ast.Import: "import",
    ast.ImportFrom: "importfrom",
    ast.Expr: "expr",
    ast.Attribute: "attribute",
    ast.Subscript: "subscript",
    ast.ExceptHandler: "handler",
    ast.If: "if",  # its test (``if event.type == ...:``), for the Responses stream translation
}


@dataclass
class Edit:
    node: ast.AST  # the ast node the edit applies to
    op: EditOp
    args: dict = field(default_factory=dict)  # what the op reads (EditOp)
    tag: tuple[int, str] = (0, "")  # (site id, rule code): suppressions drop edits by tag


@dataclass(frozen=True)
class Anchor:
    kind: str
    ordinal: int
    fingerprint: str


@dataclass
class PlacedEdit:
    anchor: Anchor
    path: tuple
    op: EditOp
    args: dict
    top: int = 0  # index of the top-level statement (in ast terms) that holds the anchor
    tag: tuple[int, str] = (0, "")  # the planned edit's (site id, rule code)


# ops that act on an anchor node itself (the rest follow a path from the nearest anchor)
STRUCTURAL_OPS = frozenset({
    "add_kwarg", "remove_kwarg", "rename_kwarg", "rename_callee", "merge_extra_body", "insert_after", "rename_import",
    "remove_stmt", "positional_to_kw", "subscript_to_attr", "get_to_attr", "call_to_model_dump",
    "arg_to_model_dump", "rename_attr", "rewrite_import", "remove_import_name", "model_dump_before",
    "attr_template",
})
# in the templates of ``template_expr`` / ``attr_template``: where the node's code (as rewritten) goes
HOLE = "\x00"


class Unplaceable(Exception):
    """The node sits where the rewriter cannot reach it (reported, not guessed)."""


def fingerprint(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return dotted(node.func) or ""
    if isinstance(node, ast.Assign):
        return dotted(node.targets[0]) or ""
    if isinstance(node, ast.AnnAssign):
        return dotted(node.target) or ""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name
    if isinstance(node, ast.Import):
        return ",".join(a.name for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return "." * node.level + (node.module or "")
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _order_key(node: ast.AST) -> tuple:
    return (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))  # type: ignore[attr-defined]


class Placer:
    """Turns ast-node edits into anchor + path edits for one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[int, ast.AST] = {}
        by_kind: dict[str, list[ast.AST]] = {}
        # per top-level statement: how many anchors of each kind it holds, so the rewriter can skip
        # the statements without edits and still count anchors right
        self.layout: list[dict[str, int]] = []
        self.top_of: dict[int, int] = {}
        for index, stmt in enumerate(tree.body):
            counts: dict[str, int] = {}
            for node in ast.walk(stmt):
                for child in ast.iter_child_nodes(node):
                    self.parents[id(child)] = node
                kind = ANCHOR_TYPES.get(type(node))
                if kind is not None:
                    by_kind.setdefault(kind, []).append(node)
                    counts[kind] = counts.get(kind, 0) + 1
                    self.top_of[id(node)] = index
            self.layout.append(counts)
        for stmt in tree.body:
            self.parents[id(stmt)] = tree
        # line span of each top-level statement (decorators included) and the leading import block
        self.spans: list[tuple[int, int]] = []
        for stmt in tree.body:
            start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            self.spans.append((start, stmt.end_lineno or stmt.lineno))
        self.head = 0  # number of leading statements that are imports (or the docstring)
        for i, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Import | ast.ImportFrom) or (
                    i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                self.head = i + 1
            else:
                break
        self.ordinal: dict[int, Anchor] = {}
        for kind, nodes in by_kind.items():
            nodes.sort(key=_order_key)
            for i, node in enumerate(nodes):
                self.ordinal[id(node)] = Anchor(kind, i, fingerprint(node))

    def place(self, edit: Edit) -> PlacedEdit:
        node = edit.node
        if edit.op in STRUCTURAL_OPS or id(node) in self.ordinal:
            anchor = self.ordinal.get(id(node))
            if anchor is None:
                raise Unplaceable(f"no anchor for {type(node).__name__}")
            return PlacedEdit(anchor, (), edit.op, edit.args, self.top_of[id(node)], edit.tag)
        path: list[tuple] = []
        child = node
        while True:
            parent = self.parents.get(id(child))
            if parent is None:
                raise Unplaceable("node outside any anchor")
            step, anchor_node = self._step(parent, child)
            path.append(step)
            if anchor_node is not None:
                anchor = self.ordinal[id(anchor_node)]
                return PlacedEdit(anchor, tuple(reversed(path)), edit.op, edit.args, self.top_of[id(anchor_node)],
                                  edit.tag)
            child = parent

    def _step(self, parent: ast.AST, child: ast.AST) -> tuple[tuple, ast.AST | None]:
        """The step from ``parent`` to ``child``; the anchor node when ``parent`` (or its owner) is one."""
        if isinstance(parent, ast.Call):
            if child is parent.func:
                return ("func",), parent
            positional = [a for a in parent.args if not isinstance(a, ast.Starred)]
            for i, a in enumerate(positional):
                if a is child:
                    return ("arg", i), parent
            raise Unplaceable("starred argument")
        if isinstance(parent, ast.keyword):
            call = self.parents.get(id(parent))
            if isinstance(call, ast.Call) and parent.arg is not None:
                return ("kw", parent.arg), call
            raise Unplaceable("keyword outside a call")
        if isinstance(parent, ast.If) and child is parent.test:
            return ("test",), parent
        if isinstance(parent, ast.ExceptHandler) and child is parent.type:
            return ("type",), parent
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and child is parent.returns:
            return ("returns",), parent
        if isinstance(parent, ast.AnnAssign) and child is parent.annotation:
            return ("annotation",), parent
        if isinstance(parent, ast.Assign | ast.AnnAssign) and child is parent.value:
            return ("value",), parent
        if isinstance(parent, ast.Assign) and child in parent.targets:
            return ("target", parent.targets.index(child)), parent
        if isinstance(parent, ast.Expr) and child is parent.value:
            return ("value",), parent
        if isinstance(parent, ast.arg) and child is parent.annotation:  # ``def f(client: OpenAI)``
            func = self.parents.get(id(self.parents.get(id(parent))))
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                return ("param_annotation", parent.arg), func
            raise Unplaceable("lambda parameter")
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.BitOr):  # ``OpenAI | None``
            return ("bitor", "left" if child is parent.left else "right"), None
        if isinstance(parent, ast.arguments):
            func = self.parents.get(id(parent))
            params = [*parent.posonlyargs, *parent.args]
            offset = len(params) - len(parent.defaults)
            for i, default in enumerate(parent.defaults):
                if default is child:
                    return ("default", params[offset + i].arg), func
            for kwonly, kw_default in zip(parent.kwonlyargs, parent.kw_defaults, strict=True):
                if kw_default is child:
                    return ("default", kwonly.arg), func
            raise Unplaceable("annotation")
        if isinstance(parent, ast.BoolOp):
            return ("boolop", parent.values.index(child)), None  # type: ignore[arg-type]
        if isinstance(parent, ast.Compare):  # 0: the left side, i: the i-th comparator
            sides = [parent.left, *parent.comparators]
            return ("cmp", next(i for i, e in enumerate(sides) if e is child)), None
        if isinstance(parent, ast.IfExp):
            field_name = "body" if child is parent.body else "orelse" if child is parent.orelse else "test"
            return ("ifexp", field_name), None
        if isinstance(parent, ast.Dict):
            for k, v in zip(parent.keys, parent.values, strict=True):
                if v is child and isinstance(k, ast.Constant) and isinstance(k.value, str):
                    return ("dictval", k.value), None
            raise Unplaceable("dict key")
        if isinstance(parent, ast.List | ast.Tuple):
            return ("elt", next(i for i, e in enumerate(parent.elts) if e is child)), None
        if isinstance(parent, ast.Await):
            return ("await",), None
        if isinstance(parent, ast.Attribute):
            return ("attrvalue",), None
        if isinstance(parent, ast.Subscript):
            return (("subvalue",) if child is parent.value else ("slice",)), None
        raise Unplaceable(type(parent).__name__)


@dataclass(frozen=True)
class Placement:
    """The place stage's result: every planned edit anchored to the statement that holds it (what the
    rewrite applies), the edits that could not be anchored with the reason, and the anchors' layout."""

    placed: list[PlacedEdit]
    failed: list[tuple[Edit, str]]
    layout: Placer


def place(tree: ast.Module, edits: list[Edit]) -> Placement:
    """The place stage: anchor every edit of the plan in ``tree``."""
    placer = Placer(tree)
    placed: list[PlacedEdit] = []
    failed: list[tuple[Edit, str]] = []
    for e in edits:
        try:
            placed.append(placer.place(e))
        except Unplaceable as exc:
            failed.append((e, str(exc)))
    return Placement(placed, failed, placer)
