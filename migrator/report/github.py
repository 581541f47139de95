"""``--format github``: GitHub Actions workflow commands (annotations on the pull request)."""

from __future__ import annotations

from migrator.model import Finding
from migrator.report.base import Report

_LEVEL = {"auto": "notice", "review": "warning", "manual": "error"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def cell_note(f: Finding) -> str:
    """Where in a notebook a finding is, for formats whose location is a line of the file."""
    return f" (cell {f.cell}, line {f.span.line}, column {f.span.column})" if f.cell is not None else ""


def render(report: Report) -> str:
    lines = []
    for f in report.shown():
        level = "error" if report.command == "check" else _LEVEL[f.severity.value]
        span = f.stored_span  # a notebook finding points at the line of the .ipynb file holding the source line
        props = (f"file={_escape_prop(f.path)},line={span.line},col={span.column},"
                 f"endLine={span.end_line},endColumn={span.end_column},"
                 f"title={_escape_prop(f'migrator {f.code} ({f.severity.value})')}")
        lines.append(f"::{level} {props}::{_escape_data(f.message + cell_note(f))}")
    for e in report.errors:
        lines.append(f"::error file={_escape_prop(e.path)},title=migrator::{_escape_data(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def step_summary(report: Report) -> str:
    """A Markdown table for ``$GITHUB_STEP_SUMMARY``."""
    from collections import Counter

    findings = report.shown()
    counts: dict[str, Counter] = {}
    for f in findings:
        counts.setdefault(f.feature, Counter())[f.severity.value] += 1
    title = "migrator check" if report.command == "check" else f"migrator {report.command}"
    lines = [f"### {title}", ""]
    if not findings:
        lines.append(f"Nothing reaches OpenAI ({report.files_scanned} files checked).")
    else:
        lines += ["| feature | sites | auto | review | manual |", "|---|---:|---:|---:|---:|"]
        for feature in sorted(counts):
            c = counts[feature]
            lines.append(f"| {feature} | {sum(c.values())} | {c['auto']} | {c['review']} | {c['manual']} |")
        lines += ["", f"{len(findings)} site(s) in {len({f.path for f in findings})} file(s)."]
    if report.baselined:
        lines.append(f"{report.baselined} known site(s) allowed by the baseline.")
    return "\n".join(lines) + "\n"
