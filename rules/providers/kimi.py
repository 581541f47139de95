"""Kimi on Moonshot AI's open platform, OpenAI-compatible API. Compat style only.

Facts from docs/providers/kimi.md (endpoints and key §1, chat §2, other endpoints §3, models and the
suggested mapping §4, thinking §5), each with its source URL and confidence there.
"""

from migrator.rules.spec import ModelTarget, ProviderSpec, Range, ResponsesAPI, dated

_O_SERIES = "o-series: kimi-k2.6 thinks by default (reasoning_content); keep thinking on"
_NO_EMBEDDINGS = ("Moonshot has no embeddings endpoint; keep an embeddings provider (vectors must be re-embedded "
                  "if you change it)")

SPEC = ProviderSpec(
    name="kimi",
    order=5,
    display="Kimi (Moonshot)",
    base_urls={
        "cn": "https://api.moonshot.cn/v1",
        "intl": "https://api.moonshot.ai/v1",
    },
    key_env="MOONSHOT_API_KEY",
    key_pattern=r"sk-[A-Za-z0-9]{32,}",  # sk-… (§1.3, inferred)
    models=dated({
        "gpt-4o": ModelTarget("kimi-k2.6"),
        "gpt-4": ModelTarget("kimi-k2.6"),
        "gpt-4-turbo": ModelTarget("kimi-k2.6"),
        "gpt-4.5": ModelTarget("kimi-k2.6"),
        "gpt-4.1": ModelTarget("kimi-k2.6", note="gpt-4.1 has a 1M-token context; kimi-k2.6 has 256K"),
        "gpt-5": ModelTarget("kimi-k3"),  # the December 2026 flagship (providers.md §0.1)
        "gpt-4o-mini": ModelTarget("kimi-k2.5"),
        "gpt-3.5-turbo": ModelTarget("kimi-k2.5"),
        "gpt-4.1-mini": ModelTarget("kimi-k2.5"),
        "gpt-4.1-nano": ModelTarget("kimi-k2.5"),
        "gpt-5-mini": ModelTarget("kimi-k2.5"),
        "gpt-5-nano": ModelTarget("kimi-k2.5"),
        "o1": ModelTarget("kimi-k2.6", note=_O_SERIES),
        "o1-mini": ModelTarget("kimi-k2.6", note=_O_SERIES),
        "o3": ModelTarget("kimi-k2.6", note=_O_SERIES),
        "o3-mini": ModelTarget("kimi-k2.6", note=_O_SERIES),
        "o4-mini": ModelTarget("kimi-k2.6", note=_O_SERIES),
        "gpt-4-vision": ModelTarget("kimi-k2.6", note="kimi-k2.6 takes image_url parts (base64 or ms://<file_id>)"),
    }, "2026-12-06"),
    # providers.md §0.1 [doc-3p]: same base URL (/v1/responses), kimi-k3 only, store always false
    responses=ResponsesAPI(
        checked="2026-12-06",
        models=("kimi-k3",),
        model="kimi-k3",
        stateless="Moonshot keeps no responses on its servers (store is always false)",
        note="Moonshot serves the Responses API for kimi-k3 only, without server-side state",
    ),
    native_model_prefixes=("kimi-", "moonshot-v1"),
    temperature=Range(0.0, 1.0),  # moonshot-v1 series; kimi-k2.x fix it (param_notes)
    supported={
        "chat": "chat.completions on the OpenAI-compatible endpoint (streaming and tools included)",
        "responses": "the Responses API where ``responses`` below serves it; otherwise the call becomes chat.completions",
        "models": "models.list on the compatible endpoint",
    },
    unsupported={
        "embeddings": _NO_EMBEDDINGS,
        "images": "Moonshot has no image generation endpoint",
        "audio": "Moonshot has no speech endpoints",
        "moderations": "Moonshot has no moderation endpoint",
        "assistants": "Moonshot has no Assistants / threads / vector stores API",
        "fine_tuning": "Moonshot offers no fine-tuning API",
        "files": "Moonshot's Files API is for file-extract (document Q&A), not OpenAI's purposes; rewrite by hand",
        "realtime": "no OpenAI-compatible realtime API",
        "other": "no OpenAI-compatible equivalent",
        "completions": "Moonshot has no legacy /completions endpoint; move the prompt to chat.completions",
    },
    caveats={
        "batches": "Moonshot documents a /batches API; its input format was not checked here",
        "structured": "Kimi's response_format takes json_object; json_schema is not documented",
        "response_format:json_schema": "Kimi's response_format takes json_object; json_schema is not documented",
    },
    param_notes={
        "temperature": "kimi-k2.6 / kimi-k2.5 do not let you modify temperature (moonshot-v1: [0, 1])",
        "top_p": "kimi-k2.6 / kimi-k2.5 fix top_p at 0.95",
        "n": "kimi-k2.6 / kimi-k2.5 fix n at 1 (other Kimi models: at most 5)",
        "presence_penalty": "kimi-k2.6 / kimi-k2.5 fix presence_penalty at 0",
        "frequency_penalty": "kimi-k2.6 / kimi-k2.5 fix frequency_penalty at 0",
        "logit_bias": "logit_bias is not documented for Kimi",
        "logprobs": "logprobs is not documented for Kimi",
    },
    renamed_params={},  # Moonshot documents max_completion_tokens (max_tokens is deprecated there)
    thinking_default_prefixes=("kimi-k2.5", "kimi-k2.6"),
    json_schema="no",  # providers.md §2 / §8 (response_format)
    thinking_off={"thinking": {"type": "disabled"}},
    contexts={"kimi-k2.6": "256K", "kimi-k2.5": "256K", "moonshot-v1-8k": "8K", "moonshot-v1-32k": "32K",
              "moonshot-v1-128k": "128K"},
    docs="https://platform.kimi.ai/docs/api/quickstart",
)
