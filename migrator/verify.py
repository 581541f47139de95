"""The verify stage (the "Do no harm" safety net, docs/safety-net.md): the placed edits are applied, less
those of every site whose edits break the program; the output must parse, and a second run must plan
nothing. One entry, :func:`verify`, which returns a frozen :class:`Verified`. No I/O.

Stages (docs/architecture.md): discover → analyse (scan.py) → place (edits.py) → verify (this module,
which applies through rewrite.py) → write / report.
"""

from __future__ import annotations

import ast
import bisect
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from migrator import markers, safety
from migrator.edits import PlacedEdit, Placement, Placer, place
from migrator.model import Finding, Severity
from migrator.resolve import ProjectIndex
from migrator.rewrite import RewriteError, apply
from migrator.rules.base import Options
from migrator.scan import Analysis, analyze, parse


@dataclass(frozen=True)
class Verified:
    """What the verify stage keeps: the new text (the input when ``error``), the findings with the
    rolled-back sites said so, and the TODO markers a second run would place."""

    new_text: str
    findings: list[Finding]
    error: str | None = None  # not verified: the file stays as it was
    rolled_back: int = 0  # sites whose edits were taken back
    marks: list[tuple[int, str, str]] = field(default_factory=list)


def verify(text: str, analysis: Analysis, placement: Placement, findings: list[Finding], options: Options, *,
           path: str, module_name: str | None, project: ProjectIndex | None) -> Verified:
    """Apply ``placement`` to ``text`` under the safety net, then check the result as a second run would."""
    try:
        new_text, rolled, new_tree = safe_apply(text, analysis.tree, placement.placed, analysis.imports,
                                                placement.layout, analysis)
    except RewriteError as exc:
        return Verified(text, findings, str(exc))
    if rolled:
        findings = rolled_back(findings, analysis.site_of_finding, rolled)
    error, marks = second_run(new_text, options, path=path, module_name=module_name, project=project, tree=new_tree)
    if error:
        return Verified(text, findings, error)
    if lossy := [f for f in findings if f.code == markers.LOSSY_EDIT]:  # the second run sees nothing left there
        to_new = line_map(text, new_text)
        marks = marks + [(to_new(f.span.line), f.code, markers.reason_of(f)) for f in lossy]
    return Verified(new_text, findings, None, len(rolled), marks)


def todo_marks(findings: list[Finding], site_of_finding: list[int], rolled: dict[int, str]) -> list[tuple[int, str, str]]:
    """The TODO markers of an analysis that plans no change: its manual items and the sites the safety net
    rolls back. (A manual note on a site a run rewrites, such as re-embedding stored vectors, is gone from
    the next run: not code left to do.)"""
    sites = list(site_of_finding) + [0] * (len(findings) - len(site_of_finding))
    if rolled:
        findings = rolled_back(findings, sites, rolled)
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



def rolled_back(findings: list[Finding], site_of_finding: list[int], rolled: dict[int, str]) -> list[Finding]:
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



def second_run(new_text: str, settings: Options, *, path: str, module_name: str | None,
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
        placement = place(tree, again.edits) if again.edits else None
        replaceable = placement.placed if placement is not None else []
        rolled: dict[int, str] = {}
        if replaceable and placement is not None:
            try:  # the sites the safety net rolled back are planned again, and rolled back again
                redone, rolled, _ = safe_apply(new_text, tree, replaceable, again.imports, placement.layout, again)
                same = redone == new_text
            except RewriteError:
                same = False
            if not same:
                ops = ", ".join(sorted({e.op for e in replaceable}))
                return f"internal: a second run would change the file again ({ops}); left as it was", marks
        marks += todo_marks(again.findings, again.site_of_finding, rolled)
    return None, marks


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
