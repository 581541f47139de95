"""Native style: the clients a module uses but does not build.

A client built in another module of the project (``imported``: this module says whether it could take it
native, the project decides), the module-level openai client configured at the top of the module
(``module_client``: an SDK client is built next to the key), and the calls on clients this pass cannot see
built, which stay as they are and say why (``unconvertible``).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from migrator.model import Severity
from migrator.resolve import MODULE_CLIENT, Client, ordered
from migrator.rules.features.native.base import (
    CLIENT_CODE,
    FEATURE,
    USES,
    Candidate,
    ModuleView,
    loads_of,
    owners_of,
)
from migrator.rules.features.native.clients import ClientCheck
from migrator.sites import Site, client_destination


class Elsewhere:
    """The calls of the module on clients built elsewhere (another module, the openai module itself)."""

    def __init__(self, view: ModuleView, check: ClientCheck) -> None:
        self.view, self.check = view, check
        self.ctx, self.native, self.sites, self.index = view.ctx, view.native, view.sites, view.index

    def imported(self, adopted: dict[int, Candidate], blocked: str | None = None) -> dict[str, list[Site]]:
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
            if site.kind not in USES:
                continue
            for c in site.clients:
                if isinstance(c, Client) and c.export is not None:
                    qual = f"{c.export.module}.{c.export.name}"
                    by_qual.setdefault(qual, []).append(site)
                    asyncs[qual] = asyncs.get(qual, False) or c.export.is_async
        out: dict[str, list[Site]] = {}
        for qual, uses in by_qual.items():
            cand = Candidate(None, self.ctx.options.region, uses=uses)
            cand.paths = {tuple(u.extra.get("path", ())) for u in uses}
            ok = self.native.client_class(asyncs[qual], cand.region) is not None and all(
                self.view.method(u) is not None and isinstance(u.node, ast.Call) and self.view.direct(u)
                and len(u.clients) == 1 and not self.view.lost(u) for u in uses)
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
                            and self.check.escape(read, cand, cand.seen) is not None:
                        ok = False
                locals_ = []
            for local in locals_ if ok else ():
                for load in loads_of(self.ctx.resolver.tree, local):
                    parent = self.index.parents.get(id(load))
                    start = parent if isinstance(parent, ast.Call) and parent.func is load else load
                    if self.check.escape(start, cand, cand.seen) is not None:
                        ok = False
            ok = ok and not blocked and self.check.params(cand) is None and bool(uses or cand.adopted) and all(
                self.view.method(u) is not None and self.view.direct(u) for u in cand.adopted)
            self.ctx.native.imports[qual] = ok
            if not (ok and project is not None and qual in project.native):
                cand.blockers.append("shared client kept in compat style")
            adopted.update({id(u): cand for u in cand.adopted})
            if not cand.blockers:
                out[qual] = [*uses, *cand.adopted]
        return out

    def module_client(self) -> list[Site]:
        """``openai.api_key = ...`` at the top of the module, then ``openai.chat.completions.create(...)``:
        a module-level SDK client built next to the key, and the calls go through it. The settings stay
        (the module-level client is the process's: other modules may rely on them). [] when the module
        does not set the key at its top level, or a use cannot go native."""
        ctx, tree = self.ctx, self.ctx.resolver.tree
        uses = [s for s in self.sites if s.kind in USES and MODULE_CLIENT in s.clients]
        keys = [s for s in self.sites if s.kind == "module_setting" and s.attr == "api_key"]
        others = [s for s in self.sites if s.kind == "module_setting" and s.attr not in ("api_key", "base_url")]
        if not uses or len(keys) != 1 or others or keys[0].node not in tree.body or ctx.legacy_file \
                or ctx.module_dest.kind != "provider" or ctx.module_dest.provider != ctx.spec.name:
            return []
        cls = self.native.client_class(False, ctx.options.region)
        if cls is None or not all(len(u.clients) == 1 and not u.is_async and self.view.method(u) is not None
                                  and isinstance(u.node, ast.Call) and self.view.direct(u) and not self.view.renamed(u)
                                  and not self.view.lost(u) for u in uses):
            return []
        key = keys[0].node
        assert isinstance(key, ast.Assign)
        after = next((s.node for s in self.sites if s.kind == "module_setting" and s.attr == "base_url"
                      and s.node in tree.body and tree.body.index(s.node) > tree.body.index(key)), key)
        body: Sequence[ast.AST] = tree.body  # whose index() takes any node (top() is a statement of it)
        if any(body.index(self.view.top(u.node)) <= body.index(after) for u in uses):
            return []  # a call before the key is set (or in the same statement)
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
            a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        name = next(n for n in (f"{self.native.module}_client", *(f"{self.native.module}_client{i}"
                                                                    for i in range(2, 99))) if n not in bound)
        setting = self.view.code(key.targets[0])[1:-1]
        ctx.need_import(self.native.module)
        region = "".join(f", {k}={ctx.string(v)}" for k, v in self.native.region_kwargs.get(ctx.options.region,
                                                                                           {}).items())
        ctx.edit(after, "insert_after", CLIENT_CODE, stmts=[f"{name} = {cls}(api_key={setting}{region})"])
        for use in uses:
            root = use.node.func  # type: ignore[attr-defined]
            while isinstance(root, ast.Attribute):
                root = root.value
            ctx.edit(root, "replace_expr", CLIENT_CODE, src=name)
        ctx.report(key, CLIENT_CODE, FEATURE, Severity.AUTO,
                   f"module-level openai client → {name} = {cls}(...) ({ctx.spec.native_package} SDK), built once "
                   f"after {setting} is set; the openai settings stay for other modules that use the "
                   "module-level client (remove them and the openai import if none does)", reaches_openai=False,
                   subject="module-level client on the openai SDK")
        return uses

    def unconvertible(self, candidates: dict[int, Candidate], shared: dict[str, list[Site]],
                      adopted: dict[int, Candidate]) -> None:
        """Calls on clients this pass cannot see built (module-level, injected, imported) stay as they are."""
        ctx = self.ctx
        native_uses = {id(u) for group in shared.values() for u in group}
        for site in self.sites:
            if site.kind not in USES or not site.clients or id(site) in native_uses or id(site) in adopted:
                continue
            owners = dict(zip(site.clients, owners_of(site, candidates), strict=True))
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
            ctx.report(site.node, CLIENT_CODE, FEATURE, Severity.REVIEW,
                       f"call on {what} stays on the openai SDK pointed at {ctx.spec.display}: native style converts "
                       f"clients built with OpenAI(...) in the module that uses them; build a {self.native.module} "
                       "client there to go native", subject="client kept in compat style")
