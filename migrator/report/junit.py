"""``--format junit``: JUnit XML for CI systems other than GitHub (one test case per file)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from migrator.report.base import Report


def render(report: Report) -> str:
    findings = report.shown()
    by_file: dict[str, list] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    name = "migrator check" if report.command == "check" else f"migrator {report.command}"
    failures = len(by_file) + len(report.errors)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f"<testsuites><testsuite name={quoteattr(name)} tests={quoteattr(str(max(failures, 1)))} "
             f"failures={quoteattr(str(failures))}>"]
    for path, items in sorted(by_file.items()):
        lines.append(f"<testcase classname={quoteattr(name)} name={quoteattr(path)}>")
        body = "\n".join(f"{f.where}: {f.code} [{f.severity.value}] {f.message}"
                         for f in items)
        lines.append(f"<failure message={quoteattr(f'{len(items)} site(s)')}>{escape(body)}</failure></testcase>")
    for e in report.errors:
        lines.append(f"<testcase classname={quoteattr(name)} name={quoteattr(e.path)}>"
                     f"<failure message={quoteattr(e.message)}/></testcase>")
    if not failures:
        lines.append(f"<testcase classname={quoteattr(name)} name={quoteattr('all files')}/>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines) + "\n"
