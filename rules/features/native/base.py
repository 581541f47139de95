"""Native style: what the pieces of the pass share.

The rule codes and the feature they report under, the client a construction of the module may become
(``Candidate``), and ``ModuleView``: the module being planned, the provider SDK's spec, and how a call reads
against the SDK's method table. The edits every piece records for ``imports.py`` (the openai names they
replace) are kept there too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from migrator.edits import Edit, EditOp, Placer, Unplaceable
from migrator.model import Region
from migrator.resolve import Client
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.features.common import ModuleIndex, module_index, per_module
from migrator.rules.providers import NativeMethod, NativeSpec
from migrator.sites import Site

CLIENT_CODE = "OA160"  # NativeClient's: the client, its construction, the openai imports
CALL_CODE = "OA161"  # NativeCall's
RESPONSE_CODE = "OA162"  # NativeResponse's (NativeException's is errors.CODE)
FEATURE = "native"
USES = ("call", "probable_call")
# the client classes a converted client's annotations may name (Azure clients are renamed by the compat pass)
CLIENT_QUALS = frozenset(f"openai.{name}" for name, (_, azure) in surface.CLIENT_CLASSES.items() if not azure)


@dataclass
class Candidate:
    """A client the pass may take native: built here (``site``) or in another module, and what it found."""

    site: Site | None  # the construction (None: a client built in another module)
    region: Region
    blockers: list[str] = field(default_factory=list)
    uses: list[Site] = field(default_factory=list)
    paths: set[tuple[str, ...]] = field(default_factory=set)  # method paths of the uses
    annotations: list[ast.expr] = field(default_factory=list)  # ``-> OpenAI`` of its factory, ``x: OpenAI = …``
    shared: list[str] = field(default_factory=list)  # module.NAME other modules import it by
    params: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = field(default_factory=list)  # passed in as
    adopted: list[Site] = field(default_factory=list)  # calls on those parameters
    seen: set[int] = field(default_factory=set)  # expressions that hold it
    injected: bool = False  # the default of a client passed in (``self.client = client or OpenAI()``)


def owners_of(site: Site, candidates: dict[int, Candidate]) -> list[Candidate | None]:
    """The candidate each client of a call is (None: a client this pass does not convert). A client
    passed in (``client or OpenAI()``, known by its annotation) is the default's candidate where the
    module constructs the class without passing one."""
    built = [candidates.get(id(c.origin)) if isinstance(c, Client) and c.origin is not None else None
             for c in site.clients]
    injected = next((c for c in built if c is not None and c.injected), None)
    return [b if b is not None else injected if isinstance(c, Client) and c.origin is None and not (
            c.module or c.export or c.legacy) else None for b, c in zip(built, site.clients, strict=True)]


def loads_of(owner: ast.AST, name: str) -> list[ast.Name]:
    """Reads of ``name`` anywhere in ``owner``, nested functions included (a rebinding there is rare)."""
    return [n for n in ast.walk(owner) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]


class ModuleView:
    """The module the native pass plans: its context, the SDK's spec, its sites and index, and what the
    pieces find out about its calls and nodes."""

    def __init__(self, ctx: PlanContext, native: NativeSpec, sites: list[Site]) -> None:
        self.ctx = ctx
        self.native = native
        self.sites = sites
        self.index: ModuleIndex = module_index(ctx.resolver)
        self.replaced_roots: set[int] = set()  # Name nodes of openai imports that the edits remove
        self.retyped: set[int] = set()  # string annotations (``"OpenAI"``) rewritten to name the SDK class

    def method(self, use: Site) -> NativeMethod | None:
        """The SDK method a call becomes (None: the SDK has none)."""
        return self.native.methods.get(".".join(use.extra.get("path", ())))

    def direct(self, use: Site) -> bool:
        """The call spells its method path (``client.chat.completions.create(...)``)."""
        path = use.extra.get("path", ())
        func = use.node.func  # type: ignore[attr-defined]
        for attr in reversed(path):
            if not isinstance(func, ast.Attribute) or func.attr != attr:
                return self.method(use) is not None and not self.renamed(use)
            func = func.value
        return True

    def lost(self, use: Site) -> str | None:
        """Why the call cannot go native: it sends per-call headers or query parameters the SDK method
        has no way to send (``extra_headers=`` on dashscope and qianfan)."""
        method = self.method(use)
        for k in use.node.keywords if method is not None and isinstance(use.node, ast.Call) else ():
            if k.arg in surface.PER_CALL_TRANSPORT and k.arg in method.drops:  # type: ignore[union-attr]
                return f"{self.show(use.node)} sends {k.arg}= ({method.drops[k.arg]})"  # type: ignore[union-attr]
        return None

    def renamed(self, use: Site) -> bool:
        method = self.method(use)
        assert method is not None
        return bool(method.call or (method.async_call and use.is_async))

    def show(self, node: ast.AST) -> str:
        """A node's code for a message (line numbers would be those of the compat pass's output)."""
        parent = self.index.parents.get(id(node))
        while parent is not None and not isinstance(parent, ast.stmt) and isinstance(node, ast.expr) \
                and hasattr(parent, "lineno"):  # a with-item or a comprehension has no source segment
            node, parent = parent, self.index.parents.get(id(parent))
        return self.code(node)

    def code(self, node: ast.AST) -> str:
        """A node's source on one line, cut at 60 characters, in backticks."""
        text = " ".join((self.ctx.segment(node) or "").split())
        return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"

    def top(self, node: ast.AST) -> ast.AST:
        """The top-level statement that holds ``node``."""
        while (parent := self.index.parents.get(id(node))) is not None and parent is not self.ctx.resolver.tree:
            node = parent
        return node

    def placeable(self, node: ast.AST, op: EditOp) -> bool:
        """An edit ``op`` of ``node`` can be placed in the source."""
        placer = per_module(self.ctx.resolver, "_placer", lambda: Placer(self.ctx.resolver.tree))
        try:
            placer.place(Edit(node, op, {}))
        except Unplaceable:
            return False
        return True

    def replaced(self, node: ast.expr) -> None:
        """The edits replace ``node``: the name at its root no longer reads an openai import there."""
        while isinstance(node, ast.Attribute):
            node = node.value
        if isinstance(node, ast.Name):
            self.replaced_roots.add(id(node))
