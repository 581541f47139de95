"""``# migrator: ignore`` comments: which codes a comment silences at a line (design.md §2).

A leaf module: the scan, the rules and the line-based file kinds all read suppressions through it.
"""

from __future__ import annotations

import re

SUPPRESS = re.compile(r"#\s*migrator:\s*ignore(?:\[([A-Za-z0-9_, ]+)\])?")
UNUSED_SUPPRESSION = "OA990"  # rules/features/suppressions.py documents it


def suppressing_line(lines: list[str], line: int) -> int | None:
    """The 0-based index of the comment line that would silence a finding at 1-based ``line``: a comment
    on the line itself, or a comment line just above it (a trailing comment there belongs to that line)."""
    for index in (line - 1, line - 2):
        if 0 <= index < len(lines):
            m = SUPPRESS.search(lines[index])
            if m:
                if index == line - 2 and not lines[index].lstrip().startswith("#"):
                    continue
                return index
    return None


def suppressed_codes(lines: list[str], line: int) -> set[str] | None:
    """Codes silenced at 1-based ``line`` (an empty set: all), or None when no comment silences it."""
    index = suppressing_line(lines, line)
    if index is None:
        return None
    m = SUPPRESS.search(lines[index])
    assert m is not None
    return {c.strip() for c in m.group(1).split(",")} if m.group(1) else set()


def silenced(lines: list[str], line: int, code: str) -> bool:
    """A comment silences ``code`` at 1-based ``line``."""
    codes = suppressed_codes(lines, line)
    return codes is not None and (not codes or code in codes)
