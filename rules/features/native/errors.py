"""Native style: which handler catches which error, before and after the exception classes change.

openai's exception classes and a provider SDK's do not line up one to one: zai raises one
``APIStatusError`` for a 404 that openai calls ``NotFoundError``, qianfan one ``RequestError`` for
every status, dashscope ``APIStatusError`` for a 502 that openai counts as ``InternalServerError``.
Swapping class names one by one can make a handler catch what it did not catch before (a retry on
connection errors that now also retries the 400 the next handler meant to report).

This module models the errors a call can raise as *events* (an HTTP status, a connection failure, a
timeout). Each openai class catches a set of events (its place in openai's hierarchy); each SDK
class catches the events the SDK raises as that class or a subclass (``NativeSpec.error_classes`` /
``error_raised``, checked against the installed SDKs by tests/test_native_errors.py). A handler's new classes
are those that catch exactly its events. Where the SDK has none (zai's 404), the class the event is
raised as is broader; it is kept when every event of the ``try`` still ends in the handler it ended in
before (an earlier handler takes the rest), else the handler gets the narrower classes, and what it no
longer catches, or catches besides, is reported for review with the statuses that moved.

Reordering the handlers or putting a re-raising handler in front does not help with the SDKs'
hierarchies as they are: every broader class also catches a status of a later handler, so a
rewrite by class alone cannot keep the dispatch; the review finding says which statuses moved.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from migrator.edits import EditOp
from migrator.model import Severity
from migrator.rules import surface
from migrator.rules.base import PlanContext
from migrator.rules.providers import NativeSpec
from migrator.sites import Site

STATUSES, EVENTS, OPENAI_EVENTS = surface.ERROR_STATUSES, surface.ERROR_EVENTS, surface.EXCEPTION_EVENTS
ALL = frozenset(EVENTS)
# what a handler of other classes catches of the events: everything (``except Exception``, a bare
# ``except``) or nothing the model knows of
CATCH_ALL = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


def describe(events: frozenset[str]) -> str:
    """``HTTP 400, 401`` / ``every HTTP status but 429`` / ``connection errors`` for a message."""
    statuses = [e for e in STATUSES if e in events]
    others = [e for e in STATUSES if e not in events]
    parts = []
    if len(statuses) > len(STATUSES) // 2:
        parts.append("every HTTP status" + (" but " + ", ".join(others) if others else ""))
    elif statuses:
        parts.append("HTTP " + ", ".join(statuses))
    parts += [f"{e} errors" for e in ("connection", "timeout") if e in events]
    return " and ".join(parts)


def catches(native: NativeSpec, *classes: str) -> frozenset[str]:
    """The events these SDK classes catch: those whose every class (qianfan raises a requests error on
    the sync path and an aiohttp one on the async path) is one of them or below one."""
    return frozenset(event for event, raised in native.error_raised.items()
                     if all(_under(native, r, classes) for r in raised))


def _under(native: NativeSpec, cls: str, classes: tuple[str, ...]) -> bool:
    c: str | None = cls
    while c:
        if c in classes:
            return True
        c = native.error_classes.get(c) or None
    return False


@dataclass(frozen=True)
class Mapping:
    """What catches an openai class's events on the SDK."""

    classes: tuple[str, ...]  # SDK classes, most general first
    events: frozenset[str]  # what openai's class caught
    caught: frozenset[str]  # what the SDK classes catch

    @property
    def lost(self) -> frozenset[str]:
        return self.events - self.caught

    @property
    def extra(self) -> frozenset[str]:
        return self.caught - self.events


def mapping(native: NativeSpec, openai_class: str, narrow: bool = False) -> Mapping | None:
    """The SDK classes for ``except openai.<openai_class>``: the most general ones that catch only its
    events, plus (unless ``narrow``) the class an event is raised as where no such class covers it.
    None: the model does not know the class, or the provider has no error data."""
    events = OPENAI_EVENTS.get(openai_class)
    if events is None or not native.error_raised:
        return None
    exact = [c for c in native.error_classes if catches(native, c) and catches(native, c) <= events]
    # the most general, and of those that catch the same the most specific (qianfan's RequestError, not
    # QianfanError, for HTTP errors)
    top = [c for c in exact if not any(catches(native, c) < catches(native, d) for d in exact)
           and not any(c in _above(native, d) and catches(native, d) == catches(native, c) for d in exact)]
    covered = catches(native, *top)
    classes = list(top)
    if not narrow:
        for event in EVENTS:
            if event in events and event not in covered and event in native.error_raised:
                classes += [c for c in native.error_raised[event] if c not in classes]
                covered = catches(native, *classes)
        # a class below another of the list adds nothing
        classes = [c for c in classes if not any(p in classes for p in _above(native, c))]
    order = list(native.error_classes)
    classes.sort(key=lambda c: order.index(c) if c in order else len(order))
    return Mapping(tuple(classes), events, catches(native, *classes))


def _above(native: NativeSpec, cls: str) -> list[str]:
    out, c = [], native.error_classes.get(cls) or None
    while c and c not in out:
        out.append(c)
        c = native.error_classes.get(c) or None
    return out


@dataclass(frozen=True)
class Handler:
    """One ``except`` clause of a ``try``: the events it caught before and catches after the rewrite."""

    before: frozenset[str]
    after: frozenset[str]


def dispatch(handlers: list[Handler], attr: str) -> dict[str, int | None]:
    """Which handler each event ends in (None: it leaves the ``try``)."""
    return {event: next((i for i, h in enumerate(handlers) if event in getattr(h, attr)), None) for event in EVENTS}


def keeps_dispatch(handlers: list[Handler]) -> bool:
    """Every event still ends in the handler it ended in before (or still in none)."""
    return dispatch(handlers, "after") == dispatch(handlers, "before")


# ---------------------------------------------------------------------------------------------
# The rewrite of the handlers of one module


CODE = "OA163"  # NativeException's
FEATURE = "native"


def _code(classes: tuple[str, ...]) -> str:
    return classes[0] if len(classes) == 1 else "(" + ", ".join(classes) + ")"


class Handlers:
    """Plans the exception classes of a module whose clients went native (``NativeException``)."""

    def __init__(self, ctx: PlanContext, native: NativeSpec, sites: list[Site], parents: dict[int, ast.AST],
                 placeable: Callable[[ast.AST, EditOp], bool], replaced: Callable[[ast.expr], None]) -> None:
        self.ctx, self.native, self.sites, self.parents = ctx, native, sites, parents
        self.placeable, self.replaced = placeable, replaced
        self.read_handlers: set[int] = set()  # except handlers whose reads of the exception were checked
        self.rewritten: set[int] = set()  # the openai classes that get SDK classes
        self.in_tuple: dict[int, list[str]] = {}  # a tuple of openai classes -> the SDK classes for it
        self.tuple_done: dict[int, int] = {}  # how many of its classes were planned

    def run(self, all_native: bool, elsewhere: bool = False, widening: str | None = None) -> None:
        """``widening``: why the project's clients stay compat because of these handlers (said on them)."""
        ctx, native = self.ctx, self.native
        sites = [s for s in self.sites if s.kind == "exception" and s.attr and not s.attr.startswith("error.")]
        kept: list[tuple[Site, Mapping]] = []
        for site in sites:
            m = mapping(native, site.attr or "")
            if all_native and m is not None and m.classes and not self.placeable(site.node, "replace_expr"):
                ctx.report(site.node, CODE, FEATURE, Severity.MANUAL,
                           f"openai.{site.attr}: migrator cannot rewrite the class here; catch {_code(m.classes)}",
                           subject=f"catches openai.{site.attr}")
                continue
            if not all_native or m is None or not m.classes:
                why = ("the clients it guards live in other modules, and not all of them moved to "
                       f"{native.module}" if elsewhere else f"the clients of this module are not all on {native.module}")
                if all_native:
                    why = f"migrator does not know what {native.module} raises for it"
                elif widening:
                    why = f"the project's clients stay on the openai SDK because {widening}"
                new = _code(m.classes) if m is not None and m.classes else f"the {native.module} exception"
                ctx.report(site.node, CODE, FEATURE, Severity.REVIEW,
                           f"openai.{site.attr}: {why}; catch {new} too where a native client raises",
                           subject=f"catches openai.{site.attr}")
                continue
            kept.append((site, m))
        self.rewritten = {id(site.node) for site, _ in kept}
        loose, tries = self._grouped([site for site, _ in kept])
        for site in loose:
            self._rewrite(site, self._loose(site), unsafe=True)
        for node, in_try in tries:
            maps, same = self._plan_try(node, in_try)
            for site in in_try:
                self._rewrite(site, maps[id(site.node)], unsafe=not same)

    def _grouped(self, sites: list[Site]) -> tuple[list[Site], list[tuple[ast.Try, list[Site]]]]:
        """The classes outside an ``except`` (``isinstance(e, openai.RateLimitError)``, ``RETRYABLE =
        (openai.APIError, ...)``), and those of each ``try``'s handlers."""
        loose: list[Site] = []
        tries: dict[int, tuple[ast.Try, list[Site]]] = {}
        for site in sites:
            found = self._try_of(site.node)
            if found is None:
                loose.append(site)
            else:
                tries.setdefault(id(found), (found, []))[1].append(site)
        return loose, list(tries.values())

    def _loose(self, site: Site) -> Mapping:
        """A class outside an ``except``: the narrower classes where the broader would catch more."""
        m = mapping(self.native, site.attr or "")
        assert m is not None
        n = mapping(self.native, site.attr or "", narrow=True) if m.extra else None
        return n if n is not None and n.classes else m

    def _try_of(self, node: ast.AST) -> ast.Try | None:
        """The ``try`` whose handler's class ``node`` is (in a tuple or not)."""
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Tuple):
            node, parent = parent, self.parents.get(id(parent))
        if isinstance(parent, ast.ExceptHandler) and parent.type is node:
            grand = self.parents.get(id(parent))
            return grand if isinstance(grand, ast.Try) else None
        return None

    def _handlers(self, node: ast.Try, maps: dict[int, Mapping]) -> list[Handler]:
        out = []
        for handler in node.handlers:
            before: set[str] = set()
            after: set[str] = set()
            for e in self._elts(handler):
                if id(e) in maps:
                    before |= maps[id(e)].events
                    after |= maps[id(e)].caught
                elif (self.ctx.segment(e) or "") in CATCH_ALL:
                    before |= ALL
                    after |= ALL
            if handler.type is None:
                before, after = set(ALL), set(ALL)
            out.append(Handler(frozenset(before), frozenset(after)))
        return out

    def _plan_try(self, node: ast.Try, sites: list[Site]) -> tuple[dict[int, Mapping], bool]:
        """The classes of the handlers of one ``try``: those that catch what openai's caught; where the SDK
        has none, a broader class if the handlers still catch what they did (an earlier handler takes the
        rest), else the narrower ones (what they no longer catch is reported). True: the handlers catch
        what they caught."""
        native = self.native
        broad: dict[int, Mapping] = {}
        for s in sites:
            m = mapping(native, s.attr or "")
            assert m is not None
            broad[id(s.node)] = m
        maps, same = broad, keeps_dispatch(self._handlers(node, broad))
        if not same:  # the narrower classes where the SDK has some
            for s in sites:
                n = mapping(native, s.attr or "", narrow=True)
                if n is not None and n.classes:
                    maps = {**maps, id(s.node): n}
        return maps, same

    def widening(self) -> str | None:
        """Why the module's clients cannot go native: a handler (or a tuple of classes) would also catch
        errors it did not catch, with no earlier handler taking them (a retry on rate limits that would
        retry the 400 too). None: every handler catches what it caught, or less (reported)."""
        sites = [s for s in self.sites if s.kind == "exception" and s.attr and not s.attr.startswith("error.")
                 and mapping(self.native, s.attr) is not None]
        loose, tries = self._grouped(sites)
        for site in loose:
            if self._loose(site).extra:
                return self._widens(site, self._loose(site))
        for node, in_try in tries:
            maps, same = self._plan_try(node, in_try)
            for site in in_try if not same else ():
                if maps[id(site.node)].extra:
                    return self._widens(site, maps[id(site.node)])
        return None

    def _widens(self, site: Site, m: Mapping) -> str:
        what = f"`except openai.{site.attr}`" if self._try_of(site.node) is not None else f"openai.{site.attr}"
        return f"{what} would also catch {describe(m.extra)} as {_code(m.classes)}, which it did not catch before"

    @staticmethod
    def _elts(handler: ast.ExceptHandler) -> list[ast.expr]:
        if handler.type is None:
            return []
        return list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]

    def _need(self, cls: str) -> None:
        if "." in cls:
            self.ctx.need_import(cls.split(".", 1)[0])

    def _rewrite(self, site: Site, m: Mapping, unsafe: bool = False) -> None:
        ctx, native = self.ctx, self.native
        for cls in m.classes:
            self._need(cls)
        # in a tuple the classes join it (``except (A, B, openai.RateLimitError)``), once each
        parent = self.parents.get(id(site.node))
        if isinstance(parent, ast.Tuple) and all(id(e) in self.rewritten for e in parent.elts) \
                and self.placeable(parent, "replace_expr"):  # the whole tuple, each class once
            emitted = self.in_tuple.setdefault(id(parent), [])
            emitted += [c for c in m.classes if c not in emitted]
            self.tuple_done[id(parent)] = self.tuple_done.get(id(parent), 0) + 1
            if self.tuple_done[id(parent)] == len(parent.elts):
                ctx.edit(parent, "replace_expr", CODE, src=_code(tuple(emitted)))
        elif isinstance(parent, ast.Tuple):
            ctx.edit(site.node, "replace_expr", CODE, src=", ".join(m.classes))
        else:
            ctx.edit(site.node, "replace_expr", CODE, src=_code(m.classes))
        self.replaced(site.node)  # type: ignore[arg-type]
        self._error_reads(site.node)
        problems = []
        if m.lost:
            problems.append(f"{describe(m.lost)} no longer caught here ({native.module} raises "
                            f"{_code(tuple(sorted({c for e in m.lost for c in native.error_raised[e]})))} for them)")
        if m.extra and unsafe:
            problems.append(f"also catches {describe(m.extra)}, which openai.{site.attr} did not and no "
                            "handler before it takes")
        extra = native.error_notes.get(site.attr or "") if problems else None
        text = "; ".join([*problems, *([extra] if extra else [])])
        ctx.report(site.node, CODE, FEATURE, Severity.REVIEW if problems else Severity.AUTO,
                   f"openai.{site.attr} → {_code(m.classes)}" + (f" ({text})" if text else ""),
                   subject=f"catches openai.{site.attr}")

    def _error_reads(self, node: ast.AST) -> None:
        """``except openai.RateLimitError as e: e.response.headers`` reads what the SDK's exception may
        name differently (``e.headers``) or lack (``e.response`` on dashscope and qianfan)."""
        ctx, native = self.ctx, self.native
        handler = self.parents.get(id(node))
        while handler is not None and not isinstance(handler, ast.ExceptHandler):
            handler = self.parents.get(id(handler))
        if handler is None or not handler.name or id(handler) in self.read_handlers:
            return
        self.read_handlers.add(id(handler))
        for stmt in handler.body:
            for read in ast.walk(stmt):
                if not (isinstance(read, ast.Attribute) and isinstance(read.value, ast.Name)
                        and read.value.id == handler.name and isinstance(read.ctx, ast.Load)):
                    continue
                chain: list[ast.Attribute] = [read]
                while isinstance(parent := self.parents.get(id(chain[-1])), ast.Attribute) \
                        and parent.value is chain[-1]:
                    chain.append(parent)
                names = [a.attr for a in chain]
                renamed = next(((i, native.error_renames[".".join(names[:i])]) for i in range(len(names), 0, -1)
                                if ".".join(names[:i]) in native.error_renames), None)
                if renamed is not None and self.placeable(chain[renamed[0] - 1], "replace_expr"):
                    i, new = renamed
                    ctx.edit(chain[i - 1], "replace_expr", CODE, src=f"{handler.name}.{new}")
                    ctx.report(chain[i - 1], CODE, FEATURE, Severity.AUTO,
                               f"{native.module} exception: {handler.name}.{'.'.join(names[:i])} → "
                               f"{handler.name}.{new}", subject="attribute of an openai exception")
                elif names[0] in native.error_missing:
                    ctx.report(read, CODE, FEATURE, Severity.MANUAL,
                               f"{handler.name}.{names[0]} raises AttributeError on the {native.module} exception: "
                               f"{native.error_missing[names[0]]}", subject="attribute of an openai exception")
