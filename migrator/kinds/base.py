"""File kinds besides Python modules: what they share (design.md §6, item 10).

Every kind is a pure function of the file's text (no I/O): ``analyze(text, path, options)`` returns the
new text (when ``options.target`` is set) and the findings. ``engine.analyze_kind`` dispatches to them.
A notebook is an adapter: it yields Python units with a map back to its cells, the engine migrates the
units, and the notebook module splices the results back (kinds never call the engine). Provider facts — key variables, base URLs,
model tables, native SDK packages — are read from the ``ProviderSpec``; nothing here re-types them.

=============  ==========================================================================
kind           files
=============  ==========================================================================
python         ``*.py``, ``*.pyi`` (the engine in ``migrator.engine``)
setup_py       ``setup.py``: a Python module, then its ``install_requires`` literals
notebook       ``*.ipynb``
env            ``.env``, ``.env.*``, ``*.env``
requirements   ``requirements*.txt``, ``constraints*.txt`` (also ``*.in``, and ``requirements/*.txt``)
pyproject      ``pyproject.toml`` (PEP 621, optional dependencies, dependency groups, Poetry)
setup_cfg      ``setup.cfg``
pipfile        ``Pipfile``
config         ``*.yaml``, ``*.yml``, ``*.json``, ``*.toml`` (compose files, GitHub workflows, settings)
=============  ==========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from migrator.model import FileKind, Finding, Severity, Span, merge_findings
from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.rules.providers import ProviderSpec
from migrator.suppress import silenced

# Names that look like configuration but are data or belong to other ecosystems.
_NOT_CONFIG = frozenset({"package.json", "package-lock.json", "tsconfig.json", "composer.json", "pyrightconfig.json",
                         ".eslintrc.json", "renovate.json", "cargo.toml", "poetry.lock", "pipfile.lock"})
# Configuration files larger than this are data (recorded responses, datasets), not settings.
MAX_CONFIG_BYTES = 1_000_000

_MODEL_NEEDLES = (b"gpt-", b"text-embedding-", b"dall-e-", b"whisper-1", b"tts-1", b"text-davinci")
_NEEDLES: dict[str, tuple[bytes, ...]] = {
    # a notebook may call a client that a module of the project builds (as a Python file may)
    "notebook": (b"openai", b"OPENAI", b".chat.completions.", b".embeddings.create", *_MODEL_NEEDLES),
    "env": (b"OPENAI", *_MODEL_NEEDLES),
    "requirements": (b"openai", b"OpenAI"),
    "pyproject": (b"openai", b"OpenAI"),
    "setup_cfg": (b"openai", b"OpenAI"),
    "pipfile": (b"openai", b"OpenAI"),
    "config": (b"OPENAI", b"api.openai.com", *_MODEL_NEEDLES),
}


def kind_of(path: PurePath) -> FileKind | None:
    """The kind of a file by its name, or None when migrator does not read it."""
    return kind_of_name(path.name, path.parent.name)


_SUFFIXES = (".py", ".pyi", ".ipynb", ".env", ".txt", ".in", ".toml", ".cfg", ".yaml", ".yml", ".json")


def kind_of_name(filename: str, folder: str = "") -> FileKind | None:
    """``kind_of`` from the file name and its folder's name (discovery calls it for every file it sees)."""
    if filename.endswith(".py"):
        return "setup_py" if filename == "setup.py" else "python"
    name = filename.lower()
    if not name.endswith(_SUFFIXES) and not name.startswith(".env") and name != "pipfile":
        return None
    if name.endswith((".py", ".pyi")):
        return "setup_py" if name == "setup.py" else "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env"
    if name.endswith((".txt", ".in")) and (name.startswith(("requirements", "constraints"))
                                           or folder.lower() == "requirements"):
        return "requirements"
    if name == "pyproject.toml":
        return "pyproject"
    if name == "setup.cfg":
        return "setup_cfg"
    if name == "pipfile":
        return "pipfile"
    if name.endswith((".yaml", ".yml", ".json", ".toml")) and name not in _NOT_CONFIG:
        return "config"
    return None


def may_contain_sites(kind: str, data: bytes) -> bool:
    """The byte prefilter of a non-Python kind: a file without any of these is never parsed."""
    if kind == "config" and len(data) > MAX_CONFIG_BYTES:
        return False
    return any(n in data for n in _NEEDLES[kind])


@dataclass
class KindOutcome:
    new_text: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be read as its kind: left as it was
    secrets: set[str] = field(default_factory=set)  # values never to print in full
    project_imports: list[str] = field(default_factory=list)  # names a notebook imports from the project


def per_spec(text: str, options: Options, run: Callable[[ProviderSpec], KindOutcome]) -> KindOutcome:
    """Run a kind for the target, or, without one, for every provider and merge (the worst severity wins,
    as for Python files)."""
    if options.target:
        return run(providers.load(options.target))
    if options.neutral:  # check: what reaches OpenAI does not depend on the provider (as for Python files)
        return run(providers.all_specs()[0])
    specs = providers.all_specs()
    outs = [run(spec) for spec in specs]
    findings = merge_findings([o.findings for o in outs], [s.name for s in specs])
    return KindOutcome(text, findings, outs[0].error, set().union(*(o.secrets for o in outs)))


# ---------------------------------------------------------------------------------------------
# shared by the line-based kinds

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their endings (only \\r\\n, \\r and \\n end a line)."""
    return _LINE.findall(text)


def eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


class LineReport:
    """Findings and whole-line replacements for one line-based file and one provider."""

    def __init__(self, path: str, lines: list[str], options: Options, spec: ProviderSpec) -> None:
        self.path = path
        self.lines = lines
        self.options = options
        self.spec = spec
        self.findings: list[Finding] = []
        self.replaced: dict[int, list[tuple[int, int, str]]] = {}  # 0-based line -> (start, end, new text)
        self.inserted: dict[int, list[str]] = {}  # 0-based line -> lines to insert after it

    def silenced(self, index: int, code: str) -> bool:
        return silenced(self.lines, index + 1, code)

    def report(self, index: int, start: int, end: int, code: str, feature: str, severity: Severity, message: str,
               *, reaches_openai: bool, subject: str = "") -> bool:
        """Record a finding on 0-based line ``index`` between character offsets; False when it is
        switched off or silenced (then no edit should be made either)."""
        if not self.options.enabled(code) or self.silenced(index, code):
            return False
        subject = subject or message.split(" → ")[0].split(": ")[0]
        if self.options.neutral:
            message = subject
        self.findings.append(Finding(self.path, Span(index + 1, start + 1, index + 1, max(end, start) + 1), code,
                                     feature, severity, message, reaches_openai, subject))
        return True

    def replace(self, index: int, start: int, end: int, new: str) -> None:
        """Replace characters of the original line (offsets into the original, whatever else changes)."""
        self.replaced.setdefault(index, []).append((start, end, new))

    def line(self, index: int) -> str:
        line = self.lines[index]
        for start, end, new in sorted(self.replaced.get(index, ()), reverse=True):
            line = line[:start] + new + line[end:]
        return line

    def insert_after(self, index: int, text: str) -> None:
        self.inserted.setdefault(index, []).append(text)

    def outcome(self, secrets: set[str] | None = None) -> KindOutcome:
        out: list[str] = []
        for i, line in enumerate(self.lines):
            out.append(self.line(i) if i in self.replaced else line)
            out.extend(self.inserted.get(i, ()))
        return KindOutcome("".join(out), self.findings, None, secrets or set())


def model_target(name: str, options: Options, spec: ProviderSpec) -> tuple[str | None, providers.ModelTarget | None]:
    """(OpenAI family, provider model) for an OpenAI model name, with the overrides of config and --model."""
    family = surface.model_family(name)
    if name in options.models:
        return family, providers.ModelTarget(options.models[name])
    if family is not None and family in options.models:
        return family, providers.ModelTarget(options.models[family])
    if family is not None and family in spec.models:
        return family, spec.models[family]
    return family, None


_MODEL_TOKEN = re.compile(r"(?<![\w.\-/])(?:gpt-[\w.\-]*\w|chatgpt-[\w.\-]*\w|text-embedding-[\w\-]*\w|dall-e-[23]|"
                          r"whisper-1|tts-1(?:-hd)?|text-davinci-\d{3}|o[134](?:-mini|-pro|-preview)?)(?![\w.\-/])")


_VERSIONED = re.compile(r"(?:chat)?gpt-\d|o\d|text-embedding-\d|text-davinci-")


def model_tokens(text: str, *, o_series: bool = False) -> list[re.Match[str]]:
    """OpenAI model names in free text (``o1``-like names only when ``o_series``: too short to trust)."""
    out = []
    for m in _MODEL_TOKEN.finditer(text):
        name = m.group(0)
        if name.startswith("o") and not o_series:
            continue
        if is_model_name(name):
            out.append(m)
    return out


def is_model_name(name: str) -> bool:
    """An OpenAI model name: one the catalogue knows, or one with a version (gpt-4.2-foo is a model,
    gpt-researcher is a project)."""
    return surface.model_family(name) is not None or bool(_VERSIONED.match(name) and re.fullmatch(r"[\w.\-]+", name))


def map_model(report: LineReport, index: int, start: int, end: int, name: str, code: str, *,
              rewrite: bool, where: str, held: str | None = None) -> None:
    """Report (and, when ``rewrite``, replace) an OpenAI model name found in a file. ``held``: why a
    value that would be rewritten stays (its block points at OpenAI or Azure)."""
    spec = report.spec
    _, target = model_target(name, report.options, spec)
    if target is None:
        report.report(index, start, end, code, "models", Severity.MANUAL,
                      f"unknown model {name!r} {where} for {spec.display}: add it to [tool.migrator.models] or pass "
                      f"--model {name}=<{spec.name} model>", reaches_openai=True,
                      subject=f"OpenAI model {name!r} {where}")
        return
    if held:
        report.report(index, start, end, code, "models", Severity.REVIEW,
                      f"model {name!r} {where} left as written: {held}, which would receive the {spec.display} model "
                      f"{target.model!r}; move the block to {spec.display} (endpoint, key, model) together",
                      reaches_openai=True, subject=f"OpenAI model {name!r} {where}")
        return
    if not rewrite:
        report.report(index, start, end, code, "models", Severity.REVIEW,
                      f"model {name!r} {where}: if it is sent to {spec.display}, change it to {target.model!r}",
                      reaches_openai=True, subject=f"OpenAI model {name!r} {where}")
        return
    family, _ = model_target(name, report.options, spec)
    model = surface.OPENAI_MODELS.get(family or "")
    note = target.note
    if model is not None and model.kind == "embedding":
        size = target.dimensions or next(iter(spec.embedding_dimensions.get(target.model, ())), None)
        note = (f"vectors from {name} and {target.model} are not comparable: re-embed stored vectors and rebuild "
                f"the index ({model.dimensions} → {size or '?'} dimensions)")
    severity = Severity.REVIEW if note else Severity.AUTO
    message = f"model {name!r} → {target.model!r} {where}" + (f" ({note})" if note else "")
    if report.report(index, start, end, code, "models", severity, message, reaches_openai=True,
                     subject=f"OpenAI model {name!r} {where}") and report.options.target:
        report.replace(index, start, end, target.model)

