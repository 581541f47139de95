"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists() or not Path(PRE_COMMIT).exists(),
                                reason="needs a git checkout of migrator and pre-commit")


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


def test_hooks_check_then_migrate(tmp_path: Path) -> None:
    repo = tmp_path / "app"
    repo.mkdir()
    (repo / "app.py").write_text('from openai import OpenAI\nclient = OpenAI()\n')
    (repo / ".env.example").write_text("OPENAI_API_KEY=\n")  # other file kinds reach the hooks too
    (repo / "package.json").write_text('{"name": "web", "description": "uses openai"}\n')
    (repo / "pyproject.toml").write_text('[tool.migrator]\ntarget = "glm"\n')
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def hook(name: str) -> subprocess.CompletedProcess:
        return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), name, "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600)

    check = hook("migrator-check")
    assert check.returncode == 1 and "OA101" in check.stdout and ".env.example:1:1: OA105" in check.stdout
    assert "package.json" not in check.stdout
    fixed = hook("migrator-migrate")
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout
    assert "open.bigmodel.cn" in (repo / "app.py").read_text()
    assert (repo / ".env.example").read_text() == "ZHIPUAI_API_KEY=\n"
    assert hook("migrator-check").returncode == 0
    assert hook("migrator-migrate").returncode == 0
