"""``--format github``: GitHub Actions workflow commands (annotations on the pull request)."""

from __future__ import annotations

from migrator.report import Report

_LEVEL = {"auto": "notice", "review": "warning", "manual": "error"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.shown():
        level = "error" if report.command == "check" else _LEVEL[f.severity.value]
        props = (f"file={_escape_prop(f.path)},line={f.span.line},col={f.span.column},"
                 f"endLine={f.span.end_line},endColumn={f.span.end_column},"
                 f"title={_escape_prop(f'migrator {f.code} ({f.severity.value})')}")
        lines.append(f"::{level} {props}::{_escape_data(f.message)}")
    for e in report.errors:
        lines.append(f"::error file={_escape_prop(e.path)},title=migrator::{_escape_data(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
