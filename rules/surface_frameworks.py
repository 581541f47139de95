"""Framework classes that wrap the OpenAI API (LangChain, LlamaIndex, third-party helpers), and
LangChain's init_chat_model, which builds ChatOpenAI for OpenAI models.
Keyed by every qualified name the class is importable under; the first name of each keyword tuple
is the one migrator writes, the others are aliases the class also accepts.

``rules/surface.py`` re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict


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


class _Endpoint(TypedDict):
    """The endpoint keywords a family of classes shares, passed to FrameworkClass as ``**``."""

    key_kw: tuple[str, ...]
    url_kw: tuple[str, ...]


class _Keywords(_Endpoint):
    model_kw: tuple[str, ...]


class _LegacyKeywords(_Keywords):
    legacy: bool


_LC = _Keywords(model_kw=("model", "model_name"), key_kw=("api_key", "openai_api_key"),
                url_kw=("base_url", "openai_api_base"))
_LC_LEGACY = _LegacyKeywords(model_kw=("model_name", "model"), key_kw=("openai_api_key", "api_key"),
                             url_kw=("openai_api_base", "base_url"), legacy=True)
_LC_EMBED = _Keywords(model_kw=("model",), key_kw=("api_key", "openai_api_key"),
                      url_kw=("base_url", "openai_api_base"))
_LI = _Endpoint(key_kw=("api_key",), url_kw=("api_base",))


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
                       legacy=True, **_LC_EMBED))
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

# methods of framework objects whose OpenAI defaults the providers do not all follow
FRAMEWORK_METHODS = ("with_structured_output",)
# init_chat_model infers the OpenAI provider from these model name prefixes (langchain chat_models/base.py)
LANGCHAIN_OPENAI_PREFIXES = ("gpt-", "o1", "o3", "chatgpt", "text-davinci")
