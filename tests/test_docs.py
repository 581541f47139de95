"""The documentation: generated pages are current, relative links resolve, the README stays a front page."""

from __future__ import annotations

import re
from pathlib import Path

from migrator import docgen

ROOT = Path(__file__).resolve().parent.parent
README_MAX_LINES = 250

# [text](target) and [text]: target; images too. Code spans and fenced blocks are removed first.
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")


def _pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _links(text: str) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", text))
    return _INLINE.findall(text) + _REFERENCE.findall(text)


def test_generated_pages_are_current() -> None:
    stale = docgen.stale(ROOT)
    assert not stale, f"stale generated pages {stale}: run python -m migrator.docgen"


def test_generated_pages_are_deterministic() -> None:
    assert docgen.pages() == docgen.pages()


def test_relative_links_point_at_files() -> None:
    broken = []
    for page in _pages():
        for target in _links(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
                continue  # a URL (https:, mailto:) or an anchor in the same page
            path = target.split("#", 1)[0].split("?", 1)[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_the_link_finder_sees_links() -> None:
    text = "[a](docs/a.md) `[b](b.md)` ![c](img/c.png \"title\")\n```\n[d](d.md)\n```\n[e]: e.md\n"
    assert _links(text) == ["docs/a.md", "img/c.png", "e.md"]


def test_readme_is_a_front_page() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines: move details into docs/"


def test_readme_starts_with_the_two_commands() -> None:
    """The first two commands: install and migrate the bundled example, install and run the tests (.ci/run)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```bash\n(.*?)\n```", text, re.MULTILINE | re.DOTALL)
    assert blocks[0] == ("python3 -m venv .venv && .venv/bin/pip install -e . && "
                         ".venv/bin/migrator migrate --target qwen examples/support_bot")
    assert blocks[1] == ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
                         ".venv/bin/ruff check . && .venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in ci
    assert ".venv/bin/ruff check ." in ci and ".venv/bin/pytest" in ci
