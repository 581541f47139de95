"""What a rule sees (``PlanContext``) and what it is (``Rule``).

A rule looks at one kind of site and, for the target provider in the context, reports findings and
plans edits on ``ast`` nodes. It does no I/O and never touches LibCST: the engine turns planned
edits into a LibCST transform, so the scanner and the rewriter cannot disagree about what a site is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from migrator.edits import Edit, EditOp
from migrator.model import Finding, NativeFacts, Phase, Region, Severity, Span, Style
from migrator.resolve import ProjectIndex, Resolver, ordered
from migrator.rules import providers
from migrator.rules.providers import ProviderSpec
from migrator.sites import Destination, Site, client_destination
from migrator.suppress import silenced


@dataclass
class Options:
    """The part of the settings that rules read."""

    target: str | None = None
    style: Style = "compat"
    region: Region = "cn"
    # the Responses API: "auto" keeps calls where the target serves it, "chat" makes them chat.completions calls
    responses: str = "auto"
    models: dict[str, str] = field(default_factory=dict)  # OpenAI model -> target model, from config / --model
    select: tuple[str, ...] = ()  # rule codes or prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # rule codes or prefixes to drop
    neutral: bool = False  # no target: judge with one provider, word the messages without it (check)
    # native style is two passes over the code: "compat" (points clients at the provider), then "native"
    # (moves them to its SDK); "" runs what the style needs
    phase: Phase = ""
    # the target's spec when it is defined in configuration ([tool.migrator.providers.<name>])
    custom_spec: ProviderSpec | None = None
    # migrate: a ``# TODO(migrator): OAxxx reason`` comment above each site that will not work as it
    # stands (migrator/markers.py); --no-todo-comments turns them off
    todo_comments: bool = True
    # (directory, URL) of each ``.env`` file of the run that sends the SDK to a server of its own
    # (``OPENAI_BASE_URL=http://localhost:8000/v1``): the clients of the modules under it that take their
    # base URL from the environment are look-alikes
    dotenv_base_urls: tuple[tuple[str, str], ...] = ()
    # top-level packages and modules of the files of the run (a project's own ``agents`` package is not the SDK)
    local_packages: tuple[str, ...] = ()

    def dotenv_urls(self, path: str) -> tuple[str, ...]:
        """The ``dotenv_base_urls`` that apply to the module at ``path`` (a display path)."""
        return tuple(url for folder, url in self.dotenv_base_urls
                     if folder in ("", ".") or path.startswith(folder.rstrip("/") + "/"))

    def target_spec(self) -> ProviderSpec:
        """The spec of ``target``: from configuration, else the built-in module of that name."""
        if self.custom_spec is not None and self.custom_spec.name == self.target:
            return self.custom_spec
        if self.target is None:
            raise KeyError("no target")
        return providers.load(self.target)

    def enabled(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))


_LINES = re.compile(r"\r\n|\r|\n")


def _subject(message: str) -> str:
    """The part of a message before its first ' → ' or ': ' outside parentheses (the site, without the
    provider), so that a scan without a target never cuts a message in the middle of a parenthesis."""
    depth = 0
    for i, ch in enumerate(message):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and (message.startswith(" → ", i) or message.startswith(": ", i)):
            return message[:i]
    return message


class PlanContext:
    """Collects findings and edits for one file and one provider."""

    def __init__(self, *, path: str, text: str, resolver: Resolver, spec: ProviderSpec, options: Options,
                 module_dest: Destination, provider_hosts: dict[str, str], quote: str = '"') -> None:
        self.path = path
        self.text = text
        self.lines = _LINES.split(text)  # as Python counts lines: not at form feeds, unlike str.splitlines
        self.resolver = resolver
        self.spec = spec
        self.options = options
        self.module_dest = module_dest
        self.provider_hosts = provider_hosts
        self.quote = quote
        self.findings: list[Finding] = []
        self.edits: list[Edit] = []
        self.imports: set[tuple[str, str | None]] = set()
        self.secrets: set[str] = set()  # API key literals seen in the code: never printed in full
        self.silenced: list[Finding] = []  # silenced by `# migrator: ignore` (check --show-suppressed)
        self.site_id = 0
        self.sites: list[Site] = []  # every site of the file (rules that look across sites read it)
        self.project: ProjectIndex | None = None  # when the runner has one
        self.legacy_dest = module_dest  # where the client that replaces the openai<1.0 API will point
        self.handled_literals: set[int] = set()  # model literals already planned (shared constants)
        self.site_of_finding: list[int] = []
        self.memo: dict[str, dict] = {}  # plans that several rules read (rules/features/clients.second_client)
        self.native = NativeFacts()  # native style: what this module tells the project passes

    # -- reporting ------------------------------------------------------------------------------

    def segment(self, node: ast.AST | None) -> str | None:
        """The source text of a node (``ast.get_source_segment`` without re-splitting the file); None for
        None or a node without a position."""
        if node is None:
            return None
        try:
            line, end_line = node.lineno, node.end_lineno  # type: ignore[attr-defined]
            col, end_col = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        except AttributeError:
            return None
        if end_line is None or end_col is None or not (0 < line <= end_line <= len(self.lines)):
            return None
        raw = [ln.encode("utf-8") for ln in self.lines[line - 1:end_line]]
        if line == end_line:
            return raw[0][col:end_col].decode("utf-8", "replace")
        raw[0], raw[-1] = raw[0][col:], raw[-1][:end_col]
        return "\n".join(r.decode("utf-8", "replace") for r in raw)

    def span(self, node: ast.AST) -> Span:
        if not hasattr(node, "lineno"):  # a finding about the whole module (ast.Module has no position)
            return Span(1, 1, 1, 1)
        line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        end_col = node.end_col_offset if node.end_col_offset is not None else col  # type: ignore[attr-defined]
        return Span(line, self._chars(line, col) + 1, end_line, self._chars(end_line, end_col) + 1)

    def _chars(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if text.isascii():
                return byte_col
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))
        return byte_col

    def report(self, node: ast.AST, code: str, feature: str, severity: Severity, message: str,
               reaches_openai: bool = False, subject: str = "") -> None:
        """Record a finding. ``subject`` describes the site without the provider (used when a scan has no
        target and the providers disagree); by default, the part of the message before ' → ' or ':'."""
        if not self.options.enabled(code):
            return
        if not subject:
            subject = _subject(message)
        if self.options.neutral:
            message = subject
        self.findings.append(Finding(self.path, self.span(node), code, feature, severity, message, reaches_openai,
                                     subject))
        self.site_of_finding.append(self.site_id)

    # -- planning -------------------------------------------------------------------------------

    def edit(self, node: ast.AST, op: EditOp, code: str, **args: object) -> None:
        if not self.options.enabled(code):
            return
        self.edits.append(Edit(node, op, dict(args), (self.site_id, code)))

    def suppressed(self, node: ast.AST, code: str) -> bool:
        """True when a ``# migrator: ignore`` comment silences ``code`` at ``node``."""
        line = getattr(node, "lineno", None)  # a constant defined in another module has no place here
        return line is not None and silenced(self.lines, line, code)

    @property
    def legacy_file(self) -> bool:
        """The module uses the openai<1.0 API: its module settings belong to that code."""
        return any(s.kind == "legacy" for s in self.sites)

    def need_import(self, module: str, name: str | None = None) -> None:
        self.imports.add((module, name))

    def string(self, value: str) -> str:
        """Source for a new string literal in the file's quote style."""
        q = self.quote
        if q in value or "\\" in value:
            return repr(value)
        return f"{q}{value}{q}"

    def env_read(self, var: str) -> str:
        self.need_import("os")
        return f"os.environ[{self.string(var)}]"

    def base_url(self) -> str:
        return self.spec.base_url(self.options.region)

    def destination(self, clients: Iterable) -> Destination:
        dests = [self.legacy_dest if getattr(c, "legacy", False) else
                 client_destination(c, self.resolver, self.provider_hosts, self.module_dest) for c in ordered(clients)]
        for kind in ("openai", "configured", "provider", "injected", "unknown", "other"):
            for d in dests:
                if d.kind == kind:
                    return d
        return Destination("unknown")


class Rule:
    """Base of every rule. Subclasses set the metadata and implement ``check``.

    The docstring is user documentation (``migrator explain CODE``): what the rule finds, an
    example, and what the fix does.
    """

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    FEATURE: ClassVar[str]
    SITES: ClassVar[tuple[str, ...]]  # site kinds this rule looks at
    SUMMARY: ClassVar[str]

    def applies(self, site: Site) -> bool:
        return site.kind in self.SITES

    def check(self, site: Site, ctx: PlanContext) -> None:
        raise NotImplementedError
