"""The examples ``migrator explain`` shows, copied from ``tests/fixtures`` into ``migrator/explain_examples.json``.

``python -m migrator.examplegen`` rewrites the file (``--check`` only says whether it is stale);
``tests/test_explain.py`` fails while the file in the checkout differs from what this module renders.
For every Python rule, in its style (``explain.style_of``), the entry is the smallest fixture case
(``input.py``, by size in bytes, then path; ``noop_*`` cases skipped) where the rule reports something
for ``--target qwen``: analysed for compat style, migrated for native style (the native rules read the
compat output). The output depends on the fixtures and the rules only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from migrator.engine import migrate
from migrator.explain import EXAMPLES_FILE, style_of
from migrator.model import Style
from migrator.rules.base import Options
from migrator.rules.features.files import FileRule
from migrator.rules.registry import all_rules
from migrator.scan import analyze
from migrator.textio import decode

ROOT = Path(__file__).resolve().parent.parent  # the checkout this module belongs to
FIXTURES = "tests/fixtures"
DATA = f"migrator/{EXAMPLES_FILE}"
COMMAND = "python -m migrator.examplegen"
TARGET = "qwen"


def cases(fixtures: Path) -> list[Path]:
    """The ``input.py`` of every case that is not a no-op, smallest first."""
    found = [p for p in fixtures.glob("*/*/input.py") if not p.parent.name.startswith("noop_")]
    return sorted(found, key=lambda p: (p.stat().st_size, p.relative_to(fixtures).as_posix()))


def codes_reported(case: Path, style: Style) -> set[str]:
    """The codes the case reports for the example target, in ``style``."""
    text = decode(case.read_bytes()).text
    options = Options(target=TARGET, style=style)
    try:
        outcome = (migrate(text, settings=options, path="input.py") if style == "native"
                   else analyze(text, path="input.py", options=options))
    except SyntaxError:
        return set()
    return {f.code for f in outcome.findings}


def examples(fixtures: Path) -> dict[str, dict]:
    """{"compat": code -> case, "native": code -> case, "cases": case -> its lines}; a case is named
    ``<feature>/<case>``."""
    wanted: dict[Style, set[str]] = {"compat": set(), "native": set()}
    for rule in all_rules():
        if not isinstance(rule, FileRule):  # a rule of another file kind shows its docstring's example
            wanted[style_of(rule)].add(rule.CODE)
    out: dict[str, dict] = {}
    sources: dict[str, list[str]] = {}
    all_cases = cases(fixtures)
    for style, codes in wanted.items():
        chosen: dict[str, str] = {}
        for case in all_cases:
            left = codes - chosen.keys()
            if not left:
                break
            hits = left & codes_reported(case, style)
            if hits:
                name = case.parent.relative_to(fixtures).as_posix()
                sources[name] = decode(case.read_bytes()).text.splitlines(keepends=True)
                chosen.update(dict.fromkeys(hits, name))
        out[style] = dict(sorted(chosen.items()))
    out["cases"] = dict(sorted(sources.items()))
    return out


def render(root: Path = ROOT) -> str:
    """The content of the data file."""
    doc = {"generated": f"by `{COMMAND}` from {FIXTURES}: add or change a fixture case, then run it again",
           **examples(root / FIXTURES)}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def stale(root: Path = ROOT) -> bool:
    """Whether the data file in ``root`` differs from what the fixtures give."""
    path = root / DATA
    return not path.is_file() or path.read_text(encoding="utf-8") != render(root)


def write(root: Path = ROOT) -> bool:
    """Rewrite the data file; whether it changed."""
    path = root / DATA
    text = render(root)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=f"Regenerate {DATA} from {FIXTURES}.")
    parser.add_argument("--check", action="store_true", help="only say whether it is stale (exit 1 if it is)")
    args = parser.parse_args(argv)
    if args.check:
        if stale():
            print(f"stale: {DATA} (run {COMMAND})")
            return 1
        return 0
    print(f"{'wrote' if write() else 'unchanged'}: {DATA}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
