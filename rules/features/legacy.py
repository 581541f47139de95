"""openai<1.0 code (``openai.ChatCompletion.create``) moved straight onto a v1 client at the provider.

The plan for a module (``legacy_plan.py``): one client per module (per function for a function-local
import), built with the provider's URL and key and with the module-level settings (``openai.api_key``,
``openai.api_base``) folded into it; every legacy call goes through it. The v1 rules then map models and parameters of
the converted calls in the same run (``migrator/sites.py`` gives each legacy call its v1 site).
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import Scope, dotted
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features import text_completions
from migrator.rules.features.clients import redact
from migrator.rules.features.common import kwarg, literal_text, source
from migrator.rules.features.legacy_plan import LegacyPlan, Slot, module_alias, plan_for
from migrator.sites import Site, classify_host, host_of


class LegacyApi(Rule):
    """Moves openai<1.0 module calls onto a v1 client pointed at the provider.

    What it does: ``openai.ChatCompletion.create(...)`` (and ``Completion``, ``Embedding``, ``Image``,
    ``Moderation``, ``Audio``, ``Model``, ``File``, ``FineTuningJob``, their ``acreate`` forms),
    however ``openai`` was imported, becomes ``client.chat.completions.create(...)`` on a client built
    once per module with the provider's URL and key; async calls use an ``AsyncOpenAI`` client.
    ``engine=`` becomes ``model=``, ``request_timeout=`` ``timeout=``, ``headers=`` ``extra_headers=``,
    and per-call ``api_key=`` / ``api_base=`` become ``client.with_options(...)``. A
    ``Completion.create`` on a chat model becomes a chat call (review). Calls with no v1 equivalent
    (``Edit``, ``Engine``) are manual.

    Example::

        import openai
        resp = openai.ChatCompletion.create(engine="gpt-3.5-turbo", messages=m, request_timeout=30)

    becomes (``--target qwen``)::

        import openai
        client = openai.OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")
        resp = client.chat.completions.create(model="qwen-flash", messages=m, timeout=30)

    Fix safety: safe for the calls; response access is the next rule's business.
    """

    CODE = "OA050"
    NAME = "legacy-api"
    FEATURE = "legacy"
    SITES = ("legacy", "legacy_import")
    SUMMARY = "openai<1.0 module API (openai.ChatCompletion.create) moved onto a v1 client"

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind == "legacy_import":
            return  # in check_file, once every call is known
        call = site.node
        if not isinstance(call, ast.Call):
            return
        method: surface.LegacyMethod | None = site.extra.get("method")
        reaches = ctx.legacy_dest.kind == "openai"
        if method is None:
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"openai.{site.attr} has no equivalent in openai>=1.0; rewrite it with chat.completions",
                       reaches_openai=reaches)
            return
        slot = plan_for(ctx).slot(site, site.extra["is_async"])
        if slot is None:
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"openai.{site.attr}: migrator cannot see where openai is imported for this call; "
                       "call it on an openai.OpenAI client", reaches_openai=reaches)
            return
        notes: list[str] = []
        options: list[str] = []
        for k in call.keywords:
            if k.arg in surface.LEGACY_CALL_SETTINGS:
                new = surface.LEGACY_CALL_SETTINGS[k.arg]
                if k.arg == "api_key" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
                    ctx.secrets.add(k.value.value)
                if new == "base_url" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str) \
                        and classify_host(host_of(k.value.value), ctx.provider_hosts).kind == "openai":
                    options.append(f"base_url={ctx.string(ctx.base_url())}")
                elif new is not None:
                    options.append(f"{new}={ctx.segment(k.value)}")
                ctx.edit(call, "remove_kwarg", self.CODE, name=k.arg)
            elif k.arg in surface.LEGACY_KWARGS:
                new = surface.LEGACY_KWARGS[k.arg]
                if kwarg(call, new) is not None:
                    ctx.edit(call, "remove_kwarg", self.CODE, name=k.arg)
                else:
                    ctx.edit(call, "rename_kwarg", self.CODE, old=k.arg, new=new)
        if options:
            notes.append(f"per-call settings → with_options({', '.join(options)})")
        path = site.extra["path"]
        to_chat = bool(site.extra.get("to_chat"))
        if path == ("completions", "create") and text_completions.legacy_to_chat(call, ctx):
            path, to_chat = ("chat", "completions", "create"), True  # the target has no /completions
        func = f"{slot.name}{'.with_options(' + ', '.join(options) + ')' if options else ''}.{'.'.join(path)}"
        ctx.edit(call.func, "replace_expr", self.CODE, src=func)
        if method.positional and call.args:
            ctx.edit(call, "positional_to_kw", self.CODE, names=list(method.positional))
        severity = Severity.REVIEW if (method.note or options) else Severity.AUTO
        if method.note:
            notes.append(method.note)
        if to_chat:
            prompt = kwarg(call, "prompt")
            if prompt is not None:
                q = ctx.quote
                content = ctx.segment(prompt.value)
                ctx.edit(prompt.value, "replace_expr", self.CODE,
                         src=f"[{{{q}role{q}: {q}user{q}, {q}content{q}: {content}}}]")
                ctx.edit(call, "rename_kwarg", self.CODE, old="prompt", new="messages")
            notes.append("a chat model behind Completion.create: now a chat call; read .message.content, not .text")
            severity = Severity.REVIEW
        message = f"openai.{site.attr} → {slot.name}{'.with_options(…)' if options else ''}.{'.'.join(path)}"
        if notes:
            message += f" ({'; '.join(notes)})"
        ctx.report(call, self.CODE, self.FEATURE, severity, message, reaches_openai=reaches,
                   subject=f"openai<1.0 call openai.{site.attr}")

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        plan = plan_for(ctx)
        if not plan.slots:
            return
        for slot in plan.slots.values():
            self._construct(slot, plan, ctx)
        self._imports(sites, plan, ctx)

    def _construct(self, slot: Slot, plan: LegacyPlan, ctx: PlanContext) -> None:
        module = ctx.resolver.module_scope
        alias = module_alias(slot.scope)
        cls = "AsyncOpenAI" if slot.is_async else "OpenAI"
        prefix: list[str] = []
        if alias is not None:
            ctor = f"{alias}.{cls}"
        elif slot.scope is module:
            ctx.need_import("openai", cls)
            ctor = cls
        else:
            prefix.append(f"from openai import {cls}")
            ctor = cls
        key_src, url_src = "", ctx.string(ctx.base_url())
        folded = plan.folded if slot.scope is module else []
        runtime_key = any(s.kind == "module_setting" and s.attr == "api_key" and s not in plan.folded
                          for s in ctx.sites)
        if runtime_key or _is_test(ctx.path):
            # the key is set later (rotation, configure()) or this is a test: importing must not need it
            ctx.need_import("os")
            key_src = f"os.getenv({ctx.string(ctx.spec.key_env)}, {ctx.string('')})"
        azure = any(s.attr == "api_type" for s in folded)
        settings: list[ast.Assign] = []
        for s in folded:
            assert isinstance(s.node, ast.Assign)  # a module_setting site is an assignment
            settings.append(s.node)
            value, segment = s.node.value, ctx.segment(s.node.value)
            if s.attr == "api_key" and ctx.legacy_dest.kind in ("other", "provider") and segment:
                key_src = segment  # the key of the server openai.api_base names: it stays
            elif s.attr == "api_key":
                key_src = _key_source(value, s, ctx)
            elif s.attr in ("api_base", "base_url") and azure:
                ctx.report(value, LegacySettings.CODE, LegacySettings.FEATURE, Severity.REVIEW,
                           f"openai.api_base was an Azure OpenAI endpoint; the client now uses {ctx.base_url()}")
            elif s.attr in ("api_base", "base_url"):
                url_src = _url_source(value, s, ctx)
        key_src = key_src or ctx.env_read(ctx.spec.key_env)
        line = f"{slot.name} = {ctor}(api_key={key_src}, base_url={url_src})"
        anchor: ast.stmt | None = max(settings, key=lambda n: n.lineno, default=None)
        if anchor is None:
            anchor = _import_statement(ctx, slot.scope)
        if anchor is None:
            ctx.report(ctx.resolver.tree, self.CODE, self.FEATURE, Severity.MANUAL,
                       "the openai<1.0 calls here need a client, and migrator found no openai import or setting "
                       f"in their scope to build it after; add `{line}` below the module's `import openai`")
            return
        ctx.site_id = id(anchor)
        ctx.edit(anchor, "insert_after", self.CODE, stmts=[*prefix, line],
                 blank=isinstance(anchor, ast.Import | ast.ImportFrom))

    def _imports(self, sites: list[Site], plan: LegacyPlan, ctx: PlanContext) -> None:
        """``from openai import ChatCompletion``: drop the name once no code uses it."""
        for site in sites:
            if site.kind != "legacy_import":
                continue
            node = site.node
            assert isinstance(node, ast.ImportFrom)
            local = next((a.asname or a.name) for a in node.names if a.name == site.attr)
            uses = [n for n in ast.walk(ctx.resolver.tree) if isinstance(n, ast.Name) and n.id == local]
            converted = sum(1 for s in sites if s.kind == "legacy" and isinstance(s.node, ast.Call)
                            and id(s.node) in plan.homes and (dotted(s.node.func) or "").split(".")[0] == local)
            if len(uses) == converted:
                ctx.site_id = id(site)
                ctx.edit(node, "remove_import_name", self.CODE, name=site.attr)


def _key_source(value: ast.expr, site: Site, ctx: PlanContext) -> str:
    env = ctx.spec.key_env
    if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
        ctx.secrets.add(value.value)
        ctx.report(value, "OA104", "client", Severity.REVIEW,
                   f"API key literal {redact(value.value)} removed from the code; set {env} where the program runs")
        return ctx.env_read(env)
    reads = ctx.resolver.env_reads(value, site.scope)
    if reads and all(var is None or "OPENAI" in var for _, var in reads) and isinstance(value, ast.Call | ast.Subscript):
        return ctx.env_read(env)
    if reads and all(var is not None and "OPENAI" in var for _, var in reads):
        for node, _var in reads:  # OPENAI_API_KEY = os.getenv("OPENAI_API_KEY", ""), used as the key
            switch_env_read(node, ctx, LegacySettings.CODE)
        ctx.report(value, LegacySettings.CODE, LegacySettings.FEATURE, Severity.REVIEW,
                   f"openai.api_key comes from {source(ctx, value)}, which now reads {env}")
        return ctx.segment(value) or ctx.env_read(env)
    ctx.report(value, LegacySettings.CODE, LegacySettings.FEATURE, Severity.REVIEW,
               f"openai.api_key comes from {source(ctx, value)}; it is passed to the client — it must hold the "
               f"{ctx.spec.display} key")
    return ctx.segment(value) or ctx.env_read(env)


def _is_test(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or "/tests/" in f"/{path}"


def switch_env_read(node: ast.expr, ctx: PlanContext, code: str) -> None:
    """Make an environment read of an OpenAI key read the provider's key, keeping its default."""
    env = ctx.spec.key_env
    if isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) and not (
            isinstance(node.args[1], ast.Constant) and node.args[1].value is None):
        ctx.edit(node.args[0], "replace_string", code, value=env)  # os.getenv("OPENAI_API_KEY", "")
    else:
        ctx.edit(node, "replace_expr", code, src=ctx.env_read(env))


def _url_source(value: ast.expr, site: Site, ctx: PlanContext) -> str:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        dest = classify_host(host_of(value.value), ctx.provider_hosts)
        if dest.kind == "openai":
            return ctx.string(ctx.base_url())
        ctx.report(value, LegacySettings.CODE, LegacySettings.FEATURE, Severity.REVIEW,
                   f"openai.api_base points at {dest.host}, not at OpenAI: kept as the client's base_url, with the "
                   "key set beside it (the calls become openai>=1.0 calls on that client)")
        return ctx.segment(value) or ctx.string(ctx.base_url())
    text = ctx.segment(value) or ""
    inner = [n for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    for lit in [*inner, *ctx.resolver.literal_sources(value, site.scope)]:  # a configurable URL: move its default
        if lit is not None and classify_host(host_of(literal_text(lit)), ctx.provider_hosts).kind == "openai":
            segment = ctx.segment(lit)
            if segment and segment in text:
                text = text.replace(segment, ctx.string(ctx.base_url()))
            elif segment:
                ctx.edit(lit, "replace_string", LegacySettings.CODE, value=ctx.base_url())
    ctx.report(value, LegacySettings.CODE, LegacySettings.FEATURE, Severity.REVIEW,
               f"openai.api_base comes from {source(ctx, value)}; it is passed to the client as base_url — it must "
               f"point at {ctx.base_url()}")
    return text


def _import_statement(ctx: PlanContext, scope: Scope) -> ast.stmt | None:
    """The statement after which to build a client in ``scope``: the end of the import block that
    imports openai there."""
    body = scope.node.body if isinstance(scope.node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) else []
    blocks = [body] + [b for b in _nested_blocks(body)]
    for block in blocks:
        for i, node in enumerate(block):
            if _imports_openai(node):
                j = i
                while j + 1 < len(block) and isinstance(block[j + 1], ast.Import | ast.ImportFrom):
                    j += 1
                return block[j]
    return None


def _nested_blocks(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.Try | ast.If):
            yield node.body
            yield node.orelse
            if isinstance(node, ast.Try):
                for h in node.handlers:
                    yield h.body


def _imports_openai(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import):
        return any(a.name == "openai" or a.name.startswith("openai.") for a in node.names)
    return isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "openai"


class LegacySettings(Rule):
    """Moves openai<1.0 module settings onto the client that replaces the module API.

    What it does: in a module that calls the openai<1.0 API, ``openai.api_key`` and ``openai.api_base``
    set at module level are folded into the client's construction (a key read from ``OPENAI_API_KEY``
    or written in the code becomes the provider's variable; an ``api_base`` pointing at OpenAI becomes
    the provider's URL; any other value is kept and reported, never dropped). Set inside functions or
    branches (key rotation), they become ``client.api_key = ...`` / ``client.base_url = ...``.
    ``openai.organization``, ``api_type`` and ``api_version`` (Azure) are dropped with a note;
    ``openai.proxy`` and ``openai.api_key_path`` are reported as manual work.

    Example::

        openai.api_key = self.chat_api_list[self.cur_api]

    becomes::

        client.api_key = self.chat_api_list[self.cur_api]

    Fix safety: review where keys rotate (they must be provider keys).
    """

    CODE = "OA051"
    NAME = "legacy-settings"
    FEATURE = "legacy"
    SITES = ("module_setting", "setting_read")
    SUMMARY = "openai<1.0 module settings (api_key, api_base, api_type, proxy) moved onto the client"

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind == "setting_read":
            self._read(site, ctx)
            return
        node = site.node
        assert isinstance(node, ast.Assign)
        attr = site.attr or ""
        if not ctx.legacy_file:
            if attr in surface.LEGACY_MODULE_SETTINGS:
                ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"openai.{attr} is ignored by openai>=1.0; the clients that replace the module API "
                           f"read {ctx.spec.key_env} and {ctx.base_url()}")
            return
        plan = plan_for(ctx)
        if site in plan.folded:
            ctx.edit(node, "remove_stmt", self.CODE)
            what = {"api_type": "dropped (Azure setting)", "api_version": "dropped (Azure setting)",
                    "organization": "dropped (OpenAI only)"}.get(attr, "moved into the client's construction")
            ctx.report(node, self.CODE, self.FEATURE,
                       Severity.REVIEW if attr in ("api_type", "api_version") else Severity.AUTO,
                       f"openai.{attr}: {what}", reaches_openai=ctx.legacy_dest.kind == "openai")
            return
        if attr in ("proxy", "api_key_path", "requestssession"):
            hint = {"proxy": "pass http_client=httpx.Client(proxy=...) to the client",
                    "api_key_path": "read the file and pass api_key=... to the client",
                    "requestssession": "pass http_client=httpx.Client(...) to the client"}[attr]
            ctx.report(node, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"openai.{attr} has no effect in openai>=1.0: {hint}")
            return
        slot = plan.module_slot(ctx.resolver.module_scope) or next(iter(plan.slots.values()), None)
        if slot is None:
            return
        if attr in ("api_type", "api_version"):
            ctx.edit(node, "remove_stmt", self.CODE)
            ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW, f"openai.{attr} (Azure) dropped")
            return
        new = {"api_key": "api_key", "api_base": "base_url", "base_url": "base_url",
               "organization": "organization"}.get(attr)
        if new is None:
            ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"openai.{attr} is not a setting of openai>=1.0 clients")
            return
        target = site.extra.get("target") or node.targets[0]
        ctx.edit(target, "replace_expr", self.CODE, src=f"{slot.name}.{new}")
        value = node.value if not site.extra.get("tuple") else None
        if value is not None and new == "base_url":
            for lit in ast.walk(value):  # get_config("OPENAI_API_BASE", "https://api.openai.com/v1")
                if isinstance(lit, ast.Constant) and isinstance(lit.value, str) and \
                        classify_host(host_of(lit.value), ctx.provider_hosts).kind == "openai":
                    ctx.edit(lit, "replace_string", self.CODE, value=ctx.base_url())
        elif value is not None and new == "api_key" and isinstance(value, ast.Call | ast.Subscript) and any(
                var and "OPENAI" in var for _, var in ctx.resolver.env_reads(value, site.scope)):
            ctx.edit(value, "replace_expr", self.CODE, src=ctx.env_read(ctx.spec.key_env))
        others = [s for s in plan.slots.values() if s is not slot and s.scope is slot.scope]
        if others and not site.extra.get("tuple"):
            ctx.edit(node, "insert_after", self.CODE,
                     stmts=[f"{o.name}.{new} = {slot.name}.{new}" for o in others])
        ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"openai.{attr} set here → {slot.name}.{new}; "
                   + ("the keys must be " + ctx.spec.display + " keys" if new == "api_key" else
                      f"it must point at {ctx.spec.display}"))


    def _read(self, site: Site, ctx: PlanContext) -> None:
        """``if not openai.api_key:`` in a migrated module reads the client's setting instead."""
        if not ctx.legacy_file:
            return
        plan = plan_for(ctx)
        slot = plan.module_slot(ctx.resolver.module_scope) or next(iter(plan.slots.values()), None)
        new = {"api_key": "api_key", "api_base": "base_url", "organization": "organization"}.get(site.attr or "")
        if slot is None or new is None:
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"reads openai.{site.attr}, which the migrated code no longer sets")
            return
        ctx.edit(site.node, "replace_expr", self.CODE, src=f"{slot.name}.{new}")
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.AUTO, f"openai.{site.attr} → {slot.name}.{new}")
