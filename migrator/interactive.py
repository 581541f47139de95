"""``migrate --interactive``: review each hunk, then write what was accepted (atomically, verified)."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from migrator.model import FileResult, Finding
from migrator.textio import decode, encode

ANSWERS = "y accept · n skip · s suppress (adds # migrator: ignore[CODE]) · a accept all the rest · q quit"


@dataclass
class Tally:
    accepted: int = 0
    skipped: int = 0
    suppressed: int = 0
    files_written: int = 0


def hunks(old: list[str], new: list[str]) -> list[list[tuple]]:
    return list(difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(3))


def combine(old: list[str], new: list[str], accepted: set[tuple], base: list[str] | None = None) -> list[str]:
    """``old`` with the accepted changes of ``new`` applied; unaccepted lines come from ``base``
    (``old`` with suppression comments added, line for line)."""
    keep = base if base is not None else old
    out: list[str] = []
    for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        tag, i1, i2, j1, j2 = op
        out.extend(new[j1:j2] if tag != "equal" and op in accepted else keep[i1:i2])
    return out


def suppress(lines: list[str], findings: list[Finding], first: int, last: int) -> int:
    """Add ``# migrator: ignore[CODES]`` to the lines of the findings between two (1-based) lines."""
    by_line: dict[int, set[str]] = {}
    for f in findings:
        if first <= f.span.line <= last:
            by_line.setdefault(f.span.line, set()).add(f.code)
    for line, codes in by_line.items():
        text = lines[line - 1]
        body = text.rstrip("\r\n")
        lines[line - 1] = f"{body}  # migrator: ignore[{','.join(sorted(codes))}]{text[len(body):]}"
    return len(by_line)


def review(results: list[FileResult], ask: Callable[[str], str], show: Callable[[str], None],
           write: Callable[[FileResult, bytes], bool]) -> Tally:
    tally = Tally()
    accept_all = False
    for r in results:
        assert r.old_text is not None and r.new_text is not None and r.old_bytes is not None
        old = r.old_text.splitlines(keepends=True)
        new = r.new_text.splitlines(keepends=True)
        findings = [f for f in r.findings if f.severity.value != "auto"]
        show(f"\n{r.source.display}: {len(findings)} site(s) to look at")
        for f in findings:
            show(f"  {f.where[len(f.path) + 1:]} {f.code} [{f.severity.value}] {f.message}")
        accepted: set[tuple] = set()
        base = list(old)
        quit_now = False
        for group in hunks(old, new):
            changes = [op for op in group if op[0] != "equal"]
            first, last = group[0][1] + 1, group[-1][2]
            if accept_all:
                accepted.update(changes)
                tally.accepted += 1
                continue
            show(_hunk_text(old, new, group))
            answer = ""
            while answer not in ("y", "n", "s", "a", "q"):
                answer = ask(f"[{ANSWERS}] ").strip().lower()[:1]
            if answer in ("y", "a"):
                accepted.update(changes)
                tally.accepted += 1
                accept_all = answer == "a"
            elif answer == "s" and r.source.kind == "notebook":
                show("  a notebook's hunks are lines of its JSON: put `# migrator: ignore[CODE]` into the cell "
                     "instead; skipped")
                tally.skipped += 1
            elif answer == "s":
                tally.suppressed += 1 if suppress(base, r.findings, first, last) else 0
            elif answer == "n":
                tally.skipped += 1
            else:
                quit_now = True
                break
        text = "".join(combine(old, new, accepted, base))
        if text != r.old_text:
            problem = _invalid(r.source.kind, text)
            if problem:
                show(f"  not written: the accepted hunks alone do not parse ({problem}); "
                     "accept the hunks that belong together")
            else:
                if write(r, encode(text, decode(r.old_bytes))):
                    tally.files_written += 1
        if quit_now:
            break
    return tally


def _invalid(kind: str, text: str) -> str | None:
    """Why the combined text cannot be written (Python that does not parse, a notebook that is not JSON)."""
    if kind in ("python", "setup_py"):
        try:
            ast.parse(text)
        except SyntaxError as exc:
            return f"{exc.msg} at line {exc.lineno}"
    elif kind == "notebook":
        import json

        try:
            json.loads(text)
        except ValueError as exc:
            return f"not valid JSON: {exc}"
    return None


def _hunk_text(old: list[str], new: list[str], group: list[tuple]) -> str:
    i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
    lines = [f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@\n"]
    for tag, a1, a2, b1, b2 in group:
        if tag == "equal":
            lines += [" " + ln for ln in old[a1:a2]]
            continue
        lines += ["-" + ln for ln in old[a1:a2]]
        lines += ["+" + ln for ln in new[b1:b2]]
    return "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines)
