"""The Responses API (``client.responses.create / parse``) on each target, as its provider data says.

Where the target serves the Responses API (``ProviderSpec.responses``) the call stays: its model is mapped to
one that serves it, and a provider that serves it at a base URL of its own (GLM: ``/api/v1``, chat on
``/api/paas/v4``) gets the call through ``client.with_options(base_url=...)``. Where it does not (ERNIE), or
with ``--responses chat``, a stateless call becomes a ``chat.completions`` call::

    r = client.responses.create(model="gpt-5", instructions=sys_prompt, input=question, max_output_tokens=300)
    print(r.output_text, r.usage.input_tokens)

becomes (``--target ernie``)::

    r = client.chat.completions.create(model="ernie-5.1", messages=[{"role": "system", "content": sys_prompt},
        {"role": "user", "content": question}], max_tokens=300)
    print((r.choices[0].message.content or ""), r.usage.prompt_tokens)

The translation is made only where it is faithful: the request's arguments all have a chat form (``input`` one
string or a list of role/content messages with ``input_text`` / ``input_image`` parts, ``instructions``,
``max_output_tokens``, ``text={"format": ...}``, ``text_format=`` with ``responses.parse``, ``temperature``,
``top_p``, ``stream``), and every read of the result in the function is one chat answers the same way
(``output_text``, ``output_parsed``, ``usage.input_tokens`` / ``output_tokens`` / ``total_tokens``, ``id``,
``model``; on a stream, ``event.type == "response.output_text.delta"`` with ``event.delta`` under it, and
``"response.completed"``). Server-side state (``previous_response_id``, ``store=True`` then ``retrieve``,
``conversation``, ``background``, ``conversations.*``) has no chat form: manual, with the reason.
"""

from __future__ import annotations

import ast

from migrator.resolve import MODULE_CLIENT
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import function_of, kwarg, models_of, receiver
from migrator.rules.features.responses_common import Plan, bound_list
from migrator.rules.features.responses_reads import Reads
from migrator.rules.features.responses_request import Translation
from migrator.rules.providers import ModelTarget
from migrator.sites import Site

# request arguments that keep server-side state: no chat form
STATEFUL = ("previous_response_id", "conversation", "background", "prompt", "include", "truncation")


def serves(ctx: PlanContext) -> bool:
    """The target serves the Responses API in this region, and the user did not ask for chat calls."""
    api = ctx.spec.responses
    return api is not None and ctx.options.responses != "chat" and api.base_url(ctx.options.region) is not None


def plan(site: Site, ctx: PlanContext) -> Plan:
    """The plan for a ``responses.*`` / ``conversations.*`` call (answered once per call). Calls that share a
    tools list or a conversation list become chat calls together or not at all."""
    memo = ctx.memo.setdefault("responses", {})
    if id(site.node) not in memo:
        own = _individual(site, ctx)
        if own.how == "chat" and own.shared:
            for other in ctx.sites:
                if other is site or other.kind != "call" or other.resource is None \
                        or other.resource.feature != "responses":
                    continue
                theirs = _individual(other, ctx)
                if theirs.how != "chat" and _shares(other, own.shared, ctx):
                    assert isinstance(other.node, ast.Call)  # a call site
                    own = Plan("", f"another Responses call (line {other.node.lineno}) uses the same tools or "
                                   f"conversation list and cannot become a chat call: {theirs.reason or 'kept'}")
                    break
        memo[id(site.node)] = own
    return memo[id(site.node)]


def _individual(site: Site, ctx: PlanContext) -> Plan:
    memo = ctx.memo.setdefault("responses_one", {})
    if id(site.node) not in memo:
        memo[id(site.node)] = _plan(site, ctx)
    return memo[id(site.node)]


def _shares(site: Site, lists: set[int], ctx: PlanContext) -> bool:
    """The call passes one of ``lists`` (ids of list literals) as its tools or input."""
    call = site.node
    assert isinstance(call, ast.Call)
    for name in ("tools", "input"):
        k = kwarg(call, name)
        if k is not None and isinstance(k.value, ast.Name):
            bound = bound_list(k.value, site, ctx)
            if bound is not None and id(bound[1]) in lists:
                return True
    return False


def handled(site: Site, ctx: PlanContext) -> bool:
    return plan(site, ctx).how != ""


def model_target(target: ModelTarget, ctx: PlanContext) -> ModelTarget:
    """A kept Responses call needs a model that serves the API there (Kimi: kimi-k3 only)."""
    api = ctx.spec.responses
    if api is None or api.serves(target.model) or not api.model:
        return target
    return ModelTarget(api.model, note=f"{target.model} does not serve {ctx.spec.display}'s Responses API; "
                                       f"{api.model} does")


def _path(site: Site) -> tuple[str, ...]:
    return tuple(p for p in site.extra.get("path", ()) if p not in surface.TRANSPARENT_SEGMENTS)


def _set(call: ast.Call, name: str) -> bool:
    """The argument is given and not a constant None / False."""
    k = kwarg(call, name)
    return k is not None and not (isinstance(k.value, ast.Constant) and k.value.value in (None, False))


def _plan(site: Site, ctx: PlanContext) -> Plan:
    path, call = _path(site), site.node
    assert isinstance(call, ast.Call)
    if path[0] == "conversations":
        return Plan("", "the Conversations API keeps the conversation on OpenAI's servers; no provider offers it: "
                        "keep the messages yourself and send them as input")
    method = ".".join(path[1:])
    api = ctx.spec.responses
    if serves(ctx):
        assert api is not None
        if method not in ("create", "stream", "parse") and api.stateless:
            return Plan("", f"{api.stateless}: responses.{method} has nothing to read back")
        lacking = [name for name in api.lacks if _set(call, name)]
        if lacking:
            return Plan("", "; ".join(api.lacks[name] for name in lacking))
        kept = [name for name in ("previous_response_id", "conversation", "background") if _set(call, name)]
        if kept and api.stateless:
            return Plan("", f"{api.stateless}: {', '.join(kept)} need{'s' if len(kept) == 1 else ''} a stored "
                            "response; send the whole conversation as input")
        base = api.base_url(ctx.options.region) or ""
        if base and _sent_there(receiver(site), base):
            base = ""  # migrated already: client.with_options(base_url=<that URL>)
        if base and (MODULE_CLIENT in site.clients or _receiver(site, ctx) is None):
            return Plan("", f"{ctx.spec.display} serves the Responses API at {base}, not at the chat base URL, "
                            "and migrator cannot give this call a client of its own")
        return Plan("keep", base_url=base)
    where = ("with --responses chat" if api is not None and ctx.options.responses == "chat" else
             ctx.spec.unsupported_reason("responses", path) or f"{ctx.spec.display} does not serve it here")
    if method not in ("create", "parse"):
        return Plan("", f"responses.{method} reads server-side state, which chat.completions does not keep ({where})")
    stateful = [name for name in STATEFUL if _set(call, name)] + (["store=True"] if _set(call, "store") else [])
    if stateful:
        return Plan("", f"{', '.join(stateful)} keep{'s' if len(stateful) == 1 else ''} state on the server, which "
                        f"chat.completions does not ({where})")
    out = Plan("chat", why_chat=where)
    refusal = Translation(site, ctx, out, method).request() or Reads(site, ctx, out).check()
    if refusal:
        return Plan("", f"{where}; not translated to chat.completions: {refusal}")
    return out


def _sent_there(node: ast.expr | None, base: str) -> bool:
    """``node`` is ``<client>.with_options(base_url=base)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_options"):
        return False
    url = kwarg(node, "base_url")
    return url is not None and isinstance(url.value, ast.Constant) and url.value.value == base


def constant_target(lit: ast.Constant, target: ModelTarget, ctx: PlanContext,
                    func: ast.AST | None = None) -> ModelTarget:
    """A model setting that a kept Responses call of the module uses needs a model that serves the API; so does
    a model argument of a call of a function (``func``) that makes a kept Responses call."""
    for s in ctx.sites:
        if s.kind == "call" and s.resource is not None and s.resource.feature == "responses" \
                and plan(s, ctx).how == "keep" and (any(u.literal is lit for u in models_of(s, ctx))
                                                   or func is not None and function_of(s.scope) is func):
            return model_target(target, ctx)
    return target


def _receiver(site: Site, ctx: PlanContext) -> ast.expr | None:
    """The client expression, when the call reads ``<client>.responses.<method>``."""
    node = receiver(site)
    return node if node is not None and ctx.segment(node) is not None else None


def keep(site: Site, ctx: PlanContext, code: str) -> list[str]:
    """Plans a kept call's rewrite (its own base URL); returns what changed."""
    p = plan(site, ctx)
    if not p.base_url:
        return []
    node = _receiver(site, ctx)
    assert node is not None
    ctx.edit(node, "replace_expr", code, src=f"{ctx.segment(node)}.with_options(base_url={ctx.string(p.base_url)})")
    return [f"sent to {p.base_url} (client.with_options(base_url=...)): chat stays on the client's base URL"]


def convert(site: Site, ctx: PlanContext, code: str) -> list[str]:
    """Plans the chat rewrite :func:`plan` found faithful; returns what it changes."""
    p = plan(site, ctx)
    done = ctx.memo.setdefault("responses_edits", {})  # lists shared by several calls are rewritten once
    replaced = [_span(n) for n, op, _ in p.edits if op == "replace_expr"]
    for node, op, args in p.edits:
        if any(outer[0] <= _span(node)[0] and _span(node)[1] <= outer[1] and outer != _span(node)
               for outer in replaced):
            continue  # inside a node this plan writes anew (its text already says it)
        key = (id(node), op, repr(sorted(args.items())))
        if key not in done:
            done[key] = True
            ctx.edit(node, op, code, **args)
    return p.changes


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
