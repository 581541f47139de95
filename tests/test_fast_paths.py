"""The shortcuts taken for speed answer exactly what the full work answers (issue: speed).

- The binding collector skips expressions when the source has no ``:=``; the attribute-import pass skips its
  walk when the text shows it has nothing to find (``migrator/resolve.py``). Both are compared with the full
  walks on every Python input of the fixtures, and on cases written to sit at their edges.
- Discovery puts one combined regex in front of each gitignore spec (``migrator/discover.py``); it is compared
  with pathspec alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pathspec
import pytest

from migrator.discover import _spec
from migrator.resolve import ClassInfo, Resolver, Scope

FIXTURES = Path(__file__).parent / "fixtures"

EDGES = [
    "import app.llm\nclient = (app\n    ).llm.client\n",
    "import app.llm as llm  # the module\nc = llm \\\n    .client\n",
    "from app import llm\nx = llm  # ## a comment full of # signs ####\\\n",
    "from app import llm\nx = (llm  # trailing comment\n     .client)\n",
    "from app import llm\nif (c := llm.client):\n    pass\n",
    "import numpy as np\nclass A:\n    try:\n        x = np.zeros(1)\n    except* ValueError:\n        y = 1\n",
    "from app import cfg\nmatch cfg.mode:\n    case 'a':\n        client = cfg.client\n    case _:\n        pass\n",
    "from app import llm\nwith llm.Client() as c, open('f') as g:\n    for i in range(2):\n        d = c\n"
    "    else:\n        e = lambda: (f := 1)\n",
]


def _key(value: object) -> object:
    if isinstance(value, ast.AST):
        return ("node", id(value))
    if isinstance(value, Scope):
        return ("scope", id(value.node))
    if isinstance(value, ClassInfo):
        return ("class", id(value.node))
    return (type(value).__name__, getattr(value, "name", None), id(getattr(value, "node", None)))


def _facts(r: Resolver) -> object:
    scopes = [r.module_scope, *r.scope_of.values()]
    bindings = [(id(s.node), {name: [tuple(_key(part) for part in entry) for entry in entries]
                              for name, entries in s.bindings.items()},
                 [id(x) for x in s.returns], s.self_name, s.star_openai) for s in scopes]
    attrs = [(id(s.cls.node), {k: [(id(v), id(sc.node)) for v, sc in vs] for k, vs in s.cls.attrs.items()},
              {k: [(id(v), id(sc.node)) for v, sc in vs] for k, vs in s.cls.annotations.items()})
             for s in scopes if s.cls is not None]
    return (bindings, attrs, r.project_imports, sorted(r.openai_names), r.agents_sdk, sorted(r.cli_options))


def _python_inputs() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name.startswith("input") and p.suffix == ".py")


def test_fixtures_have_python_inputs() -> None:
    assert len(_python_inputs()) > 100


@pytest.mark.parametrize("text", EDGES + [p.read_text(encoding="utf-8") for p in _python_inputs()])
def test_resolver_shortcuts_agree_with_the_full_walks(text: str) -> None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        pytest.skip("not Python (a case of invalid input)")
    fast = Resolver(tree, "pkg.mod", text=text)
    full = Resolver(tree, "pkg.mod")
    assert _facts(fast) == _facts(full)


def test_attribute_imports_are_found_across_lines_and_comments() -> None:
    for text in EDGES[:2] + EDGES[3:4]:
        r = Resolver(ast.parse(text), "pkg.mod", text=text)
        assert any(q.endswith(".client") for q in r.project_imports), text


PATTERNS = ["*.pyc", "!keep.pyc", "build/", "/dist", "docs/**/*.md", "!docs/keep/*.md", "secret?.env", "[Tt]mp/",
            "\\#hash", "a/**/b", "*.log", "!important.log"]
PATHS = ["x.pyc", "keep.pyc", "src/keep.pyc", "build/", "src/build/", "build", "dist", "src/dist", "dist/",
         "docs/a/b.md", "docs/keep/c.md", "secret1.env", "secret12.env", "Tmp/", "tmp/", "#hash", "a/b",
         "a/x/y/b", "app.log", "important.log", "main.py", "src/main.py", ".env", "docs/"]


def test_gitignore_prefilter_agrees_with_pathspec() -> None:
    plain = pathspec.GitIgnoreSpec.from_lines(PATTERNS)
    ours = _spec(PATTERNS)
    assert [ours.match_file(p) for p in PATHS] == [plain.match_file(p) for p in PATHS]
    assert any(plain.match_file(p) for p in PATHS) and not all(plain.match_file(p) for p in PATHS)
