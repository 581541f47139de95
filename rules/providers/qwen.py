"""Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode.

Facts from providers.md §2 (endpoints §2.1, chat limits §2.2, other endpoints §2.3, models and the
suggested mapping §2.5, warnings §2.6) and §6.
"""

from migrator.rules.providers import ModelTarget, ProviderSpec, Range

_O_SERIES = (
    "o-series reasoning model: qwen3-max answers without thinking; to think, pass "
    'extra_body={"enable_thinking": True} (streaming only)'
)

SPEC = ProviderSpec(
    name="qwen",
    display="Qwen (DashScope)",
    base_urls={
        "cn": "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "intl": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    },
    key_env="DASHSCOPE_API_KEY",
    key_pattern=r"sk-[A-Za-z0-9]{16,}",  # keys look like sk-… (providers.md §2.1)
    native_package="dashscope",  # providers.md §6.1 native SDK
    native_version="2.0.2",
    models={
        "gpt-4o": ModelTarget("qwen-plus"),
        "gpt-4o-mini": ModelTarget("qwen-flash"),
        "gpt-3.5-turbo": ModelTarget("qwen-flash"),
        "gpt-4": ModelTarget("qwen3-max"),
        "gpt-4-turbo": ModelTarget("qwen3-max"),
        "gpt-4.5": ModelTarget("qwen3-max"),
        "gpt-4.1": ModelTarget("qwen3-max", note="gpt-4.1 has a 1M-token context; qwen3-max has 256K"),
        "gpt-4.1-mini": ModelTarget("qwen-plus"),
        "gpt-4.1-nano": ModelTarget("qwen-flash"),
        "gpt-5": ModelTarget("qwen3-max", note="no reasoning_effort; use enable_thinking/thinking_budget"),
        "gpt-5-mini": ModelTarget("qwen-plus", note="no reasoning_effort; use enable_thinking/thinking_budget"),
        "gpt-5-nano": ModelTarget("qwen-flash", note="no reasoning_effort; use enable_thinking/thinking_budget"),
        "o1": ModelTarget("qwen3-max", note=_O_SERIES),
        "o1-mini": ModelTarget("qwen-plus", note=_O_SERIES),
        "o3": ModelTarget("qwen3-max", note=_O_SERIES),
        "o3-mini": ModelTarget("qwen-plus", note=_O_SERIES),
        "o4-mini": ModelTarget("qwen-plus", note=_O_SERIES),
        "gpt-4-vision": ModelTarget("qwen3-vl-plus"),
        "text-embedding-ada-002": ModelTarget("text-embedding-v4", dimensions=1536),
        "text-embedding-3-small": ModelTarget("text-embedding-v4", dimensions=1536),
        "text-embedding-3-large": ModelTarget("text-embedding-v4", dimensions=2048),
    },
    native_model_prefixes=("qwen", "qwq", "qvq", "text-embedding-v", "wan", "paraformer", "cosyvoice", "fun-asr"),
    temperature=Range(0.0, 2.0, high_inclusive=False),
    unsupported={
        "images": "DashScope has no OpenAI-compatible image endpoint; Wan / Qwen-Image models use the native API "
        "(migrate --style native, or dashscope ImageSynthesis)",
        "audio": "DashScope has no /audio endpoints; transcribe with qwen3-asr-flash through chat.completions "
        "(an input_audio content part) or use the native SDK",
        "moderations": "DashScope has no moderation endpoint; moderation is built in (HTTP 400 data_inspection_failed)",
        "responses": "the DashScope Responses API lives at a different base URL "
        "(/api/v2/apps/protocols/compatible-mode/v1) with a subset of models; create a separate client for it",
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
    thinking_off={"enable_thinking": False},
    embedding_max_inputs=10,
    embedding_dimensions={
        "text-embedding-v4": (2048, 1536, 1024, 768, 512, 256, 128, 64),
        "text-embedding-v3": (1024, 768, 512, 256, 128, 64),
        "text-embedding-v2": (1536,),
        "text-embedding-v1": (1536,),
    },
    contexts={"qwen3-max": "256K", "qwen-flash": "1M", "qwen-turbo": "1M", "qwen-plus": "131K (1M on later snapshots)",
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
