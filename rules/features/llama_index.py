"""LlamaIndex: ``OpenAI`` becomes ``OpenAILike`` and ``OpenAIEmbedding`` becomes ``OpenAILikeEmbedding`` on the
provider's OpenAI-compatible endpoint (compat style)."""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import kwarg
from migrator.rules.features.frameworks import FrameworkRule, Plan, context_tokens
from migrator.sites import Site


class LlamaIndexLLM(FrameworkRule):
    """Replaces LlamaIndex's ``OpenAI`` LLM with ``OpenAILike`` on the provider's compatible endpoint.

    What it does: ``from llama_index.llms.openai import OpenAI`` becomes
    ``from llama_index.llms.openai_like import OpenAILike`` and each construction gets ``api_base``,
    ``api_key`` from the provider's variable, the mapped ``model``, ``is_chat_model=True`` (the default
    False would call ``/completions``), ``is_function_calling_model=True`` (agents need tools) and the
    new model's ``context_window`` (the default is 3900 tokens); thinking is switched off through
    ``additional_kwargs`` where the new model thinks by default. The package
    ``llama-index-llms-openai-like`` must be installed.

    Example::

        from llama_index.llms.openai import OpenAI
        llm = OpenAI(model="gpt-4o-mini", temperature=0.1)

    becomes (``--target ernie``)::

        import os
        from llama_index.llms.openai_like import OpenAILike
        llm = OpenAILike(model="ernie-4.5-turbo-32k", temperature=0.1, api_base="https://qianfan.baidubce.com/v2", api_key=os.environ["QIANFAN_API_KEY"], is_chat_model=True, is_function_calling_model=True, context_window=32000)

    Fix safety: review; install llama-index-llms-openai-like.
    """

    CODE = "OA123"
    NAME = "llamaindex-llm"
    ROLE = "chat"
    FRAMEWORK = "llama_index"
    SUMMARY = "LlamaIndex OpenAI LLM becomes OpenAILike on the provider"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = Plan()
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            plan.review(f"OpenAI → OpenAILike: install {cls.package}")
        self.endpoint(site, call, cls, url, ctx, plan)
        self.model(site, call, cls, ctx, plan, "chat")
        self.temperature(call, ctx, plan)
        self.param_notes(call, ctx, plan)
        for name, src in (("is_chat_model", "True"), ("is_function_calling_model", "True")):
            if kwarg(call, name) is None:
                ctx.edit(call, "add_kwarg", self.CODE, name=name, src=src)
        window = ctx.spec.contexts.get(plan.target.model) if plan.target else None
        tokens = context_tokens(window) if window else None
        if tokens and kwarg(call, "context_window") is None:
            ctx.edit(call, "add_kwarg", self.CODE, name="context_window", src=str(tokens))
            plan.notes.append(f"context_window={tokens}")
        if self.thinks(plan, ctx):
            assert plan.target is not None  # thinks() checks it
            off = {"extra_body": ctx.spec.thinking_off}
            self.merge_dict(call, "additional_kwargs", {k: self.py(v, ctx) for k, v in off.items()}, ctx, plan,
                            f"thinking switched off ({plan.target.model} thinks by default)")
        self.native_note("llama_index.chat", ctx, plan)
        self.report(call, cls, ctx, plan, f"{cls.label} → OpenAILike on {ctx.spec.display}")


class LlamaIndexEmbedding(FrameworkRule):
    """Replaces LlamaIndex's ``OpenAIEmbedding`` with ``OpenAILikeEmbedding`` on the provider.

    What it does: ``from llama_index.embeddings.openai import OpenAIEmbedding`` becomes
    ``from llama_index.embeddings.openai_like import OpenAILikeEmbedding``; each construction gets
    ``model_name=`` (the class rejects ``model=``) with the mapped model, ``api_base``, ``api_key`` from
    the provider's variable, ``embed_batch_size`` = the provider's batch limit,
    ``additional_kwargs={"encoding_format": "float"}`` and the ``dimensions`` the provider offers. The
    package ``llama-index-embeddings-openai-like`` must be installed, and stored vectors re-embedded.

    Example::

        from llama_index.embeddings.openai import OpenAIEmbedding
        embed_model = OpenAIEmbedding(model="text-embedding-3-small")

    becomes (``--target qwen``)::

        import os
        from llama_index.embeddings.openai_like import OpenAILikeEmbedding
        embed_model = OpenAILikeEmbedding(model_name="text-embedding-v4", api_base="https://dashscope.aliyuncs.com/compatible-mode/v1", api_key=os.environ["DASHSCOPE_API_KEY"], embed_batch_size=10, additional_kwargs={"encoding_format": "float"}, dimensions=1536)

    Fix safety: the code is migrated (install the package); re-embedding the stored data is manual.
    """

    CODE = "OA124"
    NAME = "llamaindex-embedding"
    ROLE = "embeddings"
    FRAMEWORK = "llama_index"
    SUMMARY = "LlamaIndex OpenAIEmbedding becomes OpenAILikeEmbedding on the provider"

    def migrate(self, site: Site, call: ast.Call, cls: surface.FrameworkClass, url: ast.expr | None,
                ctx: PlanContext) -> None:
        plan = Plan()
        if call.args and cls.replacement is not None:  # OpenAIEmbedding(mode, model, ...) vs OpenAILikeEmbedding(model_name, ...)
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{cls.label} with positional arguments: pass them by keyword, then run migrator again "
                       "(OpenAILikeEmbedding takes model_name first)", reaches_openai=True,
                       subject=f"{cls.label} talks to api.openai.com")
            return
        if cls.replacement is not None:
            self.swap_class(site, call, cls, ctx, plan)
            plan.review(f"OpenAIEmbedding → OpenAILikeEmbedding: install {cls.package}")
            if kwarg(call, "mode") is not None:
                ctx.edit(call, "remove_kwarg", self.CODE, name="mode")
        self.endpoint(site, call, cls, url, ctx, plan)
        model_cls = cls
        if cls.replacement is not None:
            model_cls = surface.FrameworkClass(cls.role, cls.framework, cls.label, model_kw=("model", "model_name"),
                                               default_model=cls.default_model)
        self.model(site, call, model_cls, ctx, plan, "embedding", write_as="model_name")
        self.batch(call, "embed_batch_size", ctx, plan)
        self.merge_dict(call, "additional_kwargs", {"encoding_format": ctx.string("float")}, ctx, plan,
                        "float vectors")
        old, new = self.dimensions(call, ctx, plan)
        self.native_note("llama_index.embeddings", ctx, plan)
        self.report(call, cls, ctx, plan, f"{cls.label} → OpenAILikeEmbedding "
                    f"{plan.target.model + ' ' if plan.target else ''}on {ctx.spec.display}. Vectors change: "
                    f"{old or '?'}-d → {new or '?'}-d; re-embed stored vectors and rebuild the index", Severity.MANUAL)
