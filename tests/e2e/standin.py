"""A local stand-in for the OpenAI-compatible APIs of DashScope (qwen), Qianfan V2 (ernie), Zhipu (glm),
DeepSeek, Moonshot (kimi), Volcengine Ark (doubao) and a generic OpenAI-compatible gateway (a custom
target from configuration).

It speaks each provider's documented wire format (providers.md §2.1-2.3, §3.1-3.3, §4.1-4.3 and
docs/providers/{deepseek,kimi,doubao}.md §1-3): the
provider's paths under its base path, ``Authorization: Bearer <key>``, the provider's parameter limits
and model catalogue, OpenAI-shaped responses, SSE streaming ending in ``data: [DONE]`` and the
provider's error body. Requests are checked strictly (a request the provider documents as invalid is
answered 4xx, so the openai SDK does not retry it) and every request is recorded.

Bound to 127.0.0.1 on an ephemeral port. A user message containing ``[429]`` is answered with the
provider's rate-limit error (HTTP 429), so programs can exercise ``openai.RateLimitError``.

    with StandIn("qwen", api_key="sk-test") as server:
        client = OpenAI(api_key="sk-test", base_url=server.base_url)   # …/compatible-mode/v1
        ...
        server.requests   # [Recorded(method, path, headers, body, status), ...]
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RATE_LIMIT_TRIGGER = "[429]"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or the raw text when it is not JSON
    status: int = 0


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
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant", "tool"):
            raise Reject(400, "invalid_parameter", f"invalid message role in {m!r}")
    return messages


def _embedding_inputs(body: dict) -> list[str]:
    value = body.get("input")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise Reject(400, "invalid_parameter", "input must be a non-empty string or array of non-empty strings")
    return value


def _vector(dim: int, seed: int) -> list[float]:
    return [round(((seed + 1) * 31 + j * 7) % 97 / 97.0 - 0.5, 6) for j in range(dim)]


# ---------------------------------------------------------------------------------------------
# Providers


class Provider:
    name = ""
    prefix = ""  # base path, no trailing slash
    endpoints: tuple[str, ...] = ()
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


def _usage(body: dict, completion_tokens: int) -> dict:
    prompt_tokens = sum(len(_text_of(m.get("content")).split()) for m in body.get("messages", []))
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


def reply_words(model: str) -> list[str]:
    """What the stand-in answers: ``Hello from <model>``, in three stream chunks."""
    return ["Hello", " from", f" {model}"]


# ---------------------------------------------------------------------------------------------
# Server


class StandIn:
    def __init__(self, provider: str, api_key: str, *, retry_after_ms: int | None = None) -> None:
        self.provider = PROVIDERS[provider]()
        self.api_key = api_key
        # sent with 429 answers (the openai SDK honours it) so that its retries do not back off for
        # seconds; the providers do not document a retry header, the retries themselves are real
        self.retry_after_ms = retry_after_ms
        self._requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> StandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
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
    def origin(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

    def handle(self, rec: Recorded) -> tuple[int, dict | list[dict]]:
        """Returns (status, JSON body) or (200, list of SSE chunks)."""
        p = self.provider
        path = rec.path.split("?", 1)[0]
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
            if any(RATE_LIMIT_TRIGGER in _text_of(m.get("content")) for m in body["messages"]):
                raise p.rate_limit_error()
            if body.get("stream"):
                return 200, self._chunks(body)
            return 200, self._completion(body)
        if endpoint == "embeddings":
            dim = p.check_embeddings(body)
            inputs = _embedding_inputs(body)
            tokens = sum(len(t.split()) for t in inputs)
            return 200, {"object": "list", "model": body["model"], "id": uuid.uuid4().hex,
                         "data": [{"object": "embedding", "index": i, "embedding": _vector(dim, i)}
                                  for i in range(len(inputs))],
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        p.check_images(body)
        out = {"created": int(time.time()),
               "data": [{"url": f"https://{p.name}-standin.invalid/images/{i}.png"} for i in range(body.get("n", 1))]}
        if p.name == "ernie":
            out["id"] = f"as-{uuid.uuid4().hex[:10]}"
        else:
            out["content_filter"] = [{"role": "assistant", "level": 3}]
        return 200, out

    def _completion(self, body: dict) -> dict:
        model = body["model"]
        words = reply_words(model)
        return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "".join(words)}}],
                "usage": _usage(body, len(words))}

    def _chunks(self, body: dict) -> list[dict]:
        model = body["model"]
        words = reply_words(model)
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        head = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        chunks = []
        for i, word in enumerate(words):
            delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
            chunks.append({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        last = {**head, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}]}
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
            status, payload = exc.status, self.standin.provider.error_body(exc)
        rec.status = status
        if isinstance(payload, list):
            self._sse(payload)
        else:
            extra = {}
            if status == 429 and self.standin.retry_after_ms is not None:
                extra["retry-after-ms"] = str(self.standin.retry_after_ms)
            self._json(status, payload, extra)

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
