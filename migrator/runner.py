"""Runner: process files (in parallel), catch every per-file failure once, return results.

Workers only read and compute; the parent process writes. A failure in one file becomes a
``FileError`` in its result, never a crash of the run.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from migrator.engine import migrate
from migrator.model import FileError, FileResult, SourceFile
from migrator.resolve import ProjectIndex, module_name_for
from migrator.rules.base import Options
from migrator.scan import analyze, client_exports, may_contain_sites
from migrator.textio import DecodeError, decode, encode

PARALLEL_THRESHOLD = 24  # below this many files a process pool costs more than it saves


@dataclass
class Job:
    source: SourceFile
    module_name: str | None
    mode: str  # scan | check | migrate


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
    except Exception as exc:  # noqa: BLE001 - the one place that turns a crash into a result
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.error = FileError(job.source.display, f"internal error: {type(exc).__name__}: {exc} "
                                 f"({Path(where.filename).name}:{where.lineno}); please report it")
    return result


def _process(job: Job, options: Options, project: ProjectIndex | None, result: FileResult) -> None:
    import ast

    path = job.source.path
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.error = FileError(job.source.display, f"cannot read: {exc.strerror or exc}")
        return
    if not may_contain_sites(data, models=job.mode != "check"):
        return
    result.mentions_openai = b"openai" in data
    try:
        decoded = decode(data)
    except DecodeError as exc:
        result.error = FileError(job.source.display, f"cannot decode: {exc}")
        return
    try:
        tree = ast.parse(decoded.text, filename=job.source.display)
    except SyntaxError as exc:
        result.error = FileError(job.source.display, f"syntax error at {exc.lineno}:{exc.offset}: {exc.msg}")
        return
    except (ValueError, RecursionError) as exc:
        result.error = FileError(job.source.display, f"cannot parse: {exc}")
        return
    analysis = analyze(decoded.text, path=job.source.display, options=options, module_name=job.module_name,
                       project=project, tree=tree)
    result.exports = client_exports(analysis, job.module_name)
    result.uses_openai = bool(analysis.resolver.openai_names)
    result.project_imports = analysis.resolver.project_imports
    if job.mode != "migrate":
        result.findings = analysis.findings
        return
    outcome = migrate(decoded.text, settings=options, path=job.source.display, module_name=job.module_name,
                      project=project, analysis=analysis)
    result.findings = outcome.findings
    if outcome.error:
        result.error = FileError(job.source.display, outcome.error)
        return
    if outcome.new_text != decoded.text:
        result.old_bytes = data
        result.new_bytes = encode(outcome.new_text, decoded)
        result.old_text = decoded.text
        result.new_text = outcome.new_text


def _worker(args: tuple[Job, Options, ProjectIndex | None]) -> FileResult:
    return process(*args)


def run(files: list[SourceFile], options: Options, mode: str, *, roots: list[Path], jobs: int | None = None,
        progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Process every file; files that use a client built in another module get a second look."""
    work = [Job(f, module_name(f, roots), mode) for f in files]
    results = _map(work, options, None, jobs, progress)
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
    if project.exports or project.constants:
        again = [i for i, r in enumerate(results) if any(project.knows(q) for q in r.project_imports)
                 or (not r.uses_openai and work[i].module_name in defines_used)]
        if again:
            redone = _map([work[i] for i in again], options, project, jobs, None)
            for i, r in zip(again, redone, strict=True):
                results[i] = r
    return results


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
    chunksize = max(1, min(64, len(work) // (jobs * 8)))
    out = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for r in pool.map(_worker, ((j, options, project) for j in work), chunksize=chunksize):
            out.append(r)
            if progress:
                progress(1)
    return out
