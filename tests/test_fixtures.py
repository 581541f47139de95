"""The fixture matrix (design.md §5): every case × every target × every style that exists.

``tests/fixtures/<feature>/<case>/input.py`` holds the input; ``<target>.<style>.py`` the expected
output. Cases named ``noop_*`` must come back unchanged for every combination (in native style, code
already on the target provider's compat endpoint moves to its SDK: such a case has a native file). Every run also
checks that the output parses and that a second run changes nothing. ``pytest --update-fixtures``
rewrites the expected files for review in the diff.

Other file kinds (``migrator.kinds``) work the same way with their own extension: ``input.ipynb`` →
``qwen.compat.ipynb``, ``input.env``, ``input.txt`` (requirements), ``input.toml`` (pyproject),
``input.cfg`` (setup.cfg), ``input.yml`` / ``.yaml`` / ``.json`` (configuration). A ``kind.txt`` in the
case names the kind where the extension does not (``setup_py``, ``pipfile``, ``config``). A case is run
in native style as well when it has an expected ``*.native.*`` file.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

import pytest

from migrator.engine import migrate
from migrator.model import Finding
from migrator.rules import providers
from migrator.rules.base import Options
from migrator.scan import analyze
from migrator.textio import decode, encode

FIXTURES = Path(__file__).parent / "fixtures"
TARGETS = providers.builtin_targets()  # every provider module: a new one joins with its expected files
STYLES = ("compat", "native")  # native: for the targets with a native SDK rewrite


KIND_BY_EXTENSION = {"ipynb": "notebook", "env": "env", "txt": "requirements", "cfg": "setup_cfg",
                     "toml": "pyproject", "yml": "config", "yaml": "config", "json": "config"}


def case_kind(input_file: Path) -> str:
    """The file kind of a fixture input: ``kind.txt`` in the case, else by extension."""
    hint = input_file.parent / "kind.txt"
    if hint.exists():
        return hint.read_text().strip()
    ext = input_file.name.split(".", 1)[1]
    return "python" if ext == "py" else KIND_BY_EXTENSION[ext]


def _cases() -> list:
    params = []
    for input_file in sorted(FIXTURES.glob("*/*/input.py")):
        case = input_file.parent
        for target in TARGETS:
            for style in STYLES:
                if style == "native" and providers.load(target).native is None:
                    continue
                cid = f"{case.parent.name}/{case.name}[{target}-{style}]"
                params.append(pytest.param(case, target, style, id=cid))
    return params


def file_inputs() -> list[Path]:
    """Inputs of the other file kinds (and of Python files read as another kind, such as setup.py)."""
    return sorted(p for p in FIXTURES.glob("*/*/input.*") if p.suffix != ".py" or (p.parent / "kind.txt").exists())


def _file_cases() -> list:
    params = []
    for input_file in file_inputs():
        case = input_file.parent
        styles = ("compat", "native") if any(case.glob("*.native.*")) else ("compat",)
        for target in TARGETS:
            for style in styles:
                if style == "native" and providers.load(target).native is None:
                    continue
                cid = f"{case.parent.name}/{case.name}[{target}-{style}]"
                params.append(pytest.param(input_file, target, style, id=cid))
    return params


def _options(case: Path, target: str, style: str) -> Options:
    models: dict[str, str] = {}
    extra = case / "models.txt"  # optional OLD=NEW lines, as --model would pass them
    if extra.exists():
        for line in extra.read_text().splitlines():
            if "=" in line:
                old, new = line.split("=", 1)
                models[old.strip()] = new.strip()
    options = Options(target=target, style=style, models=models)
    settings = case / "options.txt"  # optional key=value lines, as flags would set them (responses=chat)
    if settings.exists():
        for line in settings.read_text().splitlines():
            if "=" in line:
                key, value = (x.strip() for x in line.split("=", 1))
                assert key in ("responses", "region"), f"{settings}: unknown option {key!r}"
                options = replace(options, **{key: value})
    return options


@pytest.mark.parametrize(("case", "target", "style"), [c for c in _cases() if not (c.values[0] / "kind.txt").exists()])
def test_fixture(case: Path, target: str, style: str, update_fixtures: bool) -> None:
    raw = (case / "input.py").read_bytes()
    decoded = decode(raw)  # BOM, encoding cookie and line endings are kept, byte for byte
    source = decoded.text
    options = _options(case, target, style)
    if case.name.startswith("noop_"):  # code nothing rewrites: a TODO marker would be the only change
        options = replace(options, todo_comments=False)
    outcome = migrate(source, settings=options, path="input.py")
    assert outcome.error is None, outcome.error
    output = outcome.new_text
    ast.parse(output)
    # idempotent: a second run plans nothing and changes nothing
    again = migrate(output, settings=options, path="input.py")
    assert again.error is None, again.error
    assert again.new_text == output
    # every finding the rewrite called auto is gone from a scan of the output
    left = [f for f in analyze(output, path="input.py", options=options).findings if f.severity.value == "auto"]
    assert not left, [f"{f.span.line}:{f.code} {f.message}" for f in left]
    output_bytes = encode(output, decoded)
    expected_file = case / f"{target}.{style}.py"
    _expected_findings(case, target, style, outcome.findings, update_fixtures)
    if case.name.startswith("noop_"):
        # unchanged, except where native style deliberately moves code already on the provider to its SDK
        if style == "native" and update_fixtures and output_bytes != raw:
            expected_file.write_bytes(output_bytes)
        assert output_bytes == (expected_file.read_bytes() if style == "native" and expected_file.exists() else raw)
        return
    if update_fixtures:
        expected_file.write_bytes(output_bytes)
    assert expected_file.exists(), f"missing {expected_file.relative_to(FIXTURES)}; run pytest --update-fixtures"
    assert output_bytes == expected_file.read_bytes()


def _expected_findings(case: Path, target: str, style: str, findings: list, update: bool) -> None:
    """``<target>.<style>.findings``: the findings (line, column, code, severity, message), one per line: a
    case's findings are part of its contract, as its output is (``--update-fixtures`` writes them)."""
    file = case / f"{target}.{style}.findings"
    def where(f: Finding) -> str:  # a notebook's finding: the cell, then the line in the cell
        return f"{'' if f.cell is None else f'cell {f.cell} '}{f.span.line}:{f.span.column}"

    text = "".join(f"{where(f)} {f.code} {f.severity.value} {f.message}\n"
                   for f in sorted(findings, key=lambda f: (f.cell or 0, f.span.line, f.span.column, f.code)))
    if update:
        file.write_text(text, encoding="utf-8")
    assert file.exists(), f"missing {file.relative_to(FIXTURES)}; run pytest --update-fixtures"
    assert text == file.read_text(encoding="utf-8")


def test_fixture_matrix_is_large_enough() -> None:
    cases = list(FIXTURES.glob("*/*/input.py"))
    assert len(cases) >= 40, len(cases)
    assert any(c.parent.name.startswith("noop_") for c in cases)


@pytest.mark.parametrize(("input_file", "target", "style"), _file_cases())
def test_file_fixture(input_file: Path, target: str, style: str, update_fixtures: bool) -> None:
    """Notebooks, .env, dependency and configuration files: the expected bytes and findings, verified and
    idempotent."""
    case = input_file.parent
    kind = case_kind(input_file)
    raw = input_file.read_bytes()
    decoded = decode(raw)
    options = _options(case, target, style)
    name = input_file.name
    outcome = migrate(decoded.text, kind, options, path=name)
    assert outcome.error is None, outcome.error
    again = migrate(outcome.new_text, kind, options, path=name)
    assert again.error is None, again.error
    assert again.new_text == outcome.new_text  # a second run changes nothing
    output_bytes = encode(outcome.new_text, decoded)
    if kind == "notebook":
        before, after = json.loads(raw), json.loads(output_bytes)
        for old, new in zip(before["cells"], after["cells"], strict=True):
            old.pop("source")
            new.pop("source")
            assert old == new  # outputs, metadata, ids, attachments: untouched
        assert {k: v for k, v in before.items() if k != "cells"} == {k: v for k, v in after.items() if k != "cells"}
    if kind == "setup_py":
        ast.parse(outcome.new_text)
    _expected_findings(case, target, style, outcome.findings, update_fixtures)
    if case.name.startswith("noop_"):
        assert output_bytes == raw
        return
    expected_file = case / f"{target}.{style}.{name.split('.', 1)[1]}"
    if update_fixtures:
        expected_file.write_bytes(output_bytes)
    assert expected_file.exists(), f"missing {expected_file.relative_to(FIXTURES)}; run pytest --update-fixtures"
    assert output_bytes == expected_file.read_bytes()
    assert outcome.findings


def test_every_file_kind_has_cases() -> None:
    kinds = {case_kind(p) for p in file_inputs()}
    assert kinds >= {"notebook", "env", "requirements", "pyproject", "setup_cfg", "setup_py", "pipfile", "config"}
    assert any(p.parent.name.startswith("noop_") and case_kind(p) == "notebook" for p in file_inputs())
