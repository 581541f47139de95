"""Exception classes of the openai package used in handlers, tuples and retry decorators."""

from __future__ import annotations

from migrator.model import Severity
from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class Exceptions(Rule):
    """Reports every use of an openai exception class.

    What it does: finds ``except openai.RateLimitError``, tuples of them, ``retry_if_exception_type``
    and ``backoff.on_exception`` arguments, however the class was imported. In compat style the
    openai SDK still raises these classes for provider errors, so the code keeps working; but the
    providers' error bodies and codes differ (a content-filter block is HTTP 400
    ``data_inspection_failed`` on DashScope, code 1301 on Zhipu), so handlers that read
    ``err.body`` or ``err.code`` need a look. Native style maps the classes.

    Example::

        try:
            reply = client.chat.completions.create(model="gpt-4o", messages=m)
        except openai.RateLimitError:
            time.sleep(5)

    Fix safety: nothing changes in compat style; review handlers that inspect the error.
    """

    CODE = "OA901"
    NAME = "openai-exception"
    FEATURE = "exceptions"
    SITES = ("exception",)
    SUMMARY = "openai exception classes in handlers and retry decorators"

    def check(self, site: Site, ctx: PlanContext) -> None:
        name = site.attr or "?"
        if name.startswith("error."):
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"openai.{name} exists only in openai<1.0; use the v1 exception classes")
            return
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"openai.{name} is still raised in compat style; {ctx.spec.display} error bodies and codes "
                   "differ from OpenAI's — check handlers that read them", subject=f"catches openai.{name}")


class TypesImport(Rule):
    """Reports imports from ``openai.types``.

    What it does: lists them so that every dependency on the openai package is visible. In compat
    style the openai SDK still parses the provider's responses into these types, so nothing changes;
    provider extension fields (``reasoning_content``) are untyped extras. Native style replaces them.

    Example::

        from openai.types.chat import ChatCompletionMessageParam

    Fix safety: nothing changes in compat style.
    """

    CODE = "OA902"
    NAME = "openai-types-import"
    FEATURE = "types"
    SITES = ("types_import",)
    SUMMARY = "imports from openai.types"

    def check(self, site: Site, ctx: PlanContext) -> None:
        module = site.attr or "openai.types"
        if module.startswith("openai.error"):
            ctx.report(site.node, Exceptions.CODE, Exceptions.FEATURE, Severity.MANUAL,
                       "openai.error exists only in openai<1.0; import the exception classes from openai")
            return
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW,
                   f"imports {module}: still valid in compat style (the openai SDK parses "
                   f"{ctx.spec.display} responses); provider extension fields are untyped", subject=f"imports {module}")
