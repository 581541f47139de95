"""End-to-end: a migrated OpenAI-SDK program works against each provider's documented wire format.

A small program (a client factory module and a module that chats, streams, embeds and catches
``openai.RateLimitError``) is migrated file by file with the engine API, its provider base URL is
pointed at a local stand-in server (only scheme+host change: the documented path stays), and it is
run in a subprocess with the provider key set and a *different* ``OPENAI_API_KEY`` in the
environment. The stand-in (``tests/e2e/standin.py``) checks requests strictly and records them.

Network safety: every request goes to 127.0.0.1. The subprocess gets ``OPENAI_BASE_URL`` pointing at
a path of the stand-in that no provider serves (so a client the migration missed is caught locally
and shows up in the records) and dead local proxies for anything that is not 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import openai
import pytest
from e2e import project
from e2e.project import write_tree
from e2e.standin import StandIn

from migrator.model import Finding
from migrator.rules import providers
from migrator.rules.base import Options
from migrator.settings import find_config, load

OPENAI_KEY = "sk-proj-OPENAI-KEY-MUST-NOT-LEAK-0000"
LEAK_PATH = "/openai-leak/v1"  # OPENAI_BASE_URL of the subprocess: no provider serves it


@dataclass(frozen=True)
class Target:
    key_env: str
    key: str
    base_url: str  # documented compat base URL (providers.md §2.1, §3.1, §4.1)
    chat_model: str  # gpt-4o-mini maps to
    big_model: str  # gpt-4o maps to
    embed_model: str  # text-embedding-3-* maps to
    small_dim: int | None  # dimensions= sent for text-embedding-3-small (None: not sent)
    small_vec: int  # length of the vectors that come back
    large_dim: int | None  # the same for text-embedding-3-large
    large_vec: int
    image_model: str | None  # dall-e-3 maps to (None: no compat image endpoint)
    thinking: dict | None  # extra body field that switches thinking off (None: nothing expected)


TARGETS = {
    "qwen": Target("DASHSCOPE_API_KEY", "sk-dashscope-standin-0001",
                   "https://dashscope.aliyuncs.com/compatible-mode/v1",
                   "qwen-flash", "qwen-plus", "text-embedding-v4", 1536, 1536, 2048, 2048, None, None),
    "ernie": Target("QIANFAN_API_KEY", "bce-v3/ALTAK-standin/0001",
                    "https://qianfan.baidubce.com/v2",
                    "ernie-4.5-turbo-32k", "ernie-4.5-turbo-128k", "bge-large-zh", None, 1024, None, 1024,
                    "irag-1.0", None),
    "glm": Target("ZHIPUAI_API_KEY", "0123456789abcdef.standinsecret",
                  "https://open.bigmodel.cn/api/paas/v4/",
                  "glm-4.5-air", "glm-4.6", "embedding-3", 1024, 1024, 2048, 2048,
                  "cogview-4-250304", {"type": "disabled"}),
    # chat-only providers (no embeddings endpoint the spec vouches for, no image endpoint)
    "deepseek": Target("DEEPSEEK_API_KEY", "sk-0123456789abcdef0123456789abcdef",
                       "https://api.deepseek.com",
                       "deepseek-flash", "deepseek-v4-pro", "", None, 0, None, 0, None, {"type": "disabled"}),
    "kimi": Target("MOONSHOT_API_KEY", "sk-kimistandin0123456789abcdefABCDEF0123",
                   "https://api.moonshot.cn/v1",
                   "kimi-k2.5", "kimi-k2.6", "", None, 0, None, 0, None, {"type": "disabled"}),
    "doubao": Target("ARK_API_KEY", "ark-standin-0001",
                     "https://ark.cn-beijing.volces.com/api/v3",
                     "doubao-seed-2-1-turbo-260628", "doubao-seed-2-1-pro-260628", "", None, 0, None, 0, None,
                     {"type": "disabled"}),
    # a custom target from configuration (GATEWAY_TOML): an OpenAI-compatible gateway
    "gateway": Target("GATEWAY_API_KEY", "gw-standin-key-0001",
                      "https://llm.internal.example/v1",
                      "qwen3-32b", "qwen3-235b-a22b", "bge-m3", 1024, 1024, 1024, 1024, None, None),
}

GATEWAY_TOML = """\
[tool.migrator.providers.gateway]
display = "Internal gateway"
base_url = "https://llm.internal.example/v1"
api_key_env = "GATEWAY_API_KEY"
unsupported = ["images", "audio"]
renamed_params = { max_completion_tokens = "max_tokens" }

[tool.migrator.providers.gateway.models]
"gpt-4o" = "qwen3-235b-a22b"
"gpt-4o-mini" = "qwen3-32b"
"text-embedding-3-small" = { model = "bge-m3", dimensions = 1024 }
"text-embedding-3-large" = { model = "bge-m3", dimensions = 1024 }
"""


def _has_embeddings(target: str) -> bool:
    spec = providers.load(target) if target in providers.builtin_targets() else None
    return spec is None or spec.unsupported_reason("embeddings") is None


# targets whose spec migrates embeddings run the full app; the others a chat-only program (the lists
# come from the provider data, not from names)
EMBEDDING_TARGETS = [t for t in TARGETS if _has_embeddings(t)]
CHAT_ONLY_TARGETS = [t for t in TARGETS if not _has_embeddings(t)]
BUILTIN_EMBEDDING_TARGETS = [t for t in EMBEDDING_TARGETS if t in providers.builtin_targets()]

# ---------------------------------------------------------------------------------------------
# The program under test (OpenAI SDK v1, as a user would write it)

CLIENTS_PY = '''\
"""Client factory shared by the app."""
import os

from openai import OpenAI


def make_client() -> OpenAI:
    return OpenAI(api_key=os.getenv("OPENAI_API_KEY"), timeout=5.0)
'''

CHAT_PY = '''\
"""Ask, stream and embed with the OpenAI SDK."""
import sys

import openai

from app.clients import make_client

CHAT_MODEL = "gpt-4o-mini"
EMBED_MODEL = "text-embedding-3-small"

client = make_client()


def ask(question: str) -> str:
    try:
        resp = client.chat.completions.create(
            model=CHAT_MODEL,
            messages=[
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": question},
            ],
            temperature=0.7,
            max_completion_tokens=64,
        )
    except openai.RateLimitError as exc:
        return f"rate-limited ({exc.status_code})"
    return resp.choices[0].message.content


def stream(question: str) -> str:
    parts = []
    usage = None
    for chunk in client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": question}],
        stream=True,
        stream_options={"include_usage": True},
    ):
        if chunk.choices:
            parts.append(chunk.choices[0].delta.content or "")
        if chunk.usage:
            usage = chunk.usage.total_tokens
    return "".join(parts) + f" [usage={usage}]"


def embed(texts: list[str]) -> list[list[float]]:
    resp = client.embeddings.create(model=EMBED_MODEL, input=texts)
    return [item.embedding for item in resp.data]


def main() -> int:
    print("ask:", ask("Say hello"))
    print("stream:", stream("Count to three"))
    vectors = embed(["first text", "second text"])
    print("embed:", len(vectors), len(vectors[0]))
    print("limit:", ask("[429] please"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

ART_PY = '''\
"""Draw a picture with the OpenAI SDK."""
from app.clients import make_client

client = make_client()

if __name__ == "__main__":
    result = client.images.generate(model="dall-e-3", prompt="a red panda reading a book", size="1024x1024", n=1)
    print("image:", result.data[0].url)
'''

MODULE_PY = '''\
"""The module-level client of the OpenAI SDK."""
import os

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")
openai.timeout = 5.0

reply = openai.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "Say hello"}],
    temperature=1.2,
    stop=["END"],
)
print("module:", reply.choices[0].message.content)
vector = openai.embeddings.create(model="text-embedding-3-large", input="hello").data[0].embedding
print("dims:", len(vector))
'''

ASYNC_PY = '''\
"""Stream and embed with the async client."""
import asyncio

from openai import AsyncOpenAI


async def main() -> None:
    client = AsyncOpenAI(timeout=5.0)
    stream = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Say hello"}],
        stream=True,
    )
    text = ""
    async for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
    emb = await client.embeddings.create(model="text-embedding-3-large", input="hello")
    print("async:", text, len(emb.data[0].embedding))


asyncio.run(main())
'''

DEVELOPER_PY = '''\
"""The developer role (OpenAI's successor of system for newer models)."""
from openai import OpenAI

client = OpenAI(timeout=5.0)
resp = client.chat.completions.create(
    model="gpt-4o",
    messages=[
        {"role": "developer", "content": "Answer in one word."},
        {"role": "user", "content": "Say hello"},
    ],
)
print("developer:", resp.choices[0].message.content)
'''

STRUCTURED_PY = '''\
"""Structured output: a pydantic model from the SDK's parse helper, and a json_schema dict."""
import json

from openai import OpenAI
from pydantic import BaseModel

client = OpenAI(timeout=5.0)


class Ticket(BaseModel):
    title: str
    priority: int
    urgent: bool


def triage(text: str) -> Ticket:
    completion = client.beta.chat.completions.parse(
        model="gpt-4o-2024-08-06",
        messages=[
            {"role": "system", "content": "Triage the support ticket."},
            {"role": "user", "content": text},
        ],
        response_format=Ticket,
    )
    return completion.choices[0].message.parsed


def triage_dict(messages: list) -> dict:
    r = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=messages,
        response_format={"type": "json_schema",
                         "json_schema": {"name": "ticket", "schema": Ticket.model_json_schema(), "strict": True}},
    )
    return json.loads(r.choices[0].message.content)


t = triage("The export button does nothing.")
print("parsed:", type(t).__name__, t.title, t.priority, t.urgent)
d = triage_dict([{"role": "user", "content": "Login fails."}])
print("dict:", sorted(d))
'''

# The same kinds of program written for openai<1.0 (module settings, resource classes, dict access)

LEGACY_SYNC_PY = '''\
"""A v0 chat bot: ask, embed and back off on rate limits with openai<1.0."""
import os
import sys

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")

CHAT_MODEL = "gpt-3.5-turbo"
EMBED_MODEL = "text-embedding-ada-002"


def ask(question):
    try:
        resp = openai.ChatCompletion.create(
            model=CHAT_MODEL,
            messages=[
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": question},
            ],
            temperature=0.7,
            max_tokens=64,
            request_timeout=5,
        )
    except openai.error.RateLimitError as exc:
        return f"rate-limited ({exc.http_status})"
    # OpenAIObject responses were dicts
    answer = resp["choices"][0]["message"]["content"]
    return f"{answer} [tokens={resp['usage']['total_tokens']}]"


def embed(texts):
    resp = openai.Embedding.create(input=texts, engine=EMBED_MODEL)
    return [item["embedding"] for item in resp["data"]]


def main():
    print("ask:", ask("Say hello"))
    vectors = embed(["first text", "second text"])
    print("embed:", len(vectors), len(vectors[0]))
    print("limit:", ask("[429] please"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

LEGACY_ASYNC_PY = '''\
"""Stream an answer with the async openai<1.0 API (the coroutine stored, awaited in the loop)."""
import asyncio
import os

import openai

openai.api_key = os.environ["OPENAI_API_KEY"]
openai.api_base = "https://api.openai.com/v1"


async def stream(question):
    completion = openai.ChatCompletion.acreate(
        model="gpt-4",
        messages=[{"role": "user", "content": question}],
        stream=True,
        request_timeout=5,
    )
    parts = []
    async for chunk in await completion:
        content = chunk["choices"][0]["delta"].get("content")
        if content:
            parts.append(content)
    return "".join(parts)


async def embed(text):
    resp = await openai.Embedding.acreate(model="text-embedding-ada-002", input=text)
    return resp["data"][0]["embedding"]


async def main():
    print("stream:", await stream("Say hello"))
    print("embed:", len(await embed("hello")))


asyncio.run(main())
'''

CHAT_ONLY_PY = '''\
"""Ask and stream with the OpenAI SDK (a program that uses chat only)."""
import sys

import openai

from app.clients import make_client

CHAT_MODEL = "gpt-4o-mini"
BIG_MODEL = "gpt-4o"

client = make_client()


def ask(question: str) -> str:
    try:
        resp = client.chat.completions.create(
            model=CHAT_MODEL,
            messages=[
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": question},
            ],
            max_completion_tokens=64,
            stop=["END"],
        )
    except openai.RateLimitError as exc:
        return f"rate-limited ({exc.status_code})"
    return resp.choices[0].message.content


def stream(question: str) -> str:
    parts = []
    usage = None
    for chunk in client.chat.completions.create(
        model=BIG_MODEL,
        messages=[{"role": "user", "content": question}],
        stream=True,
        stream_options={"include_usage": True},
    ):
        if chunk.choices:
            parts.append(chunk.choices[0].delta.content or "")
        if chunk.usage:
            usage = chunk.usage.total_tokens
    return "".join(parts) + f" [usage={usage}]"


def main() -> int:
    print("ask:", ask("Say hello"))
    print("stream:", stream("Count to three"))
    print("limit:", ask("[429] please"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

CHAT_APP = {"app/__init__.py": "", "app/clients.py": CLIENTS_PY, "app/chat.py": CHAT_ONLY_PY}

LEGACY_APP = {"legacy/__init__.py": "", "legacy/bot.py": LEGACY_SYNC_PY, "legacy/streamer.py": LEGACY_ASYNC_PY}
# gpt-4 (not in Target): what the async program's model maps to
LEGACY_GPT4 = {"qwen": "qwen3.8-max", "ernie": "ernie-4.0-turbo-128k", "glm": "glm-4-plus"}


APP = {"app/__init__.py": "", "app/clients.py": CLIENTS_PY, "app/chat.py": CHAT_PY, "app/art.py": ART_PY}


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def start_standin():
    """Starts a stand-in for a target on 127.0.0.1 (ephemeral port); all are stopped at teardown."""
    servers: list[StandIn] = []

    def start(target: str) -> StandIn:
        server = StandIn(target, TARGETS[target].key, retry_after_ms=20).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _options(target: str) -> Options:
    """Built-in targets by name; the custom one from GATEWAY_TOML, read the way the CLI reads pyproject.toml."""
    if target in providers.builtin_targets():
        return Options(target=target)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "pyproject.toml").write_text(GATEWAY_TOML)
        settings = load(find_config(Path(d)))
    return Options(target=target, custom_spec=settings.custom[target])


def migrate_files(files: dict[str, str], target: str) -> tuple[dict[str, str], list[Finding]]:
    """Migrates the files the way ``migrator migrate`` does (discovery and the runner over a copy)."""
    migrated = project.migrate_files(files, _options(target))
    return migrated.files, migrated.findings


def localize(text: str, target: str, origin: str) -> str:
    """Points the provider base URL at the stand-in: only scheme+host change, the path is kept."""
    documented = TARGETS[target].base_url
    parts = urlsplit(documented)
    provider_origin = f"{parts.scheme}://{parts.netloc}"
    text = text.replace(provider_origin + parts.path, origin + parts.path)
    api = providers.load(target).responses if target in providers.builtin_targets() else None
    for url in (api.base_urls.values() if api is not None else ()):  # GLM's Responses API: /api/v1
        own = urlsplit(url)
        text = text.replace(url, origin + own.path)
    assert parts.netloc not in text, "the provider host appears other than as the documented base URL"
    return text


def spawn(root: Path, module: str, server: StandIn, python: str = sys.executable, **env_vars: str) -> subprocess.Popen:
    drop = ("OPENAI_", "DASHSCOPE_", "QIANFAN_", "ZHIPUAI_", "ZAI_", "DEEPSEEK_", "MOONSHOT_", "ARK_", "GATEWAY_")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop) and "PROXY" not in k.upper()}
    dead = "http://127.0.0.1:9"  # anything not on 127.0.0.1 fails fast instead of leaving the machine
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead, NO_PROXY="127.0.0.1,localhost",
               OPENAI_BASE_URL=server.origin + LEAK_PATH, PYTHONDONTWRITEBYTECODE="1")
    env.update(env_vars)
    return subprocess.Popen([python, "-m", module], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run(root: Path, module: str, server: StandIn, python: str = sys.executable,
        **env_vars: str) -> subprocess.CompletedProcess:
    return finish(spawn(root, module, server, python, **env_vars))


def migrate_and_run(tmp_path: Path, files: dict[str, str], module: str, target: str, server: StandIn,
                    ) -> tuple[subprocess.CompletedProcess, dict[str, str], list[Finding]]:
    migrated, findings = migrate_files(files, target)
    write_tree(tmp_path, {rel: localize(text, target, server.origin) for rel, text in migrated.items()})
    t = TARGETS[target]
    proc = run(tmp_path, module, server, **{t.key_env: t.key, "OPENAI_API_KEY": OPENAI_KEY})
    return proc, migrated, findings


def assert_clean_traffic(server: StandIn, target: str) -> None:
    """Every request reached the provider's base path with the provider key; the OpenAI key never left."""
    t = TARGETS[target]
    prefix = server.provider.prefix + "/"
    assert server.requests, "the program made no request"
    for rec in server.requests:
        assert rec.path.startswith(prefix), f"request outside the provider base path: {rec.path}"
        assert rec.headers.get("authorization") == f"Bearer {t.key}"
        assert OPENAI_KEY not in repr(rec.headers) and OPENAI_KEY not in repr(rec.body)


def bodies(server: StandIn, path_end: str) -> list[dict]:
    return [r.body for r in server.requests if r.path.endswith(path_end)]


# ---------------------------------------------------------------------------------------------
# The migrated program works


def test_every_provider_module_has_a_standin() -> None:
    assert set(providers.builtin_targets()) <= set(TARGETS)
    assert CHAT_ONLY_TARGETS and "gateway" in EMBEDDING_TARGETS


@pytest.mark.parametrize("target", EMBEDDING_TARGETS)
def test_migrated_app_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """Client factory + chat module, migrated per file: chat, stream with usage, embeddings and a
    caught RateLimitError all work against the provider's wire format, with mapped models, the
    provider key only, max_tokens, encoding_format="float" and (GLM) thinking switched off."""
    t = TARGETS[target]
    server = start_standin(target)
    proc, migrated, findings = migrate_and_run(tmp_path, APP, "app.chat", target, server)

    assert f'os.environ["{t.key_env}"]' in migrated["app/clients.py"]
    assert f'base_url="{t.base_url}"' in migrated["app/clients.py"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"ask: Hello from {t.chat_model}",
        f"stream: Hello from {t.chat_model} [usage=6]",
        f"embed: 2 {t.small_vec}",
        "limit: rate-limited (429)",
    ]
    assert_clean_traffic(server, target)

    prefix = server.provider.prefix
    paths = [r.path for r in server.requests]
    # ask, stream, embeddings, then the rate-limited ask: the first try and the SDK's 2 retries
    assert paths == [f"{prefix}/chat/completions"] * 2 + [f"{prefix}/embeddings"] + [f"{prefix}/chat/completions"] * 3
    assert [r.status for r in server.requests] == [200, 200, 200, 429, 429, 429]

    chats = bodies(server, "/chat/completions")
    assert {b["model"] for b in chats} == {t.chat_model}
    for b in chats:
        assert "max_completion_tokens" not in b
        if t.thinking is not None:
            assert b["thinking"] == t.thinking
        else:
            assert "thinking" not in b and "enable_thinking" not in b
    asks = [b for b in chats if not b.get("stream")]
    assert all(b["max_tokens"] == 64 and b["temperature"] == 0.7 for b in asks)
    [streamed] = [b for b in chats if b.get("stream")]
    assert streamed["stream_options"] == {"include_usage": True}

    [emb] = bodies(server, "/embeddings")
    assert emb["model"] == t.embed_model
    assert emb["encoding_format"] == "float"
    assert emb["input"] == ["first text", "second text"]
    assert emb.get("dimensions") == t.small_dim
    # the report tells the user that stored vectors must be rebuilt
    assert any(f.code == "OA301" and f.severity.value == "manual" for f in findings)


@pytest.mark.parametrize("target", CHAT_ONLY_TARGETS)
def test_migrated_chat_program_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """DeepSeek, Kimi, Doubao: a client factory and a chat module, migrated per file, chat, stream with
    usage and a caught RateLimitError against the provider's wire format: mapped models, the provider key
    only, the provider's name for the token limit, thinking switched off."""
    t = TARGETS[target]
    spec = providers.load(target)
    server = start_standin(target)
    proc, migrated, findings = migrate_and_run(tmp_path, CHAT_APP, "app.chat", target, server)

    assert f'os.environ["{t.key_env}"]' in migrated["app/clients.py"]
    assert f'base_url="{t.base_url}"' in migrated["app/clients.py"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"ask: Hello from {t.chat_model}",
        f"stream: Hello from {t.big_model} [usage=6]",
        "limit: rate-limited (429)",
    ]
    assert_clean_traffic(server, target)
    prefix = server.provider.prefix
    assert [r.path for r in server.requests] == [f"{prefix}/chat/completions"] * 5  # 1 + 1 + 429 and 2 retries
    assert [r.status for r in server.requests] == [200, 200, 429, 429, 429]
    chats = bodies(server, "/chat/completions")
    limit = spec.renamed_params.get("max_completion_tokens", "max_completion_tokens")
    for b in chats:
        assert b["thinking"] == t.thinking
    asks = [b for b in chats if not b.get("stream")]
    assert all(b["model"] == t.chat_model and b[limit] == 64 and b["stop"] == ["END"] for b in asks)
    assert all(set(b) & {"max_tokens", "max_completion_tokens"} == {limit} for b in asks)
    [streamed] = [b for b in chats if b.get("stream")]
    assert streamed["model"] == t.big_model and streamed["stream_options"] == {"include_usage": True}
    assert not [f for f in findings if f.severity.value == "manual"]


@pytest.mark.parametrize("target", CHAT_ONLY_TARGETS)
def test_chat_only_targets_leave_embeddings_for_the_user(target: str, tmp_path: Path, start_standin) -> None:
    """The full app (chat with temperature, embeddings) on a chat-only provider: it stops at a request the
    migration flagged — the embeddings call (manual: no endpoint, 404) or, on Kimi, the temperature that
    kimi-k2.x do not let you set (review, 400) — and nothing reaches OpenAI on the way."""
    server = start_standin(target)
    proc, migrated, findings = migrate_and_run(tmp_path, APP, "app.chat", target, server)

    assert any(f.code == "OA301" and f.severity.value == "manual" for f in findings)
    assert "model=EMBED_MODEL" in migrated["app/chat.py"]
    assert proc.returncode != 0
    assert_clean_traffic(server, target)
    failed = server.requests[-1]
    if failed.path.endswith("/embeddings"):
        assert failed.status == 404 and "NotFoundError" in proc.stderr
    else:
        assert failed.status == 400 and "BadRequestError" in proc.stderr
        assert any(f.code == "OA701" and f.severity.value == "review" and "temperature" in f.message
                   for f in findings)


@pytest.mark.parametrize("target", ["ernie", "glm"])
def test_migrated_images_run_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """images.generate through the factory client reaches the provider's /images/generations."""
    t = TARGETS[target]
    server = start_standin(target)
    proc, _, _ = migrate_and_run(tmp_path, APP, "app.art", target, server)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"image: https://{target}-standin.invalid/images/0.png"]
    assert_clean_traffic(server, target)
    [rec] = server.requests
    assert rec.path == f"{server.provider.prefix}/images/generations" and rec.status == 200
    assert rec.body["model"] == t.image_model
    assert rec.body["prompt"] == "a red panda reading a book"


def test_qwen_images_left_for_the_user(tmp_path: Path, start_standin) -> None:
    """DashScope has no compat image endpoint: the call is reported `manual`, and it indeed fails."""
    server = start_standin("qwen")
    proc, migrated, findings = migrate_and_run(tmp_path, APP, "app.art", "qwen", server)

    assert any(f.code == "OA401" and f.severity.value == "manual" for f in findings)
    assert 'model="dall-e-3"' in migrated["app/art.py"]
    assert proc.returncode != 0 and "NotFoundError" in proc.stderr
    assert_clean_traffic(server, "qwen")
    assert [(r.path, r.status) for r in server.requests] == [("/compatible-mode/v1/images/generations", 404)]


@pytest.mark.parametrize("target", ["qwen"])  # the DashScope URL is the one written without a trailing slash
def test_module_level_client_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """openai.api_key = ...; openai.chat.completions.create(...): the key, the base URL (with the
    trailing slash the module client needs), the model, temperature and embeddings are migrated."""
    t = TARGETS[target]
    server = start_standin(target)
    migrated, _ = migrate_files({"main.py": MODULE_PY}, target)
    assert migrated["main.py"] != MODULE_PY, "the module-level client was not migrated"
    assert t.base_url.rstrip("/") + "/" in migrated["main.py"]
    write_tree(tmp_path, {"main.py": localize(migrated["main.py"], target, server.origin)})
    proc = run(tmp_path, "main", server, **{t.key_env: t.key, "OPENAI_API_KEY": OPENAI_KEY})

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"module: Hello from {t.big_model}", f"dims: {t.large_vec}"]
    assert_clean_traffic(server, target)
    prefix = server.provider.prefix
    assert [(r.path, r.status) for r in server.requests] == [(f"{prefix}/chat/completions", 200),
                                                              (f"{prefix}/embeddings", 200)]
    [chat] = bodies(server, "/chat/completions")
    assert chat["model"] == t.big_model
    assert chat["temperature"] == (1.2 if target == "qwen" else 1.0)
    assert chat.get("thinking") == t.thinking
    [emb] = bodies(server, "/embeddings")
    assert emb["encoding_format"] == "float" and emb.get("dimensions") == t.large_dim


@pytest.mark.parametrize("target", ["glm"])  # GLM: the stream needs thinking switched off too
def test_async_client_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """AsyncOpenAI() built without arguments: key and base URL added, async stream and embeddings work."""
    t = TARGETS[target]
    server = start_standin(target)
    proc, _, _ = migrate_and_run(tmp_path, {"async_main.py": ASYNC_PY}, "async_main", target, server)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"async: Hello from {t.big_model} {t.large_vec}"]
    assert_clean_traffic(server, target)
    [chat] = bodies(server, "/chat/completions")
    assert chat["model"] == t.big_model and chat["stream"] is True
    assert chat.get("thinking") == t.thinking
    [emb] = bodies(server, "/embeddings")
    assert emb["encoding_format"] == "float" and emb.get("dimensions") == t.large_dim


@pytest.mark.parametrize("target", ["ernie"])  # Qianfan documents its roles explicitly (§3.2)
def test_developer_role_is_migrated(target: str, tmp_path: Path, start_standin) -> None:
    t = TARGETS[target]
    server = start_standin(target)
    proc, _, _ = migrate_and_run(tmp_path, {"dev.py": DEVELOPER_PY}, "dev", target, server)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"developer: Hello from {t.big_model}"]
    [chat] = bodies(server, "/chat/completions")
    assert [m["role"] for m in chat["messages"]] == ["system", "user"]


@pytest.mark.parametrize("target", [n for n in providers.builtin_targets() if providers.load(n).json_schema == "no"])
def test_structured_output_runs_on_targets_without_json_schema(target: str, tmp_path: Path, start_standin) -> None:
    """parse(response_format=Model) and a json_schema dict become json_object requests (the stand-ins
    reject json_schema as the providers do) with the schema in the prompt; .parsed is validated."""
    t = TARGETS[target]
    server = start_standin(target)
    proc, migrated, _ = migrate_and_run(tmp_path, {"structured.py": STRUCTURED_PY}, "structured", target, server)

    assert proc.returncode == 0, proc.stderr + migrated["structured.py"]
    assert proc.stdout.splitlines() == [f"parsed: Ticket Hello from {t.big_model} 2 True",
                                        "dict: ['priority', 'title', 'urgent']"]
    chats = bodies(server, "/chat/completions")
    assert [c["response_format"] for c in chats] == [{"type": "json_object"}] * 2
    assert all("JSON schema" in c["messages"][0]["content"] for c in chats)
    assert_clean_traffic(server, target)


COMPLETIONS_PY = '''\
from openai import OpenAI

client = OpenAI()


def complete(prefix: str) -> str:
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prefix, max_tokens=32, temperature=0)
    return r.choices[0].text.strip()


def candidates(prefix: str):
    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prefix, max_tokens=8)
    return [c.text for c in r.choices], r.usage.total_tokens > 0


print("complete:", complete("Once upon a time"))
print("candidates:", candidates("Roses are red"))
'''


@pytest.mark.parametrize("target", ["qwen", "ernie", "glm"])
def test_text_completions_run_as_chat_calls(target: str, tmp_path: Path, start_standin) -> None:
    """client.completions.create on a target without /completions: a chat call with the prompt as the
    user message, .choices[i].text read as .message.content, the instruct model mapped to a chat model."""
    t = TARGETS[target]
    server = start_standin(target)
    proc, migrated, _ = migrate_and_run(tmp_path, {"complete.py": COMPLETIONS_PY}, "complete", target, server)

    assert proc.returncode == 0, proc.stderr + migrated["complete.py"]
    assert proc.stdout.splitlines() == [f"complete: Hello from {t.chat_model}",
                                        f"candidates: (['Hello from {t.chat_model}'], True)"]
    chats = bodies(server, "/chat/completions")
    assert [c["messages"] for c in chats] == [[{"role": "user", "content": "Once upon a time"}],
                                              [{"role": "user", "content": "Roses are red"}]]
    assert all("prompt" not in c for c in chats)
    assert_clean_traffic(server, target)


@pytest.mark.parametrize("target", BUILTIN_EMBEDDING_TARGETS)
def test_legacy_program_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:
    """openai<1.0 programs migrated straight to the provider: module settings become a client with the
    provider URL and key, ChatCompletion/Embedding(.acreate) become client calls, engine= and
    request_timeout= are renamed, openai.error.RateLimitError and http_status are mapped and dict-style
    response access (also on stream chunks) is rewritten, so both programs run unchanged otherwise."""
    t = TARGETS[target]
    server = start_standin(target)
    migrated, _ = migrate_files(LEGACY_APP, target)
    for rel in ("legacy/bot.py", "legacy/streamer.py"):
        assert migrated[rel] != LEGACY_APP[rel], f"{rel} was not migrated"
        assert "ChatCompletion" not in migrated[rel] and "openai.error" not in migrated[rel]
    write_tree(tmp_path, {rel: localize(text, target, server.origin) for rel, text in migrated.items()})
    env = {t.key_env: t.key, "OPENAI_API_KEY": OPENAI_KEY}
    prefix = server.provider.prefix

    # 1. sync: chat with dict access, embeddings (engine=), a caught openai.error.RateLimitError
    proc = run(tmp_path, "legacy.bot", server, **env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"ask: Hello from {t.chat_model} [tokens=8]",  # 5 prompt words + 3 reply chunks
        f"embed: 2 {t.small_vec}",  # ada-002 maps like text-embedding-3-small
        "limit: rate-limited (429)",
    ]
    assert_clean_traffic(server, target)
    paths = [r.path for r in server.requests]
    statuses = [r.status for r in server.requests]
    # the rate-limited ask is tried once (openai<1.0 did not retry) or with the SDK's 2 retries
    limited = len(paths) - 2
    assert limited in (1, 3), paths
    assert paths == [f"{prefix}/chat/completions", f"{prefix}/embeddings"] + [f"{prefix}/chat/completions"] * limited
    assert statuses == [200, 200] + [429] * limited
    chats = bodies(server, "/chat/completions")
    assert {b["model"] for b in chats} == {t.chat_model}
    for b in chats:
        assert b["max_tokens"] == 64 and b["temperature"] == 0.7
        assert "engine" not in b and "request_timeout" not in b
        assert b.get("thinking") == t.thinking
    [emb] = bodies(server, "/embeddings")
    assert emb["model"] == t.embed_model and "engine" not in emb
    assert emb["encoding_format"] == "float"
    assert emb["input"] == ["first text", "second text"]
    assert emb.get("dimensions") == t.small_dim

    # 2. async: acreate stored and awaited in `async for`, chunks read as dicts; Embedding.acreate
    server.clear()
    proc = run(tmp_path, "legacy.streamer", server, **env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"stream: Hello from {LEGACY_GPT4[target]}", f"embed: {t.small_vec}"]
    assert_clean_traffic(server, target)
    assert [(r.path, r.status) for r in server.requests] == [(f"{prefix}/chat/completions", 200),
                                                              (f"{prefix}/embeddings", 200)]
    [chat] = bodies(server, "/chat/completions")
    assert chat["model"] == LEGACY_GPT4[target] and chat["stream"] is True
    assert "request_timeout" not in chat
    [emb] = bodies(server, "/embeddings")
    assert emb["model"] == t.embed_model
    assert emb["encoding_format"] == "float"
    assert emb["input"] in ("hello", ["hello"])
    assert emb.get("dimensions") == t.small_dim


# ---------------------------------------------------------------------------------------------
# The stand-in checks something: the unmigrated program and bad requests are rejected


@pytest.mark.parametrize("target", BUILTIN_EMBEDDING_TARGETS)
def test_unmigrated_app_is_rejected(target: str, tmp_path: Path, start_standin) -> None:
    """The original program pointed at the stand-in via OPENAI_BASE_URL fails: with the OpenAI key
    (sent as is — the leak the migration prevents) it gets 401; with the provider key, its OpenAI
    model name gets 400."""
    t = TARGETS[target]
    server = start_standin(target)
    write_tree(tmp_path, APP)

    # both runs at once (they are told apart by the key they send)
    with_openai_key, with_provider_key = (finish(p) for p in [
        spawn(tmp_path, "app.chat", server, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=OPENAI_KEY),
        spawn(tmp_path, "app.chat", server, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=t.key)])

    assert with_openai_key.returncode != 0 and "AuthenticationError" in with_openai_key.stderr
    [rec] = [r for r in server.requests if r.headers.get("authorization") == f"Bearer {OPENAI_KEY}"]
    assert rec.status == 401 and rec.path == f"{server.provider.prefix}/chat/completions"

    assert with_provider_key.returncode != 0 and "BadRequestError" in with_provider_key.stderr
    [rec] = [r for r in server.requests if r.headers.get("authorization") == f"Bearer {t.key}"]
    assert rec.status == 400 and rec.body["model"] == "gpt-4o-mini"
    assert len(server.requests) == 2


def _client(server: StandIn, key: str | None = None) -> openai.OpenAI:
    return openai.OpenAI(api_key=key or TARGETS[server.provider.name].key, base_url=server.base_url,
                         max_retries=0, timeout=5.0)


def _chat(model: str, **kw):
    return lambda c: c.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}], **kw)


def _embed(model: str, n: int = 1, **kw):
    return lambda c: c.embeddings.create(model=model, input=[f"text {i}" for i in range(n)], **kw)


REJECTIONS = {
    "qwen": {
        "openai model": _chat("gpt-4o-mini"),
        "temperature 2": _chat("qwen-plus", temperature=2.0),
        "embeddings base64 (SDK default)": _embed("text-embedding-v4"),
        "11 embedding inputs": _embed("text-embedding-v4", 11, encoding_format="float"),
        "dimensions not offered": _embed("text-embedding-v3", encoding_format="float", dimensions=1536),
        "unknown embedding model": _embed("text-embedding-3-small", encoding_format="float"),
    },
    "ernie": {
        "openai model": _chat("gpt-4o"),
        "temperature 0": _chat("ernie-4.5-turbo-32k", temperature=0),
        "temperature 1.5": _chat("ernie-4.5-turbo-32k", temperature=1.5),
        "5 stop words": _chat("ernie-4.5-turbo-32k", stop=["a", "b", "c", "d", "e"]),
        "stop word over 20 chars": _chat("ernie-4.5-turbo-32k", stop=["x" * 21]),
        "max_completion_tokens": _chat("ernie-4.5-turbo-32k", max_completion_tokens=10),
        "embeddings base64 (SDK default)": _embed("bge-large-zh"),
        "17 embedding inputs": _embed("bge-large-zh", 17, encoding_format="float"),
        "dimensions": _embed("bge-large-zh", encoding_format="float", dimensions=1024),
        "openai image model": lambda c: c.images.generate(model="dall-e-3", prompt="a cat"),
    },
    "glm": {
        "openai model": _chat("gpt-4o"),
        "temperature 1.5": _chat("glm-4.6", temperature=1.5),
        "2 stop words": _chat("glm-4.6", stop=["a", "b"]),
        "embedding-3 1536 dims": _embed("embedding-3", encoding_format="float", dimensions=1536),
        "openai embedding model": _embed("text-embedding-3-small", encoding_format="float"),
        "openai image model": lambda c: c.images.generate(model="dall-e-3", prompt="a cat"),
    },
    "deepseek": {
        "openai model": _chat("gpt-4o"),
        "temperature 2.5": _chat("deepseek-flash", temperature=2.5),
        "17 stop words": _chat("deepseek-flash", stop=[str(i) for i in range(17)]),
        "json_schema": _chat("deepseek-flash", response_format={"type": "json_schema", "json_schema": {"name": "x"}}),
        "thinking auto": _chat("deepseek-flash", extra_body={"thinking": {"type": "auto"}}),
    },
    "kimi": {
        "temperature on kimi-k2.6": _chat("kimi-k2.6", temperature=0.6),
        "n on kimi-k2.5": _chat("kimi-k2.5", n=2),
        "temperature 1.5 on moonshot-v1": _chat("moonshot-v1-8k", temperature=1.5),
        "thinking auto": _chat("kimi-k2.6", extra_body={"thinking": {"type": "auto"}}),
    },
    "doubao": {
        "5 stop words": _chat("doubao-seed-1-6-251015", stop=["a", "b", "c", "d", "e"]),
        "temperature 2.5": _chat("doubao-seed-1-6-251015", temperature=2.5),
        "thinking on/off": _chat("doubao-seed-1-6-251015", extra_body={"thinking": {"type": "on"}}),
    },
    "gateway": {
        "max_completion_tokens": _chat("qwen3-32b", max_completion_tokens=8),
        "embedding size": _embed("bge-m3", encoding_format="float", dimensions=1536),
    },
}


@pytest.mark.parametrize(("target", "case"), [(t, c) for t, cases in REJECTIONS.items() for c in cases])
def test_standin_rejects_undocumented_requests(target: str, case: str, start_standin) -> None:
    server = start_standin(target)
    with pytest.raises(openai.BadRequestError) as info:
        REJECTIONS[target][case](_client(server))
    assert [r.status for r in server.requests] == [400]
    error = info.value.body
    assert isinstance(error, dict) and error.get("code") and error.get("message")
    if target == "qwen":  # DashScope's error body also carries id and request_id
        assert set(info.value.response.json()) == {"error", "id", "request_id"}
        assert set(error) == {"code", "type", "message"}


@pytest.mark.parametrize("target", TARGETS)
def test_standin_rejects_wrong_key_and_path(target: str, start_standin) -> None:
    server = start_standin(target)
    model = TARGETS[target].chat_model
    with pytest.raises(openai.AuthenticationError):
        _chat(model)(_client(server, key=OPENAI_KEY))
    wrong_path = openai.OpenAI(api_key=TARGETS[target].key, base_url=server.origin + "/wrong/v1", max_retries=0,
                               timeout=5.0)
    with pytest.raises(openai.NotFoundError):
        _chat(model)(wrong_path)
    assert [r.status for r in server.requests] == [401, 404]


ACCEPTED_CHATS = {
    "deepseek": _chat("deepseek-v4-pro", temperature=2.0, stop=[str(i) for i in range(16)],
                      response_format={"type": "json_object"}, extra_body={"thinking": {"type": "disabled"}}),
    "kimi": _chat("moonshot-v1-8k", temperature=1.0, n=2, max_completion_tokens=8),
    "doubao": _chat("doubao-seed-1-6-flash-250828", temperature=2.0, stop=["a", "b", "c", "d"],
                    extra_body={"thinking": {"type": "auto"}}),
    "gateway": _chat("qwen3-235b-a22b", temperature=2.0, max_tokens=8),
}


@pytest.mark.parametrize("target", ACCEPTED_CHATS)
def test_standin_accepts_documented_chat(target: str, start_standin) -> None:
    """The chat-only stand-ins (and the gateway) accept requests within the documented limits."""
    server = start_standin(target)
    reply = ACCEPTED_CHATS[target](_client(server))
    assert "Hello from " in reply.choices[0].message.content  # JSON mode: {"answer": "Hello from ..."}
    assert [r.status for r in server.requests] == [200]


@pytest.mark.parametrize("target", BUILTIN_EMBEDDING_TARGETS)
def test_standin_accepts_documented_requests(target: str, start_standin) -> None:
    """The same kinds of request, within the documented limits, succeed (the checks are not blanket)."""
    t = TARGETS[target]
    server = start_standin(target)
    client = _client(server)
    temperature = {"qwen": 1.9, "ernie": 1.0, "glm": 0.0}[target]
    stop = {"qwen": ["a", "b", "c", "d", "e"], "ernie": ["a", "b", "c", "x" * 20], "glm": ["END"]}[target]
    reply = _chat(t.chat_model, temperature=temperature, stop=stop, max_tokens=8)(client)
    assert reply.choices[0].message.content == f"Hello from {t.chat_model}"
    inputs = {"qwen": 10, "ernie": 16, "glm": 64}[target]
    resp = _embed(t.embed_model, inputs, encoding_format="float",
                  **({"dimensions": t.small_dim} if t.small_dim else {}))(client)
    assert len(resp.data) == inputs and len(resp.data[0].embedding) == t.small_vec
    assert all(r.status == 200 for r in server.requests)
