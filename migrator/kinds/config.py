"""Configuration files (YAML, JSON, TOML; compose files, GitHub workflows): what still points at OpenAI.

Reported with file and line, so that ``check`` sees them: ``OPENAI_*`` variables, OpenAI's host and
OpenAI model names. Rewritten only where it is unambiguous — a value that is exactly a mapped model
name under a key named like ``model`` (``model: gpt-4o``, ``"model": "gpt-4o"``, ``model = "gpt-4o"``),
in a block that does not also point at OpenAI or Azure (its URL, ``api_type: azure``, ``azure_*`` keys:
the provider's model would be sent there); everything else is left for review. Comment lines are skipped.
The block is found by lines: the indentation block for YAML, the enclosing object for JSON, the table
for TOML.
"""

from __future__ import annotations

import bisect
import re

from migrator.kinds.base import KindOutcome, LineReport, map_model, model_tokens, split_lines
from migrator.kinds.envfile import BASE_URL_VARS, KEY_VARS, OPENAI_ONLY
from migrator.model import FileKind, Severity
from migrator.rules import surface
from migrator.rules.base import Options
from migrator.rules.providers import ProviderSpec

CODE = "OA802"
MODEL_CODE = "OA603"

_VAR = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9_]*OPENAI_[A-Z0-9_]+")
# key: value (YAML, also in a list or a flow mapping), "key": "value" (JSON), key = "value" (TOML), - KEY=value
_PAIR = re.compile(r"""(?:^|(?<=[\s{,\-]))(?P<q>["']?)(?P<key>[\w.\-]+)(?P=q)[ \t]*(?::|=)[ \t]*(?P<vq>["']?)"""
                   r"""(?P<value>[\w.\-:]+)(?P=vq)(?=[ \t]*(?:[,}\]#]|$))""")
_MODEL_KEY = re.compile(r"model|engine|deployment", re.I)
# what makes a block talk to OpenAI or Azure: its host, an Azure resource, api_type azure, azure_* keys
_AZURE_HOST = re.compile(r"[\w.\-]+\.openai\.azure\.com", re.I)
_AZURE_TYPE = re.compile(r"""(?P<q>["']?)api_type(?P=q)[ \t]*[:=][ \t]*["']?(?P<value>azure)""", re.I)
_AZURE_KEY = re.compile(r"""(?:^|(?<=[\s{,\-"']))(?P<key>azure_[\w.\-]*)["']?[ \t]*[:=]""", re.I)


# migrator's own reports (scan --format json baselines, SARIF logs) quote what they found
_REPORT = re.compile(r'"tool"\s*:\s*\{\s*"name"\s*:\s*"migrator"|"\$schema"\s*:\s*"[^"]*sarif')

# recorded HTTP traffic (vcrpy / pytest-recording cassettes): what OpenAI answered once, replayed by tests
_RECORDED = re.compile(r"^interactions:\s*$[\s\S]*?^\s*-?\s*request:\s*$", re.M)


def run(text: str, kind: FileKind, options: Options, spec: ProviderSpec, path: str) -> KindOutcome:
    lines = split_lines(text)
    report = LineReport(path, lines, options, spec)
    if _REPORT.search(text[:2000]) or _RECORDED.search(text[:4000]):
        return report.outcome()
    json_file = path.lower().endswith(".json")
    toml_file = path.lower().endswith(".toml")
    pointers = _pointers(lines, json_file)
    blocks = _Blocks(lines, "json" if json_file else "toml" if toml_file else "yaml")
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        if not json_file:
            body = body[:_comment_start(body)]  # `model: gpt-4o  # or gpt-4o-mini`: the comment is not config
        names: set[str] = set()
        for m in _VAR.finditer(body):
            if m.group(0) not in names:  # `OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}`: once a line
                names.add(m.group(0))
                _variable(report, i, m)
        for host in surface.OPENAI_HOSTS:
            for m in re.finditer(re.escape(host), body):
                if json_file and not _url_value(body, m.start(), m.end()):
                    continue  # a URL quoted in a text (an article, a prompt), not a setting
                report.report(i, m.start(), m.end(), CODE, "config", Severity.REVIEW,
                              f"OpenAI host {host}: {spec.display} is at {spec.base_url(options.region)}",
                              reaches_openai=True, subject=f"OpenAI host {host}")
        exact = {}  # value span -> key, for values that are exactly a model name under a key named like model
        for kv in _PAIR.finditer(body):
            if _MODEL_KEY.search(kv.group("key")):
                exact[(kv.start("value"), kv.end("value"))] = kv.group("key")
        for m in model_tokens(body, o_series=bool(exact)):
            key = exact.get((m.start(), m.end()))
            if json_file and key is None and not (body[m.start() - 1:m.start()] == '"' == body[m.end():m.end() + 1]):
                continue  # in JSON only a whole string value is a model name (not a sentence that names one)
            held = None
            if key is not None:
                first, last = blocks.around(i, m.start())
                at = bisect.bisect_left(pointers, (first, ""))
                if at < len(pointers) and pointers[at][0] <= last:
                    held = f"line {pointers[at][0] + 1} of the same block {pointers[at][1]}"
            map_model(report, i, m.start(), m.end(), m.group(0), MODEL_CODE, rewrite=key is not None and not held,
                      where=f"under {key!r}" if key else "in configuration", held=held)
    return report.outcome()


def _pointers(lines: list[str], json_file: bool) -> list[tuple[int, str]]:
    """(line, what) for the lines that point at OpenAI or Azure, in order."""
    out = []
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        if not json_file:
            body = body[:_comment_start(body)]
        hosts = [m for host in surface.OPENAI_HOSTS for m in re.finditer(re.escape(host), body)]
        hosts += list(_AZURE_HOST.finditer(body))
        hosts = [m for m in hosts if not json_file or _url_value(body, m.start(), m.end())]
        azure_type = _AZURE_TYPE.search(body)
        azure_key = _AZURE_KEY.search(body)
        if hosts:
            out.append((i, f"points at {hosts[0].group(0)}"))
        elif azure_type:
            out.append((i, "sets api_type to azure"))
        elif azure_key:
            out.append((i, f"sets {azure_key.group('key')}"))
    return out


class _Blocks:
    """The lines of the mapping a value belongs to: the indentation block (YAML), the enclosing object
    (JSON), the table (TOML). Line-based, like the rest of this module."""

    def __init__(self, lines: list[str], syntax: str) -> None:
        self.lines = lines
        self.syntax = syntax
        self.starts: list[int] = []  # offset of each line in the text
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line)
        self.objects: list[tuple[int, int]] = _json_objects("".join(lines)) if syntax == "json" else []

    def around(self, index: int, column: int) -> tuple[int, int]:
        """First and last line of the block holding the value at ``index``, ``column``."""
        if self.syntax == "json":
            pos = self.starts[index] + column
            inner = [(a, b) for a, b in self.objects if a < pos < b]
            if not inner:
                return 0, len(self.lines) - 1
            a, b = max(inner)
            return bisect.bisect_right(self.starts, a) - 1, bisect.bisect_right(self.starts, b) - 1
        if self.syntax == "toml":
            first = index
            while first > 0 and not _TABLE.match(self.lines[first].rstrip("\r\n")):
                first -= 1
            last = index
            while last + 1 < len(self.lines) and not _TABLE.match(self.lines[last + 1].rstrip("\r\n")):
                last += 1
            return first, last
        own = _key_column(self.lines[index])
        first = index
        while first > 0 and _indent(self.lines[index]) == own:  # a `- model: ...` line starts its item
            line = self.lines[first - 1]
            if not _blank(line) and (line.startswith("---") or _indent(line) < own):
                if _key_column(line) == own:
                    first -= 1  # `- api_type: azure` above `  model: ...`: the item starts on the dash line
                break
            first -= 1
        last = index
        while last + 1 < len(self.lines):
            line = self.lines[last + 1]
            if not _blank(line) and (line.startswith("---") or _indent(line) < own):
                break
            last += 1
        return first, last


_TABLE = re.compile(r"""[ \t]*\[\[?[\w.\-"' ]+\]\]?[ \t]*(?:#.*)?$""")


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _key_column(line: str) -> int:
    """Column of the line's key: after ``- `` for a list item."""
    column = _indent(line)
    rest = line[column:]
    while rest.startswith("- "):
        column += 2 + len(rest[2:]) - len(rest[2:].lstrip(" "))
        rest = line[column:]
    return column


def _json_objects(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the ``{ ... }`` objects of a JSON text, strings skipped."""
    out: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in re.finditer(r'"(?:\\.|[^"\\])*"|[{}]', text):
        token = m.group(0)
        if token == "{":
            stack.append(m.start())
        elif token == "}" and stack:
            out.append((stack.pop(), m.start()))
    return out


def _comment_start(body: str) -> int:
    """Where a YAML / TOML comment starts (`` #`` outside quotes), or the length of the line."""
    quote = ""
    for n, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (n == 0 or body[n - 1] in " \t"):
            return n
    return len(body)


def _url_value(body: str, start: int, end: int) -> bool:
    """The host is inside a JSON string that is a URL and nothing else."""
    left = body.rfind('"', 0, start)
    right = body.find('"', end)
    return left >= 0 and right >= 0 and re.fullmatch(r"https?://[^\s\"]+", body[left + 1:right]) is not None


def _variable(report: LineReport, i: int, m: re.Match[str]) -> None:
    """An ``OPENAI_*`` name. Those the OpenAI SDKs read (key, base URL, organisation, Azure) configure
    OpenAI and fail ``check``; a project's own names (``OPENAI_TEMPERATURE``) are only listed."""
    spec = report.spec
    name = m.group(0)
    reaches = name in (*KEY_VARS, *BASE_URL_VARS, *OPENAI_ONLY) or name.startswith("AZURE_OPENAI")
    if name in KEY_VARS:
        message = (f"{name}: the migrated code reads {spec.key_env}; pass that variable (and store the "
                   f"{spec.display} key as its secret) instead")
    elif name in BASE_URL_VARS:
        message = f"{name}: point it at {spec.base_url(report.options.region)} or drop it"
    elif reaches:
        message = f"{name} configures OpenAI itself; {spec.display} does not use it"
    else:
        message = f"{name}: named for OpenAI; check whether it still applies to {spec.display}"
    report.report(i, m.start(), m.end(), CODE, "config", Severity.REVIEW, message, reaches_openai=reaches,
                  subject=f"OpenAI variable {name}")
