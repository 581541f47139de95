"""The OpenAI SDK surface: the one table that both the scanner and the rewriter read.

Names here come from the installed ``openai`` package (1.x to 3.x): client classes, resource paths
under a client, module-level settings, exception classes, and the OpenAI model catalogue. Adding a
resource or an exception is a one-line change here; the feature rules pick it up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Client classes, by the name the package exports. Value: (is_async, is_azure).
CLIENT_CLASSES: dict[str, tuple[bool, bool]] = {
    "OpenAI": (False, False),
    "Client": (False, False),  # alias of OpenAI exported by the package
    "AsyncOpenAI": (True, False),
    "AsyncClient": (True, False),
    "AzureOpenAI": (False, True),
    "AsyncAzureOpenAI": (True, True),
}

# Keyword arguments of AzureOpenAI that have no meaning on a plain client.
AZURE_ONLY_KWARGS = ("azure_endpoint", "api_version", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")
# Keyword arguments that only make sense against api.openai.com.
OPENAI_ONLY_CLIENT_KWARGS = ("organization", "project", "webhook_secret", "admin_api_key")

# Methods on a client that return a client configured like it.
CLIENT_COPY_METHODS = ("with_options", "copy")
# Path segments that wrap a resource without changing what it calls.
TRANSPARENT_SEGMENTS = ("with_raw_response", "with_streaming_response")

# Settings of the pre-1.0 SDK that v1 ignores.
LEGACY_MODULE_SETTINGS = ("api_base", "api_type", "api_version", "proxy", "api_key_path", "requestssession")

OPENAI_HOSTS = ("api.openai.com",)
OPENAI_KEY_PATTERN = r"sk-[A-Za-z0-9_\-]{16,}"  # sk-…, sk-proj-…


@dataclass(frozen=True)
class Resource:
    """A group of SDK methods that migrate the same way."""

    path: tuple[str, ...]  # resource path under the client; methods are matched by prefix
    feature: str  # name used in reports, e.g. "chat"
    code: str  # rule code, e.g. "OA201"
    methods: tuple[str, ...] = ()  # empty: every method under ``path``


# Longest paths first: matching takes the first entry whose path is a prefix of the call's.
RESOURCES: tuple[Resource, ...] = (
    Resource(("beta", "chat", "completions"), "structured", "OA202", ("parse",)),
    Resource(("chat", "completions"), "structured", "OA202", ("parse",)),
    Resource(("beta", "chat", "completions"), "chat", "OA201", ("stream", "create")),
    Resource(("chat", "completions"), "chat", "OA201", ("create", "stream")),
    Resource(("completions",), "completions", "OA203", ("create",)),
    Resource(("embeddings",), "embeddings", "OA301", ("create",)),
    Resource(("images",), "images", "OA401"),
    Resource(("audio",), "audio", "OA402"),
    Resource(("moderations",), "moderations", "OA403"),
    Resource(("responses",), "responses", "OA501"),
    Resource(("conversations",), "responses", "OA501"),
    Resource(("beta", "assistants"), "assistants", "OA502"),
    Resource(("beta", "threads"), "assistants", "OA502"),
    Resource(("beta", "vector_stores"), "assistants", "OA502"),
    Resource(("vector_stores",), "assistants", "OA502"),
    Resource(("fine_tuning",), "fine_tuning", "OA503"),
    Resource(("files",), "files", "OA504"),
    Resource(("uploads",), "files", "OA504"),
    Resource(("batches",), "batches", "OA504"),
    Resource(("models",), "models", "OA505"),
    Resource(("beta", "realtime"), "realtime", "OA506"),
    Resource(("realtime",), "realtime", "OA506"),
    Resource(("containers",), "other", "OA506"),
    Resource(("evals",), "other", "OA506"),
    Resource(("videos",), "other", "OA506"),
    Resource(("skills",), "other", "OA506"),
)

# Top-level attribute names of a client that start a resource path.
RESOURCE_ROOTS = frozenset(r.path[0] for r in RESOURCES) | {"beta"}


def match_resource(path: tuple[str, ...]) -> Resource | None:
    """Map a call path under a client (``("chat", "completions", "create")``) to its resource."""
    path = tuple(p for p in path if p not in TRANSPARENT_SEGMENTS)
    if len(path) < 2:
        return None
    for res in RESOURCES:
        n = len(res.path)
        if path[:n] == res.path and len(path) > n:
            if not res.methods or (len(path) == n + 1 and path[n] in res.methods):
                return res
    return None


EXCEPTIONS = frozenset(
    {
        "OpenAIError",
        "APIError",
        "APIStatusError",
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "ContentFilterFinishReasonError",
        "InternalServerError",
        "LengthFinishReasonError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "UnprocessableEntityError",
        "InvalidWebhookSignatureError",
    }
)

# What a call can raise, as events (native style's exception classes, rules/features/native_errors.py;
# the provider specs' ``NativeSpec.error_raised`` use the same names): an HTTP status, a connection
# failure, a timeout. openai 1.x ``_exceptions.py``: the class each status is raised as (>= 500:
# InternalServerError) and the hierarchy above them.
ERROR_STATUSES = ("400", "401", "403", "404", "409", "422", "429", "500", "502", "503", "504", "other status")
ERROR_EVENTS = (*ERROR_STATUSES, "connection", "timeout")
EXCEPTION_EVENTS: dict[str, frozenset[str]] = {
    "BadRequestError": frozenset({"400"}),
    "AuthenticationError": frozenset({"401"}),
    "PermissionDeniedError": frozenset({"403"}),
    "NotFoundError": frozenset({"404"}),
    "ConflictError": frozenset({"409"}),
    "UnprocessableEntityError": frozenset({"422"}),
    "RateLimitError": frozenset({"429"}),
    "InternalServerError": frozenset({"500", "502", "503", "504"}),
    "APIStatusError": frozenset(ERROR_STATUSES),
    "APITimeoutError": frozenset({"timeout"}),
    "APIConnectionError": frozenset({"connection", "timeout"}),
    "APIError": frozenset(ERROR_EVENTS),
    "OpenAIError": frozenset(ERROR_EVENTS),
}
# per-call transport arguments of every openai method: a native call that cannot send them changes the request
PER_CALL_TRANSPORT = ("extra_headers", "extra_query")

# Pre-1.0 module API (``openai.ChatCompletion.create``): reported, migrated by the legacy feature.
LEGACY_RESOURCES = frozenset(
    {"ChatCompletion", "Completion", "Embedding", "Image", "Moderation", "Audio", "Model", "File", "FineTune",
     "FineTuningJob", "Edit", "Engine", "Deployment", "Customer", "Webhook", "ErrorObject"}
)


# ---------------------------------------------------------------------------------------------
# OpenAI model catalogue: what a model is, so that a provider's table can map it.


@dataclass(frozen=True)
class OpenAIModel:
    name: str
    kind: str  # chat | embedding | image | transcription | speech | moderation | completion
    reasoning: bool = False  # o-series and gpt-5: think before answering
    dimensions: int | None = None  # embeddings: size of the vectors it returns by default


OPENAI_MODELS: dict[str, OpenAIModel] = {
    m.name: m
    for m in (
        OpenAIModel("gpt-3.5-turbo", "chat"),
        OpenAIModel("gpt-3.5-turbo-instruct", "completion"),
        OpenAIModel("gpt-4", "chat"),
        OpenAIModel("gpt-4-turbo", "chat"),
        OpenAIModel("gpt-4-vision", "chat"),
        OpenAIModel("gpt-4o", "chat"),
        OpenAIModel("gpt-4o-mini", "chat"),
        OpenAIModel("gpt-4.1", "chat"),
        OpenAIModel("gpt-4.1-mini", "chat"),
        OpenAIModel("gpt-4.1-nano", "chat"),
        OpenAIModel("gpt-4.5", "chat"),
        OpenAIModel("gpt-5", "chat", reasoning=True),
        OpenAIModel("gpt-5-mini", "chat", reasoning=True),
        OpenAIModel("gpt-5-nano", "chat", reasoning=True),
        OpenAIModel("o1", "chat", reasoning=True),
        OpenAIModel("o1-mini", "chat", reasoning=True),
        OpenAIModel("o3", "chat", reasoning=True),
        OpenAIModel("o3-mini", "chat", reasoning=True),
        OpenAIModel("o4-mini", "chat", reasoning=True),
        OpenAIModel("text-davinci-003", "completion"),
        OpenAIModel("text-davinci-002", "completion"),
        OpenAIModel("davinci-002", "completion"),
        OpenAIModel("text-embedding-ada-002", "embedding", dimensions=1536),
        OpenAIModel("text-embedding-3-small", "embedding", dimensions=1536),
        OpenAIModel("text-embedding-3-large", "embedding", dimensions=3072),
        OpenAIModel("dall-e-2", "image"),
        OpenAIModel("dall-e-3", "image"),
        OpenAIModel("gpt-image-1", "image"),
        OpenAIModel("whisper-1", "transcription"),
        OpenAIModel("gpt-4o-transcribe", "transcription"),
        OpenAIModel("gpt-4o-mini-transcribe", "transcription"),
        OpenAIModel("tts-1", "speech"),
        OpenAIModel("tts-1-hd", "speech"),
        OpenAIModel("gpt-4o-mini-tts", "speech"),
        OpenAIModel("omni-moderation-latest", "moderation"),
        OpenAIModel("text-moderation-latest", "moderation"),
        OpenAIModel("text-moderation-stable", "moderation"),
    )
}

# What the SDK sends when a call gives no model (only where the parameter is optional)
DEFAULT_MODELS = {"images": "dall-e-2"}

# Suffixes that name a snapshot or variant of a family: gpt-4o-2024-08-06, gpt-3.5-turbo-0125,
# gpt-4-1106-preview, gpt-3.5-turbo-16k, chatgpt-4o-latest.
_SNAPSHOT_SUFFIXES = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),
    re.compile(r"-\d{4}$"),
    re.compile(r"-(preview|latest)$"),
    re.compile(r"-(16k|32k|8k)$"),
)
_ALIASES = {"chatgpt-4o": "gpt-4o", "gpt-35-turbo": "gpt-3.5-turbo", "gpt-35-turbo-instruct": "gpt-3.5-turbo-instruct", "gpt-4-turbo-preview": "gpt-4-turbo", "gpt-4o-audio": "gpt-4o",
            "o1-preview": "o1", "gpt-4.5-preview": "gpt-4.5"}

# Strings that look like OpenAI model names even when the table does not know them.
OPENAI_MODEL_PATTERN = re.compile(
    r"^(gpt-|chatgpt-|o\d(-|$)|text-embedding-|text-davinci|davinci|babbage|curie|ada$|dall-e|whisper|tts-|"
    r"omni-moderation|text-moderation|gpt-image|codex-|computer-use)"
)


# OpenAI names by family (providers.md §0.1, checked 2026-12-06): a name OpenAI has not published yet maps
# like its family, without a code change. gpt-N / gpt-N.M (N >= 5) with -mini / -nano / -codex / -pro / -chat…,
# gpt-4.x, the o-series (oN, oN-mini, oN-pro), gpt-image-N.
_GPT_FAMILY = re.compile(r"^gpt-(\d)(?:\.(\d+))?((?:-[a-z]+)*)$")  # one digit: Azure's gpt-35-turbo is 3.5
_O_FAMILY = re.compile(r"^o(\d+)((?:-[a-z]+)*)$")
_GPT_IMAGE = re.compile(r"^gpt-image-\d+(?:\.\d+)?(?:-[a-z]+)*$")
_SMALL = {"mini": "-mini", "nano": "-nano"}
# variants that are not a text model of the family (gpt-4o-audio…, gpt-5-realtime…): any other variant
# (codex, pro, chat, thinking, luna, …) maps like the family
_NOT_TEXT = {"realtime", "audio", "transcribe", "tts", "image", "embedding", "oss", "moderation"}


def _by_family(name: str) -> str | None:
    """The catalogue entry a newer OpenAI name belongs to (``gpt-5.6-mini`` → ``gpt-5-mini``)."""
    if _GPT_IMAGE.match(name):
        return "gpt-image-1"
    m = _GPT_FAMILY.match(name)
    if m:
        major, variants = int(m[1]), [v for v in m[3].split("-") if v]
        if set(variants) & _NOT_TEXT:
            return None
        size = next((_SMALL[v] for v in variants if v in _SMALL), "")
        if major >= 5:
            return f"gpt-5{size}"
        if major == 4 and m[2] is not None and not {"codex", "pro"} & set(variants):
            return f"gpt-4.1{size}" if f"gpt-4.1{size}" in OPENAI_MODELS else None
        return None
    m = _O_FAMILY.match(name)
    if m:
        n, variants = int(m[1]), [v for v in m[2].split("-") if v]
        if set(variants) & _NOT_TEXT:
            return None
        if "mini" in variants:
            return f"o{n}-mini" if f"o{n}-mini" in OPENAI_MODELS else "o4-mini"
        return f"o{n}" if f"o{n}" in OPENAI_MODELS else "o3"
    return None


def model_family(name: str) -> str | None:
    """The catalogue entry a model name belongs to (dated snapshots map to their family, newer names by
    family: ``gpt-5.1``, ``gpt-6-codex``, ``o3-pro``)."""
    seen = name
    for _ in range(6):
        if seen in OPENAI_MODELS:
            return seen
        if seen in _ALIASES:
            seen = _ALIASES[seen]
            continue
        for pat in _SNAPSHOT_SUFFIXES:
            stripped = pat.sub("", seen)
            if stripped != seen:
                seen = stripped
                break
        else:
            return _by_family(seen)
    return None


def looks_like_openai_model(name: str) -> bool:
    return bool(OPENAI_MODEL_PATTERN.match(name)) or model_family(name) is not None


# ---------------------------------------------------------------------------------------------
# The pre-1.0 module API and where each call lives in v1.


@dataclass(frozen=True)
class LegacyMethod:
    v1_path: tuple[str, ...]  # under a client
    is_async: bool = False
    positional: tuple[str, ...] = ()  # names of positional parameters in v0 (Audio.transcribe(model, file))
    note: str | None = None  # a caveat worth a review


def _legacy_table() -> dict[tuple[str, str], LegacyMethod]:
    table: dict[tuple[str, str], LegacyMethod] = {}

    def add(resource: str, methods: dict[str, tuple[str, ...]], positional: tuple[str, ...] = (),
            note: str | None = None) -> None:
        for method, path in methods.items():
            table[(resource, method)] = LegacyMethod(path, False, positional, note)
            table[(resource, "a" + method)] = LegacyMethod(path, True, positional, note)

    add("ChatCompletion", {"create": ("chat", "completions", "create")})
    add("Completion", {"create": ("completions", "create")})
    add("Embedding", {"create": ("embeddings", "create")})
    add("Image", {"create": ("images", "generate"), "create_edit": ("images", "edit"),
                  "create_variation": ("images", "create_variation")})
    add("Moderation", {"create": ("moderations", "create")})
    add("Audio", {"transcribe": ("audio", "transcriptions", "create"),
                  "translate": ("audio", "translations", "create")}, positional=("model", "file"))
    add("Model", {"list": ("models", "list"), "retrieve": ("models", "retrieve")})
    add("File", {"create": ("files", "create"), "list": ("files", "list"), "retrieve": ("files", "retrieve"),
                 "delete": ("files", "delete"), "download": ("files", "content")})
    add("FineTuningJob", {m: ("fine_tuning", "jobs", m) for m in ("create", "list", "retrieve", "cancel",
                                                                  "list_events")})
    add("FineTune", {m: ("fine_tuning", "jobs", m) for m in ("create", "list", "retrieve", "cancel",
                                                             "list_events")},
        note="the FineTune API was replaced by fine_tuning.jobs, with other parameters")
    return table


LEGACY_METHODS = _legacy_table()

# v0 keyword arguments with a v1 name
LEGACY_KWARGS = {"engine": "model", "deployment_id": "model", "request_timeout": "timeout", "headers": "extra_headers"}
# v0 per-call settings: they become client.with_options(...) (None: dropped)
LEGACY_CALL_SETTINGS = {"api_key": "api_key", "api_base": "base_url", "organization": "organization",
                        "api_type": None, "api_version": None}

# openai.error.X → the v1 class (or classes) with the same meaning. None: no equivalent.
LEGACY_ERRORS: dict[str, tuple[str, ...] | None] = {
    "OpenAIError": ("OpenAIError",),
    "APIError": ("APIError",),
    "Timeout": ("APITimeoutError",),  # v1 openai.Timeout is a config class, not an exception
    "APIConnectionError": ("APIConnectionError",),
    "InvalidRequestError": ("BadRequestError", "NotFoundError"),  # v0 raised it for 400 and 404
    "AuthenticationError": ("AuthenticationError",),
    "PermissionError": ("PermissionDeniedError",),
    "RateLimitError": ("RateLimitError",),
    "ServiceUnavailableError": ("InternalServerError",),  # v1 raises InternalServerError for 5xx
    "TryAgain": ("InternalServerError",),  # raised while a model was loading: a retryable server error
    "SignatureVerificationError": ("InvalidWebhookSignatureError",),
    "InvalidAPIType": None,
}
# error classes that openai<1.0 also exported at the top level and v1 does not have (or, for Timeout,
# has as a configuration class)
V0_ONLY_TOP_LEVEL_ERRORS = frozenset({"InvalidRequestError", "ServiceUnavailableError", "TryAgain", "InvalidAPIType",
                                      "SignatureVerificationError", "Timeout"})

LEGACY_ERROR_NOTES = {
    "TryAgain": "v1 has no TryAgain; the server errors it stood for are InternalServerError",
    "InvalidRequestError": "v0 raised it for 400 and 404; v1 has BadRequestError and NotFoundError",
}
# attributes of v0 exceptions with a v1 name ("response.text": an attribute of an attribute)
LEGACY_ERROR_ATTRS = {"http_status": "status_code", "json_body": "body", "user_message": "message",
                      "http_body": "response.text", "headers": "response.headers", "error": "body"}
# of those, the names no other object is likely to have: renamed anywhere in a migrated module
DISTINCT_ERROR_ATTRS = frozenset({"http_status", "json_body", "user_message", "http_body"})

# modules that exist only in openai<1.0, and what to use instead
REMOVED_MODULES = {
    "openai.embeddings_utils": "copy the helpers you use (cosine similarity is numpy.dot of normalised vectors); "
    "get_embedding is client.embeddings.create(...).data[0].embedding",
    "openai.openai_object": "responses are pydantic models now: use attribute access and .model_dump()",
    "openai.util": "no public replacement; inline what you need",
    "openai.aiosession": "pass http_client=httpx.AsyncClient(...) to AsyncOpenAI",
    "openai.api_requestor": "no public replacement; use the client",
    "openai.cli": "use the `openai` command of the v1 package",
}


# ---------------------------------------------------------------------------------------------
# Framework classes that wrap the OpenAI API (LangChain, LlamaIndex, third-party helpers), and
# LangChain's init_chat_model, which builds ChatOpenAI for OpenAI models.
# Keyed by every qualified name the class is importable under; the first name of each keyword tuple
# is the one migrator writes, the others are aliases the class also accepts.


@dataclass(frozen=True)
class FrameworkClass:
    role: str  # chat | embeddings | completion | wrapper
    framework: str  # langchain | llama_index | other
    label: str  # how reports name it
    model_kw: tuple[str, ...] = ("model",)
    key_kw: tuple[str, ...] = ("api_key",)
    url_kw: tuple[str, ...] = ("base_url",)
    default_model: str | None = None  # what the class sends when no model is given
    azure: bool = False
    legacy: bool = False  # langchain<0.1 / langchain_community classes
    compat: bool = False  # already an OpenAI-compatible class (OpenAILike): judged by its URL only
    replacement: tuple[str, str] | None = None  # (module, class) built instead in compat style
    package: str = ""  # the PyPI package the replacement lives in
    hint: str = ""  # wrappers: how to point them at another endpoint
    factory: bool = False  # init_chat_model: builds ChatOpenAI only when the model or provider says OpenAI
    model_pos: int | None = None  # the model may also be passed as this positional argument


_LC = dict(model_kw=("model", "model_name"), key_kw=("api_key", "openai_api_key"),
           url_kw=("base_url", "openai_api_base"))
_LC_LEGACY = dict(model_kw=("model_name", "model"), key_kw=("openai_api_key", "api_key"),
                  url_kw=("openai_api_base", "base_url"), legacy=True)
_LC_EMBED = dict(model_kw=("model",), key_kw=("api_key", "openai_api_key"), url_kw=("base_url", "openai_api_base"))
_LI = dict(key_kw=("api_key",), url_kw=("api_base",))


def _framework_table() -> dict[str, FrameworkClass]:
    table: dict[str, FrameworkClass] = {}

    def add(names: tuple[str, ...], cls: FrameworkClass) -> None:
        for n in names:
            table[n] = cls

    add(("langchain_openai.ChatOpenAI", "langchain_openai.chat_models.ChatOpenAI",
         "langchain_openai.chat_models.base.ChatOpenAI"),
        FrameworkClass("chat", "langchain", "ChatOpenAI", default_model="gpt-3.5-turbo", **_LC))
    add(("langchain_openai.AzureChatOpenAI", "langchain_openai.chat_models.AzureChatOpenAI",
         "langchain_openai.chat_models.azure.AzureChatOpenAI"),
        FrameworkClass("chat", "langchain", "AzureChatOpenAI", azure=True, replacement=("langchain_openai", "ChatOpenAI"),
                       **_LC))
    add(("langchain.chat_models.ChatOpenAI", "langchain.chat_models.openai.ChatOpenAI",
         "langchain_community.chat_models.ChatOpenAI", "langchain_community.chat_models.openai.ChatOpenAI"),
        FrameworkClass("chat", "langchain", "ChatOpenAI (legacy)", default_model="gpt-3.5-turbo", **_LC_LEGACY))
    add(("langchain.chat_models.AzureChatOpenAI", "langchain.chat_models.azure_openai.AzureChatOpenAI",
         "langchain_community.chat_models.AzureChatOpenAI",
         "langchain_community.chat_models.azure_openai.AzureChatOpenAI"),
        FrameworkClass("chat", "langchain", "AzureChatOpenAI (legacy)", azure=True,
                       replacement=("langchain_openai", "ChatOpenAI"), package="langchain-openai", **_LC))
    add(("langchain.chat_models.init_chat_model", "langchain.chat_models.base.init_chat_model",
         "langchain_classic.chat_models.init_chat_model", "langchain_classic.chat_models.base.init_chat_model"),
        FrameworkClass("chat", "langchain", "init_chat_model", factory=True, **_LC))
    add(("langchain_openai.OpenAIEmbeddings", "langchain_openai.embeddings.OpenAIEmbeddings",
         "langchain_openai.embeddings.base.OpenAIEmbeddings"),
        FrameworkClass("embeddings", "langchain", "OpenAIEmbeddings", default_model="text-embedding-ada-002",
                       **_LC_EMBED))
    add(("langchain_openai.AzureOpenAIEmbeddings", "langchain_openai.embeddings.AzureOpenAIEmbeddings",
         "langchain_openai.embeddings.azure.AzureOpenAIEmbeddings"),
        FrameworkClass("embeddings", "langchain", "AzureOpenAIEmbeddings", azure=True,
                       replacement=("langchain_openai", "OpenAIEmbeddings"), **_LC_EMBED))
    # the legacy embeddings class always sends tiktoken token ids (its tiktoken_enabled=False path needs a
    # Hugging Face tokenizer named like the model): providers reject them, so it is replaced
    add(("langchain.embeddings.OpenAIEmbeddings", "langchain.embeddings.openai.OpenAIEmbeddings",
         "langchain_community.embeddings.OpenAIEmbeddings", "langchain_community.embeddings.openai.OpenAIEmbeddings"),
        FrameworkClass("embeddings", "langchain", "OpenAIEmbeddings (legacy)", default_model="text-embedding-ada-002",
                       replacement=("langchain_openai", "OpenAIEmbeddings"), package="langchain-openai",
                       legacy=True, **{k: v for k, v in _LC_EMBED.items()}))
    add(("langchain_openai.OpenAI", "langchain_openai.llms.OpenAI", "langchain_openai.llms.base.OpenAI",
         "langchain_openai.AzureOpenAI", "langchain_openai.llms.AzureOpenAI"),
        FrameworkClass("completion", "langchain", "OpenAI (LangChain completion model)", **_LC))
    add(("langchain.llms.OpenAI", "langchain.llms.openai.OpenAI", "langchain.OpenAI",
         "langchain_community.llms.OpenAI", "langchain_community.llms.openai.OpenAI",
         "langchain.llms.AzureOpenAI", "langchain_community.llms.AzureOpenAI"),
        FrameworkClass("completion", "langchain", "OpenAI (legacy LangChain completion model)", **_LC_LEGACY))
    add(("llama_index.llms.openai.OpenAI", "llama_index.llms.openai.base.OpenAI"),
        FrameworkClass("chat", "llama_index", "OpenAI (LlamaIndex)", default_model="gpt-3.5-turbo", model_pos=0,
                       replacement=("llama_index.llms.openai_like", "OpenAILike"),
                       package="llama-index-llms-openai-like", **_LI))
    add(("llama_index.embeddings.openai.OpenAIEmbedding", "llama_index.embeddings.openai.base.OpenAIEmbedding"),
        FrameworkClass("embeddings", "llama_index", "OpenAIEmbedding (LlamaIndex)",
                       default_model="text-embedding-ada-002",
                       replacement=("llama_index.embeddings.openai_like", "OpenAILikeEmbedding"),
                       package="llama-index-embeddings-openai-like", **_LI))
    add(("llama_index.llms.openai_like.OpenAILike", "llama_index.llms.openai_like.base.OpenAILike"),
        FrameworkClass("chat", "llama_index", "OpenAILike (LlamaIndex)", compat=True, model_pos=0, **_LI))
    add(("llama_index.embeddings.openai_like.OpenAILikeEmbedding",
         "llama_index.embeddings.openai_like.base.OpenAILikeEmbedding"),
        FrameworkClass("embeddings", "llama_index", "OpenAILikeEmbedding (LlamaIndex)", compat=True,
                       model_kw=("model_name",), **_LI))
    add(("llama_index.llms.azure_openai.AzureOpenAI", "llama_index.embeddings.azure_openai.AzureOpenAIEmbedding",
         "llama_index.llms.OpenAI", "llama_index.embeddings.OpenAIEmbedding", "llama_index.OpenAIEmbedding",
         "llama_index.legacy.llms.OpenAI", "llama_index.legacy.embeddings.OpenAIEmbedding"),
        FrameworkClass("wrapper", "llama_index", "LlamaIndex OpenAI class",
                       hint="use llama_index.llms.openai_like.OpenAILike(is_chat_model=True, api_base=..., "
                       "api_key=...) or OpenAILikeEmbedding(model_name=..., api_base=..., api_key=...) "
                       "(llama-index>=0.10)", **_LI))
    add(("llama_index.llms.openai.OpenAIResponses", "llama_index.llms.openai.responses.OpenAIResponses"),
        FrameworkClass("wrapper", "llama_index", "LlamaIndex OpenAIResponses", **_LI,
                       hint="the provider's compatible endpoint has no Responses API: use "
                       "llama_index.llms.openai_like.OpenAILike(is_chat_model=True, api_base=<provider URL>, "
                       "api_key=<provider key>) on chat completions"))
    add(("llama_index.multi_modal_llms.openai.OpenAIMultiModal",),
        FrameworkClass("wrapper", "llama_index", "LlamaIndex OpenAIMultiModal", **_LI,
                       hint="use OpenAILike(is_chat_model=True, api_base=<provider URL>, api_key=<provider key>) "
                       "with one of the provider's vision models and image content blocks"))
    add(("chromadb.utils.embedding_functions.OpenAIEmbeddingFunction",
         "chromadb.utils.embedding_functions.openai_embedding_function.OpenAIEmbeddingFunction"),
        FrameworkClass("wrapper", "other", "chromadb OpenAIEmbeddingFunction", key_kw=("api_key",),
                       url_kw=("api_base",), model_kw=("model_name",),
                       hint="pass api_base=<provider URL>, api_key=<provider key> and model_name=<provider "
                       "embedding model>, or write an EmbeddingFunction that calls the provider; stored "
                       "vectors must be re-embedded"))
    add(("haystack.components.generators.OpenAIGenerator", "haystack.components.generators.chat.OpenAIChatGenerator",
         "haystack.components.embedders.OpenAITextEmbedder", "haystack.components.embedders.OpenAIDocumentEmbedder"),
        FrameworkClass("wrapper", "other", "Haystack OpenAI component", url_kw=("api_base_url",),
                       hint="pass api_base_url=<provider URL> and api_key=Secret.from_env_var(<provider key>)"))
    add(("semantic_kernel.connectors.ai.open_ai.OpenAIChatCompletion",
         "semantic_kernel.connectors.ai.open_ai.OpenAITextEmbedding"),
        FrameworkClass("wrapper", "other", "Semantic Kernel OpenAI connector", url_kw=(),
                       hint="pass async_client=AsyncOpenAI(base_url=<provider URL>, api_key=<provider key>)"))
    add(("dspy.OpenAI",),
        FrameworkClass("wrapper", "other", "dspy.OpenAI", url_kw=("api_base",),
                       hint="use dspy.LM('openai/<provider model>', api_base=<provider URL>, api_key=<provider key>)"))
    return table


FRAMEWORK_CLASSES = _framework_table()

# The OpenAI Agents SDK (``pip install openai-agents``, imported as ``agents``; 0.24 checked 2026-12-06).
# Names a module imports from ``agents`` that say it is that SDK (another package named agents exports none).
AGENTS_NAMES = frozenset({
    "Agent", "Runner", "function_tool", "RunConfig", "ModelSettings", "handoff", "trace", "OpenAIChatCompletionsModel",
    "OpenAIResponsesModel", "set_default_openai_client", "set_default_openai_key", "set_default_openai_api",
    "set_tracing_disabled", "WebSearchTool", "FileSearchTool", "input_guardrail", "output_guardrail",
    "GuardrailFunctionOutput", "RunContextWrapper", "ItemHelpers", "SQLiteSession",
})
# tools that run on OpenAI's servers (Responses API only): no provider runs them through chat completions
AGENTS_HOSTED_TOOLS = frozenset({"WebSearchTool", "FileSearchTool", "ComputerTool", "CodeInterpreterTool",
                                 "ImageGenerationTool", "HostedMCPTool", "LocalShellTool"})
# calls that configure the SDK: present in the module, migrator does not add them again
AGENTS_SETTINGS = frozenset({"set_default_openai_client", "set_default_openai_key", "set_default_openai_api",
                             "set_tracing_disabled", "set_tracing_export_api_key"})
# classes that take a model name (``Agent(model=...)``, ``OpenAIChatCompletionsModel(model=...)``)
AGENTS_MODEL_CLASSES = frozenset({"Agent", "OpenAIChatCompletionsModel", "OpenAIResponsesModel", "RunConfig"})
# what works with the SDK's Responses model only (agents 0.24, run against chat completions): name -> why
AGENTS_RESPONSES_ONLY = {
    "responses_websocket_session": "websocket streaming is a Responses API transport",
    "ResponsesWebSocketSession": "websocket streaming is a Responses API transport",
    "OpenAIConversationsSession": "it keeps the conversation in OpenAI's Conversations API",
    "ToolOutputImage": "chat completions tool outputs carry text only (the SDK replaces images)",
    "ToolOutputFileContent": "chat completions tool outputs carry text only (the SDK replaces files)",
}
# keyword arguments of Runner.run / run_sync / run_streamed (and Agent) that chat completions ignore
AGENTS_STATEFUL_KWARGS = ("previous_response_id", "conversation_id", "auto_previous_response_id", "prompt")
AGENTS_DEFAULT_MODEL = "gpt-5.6-luna"  # what an Agent without model= asks for (agents 0.24 models/default_models.py)
# methods of framework objects whose OpenAI defaults the providers do not all follow
FRAMEWORK_METHODS = ("with_structured_output",)
# init_chat_model infers the OpenAI provider from these model name prefixes (langchain chat_models/base.py)
LANGCHAIN_OPENAI_PREFIXES = ("gpt-", "o1", "o3", "chatgpt", "text-davinci")
