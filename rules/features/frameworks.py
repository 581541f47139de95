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

from migrator.model import Severity
from migrator.resolve import DictLit
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.clients import plan_key
from migrator.rules.features.common import is_plain_string, kwarg, source, target_for
from migrator.rules.features.params import _DEFAULTS, _literal, _number
from migrator.rules.providers import ModelTarget
from migrator.sites import Destination, Site, _expr_destination

# keyword arguments of the Azure classes that mean nothing on the provider
_AZURE_KWARGS = ("azure_endpoint", "openai_api_version", "api_version", "azure_ad_token", "azure_ad_token_provider",
                 "openai_api_type", "validate_base_url", "azure_ad_async_token_provider")
_AZURE_DEPLOYMENT = ("azure_deployment", "deployment_name", "deployment", "engine")


def _find(call: ast.Call, names: tuple[str, ...], site: Site, ctx: PlanContext) -> tuple[str | None, ast.expr | None,
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
    _, url, known = _find(call, cls.url_kw, site, ctx) if cls.url_kw else (None, None, True)
    if url is not None:
        return _expr_destination(url, ctx.resolver, site.scope, ctx.provider_hosts), url
    if cls.azure and _find(call, ("azure_endpoint",), site, ctx)[1] is not None:
        return Destination("openai", "azure"), None
    if not known:
        return Destination("unknown"), None
    return Destination("openai", "api.openai.com"), None


def _context_tokens(window: str) -> int | None:
    """``"128K"`` → 128000 (rounded down: a smaller window only packs prompts tighter)."""
    m = re.fullmatch(r"(\d+)([KM])", window.strip())
    if not m:
        return None
    return int(m.group(1)) * (1000 if m.group(2) == "K" else 1_000_000)


class _Plan:
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
    SITES = ("framework",)
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
        self.migrate(site, call, cls, url, ctx)

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        raise NotImplementedError

    # -- shared steps ---------------------------------------------------------------------------

    def endpoint(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                 ctx: PlanContext, plan: _Plan, url_name: str | None = None) -> None:
        """Base URL of the provider and the key from its variable, in the class's own keywords."""
        names = [k.arg for k in call.keywords if k.arg and k.arg not in _AZURE_KWARGS]
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
        _, key, _ = _find(call, cls.key_kw, site, ctx)
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

    def model(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, ctx: PlanContext, plan: _Plan,
              kind: str, write_as: str | None = None) -> None:
        """Map the model the class uses (or the one it defaults to) through the provider's table."""
        name, expr, known = _find(call, cls.model_kw, site, ctx)
        if expr is None and cls.model_pos is not None and len(call.args) > cls.model_pos:
            expr = call.args[cls.model_pos]
        if write_as and name is not None and name != write_as and any(k.arg == name for k in call.keywords):
            ctx.edit(call, "rename_kwarg", self.CODE, old=name, new=write_as)
            plan.notes.append(f"{name}= → {write_as}=")
        if expr is None and not known:
            return
        if expr is None:
            if cls.default_model is None:
                if cls.azure and not any(k.arg in _AZURE_DEPLOYMENT for k in call.keywords):
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
            value = lit.value
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

    def temperature(self, call: ast.Call, ctx: PlanContext, plan: _Plan) -> None:
        k = kwarg(call, "temperature")
        if k is None:
            return
        value = _number(k.value)
        rng = ctx.spec.temperature
        if value is None or rng.contains(value):
            return
        new = rng.clamp(value)
        ctx.edit(k.value, "replace_expr", self.CODE, src=repr(new))
        plan.review(f"temperature {value:g} → {new:g} ({ctx.spec.display} accepts {rng})")

    def param_notes(self, call: ast.Call, ctx: PlanContext, plan: _Plan) -> None:
        """Chat parameters the provider does not document, set on the class (as the chat rule reports them)."""
        for name, note in ctx.spec.param_notes.items():
            k = kwarg(call, name)
            if k is None:
                continue
            value = _literal(k.value)
            if value is not ... and value in _DEFAULTS.get(name, ()):
                continue
            plan.review(f"{name}={source(ctx, k.value)}: {note}")

    def thinks(self, plan: _Plan, ctx: PlanContext) -> bool:
        """The new model thinks by default and the old one did not: thinking must be switched off."""
        if not ctx.spec.thinking_off or plan.target is None:
            return False
        old = surface.OPENAI_MODELS.get(plan.family or "")
        return ctx.spec.thinks_by_default(plan.target.model) and not (old and old.reasoning)

    def merge_dict(self, call: ast.Call, kw: str, entries: dict[str, str], ctx: PlanContext, plan: _Plan,
                   what: str) -> None:
        """Add entries to a dict keyword (``extra_body=``, ``model_kwargs=``), creating it when absent."""
        k = kwarg(call, kw)
        if k is not None and not isinstance(k.value, ast.Dict):
            plan.review(f"{kw}={source(ctx, k.value)}: add {', '.join(f'{n!r}: {v}' for n, v in entries.items())} "
                        f"to it ({what})")
            return
        if k is not None:
            present = {key.value for key in k.value.keys if isinstance(key, ast.Constant)}  # type: ignore[attr-defined]
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
                   plan: _Plan) -> bool:
        """Build ``cls.replacement`` instead of the class; False when migrator cannot see how it is named."""
        module, new = cls.replacement  # type: ignore[misc]
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
                     and isinstance(s.node.func, ast.Name) and s.node.func.id == local)  # type: ignore[attr-defined]
        return loads == builds

    def _swapped_to(self, ctx: PlanContext, imp: ast.ImportFrom, alias: ast.alias, module: str) -> bool:
        """Another name of the same import that is also replaced by a class of ``module``."""
        qual = f"{imp.module}.{alias.name}"
        cls = surface.FRAMEWORK_CLASSES.get(qual)
        return cls is not None and cls.replacement is not None and cls.replacement[0] == module \
            and self._only_built(ctx, alias.asname or alias.name, qual)

    def native_note(self, key: str, ctx: PlanContext, plan: _Plan) -> None:
        if ctx.options.style != "native":
            return
        reason = ctx.spec.framework_notes.get(key)
        if reason:
            plan.review(f"--style native: {reason}; migrated in compat style instead")

    def report(self, call: ast.Call, cls: surface.FrameworkClass, ctx: PlanContext, plan: _Plan, head: str,
               severity: Severity | None = None) -> None:
        severity = severity or plan.severity
        ctx.report(call, self.CODE, self.FEATURE, severity, f"{head} ({'; '.join(plan.notes)})",
                   reaches_openai=True, subject=f"{cls.label} talks to api.openai.com")


# ---------------------------------------------------------------------------------------------


class LangChainChat(FrameworkRule):
    """Points LangChain's ``ChatOpenAI`` / ``AzureChatOpenAI`` at the provider's compatible endpoint.

    What it does: ``langchain_openai.ChatOpenAI`` (and the legacy ``langchain.chat_models`` /
    ``langchain_community`` class), however imported, gets the provider's ``base_url`` and an
    ``api_key`` read from the provider's variable (``openai_api_base=`` / ``openai_api_key=`` are
    understood and kept); the model is mapped, a temperature outside the provider's range is clamped,
    thinking is switched off through ``extra_body`` where the new model thinks by default.
    ``langchain_openai`` sends ``max_tokens`` as ``max_completion_tokens``, which the providers do not
    document, so the limit moves into ``extra_body``. ``AzureChatOpenAI`` becomes ``ChatOpenAI`` and its
    Azure arguments are dropped. ``with_structured_output`` on such a model asks for json_schema, which
    Qwen offers on some models only and GLM not at all: there ``method="function_calling"`` is added. A
    class already pointed at a provider or another gateway is left alone.

    Example::

        from langchain_openai import ChatOpenAI
        llm = ChatOpenAI(model="gpt-4o", max_tokens=512)

    becomes (``--target qwen``)::

        import os
        from langchain_openai import ChatOpenAI
        llm = ChatOpenAI(model="qwen-plus", base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", api_key=os.environ["DASHSCOPE_API_KEY"], extra_body={"max_tokens": 512})

    Fix safety: safe; review the notes on limits and Azure deployment names.
    """

    CODE = "OA120"
    NAME = "langchain-chat-model"
    ROLE = "chat"
    FRAMEWORK = "langchain"
    SITES = ("framework", "framework_call")
    SUMMARY = "LangChain ChatOpenAI / AzureChatOpenAI: provider base_url, key, model, structured output"

    def applies(self, site: Site) -> bool:
        cls = site.extra.get("cls")
        if site.kind == "framework_call":
            return cls is not None and cls.framework == "langchain" and cls.role == "chat" and (
                not cls.legacy or cls.replacement is not None)
        return super().applies(site)

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind == "framework_call":
            self.structured_output(site, ctx)
            return
        if site.extra["cls"].factory and not self.factory_builds_openai(site, ctx):
            return
        super().check(site, ctx)

    def factory_builds_openai(self, site: Site, ctx: PlanContext) -> bool:
        """``init_chat_model`` builds ChatOpenAI for ``model_provider="openai"``, ``"openai:…"`` or a gpt-/o1… model."""
        call = site.node
        assert isinstance(call, ast.Call)
        provider = kwarg(call, "model_provider")
        if provider is not None:
            if isinstance(provider.value, ast.Constant):
                return provider.value.value == "openai"
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"init_chat_model with model_provider={source(ctx, provider.value)}: where it is \"openai\", "
                       f"pass base_url={ctx.base_url()!r} and api_key=os.environ[{ctx.spec.key_env!r}]",
                       subject="init_chat_model may build ChatOpenAI")
            return False
        expr = self.factory_model_expr(call)
        lits = ctx.resolver.literal_sources(expr, site.scope) if expr is not None else [None]
        if any(lit is None for lit in lits):
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"init_chat_model with model {source(ctx, expr) if expr is not None else 'from configuration'}: "
                       f"where it names an OpenAI model, pass model_provider=\"openai\", base_url={ctx.base_url()!r} "
                       f"and api_key=os.environ[{ctx.spec.key_env!r}]", subject="init_chat_model may build ChatOpenAI")
            return False
        return all(self._openai_model_string(lit.value) for lit in lits)  # type: ignore[union-attr]

    @staticmethod
    def _openai_model_string(value: str) -> bool:
        return value.startswith("openai:") or value.lower().startswith(surface.LANGCHAIN_OPENAI_PREFIXES)

    @staticmethod
    def factory_model_expr(call: ast.Call) -> ast.expr | None:
        k = kwarg(call, "model")
        return k.value if k is not None else (call.args[0] if call.args else None)

    def factory_model(self, site: Site, call: ast.Call, ctx: PlanContext, plan: _Plan) -> None:
        """Map ``"gpt-4o"`` / ``"openai:gpt-4o"``; the provider's names do not say "openai", so it is passed."""
        expr = self.factory_model_expr(call)
        prefixed = False
        for lit in ctx.resolver.literal_sources(expr, site.scope):
            if lit is None or not isinstance(lit.value, str):
                continue
            prefix, _, name = lit.value.rpartition(":") if lit.value.startswith("openai:") else ("", "", lit.value)
            prefixed = prefixed or bool(prefix)
            family, target = target_for(ctx, name)
            if target is None:
                ctx.report(lit, self.CODE, self.FEATURE, Severity.MANUAL,
                           f"unknown model {name!r} for {ctx.spec.display}: add it to [tool.migrator.models] or pass "
                           f"--model {name}=<{ctx.spec.name} model>")
                continue
            plan.family, plan.target = family, target
            new = f"{prefix}:{target.model}" if prefix else target.model
            if id(lit) not in ctx.handled_literals and is_plain_string(ctx, lit):
                ctx.handled_literals.add(id(lit))
                ctx.edit(lit, "replace_string", self.CODE, value=new)
                plan.notes.append(f"model {lit.value!r} → {new!r}")
        if kwarg(call, "model_provider") is None and not prefixed:  # with model_provider, "openai:" would stay
            ctx.edit(call, "add_kwarg", self.CODE, name="model_provider", src=ctx.string("openai"))
            plan.notes.append('model_provider="openai" added (the provider\'s model names do not say it)')

    def structured_output(self, site: Site, ctx: PlanContext) -> None:
        """``with_structured_output`` asks for json_schema by default; not every provider offers it."""
        origin = site.extra["origin"]
        built = Site("framework", origin, ctx.resolver.call_scopes.get(id(origin), ctx.resolver.module_scope),
                     attr=site.extra["qual"], extra={"cls": site.extra["cls"]})
        if destination(built, ctx)[0].kind != "openai":
            return  # on the provider already (or elsewhere): the code that exists is the code that works
        caveat = ctx.spec.caveats.get("response_format:json_schema")
        call = site.node
        assert isinstance(call, ast.Call)
        method = kwarg(call, "method")
        if caveat is None:
            return
        if method is None:
            # function_calling forces the schema's tool with a named tool_choice; where the provider treats
            # tool_choice as auto, say so (the model may still answer in text)
            forced = ctx.spec.param_notes.get("tool_choice")
            ctx.edit(call, "add_kwarg", self.CODE, name="method", src=ctx.string("function_calling"))
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"with_structured_output asks for a json_schema response format by default ({caveat}); "
                       'method="function_calling" added (the schema goes through tools)'
                       + (f"; {forced}: check that answers parse" if forced else ""),
                       subject="with_structured_output uses json_schema")
        elif isinstance(method.value, ast.Constant) and method.value.value == "json_schema":
            ctx.report(method, self.CODE, self.FEATURE, Severity.REVIEW,
                       f'with_structured_output(method="json_schema"): {caveat}; consider method="function_calling"',
                       subject="with_structured_output uses json_schema")

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = _Plan()
        label = cls.label
        legacy = cls.legacy
        if cls.replacement is not None:  # Azure → plain ChatOpenAI
            self.swap_class(site, call, cls, ctx, plan)
            dropped = [k.arg for k in call.keywords if k.arg in _AZURE_KWARGS]
            for arg in dropped:
                ctx.edit(call, "remove_kwarg", self.CODE, name=arg)
            deployment = next((k for k in call.keywords if k.arg in _AZURE_DEPLOYMENT), None)
            if deployment is not None and _find(call, cls.model_kw, site, ctx)[1] is None:
                ctx.edit(call, "rename_kwarg", self.CODE, old=deployment.arg, new="model")
                plan.review(f"{deployment.arg}= → model=: an Azure deployment name must become a "
                            f"{ctx.spec.display} model")
            elif deployment is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name=deployment.arg)
                dropped.append(deployment.arg)  # type: ignore[arg-type]
            plan.review(f"{label} → ChatOpenAI; dropped {', '.join(a for a in dropped if a) or 'nothing'}"
                        + (f"; needs {cls.package}" if cls.package else ""))
            legacy = False
        self.endpoint(site, call, cls, url, ctx, plan)
        if cls.factory:
            self.factory_model(site, call, ctx, plan)
        else:
            self.model(site, call, cls, ctx, plan, "chat")
        self.temperature(call, ctx, plan)
        self.param_notes(call, ctx, plan)
        if not legacy:
            limit = next((k for k in call.keywords if k.arg in ("max_tokens", "max_completion_tokens")), None)
            if limit is not None:
                text = ctx.segment(limit.value) or ast.unparse(limit.value)
                ctx.edit(call, "remove_kwarg", self.CODE, name=limit.arg)
                self.merge_dict(call, "extra_body", {"max_tokens": text}, ctx, plan,
                                f"{limit.arg}= moved to extra_body (langchain_openai would send it as "
                                "max_completion_tokens, which the provider does not document)")
                plan.severity = Severity.REVIEW
        if self.thinks(plan, ctx):
            off = ctx.spec.thinking_off or {}
            entries = {k: self.py(v, ctx) for k, v in off.items()}
            if legacy:
                plan.review(f"{plan.target.model} thinks by default: pass "  # type: ignore[union-attr]
                            f"model_kwargs={{'extra_body': {off!r}}} to switch it off")
            else:
                self.merge_dict(call, "extra_body", entries, ctx, plan,
                                f"thinking switched off ({plan.target.model} thinks by default)")  # type: ignore[union-attr]
        self.native_note("langchain.chat", ctx, plan)
        self.report(call, cls, ctx, plan, f"{label} → {ctx.spec.display} compatible endpoint")


class LangChainEmbeddings(FrameworkRule):
    """Points LangChain's ``OpenAIEmbeddings`` at the provider and makes it send what providers accept.

    What it does: adds the provider's ``base_url``, the key from its variable and the mapped model, and
    ``check_embedding_ctx_length=False`` (by default the class sends tiktoken token ids, which the
    providers reject), ``chunk_size`` = the provider's batch limit (the default is 1000 texts per
    request), ``model_kwargs={"encoding_format": "float"}`` and the ``dimensions`` the provider offers for
    the old size. The legacy ``langchain.embeddings`` / ``langchain_community`` class always sends token
    ids, so it is replaced by ``langchain_openai.OpenAIEmbeddings`` (install ``langchain-openai``).
    Stored vectors must be re-embedded: that is reported as manual work.

    Example::

        from langchain_openai import OpenAIEmbeddings
        emb = OpenAIEmbeddings(model="text-embedding-3-small")

    becomes (``--target glm``)::

        import os
        from langchain_openai import OpenAIEmbeddings
        emb = OpenAIEmbeddings(model="embedding-3", base_url="https://open.bigmodel.cn/api/paas/v4/", api_key=os.environ["ZHIPUAI_API_KEY"], check_embedding_ctx_length=False, chunk_size=64, model_kwargs={"encoding_format": "float"}, dimensions=1024)

    Fix safety: the code is migrated; re-embedding the stored data is manual.
    """

    CODE = "OA121"
    NAME = "langchain-embeddings"
    ROLE = "embeddings"
    FRAMEWORK = "langchain"
    SUMMARY = "LangChain OpenAIEmbeddings: provider endpoint, raw text, batch size, float vectors"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = _Plan()
        spec = ctx.spec
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            for arg in [k.arg for k in call.keywords if k.arg in (*_AZURE_KWARGS, *_AZURE_DEPLOYMENT,
                                                                  "tiktoken_enabled")]:
                ctx.edit(call, "remove_kwarg", self.CODE, name=arg)
            plan.review(f"{cls.label} → langchain_openai.OpenAIEmbeddings"
                        + (f" (install {cls.package}: the old class sends token ids)" if cls.package else ""))
        self.endpoint(site, call, cls, url, ctx, plan)
        self.model(site, call, cls, ctx, plan, "embedding")
        check = kwarg(call, "check_embedding_ctx_length")
        if check is None:
            ctx.edit(call, "add_kwarg", self.CODE, name="check_embedding_ctx_length", src="False")
            plan.notes.append("sends text, not token ids")
        elif not (isinstance(check.value, ast.Constant) and check.value.value is False):
            ctx.edit(check.value, "replace_expr", self.CODE, src="False")
            plan.notes.append("check_embedding_ctx_length=False (the provider takes text, not token ids)")
        self.batch(call, "chunk_size", ctx, plan)
        self.merge_dict(call, "model_kwargs", {"encoding_format": ctx.string("float")}, ctx, plan, "float vectors")
        old, new = self.dimensions(call, ctx, plan)
        self.native_note("langchain.embeddings", ctx, plan)
        self.report(call, cls, ctx, plan, f"{cls.label} → {spec.display} {plan.target.model + ' ' if plan.target else ''}"
                    f"compatible endpoint. Vectors change: {old or '?'}-d → {new or '?'}-d; re-embed stored vectors "
                    "and rebuild the index", Severity.MANUAL)

    def batch(self, call: ast.Call, name: str, ctx: PlanContext, plan: _Plan) -> None:
        limit = ctx.spec.embedding_max_inputs
        if not limit:
            return
        k = kwarg(call, name)
        if k is None:
            ctx.edit(call, "add_kwarg", self.CODE, name=name, src=str(limit))
            plan.notes.append(f"{name}={limit} (the provider's batch limit)")
            return
        value = _number(k.value)
        if value is None:
            plan.review(f"{name}={source(ctx, k.value)}: {ctx.spec.display} takes at most {limit} texts a request")
        elif value > limit:
            ctx.edit(k.value, "replace_expr", self.CODE, src=str(limit))
            plan.notes.append(f"{name} {value:g} → {limit} (the provider's batch limit)")

    def dimensions(self, call: ast.Call, ctx: PlanContext, plan: _Plan) -> tuple[int | None, int | None]:
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


class LangChainCompletion(FrameworkRule):
    """Reports LangChain's ``OpenAI`` completion model: it calls ``/completions``.

    What it does: ``langchain_openai.OpenAI`` and the legacy ``langchain.llms.OpenAI`` call the legacy
    text completions endpoint, which the providers do not serve for their general models. Moving to
    ``ChatOpenAI`` changes what ``invoke`` returns (a message, not a string), so migrator reports the
    site with the next step instead of rewriting it. A class pointed at another server (Ollama, vLLM)
    is left alone.

    Example::

        from langchain_openai import OpenAI
        llm = OpenAI(model="gpt-3.5-turbo-instruct")

    Fix safety: manual; use ``ChatOpenAI`` on the provider and read ``.content`` from its result.
    """

    CODE = "OA122"
    NAME = "langchain-completion-model"
    ROLE = "completion"
    FRAMEWORK = "langchain"
    SUMMARY = "LangChain OpenAI completion model (/completions): manual"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        reason = ctx.spec.unsupported.get("completions", "the provider has no /completions endpoint").split(";")[0]
        ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"{cls.label} calls /completions: {reason}. Use ChatOpenAI(base_url={ctx.base_url()!r}, "
                   f"api_key=os.environ[{ctx.spec.key_env!r}], model=<{ctx.spec.name} model>); invoke() then returns "
                   "a message: read .content", reaches_openai=True, subject=f"{cls.label} calls /completions")


class LlamaIndexLLM(FrameworkRule):
    """Replaces LlamaIndex's ``OpenAI`` LLM with ``OpenAILike`` on the provider's compatible endpoint.

    What it does: ``from llama_index.llms.openai import OpenAI`` becomes
    ``from llama_index.llms.openai_like import OpenAILike`` and each construction gets ``api_base``,
    ``api_key`` from the provider's variable, the mapped ``model``, ``is_chat_model=True`` (the default
    False would call ``/completions``), ``is_function_calling_model=True`` (agents need tools) and the
    new model's ``context_window`` (the default is 3900 tokens); thinking is switched off through
    ``additional_kwargs`` where the new model thinks by default. The package
    ``llama-index-llms-openai-like`` must be installed.

    Example::

        from llama_index.llms.openai import OpenAI
        llm = OpenAI(model="gpt-4o-mini", temperature=0.1)

    becomes (``--target ernie``)::

        import os
        from llama_index.llms.openai_like import OpenAILike
        llm = OpenAILike(model="ernie-4.5-turbo-32k", temperature=0.1, api_base="https://qianfan.baidubce.com/v2", api_key=os.environ["QIANFAN_API_KEY"], is_chat_model=True, is_function_calling_model=True, context_window=32000)

    Fix safety: review; install llama-index-llms-openai-like.
    """

    CODE = "OA123"
    NAME = "llamaindex-llm"
    ROLE = "chat"
    FRAMEWORK = "llama_index"
    SUMMARY = "LlamaIndex OpenAI LLM becomes OpenAILike on the provider"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = _Plan()
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            plan.review(f"OpenAI → OpenAILike: install {cls.package}")
        self.endpoint(site, call, cls, url, ctx, plan)
        self.model(site, call, cls, ctx, plan, "chat")
        self.temperature(call, ctx, plan)
        self.param_notes(call, ctx, plan)
        for name, src in (("is_chat_model", "True"), ("is_function_calling_model", "True")):
            if kwarg(call, name) is None:
                ctx.edit(call, "add_kwarg", self.CODE, name=name, src=src)
        window = ctx.spec.contexts.get(plan.target.model) if plan.target else None
        tokens = _context_tokens(window) if window else None
        if tokens and kwarg(call, "context_window") is None:
            ctx.edit(call, "add_kwarg", self.CODE, name="context_window", src=str(tokens))
            plan.notes.append(f"context_window={tokens}")
        if self.thinks(plan, ctx):
            off = {"extra_body": ctx.spec.thinking_off}
            self.merge_dict(call, "additional_kwargs", {k: self.py(v, ctx) for k, v in off.items()}, ctx, plan,
                            f"thinking switched off ({plan.target.model} thinks by default)")  # type: ignore[union-attr]
        self.native_note("llama_index.chat", ctx, plan)
        self.report(call, cls, ctx, plan, f"{cls.label} → OpenAILike on {ctx.spec.display}")


class LlamaIndexEmbedding(LangChainEmbeddings):
    """Replaces LlamaIndex's ``OpenAIEmbedding`` with ``OpenAILikeEmbedding`` on the provider.

    What it does: ``from llama_index.embeddings.openai import OpenAIEmbedding`` becomes
    ``from llama_index.embeddings.openai_like import OpenAILikeEmbedding``; each construction gets
    ``model_name=`` (the class rejects ``model=``) with the mapped model, ``api_base``, ``api_key`` from
    the provider's variable, ``embed_batch_size`` = the provider's batch limit,
    ``additional_kwargs={"encoding_format": "float"}`` and the ``dimensions`` the provider offers. The
    package ``llama-index-embeddings-openai-like`` must be installed, and stored vectors re-embedded.

    Example::

        from llama_index.embeddings.openai import OpenAIEmbedding
        embed_model = OpenAIEmbedding(model="text-embedding-3-small")

    becomes (``--target qwen``)::

        import os
        from llama_index.embeddings.openai_like import OpenAILikeEmbedding
        embed_model = OpenAILikeEmbedding(model_name="text-embedding-v4", api_base="https://dashscope.aliyuncs.com/compatible-mode/v1", api_key=os.environ["DASHSCOPE_API_KEY"], embed_batch_size=10, additional_kwargs={"encoding_format": "float"}, dimensions=1536)

    Fix safety: the code is migrated (install the package); re-embedding the stored data is manual.
    """

    CODE = "OA124"
    NAME = "llamaindex-embedding"
    ROLE = "embeddings"
    FRAMEWORK = "llama_index"
    SUMMARY = "LlamaIndex OpenAIEmbedding becomes OpenAILikeEmbedding on the provider"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = _Plan()
        if call.args and cls.replacement is not None:  # OpenAIEmbedding(mode, model, ...) vs OpenAILikeEmbedding(model_name, ...)
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{cls.label} with positional arguments: pass them by keyword, then run migrator again "
                       "(OpenAILikeEmbedding takes model_name first)", reaches_openai=True,
                       subject=f"{cls.label} talks to api.openai.com")
            return
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            plan.review(f"OpenAIEmbedding → OpenAILikeEmbedding: install {cls.package}")
            if kwarg(call, "mode") is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name="mode")
        self.endpoint(site, call, cls, url, ctx, plan)
        model_cls = cls
        if cls.replacement is not None:
            model_cls = surface.FrameworkClass(cls.role, cls.framework, cls.label, model_kw=("model", "model_name"),
                                               default_model=cls.default_model)
        self.model(site, call, model_cls, ctx, plan, "embedding", write_as="model_name")
        self.batch(call, "embed_batch_size", ctx, plan)
        self.merge_dict(call, "additional_kwargs", {"encoding_format": ctx.string("float")}, ctx, plan,
                        "float vectors")
        old, new = self.dimensions(call, ctx, plan)
        self.native_note("llama_index.embeddings", ctx, plan)
        self.report(call, cls, ctx, plan, f"{cls.label} → OpenAILikeEmbedding "
                    f"{plan.target.model + ' ' if plan.target else ''}on {ctx.spec.display}. Vectors change: "
                    f"{old or '?'}-d → {new or '?'}-d; re-embed stored vectors and rebuild the index", Severity.MANUAL)


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
