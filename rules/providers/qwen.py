"""Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode.

Facts from providers.md §2 (endpoints §2.1, chat limits §2.2, other endpoints §2.3, models and the
suggested mapping §2.5, warnings §2.6) and §6.
"""

from migrator.rules.spec import (
    ModelTarget,
    NativeMethod,
    NativeSpec,
    ProviderSpec,
    Range,
    ResponsesAPI,
    dated,
)

_O_SERIES = "o-series reasoning model: qwen3.8-max thinks by default; bound it with reasoning_effort"
_O_SERIES_SMALL = (
    "o-series reasoning model: qwen-plus answers without thinking; to think, pass "
    'extra_body={"enable_thinking": True} (streaming only)'
)

# dashscope 2.0.2 (providers.md §2.4, checked against the installed SDK): the 2.0 client; its methods take
# keyword arguments only, no **kwargs.
_CHAT_ARGS = frozenset({
    "model", "messages", "stream", "tools", "temperature", "top_p", "max_tokens", "stop", "seed", "repetition_penalty",
    "presence_penalty", "enable_thinking", "response_format", "top_k", "tool_choice", "n", "logprobs", "top_logprobs",
    "thinking_budget", "enable_search", "search_options", "parallel_tool_calls", "incremental_output", "parameters",
    "timeout", "api_key", "workspace",
})
_EMBEDDING_ARGS = frozenset({"model", "input", "text_type", "dimension", "output_type", "instruct", "parameters",
                             "timeout", "api_key", "workspace"})
_NO_HEADERS = "the dashscope client takes no per-call headers or query parameters"
_IMAGE_ARGS = frozenset({"model", "prompt", "negative_prompt", "n", "size", "image_urls", "extra_input", "function",
                         "seed", "style", "prompt_extend", "watermark", "parameters", "timeout", "api_key", "workspace"})
_WAN = ModelTarget("wan2.6-t2i", note="dashscope image jobs return temporary URLs (download them promptly), no b64_json")
_E = "dashscope.v2.errors."
NATIVE = NativeSpec(
    module="dashscope",
    clients={"sync": "dashscope.Client", "async": "dashscope.AsyncClient"},
    client_kwargs={"api_key": "api_key", "base_url": "", "timeout": "timeout", "max_retries": "max_retries",
                   "http_client": "http_client"},  # Client takes an httpx.Client, AsyncClient an httpx.AsyncClient
    region_kwargs={"intl": {"region": "ap-southeast-1"}},  # the SDK's region names (v2/_config.py)
    methods={
        "chat.completions.create": NativeMethod(
            accepts=_CHAT_ARGS, extras="parameters", spread=("extra_body",), response="chat",
            drops={"stream_options": "dashscope streams report usage without it", "user": "dashscope has no user field",
                   "extra_headers": _NO_HEADERS, "extra_query": _NO_HEADERS},
            harmless=frozenset({"stream_options"})),
        "images.generate": NativeMethod(
            accepts=_IMAGE_ARGS, response="images",
            drops={"quality": "dashscope has no quality setting", "style": "OpenAI's vivid/natural is not a "
                   "dashscope style", "response_format": "dashscope returns image URLs only",
                   "user": "dashscope has no user field", "extra_headers": _NO_HEADERS, "extra_query": _NO_HEADERS}),
        "embeddings.create": NativeMethod(
            accepts=_EMBEDDING_ARGS, extras="parameters", spread=("extra_body",), response="embeddings",
            renames={"dimensions": "dimension"},
            drops={"encoding_format": "the SDK returns floats", "user": "dashscope has no user field",
                   "extra_headers": _NO_HEADERS, "extra_query": _NO_HEADERS},
            harmless=frozenset({"encoding_format"})),
    },
    missing={
        "audio": "dashscope speech is a different API (audio.asr / audio.tts over URLs and WebSockets)",
    },
    response_renames={
        "chat": {"id": "request_id", "usage.prompt_tokens": "input_tokens", "usage.completion_tokens": "output_tokens"},
        "embeddings": {"data": "embeddings", "usage.prompt_tokens": "input_tokens"},
        "images": {"data": "results"},  # a finished Job: results[i].url (providers.md §2.4.6)
    },
    # dashscope 2.0.2 v2/types/completions.py: parse_completion / parse_chunk keep request_id, model, choices,
    # usage and search_info of the body, nothing else; a choice or message keeps what the service sent, and
    # the service sends no OpenAI-only fields
    response_missing={
        "chat": {
            "created": "dashscope responses carry no timestamp; take the time when the call returns",
            "object": "dashscope responses have no object type",
            "system_fingerprint": "dashscope responses have no system fingerprint",
            "service_tier": "dashscope responses have no service tier",
            "choices.message.refusal": "dashscope sends no refusal field; use getattr(message, \"refusal\", None)",
            "choices.message.audio": "dashscope chat messages carry no audio",
            "choices.message.function_call": "dashscope messages carry tool_calls only",
            "choices.message.annotations": "dashscope messages have no annotations (web search results are in "
                                           "response.search_info)",
        },
        # parse_embedding_response keeps embeddings, usage and the envelope (request_id, status_code, code)
        "embeddings": {
            "model": "dashscope embedding responses do not name the model: it is the one passed to the call",
            "object": "dashscope embedding responses have no object type",
            "data.object": "dashscope embeddings have no object type",
        },
        # a finished Job's results hold URLs (providers.md §2.4.6: no b64_json option)
        "images": {
            "data.b64_json": "dashscope image jobs return temporary URLs only: download results[i].url",
            "data.revised_prompt": "dashscope image results carry no revised prompt",
            "created": "a dashscope Job has no created timestamp (finished_at is its end time)",
        },
    },
    native_only=frozenset({"images"}),
    models={"dall-e-2": _WAN, "dall-e-3": _WAN, "gpt-image-1": _WAN},  # providers.md §2.5: native only
    message_param="model_dump(exclude_none=True)",  # providers.md §9: messages reject the SDK's message objects
    # dashscope 2.0.2 v2/errors.py: DashScopeError carries message, code, status_code, request_id, body, headers
    error_renames={"response.headers": "headers", "response.status_code": "status_code"},
    error_missing={
        "response": "dashscope errors carry no HTTP response: read e.status_code, e.headers or e.body",
        "request": "dashscope errors carry no HTTP request",
        "param": "dashscope errors have no param field: read e.code and e.message",
        "type": "dashscope errors have no type field: read e.code",
    },
    # dashscope 2.0.2 v2/errors.py (error_from_status for each status, checked by tests/test_native.py)
    error_classes={_E + "DashScopeError": "", _E + "APIStatusError": _E + "DashScopeError",
                   _E + "APIConnectionError": _E + "DashScopeError", _E + "APITimeoutError": _E + "APIConnectionError",
                   **{_E + name: _E + "APIStatusError" for name in (
                       "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
                       "RateLimitError", "InternalServerError", "ServiceUnavailableError", "GatewayTimeoutError")}},
    error_raised={status: (_E + name,) for status, name in (
        ("400", "BadRequestError"), ("401", "AuthenticationError"), ("403", "PermissionDeniedError"),
        ("404", "NotFoundError"), ("409", "APIStatusError"), ("422", "APIStatusError"), ("429", "RateLimitError"),
        ("500", "InternalServerError"), ("502", "APIStatusError"), ("503", "ServiceUnavailableError"),
        ("504", "GatewayTimeoutError"), ("other status", "APIStatusError"), ("connection", "APIConnectionError"),
        ("timeout", "APITimeoutError"))},
    error_notes={
        "ConflictError": "dashscope has no class for HTTP 409: APIStatusError (check status_code)",
        "UnprocessableEntityError": "dashscope answers invalid input with HTTP 400: BadRequestError",
    },
    notes=("set DASHSCOPE_WORKSPACE (or pass workspace=) to use your workspace's host; without it the SDK "
           "warns and uses the shared gateway",),
)

SPEC = ProviderSpec(
    name="qwen",
    order=1,
    default_scan=True,
    display="Qwen (DashScope)",
    base_urls={
        "cn": "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "intl": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    },
    key_env="DASHSCOPE_API_KEY",
    key_pattern=r"sk-[A-Za-z0-9]{16,}",  # keys look like sk-… (providers.md §2.1)
    native_package="dashscope",  # providers.md §6.1 native SDK
    native_version="2.0.2",
    native_below="2.1",  # tested: 2.0.2 and the newest 2.0.x (tests/test_e2e_native_newest.py)
    native=NATIVE,
    # providers.md §0.1 [doc]: same base URL (…/compatible-mode/v1/responses; the older
    # /api/v2/apps/protocols/compatible-mode/v1 path is being retired), a subset of models, no background
    responses=ResponsesAPI(
        checked="2026-12-06",
        models=("qwen3.8-max", "qwen3.7-max", "qwen3.7-plus", "qwen3.5-plus", "qwen-plus"),
        model="qwen-plus",
        vision_model="qwen3.5-plus",  # the qwen3.5+ line is natively multimodal (providers.md §0.1)
        lacks={"background": "DashScope's Responses API has no background mode"},
        note="DashScope serves the Responses API for a subset of models (qwen3.8-max, qwen3.7-max, qwen3.5-plus, "
             "qwen-plus…); its built-in tools are web_search and code_interpreter",
    ),
    models=dated({
        "gpt-4o": ModelTarget("qwen-plus"),
        "gpt-4o-mini": ModelTarget("qwen-flash"),
        "gpt-3.5-turbo": ModelTarget("qwen-flash"),
        # December 2026 lineup (providers.md §0.1): qwen3-max is among the models retired with notice 731 [doc-3p]
        "gpt-4": ModelTarget("qwen3.8-max"),
        "gpt-4-turbo": ModelTarget("qwen3.8-max"),
        "gpt-4.5": ModelTarget("qwen3.8-max"),
        "gpt-4.1": ModelTarget("qwen3.8-max"),
        "gpt-4.1-mini": ModelTarget("qwen-plus"),
        "gpt-4.1-nano": ModelTarget("qwen-flash"),
        "gpt-5": ModelTarget("qwen3.8-max"),
        "gpt-5-mini": ModelTarget("qwen-plus", note="no reasoning_effort; use enable_thinking/thinking_budget"),
        "gpt-5-nano": ModelTarget("qwen-flash", note="no reasoning_effort; use enable_thinking/thinking_budget"),
        "o1": ModelTarget("qwen3.8-max", note=_O_SERIES),
        "o1-mini": ModelTarget("qwen-plus", note=_O_SERIES_SMALL),
        "o3": ModelTarget("qwen3.8-max", note=_O_SERIES),
        "o3-mini": ModelTarget("qwen-plus", note=_O_SERIES_SMALL),
        "o4-mini": ModelTarget("qwen-plus", note=_O_SERIES_SMALL),
        "gpt-4-vision": ModelTarget("qwen3-vl-plus"),
        "text-embedding-ada-002": ModelTarget("text-embedding-v4", dimensions=1536),
        "text-embedding-3-small": ModelTarget("text-embedding-v4", dimensions=1536),
        "text-embedding-3-large": ModelTarget("text-embedding-v4", dimensions=2048),
    }, "2026-12-06"),
    native_model_prefixes=("qwen", "qwq", "qvq", "text-embedding-v", "wan", "paraformer", "cosyvoice", "fun-asr"),
    temperature=Range(0.0, 2.0, high_inclusive=False),
    supported={
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "embeddings": "embeddings on the compatible endpoint (text-embedding-v4 / v3, with dimensions=)",
        "responses": "the Responses API where ``responses`` below serves it; otherwise the call becomes chat.completions",
        "files": "files on the compatible endpoint (uploads for qwen-long documents and batches)",
    },
    unsupported={
        "images": "DashScope has no OpenAI-compatible image endpoint; Wan / Qwen-Image models use the native API "
        "(migrate --style native: dashscope's client.images.generate)",
        "images.edit": "no OpenAI-compatible image edit endpoint; dashscope image editing models (wan2.6-image) "
        "take image URLs, not files",
        "images.create_variation": "DashScope has no image variation API",
        "audio": "DashScope has no /audio endpoints; transcribe with qwen3-asr-flash through chat.completions "
        "(an input_audio content part) or use the native SDK",
        "moderations": "DashScope has no moderation endpoint; moderation is built in (HTTP 400 data_inspection_failed)",
        "assistants": "DashScope has no Assistants / threads / vector stores API",
        "fine_tuning": "fine-tuning is done in the Model Studio console, not through an OpenAI-compatible API",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "the legacy /completions endpoint exists only for Qwen coder models; "
        "move the prompt to chat.completions (messages=[{\"role\": \"user\", \"content\": prompt}])",
    },
    caveats={
        "models": "models.list is not documented in compatible mode; do not rely on it",
        "structured": "json_schema structured output works only on some qwen-plus snapshots, without thinking",
        "response_format:json_object": 'DashScope rejects json_object unless the prompt contains the word "json"',
        "response_format:json_schema": "json_schema works only on some qwen-plus snapshots, without thinking",
        "batches": "OpenAI-compatible batches are offered for a subset of models (Singapore: qwen-max/plus/flash/turbo)",
    },
    param_notes={
        "logit_bias": "not documented for DashScope compatible mode; likely ignored",
        "frequency_penalty": "not documented for DashScope compatible mode (presence_penalty is)",
        "n": "n > 1 works on some Qwen models only (1-4), not with tools or thinking",
    },
    renamed_params={"max_completion_tokens": "max_tokens"},
    thinking_default_prefixes=(
        "qwen3.5-", "qwen3.6-", "qwen3.7-", "qwen3.8-",
        "qwen3-235b", "qwen3-32b", "qwen3-30b", "qwen3-14b", "qwen3-8b", "qwen3-4b", "qwen3-1.7b", "qwen3-0.6b",
    ),
    json_schema="partial",  # providers.md §2 / §8 (response_format)
    thinking_off={"enable_thinking": False},
    embedding_max_inputs=10,
    embedding_dimensions={
        "text-embedding-v4": (2048, 1536, 1024, 768, 512, 256, 128, 64),
        "text-embedding-v3": (1024, 768, 512, 256, 128, 64),
        "text-embedding-v2": (1536,),
        "text-embedding-v1": (1536,),
    },
    retired={  # providers.md §0.1, checked 2026-12-06: Alibaba notice 731 [doc]
        name: "retired 2026-10-10 (Alibaba notice 731); use a Qwen3.6 / Qwen3.7 model (qwen3.6-flash, "
              "qwen3.6-plus, qwen3.7-max; the qwen3.5+ line reads images too)"
        for name in ("qwen-turbo", "qwen-vl-max", "qwen-vl-plus", "qwq-plus", "qvq-max")
    } | {  # the same batch per relays [doc-3p]: not on Alibaba's notice page as read here
        name: "retired with notice 731 (2026-10-10) per relays of the notice; use qwen3.8-max or qwen3.7-max "
              "(coder: qwen3.7-plus; vision: the qwen3.5+ line reads images)"
        for name in ("qwen3-max", "qwen3-max-preview", "qwen3-coder-plus", "qwen3-vl-flash")
    },
    contexts={"qwen3.8-max": "1M", "qwen3-max": "256K", "qwen-flash": "1M", "qwen-turbo": "1M", "qwen-plus": "131K (1M on later snapshots)",
              "qwen3.5-plus": "1M", "qwen3.5-flash": "1M", "qwen-long": "10M"},
    framework_notes={  # providers.md §5.2, §5.3
        "langchain.chat": "langchain_community's ChatTongyi has no temperature, max_tokens or base URL field and sends "
        "qwen3.5+ models to the text endpoint; ChatOpenAI on the compatible endpoint is the route DashScope documents",
        "langchain.embeddings": "DashScopeEmbeddings batches text-embedding-v4 by 25 (the limit is 10) and takes no "
        "dimension",
        "llama_index.chat": "llama_index's DashScope LLM knows a fixed list of models (others raise KeyError on "
        ".metadata)",
        "llama_index.embeddings": "DashScopeEmbedding batches by 25 (v3/v4 take 10) and takes no dimension",
    },
    docs="https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope",
)
