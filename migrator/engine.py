"""The pure core: source text in, new source text and findings out (design.md §3). No I/O."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    native: dict[str, bool] = field(default_factory=dict)  # see FileResult.native
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
    if settings.style == "native" and not settings.phase:
        return _migrate_native(text, settings, path=path, module_name=module_name, project=project,
                               analysis=analysis)
    if analysis is None:
        analysis = analyze(text, path=path, options=settings, module_name=module_name, project=project)
    findings = list(analysis.findings)
    if not analysis.edits:
        return Outcome(text, findings, None, analysis.native)
    placed, failed, layout = place_with_layout(analysis.tree, analysis.edits)
    for edit, reason in failed:
        findings.append(_unplaced(edit, reason, path, text))
    try:
        new_text = apply(text, placed, analysis.imports, layout)
    except RewriteError as exc:
        return Outcome(text, findings, str(exc), analysis.native)
    error = verify(new_text, settings, path=path, module_name=module_name, project=project)
    if error:
        return Outcome(text, findings, error, analysis.native)
    return Outcome(new_text, findings, None, analysis.native)


def _migrate_native(text: str, settings: Options, *, path: str, module_name: str | None,
                    project: ProjectIndex | None, analysis: Analysis | None) -> Outcome:
    """Native style: the compat migration, then a pass that moves provider-pointed clients to the SDK.

    The second pass reads the compat output; its findings are mapped back to the lines of the input.
    """
    compat = replace(settings, phase="compat")
    if analysis is None:
        analysis = analyze(text, path=path, options=compat, module_name=module_name, project=project)
    first = migrate(text, "python", compat, path=path, module_name=module_name, project=project, analysis=analysis)
    if first.error:
        return first
    middle = first.new_text
    if middle == text and not any(s.kind == "construct" or any(getattr(c, "export", None) for c in s.clients)
                                  for s in analysis.sites) \
            and not (project is not None and any(project.lookup(q) for q in analysis.resolver.project_imports)) \
            and not any(s.kind == "exception" for s in analysis.sites):
        return first  # no client the native pass could move
    native = replace(settings, phase="native")
    reuse = analysis if middle == text else None
    second_analysis = analyze(middle, path=path, options=native, module_name=module_name, project=project,
                              same_as=reuse)
    second = migrate(middle, "python", native, path=path, module_name=module_name, project=project,
                     analysis=second_analysis)
    to_input = line_map(middle, text)
    findings = list(first.findings)
    superseded = {(f.span.line, "OA901") for f in second.findings if f.code == "OA163"}
    findings = [f for f in findings if (f.span.line, f.code) not in {(to_input(ln), c) for ln, c in superseded}]
    for f in second.findings:
        line, end = to_input(f.span.line), to_input(f.span.end_line)
        findings.append(replace(f, span=replace(f.span, line=line, end_line=max(line, end))))
    if second.error:
        return Outcome(text, findings, second.error, second.native)
    return Outcome(second.new_text, findings, None, second.native)  # verified by the second migrate


def line_map(new: str, old: str) -> Callable[[int], int]:
    """Maps a line of ``new`` to the line of ``old`` it came from (the nearest one for inserted lines)."""
    a, b = old.splitlines(), new.splitlines()
    pairs: list[tuple[int, int]] = []  # (first line in new, first line in old) of each block, 1-based
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        pairs.append((j1 + 1, i1 + 1))
        if tag != "equal":
            pairs.append((j2 + 1, i2 + 1))
    starts = [p[0] for p in pairs]

    def to_old(line: int) -> int:
        k = bisect.bisect_right(starts, line) - 1
        if k < 0:
            return line
        new_start, old_start = pairs[k]
        return max(1, old_start + (line - new_start))

    return to_old


def _migrate_kind(text: str, kind: str, settings: Options, path: str, project: ProjectIndex | None = None) -> Outcome:
    """A file of another kind (migrator.kinds); verified like Python: a second run changes nothing."""
    from migrator import kinds

    out = kinds.analyze(text, kind, settings, path=path, project=project)
    if out.error or out.new_text == text:
        return Outcome(text, out.findings, out.error, secrets=out.secrets, project_imports=out.project_imports)
    again = kinds.analyze(out.new_text, kind, settings, path=path, project=project)
    if again.error or again.new_text != out.new_text:
        return Outcome(text, out.findings, again.error or "internal: a second run would change the file again; "
                                                           "left as it was", secrets=out.secrets,
                       project_imports=out.project_imports)
    return Outcome(out.new_text, out.findings, None, secrets=out.secrets, project_imports=out.project_imports)


def verify(new_text: str, settings: Options, *, path: str, module_name: str | None,
           project: ProjectIndex | None) -> str | None:
    """The output parses and a second run would change nothing; else the reason."""
    try:
        tree = parse(new_text)
    except SyntaxError as exc:
        return f"internal: the rewritten file does not parse ({exc.msg} at {exc.lineno}:{exc.offset}); left as it was"
    phases = [replace(settings, phase="compat"), replace(settings, phase="native")] \
        if settings.style == "native" and settings.phase != "compat" else [settings]
    for options in phases:
        again = analyze(new_text, path=path, options=options, module_name=module_name, project=project, tree=tree)
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
