"""The output formats of scan and check: one module per format, chosen by ``--format``."""

from __future__ import annotations

from collections.abc import Callable

from migrator.report import github, json_, junit, sarif, text
from migrator.report.base import Report

FORMATS: dict[str, Callable[[Report], str]] = {"json": json_.render, "github": github.render,
                                                "sarif": sarif.render, "junit": junit.render,
                                                "text": text.render}


def render(fmt: str, report: Report) -> str:
    """The report in format ``fmt`` (anything unknown: text)."""
    return FORMATS.get(fmt, text.render)(report)
