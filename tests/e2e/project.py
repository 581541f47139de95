"""Migrate a small multi-module program with the engine API, the way the runner does.

Each file goes through ``migrator.engine.migrate`` with a project index built from the whole program
first (the clients, client factories and model constants each module exports), so a client built by
a factory in ``llm.py`` and used in ``chat.py`` is followed across modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrator.model import Finding
from migrator.rules.base import Options


@dataclass
class Migrated:
    files: dict[str, str]  # relative path -> new text (the old text when the file was left alone)
    findings: list[Finding] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # relative path -> why the rewrite was refused


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def read_tree(root: Path, package: str) -> dict[str, str]:
    """The Python files of ``root/package``, keyed by their path relative to ``root``."""
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / package).rglob("*.py")) if "__pycache__" not in p.parts}


def migrate_files(files: dict[str, str], options: Options) -> Migrated:
    """Migrate like ``migrator migrate`` does: discovery and the runner over a copy of the files (so the
    project index and, in native style, the decisions about clients shared between modules are the
    tool's own)."""
    import tempfile

    from migrator.discover import discover
    from migrator.runner import run

    out = Migrated(dict(files))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(root, files)
        sources, errors = discover([root], cwd=root)
        assert not errors, errors
        for result in run(sources, options, "migrate", roots=[root], jobs=1):
            rel = result.source.path.relative_to(root).as_posix()
            out.findings.extend(result.findings)
            if result.error is not None:
                out.errors[rel] = result.error.message
            elif result.new_text is not None:
                out.files[rel] = result.new_text
    return out


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
