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

from migrator.engine import Outcome, analyze_kind, migrate
from migrator.kinds import envfile
from migrator.kinds.base import KindOutcome
from migrator.kinds.base import may_contain_sites as kind_may_contain_sites
from migrator.model import FileError, FileKind, FileResult, Finding, Mode, SourceFile
from migrator.project import Member, project_passes
from migrator.report.diff import redact_all
from migrator.resolve import ProjectIndex, module_name_for
from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.scan import analyze, client_exports, may_contain_sites, parse
from migrator.textio import Decoded, DecodeError, decode, encode

PARALLEL_THRESHOLD = 24  # below this many files a process pool costs more than it saves
# robustness runs (bench/robustness.py): parse every file, not only those the byte prefilter lets through
PARSE_ALL = os.environ.get("MIGRATOR_PARSE_ALL") == "1"

@functools.cache
def _key_pattern() -> re.Pattern[str]:
    """Key formats of OpenAI and of every provider (from the specs)."""
    parts = [surface.OPENAI_KEY_PATTERN, *(s.key_pattern for s in providers.all_specs() if s.key_pattern)]
    return re.compile(r"\b(" + "|".join(f"(?:{p})" for p in parts) + r")\b")


def secrets_in(text: str) -> set[str]:
    return set(_key_pattern().findall(text))


@dataclass
class Job:
    source: SourceFile
    module_name: str | None
    mode: Mode
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


def _may_contain(kind: FileKind, data: bytes, mode: Mode) -> bool:
    """The byte prefilter: a file without these bytes cannot hold a site and is never parsed.
    (``check`` skips model names in Python modules; in .env and configuration files they count.)"""
    if kind in _PYTHON:
        return may_contain_sites(data, models=mode != "check")
    return kind_may_contain_sites(kind, data)


def _process_kind(job: Job, options: Options, project: ProjectIndex | None, result: FileResult, data: bytes,
                  decoded: Decoded) -> None:
    """A notebook, .env, dependency or configuration file (migrator.kinds)."""
    out: Outcome | KindOutcome
    if job.mode == "migrate":
        out = migrate(decoded.text, job.source.kind, settings=options, path=job.source.display, project=project)
    else:
        out = analyze_kind(decoded.text, job.source.kind, options, path=job.source.display, project=project)
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


def _redacted(findings: list[Finding], secrets: set[str]) -> list[Finding]:
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


def run(files: list[SourceFile], options: Options, mode: Mode, *, roots: list[Path], jobs: int | None = None,
        progress: Callable[[int], None] | None = None, cache: Cache | None = None) -> list[FileResult]:
    """Process every file, then the project passes (``migrator/project.py``): files that use a client
    or a constant of another module get a second look, and native style decides shared clients there.

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
    done = [r for r in results if r is not None]
    assert len(done) == len(work)  # every file has its result by now

    def rerun(indices: list[int], project: ProjectIndex) -> list[FileResult]:
        return _map([work[i] for i in indices], options, project, jobs, None)

    project_passes(done, tuple(Member(j.source, j.module_name) for j in work), options, mode, rerun=rerun,
                   read=_read)
    return done


def _read(source: SourceFile) -> bytes:
    """A file's bytes, for the project passes (they skip a file that cannot be read)."""
    return source.path.read_bytes()


def _code_stamp() -> tuple:
    """Sizes and times of migrator's own files: an edited rule invalidates the cache, not only a release."""
    here = Path(__file__).resolve().parent
    rules_dir = Path(surface.__file__).resolve().parent  # rules/, installed as migrator.rules
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

    def __init__(self, folder: Path, options: Options, mode: Mode) -> None:
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
