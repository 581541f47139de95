"""Jupyter notebooks: code cells are migrated like one module, the JSON around them is kept byte for byte.

The code cells, in order, form a virtual module (so an import in cell 1 resolves a call in cell 5).
A marker comment starts each cell; IPython lines that are not Python — magics (``%pip``, ``%%time``),
shell lines (``!pip install``), help (``?obj``, ``obj?``), ``x = !cmd`` — become placeholders of one line
with the same indentation (``pass  # migrator-magic 3``) and come back as they were. The Python engine
migrates the virtual module; findings are mapped back to the cell (1-based position in the notebook's
``cells`` list) and the line in the cell, and each changed cell's ``source`` value is spliced back into the
original JSON text: outputs, metadata, attachments, ids, indentation and key order are never re-serialised.
``pip install`` lines get the dependency treatment of requirement files (a pre-1.0 pin raised; the
provider's SDK added in native style when the migrated notebook imports it).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner of the json module (not in its stubs): fast on large outputs

from migrator.kinds.base import KindOutcome, split_lines
from migrator.kinds.requirements import is_legacy, provider_requirement
from migrator.model import Finding, Severity, Span
from migrator.resolve import ProjectIndex
from migrator.rules import providers
from migrator.rules.base import Options

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_MARKER = "# migrator-notebook-cell "
_SENTINEL = '"""migrator: the code cells of a notebook"""\n'
_MARKER_LINE = re.compile(r"^# migrator-notebook-cell (\d+)\r?\n?$")
_PLACEHOLDER = re.compile(r"# migrator-magic (\d+)\r?\n?$")
_PREFIXED = re.compile(r"^(([ \t]*).*?)  # migrator-prefix (\d+)\r?\n?$")
# line magics followed by a Python statement (options such as -n 3 -r 1 before it)
_PREFIX_MAGIC = re.compile(r"^[ \t]*%(?:time|timeit|prun|memit)(?:[ \t]+-[A-Za-z](?:[ \t]*\d+)?)*[ \t]+(?=\S)")
_IMPORT = re.compile(r"^(?:import|from)[ \t]+[\w.]+")
_HELP = re.compile(r"^[\w.\[\]()]+\?{1,2}$")
_ASSIGN_MAGIC = re.compile(r"^([ \t]*)([A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*)[ \t]*=[ \t]*[!%]")
# cell magics whose body is Python
_PYTHON_CELL_MAGICS = ("time", "timeit", "capture", "prun", "debug", "memit")
_PIP = re.compile(r"^[ \t]*[!%][ \t]*(?:(?:python3?|py)[ \t]+-m[ \t]+)?(?:pip3?|uv[ \t]+pip|conda|mamba)[ \t]+install\b")
_PIP_OPENAI = re.compile(r"(?<![\w.\-=/\"'])([\"']?)(openai)(?![\w.\-])(\[[^\]\s]*\])?"
                         r"((?:===|==|~=|!=|<=|>=|<|>)[^\s\"',]+(?:,(?:===|==|~=|!=|<=|>=|<|>)[^\s\"',]+)*)?\1(?=\s|$)")
DEP_CODE = "OA060"


class NotebookError(ValueError):
    pass


@dataclass
class Cell:
    index: int  # position in the notebook's cells list
    cell_type: str
    source: str
    span: tuple[int, int]  # of the source value in the file's text
    elements: list[tuple[int, int]] | None  # spans of the strings of a list source; None for a string
    lines: list[str] = field(default_factory=list)


class _Locator:
    """A JSON reader that also records where each cell's ``source`` (and its strings) sit in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[tuple, tuple[int, int]] = {}

    def value(self, pos: int, path: tuple) -> tuple[object, int]:
        text = self.text
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if not path:  # nothing to record below here: the json module's own decoder skips it
            return _DECODER.raw_decode(text, pos)
        ch = text[pos:pos + 1]
        start = pos
        if ch == '"':
            value, end = scanstring(text, pos + 1, True)
        elif ch == "{":
            obj: dict = {}
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == "}":
                end = pos + 1
            else:
                while True:
                    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                    if text[pos:pos + 1] != '"':
                        raise NotebookError(f"expected a key at offset {pos}")
                    key, pos = scanstring(text, pos + 1, True)
                    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                    if text[pos:pos + 1] != ":":
                        raise NotebookError(f"expected ':' at offset {pos}")
                    obj[key], pos = self.value(pos + 1, (*path, key) if path and self._wanted((*path, key)) else ())
                    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                    if text[pos:pos + 1] == ",":
                        pos += 1
                        continue
                    if text[pos:pos + 1] == "}":
                        end = pos + 1
                        break
                    raise NotebookError(f"expected ',' or '}}' at offset {pos}")
            value = obj
        elif ch == "[":
            arr: list = []
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == "]":
                end = pos + 1
            else:
                while True:
                    sub = (*path, len(arr)) if path and self._wanted((*path, len(arr))) else ()
                    item, pos = self.value(pos, sub)
                    arr.append(item)
                    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                    if text[pos:pos + 1] == ",":
                        pos += 1
                        continue
                    if text[pos:pos + 1] == "]":
                        end = pos + 1
                        break
                    raise NotebookError(f"expected ',' or ']' at offset {pos}")
            value = arr
        else:
            for word, literal in (("true", True), ("false", False), ("null", None)):
                if text.startswith(word, pos):
                    value, end = literal, pos + len(word)
                    break
            else:
                m = _NUMBER.match(text, pos)
                if not m:
                    raise NotebookError(f"unexpected {ch!r} at offset {pos}")
                value, end = json.loads(m.group(0)), m.end()
        if path and path[0] == "cells" and len(path) >= 3:
            self.spans[path] = (start, end)
        return value, end

    @staticmethod
    def _wanted(path: tuple) -> bool:
        """Only the paths worth following: cells, a cell, its source and the source's strings."""
        n = len(path)
        return path[0] == "cells" and (n == 1 or (n == 2 and isinstance(path[1], int)) or (
            n >= 3 and path[2] == "source" and n <= 4))


def read(text: str) -> tuple[dict, list[Cell]]:
    """The notebook and its cells with the places of their sources. Raises NotebookError."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise NotebookError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        if isinstance(doc, dict) and "worksheets" in doc:
            raise NotebookError("nbformat 3 notebook; convert it with `jupyter nbconvert --to notebook`")
        raise NotebookError("no 'cells' list: not a Jupyter notebook")
    loc = _Locator(text)
    _walk_cells(loc)
    cells = []
    for i, cell in enumerate(doc["cells"]):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {i + 1} is not an object")
        source = cell.get("source", "")
        span = loc.spans.get(("cells", i, "source"))
        if span is None:
            continue
        if isinstance(source, list):
            if not all(isinstance(s, str) for s in source):
                raise NotebookError(f"cell {i + 1}: source holds something other than strings")
            elements = [loc.spans[("cells", i, "source", k)] for k in range(len(source))]
            joined = "".join(source)
        elif isinstance(source, str):
            elements, joined = None, source
        else:
            raise NotebookError(f"cell {i + 1}: source is neither a string nor a list of strings")
        cells.append(Cell(i, str(cell.get("cell_type", "")), joined, span, elements))
    return doc, cells


def _walk_cells(loc: _Locator) -> None:
    """Record the spans under ``cells`` (the top-level object is read with the path of its keys)."""
    text = loc.text
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != "{":
        return
    pos += 1
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos:pos + 1] != '"':
            return
        key, pos = scanstring(text, pos + 1, True)
        pos = _WS.match(text, pos).end() + 1  # type: ignore[union-attr]  # the ':'
        _, pos = loc.value(pos, ("cells",) if key == "cells" else ())
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos:pos + 1] != ",":
            return
        pos += 1


def is_python(doc: dict) -> bool:
    meta = doc.get("metadata") or {}
    lang = ((meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name") or "python")
    return str(lang).lower().startswith("python")


# ---------------------------------------------------------------------------------------------
# the virtual module


@dataclass
class Virtual:
    text: str
    where: list[tuple[int, int] | None]  # virtual line (0-based) -> (cell index, 1-based line in the cell)
    magics: list[str]  # original lines replaced by placeholders
    magic_at: list[tuple[int, int]]  # magic number -> (cell index, 0-based line in the cell)
    prefixes: dict[int, str] = field(default_factory=dict)  # magic number -> `%time ` before a Python statement
    shifts: dict[int, int] = field(default_factory=dict)  # virtual line (0-based) -> columns the prefix takes


def _split(source: str) -> list[str]:
    """Lines as Python and Jupyter count them: only \\r\\n, \\r and \\n end a line (not \\f or \\u2028)."""
    return split_lines(source)


def build(cells: list[Cell]) -> Virtual:
    # a docstring first: imports the rewrite adds go right after it, before the first cell's marker
    parts: list[str] = [_SENTINEL]
    where: list[tuple[int, int] | None] = [None]
    magics: list[str] = []
    magic_at: list[tuple[int, int]] = []
    prefixes: dict[int, str] = {}
    shifts: dict[int, int] = {}
    for cell in cells:
        if cell.cell_type != "code":
            continue
        parts.append(f"{_MARKER}{cell.index}\n")
        where.append(None)
        lines = _split(cell.source)
        cell.lines = lines
        first = next((ln for ln in lines if ln.strip()), "")
        whole = first.lstrip().startswith("%%") and first.lstrip()[2:].split()[0:1] not in (
            [m] for m in _PYTHON_CELL_MAGICS)
        continued = False
        for j, line in enumerate(lines):
            body = line.rstrip("\r\n")
            stripped = body.lstrip()
            prefix = None if whole or continued else _prefix_magic(body)
            if prefix is not None:  # `%time r = client.chat.completions.create(...)`: the statement is Python
                k = len(magics)
                magics.append(line)
                magic_at.append((cell.index, j))
                prefixes[k] = prefix
                shifts[len(where)] = len(prefix) - (len(body) - len(stripped))
                parts.append(f"{body[:len(body) - len(stripped)]}{body[len(prefix):]}  # migrator-prefix {k}\n")
                where.append((cell.index, j + 1))
                continue
            magic = whole or continued or stripped.startswith(("%", "!", "?")) or bool(_HELP.match(stripped))
            assign = None if magic else _ASSIGN_MAGIC.match(body)
            if magic or assign:
                k = len(magics)
                magics.append(line)
                magic_at.append((cell.index, j))
                indent = body[:len(body) - len(stripped)]
                if assign:
                    parts.append(f"{assign.group(1)}{assign.group(2)} = None  # migrator-magic {k}\n")
                else:
                    parts.append(f"{indent if not (whole or continued) else ''}pass  # migrator-magic {k}\n")
                continued = (magic or bool(assign)) and body.endswith("\\")
            else:
                parts.append(body + "\n")
                continued = False
            where.append((cell.index, j + 1))
    return Virtual("".join(parts), where, magics, magic_at, prefixes, shifts)


def _writes_python(lines: list[str]) -> bool:
    """``%%writefile app.py`` whose body is Python on its own: migrated as the module it writes (alone,
    not in the notebook's namespace)."""
    first = next((n for n, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return False
    words = lines[first].split()
    if words[0] not in ("%%writefile", "%%file") or not words[-1].endswith(".py"):
        return False
    import ast

    try:
        ast.parse("".join(lines[first + 1:]))
    except SyntaxError:
        return False
    return True


def _prefix_magic(body: str) -> str | None:
    """``%time `` (with its indentation) when the rest of the line is one Python statement."""
    m = _PREFIX_MAGIC.match(body)
    if not m or body.endswith("\\"):
        return None
    import ast

    try:
        ast.parse(body[m.end():])
    except SyntaxError:
        return None
    return m.group(0)


def restore(new_text: str, virtual: Virtual, cells: list[Cell]) -> dict[int, str]:
    """The new source of each code cell, from the rewritten virtual module."""
    segments: dict[int, list[str]] = {}
    order = [c.index for c in cells if c.cell_type == "code"]
    current = -1
    top: list[str] = []  # lines before the first marker: imports the rewrite added at the very top
    restored: list[int] = []
    for line in split_lines(new_text):
        m = _MARKER_LINE.match(line)
        if m:
            current = int(m.group(1))
            segments.setdefault(current, [])
            continue
        p = _PLACEHOLDER.search(line)
        q = _PREFIXED.match(line) if p is None else None
        if p:
            original = virtual.magics[int(p.group(1))]
            line = original if original.endswith(("\n", "\r")) else original + "\n"
            restored.append(int(p.group(1)))
        elif q:
            k = int(q.group(3))
            line = f"{virtual.prefixes[k]}{q.group(1)[len(q.group(2)):]}\n"
            restored.append(k)
        (top if current < 0 else segments[current]).append(line)
    if sorted(restored) != list(range(len(virtual.magics))):
        raise NotebookError("internal: an IPython line could not be put back after the rewrite; left as it was")
    added = [ln for ln in top if ln.strip() and ln != _SENTINEL]
    if added and order:
        # into the first cell with a top-level import (at or before the cell that imports openai), before it
        for index in order:
            lines = segments.get(index, [])
            at = next((n for n, ln in enumerate(lines) if _IMPORT.match(ln)), None)
            if at is not None:
                lines[at:at] = added
                break
        else:
            segments.setdefault(order[0], [])[0:0] = added
    out = {}
    by_index = {c.index: c for c in cells}
    for index, lines in segments.items():
        src = "".join(lines)
        if not by_index[index].source.endswith("\n") and src.endswith("\n"):
            src = src[:-1]
        out[index] = src
    return out


# ---------------------------------------------------------------------------------------------
# splicing the changed sources back


def _ascii_only(text: str) -> bool:
    return text.isascii() and bool(re.search(r"\\u[0-9a-fA-F]{4}", text))


def splice(text: str, cells: list[Cell], new_sources: dict[int, str]) -> str:
    ensure_ascii = _ascii_only(text)
    edits = []
    for cell in cells:
        new = new_sources.get(cell.index)
        if new is None or new == cell.source:
            continue
        start, end = cell.span
        if cell.elements is None:
            edits.append((start, end, json.dumps(new, ensure_ascii=ensure_ascii)))
            continue
        raw = {json.loads(text[s:e]): text[s:e] for s, e in cell.elements}
        tokens = [raw.get(line) or json.dumps(line, ensure_ascii=ensure_ascii) for line in _split(new)]
        els = cell.elements
        if els:
            prefix = text[start + 1:els[0][0]]
            suffix = text[els[-1][1]:end - 1]
            sep = text[els[0][1]:els[1][0]] if len(els) > 1 else "," + (prefix if "\n" in prefix else " ")
        else:
            prefix = suffix = ""
            sep = ", "
        edits.append((start, end, "[" + prefix + sep.join(tokens) + suffix + "]" if tokens else "[]"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A Python module inside a notebook, for the engine to analyse and, with a target, migrate."""

    text: str
    options: Options
    project: ProjectIndex | None = None  # what other modules offer (the cells import the project's modules)
    cell: Cell | None = None  # the ``%%writefile x.py`` cell whose body this is; None: the code cells
    head: int = 0  # lines of that cell before the body
    todo_comments: bool = True  # the migration may add TODO markers (not to a written module)


@dataclass
class UnitResult:
    """What the engine made of a unit."""

    findings: list[Finding]
    new_text: str
    module: ast.Module | None = None  # the unit's Python after migration (as it is without a target)
    error: str | None = None
    secrets: set[str] = field(default_factory=set)
    project_imports: list[str] = field(default_factory=list)
    syntax_error: SyntaxError | None = None  # the unit is not Python (mapped back to its cell here)


@dataclass(frozen=True)
class Notebook:
    cells: list[Cell]
    virtual: Virtual
    units: list[Unit]  # the code cells as one module, then each %%writefile body


def units(text: str, options: Options, *, project: ProjectIndex | None = None) -> Notebook | KindOutcome:
    """The notebook's Python as units (its code cells as one module, then each ``%%writefile`` body), or
    the outcome when there is none to migrate (not a Python notebook, not a notebook)."""
    try:
        doc, cells = read(text)
    except (NotebookError, RecursionError) as exc:
        return KindOutcome(text, [], f"invalid notebook: {exc}")
    if not is_python(doc):
        return KindOutcome(text)
    virtual = build(cells)
    found = [Unit(virtual.text, options, project)]
    for cell in cells:
        if cell.cell_type == "code" and _writes_python(cell.lines):
            head = next(n for n, ln in enumerate(cell.lines) if ln.strip()) + 1
            found.append(Unit("".join(cell.lines[head:]), options, None, cell, head, todo_comments=False))
    return Notebook(cells, virtual, found)


def assemble(text: str, notebook: Notebook, results: list[UnitResult], options: Options, *,
             path: str = "<string>") -> KindOutcome:
    """The notebook with the units' results spliced back into its cells, findings in cell coordinates."""
    cells, virtual = notebook.cells, notebook.virtual
    main = results[0]
    if main.syntax_error is not None:
        exc = main.syntax_error
        where = virtual.where[(exc.lineno or 1) - 1] if exc.lineno and exc.lineno <= len(virtual.where) else None
        at = f"cell {where[0] + 1}, line {where[1]}" if where else f"line {exc.lineno}"
        return KindOutcome(text, [], f"syntax error in {at}: {exc.msg}")
    findings = list(main.findings)
    new_text = text
    new_sources: dict[int, str] = {}
    error = main.error
    secrets = set(main.secrets)
    modules = [main.module]  # the notebook's Python after migration: does it import the provider's SDK?
    if options.target and error is None and main.new_text != virtual.text:
        try:
            new_sources = restore(main.new_text, virtual, cells)
        except NotebookError as exc:
            error = str(exc)
    for unit, result in zip(notebook.units[1:], results[1:], strict=True):
        if error:
            break
        if result.syntax_error is not None:
            raise result.syntax_error
        secrets |= result.secrets
        error = _written_module(unit, result, options, findings, new_sources, modules)
    pip_findings, pip_sources = _pip_lines(cells, virtual, options, path, new_sources, modules)
    new_sources.update(pip_sources)
    line_of = _file_lines(text, cells)
    mapped = [_map(f, virtual, line_of) for f in findings] + pip_findings
    for f in pip_findings:
        f.file_line = line_of.get((f.cell - 1, f.span.line))  # type: ignore[operator]
    if new_sources and error is None:
        new_text = splice(text, cells, new_sources)
        error = _verify(text, new_text, cells, new_sources)
        if error:
            new_text = text
    return KindOutcome(new_text, mapped, error, secrets, main.project_imports)


def _imports(modules: list[ast.Module | None], name: str) -> bool:
    """Some module imports ``name`` (or a submodule of it)."""
    def match(module: str | None) -> bool:
        return module is not None and (module == name or module.startswith(name + "."))

    return any(isinstance(n, ast.Import) and any(match(a.name) for a in n.names)
               or isinstance(n, ast.ImportFrom) and n.level == 0 and match(n.module)
               for tree in modules if tree is not None for n in ast.walk(tree))


def _written_module(unit: Unit, result: UnitResult, options: Options, findings: list[Finding],
                    new_sources: dict[int, str], modules: list[ast.Module | None]) -> str | None:
    """A ``%%writefile x.py`` cell: its body migrated as a module of its own; findings carry the cell."""
    cell = unit.cell
    assert cell is not None
    if options.target:
        if result.error:
            return result.error
        modules.append(result.module)
        if result.new_text != unit.text:
            new_sources[cell.index] = "".join(cell.lines[:unit.head]) + result.new_text
    for f in result.findings:
        f.span = Span(f.span.line + unit.head, f.span.column, f.span.end_line + unit.head, f.span.end_column)
        f.cell = cell.index + 1
        findings.append(f)
    return None


def _map(f: Finding, virtual: Virtual, line_of: dict[tuple[int, int], int]) -> Finding:
    if f.cell is not None:  # from a %%writefile module: already in cell coordinates
        f.file_line = line_of.get((f.cell - 1, f.span.line))
        return f
    where = virtual.where[f.span.line - 1] if 0 < f.span.line <= len(virtual.where) else None
    if where is None:
        return f
    cell, line = where
    end = virtual.where[f.span.end_line - 1] if 0 < f.span.end_line <= len(virtual.where) else None
    end_line = end[1] if end and end[0] == cell else line
    shift = virtual.shifts.get(f.span.line - 1, 0)
    end_shift = virtual.shifts.get(f.span.end_line - 1, 0)
    f.span = Span(line, f.span.column + shift, end_line, f.span.end_column + end_shift)
    f.cell = cell + 1
    f.file_line = line_of.get((cell, line))
    return f


def _file_lines(text: str, cells: list[Cell]) -> dict[tuple[int, int], int]:
    """(cell index, 1-based line in the cell) -> line of the .ipynb file where that source line is written."""
    import bisect

    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = {}
    for cell in cells:
        spans = cell.elements if cell.elements is not None else [cell.span] * max(1, len(_split(cell.source)))
        for k, (s, _) in enumerate(spans):
            out[(cell.index, k + 1)] = bisect.bisect_right(starts, s)
    return out


def _pip_lines(cells: list[Cell], virtual: Virtual, options: Options, path: str, new_sources: dict[int, str],
               modules: list[ast.Module | None]) -> tuple[list[Finding], dict[int, str]]:
    """``!pip install openai==0.27`` lines: report the pin, raise a pre-1.0 one, add the provider's SDK
    (native style, when the migrated notebook imports it: a notebook whose clients all stayed on the
    openai SDK does not need it)."""
    specs = [providers.load(options.target)] if options.target else providers.all_specs()
    spec = specs[0]
    findings: list[Finding] = []
    changed: dict[int, str] = {}
    by_index = {c.index: c for c in cells}
    added = False  # native style: the provider's SDK goes on the first line that installs openai
    uses_sdk = options.style == "native" and spec.native is not None and _imports(modules, spec.native.module)
    for k, line in enumerate(virtual.magics):
        if not _PIP.match(line):
            continue
        m = _PIP_OPENAI.search(line)
        if not m or not options.enabled(DEP_CODE):
            continue
        cell_index, j = virtual.magic_at[k]
        version = m.group(4) or ""
        new_line = line
        legacy = is_legacy(version)
        shown = m.group(0).strip("\"'")
        span = Span(j + 1, m.start() + 1, j + 1, m.end() + 1)
        native = (uses_sdk and spec.native_package and not added
                  and not any(spec.native_package in m for m in virtual.magics))
        added = added or bool(native)
        if legacy:
            message = f"{shown} pins the pre-1.0 SDK → \"openai>=1\" (compat style uses the openai 1.x SDK)"
            new_line = new_line[:m.start()] + f'"openai{m.group(3) or ""}>=1"' + new_line[m.end():]
        else:
            message = f"{shown}: kept (compat style uses the openai SDK against {spec.display}'s endpoint)"
        if native:
            message += f"; {provider_requirement(spec)} added ({spec.display}'s own SDK)"
            body = new_line.rstrip("\r\n")
            new_line = body + f' "{provider_requirement(spec)}"' + new_line[len(body):]
        subject = f"{shown}: the openai SDK" + (" (pre-1.0 pin)" if legacy else "")
        findings.append(Finding(path, span, DEP_CODE, "dependencies", Severity.AUTO,
                                message if options.target and not options.neutral else subject, False, subject, cell=cell_index + 1))
        if options.target and new_line != line:
            cell = by_index[cell_index]
            lines = _split(new_sources.get(cell_index, cell.source))
            # the magic line is found by its text: the Python rewrite may have moved lines of the cell
            for n, existing in enumerate(lines):
                if existing.rstrip("\r\n") == line.rstrip("\r\n"):
                    ending = existing[len(existing.rstrip("\r\n")):]
                    lines[n] = new_line.rstrip("\r\n") + ending
                    break
            changed[cell_index] = "".join(lines)
            new_sources[cell_index] = changed[cell_index]
    return findings, changed


def _verify(old: str, new: str, cells: list[Cell], new_sources: dict[int, str]) -> str | None:
    """The spliced file is JSON, equal to the old one except for the sources that were meant to change."""
    try:
        before, after = json.loads(old), json.loads(new)
    except ValueError as exc:
        return f"internal: the rewritten notebook is not valid JSON ({exc}); left as it was"
    for cell in cells:
        if cell.index in new_sources:
            src = after["cells"][cell.index]["source"]
            got = "".join(src) if isinstance(src, list) else src
            if got != new_sources[cell.index]:
                return f"internal: cell {cell.index + 1} was not written as planned; left as it was"
            before["cells"][cell.index]["source"] = after["cells"][cell.index]["source"]
    if before != after:
        return "internal: the rewritten notebook differs outside the changed cells; left as it was"
    return None
