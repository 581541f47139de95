"""The plan stage: the rules of rules/features/ run over the sites of one module for each provider
spec, giving findings and planned edits (no I/O). One entry, :func:`plan`, which returns a frozen
:class:`Plan`; ``# migrator: ignore`` comments drop what they silence here.

Stages (docs/architecture.md): discover → analyse (scan.py: parse → resolve → plan) → place → verify →
write / report.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.edits import Edit
from migrator.model import Finding, NativeFacts, Severity, Span, merge_findings
from migrator.resolve import ProjectIndex, Qual, Resolver
from migrator.rules import providers
from migrator.rules.base import Options, PlanContext
from migrator.rules.registry import all_rules
from migrator.sites import Destination, Site, module_destination
from migrator.suppress import SUPPRESS, UNUSED_SUPPRESSION, suppressed_codes, suppressing_line


@dataclass(frozen=True)
class Plan:
    """What the rules planned for one module: with one spec, its findings, edits and imports; with several
    (a scan without ``--target``), the findings merged per provider and no edits."""

    findings: list[Finding] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    imports: set[tuple[str, str | None]] = field(default_factory=set)
    secrets: set[str] = field(default_factory=set)
    suppressed: list[Finding] = field(default_factory=list)
    module_dest: Destination | None = None
    native: NativeFacts = field(default_factory=NativeFacts)
    site_of_finding: list[int] = field(default_factory=list)  # the site (``Edit.tag[0]``) of each finding


def plan(text: str, path: str, resolver: Resolver, sites: list[Site], settings: list[Site], options: Options, *,
         project: ProjectIndex | None = None, specs: list[providers.ProviderSpec] | None = None,
         quote: str = '"') -> Plan:
    """Run the rules of ``options.phase`` over ``sites`` for each spec (the target's, else the specs a scan
    reports for)."""
    hosts = providers.provider_hosts()
    module_dest = module_destination(settings, resolver, hosts)
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
    phase_rules = [r for r in rules() if getattr(r, "NATIVE", False) == (options.phase == "native")]
    for spec in specs:
        ctx = PlanContext(path=path, text=text, resolver=resolver, spec=spec, options=options,
                          module_dest=module_dest, provider_hosts=hosts, quote=quote)
        ctx.sites = sites
        ctx.project = project
        ctx.legacy_dest = legacy_dest
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
    secrets = set().union(*(p.secrets for p in plans))
    if len(plans) == 1:
        ctx = plans[0]
        imports = {i for i in ctx.imports if not _bound(resolver, i)} if ctx.edits else set()
        return Plan(ctx.findings, ctx.edits, imports, secrets, ctx.silenced, module_dest, ctx.native,
                    ctx.site_of_finding)
    return Plan(merge_findings([p.findings for p in plans], [p.spec.name for p in plans]), secrets=secrets,
                suppressed=plans[0].silenced, module_dest=module_dest)


_RULES = None


def rules() -> list:
    global _RULES
    if _RULES is None:
        _RULES = all_rules()
    return _RULES



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
