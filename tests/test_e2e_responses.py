"""Responses API programs, migrated and run unedited against the stand-ins (issue: modern OpenAI code).

Qwen and GLM serve the Responses API (GLM at /api/v1, chat on /api/paas/v4): the calls stay Responses calls,
with a model that serves them. ERNIE does not (not confirmed): the calls become chat.completions calls, and
the program's reads of the result (output_text, usage, stream events, output_parsed) follow. With
``--responses chat`` every target gets chat calls. The stand-ins speak each wire format, including SSE event
streams, and reject the other one's fields (``messages`` on /responses, ``input_text`` parts on chat).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from e2e import project
from e2e.project import write_tree
from e2e.standin import reply_words
from test_e2e import (  # noqa: F401  (start_standin is a fixture)
    OPENAI_KEY,
    TARGETS,
    _options,
    localize,
    run,
    start_standin,
)

from migrator.rules import providers

APP = '''\
import asyncio
import json
import os

from openai import AsyncOpenAI, OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
aclient = AsyncOpenAI()
SUMMARY_MODEL = "gpt-5.1"


def summarize(ticket: str) -> str:
    response = client.responses.create(
        model=SUMMARY_MODEL,
        instructions="You summarize support tickets in one sentence.",
        input=ticket,
        max_output_tokens=200,
    )
    return f"{response.output_text} [in={response.usage.input_tokens} out={response.usage.output_tokens}]"


def classify(ticket: str, screenshot_url: str) -> str:
    resp = client.responses.create(
        model="gpt-5-mini",
        input=[
            {"role": "system", "content": "Answer with one word: bug, question or request."},
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": ticket},
                    {"type": "input_image", "image_url": screenshot_url},
                ],
            },
        ],
    )
    return resp.output_text.strip()


def stream_reply(question: str) -> str:
    parts = []
    stream = client.responses.create(model="gpt-4.1", input=question, stream=True)
    for event in stream:
        if event.type == "response.output_text.delta":
            parts.append(event.delta)
        elif event.type == "response.completed":
            parts.append("|")
    return "".join(parts)


def chat(question: str) -> str:
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return r.choices[0].message.content


async def extract(text: str) -> dict:
    resp = await aclient.responses.create(
        model="gpt-5",
        input=[{"role": "user", "content": text}],
        text={"format": {"type": "json_object"}},
    )
    return json.loads(resp.output_text)


async def live(question: str) -> str:
    parts = []
    stream = await aclient.responses.create(model="gpt-5", input=question, stream=True)
    async for event in stream:
        if event.type == "response.output_text.delta":
            parts.append(event.delta)
    return "".join(parts)


print("summary:", summarize("The export button does nothing"))
print("class:", classify("Where is the invoice page", "https://example.invalid/shot.png"))
print("stream:", stream_reply("Say hello"))
print("chat:", chat("Say hello"))
print("json:", asyncio.run(extract("Reply in JSON")))
print("live:", asyncio.run(live("Say hello")))
'''


# responses.parse: a Responses call with a json_schema format where the target serves the API; a
# chat.completions.parse call where it does not and takes json_schema (ERNIE); manual elsewhere (tested in the
# fixtures: the call keeps an OpenAI client)
PARSE_APP = '''\
import asyncio

from openai import AsyncOpenAI
from pydantic import BaseModel

aclient = AsyncOpenAI()


class Ticket(BaseModel):
    title: str
    priority: int


async def parse_ticket(text: str) -> Ticket:
    resp = await aclient.responses.parse(model="gpt-5", input=text, text_format=Ticket)
    return resp.output_parsed


ticket = asyncio.run(parse_ticket("Export broken"))
print("parsed:", type(ticket).__name__, ticket.title, ticket.priority)
'''


TOOLS_APP = (Path(__file__).parent / "fixtures" / "responses" / "function_calling" / "input.py").read_text()


def _hello(model: str) -> str:
    return "".join(reply_words(model))


def _migrate_and_run(tmp_path: Path, target: str, server, responses: str = "auto",  # noqa: ANN001, ANN202
                     app: str = APP):
    migrated = project.migrate_files({"app.py": app}, replace(_options(target), responses=responses))
    write_tree(tmp_path, {rel: localize(text, target, server.origin) for rel, text in migrated.files.items()})
    t = TARGETS[target]
    proc = run(tmp_path, "app", server, **{t.key_env: t.key, "OPENAI_API_KEY": OPENAI_KEY})
    return proc, migrated.files["app.py"]


@pytest.mark.parametrize(("target", "responses"), [("qwen", "auto"), ("glm", "auto"), ("ernie", "auto"),
                                                    ("qwen", "chat"), ("glm", "chat"), ("kimi", "chat")])
def test_responses_program_runs_against_provider(target: str, responses: str, tmp_path: Path,
                                                 start_standin) -> None:  # noqa: F811 (the fixture)
    server = start_standin(target)
    proc, migrated = _migrate_and_run(tmp_path, target, server, responses)
    assert proc.returncode == 0, proc.stderr + migrated
    spec = providers.load(target)
    kept = spec.responses is not None and responses == "auto"
    api_path = server.provider.responses_path
    chat_path = server.provider.prefix + "/chat/completions"
    t = TARGETS[target]
    for rec in server.requests:
        assert rec.headers.get("authorization") == f"Bearer {t.key}"
        assert OPENAI_KEY not in repr(rec.headers) and OPENAI_KEY not in repr(rec.body)
        assert rec.status == 200, (rec.path, rec.response)
    paths = [r.path for r in server.requests]
    if kept:  # five Responses calls, one chat call on the chat base path
        assert paths.count(api_path) == 5 and paths.count(chat_path) == 1, paths
        asked = [r.body for r in server.requests if r.path == api_path]
        assert all(b["model"].startswith(spec.responses.models) for b in asked), [b["model"] for b in asked]
        assert all("messages" not in b for b in asked)
    else:  # every call is a chat call
        assert paths == [chat_path] * 6, paths
        asked = [r.body for r in server.requests]
        assert all("input" not in b and "instructions" not in b and "text" not in b for b in asked)
        first = asked[0]
        assert first["messages"] == [{"role": "system", "content": "You summarize support tickets in one sentence."},
                                     {"role": "user", "content": "The export button does nothing"}]
        assert first["max_tokens"] == 200
        assert asked[1]["messages"][1]["content"] == [
            {"type": "text", "text": "Where is the invoice page"},
            {"type": "image_url", "image_url": {"url": "https://example.invalid/shot.png"}}]
        assert asked[2]["stream"] is True and asked[4]["response_format"] == {"type": "json_object"}
    models = [b["model"] for b in asked]
    answers = [rec.response for rec in server.requests]
    assert all(isinstance(a, dict | list) for a in answers)
    summary = models[0]
    chat_model = next(r.body["model"] for r in server.requests if r.path == chat_path) if kept else models[3]
    assert proc.stdout.splitlines()[:4] == [
        f"summary: {_hello(summary)} [in={len('You summarize support tickets in one sentence.'.split()) + 5} out=3]",
        f"class: {_hello(models[1])}",
        f"stream: {_hello(models[2])}|",
        f"chat: {_hello(chat_model)}",
    ]
    assert proc.stdout.splitlines()[4:] == [
        f"json: {{'answer': '{_hello(models[-2])}'}}",
        f"live: {_hello(models[-1])}",
    ]


@pytest.mark.parametrize("target", ["qwen", "glm", "ernie"])
def test_responses_parse_runs_against_provider(target: str, tmp_path: Path, start_standin) -> None:  # noqa: F811
    """responses.parse(text_format=Model): kept with a json_schema text format on Qwen and GLM; on ERNIE a
    chat.completions.parse call whose response_format is the model, read as .choices[0].message.parsed."""
    server = start_standin(target)
    proc, migrated = _migrate_and_run(tmp_path, target, server, app=PARSE_APP)
    assert proc.returncode == 0, proc.stderr + migrated
    [rec] = server.requests
    model = rec.body["model"]
    assert proc.stdout.splitlines() == [f"parsed: Ticket {_hello(model)} 2"]
    if providers.load(target).responses is not None:
        assert rec.path == server.provider.responses_path and rec.body["text"]["format"]["type"] == "json_schema"
    else:
        assert rec.path == server.provider.prefix + "/chat/completions"
        assert rec.body["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize(("target", "responses"), [("qwen", "auto"), ("glm", "auto"), ("ernie", "auto"),
                                                    ("kimi", "chat")])
def test_function_calling_runs_against_provider(target: str, responses: str, tmp_path: Path,
                                                start_standin) -> None:  # noqa: F811 (the fixture)
    """The Responses guide's function-calling loop (the function_calling fixture): kept where the target serves
    the API; elsewhere chat tools, the assistant message and tool messages in the conversation list, and the
    tool calls read from .message.tool_calls. Two requests; the second carries the tool's result."""
    server = start_standin(target)
    proc, migrated = _migrate_and_run(tmp_path, target, server, responses, app=TOOLS_APP)
    assert proc.returncode == 0, proc.stderr + migrated
    first, second = server.requests
    assert first.status == second.status == 200, (first.response, second.response)
    model = second.body["model"]
    assert proc.stdout.splitlines() == [f'{_hello(model)}: {{"city": "Paris", "forecast": "sunny"}}']
    if providers.load(target).responses is not None and responses == "auto":
        assert first.path == second.path == server.provider.responses_path
        assert [i.get("type", "message") for i in second.body["input"]] == ["message", "function_call",
                                                                            "function_call_output"]
    else:
        assert first.path == second.path == server.provider.prefix + "/chat/completions"
        assert first.body["tools"][0]["function"]["name"] == "get_weather"
        assert [m["role"] for m in second.body["messages"]] == ["system", "user", "assistant", "tool"]
