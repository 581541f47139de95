"""openai<1.0 code migrator reports and does not rewrite: modules removed in openai>=1.0, test doubles and
version checks that name the old API."""

from __future__ import annotations

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class RemovedModule(Rule):
    """Reports modules that exist only in openai<1.0.

    What it does: ``openai.embeddings_utils`` (``get_embedding``, ``cosine_similarity``),
    ``openai.openai_object``, ``openai.util``, ``openai.aiosession`` are gone in openai>=1.0; each is
    reported as manual work with the replacement to use.

    Example::

        from openai.embeddings_utils import get_embedding, cosine_similarity

    Fix safety: manual.
    """

    CODE = "OA054"
    NAME = "removed-module"
    FEATURE = "legacy"
    SITES = ("removed_module",)
    SUMMARY = "modules removed in openai>=1.0 (embeddings_utils, openai_object, ...)"

    def check(self, site: Site, ctx: PlanContext) -> None:
        module = site.attr or ""
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"{module} does not exist in openai>=1.0: {surface.REMOVED_MODULES[module]}",
                   reaches_openai=False)


class TestDouble(Rule):
    """Reports test doubles and version checks that name the openai<1.0 API.

    What it does: ``mock.patch("openai.ChatCompletion.create")``,
    ``patch.object(openai.ChatCompletion, "create")``, ``monkeypatch.setattr(openai, "ChatCompletion", …)``
    and checks of ``openai.__version__`` keep pointing at the old API after the migration; each is
    reported with what to patch instead (the module's client).

    Example::

        with mock.patch("openai.ChatCompletion.create") as create:
            create.return_value = {"choices": [{"message": {"content": "hi"}}]}

    Fix safety: review.
    """

    CODE = "OA055"
    NAME = "legacy-test-double"
    FEATURE = "legacy"
    SITES = ("test_double", "version_check")
    SUMMARY = "mock.patch / monkeypatch targets and version checks of the openai<1.0 API"

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind == "version_check":
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW,
                       f"{site.attr}: code that switches on the SDK version; after the migration only the v1 "
                       "branch runs — check that both branches were migrated or drop the old one")
            return
        target = site.attr or ""
        parts = target.split(".")
        method = surface.LEGACY_METHODS.get((parts[1], parts[2])) if len(parts) > 2 else None
        new = f"<client>.{'.'.join(method.v1_path)}" if method else "the client's resource method"
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"patches {target}, which the migrated code no longer calls: patch {new} instead "
                   "(mock.patch.object(module.client.chat.completions, \"create\")); responses are objects, not dicts")
