"""DeepSeek (DeepSeek platform, api.deepseek.com), OpenAI-compatible API. Compat style only.

Facts from docs/providers/deepseek.md (endpoint and key §1, chat §2, other endpoints §3, models and
the suggested mapping §4, thinking §5), each with its source URL and confidence there.
"""

from migrator.rules.spec import ModelTarget, ProviderSpec, Range, ResponsesAPI, dated

_O_SERIES = "o-series: deepseek-v4-pro thinks by default; set reasoning_effort=\"high\"/\"max\" to tune it"
_NO_EMBEDDINGS = ("DeepSeek has no embeddings endpoint; keep an embeddings provider (vectors must be re-embedded "
                  "if you change it)")

SPEC = ProviderSpec(
    name="deepseek",
    order=4,
    display="DeepSeek",
    base_urls={"cn": "https://api.deepseek.com"},  # one host (§1.1); /v1 is accepted too
    key_env="DEEPSEEK_API_KEY",
    key_pattern=r"sk-[a-f0-9]{32}",  # sk- and 32 hex digits (§1.3, inferred)
    models=dated({
        "gpt-4o": ModelTarget("deepseek-v4-pro"),
        "gpt-4": ModelTarget("deepseek-v4-pro"),
        "gpt-4-turbo": ModelTarget("deepseek-v4-pro"),
        "gpt-4.5": ModelTarget("deepseek-v4-pro"),
        "gpt-4.1": ModelTarget("deepseek-v4-pro"),
        "gpt-5": ModelTarget("deepseek-v4-pro"),
        "gpt-4o-mini": ModelTarget("deepseek-flash"),
        "gpt-3.5-turbo": ModelTarget("deepseek-flash"),
        "gpt-4.1-mini": ModelTarget("deepseek-flash"),
        "gpt-4.1-nano": ModelTarget("deepseek-flash"),
        "gpt-5-mini": ModelTarget("deepseek-flash"),
        "gpt-5-nano": ModelTarget("deepseek-flash"),
        "o1": ModelTarget("deepseek-v4-pro", note=_O_SERIES),
        "o1-mini": ModelTarget("deepseek-flash", note=_O_SERIES.replace("deepseek-v4-pro", "deepseek-flash")),
        "o3": ModelTarget("deepseek-v4-pro", note=_O_SERIES),
        "o3-mini": ModelTarget("deepseek-flash", note=_O_SERIES.replace("deepseek-v4-pro", "deepseek-flash")),
        "o4-mini": ModelTarget("deepseek-flash", note=_O_SERIES.replace("deepseek-v4-pro", "deepseek-flash")),
        "gpt-4-vision": ModelTarget("deepseek-flash", note="image input: deepseek-flash only (not deepseek-v4-pro)"),
    }, "2026-12-06"),  # unchanged in December 2026 (providers.md §0.1)
    # providers.md §0.1 [doc]: same base URL, the deepseek v4 models
    responses=ResponsesAPI(checked="2026-12-06", models=("deepseek-v4",), model="deepseek-v4-pro",
                           note="DeepSeek serves the Responses API for its v4 models"),
    native_model_prefixes=("deepseek-",),
    temperature=Range(0.0, 2.0),
    supported={
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "responses": "the Responses API where ``responses`` below serves it; otherwise the call becomes chat.completions",
        "models": "models.list on the compatible endpoint",
    },
    unsupported={
        "embeddings": _NO_EMBEDDINGS,
        "images": "DeepSeek has no image generation endpoint",
        "audio": "DeepSeek has no speech endpoints",
        "moderations": "DeepSeek has no moderation endpoint",
        "assistants": "DeepSeek has no Assistants / threads / vector stores API",
        "fine_tuning": "DeepSeek offers no fine-tuning API",
        "files": "DeepSeek has no Files API",
        "batches": "DeepSeek has no Batch API",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "DeepSeek's /completions is FIM (prefix + suffix) on the beta base URL "
        "(https://api.deepseek.com/beta), non-thinking only; move the prompt to chat.completions",
    },
    caveats={
        "structured": "DeepSeek's response_format takes text or json_object, not json_schema",
        "response_format:json_schema": "DeepSeek's response_format takes text or json_object, not json_schema",
        "response_format:json_object": 'DeepSeek asks for the word "json" and an example of the format in the prompt',
    },
    param_notes={
        "n": "n is not documented for DeepSeek",
        "logit_bias": "logit_bias is not documented for DeepSeek",
        "seed": "seed is not documented for DeepSeek",
    },
    renamed_params={"max_completion_tokens": "max_tokens"},
    stop_max_items=16,
    thinking_default_prefixes=("deepseek-flash", "deepseek-v4-"),
    json_schema="no",  # providers.md §2 / §8 (response_format)
    thinking_off={"thinking": {"type": "disabled"}},
    region_notes={"intl": "DeepSeek has one host; the intl region uses it too"},
    contexts={"deepseek-flash": "1M", "deepseek-v4-pro": "1M", "deepseek-v4-flash": "1M"},
    docs="https://api-docs.deepseek.com/",
)
