"""The pure core: source text in, new source text and findings out (design.md §3). No I/O."""

from __future__ import annotations

import ast
import bisect
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from migrator import markers, safety
from migrator.edits import PlacedEdit, Placer
from migrator.kinds import config, envfile, notebook, requirements
from migrator.kinds.base import KindOutcome, per_spec
from migrator.model import Finding, NativeFacts, Severity, Span
from migrator.resolve import ProjectIndex
from migrator.rewrite import RewriteError, apply, place_with_layout
from migrator.rules.base import Options
from migrator.scan import Analysis, analyze, parse


@dataclass
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
        outcome = _migrate_native(text, settings, path=path, module_name=module_name, project=project,
                                  analysis=analysis)
    else:
        outcome = _migrate_python(text, settings, path=path, module_name=module_name, project=project,
                                  analysis=analysis)
    if settings.todo_comments and not settings.phase and not outcome.error:
        outcome.new_text = _with_markers(outcome)
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
        return Outcome(text, findings, None, analysis.native, marks=_marks(findings, analysis.site_of_finding, {}))
    placed, failed, layout = place_with_layout(analysis.tree, analysis.edits)
    for edit, reason in failed:
        findings.append(_unplaced(edit, reason, path, text))
    try:
        new_text, rolled, new_tree = safe_apply(text, analysis.tree, placed, analysis.imports, layout, analysis)
    except RewriteError as exc:
        return Outcome(text, findings, str(exc), analysis.native)
    if rolled:
        findings = _rolled_back(findings, analysis.site_of_finding, rolled)
    error, marks = verify(new_text, settings, path=path, module_name=module_name, project=project, tree=new_tree)
    if error:
        return Outcome(text, findings, error, analysis.native)
    if lossy := [f for f in findings if f.code == markers.LOSSY_EDIT]:  # the second run sees nothing left there
        to_new = line_map(text, new_text)
        marks = marks + [(to_new(f.span.line), f.code, markers.reason_of(f)) for f in lossy]
    return Outcome(new_text, findings, None, analysis.native, rolled_back=len(rolled), marks=marks)


def _marks(findings: list[Finding], site_of_finding: list[int], rolled: dict[int, str]) -> list[tuple[int, str, str]]:
    """The TODO markers of an analysis that plans no change: its manual items and the sites the safety net
    rolls back. (A manual note on a site a run rewrites, such as re-embedding stored vectors, is gone from
    the next run: not code left to do.)"""
    sites = list(site_of_finding) + [0] * (len(findings) - len(site_of_finding))
    if rolled:
        findings = _rolled_back(findings, sites, rolled)
    return [(f.span.line, f.code, markers.reason_of(f)) for f, site in zip(findings, sites, strict=True)
            if markers.wanted(f, site in rolled)]


def _followers(analysis: Analysis) -> dict[int, dict[int, str]]:
    """What must be rolled back with a site: {site id: {site id: reason}}. The calls made through a client
    go with the client's construction; the model constants a call reads go with the call (a model name is
    rewritten everywhere it is used, or nowhere)."""
    constructs = {id(s.node): s for s in analysis.sites if s.kind == "construct"}
    constants = {id(s.node): s for s in analysis.sites if s.kind == "model_constant"}
    out: dict[int, dict[int, str]] = {}
    for s in analysis.sites:
        for c in s.clients:
            made = constructs.get(id(c.origin)) if c.origin is not None else None
            if made is not None and made is not s:
                out.setdefault(id(made), {})[id(s)] = (
                    "needs a client whose rewrite was rolled back (the call would send the provider's model to "
                    "OpenAI)")
        if constants and isinstance(s.node, ast.Call) and s.kind == "call":
            model = next((k.value for k in s.node.keywords if k.arg == "model"), None)
            if model is None:
                continue
            for lit in analysis.resolver.literal_sources(model, s.scope):
                const = constants.get(id(lit)) if lit is not None else None
                if const is not None:
                    out.setdefault(id(s), {})[id(const)] = (
                        "names the model of a call whose rewrite was rolled back")
    return out


def safe_apply(text: str, tree: ast.Module, placed: list[PlacedEdit], imports: set[tuple[str, str | None]],
               layout: Placer, analysis: Analysis | None = None) -> tuple[str, dict[int, str], ast.Module | None]:
    """Apply the edits, less those of every site whose edits break the program (the safety net).

    Returns the new text, for each rolled-back site id the reason, and the new text's tree when it was
    parsed here (None: parse it). What depends on a rolled-back site
    goes with it (``_followers`` of ``analysis``). A breakage that no single site causes (two sites
    together) leaves the whole file as it was (``RewriteError``).
    """
    new_text = apply(text, placed, imports, layout)
    if new_text == text:
        return new_text, {}, tree
    try:
        new_tree: ast.Module | None = parse(new_text)
    except SyntaxError:
        new_tree = None  # safety.problems says so
    before = safety.problems(text, tree)
    bad = safety.introduced(before, safety.problems(new_text, new_tree))
    if not bad:
        return new_text, {}, new_tree
    rolled: dict[int, str] = {}
    sites = list(dict.fromkeys(p.tag[0] for p in placed))
    keys = {p.key for p in bad}
    for site in sites:  # which sites break something on their own
        alone = [p for p in placed if p.tag[0] == site]
        try:
            candidate = apply(text, alone, imports, layout)
        except RewriteError:
            continue
        own = [p for p in safety.introduced(before, safety.problems(candidate)) if p.key in keys]
        if own:
            rolled[site] = own[0].reason
    followers = _followers(analysis) if rolled and analysis is not None else {}
    todo = list(rolled)
    while todo:  # what goes with a rolled-back site, to a fixed point
        for follower, reason in followers.get(todo.pop(), {}).items():
            if follower not in rolled:
                rolled[follower] = reason
                todo.append(follower)
    kept = [p for p in placed if p.tag[0] not in rolled]
    new_text = apply(text, kept, imports, layout) if kept else text
    left = safety.introduced(before, safety.problems(new_text))
    if left:
        raise RewriteError(f"internal: the rewrite {left[0].reason} (line {left[0].line}); left as it was")
    if kept and imports:  # imports only the rolled-back edits needed
        unused = safety.unused_imports(new_text) - safety.unused_imports(text)
        needless = {i for i in imports if (f"{i[0]}.{i[1]}" if i[1] else i[0]) in unused}
        if needless:
            new_text = apply(text, kept, imports - needless, layout)
    return new_text, rolled, None


def _rolled_back(findings: list[Finding], site_of_finding: list[int], rolled: dict[int, str]) -> list[Finding]:
    """The findings of rolled-back sites say so: what was planned is not done (review), and why."""
    out = list(findings)
    for i, (f, site) in enumerate(zip(findings, site_of_finding, strict=False)):
        reason = rolled.get(site)
        if reason is None or f.severity == Severity.MANUAL:
            continue
        out[i] = replace(f, severity=Severity.REVIEW,
                         message=f"rolled back: the rewrite {reason}, so this site is left as it was; migrate it "
                                 f"by hand (planned: {f.message})")
    return out


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


def analyze_kind(text: str, kind: str, options: Options, *, path: str = "<string>",
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


def _migrate_kind(text: str, kind: str, settings: Options, path: str, project: ProjectIndex | None = None) -> Outcome:
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


def verify(new_text: str, settings: Options, *, path: str, module_name: str | None,
           project: ProjectIndex | None, tree: ast.Module | None = None) -> tuple[str | None, list[tuple[int, str, str]]]:
    """The output parses and a second run would change nothing; else the reason. Also the TODO markers of
    that second run (``Outcome.marks``). ``tree``: ``new_text`` parsed, when the caller has it."""
    try:
        tree = tree or parse(new_text)
    except SyntaxError as exc:
        return (f"internal: the rewritten file does not parse ({exc.msg} at {exc.lineno}:{exc.offset}); left as "
                "it was"), []
    marks: list[tuple[int, str, str]] = []
    phases = [replace(settings, phase="compat"), replace(settings, phase="native")] \
        if settings.style == "native" and settings.phase != "compat" else [settings]
    for options in phases:
        again = analyze(new_text, path=path, options=options, module_name=module_name, project=project, tree=tree)
        replaceable, _, layout = place_with_layout(tree, again.edits) if again.edits else ([], [], None)
        rolled: dict[int, str] = {}
        if replaceable and layout is not None:
            try:  # the sites the safety net rolled back are planned again, and rolled back again
                redone, rolled, _ = safe_apply(new_text, tree, replaceable, again.imports, layout, again)
                same = redone == new_text
            except RewriteError:
                same = False
            if not same:
                ops = ", ".join(sorted({e.op for e in replaceable}))
                return f"internal: a second run would change the file again ({ops}); left as it was", marks
        marks += _marks(again.findings, again.site_of_finding, rolled)
    return None, marks


def _unplaced(edit, reason: str, path: str, text: str) -> Finding:
    node = edit.node
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0) + 1
    return Finding(path, Span(line, col, getattr(node, "end_lineno", line) or line, col), edit.tag[1], "engine",
                   Severity.MANUAL, f"migrator could not place this edit ({reason}); change it by hand")
