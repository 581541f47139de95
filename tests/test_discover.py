"""Discovery: .gitignore, default excludes, virtual environments, symlinks out of the root."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.discover import discover


def _names(tmp: Path, *args: Path, exclude: list[str] | None = None) -> set[str]:
    files, errors = discover(list(args) or [tmp], cwd=tmp, exclude=exclude)
    return {f.display for f in files}


def test_gitignore_and_default_excludes(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.py\n")
    for rel in ("app.py", "pkg/mod.py", "generated/out.py", "x.tmp.py", "node_modules/a.py", "build/b.py",
                "__pycache__/c.py", "env/lib/site.py", "notes.txt", "pkg/sub/.gitignore"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("ignored.py\n" if rel.endswith(".gitignore") else "x = 1\n")
    (tmp_path / "pkg/sub/ignored.py").write_text("x = 1\n")
    (tmp_path / "pkg/sub/kept.py").write_text("x = 1\n")
    (tmp_path / "env/pyvenv.cfg").write_text("home = /usr\n")
    assert _names(tmp_path) == {"app.py", "pkg/mod.py", "pkg/sub/kept.py"}
    assert _names(tmp_path, exclude=["pkg/"]) == {"app.py"}


def test_explicit_file_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.txt").write_text("x\n")
    files, errors = discover([Path("a.py"), Path("b.txt"), Path("missing")], cwd=tmp_path)
    assert [f.display for f in files] == ["a.py"] and files[0].explicit
    assert {e.path: e.message for e in errors} == {"b.txt": "not a file migrator reads (.py, .ipynb, .env, requirements, "
                                                                "pyproject.toml, setup.cfg, Pipfile, YAML, JSON, TOML)",
                                                   "missing": "no such file or directory"}


def test_symlinks_never_leave_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("x = 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "real.py").write_text("x = 1\n")
    os.symlink(outside, root / "linked_dir")
    os.symlink(outside / "secret.py", root / "linked_file.py")
    os.symlink(root / "real.py", root / "alias.py")
    assert _names(tmp_path, root) == {"root/real.py"}
