"""``--format json``: the version 1 schema of design.md §2."""

from __future__ import annotations

import json

from migrator import __version__
from migrator.report.base import Report


def document(report: Report) -> dict:
    findings = report.shown()
    return {
        "version": 1,
        "tool": {"name": "migrator", "version": __version__},
        "target": report.target,
        "findings": [f.to_json() for f in findings],
        "errors": [e.to_json() for e in report.errors],
        "summary": {
            "files_scanned": report.files_scanned,
            "files_with_findings": len({f.path for f in findings}),
            "findings": len(findings),
            "errors": len(report.errors),
        },
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
