"""Native style: the openai imports nothing reads once the clients, annotations and handlers changed.

They go, and the SDK's import takes the place of the first that goes entirely.
"""

from __future__ import annotations

import ast

from migrator.rules.features.native.base import CLIENT_CODE, ModuleView


class OpenAIImports:
    """Removes the openai imports the module's edits left unread (``run``)."""

    def __init__(self, view: ModuleView) -> None:
        self.view = view
        self.ctx, self.native, self.index = view.ctx, view.native, view.index

    def run(self) -> None:
        """Remove openai imports that nothing reads any more."""
        tree = self.ctx.resolver.tree
        locals_: dict[str, list[tuple[ast.AST, str | None]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "openai" and node.level == 0:
                for alias in node.names:
                    locals_.setdefault(alias.asname or alias.name, []).append((node, alias.name))
            elif isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].name == "openai":
                locals_.setdefault(node.names[0].asname or "openai", []).append((node, None))
        if not locals_:
            return
        reads: dict[str, int] = {}
        replaced: set[str] = set()  # names whose reads the edits replace
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in locals_ and id(node) in self.view.replaced_roots:
                replaced.add(node.id)
            elif isinstance(node, ast.Name) and node.id in locals_:
                reads[node.id] = reads.get(node.id, 0) + 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in self.view.retyped \
                    and self._annotation(node):  # ``"OpenAI"`` reads the import too (typing.get_type_hints)
                for name in self._string_names(node):
                    if name in locals_:
                        reads[name] = reads.get(name, 0) + 1
        removed: dict[int, int] = {}  # import statement -> names it loses
        for local, imports in locals_.items():
            if reads.get(local) or len(imports) != 1 or local not in replaced:
                continue
            node, imported = imports[0]
            if node not in tree.body:
                continue  # a function-local or conditional import: left as it is
            if imported is None:
                self.ctx.edit(node, "remove_stmt", CLIENT_CODE)
            else:
                self.ctx.edit(node, "remove_import_name", CLIENT_CODE, name=imported)
            removed[id(node)] = removed.get(id(node), 0) + 1
            self.ctx.native.removed.add(local)  # tests may patch "<module>.<local>" (migrator/project.py looks)
        # the SDK import takes the place of the first openai import that goes away entirely
        module = (self.native.module, None)
        for stmt in tree.body:
            if isinstance(stmt, ast.Import | ast.ImportFrom) and removed.get(id(stmt)) == len(stmt.names) \
                    and module in self.ctx.imports:
                self.ctx.imports.discard(module)
                self.ctx.edit(stmt, "insert_after", CLIENT_CODE, stmts=[f"import {self.native.module}"])
                break

    def _annotation(self, node: ast.AST) -> bool:
        """``node`` is (part of) an annotation."""
        parents = self.index.parents
        child, parent = node, parents.get(id(node))
        while isinstance(parent, ast.Subscript | ast.BinOp | ast.Tuple | ast.Attribute | ast.List):
            child, parent = parent, parents.get(id(parent))
        return (isinstance(parent, ast.arg | ast.AnnAssign) and child is parent.annotation) or (
            isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and child is parent.returns)

    @staticmethod
    def _string_names(node: ast.Constant) -> list[str]:
        try:
            expr = ast.parse(str(node.value).strip(), mode="eval")
        except SyntaxError:
            return []
        return [n.id for n in ast.walk(expr) if isinstance(n, ast.Name)]
