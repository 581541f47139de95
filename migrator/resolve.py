"""A light name-resolution table over Python's ``ast`` (design.md §3: no LibCST metadata).

It answers one question for any expression: what OpenAI thing, if any, does it evaluate to? The
values are symbolic: a qualified name imported from a package, an OpenAI client (with the call that
built it), a resource path under a client, a string literal, a class instance. Bindings are
flow-insensitive (every assignment to a name counts) and evaluated lazily, so a function may use a
name bound further down the file, and a method may use ``self.client`` set in ``__init__``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from migrator.rules import surface

# ---------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Qual:
    """Something imported: a module or a name in it (``openai``, ``openai.OpenAI``, ``os.getenv``)."""

    name: str


@dataclass(frozen=True, eq=False)
class Client:
    """An OpenAI client. ``origin`` is the constructor call when known (None: injected or annotated)."""

    origin: ast.Call | None
    is_async: bool = False
    module: bool = False  # the module-level client (``openai.chat.completions.create``)
    export: ClientExport | None = None  # built in another module of the project
    legacy: bool = False  # the client that replaces the openai<1.0 module API in this module

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Client) and (self.origin, self.module, self.export, self.legacy, self.is_async) == (
            other.origin, other.module, other.export, other.legacy, other.is_async)

    def __hash__(self) -> int:
        return hash((id(self.origin), self.module, self.export, self.legacy, self.is_async))


@dataclass(frozen=True)
class Res:
    """A resource or method path under a client: ``client.chat.completions.create``."""

    client: Client
    path: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Lit:
    node: ast.Constant


@dataclass(frozen=True, eq=False)
class DictLit:
    node: ast.Dict


@dataclass(frozen=True, eq=False)
class EnvRead:
    """``os.getenv("X", default)`` / ``os.environ.get(...)`` / ``os.environ["X"]``."""

    node: ast.expr
    var: str | None
    default: ast.expr | None


@dataclass(frozen=True, eq=False)
class Func:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    cls: ClassInfo | None = None


@dataclass(frozen=True, eq=False)
class ClassRef:
    cls: ClassInfo


@dataclass(frozen=True)
class ProjectInst:
    """An instance of a class of another module of the project whose attributes hold clients there
    (``bot = BaseBot()`` with ``BaseBot.client`` in the project index)."""

    qual: str


@dataclass(frozen=True, eq=False)
class Inst:
    cls: ClassInfo


@dataclass(frozen=True)
class Foreign:
    """An object from a package other than openai (a look-alike such as ``zhipuai.ZhipuAI()``)."""

    package: str


@dataclass(frozen=True)
class FrameworkObj(Foreign):
    """An instance of a framework class that wraps OpenAI (``ChatOpenAI(...)``), and what it returns."""

    qual: str = ""
    call: ast.Call | None = None  # the construction


@dataclass(frozen=True)
class ClientExport:
    """A client built in another module of the project, found through the project index."""

    module: str
    name: str
    is_async: bool
    reaches: bool | None  # True: talks to OpenAI; False: elsewhere; None: cannot tell
    host: str | None = None
    held: bool = False  # the name holds the client itself (``client = OpenAI()``), not a factory that returns it


Value = Qual | Client | Res | Lit | DictLit | EnvRead | Func | ClassRef | Inst | ProjectInst | Foreign | ClientExport

EMPTY: frozenset = frozenset()


def _pos(node: ast.AST | None) -> tuple[int, int, int, int]:
    return (getattr(node, "lineno", 0) or 0, getattr(node, "col_offset", 0) or 0,
            getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def value_key(v: object) -> tuple:
    """A sort key for a value that does not depend on hashing (``PYTHONHASHSEED``) or on addresses."""
    name = type(v).__name__
    if isinstance(v, Qual):
        return (name, _pos(None), v.name)
    if isinstance(v, Client):
        export = v.export
        text = f"{v.module}:{v.legacy}:{v.is_async}:{export.module + '.' + export.name if export else ''}"
        return (name, _pos(v.origin), text)
    if isinstance(v, Res):
        return (name, *value_key(v.client)[1:], ".".join(v.path))
    if isinstance(v, Lit):
        return (name, _pos(v.node), str(v.node.value))
    if isinstance(v, DictLit | EnvRead):
        return (name, _pos(v.node), getattr(v, "var", None) or "")
    if isinstance(v, Func):
        return (name, _pos(v.node), v.node.name)
    if isinstance(v, ClassRef | Inst):
        return (name, _pos(v.cls.node), v.cls.node.name)
    if isinstance(v, FrameworkObj):
        return (name, _pos(v.call), v.qual)
    if isinstance(v, Foreign):
        return (name, _pos(None), v.package)
    if isinstance(v, ClientExport):
        return (name, _pos(None), f"{v.module}.{v.name}")
    if isinstance(v, ProjectInst):
        return (name, _pos(None), v.qual)
    return (name, _pos(None), repr(v))


def ordered(values: Iterable) -> list:
    """Values of a set in a stable order: iterate this, never the set, when the first match is picked."""
    return sorted(values, key=value_key)


# ---------------------------------------------------------------------------------------------
# Scopes


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    scope: Scope
    attrs: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)  # self.x = ... and body
    annotations: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)


@dataclass(eq=False)
class Scope:
    kind: str  # module | function | class
    node: ast.AST
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    returns: list[ast.expr] = field(default_factory=list)
    cls: ClassInfo | None = None  # for a method: the class it belongs to
    self_name: str | None = None  # for a method: the name of its first parameter
    star_openai: bool = False

    def bind(self, name: str, entry: Binding) -> None:
        self.bindings.setdefault(name, []).append(entry)


# What binds a name in a scope, tagged by its first item (compare ``entry[0]`` to narrow the type):
ValueBinding: TypeAlias = tuple[Literal["value"], Value]  # an import, a def, a class, ``self``, ``*args``
ExprBinding: TypeAlias = tuple[Literal["expr"], ast.expr, Scope]  # ``name = <expr>``, evaluated in the scope
ParamBinding: TypeAlias = tuple[Literal["param"], ast.arg, ast.expr | None, Scope]  # a parameter, its default
AnnBinding: TypeAlias = tuple[Literal["ann"], ast.expr, Scope]  # ``name: <annotation>`` without a value
WithBinding: TypeAlias = tuple[Literal["with"], ast.expr, Scope]  # ``with <expr> as name``
Binding: TypeAlias = ValueBinding | ExprBinding | ParamBinding | AnnBinding | WithBinding


def _option_dest(call: ast.Call) -> str | None:
    """The name an ``add_argument("--max-model", "-m")`` / ``click.option(...)`` value lands in."""
    for k in call.keywords:
        if k.arg in ("dest", "name") and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
            return k.value.value
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not names:
        return None
    plain = [n for n in names if not n.startswith("-") and n.isidentifier()]
    if plain and len(names) > 1:  # click: @click.option("--model", "model_name")
        return plain[-1]
    long = [n for n in names if n.startswith("--")]
    name = (long or names)[0].lstrip("-").replace("-", "_")
    return name if name.isidentifier() else None


def _option_default(node: ast.expr) -> ast.expr | None:
    """``typer.Option("gpt-4o", ...)`` / ``Option(default="gpt-4o")`` as a parameter default: its value."""
    if not (isinstance(node, ast.Call) and (_dotted(node.func) or "").rsplit(".", 1)[-1] in ("Option", "Argument")):
        return None
    kw = next((k.value for k in node.keywords if k.arg == "default"), None)
    if kw is not None:
        return kw
    if node.args and not (isinstance(node.args[0], ast.Constant) and node.args[0].value is Ellipsis):
        return node.args[0]
    return None


def _is_parse_args(node: ast.expr) -> bool:
    if isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
        "parse_args", "parse_known_args")


def _may_reach(qual: str, modules: list[str]) -> bool:
    """``qual.rest`` can start with ``module.`` for some module (``_module_attribute_imports``)."""
    return any(qual == m or qual.startswith(m + ".") or m.startswith(qual + ".") for m in modules)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


dotted = _dotted


class Resolver:
    """Builds scopes for one module, then evaluates expressions to sets of values."""

    def __init__(self, tree: ast.Module, module_name: str | None = None,
                 project: ProjectIndex | None = None, dead: list[tuple[int, int]] | None = None,
                 text: str | None = None) -> None:
        self.tree = tree
        # line ranges that never run (openai<1.0 branches): their assignments bind nothing
        self.dead = dead or []
        # base URLs a .env file above the module sends the SDK to (Options.dotenv_base_urls)
        self.dotenv_urls: tuple[str, ...] = ()
        self.module_name = module_name
        self.project = project
        self.module_scope = Scope("module", tree, None)
        self.scope_of: dict[int, Scope] = {}  # id(def/class/lambda node) -> its scope
        self._guard: set[tuple[int, int]] = set()
        self.project_imports: list[str] = []  # qualified names imported from non-stdlib modules
        self.remote_literals: set[int] = set()  # constants defined in another module (not edited here)
        self.env_defaults: dict[int, str] = {}  # id(literal) -> env variable it is the default of
        self.call_scopes: dict[int, Scope] = {}  # id(call) -> the scope it sits in (filled by the site walk)
        self.openai_names: set[str] = set()  # names bound by an import from openai, anywhere in the module
        self.agents_sdk = False  # the module imports the OpenAI Agents SDK (``from agents import Agent, Runner``)
        self._memo: dict[tuple[int, int], frozenset] = {}  # (id(node), id(scope)) -> value set
        self._argparse: dict[str, list[ast.expr]] | None = None
        self._literal_kind: type | tuple[type, ...] = str  # what _literals collects
        self.cli_options: dict[int, ast.expr] = {}  # id(ast.arg) -> default= of its @click.option
        # without ``:=`` in the source no expression binds a name: the collector walks statements only
        _Collector(self, statements_only=text is not None and ":=" not in text).collect(tree, self.module_scope)
        if self.project_imports:
            self._module_attribute_imports(tree, text)

    def _module_attribute_imports(self, tree: ast.Module, text: str | None) -> None:
        """``from app import llm`` / ``import app.llm`` then ``llm.client``: the module reads ``app.llm.client``
        as much as ``from app.llm import client`` does (the project index must know)."""
        modules = [q for q in self.project_imports if q]
        found: list[str] = []
        if text is not None:  # a name bound to a module (or below one) of ``modules``, then ``.``, or nothing to find
            roots = {name for name, entries in self.module_scope.bindings.items()
                     if any(e[0] == "value" and isinstance(e[1], Qual) and _may_reach(e[1].name, modules)
                            for e in entries)}
            names = "|".join(map(re.escape, sorted(roots)))
            # the name, then ``.`` after any spaces, closing parentheses, line continuations or whole comments
            if not roots or not re.search(rf"\b(?:{names})(?:[\s)\\]|#[^\n]*\n)*\.", text):
                return
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name | ast.Attribute):
                continue
            path = _dotted(node)
            if path is None:
                continue
            root, _, rest = path.partition(".")
            for entry in self.module_scope.bindings.get(root, ()):
                if entry[0] != "value" or not isinstance(entry[1], Qual):
                    continue
                full = f"{entry[1].name}.{rest}"
                for module in modules:
                    if full.startswith(module + "."):
                        qual = ".".join([module, full[len(module) + 1:].split(".", 1)[0]])
                        if qual not in found and qual not in self.project_imports:
                            found.append(qual)
        self.project_imports.extend(found)

    # -- lookup ---------------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> frozenset:
        entries = self.visible_bindings(name, scope)
        if entries:
            return self._eval_bindings([e for e, _ in entries])
        if self.module_scope.star_openai and (name in surface.CLIENT_CLASSES or name in surface.EXCEPTIONS):
            return frozenset({Qual(f"openai.{name}")})
        return EMPTY

    def _eval_bindings(self, entries: list[Binding]) -> frozenset:
        out: set = set()
        declared: list[AnnBinding] = []
        for entry in entries:
            if entry[0] == "ann":
                declared.append(entry)
                continue
            out |= self._eval_entry(entry)
        # ``client: OpenAI = OpenAI()``: the annotation names the type of the values assigned, not one
        # more (injected) client; it counts only where no assigned value is a client migrator knows
        if not any(isinstance(v, Client) for v in out):
            for _, ann, scope in declared:
                out |= self.eval_annotation(ann, scope)
        return frozenset(out)

    def _eval_entry(self, entry: Binding) -> frozenset:
        if entry[0] == "value":
            return frozenset({entry[1]})
        if entry[0] == "expr":
            return self.eval(entry[1], entry[2])
        if entry[0] == "param":
            _, arg, default, scope = entry
            out = set(self.eval_annotation(arg.annotation, scope)) if arg.annotation is not None else set()
            if default is not None:
                out |= self.eval(default, scope.parent or scope)
            return frozenset(out)
        if entry[0] == "with":  # with OpenAI() as client: the value of the context manager
            return self.eval(entry[1], entry[2])
        return EMPTY

    # -- evaluation -----------------------------------------------------------------------------

    def eval(self, node: ast.expr | None, scope: Scope) -> frozenset:
        if node is None:
            return EMPTY
        key = (id(node), id(scope))
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        if key in self._guard:
            return EMPTY
        self._guard.add(key)
        try:
            result = self._eval(node, scope)
        finally:
            self._guard.discard(key)
        # kept even when computed inside a cycle (then it may miss the cycle's own values): without it,
        # chains of reassignments (x = f(x) many times over) make evaluation exponential
        self._memo[key] = result
        return result

    def _eval(self, node: ast.expr, scope: Scope) -> frozenset:
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope)
        if isinstance(node, ast.Attribute):
            out: set = set()
            for v in self.eval(node.value, scope):
                out |= self.attr_of(v, node.attr)
            return frozenset(out)
        if isinstance(node, ast.Call):
            out = set()
            for v in self.eval(node.func, scope):
                out |= self.call_result(v, node, scope)
            return frozenset(out)
        if isinstance(node, ast.Await):
            return self.eval(node.value, scope)
        if isinstance(node, ast.NamedExpr):
            return self.eval(node.value, scope)
        if isinstance(node, ast.BoolOp):
            out = set()
            for v in node.values:
                out |= self.eval(v, scope)
            return frozenset(out)
        if isinstance(node, ast.IfExp):
            return self.eval(node.body, scope) | self.eval(node.orelse, scope)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return frozenset({Lit(node)})
        if isinstance(node, ast.Dict):
            return frozenset({DictLit(node)})
        if isinstance(node, ast.Subscript):
            base = self.eval(node.value, scope)
            if Qual("os.environ") in base:
                var = node.slice.value if isinstance(node.slice, ast.Constant) else None
                return frozenset({EnvRead(node, var if isinstance(var, str) else None, None)})
            if isinstance(node.value, ast.Name):
                return self.lookup(node.value.id + "[]", scope)
            if isinstance(node.value, ast.Attribute):
                out = set()
                for v in self.eval(node.value.value, scope):
                    out |= self.attr_of(v, node.value.attr + "[]")
                return frozenset(out)
        return EMPTY

    def attr_of(self, v: Value, attr: str) -> frozenset:
        if isinstance(v, Qual):
            if v.name == "openai" and attr in surface.RESOURCE_ROOTS:
                return frozenset({Res(MODULE_CLIENT, (attr,))})
            qual = f"{v.name}.{attr}"
            if self.project is not None:
                exported = self.project.lookup(qual)
                if exported is not None:
                    return frozenset({exported})
            return frozenset({Qual(qual)})
        if isinstance(v, Client):
            return frozenset({Res(v, (attr,))})
        if isinstance(v, ClientExport) and v.held:  # ``from app.llm import client`` then ``client.chat``
            return frozenset({Res(Client(None, v.is_async, export=v), (attr,))})
        if isinstance(v, Res):
            return frozenset({Res(v.client, (*v.path, attr))})
        if isinstance(v, Inst | ClassRef):
            return self.class_attr(v.cls, attr)
        if isinstance(v, ProjectInst):
            return self._exported_attr(v.qual, attr)
        if isinstance(v, Foreign):
            return frozenset({v})
        if isinstance(v, EnvRead) or isinstance(v, Lit):
            return EMPTY
        return EMPTY

    def class_attr(self, cls: ClassInfo, attr: str) -> frozenset:
        out: set = set()
        for expr, scope in cls.attrs.get(attr, ()):
            out |= self.eval(expr, scope)
        if not any(isinstance(v, Client) for v in out):  # ``client: OpenAI`` types the values assigned
            for ann, scope in cls.annotations.get(attr, ()):
                out |= self.eval_annotation(ann, scope)
        for entry in cls.scope.bindings.get(attr, ()):
            if entry[0] == "value" and isinstance(entry[1], Func):
                out.add(entry[1])
        if not out:  # inherited: the bases of this module, in order (a mixin's get_client, a base's client)
            for base in self.bases(cls):
                out |= self.class_attr(base, attr)
                if out:
                    break
        if not out:  # a base class of another module of the project that holds a client there
            out |= self._project_base_attr(cls, attr)
        return frozenset(out)

    def _project_base_attr(self, cls: ClassInfo, attr: str) -> frozenset:
        """``class EchoBot(BaseBot)`` with ``BaseBot`` imported from the project, whose ``__init__`` sets
        ``self.client = OpenAI()``: the client the project index knows as ``app.bots.BaseBot.client``."""
        if self.project is None or cls.scope.parent is None:
            return EMPTY
        for b in cls.node.bases:
            for v in self.eval(b, cls.scope.parent):
                found = self._exported_attr(v.name, attr) if isinstance(v, Qual) else EMPTY
                if found:
                    return found
        return EMPTY

    def _exported_attr(self, cls_qual: str, attr: str) -> frozenset:
        """The client the project index knows as ``<cls_qual>.<attr>``, recorded as a project import."""
        qual = f"{cls_qual}.{attr}"
        export = self.project.lookup(qual) if self.project is not None else None
        if export is None:
            return EMPTY
        if qual not in self.project_imports:
            self.project_imports.append(qual)
        return frozenset({Client(None, export.is_async, export=export)})

    def inherited_attr(self, cls: ClassInfo, attr: str) -> list[tuple[ast.expr, Scope]]:
        """The assignments of ``attr`` in a class, else in the first of its bases (in this module) that has one."""
        own = cls.attrs.get(attr, [])
        if own or cls.scope.bindings.get(attr):
            return own
        for base in self.bases(cls):
            found = self.inherited_attr(base, attr)
            if found:
                return found
        return []

    def bases(self, cls: ClassInfo) -> list[ClassInfo]:
        """The classes of this module a class derives from, as written."""
        key = (id(cls.node), -1)
        if key in self._guard or cls.scope.parent is None:
            return []
        self._guard.add(key)
        try:
            return [v.cls for b in cls.node.bases for v in self.eval(b, cls.scope.parent) if isinstance(v, ClassRef)]
        finally:
            self._guard.discard(key)

    def call_result(self, v: Value, call: ast.Call, scope: Scope) -> frozenset:
        if isinstance(v, Qual):
            name = v.name
            if name.startswith("openai."):
                cls = name[len("openai."):]
                if cls in surface.CLIENT_CLASSES:
                    return frozenset({Client(call, surface.CLIENT_CLASSES[cls][0])})
                return EMPTY
            if name == "importlib.import_module" and call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str) and not call.args[0].value.startswith("."):
                return frozenset({Qual(call.args[0].value)})  # importlib.import_module("llama_index.llms.openai")
            if name in ("os.getenv", "os.environ.get"):
                var = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
                default = call.args[1] if len(call.args) > 1 else next(
                    (k.value for k in call.keywords if k.arg == "default"), None)
                return frozenset({EnvRead(call, var if isinstance(var, str) else None, default)})
            pkg = name.split(".", 1)[0]
            if self.project is not None and name in self.project.holders:
                return frozenset({ProjectInst(name)})  # a class of the project whose attributes hold clients
            if name in surface.FRAMEWORK_CLASSES:
                return frozenset({FrameworkObj(pkg, name, call)})
            if pkg not in ("os", "typing", "functools") and "." in name:
                return frozenset({Foreign(pkg)})
            return EMPTY
        if isinstance(v, Res):
            if v.path and v.path[-1] in surface.CLIENT_COPY_METHODS:
                return frozenset({v.client})
            return EMPTY
        if isinstance(v, Func):
            fscope = self.scope_of.get(id(v.node))
            out: set = set()
            if fscope is not None:
                for ret in fscope.returns:
                    out |= self.eval(ret, fscope)
            return frozenset(out)
        if isinstance(v, ClassRef):
            return frozenset({Inst(v.cls)})
        if isinstance(v, ClientExport):
            return frozenset({Client(None, v.is_async, export=v)})
        if isinstance(v, Foreign):
            return frozenset({v})
        return EMPTY

    def eval_annotation(self, ann: ast.expr | None, scope: Scope) -> frozenset:
        """Client values for a parameter annotated ``OpenAI``, ``Optional[AsyncOpenAI]``, ``"OpenAI"``, ..."""
        if ann is None:
            return EMPTY
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value, mode="eval").body
            except SyntaxError:
                return EMPTY
        if isinstance(ann, ast.BinOp):
            return self.eval_annotation(ann.left, scope) | self.eval_annotation(ann.right, scope)
        if isinstance(ann, ast.Subscript):
            inner = ann.slice
            elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            out: set = set()
            for e in elts:
                out |= self.eval_annotation(e, scope)
            return frozenset(out)
        out = set()
        for v in self.eval(ann, scope):
            if isinstance(v, Qual) and v.name.startswith("openai."):
                cls = v.name[len("openai."):]
                if cls in surface.CLIENT_CLASSES:
                    out.add(Client(None, surface.CLIENT_CLASSES[cls][0]))
        return frozenset(out)

    # -- helpers for rules ----------------------------------------------------------------------

    def literal_sources(self, node: ast.expr | None, scope: Scope) -> list[ast.Constant | None]:
        """String literals an expression can take, following names, env defaults and ``or``.

        A ``None`` entry means some path could not be followed to a literal.
        """
        found: list[ast.Constant | None] = []
        self._literals(node, scope, found, set())
        return found

    def number_sources(self, node: ast.expr | None, scope: Scope) -> list[ast.Constant | None]:
        """Like ``literal_sources``, for numbers (``temperature=args.temperature`` and its default)."""
        found: list[ast.Constant | None] = []
        self._literal_kind = (int, float)
        try:
            self._literals(node, scope, found, set())
        finally:
            self._literal_kind = str
        return found

    def env_reads(self, node: ast.expr | None, scope: Scope) -> list[tuple[ast.expr, str | None]]:
        """Environment reads an expression can take its value from (``a or os.getenv("X")``)."""
        reads: list[tuple[ast.expr, str | None]] = []
        self._literals(node, scope, [], set(), reads)
        return reads

    def _literals(self, node: ast.expr | None, scope: Scope, found: list, seen: set,
                  reads: list | None = None) -> None:
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if reads is not None and isinstance(node, ast.Call | ast.Subscript):
            for v in ordered(self.eval(node, scope)):
                if isinstance(v, EnvRead) and v.node is node:
                    reads.append((node, v.var))
        if isinstance(node, ast.Constant):
            wanted = isinstance(node.value, self._literal_kind) and not isinstance(node.value, bool)
            found.append(node if wanted else None)
            return
        if self._literal_kind is not str and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            found.append(None)  # a negative number: never a value to move into a range
            return
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self._literals(v, scope, found, seen, reads)
            return
        if isinstance(node, ast.IfExp):
            self._literals(node.body, scope, found, seen, reads)
            self._literals(node.orelse, scope, found, seen, reads)
            return
        if isinstance(node, ast.Name):
            entries = self.visible_bindings(node.id, scope)
            if not entries:
                found.append(None)
            for entry, _scope in entries:
                if entry[0] == "value" and isinstance(entry[1], Qual) and self.project is not None \
                        and entry[1].name in self.project.constants:
                    remote = ast.Constant(value=self.project.constants[entry[1].name])
                    self.remote_literals.add(id(remote))
                    found.append(remote)
                elif entry[0] == "expr":
                    self._literals(entry[1], entry[2], found, seen, reads)
                elif entry[0] == "param":
                    default = entry[2] if entry[2] is not None else self.cli_options.get(id(entry[1]))
                    if default is not None:
                        default = _option_default(default) or default
                    if default is None:
                        found.append(None)
                    else:
                        self._literals(default, entry[3].parent or entry[3], found, seen, reads)
                else:
                    found.append(None)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                and node.func.attr in ("lower", "strip", "rstrip", "lstrip"):
            self._literals(node.func.value, scope, found, seen, reads)  # os.getenv("M", "gpt-4o").lower()
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and self._parsed_args(node.value, scope):
            defaults = self.argparse_defaults().get(node.attr)
            if defaults:
                for expr in defaults:  # args.model, with parser.add_argument("--model", default="gpt-4o")
                    self._literals(expr, self.module_scope, found, seen, reads)
                return
        if isinstance(node, ast.Attribute):
            exprs = []
            for v in ordered(self.eval(node.value, scope)):
                if isinstance(v, Inst | ClassRef):
                    exprs += self.inherited_attr(v.cls, node.attr)
            if exprs:
                for expr, escope in exprs:  # self.model, set in __init__ or in the class body
                    self._literals(expr, escope, found, seen, reads)
                return
        if isinstance(node, ast.Call):
            for v in ordered(self.eval(node, scope)):
                if isinstance(v, EnvRead):
                    if v.default is None:
                        found.append(None)
                    else:
                        before = len(found)
                        self._literals(v.default, scope, found, seen, reads)
                        for lit in found[before:]:
                            if lit is not None and v.var:
                                self.env_defaults.setdefault(id(lit), v.var)
                    return
        found.append(None)

    def _parsed_args(self, name: ast.Name, scope: Scope) -> bool:
        """``args`` bound to ``<parser>.parse_args()`` (or ``parse_known_args()[0]``)."""
        entries = self.visible_bindings(name.id, scope)
        return bool(entries) and all(e[0] == "expr" and _is_parse_args(e[1]) for e, _ in entries)

    def argparse_defaults(self) -> dict[str, list[ast.expr]]:
        """``dest -> default=`` of every ``add_argument`` call in the module (computed once)."""
        if self._argparse is None:
            self._argparse = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr == "add_argument":
                    dest = _option_dest(node)
                    default = next((k.value for k in node.keywords if k.arg == "default"), None)
                    if dest is not None and default is not None:
                        self._argparse.setdefault(dest, []).append(default)
        return self._argparse

    def visible_bindings(self, name: str, scope: Scope) -> list[tuple[Binding, Scope]]:
        """The bindings of ``name`` seen from ``scope``, each with the scope that holds it: those of the
        innermost scope that binds the name (a class body counts only as ``scope`` itself, as in Python);
        empty for a name bound nowhere on the way (a builtin, a star import)."""
        s: Scope | None = scope
        first = True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent
                continue
            if name in s.bindings:
                return [(e, s) for e in s.bindings[name]]
            first = False
            s = s.parent
        return []

    def module_exports(self) -> Iterator[tuple[str, frozenset]]:
        """Module-level names and their values (for the project index); ``Class.attr`` for the attributes
        of the module's classes (``self.client = OpenAI()`` in ``__init__``), which subclasses elsewhere
        inherit."""
        for name in self.module_scope.bindings:
            if name.endswith("[]"):
                continue
            values = self.lookup(name, self.module_scope)
            yield name, values
            for v in ordered(values):
                if isinstance(v, ClassRef) and v.cls.scope.parent is self.module_scope:
                    for attr in v.cls.attrs:
                        yield f"{name}.{attr}", self.class_attr(v.cls, attr)


MODULE_CLIENT = Client(None, module=True)


# ---------------------------------------------------------------------------------------------
# Pass 1: scopes and bindings


_STDLIB_HINT = frozenset({"os", "sys", "typing", "json", "re", "asyncio", "logging", "time", "dataclasses",
                          "functools", "collections", "pathlib", "itertools", "abc", "enum", "__future__"})


def _body_fields() -> dict[type, tuple[str, ...]]:
    """Node type -> its fields that hold statements, handlers or match cases (in field order)."""
    holders = ("body", "orelse", "finalbody", "handlers", "cases")
    types: list[type] = [*ast.stmt.__subclasses__(), ast.ExceptHandler, ast.match_case]
    return {t: fields for t in types if (fields := tuple(f for f in getattr(t, "_fields", ()) if f in holders))}


_BODY_FIELDS = _body_fields()


class _Collector(ast.NodeVisitor):
    def __init__(self, resolver: Resolver, statements_only: bool = False) -> None:
        self.r = resolver
        self.scope: Scope = resolver.module_scope
        if statements_only:
            self.generic_visit = self._statements  # type: ignore[method-assign]

    def _statements(self, node: ast.AST) -> None:
        """``generic_visit`` for a module with no ``:=``: only statements bind names, so expressions are
        skipped and only the fields that hold statements are followed (the same order as ``generic_visit``)."""
        visit = self.visit
        for name in _BODY_FIELDS.get(type(node), ()):
            for child in getattr(node, name):
                visit(child)

    def collect(self, tree: ast.Module, scope: Scope) -> None:
        self.scope = scope
        for stmt in tree.body:
            self.visit(stmt)

    # imports
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scope.bind(alias.asname, ("value", Qual(alias.name)))
            else:
                top = alias.name.split(".", 1)[0]
                self.scope.bind(top, ("value", Qual(top)))
            if alias.name.split(".", 1)[0] == "openai":
                self.r.openai_names.add(alias.asname or alias.name.split(".", 1)[0])
            if alias.name.split(".", 1)[0] == "agents":
                self.r.agents_sdk = True  # ``import agents``: the OpenAI Agents SDK unless the project has its own
            if alias.name.split(".", 1)[0] not in _STDLIB_HINT and alias.name.split(".", 1)[0] != "openai":
                self.r.project_imports.append(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            base = self.r.module_name.split(".") if self.r.module_name else []
            # a relative import inside a package: resolve against this module's package
            pkg = base[: max(0, len(base) - node.level)] if base else []
            module = ".".join([*pkg, module] if module else pkg)
            if not module:
                return
        for alias in node.names:
            if alias.name == "*":
                if module == "openai":
                    self.scope.star_openai = True
                    self.r.openai_names.update(surface.EXCEPTIONS)
                continue
            qual = f"{module}.{alias.name}"
            value: Value = Qual(qual)
            if self.r.project is not None and module.split(".", 1)[0] != "openai":
                exported = self.r.project.lookup(qual)
                if exported is not None:
                    value = exported
            self.scope.bind(alias.asname or alias.name, ("value", value))
            if module.split(".", 1)[0] == "openai":
                self.r.openai_names.add(alias.asname or alias.name)
            if module.split(".", 1)[0] == "agents" and alias.name in surface.AGENTS_NAMES and isinstance(value, Qual):
                self.r.agents_sdk = True
            if module.split(".", 1)[0] not in _STDLIB_HINT and module.split(".", 1)[0] != "openai":
                self.r.project_imports.append(qual)

    # definitions
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for d in node.decorator_list:
            self.visit(d)
        cls = self.scope.cls if self.scope.kind == "class" else None
        self.scope.bind(node.name, ("value", Func(node, cls)))
        fscope = Scope("function", node, self.scope)
        self.r.scope_of[id(node)] = fscope
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        is_static = any(_dotted(d) == "staticmethod" for d in node.decorator_list)
        is_classmethod = any(_dotted(d) == "classmethod" for d in node.decorator_list)
        for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
            if i == 0 and cls is not None and not is_static:
                fscope.cls = cls
                fscope.self_name = arg.arg
                fscope.bind(arg.arg, ("value", ClassRef(cls) if is_classmethod else Inst(cls)))
                continue
            fscope.bind(arg.arg, ("param", arg, default, fscope))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            fscope.bind(arg.arg, ("param", arg, default, fscope))
        options = {}
        for d in node.decorator_list:  # @click.option("--model", default="gpt-4o")
            if isinstance(d, ast.Call) and (_dotted(d.func) or "").rsplit(".", 1)[-1] in ("option", "argument"):
                dest = _option_dest(d)
                default = next((k.value for k in d.keywords if k.arg == "default"), None)
                if dest is not None and default is not None:
                    options[dest] = default
        for arg in [*positional, *args.kwonlyargs]:
            if arg.arg in options:
                self.r.cli_options[id(arg)] = options[arg.arg]
        for star in (args.vararg, args.kwarg):
            if star is not None:
                fscope.bind(star.arg, ("value", Foreign("*args")))
        outer = self.scope
        self.scope = fscope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for d in node.decorator_list:
            self.visit(d)
        cscope = Scope("class", node, self.scope)
        info = ClassInfo(node, cscope)
        cscope.cls = info
        self.r.scope_of[id(node)] = cscope
        self.scope.bind(node.name, ("value", ClassRef(info)))
        outer = self.scope
        self.scope = cscope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer
        for name, entries in cscope.bindings.items():
            for entry in entries:
                if entry[0] == "expr":
                    info.attrs.setdefault(name, []).append((entry[1], entry[2]))

    # bindings
    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            if value is not None:
                self.scope.bind(target.id, ("expr", value, self.scope))
        elif isinstance(target, ast.Tuple | ast.List):
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                for t, v in zip(target.elts, value.elts, strict=True):
                    self._bind_target(t, v)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            s = self.scope
            if s.self_name is not None and target.value.id == s.self_name and s.cls is not None and value is not None:
                s.cls.attrs.setdefault(target.attr, []).append((value, s))
        elif isinstance(target, ast.Subscript) and value is not None:
            if isinstance(target.value, ast.Name):
                self.scope.bind(target.value.id + "[]", ("expr", value, self.scope))
            elif isinstance(target.value, ast.Attribute) and isinstance(target.value.value, ast.Name):
                s = self.scope
                if s.self_name == target.value.value.id and s.cls is not None:
                    s.cls.attrs.setdefault(target.value.attr + "[]", []).append((value, s))

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.r.dead and any(a <= node.lineno <= b for a, b in self.r.dead):
            return  # self._create = openai.ChatCompletion.create under `if openai.__version__ < "1"`
        for t in node.targets:
            self._bind_target(t, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        t = node.target
        if node.value is not None:
            self._bind_target(t, node.value)
        if isinstance(t, ast.Name):
            if self.scope.kind == "class" and self.scope.cls is not None:
                self.scope.cls.annotations.setdefault(t.id, []).append((node.annotation, self.scope))
            else:
                self.scope.bind(t.id, ("ann", node.annotation, self.scope))
        elif isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
            s = self.scope
            if s.self_name == t.value.id and s.cls is not None:
                s.cls.annotations.setdefault(t.attr, []).append((node.annotation, s))
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target, node.value)
        self.generic_visit(node)

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name):
                self.scope.bind(item.optional_vars.id, ("with", item.context_expr, self.scope))
        self.generic_visit(node)

    visit_With = _with
    visit_AsyncWith = _with

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            self.scope.returns.append(node.value)
        self.generic_visit(node)


# ---------------------------------------------------------------------------------------------
# Project index: clients exported by one module and imported by another


@dataclass
class ProjectIndex:
    exports: dict[str, ClientExport] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)  # module.NAME -> string value
    used_constants: set[str] = field(default_factory=set)  # constants imported by modules that use openai
    imported: set[str] = field(default_factory=set)  # every module.NAME some module of the project imports
    native: set[str] = field(default_factory=set)  # shared clients (module.NAME) that go native everywhere
    native_errors: bool = False  # every client of the project went native: all handlers catch the SDK's errors
    errors_widen: bool = False  # a handler of a module without clients would catch more on the SDK: none go native
    # native style: every module.NAME some module imports from the project, classes included (a client held
    # by a class that another module subclasses or instantiates is used where this module cannot see)
    imported_anywhere: set[str] = field(default_factory=set)
    # classes with exported attributes that some module imports without reaching the attribute through a
    # subclass (it may build one and read ``obj.client``, which the index does not follow)
    opaque_classes: set[str] = field(default_factory=set)
    # class (``app.bots.BaseBot``) -> the exported client attributes it holds (``app.bots.BaseBot.client``)
    holders: dict[str, list[str]] = field(default_factory=dict)

    def lookup(self, qual: str) -> ClientExport | None:
        return self.exports.get(qual)

    def add(self, export: ClientExport) -> None:
        qual = f"{export.module}.{export.name}"
        self.exports[qual] = export
        if "." in export.name:  # ``BaseBot.client``
            self.holders.setdefault(qual.rsplit(".", 1)[0], []).append(qual)

    def knows(self, qual: str) -> bool:
        """``qual`` is an export or a constant, or a class whose attributes are (``app.bots.BaseBot``)."""
        return qual in self.exports or qual in self.constants or qual in self.holders


def module_name_for(parts: Iterable[str]) -> str | None:
    """Dotted module name of a file path given as its parts relative to the root."""
    parts = list(parts)
    if not parts or not parts[-1].endswith(".py"):
        return None
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)
