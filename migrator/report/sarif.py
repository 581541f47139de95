"""``--format sarif``: SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json

from migrator import __version__
from migrator.model import Finding
from migrator.plan import rules
from migrator.report.base import Report
from migrator.report.github import cell_note

_LEVEL = {"auto": "note", "review": "warning", "manual": "error"}


def render(report: Report) -> str:
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
    results = [_result(f, report) for f in findings]
    fixes = _fixes(report)
    seen: set[str] = set()
    for result, f in zip(results, findings, strict=True):
        if f.path in fixes and f.path not in seen:  # the file's fix goes with its first result
            seen.add(f.path)
            result["fixes"] = [fixes[f.path]]
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


def _result(f: Finding, report: Report) -> dict:
    span = f.stored_span  # a notebook finding: the line of the .ipynb file that holds the source line
    properties: dict[str, object] = {"severity": f.severity.value, "feature": f.feature,
                                     "reaches_openai": f.reaches_openai}
    if f.cell is not None:
        properties.update(cell=f.cell, cell_line=f.span.line, cell_column=f.span.column)
    return {
        "ruleId": f.code,
        "level": "error" if report.command == "check" else _LEVEL[f.severity.value],
        "message": {"text": f.message + cell_note(f)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": f.path},
                "region": {"startLine": span.line, "startColumn": span.column,
                           "endLine": span.end_line, "endColumn": span.end_column},
            },
        }],
        "properties": properties,
    }


def _fixes(report: Report) -> dict[str, dict]:
    """Per changed file, the replacements that turn it into what ``migrate`` writes (character offsets)."""
    import difflib

    out: dict[str, dict] = {}
    for r in report.results:
        if not r.changed or r.old_text is None or r.new_text is None:
            continue
        old = r.old_text.splitlines(keepends=True)
        new = r.new_text.splitlines(keepends=True)
        starts = [0]
        for line in old:
            starts.append(starts[-1] + len(line))
        replacements = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            replacements.append({"deletedRegion": {"charOffset": starts[i1], "charLength": starts[i2] - starts[i1]},
                                 "insertedContent": {"text": "".join(new[j1:j2])}})
        out[r.source.display] = {
            "description": {"text": f"migrator migrate --target {report.target}"},
            "artifactChanges": [{"artifactLocation": {"uri": r.source.display}, "replacements": replacements}],
        }
    return out
