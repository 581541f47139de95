"""Chat parameters the provider takes differently: names, ranges, limits, thinking."""

from __future__ import annotations

import ast

from migrator.markers import LOSSY_EDIT
from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features import responses, structured, text_completions
from migrator.rules.features.common import (
    DEFAULT_PARAMS,
    call_destination,
    call_feature,
    constant_number,
    kwarg,
    literal_value,
    models_of,
    source,
    thinking_off_entries,
)
from migrator.sites import Site

STOP_DROPPED = LOSSY_EDIT  # stop sequences dropped: the TODO marker stays after the edit (markers.py)


class ChatParameters(Rule):
    """Fixes chat arguments that the provider names, bounds or defaults differently.

    What it does, from the provider spec's data:

    - renames ``max_completion_tokens`` to ``max_tokens``;
    - clamps a literal ``temperature`` into the provider's range (ERNIE (0, 1], GLM [0, 1], Qwen
      [0, 2)) and reports a temperature it cannot see for review;
    - reports ``stop`` lists longer than the provider accepts, and parameters it does not document
      (``n``, ``logprobs``, ``logit_bias``, ...) when they are not at their default;
    - switches thinking off (``extra_body``) when a non-reasoning OpenAI model maps to a model that
      thinks by default (GLM-4.5+, Qwen 3.5+), so latency and cost stay as they were.

    Example::

        client.chat.completions.create(model="gpt-4o", messages=m, temperature=1.3, max_completion_tokens=500)

    becomes (``--target glm``)::

        client.chat.completions.create(model="glm-4.6", messages=m, temperature=1.0, max_tokens=500, extra_body={"thinking": {"type": "disabled"}})

    Fix safety: review where a value changed.
    """

    CODE = "OA701"
    ALSO = (STOP_DROPPED,)  # stop sequences dropped past the provider's limit
    NAME = "chat-parameters"
    FEATURE = "chat"
    SITES = ("call",)
    SUMMARY = "chat parameters: renames, ranges, stop limits, thinking switch"

    def check(self, site: Site, ctx: PlanContext) -> None:
        feature = call_feature(site)
        converted = (feature == "completions" and text_completions.becomes_chat(site, ctx)  # now a chat call
                     or feature == "responses" and responses.plan(site, ctx).how == "chat")
        if not converted and (feature not in ("chat", "structured") or feature in ctx.spec.unsupported):
            return
        if call_destination(site, ctx) is None:
            return
        call = site.node
        assert isinstance(call, ast.Call)
        spec = ctx.spec
        for old, new in spec.renamed_params.items():
            k = kwarg(call, old)
            if k is not None and kwarg(call, new) is None:
                ctx.edit(call, "rename_kwarg", self.CODE, old=old, new=new)
                ctx.report(k, self.CODE, feature, Severity.AUTO, f"{old}= → {new}= ({spec.display} takes {new})")
        self._temperature(call, ctx, feature, site)
        self._stop(call, ctx, feature)
        for name, note in spec.param_notes.items():
            k = kwarg(call, name)
            if k is None:
                continue
            value = literal_value(k.value)
            if value is not ... and value in DEFAULT_PARAMS.get(name, ()):
                continue
            ctx.report(k, self.CODE, feature, Severity.REVIEW, f"{name}={source(ctx, k.value)}: {note}")
        for name in ("functions", "function_call"):  # deprecated by OpenAI; the providers document tools
            k = kwarg(call, name)
            if k is not None:
                ctx.report(k, self.CODE, feature, Severity.REVIEW,
                           f"{name}= is OpenAI's deprecated function calling; {spec.display} documents tools= and "
                           "tool_choice= — move to them")
        fmt = kwarg(call, "response_format")
        if fmt is not None and isinstance(fmt.value, ast.Dict) and structured.plan(site, ctx) is None:
            kind = next((v.value for k, v in zip(fmt.value.keys, fmt.value.values, strict=True)
                         if isinstance(k, ast.Constant) and k.value == "type" and isinstance(v, ast.Constant)), None)
            caveat = spec.caveats.get(f"response_format:{kind!s}")
            if caveat:
                ctx.report(fmt, self.CODE, feature, Severity.REVIEW, f"response_format {kind!s}: {caveat}")
        self._thinking(site, call, ctx, feature)

    def _temperature(self, call: ast.Call, ctx: PlanContext, feature: str, site: Site) -> None:
        k = kwarg(call, "temperature")
        if k is None:
            return
        rng = ctx.spec.temperature
        value = constant_number(k.value)
        if value is None and self._temperature_default(k.value, ctx, feature, site):
            return
        if value is None:
            if rng.high < 2.0 or not rng.low_inclusive:
                ctx.report(k, self.CODE, feature, Severity.REVIEW,
                           f"temperature={source(ctx, k.value)}: {ctx.spec.display} accepts {rng} "
                           "(OpenAI [0, 2]); make sure the value stays inside")
            return
        if rng.contains(value):
            return
        new = rng.clamp(value)
        ctx.edit(k.value, "replace_expr", self.CODE, src=repr(new))
        ctx.report(k, self.CODE, feature, Severity.REVIEW,
                   f"temperature {value:g} → {new:g}: {ctx.spec.display} accepts {rng}")

    def _temperature_default(self, value: ast.expr, ctx: PlanContext, feature: str, site: Site) -> bool:
        """``temperature=args.temperature`` (an argparse / click / typer default, a dataclass or settings
        field, a constant): when every value it can take is a number written in this module, those
        numbers are the ones to keep in range."""
        rng = ctx.spec.temperature
        sources = ctx.resolver.number_sources(value, site.scope)
        local = [lit for lit in sources if lit is not None and id(lit) not in ctx.resolver.remote_literals]
        if not sources or len(local) != len(sources):
            return False
        for lit in local:
            number = lit.value
            assert isinstance(number, int | float)  # number_sources follows int and float literals only
            if rng.contains(float(number)):
                continue
            new = rng.clamp(float(number))
            ctx.edit(lit, "replace_expr", self.CODE, src=repr(new))
            ctx.report(lit, self.CODE, feature, Severity.REVIEW,
                       f"temperature {number:g} (the value of {source(ctx, value)}) → {new:g}: "
                       f"{ctx.spec.display} accepts {rng}; a value set at run time must stay inside too")
        return True

    def _stop(self, call: ast.Call, ctx: PlanContext, feature: str) -> None:
        k = kwarg(call, "stop")
        spec = ctx.spec
        if k is None or (spec.stop_max_items is None and spec.stop_max_chars is None):
            return
        value = literal_value(k.value)
        if value is ...:
            ctx.report(k, self.CODE, feature, Severity.REVIEW,
                       f"stop={source(ctx, k.value)}: {spec.display} accepts at most {spec.stop_max_items} stop "
                       "sequence(s)" + (f" of {spec.stop_max_chars} characters" if spec.stop_max_chars else ""))
            return
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
        problems = []
        if spec.stop_max_items is not None and len(items) > spec.stop_max_items:
            problems.append(f"{len(items)} stop sequences, at most {spec.stop_max_items} accepted")
        if spec.stop_max_chars is not None and any(isinstance(i, str) and len(i) > spec.stop_max_chars for i in items):
            problems.append(f"a stop sequence is longer than {spec.stop_max_chars} characters")
        if not problems:
            return
        if isinstance(k.value, ast.List | ast.Tuple) and not ctx.suppressed(k.value, STOP_DROPPED):
            fits = [e for e, item in zip(k.value.elts, items, strict=True) if isinstance(item, str)
                    and (spec.stop_max_chars is None or len(item) <= spec.stop_max_chars)][:spec.stop_max_items]
            texts = [t for t in map(ctx.segment, fits) if t is not None]
            if fits and len(texts) == len(fits):
                dropped = [item for e, item in zip(k.value.elts, items, strict=True) if e not in fits]
                open_, close = ("[", "]") if isinstance(k.value, ast.List) else ("(", ",)" if len(fits) == 1 else ")")
                ctx.edit(k.value, "replace_expr", STOP_DROPPED, src=open_ + ", ".join(texts) + close)
                ctx.report(k, STOP_DROPPED, feature, Severity.REVIEW,
                           f"stop: dropped {', '.join(repr(d) for d in dropped)} ({'; '.join(problems)} by "
                           f"{spec.display}): the reply no longer ends there; cut it after the call if the "
                           "program needs that")
                return
        ctx.report(k, self.CODE, feature, Severity.REVIEW, f"stop: {'; '.join(problems)} by {spec.display}")

    def _thinking(self, site: Site, call: ast.Call, ctx: PlanContext, feature: str) -> None:
        spec = ctx.spec
        if not spec.thinking_off:
            return
        targets = []
        for use in models_of(site, ctx):
            if use.literal is None or ctx.suppressed(use.literal, "OA601"):
                continue
            if use.target is not None:
                model = surface.OPENAI_MODELS.get(use.family or "")
                if spec.thinks_by_default(use.target.model) and not (model and model.reasoning):
                    targets.append(use.target.model)
        if not targets:
            return
        fixed = [t for t in targets if t.startswith(spec.thinking_fixed)] if spec.thinking_fixed else []
        if fixed:
            ctx.report(call, self.CODE, feature, Severity.REVIEW,
                       f"{fixed[0]} thinks whatever the request says (its thinking cannot be switched off), the "
                       "OpenAI model did not: answers take longer and arrive with reasoning_content; bound it with "
                       "reasoning_effort", subject="thinking switch")
            return
        extra = kwarg(call, "extra_body")
        key = next(iter(spec.thinking_off))
        if extra is not None and not isinstance(extra.value, ast.Dict):
            ctx.report(extra, self.CODE, feature, Severity.REVIEW,
                       f"{targets[0]} thinks by default; add {key}={spec.thinking_off[key]!r} to extra_body "
                       "to keep answers fast")
            return
        if extra is not None and isinstance(extra.value, ast.Dict):  # any other extra_body returned above
            keys = [k.value for k in extra.value.keys if isinstance(k, ast.Constant)]
            if key in keys:
                return
        entries = thinking_off_entries(ctx)[1]
        ctx.edit(call, "merge_extra_body", self.CODE, entries=entries, quote=ctx.quote)
        ctx.report(call, self.CODE, feature, Severity.AUTO,
                   f"thinking switched off ({key}={spec.thinking_off[key]!r}): {targets[0]} thinks by default, "
                   "the OpenAI model did not", subject="thinking switch")


class DeveloperRole(Rule):
    """Turns the ``developer`` message role (o-series) into ``system``.

    What it does: none of the providers documents the ``developer`` role (they take system, user,
    assistant and tool) and ERNIE rejects it, so a message dict literal with ``"role": "developer"``
    in a module that uses the openai SDK gets ``"role": "system"``.

    Example::

        messages = [{"role": "developer", "content": "Answer in French."}, {"role": "user", "content": q}]

    becomes::

        messages = [{"role": "system", "content": "Answer in French."}, {"role": "user", "content": q}]

    Fix safety: safe.
    """

    CODE = "OA702"
    NAME = "developer-role"
    FEATURE = "chat"
    SITES = ("developer_role",)
    SUMMARY = "the developer message role becomes system"

    def check(self, site: Site, ctx: PlanContext) -> None:
        ctx.edit(site.node, "replace_string", self.CODE, value="system")
        ctx.report(site.node, self.CODE, self.FEATURE, Severity.AUTO,
                   f'"developer" role → "system" ({ctx.spec.display} documents system, user, assistant and tool)',
                   subject='"developer" message role')
