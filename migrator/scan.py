"""Scan: bytes → sites → findings and planned edits. Fast path: a byte prefilter, then ``ast``."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from migrator import markers
from migrator.edits import Edit
from migrator.model import Finding, NativeFacts, Severity, Span, merge_findings
from migrator.resolve import Client, ClientExport, Func, ProjectIndex, Qual, Resolver, ordered
from migrator.rules import providers, surface
from migrator.rules.base import Options, PlanContext
from migrator.rules.registry import all_rules
from migrator.sites import (
    Destination,
    Site,
    SiteFinder,
    client_destination,
    module_destination,
    pre_v1_ranges,
)
from migrator.suppress import SUPPRESS, UNUSED_SUPPRESSION, suppressed_codes, suppressing_line

# A file that contains none of these cannot hold an OpenAI site: it is never parsed.
# ``OpenAI`` catches framework classes imported from modules without the word (``langchain.chat_models``,
# ``chromadb.utils.embedding_functions``).
_NEEDLES = (b"openai", b"OpenAI", b".chat.completions.", b".embeddings.create", b"TODO(migrator)",
            b"from agents import")  # the OpenAI Agents SDK
# scan and migrate also look at files that name OpenAI models (a settings module with MODEL = "gpt-4o").
_MODEL_NEEDLES = (b'gpt-', b"text-embedding-", b"dall-e-", b"whisper-1", b"tts-1")


_RULES = None


def rules() -> list:
    global _RULES
    if _RULES is None:
        _RULES = all_rules()
    return _RULES


def may_contain_sites(data: bytes, models: bool = True) -> bool:
    return any(n in data for n in _NEEDLES) or (models and any(n in data for n in _MODEL_NEEDLES))


@dataclass
class Analysis:
    tree: ast.Module
    resolver: Resolver
    sites: list[Site]
    findings: list[Finding] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    imports: set[tuple[str, str | None]] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    suppressed: list[Finding] = field(default_factory=list)
    quote: str = '"'
    module_dest: Destination | None = None
    native: NativeFacts = field(default_factory=NativeFacts)
    module_settings: list[Site] = field(default_factory=list)
    site_of_finding: list[int] = field(default_factory=list)  # the site (``Edit.tag[0]``) of each finding


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` without the warnings CPython prints for the code it reads (invalid escapes, ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=filename)


def quote_style(text: str) -> str:
    return "'" if text.count("'") > text.count('"') else '"'


def find_sites(tree: ast.Module, module_name: str | None = None, project: ProjectIndex | None = None,
               dotenv_urls: tuple[str, ...] = (), local_packages: tuple[str, ...] = ()
               ) -> tuple[Resolver, list[Site], list[Site]]:
    dead = pre_v1_ranges(tree)  # branches that run only on openai<1.0 stay as they are, and bind nothing
    resolver = Resolver(tree, module_name, project, dead)
    resolver.dotenv_urls = dotenv_urls
    if "agents" in local_packages:
        resolver.agents_sdk = False  # the project's own package named agents, not the OpenAI Agents SDK
    finder = SiteFinder(resolver, providers.provider_hosts())
    sites = finder.find()
    settings = finder.module_settings
    if dead:
        def live(site: Site) -> bool:
            line = getattr(site.node, "lineno", 0)
            return not any(a <= line <= b for a, b in dead)

        sites = [s for s in sites if live(s)]
        settings = [s for s in settings if live(s)]
    return resolver, sites, settings


def analyze(text: str, *, path: str = "<string>", options: Options | None = None, module_name: str | None = None,
            project: ProjectIndex | None = None, tree: ast.Module | None = None,
            specs: list[providers.ProviderSpec] | None = None, same_as: Analysis | None = None) -> Analysis:
    """Findings and planned edits for one module (no I/O). Raises SyntaxError for invalid Python.

    ``same_as``: an analysis of this very text (another phase): its tree and sites are reused.
    """
    options = options or Options()
    if same_as is not None:
        tree, resolver, sites, settings = same_as.tree, same_as.resolver, same_as.sites, same_as.module_settings
    else:
        if tree is None:
            tree = parse(text)
        resolver, sites, settings = find_sites(tree, module_name, project, options.dotenv_urls(path),
                                               options.local_packages)
    analysis = Analysis(tree, resolver, sites, quote=quote_style(text), module_settings=settings)
    if not sites:
        return _read_markers(analysis, text, path, options)
    hosts = providers.provider_hosts()
    module_dest = module_destination(settings, resolver, hosts)
    analysis.module_dest = module_dest
    # the client that replaces the openai<1.0 API is built with the top-level settings only
    top = [s for s in settings if s.extra.get("top")]
    legacy_dest = module_destination(top, resolver, hosts)
    if legacy_dest.kind == "unknown" or _azure(top):
        # a base URL from configuration (or Azure's endpoint) stood for OpenAI: the migration moves it
        legacy_dest = Destination("openai", "api.openai.com")
    if specs is None:
        if options.target:
            specs = [options.target_spec().for_style(options.style)]
        elif options.neutral:
            specs = providers.all_specs()[:1]  # where a site goes does not depend on the provider
        else:
            specs = providers.default_scan_specs()
    plans = []
    for spec in specs:
        ctx = PlanContext(path=path, text=text, resolver=resolver, spec=spec, options=options,
                          module_dest=module_dest, provider_hosts=hosts, quote=analysis.quote)
        ctx.sites = sites
        ctx.project = project
        ctx.legacy_dest = legacy_dest
        phase_rules = [r for r in rules() if getattr(r, "NATIVE", False) == (options.phase == "native")]
        for site in sites:
            ctx.site_id = id(site)
            for rule in phase_rules:
                if rule.applies(site):
                    rule.check(site, ctx)
        for rule in phase_rules:
            check_file = getattr(rule, "check_file", None)
            if check_file is not None:
                check_file(sites, ctx)
        _suppress(ctx)
        plans.append(ctx)
    for p in plans:
        analysis.secrets |= p.secrets
    analysis.suppressed = plans[0].silenced
    if len(plans) == 1:
        ctx = plans[0]
        analysis.native = ctx.native
        analysis.findings = ctx.findings
        analysis.site_of_finding = ctx.site_of_finding
        analysis.edits = ctx.edits
        analysis.imports = {i for i in ctx.imports if not _bound(resolver, i)} if ctx.edits else set()
    else:
        analysis.findings = merge_findings([p.findings for p in plans], [p.spec.name for p in plans])
    return _read_markers(analysis, text, path, options)


def _read_markers(analysis: Analysis, text: str, path: str, options: Options) -> Analysis:
    """The TODO(migrator) comments of a past run: findings of their own, and the sites below them are
    not ``auto`` (markers.py)."""
    if markers.has_markers(text) and options.phase != "native":
        analysis.findings = markers.scan_findings(path, text, analysis.tree, analysis.findings)
        analysis.site_of_finding += [0] * (len(analysis.findings) - len(analysis.site_of_finding))
    return analysis


def _azure(settings: list[Site]) -> bool:
    return any(s.attr == "api_type" and isinstance(s.node.value, ast.Constant)  # type: ignore[attr-defined]
               and "azure" in str(s.node.value.value).lower() for s in settings)  # type: ignore[attr-defined]


def _bound(resolver: Resolver, imp: tuple[str, str | None]) -> bool:
    """The module already binds what the import would (``import os`` at module level)."""
    module, name = imp
    local = name or module
    qual = f"{module}.{name}" if name else module
    return any(e[0] == "value" and e[1] == Qual(qual) for e in resolver.module_scope.bindings.get(local, ()))


def _suppress(ctx: PlanContext) -> None:
    """Drop findings (and the edits of their site and code) silenced by ``# migrator: ignore``."""
    if "migrator:" not in ctx.text:
        return
    keep: list[Finding] = []
    keep_sites: list[int] = []
    dropped: set[tuple[int, str]] = set()
    dropped_sites: set[int] = set()
    used: set[int] = set()  # comment lines (0-based) that silenced something
    for finding, site_id in zip(ctx.findings, ctx.site_of_finding, strict=True):
        where = suppressing_line(ctx.lines, finding.span.line)
        codes = suppressed_codes(ctx.lines, finding.span.line)
        if codes is not None and (not codes or finding.code in codes):
            used.add(where)  # type: ignore[arg-type]
            dropped.add((site_id, finding.code))
            if not codes:
                dropped_sites.add(site_id)
            ctx.silenced.append(finding)
            continue
        keep.append(finding)
        keep_sites.append(site_id)
    ctx.findings = keep
    ctx.site_of_finding = keep_sites
    ctx.edits = [e for e in ctx.edits if e.tag not in dropped and e.tag[0] not in dropped_sites]
    for index, text in enumerate(ctx.lines):  # a suppression that silences nothing is noise: say so
        m = SUPPRESS.search(text)
        if m and index not in used and ctx.options.enabled(UNUSED_SUPPRESSION):
            line = index + 1
            ctx.findings.append(Finding(ctx.path, Span(line, m.start() + 1, line, m.end() + 1), UNUSED_SUPPRESSION,
                                        "suppressions", Severity.REVIEW,
                                        "unused `# migrator: ignore` comment: nothing is reported here; remove it",
                                        False, "unused suppression"))
            ctx.site_of_finding.append(0)


def _model_like(value: str) -> bool:
    return surface.looks_like_openai_model(value) or any(spec.owns_model(value) for spec in providers.all_specs())


def client_exports(analysis: Analysis, module_name: str | None) -> list:
    """Module-level clients and client factories this module offers to the rest of the project."""

    if not module_name:
        return []
    r = analysis.resolver
    hosts = providers.provider_hosts()
    module_dest = analysis.module_dest or Destination("openai", "api.openai.com")
    out: list = []
    for name, values in r.module_exports():
        lits = r.literal_sources(ast.Name(id=name), r.module_scope) if "." not in name else []
        if len(lits) == 1 and lits[0] is not None and id(lits[0]) not in r.remote_literals \
                and isinstance(lits[0].value, str) and _model_like(lits[0].value):
            out.append((f"{module_name}.{name}", lits[0].value))
        clients = [v for v in ordered(values) if isinstance(v, Client)]
        held = bool(clients)
        for v in ordered(values):
            if isinstance(v, Func):
                clients += [c for c in ordered(r.call_result(v, None, r.module_scope))  # type: ignore[arg-type]
                            if isinstance(c, Client)]
        if not clients:
            continue
        dests = [client_destination(c, r, hosts, module_dest) for c in clients]
        reaches = True if any(d.kind == "openai" for d in dests) else (False if all(
            d.kind in ("provider", "other") for d in dests) else None)
        host = next((d.host for d in dests if d.host), None)
        out.append(ClientExport(module_name, name, any(c.is_async for c in clients), reaches, host, held=held))
    return out
