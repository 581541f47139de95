"""The output must not depend on the order of sets: ``PYTHONHASHSEED`` changes it from run to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SOURCES = {
    # the class is one of several: picking the first of a set of values picked a different one per seed
    "class_choice": (
        "from openai import AsyncAzureOpenAI, AzureOpenAI\n\n\n"
        "def make(asynchronous: bool):\n"
        "    cls = AsyncAzureOpenAI if asynchronous else AzureOpenAI\n"
        '    return cls(azure_endpoint="https://contoso.openai.azure.com", api_version="2024-06-01")\n'
    ),
    "sync_async": (
        "from openai import AsyncOpenAI, OpenAI\n\n"
        "cls = AsyncOpenAI if True else OpenAI\n"
        "client = cls()\n"
        'r = client.chat.completions.create(model="gpt-4o", messages=[])\n'
    ),
    # literals and environment reads reached through several instances or branches
    "literal_sources": (
        "import os\nfrom openai import OpenAI\n\nclient = OpenAI()\n\n\n"
        'class Fast:\n    model = "gpt-4o-mini"\n\n\nclass Smart:\n    model = "gpt-4o"\n\n\n'
        'cfg = Fast() if os.environ.get("FAST") else Smart()\n'
        "r = client.chat.completions.create(model=cfg.model, messages=[])\n"
        'key = os.getenv("OPENAI_API_KEY") if cfg else os.getenv("OTHER_KEY")\n'
        "c2 = OpenAI(api_key=key)\n"
    ),
}

SCRIPT = """
import json, sys
from migrator.engine import migrate
from migrator.rules.base import Options
src = sys.stdin.read()
out = {}
for style in ("compat", "native"):
    o = migrate(src, settings=Options(target="qwen", style=style), path="m.py")
    out[style] = [o.new_text, [(f.span.line, f.code, f.severity.value, f.message) for f in o.findings]]
print(json.dumps(out))
"""


def _run(source: str, seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=source, capture_output=True, text=True, env=env,
                          check=True, timeout=120)
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_output_does_not_depend_on_the_hash_seed(name: str) -> None:
    runs = [_run(SOURCES[name], seed) for seed in ("0", "1", "2", "3")]
    assert runs[0] == runs[1] == runs[2] == runs[3]
