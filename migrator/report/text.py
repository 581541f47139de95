"""``--format text``: the human listing (stdout) — the summary tables are printed by the CLI (stderr)."""

from __future__ import annotations

from migrator.report.base import Report


def render(report: Report) -> str:
    lines = []
    for f in report.shown():
        reach = " (reaches OpenAI)" if f.reaches_openai and report.command != "check" else ""
        lines.append(f"{f.where}: {f.code} [{f.severity.value}] {f.feature}: "
                     f"{f.message}{reach}")
    return "\n".join(lines) + ("\n" if lines else "")
