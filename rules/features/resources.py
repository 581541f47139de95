"""Resource calls on an OpenAI client, one rule per feature.

Every call is migrated the same way in compat style (the client already points at the provider);
what differs per feature is whether the provider offers it. That comes from the provider spec:
``unsupported`` features are left untouched and reported as manual work, ``caveats`` are migrated
and reported for review.
"""

from __future__ import annotations

import ast

from migrator.markers import LOSSY_EDIT
from migrator.model import Severity
from migrator.resolve import MODULE_CLIENT, Client
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features import responses, structured, text_completions
from migrator.rules.features.common import call_destination, call_feature
from migrator.rules.features.second_client import keep_on_openai, unsupported_only
from migrator.sites import Site


def _path(site: Site) -> tuple[str, ...]:
    return tuple(p for p in site.extra.get("path", ()) if p not in surface.TRANSPARENT_SEGMENTS)


def call_label(site: Site) -> str:
    path = tuple(p for p in site.extra.get("path", ()) if p not in surface.TRANSPARENT_SEGMENTS)
    if MODULE_CLIENT in site.clients:
        owner = "the module-level client"
    else:
        kinds = {getattr(c, "is_async", site.is_async) for c in site.clients} or {site.is_async}
        owner = "an OpenAI or AsyncOpenAI client" if len(kinds) > 1 else \
            "an AsyncOpenAI client" if site.is_async else "an OpenAI client"
    return f"{'.'.join(path)} on {owner}"


class ResourceRule(Rule):
    SITES = ("call",)

    def applies(self, site: Site) -> bool:
        return site.kind == "call" and site.resource is not None and site.resource.code == self.CODE

    def check(self, site: Site, ctx: PlanContext) -> None:
        dest = call_destination(site, ctx)
        if dest is None:
            return
        call = site.node
        assert isinstance(call, ast.Call)  # a call site (applies)
        feature = call_feature(site)
        label = call_label(site)
        reason = ctx.spec.unsupported_reason(feature, _path(site))
        if feature == "responses":
            reason = responses.plan(site, ctx).reason
            if not reason:
                self._responses(site, ctx, label, dest.reaches_openai)
                return
        if keep_on_openai(site, ctx, self.CODE, label, reason or "the assistants that read its files stay on OpenAI"):
            return
        kept = dest.reaches_openai and all(
            c.origin is not None and unsupported_only(c.origin, ctx) for c in site.clients if isinstance(c, Client))
        if not reason and kept and any(isinstance(c, Client) for c in site.clients):
            ctx.report(site.node, self.CODE, feature, Severity.MANUAL,
                       f"{label}: not migrated — its client stays on OpenAI with the assistants that read these "
                       "files", reaches_openai=True, subject=label)
            return
        if reason and feature == "completions" and site.extra.get("legacy") and \
                text_completions.legacy_to_chat(call, ctx):
            mapped = text_completions.map_completion_model(call, ctx, self.CODE)
            if mapped:
                mapped = "; ".join([mapped, *text_completions.thinking_off(call, ctx, self.CODE)])
            ctx.report(site.node, self.CODE, feature, Severity.REVIEW,
                       f"{label} → chat.completions.create on {ctx.spec.display} ({reason}): prompt → a user "
                       f"message; the choices' text → .message.content{'; ' + mapped if mapped else ''}; the reply is "
                       "a chat answer to the prompt, not its continuation", reaches_openai=dest.reaches_openai,
                       subject=label)
            return
        if reason and feature == "completions":
            why = text_completions.why_not(site, ctx)
            if why is None:  # a text completion the target cannot serve: a chat call
                changed = text_completions.convert(site, ctx, self.CODE)
                ctx.report(site.node, self.CODE, feature, Severity.REVIEW,
                           f"{label} → chat.completions.create on {ctx.spec.display} ({reason}): "
                           f"{'; '.join(changed)}; the reply is a chat answer to the prompt, not its continuation",
                           reaches_openai=dest.reaches_openai, subject=label)
                return
            reason = f"{reason} (not rewritten: {why})"
        if reason:
            shared = dest.reaches_openai and not kept
            note = f"; its client now points at {ctx.spec.display}, so this call fails until it moves" if shared else ""
            ctx.report(site.node, self.CODE, feature, Severity.MANUAL,
                       f"{label}: not migrated — {reason}{note}", reaches_openai=dest.reaches_openai, subject=label)
            return
        caveat = ctx.spec.caveats.get(feature)
        planned = feature in ("chat", "structured") and structured.plan(site, ctx) is not None
        if planned:
            caveat = None  # the call becomes json_object (OA204 says so)
        if dest.kind == "injected" and not caveat:
            ctx.report(site.node, self.CODE, feature, Severity.REVIEW,
                       f"{'.'.join(_path(site))} on a client passed in (typed as an OpenAI client): it reaches {ctx.spec.display} "
                       "once the client it is given does; migrator moves that client where it is built, when that "
                       "is in the files it migrates", subject=label)
            return
        if not dest.reaches_openai and not caveat:
            return  # nothing to change on the call itself; the model and parameter rules still look at it
        severity = Severity.REVIEW if caveat or dest.kind == "configured" else Severity.AUTO
        if feature == "structured" and ctx.spec.json_schema == "no" and not planned:
            # the request is rejected (400): no json_schema; OA204 could not rewrite it faithfully here
            ctx.report(site.node, self.CODE, feature, Severity.MANUAL,
                       f"{label}: sends a json_schema response format, which {ctx.spec.display} rejects ({caveat}); "
                       "ask for response_format={'type': 'json_object'} with the schema in the prompt and validate "
                       "the reply (migrator does that where the result is read in the same function)",
                       reaches_openai=dest.reaches_openai, subject=label)
            return
        message = f"{label} → {ctx.spec.display}"
        if dest.kind == "configured":
            message += (f" by default (its client's base_url comes from {dest.through}: api.openai.com when that is "
                        "unset; a configured server must serve the new model names too)")
        if caveat:
            message += f" ({caveat})"
        ctx.report(site.node, self.CODE, feature, severity, message, reaches_openai=dest.reaches_openai,
                   subject=label)


    def _responses(self, site: Site, ctx: PlanContext, label: str, reaches_openai: bool) -> None:
        """A Responses call the target serves (kept), or one that becomes a chat call."""
        p, spec = responses.plan(site, ctx), ctx.spec
        if p.how == "keep":
            assert spec.responses is not None
            changes = [spec.responses.note, *responses.keep(site, ctx, self.CODE)]
            ctx.report(site.node, self.CODE, "responses", Severity.REVIEW,
                       f"{label} → {spec.display}'s Responses API ({'; '.join(c for c in changes if c)}; checked "
                       f"{spec.responses.checked})", reaches_openai=reaches_openai, subject=label)
            return
        changes = responses.convert(site, ctx, self.CODE)
        if p.lossy:  # said at the call, in one finding: its marker goes above the call
            ctx.report(site.node, LOSSY_EDIT, "responses", Severity.REVIEW, "; ".join(m for _, m in p.lossy),
                       subject=f"{label}: lossy")
        method = "parse" if _path(site)[-1] == "parse" else "create"
        ctx.report(site.node, self.CODE, "responses", Severity.REVIEW,
                   f"{label} → chat.completions.{method} on {spec.display} ({p.why_chat}): {'; '.join(changes)}",
                   reaches_openai=reaches_openai, subject=label)


class ChatCompletions(ResourceRule):
    """Chat completions (``chat.completions.create`` / ``stream``), sync, async, streaming and tools.

    What it does: the call stays as it is; its client now points at the provider. The model rule
    maps ``model=``, the parameter rule fixes arguments the provider treats differently.

    Example::

        r = client.chat.completions.create(model="gpt-4o-mini", messages=messages)

    becomes (``--target qwen``)::

        r = client.chat.completions.create(model="qwen-flash", messages=messages)

    Fix safety: safe.
    """

    CODE = "OA201"
    NAME = "chat-completions"
    FEATURE = "chat"
    SUMMARY = "chat.completions.create / stream"


class StructuredOutput(ResourceRule):
    """Structured output helpers (``chat.completions.parse``, ``beta.chat.completions.parse``).

    What it does: migrates the call like a chat call; the helper sends a ``json_schema`` response
    format, which some providers support only partly (reported).

    Example::

        r = client.beta.chat.completions.parse(model="gpt-4o", messages=m, response_format=Answer)

    becomes (``--target ernie``)::

        r = client.beta.chat.completions.parse(model="ernie-4.5-turbo-128k", messages=m, response_format=Answer)

    Fix safety: review on providers whose json_schema support is partial.
    """

    CODE = "OA202"
    NAME = "structured-output"
    FEATURE = "structured"
    SUMMARY = "chat.completions.parse (json_schema structured output)"


class LegacyCompletions(ResourceRule):
    """The legacy text completions endpoint (``client.completions.create(prompt=...)``).

    What it does: reports it. None of the providers offers ``/completions`` for general models, so the
    prompt must move to ``chat.completions.create``.

    Example::

        r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=p)

    Fix safety: manual.
    """

    CODE = "OA203"
    NAME = "legacy-completions"
    FEATURE = "completions"
    SUMMARY = "completions.create (text completions endpoint)"


class Images(ResourceRule):
    """Image generation and editing (``images.generate`` / ``edit`` / ``create_variation``).

    What it does: migrates the call where the provider has an OpenAI-shaped image endpoint (ERNIE
    ``irag-1.0``, GLM CogView), maps the model, and reports it as manual where it has none (Qwen).

    Example::

        img = client.images.generate(model="dall-e-3", prompt=p)

    becomes (``--target glm``)::

        img = client.images.generate(model="cogview-4-250304", prompt=p)

    Fix safety: review (sizes, ``n`` and ``b64_json`` differ).
    """

    CODE = "OA401"
    NAME = "images"
    FEATURE = "images"
    SUMMARY = "images.generate / edit / create_variation"


class Audio(ResourceRule):
    """Speech to text and text to speech (``audio.transcriptions`` / ``translations`` / ``speech``).

    What it does: migrates the call where the provider has OpenAI-shaped audio endpoints (GLM), and
    reports it as manual elsewhere.

    Example::

        t = client.audio.transcriptions.create(model="whisper-1", file=f)

    becomes (``--target glm``)::

        t = client.audio.transcriptions.create(model="glm-asr-2512", file=f)

    Fix safety: review (length limits, voices and formats differ).
    """

    CODE = "OA402"
    NAME = "audio"
    FEATURE = "audio"
    SUMMARY = "audio.transcriptions / translations / speech"


class Moderations(ResourceRule):
    """Moderation (``moderations.create``).

    What it does: reports it; no provider returns OpenAI's moderation schema.

    Example::

        flagged = client.moderations.create(input=text).results[0].flagged

    Fix safety: manual.
    """

    CODE = "OA403"
    NAME = "moderations"
    FEATURE = "moderations"
    SUMMARY = "moderations.create"


class Responses(ResourceRule):
    """The Responses API (``responses.create`` / ``parse`` / ``stream``, ``conversations``).

    What it does: where the target serves the Responses API (its provider data: Qwen, DeepSeek, Kimi, Doubao
    on their base URL, GLM at ``https://open.bigmodel.cn/api/v1``) the call stays and its model is mapped to
    one that serves it; on GLM the call goes through ``client.with_options(base_url=...)``. Where it does not
    (ERNIE), or with ``--responses chat``, a stateless call becomes ``chat.completions.create``: ``input`` →
    ``messages``, ``instructions`` → a system message, ``max_output_tokens`` → ``max_tokens``, ``text=`` →
    ``response_format``, and the reads of the result (``output_text``, ``usage.input_tokens``, stream
    events) follow. Server-side state (``previous_response_id``, ``background``, ``conversations``) is
    manual, with the reason.

    Example::

        r = client.responses.create(model="gpt-5", input=question)
        print(r.output_text)

    becomes (``--target ernie``)::

        r = client.chat.completions.create(model="ernie-5.1", messages=[{"role": "user", "content": question}])
        print((r.choices[0].message.content or ""))

    Fix safety: review.
    """

    CODE = "OA501"
    ALSO = (LOSSY_EDIT,)  # reasoning effort / text verbosity dropped by the chat translation
    NAME = "responses"
    FEATURE = "responses"
    SUMMARY = "responses.create (Responses API)"


class Assistants(ResourceRule):
    """Assistants, threads, runs and vector stores (``beta.assistants``, ``beta.threads``, ...).

    What it does: reports it; no provider offers these APIs.

    Example::

        a = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])

    Fix safety: manual.
    """

    CODE = "OA502"
    NAME = "assistants"
    FEATURE = "assistants"
    SUMMARY = "beta.assistants / threads / vector_stores"


class FineTuning(ResourceRule):
    """Fine-tuning jobs (``fine_tuning.jobs.*``).

    What it does: reports it; fine-tuning is done in each provider's console.

    Example::

        job = client.fine_tuning.jobs.create(training_file=fid, model="gpt-4o-mini")

    Fix safety: manual.
    """

    CODE = "OA503"
    NAME = "fine-tuning"
    FEATURE = "fine_tuning"
    SUMMARY = "fine_tuning.jobs"


class FilesBatches(ResourceRule):
    """Files, uploads and batches (``files.*``, ``batches.*``).

    What it does: migrates the call where the provider has OpenAI-shaped files and batches (Qwen; GLM
    untested, reported), and reports it as manual where it has none (ERNIE).

    Example::

        batch = client.batches.create(input_file_id=fid, endpoint="/v1/chat/completions", completion_window="24h")

    Fix safety: review.
    """

    CODE = "OA504"
    NAME = "files-batches"
    FEATURE = "files"
    SUMMARY = "files / uploads / batches"


class ModelsList(ResourceRule):
    """Model listing (``models.list`` / ``retrieve``).

    What it does: keeps the call and reports it: no provider documents ``/models`` in compatible mode.

    Example::

        names = [m.id for m in client.models.list()]

    Fix safety: review.
    """

    CODE = "OA505"
    NAME = "models-list"
    FEATURE = "models"
    SUMMARY = "models.list / retrieve"


class OtherResources(ResourceRule):
    """Realtime, containers, evals, videos and other OpenAI-only resources.

    What it does: reports them; no provider offers them in compatible mode.

    Example::

        conn = client.beta.realtime.connect(model="gpt-4o-realtime-preview")

    Fix safety: manual.
    """

    CODE = "OA506"
    NAME = "other-resources"
    FEATURE = "other"
    SUMMARY = "realtime, containers, evals, videos"
