"""ERNIE on Baidu Qianfan, V2 OpenAI-compatible API.

Facts from providers.md §3 (endpoint and key §3.1, chat parameters §3.2, other endpoints §3.3,
models and the suggested mapping §3.5, warnings §3.6) and §6.
"""

from migrator.rules.spec import ModelTarget, NativeMethod, NativeSpec, ProviderSpec, Range, dated

_X1 = "reasoning model: ernie-x1-turbo-32k rejects stop, seed and response_format"
_EMB = "Chinese text; use bge-large-en for English corpora"

# qianfan 0.4.12.3 V2 client (providers.md §3.4 and §9, checked against the installed SDK): keyword arguments of
# chat.completions.create go into the request body verbatim; one client serves sync (create) and async (acreate).
_STATUS = ("qianfan raises RequestError for every non-200 answer: compare e.status_code (None on the async "
           "path, where the status is only in the message)")
NATIVE = NativeSpec(
    module="qianfan",
    clients={"sync": "qianfan.Qianfan", "async": "qianfan.Qianfan"},
    client_kwargs={"api_key": "api_key", "base_url": "", "timeout": "request_timeout", "max_retries": "retry_count"},
    methods={
        "chat.completions.create": NativeMethod(
            async_call="chat.completions.acreate", spread=("extra_body",), response="chat",
            renames={"timeout": "request_timeout"},
            drops={"extra_headers": "qianfan takes no per-call headers", "extra_query": "qianfan takes no query"}),
    },
    missing={
        "embeddings": "qianfan 0.4.12.3 has no V2 embeddings wrapper (qianfan.Embedding is the V1 API: other models, "
        "AK/SK auth); this client stays on the openai SDK pointed at Qianfan V2",
        "images": "qianfan 0.4.12.3 has no V2 images wrapper (qianfan.Text2Image is V1); this client stays on the "
        "openai SDK pointed at Qianfan V2",
    },
    dump_methods={"model_dump": "dict", "model_dump_json": "json"},  # pydantic v1 models (providers.md §9)
    # pydantic v2 arguments that v1's dict() / json() reject (TypeError); the responses hold JSON types only
    dump_drops={name: "pydantic v1 has no such argument" for name in (
        "mode", "round_trip", "warnings", "context", "serialize_as_any", "fallback")},
    # the SDK reads history entries with .get(): a response message must go back as a dict (checked against
    # the installed SDK: openapi_requestor.llm)
    message_param="dict(exclude_none=True)",
    # qianfan 0.4.12.3 errors.py: RequestError carries body, headers and status_code; QianfanError nothing else
    error_renames={"response.headers": "headers", "response.status_code": "status_code"},
    error_missing={
        "response": "qianfan errors carry no HTTP response: read e.status_code, e.headers or e.body",
        "request": "qianfan errors carry no HTTP request",
        "message": "qianfan errors have no message attribute: use str(e)",
        "request_id": "qianfan errors have no request_id: it is in e.headers or e.body",
        "code": "qianfan errors have no code field: read e.status_code or e.body",
        "param": "qianfan errors have no param field: read e.body",
        "type": "qianfan errors have no type field: read e.body",
    },
    # qianfan 0.4.12.3, seen against a closed port and a server that never answers: every non-200 answer is
    # a RequestError; connection failures and timeouts are not qianfan errors but requests' (sync) and
    # aiohttp's / asyncio's (async), both dependencies of qianfan
    error_classes={"qianfan.errors.QianfanError": "", "qianfan.errors.RequestError": "qianfan.errors.QianfanError",
                   "requests.exceptions.RequestException": "",
                   "requests.exceptions.ConnectionError": "requests.exceptions.RequestException",
                   "requests.exceptions.Timeout": "requests.exceptions.RequestException",
                   "aiohttp.ClientConnectionError": "", "TimeoutError": ""},
    error_raised={
        **{status: ("qianfan.errors.RequestError",) for status in (
            "400", "401", "403", "404", "409", "422", "429", "500", "502", "503", "504", "other status")},
        "connection": ("requests.exceptions.ConnectionError", "aiohttp.ClientConnectionError"),
        "timeout": ("requests.exceptions.Timeout", "TimeoutError")},
    error_notes={name: _STATUS for name in (
        "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
        "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError")} | {
        "APIConnectionError": "qianfan raises requests' and aiohttp's own errors for a failed connection"},
    notes=("qianfan retries 3 times by default and ignores retry_count=0 (providers.md §9)",
           "the SDK reads QIANFAN_BEARER_TOKEN itself; the migrated code passes QIANFAN_API_KEY explicitly"),
)

SPEC = ProviderSpec(
    name="ernie",
    order=2,
    default_scan=True,
    display="ERNIE (Qianfan)",
    base_urls={"cn": "https://qianfan.baidubce.com/v2"},
    key_env="QIANFAN_API_KEY",
    key_pattern=r"bce-v3/[A-Za-z0-9/_\-]{16,}",  # bce-v3/ALTAK-…/… (providers.md §3.1)
    native_package="qianfan",  # providers.md §6.1 native SDK
    native_version="0.4.12.3",
    native_below="0.5",  # tested: 0.4.12.3 and the newest 0.4.x (tests/test_e2e_native_newest.py)
    native=NATIVE,
    models=dated({
        "gpt-4o": ModelTarget("ernie-4.5-turbo-128k"),
        "gpt-4.1": ModelTarget("ernie-4.5-turbo-128k", note="gpt-4.1 has a 1M-token context; ernie-4.5-turbo-128k has 128K"),
        "gpt-4.5": ModelTarget("ernie-4.5-turbo-128k"),
        "gpt-5": ModelTarget("ernie-5.1"),  # December 2026 lineup (providers.md §0.1)
        "gpt-4o-mini": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-4.1-mini": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-4.1-nano": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-5-mini": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-5-nano": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-3.5-turbo": ModelTarget("ernie-4.5-turbo-32k"),
        "gpt-4": ModelTarget("ernie-4.0-turbo-128k"),
        "gpt-4-turbo": ModelTarget("ernie-4.0-turbo-128k"),
        "o1": ModelTarget("ernie-x1-turbo-32k", note=_X1),
        "o1-mini": ModelTarget("ernie-x1-turbo-32k", note=_X1),
        "o3": ModelTarget("ernie-x1-turbo-32k", note=_X1),
        "o3-mini": ModelTarget("ernie-x1-turbo-32k", note=_X1),
        "o4-mini": ModelTarget("ernie-x1-turbo-32k", note=_X1),
        "gpt-4-vision": ModelTarget("ernie-4.5-turbo-vl-32k"),
        "text-embedding-ada-002": ModelTarget("bge-large-zh", note=_EMB),
        "text-embedding-3-small": ModelTarget("bge-large-zh", note=_EMB),
        "text-embedding-3-large": ModelTarget("bge-large-zh", note=_EMB),
        "dall-e-2": ModelTarget("irag-1.0", note="irag-1.0 takes prompts of at most 220 characters; n is 1-4"),
        "dall-e-3": ModelTarget("irag-1.0", note="irag-1.0 takes prompts of at most 220 characters; n is 1-4"),
        "gpt-image-1": ModelTarget("irag-1.0", note="irag-1.0 takes prompts of at most 220 characters; n is 1-4"),
    }, "2026-12-06"),
    native_model_prefixes=(
        "ernie-", "deepseek-", "qwen", "glm-", "bge-large", "embedding-v1", "tao-8k", "irag-", "flux.1", "gme-",
    ),
    temperature=Range(0.0, 1.0, low_inclusive=False),
    supported={
        "structured": "json_schema structured output on the v2 endpoint",
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "embeddings": "embeddings on the v2 endpoint (bge-large-zh / bge-large-en / tao-8k)",
        "images": "images.generate on the v2 endpoint (irag-1.0)",
    },
    unsupported={
        "images.edit": "Qianfan V2 has no image edit endpoint (only /v2/images/generations)",
        "images.create_variation": "Qianfan V2 has no image variation endpoint (only /v2/images/generations)",
        "audio": "Qianfan V2 has no speech endpoints (Baidu speech is a separate product)",
        "moderations": "Qianfan has no moderation endpoint; safety is reported in-band (choices[].flag, "
        'finish_reason="content_filter")',
        "responses": "Qianfan's Responses API is not confirmed (qianfan.baidubce.com/v2/responses appears only in "
        "gateway code, on no Baidu page; providers.md §0.1)",
        "assistants": "Qianfan has no Assistants / threads / vector stores API",
        "fine_tuning": "fine-tuning is done in the Qianfan console, not through an OpenAI-compatible API",
        "files": "Qianfan has no OpenAI-shaped Files API",
        "batches": "Qianfan batch inference (/v2/batchinference) is not OpenAI-shaped",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "Qianfan V2 has no legacy /completions endpoint; move the prompt to chat.completions",
    },
    caveats={
        "models": "models.list is not documented for the V2 OpenAI-compatible API",
    },
    param_notes={
        "n": "n is not documented for Qianfan V2",
        "logprobs": "logprobs is not documented for Qianfan V2",
        "top_logprobs": "top_logprobs is not documented for Qianfan V2",
        "logit_bias": "logit_bias is not documented for Qianfan V2",
    },
    renamed_params={"max_completion_tokens": "max_tokens"},
    stop_max_items=4,
    stop_max_chars=20,
    embedding_max_inputs=16,
    embedding_dimensions={"bge-large-zh": (1024,), "bge-large-en": (1024,), "tao-8k": (1024,)},
    embedding_accepts_dimensions=False,
    region_notes={"intl": "Qianfan has one host; the intl region uses it too"},
    contexts={"ernie-5.0-thinking-latest": "128K", "ernie-4.5-turbo-128k": "128K", "ernie-4.5-turbo-32k": "32K",
              "ernie-4.0-turbo-128k": "128K", "ernie-4.0-turbo-8k": "8K", "ernie-x1-turbo-32k": "32K"},
    framework_notes={  # providers.md §5.2, §5.3
        "langchain.chat": "QianfanChatEndpoint is built on the V1 API (AK/SK, legacy endpoints); a V2 key does not work "
        "with it",
        "langchain.embeddings": "QianfanEmbeddingsEndpoint is built on the V1 API (AK/SK)",
        "llama_index.chat": "llama_index's Qianfan LLM is V1-style (AK/SK, wenxinworkshop endpoints, alternating roles)",
        "llama_index.embeddings": "LlamaIndex has no Qianfan embedding class",
    },
    docs="https://cloud.baidu.com/doc/WENXINWORKSHOP/s/2m3fihw8s",
)
