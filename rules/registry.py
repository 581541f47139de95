"""The registry: every rule, in the order rules run on a site. Codes name the OpenAI feature, not the
target: OA0xx legacy, OA1xx clients (OA12x LangChain, LlamaIndex and other
framework classes), OA2xx chat, OA3xx embeddings, OA4xx media, OA5xx other APIs,
OA6xx models, OA7xx parameters, OA8xx raw HTTP, OA9xx exceptions, types and untraced calls.
"""

from __future__ import annotations

from migrator.rules.base import Rule
from migrator.rules.features import (
    agents_sdk,
    clients,
    embeddings,
    endpoints,
    exceptions,
    files,
    frameworks,
    langchain,
    legacy,
    legacy_errors,
    legacy_reports,
    legacy_responses,
    llama_index,
    models,
    module_client,
    params,
    resources,
    structured,
    suppressions,
    untraced,
)
from migrator.rules.features.native import rules as native


def all_rules() -> list[Rule]:
    """A fresh instance of every rule (rules keep per-run state), in the order they run."""
    return [
        legacy.LegacyApi(),
        legacy.LegacySettings(),
        legacy_responses.LegacyResponses(),
        legacy_errors.LegacyErrors(),
        legacy_reports.RemovedModule(),
        legacy_reports.TestDouble(),
        clients.ClientConstruction(),
        module_client.ModuleClient(),
        clients.AzureClient(),
        clients.HardcodedKey(),
        langchain.LangChainChat(),
        langchain.LangChainEmbeddings(),
        langchain.LangChainCompletion(),
        llama_index.LlamaIndexLLM(),
        llama_index.LlamaIndexEmbedding(),
        frameworks.OpenAIWrapper(),
        resources.ChatCompletions(),
        resources.StructuredOutput(),
        structured.JsonObjectFallback(),
        resources.LegacyCompletions(),
        embeddings.Embeddings(),
        resources.Images(),
        resources.Audio(),
        resources.Moderations(),
        resources.Responses(),
        agents_sdk.AgentsSDK(),
        resources.Assistants(),
        resources.FineTuning(),
        resources.FilesBatches(),
        resources.ModelsList(),
        resources.OtherResources(),
        models.ModelName(),
        models.ModelConstant(),
        params.ChatParameters(),
        params.DeveloperRole(),
        endpoints.EndpointUrl(),
        exceptions.Exceptions(),
        native.NativeClient(),
        native.NativeCall(),
        native.NativeResponse(),
        native.NativeException(),
        exceptions.TypesImport(),
        untraced.UntracedCall(),
        suppressions.UnusedSuppression(),
        suppressions.TodoMarker(),
        files.OpenAIDependency(),
        files.EnvFileVariable(),
        files.ConfigModel(),
        files.ConfigReference(),
    ]
