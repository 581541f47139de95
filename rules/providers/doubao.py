"""Doubao on Volcengine Ark (火山方舟), OpenAI-compatible API (v3). Compat style only.

Facts from docs/providers/doubao.md (endpoint and key §1, chat §2, other endpoints §3, models and
the suggested mapping §4, thinking §5), each with its source URL and confidence there. Ark model IDs
carry a version suffix (doubao-seed-2-1-pro-260628); an account may also call its own endpoint IDs (ep-…).
"""

from migrator.rules.spec import ModelTarget, ProviderSpec, Range, ResponsesAPI, dated

_IDS = "Ark model IDs are versioned; check the ID (or use your endpoint ID ep-…) in the Ark console"

SPEC = ProviderSpec(
    name="doubao",
    order=6,
    display="Doubao (Volcengine Ark)",
    base_urls={"cn": "https://ark.cn-beijing.volces.com/api/v3"},
    key_env="ARK_API_KEY",
    key_pattern="",  # the key format is not documented; a guess (UUID) would hide every UUID in diffs
    models=dated({  # December 2026 lineup (providers.md §0.1: seed-2-1; seed-1-8 going)
        "gpt-4o": ModelTarget("doubao-seed-2-1-pro-260628", note=_IDS),
        "gpt-4": ModelTarget("doubao-seed-2-1-pro-260628", note=_IDS),
        "gpt-4-turbo": ModelTarget("doubao-seed-2-1-pro-260628", note=_IDS),
        "gpt-4.5": ModelTarget("doubao-seed-2-1-pro-260628", note=_IDS),
        "gpt-4.1": ModelTarget("doubao-seed-2-1-pro-260628", note="gpt-4.1 has a 1M-token context; check "
                               "doubao-seed-2.1's for your account. " + _IDS),
        "gpt-5": ModelTarget("doubao-seed-2-1-pro-260628", note=_IDS),
        "gpt-4o-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "gpt-3.5-turbo": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "gpt-4.1-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "gpt-4.1-nano": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "gpt-5-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "gpt-5-nano": ModelTarget("doubao-seed-2-1-turbo-260628", note=_IDS),
        "o1": ModelTarget("doubao-seed-2-1-pro-260628", note="o-series: doubao-seed-2.1 thinks by default. " + _IDS),
        "o3": ModelTarget("doubao-seed-2-1-pro-260628", note="o-series: doubao-seed-2.1 thinks by default. " + _IDS),
        "o1-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note="o-series: thinks by default. " + _IDS),
        "o3-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note="o-series: thinks by default. " + _IDS),
        "o4-mini": ModelTarget("doubao-seed-2-1-turbo-260628", note="o-series: thinks by default. " + _IDS),
        "gpt-4-vision": ModelTarget("doubao-seed-1-6-vision-250815", note=_IDS),
    }, "2026-12-06"),
    # providers.md §0.1 [doc]: same base URL (/api/v3/responses); which models serve it is per model
    responses=ResponsesAPI(checked="2026-12-06",
                           note="Ark serves the Responses API on a per-model basis: check that your model or "
                                "endpoint ID offers it"),
    native_model_prefixes=("doubao-", "ep-"),
    temperature=Range(0.0, 2.0),
    supported={
        "structured": "json_schema structured output on the Ark endpoint",
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "responses": "the Responses API where ``responses`` below serves it; otherwise the call becomes chat.completions",
    },
    unsupported={
        "embeddings": "Ark serves /embeddings, but its embedding model IDs and vector sizes could not be confirmed "
        "here; choose a Doubao embedding model (or endpoint ID) for your account, then re-embed",
        "images": "Ark's image generation (Seedream) takes its own parameters; it was not confirmed as "
        "OpenAI-shaped here — rewrite by hand",
        "audio": "Ark has no OpenAI-compatible speech endpoints (Doubao speech is a separate product)",
        "moderations": "Ark has no moderation endpoint",
        "assistants": "Ark has no Assistants / threads / vector stores API",
        "fine_tuning": "fine-tuning is done in the Ark console, not through an OpenAI-compatible API",
        "files": "Ark has no OpenAI-shaped Files API (confirmed here)",
        "batches": "Ark batch inference is not OpenAI-shaped (not confirmed here)",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "Ark has no legacy /completions endpoint; move the prompt to chat.completions",
    },
    caveats={
        "models": "models.list is not documented for Ark's OpenAI-compatible API",
    },
    param_notes={
        "logit_bias": "logit_bias is not documented for Ark",
        "seed": "seed is not documented for Ark",
    },
    renamed_params={"max_completion_tokens": "max_tokens"},
    stop_max_items=4,
    thinking_default_prefixes=("doubao-seed-1-6", "doubao-seed-1-8", "doubao-seed-2"),
    thinking_off={"thinking": {"type": "disabled"}},
    region_notes={"intl": "Volcengine Ark serves cn-beijing; BytePlus ModelArk (international) is a separate "
                          "product with its own keys and model IDs"},
    contexts={"doubao-seed-1-6-251015": "256K", "doubao-seed-1-6-flash-250828": "256K",
              "doubao-seed-1-6-vision-250815": "256K"},
    docs="https://www.volcengine.com/docs/82379/1263482",
)
