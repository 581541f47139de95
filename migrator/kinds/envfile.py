"""``.env`` files: the OpenAI key variable becomes the provider's, base URLs and model names are mapped.

Each ``NAME=value`` line is edited in place (``export``, quotes, spacing, inline comments, order and
blank lines are kept). Values are secrets: they are never put into a message, and every value but the
model names and base URLs that migrator maps is redacted in diffs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from migrator.kinds.base import KindOutcome, LineReport, is_model_name, map_model, split_lines
from migrator.model import FileKind, Severity
from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.rules.providers import ProviderSpec

CODE = "OA105"
MODEL_CODE = "OA603"

_ASSIGN = re.compile(r"^(?P<lead>[ \t]*(?:export[ \t]+)?)(?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?P<eq>[ \t]*=[ \t]*)")
KEY_VARS = ("OPENAI_API_KEY", "OPENAI_KEY")
BASE_URL_VARS = ("OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_API_BASE_URL", "OPENAI_API_HOST", "OPENAI_ENDPOINT")
# Settings that only mean something to OpenAI (or Azure OpenAI) itself.
OPENAI_ONLY = ("OPENAI_ORGANIZATION", "OPENAI_ORG_ID", "OPENAI_ORG", "OPENAI_PROJECT_ID", "OPENAI_PROJECT",
               "OPENAI_API_TYPE", "OPENAI_API_VERSION")
_MODEL_NAME = re.compile(r"MODEL|ENGINE|DEPLOYMENT", re.I)


def value_span(line: str, start: int) -> tuple[int, int]:
    """Start and end of the value after ``NAME=`` (inside the quotes when quoted; an unquoted value ends
    at `` #`` or the end of the line)."""
    body = line.rstrip("\r\n")
    if start < len(body) and body[start] in "\"'":
        quote = body[start]
        end = start + 1
        while end < len(body) and body[end] != quote:
            end += 2 if body[end] == "\\" and quote == '"' else 1
        return start + 1, min(end, len(body))
    m = re.search(r"[ \t]+#", body[start:])
    end = start + m.start() if m else len(body.rstrip(" \t"))
    return start, max(end, start)


def variables(lines: list[str]) -> list[tuple[int, str, int, int]]:
    """(line index, name, value start, value end) of every assignment."""
    out = []
    for i, line in enumerate(lines):
        m = _ASSIGN.match(line)
        if m:
            start, end = value_span(line, m.end())
            out.append((i, m.group("name"), start, end))
    return out


def run(text: str, kind: FileKind, options: Options, spec: ProviderSpec, path: str) -> KindOutcome:
    lines = split_lines(text)
    report = LineReport(path, lines, options, spec)
    found = variables(lines)
    names = {name for _, name, _, _ in found}
    # every value is treated as a secret in diffs (context lines show neighbours: DATABASE_URL=postgres://u:pw@…)
    # except the ones migrator maps and shows on purpose: model names and OpenAI base URLs
    secrets = {lines[i][s:e] for i, name, s, e in found if e - s >= 8 and name.upper() not in BASE_URL_VARS
               and not is_model_name(lines[i][s:e])}
    hosts = providers.provider_hosts()
    local = urlsplit(url).hostname if (url := local_base_url(text)) else None
    for i, name, start, end in found:
        value = lines[i][start:end]
        upper = name.upper()
        name_start = lines[i].index(name)
        if upper in KEY_VARS and local:
            report.report(i, name_start, name_start + len(name), CODE, "client", Severity.REVIEW,
                          f"{name} goes with the base URL this file sets ({local}): the clients that read them talk "
                          "to that server, not to OpenAI; left as it is", reaches_openai=False,
                          subject=f"{name} goes with a server of its own")
        elif upper in KEY_VARS:
            _key(report, i, name, name_start, value, names)
        elif upper in BASE_URL_VARS:
            _base_url(report, i, name, start, end, value, hosts)
        elif upper in OPENAI_ONLY or upper.startswith("AZURE_OPENAI"):
            report.report(i, name_start, name_start + len(name), CODE, "client", Severity.REVIEW,
                          f"{name} configures OpenAI itself; {spec.display} does not use it: remove it once nothing "
                          "reads it", reaches_openai=True, subject=f"{name} configures OpenAI itself")
        elif value and is_model_name(value):
            map_model(report, i, start, end, value, MODEL_CODE, rewrite=bool(_MODEL_NAME.search(name)),
                      where=f"in {name}")
    return report.outcome(secrets)


def local_base_url(text: str) -> str | None:
    """The base URL a ``.env`` text sends the OpenAI SDK to (``OPENAI_BASE_URL=http://localhost:8000/v1``)
    when its host is neither OpenAI nor a provider: a local or self-hosted server the file configures."""
    lines = split_lines(text)
    hosts = providers.provider_hosts()
    found = None
    for i, name, start, end in variables(lines):
        value = lines[i][start:end]
        if name.upper() in BASE_URL_VARS and "://" in value:
            host = urlsplit(value).hostname or ""
            if host in surface.OPENAI_HOSTS or host.endswith(".openai.azure.com"):
                return None  # the file names OpenAI too: its key is OpenAI's
            if host and host not in hosts:
                found = found or value
    return found


def _key(report: LineReport, i: int, name: str, name_start: int, value: str, names: set[str]) -> None:
    spec = report.spec
    span = (i, name_start, name_start + len(name))
    if spec.key_env in names:
        report.report(*span, CODE, "client", Severity.REVIEW,
                      f"{name} is set beside {spec.key_env}; the migrated code reads {spec.key_env}: remove {name} "
                      "once nothing else reads it", reaches_openai=True, subject=f"{name} holds an OpenAI key")
        return
    if re.fullmatch(surface.OPENAI_KEY_PATTERN, value):
        severity = Severity.REVIEW
        note = f"; its value is an OpenAI key (kept): put your {spec.display} key there"
    else:
        severity = Severity.AUTO
        note = " (value kept)"
    if report.report(*span, CODE, "client", severity, f"{name} → {spec.key_env}{note}", reaches_openai=True,
                     subject=f"{name} holds an OpenAI key") and report.options.target:
        report.replace(i, name_start, name_start + len(name), spec.key_env)


def _base_url(report: LineReport, i: int, name: str, start: int, end: int, value: str,
              hosts: dict[str, str]) -> None:
    spec = report.spec
    host = urlsplit(value).hostname or "" if "://" in value else ""
    if host in hosts:
        return  # already a provider's endpoint
    url = spec.base_url(report.options.region)
    if value and host not in surface.OPENAI_HOSTS:
        report.report(i, start, end, CODE, "client", Severity.REVIEW,
                      f"{name} points at {host or 'a value that is not a URL'}, not at OpenAI: left as it is; "
                      f"{spec.display} is at {url}", reaches_openai=False, subject=f"{name} is not OpenAI's endpoint")
        return
    if report.report(i, start, end, CODE, "client", Severity.AUTO, f"{name} → {url}", reaches_openai=True,
                     subject=f"{name} names OpenAI's endpoint") and report.options.target:
        report.replace(i, start, end, url)
