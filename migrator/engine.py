"""The pure core: source text in, new source text and findings out (design.md §3). No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.model import Finding, Severity
from migrator.resolve import ProjectIndex
from migrator.rewrite import RewriteError, apply, place, place_with_layout
from migrator.rules.base import Options
from migrator.scan import Analysis, analyze, parse


@dataclass
class Outcome:
    new_text: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be rewritten safely: left as it was
    secrets: set[str] = field(default_factory=set)  # values of the file never to print in full (other kinds)
    project_imports: list[str] = field(default_factory=list)  # what a notebook imports from the project


def migrate_source(text: str, kind: str = "python", settings: Options | None = None, *, path: str = "<string>",
                   module_name: str | None = None, project: ProjectIndex | None = None,
                   analysis: Analysis | None = None) -> tuple[str, list[Finding]]:
    """Migrate one file's source. ``kind`` is ``python`` (a module; raises SyntaxError when the input is
    not valid Python) or another file kind of ``migrator.kinds`` (``notebook``, ``env``, ``requirements``,
    ``pyproject``, ``setup_cfg``, ``setup_py``, ``pipfile``, ``config``).

    Returns the new text (the same text when nothing changes or the rewrite could not be verified)
    and the findings. Use :func:`migrate` for the verification error as well.
    """
    outcome = migrate(text, kind, settings, path=path, module_name=module_name, project=project, analysis=analysis)
    return outcome.new_text, outcome.findings


def migrate(text: str, kind: str = "python", settings: Options | None = None, *, path: str = "<string>",
            module_name: str | None = None, project: ProjectIndex | None = None,
            analysis: Analysis | None = None) -> Outcome:
    settings = settings or Options()
    if not settings.target:
        raise ValueError("migrate needs a target")
    if kind == "setup_py":  # a Python module, then its requirement literals
        first = migrate(text, "python", settings, path=path, module_name=module_name, project=project,
                        analysis=analysis)
        if first.error:
            return first
        deps = _migrate_kind(first.new_text, "setup_py", settings, path)
        return Outcome(deps.new_text, first.findings + deps.findings, deps.error)
    if kind != "python":
        return _migrate_kind(text, kind, settings, path, project)
    if analysis is None:
        analysis = analyze(text, path=path, options=settings, module_name=module_name, project=project)
    findings = list(analysis.findings)
    if not analysis.edits:
        return Outcome(text, findings)
    placed, failed, layout = place_with_layout(analysis.tree, analysis.edits)
    for edit, reason in failed:
        findings.append(_unplaced(edit, reason, path, text))
    try:
        new_text = apply(text, placed, analysis.imports, layout)
    except RewriteError as exc:
        return Outcome(text, findings, str(exc))
    error = verify(new_text, settings, path=path, module_name=module_name, project=project)
    if error:
        return Outcome(text, findings, error)
    return Outcome(new_text, findings)


def _migrate_kind(text: str, kind: str, settings: Options, path: str, project: ProjectIndex | None = None) -> Outcome:
    """A file of another kind (migrator.kinds); verified like Python: a second run changes nothing."""
    from migrator import kinds

    out = kinds.analyze(text, kind, settings, path=path, project=project)
    if out.error or out.new_text == text:
        return Outcome(text, out.findings, out.error, out.secrets, out.project_imports)
    again = kinds.analyze(out.new_text, kind, settings, path=path, project=project)
    if again.error or again.new_text != out.new_text:
        return Outcome(text, out.findings, again.error or "internal: a second run would change the file again; "
                                                           "left as it was", out.secrets, out.project_imports)
    return Outcome(out.new_text, out.findings, None, out.secrets, out.project_imports)


def verify(new_text: str, settings: Options, *, path: str, module_name: str | None,
           project: ProjectIndex | None) -> str | None:
    """The output parses and a second run would change nothing; else the reason."""
    try:
        tree = parse(new_text)
    except SyntaxError as exc:
        return f"internal: the rewritten file does not parse ({exc.msg} at {exc.lineno}:{exc.offset}); left as it was"
    again = analyze(new_text, path=path, options=settings, module_name=module_name, project=project, tree=tree)
    replaceable, _ = place(tree, again.edits) if again.edits else ([], [])
    if replaceable:
        ops = ", ".join(sorted({e.op for e in replaceable}))
        return f"internal: a second run would change the file again ({ops}); left as it was"
    return None


def _unplaced(edit, reason: str, path: str, text: str) -> Finding:
    from migrator.model import Span

    node = edit.node
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0) + 1
    return Finding(path, Span(line, col, getattr(node, "end_lineno", line) or line, col), edit.tag[1], "engine",
                   Severity.MANUAL, f"migrator could not place this edit ({reason}); change it by hand")
