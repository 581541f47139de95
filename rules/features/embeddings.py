"""Embeddings: the call is migrated; the stored vectors must be rebuilt."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import call_destination, kwarg, models_of
from migrator.rules.features.resources import call_label
from migrator.rules.features.second_client import keep_on_openai
from migrator.sites import Site, call_kwarg


class Embeddings(Rule):
    """Migrates ``embeddings.create`` and reports the data migration it implies.

    What it does: adds ``encoding_format="float"`` (the openai SDK asks for base64 otherwise, which
    providers do not all send), keeps or adds ``dimensions`` where the provider offers the old size
    (drops it where the provider takes none), and maps the model. The vectors the new model returns
    live in a different space, often of another size, so every stored vector must be re-embedded and
    the index rebuilt: that is reported as manual work at the call, with the old and new sizes.

    Example::

        v = client.embeddings.create(model="text-embedding-3-small", input=texts)

    becomes (``--target qwen``)::

        v = client.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float", dimensions=1536)

    Fix safety: the code is migrated; re-embedding the stored data is manual.
    """

    CODE = "OA301"
    NAME = "embeddings"
    FEATURE = "embeddings"
    SITES = ("call",)
    SUMMARY = "embeddings.create: float encoding, dimensions, re-embedding"

    def applies(self, site: Site) -> bool:
        return site.kind == "call" and site.resource is not None and site.resource.code == self.CODE

    def check(self, site: Site, ctx: PlanContext) -> None:
        if "embeddings" in ctx.spec.unsupported and keep_on_openai(
                site, ctx, self.CODE, call_label(site), ctx.spec.unsupported["embeddings"]):
            return
        if "embeddings" in ctx.spec.unsupported:
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{call_label(site)}: not migrated — {ctx.spec.unsupported['embeddings']}")
            return
        dest = call_destination(site, ctx)
        if dest is None:
            return
        call = site.node
        assert isinstance(call, ast.Call)
        spec = ctx.spec
        notes: list[str] = []
        fmt = kwarg(call, "encoding_format")
        spread = next((ast.unparse(k.value) for k in call.keywords if k.arg is None), None)
        if fmt is None and spread is not None:  # the mapping may hold it: adding it could repeat a keyword
            if call_kwarg(call, "encoding_format", ctx.resolver, site.scope)[1] is None:
                notes.append(f'put encoding_format="float" in **{spread[:40]}')
        elif fmt is None:
            ctx.edit(call, "add_kwarg", self.CODE, name="encoding_format", src=ctx.string("float"))
            notes.append('encoding_format="float" added')
        elif not (isinstance(fmt.value, ast.Constant) and fmt.value.value == "float"):
            ctx.report(fmt, self.CODE, self.FEATURE, Severity.REVIEW,
                       "the provider returns float vectors; code that decodes base64 embeddings must change")
        mapped = [u for u in models_of(site, ctx) if u.target is not None
                  and not (u.literal is not None and ctx.suppressed(u.literal, "OA601"))]
        dims = kwarg(call, "dimensions")
        old_dims: int | None = None
        new_dims: int | None = None
        target = mapped[0].target if mapped else None
        if mapped:
            family = surface.OPENAI_MODELS.get(mapped[0].family or "")
            old_dims = family.dimensions if family else None
        if dims is not None and isinstance(dims.value, ast.Constant) and isinstance(dims.value.value, int):
            old_dims = dims.value.value
        if target is not None:
            sizes = spec.embedding_dimensions.get(target.model, ())
            new_dims = target.dimensions or (sizes[0] if len(sizes) == 1 else None)
            if not spec.embedding_accepts_dimensions:
                if dims is not None:
                    ctx.edit(call, "remove_kwarg", self.CODE, name="dimensions")
                    notes.append(f"dimensions= removed ({spec.display} takes none)")
            elif dims is None and target.dimensions and spread is not None:
                if call_kwarg(call, "dimensions", ctx.resolver, site.scope)[1] is None:
                    notes.append(f"put dimensions={target.dimensions} in **{spread[:40]} unless it is there")
            elif dims is None and target.dimensions:
                ctx.edit(call, "add_kwarg", self.CODE, name="dimensions", src=str(target.dimensions))
                notes.append(f"dimensions={target.dimensions} added")
            elif dims is not None and isinstance(dims.value, ast.Constant) and old_dims is not None and sizes \
                    and old_dims not in sizes:
                ctx.report(dims, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"{target.model} does not offer {old_dims} dimensions; choose one of "
                           f"{', '.join(map(str, sizes))}")
                new_dims = None
            elif dims is not None and isinstance(dims.value, ast.Constant):
                new_dims = old_dims
            elif dims is not None:
                old_dims = new_dims = None  # a size from a variable: unknown here
        inputs = kwarg(call, "input")
        batch = _list_literal(inputs.value, site, ctx) if inputs is not None else None
        if spec.embedding_max_inputs and inputs is not None and batch is not None \
                and len(batch.elts) > spec.embedding_max_inputs:
            ctx.report(inputs, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{len(batch.elts)} inputs in one call; {spec.display} takes at most "
                       f"{spec.embedding_max_inputs}: split the batch")
        elif spec.embedding_max_inputs:
            notes.append(f"at most {spec.embedding_max_inputs} inputs per call")
        if not mapped and not dest.reaches_openai and not [n for n in notes if "added" in n or "removed" in n]:
            return
        sizes_text = f"{old_dims or '?'}-d → {new_dims or '?'}-d" + (
            " (same size, different vector space)" if old_dims and old_dims == new_dims else "")
        model_text = f"{target.model} " if target else ""
        ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"{call_label(site)} → {spec.display} {model_text}({'; '.join(notes)}). Vectors change: "
                   f"{sizes_text}; re-embed stored vectors and rebuild the index",
                   reaches_openai=dest.reaches_openai, subject=f"{call_label(site)} (vectors must be re-embedded)")


def _list_literal(node: ast.expr, site: Site, ctx: PlanContext) -> ast.List | ast.Tuple | None:
    """The list literal an ``input=`` argument is, directly or through a local name."""
    if isinstance(node, ast.List | ast.Tuple):
        return node
    if isinstance(node, ast.Name):
        entries = ctx.resolver.visible_bindings(node.id, site.scope)
        if len(entries) == 1 and entries[0][0][0] == "expr" and isinstance(entries[0][0][1], ast.List | ast.Tuple):
            return entries[0][0][1]
    return None
