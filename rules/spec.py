"""What a provider is, as data: the dataclasses every module of ``rules/providers`` fills in.

It imports only the OpenAI surface (``surface.py``, a leaf), so that provider modules, rules and the engine can all
read a ``ProviderSpec`` without importing one another. The facts come from ``providers.md``; each
provider module cites the rows it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from migrator.model import Region, Style
from migrator.rules.surface import RESOURCES

SupportLevel = Literal["supported", "caveat", "unsupported", "unclassified"]

# The features of the OpenAI surface, each classified by every provider spec.
FEATURES: tuple[str, ...] = tuple(dict.fromkeys(r.feature for r in RESOURCES))


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, value: float) -> bool:
        above = value > self.low or (self.low_inclusive and value == self.low)
        below = value < self.high or (self.high_inclusive and value == self.high)
        return above and below

    def clamp(self, value: float) -> float:
        """Nearest value inside the range, at two decimals for open ends (0 -> 0.01, 2 -> 1.99)."""
        if not (value > self.low or (self.low_inclusive and value == self.low)):
            return self.low if self.low_inclusive else round(self.low + 0.01, 2)
        if not (value < self.high or (self.high_inclusive and value == self.high)):
            return self.high if self.high_inclusive else round(self.high - 0.01, 2)
        return value

    def __str__(self) -> str:
        return f"{'[' if self.low_inclusive else '('}{self.low:g}, {self.high:g}{']' if self.high_inclusive else ')'}"


@dataclass(frozen=True)
class ModelTarget:
    model: str
    dimensions: int | None = None  # embeddings: the size to ask for (passed as ``dimensions=``)
    note: str | None = None  # a caveat that makes the mapping worth a review
    checked: str = ""  # the date the target model was checked against the provider's lineup (``dated``)


def dated(table: dict[str, ModelTarget], checked: str) -> dict[str, ModelTarget]:
    """A provider's model table with the date it was checked on each entry that has none of its own."""
    import dataclasses

    return {k: v if v.checked else dataclasses.replace(v, checked=checked) for k, v in table.items()}


@dataclass(frozen=True)
class NativeMethod:
    """How one OpenAI method is called on the provider's own SDK client (``--style native``)."""

    call: str = ""  # the SDK's method path when it differs ("images.generations"); "" keeps the OpenAI one
    async_call: str = ""  # the method awaited calls use when the SDK has no asyncio client ("…acreate")
    accepts: frozenset[str] | None = None  # keyword arguments the SDK method takes (None: passed through)
    renames: dict[str, str] = field(default_factory=dict)  # OpenAI argument -> SDK argument
    drops: dict[str, str] = field(default_factory=dict)  # OpenAI argument -> why the SDK call goes without it
    extras: str = ""  # the dict argument that carries what ``accepts`` lacks ("parameters", "extra_body")
    spread: tuple[str, ...] = ()  # dict arguments whose entries become keyword arguments (``extra_body``)
    harmless: frozenset[str] = frozenset()  # dropped arguments that change nothing the caller sees
    response: str = ""  # kind of the response, for ``NativeSpec.response_renames`` ("chat", "embeddings")


@dataclass(frozen=True)
class NativeSpec:
    """The provider's own Python SDK: what ``--style native`` rewrites OpenAI code to."""

    module: str  # what to import ("dashscope")
    clients: dict[str, str]  # "sync" / "async", optionally "sync:<region>": the SDK client class
    client_kwargs: dict[str, str]  # OpenAI client argument -> SDK client argument (others keep the client compat)
    region_kwargs: dict[str, dict[str, str]] = field(default_factory=dict)  # region -> argument -> source
    methods: dict[str, NativeMethod] = field(default_factory=dict)  # "chat.completions.create" -> how
    missing: dict[str, str] = field(default_factory=dict)  # method path or "async" -> why that stays compat
    # response kind -> attribute path on the OpenAI response ("usage.prompt_tokens") -> the SDK's name
    response_renames: dict[str, dict[str, str]] = field(default_factory=dict)
    # response kind -> attribute path the OpenAI response has and the SDK's lacks -> what to read instead
    response_missing: dict[str, dict[str, str]] = field(default_factory=dict)
    dump_methods: dict[str, str] = field(default_factory=dict)  # ``model_dump`` -> the SDK models' method
    dump_drops: dict[str, str] = field(default_factory=dict)  # arguments of ``model_dump`` the SDK's lacks -> why
    message_param: str = ""  # how a response message goes back into ``messages`` ("…model_dump(…)")
    error_notes: dict[str, str] = field(default_factory=dict)  # openai exception -> what to check by hand
    # attributes read on a caught openai exception (``e.response.headers``): the SDK exception's name for
    # them, and those it lacks -> what to read instead
    error_renames: dict[str, str] = field(default_factory=dict)
    error_missing: dict[str, str] = field(default_factory=dict)
    # how the SDK reports the errors a call can raise (rules/features/native/errors.py): its exception
    # classes (dotted, as the migrated code names them) -> the class above it ("": a root), and each
    # event (an HTTP status, "connection", "timeout") -> the classes it is raised as
    error_classes: dict[str, str] = field(default_factory=dict)
    error_raised: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the migration report tells about the SDK
    # features the compat endpoint lacks but the SDK offers: in native style the compat pass treats them as
    # supported (and maps their models with ``models``) so that this pass can move them to the SDK
    native_only: frozenset[str] = frozenset()
    # ``with client.chat.completions.create(..., stream=True) as s:`` works (the SDK's stream is a context
    # manager, as openai's Stream is); the safety net rolls back a move to an SDK where it is not
    stream_in_with: bool = True
    models: dict[str, ModelTarget] = field(default_factory=dict)

    def client_class(self, is_async: bool, region: Region) -> str | None:
        kind = "async" if is_async else "sync"
        return self.clients.get(f"{kind}:{region}") or self.clients.get(kind)


@dataclass(frozen=True)
class ResponsesAPI:
    """Where and how a provider serves OpenAI's Responses API (``client.responses.create``)."""

    checked: str  # the date the facts below were checked (providers.md §0.1)
    # region -> base URL of the Responses API where it is not the chat base URL (GLM: /api/v1, chat on
    # /api/paas/v4); a region missing from a non-empty table is not served there
    base_urls: dict[Region, str] = field(default_factory=dict)
    models: tuple[str, ...] = ()  # model names (or prefixes) that serve it; empty: every chat model
    model: str = ""  # what a call maps to when the chat mapping names a model outside ``models``
    vision_model: str = ""  # what a call that sends images maps to ("": the mapping as it is)
    lacks: dict[str, str] = field(default_factory=dict)  # request argument -> why the provider cannot take it
    stateless: str = ""  # why stored responses cannot be read back (retrieve, previous_response_id); "": they can
    note: str = ""  # what the report tells the user to check

    def base_url(self, region: Region) -> str | None:
        """The base URL of the API in ``region``: "" for the chat base URL, None when not served there."""
        if not self.base_urls:
            return ""
        return self.base_urls.get(region)

    def serves(self, model: str) -> bool:
        return not self.models or model.startswith(self.models)


@dataclass(frozen=True)
class ProviderSpec:
    name: str  # target name on the command line
    display: str  # e.g. "Qwen (DashScope)"
    base_urls: dict[Region, str]  # region -> OpenAI-compatible base URL
    key_env: str
    models: dict[str, ModelTarget]  # OpenAI model family -> target model
    native_model_prefixes: tuple[str, ...]  # names that already belong to this provider
    temperature: Range
    unsupported: dict[str, str]  # feature -> why it cannot be migrated in compat style (manual)
    caveats: dict[str, str] = field(default_factory=dict)  # feature -> what to check (review)
    # feature -> how the provider serves it (auto). Every feature of ``surface.FEATURES`` is in exactly one
    # of ``supported``, ``caveats`` and ``unsupported`` (tests/test_targets.py); one in none is manual
    supported: dict[str, str] = field(default_factory=dict)
    # chat parameter -> why it needs a look when given (not at its OpenAI default)
    param_notes: dict[str, str] = field(default_factory=dict)
    renamed_params: dict[str, str] = field(default_factory=dict)  # OpenAI name -> provider name
    # response_format json_schema: "yes", "partial" (some models; reviewed), "no" (structured output becomes
    # json_object with the schema in the prompt: rules/features/structured.py)
    json_schema: str = "yes"
    stop_max_items: int | None = None
    # provider models retired or going (already-migrated code that names one is a finding of scan and
    # check): model -> what to use instead, with the date and source
    retired: dict[str, str] = field(default_factory=dict)
    stop_max_chars: int | None = None
    thinking_default_prefixes: tuple[str, ...] = ()  # models that think unless told not to
    thinking_off: dict | None = None  # extra_body entry that switches thinking off
    # models whose thinking cannot be switched off (GLM-5.3: bound it with reasoning_effort instead)
    thinking_fixed: tuple[str, ...] = ()
    embedding_max_inputs: int | None = None
    embedding_dimensions: dict[str, tuple[int, ...]] = field(default_factory=dict)  # model -> sizes offered
    embedding_accepts_dimensions: bool = True
    region_notes: dict[str, str] = field(default_factory=dict)  # region -> note when it has no own host
    contexts: dict[str, str] = field(default_factory=dict)  # model -> context window, as providers.md gives it
    key_pattern: str = ""  # regular expression of the provider's API keys (redacted in every output)
    native_package: str = ""  # the provider's own SDK on PyPI (``--style native`` adds it to requirements)
    native_version: str = ""  # the lowest version whose API the native rewrite targets
    # the first version the rewrite is known not to fit (requirements get ``>=native_version,<native_below``)
    native_below: str = ""
    # the Responses API (None: not served, or not confirmed: calls become chat.completions calls)
    responses: ResponsesAPI | None = None
    native: NativeSpec | None = None  # the SDK rewrite of ``--style native`` (None: compat only)
    # LangChain / LlamaIndex under --style native: why the provider's own integration class is used or not
    # ("langchain.chat", "langchain.embeddings", "llama_index.chat", "llama_index.embeddings"; providers.md §5)
    framework_notes: dict[str, str] = field(default_factory=dict)
    docs: str = ""
    order: int = 100  # place among the targets (lists, help, the per-target parts of scan messages)
    # judged by ``scan`` without --target (the worst wins). Opt-in: each provider judged is one more pass
    # of the rules over every file with a site (about +3 % of the analysis time per provider)
    default_scan: bool = False
    custom: bool = False  # defined in [tool.migrator.providers.<name>], not a module of this package

    def unsupported_reason(self, feature: str, path: tuple[str, ...] = ()) -> str | None:
        """Why a call cannot be migrated: by method (``images.create_variation``), then by feature. A
        feature of the OpenAI surface the spec does not classify is never guessed to work."""
        for n in range(len(path), 1, -1):
            reason = self.unsupported.get(".".join(path[:n]))
            if reason:
                return reason
        reason = self.unsupported.get(feature)
        if reason is None and self.support(feature) == ("unclassified", ""):
            return (f"{self.display}'s support for {feature} is not recorded in migrator; migrate it by hand and "
                    "tell us what the provider serves")
        return reason

    def support(self, feature: str) -> tuple[SupportLevel, str]:
        """How the provider serves a feature of the OpenAI surface, and why (or what to check)."""
        if feature in self.unsupported:
            return "unsupported", self.unsupported[feature]
        if feature in self.caveats:
            return "caveat", self.caveats[feature]
        if feature in self.supported:
            return "supported", self.supported[feature]
        if feature not in FEATURES:
            return "supported", ""  # finer keys (``response_format:json_object``) only refine a feature
        return "unclassified", ""

    def for_style(self, style: Style) -> ProviderSpec:
        """The spec as a style sees it: native style adds what only the provider's SDK offers."""
        if style != "native" or self.native is None or not self.native.native_only:
            return self
        return _native_view(self)

    def region_of(self, url: str) -> Region | None:
        """The region whose compat base URL this is (trailing slashes aside)."""
        for region, base in self.base_urls.items():
            if base.rstrip("/") == url.rstrip("/"):
                return region
        return None

    def base_url(self, region: Region) -> str:
        return self.base_urls.get(region) or self.base_urls["cn"]

    def owns_model(self, name: str) -> bool:
        return name.startswith(self.native_model_prefixes)

    def thinks_by_default(self, model: str) -> bool:
        return model.startswith(self.thinking_default_prefixes)

    def hosts(self) -> set[str]:
        from urllib.parse import urlsplit

        return {urlsplit(u).hostname or "" for u in self.base_urls.values()}


_NATIVE_VIEWS: dict[int, ProviderSpec] = {}


def _native_view(spec: ProviderSpec) -> ProviderSpec:
    import dataclasses

    view = _NATIVE_VIEWS.get(id(spec))
    if view is None:
        native = spec.native
        assert native is not None
        view = _NATIVE_VIEWS[id(spec)] = dataclasses.replace(
            spec, unsupported={k: v for k, v in spec.unsupported.items() if k not in native.native_only},
            supported={**spec.supported, **{k: f"through {native.module} (--style native)" for k in native.native_only
                                            if k in spec.unsupported}},
            models={**spec.models, **native.models})
    return view
