"""Discover: command-line paths → the files to look at, with their kind (no reading of file contents).

Python modules, notebooks, .env files, dependency files and configuration files (``migrator.kinds``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pathspec

from migrator.kinds.base import kind_of, kind_of_name
from migrator.model import FileError, SourceFile

# Folders never worth scanning: tool caches, virtual environments, installed and built packages.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".migrator_cache", "__pycache__", "node_modules", "site-packages", "build", "dist",
    ".eggs", "*.egg-info", ".ipynb_checkpoints",
)


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path, cwd)).as_posix()
        except ValueError:
            return path.as_posix()


class _Ignore:
    """A gitignore spec, with one regex of all its patterns in front: a path that none of them matches
    is not ignored, so most paths are answered by one ``match`` instead of one per pattern."""

    def __init__(self, spec: pathspec.PathSpec) -> None:
        self.spec = spec
        parts = [p.regex.pattern.replace("(?P<ps_d>", "(?:") for p in spec.patterns
                 if getattr(p, "include", None) is not None and getattr(p, "regex", None) is not None]
        self.any = re.compile("|".join(f"(?:{x})" for x in parts)) if parts else None

    def match_file(self, path: str) -> bool:
        if self.any is None or self.any.match(path) is None:
            return False
        return self.spec.match_file(path)


def _spec(patterns: list[str]) -> _Ignore:
    return _Ignore(pathspec.GitIgnoreSpec.from_lines(patterns))


def _gitignore(directory: Path) -> _Ignore | None:
    f = directory / ".gitignore"
    try:
        lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _spec(lines) if lines else None


def _ancestor_ignores(root: Path) -> list[tuple[Path, _Ignore]]:
    """The .gitignore files above ``root`` up to the top of its git work tree (none outside one)."""
    if (root / ".git").exists():
        return []
    found: list[tuple[Path, _Ignore]] = []
    for d in root.parents:
        spec = _gitignore(d)
        if spec is not None:
            found.append((d, spec))
        if (d / ".git").exists():
            return found
    return []


_DEFAULT_NAMES = frozenset(n for n in DEFAULT_EXCLUDES if "*" not in n)


NO_SUCH_PATH = "no such file or directory"


def discover(paths: list[Path], *, cwd: Path, exclude: list[str] | None = None) -> tuple[list[SourceFile], list[FileError]]:
    """The files under ``paths`` that migrator reads, honouring .gitignore and excludes; never leaves a root
    through a link."""
    excludes = _spec(list(exclude)) if exclude else None  # the defaults are checked by name, faster
    files: list[SourceFile] = []
    errors: list[FileError] = []
    seen: set[Path] = set()
    for raw in paths:
        path = (cwd / raw) if not raw.is_absolute() else raw
        shown = display_path(path, cwd)
        if not path.exists():
            errors.append(FileError(shown, NO_SUCH_PATH))
            continue
        if path.is_file():
            kind = kind_of(path) or ("python" if path.suffix == "" else None)
            if kind is None:
                errors.append(FileError(shown, "not a file migrator reads (.py, .ipynb, .env, requirements, "
                                               "pyproject.toml, setup.cfg, Pipfile, YAML, JSON, TOML)"))
                continue
            resolved = path.resolve()
            if resolved not in seen and path not in seen:
                seen.update((resolved, path))
                files.append(SourceFile(path, shown, explicit=True, kind=kind))
            continue
        ignores = _ancestor_ignores(path.resolve())
        templates: list[Path] = []
        _walk(path, cwd, excludes, ignores, files, errors, seen, templates)
        for p in _tracked(path, templates):
            seen.add(p)
            files.append(SourceFile(p, display_path(p, cwd), kind="env"))
    return files, errors


def _tracked(top: Path, candidates: list[Path]) -> list[Path]:
    """The candidates git tracks. A .gitignore line such as ``.env.*`` keeps secrets out of git, yet the
    ``.env.example`` committed beside it is part of the repository (git ignores only untracked files)."""
    if not candidates:
        return []
    import subprocess

    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--", *[str(c) for c in candidates]],
                              cwd=top, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    listed = {(top / name).resolve() for name in proc.stdout.decode("utf-8", "replace").split("\0") if name}
    return [c for c in candidates if c.resolve() in listed]


def _walk(top: Path, cwd: Path, excludes: _Ignore | None,
          ignores: list[tuple[Path, _Ignore]], files: list[SourceFile], errors: list[FileError],
          seen: set[Path], templates: list[Path]) -> None:
    stack: list[tuple[Path, list[tuple[Path, _Ignore]]]] = [(top, ignores)]
    while stack:
        directory, active = stack.pop()
        own = _gitignore(directory)
        if own is not None:
            active = [*active, (directory, own)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            errors.append(FileError(display_path(directory, cwd), f"cannot read folder: {exc.strerror or exc}"))
            continue
        subdirs = []
        for entry in entries:
            p = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir and (entry.name in _DEFAULT_NAMES or entry.name.endswith(".egg-info")):
                continue
            if excludes is not None:
                rel_root = p.relative_to(top).as_posix() if p != top else p.name
                if _excluded(excludes, entry.name, rel_root, is_dir):
                    continue
            if active and any(_excluded(spec, entry.name, p.relative_to(base).as_posix(), is_dir)
                              for base, spec in active):
                if not is_dir and not is_link and entry.name.startswith(".env.") and kind_of(p) == "env":
                    templates.append(p)  # kept if git tracks it (.env.example under a `.env.*` line)
                continue
            if is_dir:
                if (p / "pyvenv.cfg").exists():  # a virtual environment under any name
                    continue
                subdirs.append(p)
                continue
            if is_link:
                # a link to a file inside the root is found where it lives; one outside is never followed
                continue
            kind = kind_of_name(entry.name, directory.name)
            if kind is None or entry.name.endswith(".pyi"):
                continue  # .pyi stubs are read only when named
            if p in seen:  # no links are followed, so a path names its file
                continue
            seen.add(p)
            files.append(SourceFile(p, display_path(p, cwd), kind=kind))
        for d in reversed(subdirs):
            stack.append((d, active))


def _excluded(spec: _Ignore, name: str, rel: str, is_dir: bool) -> bool:
    suffix = "/" if is_dir else ""
    return spec.match_file(rel + suffix) or spec.match_file(name + suffix)
