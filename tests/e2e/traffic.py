"""Read what a stand-in recorded, whatever the protocol: one view of a chat or embeddings exchange.

The OpenAI-compatible APIs and DashScope's native protocol carry the same facts in different places
(``messages`` vs ``input.messages``, ``usage.prompt_tokens`` vs ``usage.input_tokens``, ``id`` vs
``request_id``, SSE chunks vs native frames); the tests compare what a program printed with what the
stand-in actually answered, through this view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from e2e.standin import Recorded


def sent_by(rec: Recorded) -> str:
    """Which client library sent the request: openai, dashscope, qianfan or zai."""
    agent = rec.headers.get("user-agent", "")
    if agent.startswith(("OpenAI/Python", "AsyncOpenAI/Python", "_ModuleClient/Python")):  # openai.chat... too
        return "openai"
    if agent.startswith("dashscope"):
        return "dashscope"
    body = rec.body if isinstance(rec.body, dict) else {}
    if str((body.get("extra_parameters") or {}).get("request_source", "")).startswith("qianfan_py_sdk"):
        return "qianfan"
    if rec.headers.get("x-source-channel"):
        return "zai"
    return f"unknown ({agent})"


@dataclass
class Chat:
    rec: Recorded
    native: bool  # DashScope's native protocol
    model: str
    messages: list[dict]
    params: dict[str, Any]  # everything but model and messages (native: the parameters object)
    stream: bool
    # what the stand-in answered (None when it refused: see rec.status)
    text: str | None = None
    tool_calls: list[dict] | None = None
    chunks: int = 0  # stream chunks that carried text
    finish_reason: str | None = None
    response_id: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None


def chat(rec: Recorded) -> Chat:
    body = rec.body
    native = rec.path.startswith("/api/v1/")
    if native:
        view = Chat(rec, True, body["model"], body["input"]["messages"], dict(body.get("parameters") or {}),
                    rec.native_stream)
    else:
        params = {k: v for k, v in body.items() if k not in ("model", "messages")}
        view = Chat(rec, False, body["model"], body["messages"], params, bool(body.get("stream")))
    if rec.status != 200:
        return view
    frames = rec.response if isinstance(rec.response, list) else [rec.response]
    pieces: list[str] = []
    for frame in frames:
        usage = frame.get("usage")
        if usage:
            view.prompt_tokens = usage.get("prompt_tokens", usage.get("input_tokens"))
            view.completion_tokens = usage.get("completion_tokens", usage.get("output_tokens"))
            view.total_tokens = usage.get("total_tokens")
        view.response_id = frame.get("request_id") if native else frame.get("id")
        choices = (frame.get("output") or {}).get("choices") if native else frame.get("choices")
        for choice in choices or []:
            if choice.get("finish_reason") not in (None, "null"):
                view.finish_reason = choice["finish_reason"]
            message = choice.get("message") or choice.get("delta") or {}
            if message.get("content"):
                pieces.append(message["content"])
            if message.get("tool_calls"):
                view.tool_calls = message["tool_calls"]
    view.chunks = len(pieces)
    incremental = not native or not view.stream or view.params.get("incremental_output")
    view.text = "".join(pieces) if incremental else (pieces[-1] if pieces else "")
    return view


@dataclass
class Embeddings:
    rec: Recorded
    native: bool
    model: str
    texts: list[str]
    params: dict[str, Any]
    vectors: list[list[float]] | None = None
    total_tokens: int | None = None


def embeddings(rec: Recorded) -> Embeddings:
    body = rec.body
    if rec.path.startswith("/api/v1/"):
        view = Embeddings(rec, True, body["model"], body["input"]["texts"], dict(body.get("parameters") or {}))
    else:
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        view = Embeddings(rec, False, body["model"], texts,
                          {k: v for k, v in body.items() if k not in ("model", "input")})
    if rec.status == 200:
        items = rec.response["output"]["embeddings"] if view.native else rec.response["data"]
        view.vectors = [item["embedding"] for item in items]
        view.total_tokens = rec.response["usage"]["total_tokens"]
    return view
