"""The module-level client: ``openai.api_key = ...`` and ``openai.chat.completions.create(...)``."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import MODULE_CLIENT
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.clients import plan_key
from migrator.rules.features.common import source
from migrator.sites import Site, classify_host, host_of


class ModuleClient(Rule):
    """Configures the module-level client (``openai.api_key = ...``) for the provider.

    What it does: an ``openai.api_key`` assignment reads the provider's key variable, and
    ``openai.base_url`` is set to the provider's endpoint right after it (with the trailing slash
    that the module client needs). A module that calls ``openai.chat.completions.create`` without
    configuring the client gets both lines after its ``import openai``. A ``base_url`` that already
    points at another host is left alone and reported.

    Example::

        import openai
        openai.api_key = os.getenv("OPENAI_API_KEY")

    becomes::

        import openai
        openai.api_key = os.environ["ZHIPUAI_API_KEY"]
        openai.base_url = "https://open.bigmodel.cn/api/paas/v4/"

    Fix safety: safe.
    """

    CODE = "OA102"
    NAME = "module-client"
    FEATURE = "client"
    SITES = ("module_setting",)
    SUMMARY = "module-level client (openai.api_key / openai.base_url) configured for the provider"

    def check(self, site: Site, ctx: PlanContext) -> None:
        node = site.node
        assert isinstance(node, ast.Assign)
        if ctx.legacy_file or site.extra.get("tuple"):
            return  # openai<1.0 code: the legacy rules move these settings onto the client
        attr = site.attr
        dest = ctx.module_dest
        if attr == "api_key":
            if dest.kind in ("other", "unknown") or (dest.kind == "provider" and dest.provider != ctx.spec.name):
                return
            note = plan_key(node.value, node, site, ctx, self.CODE, add_kwarg=False)
            if dest.kind == "provider":
                return
            ctx.report(node, self.CODE, self.FEATURE, Severity.AUTO,
                       f"module-level client → {ctx.spec.display} ({note})", reaches_openai=dest.reaches_openai)
        elif attr == "base_url":
            own = _url_destination(node.value, ctx)
            if own is None or own.kind == "other":
                ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                           f"openai.base_url is set from {source(ctx, node.value)}; left alone — make sure it is "
                           f"{_module_url(ctx)}")
            elif own.kind == "openai":
                ctx.edit(node.value, "replace_expr", self.CODE, src=ctx.string(_module_url(ctx)))
                ctx.report(node, self.CODE, self.FEATURE, Severity.AUTO,
                           f"openai.base_url → {_module_url(ctx)}", reaches_openai=True)
        elif attr in ("organization", "project") and dest.kind == "openai":
            ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"openai.{attr} only means something to api.openai.com; remove it")

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        """Add ``openai.base_url`` (and the key) where the module client is used but not configured."""
        if ctx.module_dest.kind != "openai" or ctx.legacy_file:
            return
        settings = [s for s in sites if s.kind == "module_setting"]
        if any(s.attr == "base_url" for s in settings):
            return  # (``api_base`` is the openai<1.0 name: openai>=1.0 ignores it, so it configures nothing)
        uses = [s for s in sites if s.kind == "call" and MODULE_CLIENT in s.clients]
        keys = [s for s in settings if s.attr == "api_key"]
        if not uses and not keys:
            return
        url_line = f"{{mod}}.base_url = {ctx.string(_module_url(ctx))}"
        if keys:
            anchor = keys[0]
            mod = source(ctx, anchor.node.targets[0].value)  # type: ignore[attr-defined]
            ctx.site_id = id(anchor)
            ctx.edit(anchor.node, "insert_after", self.CODE, stmts=[url_line.format(mod=mod)])
            return
        imp, mod = _openai_import(ctx)
        if imp is None:
            ctx.site_id = id(uses[0])
            ctx.report(uses[0].node, self.CODE, self.FEATURE, Severity.MANUAL,
                       "module-level client used without an `import openai` migrator can add configuration after; "
                       f"set openai.base_url = {_module_url(ctx)!r} and openai.api_key before the first call")
            return
        ctx.site_id = id(uses[0])
        key_line = f"{mod}.api_key = {ctx.env_read(ctx.spec.key_env)}"
        ctx.edit(imp, "insert_after", self.CODE, stmts=[key_line, url_line.format(mod=mod)])
        ctx.report(imp, self.CODE, self.FEATURE, Severity.AUTO,
                   f"module-level client → {ctx.spec.display} (key from {ctx.spec.key_env})", reaches_openai=True)


def _module_url(ctx: PlanContext) -> str:
    url = ctx.base_url()
    return url if url.endswith("/") else url + "/"


def _url_destination(value: ast.expr, ctx: PlanContext):
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return classify_host(host_of(value.value), ctx.provider_hosts)
    return None


def _openai_import(ctx: PlanContext) -> tuple[ast.stmt | None, str]:
    """The statement after which to configure the module client, and the name ``openai`` is bound to.

    That is the first ``import openai`` (module level before function level), moved down past the
    imports that directly follow it, so the configuration lands after the import block.
    """
    for block in _blocks(ctx.resolver.tree):
        for i, node in enumerate(block):
            if not isinstance(node, ast.Import):
                continue
            for alias in node.names:
                if alias.name == "openai" or (alias.asname is None and alias.name.startswith("openai.")):
                    j = i
                    while j + 1 < len(block) and isinstance(block[j + 1], ast.Import | ast.ImportFrom):
                        j += 1
                    return block[j], alias.asname or "openai"
    return None, "openai"


def _blocks(tree: ast.Module):
    yield tree.body
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and node is not tree and isinstance(block[0], ast.stmt):
                yield block
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                yield handler.body
