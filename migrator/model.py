"""Plain data passed between the pipeline stages (no behaviour, no I/O)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Style = Literal["compat", "native"]  # --style: the OpenAI SDK against the provider, or its own SDK
Phase = Literal["", "compat", "native"]  # the pass of native style that runs ("": what the style needs)
Region = Literal["cn", "intl"]  # --region
Mode = Literal["scan", "check", "migrate"]  # the command a run serves
# the file kinds migrator reads (migrator/kinds/base.kind_of): each has its reader
FileKind = Literal["python", "setup_py", "notebook", "env", "requirements", "pyproject", "setup_cfg", "pipfile",
                   "config"]

# a provider model that is retired or going, named by already-migrated code: check counts it
RETIRED_MODEL = "OA604"


class Severity(str, enum.Enum):
    """How much of a site migrator handles (design.md §2)."""

    AUTO = "auto"  # migrated, nothing to look at
    REVIEW = "review"  # migrated (or kept), a human should look
    MANUAL = "manual"  # not done by the tool; the message says why and what to do

    @property
    def rank(self) -> int:
        return {"auto": 0, "review": 1, "manual": 2}[self.value]


def worst(*severities: Severity) -> Severity:
    return max(severities, key=lambda s: s.rank)


@dataclass(frozen=True)
class Span:
    """1-based lines, 1-based columns counted in characters (end column exclusive + 1 like ruff)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Finding:
    path: str
    span: Span
    code: str
    feature: str
    severity: Severity
    message: str
    reaches_openai: bool = False
    subject: str = field(default="", compare=False, repr=False)  # provider-neutral description (not in JSON)
    # Notebooks: ``span`` is the place in the cell's source, ``cell`` the cell's 1-based number in the
    # notebook's ``cells`` list and ``file_line`` the line of the .ipynb file that holds that source line
    # (for the formats that can only point at a line of the file: github, SARIF).
    cell: int | None = None
    file_line: int | None = None

    @property
    def where(self) -> str:
        """``path:line:col`` (``path:cell N:line:col`` in a notebook, as ruff writes it)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.span.line}:{self.span.column}"

    @property
    def stored_span(self) -> Span:
        """The place in the file as stored (a notebook's JSON line; else ``span``)."""
        if self.file_line is None:
            return self.span
        return Span(self.file_line, 1, self.file_line, 1)

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict:
        doc = {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "feature": self.feature,
            "severity": self.severity.value,
            "message": self.message,
            "reaches_openai": self.reaches_openai,
        }
        if self.cell is not None:  # notebooks only: the schema grows, nothing is renamed
            doc["cell"] = self.cell
            doc["file_line"] = self.file_line
        return doc


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as found on disk
    display: str  # relative to the current directory, with '/'
    explicit: bool = False  # named on the command line
    kind: FileKind = "python"  # which reader handles it (migrator.kinds)


@dataclass
class FileError:
    path: str
    message: str

    def to_json(self) -> dict:
        return {"path": self.path, "message": self.message}


@dataclass
class NativeFacts:
    """What one module's native pass tells the project passes (migrator/project.py): the rule
    (rules/features/native/) fills it, the project passes decide for the project and run modules again."""

    # client shared between modules (``app.llm.client``, ``app.bots.BaseBot.client``) -> whether this
    # side can take it to the SDK: the module that builds it (exports), each module that uses it (imports)
    exports: dict[str, bool] = field(default_factory=dict)
    imports: dict[str, bool] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)  # classes here that hold a client (``app.bots.BaseBot``)
    clients: bool | None = None  # None: the module uses no client; else whether every client went native
    handlers: bool = False  # exception handlers without a client of their own (a retry helper)
    widens: bool = False  # one of those handlers would catch more on the SDK than it caught
    removed: set[str] = field(default_factory=set)  # names whose import the migration removed (patch targets)

    def shares(self, qual: str) -> bool:
        return qual in self.exports or qual in self.imports


@dataclass
class FileResult:
    """What one file produced. Workers return these; only the parent writes files."""

    source: SourceFile
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    mentions_openai: bool = False
    old_bytes: bytes | None = None  # set when the file changes
    new_bytes: bytes | None = None
    old_text: str | None = None
    new_text: str | None = None
    exports: list = field(default_factory=list)  # clients this module offers (project index)
    project_imports: list[str] = field(default_factory=list)
    uses_openai: bool = False  # imports something from the openai package
    secrets: set[str] = field(default_factory=set)  # key literals in the file: redacted in every output
    suppressed: list[Finding] = field(default_factory=list)  # silenced by `# migrator: ignore`
    native: NativeFacts = field(default_factory=NativeFacts)
    rolled_back: int = 0  # sites whose rewrite the safety net took back (migrator/safety.py)

    @property
    def changed(self) -> bool:
        return self.new_bytes is not None and self.new_bytes != self.old_bytes


def merge_findings(per_spec: list[list[Finding]], names: list[str]) -> list[Finding]:
    """Without a target: one finding per site and code, at the worst severity over the providers."""
    merged: dict[tuple, list[tuple[str, Finding]]] = {}
    for name, findings in zip(names, per_spec, strict=True):
        for f in findings:
            merged.setdefault((f.span, f.code), []).append((name, f))
    out: list[Finding] = []
    for entries in merged.values():
        sev = worst(*(f.severity for _, f in entries))
        first = next(f for _, f in entries if f.severity == sev)
        message = first.message
        if len({f.message for _, f in entries}) > 1 or len(entries) < len(names):
            by = {n: f.severity.value for n, f in entries}
            parts = [f"{n}: {by.get(n, 'nothing to do')}" for n in names]
            same = len({f.severity for _, f in entries}) == 1 and len(entries) == len(names)
            message = first.subject if same else f"{first.subject} ({' · '.join(parts)})"
        out.append(Finding(first.path, first.span, first.code, first.feature, sev, message,
                           any(f.reaches_openai for _, f in entries), first.subject))
    return out
