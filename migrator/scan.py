"""The analyse stage: bytes → parse → resolve (names, sites, where each client points) → plan
(migrator/plan.py). Fast path: a byte prefilter, then ``ast``."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field, replace

from migrator import markers
from migrator.edits import Edit
from migrator.model import Finding, NativeFacts
from migrator.plan import plan
from migrator.plan import rules as rules  # re-exported: the rule list
from migrator.resolve import Client, ClientExport, Func, ProjectIndex, Resolver, ordered
from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.sites import (
    Destination,
    Site,
    SiteFinder,
    client_destination,
    pre_v1_ranges,
)

# A file that contains none of these cannot hold an OpenAI site: it is never parsed.
# ``OpenAI`` catches framework classes imported from modules without the word (``langchain.chat_models``,
# ``chromadb.utils.embedding_functions``).
_NEEDLES = (b"openai", b"OpenAI", b".chat.completions.", b".embeddings.create", b"TODO(migrator)",
            b"from agents import")  # the OpenAI Agents SDK
# scan and migrate also look at files that name OpenAI models (a settings module with MODEL = "gpt-4o").
_MODEL_NEEDLES = (b'gpt-', b"text-embedding-", b"dall-e-", b"whisper-1", b"tts-1")


def may_contain_sites(data: bytes, models: bool = True) -> bool:
    return any(n in data for n in _NEEDLES) or (models and any(n in data for n in _MODEL_NEEDLES))


@dataclass(frozen=True)
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
               dotenv_urls: tuple[str, ...] = (), local_packages: tuple[str, ...] = (), text: str | None = None
               ) -> tuple[Resolver, list[Site], list[Site]]:
    dead = pre_v1_ranges(tree)  # branches that run only on openai<1.0 stay as they are, and bind nothing
    resolver = Resolver(tree, module_name, project, dead, text=text)
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
    """The analyse stage: findings and planned edits for one module (no I/O). Raises SyntaxError for
    invalid Python. Parse, then resolve (``find_sites``: names, sites and where each client points), then
    plan (``migrator.plan``: the rules for each provider spec).

    ``same_as``: an analysis of this very text (another phase): its tree and sites are reused.
    """
    options = options or Options()
    if same_as is not None:
        tree, resolver, sites, settings = same_as.tree, same_as.resolver, same_as.sites, same_as.module_settings
    else:
        if tree is None:
            tree = parse(text)
        resolver, sites, settings = find_sites(tree, module_name, project, options.dotenv_urls(path),
                                               options.local_packages, text=text)
    quote = quote_style(text)
    if not sites:
        return _read_markers(Analysis(tree, resolver, sites, quote=quote, module_settings=settings), text, path,
                             options)
    planned = plan(text, path, resolver, sites, settings, options, project=project, specs=specs, quote=quote)
    analysis = Analysis(tree, resolver, sites, planned.findings, planned.edits, planned.imports, planned.secrets,
                        planned.suppressed, quote, planned.module_dest, planned.native, settings,
                        planned.site_of_finding)
    return _read_markers(analysis, text, path, options)


def _read_markers(analysis: Analysis, text: str, path: str, options: Options) -> Analysis:
    """The TODO(migrator) comments of a past run: findings of their own, and the sites below them are
    not ``auto`` (markers.py)."""
    if markers.has_markers(text) and options.phase != "native":
        findings = markers.scan_findings(path, text, analysis.tree, analysis.findings)
        return replace(analysis, findings=findings, site_of_finding=analysis.site_of_finding + [0] * (
            len(findings) - len(analysis.site_of_finding)))
    return analysis


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
