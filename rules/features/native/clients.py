"""Native style: which clients built in the module can go native.

A construction pointed at the target provider becomes a ``Candidate``; ``ClientCheck.blockers`` lists
why it cannot go native (an argument the SDK client lacks, a method the SDK lacks, a call migrator cannot
rename) and follows the client wherever the module puts it (``escape``): assignments, returns of module
functions, arguments of module functions, ``client or OpenAI()`` defaults, attributes of classes other
modules of the project may import. Any use the pass would not rewrite keeps it on the openai SDK.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from migrator.model import Region
from migrator.resolve import Scope
from migrator.rules.features.native.base import USES, Candidate, ModuleView, loads_of
from migrator.sites import Site, call_kwarg


class ClientCheck:
    """Blockers and escape analysis of the module's client candidates."""

    def __init__(self, view: ModuleView) -> None:
        self.view = view
        self.ctx, self.native, self.sites, self.index = view.ctx, view.native, view.sites, view.index

    def region(self, site: Site) -> Region:
        """The region the construction's base URL names (else the one the options say)."""
        url = call_kwarg(site.node, "base_url", self.ctx.resolver, site.scope)[1]  # type: ignore[arg-type]
        for lit in self.ctx.resolver.literal_sources(url, site.scope) if url is not None else ():
            if lit is not None and isinstance(lit.value, str):
                region = self.ctx.spec.region_of(lit.value)
                if region:
                    return region
        return self.ctx.options.region

    def _chosen_at_run_time(self, value: ast.expr, scope: Scope) -> bool:
        """``value`` may be something else than a literal of the code: a setting's, or an environment
        variable's other than OpenAI's own (``OPENAI_BASE_URL``: the OpenAI setup native style replaces)."""
        resolver = self.ctx.resolver
        sources = resolver.literal_sources(value, scope)
        return None in sources or any(not resolver.env_defaults[id(lit)].startswith("OPENAI_")
                                      for lit in sources if lit is not None and id(lit) in resolver.env_defaults)

    def blockers(self, cand: Candidate) -> None:
        native, site = self.native, cand.site
        assert site is not None  # a client built in this module
        call = site.node
        assert isinstance(call, ast.Call)
        classes = site.extra.get("classes")
        if classes:
            cand.blockers.append(f"{ast.unparse(call.func)}(...) builds one of {', '.join(classes)}: migrator cannot "
                                 f"rename it to one {native.module} client class")
            return
        if native.client_class(site.is_async, cand.region) is None:
            cand.blockers.append(native.missing.get("async") or f"{native.module} has no asyncio client")
            return
        for k in call.keywords:
            if k.arg is None:
                cand.blockers.append("its arguments come from **kwargs")
                return
            if k.arg not in native.client_kwargs:
                cand.blockers.append(f"{k.arg}= has no {native.module} client equivalent")
                return
            if native.client_kwargs[k.arg] == "" and self._chosen_at_run_time(k.value, site.scope):
                # ``base_url=os.environ.get("LLM_PROXY", <provider>)``: dropping it would lose the override
                cand.blockers.append(f"{k.arg}= is chosen at run time ({self.view.code(k.value)}) and the "
                                     f"{native.module} client takes no OpenAI-compatible {k.arg}")
                return
        cand.paths = {tuple(u.extra.get("path", ())) for u in cand.uses}
        escape = self.escape(call, cand, cand.seen)
        if escape is None:
            escape = self.params(cand)
        for use in [*cand.uses, *cand.adopted]:
            path = ".".join(use.extra.get("path", ()))
            if self.view.method(use) is None:
                feature = use.resource.feature if use.resource is not None else ""
                reason = native.missing.get(path) or native.missing.get(feature)
                cand.blockers.append(reason or f"{path} has no {native.module} equivalent")
                return
            if not isinstance(use.node, ast.Call) or not self.view.direct(use):
                cand.blockers.append(f"{self.view.show(use.node)} calls {path} through a name migrator cannot rename")
                return
            lost = self.view.lost(use)
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

    def escape(self, value: ast.AST, cand: Candidate, seen: set[int]) -> str | None:
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
                f"{self.view.show(node)} uses it in a way migrator does not follow"
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 or isinstance(parent, ast.AnnAssign):
            if isinstance(parent, ast.AnnAssign):
                cand.annotations.append(parent.annotation)
            target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            return self._escape_holder(target, cand, seen)
        if isinstance(parent, ast.Return):
            function = self.index.owner.get(id(parent))
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function not in self.ctx.resolver.tree.body:
                return f"{self.view.show(parent)} returns it from a function migrator does not follow"
            self._share(function.name, cand)
            if function.returns is not None:
                cand.annotations.append(function.returns)
            for load in loads_of(self.ctx.resolver.tree, function.name):
                call = parents.get(id(load))
                if not (isinstance(call, ast.Call) and call.func is load):
                    return f"{self.view.show(load)} uses {function.name} in a way migrator does not follow"
                why = self.escape(call, cand, seen)
                if why:
                    return why
            return None
        if isinstance(parent, ast.Call) and parent.func is not value:
            return self._passed(parent, value, cand, seen)
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[-1] is value:
            why = self._injected(parent, cand)  # ``self.client = client or OpenAI()``
            return why if why is not None else self.escape(parent, cand, seen)
        if self._truth_test(value):  # ``if client is None:``, ``if not client:``: any SDK client answers the same
            return None
        if isinstance(parent, ast.withitem):
            keyword = "async with" if isinstance(parents.get(id(parent)), ast.AsyncWith) else "with"
            return (f"`{keyword} {self.view.show(value)[1:-1]} as …` uses it as a context manager, which migrator "
                    "does not follow")
        return f"{self.view.show(value)} passes it where migrator does not follow"

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

    def _passed(self, call: ast.Call, value: ast.AST, cand: Candidate, seen: set[int]) -> str | None:
        """The client is an argument of a function of this module: follow it into the parameter."""
        fn = self._function(call.func)
        name = self._param_for(fn, call, value) if fn is not None else None
        if fn is None or name is None:
            return f"{self.view.show(call)} passes it where migrator does not follow"
        if (fn, name) in cand.params:
            return None
        cand.params.append((fn, name))
        arg = next(a for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs) if a.arg == name)
        if arg.annotation is not None:
            cand.annotations.append(arg.annotation)
        for site in self.sites:  # the calls on the parameter are calls on this client
            if site.kind in USES and isinstance(site.node, ast.Call) and self.index.owner.get(id(site.node)) is fn:
                root = site.node.func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == name and site not in cand.adopted:
                    cand.adopted.append(site)
                    cand.paths.add(tuple(site.extra.get("path", ())))
        for load in loads_of(fn, name):
            why = self.escape(load, cand, seen)
            if why:
                return why
        return None

    def _injected(self, default: ast.BoolOp, cand: Candidate) -> str | None:
        """``def __init__(self, client: Optional[OpenAI] = None): self.client = client or OpenAI()``: the
        client built here is the only one the attribute holds when no caller passes one. None: every
        construction of the class in the module passes none (and the class is not used elsewhere: the
        holder's check), so the parameter's annotation names the SDK class too."""
        fn = self.index.owner.get(id(default))
        cls = self.index.parents.get(id(fn)) if fn is not None else None
        tree = self.ctx.resolver.tree
        if not (isinstance(fn, ast.FunctionDef) and fn.name == "__init__" and isinstance(cls, ast.ClassDef)
                and cls in tree.body):
            return f"{self.view.show(default)} may hold a client passed in, which migrator does not follow"
        params = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        names = [v.id for v in default.values[:-1] if isinstance(v, ast.Name)]
        if len(names) != len(default.values) - 1 or not all(n in {a.arg for a in params[1:]} for n in names):
            return f"{self.view.show(default)} may hold a client migrator does not follow"
        for name in names:
            for load in loads_of(fn, name):
                if not (self.index.parents.get(id(load)) is default or self._truth_test(load)):
                    return f"{self.view.show(load)} uses the client passed in, which migrator does not follow"
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
                    return f"{self.view.show(call)} passes {cls.name} a client of its own"
        cand.injected = True
        return None

    def _constructions(self, cls: ast.ClassDef, seen: frozenset[str] = frozenset()) -> tuple[list[ast.Call], str | None]:
        """The calls that build ``cls`` or a subclass of this module that keeps its ``__init__``; why not,
        when the class is used otherwise (a factory, a subclass with an ``__init__`` of its own)."""
        tree = self.ctx.resolver.tree
        calls: list[ast.Call] = []
        for load in loads_of(tree, cls.name):
            parent = self.index.parents.get(id(load))
            if isinstance(parent, ast.Call) and parent.func is load:
                calls.append(parent)
                continue
            sub = parent if isinstance(parent, ast.ClassDef) and load in parent.bases else None
            if sub is None or sub not in tree.body or sub.name in seen or any(
                    isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == "__init__" for n in sub.body):
                return [], f"{self.view.show(load)} uses {cls.name} in a way migrator does not follow"
            more, why = self._constructions(sub, seen | {cls.name})
            if why:
                return [], why
            calls += more
        return calls, None

    def params(self, cand: Candidate) -> str | None:
        """Every call of a function the client is passed to passes this client."""
        for fn, name in cand.params:
            for load in loads_of(self.ctx.resolver.tree, fn.name):
                call = self.index.parents.get(id(load))
                if not (isinstance(call, ast.Call) and call.func is load):
                    return f"{self.view.show(load)} uses {fn.name} in a way migrator does not follow"
                arg = self._arg_for(fn, call, name)
                if arg is None or id(arg) not in cand.seen:
                    return f"{self.view.show(call)} may pass {fn.name} another client"
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

    def _escape_holder(self, target: ast.expr, cand: Candidate, seen: set[int]) -> str | None:
        tree = self.ctx.resolver.tree
        loads: Sequence[ast.expr]
        if isinstance(target, ast.Name):
            owner = self.index.owner.get(id(target), tree)
            if owner is tree:
                self._share(target.id, cand)
            if isinstance(owner, ast.FunctionDef | ast.AsyncFunctionDef) and target.id in {
                    a.arg for a in (*owner.args.posonlyargs, *owner.args.args, *owner.args.kwonlyargs)}:
                # ``def __init__(self, client=None): if not client: client = OpenAI()``
                return f"`{target.id}` is also a parameter of {owner.name}(): its callers may pass another client"
            loads = loads_of(owner, target.id)
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
            return f"{self.view.show(target)} holds it where migrator does not follow"
        for load in loads:
            why = self.escape(load, cand, seen)
            if why:
                return why
        return None

    def _class_elsewhere(self, cls: ast.ClassDef, attr: str, cand: Candidate) -> str | None:
        """A class of this module that other modules import: a subclass there that calls ``self.client``
        shares the client (the project decides, as for a module-level client other modules import); any
        other use there (an instance's ``obj.client``) is where this module cannot see it."""
        module = self.ctx.resolver.module_name
        if not module or self.index.owner.get(id(cls), self.ctx.resolver.tree) is not self.ctx.resolver.tree:
            return None
        qual = f"{module}.{cls.name}"
        self.ctx.native.classes.add(qual)  # the project passes look again once they know the imports
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

    def _share(self, name: str, cand: Candidate) -> None:
        project, module = self.ctx.project, self.ctx.resolver.module_name
        if project is not None and module and f"{module}.{name}" in project.imported:
            cand.shared.append(f"{module}.{name}")
