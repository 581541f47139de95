"""``migrator explain`` shows fixture cases that ship inside the package: the copy is current, explain
reads it, and it is there when migrator is installed from its wheel, away from the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from migrator import examplegen, explain
from migrator.cli import app
from migrator.scan import rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def test_the_shipped_examples_are_current() -> None:
    assert not examplegen.stale(ROOT), f"stale {examplegen.DATA}: run {examplegen.COMMAND}"


def test_an_example_is_the_smallest_case_that_shows_the_rule() -> None:
    oa201 = explain.example("OA201")
    assert oa201 is not None and "chat.completions.create" in oa201
    for case in examplegen.cases(FIXTURES):
        if "OA201" in examplegen.codes_reported(case, "compat"):
            assert case.read_text(encoding="utf-8") == oa201
            break
    native = explain.example("OA161", "native")
    assert native is not None and explain.example("OA161") is None  # a native rule: a native-style case
    assert explain.example("OA999") is None


def test_every_python_rule_is_looked_up_in_its_style() -> None:
    data = json.loads((ROOT / examplegen.DATA).read_text(encoding="utf-8"))
    python_rules = {r.CODE: explain.style_of(r) for r in rules() if not isinstance(r, explain.FileRule)}
    for style in ("compat", "native"):
        assert set(data[style]) <= {c for c, s in python_rules.items() if s == style}
        assert all(case in data["cases"] for case in data[style].values())
    assert len(data["compat"]) > 30 and data["native"]


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr
    return done


def test_explain_from_an_installed_wheel(tmp_path: Path) -> None:
    """Build the wheel (from a copy of the files it is made of, so the build leaves nothing in the
    checkout), install it into a folder and run ``python -m migrator explain OA201`` there, with
    neither the checkout nor its fixtures on the path: it shows the shipped case, as in the checkout."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("migrator", "rules"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path / "dist"),
         str(source))
    (wheel,) = (tmp_path / "dist").glob("migrator-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert examplegen.DATA in names and "migrator/rules/registry.py" in names
    assert not [n for n in names if n.startswith(("rules/", "tests/"))]

    site = tmp_path / "site"
    _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--target", str(site),
         str(wheel))
    env = {**os.environ, "PYTHONPATH": str(site)}
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    probe = _run(sys.executable, "-c", "import json, sys, migrator.explain as e; print(json.dumps([e.__file__, sys.path]))",
                 cwd=outside, env=env)
    module, path = json.loads(probe.stdout)
    assert Path(module).is_relative_to(site)
    prefix = Path(sys.prefix).resolve()  # the interpreter's own folders (a .venv may sit in the checkout)
    for entry in path:
        resolved = Path(entry or outside).resolve()
        if resolved == prefix or prefix in resolved.parents:
            continue
        assert resolved != ROOT and ROOT not in resolved.parents, entry

    shown = _run(sys.executable, "-m", "migrator", "explain", "OA201", cwd=outside, env=env).stdout
    assert shown == CliRunner().invoke(app, ["explain", "OA201"]).stdout
    case = explain.example("OA201")
    rule = next(r for r in rules() if r.CODE == "OA201")
    assert case is not None and rule.__doc__ is not None
    only_in_case = set(case.splitlines()) - set(rule.__doc__.splitlines())
    removed = [line[len("    -"):] for line in shown.splitlines()
               if line.startswith("    -") and not line.startswith("    ---")]
    assert set(removed) & only_in_case, "the before/after is not the fixture case"
