"""The pre-1.0 module API (``openai.ChatCompletion.create``) and calls migrator cannot trace."""

from __future__ import annotations

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import example_mapping
from migrator.sites import Site


class LegacyApi(Rule):
    """Reports uses of the openai<1.0 module API.

    What it does: finds ``openai.ChatCompletion.create``, ``openai.Embedding.create``,
    ``from openai import ChatCompletion`` and the legacy settings (``openai.api_base``,
    ``openai.api_type``). These calls do not exist in openai>=1.0; this version reports them as
    manual work and counts them in ``check``.

    Example::

        resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=m)

    Fix safety: manual.
    """

    CODE = "OA050"
    NAME = "legacy-api"
    FEATURE = "legacy"
    SITES = ("legacy", "module_setting")
    SUMMARY = "openai<1.0 module API (openai.ChatCompletion.create, openai.api_base)"

    def applies(self, site: Site) -> bool:
        return site.kind == "legacy" or (site.kind == "module_setting" and site.attr in surface.LEGACY_MODULE_SETTINGS)

    def check(self, site: Site, ctx: PlanContext) -> None:
        what = f"openai.{site.attr}"
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"{what} is the openai<1.0 API: not migrated by this version; move the code to openai>=1 "
                   f"(client.chat.completions.create) and run migrator again", reaches_openai=True)


class UntracedCall(Rule):
    """Reports OpenAI-shaped calls whose receiver migrator could not trace to an OpenAI client.

    What it does: ``x.chat.completions.create(...)`` where ``x`` comes from a parameter without a type,
    another package or a dynamic lookup is reported for review and not rewritten: it may be an OpenAI
    client built elsewhere, or a look-alike SDK. Annotating the parameter (``client: OpenAI``) lets
    migrator follow it.

    Example::

        def ask(llm, prompt):
            return llm.chat.completions.create(model="gpt-4o", messages=[...])

    Fix safety: review.
    """

    CODE = "OA950"
    NAME = "untraced-call"
    FEATURE = "chat"
    SITES = ("probable_call",)
    SUMMARY = "OpenAI-shaped call on a receiver migrator cannot trace"

    def check(self, site: Site, ctx: PlanContext) -> None:
        path = ".".join(site.extra.get("path", ()))
        kind = "embedding" if site.resource and site.resource.feature == "embeddings" else "chat"
        ctx.report(site.node, self.CODE, site.resource.feature if site.resource else self.FEATURE, Severity.REVIEW,
                   f"{path} on an object migrator could not trace to an OpenAI client; if it is one, annotate it "
                   f"(client: OpenAI) or map its model by hand ({example_mapping(ctx, kind)})")
