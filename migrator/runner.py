"""Runner: process files (in parallel), catch every per-file failure once, return results.

Workers only read and compute; the parent process writes. A failure in one file becomes a
``FileError`` in its result, never a crash of the run.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from migrator.engine import analyze_kind, migrate
from migrator.kinds import envfile
from migrator.kinds.base import may_contain_sites as kind_may_contain_sites
from migrator.model import FileError, FileResult, Finding, Severity, SourceFile, Span
from migrator.report.diff import redact_all
from migrator.resolve import ProjectIndex, Resolver, module_name_for
from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.scan import analyze, client_exports, may_contain_sites, parse
from migrator.textio import Decoded, DecodeError, decode, encode

PARALLEL_THRESHOLD = 24
# robustness runs (bench/robustness.py): parse every file, not only those the byte prefilter lets through
PARSE_ALL = os.environ.get("MIGRATOR_PARSE_ALL") == "1"

@functools.cache
def _key_pattern() -> re.Pattern[str]:
    """Key formats of OpenAI and of every provider (from the specs)."""
    parts = [surface.OPENAI_KEY_PATTERN, *(s.key_pattern for s in providers.all_specs() if s.key_pattern)]
    return re.compile(r"\b(" + "|".join(f"(?:{p})" for p in parts) + r")\b")


def secrets_in(text: str) -> set[str]:
    return set(_key_pattern().findall(text))  # below this many files a process pool costs more than it saves


@dataclass
class Job:
    source: SourceFile
    module_name: str | None
    mode: str  # scan | check | migrate
    data: bytes | None = None  # read by the parent (which filters and looks up the cache)


def module_name(source: SourceFile, roots: list[Path]) -> str | None:
    for root in roots:
        try:
            rel = source.path.resolve().relative_to(root)
        except ValueError:
            continue
        parts = list(rel.parts)
        if parts and parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        return module_name_for(parts)
    return None


def process(job: Job, options: Options, project: ProjectIndex | None) -> FileResult:
    """One file, start to end. Every exception ends up in the result."""
    result = FileResult(job.source)
    try:
        _process(job, options, project, result)
    except MemoryError:
        result.error = FileError(job.source.display, "out of memory while processing this file")
    except RecursionError:
        result.error = FileError(job.source.display, "expressions nested too deeply to analyse (over Python's "
                                 "recursion limit); the file is left as it is")
    except Exception as exc:  # noqa: BLE001 - the one place that turns a crash into a result
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.error = FileError(job.source.display, f"internal error: {type(exc).__name__}: {exc} "
                                 f"({Path(where.filename).name}:{where.lineno}); please report it")
    return result


def _process(job: Job, options: Options, project: ProjectIndex | None, result: FileResult) -> None:

    data = job.data
    if data is None:
        try:
            data = job.source.path.read_bytes()
        except OSError as exc:
            result.error = FileError(job.source.display, f"cannot read: {exc.strerror or exc}")
            return
    kind = job.source.kind
    if not PARSE_ALL and not _may_contain(kind, data, job.mode):
        return
    result.mentions_openai = b"openai" in data or (kind not in _PYTHON and b"OPENAI" in data)
    try:
        decoded = decode(data)
    except DecodeError as exc:
        result.error = FileError(job.source.display, f"cannot decode: {exc}")
        return
    if kind not in _PYTHON:
        _process_kind(job, options, project, result, data, decoded)
        return
    try:
        tree = parse(decoded.text, filename=job.source.display)
    except SyntaxError as exc:
        result.error = FileError(job.source.display, f"syntax error at {exc.lineno}:{exc.offset}: {exc.msg}")
        return
    except (ValueError, RecursionError) as exc:
        result.error = FileError(job.source.display, f"cannot parse: {exc}")
        return
    analysis = analyze(decoded.text, path=job.source.display, options=options, module_name=job.module_name,
                       project=project, tree=tree)
    result.secrets = analysis.secrets | secrets_in(decoded.text)
    result.suppressed = analysis.suppressed
    result.exports = client_exports(analysis, job.module_name)
    result.uses_openai = bool(analysis.resolver.openai_names)
    result.project_imports = analysis.resolver.project_imports
    if job.mode != "migrate":
        findings = analysis.findings
        if kind == "setup_py":  # and its install_requires literals
            findings = findings + analyze_kind(decoded.text, kind, options, path=job.source.display).findings
        result.findings = _redacted(findings, result.secrets)
        return
    outcome = migrate(decoded.text, kind, settings=options, path=job.source.display, module_name=job.module_name,
                      project=project, analysis=analysis)
    result.native = outcome.native
    result.rolled_back = outcome.rolled_back
    result.findings = _redacted(outcome.findings, result.secrets)
    if outcome.error:
        result.error = FileError(job.source.display, outcome.error)
        return
    if outcome.new_text != decoded.text:
        result.old_bytes = data
        result.new_bytes = encode(outcome.new_text, decoded)
        result.old_text = decoded.text
        result.new_text = outcome.new_text


_PYTHON = ("python", "setup_py")


def _may_contain(kind: str, data: bytes, mode: str) -> bool:
    """The byte prefilter: a file without these bytes cannot hold a site and is never parsed.
    (``check`` skips model names in Python modules; in .env and configuration files they count.)"""
    if kind in _PYTHON:
        return may_contain_sites(data, models=mode != "check")
    return kind_may_contain_sites(kind, data)


def _process_kind(job: Job, options: Options, project: ProjectIndex | None, result: FileResult, data: bytes,
                  decoded: Decoded) -> None:
    """A notebook, .env, dependency or configuration file (migrator.kinds)."""
    if job.mode == "migrate":
        out = migrate(decoded.text, job.source.kind, settings=options, path=job.source.display, project=project)
    else:
        out = analyze_kind(decoded.text, job.source.kind, options, path=job.source.display, project=project)  # type: ignore[assignment]
        out.new_text = decoded.text
    result.project_imports = out.project_imports  # a notebook that uses a client from the project: a second look
    secrets, findings, error, new_text = out.secrets, out.findings, out.error, out.new_text
    result.secrets = secrets | secrets_in(decoded.text)
    result.findings = _redacted(findings, result.secrets)
    if error:
        result.error = FileError(job.source.display, error)
        return
    if new_text != decoded.text:
        result.old_bytes = data
        result.new_bytes = encode(new_text, decoded)
        result.old_text = decoded.text
        result.new_text = new_text


def _redacted(findings: list, secrets: set[str]) -> list:
    if secrets:
        for f in findings:
            f.message = redact_all(f.message, secrets)
    return findings


def _worker(args: tuple[Job, Options, ProjectIndex | None]) -> FileResult:
    return process(*args)


def _with_dotenv(files: list[SourceFile], options: Options) -> Options:
    """``options`` with the ``.env`` files of the run that send the SDK to a server of their own."""
    found = []
    for f in files:
        if f.kind == "env":
            try:
                url = envfile.local_base_url(decode(f.path.read_bytes()).text)
            except (OSError, DecodeError):
                continue
            if url:
                found.append((posixpath.dirname(f.display), url))
    return replace(options, dotenv_base_urls=tuple(found)) if found else options


def run(files: list[SourceFile], options: Options, mode: str, *, roots: list[Path], jobs: int | None = None,
        progress: Callable[[int], None] | None = None, cache: Cache | None = None) -> list[FileResult]:
    """Process every file; files that use a client built in another module get a second look.

    The parent reads each file once: files that cannot hold a site are done there, files whose
    result is in the cache (same bytes, version and settings) too; the rest go to the workers.
    """
    options = _with_dotenv(files, options)
    work = [Job(f, module_name(f, roots) if f.kind in _PYTHON else None, mode) for f in files]
    local = tuple(sorted({j.module_name.split(".", 1)[0] for j in work if j.module_name}))
    if "agents" in local:  # the only name the analysis asks about (the cache key stays the same otherwise)
        options = replace(options, local_packages=("agents",))
    results: list[FileResult | None] = [None] * len(work)
    pending: list[int] = []
    for i, job in enumerate(work):
        try:
            data = job.source.path.read_bytes()
        except OSError as exc:
            results[i] = FileResult(job.source, error=FileError(job.source.display,
                                                                f"cannot read: {exc.strerror or exc}"))
            continue
        if not PARSE_ALL and not _may_contain(job.source.kind, data, mode):
            results[i] = FileResult(job.source)
            continue
        hit = cache.get(job, data) if cache is not None else None
        if hit is not None:
            results[i] = hit
            continue
        job.data = data
        pending.append(i)
    if progress:
        progress(len(work) - len(pending))
    for i, r in zip(pending, _map([work[i] for i in pending], options, None, jobs, progress), strict=True):
        results[i] = r
        if cache is not None:
            cache.put(work[i], r)
    if cache is not None:
        cache.save()
    for job in work:
        job.data = None
    project = ProjectIndex()
    for r in results:
        for export in r.exports:
            if isinstance(export, tuple):
                project.constants[export[0]] = export[1]
            else:
                project.add(export)
    for r in results:
        if r.uses_openai:
            project.used_constants.update(q for q in r.project_imports if q in project.constants)
    defines_used = {q.rsplit(".", 1)[0] for q in project.used_constants}
    if options.style == "native" and mode == "migrate":  # a client other modules use stays compat
        _imports_elsewhere(project, results, work)
        project.imported = {q for r in results for q in r.project_imports if q in project.exports}
        defines_used |= {q.rsplit(".", 1)[0] for q in project.imported}
        project.imported_anywhere = {q for r in results for q in r.project_imports}
        # a client held by a class (``BaseBot.client``) is shared with the modules that import the class
        project.imported |= {q for c, quals in project.holders.items() if c in project.imported_anywhere for q in quals}
        defines_used |= {project.exports[q].module for q in project.imported}
        held = [i for i, r in enumerate(results) if r.native.classes & project.imported_anywhere]
        for i, r in zip(held, _map([work[i] for i in held], options, project, jobs, None), strict=True):
            results[i] = r  # a client held by a class other modules import: shared, or compat
    if project.exports or project.constants:
        again = [i for i, r in enumerate(results) if any(project.knows(q) for q in r.project_imports)
                 or (not r.uses_openai and work[i].module_name in defines_used)
                 or (project.imported and work[i].module_name in defines_used)]
        if again:
            imports_of = {i: results[i].project_imports for i in again}
            redone = _map([work[i] for i in again], options, project, jobs, None)
            for i, r in zip(again, redone, strict=True):
                results[i] = r
                imports_of[i] = list(dict.fromkeys([*imports_of[i], *r.project_imports]))  # inherited clients
            if project.imported:
                _native_shared(project, results, work, again, imports_of, options, jobs)
    if options.style == "native" and mode == "migrate":
        _native_handlers(project, results, work, options, jobs)
    if mode == "migrate":
        _patch_targets(results, work)
    return results  # type: ignore[return-value]


def _patch_targets(results: list, work: list) -> None:
    """The migration removed or renamed an import of ``app.llm`` (native style's ``from openai import OpenAI``,
    compat style's ``AzureOpenAI``): a test that patches the string ``"app.llm.OpenAI"`` (``mock.patch``,
    ``monkeypatch.setattr``) would fail; report every such string."""
    targets: dict[bytes, str] = {}
    for r, job in zip(results, work, strict=True):
        if job.module_name and r.changed:
            for name in r.native.removed:
                targets[f"{job.module_name}.{name}".encode()] = job.module_name
    if not targets:
        return
    for r, job in zip(results, work, strict=True):
        if job.source.kind != "python":
            continue
        try:
            data = job.source.path.read_bytes()
        except OSError:
            continue
        for target, module in targets.items():
            start = data.find(target)
            while start != -1:
                end = start + len(target)
                quoted = data[start - 1:start] in (b'"', b"'") and data[end:end + 1] in (b'"', b"'")
                if quoted:
                    line = data.count(b"\n", 0, start) + 1
                    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
                    name = target.decode()
                    r.findings.append(Finding(job.source.display, Span(line, col, line, col + len(name)), "OA160",
                                              "native", Severity.REVIEW,
                                              f"'{name}' names an import the migration removes from {module}: "
                                              "patch the name the migrated module uses instead, or this test "
                                              "fails", False,
                                              "patch target naming a removed import"))
                start = data.find(target, end)


def _native_handlers(project: ProjectIndex, results: list, work: list, options: Options, jobs: int | None) -> None:
    """Native style: when every client of the project moved to the SDK, the handlers in modules without
    a client of their own (a retry helper) catch the SDK's exceptions too."""
    flags = [r.native.clients for r in results if r.native.clients is not None]
    redo = [i for i, r in enumerate(results) if r.native.handlers]
    if not flags or not all(flags) or not redo:
        return
    if any(results[i].native.widens for i in redo):
        # a handler there would catch more on the SDK (qianfan's one RequestError for a RateLimitError
        # handler): the project's clients go back to compat, and the handlers keep openai's classes
        project.errors_widen = True
        redo = [i for i, r in enumerate(results) if r.native.clients or r.native.handlers]
    else:
        project.native_errors = True
    for i, r in zip(redo, _map([work[i] for i in redo], options, project, jobs, None), strict=True):
        results[i] = r


def _imports_elsewhere(project: ProjectIndex, results: list, work: list) -> None:
    """Native style: modules the prefilter skipped may still import a shared client (``registry =
    [get_client]``); read those that name one."""
    names = {q.rsplit(".", 1)[1].encode() for q in project.exports}
    if not names:
        return
    for r, job in zip(results, work, strict=True):
        if r.project_imports or r.error is not None or r.findings:
            continue
        try:
            data = job.source.path.read_bytes()
            if not any(n in data for n in names):
                continue
            r.project_imports = Resolver(parse(decode(data).text), job.module_name).project_imports
        except (OSError, DecodeError, SyntaxError, ValueError, RecursionError):
            continue


def _native_shared(project: ProjectIndex, results: list, work: list, again: list[int],
                   imports_of: dict[int, list[str]], options: Options, jobs: int | None) -> None:
    """Native style: a client one module builds and others use goes native when every side can; the
    modules involved run once more with that decision. A client held by a class (``app.bots.BaseBot.client``)
    is used by the modules that import the class: each must reach it through a subclass it can rewrite."""
    for qual in project.imported:
        cls = qual.rsplit(".", 1)[0]
        held = qual in project.holders.get(cls, ())
        importers = [i for i in again if qual in imports_of[i] or (held and cls in imports_of[i])]
        if held and any(qual not in imports_of[i] for i in importers):
            project.opaque_classes.add(cls)
            continue
        defined = any(results[i].native.exports.get(qual) for i in again)
        users = [results[i].native.imports.get(qual) for i in importers]
        if defined and users and all(users):
            project.native.add(qual)
    if project.native:
        touched = [i for i in again if any(results[i].native.shares(q) for q in project.native)]
        for i, r in zip(touched, _map([work[i] for i in touched], options, project, jobs, None), strict=True):
            results[i] = r


def _code_stamp() -> tuple:
    """Sizes and times of migrator's own files: an edited rule invalidates the cache, not only a release."""
    here = Path(__file__).resolve().parent
    rules_dir = Path(__import__("migrator.rules", fromlist=["x"]).__file__).resolve().parent
    stamp = []
    for folder in (here, rules_dir):
        for f in sorted(folder.rglob("*.py")):
            st = f.stat()
            stamp.append((f.name, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


class Cache:
    """Per-file results of ``scan`` / ``check`` keyed by content hash, tool version and settings.

    One pickle per (version, settings, mode) under the cache folder, loaded once and written back
    atomically at the end of a run with the entries of that run only.
    """

    def __init__(self, folder: Path, options: Options, mode: str) -> None:
        import hashlib
        import pickle

        from migrator import __version__

        key = hashlib.sha256(repr((__version__, _code_stamp(), mode, sorted(vars(options).items())))
                             .encode()).hexdigest()[:16]
        self.file = folder / f"{__version__}-{mode}-{key}.pickle"
        self.folder = folder
        self.entries: dict[str, tuple[str, FileResult]] = {}
        self.fresh: dict[str, tuple[str, FileResult]] = {}
        try:
            with self.file.open("rb") as fh:
                self.entries = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a missing or damaged cache is an empty one
            self.entries = {}

    @staticmethod
    def _digest(data: bytes) -> str:
        import hashlib

        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def get(self, job: Job, data: bytes) -> FileResult | None:
        key = f"{job.source.path.resolve()}|{job.module_name}"
        digest = self._digest(data)
        entry = self.entries.get(key)
        if entry is None or entry[0] != digest:
            return None
        result = entry[1]
        result.source = job.source
        for f in result.findings:
            f.path = job.source.display
        self.fresh[key] = entry
        return result

    def put(self, job: Job, result: FileResult) -> None:
        if job.data is None or (result.error is not None and result.error.message.startswith("internal")):
            return
        key = f"{job.source.path.resolve()}|{job.module_name}"
        self.fresh[key] = (self._digest(job.data), result)

    def save(self) -> None:
        import pickle
        import tempfile

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by migrator\n*\n")
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.fresh, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _map(work: list[Job], options: Options, project: ProjectIndex | None, jobs: int | None,
         progress: Callable[[int], None] | None) -> list[FileResult]:
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        out = []
        for job in work:
            out.append(process(job, options, project))
            if progress:
                progress(1)
        return out
    chunksize = max(1, min(16, len(work) // (jobs * 32)))  # small chunks: per-file cost varies a lot
    out = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for r in pool.map(_worker, ((j, options, project) for j in work), chunksize=chunksize):
            out.append(r)
            if progress:
                progress(1)
    return out
