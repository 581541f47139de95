"""The write phase of ``migrate``: only the changed files, each atomically (temp file + rename, mode
kept), only with git's blessing (no uncommitted changes in them, unless ``--force``), and the
interactive review that writes the accepted hunks."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from migrator.console import err
from migrator.interactive import review
from migrator.model import FileResult


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    st = path.stat()
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrator-tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise


def dirty_files(paths: list[Path]) -> list[Path]:
    """Files among ``paths`` with uncommitted changes in their git work tree (empty outside git)."""
    dirty: list[Path] = []
    by_dir: dict[Path, list[Path]] = {}
    for p in paths:
        by_dir.setdefault(p.resolve().parent, []).append(p.resolve())
    for directory, files in by_dir.items():
        try:
            proc = subprocess.run(["git", "status", "--porcelain", "-z", "--", *[f.name for f in files]],
                                  cwd=directory, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode != 0:
            continue  # not a work tree
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True,
                             text=True, check=False).stdout.strip()
        for entry in proc.stdout.decode("utf-8", "replace").split("\0"):
            if len(entry) > 3:
                dirty.append(Path(top) / entry[3:])
    return dirty


def _dirty(changed: list[FileResult], force: bool) -> list[Path]:
    """The files ``migrate`` would rewrite that have uncommitted changes (none with ``force``)."""
    return [] if force else dirty_files([r.source.path for r in changed])


def write_changed(changed: list[FileResult], force: bool) -> bool:
    """``migrate --write``: every changed file, each atomically. False when nothing was written because
    of uncommitted changes, when a file could not be written (the others are) or when a signal stopped
    the loop (between two files: every file is old or new)."""
    dirty = _dirty(changed, force)
    if dirty:
        shown = ", ".join(sorted(str(p) for p in dirty)[:5])
        err.print(f"[bold red]error:[/] uncommitted changes in files migrate would rewrite: {escape(shown)}"
                  f"{' …' if len(dirty) > 5 else ''}. Commit or stash them first (so `git diff` shows exactly "
                  "what migrator did), or pass --force.", markup=True)
        return False
    failed = written = 0
    stop: list[int] = []

    def _defer(signum: int, frame: object) -> None:  # finish the file being written, then stop
        stop.append(signum)

    previous = {sig: signal.signal(sig, _defer) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for r in changed:
            if stop:
                err.print(f"[bold red]interrupted:[/] {written} of {len(changed)} file(s) written; every other "
                          "file is unchanged (each write is all or nothing)", markup=True)
                return False
            assert r.new_bytes is not None  # a changed file
            try:
                atomic_write(r.source.path, r.new_bytes)
                written += 1
            except OSError as exc:
                failed += 1
                err.print(f"[bold red]error:[/] cannot write {escape(r.source.display)}: "
                          f"{escape(str(exc.strerror or exc))} (left as it was)", markup=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    err.print(f"{written} file(s) written")
    return not failed


def write_interactive(changed: list[FileResult], force: bool) -> bool:
    """``migrate --interactive``: review each hunk on the terminal (``interactive.review``), then write
    each file's accepted hunks atomically. False only when uncommitted changes stop it."""
    dirty = _dirty(changed, force)
    if dirty:
        err.print(f"[bold red]error:[/] uncommitted changes in {escape(str(dirty[0]))}: commit or stash "
                  "them first, or pass --force", markup=True)
        return False
    out = Console(highlight=False, soft_wrap=True)

    def write(r: FileResult, data: bytes) -> bool:
        try:
            atomic_write(r.source.path, data)
            return True
        except OSError as exc:
            err.print(f"cannot write {escape(r.source.display)}: {escape(str(exc.strerror or exc))}")
            return False

    tally = review(changed, ask=input, show=lambda text: out.print(escape(text.rstrip("\n"))), write=write)
    err.print(f"{tally.accepted} hunk(s) accepted, {tally.skipped} skipped, {tally.suppressed} suppressed; "
              f"{tally.files_written} file(s) written")
    return True
