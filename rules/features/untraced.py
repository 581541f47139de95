"""OpenAI-shaped calls on a receiver migrator cannot trace to an OpenAI client: reported, not rewritten."""

from __future__ import annotations

from migrator.model import Severity
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import example_mapping
from migrator.sites import Site


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
        feature = site.resource.feature if site.resource else self.FEATURE
        reason = ctx.spec.unsupported_reason(feature, tuple(site.extra.get("path", ())))
        if reason:
            ctx.report(site.node, self.CODE, feature, Severity.REVIEW,
                       f"{path} on an object migrator could not trace to an OpenAI client; if it is one, this call "
                       f"needs OpenAI ({reason}): keep that client on OpenAI, or move the feature by hand")
            return
        ctx.report(site.node, self.CODE, site.resource.feature if site.resource else self.FEATURE, Severity.REVIEW,
                   f"{path} on an object migrator could not trace to an OpenAI client; if it is one, annotate it "
                   f"(client: OpenAI) or map its model by hand ({example_mapping(ctx, kind)})")
