"""OpenAI endpoints reached without the SDK (``requests.post("https://api.openai.com/v1/...")``)."""

from __future__ import annotations

from migrator.model import Severity
from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class EndpointUrl(Rule):
    """Reports string literals that contain ``api.openai.com``.

    What it does: code that calls OpenAI over raw HTTP (``requests``, ``httpx``, ``aiohttp``) does
    not go through the SDK, so migrator does not pretend to rewrite it; each URL is reported as
    manual work and counts in ``check``. Docstrings are skipped.

    Example::

        requests.post("https://api.openai.com/v1/chat/completions", json=payload, headers=headers)

    Fix safety: manual; point the request at the provider's base URL and send its key.
    """

    CODE = "OA801"
    NAME = "endpoint-url"
    FEATURE = "http"
    SITES = ("endpoint",)
    SUMMARY = "api.openai.com URLs used outside the SDK"

    def check(self, site: Site, ctx: PlanContext) -> None:
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                   f"api.openai.com URL in code (raw HTTP or a configuration default): use {ctx.base_url()} with "
                   f"the {ctx.spec.key_env} key instead (paths and bodies are OpenAI-shaped there)",
                   reaches_openai=True, subject="api.openai.com URL in code")
