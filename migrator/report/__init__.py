"""Reporters: one module per output format (design.md §6, item 10)."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.model import FileError, FileResult, Finding

FORMATS = ("text", "json", "github", "sarif")


@dataclass
class Report:
    command: str  # scan | check | migrate
    target: str | None
    results: list[FileResult]
    errors: list[FileError] = field(default_factory=list)  # discovery errors and per-file errors
    files_scanned: int = 0

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.results for f in r.findings]
        out.sort(key=Finding.sort_key)
        return out

    def shown(self) -> list[Finding]:
        """What the command lists: everything for scan and migrate, what reaches OpenAI for check."""
        if self.command == "check":
            return [f for f in self.findings if f.reaches_openai]
        return self.findings


def render(fmt: str, report: Report) -> str:
    if fmt == "json":
        from migrator.report.json_ import render as r
    elif fmt == "github":
        from migrator.report.github import render as r
    elif fmt == "sarif":
        from migrator.report.sarif import render as r
    else:
        from migrator.report.text import render as r
    return r(report)
