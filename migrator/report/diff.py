"""Unified diffs that ``git apply`` accepts (CRLF lines and missing final newlines included)."""

from __future__ import annotations

import difflib

from migrator.model import FileResult


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified(result: FileResult, show_secrets: bool = False) -> str:
    """The file's patch. API key literals are shown as ``sk-…abcd`` unless ``show_secrets``."""
    assert result.old_text is not None and result.new_text is not None
    path = result.source.display
    out = difflib.unified_diff(_lines(result.old_text), _lines(result.new_text), f"a/{path}", f"b/{path}", n=3)
    text = "".join(out)
    if not show_secrets:
        text = redact_all(text, result.secrets)
    return text if text.endswith("\n") or not text else text + "\n"


def redact_all(text: str, secrets: set[str]) -> str:
    from migrator.rules.features.clients import redact

    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 8 and secret in text:
            text = text.replace(secret, redact(secret))
    return text
