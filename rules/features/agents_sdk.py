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
from migrator.resolve import Client, Qual
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
        if isinstance(given_expr, ast.Name) and any(
                e[0] == "expr" and isinstance(e[1], ast.Call)
                for e, _ in ctx.resolver.visible_bindings(given_expr.id, site.scope)):
            return  # a model object built in the module: its own site
        client = kwarg(call, "openai_client")
        if client is not None:
            clients = {v for v in ctx.resolver.eval(client.value, site.scope) if isinstance(v, Client)}
            if not clients or ctx.destination(clients).kind not in ("openai", "configured"):
                return  # a client of its own (Ollama, a gateway) or one already moved: its model is its own
        for lit in ctx.resolver.literal_sources(given_expr, site.scope):
            if lit is None:
                ctx.report(given_expr, self.CODE, "models", Severity.REVIEW,
                           f"{name}'s model comes from a value migrator cannot follow; make sure it names a "
                           f"{ctx.spec.display} model", subject=f"{name} model")
                continue
            if not isinstance(lit.value, str) or ctx.spec.owns_model(lit.value) or id(lit) in ctx.handled_literals \
                    or id(lit) in ctx.resolver.remote_literals:
                continue
            # the SDK's MultiProvider: "openai/<model>" is OpenAI's, "litellm/…" / "any-llm/…" go elsewhere
            name = lit.value.removeprefix("openai/")
            if "/" in name or not surface.looks_like_openai_model(name):
                continue
            ctx.handled_literals.add(id(lit))
            _, target = target_for(ctx, name)
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
        names = {n for s in imports for n in s.extra.get("names", ())}
        if not (present & surface.AGENTS_MODEL_CLASSES or {"Runner", "Agent"} & names):
            return  # a helper module (types, item helpers): the modules that build or run agents set the SDK up
        tree = ctx.resolver.tree
        anchor = _after_imports(tree)
        if anchor is None:
            ctx.report(imports[0].node, self.CODE, self.FEATURE, Severity.MANUAL,
                       "migrator found no place after the imports to set the Agents SDK up: call "
                       "set_default_openai_client, set_default_openai_api(\"chat_completions\") and "
                       "set_tracing_disabled(True) at start-up", reaches_openai=True, subject="Agents SDK set-up")
            return
        q, lines, done = ctx.quote, [], []
        agents = [s for s in sites if s.kind == "agents_call" and s.attr == "Agent"]
        own = bool(agents) and all(_own_model(s, ctx) for s in agents)  # every agent brings a client of its own
        # ``import agents``: the set-up calls go through the module name; else they are imported from it
        bound = any(isinstance(s.node, ast.Import) and any(a.name == "agents" and a.asname is None for a in s.node.names)
                    for s in imports)
        prefix = "agents." if bound else ""

        def use(name: str) -> str:
            if not bound:
                ctx.need_import("agents", name)
            return prefix + name

        if "set_default_openai_client" not in present and not own:
            ctx.need_import("openai", "AsyncOpenAI")
            key = ctx.env_read(ctx.spec.key_env)
            lines.append(f"{use('set_default_openai_client')}(AsyncOpenAI(base_url={ctx.string(ctx.base_url())}, "
                         f"api_key={key}), use_for_tracing=False)")
            done.append(f"the SDK's default client → {ctx.spec.display} (key from {ctx.spec.key_env})")
        if "set_default_openai_api" not in present and not own:
            lines.append(f"{use('set_default_openai_api')}({q}chat_completions{q})")
            done.append("chat completions instead of the Responses API")
        if "set_tracing_disabled" not in present:
            lines.append(f"{use('set_tracing_disabled')}(True)")
            done.append("tracing off (it uploads every run to api.openai.com)")
        self._responses_only(imports, ctx)
        for node in ast.walk(tree):  # agent.clone(model="gpt-4.1-mini"): a copy of an Agent with another model
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clone" \
                    and kwarg(node, "model") is not None:
                scope = ctx.resolver.call_scopes.get(id(node), ctx.resolver.module_scope)
                self._model(Site("agents_call", node, scope, attr="clone"), node, "clone", ctx)
        if not lines:
            return
        ctx.edit(anchor, "insert_after", self.CODE, stmts=lines, blank=True)
        late = _late_dotenv(tree, anchor)
        note = (f"; the key is read when the module is imported, before load_dotenv() at line {late}: move these "
                "lines after it") if late else ""
        ctx.report(imports[0].node, self.CODE, self.FEATURE, Severity.REVIEW if late else Severity.AUTO,
                   f"OpenAI Agents SDK: {'; '.join(done)}{note}", reaches_openai=True, subject="Agents SDK set-up")


    def _responses_only(self, imports: list[Site], ctx: PlanContext) -> None:
        """What the SDK does only through the Responses API: with chat completions it is refused or ignored."""
        why = "the SDK now speaks chat completions to the provider"
        for site in imports:
            for name in site.extra.get("names", ()):
                if name in surface.AGENTS_RESPONSES_ONLY:
                    ctx.report(site.node, self.CODE, self.FEATURE, Severity.MANUAL,
                               f"{name}: {surface.AGENTS_RESPONSES_ONLY[name]}, and {why}; rewrite that part "
                               "without it", reaches_openai=True, subject=f"Responses-only {name}")
        for node in ast.walk(ctx.resolver.tree):
            if not isinstance(node, ast.Call):
                continue
            quals = {v.name for v in ctx.resolver.eval(node.func, ctx.resolver.call_scopes.get(
                id(node), ctx.resolver.module_scope)) if isinstance(v, Qual)}
            if not quals & {"agents.Runner.run", "agents.Runner.run_sync", "agents.Runner.run_streamed",
                            "agents.Agent"}:
                continue
            used = [k.arg for k in node.keywords if k.arg in surface.AGENTS_STATEFUL_KWARGS]
            if used == ["prompt"]:
                ctx.report(node, self.CODE, self.FEATURE, Severity.MANUAL,
                           f"prompt: a prompt template stored on OpenAI (Responses API only); {why}, which ignores "
                           "it — write the instructions out", reaches_openai=True, subject="prompt template")
            elif used:
                ctx.report(node, self.CODE, self.FEATURE, Severity.MANUAL,
                           f"{', '.join(used)}: server-side state of the Responses API; {why}, which ignores "
                           "it — pass the conversation (result.to_input_list()) or use a Session",
                           reaches_openai=True, subject="Responses state in the Agents SDK")
            for arg in (*node.args, *(k.value for k in node.keywords)):
                for part in ast.walk(arg):
                    if isinstance(part, ast.Dict) and any(
                            isinstance(k, ast.Constant) and k.value == "type" and isinstance(v, ast.Constant)
                            and v.value == "input_file" and not any(
                                isinstance(x, ast.Constant) and x.value in ("file_data", "file_id") for x in part.keys)
                            for k, v in zip(part.keys, part.values, strict=True)):
                        ctx.report(part, self.CODE, self.FEATURE, Severity.MANUAL,
                                   f"an input_file by URL: {why}, which takes file_data or file_id only",
                                   reaches_openai=True, subject="input_file by URL")


def _own_model(agent: Site, ctx: PlanContext) -> bool:
    """``Agent(model=OpenAIChatCompletionsModel(..., openai_client=<a client of another server>))``."""
    assert isinstance(agent.node, ast.Call)  # an agents_call site
    model = kwarg(agent.node, "model")
    if model is None:
        return False
    calls: list[ast.expr] = [model.value] if isinstance(model.value, ast.Call) else []
    if isinstance(model.value, ast.Name):
        calls = [e[1] for e, _ in ctx.resolver.visible_bindings(model.value.id, agent.scope) if e[0] == "expr"]
    built = [c for c in calls if isinstance(c, ast.Call)]
    if not calls or len(built) != len(calls):
        return False
    for c in built:
        client = kwarg(c, "openai_client")
        if client is None:
            return False
        clients = {v for v in ctx.resolver.eval(client.value, agent.scope) if isinstance(v, Client)}
        if not clients or ctx.destination(clients).kind in ("openai", "configured"):
            return False
    return True


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
