"""LangChain: ``ChatOpenAI`` / ``AzureChatOpenAI`` / ``init_chat_model``, ``OpenAIEmbeddings`` and the
``OpenAI`` completion class, pointed at the provider's OpenAI-compatible endpoint (compat style)."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import is_plain_string, kwarg, literal_text, source, target_for
from migrator.rules.features.frameworks import (
    AZURE_DEPLOYMENT,
    AZURE_KWARGS,
    FrameworkRule,
    Plan,
    destination,
    find,
)
from migrator.sites import Site


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
        return all(self._openai_model_string(literal_text(lit)) for lit in lits if lit is not None)

    @staticmethod
    def _openai_model_string(value: str) -> bool:
        return value.startswith("openai:") or value.lower().startswith(surface.LANGCHAIN_OPENAI_PREFIXES)

    @staticmethod
    def factory_model_expr(call: ast.Call) -> ast.expr | None:
        k = kwarg(call, "model")
        return k.value if k is not None else (call.args[0] if call.args else None)

    def factory_model(self, site: Site, call: ast.Call, ctx: PlanContext, plan: Plan) -> None:
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
        plan = Plan()
        label = cls.label
        legacy = cls.legacy
        if cls.replacement is not None:  # Azure → plain ChatOpenAI
            self.swap_class(site, call, cls, ctx, plan)
            dropped = [k.arg for k in call.keywords if k.arg in AZURE_KWARGS]
            for arg in dropped:
                ctx.edit(call, "remove_kwarg", self.CODE, name=arg)
            deployment = next((k.arg for k in call.keywords if k.arg in AZURE_DEPLOYMENT), None)
            if deployment is not None and find(call, cls.model_kw, site, ctx)[1] is None:
                ctx.edit(call, "rename_kwarg", self.CODE, old=deployment, new="model")
                plan.review(f"{deployment}= → model=: an Azure deployment name must become a "
                            f"{ctx.spec.display} model")
            elif deployment is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name=deployment)
                dropped.append(deployment)
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
            assert plan.target is not None  # thinks() checks it
            off = ctx.spec.thinking_off or {}
            entries = {k: self.py(v, ctx) for k, v in off.items()}
            if legacy:
                plan.review(f"{plan.target.model} thinks by default: pass "
                            f"model_kwargs={{'extra_body': {off!r}}} to switch it off")
            else:
                self.merge_dict(call, "extra_body", entries, ctx, plan,
                                f"thinking switched off ({plan.target.model} thinks by default)")
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
        plan = Plan()
        spec = ctx.spec
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            for arg in [k.arg for k in call.keywords if k.arg in (*AZURE_KWARGS, *AZURE_DEPLOYMENT,
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
