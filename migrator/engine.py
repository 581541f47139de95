"""The pure core: source text in, new source text and findings out (design.md §3). No I/O."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from migrator import markers
from migrator.edits import place
from migrator.kinds import config, envfile, notebook, requirements
from migrator.kinds.base import KindOutcome, per_spec
from migrator.model import FileKind, Finding, NativeFacts, Severity, Span
from migrator.resolve import ProjectIndex
from migrator.rules.base import Options
from migrator.scan import Analysis, analyze, parse
from migrator.verify import line_map, todo_marks, verify


@dataclass(frozen=True)
class Outcome:
    new_text: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be rewritten safely: left as it was
    native: NativeFacts = field(default_factory=NativeFacts)
    secrets: set[str] = field(default_factory=set)  # values of the file never to print in full (other kinds)
    project_imports: list[str] = field(default_factory=list)  # what a notebook imports from the project
    rolled_back: int = 0  # sites whose edits the safety net took back (safety.py)
    # (line of new_text, code, reason) of the sites that will not work as they stand: what a second run reports
    # as manual or rolls back again, so that the markers are a fixed point (markers.py)
    marks: list[tuple[int, str, str]] = field(default_factory=list)


def migrate_source(text: str, kind: FileKind = "python", settings: Options | None = None, *, path: str = "<string>",
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


def migrate(text: str, kind: FileKind = "python", settings: Options | None = None, *, path: str = "<string>",
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
        outcome = _migrate_native(text, settings, path=path, module_name=module_name, project=project,
                                  analysis=analysis)
    else:
        outcome = _migrate_python(text, settings, path=path, module_name=module_name, project=project,
                                  analysis=analysis)
    if settings.todo_comments and not settings.phase and not outcome.error:
        outcome = replace(outcome, new_text=_with_markers(outcome))
    return outcome


def _with_markers(outcome: Outcome) -> str:
    """The new text with a ``# TODO(migrator)`` marker above each site that will not work as it stands
    (markers.py); the markers of earlier runs whose reason is gone are removed."""
    marks = outcome.marks
    if not marks and not markers.has_markers(outcome.new_text):
        return outcome.new_text
    try:
        tree = parse(outcome.new_text)
    except SyntaxError:
        return outcome.new_text
    return markers.place(outcome.new_text, tree, marks)


def _migrate_python(text: str, settings: Options, *, path: str, module_name: str | None,
                    project: ProjectIndex | None, analysis: Analysis | None) -> Outcome:
    if analysis is None:
        analysis = analyze(text, path=path, options=settings, module_name=module_name, project=project)
    findings = list(analysis.findings)
    if not analysis.edits:
        return Outcome(text, findings, None, analysis.native, marks=todo_marks(findings, analysis.site_of_finding, {}))
    placement = place(analysis.tree, analysis.edits)
    findings += [_unplaced(edit, reason, path, text) for edit, reason in placement.failed]
    verified = verify(text, analysis, placement, findings, settings, path=path, module_name=module_name,
                      project=project)
    return Outcome(verified.new_text, verified.findings, verified.error, analysis.native,
                   rolled_back=verified.rolled_back, marks=verified.marks)


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
    marks = first.marks + second.marks  # lines of the output
    if second.new_text != middle:  # the second migrate's verify saw all but the lossy edits of the first
        to_output = line_map(middle, second.new_text)
        marks = second.marks + [(to_output(ln), code, why) for ln, code, why in first.marks
                                if code == markers.LOSSY_EDIT]
    return Outcome(second.new_text, findings, None, second.native,  # verified by the second migrate
                   rolled_back=first.rolled_back + second.rolled_back, marks=marks)


def analyze_kind(text: str, kind: FileKind, options: Options, *, path: str = "<string>",
                 project: ProjectIndex | None = None) -> KindOutcome:
    """Findings (and, with a target, the new text) of one non-Python file (migrator.kinds). No I/O.
    ``project`` (clients and constants other modules offer) serves notebooks, whose cells import the
    project's modules. A notebook is an adapter: its Python units go through this engine, and the
    notebook module splices the results back into the cells."""
    if kind == "notebook":
        book = notebook.units(text, options, project=project)
        if isinstance(book, KindOutcome):
            return book
        results = [_python_unit(unit, path) for unit in book.units]
        return notebook.assemble(text, book, results, options, path=path)
    module = _LINE_KINDS.get(kind)
    if module is None:
        raise ValueError(f"unsupported kind {kind!r}")
    return per_spec(text, options, lambda spec: module.run(text, kind, options, spec, path))


_LINE_KINDS = {"env": envfile, "config": config, "requirements": requirements, "pyproject": requirements,
               "setup_cfg": requirements, "pipfile": requirements, "setup_py": requirements}


def _python_unit(unit: notebook.Unit, path: str) -> notebook.UnitResult:
    """A notebook's Python unit analysed and, with a target, migrated as a module."""
    tree = None
    try:
        if unit.cell is None:  # the code cells: parsed here, so that an error maps back to its cell
            tree = parse(unit.text, filename=path)
        analysis = analyze(unit.text, path=path, options=unit.options, tree=tree, project=unit.project)
    except SyntaxError as exc:
        return notebook.UnitResult([], unit.text, syntax_error=exc)
    imports = list(analysis.resolver.project_imports)
    if not unit.options.target:
        return notebook.UnitResult(list(analysis.findings), unit.text, tree, None, analysis.secrets, imports)
    options = unit.options if unit.todo_comments else replace(unit.options, todo_comments=False)
    outcome = migrate(unit.text, "python", options, path=path, analysis=analysis, project=unit.project)
    return notebook.UnitResult(outcome.findings, outcome.new_text, _parsed(outcome.new_text), outcome.error,
                               analysis.secrets, imports)


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def _migrate_kind(text: str, kind: FileKind, settings: Options, path: str, project: ProjectIndex | None = None) -> Outcome:
    """A file of another kind (migrator.kinds); verified like Python: a second run changes nothing."""
    out = analyze_kind(text, kind, settings, path=path, project=project)
    if out.error or out.new_text == text:
        return Outcome(text, out.findings, out.error, secrets=out.secrets, project_imports=out.project_imports)
    again = analyze_kind(out.new_text, kind, settings, path=path, project=project)
    if again.error or again.new_text != out.new_text:
        return Outcome(text, out.findings, again.error or "internal: a second run would change the file again; "
                                                           "left as it was", secrets=out.secrets,
                       project_imports=out.project_imports)
    return Outcome(out.new_text, out.findings, None, secrets=out.secrets, project_imports=out.project_imports)


def _unplaced(edit, reason: str, path: str, text: str) -> Finding:
    node = edit.node
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0) + 1
    return Finding(path, Span(line, col, getattr(node, "end_lineno", line) or line, col), edit.tag[1], "engine",
                   Severity.MANUAL, f"migrator could not place this edit ({reason}); change it by hand")
