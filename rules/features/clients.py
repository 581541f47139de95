"""Client construction: ``OpenAI()``, ``AsyncOpenAI()``, ``AzureOpenAI()`` and the API key they send."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import EnvRead, Lit, ordered
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import has_star_kwargs, is_plain_string, kwarg, literal_text, source
from migrator.rules.features.second_client import second_client, unsupported_only
from migrator.sites import (
    Site,
    call_kwarg,
    classify_host,
    construction_destination,
    expr_destination,
    host_of,
)


def redact(key: str) -> str:
    """Enough of a key to recognise it, never the whole of it."""
    if len(key) <= 8:
        return "…"
    return f"{key[:3]}…{key[-4:]}"


def plan_key(value: ast.expr | None, holder: ast.AST, site: Site, ctx: PlanContext, code: str,
             *, add_kwarg: bool) -> str:
    """Make the client read the provider key. Returns a note for the finding's message."""
    env = ctx.spec.key_env
    if value is None:
        if add_kwarg:
            ctx.edit(holder, "add_kwarg", code, name="api_key", src=ctx.env_read(env))
        return f"key from {env}"
    if isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)):
        ctx.edit(value, "replace_expr", code, src=ctx.env_read(env))
        if isinstance(value.value, str) and value.value:
            ctx.secrets.add(value.value)
            ctx.report(value, HardcodedKey.CODE, HardcodedKey.FEATURE, Severity.REVIEW,
                       f"API key literal {redact(value.value)} removed from the code; set {env} where the program "
                       "runs (and revoke the old key if it was committed)")
        return f"key from {env}"
    reads = [v for v in ordered(ctx.resolver.eval(value, site.scope)) if isinstance(v, EnvRead)]
    if isinstance(value, ast.Subscript) and reads and all(r.var == env for r in reads):
        return f"key from {env}"  # already os.environ["<provider key>"]
    if reads and all(r.var is None or "OPENAI" in r.var or r.var == env for r in reads):
        if isinstance(value, ast.Call | ast.Subscript) and _is_env_expr(value, ctx, site):
            ctx.edit(value, "replace_expr", code, src=ctx.env_read(env))
            return f"key from {env} (was {reads[0].var or 'an environment variable'})"
    fallbacks = [(node, var) for node, var in ctx.resolver.env_reads(value, site.scope)
                 if var is not None and "OPENAI" in var]
    if fallbacks:
        for node, var in fallbacks:
            # only the variable's name changes: os.getenv keeps returning None (or its default) when unset,
            # which code that tests the value relies on
            name = next((n for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value == var), None)
            if name is not None:
                ctx.edit(name, "replace_string", code, value=env)
            else:
                ctx.edit(node, "replace_expr", code, src=ctx.env_read(env))
        ctx.report(value, code, "client", Severity.REVIEW,
                   f"api_key comes from {source(ctx, value)}; its {fallbacks[0][1]} fallback now reads {env} — make "
                   f"sure the other sources hold the {ctx.spec.display} key too")
        return f"{fallbacks[0][1]} fallback → {env}"
    literals = [v for v in ordered(ctx.resolver.eval(value, site.scope)) if isinstance(v, Lit)]
    ctx.secrets.update(v.node.value for v in literals if isinstance(v.node.value, str) and v.node.value)
    if literals:
        ctx.report(value, HardcodedKey.CODE, HardcodedKey.FEATURE, Severity.REVIEW,
                   f"api_key comes from {source(ctx, value)}, a string constant; read it from {env} instead")
        return "key left as written"
    ctx.report(value, code, "client", Severity.REVIEW,
               f"api_key comes from {source(ctx, value)}; make sure it holds the {ctx.spec.display} key "
               f"(convention: {env}), never an OpenAI key")
    return "key left as written"


def _is_env_expr(value: ast.expr, ctx: PlanContext, site: Site) -> bool:
    return any(isinstance(v, EnvRead) and v.node is value for v in ctx.resolver.eval(value, site.scope))


class ClientConstruction(Rule):
    """Points an OpenAI client at the provider's OpenAI-compatible endpoint.

    What it does: finds ``OpenAI(...)`` / ``AsyncOpenAI(...)`` however imported, and gives it the
    provider's ``base_url`` and an ``api_key`` read from the provider's environment variable. Without
    an explicit key the openai SDK would send ``OPENAI_API_KEY`` to the provider. Arguments that only
    mean something to api.openai.com (``organization``, ``project``) are removed. A client whose
    ``base_url`` already points elsewhere, or that the SDK routes to a cloud platform
    (``provider=bedrock(...)``), is left alone and reported, and so are its calls. A callee that may
    be several kinds of client class (``cls = AsyncAzureOpenAI if a else AzureOpenAI``) is reported,
    not renamed.

    Example::

        from openai import OpenAI
        client = OpenAI()

    becomes (``--target qwen``)::

        import os
        from openai import OpenAI
        client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")

    Fix safety: safe; the deployment must set the provider's key variable.
    """

    CODE = "OA101"
    NAME = "client-construction"
    FEATURE = "client"
    SITES = ("construct",)
    SUMMARY = "OpenAI client construction: base_url and key of the provider"

    def check(self, site: Site, ctx: PlanContext) -> None:
        call = site.node
        assert isinstance(call, ast.Call)
        dest = construction_destination(call, ctx.resolver, site.scope, ctx.provider_hosts)
        classes = site.extra.get("classes", [])
        name = " or ".join(classes) or site.attr or "OpenAI"
        if any(surface.CLIENT_CLASSES[c][1] for c in classes):
            url = call_kwarg(call, "base_url", ctx.resolver, site.scope)[1]
            reaches = url is None or expr_destination(url, ctx.resolver, site.scope, ctx.provider_hosts).reaches_openai
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{source(ctx, call.func)}(...) builds one of {', '.join(classes)}: migrator cannot rename it "
                       "to one plain client class; left alone — build OpenAI or AsyncOpenAI with "
                       f"base_url={ctx.base_url()!r} and the {ctx.spec.display} key in each branch",
                       reaches_openai=reaches, subject=f"client built from one of {', '.join(classes)}")
            return
        if dest.kind == "provider":
            if dest.provider != ctx.spec.name:
                ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"{name} client already points at {dest.host} ({dest.provider}); left alone")
            return
        if dest.kind == "other" and dest.through == "provider":
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{name} client talks to {dest.host} through provider= (the SDK configures its key and "
                       "base_url, and refuses api_key= or base_url= next to it); left alone, and so are its calls")
            return
        if dest.kind == "other":
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{name} client already talks to {dest.host} through {dest.through}; left alone")
            return
        if dest.kind in ("unknown", "configured") and self._configurable(site, call, ctx, name):
            return
        if dest.kind in ("unknown", "configured"):
            if has_star_kwargs(call) and call_kwarg(call, "base_url", ctx.resolver, site.scope)[1] is None:
                ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                           f"{name} client built from **kwargs: migrator cannot see its base_url or api_key; pass "
                           f"base_url={ctx.base_url()!r} and api_key=os.environ[{ctx.spec.key_env!r}]")
            elif dest.kind == "configured" and self._provider_default(site, call, ctx, name):
                return
            else:
                url = call_kwarg(call, "base_url", ctx.resolver, site.scope)[1]
                shown = source(ctx, url) if url is not None else "configuration"
                ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"{name} client takes base_url from {shown}, which is not OpenAI's by default; left "
                           f"alone: if it is meant to reach {ctx.spec.display}, set it to {ctx.base_url()} with the "
                           f"{ctx.spec.display} key")
            return
        only = unsupported_only(call, ctx)
        if only and "assistants" in only and "files" in only and not ctx.spec.unsupported_reason("files", ()):
            only = [f if f != "files" else "the files its assistants read" for f in only]
        if only:
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{name} client is used only for {', '.join(only)}, which {ctx.spec.display} does not offer in "
                       "compat style; left on OpenAI (see the findings at its calls)", reaches_openai=True,
                       subject=f"{name} client used only for {', '.join(only)}")
            return
        notes: list[str] = []
        severity = Severity.AUTO
        second = second_client(call, ctx)
        if second is not None:
            ctx.edit(second.stmt, "insert_after", self.CODE, stmts=[f"{second.name} = {second.source}"])
            notes.append(f"{second.name} keeps OpenAI for the calls {ctx.spec.display} does not serve")
            severity = Severity.REVIEW
        if site.is_azure:
            new_name = "AsyncOpenAI" if site.is_async else "OpenAI"
            self._rename_azure(call, site, ctx, name, new_name)
            dropped = [k.arg for k in call.keywords if k.arg in surface.AZURE_ONLY_KWARGS]
            for arg in dropped:
                ctx.edit(call, "remove_kwarg", AzureClient.CODE, name=arg)
            ctx.report(call, AzureClient.CODE, AzureClient.FEATURE, Severity.REVIEW,
                       f"{name} → {new_name} on {ctx.spec.display}; dropped {', '.join(dropped) or 'nothing'}; "
                       "Azure deployment names passed as model= must become provider model names")
        key = call_kwarg(call, "api_key", ctx.resolver, site.scope)[1]
        notes.append(plan_key(key, call, site, ctx, self.CODE, add_kwarg=True))
        url = call_kwarg(call, "base_url", ctx.resolver, site.scope)[1]
        if url is None:
            ctx.edit(call, "add_kwarg", self.CODE, name="base_url", src=ctx.string(ctx.base_url()))
        else:
            ctx.edit(url, "replace_expr", self.CODE, src=ctx.string(ctx.base_url()))
        for arg in surface.OPENAI_ONLY_CLIENT_KWARGS:
            if kwarg(call, arg) is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name=arg)
                notes.append(f"removed {arg}= (OpenAI only)")
        region = ctx.spec.region_notes.get(ctx.options.region)
        if region:
            notes.append(region)
        ctx.report(call, self.CODE, self.FEATURE, severity,
                   f"{name} client → {ctx.spec.display} compatible endpoint ({'; '.join(notes)})",
                   reaches_openai=True, subject=f"{name} client talks to api.openai.com")


    def _rename_azure(self, call: ast.Call, site: Site, ctx: PlanContext, name: str, new_name: str) -> None:
        """``AzureOpenAI(...)`` → ``OpenAI(...)``, renaming the import when nothing else uses it."""
        code = AzureClient.CODE
        if isinstance(call.func, ast.Attribute):
            ctx.edit(call, "rename_callee", code, name=new_name)
            return
        local = call.func.id  # type: ignore[attr-defined]
        imports = [n for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.ImportFrom) and n.module == "openai"
                   and any((a.asname or a.name) == local and a.name == name for a in n.names)]
        loads = sum(1 for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.Name) and n.id == local)
        constructions = sum(1 for s in ctx.sites if s.kind == "construct" and isinstance(s.node, ast.Call)
                            and isinstance(s.node.func, ast.Name) and s.node.func.id == local)
        if len(imports) != 1 or loads != constructions:
            ctx.edit(call, "rename_callee", code, name=new_name)
            ctx.need_import("openai", new_name)
            return
        alias = next(a for a in imports[0].names if a.name == name)
        ctx.edit(imports[0], "rename_import", code, old=name, new=new_name)
        if alias.asname is None:
            ctx.native.removed.add(name)  # a test patching "<module>.AzureOpenAI" would break
        if alias.asname is None:
            ctx.edit(call, "rename_callee", code, name=new_name)

    def _provider_default(self, site: Site, call: ast.Call, ctx: PlanContext, name: str) -> bool:
        """``base_url=cfg.get("base_url")`` (a parameter, a config value, an env read): when it is None or
        empty the SDK goes to api.openai.com, so the provider becomes the default: ``... or "<url>"``."""
        kw = next((k for k in call.keywords if k.arg == "base_url"), None)
        if kw is None or isinstance(kw.value, ast.Constant | ast.JoinedStr | ast.BoolOp):
            return False
        src = ast.get_source_segment(ctx.text, kw.value)
        if not src or "\n" in src:
            return False
        known = [lit.value for lit in [*ctx.resolver.literal_sources(kw.value, site.scope), *ast.walk(kw.value)]
                 if isinstance(lit, ast.Constant) and isinstance(lit.value, str)]
        if any(classify_host(host_of(value), ctx.provider_hosts).kind != "unknown" for value in known):
            return False  # a default of its own (getenv("X", "https://...")): said elsewhere, or moved already
        plain = isinstance(kw.value, ast.Name | ast.Attribute | ast.Subscript | ast.Call)
        ctx.edit(kw.value, "replace_expr", self.CODE,
                 src=f"{src if plain else f'({src})'} or {ctx.string(ctx.base_url())}")
        key = call_kwarg(call, "api_key", ctx.resolver, site.scope)[1]
        note = plan_key(key, call, site, ctx, self.CODE, add_kwarg=True)
        ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"{name} client takes base_url from {src}; when that is None or empty the SDK goes to "
                   f"api.openai.com, so {ctx.base_url()} is now the default ({note}); a configured value must be "
                   f"a {ctx.spec.display} URL too", reaches_openai=True,
                   subject=f"{name} client takes base_url from configuration")
        return True

    def _configurable(self, site: Site, call: ast.Call, ctx: PlanContext, name: str) -> bool:
        """A base_url read from configuration whose default is api.openai.com: move the default."""
        url = call_kwarg(call, "base_url", ctx.resolver, site.scope)[1]
        if url is None:
            return False
        defaults = [lit for lit in ctx.resolver.literal_sources(url, site.scope)
                    if lit is not None and classify_host(host_of(literal_text(lit)), ctx.provider_hosts).kind == "openai"]
        if not defaults or not all(is_plain_string(ctx, lit) for lit in defaults):
            return False
        for lit in defaults:
            ctx.edit(lit, "replace_string", self.CODE, value=ctx.base_url())
        key = call_kwarg(call, "api_key", ctx.resolver, site.scope)[1]
        note = plan_key(key, call, site, ctx, self.CODE, add_kwarg=True)
        ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"{name} client takes base_url from {source(ctx, url)}; its default {literal_text(defaults[0])} → "
                   f"{ctx.base_url()} ({note}); configured values must point at {ctx.spec.display} too",
                   reaches_openai=True, subject=f"{name} client defaults to api.openai.com")
        return True


class AzureClient(Rule):
    """Turns an Azure OpenAI client into a plain OpenAI client on the provider's endpoint.

    What it does: ``AzureOpenAI(azure_endpoint=..., api_version=..., azure_deployment=...)`` becomes
    ``OpenAI(api_key=..., base_url=...)``; the Azure-only arguments are dropped. Azure code passes
    deployment names as ``model=``; those are not provider models, so the model rule reports them.

    Example::

        client = AzureOpenAI(azure_endpoint=endpoint, api_version="2024-02-01", api_key=key)

    becomes::

        client = OpenAI(api_key=key, base_url="https://open.bigmodel.cn/api/paas/v4/")

    Fix safety: review; check the deployment names and the key.
    """

    CODE = "OA103"
    NAME = "azure-client"
    FEATURE = "client"
    SITES = ()
    SUMMARY = "Azure OpenAI client becomes a plain client on the provider"

    def check(self, site: Site, ctx: PlanContext) -> None:  # reported by ClientConstruction
        return


class HardcodedKey(Rule):
    """Replaces an API key written in the code with a read of the provider's key variable.

    What it does: ``api_key="sk-..."`` (on a client or as ``openai.api_key``) becomes
    ``api_key=os.environ["DASHSCOPE_API_KEY"]``. The finding shows only the start and end of the old
    key. A key from a string constant elsewhere is reported, not changed.

    Example::

        client = OpenAI(api_key="sk-live-1234567890abcdef")

    becomes::

        client = OpenAI(api_key=os.environ["QIANFAN_API_KEY"], base_url="https://qianfan.baidubce.com/v2")

    Fix safety: review; set the variable where the program runs and revoke the old key.
    """

    CODE = "OA104"
    NAME = "hardcoded-api-key"
    FEATURE = "client"
    SITES = ()
    SUMMARY = "API key literal replaced by the provider's environment variable"

    def check(self, site: Site, ctx: PlanContext) -> None:  # reported by the client rules
        return
