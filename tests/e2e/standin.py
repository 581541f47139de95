"""A local stand-in for the OpenAI-compatible APIs of DashScope (qwen), Qianfan V2 (ernie), Zhipu (glm),
DeepSeek, Moonshot (kimi), Volcengine Ark (doubao) and a generic OpenAI-compatible gateway (a custom
target from configuration).

It speaks each provider's documented wire format (providers.md §2.1-2.3, §3.1-3.3, §4.1-4.3 and
docs/providers/{deepseek,kimi,doubao}.md §1-3): the
provider's paths under its base path, ``Authorization: Bearer <key>``, the provider's parameter limits
and model catalogue, OpenAI-shaped responses, SSE streaming ending in ``data: [DONE]`` and the
provider's error body. Requests are checked strictly (a request the provider documents as invalid is
answered 4xx, so the openai SDK does not retry it) and every request is recorded.

Bound to 127.0.0.1 on an ephemeral port, plain HTTP or (``tls=``) HTTPS. A user message containing
``[429]`` is answered with the provider's rate-limit error (HTTP 429), so programs can exercise
``openai.RateLimitError``; one containing ``[429-once]`` gets that error the first time only (per key
and text), so programs can exercise their own retry loop.

Beyond the OpenAI-compatible paths, the qwen stand-in also speaks DashScope's native protocol under
``/api/v1`` (what the ``dashscope`` SDK sends): text generation with and without SSE
(``X-DashScope-SSE: enable``), text embeddings, text-to-image tasks (``X-DashScope-Async: enable``,
then ``GET /api/v1/tasks/<id>``) and the one-call wan2.6 image generation. Qianfan's and Zhipu's own
SDKs use the same paths as their OpenAI-compatible APIs.

Chat answers are ``Hello from <model>``; a conversation that offers function tools and ends with a user
message is answered with a call of the first function (each required string parameter gets the last
word of the user message), and one that ends with tool results is answered with
``Hello from <model>: <tool results>``. Tool messages must answer a tool call of an earlier assistant
message, as the providers require.

    with StandIn("qwen", api_key="sk-test") as server:
        client = OpenAI(api_key="sk-test", base_url=server.base_url)   # …/compatible-mode/v1
        ...
        server.requests   # [Recorded(method, path, headers, body, status), ...]
"""

from __future__ import annotations

import json
import random
import re
import ssl
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_PARTS = ("text", "image_url", "input_audio", "video_url", "video")
RESPONSES_PARTS = ("input_text", "input_image", "output_text", "input_file")
RATE_LIMIT_TRIGGER = "[429]"
RATE_LIMIT_ONCE_TRIGGER = "[429-once]"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or the raw text when it is not JSON
    status: int = 0
    response: Any = None  # the JSON body (or the list of SSE payloads) that was sent back

    @property
    def host(self) -> str:
        """The Host header without the port."""
        host = self.headers.get("host", "")
        return host.rsplit(":", 1)[0] if not host.endswith("]") else host

    @property
    def native_stream(self) -> bool:
        return self.headers.get("x-dashscope-sse", "").lower() == "enable"


class Reject(Exception):
    def __init__(self, status: int, code: str, message: str, type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.type = status, code, message, type_


# ---------------------------------------------------------------------------------------------
# Shared checks


def _number(body: dict, name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Reject(400, "invalid_parameter", f"{name} must be a number")
    return float(value)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _check_messages(body: dict) -> list[dict]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise Reject(400, "invalid_parameter", "messages must be a non-empty array")
    called: set[str] = set()
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant", "tool"):
            raise Reject(400, "invalid_parameter", f"invalid message role in {m!r}")
        parts = m.get("content") if isinstance(m.get("content"), list) else []
        for part in parts:  # chat content parts (a Responses input_text / input_image part is rejected)
            if not isinstance(part, dict) or part.get("type") not in CHAT_PARTS:
                raise Reject(400, "invalid_parameter", f"unknown content part type in {part!r}")
            if part["type"] == "image_url" and not isinstance(part.get("image_url"), dict):
                raise Reject(400, "invalid_parameter", "image_url must be an object with a url")
        for call in (m.get("tool_calls") or []) if m["role"] == "assistant" else []:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not call.get("id") or not function.get("name"):
                raise Reject(400, "invalid_parameter", f"malformed tool call in an assistant message: {call!r}")
            try:
                json.loads(function.get("arguments") or "")
            except ValueError:
                raise Reject(400, "invalid_parameter", "tool call arguments must be a JSON string") from None
            called.add(call["id"])
        if m["role"] == "tool" and m.get("tool_call_id") not in called:
            raise Reject(400, "invalid_parameter",
                         "a tool message must answer a tool call of a preceding assistant message")
    return messages


def _embedding_inputs(body: dict) -> list[str]:
    value = body.get("input")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise Reject(400, "invalid_parameter", "input must be a non-empty string or array of non-empty strings")
    return value


def _vector(dim: int, text: str) -> list[float]:
    """A deterministic pseudo-random vector of the text: equal texts, equal vectors."""
    rng = random.Random(zlib.crc32(text.encode("utf-8")))
    return [round(rng.uniform(-1.0, 1.0), 6) for _ in range(dim)]


def _functions(tools: Any) -> list[dict]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise Reject(400, "invalid_parameter", "tools must be an array")
    out = []
    for tool in tools:
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            raise Reject(400, "invalid_parameter", f"malformed tool {tool!r}")
        if tool.get("type") == "function":
            out.append(function)
    return out


def _tool_calls(tools: Any, messages: list[dict]) -> list[dict] | None:
    """The stand-in's tool call: the first function, when the conversation ends with a user message."""
    functions = _functions(tools)
    if not functions or messages[-1]["role"] != "user":
        return None
    function = functions[0]
    words = re.findall(r"[\w-]+", _text_of(messages[-1].get("content")))
    params = function.get("parameters") or {}
    props = params.get("properties") or {}
    args = {name: (words[-1] if words else "") for name in params.get("required") or []
            if (props.get(name) or {}).get("type") == "string"}
    return [{"id": f"call_{uuid.uuid4().hex[:20]}", "type": "function", "index": 0,
             "function": {"name": function["name"], "arguments": json.dumps(args, ensure_ascii=False)}}]


def _answer(model: str, messages: list[dict]) -> list[str]:
    """The answer in stream chunks: ``Hello from <model>``, then the tool results when the
    conversation ends with them."""
    words = reply_words(model)
    results = []
    for m in reversed(messages):
        if m["role"] != "tool":
            break
        results.insert(0, _text_of(m.get("content")))
    if results:
        words[-1] += ":"
        words.extend(" " + w for w in " ".join(results).split())
    return words


def _json_answer(model: str, messages: list[dict]) -> dict:
    """JSON mode: an object that follows the JSON schema the prompt gives (as a model told so would);
    without one, ``{"answer": "Hello from <model>"}``."""
    schema: dict = {}
    for m in messages:
        text = _text_of(m.get("content"))
        start = text.find("{", text.lower().find("json schema"))
        if "json schema" in text.lower() and start >= 0:
            try:
                schema = json.JSONDecoder().raw_decode(text[start:])[0]
            except ValueError:
                continue
    if not schema.get("properties"):
        return {"answer": "".join(reply_words(model))}
    filler = {"string": "".join(reply_words(model)), "number": 1.5, "integer": 2, "boolean": True,
              "array": [], "object": {}}
    return {name: filler.get(prop.get("type", "string"), None) for name, prop in schema["properties"].items()}


# ---------------------------------------------------------------------------------------------
# Providers


class Provider:
    name = ""
    prefix = ""  # base path, no trailing slash
    endpoints: tuple[str, ...] = ()
    native_prefix: str | None = None  # base path of a native protocol that differs from the compat one
    # the Responses API (providers.md §0.1): its path (None: not served, 404) and the models that serve it
    responses_path: str | None = None
    responses_models: tuple[str, ...] = ()
    responses_lacks: tuple[str, ...] = ()  # request fields it rejects
    usage_chunk_needs_option = True  # the usage-only last chunk is sent only with stream_options.include_usage

    # -- errors

    def error_body(self, exc: Reject) -> dict:
        return {"error": {"code": exc.code, "message": exc.message, "type": exc.type}}

    def auth_error(self) -> Reject:
        return Reject(401, "invalid_api_key", "Incorrect API key provided.")

    def rate_limit_error(self) -> Reject:
        return Reject(429, "rate_limit_exceeded", "Requests rate limit exceeded", "rate_limit_exceeded")

    def not_found(self, path: str) -> Reject:
        return Reject(404, "not_found", f"no such path: {path}")

    # -- checks (raise Reject)

    def check_chat(self, body: dict) -> None:
        raise NotImplementedError

    def check_embeddings(self, body: dict) -> int:
        """Returns the vector size."""
        raise NotImplementedError

    def check_images(self, body: dict) -> None:
        raise NotImplementedError


class Qwen(Provider):
    """DashScope compatible mode (providers.md §2.1-2.3, §2.5)."""

    name = "qwen"
    prefix = "/compatible-mode/v1"
    endpoints = ("chat/completions", "embeddings")
    responses_path = "/compatible-mode/v1/responses"
    responses_models = ("qwen3.8-max", "qwen3.7-max", "qwen3.7-plus", "qwen3.5-plus", "qwen-plus")
    responses_lacks = ("background",)
    # model: (dimensions offered, default, max inputs per call)
    embedding_models = {
        "text-embedding-v4": ((2048, 1536, 1024, 768, 512, 256, 128, 64), 1024, 10),
        "text-embedding-v3": ((1024, 768, 512, 256, 128, 64), 1024, 10),
        "text-embedding-v2": ((1536,), 1536, 25),
        "text-embedding-v1": ((1536,), 1536, 25),
    }

    def error_body(self, exc: Reject) -> dict:
        return {"error": {"code": exc.code, "type": exc.type, "message": exc.message},
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "request_id": str(uuid.uuid4())}

    def rate_limit_error(self) -> Reject:
        return Reject(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.",
                      "Throttling.RateQuota")

    def _model(self, body: dict) -> str:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith(("qwen", "qwq")):
            raise Reject(400, "model_not_found", f"The model `{model}` does not exist or you do not have access to it.")
        return model

    def check_chat(self, body: dict) -> None:
        self._model(body)
        messages = _check_messages(body)
        if any(m["role"] == "system" for m in messages[1:]):
            raise Reject(400, "invalid_parameter_error", "the system message must be the first message")
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 <= temperature < 2:
            raise Reject(400, "invalid_parameter_error", "Range of temperature should be [0.0, 2.0)")
        top_p = _number(body, "top_p")
        if top_p is not None and not 0 < top_p <= 1:
            raise Reject(400, "invalid_parameter_error", "Range of top_p should be (0.0, 1.0]")
        n = body.get("n")
        if n is not None and n not in (1, 2, 3, 4):
            raise Reject(400, "invalid_parameter_error", "Range of n should be [1, 4]")

    # -- native protocol (providers.md §2.4; what dashscope 2.0 sends and parses)

    native_prefix = "/api/v1"
    native_chat = "services/aigc/text-generation/generation"
    native_embeddings = "services/embeddings/text-embedding/text-embedding"
    native_images = "services/aigc/text2image/image-synthesis"  # a task: submit, then poll
    native_multimodal = "services/aigc/multimodal-generation/generation"  # wan2.6 images, one call
    image_model_prefixes = ("wanx", "wan2.")
    sync_image_model_prefixes = ("wan2.6-t2i", "wan2.6-image")

    def native_error_body(self, exc: Reject) -> dict:
        return {"request_id": str(uuid.uuid4()), "code": exc.code, "message": exc.message}

    def native_auth_error(self) -> Reject:
        return Reject(401, "InvalidApiKey", "Invalid API-key provided.")

    def native_rate_limit_error(self) -> Reject:
        return Reject(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.")

    def native_not_found(self, path: str) -> Reject:
        return Reject(404, "NotFound", f"no such path: {path}")

    def native_request(self, body: Any) -> tuple[str, dict, dict]:
        """(model, input, parameters) of a native request body."""
        if not isinstance(body, dict):
            raise Reject(400, "InvalidParameter", "the body must be a JSON object")
        model, input_, parameters = body.get("model"), body.get("input"), body.get("parameters", {})
        if not isinstance(model, str) or not isinstance(input_, dict) or not isinstance(parameters, dict):
            raise Reject(400, "InvalidParameter", "model (string), input and parameters (objects) are required")
        return model, input_, parameters

    def check_native_chat(self, body: Any) -> tuple[str, list[dict], dict]:
        model, input_, parameters = self.native_request(body)
        if not model.startswith(("qwen", "qwq")):
            raise Reject(400, "InvalidParameter", "Model not exist.")
        try:
            messages = _check_messages(input_)
        except Reject as exc:
            raise Reject(400, "InvalidParameter", exc.message) from None
        openai_only = sorted({"max_completion_tokens", "stream_options", "dimensions"} & parameters.keys())
        if openai_only:
            raise Reject(400, "InvalidParameter", f"unknown parameters {openai_only}")
        if any(m["role"] == "system" for m in messages[1:]):
            raise Reject(400, "InvalidParameter", "the system message must be the first message")
        temperature = _number(parameters, "temperature")
        if temperature is not None and not 0 <= temperature < 2:
            raise Reject(400, "InvalidParameter", "Range of temperature should be [0.0, 2.0)")
        top_p = _number(parameters, "top_p")
        if top_p is not None and not 0 < top_p <= 1:
            raise Reject(400, "InvalidParameter", "Range of top_p should be (0.0, 1.0]")
        if parameters.get("result_format", "text") not in ("text", "message"):
            raise Reject(400, "InvalidParameter", "result_format must be text or message")
        _functions(parameters.get("tools"))
        return model, messages, parameters

    def check_native_embeddings(self, body: Any) -> tuple[list[str], int]:
        model, input_, parameters = self.native_request(body)
        if model not in self.embedding_models:
            raise Reject(400, "InvalidParameter", "Model not exist.")
        dims, default, max_inputs = self.embedding_models[model]
        texts = input_.get("texts")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t for t in texts):
            raise Reject(400, "InvalidParameter", "input.texts must be a non-empty array of non-empty strings")
        if len(texts) > max_inputs:
            raise Reject(400, "InvalidParameter", f"batch size is invalid, it should not be larger than {max_inputs}")
        if "dimensions" in parameters:
            raise Reject(400, "InvalidParameter", "unknown parameter dimensions (the native name is dimension)")
        dim = parameters.get("dimension", default)
        if dim not in dims:
            raise Reject(400, "InvalidParameter", f"dimension {dim!r} is not supported by {model}: {dims}")
        return texts, dim

    def check_native_images(self, body: Any, sync: bool = False) -> tuple[str, int]:
        model, input_, parameters = self.native_request(body)
        if not model.startswith(self.sync_image_model_prefixes if sync else self.image_model_prefixes) or (
                not sync and model.startswith(self.sync_image_model_prefixes)):
            raise Reject(400, "InvalidParameter", "Model not exist.")
        if sync:
            messages = input_.get("messages")
            parts = messages[0].get("content") if isinstance(messages, list) and messages and isinstance(
                messages[0], dict) else None
            texts = [p["text"] for p in parts or [] if isinstance(p, dict) and isinstance(p.get("text"), str)]
            prompt = texts[0] if texts else None
        else:
            prompt = input_.get("prompt")
        if not isinstance(prompt, str) or not prompt:
            raise Reject(400, "InvalidParameter", "a prompt is required")
        size = parameters.get("size", "1024*1024")
        m = re.fullmatch(r"(\d+)\*(\d+)", size) if isinstance(size, str) else None
        if not m or not all(512 <= int(v) <= 1440 for v in m.groups()):
            raise Reject(400, "InvalidParameter", f"size {size!r}: width*height, each in [512, 1440]")
        n = parameters.get("n", 1)
        if n not in (1, 2, 3, 4):
            raise Reject(400, "InvalidParameter", "n must be in [1, 4]")
        return prompt, n

    def check_embeddings(self, body: dict) -> int:
        model = body.get("model")
        if model not in self.embedding_models:
            raise Reject(400, "model_not_found", f"The model `{model}` does not exist or you do not have access to it.")
        dims, default, max_inputs = self.embedding_models[model]
        if body.get("encoding_format") != "float":
            raise Reject(400, "InvalidParameter",
                         f"encoding_format must be 'float', got {body.get('encoding_format')!r}")
        if len(_embedding_inputs(body)) > max_inputs:
            raise Reject(400, "InvalidParameter", f"batch size is invalid, it should not be larger than {max_inputs}")
        dim = body.get("dimensions", default)
        if dim not in dims:
            raise Reject(400, "InvalidParameter", f"dimension {dim!r} is not supported by {model}: {dims}")
        return dim


class Ernie(Provider):
    """Qianfan V2 (providers.md §3.1-3.3, §3.5)."""

    name = "ernie"
    prefix = "/v2"
    endpoints = ("chat/completions", "embeddings", "images/generations")
    embedding_models = {"embedding-v1": (384, 16), "bge-large-zh": (1024, 16), "bge-large-en": (1024, 16),
                        "tao-8k": (1024, 1)}
    image_models = {"irag-1.0": 220, "flux.1-schnell": 512}

    def auth_error(self) -> Reject:
        return Reject(401, "invalid_iam_token", "IAM Certification failed")

    def rate_limit_error(self) -> Reject:
        return Reject(429, "rpm_rate_limit_exceeded", "Rate limit reached for RPM", "rate_limit_exceeded")

    def check_chat(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith("ernie-"):
            raise Reject(400, "invalid_model", f"model {model!r} is not supported")
        messages = _check_messages(body)
        if messages[0]["role"] not in ("system", "user"):
            raise Reject(400, "invalid_argument", "the first message must be from user or system")
        if messages[-1]["role"] not in ("user", "tool"):
            raise Reject(400, "invalid_argument", "the last message must be from user or tool")
        if "max_completion_tokens" in body:
            raise Reject(400, "invalid_argument", "unknown parameter max_completion_tokens; use max_tokens")
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 < temperature <= 1:
            raise Reject(400, "invalid_argument", "temperature must be in (0, 1.0]")
        stop = body.get("stop")
        if stop is not None:
            items = [stop] if isinstance(stop, str) else stop
            if not isinstance(items, list) or len(items) > 4 or any(
                    not isinstance(s, str) or len(s) > 20 for s in items):
                raise Reject(400, "invalid_argument", "stop: at most 4 items of at most 20 characters each")

    def check_embeddings(self, body: dict) -> int:
        model = body.get("model")
        if model not in self.embedding_models:
            raise Reject(400, "invalid_model", f"model {model!r} is not supported")
        dim, max_inputs = self.embedding_models[model]
        if body.get("encoding_format", "float") != "float":
            raise Reject(400, "invalid_argument", "encoding_format only supports float")
        if "dimensions" in body:
            raise Reject(400, "invalid_argument", "unknown parameter dimensions")
        if len(_embedding_inputs(body)) > max_inputs:
            raise Reject(400, "invalid_argument", f"input: at most {max_inputs} texts for {model}")
        return dim

    def check_images(self, body: dict) -> None:
        model = body.get("model")
        if model not in self.image_models:
            raise Reject(400, "invalid_model", f"model {model!r} is not supported")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt or len(prompt) > self.image_models[model]:
            raise Reject(400, "invalid_argument", f"prompt: 1 to {self.image_models[model]} characters")
        n = body.get("n", 1)
        if n not in (1, 2, 3, 4):
            raise Reject(400, "invalid_argument", "n must be in [1, 4]")
        size = body.get("size", "1024x1024")
        m = re.fullmatch(r"(\d+)x(\d+)", size) if isinstance(size, str) else None
        if not m or not all(512 <= int(v) <= 2048 for v in m.groups()):
            raise Reject(400, "invalid_argument", f"size {size!r} out of range 512x512..2048x2048")
        if "response_format" in body:
            raise Reject(400, "invalid_argument", "unknown parameter response_format")


class Glm(Provider):
    """Zhipu BigModel (providers.md §4.1-4.3, §4.5)."""

    name = "glm"
    prefix = "/api/paas/v4"
    responses_path = "/api/v1/responses"  # not under the chat base path
    responses_models = ("glm-5.3",)
    endpoints = ("chat/completions", "embeddings", "images/generations")
    usage_chunk_needs_option = False  # usage arrives on the final chunk anyway
    image_sizes = {"1024x1024", "768x1344", "864x1152", "1344x768", "1152x864", "1440x720", "720x1440"}

    def error_body(self, exc: Reject) -> dict:
        return {"error": {"code": exc.code, "message": exc.message}}

    def auth_error(self) -> Reject:
        return Reject(401, "1000", "身份验证失败。")

    def rate_limit_error(self) -> Reject:
        return Reject(429, "1302", "您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。")

    def not_found(self, path: str) -> Reject:
        return Reject(404, "404", f"no such path: {path}")

    def check_chat(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith("glm-"):
            raise Reject(400, "1211", "模型不存在，请检查模型代码。")
        messages = _check_messages(body)
        if all(m["role"] in ("system", "assistant") for m in messages):
            raise Reject(400, "1214", "messages must not consist only of system or assistant messages")
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 <= temperature <= 1:
            raise Reject(400, "1214", "temperature must be in [0.0, 1.0]")
        top_p = _number(body, "top_p")
        if top_p is not None and not 0 < top_p <= 1:
            raise Reject(400, "1214", "top_p must be in (0.0, 1.0]")
        stop = body.get("stop")
        if stop is not None and not (isinstance(stop, str) or (isinstance(stop, list) and len(stop) <= 1)):
            raise Reject(400, "1214", "stop: only one stop word is supported")
        response_format = body.get("response_format")
        if response_format is not None and response_format.get("type") not in ("text", "json_object"):
            raise Reject(400, "1214", "response_format.type must be text or json_object")  # no json_schema (§4.2)
        thinking = body.get("thinking")
        if thinking is not None and (not isinstance(thinking, dict)
                                     or thinking.get("type") not in ("enabled", "disabled")):
            raise Reject(400, "1214", "thinking.type must be enabled or disabled")

    def check_embeddings(self, body: dict) -> int:
        # encoding_format is not part of Zhipu's API: it is ignored and floats come back
        model = body.get("model")
        inputs = _embedding_inputs(body)
        if model == "embedding-3":
            dim = body.get("dimensions", 2048)
            if dim not in (256, 512, 1024, 2048):
                raise Reject(400, "1214", f"dimensions {dim!r} not supported: 256, 512, 1024, 2048")
        elif model == "embedding-2":
            dim = body.get("dimensions", 1024)
            if dim != 1024:
                raise Reject(400, "1214", "embedding-2 vectors are 1024-d")
        else:
            raise Reject(400, "1211", "模型不存在，请检查模型代码。")
        if len(inputs) > 64:
            raise Reject(400, "1214", "input: at most 64 texts")
        return dim

    def check_images(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith("cogview"):
            raise Reject(400, "1211", "模型不存在，请检查模型代码。")
        if not isinstance(body.get("prompt"), str) or not body["prompt"]:
            raise Reject(400, "1214", "prompt is required")
        size = body.get("size", "1024x1024")
        m = re.fullmatch(r"(\d+)x(\d+)", size) if isinstance(size, str) else None
        ok = size in self.image_sizes or (
            m is not None and all(512 <= int(v) <= 2048 and int(v) % 16 == 0 for v in m.groups())
            and int(m[1]) * int(m[2]) <= 2 ** 21)
        if not ok:
            raise Reject(400, "1214", f"size {size!r} is not supported")
        if body.get("response_format") not in (None, "url"):
            raise Reject(400, "1214", "only url results are supported")
        if body.get("quality") not in (None, "hd", "standard"):
            raise Reject(400, "1214", "quality must be hd or standard")


def _thinking(body: dict, allowed: tuple[str, ...], code: str) -> None:
    thinking = body.get("thinking")
    if thinking is not None and (not isinstance(thinking, dict) or thinking.get("type") not in allowed):
        raise Reject(400, code, f"thinking.type must be one of {', '.join(allowed)}")


def _stop(body: dict, max_items: int, code: str) -> None:
    stop = body.get("stop")
    if stop is None:
        return
    items = [stop] if isinstance(stop, str) else stop
    if not isinstance(items, list) or len(items) > max_items or not all(isinstance(i, str) for i in items):
        raise Reject(400, code, f"stop: at most {max_items} sequences")


class DeepSeek(Provider):
    """api.deepseek.com (docs/providers/deepseek.md §1-3): no path prefix, chat only."""

    name = "deepseek"
    prefix = ""
    endpoints = ("chat/completions",)

    def auth_error(self) -> Reject:
        return Reject(401, "invalid_request_error", "Authentication Fails, Your api key is invalid",
                      "authentication_error")

    def check_chat(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith("deepseek-"):
            raise Reject(400, "invalid_request_error", "Model Not Exist")
        _check_messages(body)
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 <= temperature <= 2:
            raise Reject(400, "invalid_request_error", "temperature must be in [0, 2]")
        _stop(body, 16, "invalid_request_error")
        response_format = body.get("response_format")
        if response_format is not None and response_format.get("type") not in ("text", "json_object"):
            raise Reject(400, "invalid_request_error", "response_format.type must be text or json_object")
        _thinking(body, ("enabled", "disabled"), "invalid_request_error")


class Kimi(Provider):
    """Moonshot open platform (docs/providers/kimi.md §1-3): /v1, chat only; kimi-k2.x fix their sampling."""

    name = "kimi"
    prefix = "/v1"
    endpoints = ("chat/completions",)
    responses_path = "/v1/responses"
    responses_models = ("kimi-k3",)
    responses_lacks = ("previous_response_id", "background")
    fixed = ("temperature", "top_p", "n", "presence_penalty", "frequency_penalty")

    def check_chat(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith(("kimi-", "moonshot-v1")):
            raise Reject(404, "resource_not_found_error", f"Not found the model {model} or Permission denied")
        messages = _check_messages(body)
        if any(not _text_of(m.get("content")) and m["role"] != "assistant" for m in messages):
            raise Reject(400, "invalid_request_error", "message content must not be empty")
        if model.startswith(("kimi-k2.5", "kimi-k2.6")):
            given = [k for k in self.fixed if k in body]
            if given:
                raise Reject(400, "invalid_request_error", f"{given[0]} cannot be modified for {model}")
        else:
            temperature = _number(body, "temperature")
            if temperature is not None and not 0 <= temperature <= 1:
                raise Reject(400, "invalid_request_error", "temperature must be in [0, 1]")
        _thinking(body, ("enabled", "disabled"), "invalid_request_error")


class Doubao(Provider):
    """Volcengine Ark v3 (docs/providers/doubao.md §1-3): /api/v3, chat (embeddings not exercised)."""

    name = "doubao"
    prefix = "/api/v3"
    endpoints = ("chat/completions",)

    def error_body(self, exc: Reject) -> dict:
        return {"error": {"code": exc.code, "message": exc.message, "param": "", "type": exc.type}}

    def auth_error(self) -> Reject:
        return Reject(401, "AuthenticationError", "the API key in the request is missing or invalid", "Unauthorized")

    def rate_limit_error(self) -> Reject:
        return Reject(429, "RateLimitExceeded.EndpointRPMExceeded", "Request rate exceeded", "TooManyRequests")

    def check_chat(self, body: dict) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith(("doubao-", "ep-")):
            raise Reject(404, "InvalidEndpointOrModel.NotFound", f"The model or endpoint {model} does not exist",
                         "NotFound")
        _check_messages(body)
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 <= temperature <= 2:
            raise Reject(400, "InvalidParameter", "temperature must be in [0, 2]", "BadRequest")
        _stop(body, 4, "InvalidParameter")
        _thinking(body, ("enabled", "disabled", "auto"), "InvalidParameter")


class Gateway(Provider):
    """A generic OpenAI-compatible gateway (vLLM / one-api style) serving a fixed list of models under /v1:
    the shape a [tool.migrator.providers.<name>] target stands for."""

    name = "gateway"
    prefix = "/v1"
    endpoints = ("chat/completions", "embeddings")
    chat_models = ("qwen3-32b", "qwen3-235b-a22b")
    embedding_models = {"bge-m3": 1024}

    def check_chat(self, body: dict) -> None:
        if body.get("model") not in self.chat_models:
            raise Reject(404, "model_not_found", f"The model `{body.get('model')}` does not exist.")
        _check_messages(body)
        if "max_completion_tokens" in body:  # an older vLLM: only max_tokens
            raise Reject(400, "invalid_request_error", "unknown field max_completion_tokens")
        temperature = _number(body, "temperature")
        if temperature is not None and not 0 <= temperature <= 2:
            raise Reject(400, "invalid_request_error", "temperature must be in [0, 2]")

    def check_embeddings(self, body: dict) -> int:
        model = body.get("model")
        if model not in self.embedding_models:
            raise Reject(404, "model_not_found", f"The model `{model}` does not exist.")
        if body.get("encoding_format", "float") != "float":
            raise Reject(400, "invalid_request_error", "only float embeddings are served")
        dim = self.embedding_models[model]
        if body.get("dimensions", dim) != dim:
            raise Reject(400, "invalid_request_error", f"{model} vectors are {dim}-d")
        _embedding_inputs(body)
        return dim


PROVIDERS: dict[str, type[Provider]] = {"qwen": Qwen, "ernie": Ernie, "glm": Glm, "deepseek": DeepSeek,
                                        "kimi": Kimi, "doubao": Doubao, "gateway": Gateway}


# ---------------------------------------------------------------------------------------------
# Responses


class ResponsesEvents(list):
    """An SSE stream of Responses API events (``event:`` and ``data:`` lines, no [DONE] sentinel)."""


def _schema_answer(model: str, schema: dict) -> dict:
    filler = {"string": "".join(reply_words(model)), "number": 1.5, "integer": 2, "boolean": True,
              "array": [], "object": {}}
    return {name: filler.get(prop.get("type", "string")) for name, prop in (schema.get("properties") or {}).items()}


def _responses_messages(body: dict) -> list[dict]:
    """The conversation of a Responses request, as chat messages (for the stand-in's answer); rejects what
    the Responses API rejects: chat-only content parts, unknown items."""
    given = body.get("input")
    messages: list[dict] = []
    if isinstance(body.get("instructions"), str):
        messages.append({"role": "system", "content": body["instructions"]})
    if isinstance(given, str):
        return [*messages, {"role": "user", "content": given}]
    if not isinstance(given, list) or not given:
        raise Reject(400, "invalid_request_error", "input must be a string or a non-empty array of items")
    for item in given:
        kind = item.get("type", "message") if isinstance(item, dict) else None
        if kind == "function_call":  # an output item sent back: the assistant's call
            if not item.get("call_id") or not item.get("name") or not isinstance(item.get("arguments"), str):
                raise Reject(400, "invalid_request_error", f"malformed function_call item {item!r}")
            call = {"id": item["call_id"], "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]}}
            if messages and messages[-1]["role"] == "assistant" and messages[-1].get("tool_calls"):
                messages[-1]["tool_calls"].append(call)
            else:
                messages.append({"role": "assistant", "content": "", "tool_calls": [call]})
            continue
        if kind == "function_call_output":
            if not item.get("call_id") or not isinstance(item.get("output"), str):
                raise Reject(400, "invalid_request_error", f"malformed function_call_output item {item!r}")
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": item["output"]})
            continue
        if kind == "reasoning":
            continue
        if not isinstance(item, dict) or kind != "message" \
                or item.get("role") not in ("user", "system", "developer", "assistant"):
            raise Reject(400, "invalid_request_error", f"unsupported input item {item!r}")
        content = item.get("content")
        if isinstance(content, list):
            for part in content:
                if not isinstance(part, dict) or part.get("type") not in RESPONSES_PARTS:
                    raise Reject(400, "invalid_request_error", f"invalid content part {part!r} (input_text, "
                                                               "input_image, ...)")
            content = " ".join(p.get("text", "") for p in content)
        elif not isinstance(content, str):
            raise Reject(400, "invalid_request_error", "content must be a string or an array of parts")
        messages.append({"role": "system" if item["role"] == "developer" else item["role"], "content": content})
    return messages


def _usage(body: dict, completion_tokens: int) -> dict:
    prompt_tokens = sum(len(_text_of(m.get("content")).split()) for m in body.get("messages", []))
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def reply_words(model: str) -> list[str]:
    """What the stand-in answers: ``Hello from <model>``, in three stream chunks."""
    return ["Hello", " from", f" {model}"]


# ---------------------------------------------------------------------------------------------
# Server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    ssl_context: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        # the TLS handshake happens here, in the connection's own thread, not in the accept loop
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # a client that does not trust the certificate: it sees the handshake fail
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-response; the test sees what the client saw


class StandIn:
    def __init__(self, provider: str, api_key: str, *, retry_after_ms: int | None = None,
                 tls: ssl.SSLContext | None = None, hosts: tuple[str, ...] = ()) -> None:
        """``tls``: serve HTTPS with this server context. ``hosts``: the host names the stand-in
        answers for (others get 421); empty: any."""
        self.provider = PROVIDERS[provider]()
        self.api_key = api_key
        # sent with 429 answers (the openai SDK honours it) so that its retries do not back off for
        # seconds; the providers do not document a retry header, the retries themselves are real
        self.retry_after_ms = retry_after_ms
        self.tls = tls
        self.hosts = hosts
        self._requests: list[Recorded] = []
        self._limited_once: set[tuple[str, str]] = set()
        self._tasks: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> StandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.ssl_context = self.tls
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"standin-{self.provider.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.provider.prefix

    # -- records

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def record(self, rec: Recorded) -> None:
        with self._lock:
            self._requests.append(rec)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- dispatch

    def _rate_limited(self, rec: Recorded, texts: list[str]) -> bool:
        if any(RATE_LIMIT_TRIGGER in t for t in texts):
            return True
        once = [t for t in texts if RATE_LIMIT_ONCE_TRIGGER in t]
        if not once:
            return False
        key = (rec.headers.get("authorization", ""), "\n".join(once))
        with self._lock:
            if key in self._limited_once:
                return False
            self._limited_once.add(key)
            return True

    def error_body(self, rec: Recorded, exc: Reject) -> dict:
        p = self.provider
        return p.native_error_body(exc) if self.is_native(rec) else p.error_body(exc)

    def is_native(self, rec: Recorded) -> bool:
        prefix = self.provider.native_prefix
        return prefix is not None and rec.path.startswith(prefix + "/")

    def handle(self, rec: Recorded) -> tuple[int, dict | list[dict]]:
        """Returns (status, JSON body) or (200, list of SSE chunks)."""
        if self.hosts and rec.host not in self.hosts:
            raise Reject(421, "misdirected_request", f"this server does not answer for {rec.host!r}")
        if self.is_native(rec):
            return self._handle_native(rec)
        p = self.provider
        path = rec.path.split("?", 1)[0]
        if p.responses_path is not None and path.startswith(p.responses_path):
            return self._responses(rec, path)
        endpoint = path[len(p.prefix) + 1:] if path.startswith(p.prefix + "/") else None
        if rec.method != "POST" or endpoint not in p.endpoints:
            raise p.not_found(rec.path)
        if rec.headers.get("authorization") != f"Bearer {self.api_key}":
            raise p.auth_error()
        if not rec.headers.get("content-type", "").startswith("application/json") or not isinstance(rec.body, dict):
            raise Reject(400, "invalid_request", "the body must be a JSON object")
        body = rec.body
        if endpoint == "chat/completions":
            p.check_chat(body)
            _functions(body.get("tools"))
            if self._rate_limited(rec, [_text_of(m.get("content")) for m in body["messages"]]):
                raise p.rate_limit_error()
            if body.get("stream"):
                return 200, self._chunks(body)
            return 200, self._completion(body)
        if endpoint == "embeddings":
            dim = p.check_embeddings(body)
            inputs = _embedding_inputs(body)
            tokens = sum(len(t.split()) for t in inputs)
            return 200, {"object": "list", "model": body["model"], "id": uuid.uuid4().hex,
                         "data": [{"object": "embedding", "index": i, "embedding": _vector(dim, text)}
                                  for i, text in enumerate(inputs)],
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        p.check_images(body)
        out = {"created": int(time.time()),
               "data": [{"url": f"https://{p.name}-standin.invalid/images/{i}.png"} for i in range(body.get("n", 1))]}
        if p.name == "ernie":
            out["id"] = f"as-{uuid.uuid4().hex[:10]}"
        else:
            out["content_filter"] = [{"role": "assistant", "level": 3}]
        return 200, out

    # -- the Responses API (providers.md §0.1; OpenAI's wire format)

    def _responses(self, rec: Recorded, path: str) -> tuple[int, dict | list[dict]]:
        p = self.provider
        if rec.headers.get("authorization") != f"Bearer {self.api_key}":
            raise p.auth_error()
        stored = re.fullmatch(re.escape(p.responses_path or "") + r"/([\w-]+)", path)
        if stored and rec.method == "GET":
            with self._lock:
                found = self._tasks.get(stored[1])
            if found is None:
                raise Reject(404, "not_found", f"no response {stored[1]!r}")
            return 200, found
        if rec.method != "POST" or path != p.responses_path or not isinstance(rec.body, dict):
            raise p.not_found(rec.path)
        body = rec.body
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith(p.responses_models):
            raise Reject(400, "model_not_supported", f"model {model!r} does not serve the Responses API here")
        for name in p.responses_lacks:
            if body.get(name):
                raise Reject(400, "invalid_parameter", f"{name} is not supported")
        for name in ("messages", "max_tokens", "response_format"):
            if name in body:  # chat fields: the Responses API rejects them
                raise Reject(400, "invalid_request_error", f"unknown parameter {name!r}")
        messages = _responses_messages(body)
        _check_messages({"messages": messages})  # a function_call_output answers a call sent before it
        tools = []
        for tool in body.get("tools") or []:  # Responses function tools: name at the top, no "function" object
            if not isinstance(tool, dict) or tool.get("type") != "function" or not tool.get("name") \
                    or "function" in tool:
                raise Reject(400, "invalid_request_error", f"invalid tool {tool!r} (a Responses function tool "
                                                           "has type, name, parameters)")
            tools.append({"type": "function", "function": {k: v for k, v in tool.items() if k != "type"}})
        calls = _tool_calls(tools or None, messages)
        previous = body.get("previous_response_id")
        if previous:
            with self._lock:
                if previous not in self._tasks:
                    raise Reject(404, "not_found", f"previous response {previous!r} not found")
        if self._rate_limited(rec, [_text_of(m.get("content")) for m in messages]):
            raise p.rate_limit_error()
        fmt = (body.get("text") or {}).get("format") or {}
        if fmt.get("type") == "json_object":
            words = [json.dumps(_json_answer(model, messages))]
        elif fmt.get("type") == "json_schema":
            words = [json.dumps(_schema_answer(model, fmt.get("schema") or {}))]
        else:
            words = _answer(model, messages)
        rid = f"resp_{uuid.uuid4().hex[:24]}"
        prompt_tokens = sum(len(_text_of(m.get("content")).split()) for m in messages)
        if calls:
            words = ["call"]
        text = "".join(words)
        message = {"type": "message", "id": f"msg_{uuid.uuid4().hex[:24]}", "status": "completed",
                   "role": "assistant", "content": [{"type": "output_text", "text": text, "annotations": []}]}
        output = [{"type": "function_call", "id": f"fc_{uuid.uuid4().hex[:24]}", "call_id": c["id"],
                   "name": c["function"]["name"], "arguments": c["function"]["arguments"], "status": "completed"}
                  for c in calls] if calls else [message]
        response = {"id": rid, "object": "response", "created_at": int(time.time()), "status": "completed",
                    "model": model, "output": output, "parallel_tool_calls": True, "tool_choice": "auto",
                    "tools": [], "error": None, "incomplete_details": None,
                    "usage": {"input_tokens": prompt_tokens, "output_tokens": len(words),
                              "total_tokens": prompt_tokens + len(words),
                              "input_tokens_details": {"cached_tokens": 0},
                              "output_tokens_details": {"reasoning_tokens": 0}}}
        if body.get("store", True):
            with self._lock:
                self._tasks[rid] = response
        if not body.get("stream"):
            return 200, response
        item = message["id"]
        events = ResponsesEvents()
        events.append({"type": "response.created", "response": {**response, "status": "in_progress", "output": [],
                                                                 "usage": None}})
        events.append({"type": "response.output_item.added", "output_index": 0,
                       "item": {**message, "status": "in_progress", "content": []}})
        for word in words:
            events.append({"type": "response.output_text.delta", "item_id": item, "output_index": 0,
                           "content_index": 0, "delta": word, "logprobs": []})
        events.append({"type": "response.output_text.done", "item_id": item, "output_index": 0,
                       "content_index": 0, "text": text, "logprobs": []})
        events.append({"type": "response.output_item.done", "output_index": 0, "item": message})
        events.append({"type": "response.completed", "response": response})
        for n, event in enumerate(events):
            event["sequence_number"] = n
        return 200, events

    def _completion(self, body: dict) -> dict:
        model = body["model"]
        message: dict[str, Any] = {"role": "assistant"}
        calls = _tool_calls(body.get("tools"), body["messages"])
        words = ["call"] if calls else _answer(model, body["messages"])
        if calls:
            message.update(content=None, tool_calls=[{k: v for k, v in c.items() if k != "index"} for c in calls])
        elif (body.get("response_format") or {}).get("type") == "json_object":
            message["content"] = json.dumps(_json_answer(model, body["messages"]))
        elif (body.get("response_format") or {}).get("type") == "json_schema":
            schema = (body["response_format"].get("json_schema") or {}).get("schema") or {}
            message["content"] = json.dumps(_schema_answer(model, schema))
        else:
            message["content"] = "".join(words)
        return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "finish_reason": "tool_calls" if calls else "stop", "message": message}],
                "usage": _usage(body, len(words))}

    def _chunks(self, body: dict) -> list[dict]:
        model = body["model"]
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        head = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        calls = _tool_calls(body.get("tools"), body["messages"])
        words = ["call"] if calls else _answer(model, body["messages"])
        chunks = []
        if calls:
            chunks.append({**head, "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": calls},
                                                "finish_reason": None}]})
        else:
            for i, word in enumerate(words):
                delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
                chunks.append({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        finish = "tool_calls" if calls else "stop"
        last = {**head, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": finish}]}
        usage = _usage(body, len(words))
        options = body.get("stream_options") or {}
        if not self.provider.usage_chunk_needs_option:
            last["usage"] = usage
            chunks.append(last)
        else:
            chunks.append(last)
            if options.get("include_usage"):
                chunks.append({**head, "choices": [], "usage": usage})
        return chunks

    # -- DashScope native protocol

    def _handle_native(self, rec: Recorded) -> tuple[int, dict | list[dict]]:
        p = self.provider
        endpoint = rec.path.split("?", 1)[0][len(p.native_prefix) + 1:]
        task = re.fullmatch(r"tasks/([\w-]+)", endpoint)
        if not (rec.method == "POST" and endpoint in (p.native_chat, p.native_embeddings, p.native_images,
                                                      p.native_multimodal)
                or rec.method == "GET" and task):
            raise p.native_not_found(rec.path)
        if rec.headers.get("authorization") != f"Bearer {self.api_key}":
            raise p.native_auth_error()
        if task:
            with self._lock:
                found = self._tasks.get(task[1])
            if found is None:
                return 200, {"request_id": str(uuid.uuid4()),
                             "output": {"task_id": task[1], "task_status": "UNKNOWN"}}
            return 200, found
        if not rec.headers.get("content-type", "").startswith("application/json"):
            raise Reject(400, "InvalidParameter", "the body must be JSON")
        request_id = str(uuid.uuid4())
        if endpoint == p.native_embeddings:
            texts, dim = p.check_native_embeddings(rec.body)
            tokens = sum(len(t.split()) for t in texts)
            return 200, {"request_id": request_id,
                         "output": {"embeddings": [{"text_index": i, "embedding": _vector(dim, text)}
                                                   for i, text in enumerate(texts)]},
                         "usage": {"total_tokens": tokens}}
        if endpoint == p.native_multimodal:
            prompt, n = p.check_native_images(rec.body, sync=True)
            content = [{"image": f"https://qwen-standin.invalid/images/{request_id}/{i}.png"} for i in range(n)]
            return 200, {"request_id": request_id,
                         "output": {"choices": [{"finish_reason": "stop",
                                                 "message": {"role": "assistant", "content": content}}]},
                         "usage": {"image_count": n, "width": 1024, "height": 1024}}
        if endpoint == p.native_images:
            if rec.headers.get("x-dashscope-async", "").lower() != "enable":
                raise Reject(403, "AccessDenied", "current user api does not support synchronous calls")
            prompt, n = p.check_native_images(rec.body)
            task_id = str(uuid.uuid4())
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            with self._lock:
                self._tasks[task_id] = {
                    "request_id": str(uuid.uuid4()),
                    "output": {"task_id": task_id, "task_status": "SUCCEEDED", "submit_time": now,
                               "scheduled_time": now, "end_time": now,
                               "results": [{"url": f"https://qwen-standin.invalid/images/{task_id}/{i}.png",
                                            "orig_prompt": prompt} for i in range(n)],
                               "task_metrics": {"TOTAL": n, "SUCCEEDED": n, "FAILED": 0}},
                    "usage": {"image_count": n}}
            return 200, {"request_id": request_id, "output": {"task_id": task_id, "task_status": "PENDING"}}
        model, messages, parameters = p.check_native_chat(rec.body)
        if self._rate_limited(rec, [_text_of(m.get("content")) for m in messages]):
            raise p.native_rate_limit_error()
        calls = _tool_calls(parameters.get("tools"), messages)
        words = ["call"] if calls else _answer(model, messages)
        as_message = parameters.get("result_format") == "message"
        if not rec.native_stream:
            return 200, self._native_frame(request_id, messages, words, calls, as_message, "stop")
        incremental = bool(parameters.get("incremental_output"))
        frames = []
        for i in range(len(words)):
            part = words[i:i + 1] if incremental else words[:i + 1]
            frames.append(self._native_frame(request_id, messages, part, calls if i == 0 else None, as_message,
                                             "stop" if i == len(words) - 1 else "null", len(words[:i + 1])))
        return 200, frames

    @staticmethod
    def _native_frame(request_id: str, messages: list[dict], words: list[str], calls: list[dict] | None,
                      as_message: bool, finish: str, output_tokens: int | None = None) -> dict:
        usage = _usage({"messages": messages}, len(words) if output_tokens is None else output_tokens)
        usage = {"input_tokens": usage["prompt_tokens"], "output_tokens": usage["completion_tokens"],
                 "total_tokens": usage["total_tokens"]}
        if calls:
            finish = "tool_calls" if finish == "stop" else finish
            message = {"role": "assistant", "content": "", "tool_calls": calls}
        else:
            message = {"role": "assistant", "content": "".join(words)}
        if as_message:
            output = {"choices": [{"finish_reason": finish, "message": message}]}
        else:
            output = {"text": message["content"], "finish_reason": finish}
        return {"request_id": request_id, "output": output, "usage": usage}


class _Handler(BaseHTTPRequestHandler):
    standin: StandIn
    timeout = 5  # seconds, per socket operation

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        rec = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.standin.record(rec)
        try:
            status, payload = self.standin.handle(rec)
        except Reject as exc:
            status, payload = exc.status, self.standin.error_body(rec, exc)
        rec.status, rec.response = status, payload
        try:
            if isinstance(payload, ResponsesEvents):
                self._responses_sse(payload)
            elif isinstance(payload, list) and self.standin.is_native(rec):
                self._native_sse(payload)
            elif isinstance(payload, list):
                self._sse(payload)
            else:
                extra = {}
                if status == 429 and self.standin.retry_after_ms is not None:
                    extra["retry-after-ms"] = str(self.standin.retry_after_ms)
                self._json(status, payload, extra)
        except (TimeoutError, ConnectionError, ssl.SSLError):
            pass  # the client went away

    def _json(self, status: int, payload: dict, extra_headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, chunks: list[dict]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def _responses_sse(self, events: list[dict]) -> None:
        """The Responses API's event stream: an event line and a data line per event, no [DONE]."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.close_connection = True

    def _native_sse(self, frames: list[dict]) -> None:
        """DashScope's event stream: id/event/status lines, no [DONE] sentinel."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream;charset=UTF-8")
        self.send_header("Connection", "close")
        self.end_headers()
        for i, frame in enumerate(frames, 1):
            data = json.dumps(frame, ensure_ascii=False)
            self.wfile.write(f"id:{i}\nevent:result\n:HTTP_STATUS/200\ndata:{data}\n\n".encode())
            self.wfile.flush()
        self.close_connection = True
