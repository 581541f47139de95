"""Writing files: atomic (temp file + rename), mode kept, and only with git's blessing."""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from pathlib import Path


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
