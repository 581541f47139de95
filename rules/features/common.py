"""Helpers that several feature rules share: which calls to migrate, and the model each one uses."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from migrator.resolve import DictLit, ordered
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.providers import ModelTarget
from migrator.sites import Destination, Site


def source(ctx: PlanContext, node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kwarg(call: ast.Call, name: str) -> ast.keyword | None:
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def call_destination(site: Site, ctx: PlanContext) -> Destination | None:
    """Where the call's client points, or None when the call is not this migration's business."""
    dest = ctx.destination(site.clients)
    if not dest.migratable:
        return None
    if dest.kind == "provider" and dest.provider != ctx.spec.name:
        return None
    return dest


def is_plain_string(ctx: PlanContext, node: ast.Constant) -> bool:
    """A single string token (not an implicit concatenation), so it can be replaced in place."""
    segment = ctx.segment(node)
    if segment is None:
        return False
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError):
        return False
    return len(tokens) == 1 and tokens[0].type == tokenize.STRING


@dataclass
class ModelUse:
    literal: ast.Constant | None  # None: the model comes from an expression migrator cannot follow
    expr: ast.expr | None
    family: str | None = None  # OpenAI catalogue entry
    target: ModelTarget | None = None  # where it maps to (None: unknown or already a provider model)
    owned: bool = False  # already a model of the target provider


def target_for(ctx: PlanContext, name: str) -> tuple[str | None, ModelTarget | None]:
    family = surface.model_family(name)
    overrides = ctx.options.models
    if name in overrides:
        return family, ModelTarget(overrides[name])
    if family is not None and family in overrides:
        return family, ModelTarget(overrides[family])
    if family is not None and family in ctx.spec.models:
        return family, ctx.spec.models[family]
    return family, None


def model_expr(call: ast.Call, ctx: PlanContext, site: Site) -> ast.expr | None:
    k = kwarg(call, "model")
    if k is not None:
        return k.value
    if site.extra.get("legacy"):  # openai<1.0: engine= / deployment_id=, or Audio.transcribe(model, file)
        for name in ("engine", "deployment_id"):
            k = kwarg(call, name)
            if k is not None:
                return k.value
        method = site.extra["legacy"].extra.get("method")
        if method is not None and method.positional[:1] == ("model",) and call.args:
            return call.args[0]
    for k in call.keywords:
        if k.arg is None:  # **params: a dict literal bound to a name in scope
            for v in ordered(ctx.resolver.eval(k.value, site.scope)):
                if isinstance(v, DictLit):
                    for key, value in zip(v.node.keys, v.node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "model":
                            return value
    return None


def models_of(site: Site, ctx: PlanContext) -> list[ModelUse]:
    """The models a call can use, each with its mapping for the target (cached per call)."""
    cache = ctx.__dict__.setdefault("_models", {})
    call = site.node
    assert isinstance(call, ast.Call)
    if id(call) in cache:
        return cache[id(call)]
    expr = model_expr(call, ctx, site)
    uses: list[ModelUse] = []
    if expr is not None:
        for lit in ctx.resolver.literal_sources(expr, site.scope):
            if lit is None:
                uses.append(ModelUse(None, expr))
                continue
            name = lit.value
            if ctx.spec.owns_model(name):
                uses.append(ModelUse(lit, expr, owned=True))
                continue
            family, target = target_for(ctx, name)
            uses.append(ModelUse(lit, expr, family, target))
    cache[id(call)] = uses
    return uses


def example_mapping(ctx: PlanContext, kind: str = "chat") -> str:
    for family, target in ctx.spec.models.items():
        model = surface.OPENAI_MODELS.get(family)
        if model is not None and model.kind == kind:
            return f"{family} → {target.model}"
    return ""
