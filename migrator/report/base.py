"""What every reporter reads: the ``Report`` of one command run."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.markers import TODO_MARKER
from migrator.model import RETIRED_MODEL, FileError, FileResult, Finding


@dataclass
class Report:
    command: str  # scan | check | migrate
    target: str | None
    results: list[FileResult]
    errors: list[FileError] = field(default_factory=list)  # discovery errors and per-file errors
    files_scanned: int = 0
    baselined: int = 0  # findings hidden by a baseline (check --baseline)
    baseline: object = None  # Counter of (path, code) allowed to remain

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.results for f in r.findings]
        out.sort(key=Finding.sort_key)
        return out

    def shown(self) -> list[Finding]:
        """What the command lists: everything for scan and migrate; for check, what reaches OpenAI and
        the TODO(migrator) markers a past migrate left (less what the baseline allows)."""
        if self.command != "check":
            return self.findings
        reaching = [f for f in self.findings if f.reaches_openai or f.code in (TODO_MARKER, RETIRED_MODEL)]
        if self.baseline is None:
            return reaching
        allowed = dict(self.baseline)  # type: ignore[call-overload]
        out = []
        for f in reaching:
            key = (f.path, f.code)
            if allowed.get(key, 0) > 0:
                allowed[key] -= 1
                continue
            out.append(f)
        self.baselined = len(reaching) - len(out)
        return out
