"""OpenAI Agents SDK applications (``from agents import Agent, Runner, function_tool``).

The SDK builds its own OpenAI client (``OPENAI_API_KEY``, api.openai.com), calls the Responses API, and uploads
every run's trace to api.openai.com — blocked from mainland China, and the conversation leaves for OpenAI. After
the module's imports migrator sets the SDK up for the target:

    set_default_openai_client(AsyncOpenAI(base_url="<provider URL>", api_key=os.environ["<KEY>"]),
                              use_for_tracing=False)
    set_default_openai_api("chat_completions")
    set_tracing_disabled(True)

and maps ``Agent(model=...)`` (an Agent without one gets the target's model for the SDK's default). Chat
completions for every target: every provider serves them, while the providers' Responses APIs were not checked
against the requests the SDK's Responses model sends (``include``, ``truncation``, hosted tools, stored state).
Hosted tools (``WebSearchTool``, ``FileSearchTool``, ``ComputerTool``, ``CodeInterpreterTool``, …) run on
OpenAI's servers: manual.
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import is_plain_string, kwarg, target_for
from migrator.sites import Site

_LEADING = ("load_dotenv", "dotenv.load_dotenv", "find_dotenv")


class AgentsSDK(Rule):
    """Points an OpenAI Agents SDK application at the provider and switches its tracing off.

    What it does: after the imports of a module that imports the SDK (``from agents import Agent, Runner``),
    sets the SDK's default client to an ``AsyncOpenAI`` pointed at the provider with its key, switches the SDK
    to chat completions, and disables tracing (which would otherwise upload every run to api.openai.com);
    maps the model of ``Agent(model=...)`` and ``OpenAIChatCompletionsModel(model=...)``, and gives an Agent
    without a model the target's model for the SDK's default. Hosted tools (web search, file search, computer
    use, code interpreter) are manual: they run on OpenAI's servers.

    Example::

        from agents import Agent, Runner

        agent = Agent(name="Assistant", instructions="Be brief.", model="gpt-5")

    becomes (``--target qwen``)::

        from agents import Agent, Runner, set_default_openai_api, set_default_openai_client, set_tracing_disabled
        from openai import AsyncOpenAI
        import os

        set_default_openai_client(AsyncOpenAI(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", api_key=os.environ["DASHSCOPE_API_KEY"]), use_for_tracing=False)
        set_default_openai_api("chat_completions")
        set_tracing_disabled(True)

        agent = Agent(name="Assistant", instructions="Be brief.", model="qwen3.8-max")

    Fix safety: review (hosted tools: manual).
    """

    CODE = "OA507"
    NAME = "agents-sdk"
    FEATURE = "agents"
    SITES = ("agents_import", "agents_call")
    SUMMARY = "OpenAI Agents SDK: the default client, chat completions, tracing off, Agent(model=...)"

    def check(self, site: Site, ctx: PlanContext) -> None:
        if site.kind != "agents_call":
            return
        call, name = site.node, site.attr or ""
        assert isinstance(call, ast.Call)
        if name in surface.AGENTS_HOSTED_TOOLS:
            ctx.report(call, self.CODE, self.FEATURE, Severity.MANUAL,
                       f"{name} is a hosted tool: it runs on OpenAI's servers through the Responses API, which no "
                       f"provider runs for the Agents SDK; replace it with a function_tool that calls a service "
                       f"{ctx.spec.display} can reach", reaches_openai=True, subject=f"hosted tool {name}")
        elif name in surface.AGENTS_MODEL_CLASSES:
            self._model(site, call, name, ctx)
        elif name == "set_default_openai_key":
            ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                       "set_default_openai_key: the SDK's default client set after the imports carries the "
                       f"{ctx.spec.display} key; this OpenAI key is no longer used (remove the call)",
                       subject="set_default_openai_key")
        elif name == "set_default_openai_api":
            arg = call.args[0] if call.args else None
            if isinstance(arg, ast.Constant) and arg.value == "responses":
                ctx.edit(arg, "replace_string", self.CODE, value="chat_completions")
                ctx.report(call, self.CODE, self.FEATURE, Severity.REVIEW,
                           'set_default_openai_api("responses") → "chat_completions" (served by every provider)',
                           subject="set_default_openai_api")
        elif name == "set_tracing_disabled":
            arg = call.args[0] if call.args else None
            if isinstance(arg, ast.Constant) and arg.value is False:
                ctx.edit(arg, "replace_expr", self.CODE, src="True")
                ctx.report(call, self.CODE, self.FEATURE, Severity.AUTO,
                           "set_tracing_disabled(False) → True: traces would be uploaded to api.openai.com",
                           subject="set_tracing_disabled")

    def _model(self, site: Site, call: ast.Call, name: str, ctx: PlanContext) -> None:
        given = kwarg(call, "model")
        if given is None and call.args and name != "Agent":
            given_expr: ast.expr | None = call.args[0]
        else:
            given_expr = given.value if given is not None else None
        if given_expr is None:
            if name != "Agent" or any(k.arg is None for k in call.keywords):
                return
            _, target = target_for(ctx, surface.AGENTS_DEFAULT_MODEL)
            if target is not None:
                ctx.edit(call, "add_kwarg", self.CODE, name="model", src=ctx.string(target.model))
                ctx.report(call, self.CODE, "models", Severity.AUTO,
                           f"Agent without a model (the SDK asks for {surface.AGENTS_DEFAULT_MODEL}): "
                           f"model={target.model!r} added", subject="Agent without a model")
            return
        if not isinstance(given_expr, ast.Constant | ast.Name | ast.Attribute):
            return  # an OpenAIChatCompletionsModel(...) object: its own site
        for lit in ctx.resolver.literal_sources(given_expr, site.scope):
            if lit is None:
                ctx.report(given_expr, self.CODE, "models", Severity.REVIEW,
                           f"{name}'s model comes from a value migrator cannot follow; make sure it names a "
                           f"{ctx.spec.display} model", subject=f"{name} model")
                continue
            if not isinstance(lit.value, str) or ctx.spec.owns_model(lit.value) or id(lit) in ctx.handled_literals \
                    or id(lit) in ctx.resolver.remote_literals:
                continue
            ctx.handled_literals.add(id(lit))
            _, target = target_for(ctx, lit.value)
            if target is None:
                ctx.report(lit, self.CODE, "models", Severity.MANUAL,
                           f"unknown model {lit.value!r} for {ctx.spec.display}: add it to [tool.migrator.models] "
                           f"or pass --model {lit.value}=<{ctx.spec.name} model>")
            elif is_plain_string(ctx, lit):
                ctx.edit(lit, "replace_string", self.CODE, value=target.model)
                ctx.report(lit, self.CODE, "models", Severity.REVIEW if target.note else Severity.AUTO,
                           f"model {lit.value!r} → {target.model!r}" + (f" ({target.note})" if target.note else ""))

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        imports = [s for s in sites if s.kind == "agents_import"]
        if not imports:
            return
        present = {s.attr for s in sites if s.kind == "agents_call"}
        tree = ctx.resolver.tree
        anchor = _after_imports(tree)
        if anchor is None:
            ctx.report(imports[0].node, self.CODE, self.FEATURE, Severity.MANUAL,
                       "migrator found no place after the imports to set the Agents SDK up: call "
                       "set_default_openai_client, set_default_openai_api(\"chat_completions\") and "
                       "set_tracing_disabled(True) at start-up", reaches_openai=True, subject="Agents SDK set-up")
            return
        q, lines, done = ctx.quote, [], []
        if "set_default_openai_client" not in present:
            ctx.need_import("agents", "set_default_openai_client")
            ctx.need_import("openai", "AsyncOpenAI")
            key = ctx.env_read(ctx.spec.key_env)
            lines.append(f"set_default_openai_client(AsyncOpenAI(base_url={ctx.string(ctx.base_url())}, "
                         f"api_key={key}), use_for_tracing=False)")
            done.append(f"the SDK's default client → {ctx.spec.display} (key from {ctx.spec.key_env})")
        if "set_default_openai_api" not in present:
            ctx.need_import("agents", "set_default_openai_api")
            lines.append(f"set_default_openai_api({q}chat_completions{q})")
            done.append("chat completions instead of the Responses API")
        if "set_tracing_disabled" not in present:
            ctx.need_import("agents", "set_tracing_disabled")
            lines.append("set_tracing_disabled(True)")
            done.append("tracing off (it uploads every run to api.openai.com)")
        if not lines:
            return
        ctx.edit(anchor, "insert_after", self.CODE, stmts=lines, blank=True)
        late = _late_dotenv(tree, anchor)
        note = (f"; the key is read when the module is imported, before load_dotenv() at line {late}: move these "
                "lines after it") if late else ""
        ctx.report(imports[0].node, self.CODE, self.FEATURE, Severity.REVIEW if late else Severity.AUTO,
                   f"OpenAI Agents SDK: {'; '.join(done)}{note}", reaches_openai=True, subject="Agents SDK set-up")


def _called(stmt: ast.stmt, names: tuple[str, ...]) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    dotted = func.id if isinstance(func, ast.Name) else (
        f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else "")
    return dotted in names


def _after_imports(tree: ast.Module) -> ast.stmt | None:
    """The last statement of the module's leading imports (a top-level ``load_dotenv()`` among them counts)."""
    last = None
    for i, stmt in enumerate(tree.body):
        docstring = i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if isinstance(stmt, ast.Import | ast.ImportFrom) or _called(stmt, _LEADING):
            last = stmt
        elif not docstring:
            break
    return last


def _late_dotenv(tree: ast.Module, anchor: ast.stmt) -> int | None:
    """The line of a ``load_dotenv()`` call that runs after ``anchor`` (the key would be read before it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno > (anchor.end_lineno or anchor.lineno):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "load_dotenv":
                return node.lineno
    return None
