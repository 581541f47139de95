"""openai<1.0 exceptions (``openai.error.X``) mapped to the v1 classes with the same meaning."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import Qual, dotted
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class LegacyErrors(Rule):
    """Maps ``openai.error.X`` to the v1 exception with the same meaning.

    What it does: ``openai.error.RateLimitError`` becomes ``openai.RateLimitError``; classes v1 renamed
    or split are mapped by meaning: ``Timeout`` → ``APITimeoutError`` (v1 ``openai.Timeout`` is a
    configuration class), ``InvalidRequestError`` → ``(BadRequestError, NotFoundError)``,
    ``ServiceUnavailableError`` and ``TryAgain`` → ``InternalServerError``. ``from openai.error import X``
    becomes ``from openai import V1 as X``, so the code that uses ``X`` keeps working. On a caught
    error, ``e.http_status`` becomes ``e.status_code`` and ``e.json_body`` ``e.body``.

    Example::

        try:
            reply = ask(prompt)
        except openai.error.Timeout as e:
            log(e.http_status)

    becomes::

        try:
            reply = ask(prompt)
        except openai.APITimeoutError as e:
            log(e.status_code)

    Fix safety: review where a class was split or has no exact equivalent.
    """

    CODE = "OA053"
    NAME = "legacy-errors"
    FEATURE = "exceptions"
    SITES = ("legacy_error", "legacy_error_import", "legacy_error_attr")
    SUMMARY = "openai.error.X mapped to the v1 exceptions by meaning"

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind == "legacy_error_attr":
            if site.extra.get("anywhere") and not ctx.legacy_file:
                return
            new = surface.LEGACY_ERROR_ATTRS[site.attr or ""]
            extra, _, last = new.rpartition(".")
            ctx.edit(site.node, "rename_attr", self.CODE, name=last, extra=extra or None)
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.REVIEW if site.attr == "error" else Severity.AUTO,
                       f".{site.attr} (openai<1.0 error) → .{new}")
            return
        if site.kind == "legacy_error_import":
            self._import(site, ctx)
            return
        name = site.attr or ""
        if site.extra.get("top_level") and name == "Timeout" and not ctx.legacy_file:
            return  # v1 code: openai.Timeout is a configuration class there; nothing to map
        v1 = surface.LEGACY_ERRORS.get(name)
        note = surface.LEGACY_ERROR_NOTES.get(name)
        if v1 is None:
            ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"openai.error.{name} has no equivalent in openai>=1.0")
            return
        node = site.node
        if isinstance(node, ast.Attribute):
            root = (dotted(node) or "openai").split(".")[0]
            module = root if Qual("openai") in ctx.resolver.lookup(root, site.scope) else "openai"
            if module != root:
                ctx.need_import("openai")
            single = site.extra.get("single") or len(v1) == 1
            src = f"{module}.{v1[0]}" if single else "(" + ", ".join(f"{module}.{c}" for c in v1) + ")"
            ctx.edit(node, "replace_expr", self.CODE, src=src)
            message = f"openai.error.{name} → {src}"
        else:
            message = f"{name} (openai.error) → openai.{v1[0]}"
        if site.extra.get("constructed"):
            note = ((note + "; ") if note else "") + ("v1 exception classes take (message, *, response, body): "
                                                      "raise one of your own, or build the response")
            ctx.report(node, self.CODE, self.FEATURE, Severity.MANUAL, message + f" ({note})",
                       subject=f"openai.error.{name}(...)")
            return
        ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW if note else Severity.AUTO,
                   message + (f" ({note})" if note else ""), subject=f"openai.error.{name}")

    def _import(self, site: Site, ctx: PlanContext) -> None:
        node = site.node
        if isinstance(node, ast.Import):
            ctx.edit(node, "rewrite_import", self.CODE, old="openai.error", module="openai")
            ctx.report(node, self.CODE, self.FEATURE, Severity.AUTO, "import openai.error → import openai")
            return
        assert isinstance(node, ast.ImportFrom)
        if node.module == "openai" and site.extra.get("names"):  # from openai import InvalidRequestError
            names = [n for n in site.extra["names"] if n != "Timeout" or ctx.legacy_file]
            if not names:
                return
            renames = {n: (surface.LEGACY_ERRORS.get(n) or ("OpenAIError",))[0] for n in names}
            ctx.edit(node, "rewrite_import", self.CODE, module="openai", names=renames)
            ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW,
                       "openai<1.0 error names imported from openai: "
                       + ", ".join(f"{k} → {v}" for k, v in renames.items()))
            return
        if node.module == "openai":  # from openai import error
            ctx.need_import("openai")
            ctx.edit(node, "remove_import_name", self.CODE, name="error")
            ctx.report(node, self.CODE, self.FEATURE, Severity.AUTO, "from openai import error → import openai")
            return
        renames = {}
        for alias in node.names:
            v1 = surface.LEGACY_ERRORS.get(alias.name)
            renames[alias.name] = v1[0] if v1 else "OpenAIError"
        ctx.edit(node, "rewrite_import", self.CODE, module="openai", names=renames)
        shown = ", ".join(f"{k} → {v}" for k, v in renames.items() if k != v) or "same names"
        split = [n for n in renames if n in surface.LEGACY_ERROR_NOTES]
        ctx.report(node, self.CODE, self.FEATURE, Severity.REVIEW if split else Severity.AUTO,
                   f"from openai.error import … → from openai import … ({shown})"
                   + (f"; {surface.LEGACY_ERROR_NOTES[split[0]]}" if split else ""))
