"""Helpers that several feature rules share: which calls to migrate, and the model each one uses."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from migrator.model import Severity
from migrator.resolve import DictLit, Resolver, Scope, ordered
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.providers import ModelTarget
from migrator.sites import Destination, Site

_T = TypeVar("_T")


def source(ctx: PlanContext, node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def literal_text(lit: ast.Constant) -> str:
    """The value of a string literal: one that ``literal_sources`` found (it follows string literals only)
    or a site that holds one (``model_constant``)."""
    assert isinstance(lit.value, str)
    return lit.value


def kwarg(call: ast.Call, name: str) -> ast.keyword | None:
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def call_feature(site: Site) -> str:
    """The feature of a call site's resource (every ``call`` site names its resource)."""
    assert site.resource is not None
    return site.resource.feature


def receiver(site: Site) -> ast.expr | None:
    """The client expression of a resource call: ``self.client`` of ``self.client.beta.threads.create``."""
    assert isinstance(site.node, ast.Call)
    node: ast.expr | None = site.node.func
    for _ in site.extra.get("path", ()):
        node = node.value if isinstance(node, ast.Attribute) else None
    return node


def function_of(scope: Scope) -> ast.AST:
    """The function (or module) node whose body holds the code of ``scope`` (class bodies climb out)."""
    while scope.kind == "class" and scope.parent is not None:
        scope = scope.parent
    return scope.node


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
    expr: ast.expr  # the model argument (or the value of "model" in a **dict)
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
            name = literal_text(lit)
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


def _name_tests(ctx: PlanContext) -> tuple[dict[str, list[ast.Constant]], list[tuple[str, str, int, str]]]:
    """The string tests of the module (cached): literals compared for equality (``m == "gpt-4o"``,
    ``m in ("gpt-4o", ...)``) by value, and partial tests (``"ada" in m``, ``m.startswith("gpt-")``) as
    (kind, string, line, source). Cached on the resolver: one walk per module, whatever the targets."""
    cached = ctx.resolver.__dict__.get("_name_tests")
    if cached is not None:
        return cached
    equal: dict[str, list[ast.Constant]] = {}
    partial: list[tuple[str, str, int, str]] = []
    for node in ast.walk(ctx.resolver.tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for op, (left, right) in zip(node.ops, zip(sides, sides[1:], strict=False), strict=False):
                if isinstance(op, ast.Eq | ast.NotEq):
                    for side in (left, right):
                        if isinstance(side, ast.Constant) and isinstance(side.value, str):
                            equal.setdefault(side.value, []).append(side)
                elif isinstance(op, ast.In | ast.NotIn):
                    if isinstance(right, ast.Tuple | ast.List | ast.Set):
                        for e in right.elts:
                            if isinstance(e, ast.Constant) and isinstance(e.value, str):
                                equal.setdefault(e.value, []).append(e)
                    elif isinstance(left, ast.Constant) and isinstance(left.value, str):
                        partial.append(("in", left.value, node.lineno, ast.unparse(node)[:60]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("startswith", "endswith") and node.args:
            arg = node.args[0]
            values = [arg] if isinstance(arg, ast.Constant) else list(getattr(arg, "elts", []))
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    partial.append((node.func.attr, v.value, node.lineno, ast.unparse(node)[:60]))
    ctx.resolver.__dict__["_name_tests"] = (equal, partial)
    return equal, partial


def consistent_model(ctx: PlanContext, lit: ast.Constant, new: str, code: str, feature: str) -> bool:
    """Before a model literal becomes ``new``: the module's tests of that name must still hold. When the
    name is compared for equality (``if judge_model == "gpt-4o"``) or tested in part in a way the new name
    would fail (``"ada" in model``, ``model.startswith("gpt-")``), the literal is kept as it is with a
    manual item (False): a name is rewritten everywhere it is used, or nowhere."""
    old = lit.value
    assert isinstance(old, str)  # a model literal
    equal, partial = _name_tests(ctx)
    for kind, s, line, src in partial:
        before = s in old if kind == "in" else getattr(old, kind)(s)
        after = s in new if kind == "in" else getattr(new, kind)(s)
        if before != after:
            ctx.report(lit, code, feature, Severity.MANUAL,
                       f"model {old!r} is not rewritten to {new!r}: `{src}` (line {line}) tests the name, and the "
                       "new one would take the other branch; change both by hand")
            return False
    for other in equal.get(old, ()):
        if other is not lit:
            ctx.report(lit, code, feature, Severity.MANUAL,
                       f"model {old!r} is not rewritten to {new!r}: the code compares a name with {old!r} (line "
                       f"{other.lineno}), which would no longer match; change both by hand")
            return False
    return True


# Values that mean "the OpenAI default": passing them changes nothing, so they need no look.
DEFAULT_PARAMS: dict[str, tuple] = {
    "n": (1,), "logprobs": (False, None), "top_logprobs": (None, 0), "presence_penalty": (0, 0.0),
    "frequency_penalty": (0, 0.0), "logit_bias": (None,), "tool_choice": ("auto", None),
    "parallel_tool_calls": (None,),
}


def constant_number(node: ast.expr) -> float | None:
    """A number written in the code (``0.7``, ``-1``) as a float; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = constant_number(node.operand)
        return -inner if inner is not None else None
    return None


def literal_value(node: ast.expr) -> object:
    """The value of a literal expression; ``...`` when the node is not one."""
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return ...


def per_module(resolver: object, name: str, make: Callable[[], _T]) -> _T:
    """Per-module facts that do not depend on the provider: computed once, not once per target."""
    value = getattr(resolver, name, None)
    if value is None:
        value = make()
        setattr(resolver, name, value)
    return value


class ModuleIndex:
    """Parents, enclosing functions, subscripts and calls of a module (shared by every target)."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[int, ast.AST] = {}
        self.owner: dict[int, ast.AST] = {}  # node -> innermost function/module holding it
        self.subscripts: list[ast.Subscript] = []
        self.calls: list[ast.Call] = []
        stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
        while stack:
            n, o = stack.pop()
            self.owner[id(n)] = o
            if isinstance(n, ast.Subscript):
                self.subscripts.append(n)
            elif isinstance(n, ast.Call):
                self.calls.append(n)
            inner = n if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) else o
            for child in ast.iter_child_nodes(n):
                self.parents[id(child)] = n
                stack.append((child, inner))


def module_index(resolver: Resolver) -> ModuleIndex:
    """The :class:`ModuleIndex` of the resolver's module, built once."""
    return per_module(resolver, "_flow_index", lambda: ModuleIndex(resolver.tree))


def thinking_off_entries(ctx: PlanContext) -> tuple[str, dict[str, str]]:
    """The ``extra_body`` entry that switches the provider's default thinking off, as source in the
    file's quote style: (key, {key: value source})."""
    thinking_off = ctx.spec.thinking_off
    assert thinking_off  # callers check that the provider has one
    key, q = next(iter(thinking_off)), ctx.quote
    value = repr(thinking_off[key])
    return key, {key: value.replace("'", q) if q == '"' else value}
