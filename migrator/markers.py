"""``# TODO(migrator): OAxxx <reason>`` comments above the sites that will not work as they stand.

``migrate`` puts one above each statement that holds a ``manual`` finding or a site the safety net
rolled back (as bump-pydantic does); ``--no-todo-comments`` turns them off. The markers are rebuilt on
every run: a marker whose reason is gone is removed, so a second run changes nothing. ``scan`` and
``check`` read them back: no finding of a statement under a marker is ``auto`` any more, and each marker is a finding
(``OA980``) that ``check`` counts.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from migrator.kinds.base import split_lines
from migrator.model import Finding, Severity, Span

TODO_MARKER = "OA980"
# an edit that dropped something the program had (stop sequences past the provider's limit): its marker
# records what was dropped, so it is kept on later runs, where nothing is left to report, until the user
# deletes it
LOSSY_EDIT = "OA703"
_MARKER = re.compile(r"^[ \t]*# TODO\(migrator\): (OA\d{3})\b ?(.*?)[ \t]*(\r\n|\r|\n)?$")
_MAX_REASON = 160


@dataclass(frozen=True)
class Marker:
    line: int  # 1-based line of the comment
    code: str
    reason: str


def has_markers(text: str) -> bool:
    return "TODO(migrator)" in text


def _string_lines(tree: ast.Module) -> set[int]:
    """Lines inside multi-line string literals (a marker-looking line there is text, not a comment)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant | ast.JoinedStr) and node.end_lineno and node.end_lineno > node.lineno:
            out.update(range(node.lineno + 1, node.end_lineno + 1))
    return out


def read(text: str, tree: ast.Module) -> list[Marker]:
    """The markers of a module (comment lines only)."""
    if not has_markers(text):
        return []
    inside = _string_lines(tree)
    out = []
    for number, line in enumerate(split_lines(text), start=1):
        match = _MARKER.match(line)
        if match and number not in inside:
            out.append(Marker(number, match.group(1), match.group(2)))
    return out


class Statements:
    """Where statements start: the line a marker goes above, for any line of the module."""

    def __init__(self, tree: ast.Module) -> None:
        spans = []
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
                spans.append((start, node.end_lineno or node.lineno))
        spans.sort(key=lambda s: (s[0], -s[1]))
        self.spans = spans
        self.starts = [s[0] for s in spans]

    def start_of(self, line: int) -> int | None:
        """The first line of the innermost statement that holds ``line``."""
        k = bisect.bisect_right(self.starts, line) - 1
        best = None
        while k >= 0:
            start, end = self.spans[k]
            if start <= line <= end:
                if best is None or start > best[0] or (start == best[0] and end < best[1]):
                    best = (start, end)
                if start < line:
                    break
            k -= 1
        return best[0] if best else None


_ASCII = str.maketrans({"→": "->", "—": "-", "–": "-", "…": "...", "·": "-", "‘": "'", "’": "'", "“": '"',
                        "”": '"'})


def reason_of(finding: Finding) -> str:
    """One line of ASCII (whatever the file's encoding): the message, cut at a clause end when it is long."""
    text = " ".join(finding.message.split()).translate(_ASCII)
    text = text.encode("ascii", "replace").decode("ascii")
    if len(text) <= _MAX_REASON:
        return text
    cut = text.rfind("; ", 0, _MAX_REASON)
    cut = cut if cut > 40 else text.rfind(" ", 0, _MAX_REASON)
    return text[:cut].rstrip(" ;,:") + " ..."


# manual items that are tasks on data, not on the code at the site: no marker (the code there is migrated)
_DATA_TASKS = ("re-embed stored vectors",)


def wanted(finding: Finding, rolled_back: bool) -> bool:
    """Whether a finding's site gets a marker: it will not work as it stands."""
    if finding.code in (TODO_MARKER, "OA990") or finding.span == Span(1, 1, 1, 1):
        return False
    if not rolled_back and any(task in finding.message for task in _DATA_TASKS):
        return False
    return rolled_back or finding.severity == Severity.MANUAL or finding.code == LOSSY_EDIT


def place(new_text: str, new_tree: ast.Module, marks: Iterable[tuple[int, str, str]],
          to_new: Callable[[int], int] = lambda line: line) -> str:
    """``new_text`` with exactly the markers ``marks`` (line of the site in the *input*, code, reason).

    ``to_new`` maps an input line to the line of ``new_text`` it became. Existing markers are dropped
    first, so a marker whose reason is gone disappears and the same marks give the same text.
    """
    lines = split_lines(new_text)
    found = read(new_text, new_tree)
    existing = {m.line for m in found}
    kept = {(_below(lines, m.line), m.code): m.reason for m in found}  # a marker that stays keeps its words
    statements = Statements(new_tree)
    above: dict[int, dict[str, tuple[str, str]]] = {}  # statement -> code -> (reason, words written)
    for m in found:
        if m.code == LOSSY_EDIT:  # what was dropped stays said
            above.setdefault(_below(lines, m.line), {})[m.code] = (m.reason, m.reason)
    for marked, code, reason in marks:
        start = statements.start_of(to_new(marked))
        if start is not None:
            above.setdefault(start, {}).setdefault(code, (reason, kept.get((start, code), reason)))
    if not above and not existing:
        return new_text
    newline = "\r\n" if "\r\n" in new_text else "\r" if "\r" in new_text and "\n" not in new_text else "\n"
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in existing:
            continue
        if number in above:
            out += _comments(above[number], _indent(line), newline)
        out.append(line)
    return "".join(out)


def _below(lines: list[str], line: int) -> int:
    """The first line under the block of markers that holds ``line``."""
    below = line + 1
    while below <= len(lines) and _MARKER.match(lines[below - 1]):
        below += 1
    return below


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def _comments(group: dict[str, tuple[str, str]], indent: str, newline: str) -> list[str]:
    """One comment per reason (the findings of one rolled-back site share theirs: the lowest code says it)."""
    said: set[str] = set()
    out = []
    for code, (reason, words) in sorted(group.items()):
        if reason not in said:
            said.add(reason)
            out.append(f"{indent}# TODO(migrator): {code} {words}".rstrip() + newline)
    return out


def scan_findings(path: str, text: str, tree: ast.Module, findings: list[Finding]) -> list[Finding]:
    """``findings`` with the sites under a marker made ``review``, plus one finding per marker."""
    markers = read(text, tree)
    if not markers:
        return findings
    statements = Statements(tree)
    lines = split_lines(text)
    by_statement: dict[int, set[str]] = {}
    for marker in markers:
        by_statement.setdefault(_below(lines, marker.line), set()).add(marker.code)
    out = []
    for f in findings:
        start = statements.start_of(f.span.line)
        if f.severity == Severity.AUTO and start is not None and start in by_statement:
            f = Finding(f.path, f.span, f.code, f.feature, Severity.REVIEW,
                        f"{f.message} (a TODO(migrator) marker above says it was not migrated)",
                        f.reaches_openai, f.subject, f.cell, f.file_line)
        out.append(f)
    for marker in markers:
        line = lines[marker.line - 1]
        col = len(line) - len(line.lstrip(" \t")) + 1
        out.append(Finding(path, Span(marker.line, col, marker.line, len(line.rstrip("\r\n")) + 1), TODO_MARKER,
                           "markers", Severity.REVIEW,
                           f"TODO(migrator) marker left by migrate: {marker.code} {marker.reason}; "
                           + ("check the site below, then delete the comment (it records an edit that dropped "
                              "something, and stays until you do)" if marker.code == LOSSY_EDIT else
                              "fix the site below, then delete the comment (a later `migrate` removes it when "
                              "the reason is gone)"),
                           False, "TODO(migrator) marker"))
    return out
