"""``migrate --report FILE.md``: a Markdown migration report for the pull request."""

from __future__ import annotations

import re
from collections import Counter

from migrator.model import Region, Style
from migrator.report.base import Report
from migrator.rules import surface
from migrator.rules.providers import ProviderSpec

_MAPPED = re.compile(r"'([^']+)' → '([^']+)'")
_ENV = re.compile(r"if (\w+) is set where the program runs")
_INSTALL = re.compile(r"install ([a-z][a-z0-9\-]+[a-z0-9])")  # framework classes replaced by another package's
_MODEL_CODES = ("OA601", "OA602", "OA603", "OA120", "OA121", "OA123", "OA124")


def render(report: Report, spec: ProviderSpec, style: Style, region: Region) -> str:
    findings = report.findings
    changed = [r for r in report.results if r.changed]
    lines = [f"# Migration to {spec.display}", "",
             f"Target `{spec.name}`, style `{style}`, region `{region}` (base URL `{spec.base_url(region)}`). "
             f"{len(changed)} file(s) changed, {len(findings)} finding(s), {len(report.errors)} file(s) skipped.", ""]
    counts: dict[str, Counter] = {}
    for f in findings:
        counts.setdefault(f.feature, Counter())[f.severity.value] += 1
    if counts:
        lines += ["| feature | auto | review | manual |", "|---|---:|---:|---:|"]
        for feature in sorted(counts):
            c = counts[feature]
            lines.append(f"| {feature} | {c['auto']} | {c['review']} | {c['manual']} |")
        lines.append("")
    for severity, title in (("manual", "Manual work (not done by migrator)"), ("review", "To review")):
        items = [f for f in findings if f.severity.value == severity]
        if items:
            lines += [f"## {title}", ""]
            lines += [f"- [ ] [{f.where.rsplit(':', 1)[0]}]({f.path}#L{f.stored_span.line}) `{f.code}` {f.message}"
                      for f in items]
            lines.append("")
    mapped = sorted({m for f in findings if f.code in _MODEL_CODES for m in _MAPPED.findall(f.message)})
    if mapped:
        lines += ["## Models", "", f"| OpenAI | now | context window at {spec.display} | note |", "|---|---|---|---|"]
        for old, new in mapped:
            family = surface.model_family(old)
            model = surface.OPENAI_MODELS.get(family or "")
            target = spec.models.get(family or "")
            note = target.note if target and target.note else ""
            if model and model.kind == "embedding":
                sizes = spec.embedding_dimensions.get(new, ())
                new_dims = (target.dimensions if target and target.model == new else None) or (
                    sizes[0] if len(sizes) == 1 else None)
                note = f"{model.dimensions}-d → {new_dims or '?'}-d vectors: re-embed and rebuild the index"
            lines.append(f"| `{old}` | `{new}` | {spec.contexts.get(new, '—')} | {note} |")
        lines.append("")
    env = sorted({spec.key_env, *(m for f in findings for m in _ENV.findall(f.message))})
    lines += ["## Deployment", "", "Set these environment variables where the program runs:", ""]
    lines += [f"- `{name}`" + (" (the provider's API key)" if name == spec.key_env else " (must name a provider model)")
              for name in env]
    packages = sorted({m for f in findings if f.code.startswith("OA12") for m in _INSTALL.findall(f.message)})
    native = spec.native if style == "native" else None
    if native is None and packages:
        lines += ["", "Compat style keeps the `openai` package (version 1.0 or later). Add these packages (the "
                  "migrated LangChain / LlamaIndex classes live there):", ""]
        lines += [f"- `{p}`" for p in packages]
        lines.append("")
    elif native is None:
        lines += ["", "Compat style keeps the `openai` package (version 1.0 or later); no new dependency.", ""]
    else:
        kept = sum(1 for f in findings if f.code == "OA160" and f.severity.value != "auto")
        lines += ["", f"Native style needs the provider's SDK: `{spec.native_package}>={spec.native_version}` "
                  "(add it to your requirements)." + (f" {kept} client(s) or call(s) stay on the `openai` package "
                                                      "(pointed at the provider; see the OA160 findings), so keep "
                                                      "`openai>=1` too." if kept else ""), ""]
        lines += [f"- {note}" for note in native.notes]
        lines += [f"- install `{p}` (migrated LangChain / LlamaIndex classes)" for p in packages]
        lines.append("")
    if report.errors:
        lines += ["## Skipped files", ""]
        lines += [f"- `{e.path}`: {e.message}" for e in report.errors]
        lines.append("")
    return "\n".join(lines)
