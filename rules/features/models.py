"""Model names: the OpenAI model a call uses becomes the provider's model."""

from __future__ import annotations

import ast
import dataclasses

from migrator.model import RETIRED_MODEL, Severity
from migrator.rules import providers, surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features import responses
from migrator.rules.features.common import (
    call_destination,
    call_feature,
    consistent_model,
    example_mapping,
    function_of,
    is_plain_string,
    literal_text,
    model_expr,
    models_of,
    source,
    target_for,
)
from migrator.rules.features.second_client import stays_on_openai
from migrator.rules.providers import ModelTarget
from migrator.sites import Site

# Features whose calls take a model that the provider table maps.
MAPPED_FEATURES = ("chat", "structured", "embeddings", "images", "audio", "files", "batches")


class ModelName(Rule):
    """Maps the model a call uses to the provider's model.

    What it does: follows ``model=`` to where the name is written: a literal, a module constant, a
    default argument, the default of ``os.getenv("X", "gpt-4o")``, either side of ``or``, or the
    ``"model"`` key of a ``**params`` dict. Each literal is rewritten once through the provider's
    table (dated snapshots map by family: ``gpt-4o-2024-08-06`` is ``gpt-4o``). The table can be
    overridden with ``[tool.migrator.models]`` or ``--model OLD=NEW``. An unknown model is reported
    as manual work, never guessed; a model read from configuration is reported for review. On a
    client that already points at a provider, a model that provider retired (its ``retired`` data:
    ``qwen-turbo``, ``qwen-vl-max``, ...) is reported as OA604 with the replacement, whatever the target.

    Example::

        MODEL = os.getenv("CHAT_MODEL", "gpt-4o-mini")
        client.chat.completions.create(model=MODEL, messages=m)

    becomes (``--target ernie``)::

        MODEL = os.getenv("CHAT_MODEL", "ernie-4.5-turbo-32k")
        client.chat.completions.create(model=MODEL, messages=m)

    Fix safety: safe for mapped models; the environment variable, if set, must name a provider model.
    """

    CODE = "OA601"
    ALSO = (RETIRED_MODEL,)  # a model its provider retired, named by already-migrated code
    NAME = "model-name"
    FEATURE = "models"
    SITES = ("call",)
    SUMMARY = "model names mapped to the provider's models"

    def check(self, site: Site, ctx: PlanContext) -> None:
        feature = call_feature(site)
        self._retired(site, ctx, feature)
        kept = feature == "responses" and responses.plan(site, ctx).how == "keep"
        if feature == "responses":
            if not responses.handled(site, ctx):
                return
        elif feature not in MAPPED_FEATURES or ctx.spec.unsupported_reason(feature, site.extra.get("path", ())):
            return
        if call_destination(site, ctx) is None:
            return
        call = site.node
        assert isinstance(call, ast.Call)
        default = surface.DEFAULT_MODELS.get(feature)
        if default and model_expr(call, ctx, site) is None and not any(k.arg is None for k in call.keywords):
            _, target = target_for(ctx, default)  # the SDK would send its own default: an OpenAI model
            if target is not None:
                ctx.edit(call, "add_kwarg", self.CODE, name="model", src=ctx.string(target.model))
                ctx.report(call, self.CODE, feature, Severity.AUTO,
                           f"no model given (the SDK sends {default}): model={target.model!r} added")
            return
        followed = False
        for use in models_of(site, ctx):
            if use.literal is None:
                if not followed:
                    followed = True
                    kind = "embedding" if feature == "embeddings" else "chat"
                    thinking = ""
                    if kind == "chat" and ctx.spec.thinking_off and ctx.spec.thinking_default_prefixes:
                        key = next(iter(ctx.spec.thinking_off))
                        thinking = (f"; {ctx.spec.thinking_default_prefixes[0]}… models think by default: pass "
                                    f"extra_body={{{key!r}: {ctx.spec.thinking_off[key]!r}}} unless the model is "
                                    "meant to reason")
                    guard = _openai_name_guard(call, use.expr, site, ctx)
                    if guard is not None:
                        ctx.report(use.expr or call, self.CODE, feature, Severity.MANUAL,
                                   f"this call runs only when `{guard}`, a test for an OpenAI model name: with a "
                                   f"{ctx.spec.display} model ({example_mapping(ctx, kind)}) the program takes "
                                   "another branch; change the test, then pass a provider model",
                                   subject=f"model comes from {source(ctx, use.expr)} and is tested for an OpenAI name")
                        continue
                    ctx.report(use.expr or call, self.CODE, feature, Severity.REVIEW,
                               f"model comes from {source(ctx, use.expr)}; make sure it names a {ctx.spec.display} "
                               f"model ({example_mapping(ctx, kind)}){thinking}",
                               subject=f"model comes from {source(ctx, use.expr)}; make sure it names a model of "
                               "the provider")
                continue
            if use.owned or id(use.literal) in ctx.handled_literals or id(use.literal) in ctx.resolver.remote_literals:
                continue  # nothing to do, done already, or defined in another module (changed there)
            lit = use.literal
            ctx.handled_literals.add(id(lit))
            name = literal_text(lit)
            if use.target is not None and kept:
                mapped = use.target
                api = ctx.spec.responses
                if api is not None and api.vision_model and _sends_images(call, site, ctx):
                    use = dataclasses.replace(use, target=ModelTarget(
                        api.vision_model, note=f"the call sends images: {api.vision_model} reads them and serves "
                                               f"{ctx.spec.display}'s Responses API"))
                else:
                    use = dataclasses.replace(use, target=responses.model_target(mapped, ctx))
            elif use.target is not None and use.family != "gpt-4-vision" and _sends_images(call, site, ctx):
                vision = target_for(ctx, "gpt-4-vision")[1]
                if vision is not None and vision.model != use.target.model:
                    use = dataclasses.replace(use, target=ModelTarget(
                        vision.model, note=f"the call sends images: {vision.model} reads them, {use.target.model} "
                                           "may not"))
            if use.target is None and name in ctx.options.models.values():
                continue  # the user's own choice (--model OLD=NEW, [tool.migrator.models]): not ours to doubt
            if use.target is None:
                ctx.report(lit, self.CODE, feature, Severity.MANUAL,
                           f"unknown model {name!r} for {ctx.spec.display}: add it to [tool.migrator.models] "
                           f"or pass --model {name}=<{ctx.spec.name} model>")
                continue
            if not is_plain_string(ctx, lit):
                ctx.report(lit, self.CODE, feature, Severity.REVIEW,
                           f"model {name!r} is built from several string pieces; change it to {use.target.model!r}")
                continue
            if not consistent_model(ctx, lit, use.target.model, self.CODE, feature):
                continue
            ctx.edit(lit, "replace_string", self.CODE, value=use.target.model)
            message = f"model {name!r} → {use.target.model!r}"
            env = ctx.resolver.env_defaults.get(id(lit))
            severity = Severity.AUTO
            if use.target.note:
                message += f" ({use.target.note})"
                severity = Severity.REVIEW
            if env:
                message += f"; if {env} is set where the program runs, it must name a {ctx.spec.display} model too"
            ctx.report(lit, self.CODE, feature, severity, message)


    def _retired(self, site: Site, ctx: PlanContext, feature: str) -> None:
        """A call on a client that already points at a provider, naming a model that provider retired (whatever
        the target: ``check`` runs without one)."""
        dest = ctx.destination(site.clients)
        if dest.kind != "provider" or dest.provider not in providers.builtin_targets():
            return
        retired = providers.load(dest.provider).retired
        call = site.node
        assert isinstance(call, ast.Call)  # the rule's SITES are calls
        expr = model_expr(call, ctx, site)
        for lit in ctx.resolver.literal_sources(expr, site.scope) if expr is not None else ():
            if lit is not None and lit.value in retired and id(lit) not in ctx.handled_literals:
                ctx.handled_literals.add(id(lit))
                ctx.report(lit, RETIRED_MODEL, "models", Severity.REVIEW,
                           f"model {lit.value!r} on {dest.host}: {retired[lit.value]}",
                           subject=f"retired provider model {lit.value!r}")


def _sends_images(call: ast.Call, site: Site, ctx: PlanContext) -> bool:
    """The call's messages (or Responses input), written at the call or in the list a name holds, have an
    image part."""
    for k in call.keywords:
        if k.arg in ("messages", "input"):
            values = [k.value]
            if isinstance(k.value, ast.Name):
                values = [e[1] for e, _ in ctx.resolver.visible_bindings(k.value.id, site.scope) if e[0] == "expr"]
            for node in (n for v in values for n in ast.walk(v)):
                if isinstance(node, ast.Dict) and any(
                        isinstance(key, ast.Constant) and key.value == "type" and isinstance(v, ast.Constant)
                        and v.value in ("image_url", "input_image") for key, v in zip(node.keys, node.values,
                                                                                       strict=True)):
                    return True
    return False


class ModelConstant(Rule):
    """Maps OpenAI model names held in settings: constants, fields and defaults named like ``*model*``.

    What it does: a string that is a known OpenAI model (``gpt-4o``, ``text-embedding-3-small``, a
    dated snapshot) assigned to a name, attribute, dict key or parameter whose name contains
    ``model`` is rewritten through the provider's table, even when no call in the same file uses it:
    settings modules, dataclass and pydantic fields, config dicts. Calls in other modules that import
    the constant are then migrated consistently (embedding sizes, thinking switch).

    Example::

        class Settings(BaseSettings):
            chat_model: str = "gpt-4o"

    becomes (``--target glm``)::

        class Settings(BaseSettings):
            chat_model: str = "glm-4.6"

    Fix safety: safe; only known OpenAI model names are touched.
    """

    CODE = "OA602"
    NAME = "model-setting"
    FEATURE = "models"
    SITES = ("model_constant",)
    SUMMARY = "OpenAI model names in settings, constants and defaults"

    def check(self, site: Site, ctx: PlanContext) -> None:
        lit = site.node
        assert isinstance(lit, ast.Constant) and isinstance(lit.value, str)  # a model_constant site is a string
        if id(lit) in ctx.handled_literals or ctx.spec.owns_model(lit.value):
            return
        if not ctx.resolver.openai_names and not ctx.resolver.agents_sdk and not self._used_by_openai_code(site, ctx):
            return  # a model setting of another SDK (litellm picks its provider from the name)
        calls = [s for s in ctx.sites if s.kind == "call" and s.clients]
        if calls and all(ctx.destination(s.clients).kind == "other" for s in calls) \
                and not self._used_by_openai_code(site, ctx):
            return  # every call of the module goes to a server of its own: the names are that server's
        users = [s for s in calls if s.resource is not None and any(u.literal is lit for u in models_of(s, ctx))]
        if users and all(stays_on_openai(s, ctx) for s in users):
            return  # every call that uses it stays on OpenAI: so does the name
        ctx.handled_literals.add(id(lit))
        family, target = target_for(ctx, lit.value)
        if target is not None:
            target = responses.constant_target(lit, target, ctx, site.extra.get("func"))
        if target is None:
            ctx.report(lit, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{site.attr} = {lit.value!r}: {ctx.spec.display} has no equivalent in migrator's table; "
                       f"add one to [tool.migrator.models] or pass --model {lit.value}=<model>")
            return
        if not is_plain_string(ctx, lit) or not consistent_model(ctx, lit, target.model, self.CODE, self.FEATURE):
            return
        ctx.edit(lit, "replace_string", self.CODE, value=target.model)
        message = f"{site.attr}: model {lit.value!r} → {target.model!r}"
        env = ctx.resolver.env_defaults.get(id(lit))
        if env:
            message += f"; if {env} is set where the program runs, it must name a {ctx.spec.display} model too"
        ctx.report(lit, self.CODE, self.FEATURE, Severity.REVIEW if target.note else Severity.AUTO,
                   message + (f" ({target.note})" if target.note else ""), subject=f"{site.attr} = {lit.value!r}")

    @staticmethod
    def _used_by_openai_code(site: Site, ctx: PlanContext) -> bool:
        """A constant of a module without openai imports, imported by a module that uses the SDK."""
        project = ctx.project
        module = ctx.resolver.module_name
        if project is None or module is None or site.scope is not ctx.resolver.module_scope:
            return False
        return f"{module}.{site.attr}" in project.used_constants


_OPENAI_PREFIXES = ("gpt", "o1", "o3", "o4", "chatgpt", "text-", "davinci", "curie", "babbage", "ada", "openai")


def _openai_name_guard(call: ast.Call, expr: ast.expr | None, site: Site, ctx: PlanContext) -> str | None:
    """The test of an ``if`` around ``call`` that checks the call's model variable for an OpenAI name
    (``if "gpt" in model:``, ``model.startswith("gpt-")``, ``model == "gpt-4"``), as written."""
    if not isinstance(expr, ast.Name):
        return None
    name = expr.id

    def names_openai(test: ast.expr) -> bool:
        for node in ast.walk(test):
            mentions = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
            if isinstance(node, ast.Compare) and mentions:
                sides = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("startswith", "endswith") and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == name:
                sides = list(node.args)
            else:
                continue
            for side in sides:
                values = side.elts if isinstance(side, ast.Tuple | ast.List) else [side]
                if any(isinstance(v, ast.Constant) and isinstance(v.value, str) and
                       v.value.lower().startswith(_OPENAI_PREFIXES) for v in values):
                    return True
        return False

    stack: list[ast.AST] = [function_of(site.scope)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and node.body and \
                node.body[0].lineno <= call.lineno <= (node.body[-1].end_lineno or 0) and names_openai(node.test):
            return ast.unparse(node.test)[:60]
        if node is not call:
            stack.extend(n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt | ast.excepthandler)
                         or isinstance(n, ast.Module))
    return None
