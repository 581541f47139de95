"""The OpenAI SDK surface: the one table that both the scanner and the rewriter read.

Names here come from the installed ``openai`` package (1.x to 3.x): client classes, resource paths
under a client, module-level settings, exception classes, and the OpenAI model catalogue. Adding a
resource or an exception is a one-line change here; the feature rules pick it up. The model catalogue
(``surface_models.py``) and the framework class table (``surface_frameworks.py``) are modules of their
own; this one re-exports their names, so every reader says ``surface.NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.rules.surface_frameworks import FRAMEWORK_CLASSES as FRAMEWORK_CLASSES
from migrator.rules.surface_frameworks import FRAMEWORK_METHODS as FRAMEWORK_METHODS
from migrator.rules.surface_frameworks import LANGCHAIN_OPENAI_PREFIXES as LANGCHAIN_OPENAI_PREFIXES
from migrator.rules.surface_frameworks import FrameworkClass as FrameworkClass
from migrator.rules.surface_models import DEFAULT_MODELS as DEFAULT_MODELS
from migrator.rules.surface_models import OPENAI_MODEL_PATTERN as OPENAI_MODEL_PATTERN
from migrator.rules.surface_models import OPENAI_MODELS as OPENAI_MODELS
from migrator.rules.surface_models import OpenAIModel as OpenAIModel
from migrator.rules.surface_models import looks_like_openai_model as looks_like_openai_model
from migrator.rules.surface_models import model_family as model_family

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

# What a call can raise, as events (native style's exception classes, rules/features/native/errors.py;
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
