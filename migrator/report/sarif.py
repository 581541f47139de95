"""``--format sarif``: SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json

from migrator import __version__
from migrator.report import Report

_LEVEL = {"auto": "note", "review": "warning", "manual": "error"}


def render(report: Report) -> str:
    from migrator.scan import rules

    findings = report.shown()
    used = {f.code for f in findings}
    sarif_rules = [
        {
            "id": r.CODE,
            "name": r.NAME,
            "shortDescription": {"text": r.SUMMARY},
            "fullDescription": {"text": (r.__doc__ or r.SUMMARY).strip().split("\n\n")[0]},
            "help": {"text": (r.__doc__ or r.SUMMARY).strip()},
        }
        for r in rules() if r.CODE in used
    ]
    results = [
        {
            "ruleId": f.code,
            "level": "error" if report.command == "check" else _LEVEL[f.severity.value],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path},
                    "region": {"startLine": f.span.line, "startColumn": f.span.column,
                               "endLine": f.span.end_line, "endColumn": f.span.end_column},
                },
            }],
            "properties": {"severity": f.severity.value, "feature": f.feature, "reaches_openai": f.reaches_openai},
        }
        for f in findings
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migrator", "version": __version__,
                                "informationUri": "https://pypi.org/project/migrator/", "rules": sarif_rules}},
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": e.message},
                                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.path}}}]}
                                 for e in report.errors]}],
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
