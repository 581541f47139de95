"""Text completions (``client.completions.create``) on a target without ``/completions``: a chat call.

Every target but Qwen's coder models lacks the legacy endpoint, so a call left as it is fails with a 404.
Where the rewrite is faithful, ``prompt=`` becomes one user message and the reads of the result follow:

    r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=p, max_tokens=64)
    return r.choices[0].text

becomes (``--target glm``)::

    r = client.chat.completions.create(model="glm-4.5-air", messages=[{"role": "user", "content": p}], max_tokens=64)
    return r.choices[0].message.content

It is faithful when the prompt is one string, the call does not stream, takes none of the arguments chat has
no equivalent for (``suffix``, ``echo``, ``logprobs``, ``best_of``), and every read of the result is
``.choices[i].text`` / ``for c in r.choices: c.text`` (or ``.usage``, ``.model``, ``.id``) in the same function;
otherwise the call stays as it is, ``manual`` (the caller reports it).
"""

from __future__ import annotations

import ast

from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import kwarg, module_index, target_for, thinking_off_entries
from migrator.sites import Site

# arguments of /completions that chat has no equivalent for
NO_CHAT_EQUIVALENT = ("suffix", "echo", "logprobs", "best_of")
# reads of a completion that a chat completion answers the same way
_SAME_ON_CHAT = ("usage", "model", "id", "created", "object")
_FALLBACK_FAMILY = "gpt-3.5-turbo"  # what OpenAI names the successor of its completion models


def legacy_to_chat(call: ast.Call, ctx: PlanContext) -> bool:
    """An openai<1.0 ``Completion.create`` that becomes a chat call on this target (its dict reads are
    rewritten by the legacy response flow, as for a chat model behind ``Completion.create``)."""
    scope = ctx.resolver.call_scopes.get(id(call), ctx.resolver.module_scope)
    return bool(ctx.spec.unsupported_reason("completions", ("completions",))) and _request_refusal(call, ctx, scope) is None


def _request_refusal(call: ast.Call, ctx: PlanContext, scope) -> str | None:
    """What in the request itself has no chat form (None: the arguments translate)."""
    if any(k.arg is None for k in call.keywords) or call.args:
        return "its arguments are spread or positional"
    used = [name for name in NO_CHAT_EQUIVALENT if kwarg(call, name) is not None]
    if used:
        return f"{', '.join(used)} ha{'s' if len(used) == 1 else 've'} no chat equivalent"
    stream = kwarg(call, "stream")
    if stream is not None and not (isinstance(stream.value, ast.Constant) and stream.value.value is False):
        return "it streams (chunks carry .delta.content, not .text)"
    prompt = kwarg(call, "prompt")
    if prompt is None or not single_string(prompt.value, ctx, scope):
        return "its prompt is not one string as far as migrator can see"
    return None


def map_completion_model(call: ast.Call, ctx: PlanContext, code: str) -> str | None:
    """A completion model (``gpt-3.5-turbo-instruct``, ``text-davinci-003``) written at the call becomes the
    target's successor of gpt-3.5-turbo; returns what changed."""
    model = kwarg(call, "model") or kwarg(call, "engine")
    if model is None or not isinstance(model.value, ast.Constant) or not isinstance(model.value.value, str) \
            or id(model.value) in ctx.handled_literals:
        return None
    family, target = target_for(ctx, model.value.value)
    if target is not None or family is None or surface.OPENAI_MODELS[family].kind != "completion":
        return None
    _, target = target_for(ctx, _FALLBACK_FAMILY)
    if target is None:
        return None
    ctx.handled_literals.add(id(model.value))
    ctx.edit(model.value, "replace_string", code, value=target.model)
    return f"model {model.value.value!r} → {target.model!r} (a chat model)"


def thinking_off(call: ast.Call, ctx: PlanContext, code: str) -> list[str]:
    """The successor model thinks by default where the completion model never did: switch it off."""
    spec, target = ctx.spec, target_for(ctx, _FALLBACK_FAMILY)[1]
    if target is None or not spec.thinking_off or not spec.thinks_by_default(target.model) \
            or kwarg(call, "extra_body") is not None:
        return []
    key, entries = thinking_off_entries(ctx)
    ctx.edit(call, "merge_extra_body", code, entries=entries, quote=ctx.quote)
    return [f"thinking switched off ({key}={spec.thinking_off[key]!r})"]


def single_string(expr: ast.expr, ctx: PlanContext, scope, depth: int = 0) -> bool:
    """The prompt is one string as far as the code shows (a list prompt is a batch: one choice per item)."""
    if depth > 3:
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        return expr.func.attr in ("format", "strip", "join", "replace", "lower", "upper", "format_map")
    if isinstance(expr, ast.Name):
        entries = ctx.resolver.visible_bindings(expr.id, scope)
        if not entries:
            return False
        for entry, _ in entries:
            if entry[0] == "param":
                ann = entry[1].annotation
                if not (isinstance(ann, ast.Name) and ann.id == "str"):
                    return False
            elif entry[0] == "expr":
                if not single_string(entry[1], ctx, entry[2], depth + 1):
                    return False
            else:
                return False
        return True
    return False


def becomes_chat(site: Site, ctx: PlanContext) -> bool:
    """The target lacks /completions and the call can become a chat call faithfully."""
    return bool(ctx.spec.unsupported_reason("completions", tuple(site.extra.get("path", ())))) \
        and why_not(site, ctx) is None


def why_not(site: Site, ctx: PlanContext) -> str | None:
    """Why the call cannot become a chat call faithfully (None: it can; :func:`convert` does it). Several
    rules ask (the call's own, parameters, the second-client plan): answered once per call."""
    memo = ctx.memo.setdefault("text_completion", {})
    if id(site.node) not in memo:
        memo[id(site.node)] = _why_not(site, ctx)
    return memo[id(site.node)]


def _why_not(site: Site, ctx: PlanContext) -> str | None:
    call = site.node
    assert isinstance(call, ast.Call)
    if site.extra.get("legacy"):
        return "an openai<1.0 call (the legacy rule rewrites it)"
    refusal = _request_refusal(call, ctx, site.scope)
    if refusal:
        return refusal
    if not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Attribute) \
            or call.func.value.attr != "completions" or ctx.segment(call.func.value.value) is None:
        return "migrator cannot rename the method"
    if _reads(call, ctx) is None:
        return "its result is used in ways migrator cannot follow"
    return None


def convert(site: Site, ctx: PlanContext, code: str) -> list[str]:
    """Plans the rewrite (:func:`why_not` said it is faithful); returns what it changed, for the message."""
    call = site.node
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
        and isinstance(call.func.value, ast.Attribute)  # as why_not checked
    receiver = ctx.segment(call.func.value.value)
    ctx.edit(call.func, "replace_expr", code, src=f"{receiver}.chat.completions.create")
    prompt = kwarg(call, "prompt")
    assert prompt is not None
    q = ctx.quote
    ctx.edit(prompt.value, "replace_expr", code,
             src=f"[{{{q}role{q}: {q}user{q}, {q}content{q}: {ctx.segment(prompt.value)}}}]")
    ctx.edit(call, "rename_kwarg", code, old="prompt", new="messages")
    changed = ["prompt → a user message"]
    reads = _reads(call, ctx) or []
    for text in reads:
        ctx.edit(text, "rename_attr", code, name="content", extra="message")
    if reads:
        changed.append(".choices[i].text → .choices[i].message.content")
    mapped = map_completion_model(call, ctx, code)
    if mapped:
        changed.append(mapped)
        changed += thinking_off(call, ctx, code)
    return changed


def _reads(call: ast.Call, ctx: PlanContext) -> list[ast.Attribute] | None:
    """The ``.text`` reads of the call's result, or None when one of its uses is not a known read."""
    index = module_index(ctx.resolver)
    parents, owner = index.parents, index.owner
    out: list[ast.Attribute] = []

    def choice_text(node: ast.AST) -> bool:
        """``node`` is a choice: its uses read ``.text`` (or nothing chat lacks)."""
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr == "text":
                out.append(parent)
                return True
            return parent.attr in ("index", "finish_reason")
        return False

    def choices(node: ast.AST) -> bool:
        """``node`` is ``r.choices``."""
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return choice_text(parent)
        if isinstance(parent, ast.comprehension | ast.For) and parent.iter is node and isinstance(parent.target, ast.Name):
            scope = owner[id(parent)]
            loads = [n for n in ast.walk(parent if isinstance(parent, ast.For) else parents[id(parent)])
                     if isinstance(n, ast.Name) and n.id == parent.target.id and isinstance(n.ctx, ast.Load)
                     and owner.get(id(n)) is scope]
            return bool(loads) and all(choice_text(n) for n in loads)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
            return True
        return False

    def result(node: ast.AST) -> bool:
        """``node`` is the completion."""
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return choices(parent) if parent.attr == "choices" else parent.attr in _SAME_ON_CHAT
        return False

    value: ast.expr = call  # the call, or the await of it
    parent = parents.get(id(call))
    if isinstance(parent, ast.Await):
        value, parent = parent, parents.get(id(parent))
    if isinstance(parent, ast.Attribute):
        return out if result(value) else None
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return None
    name, scope = parent.targets[0].id, owner[id(parent)]
    loads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and owner.get(id(n)) is scope]
    stores = [n for n in loads if not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1:
        return None  # the name holds something else too
    return out if all(result(n) for n in loads if isinstance(n.ctx, ast.Load)) else None
