"""``--style native``: OpenAI clients already pointed at the provider become the provider's own SDK client.

Native style runs in two passes (engine.migrate): the compat pass first points every OpenAI client at
the provider's compatible endpoint and maps models and parameters; this pass then rewrites the clients
that point at the target provider to its SDK (``rules/providers/<target>.py`` ``NativeSpec``), with
their calls, the responses read from them and the exceptions caught around them. A client whose use
the SDK cannot serve (a method it lacks, no asyncio client, passed to code migrator does not follow)
stays on the openai SDK, pointed at the provider, and the finding says why.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.model import Severity
from migrator.resolve import MODULE_CLIENT, Client, Qual, ordered
from migrator.rules import surface
from migrator.rules.base import PlanContext, Rule
from migrator.rules.features.common import ModuleIndex, module_index, per_module
from migrator.rules.features.legacy_responses import Flow
from migrator.rules.features.native_errors import CODE as ERRORS_CODE
from migrator.rules.features.native_errors import Handlers
from migrator.rules.providers import NativeMethod, NativeSpec
from migrator.sites import Site, call_kwarg, construction_destination

_USES = ("call", "probable_call")
# the client classes a converted client's annotations may name (Azure clients are renamed by the compat pass)
_CLIENT_QUALS = frozenset(f"openai.{name}" for name, (_, azure) in surface.CLIENT_CLASSES.items() if not azure)


class NativeClient(Rule):
    """Rewrites an OpenAI client pointed at the provider into the provider's own SDK client.

    What it does (``--style native``): after the compat pass, ``OpenAI(api_key=..., base_url=<provider>)``
    becomes ``dashscope.Client(api_key=...)`` (qwen), ``qianfan.Qianfan(api_key=...)`` (ernie) or
    ``zai.ZhipuAiClient(api_key=...)`` (glm; ``zai.ZaiClient`` for the international region). The
    base URL goes (the region becomes the SDK's setting), ``timeout`` / ``max_retries`` are renamed
    to the SDK's names, and the ``openai`` import goes when nothing uses it any more. A client stays on
    the openai SDK (pointed at the provider) when one of its uses has no SDK equivalent: a method the
    SDK lacks (qianfan embeddings and images), an asyncio client the SDK lacks (zai), or the client is
    passed on to code migrator does not follow. The finding says which.

    Example::

        client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")

    becomes (``--target qwen --style native``)::

        client = dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"])

    Fix safety: safe where it rewrites; install the provider's SDK (the migration adds it to requirements).
    """

    CODE = "OA160"
    NAME = "native-client"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: OpenAI client becomes the provider SDK's client"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return

    def check_file(self, sites: list[Site], ctx: PlanContext) -> None:
        native = ctx.spec.native
        if native is None or ctx.options.style != "native":
            return
        _Planner(ctx, native, sites).run()


class NativeCall(Rule):
    """Rewrites the calls on a client that became the provider's SDK client.

    What it does: arguments the SDK method does not take are renamed (``dimensions`` → ``dimension``
    on dashscope embeddings, ``user`` → ``user_id`` on zai chat, ``timeout`` → ``request_timeout`` on
    qianfan), moved into the SDK's pass-through dict (dashscope ``parameters``, zai ``extra_body``),
    spread (an ``extra_body`` dict becomes keyword arguments where the SDK takes them) or dropped with
    a finding; methods are renamed (zai ``images.generations``, ``audio.speech``; qianfan ``acreate``
    for awaited calls).

    Example::

        r = client.embeddings.create(model="text-embedding-v4", input=texts, dimensions=1024, encoding_format="float")

    becomes (qwen)::

        r = client.embeddings.create(model="text-embedding-v4", input=texts, dimension=1024)

    Fix safety: safe; dropped arguments that changed the request are reported for review.
    """

    CODE = "OA161"
    NAME = "native-call"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: call arguments and method names of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return


class NativeResponse(Rule):
    """Rewrites reads of responses where the provider SDK's objects differ from OpenAI's.

    What it does: each response is followed through assignment, iteration, attributes and returns
    within the module (as for openai<1.0 responses). On dashscope ``usage.prompt_tokens`` becomes
    ``usage.input_tokens``, ``usage.completion_tokens`` ``usage.output_tokens``, ``resp.id``
    ``resp.request_id`` and an embeddings response's ``data`` its ``embeddings``; a response message
    appended to ``messages`` is turned into a dict (dashscope rejects its own message objects). On
    qianfan (pydantic v1 models) ``model_dump()`` becomes ``dict()``. A read migrator cannot trace to
    a response is reported for review.

    Example::

        print(resp.usage.prompt_tokens, resp.id)

    becomes (qwen)::

        print(resp.usage.input_tokens, resp.request_id)

    Fix safety: safe where the flow is traced; review elsewhere.
    """

    CODE = "OA162"
    NAME = "native-response"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: response attributes of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return


class NativeException(Rule):
    """Replaces openai exception classes with the provider SDK's when the module's clients are native.

    What it does: ``except openai.RateLimitError`` becomes ``except dashscope.v2.errors.RateLimitError``
    (qwen), ``except zai.core.APIReachLimitError`` (glm) or ``except qianfan.errors.RequestError``
    (ernie, which raises one class for every HTTP error: the finding says to compare
    ``e.status_code``). Only in modules whose every client became native; where some stay on the
    openai SDK the handlers are reported for review.

    Example::

        try:
            reply = client.chat.completions.create(model="glm-4.6", messages=m)
        except openai.RateLimitError:
            time.sleep(5)

    becomes (glm)::

        try:
            reply = client.chat.completions.create(model="glm-4.6", messages=m)
        except zai.core.APIReachLimitError:
            time.sleep(5)

    Fix safety: safe where the classes match one to one; review where one SDK class covers several.
    """

    CODE = ERRORS_CODE
    NAME = "native-exception"
    FEATURE = "native"
    SITES = ()
    SUMMARY = "native style: exception classes of the provider SDK"
    NATIVE = True

    def check(self, site: Site, ctx: PlanContext) -> None:
        return


@dataclass
class _Candidate:
    site: Site | None  # the construction (None: a client built in another module)
    region: str
    blockers: list[str] = field(default_factory=list)
    uses: list[Site] = field(default_factory=list)
    paths: set[tuple[str, ...]] = field(default_factory=set)  # method paths of the uses
    annotations: list[ast.expr] = field(default_factory=list)  # ``-> OpenAI`` of its factory, ``x: OpenAI = …``
    shared: list[str] = field(default_factory=list)  # module.NAME other modules import it by
    params: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = field(default_factory=list)  # passed in as
    adopted: list[Site] = field(default_factory=list)  # calls on those parameters
    seen: set[int] = field(default_factory=set)  # expressions that hold it
    injected: bool = False  # the default of a client passed in (``self.client = client or OpenAI()``)


class _Planner:
    def __init__(self, ctx: PlanContext, native: NativeSpec, sites: list[Site]) -> None:
        self.ctx = ctx
        self.native = native
        self.sites = sites
        self.index: ModuleIndex = module_index(ctx.resolver)
        self.replaced_roots: set[int] = set()  # Name nodes of openai imports that the edits remove
        self.adopted: dict[int, _Candidate] = {}  # calls on a parameter the client is passed in as
        self._parsed: list[ast.expr] = []  # string annotations parsed (kept alive for the resolver's memo)
        self.retyped: set[int] = set()  # string annotations (``"OpenAI"``) rewritten to name the SDK class

    # -- which clients can go native ----------------------------------------------------------------

    def run(self) -> None:
        ctx = self.ctx
        candidates: dict[int, _Candidate] = {}
        stays: list[Site] = []
        for site in self.sites:
            if site.kind != "construct":
                continue
            call = site.node
            assert isinstance(call, ast.Call)
            dest = construction_destination(call, ctx.resolver, site.scope, ctx.provider_hosts)
            if dest.kind != "provider" or dest.provider != ctx.spec.name:
                stays.append(site)
                continue
            candidates[id(call)] = _Candidate(site, self._region(site))
        for site in self.sites:
            if site.kind not in _USES:
                continue
            mine = [c for c in site.clients if isinstance(c, Client) and c.origin is not None
                    and id(c.origin) in candidates]
            for c in mine:
                candidates[id(c.origin)].uses.append(site)
        for cand in candidates.values():
            self._blockers(cand)
        self.adopted = {id(u): cand for cand in candidates.values() for u in cand.adopted}
        # handlers that would catch more on the SDK than they did: every client of the module stays compat
        widening = self._handlers().widening()
        project = ctx.project
        if project is not None and project.errors_widen and not widening:
            widening = ("a handler in another module of the project would catch more on the SDK than it caught "
                        "(its OA163 finding says which), so the project's clients stay compat")
        for cand in candidates.values():
            if widening and not cand.blockers:
                cand.blockers.append(widening)
        shared = self._imported(widening)
        module_uses = self._module_client() if not widening else []
        if module_uses:
            shared["<module client>"] = module_uses
        self._unconvertible(candidates, shared)
        if not candidates and not shared:
            self._module_flag(candidates, shared, stays)
            if ctx.native.clients is None and any(s.kind == "exception" for s in self.sites):
                # handlers without a client of their own: they catch what clients elsewhere raise
                ctx.native.handlers = True
                ctx.native.widens = bool(widening)  # the project's clients stay compat (runner: _native_handlers)
                project = ctx.project
                self._exceptions(all_native=bool(project is not None and project.native_errors), elsewhere=True,
                                 why=widening)
                self._imports()
            return
        changed = True
        while changed:  # a call that may go to several clients goes native only if all of them do
            changed = False
            for site in self.sites:
                if site.kind not in _USES or id(site) in self.adopted:
                    continue
                mine = self._owners(site, candidates)
                if any(m is not None for m in mine) and any(m is None or m.blockers for m in mine):
                    for m in mine:
                        if m is not None and not m.blockers:
                            m.blockers.append(f"{self._show(site.node)} may call it or another client")
                            changed = True
        converted = [c for c in candidates.values() if not c.blockers]
        for cand in candidates.values():
            if cand.blockers and cand.site is not None:
                ctx.report(cand.site.node, NativeClient.CODE, NativeClient.FEATURE, Severity.REVIEW,
                           f"stays on the openai SDK pointed at {ctx.spec.display}: {cand.blockers[0]}",
                           subject="client kept in compat style")
                for use in cand.uses:  # what only the SDK offers does not work on the compat endpoint
                    if use.resource is not None and use.resource.feature in self.native.native_only \
                            and self._method(use) is not None:
                        ctx.report(use.node, NativeClient.CODE, NativeClient.FEATURE, Severity.MANUAL,
                                   f"{'.'.join(use.extra.get('path', ()))} needs the {self.native.module} SDK, but "
                                   "its client stays on the openai SDK (see the client's finding); build a "
                                   f"{self.native.module} client for it", reaches_openai=False,
                                   subject="call that only the provider SDK serves")
        self._module_flag(candidates, shared, stays)
        if not converted and not shared:
            return
        uses: list[Site] = [use for group in shared.values() for use in group]
        for cand in converted:
            self._convert(cand)
            for use in [*cand.uses, *cand.adopted]:
                if use not in uses:
                    uses.append(use)
        for use in uses:
            self._call(use)
        _ResponseFlow(ctx, self.native, [u for u in uses if self._method(u) is not None]).run()
        self._exceptions(all_native=not stays and len(converted) == len(candidates)
                         and all(self._all_native(s, candidates, shared) for s in self.sites if s.kind in _USES))
        self._imports()

    def _imported(self, blocked: str | None = None) -> dict[str, list[Site]]:
        """Calls on clients built in other modules: whether this module could take them native (for the
        project's decision), and the calls to rewrite where the project decided so."""
        by_qual: dict[str, list[Site]] = {}
        asyncs: dict[str, bool] = {}
        project = self.ctx.project
        for qual in self.ctx.resolver.project_imports:  # clients only passed on here have no call site
            export = project.lookup(qual) if project is not None else None
            if export is not None:
                by_qual.setdefault(qual, [])
                asyncs[qual] = export.is_async
        for site in self.sites:
            if site.kind not in _USES:
                continue
            for c in site.clients:
                if isinstance(c, Client) and c.export is not None:
                    qual = f"{c.export.module}.{c.export.name}"
                    by_qual.setdefault(qual, []).append(site)
                    asyncs[qual] = asyncs.get(qual, False) or c.export.is_async
        out: dict[str, list[Site]] = {}
        for qual, uses in by_qual.items():
            cand = _Candidate(None, self.ctx.options.region, uses=uses)
            cand.paths = {tuple(u.extra.get("path", ())) for u in uses}
            ok = self.native.client_class(asyncs[qual], cand.region) is not None and all(
                self._method(u) is not None and isinstance(u.node, ast.Call) and self._direct(u)
                and len(u.clients) == 1 and not self._lost(u) for u in uses)
            export = project.lookup(qual) if project is not None else None
            module, name = (export.module, export.name) if export is not None else qual.rsplit(".", 1)
            cls_name, _, attr = name.rpartition(".")  # ``BaseBot.client``: held by a class a subclass here inherits
            locals_ = [a.asname or a.name for n in ast.walk(self.ctx.resolver.tree) if isinstance(n, ast.ImportFrom)
                       and (n.module or "").split(".")[-1] == module.split(".")[-1] for a in n.names
                       if a.name == (cls_name or name)]
            ok = ok and bool(locals_)
            if cls_name:  # every read of the attribute in the module is a call this pass rewrites
                for read in ast.walk(self.ctx.resolver.tree) if ok else ():
                    if isinstance(read, ast.Attribute) and read.attr == attr and isinstance(read.ctx, ast.Load) \
                            and self._escape(read, cand, cand.seen) is not None:
                        ok = False
                locals_ = []
            for local in locals_ if ok else ():
                for load in self._loads(self.ctx.resolver.tree, local):
                    parent = self.index.parents.get(id(load))
                    start = parent if isinstance(parent, ast.Call) and parent.func is load else load
                    if self._escape(start, cand, cand.seen) is not None:
                        ok = False
            ok = ok and not blocked and self._params(cand) is None and bool(uses or cand.adopted) and all(
                self._method(u) is not None and self._direct(u) for u in cand.adopted)
            self.ctx.native.imports[qual] = ok
            if not (ok and project is not None and qual in project.native):
                cand.blockers.append("shared client kept in compat style")
            self.adopted.update({id(u): cand for u in cand.adopted})
            if not cand.blockers:
                out[qual] = [*uses, *cand.adopted]
        return out

    def _module_client(self) -> list[Site]:
        """``openai.api_key = ...`` at the top of the module, then ``openai.chat.completions.create(...)``:
        a module-level SDK client built next to the key, and the calls go through it. The settings stay
        (the module-level client is the process's: other modules may rely on them). [] when the module
        does not set the key at its top level, or a use cannot go native."""
        ctx, tree = self.ctx, self.ctx.resolver.tree
        uses = [s for s in self.sites if s.kind in _USES and MODULE_CLIENT in s.clients]
        keys = [s for s in self.sites if s.kind == "module_setting" and s.attr == "api_key"]
        others = [s for s in self.sites if s.kind == "module_setting" and s.attr not in ("api_key", "base_url")]
        if not uses or len(keys) != 1 or others or keys[0].node not in tree.body or ctx.legacy_file \
                or ctx.module_dest.kind != "provider" or ctx.module_dest.provider != ctx.spec.name:
            return []
        cls = self.native.client_class(False, ctx.options.region)
        if cls is None or not all(len(u.clients) == 1 and not u.is_async and self._method(u) is not None
                                  and isinstance(u.node, ast.Call) and self._direct(u) and not self._renamed(u)
                                  and not self._lost(u) for u in uses):
            return []
        key = keys[0].node
        assert isinstance(key, ast.Assign)
        after = next((s.node for s in self.sites if s.kind == "module_setting" and s.attr == "base_url"
                      and s.node in tree.body and tree.body.index(s.node) > tree.body.index(key)), key)
        if any(tree.body.index(self._top(u.node)) <= tree.body.index(after) for u in uses):
            return []  # a call before the key is set (or in the same statement)
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
            a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        name = next(n for n in (f"{self.native.module}_client", *(f"{self.native.module}_client{i}"
                                                                    for i in range(2, 99))) if n not in bound)
        setting = self._code(key.targets[0])[1:-1]
        ctx.need_import(self.native.module)
        region = "".join(f", {k}={ctx.string(v)}" for k, v in self.native.region_kwargs.get(ctx.options.region,
                                                                                           {}).items())
        ctx.edit(after, "insert_after", NativeClient.CODE, stmts=[f"{name} = {cls}(api_key={setting}{region})"])
        for use in uses:
            root = use.node.func  # type: ignore[attr-defined]
            while isinstance(root, ast.Attribute):
                root = root.value
            ctx.edit(root, "replace_expr", NativeClient.CODE, src=name)
        ctx.report(key, NativeClient.CODE, NativeClient.FEATURE, Severity.AUTO,
                   f"module-level openai client → {name} = {cls}(...) ({ctx.spec.native_package} SDK), built once "
                   f"after {setting} is set; the openai settings stay for other modules that use the "
                   "module-level client (remove them and the openai import if none does)", reaches_openai=False,
                   subject="module-level client on the openai SDK")
        return uses

    def _top(self, node: ast.AST) -> ast.AST:
        """The top-level statement that holds ``node``."""
        while (parent := self.index.parents.get(id(node))) is not None and parent is not self.ctx.resolver.tree:
            node = parent
        return node

    def _unconvertible(self, candidates: dict[int, _Candidate], shared: dict[str, list[Site]]) -> None:
        """Calls on clients this pass cannot see built (module-level, injected, imported) stay as they are."""
        from migrator.sites import client_destination

        ctx = self.ctx
        native_uses = {id(u) for group in shared.values() for u in group}
        for site in self.sites:
            if site.kind not in _USES or not site.clients or id(site) in native_uses or id(site) in self.adopted:
                continue
            owners = dict(zip(site.clients, self._owners(site, candidates), strict=True))
            others = [c for c in ordered(site.clients) if owners.get(c) is None]
            if not others or any(isinstance(c, Client) and c.origin is not None for c in others):
                continue  # built here: the client's own finding says why it stays
            dests = [client_destination(c, ctx.resolver, ctx.provider_hosts, ctx.module_dest) for c in others
                     if isinstance(c, Client) and c.export is None]
            if any(d.kind in ("openai", "other") for d in dests):
                continue  # not on this provider: the compat findings cover it
            c = others[0]
            what = ("the module-level openai client" if getattr(c, "module", False) or getattr(c, "legacy", False)
                    else "a client built in another module" if getattr(c, "export", None) is not None
                    else "a client passed in")
            ctx.report(site.node, NativeClient.CODE, NativeClient.FEATURE, Severity.REVIEW,
                       f"call on {what} stays on the openai SDK pointed at {ctx.spec.display}: native style converts "
                       f"clients built with OpenAI(...) in the module that uses them; build a {self.native.module} "
                       "client there to go native", subject="client kept in compat style")

    def _module_flag(self, candidates: dict[int, _Candidate], shared: dict[str, list[Site]],
                     stays: list[Site]) -> None:
        """For the project: does every client this module uses go native (a handler in a module without
        clients may then catch the SDK's exceptions)? Absent when the module uses no client."""
        uses = [s for s in self.sites if s.kind in _USES and s.clients]
        if not uses and not candidates and not stays:
            return
        self.ctx.native.clients = not stays and all(not c.blockers for c in candidates.values()) and all(
            self._all_native(s, candidates, shared) for s in uses)

    def _all_native(self, site: Site, candidates: dict[int, _Candidate], shared: dict[str, list[Site]]) -> bool:
        if any(site in group for group in shared.values()):
            return True
        if id(site) in self.adopted:
            return not self.adopted[id(site)].blockers
        return all(cand is not None and not cand.blockers for cand in self._owners(site, candidates))

    @staticmethod
    def _owners(site: Site, candidates: dict[int, _Candidate]) -> list[_Candidate | None]:
        """The candidate each client of a call is (None: a client this pass does not convert). A client
        passed in (``client or OpenAI()``, known by its annotation) is the default's candidate where the
        module constructs the class without passing one."""
        built = [candidates.get(id(c.origin)) if isinstance(c, Client) and c.origin is not None else None
                 for c in site.clients]
        injected = next((c for c in built if c is not None and c.injected), None)
        return [b if b is not None else injected if isinstance(c, Client) and c.origin is None and not (
                c.module or c.export or c.legacy) else None for b, c in zip(built, site.clients, strict=True)]

    def _region(self, site: Site) -> str:
        url = call_kwarg(site.node, "base_url", self.ctx.resolver, site.scope)[1]  # type: ignore[arg-type]
        for lit in self.ctx.resolver.literal_sources(url, site.scope) if url is not None else ():
            if lit is not None and isinstance(lit.value, str):
                region = self.ctx.spec.region_of(lit.value)
                if region:
                    return region
        return self.ctx.options.region

    def _chosen_at_run_time(self, value: ast.expr, scope) -> bool:  # type: ignore[no-untyped-def]
        """``value`` may be something else than a literal of the code: a setting's, or an environment
        variable's other than OpenAI's own (``OPENAI_BASE_URL``: the OpenAI setup native style replaces)."""
        resolver = self.ctx.resolver
        sources = resolver.literal_sources(value, scope)
        return None in sources or any(not resolver.env_defaults[id(lit)].startswith("OPENAI_")
                                      for lit in sources if lit is not None and id(lit) in resolver.env_defaults)

    def _method(self, use: Site) -> NativeMethod | None:
        return self.native.methods.get(".".join(use.extra.get("path", ())))

    def _blockers(self, cand: _Candidate) -> None:
        native, call = self.native, cand.site.node
        assert isinstance(call, ast.Call)
        classes = cand.site.extra.get("classes")
        if classes:
            cand.blockers.append(f"{ast.unparse(call.func)}(...) builds one of {', '.join(classes)}: migrator cannot "
                                 f"rename it to one {native.module} client class")
            return
        if native.client_class(cand.site.is_async, cand.region) is None:
            cand.blockers.append(native.missing.get("async") or f"{native.module} has no asyncio client")
            return
        for k in call.keywords:
            if k.arg is None:
                cand.blockers.append("its arguments come from **kwargs")
                return
            if k.arg not in native.client_kwargs:
                cand.blockers.append(f"{k.arg}= has no {native.module} client equivalent")
                return
            if native.client_kwargs[k.arg] == "" and self._chosen_at_run_time(k.value, cand.site.scope):
                # ``base_url=os.environ.get("LLM_PROXY", <provider>)``: dropping it would lose the override
                cand.blockers.append(f"{k.arg}= is chosen at run time ({self._code(k.value)}) and the "
                                     f"{native.module} client takes no OpenAI-compatible {k.arg}")
                return
        cand.paths = {tuple(u.extra.get("path", ())) for u in cand.uses}
        escape = self._escape(call, cand, cand.seen)
        if escape is None:
            escape = self._params(cand)
        for use in [*cand.uses, *cand.adopted]:
            path = ".".join(use.extra.get("path", ()))
            if self._method(use) is None:
                feature = use.resource.feature if use.resource is not None else ""
                reason = native.missing.get(path) or native.missing.get(feature)
                cand.blockers.append(reason or f"{path} has no {native.module} equivalent")
                return
            if not isinstance(use.node, ast.Call) or not self._direct(use):
                cand.blockers.append(f"{self._show(use.node)} calls {path} through a name migrator cannot rename")
                return
            lost = self._lost(use)
            if lost:
                cand.blockers.append(lost)
                return
        if escape is not None and not cand.blockers:
            cand.blockers.append(escape)
        for qual in cand.shared:  # the project decides once every module that uses it has had its say
            self.ctx.native.exports[qual] = not cand.blockers
        project = self.ctx.project
        waiting = [q for q in cand.shared if project is None or q not in project.native]
        if waiting and not cand.blockers:
            cand.blockers.append(f"{', '.join(waiting)} is used by other modules that cannot all go native")

    def _show(self, node: ast.AST) -> str:
        """A node's code for a message (line numbers would be those of the compat pass's output)."""
        parent = self.index.parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt) and isinstance(node, ast.expr) \
                and hasattr(parent, "lineno"):  # a with-item or a comprehension has no source segment
            node, parent = parent, self.index.parents.get(id(parent))
        return self._code(node)

    def _code(self, node: ast.AST) -> str:
        """A node's source on one line, cut at 60 characters, in backticks."""
        text = " ".join((self.ctx.segment(node) or "").split())
        return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"

    def _direct(self, use: Site) -> bool:
        """The call spells its method path (``client.chat.completions.create(...)``)."""
        path = use.extra.get("path", ())
        func = use.node.func  # type: ignore[attr-defined]
        for attr in reversed(path):
            if not isinstance(func, ast.Attribute) or func.attr != attr:
                return self._method(use) is not None and not self._renamed(use)
            func = func.value
        return True

    def _lost(self, use: Site) -> str | None:
        """Why the call cannot go native: it sends per-call headers or query parameters the SDK method
        has no way to send (``extra_headers=`` on dashscope and qianfan)."""
        method = self._method(use)
        for k in use.node.keywords if method is not None and isinstance(use.node, ast.Call) else ():
            if k.arg in surface.PER_CALL_TRANSPORT and k.arg in method.drops:  # type: ignore[union-attr]
                return f"{self._show(use.node)} sends {k.arg}= ({method.drops[k.arg]})"  # type: ignore[union-attr]
        return None

    def _renamed(self, use: Site) -> bool:
        method = self._method(use)
        assert method is not None
        return bool(method.call or (method.async_call and use.is_async))

    def _escape(self, value: ast.AST, cand: _Candidate, seen: set[int]) -> str | None:
        """Why the client that ``value`` evaluates to cannot go native: it reaches code other than the
        calls this pass rewrites (None: every use is such a call)."""
        if id(value) in seen:
            return None
        seen.add(id(value))
        parents = self.index.parents
        attrs: list[str] = []
        node, parent = value, parents.get(id(value))
        while isinstance(parent, ast.Attribute) and parent.value is node:
            attrs.append(parent.attr)
            node, parent = parent, parents.get(id(parent))
        if attrs:
            return None if tuple(attrs) in cand.paths else \
                f"{self._show(node)} uses it in a way migrator does not follow"
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 or isinstance(parent, ast.AnnAssign):
            if isinstance(parent, ast.AnnAssign):
                cand.annotations.append(parent.annotation)
            target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            return self._escape_holder(target, cand, seen)
        if isinstance(parent, ast.Return):
            function = self.index.owner.get(id(parent))
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function not in self.ctx.resolver.tree.body:
                return f"{self._show(parent)} returns it from a function migrator does not follow"
            self._share(function.name, cand)
            if function.returns is not None:
                cand.annotations.append(function.returns)
            for load in self._loads(self.ctx.resolver.tree, function.name):
                call = parents.get(id(load))
                if not (isinstance(call, ast.Call) and call.func is load):
                    return f"{self._show(load)} uses {function.name} in a way migrator does not follow"
                why = self._escape(call, cand, seen)
                if why:
                    return why
            return None
        if isinstance(parent, ast.Call) and parent.func is not value:
            return self._passed(parent, value, cand, seen)
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[-1] is value:
            why = self._injected(parent, cand)  # ``self.client = client or OpenAI()``
            return why if why is not None else self._escape(parent, cand, seen)
        if self._truth_test(value):  # ``if client is None:``, ``if not client:``: any SDK client answers the same
            return None
        if isinstance(parent, ast.withitem):
            keyword = "async with" if isinstance(parents.get(id(parent)), ast.AsyncWith) else "with"
            return (f"`{keyword} {self._show(value)[1:-1]} as …` uses it as a context manager, which migrator "
                    "does not follow")
        return f"{self._show(value)} passes it where migrator does not follow"

    def _truth_test(self, node: ast.AST) -> bool:
        """``node`` is read only for its truth or for being None (``if not c``, ``c is None``, ``assert c``)."""
        parent = self.index.parents.get(id(node))
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            return True
        if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and isinstance(parent.ops[0], ast.Is | ast.IsNot):
            other = parent.comparators[0] if parent.left is node else parent.left
            return isinstance(other, ast.Constant) and other.value is None
        if isinstance(parent, ast.If | ast.While | ast.IfExp | ast.Assert) and parent.test is node:
            return True
        if isinstance(parent, ast.BoolOp):  # ``if client and ready:``, not ``c = client or OpenAI()``
            return self._truth_test(parent)
        return False

    def _passed(self, call: ast.Call, value: ast.AST, cand: _Candidate, seen: set[int]) -> str | None:
        """The client is an argument of a function of this module: follow it into the parameter."""
        fn = self._function(call.func)
        name = self._param_for(fn, call, value) if fn is not None else None
        if fn is None or name is None:
            return f"{self._show(call)} passes it where migrator does not follow"
        if (fn, name) in cand.params:
            return None
        cand.params.append((fn, name))
        arg = next(a for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs) if a.arg == name)
        if arg.annotation is not None:
            cand.annotations.append(arg.annotation)
        for site in self.sites:  # the calls on the parameter are calls on this client
            if site.kind in _USES and isinstance(site.node, ast.Call) and self.index.owner.get(id(site.node)) is fn:
                root = site.node.func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == name and site not in cand.adopted:
                    cand.adopted.append(site)
                    cand.paths.add(tuple(site.extra.get("path", ())))
        for load in self._loads(fn, name):
            why = self._escape(load, cand, seen)
            if why:
                return why
        return None

    def _injected(self, default: ast.BoolOp, cand: _Candidate) -> str | None:
        """``def __init__(self, client: Optional[OpenAI] = None): self.client = client or OpenAI()``: the
        client built here is the only one the attribute holds when no caller passes one. None: every
        construction of the class in the module passes none (and the class is not used elsewhere: the
        holder's check), so the parameter's annotation names the SDK class too."""
        fn = self.index.owner.get(id(default))
        cls = self.index.parents.get(id(fn)) if fn is not None else None
        tree = self.ctx.resolver.tree
        if not (isinstance(fn, ast.FunctionDef) and fn.name == "__init__" and isinstance(cls, ast.ClassDef)
                and cls in tree.body):
            return f"{self._show(default)} may hold a client passed in, which migrator does not follow"
        params = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        names = [v.id for v in default.values[:-1] if isinstance(v, ast.Name)]
        if len(names) != len(default.values) - 1 or not all(n in {a.arg for a in params[1:]} for n in names):
            return f"{self._show(default)} may hold a client migrator does not follow"
        for name in names:
            for load in self._loads(fn, name):
                if not (self.index.parents.get(id(load)) is default or self._truth_test(load)):
                    return f"{self._show(load)} uses the client passed in, which migrator does not follow"
            arg = next(a for a in params if a.arg == name)
            if arg.annotation is not None:
                cand.annotations.append(arg.annotation)
        calls, why = self._constructions(cls)
        if why:
            return why
        for call in calls:
            for name in names:
                passed = self._arg_for(fn, call, name, skip=1)
                if passed is not None and not (isinstance(passed, ast.Constant) and passed.value is None):
                    return f"{self._show(call)} passes {cls.name} a client of its own"
        cand.injected = True
        return None

    def _constructions(self, cls: ast.ClassDef, seen: frozenset[str] = frozenset()) -> tuple[list[ast.Call], str | None]:
        """The calls that build ``cls`` or a subclass of this module that keeps its ``__init__``; why not,
        when the class is used otherwise (a factory, a subclass with an ``__init__`` of its own)."""
        tree = self.ctx.resolver.tree
        calls: list[ast.Call] = []
        for load in self._loads(tree, cls.name):
            parent = self.index.parents.get(id(load))
            if isinstance(parent, ast.Call) and parent.func is load:
                calls.append(parent)
                continue
            sub = parent if isinstance(parent, ast.ClassDef) and load in parent.bases else None
            if sub is None or sub not in tree.body or sub.name in seen or any(
                    isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == "__init__" for n in sub.body):
                return [], f"{self._show(load)} uses {cls.name} in a way migrator does not follow"
            more, why = self._constructions(sub, seen | {cls.name})
            if why:
                return [], why
            calls += more
        return calls, None

    def _params(self, cand: _Candidate) -> str | None:
        """Every call of a function the client is passed to passes this client."""
        for fn, name in cand.params:
            for load in self._loads(self.ctx.resolver.tree, fn.name):
                call = self.index.parents.get(id(load))
                if not (isinstance(call, ast.Call) and call.func is load):
                    return f"{self._show(load)} uses {fn.name} in a way migrator does not follow"
                arg = self._arg_for(fn, call, name)
                if arg is None or id(arg) not in cand.seen:
                    return f"{self._show(call)} may pass {fn.name} another client"
        return None

    def _function(self, func: ast.expr) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        if not isinstance(func, ast.Name):
            return None
        defs = [n for n in self.ctx.resolver.tree.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == func.id]
        return defs[0] if len(defs) == 1 else None

    @staticmethod
    def _param_for(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, value: ast.AST) -> str | None:
        positional = [*fn.args.posonlyargs, *fn.args.args]
        for i, a in enumerate(call.args):
            if isinstance(a, ast.Starred):
                return None
            if a is value:
                return positional[i].arg if i < len(positional) else None
        for k in call.keywords:
            if k.value is value and k.arg is not None:
                names = {a.arg for a in (*fn.args.args, *fn.args.kwonlyargs)}
                return k.arg if k.arg in names else None
        return None

    @staticmethod
    def _arg_for(fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, name: str,
                 skip: int = 0) -> ast.expr | None:
        """The argument ``call`` passes for ``name`` (``skip``: leading parameters the call does not pass,
        ``self`` of a constructor)."""
        positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)][skip:]
        for k in call.keywords:
            if k.arg == name:
                return k.value
        if name in positional:
            i = positional.index(name)
            if i < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:i + 1]):
                return call.args[i]
        return None

    def _escape_holder(self, target: ast.expr, cand: _Candidate, seen: set[int]) -> str | None:
        tree = self.ctx.resolver.tree
        if isinstance(target, ast.Name):
            owner = self.index.owner.get(id(target), tree)
            if owner is tree:
                self._share(target.id, cand)
            if isinstance(owner, ast.FunctionDef | ast.AsyncFunctionDef) and target.id in {
                    a.arg for a in (*owner.args.posonlyargs, *owner.args.args, *owner.args.kwonlyargs)}:
                # ``def __init__(self, client=None): if not client: client = OpenAI()``
                return f"`{target.id}` is also a parameter of {owner.name}(): its callers may pass another client"
            loads = self._loads(owner, target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            classes = [c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                       and any(n is target for n in ast.walk(c))]
            if classes:  # ``client: OpenAI`` in the class body types the attribute: it names the new class
                cand.annotations.extend(s.annotation for s in classes[-1].body if isinstance(s, ast.AnnAssign)
                                        and isinstance(s.target, ast.Name) and s.target.id == target.attr)
                why = self._class_elsewhere(classes[-1], target.attr, cand)
                if why:
                    return why
            loads = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == target.attr
                     and isinstance(n.value, ast.Name) and n.value.id == target.value.id
                     and isinstance(n.ctx, ast.Load)]
        else:
            return f"{self._show(target)} holds it where migrator does not follow"
        for load in loads:
            why = self._escape(load, cand, seen)
            if why:
                return why
        return None

    def _class_elsewhere(self, cls: ast.ClassDef, attr: str, cand: _Candidate) -> str | None:
        """A class of this module that other modules import: a subclass there that calls ``self.client``
        shares the client (the project decides, as for a module-level client other modules import); any
        other use there (an instance's ``obj.client``) is where this module cannot see it."""
        module = self.ctx.resolver.module_name
        if not module or self.index.owner.get(id(cls), self.ctx.resolver.tree) is not self.ctx.resolver.tree:
            return None
        qual = f"{module}.{cls.name}"
        self.ctx.native.classes.add(qual)  # the runner looks again once it knows the project's imports
        project = self.ctx.project
        if project is None or qual not in project.imported_anywhere:
            return None
        if cand.injected:  # ``client or OpenAI()``: a module that builds the class may pass its own client
            return (f"{cls.name} takes a client passed in and is imported by other modules of the project, which "
                    "may pass one of their own")
        if f"{qual}.{attr}" in project.imported and qual not in project.opaque_classes:
            cand.shared.append(f"{qual}.{attr}")  # subclasses elsewhere: converted together, or not at all
            return None
        return (f"{cls.name} is imported by other modules of the project that use it in ways migrator does not "
                f"follow (the class passed on, .{attr} read without a call); the client it holds stays compat with "
                "their calls")

    def _loads(self, owner: ast.AST, name: str) -> list[ast.Name]:
        """Reads of ``name`` anywhere in ``owner``, nested functions included (a rebinding there is rare)."""
        return [n for n in ast.walk(owner) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]

    def _share(self, name: str, cand: _Candidate) -> None:
        project, module = self.ctx.project, self.ctx.resolver.module_name
        if project is not None and module and f"{module}.{name}" in project.imported:
            cand.shared.append(f"{module}.{name}")

    # -- the rewrite ------------------------------------------------------------------------------

    def _convert(self, cand: _Candidate) -> None:
        ctx, native = self.ctx, self.native
        call = cand.site.node
        assert isinstance(call, ast.Call)
        cls = native.client_class(cand.site.is_async, cand.region)
        assert cls is not None
        ctx.need_import(native.module)
        ctx.edit(call.func, "replace_expr", NativeClient.CODE, src=cls)
        self._replaced(call.func)
        for k in call.keywords:
            new = native.client_kwargs.get(k.arg or "")
            if new == "":
                ctx.edit(call, "remove_kwarg", NativeClient.CODE, name=k.arg)
            elif new and new != k.arg:
                ctx.edit(call, "rename_kwarg", NativeClient.CODE, old=k.arg, new=new)
        # ``-> OpenAI`` / ``client: OpenAI = ...`` / ``c: Optional[OpenAI]`` / ``OpenAI | None`` name the new class
        parts = {id(n): n for a in cand.annotations for n in ast.walk(a) if isinstance(n, ast.Name | ast.Attribute)}
        for text in {id(n): n for a in cand.annotations for n in ast.walk(a) if isinstance(n, ast.Constant)}.values():
            self._retype(text, cls)
        for annotation in parts.values():
            if self._placeable(annotation, "replace_expr") \
                    and any(isinstance(v, Qual) and v.name in _CLIENT_QUALS
                            for v in ctx.resolver.eval(annotation, ctx.resolver.module_scope)):
                ctx.edit(annotation, "replace_expr", NativeClient.CODE, src=cls)
                self._replaced(annotation)
        for name, value in native.region_kwargs.get(cand.region, {}).items():
            ctx.edit(call, "add_kwarg", NativeClient.CODE, name=name, src=ctx.string(value))
        old = cand.site.attr or "OpenAI"
        ctx.report(call, NativeClient.CODE, NativeClient.FEATURE, Severity.AUTO,
                   f"{old} client → {cls} ({ctx.spec.native_package} SDK)", reaches_openai=False,
                   subject=f"{old} client on the openai SDK")

    def _clients_in(self, text: ast.Constant) -> list[ast.expr] | None:
        """The openai client classes a string annotation (``"OpenAI"``, ``"Optional[OpenAI]"``) names, in
        source order (None: not a one-line annotation string)."""
        if not isinstance(text.value, str) or "\n" in text.value:
            return None
        try:
            expr = ast.parse(text.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        self._parsed.append(expr)  # the resolver memoizes by node identity: keep the nodes alive
        found = [n for n in ast.walk(expr) if isinstance(n, ast.Name | ast.Attribute) and any(
            isinstance(v, Qual) and v.name in _CLIENT_QUALS
            for v in self.ctx.resolver.eval(n, self.ctx.resolver.module_scope))]
        return sorted(found, key=lambda n: n.col_offset)

    def _retype(self, text: ast.Constant, cls: str) -> None:
        """``"OpenAI"`` / ``"OpenAI | None"`` in an annotation of a converted client names the SDK class."""
        found = self._clients_in(text)
        if not found or id(text) in self.retyped or not self._placeable(text, "replace_expr"):
            return
        value = text.value.strip()
        out, end = [], 0
        for n in found:
            out.append(value[end:n.col_offset])
            out.append(cls)
            end = n.end_col_offset or n.col_offset
        out.append(value[end:])
        self.ctx.edit(text, "replace_expr", NativeClient.CODE, src=self.ctx.string("".join(out)))
        self.retyped.add(id(text))

    def _call(self, use: Site) -> None:
        ctx, method = self.ctx, self._method(use)
        assert method is not None and isinstance(use.node, ast.Call)
        call = use.node
        notes: list[str] = []
        review = False
        new_path = method.async_call if (method.async_call and use.is_async) else method.call
        if new_path:
            old_path = use.extra.get("path", ())
            self._rename_method(call, old_path, tuple(new_path.split(".")))
            notes.append(f"{'.'.join(old_path)} → {new_path}")
        moved: dict[str, str] = {}
        target = self._extras_holder(call, method)
        for k in call.keywords:
            if k.arg is None:
                if method.accepts is not None:
                    review = True
                    notes.append(f"check the keys of **{ctx.segment(k.value)}: {self.native.module} takes only "
                                 "its own keyword arguments")
                continue
            if k.arg in method.spread:
                self._spread(call, k, method, notes)
                continue
            if k.arg in method.renames:
                ctx.edit(call, "rename_kwarg", NativeCall.CODE, old=k.arg, new=method.renames[k.arg])
                notes.append(f"{k.arg}= → {method.renames[k.arg]}=")
            elif k.arg in method.drops:
                ctx.edit(call, "remove_kwarg", NativeCall.CODE, name=k.arg)
                notes.append(f"dropped {k.arg}= ({method.drops[k.arg]})")
                review = review or k.arg not in method.harmless
            elif method.accepts is not None and k.arg not in method.accepts and method.extras:
                src = ctx.segment(k.value)
                if src is None or "\n" in src:
                    review = True
                    notes.append(f"move {k.arg}= into {method.extras}= by hand")
                    continue
                moved[k.arg] = src
        if moved:
            if target is None or target.arg is None:
                name = method.extras
            else:
                name = target.arg
            if target is not None and not isinstance(target.value, ast.Dict):
                review = True
                notes.append(f"{', '.join(moved)} must go into {method.extras}= by hand")
            else:
                for arg in moved:
                    ctx.edit(call, "remove_kwarg", NativeCall.CODE, name=arg)
                ctx.edit(call, "merge_extra_body", NativeCall.CODE, entries=moved, quote=ctx.quote, kw=name)
                notes.append(f"{', '.join(moved)} → {method.extras}=")
        if target is not None and target.arg != method.extras:
            ctx.edit(call, "rename_kwarg", NativeCall.CODE, old=target.arg, new=method.extras)
        if notes:
            ctx.report(call, NativeCall.CODE, NativeCall.FEATURE, Severity.REVIEW if review else Severity.AUTO,
                       f"{self.native.module}: " + "; ".join(notes), subject="call arguments of the openai SDK")

    def _extras_holder(self, call: ast.Call, method: NativeMethod) -> ast.keyword | None:
        """The dict argument that takes arguments the SDK lacks: ``extras`` itself, or a spread
        ``extra_body`` that cannot be spread and is renamed to ``extras``."""
        for k in call.keywords:
            if k.arg == method.extras:
                return k
        for k in call.keywords:
            if k.arg in method.spread and not self._spreadable(k, method):
                return k
        return None

    def _spreadable(self, k: ast.keyword, method: NativeMethod) -> bool:
        if not isinstance(k.value, ast.Dict) or not k.value.keys:
            return False
        keys = [key.value if isinstance(key, ast.Constant) else None for key in k.value.keys]
        if not all(isinstance(key, str) and key.isidentifier() for key in keys):
            return False
        return method.accepts is None or all(key in method.accepts for key in keys)

    def _spread(self, call: ast.Call, k: ast.keyword, method: NativeMethod, notes: list[str]) -> None:
        ctx = self.ctx
        if self._spreadable(k, method):
            ctx.edit(call, "spread_kwarg", NativeCall.CODE, name=k.arg)
            notes.append(f"{k.arg}= entries → keyword arguments")
        elif method.extras:
            if k.arg != method.extras and not any(x.arg == method.extras for x in call.keywords):
                notes.append(f"{k.arg}= → {method.extras}=")  # renamed by the extras holder
        else:
            ctx.edit(call, "spread_kwarg", NativeCall.CODE, name=k.arg)
            notes.append(f"{k.arg}= → **{ctx.segment(k.value)}")

    def _rename_method(self, call: ast.Call, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        func = call.func
        base = func
        for _ in old:
            assert isinstance(base, ast.Attribute)
            base = base.value
        src = self.ctx.segment(base)
        if src is None:
            return
        if len(old) == len(new) and old[:-1] == new[:-1]:
            self.ctx.edit(call, "rename_callee", NativeCall.CODE, name=new[-1])
        else:
            self.ctx.edit(func, "replace_expr", NativeCall.CODE, src=".".join((src, *new)))

    def _handlers(self) -> Handlers:
        return Handlers(self.ctx, self.native, self.sites, self.index.parents, self._placeable, self._replaced)

    def _exceptions(self, all_native: bool, elsewhere: bool = False, why: str | None = None) -> None:
        self._handlers().run(all_native, elsewhere, why)

    def _placeable(self, node: ast.expr, op: str) -> bool:
        from migrator.edits import Edit, Placer, Unplaceable

        placer = per_module(self.ctx.resolver, "_placer", lambda: Placer(self.ctx.resolver.tree))
        try:
            placer.place(Edit(node, op, {}, ("", "")))
        except Unplaceable:
            return False
        return True

    def _replaced(self, node: ast.expr) -> None:
        while isinstance(node, ast.Attribute):
            node = node.value
        if isinstance(node, ast.Name):
            self.replaced_roots.add(id(node))

    def _imports(self) -> None:
        """Remove openai imports that nothing reads any more."""
        tree = self.ctx.resolver.tree
        locals_: dict[str, list[tuple[ast.AST, str | None]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "openai" and node.level == 0:
                for alias in node.names:
                    locals_.setdefault(alias.asname or alias.name, []).append((node, alias.name))
            elif isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].name == "openai":
                locals_.setdefault(node.names[0].asname or "openai", []).append((node, None))
        if not locals_:
            return
        reads: dict[str, int] = {}
        replaced: set[str] = set()  # names whose reads the edits replace
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in locals_ and id(node) in self.replaced_roots:
                replaced.add(node.id)
            elif isinstance(node, ast.Name) and node.id in locals_:
                reads[node.id] = reads.get(node.id, 0) + 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in self.retyped \
                    and self._annotation(node):  # ``"OpenAI"`` reads the import too (typing.get_type_hints)
                for name in self._string_names(node):
                    if name in locals_:
                        reads[name] = reads.get(name, 0) + 1
        removed: dict[int, int] = {}  # import statement -> names it loses
        for local, imports in locals_.items():
            if reads.get(local) or len(imports) != 1 or local not in replaced:
                continue
            node, name = imports[0]
            if node not in tree.body:
                continue  # a function-local or conditional import: left as it is
            if name is None:
                self.ctx.edit(node, "remove_stmt", NativeClient.CODE)
            else:
                self.ctx.edit(node, "remove_import_name", NativeClient.CODE, name=name)
            removed[id(node)] = removed.get(id(node), 0) + 1
            self.ctx.native.removed.add(local)  # tests may patch "<module>.<local>" (the runner looks)
        # the SDK import takes the place of the first openai import that goes away entirely
        module = (self.native.module, None)
        for stmt in tree.body:
            if isinstance(stmt, ast.Import | ast.ImportFrom) and removed.get(id(stmt)) == len(stmt.names) \
                    and module in self.ctx.imports:
                self.ctx.imports.discard(module)
                self.ctx.edit(stmt, "insert_after", NativeClient.CODE, stmts=[f"import {self.native.module}"])
                break

    def _annotation(self, node: ast.AST) -> bool:
        """``node`` is (part of) an annotation."""
        parents = self.index.parents
        child, parent = node, parents.get(id(node))
        while isinstance(parent, ast.Subscript | ast.BinOp | ast.Tuple | ast.Attribute | ast.List):
            child, parent = parent, parents.get(id(parent))
        return (isinstance(parent, ast.arg | ast.AnnAssign) and child is parent.annotation) or (
            isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and child is parent.returns)

    @staticmethod
    def _string_names(node: ast.Constant) -> list[str]:
        try:
            expr = ast.parse(str(node.value).strip(), mode="eval")
        except SyntaxError:
            return []
        return [n.id for n in ast.walk(expr) if isinstance(n, ast.Name)]


class _ResponseFlow(Flow):
    """Follows native responses; the state carried is (response kind, attribute path from the root)."""

    def __init__(self, ctx: PlanContext, native: NativeSpec, uses: list[Site]) -> None:
        super().__init__(ctx, [], NativeResponse.CODE)
        self.native = native
        self.renamed: set[int] = set()  # attribute nodes the flow renamed
        methods = [(u, native.methods[".".join(u.extra.get("path", ()))]) for u in uses]
        self.queue = [(u.node, (m.response, ())) for u, m in methods if m.response]  # type: ignore[misc]

    def run(self) -> None:
        if not (self.native.response_renames or self.native.dump_methods or self.native.message_param
                or self.native.response_missing):
            return
        visits: dict[int, int] = {}
        while self.queue:
            expr, state = self.queue.pop()
            if (id(expr), state) in self.seen:  # type: ignore[operator]
                continue
            visits[id(expr)] = visits.get(id(expr), 0) + 1
            if visits[id(expr)] > 8:  # a value that flows back into itself (x = sorted(x)[...]): its path grows
                continue
            self.seen.add((id(expr), state))  # type: ignore[arg-type]
            self._follow(expr, state)
        self._untraced_reads()

    def _into_messages(self, node: ast.AST) -> bool:
        """``node`` goes into a list of messages: ``messages.append(m)``, ``messages.insert(i, m)``,
        ``messages.extend([m])``, ``messages += [m]``, ``create(messages=[..., m])``."""
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
            return (parent.func.attr == "append" and len(parent.args) == 1 and parent.args[0] is node) or (
                parent.func.attr == "insert" and len(parent.args) == 2 and parent.args[1] is node)
        if not isinstance(parent, ast.List) or not any(e is node for e in parent.elts):
            return False
        grand = self.parents.get(id(parent))
        if isinstance(grand, ast.Call) and isinstance(grand.func, ast.Attribute):
            return grand.func.attr == "extend" and len(grand.args) == 1 and grand.args[0] is parent
        return (isinstance(grand, ast.AugAssign) and isinstance(grand.op, ast.Add) and grand.value is parent) or (
            isinstance(grand, ast.keyword) and grand.arg == "messages")

    def _untraced_reads(self) -> None:
        """``x.usage.prompt_tokens`` on a value not traced to a response: say what the SDK calls it."""
        renames = {tuple(key.split(".")): new for kind in self.native.response_renames.values()
                   for key, new in kind.items() if "." in key}
        if not renames:
            return
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Attribute) or id(node) in self.renamed:
                continue
            for key, new in renames.items():
                if node.attr == key[-1] and isinstance(node.value, ast.Attribute) and node.value.attr == key[-2]:
                    self.ctx.report(node, self.code, "native", Severity.REVIEW,
                                    f".{'.'.join(key)} on a value migrator could not trace to a response: if it "
                                    f"reads a {self.native.module} response, it is .{'.'.join((*key[:-1], new))}",
                                    subject="response read migrator could not trace")

    def _chain(self, root: ast.expr, state):  # type: ignore[override]
        ctx, native = self.ctx, self.native
        kind, path = state
        renames = native.response_renames.get(kind, {})
        node: ast.AST = root
        changed: list[str] = []
        climbed: set[int] = set()
        while id(node) not in climbed:
            climbed.add(id(node))
            parent = self.parents.get(id(node))
            if isinstance(parent, ast.Subscript) and parent.value is node:
                path = (*path, "[]")
                node = parent
                continue
            if isinstance(parent, ast.Attribute) and parent.value is node:
                key = ".".join(p for p in (*path, parent.attr) if p != "[]")
                grand = self.parents.get(id(parent))
                new = renames.get(key)
                gone = native.response_missing.get(kind, {}).get(key)
                if gone and id(parent) not in self.reported:
                    self.reported.add(id(parent))
                    ctx.report(parent, self.code, "native", Severity.MANUAL,
                               f".{key} raises AttributeError on a {native.module} response: {gone}",
                               subject="response field the provider SDK lacks")
                if new:
                    self.renamed.add(id(parent))
                    ctx.edit(parent, "rename_attr", self.code, name=new)
                    changed.append(f".{parent.attr} → .{new}")
                dump = native.dump_methods.get(parent.attr)
                if dump and isinstance(grand, ast.Call) and grand.func is parent:
                    ctx.edit(parent, "rename_attr", self.code, name=dump)
                    changed.append(f".{parent.attr}() → .{dump}()")
                    for k in grand.keywords:
                        if k.arg in native.dump_drops:
                            ctx.edit(grand, "remove_kwarg", self.code, name=k.arg)
                            changed.append(f"dropped {k.arg}= ({native.dump_drops[k.arg]})")
                    node = grand
                    break
                path = (*path, parent.attr)
                node = parent
                continue
            if native.message_param and kind == "chat" and [p for p in path if p != "[]"] == ["choices", "message"] \
                    and self._into_messages(node):
                ctx.edit(node, "replace_expr", self.code, src=f"{ctx.segment(node)}.{native.message_param}")
                changed.append(f"message added to the messages as .{native.message_param}")
            break
        if changed and id(node) not in self.reported:
            self.reported.add(id(node))
            ctx.report(node, self.code, "native", Severity.AUTO, f"{native.module} response: " + ", ".join(changed),
                       subject="response read as an openai object")
        if isinstance(self.parents.get(id(node)), ast.For | ast.AsyncFor | ast.comprehension) \
                and path and path[-1] != "[]":
            path = (*path, "[]")  # iterating a list field (choices, data) yields its items
        return node, (kind, path)
