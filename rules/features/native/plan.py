"""Native style: the planner of one module, which composes the pieces of the pass.

It finds the constructions pointed at the target provider (``clients.py`` decides which can go native),
adds the clients the module uses but does not build (``elsewhere.py``), makes a call that may go to
several clients go native only if all of them do, then rewrites the clients (``convert.py``), their calls
(``calls.py``), the reads of their responses (``responses.py``), the exception handlers around them
(``errors.py``) and the openai imports left unused (``imports.py``).
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.resolve import Client
from migrator.rules.base import PlanContext
from migrator.rules.features.native.base import CLIENT_CODE, FEATURE, USES, Candidate, ModuleView, owners_of
from migrator.rules.features.native.calls import CallRewriter
from migrator.rules.features.native.clients import ClientCheck
from migrator.rules.features.native.convert import Converter
from migrator.rules.features.native.elsewhere import Elsewhere
from migrator.rules.features.native.errors import Handlers
from migrator.rules.features.native.imports import OpenAIImports
from migrator.rules.features.native.responses import ResponseFlow
from migrator.rules.providers import NativeSpec
from migrator.sites import Site, construction_destination


class Planner:
    """Which clients of one module go native, and the rewrite of those that do."""

    def __init__(self, ctx: PlanContext, native: NativeSpec, sites: list[Site]) -> None:
        self.ctx = ctx
        self.native = native
        self.sites = sites
        self.view = ModuleView(ctx, native, sites)
        self.check = ClientCheck(self.view)
        self.elsewhere = Elsewhere(self.view, self.check)
        self.converter = Converter(self.view)
        self.calls = CallRewriter(self.view)
        self.adopted: dict[int, Candidate] = {}  # calls on a parameter the client is passed in as

    def run(self) -> None:
        ctx = self.ctx
        candidates: dict[int, Candidate] = {}
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
            candidates[id(call)] = Candidate(site, self.check.region(site))
        for site in self.sites:
            if site.kind not in USES:
                continue
            mine = [c for c in site.clients if isinstance(c, Client) and c.origin is not None
                    and id(c.origin) in candidates]
            for c in mine:
                candidates[id(c.origin)].uses.append(site)
        for cand in candidates.values():
            self.check.blockers(cand)
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
        shared = self.elsewhere.imported(self.adopted, widening)
        module_uses = self.elsewhere.module_client() if not widening else []
        if module_uses:
            shared["<module client>"] = module_uses
        self.elsewhere.unconvertible(candidates, shared, self.adopted)
        if not candidates and not shared:
            self._module_flag(candidates, shared, stays)
            if ctx.native.clients is None and any(s.kind == "exception" for s in self.sites):
                # handlers without a client of their own: they catch what clients elsewhere raise
                ctx.native.handlers = True
                ctx.native.widens = bool(widening)  # the project's clients stay compat (project passes)
                project = ctx.project
                self._exceptions(all_native=bool(project is not None and project.native_errors), elsewhere=True,
                                 why=widening)
                OpenAIImports(self.view).run()
            return
        changed = True
        while changed:  # a call that may go to several clients goes native only if all of them do
            changed = False
            for site in self.sites:
                if site.kind not in USES or id(site) in self.adopted:
                    continue
                owners = owners_of(site, candidates)
                if any(m is not None for m in owners) and any(m is None or m.blockers for m in owners):
                    for m in owners:
                        if m is not None and not m.blockers:
                            m.blockers.append(f"{self.view.show(site.node)} may call it or another client")
                            changed = True
        converted = [c for c in candidates.values() if not c.blockers]
        for cand in candidates.values():
            if cand.blockers and cand.site is not None:
                ctx.report(cand.site.node, CLIENT_CODE, FEATURE, Severity.REVIEW,
                           f"stays on the openai SDK pointed at {ctx.spec.display}: {cand.blockers[0]}",
                           subject="client kept in compat style")
                for use in cand.uses:  # what only the SDK offers does not work on the compat endpoint
                    if use.resource is not None and use.resource.feature in self.native.native_only \
                            and self.view.method(use) is not None:
                        ctx.report(use.node, CLIENT_CODE, FEATURE, Severity.MANUAL,
                                   f"{'.'.join(use.extra.get('path', ()))} needs the {self.native.module} SDK, but "
                                   "its client stays on the openai SDK (see the client's finding); build a "
                                   f"{self.native.module} client for it", reaches_openai=False,
                                   subject="call that only the provider SDK serves")
        self._module_flag(candidates, shared, stays)
        if not converted and not shared:
            return
        uses: list[Site] = [use for group in shared.values() for use in group]
        for cand in converted:
            self.converter.convert(cand)
            for use in [*cand.uses, *cand.adopted]:
                if use not in uses:
                    uses.append(use)
        for use in uses:
            self.calls.rewrite(use)
        ResponseFlow(ctx, self.native, [u for u in uses if self.view.method(u) is not None]).run()
        self._exceptions(all_native=not stays and len(converted) == len(candidates)
                         and all(self._all_native(s, candidates, shared) for s in self.sites if s.kind in USES))
        OpenAIImports(self.view).run()

    def _module_flag(self, candidates: dict[int, Candidate], shared: dict[str, list[Site]],
                     stays: list[Site]) -> None:
        """For the project: does every client this module uses go native (a handler in a module without
        clients may then catch the SDK's exceptions)? Absent when the module uses no client."""
        uses = [s for s in self.sites if s.kind in USES and s.clients]
        if not uses and not candidates and not stays:
            return
        self.ctx.native.clients = not stays and all(not c.blockers for c in candidates.values()) and all(
            self._all_native(s, candidates, shared) for s in uses)

    def _all_native(self, site: Site, candidates: dict[int, Candidate], shared: dict[str, list[Site]]) -> bool:
        if any(site in group for group in shared.values()):
            return True
        if id(site) in self.adopted:
            return not self.adopted[id(site)].blockers
        return all(cand is not None and not cand.blockers for cand in owners_of(site, candidates))

    def _handlers(self) -> Handlers:
        return Handlers(self.ctx, self.native, self.sites, self.view.index.parents, self.view.placeable,
                        self.view.replaced)

    def _exceptions(self, all_native: bool, elsewhere: bool = False, why: str | None = None) -> None:
        self._handlers().run(all_native, elsewhere, why)
