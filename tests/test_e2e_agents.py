"""OpenAI Agents SDK applications, migrated and run unedited against the stand-ins.

The Agents SDK needs ``pyjwt>=2.15`` while the native GLM SDK the other tests use (zai-sdk 0.0.3.4) pins
``pyjwt<2.9``, so the programs run in a virtual environment of their own with ``openai-agents`` installed from
the package registry once per test session (the range migrator's rule was checked against).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from e2e import project
from e2e.project import write_tree
from e2e.standin import reply_words
from test_e2e import (  # noqa: F401  (start_standin is a fixture)
    LEAK_PATH,
    OPENAI_KEY,
    TARGETS,
    _options,
    localize,
    run,
    start_standin,
)

AGENTS_REQUIREMENT = "openai-agents>=0.24,<0.25"

APP = '''\
import asyncio

from agents import Agent, Runner, function_tool


@function_tool
def order_status(order_id: str) -> str:
    """Look an order up."""
    return f"order {order_id} shipped"


orders = Agent(name="Orders", instructions="Use the order_status tool.", tools=[order_status], model="gpt-5-mini")
plain = Agent(name="Plain", instructions="Be brief.")


async def main() -> None:
    result = await Runner.run(orders, "Where is order 42")
    print("tool:", result.final_output)
    result = await Runner.run(plain, "Say hello")
    print("plain:", result.final_output)


asyncio.run(main())
'''


@pytest.fixture(scope="session")
def agents_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Python with the OpenAI Agents SDK (and not this project's test dependencies)."""
    venv = tmp_path_factory.mktemp("agents-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python"))
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", AGENTS_REQUIREMENT],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"cannot install {AGENTS_REQUIREMENT}: {done.stderr[-2000:]}"
    return python


@pytest.mark.parametrize("target", ["qwen", "ernie", "glm"])
def test_agents_program_runs_against_provider(target: str, tmp_path: Path, agents_python: str,
                                              start_standin) -> None:  # noqa: F811 (the fixture)
    """The SDK's default client points at the provider (its key), it speaks chat completions, tracing is off
    (nothing reaches the OpenAI path), the agents' models are the provider's, and a function tool round-trips."""
    server = start_standin(target)
    migrated = project.migrate_files({"app.py": APP}, _options(target))
    text = migrated.files["app.py"]
    assert "set_tracing_disabled(True)" in text and 'set_default_openai_api("chat_completions")' in text
    write_tree(tmp_path, {"app.py": localize(text, target, server.origin)})
    t = TARGETS[target]
    proc = run(tmp_path, "app", server, agents_python, **{t.key_env: t.key, "OPENAI_API_KEY": OPENAI_KEY})
    assert proc.returncode == 0, proc.stderr + text

    chat = server.provider.prefix + "/chat/completions"
    assert [r.path for r in server.requests] == [chat] * 3, [(r.path, r.status) for r in server.requests]
    assert all(r.status == 200 for r in server.requests), [r.response for r in server.requests]
    for rec in server.requests:
        assert rec.headers.get("authorization") == f"Bearer {t.key}"
        assert OPENAI_KEY not in repr(rec.headers) and OPENAI_KEY not in repr(rec.body)
        assert not rec.path.startswith(LEAK_PATH)
    first, answer, hello = (r.body for r in server.requests)
    assert first["tools"][0]["function"]["name"] == "order_status"
    assert answer["messages"][-1]["role"] == "tool" and answer["model"] == first["model"]
    assert proc.stdout.splitlines() == [
        f"tool: {''.join(reply_words(first['model']))}: order 42 shipped",
        f"plain: {''.join(reply_words(hello['model']))}",
    ]
    assert first["model"] != "gpt-5-mini" and hello["model"] != "gpt-5.6-luna"
