"""Dependency files: the ``openai`` requirement is reported, a pre-1.0 pin is raised to ``openai>=1``
(compat style talks to the provider through the openai 1.x SDK), and native style adds the provider's
SDK (``ProviderSpec.native_package`` at ``native_version``) next to it.

Text is edited in place — no TOML or INI round trip — so comments, order, quotes and spacing stay.
Kinds: ``requirements`` (requirements*.txt, constraints*.txt), ``pyproject`` (PEP 621 dependencies,
optional dependencies, dependency groups, Poetry), ``setup_cfg``, ``setup_py`` (string literals that
are requirements) and ``pipfile``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from migrator.kinds.base import KindOutcome, LineReport, eol, split_lines
from migrator.model import FileKind, Severity
from migrator.rules.base import Options
from migrator.rules.providers import ProviderSpec

CODE = "OA060"

# `openai` as a PEP 508 requirement: the name (not openai-whisper, not langchain-openai), extras, versions.
_PEP508 = re.compile(r"(?P<name>openai)(?![\w.\-])(?P<extras>[ \t]*\[[^\]]*\])?"
                     r"(?P<spec>[ \t]*\(?[ \t]*(?:===|==|~=|!=|<=|>=|<|>)[^;#\s\"']*"
                     r"(?:[ \t]*,[ \t]*(?:===|==|~=|!=|<=|>=|<|>)[^;#\s,\"']*)*\)?)?", re.I)
_CLAUSE = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?(\d+)(?:\.(\d+))?")
RAISED = ">=1"


def is_legacy(spec: str) -> bool:
    """The version constraint allows only openai<1.0 (``==0.27.8``, ``<1``, ``~=0.28``, Poetry ``^0.27``)."""
    for clause in re.split(r"[,|]", spec.strip(" ()")):
        m = _CLAUSE.match(clause.strip())
        if not m:
            continue
        op, major, minor = m.group(1) or "==", int(m.group(2)), int(m.group(3) or 0)
        if op in ("==", "===", "~=", "<=", "^", "~") and major == 0:
            return True
        if op == "<" and (major == 0 or (major == 1 and minor == 0)):
            return True
    return False


def provider_requirement(spec: ProviderSpec) -> str:
    """The provider SDK as requirements get it: the range the native rewrite was checked against."""
    if not spec.native_version:
        return spec.native_package
    upper = f",<{spec.native_below}" if spec.native_below else ""
    return f"{spec.native_package}>={spec.native_version}{upper}"


def _names_provider(text: str, spec: ProviderSpec) -> bool:
    return bool(spec.native_package) and re.search(
        rf"(?<![\w.\-]){re.escape(spec.native_package)}(?![\w.\-])", text, re.I) is not None


class _Deps:
    """The openai requirements of one file for one provider."""

    def __init__(self, text: str, path: str, options: Options, spec: ProviderSpec) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.report = LineReport(path, self.lines, options, spec)
        self.spec = spec
        self.native = options.style == "native"
        self.has_provider = _names_provider(text, spec)
        self.added = False

    def requirement(self, index: int, start: int, end: int, spec_start: int, spec_end: int, spec: str,
                    *, raise_to: str = RAISED) -> bool:
        """Report one openai requirement (characters ``start:end`` of a line); raise a pre-1.0 pin.
        True when the provider package may be added after it."""
        report = self.report
        display = self.spec.display
        shown = self.lines[index][start:end].strip()
        if is_legacy(spec):
            new = raise_to
            if report.report(index, start, end, CODE, "dependencies", Severity.AUTO,
                             f"{shown} pins the pre-1.0 SDK → openai{new} (compat style talks to {display} "
                             "through the openai 1.x SDK; migrator moves 0.x code to 1.x)", reaches_openai=False,
                             subject=f"{shown} pins the pre-1.0 SDK") and report.options.target:
                report.replace(index, spec_start, spec_end, new)
        else:
            why = ("for the code that still uses the openai SDK" if self.native else
                   f"compat style uses the openai SDK against {display}'s endpoint")
            report.report(index, start, end, CODE, "dependencies", Severity.AUTO, f"{shown}: kept ({why})",
                          reaches_openai=False, subject=f"{shown}: the openai SDK")
        return self.native and not self.has_provider and not self.added

    def add_line_after(self, index: int, new_line: str) -> None:
        """Native style: a line for the provider's SDK after line ``index`` (which gets an ending if it has none)."""
        report = self.report
        line = self.lines[index]
        ending = eol(line) or (eol(self.lines[0]) if eol(self.lines[0]) else "\n")
        if report.report(index, 0, len(line.rstrip("\r\n")), CODE, "dependencies", Severity.AUTO,
                         f"{provider_requirement(self.spec)} added ({self.spec.display}'s own SDK, for --style native)",
                         reaches_openai=False, subject="the provider's SDK added") and report.options.target:
            if not eol(line):
                report.replace(index, len(line), len(line), ending)
                report.insert_after(index, new_line)
            else:
                report.insert_after(index, new_line + ending)
            self.added = True


def run(text: str, kind: FileKind, options: Options, spec: ProviderSpec, path: str) -> KindOutcome:
    deps = _Deps(text, path, options, spec)
    if kind == "requirements":
        _requirements_txt(deps)
    elif kind == "pyproject":
        _pyproject(deps)
    elif kind == "setup_cfg":
        _setup_cfg(deps)
    elif kind == "pipfile":
        _toml_tables(deps, lambda table: table in ("packages", "dev-packages"))
    elif kind == "setup_py":
        _setup_py(deps)
    return deps.report.outcome()


def _requirements_txt(deps: _Deps) -> None:
    for i, line in enumerate(deps.lines):
        m = re.match(r"[ \t]*", line)
        m = _PEP508.match(line, m.end() if m else 0)
        if not m:
            continue
        spec = m.group("spec") or ""
        if deps.requirement(i, m.start(), m.end(), m.start("spec") if spec else m.end(),
                            m.end("spec") if spec else m.end(), spec):
            deps.add_line_after(i, provider_requirement(deps.spec))


_TABLE = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]+?)[ \t]*\]\]?")
_STRING = re.compile(r"\"((?:[^\"\\\r\n]|\\.)*)\"|'([^'\r\n]*)'")


def _pyproject(deps: _Deps) -> None:
    """PEP 508 strings in the dependency arrays; Poetry's ``openai = "^0.27"`` tables."""
    table = ""
    depth = 0  # inside a dependency array: bracket depth
    in_project_deps = False
    for i, line in enumerate(deps.lines):
        body = line.rstrip("\r\n")
        if depth == 0:
            t = _TABLE.match(body)
            if t and not re.match(r"^[ \t]*[\w\-\"']+[ \t]*=", body):
                table = t.group(1).replace('"', "").replace("'", "")
                continue
            if table.startswith("tool.poetry") and (table.endswith("dependencies") or table.endswith("dev-dependencies")):
                _poetry_line(deps, i, body)
                continue
            key = re.match(r"^[ \t]*([\w\-\"'.]+)[ \t]*=[ \t]*\[", body)
            arrays = (table == "project" and key is not None and key.group(1) == "dependencies") or (
                table in ("project.optional-dependencies", "dependency-groups") and key is not None)
            if not arrays:
                continue
            in_project_deps = table == "project"
            start = key.end() - 1  # type: ignore[union-attr]
        else:
            start = 0
        depth = _array_line(deps, i, body, start, depth, native=in_project_deps)


def _array_line(deps: _Deps, i: int, body: str, start: int, depth: int, *, native: bool) -> int:
    """Requirement strings of an array on one line; returns the bracket depth after the line."""
    pos = start
    strings = []
    while pos < len(body):
        ch = body[pos]
        if ch == "#":
            break
        if ch in "\"'":
            m = _STRING.match(body, pos)
            if not m:
                break
            strings.append(m)
            pos = m.end()
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth <= 0:
                depth = 0
                break
        pos += 1
    for m in strings:
        content_start = m.start() + 1
        req = _PEP508.match(body, content_start)
        if not req or req.end() > m.end() - 1:
            continue
        rest = body[req.end():m.end() - 1]
        if rest.strip() and not rest.lstrip().startswith(";"):
            continue
        spec = req.group("spec") or ""
        add = deps.requirement(i, m.start(), m.end(), req.start("spec") if spec else req.end(),
                               req.end("spec") if spec else req.end(), spec)
        if add and native:
            _add_to_array(deps, i, body, m)
    return depth


def _add_to_array(deps: _Deps, i: int, body: str, m: re.Match[str]) -> None:
    quote = m.group(0)[0]
    new = f"{quote}{provider_requirement(deps.spec)}{quote}"
    before, after = body[:m.start()], body[m.end():]
    alone = not before.strip().strip("[").strip() and after.strip() in ("", ",") or (
        after.strip().startswith(",") and after.strip()[1:].strip().startswith("#"))
    report = deps.report
    if not alone or before.strip().endswith("["):
        if report.report(i, m.start(), m.end(), CODE, "dependencies", Severity.AUTO,
                         f"{provider_requirement(deps.spec)} added ({deps.spec.display}'s own SDK, for --style native)",
                         reaches_openai=False, subject="the provider's SDK added") and report.options.target:
            report.replace(i, m.end(), m.end(), f", {new}")
            deps.added = True
        return
    indent = before
    comma = after.lstrip().startswith(",")
    if not comma:
        report.replace(i, m.end(), m.end(), ",")
    deps.add_line_after(i, f"{indent}{new}{',' if comma else ''}")


def _poetry_line(deps: _Deps, i: int, body: str) -> None:
    m = re.match(r"^([ \t]*)(openai|\"openai\")([ \t]*=[ \t]*)", body, re.I)
    if not m:
        return
    rest = body[m.end():]
    value = _STRING.search(rest)
    if rest.lstrip().startswith("{"):
        version = re.search(r"version[ \t]*=[ \t]*", rest)
        value = _STRING.match(rest, version.end()) if version else None
    if value is None:
        return
    offset = m.end()
    content = value.group(1) if value.group(1) is not None else value.group(2)
    cstart, cend = offset + value.start() + 1, offset + value.end() - 1
    if deps.requirement(i, m.start(2), len(body), cstart, cend, content if content != "*" else "", raise_to=RAISED):
        quote = value.group(0)[0]
        deps.add_line_after(i, f"{m.group(1)}{deps.spec.native_package}{m.group(3)}{quote}"
                               f">={deps.spec.native_version}{quote}")


def _toml_tables(deps: _Deps, wanted: Callable[[str], bool]) -> None:
    """Pipfile: ``openai = "==0.27.8"`` (or ``{version = ...}``) under [packages] / [dev-packages]."""
    table = ""
    for i, line in enumerate(deps.lines):
        body = line.rstrip("\r\n")
        t = _TABLE.match(body)
        if t:
            table = t.group(1)
            continue
        if wanted(table):
            _poetry_line(deps, i, body)


def _setup_cfg(deps: _Deps) -> None:
    """``install_requires`` / ``extras_require`` values under [options] and [options.extras_require]."""
    section = ""
    in_value = False
    for i, line in enumerate(deps.lines):
        body = line.rstrip("\r\n")
        s = re.match(r"^\[([^\]]+)\]", body)
        if s:
            section = s.group(1).strip()
            in_value = False
            continue
        if section not in ("options", "options.extras_require"):
            continue
        key = re.match(r"^([\w\-.]+)[ \t]*[=:][ \t]*", body)
        if key:
            in_value = section == "options.extras_require" or key.group(1) in ("install_requires", "setup_requires")
            start = key.end()
        elif in_value and body[:1] in (" ", "\t"):  # an indented continuation line of the value
            start = len(body) - len(body.lstrip())
        else:  # a blank line or a comment keeps the value open (as configparser reads it)
            continue
        if not in_value:
            continue
        req = _PEP508.match(body, start)
        if req:
            spec = req.group("spec") or ""
            if deps.requirement(i, req.start(), req.end(), req.start("spec") if spec else req.end(),
                                req.end("spec") if spec else req.end(), spec) and not key:
                deps.add_line_after(i, body[:start] + provider_requirement(deps.spec))


def _setup_py(deps: _Deps) -> None:
    """String literals in setup.py that are exactly an openai requirement (``install_requires=[...]``)."""
    try:
        tree = ast.parse(deps.text)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.lineno == node.end_lineno):
            continue
        if not _PEP508.fullmatch(node.value.split(";")[0].strip()):
            continue
        i = node.lineno - 1
        line = deps.lines[i]
        raw = line.encode("utf-8")
        start = len(raw[:node.col_offset].decode("utf-8", "replace"))
        end = len(raw[:node.end_col_offset].decode("utf-8", "replace"))
        literal = line[start:end]
        if literal[:1] not in "\"'" or literal[1:-1] != node.value:
            continue  # prefixed, escaped or triple-quoted: leave it
        req = _PEP508.match(line, start + 1)
        if not req:
            continue
        spec = req.group("spec") or ""
        if deps.requirement(i, start, end, req.start("spec") if spec else req.end(),
                            req.end("spec") if spec else req.end(), spec):
            report = deps.report
            if report.report(i, start, end, CODE, "dependencies", Severity.REVIEW,
                             f"native style: add {provider_requirement(deps.spec)!r} to install_requires",
                             reaches_openai=False, subject="the provider's SDK is needed"):
                deps.added = True
