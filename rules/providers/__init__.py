"""Provider backends: one module of data per target (design.md §3).

A ``ProviderSpec`` says everything the compat emitter needs to know about a provider: where its
OpenAI-compatible endpoint lives, which environment variable holds the key, how OpenAI model names
map onto its catalogue, its parameter limits and the features it lacks. The facts come from
``providers.md``; each module cites the rows it used.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field

BUILTIN_TARGETS = ("qwen", "ernie", "glm")


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


@dataclass(frozen=True)
class ProviderSpec:
    name: str  # target name on the command line
    display: str  # e.g. "Qwen (DashScope)"
    base_urls: dict[str, str]  # region -> OpenAI-compatible base URL
    key_env: str
    models: dict[str, ModelTarget]  # OpenAI model family -> target model
    native_model_prefixes: tuple[str, ...]  # names that already belong to this provider
    temperature: Range
    unsupported: dict[str, str]  # feature -> why it cannot be migrated in compat style (manual)
    caveats: dict[str, str] = field(default_factory=dict)  # feature -> what to check (review)
    # chat parameter -> why it needs a look when given (not at its OpenAI default)
    param_notes: dict[str, str] = field(default_factory=dict)
    renamed_params: dict[str, str] = field(default_factory=dict)  # OpenAI name -> provider name
    stop_max_items: int | None = None
    stop_max_chars: int | None = None
    thinking_default_prefixes: tuple[str, ...] = ()  # models that think unless told not to
    thinking_off: dict | None = None  # extra_body entry that switches thinking off
    embedding_max_inputs: int | None = None
    embedding_dimensions: dict[str, tuple[int, ...]] = field(default_factory=dict)  # model -> sizes offered
    embedding_accepts_dimensions: bool = True
    region_notes: dict[str, str] = field(default_factory=dict)  # region -> note when it has no own host
    contexts: dict[str, str] = field(default_factory=dict)  # model -> context window, as providers.md gives it
    key_pattern: str = ""  # regular expression of the provider's API keys (redacted in every output)
    native_package: str = ""  # the provider's own SDK on PyPI (``--style native`` adds it to requirements)
    native_version: str = ""  # the lowest version whose API the native rewrite targets
    # LangChain / LlamaIndex under --style native: why the provider's own integration class is used or not
    # ("langchain.chat", "langchain.embeddings", "llama_index.chat", "llama_index.embeddings"; providers.md §5)
    framework_notes: dict[str, str] = field(default_factory=dict)
    docs: str = ""

    def unsupported_reason(self, feature: str, path: tuple[str, ...] = ()) -> str | None:
        """Why a call cannot be migrated: by method (``images.create_variation``), then by feature."""
        for n in range(len(path), 1, -1):
            reason = self.unsupported.get(".".join(path[:n]))
            if reason:
                return reason
        return self.unsupported.get(feature)

    def base_url(self, region: str) -> str:
        return self.base_urls.get(region) or self.base_urls["cn"]

    def owns_model(self, name: str) -> bool:
        return name.startswith(self.native_model_prefixes)

    def thinks_by_default(self, model: str) -> bool:
        return model.startswith(self.thinking_default_prefixes)

    def hosts(self) -> set[str]:
        from urllib.parse import urlsplit

        return {urlsplit(u).hostname or "" for u in self.base_urls.values()}


def load(name: str) -> ProviderSpec:
    """The spec of a built-in target (``qwen``, ``ernie``, ``glm``)."""
    if name not in BUILTIN_TARGETS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{name}")
    return module.SPEC


def all_specs() -> list[ProviderSpec]:
    return [load(n) for n in BUILTIN_TARGETS]


@functools.cache
def provider_hosts() -> dict[str, str]:
    """Host -> target name for every known provider: a client already pointed at one is migrated."""
    return {host: spec.name for spec in all_specs() for host in spec.hosts()}
