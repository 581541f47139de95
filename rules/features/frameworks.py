"""LangChain and LlamaIndex classes that wrap the OpenAI API, and third-party OpenAI wrappers.

Compat style keeps the framework and points its OpenAI class at the provider's OpenAI-compatible
endpoint (LangChain: ``base_url`` / ``api_key`` / ``model``; LlamaIndex: ``OpenAILike`` /
``OpenAILikeEmbedding``). Native style would use the provider's own integration class; each provider
spec says in ``framework_notes`` why that class is not sound today (providers.md §5), so native style
migrates these sites the compat way and says why.
"""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from migrator.model import Severity
from migrator.resolve import DictLit
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.clients import plan_key
from migrator.rules.features.common import (
    DEFAULT_PARAMS,
    constant_number,
    is_plain_string,
    kwarg,
    literal_text,
    literal_value,
    source,
    target_for,
)
from migrator.rules.providers import ModelTarget
from migrator.sites import Destination, Site, expr_destination

# keyword arguments of the Azure classes that mean nothing on the provider
AZURE_KWARGS = ("azure_endpoint", "openai_api_version", "api_version", "azure_ad_token", "azure_ad_token_provider",
                "openai_api_type", "validate_base_url", "azure_ad_async_token_provider")
AZURE_DEPLOYMENT = ("azure_deployment", "deployment_name", "deployment", "engine")


def find(call: ast.Call, names: tuple[str, ...], site: Site, ctx: PlanContext) -> tuple[str | None, ast.expr | None,
                                                                                       bool]:
    """(keyword used, value, known) for the first of ``names`` the call passes, also inside ``**{...}``.

    ``known`` is False when a ``**`` argument migrator cannot read could carry it.
    """
    for k in call.keywords:
        if k.arg in names:
            return k.arg, k.value, True
    known = True
    for k in call.keywords:
        if k.arg is not None:
            continue
        dicts = [v for v in ctx.resolver.eval(k.value, site.scope) if isinstance(v, DictLit)]
        if len(dicts) != 1:
            known = False
            continue
        node = dicts[0].node
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in names:
                return key.value, value, True
        if any(key is None for key in node.keys):
            known = False  # {**other}: may carry it
    return None, None, known


def destination(site: Site, ctx: PlanContext) -> tuple[Destination, ast.expr | None]:
    """Where the class sends its requests, and the URL expression when one is given."""
    call = site.node
    assert isinstance(call, ast.Call)
    cls: surface.FrameworkClass = site.extra["cls"]
    _, url, known = find(call, cls.url_kw, site, ctx) if cls.url_kw else (None, None, True)
    if url is not None:
        return expr_destination(url, ctx.resolver, site.scope, ctx.provider_hosts), url
    if cls.azure and find(call, ("azure_endpoint",), site, ctx)[1] is not None:
        return Destination("openai", "azure"), None
    if not known:
        return Destination("unknown"), None
    return Destination("openai", "api.openai.com"), None


def context_tokens(window: str) -> int | None:
    """``"128K"`` → 128000 (rounded down: a smaller window only packs prompts tighter)."""
    m = re.fullmatch(r"(\d+)([KM])", window.strip())
    if not m:
        return None
    return int(m.group(1)) * (1000 if m.group(2) == "K" else 1_000_000)


class Plan:
    """What one site's migration did, for the finding's message."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.severity = Severity.AUTO
        self.family: str | None = None  # the OpenAI model it used (catalogue entry)
        self.target: ModelTarget | None = None

    def review(self, note: str) -> None:
        self.notes.append(note)
        self.severity = Severity.REVIEW


class FrameworkRule(Rule):
    """Shared planning for the framework rules; subclasses pick their sites and what to add."""

    ROLE: str = ""
    FRAMEWORK: str = ""
    SITES: ClassVar[tuple[str, ...]] = ("framework",)
    FEATURE = "frameworks"

    def applies(self, site: Site) -> bool:
        cls = site.extra.get("cls")
        return site.kind == "framework" and cls is not None and cls.role == self.ROLE and (
            not self.FRAMEWORK or cls.framework == self.FRAMEWORK)

    def check(self, site: Site, ctx: PlanContext) -> None:
        call = site.node
        assert isinstance(call, ast.Call)
        cls: surface.FrameworkClass = site.extra["cls"]
        dest, url = destination(site, ctx)
        if dest.kind == "provider":
            if dest.provider != ctx.spec.name:
                ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"{cls.label} already points at {dest.host} ({dest.provider}); left alone",
                           subject=f"{cls.label} already points at {dest.host}")
            return
        if dest.kind == "other":
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{cls.label} already talks to {dest.host}; left alone",
                       subject=f"{cls.label} already talks to {dest.host}")
            return
        if dest.kind == "unknown":
            shown = source(ctx, url) if url is not None else "**kwargs"
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{cls.label} takes its base URL from {shown}; make sure it is {ctx.base_url()} and the key "
                       f"is the {ctx.spec.display} key ({ctx.spec.key_env}); left as written",
                       subject=f"{cls.label} takes its base URL from {shown}")
            return
        role = getattr(self, "ROLE", "")  # a chat or embeddings class needs that feature at the provider
        reason = ctx.spec.unsupported.get(role) if role in ("chat", "embeddings") else None
        if reason:
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{cls.label}: not migrated — {reason}; it stays on OpenAI", reaches_openai=True,
                       subject=f"{cls.label} talks to api.openai.com")
            return
        self.migrate(site, call, cls, url, ctx)

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        raise NotImplementedError

    # -- shared steps ---------------------------------------------------------------------------

    def endpoint(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                 ctx: PlanContext, plan: Plan, url_name: str | None = None) -> None:
        """Base URL of the provider and the key from its variable, in the class's own keywords."""
        names = [k.arg for k in call.keywords if k.arg and k.arg not in AZURE_KWARGS]
        alias = cls.framework == "langchain" and any(n.startswith("openai_api_") for n in names) and len(cls.url_kw) > 1
        url_name = url_name or (cls.url_kw[1] if alias and cls.url_kw[1].startswith("openai_") else cls.url_kw[0])
        key_name = cls.key_kw[1] if alias and len(cls.key_kw) > 1 and cls.key_kw[1].startswith("openai_") \
            else cls.key_kw[0]
        if url is None:
            ctx.edit(call, "add_kwarg", self.CODE, name=url_name, src=ctx.string(ctx.base_url()))
        elif isinstance(url, ast.Constant):
            ctx.edit(url, "replace_expr", self.CODE, src=ctx.string(ctx.base_url()))
        else:  # a constant or os.getenv("X", "https://api.openai.com/v1"): move the OpenAI URL where it is written
            lits = [lit for lit in ctx.resolver.literal_sources(url, site.scope) if lit is not None]
            if lits and all(is_plain_string(ctx, lit) for lit in lits):
                for lit in lits:
                    ctx.edit(lit, "replace_string", self.CODE, value=ctx.base_url())
                if ctx.resolver.env_reads(url, site.scope):
                    plan.review(f"base URL from {source(ctx, url)}: its default now points at {ctx.spec.display}; "
                                "a configured value must too")
            else:
                ctx.edit(url, "replace_expr", self.CODE, src=ctx.string(ctx.base_url()))
        _, key, _ = find(call, cls.key_kw, site, ctx)
        if key is None:
            ctx.edit(call, "add_kwarg", self.CODE, name=key_name, src=ctx.env_read(ctx.spec.key_env))
            plan.notes.append(f"key from {ctx.spec.key_env}")
        else:
            note = plan_key(key, call, site, ctx, self.CODE, add_kwarg=False)
            if note == "key left as written":
                plan.severity = Severity.REVIEW
            plan.notes.append(note)
        region = ctx.spec.region_notes.get(ctx.options.region)
        if region:
            plan.notes.append(region)

    def model(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, ctx: PlanContext, plan: Plan,
              kind: str, write_as: str | None = None) -> None:
        """Map the model the class uses (or the one it defaults to) through the provider's table."""
        name, expr, known = find(call, cls.model_kw, site, ctx)
        if expr is None and cls.model_pos is not None and len(call.args) > cls.model_pos:
            expr = call.args[cls.model_pos]
        if write_as and name is not None and name != write_as and any(k.arg == name for k in call.keywords):
            ctx.edit(call, "rename_kwarg", self.CODE, old=name, new=write_as)
            plan.notes.append(f"{name}= → {write_as}=")
        if expr is None and not known:
            return
        if expr is None:
            if cls.default_model is None:
                if cls.azure and not any(k.arg in AZURE_DEPLOYMENT for k in call.keywords):
                    plan.review("no model given (Azure passes a deployment name): add model=<"
                                f"{ctx.spec.name} model>")
                return
            plan.family, plan.target = target_for(ctx, cls.default_model)
            if plan.target is not None:
                ctx.edit(call, "add_kwarg", self.CODE, name=write_as or cls.model_kw[0],
                         src=ctx.string(plan.target.model))
                plan.notes.append(f"model={plan.target.model!r} added (the class defaults to {cls.default_model})")
            return
        followed = False
        for lit in ctx.resolver.literal_sources(expr, site.scope):
            if lit is None:
                if not followed:
                    followed = True
                    plan.review(f"model comes from {source(ctx, expr)}; make sure it names a {ctx.spec.display} "
                                f"{kind} model")
                continue
            value = literal_text(lit)
            if ctx.spec.owns_model(value):
                continue
            family, target = target_for(ctx, value)
            if target is None:
                ctx.report(lit, self.CODE, self.FEATURE, Severity.MANUAL,
                           f"unknown model {value!r} for {ctx.spec.display}: add it to [tool.migrator.models] or pass "
                           f"--model {value}=<{ctx.spec.name} model>")
                continue
            plan.family, plan.target = family, target
            if id(lit) in ctx.handled_literals or id(lit) in ctx.resolver.remote_literals:
                continue
            if not is_plain_string(ctx, lit):
                plan.review(f"model {value!r} is built from several string pieces; change it to {target.model!r}")
                continue
            ctx.handled_literals.add(id(lit))
            ctx.edit(lit, "replace_string", self.CODE, value=target.model)
            plan.notes.append(f"model {value!r} → {target.model!r}")
            if target.note:
                plan.review(target.note)
            env = ctx.resolver.env_defaults.get(id(lit))
            if env:
                plan.notes.append(f"if {env} is set where the program runs, it must name a {ctx.spec.display} model too")

    def temperature(self, call: ast.Call, ctx: PlanContext, plan: Plan) -> None:
        k = kwarg(call, "temperature")
        if k is None:
            return
        value = constant_number(k.value)
        rng = ctx.spec.temperature
        if value is None or rng.contains(value):
            return
        new = rng.clamp(value)
        ctx.edit(k.value, "replace_expr", self.CODE, src=repr(new))
        plan.review(f"temperature {value:g} → {new:g} ({ctx.spec.display} accepts {rng})")

    def param_notes(self, call: ast.Call, ctx: PlanContext, plan: Plan) -> None:
        """Chat parameters the provider does not document, set on the class (as the chat rule reports them)."""
        for name, note in ctx.spec.param_notes.items():
            k = kwarg(call, name)
            if k is None:
                continue
            value = literal_value(k.value)
            if value is not ... and value in DEFAULT_PARAMS.get(name, ()):
                continue
            plan.review(f"{name}={source(ctx, k.value)}: {note}")

    def thinks(self, plan: Plan, ctx: PlanContext) -> bool:
        """The new model thinks by default and the old one did not: thinking must be switched off."""
        if not ctx.spec.thinking_off or plan.target is None:
            return False
        old = surface.OPENAI_MODELS.get(plan.family or "")
        return ctx.spec.thinks_by_default(plan.target.model) and not (old and old.reasoning)

    def merge_dict(self, call: ast.Call, kw: str, entries: dict[str, str], ctx: PlanContext, plan: Plan,
                   what: str) -> None:
        """Add entries to a dict keyword (``extra_body=``, ``model_kwargs=``), creating it when absent."""
        k = kwarg(call, kw)
        if k is not None and not isinstance(k.value, ast.Dict):
            plan.review(f"{kw}={source(ctx, k.value)}: add {', '.join(f'{n!r}: {v}' for n, v in entries.items())} "
                        f"to it ({what})")
            return
        if k is not None and isinstance(k.value, ast.Dict):  # any other value returned above
            present = {key.value for key in k.value.keys if isinstance(key, ast.Constant)}
            entries = {n: v for n, v in entries.items() if n not in present}
            if not entries:
                return
        ctx.edit(call, "merge_extra_body", self.CODE, entries=entries, quote=ctx.quote, kw=kw)
        plan.notes.append(what)

    def py(self, value: object, ctx: PlanContext) -> str:
        """Source of a small literal (dict, bool, number, string) in the file's quote style."""
        text = repr(value)
        return text.replace("'", ctx.quote) if ctx.quote == '"' else text

    def swap_class(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, ctx: PlanContext,
                   plan: Plan) -> bool:
        """Build ``cls.replacement`` instead of the class; False when migrator cannot see how it is named."""
        assert cls.replacement is not None  # callers swap only classes that have one
        module, new = cls.replacement
        func = call.func
        qual = site.attr or ""
        old_module, old = qual.rsplit(".", 1)
        if isinstance(func, ast.Attribute):
            if old_module == module:
                ctx.edit(call, "rename_callee", self.CODE, name=new)
            else:
                ctx.edit(func, "replace_expr", self.CODE, src=new)
                ctx.need_import(module, new)
            return True
        if not isinstance(func, ast.Name):
            plan.review(f"built through {source(ctx, func)}: build {module}.{new} there instead")
            return False
        local = func.id
        imports = [n for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.ImportFrom) and not n.level
                   and any((a.asname or a.name) == local and f"{n.module}.{a.name}" == qual for a in n.names)]
        if len(imports) == 1 and self._only_built(ctx, local, qual):
            imp = imports[0]
            alias = next(a for a in imp.names if (a.asname or a.name) == local)
            if all(a is alias or self._swapped_to(ctx, imp, a, module) for a in imp.names):
                # the whole import moves to the new module (names stay where they were: a function-local
                # import or one under `if` keeps its place)
                ctx.edit(imp, "rewrite_import", self.CODE, module=module, names={old: new}, rename_local=True)
                if alias.asname is None and new != old:
                    ctx.edit(call, "rename_callee", self.CODE, name=new)
                return True
            ctx.edit(imp, "remove_import_name", self.CODE, name=old)
        ctx.need_import(module, new)
        ctx.edit(call, "rename_callee", self.CODE, name=new)
        return True

    @staticmethod
    def _only_built(ctx: PlanContext, local: str, qual: str) -> bool:
        """Every use of the imported name is a construction migrator rewrites (no annotation, isinstance...)."""
        loads = sum(1 for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.Name) and n.id == local)
        builds = sum(1 for s in ctx.sites if s.kind == "framework" and s.attr == qual
                     and isinstance(s.node, ast.Call) and isinstance(s.node.func, ast.Name) and s.node.func.id == local)
        return loads == builds

    def _swapped_to(self, ctx: PlanContext, imp: ast.ImportFrom, alias: ast.alias, module: str) -> bool:
        """Another name of the same import that is also replaced by a class of ``module``."""
        qual = f"{imp.module}.{alias.name}"
        cls = surface.FRAMEWORK_CLASSES.get(qual)
        return cls is not None and cls.replacement is not None and cls.replacement[0] == module \
            and self._only_built(ctx, alias.asname or alias.name, qual)

    def batch(self, call: ast.Call, name: str, ctx: PlanContext, plan: Plan) -> None:
        limit = ctx.spec.embedding_max_inputs
        if not limit:
            return
        k = kwarg(call, name)
        if k is None:
            ctx.edit(call, "add_kwarg", self.CODE, name=name, src=str(limit))
            plan.notes.append(f"{name}={limit} (the provider's batch limit)")
            return
        value = constant_number(k.value)
        if value is None:
            plan.review(f"{name}={source(ctx, k.value)}: {ctx.spec.display} takes at most {limit} texts a request")
        elif value > limit:
            ctx.edit(k.value, "replace_expr", self.CODE, src=str(limit))
            plan.notes.append(f"{name} {value:g} → {limit} (the provider's batch limit)")

    def dimensions(self, call: ast.Call, ctx: PlanContext, plan: Plan) -> tuple[int | None, int | None]:
        spec = ctx.spec
        family = surface.OPENAI_MODELS.get(plan.family or "")
        old = family.dimensions if family else None
        dims = kwarg(call, "dimensions")
        if dims is not None and isinstance(dims.value, ast.Constant) and isinstance(dims.value.value, int):
            old = dims.value.value
        target = plan.target
        if target is None:
            return old, None
        sizes = spec.embedding_dimensions.get(target.model, ())
        new = target.dimensions or (sizes[0] if len(sizes) == 1 else None)
        if not spec.embedding_accepts_dimensions:
            if dims is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name="dimensions")
                plan.notes.append(f"dimensions= removed ({spec.display} takes none)")
        elif dims is None and target.dimensions:
            ctx.edit(call, "add_kwarg", self.CODE, name="dimensions", src=str(target.dimensions))
        elif dims is not None and old is not None and sizes and old not in sizes:
            plan.review(f"{target.model} does not offer {old} dimensions; choose one of {', '.join(map(str, sizes))}")
            new = None
        elif dims is not None:
            new = old
        return old, new

    def native_note(self, key: str, ctx: PlanContext, plan: Plan) -> None:
        if ctx.options.style != "native":
            return
        reason = ctx.spec.framework_notes.get(key)
        if reason:
            plan.review(f"--style native: {reason}; migrated in compat style instead")

    def report(self, call: ast.Call, cls: surface.FrameworkClass, ctx: PlanContext, plan: Plan, head: str,
               severity: Severity | None = None) -> None:
        severity = severity or plan.severity
        ctx.report(call, self.CODE, self.FEATURE, severity, f"{head} ({'; '.join(plan.notes)})",
                   reaches_openai=True, subject=f"{cls.label} talks to api.openai.com")


class OpenAIWrapper(FrameworkRule):
    """Reports third-party classes that call OpenAI themselves (chromadb, Haystack, older LlamaIndex).

    What it does: ``chromadb.utils.embedding_functions.OpenAIEmbeddingFunction``, Haystack's and
    Semantic Kernel's OpenAI components, ``dspy.OpenAI``, LlamaIndex's Azure and pre-0.10 OpenAI
    classes build their own OpenAI client from ``OPENAI_API_KEY``. migrator does not rewrite their
    arguments (each has its own names and limits); it reports each one, with how to point it at the
    provider, so ``check`` fails until it is done. One already given another base URL is left alone.

    Example::

        from chromadb.utils.embedding_functions import OpenAIEmbeddingFunction
        fn = OpenAIEmbeddingFunction(api_key=OPENAI_API_KEY)

    Fix safety: manual.
    """

    CODE = "OA125"
    NAME = "openai-wrapper"
    ROLE = "wrapper"
    FRAMEWORK = ""
    SUMMARY = "third-party classes that call OpenAI themselves: reported with the next step"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        hint = cls.hint.replace("<provider URL>", repr(ctx.base_url())).replace(
            "<provider key>", f"os.environ[{ctx.spec.key_env!r}]")
        ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"{cls.label} calls api.openai.com with its own client; {hint}", reaches_openai=True,
                   subject=f"{cls.label} calls api.openai.com")
