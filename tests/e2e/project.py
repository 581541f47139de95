"""Migrate a small multi-module program with the engine API, the way the runner does.

Each file goes through ``migrator.engine.migrate`` with a project index built from the whole program
first (the clients, client factories and model constants each module exports), so a client built by
a factory in ``llm.py`` and used in ``chat.py`` is followed across modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrator.engine import migrate
from migrator.model import Finding
from migrator.resolve import ProjectIndex
from migrator.rules.base import Options
from migrator.scan import analyze, client_exports


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
    project = ProjectIndex()
    for rel, text in files.items():
        analysis = analyze(text, path=rel, options=options, module_name=module_name(rel))
        for export in client_exports(analysis, module_name(rel)):
            if isinstance(export, tuple):
                project.constants[export[0]] = export[1]
            else:
                project.add(export)
    out = Migrated({})
    for rel, text in files.items():
        outcome = migrate(text, settings=options, path=rel, module_name=module_name(rel), project=project)
        out.files[rel] = outcome.new_text
        out.findings.extend(outcome.findings)
        if outcome.error:
            out.errors[rel] = outcome.error
    return out


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
