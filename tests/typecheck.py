"""Type-check the package as it installs: ``python tests/typecheck.py`` (tests/test_types.py runs it).

The source tree maps two folders onto one package (``migrator/`` and ``rules/`` as ``migrator.rules``,
see ``[tool.setuptools]`` in pyproject.toml), which mypy cannot read from the checkout: it names
``rules/spec.py`` ``rules.spec`` while the code imports ``migrator.rules.spec``. So this builds the
installed layout out of symbolic links in a temporary folder (copies where links are not allowed),
runs mypy there with the project's ``[tool.mypy]`` settings, and prints its report with the paths of
the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _link(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source, target_is_directory=source.is_dir())
    except OSError:
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def _layout(folder: Path) -> Path:
    package = folder / "migrator"
    package.mkdir()
    for entry in (ROOT / "migrator").iterdir():
        if entry.name != "__pycache__":
            _link(entry, package / entry.name)
    _link(ROOT / "rules", package / "rules")
    return folder


def _to_checkout(line: str) -> str:
    return re.sub(r"^migrator/rules/", "rules/", line)


def run(extra: list[str] | None = None) -> tuple[int, str]:
    """mypy's exit status and its report, paths as in the checkout."""
    with tempfile.TemporaryDirectory(prefix="migrator-types-") as tmp:
        folder = _layout(Path(tmp))
        command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                   "--cache-dir", str(ROOT / ".mypy_cache"), "-p", "migrator", *(extra or [])]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                              env={**os.environ, "MYPYPATH": ""})
    report = "\n".join(_to_checkout(line) for line in (done.stdout + done.stderr).splitlines())
    return done.returncode, report


def main() -> int:
    status, report = run(sys.argv[1:])
    print(report)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
