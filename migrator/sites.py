"""Pass 2 of the scan: walk a module once and list every place that touches the OpenAI SDK.

A site is a fact about the code (this call is ``chat.completions.create`` on a client built at line
4), not a decision; the rules in ``migrator.rules.features`` turn sites into findings and edits for
a target provider.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from migrator.resolve import (
    MODULE_CLIENT,
    ClassRef,
    Client,
    ClientExport,
    DictLit,
    Foreign,
    FrameworkObj,
    Func,
    Inst,
    Qual,
    Res,
    Resolver,
    Scope,
    dotted,
    ordered,
)
from migrator.rules import surface

SiteKind = Literal[
    "construct",  # a client construction: OpenAI(...), AsyncAzureOpenAI(...)
    "call",  # a call of the OpenAI surface on a client
    "probable_call",  # a call shaped like it (chat.completions.create) on an object not traced to a client
    "endpoint",  # a string naming api.openai.com that no client's base URL reads (raw HTTP, configuration)
    "module_setting", "setting_read",  # openai.api_key = ... / a read of one
    "model_constant",  # MODEL = "gpt-4o": a model name other sites read
    "exception",  # an openai exception class caught or raised
    "types_import", "removed_module",  # imports of openai.types / of modules the SDK removed
    "legacy", "legacy_import", "legacy_error", "legacy_error_attr", "legacy_error_import",  # openai<1.0
    "version_check",  # a branch on the SDK's version
    "developer_role",  # a "developer" message
    "test_double",  # mock.patch.object(openai, "ChatCompletion", ...): a test patches the pre-1.0 API
    "framework",  # a LangChain / LlamaIndex / third-party class wrapping OpenAI
    "framework_call",  # a method of such an object that needs a look: with_structured_output
    "agents_import", "agents_call",  # the OpenAI Agents SDK
]
# where a client sends its requests (Destination.kind)
DestinationKind = Literal["openai", "configured", "provider", "other", "unknown", "injected"]


@dataclass(eq=False)
class Site:
    kind: SiteKind
    node: ast.AST
    scope: Scope
    resource: surface.Resource | None = None
    clients: frozenset = frozenset()
    attr: str | None = None  # module setting name / exception name / legacy name
    is_async: bool = False
    is_azure: bool = False
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Destination:
    """Where a client sends its requests, as far as the code shows."""

    # configured: base_url from a parameter, configuration or the environment that may be None or empty,
    # with no default but OpenAI's: it reaches api.openai.com unless configured otherwise
    kind: DestinationKind
    host: str | None = None
    provider: str | None = None  # target name when ``kind == "provider"``
    through: str = "base_url"  # the argument that sends it there (``provider``: a cloud platform of the SDK)

    @property
    def reaches_openai(self) -> bool:
        return self.kind in ("openai", "configured")

    @property
    def migratable(self) -> bool:
        """Calls on such a client are the migration's business."""
        return self.kind in ("openai", "configured", "injected", "provider")


def host_of(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def classify_host(host: str | None, provider_hosts: dict[str, str]) -> Destination:
    if host is None:
        return Destination("unknown")
    if host in surface.OPENAI_HOSTS or host.endswith(".openai.azure.com"):
        return Destination("openai", host)
    if host in provider_hosts:
        return Destination("provider", host, provider_hosts[host])
    return Destination("other", host)


class SiteFinder(ast.NodeVisitor):
    def __init__(self, resolver: Resolver, provider_hosts: dict[str, str]) -> None:
        self.r = resolver
        self.provider_hosts = provider_hosts
        self.sites: list[Site] = []
        self.scope: Scope = resolver.module_scope
        self._skip: set[int] = set()  # nodes already reported as part of a larger site
        self._docstrings: set[int] = set()
        self.module_settings: list[Site] = []
        self._endpoints: list[tuple[ast.Constant, Scope]] = []
        self._top = {id(stmt) for stmt in resolver.tree.body}
        self._error_vars: list[str] = []
        self.awaited: set[int] = set()  # ids of expressions directly under `await`
        self._single: set[int] = set()  # called or raised expressions

    def find(self) -> list[Site]:
        self._mark_docstring(self.r.tree)
        for stmt in self.r.tree.body:
            self.visit(stmt)
        # an OpenAI URL that is (the default of) a client's base_url is the client rule's business
        urls: set[int] = set()
        for site in self.sites:
            if site.kind == "construct":
                url = call_kwarg(site.node, "base_url", self.r, site.scope)[1]  # type: ignore[arg-type]
                urls |= {id(lit) for lit in self.r.literal_sources(url, site.scope) if lit is not None}
            elif site.kind == "framework":
                for name in site.extra["cls"].url_kw:
                    url = call_kwarg(site.node, name, self.r, site.scope)[1]  # type: ignore[arg-type]
                    urls |= {id(lit) for lit in self.r.literal_sources(url, site.scope) if lit is not None}
            elif site.kind == "module_setting" and site.attr in ("base_url", "api_base"):
                value = site.node.value  # type: ignore[attr-defined]
                urls |= {id(lit) for lit in self.r.literal_sources(value, site.scope) if lit is not None}
                urls |= {id(n) for n in ast.walk(value) if isinstance(n, ast.Constant)}
        for node, scope in self._endpoints:
            if id(node) not in urls:
                self.sites.append(Site("endpoint", node, scope))
        self._legacy_v1_sites()
        return self.sites

    def _legacy_v1_sites(self) -> None:
        """Each openai<1.0 call also gets the v1 site it becomes, so the v1 rules plan its model and
        parameters in the same run (a second run must find nothing to do)."""
        for site in [s for s in self.sites if s.kind == "legacy" and isinstance(s.node, ast.Call)]:
            if not isinstance(site.node, ast.Call) or site.attr is None:
                continue
            resource, _, name = site.attr.partition(".")
            method = surface.LEGACY_METHODS.get((resource, name))
            if method is None:
                continue
            is_async = method.is_async or id(site.node) in self.awaited
            path = method.v1_path
            if path == ("completions", "create") and _chat_model(site.node, self, site.scope):
                path = ("chat", "completions", "create")
                site.extra["to_chat"] = True
            site.extra.update(method=method, is_async=is_async, path=path)
            res = surface.match_resource(path)
            if res is not None:
                client = Client(None, is_async, legacy=True)
                self.sites.append(Site("call", site.node, site.scope, resource=res, clients=frozenset({client}),
                                       is_async=is_async, extra={"path": path, "legacy": site}))

    def _mark_docstring(self, node: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._docstrings.add(id(body[0].value))

    # -- scopes ---------------------------------------------------------------------------------

    def _enter(self, node: ast.AST) -> None:
        self._mark_docstring(node)  # type: ignore[arg-type]
        outer = self.scope
        self.scope = self.r.scope_of.get(id(node), outer)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for d in node.decorator_list:
                self.scope = outer
                self.visit(d)
            self.scope = self.r.scope_of.get(id(node), outer)
            self.visit(node.args)
            if node.returns is not None:
                self.visit(node.returns)
            for stmt in node.body:
                self.visit(stmt)
        else:
            self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = _enter
    visit_AsyncFunctionDef = _enter
    visit_ClassDef = _enter

    # -- sites ----------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("openai.types"):
                self.sites.append(Site("types_import", node, self.scope, attr=alias.name))
            elif alias.name == "openai.error":
                self.sites.append(Site("legacy_error_import", node, self.scope, attr=alias.name))
            elif alias.name in surface.REMOVED_MODULES:
                self.sites.append(Site("removed_module", node, self.scope, attr=alias.name))
            elif alias.name.split(".", 1)[0] == "agents" and self.r.agents_sdk:
                self.sites.append(Site("agents_import", node, self.scope, attr=alias.name, extra={"names": []}))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            return
        if module.startswith("openai.types"):
            self.sites.append(Site("types_import", node, self.scope, attr=module))
        elif module == "openai.error":
            self.sites.append(Site("legacy_error_import", node, self.scope, attr=module))
        elif module.split(".", 1)[0] == "agents" and self.r.agents_sdk \
                and any(a.name in surface.AGENTS_NAMES for a in node.names):
            self.sites.append(Site("agents_import", node, self.scope, attr=module,
                                   extra={"names": [a.name for a in node.names]}))
        elif module in surface.REMOVED_MODULES:
            self.sites.append(Site("removed_module", node, self.scope, attr=module))
        elif module == "openai":
            v0_errors = [a.name for a in node.names if a.name in surface.V0_ONLY_TOP_LEVEL_ERRORS]
            if v0_errors:
                self.sites.append(Site("legacy_error_import", node, self.scope, attr="openai",
                                       extra={"names": v0_errors}))
            for alias in node.names:
                if alias.name in surface.LEGACY_RESOURCES:
                    self.sites.append(Site("legacy_import", node, self.scope, attr=alias.name))
                elif alias.name == "error":
                    self.sites.append(Site("legacy_error_import", node, self.scope, attr="openai.error"))
                elif f"openai.{alias.name}" in surface.REMOVED_MODULES:
                    self.sites.append(Site("removed_module", node, self.scope, attr=f"openai.{alias.name}"))

    def _model_setting(self, name: str | None, value: ast.expr | None, where: str,
                       func: ast.FunctionDef | ast.AsyncFunctionDef | None = None) -> None:
        """A known OpenAI model name held by something named like a model setting."""
        if name is None or value is None or "model" not in name.lower():
            return
        for lit in self.r.literal_sources(value, self.scope):
            if lit is not None and isinstance(lit.value, str) and surface.model_family(lit.value) is not None \
                    and id(lit) not in self.r.remote_literals:
                self.sites.append(Site("model_constant", lit, self.scope, attr=where or name,
                                       extra={"func": func} if func is not None else {}))

    def _model_arguments(self, call: ast.Call, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``ask(q, model="gpt-4")`` where ``ask`` is a function of this module: the argument is a setting."""
        if not self.r.openai_names and not self.r.agents_sdk:
            return
        params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
        if params and params[0] in ("self", "cls"):
            params = params[1:]
        named = [(params[i], a) for i, a in enumerate(call.args) if i < len(params)]
        named += [(k.arg, k.value) for k in call.keywords if k.arg]
        for name, value in named:
            if isinstance(value, ast.Constant) and ("model" in name.lower() or name == "engine"):
                self._model_setting(name if "model" in name.lower() else "model", value, f"argument {name}", func)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        t = node.target
        self._model_setting(t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else None,
                            node.value, "")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "role" and isinstance(value, ast.Constant) \
                    and value.value == "developer" and (self.r.openai_names or self.r.agents_sdk):
                self.sites.append(Site("developer_role", value, self.scope))
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Constant):
                self._model_setting(key.value, value, f"{key.value!r} entry")
        self.generic_visit(node)

    def visit_arguments(self, node: ast.arguments) -> None:
        positional = [*node.posonlyargs, *node.args]
        for arg, default in zip(positional[len(positional) - len(node.defaults):], node.defaults, strict=True):
            if isinstance(default, ast.Constant):
                self._model_setting(arg.arg, default, f"default of {arg.arg}")
        for arg, kw_default in zip(node.kwonlyargs, node.kw_defaults, strict=True):
            if isinstance(kw_default, ast.Constant):
                self._model_setting(arg.arg, kw_default, f"default of {arg.arg}")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name | ast.Attribute) and not isinstance(node.value, ast.Name):
                self._model_setting(target.id if isinstance(target, ast.Name) else target.attr, node.value, "")
        for target in node.targets:
            for t in (target.elts if isinstance(target, ast.Tuple | ast.List) else [target]):
                if isinstance(t, ast.Attribute):
                    base = self.r.eval(t.value, self.scope)
                    if Qual("openai") in base:
                        self._skip.add(id(t))
                        site = Site("module_setting", node, self.scope, attr=t.attr,
                                    extra={"top": id(node) in self._top and t is target, "module": t.value,
                                           "target": t, "tuple": t is not target})
                        self.sites.append(site)
                        self.module_settings.append(site)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self.r.call_scopes[id(node)] = self.scope
        self._single.add(id(node.func))
        values = ordered(self.r.eval(node.func, self.scope))
        handled = False
        classes = [v.name[len("openai."):] for v in values if isinstance(v, Qual) and v.name.startswith("openai.")
                   and v.name[len("openai."):] in surface.CLIENT_CLASSES]
        # agents.Agent, agents.agent.Agent, agents.run.RunConfig: the SDK's name is the last part
        agents = [v.name.rsplit(".", 1)[-1] for v in values if isinstance(v, Qual) and v.name.startswith("agents.")]
        if agents and self.r.agents_sdk and (agents[0] in surface.AGENTS_HOSTED_TOOLS or agents[0] in
                                             surface.AGENTS_SETTINGS or agents[0] in surface.AGENTS_MODEL_CLASSES):
            self.sites.append(Site("agents_call", node, self.scope, attr=agents[0]))
        for v in values:
            if isinstance(v, Qual) and v.name in surface.FRAMEWORK_CLASSES:
                self.sites.append(Site("framework", node, self.scope, attr=v.name,
                                       extra={"cls": surface.FRAMEWORK_CLASSES[v.name]}))
                handled = True
                break
            if isinstance(v, Qual) and v.name.startswith("openai."):
                name = v.name[len("openai."):]
                if name in surface.CLIENT_CLASSES:
                    is_async, is_azure = surface.CLIENT_CLASSES[name]
                    kinds = {surface.CLIENT_CLASSES[c] for c in classes}
                    # cls = AsyncAzureOpenAI if asynchronous else AzureOpenAI; cls(...): several kinds of client
                    extra = {"classes": classes} if len(kinds) > 1 else {}
                    self.sites.append(Site("construct", node, self.scope, is_async=is_async, is_azure=is_azure,
                                           attr=name, extra=extra))
                    handled = True
                    break
                head = name.split(".", 1)[0]
                if head in surface.LEGACY_RESOURCES:
                    self.sites.append(Site("legacy", node, self.scope, attr=name))
                    handled = True
                    break
                if f"openai.{head}" in surface.REMOVED_MODULES:
                    self.sites.append(Site("removed_module", node, self.scope, attr=f"openai.{head}"))
                    handled = True
                    break
                last = name.rsplit(".", 1)[-1]
                if (head == "error" and last in surface.LEGACY_ERRORS) or name in surface.V0_ONLY_TOP_LEVEL_ERRORS:
                    self.sites.append(Site("legacy_error", node.func, self.scope, attr=last,
                                           extra={"single": True, "constructed": True,
                                                  "top_level": head != "error"}))
        if not handled and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and node.args[1].value in surface.LEGACY_RESOURCES and Qual("openai") in self.r.eval(node.args[0],
                                                                                                      self.scope):
            self.sites.append(Site("test_double", node, self.scope, attr=f"openai.{node.args[1].value}"))
        if not handled and isinstance(node.func, ast.Attribute) and node.func.attr in surface.FRAMEWORK_METHODS:
            objs = [v for v in values if isinstance(v, FrameworkObj) and v.call is not None]
            if objs:
                self.sites.append(Site("framework_call", node, self.scope, attr=node.func.attr,
                                       extra={"cls": surface.FRAMEWORK_CLASSES[objs[0].qual], "origin": objs[0].call,
                                              "qual": objs[0].qual}))
        funcs = [v for v in values if isinstance(v, Func)]
        if funcs and not handled:
            self._model_arguments(node, funcs[0].node)
        if not handled:
            calls = [v for v in values if isinstance(v, Res)]
            if calls:
                res = surface.match_resource(calls[0].path)
                if res is not None:
                    clients = frozenset(v.client for v in calls)
                    self.sites.append(Site("call", node, self.scope, resource=res, clients=clients,
                                           is_async=any(c.is_async for c in clients),
                                           extra={"path": calls[0].path}))
                    handled = True
            elif not values or all(isinstance(v, Foreign) and v.package == "*args" for v in values):
                path = dotted(node.func)
                if path is not None:
                    parts = tuple(path.split("."))
                    res, start = None, 1  # llm.chat.completions.create, self.client.chat.completions.create
                    for start in range(1, min(len(parts) - 2, 3) + 1):
                        res = surface.match_resource(parts[start:])
                        if res is not None:
                            break
                    # beyond chat and embeddings (names other SDKs share: files.create, images.generate),
                    # only what no other SDK calls: the beta namespace, in a module that imports openai
                    if res is not None and (res.feature in ("chat", "embeddings", "structured") or (
                            parts[start] == "beta" and self.r.openai_names)) and not self._foreign_root(node.func):
                        self.sites.append(Site("probable_call", node, self.scope, resource=res,
                                               extra={"path": parts[start:]}))
        if isinstance(node.func, ast.Attribute):
            self._skip.add(id(node.func))
        self.generic_visit(node)

    def _foreign_root(self, func: ast.expr) -> bool:
        node = func
        while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
            node = node.func if isinstance(node, ast.Call) else node.value
        return any(isinstance(v, Foreign) and v.package != "*args" for v in self.r.eval(node, self.scope))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self._error_vars or node.attr in surface.DISTINCT_ERROR_ATTRS:
            self._error_attribute(node)
        if id(node) not in self._skip and isinstance(node.ctx, ast.Load):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in self.r.openai_names:
                self._reference(node)
        self._skip.add(id(node.value))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        # only a name bound by an import from openai can be an openai exception class
        if node.id in self.r.openai_names and id(node) not in self._skip and isinstance(node.ctx, ast.Load):
            self._reference(node)

    def _reference(self, node: ast.expr) -> None:
        for v in ordered(self.r.eval(node, self.scope)):
            if isinstance(v, Qual) and v.name.startswith("openai."):
                name = v.name[len("openai."):]
                last = name.rsplit(".", 1)[-1]
                if (name.startswith("error.") and last in surface.LEGACY_ERRORS) or \
                        name in surface.V0_ONLY_TOP_LEVEL_ERRORS:
                    self.sites.append(Site("legacy_error", node, self.scope, attr=last,
                                           extra={"single": id(node) in self._single,
                                                  "top_level": not name.startswith("error.")}))
                    return
                if name in ("api_key", "api_base", "api_type", "api_version", "organization") and \
                        isinstance(node, ast.Attribute) and id(node) not in self._skip:
                    self.sites.append(Site("setting_read", node, self.scope, attr=name))
                    return
                if last in surface.EXCEPTIONS or name.startswith("error."):
                    self.sites.append(Site("exception", node, self.scope, attr=name))
                    return
                if name.split(".", 1)[0] in surface.LEGACY_RESOURCES:
                    self.sites.append(Site("test_double", node, self.scope, attr=v.name))
                    return
                if name in ("__version__", "version", "version.VERSION"):
                    self.sites.append(Site("version_check", node, self.scope, attr=v.name))
                    return

    def visit_Raise(self, node: ast.Raise) -> None:
        if node.exc is not None:
            self._single.add(id(node.exc))  # a raised class cannot become a tuple of classes
        self.generic_visit(node)

    def visit_Await(self, node: ast.Await) -> None:
        self.awaited.add(id(node.value))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        """``except openai.error.X as e``: ``e.http_status`` is ``e.status_code`` in v1."""
        legacy = node.type is not None and node.name is not None and any(
            isinstance(v, Qual) and v.name.startswith("openai.error.")
            for t in (node.type.elts if isinstance(node.type, ast.Tuple) else [node.type])
            for v in self.r.eval(t, self.scope))
        if legacy:
            self._error_vars.append(node.name)  # type: ignore[arg-type]
        self.generic_visit(node)
        if legacy:
            self._error_vars.pop()

    def _error_attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self._error_vars \
                and node.attr in surface.LEGACY_ERROR_ATTRS:
            self.sites.append(Site("legacy_error_attr", node, self.scope, attr=node.attr))
        elif node.attr in surface.DISTINCT_ERROR_ATTRS and isinstance(node.ctx, ast.Load):
            self.sites.append(Site("legacy_error_attr", node, self.scope, attr=node.attr, extra={"anywhere": True}))

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str) or id(node) in self._docstrings:
            return
        if "api.openai.com" in node.value and id(node) not in self._skip:
            self._endpoints.append((node, self.scope))
        elif node.value.startswith("openai.") and node.value.split(".")[1:2] and \
                node.value.split(".")[1] in surface.LEGACY_RESOURCES:
            self.sites.append(Site("test_double", node, self.scope, attr=node.value))  # mock.patch("openai...")


def call_kwarg(call: ast.Call, name: str, r: Resolver, scope: Scope) -> tuple[bool, ast.expr | None]:
    """The value passed as ``name=``, looking into ``**d`` when ``d`` is one dict literal.

    Returns (known, value): known is False when a ``**`` argument hides what is passed.
    """
    for k in call.keywords:
        if k.arg == name:
            return True, k.value
    known = True
    for k in call.keywords:
        if k.arg is None:
            dicts = [v for v in r.eval(k.value, scope) if isinstance(v, DictLit)]
            if len(dicts) != 1 or len(r.eval(k.value, scope)) != 1:
                known = False
                continue
            node = dicts[0].node
            if any(key is None for key in node.keys):
                known = False
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == name:
                    return True, value
    return known, None


PLATFORMS = {"bedrock": "Amazon Bedrock", "vertex": "Google Vertex AI"}  # openai.providers.<name>(...)


def platform_of(expr: ast.expr, r: Resolver, scope: Scope) -> str:
    """The platform an ``OpenAI(provider=...)`` argument configures, as far as the code shows."""
    calls = [expr] if isinstance(expr, ast.Call) else []
    if isinstance(expr, ast.Name):
        calls += [e[1] for e, _ in r.visible_bindings(expr.id, scope) if e[0] == "expr" and isinstance(e[1], ast.Call)]
    for c in calls:
        for v in ordered(r.eval(c.func, scope)):
            if isinstance(v, Qual) and v.name.startswith("openai.providers."):
                name = v.name.rsplit(".", 1)[-1]
                return PLATFORMS.get(name, name)
    return "another platform"


def construction_destination(call: ast.Call, r: Resolver, scope: Scope,
                             provider_hosts: dict[str, str]) -> Destination:
    # OpenAI(provider=bedrock(...)): the SDK's own route to a cloud platform (auth and base URL included);
    # with it, api_key= or base_url= raise at construction
    platform = call_kwarg(call, "provider", r, scope)[1]
    if platform is not None and not (isinstance(platform, ast.Constant) and platform.value is None):
        return Destination("other", platform_of(platform, r, scope), through="provider")
    classes = {surface.CLIENT_CLASSES[v.name[len("openai."):]] for v in r.eval(call.func, scope)
               if isinstance(v, Qual) and v.name[len("openai."):] in surface.CLIENT_CLASSES}
    if len(classes) > 1 and any(is_azure for _, is_azure in classes):
        # cls = AsyncAzureOpenAI if a else AzureOpenAI: the construction is left alone, so are its calls
        return Destination("unknown", through="class choice")
    known, url = call_kwarg(call, "base_url", r, scope)
    if url is not None:
        dest = expr_destination(url, r, scope, provider_hosts)
        if dest.kind == "unknown":
            literals = [lit for lit in r.literal_sources(url, scope) if lit is not None]
            if all(classify_host(host_of(str(lit.value)), provider_hosts).kind == "openai" for lit in literals) and (
                    literals or may_be_unset(url, r, scope)):  # a configured value, else OpenAI
                return Destination("configured", "api.openai.com", through=ast.unparse(url)[:60])
        return dest
    known_azure, azure = call_kwarg(call, "azure_endpoint", r, scope)
    if azure is not None:
        return Destination("openai", "azure")
    if not known or not known_azure:  # **kwargs could carry base_url
        return Destination("unknown")
    env = env_base_urls(r)
    through = "OPENAI_BASE_URL"
    if not env and r.dotenv_urls:
        env, through = list(r.dotenv_urls), "OPENAI_BASE_URL in .env"
    if env:  # os.environ["OPENAI_BASE_URL"] = "http://localhost:8000/v1": the SDK reads it (a look-alike)
        dests = {classify_host(host_of(url), provider_hosts) for url in env}
        if len(dests) == 1:
            dest = dests.pop()
            return Destination(dest.kind, dest.host, dest.provider, through=through)
        return Destination("unknown", through=through)
    key = call_kwarg(call, "api_key", r, scope)[1]
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.strip().lower() in PLACEHOLDER_KEYS:
        # OpenAI(api_key="EMPTY"): the key local servers take (vLLM, FastChat, Ollama); api.openai.com
        # refuses it, so the program works only with OPENAI_BASE_URL set where it runs
        return Destination("other", "the server OPENAI_BASE_URL names where it runs",
                           through=f"api_key={key.value!r}, a placeholder only local servers accept")
    return Destination("openai", "api.openai.com")


# api_key values that no OpenAI account has and local OpenAI-compatible servers take
PLACEHOLDER_KEYS = frozenset({"empty", "none", "null", "no-key", "nokey", "not-needed", "not-used",
                              "sk-no-key-required", "ollama", "lm-studio", "lmstudio", "vllm", "local"})


_BASE_URL_VARS = ("OPENAI_BASE_URL", "OPENAI_API_BASE")


_SERVICE_SETTING = re.compile(r"^(?P<service>[a-z0-9]+(?:_[a-z0-9]+)*?)_(?:base_url|api_base|base|url|endpoint|host)$")
_GENERIC_PREFIXES = {"openai", "oai", "llm", "api", "base", "root", "default", "model", "chat", "client", "server",
                     "custom", "my", "remote", "proxy", "gateway", "service", "provider"}


def _names_another_service(expr: ast.expr) -> bool:
    """``self.config.lmstudio_base_url``, ``cfg["vllm_base_url"]``, ``hf_endpoint``: a setting named for
    another service than OpenAI (its value, when unset, is that service's misconfiguration, not OpenAI)."""
    key = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else \
        expr.slice.value if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and \
        isinstance(expr.slice.value, str) else None
    m = _SERVICE_SETTING.match(key.lower()) if key else None
    return m is not None and not set(m.group("service").split("_")) & _GENERIC_PREFIXES


def may_be_unset(expr: ast.expr, r: Resolver, scope: Scope, depth: int = 0) -> bool:
    """Whether a ``base_url`` expression may be None (or empty) at run time: a parameter, an attribute, a
    configuration or environment read, a name bound to one; not an f-string or a concatenation (a URL
    the code builds), and not a literal."""
    if depth > 4 or _names_another_service(expr):
        return False
    if isinstance(expr, ast.Constant):
        return expr.value is None or expr.value == ""
    if isinstance(expr, ast.BoolOp):
        return may_be_unset(expr.values[-1], r, scope, depth + 1) if isinstance(expr.op, ast.Or) else True
    if isinstance(expr, ast.IfExp):
        return any(may_be_unset(e, r, scope, depth + 1) for e in (expr.body, expr.orelse))
    if isinstance(expr, ast.Name):
        entries = r.visible_bindings(expr.id, scope)
        if not entries:
            return not hasattr(builtins, expr.id)
        for entry, _ in entries:
            if entry[0] == "param":
                return True
            if entry[0] == "expr" and may_be_unset(entry[1], r, entry[2], depth + 1):
                return True
        return False
    if isinstance(expr, ast.Call) and (dotted(expr.func) or "") in ("os.getenv", "os.environ.get", "getenv"):
        var = expr.args[0] if expr.args else None
        if len(expr.args) > 1:  # os.getenv("X", default): unset only when the default is
            return may_be_unset(expr.args[1], r, scope, depth + 1)
        # a variable of another service (DMCITO_BASE_URL): when it is unset the program is misconfigured,
        # not using OpenAI
        return not (isinstance(var, ast.Constant) and isinstance(var.value, str) and "OPENAI" not in var.value.upper())
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        assigned = [e for v in r.eval(expr.value, scope) if isinstance(v, Inst | ClassRef)
                    for e in r.inherited_attr(v.cls, expr.attr)]
        if assigned:  # self.base_url = os.getenv("X", f"http://{host}/v1")
            return any(may_be_unset(e, r, s, depth + 1) for e, s in assigned)
    return isinstance(expr, ast.Attribute | ast.Subscript | ast.Call)


def env_base_urls(r: Resolver) -> list[str]:
    """The string literals this module puts in ``OPENAI_BASE_URL`` (``os.environ[...] = url``,
    ``os.environ.setdefault(..., url)``), which every client built without ``base_url`` then uses."""
    cached = r.__dict__.get("_env_base_urls")
    if cached is not None:
        return cached
    out: list[str] = []
    for node in ast.walk(r.tree):
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            sub = node.targets[0]
            if dotted(sub.value) == "os.environ" and isinstance(sub.slice, ast.Constant):
                target, value = sub.slice.value, node.value
        elif isinstance(node, ast.Call) and dotted(node.func) == "os.environ.setdefault" and len(node.args) == 2 \
                and isinstance(node.args[0], ast.Constant):
            target, value = node.args[0].value, node.args[1]
        if target in _BASE_URL_VARS and isinstance(value, ast.Constant) and isinstance(value.value, str):
            out.append(value.value)
    r.__dict__["_env_base_urls"] = out
    return out


def expr_destination(expr: ast.expr, r: Resolver, scope: Scope, provider_hosts: dict[str, str]) -> Destination:
    if isinstance(expr, ast.Constant) and expr.value is None:
        return Destination("openai", "api.openai.com")
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or) and isinstance(expr.values[-1], ast.Constant) \
            and isinstance(expr.values[-1].value, str):  # cfg.base_url or "https://...": where it goes by default
        return classify_host(host_of(expr.values[-1].value), provider_hosts)
    literals = r.literal_sources(expr, scope)
    if literals and all(lit is not None for lit in literals):
        dests = {classify_host(host_of(str(lit.value)), provider_hosts) for lit in literals if lit is not None}
        if len(dests) == 1:
            return dests.pop()
    return Destination("unknown")


def module_destination(settings: list[Site], r: Resolver, provider_hosts: dict[str, str]) -> Destination:
    """Where ``openai.chat.completions.create`` goes in this module."""
    # openai>=1.0 reads base_url and ignores the openai<1.0 api_base; only v0 code has api_base alone
    urls = [s for s in settings if s.attr == "base_url"] or [s for s in settings if s.attr == "api_base"]
    if not urls:
        return Destination("openai", "api.openai.com")
    dests = {expr_destination(s.node.value, r, s.scope, provider_hosts) for s in urls}  # type: ignore[attr-defined]
    if len(dests) == 1:
        return dests.pop()
    if any(d.kind == "openai" for d in dests):
        return Destination("openai", "api.openai.com")
    return Destination("unknown")


def client_destination(client: Client, r: Resolver, provider_hosts: dict[str, str],
                       module_dest: Destination) -> Destination:
    if client is MODULE_CLIENT or client.module or client.legacy:
        return module_dest
    if client.export is not None:
        return _export_destination(client.export, provider_hosts)
    if client.origin is None:
        return Destination("injected")
    scope = _scope_of_call(client.origin, r)
    return construction_destination(client.origin, r, scope, provider_hosts)


def _export_destination(export: ClientExport, provider_hosts: dict[str, str]) -> Destination:
    if export.reaches is True:
        return Destination("openai", export.host)
    if export.host is not None:
        return classify_host(export.host, provider_hosts)
    return Destination("unknown")


def _scope_of_call(call: ast.Call, r: Resolver) -> Scope:
    return r.call_scopes.get(id(call), r.module_scope)


def _chat_model(call: ast.Call, finder: SiteFinder, scope: Scope) -> bool:
    """``Completion.create`` whose model is a chat model: it must become a chat call."""
    for k in call.keywords:
        if k.arg in ("model", "engine", "deployment_id"):
            lits = finder.r.literal_sources(k.value, scope)
            kinds = {surface.OPENAI_MODELS[f].kind for lit in lits if lit is not None
                     for f in [surface.model_family(str(lit.value))] if f}
            return kinds == {"chat"}
    return False


def pre_v1_ranges(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges of code that runs only on openai<1.0 and is left as it is: the branch of
    ``if openai.__version__.startswith("0.")`` (or ``< "1"``, or the else of ``>= "1"``) and the handler
    of ``try: from openai import OpenAI`` / ``except ImportError``."""
    out: list[tuple[int, int]] = []

    def span(body: list[ast.stmt]) -> None:
        if body:
            out.append((body[0].lineno, max(b.end_lineno or b.lineno for b in body)))

    stack: list[ast.AST] = list(tree.body)
    while stack:  # statements only: no expression holds an if or a try
        node = stack.pop()
        for name in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(node, name, ()))
        if isinstance(node, ast.If):
            test = ast.unparse(node.test).replace("'", '"')
            if "__version__" not in test:
                continue
            if "startswith(\"0" in test or ("<" in test and ">" not in test):
                span(node.body)
            elif "startswith(\"1" in test or ">" in test:
                span(node.orelse)
        elif isinstance(node, ast.Try) and node.body and all(
                isinstance(b, ast.ImportFrom) and b.module == "openai" and any(
                    a.name in surface.CLIENT_CLASSES for a in b.names) for b in node.body):
            for handler in node.handlers:
                caught = ast.unparse(handler.type) if handler.type is not None else ""
                if "ImportError" in caught:
                    span(handler.body)
    return out

