"""GLM on Zhipu BigModel (China) and Z.ai (international), OpenAI-compatible API.

Facts from providers.md §4 (endpoints §4.1, chat parameters §4.2, other endpoints §4.3, models and
the suggested mapping §4.5, warnings §4.6) and §6.
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

_REASONING = "GLM thinks by default; reasoning text arrives in message.reasoning_content"
_GLM53 = "glm-5.3 always thinks (its thinking cannot be switched off): bound it with reasoning_effort"

# zai-sdk 0.0.3.4 (providers.md §4.4 and §9, checked against the installed SDK) and 0.2.3, the newest release
# (December 2026): each set holds the keyword arguments both releases take. What only one of them takes goes
# through extra_body (0.2.3 added reasoning_effort and tool_stream to chat, speed / volume / stream to
# speech, prompt / hotwords to transcriptions, and took temperature out of transcriptions).
_ZAI_CHAT = frozenset({
    "model", "request_id", "user_id", "do_sample", "stream", "temperature", "top_p", "max_tokens", "seed", "messages",
    "stop", "sensitive_word_check", "tools", "tool_choice", "meta", "extra", "extra_headers", "extra_body", "timeout",
    "response_format", "thinking", "watermark_enabled",
})
_ZAI_EMBEDDINGS = frozenset({"input", "model", "dimensions", "encoding_format", "user", "request_id",
                             "sensitive_word_check", "extra_headers", "extra_body", "disable_strict_validation",
                             "timeout"})
_ZAI_IMAGES = frozenset({"prompt", "model", "n", "quality", "response_format", "size", "style", "sensitive_word_check",
                         "user", "request_id", "user_id", "extra_headers", "extra_body", "disable_strict_validation",
                         "timeout", "watermark_enabled"})
_ZAI_SPEECH = frozenset({"model", "input", "voice", "response_format", "sensitive_word_check", "request_id",
                         "user_id", "extra_headers", "extra_body", "timeout"})
_ZAI_TRANSCRIPTIONS = frozenset({"file", "model", "request_id", "user_id", "stream",
                                 "sensitive_word_check", "extra_headers", "extra_body", "timeout"})
_NO_QUERY = {"extra_query": "zai methods take no query parameters"}
_OTHER_STATUS = "zai has no class for this status: APIStatusError (check status_code)"
_Z = "zai.core."
NATIVE = NativeSpec(
    module="zai",
    stream_in_with=False,  # zai-sdk 0.0.3.4: zai.core._streaming.StreamResponse has no __enter__ (installed SDK)
    clients={"sync": "zai.ZhipuAiClient", "sync:intl": "zai.ZaiClient"},
    client_kwargs={"api_key": "api_key", "base_url": "", "timeout": "timeout", "max_retries": "max_retries",
                   "default_headers": "custom_headers", "http_client": "http_client"},  # an httpx.Client
    methods={
        "chat.completions.create": NativeMethod(accepts=_ZAI_CHAT, extras="extra_body", response="chat",
                                                renames={"user": "user_id"}, drops=_NO_QUERY),
        "embeddings.create": NativeMethod(accepts=_ZAI_EMBEDDINGS, extras="extra_body", response="embeddings",
                                          drops=_NO_QUERY),
        "images.generate": NativeMethod(call="images.generations", accepts=_ZAI_IMAGES, extras="extra_body",
                                        drops=_NO_QUERY),
        "audio.speech.create": NativeMethod(call="audio.speech", accepts=_ZAI_SPEECH, extras="extra_body",
                                            drops=_NO_QUERY),
        "audio.transcriptions.create": NativeMethod(accepts=_ZAI_TRANSCRIPTIONS, extras="extra_body",
                                                    renames={"user": "user_id"}, drops=_NO_QUERY),
    },
    missing={"async": "zai-sdk 0.0.3.4 has no asyncio client; this AsyncOpenAI client stays on the openai SDK "
                      "pointed at Zhipu"},
    # zai-sdk 0.0.3.4 core/_errors.py: ZaiError is a bare Exception; APIStatusError adds response and status_code
    error_missing={
        "message": "zai errors have no message attribute: use str(e)",
        "body": "zai errors have no body: use e.response.json() on an APIStatusError",
        "request_id": "zai errors have no request_id: read e.response.headers on an APIStatusError",
        "code": "zai errors have no code field: use e.response.json() on an APIStatusError",
        "param": "zai errors have no param field",
        "type": "zai errors have no type field",
    },
    # zai-sdk 0.0.3.4 and 0.2.3 core/_http_client.py _make_status_error; connection errors are raised as
    # zai.core._errors.APIConnectionError, which zai.core does not export: its public base APIResponseError
    # (which catches nothing else a call raises) names them
    error_classes={_Z + "ZaiError": "", _Z + "APIStatusError": _Z + "ZaiError", _Z + "APIResponseError": _Z + "ZaiError",
                   _Z + "APITimeoutError": _Z + "APIResponseError",
                   **{_Z + name: _Z + "APIStatusError" for name in (
                       "APIRequestFailedError", "APIAuthenticationError", "APIReachLimitError", "APIInternalError",
                       "APIServerFlowExceedError")}},
    error_raised={
        **{status: (_Z + "APIStatusError",) for status in ("403", "404", "409", "422", "502", "504", "other status")},
        "400": (_Z + "APIRequestFailedError",), "401": (_Z + "APIAuthenticationError",),
        "429": (_Z + "APIReachLimitError",), "500": (_Z + "APIInternalError",),
        "503": (_Z + "APIServerFlowExceedError",), "connection": (_Z + "APIResponseError",),
        "timeout": (_Z + "APITimeoutError",)},
    error_notes={
        "PermissionDeniedError": _OTHER_STATUS, "NotFoundError": _OTHER_STATUS, "ConflictError": _OTHER_STATUS,
        "UnprocessableEntityError": _OTHER_STATUS,
    },
    notes=("the zai SDK clamps temperature and top_p into 0.01–0.99 and sends do_sample=False for temperature 0",),
)

SPEC = ProviderSpec(
    name="glm",
    order=3,
    default_scan=True,
    display="GLM (Zhipu)",
    base_urls={
        "cn": "https://open.bigmodel.cn/api/paas/v4/",
        "intl": "https://api.z.ai/api/paas/v4/",
    },
    key_env="ZHIPUAI_API_KEY",
    key_pattern=r"[0-9a-f]{32}\.[A-Za-z0-9]{16}",  # <id>.<secret> (providers.md §4.1)
    native_package="zai-sdk",  # providers.md §6.1 native SDK
    native_version="0.0.3.4",
    # the range the native end-to-end tests run against: 0.0.3.4 (the test dependencies) and the newest
    # release below 0.3 (tests/test_e2e_native_newest.py; 0.2.3 in December 2026)
    native_below="0.3",
    native=NATIVE,
    # providers.md §0.1 [doc]: https://open.bigmodel.cn/api/v1/responses (not the chat base /api/paas/v4),
    # glm-5.3, responses stored 7 days; no Z.ai (intl) page seen: there the call becomes a chat call
    responses=ResponsesAPI(
        checked="2026-12-06",
        base_urls={"cn": "https://open.bigmodel.cn/api/v1"},
        models=("glm-5.3",),
        model="glm-5.3",
        note="Zhipu serves the Responses API at https://open.bigmodel.cn/api/v1 for glm-5.3 and keeps responses "
             "7 days",
    ),
    models=dated({
        "gpt-4o": ModelTarget("glm-4.6"),
        "gpt-4.1": ModelTarget("glm-4.6", note="gpt-4.1 has a 1M-token context; glm-4.6 has 200K"),
        "gpt-4.5": ModelTarget("glm-4.6"),
        "gpt-4o-mini": ModelTarget("glm-4.5-air"),
        "gpt-4.1-mini": ModelTarget("glm-4.5-air"),
        "gpt-4.1-nano": ModelTarget("glm-4.5-air"),
        "gpt-3.5-turbo": ModelTarget("glm-4.5-air"),
        "gpt-4": ModelTarget("glm-4-plus"),
        "gpt-4-turbo": ModelTarget("glm-4-air-250414"),
        "gpt-5": ModelTarget("glm-5.3", note=_GLM53),  # December 2026 (providers.md §0.1): glm-5 retired on some platforms
        "gpt-5-mini": ModelTarget("glm-4.5-air"),
        "gpt-5-nano": ModelTarget("glm-4.5-air"),
        "o1": ModelTarget("glm-4.6", note=_REASONING),
        "o1-mini": ModelTarget("glm-4.6", note=_REASONING),
        "o3": ModelTarget("glm-4.6", note=_REASONING),
        "o3-mini": ModelTarget("glm-4.6", note=_REASONING),
        "o4-mini": ModelTarget("glm-4.6", note=_REASONING),
        "gpt-4-vision": ModelTarget("glm-4v-plus", note="pass images as raw base64 or URLs"),
        "text-embedding-ada-002": ModelTarget("embedding-3", dimensions=1024),
        "text-embedding-3-small": ModelTarget("embedding-3", dimensions=1024),
        "text-embedding-3-large": ModelTarget("embedding-3", dimensions=2048),
        "dall-e-2": ModelTarget("cogview-4-250304"),
        "dall-e-3": ModelTarget("cogview-4-250304"),
        "gpt-image-1": ModelTarget("cogview-4-250304"),
        "whisper-1": ModelTarget("glm-asr-2512", note="glm-asr-2512 takes at most 30 s of audio per request"),
        "gpt-4o-transcribe": ModelTarget("glm-asr-2512", note="glm-asr-2512 takes at most 30 s of audio per request"),
        "tts-1": ModelTarget("glm-tts", note="voices differ (tongtong, chuichui, ...); output is wav or pcm, not mp3"),
        "tts-1-hd": ModelTarget("glm-tts", note="voices differ (tongtong, chuichui, ...); output is wav or pcm, not mp3"),
    }, "2026-12-06"),
    native_model_prefixes=("glm-", "cogview", "embedding-2", "embedding-3", "charglm", "codegeex", "moderation"),
    temperature=Range(0.0, 1.0),
    supported={
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "embeddings": "embeddings on the v4 endpoint (embedding-3 / embedding-2)",
        "responses": "the Responses API where ``responses`` below serves it; otherwise the call becomes chat.completions",
    },
    unsupported={
        "images.edit": "Zhipu has no image edit endpoint (only /images/generations)",
        "images.create_variation": "Zhipu has no image variation endpoint (only /images/generations)",
        "audio.translations": "Zhipu documents only /audio/transcriptions and /audio/speech",
        "assistants": "Zhipu has no Assistants / threads / vector stores API",
        "fine_tuning": "fine-tuning is done in the BigModel console, not through an OpenAI-compatible API",
        "moderations": "Zhipu's /moderations (model \"moderation\") returns a different schema; rewrite the result handling",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "Zhipu has no legacy /completions endpoint; move the prompt to chat.completions",
    },
    caveats={
        "images": "CogView: no b64_json, n is not documented; results are temporary URLs",
        "audio": "GLM speech: transcription takes at most 30 s and 25 MB; TTS voices and formats differ",
        "files": "OpenAI-shaped, not tested against the provider",
        "batches": "OpenAI-shaped, not tested against the provider",
        "models": "models.list is not documented",
        "structured": "GLM has no json_schema response format; only json_object",
        "response_format:json_schema": "GLM has no json_schema response format; only json_object",
    },
    param_notes={
        "n": "n is not documented for GLM",
        "logprobs": "logprobs is not documented for GLM",
        "top_logprobs": "top_logprobs is not documented for GLM",
        "presence_penalty": "presence_penalty is not documented for GLM",
        "frequency_penalty": "frequency_penalty is not documented for GLM",
        "logit_bias": "logit_bias is not documented for GLM",
        "user": "GLM's end-user field is user_id (6-128 characters); pass it through extra_body",
        "tool_choice": "GLM supports only tool_choice=\"auto\"",
    },
    renamed_params={"max_completion_tokens": "max_tokens"},
    stop_max_items=1,
    retired={"glm-4.5-flash": "marked as going by Zhipu (providers.md §0.1, checked 2026-12-06); use glm-4.7-flash"},
    thinking_default_prefixes=("glm-4.5", "glm-4.6", "glm-4.7", "glm-5"),
    json_schema="no",  # providers.md §2 / §8 (response_format)
    thinking_off={"thinking": {"type": "disabled"}},
    thinking_fixed=("glm-5.3",),  # providers.md §0.1 (doc-3p)
    embedding_max_inputs=64,
    embedding_dimensions={"embedding-3": (256, 512, 1024, 2048), "embedding-2": (1024,)},
    contexts={"glm-5.3": "1M", "glm-5": "200K", "glm-5.1": "200K", "glm-4.7": "200K", "glm-4.6": "200K", "glm-4.5": "128K",
              "glm-4.5-air": "128K", "glm-4.5-flash": "128K", "glm-4-plus": "128K", "glm-4-air-250414": "128K",
              "glm-4-long": "1M"},
    framework_notes={  # providers.md §5.2, §5.3
        "langchain.chat": "ChatZhipuAI has no extra_body or model_kwargs, so thinking cannot be switched off for GLM-4.5+, "
        "and wants the full chat URL for Z.ai",
        "langchain.embeddings": "ZhipuAIEmbeddings sends every text in one request (more than 64 fail) and takes no base "
        "URL",
        "llama_index.chat": "llama_index's ZhipuAI LLM accepts only glm-4* models in .metadata (glm-4.5+ raise) and caps "
        "max_tokens at 4096",
        "llama_index.embeddings": "ZhipuAIEmbedding calls the API once per text",
    },
    docs="https://docs.bigmodel.cn/cn/guide/develop/openai/introduction",
)
