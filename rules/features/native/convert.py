"""Native style: a client that goes native is built with the SDK's class.

The constructor becomes the SDK client class, its arguments the SDK's names (the base URL goes, the region
becomes the SDK's setting), and the annotations that name the openai class (``-> OpenAI``, ``client: OpenAI``,
``"OpenAI | None"``) name the SDK class.
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import Qual
from migrator.rules.features.native.base import CLIENT_CODE, CLIENT_QUALS, FEATURE, Candidate, ModuleView


class Converter:
    """Rewrites the construction of each converted client."""

    def __init__(self, view: ModuleView) -> None:
        self.view = view
        self.ctx, self.native = view.ctx, view.native
        self._parsed: list[ast.expr] = []  # string annotations parsed (kept alive for the resolver's memo)

    def convert(self, cand: Candidate) -> None:
        ctx, native, site = self.ctx, self.native, cand.site
        assert site is not None  # a client built in this module
        call = site.node
        assert isinstance(call, ast.Call)
        cls = native.client_class(site.is_async, cand.region)
        assert cls is not None
        ctx.need_import(native.module)
        ctx.edit(call.func, "replace_expr", CLIENT_CODE, src=cls)
        self.view.replaced(call.func)
        for k in call.keywords:
            new = native.client_kwargs.get(k.arg or "")
            if new == "":
                ctx.edit(call, "remove_kwarg", CLIENT_CODE, name=k.arg)
            elif new and new != k.arg:
                ctx.edit(call, "rename_kwarg", CLIENT_CODE, old=k.arg, new=new)
        # ``-> OpenAI`` / ``client: OpenAI = ...`` / ``c: Optional[OpenAI]`` / ``OpenAI | None`` name the new class
        parts = {id(n): n for a in cand.annotations for n in ast.walk(a) if isinstance(n, ast.Name | ast.Attribute)}
        for text in {id(n): n for a in cand.annotations for n in ast.walk(a) if isinstance(n, ast.Constant)}.values():
            self._retype(text, cls)
        for annotation in parts.values():
            if self.view.placeable(annotation, "replace_expr") \
                    and any(isinstance(v, Qual) and v.name in CLIENT_QUALS
                            for v in ctx.resolver.eval(annotation, ctx.resolver.module_scope)):
                ctx.edit(annotation, "replace_expr", CLIENT_CODE, src=cls)
                self.view.replaced(annotation)
        for name, value in native.region_kwargs.get(cand.region, {}).items():
            ctx.edit(call, "add_kwarg", CLIENT_CODE, name=name, src=ctx.string(value))
        old = site.attr or "OpenAI"
        ctx.report(call, CLIENT_CODE, FEATURE, Severity.AUTO,
                   f"{old} client → {cls} ({ctx.spec.native_package} SDK)", reaches_openai=False,
                   subject=f"{old} client on the openai SDK")

    def _clients_in(self, text: ast.Constant) -> list[ast.expr] | None:
        """The openai client classes a string annotation (``"OpenAI"``, ``"Optional[OpenAI]"``) names, in
        source order (None: not a one-line annotation string)."""
        if not isinstance(text.value, str) or "\n" in text.value:
            return None
        try:
            expr = ast.parse(text.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        self._parsed.append(expr)  # the resolver memoizes by node identity: keep the nodes alive
        found = [n for n in ast.walk(expr) if isinstance(n, ast.Name | ast.Attribute) and any(
            isinstance(v, Qual) and v.name in CLIENT_QUALS
            for v in self.ctx.resolver.eval(n, self.ctx.resolver.module_scope))]
        return sorted(found, key=lambda n: n.col_offset)

    def _retype(self, text: ast.Constant, cls: str) -> None:
        """``"OpenAI"`` / ``"OpenAI | None"`` in an annotation of a converted client names the SDK class."""
        found = self._clients_in(text)
        if not found or id(text) in self.view.retyped or not self.view.placeable(text, "replace_expr"):
            return
        assert isinstance(text.value, str)  # _clients_in read classes in it
        value = text.value.strip()
        out, end = [], 0
        for n in found:
            out.append(value[end:n.col_offset])
            out.append(cls)
            end = n.end_col_offset or n.col_offset
        out.append(value[end:])
        self.ctx.edit(text, "replace_expr", CLIENT_CODE, src=self.ctx.string("".join(out)))
        self.view.retyped.add(id(text))
