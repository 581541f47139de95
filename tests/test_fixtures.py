"""The fixture matrix (design.md §5): every case × every target × every style that exists.

``tests/fixtures/<feature>/<case>/input.py`` holds the input; ``<target>.<style>.py`` the expected
output. Cases named ``noop_*`` must come back unchanged for every combination. Every run also
checks that the output parses and that a second run changes nothing. ``pytest --update-fixtures``
rewrites the expected files for review in the diff.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from migrator.engine import migrate
from migrator.rules.base import Options
from migrator.scan import analyze
from migrator.textio import decode, encode

FIXTURES = Path(__file__).parent / "fixtures"
TARGETS = ("qwen", "ernie", "glm")
STYLES = ("compat", "native")


def _cases() -> list:
    params = []
    for input_file in sorted(FIXTURES.glob("*/*/input.py")):
        case = input_file.parent
        for target in TARGETS:
            for style in STYLES:
                if style != "compat" and not case.name.startswith("noop_") \
                        and not (case / f"{target}.{style}.py").exists():
                    continue  # expected output not written yet for this style (noop cases run in every style)
                cid = f"{case.parent.name}/{case.name}[{target}-{style}]"
                params.append(pytest.param(case, target, style, id=cid))
    return params


def _options(case: Path, target: str, style: str) -> Options:
    models: dict[str, str] = {}
    extra = case / "models.txt"  # optional OLD=NEW lines, as --model would pass them
    if extra.exists():
        for line in extra.read_text().splitlines():
            if "=" in line:
                old, new = line.split("=", 1)
                models[old.strip()] = new.strip()
    return Options(target=target, style=style, models=models)


@pytest.mark.parametrize(("case", "target", "style"), _cases())
def test_fixture(case: Path, target: str, style: str, update_fixtures: bool) -> None:
    raw = (case / "input.py").read_bytes()
    decoded = decode(raw)  # BOM, encoding cookie and line endings are kept, byte for byte
    source = decoded.text
    options = _options(case, target, style)
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
    if case.name.startswith("noop_"):
        assert output_bytes == raw
        return
    expected_file = case / f"{target}.{style}.py"
    if update_fixtures:
        expected_file.write_bytes(output_bytes)
    assert expected_file.exists(), f"missing {expected_file.relative_to(FIXTURES)}; run pytest --update-fixtures"
    assert output_bytes == expected_file.read_bytes()


def test_fixture_matrix_is_large_enough() -> None:
    cases = list(FIXTURES.glob("*/*/input.py"))
    assert len(cases) >= 40, len(cases)
    assert any(c.parent.name.startswith("noop_") for c in cases)
