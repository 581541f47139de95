"""The safety net: what a rewrite would break that the original did not.

A rewritten module is compared with the original for *static breakage*: names used where they are not
defined (pyflakes: undefined names, locals read before assignment, undefined ``__all__`` entries), code
that no longer compiles (a repeated keyword, ``await`` outside an async function, ...) and keywords
added to a call that also spreads a mapping (``OpenAI(**kw, base_url=...)``: a ``TypeError`` when the
mapping holds the same key). Problems are compared as multisets of keys that do not depend on line
numbers, so a problem the original already had is never blamed on the rewrite.

The engine uses :func:`introduced` to find the sites whose edits break something, rolls those sites
back to their original text and reports them (design.md §3, verify stage).
"""

from __future__ import annotations

import ast
import functools
import warnings
from collections import Counter
from dataclasses import dataclass

from pyflakes import messages as m
from pyflakes.checker import Checker

from migrator.resolve import dotted
from migrator.rules import providers

# pyflakes messages that mean the program fails at run time (the rest are style: unused names, ...);
# return / yield / break outside their block are the compiler's (which allows a notebook's top-level await)
_BREAKING: dict[type, str] = {
    m.UndefinedName: "uses `{0}`, which is not defined there",
    m.UndefinedLocal: "reads the local `{0}` before it is assigned",
    m.UndefinedExport: "lists `{0}` in __all__, which is not defined",
    m.DuplicateArgument: "repeats the argument `{0}`",
    m.DefaultExceptNotLast: "puts a bare `except:` before another handler",
    m.TwoStarredExpressions: "has two starred expressions in one assignment",
}


@dataclass(frozen=True)
class Problem:
    key: tuple[str, ...]  # what is wrong, without a place (compared between the two versions)
    line: int  # where, in the text it was found in
    reason: str  # "uses `os`, which is not defined there"


def problems(text: str, tree: ast.Module | None = None) -> list[Problem]:
    """The static breakages of one module. ``tree`` is ``ast.parse(text)`` when the caller has it."""
    if tree is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tree = ast.parse(text)
            except SyntaxError as exc:
                return [Problem(("syntax", exc.msg), exc.lineno or 1, f"does not parse ({exc.msg})")]
    out: list[Problem] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:  # what only the compiler checks: repeated keywords, await outside async, nonlocal, ...
            compile(tree, "<migrated>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError as exc:
            out.append(Problem(("compile", exc.msg), exc.lineno or 1, f"does not compile ({exc.msg})"))
        except (ValueError, RecursionError):
            pass
    try:
        checker = Checker(tree, filename="<migrated>", withDoctest=False)
    except RecursionError:
        checker = None
    for msg in checker.messages if checker is not None else ():
        template = _BREAKING.get(type(msg))
        if template is None:
            continue
        args = tuple(str(a) for a in msg.message_args)
        out.append(Problem((type(msg).__name__, *args), msg.lineno, template.format(*args, "")))
    out += _spread_keywords(tree)
    out += _stream_context_managers(tree)
    out += _native_calls(tree)
    return out


@functools.cache
def _no_cm_streams() -> frozenset[str]:
    """The native SDK packages whose stream is no context manager (provider data: ``stream_in_with``)."""
    return frozenset(spec.native.module.split(".")[0] for spec in providers.all_specs()
                     if spec.native is not None and not spec.native.stream_in_with)


def _stream_context_managers(tree: ast.Module) -> list[Problem]:
    """``with client.chat.completions.create(..., stream=True) as s:`` on an SDK whose stream is no
    context manager (AttributeError: __enter__)."""
    sdks = {a.name.split(".")[0] for n in tree.body if isinstance(n, ast.Import) for a in n.names} | \
        {n.module.split(".")[0] for n in tree.body if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    sdks &= _no_cm_streams()
    if not sdks:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and (dotted(call.func) or "").endswith("completions.create") and any(
                        k.arg == "stream" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                        for k in call.keywords):
                    sdk = min(sdks)
                    out.append(Problem(("stream-cm", sdk), node.lineno,
                                       f"uses a {sdk} stream in `with`, which it does not support "
                                       "(its stream is no context manager)"))
    return out


@functools.cache
def _native_clients() -> dict[str, tuple[object, bool]]:
    """Each native SDK client class (dotted) -> (its NativeSpec, whether it is an asyncio client)."""
    out: dict[str, tuple[object, bool]] = {}
    for spec in providers.all_specs():
        native = spec.native
        if native is None:
            continue
        for kind, cls in native.clients.items():
            is_async = kind.startswith("async")
            if cls not in out or is_async:  # qianfan.Qianfan serves both
                out[cls] = (native, is_async)
    return out


def _native_calls(tree: ast.Module) -> list[Problem]:
    """Calls on a provider SDK client (``client = dashscope.Client(...)``, ``self.c = zai.ZhipuAiClient()``)
    that the SDK rejects: a keyword its method does not take (TypeError), or ``await`` on a method that
    returns no awaitable (a sync client, or qianfan's ``create`` where ``acreate`` is the coroutine)."""
    classes = _native_clients()
    roots = {cls.split(".")[0] for cls in classes}
    alias: dict[str, str] = {}  # local name -> dotted name, for the native modules only
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                if a.name.split(".")[0] in roots:
                    alias[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level \
                and stmt.module.split(".")[0] in roots:
            for a in stmt.names:
                alias[a.asname or a.name] = f"{stmt.module}.{a.name}"
    if not alias:
        return []

    def full(expr: ast.expr) -> str:
        name = dotted(expr) or ""
        head, _, rest = name.partition(".")
        return f"{alias[head]}.{rest}".rstrip(".") if head in alias else ""

    bound: dict[str, str] = {}  # "client" / "self.client" -> native class
    calls: list[ast.Call] = []
    awaited: set[int] = set()
    for walked in ast.walk(tree):  # one walk: the clients, the calls and what is awaited
        if isinstance(walked, ast.Call):
            calls.append(walked)
        elif isinstance(walked, ast.Await):
            awaited.add(id(walked.value))
        elif isinstance(walked, ast.Assign | ast.AnnAssign) and isinstance(walked.value, ast.Call):
            cls = full(walked.value.func)
            if cls in classes:
                for target in walked.targets if isinstance(walked, ast.Assign) else [walked.target]:
                    if (key := dotted(target)) is not None:
                        bound[key] = cls
    if not bound:
        return []
    out: list[Problem] = []
    for call in calls:
        name = dotted(call.func) or ""
        receiver = next((r for r in bound if name.startswith(r + ".")), None)
        if receiver is None:
            continue
        cls, path = bound[receiver], name[len(receiver) + 1:]
        native, is_async = classes[cls]
        method = next((m for key, m in native.methods.items()  # type: ignore[attr-defined]
                       if path in (m.call or key, m.async_call)), None)
        if method is None:
            continue
        if id(call) in awaited and not (is_async and (not method.async_call or path == method.async_call)):
            out.append(Problem(("await-sync", cls, path), call.lineno,
                               f"awaits `{path}` on a {cls}, which returns no awaitable "
                               f"(TypeError: object can't be used in 'await' expression)"))
        if method.accepts is None:
            continue
        allowed = method.accepts | {method.extras} - {""}
        for k in call.keywords:
            if k.arg is not None and k.arg not in allowed:
                out.append(Problem(("native-kw", cls, path, k.arg), call.lineno,
                                   f"passes `{k.arg}=` to {cls.split('.')[0]}'s `{path}`, which does not take it "
                                   f"(TypeError: unexpected keyword argument '{k.arg}')"))
    return out


def _spread_keywords(tree: ast.Module) -> list[Problem]:
    """Keywords next to ``**mapping`` in a call: each may be a duplicate at run time, unless the mapping
    is a local dict whose keys are all known (:func:`_known_keys`) and do not include it."""
    out = []
    scopes: dict[int, dict[str, frozenset[str] | None]] = {}
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in _own_nodes(scope):
            if not (isinstance(node, ast.Call) and any(k.arg is None for k in node.keywords)):
                continue
            spread = next(k for k in node.keywords if k.arg is None)
            mapping = ast.unparse(spread.value) if len(node.keywords) < 50 else "..."
            known: frozenset[str] | None = None
            if isinstance(spread.value, ast.Name) and sum(k.arg is None for k in node.keywords) == 1:
                if id(scope) not in scopes:
                    scopes[id(scope)] = _known_keys(scope)
                known = scopes[id(scope)].get(spread.value.id)
            callee = dotted(node.func) or "call"
            for k in node.keywords:
                if k.arg is not None and (known is None or k.arg in known):
                    out.append(Problem(("spread", callee, mapping, k.arg), node.lineno,
                                       f"passes `{k.arg}=` next to `**{mapping}`, which may already hold that key "
                                       f"(TypeError: got multiple values for keyword argument '{k.arg}')"))
    return out


def _own_nodes(scope: ast.AST):
    """The nodes of a module or function, not those of the functions defined in it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _known_keys(scope: ast.AST) -> dict[str, frozenset[str] | None]:
    """For each local name of a scope that only ever holds a dict with string keys written out in the
    code (``p = {"model": m}``, ``p["tools"] = t``, ``dict(model=m)``), those keys; ``None`` for a name
    used any other way (a parameter, ``p.update(...)``, passed to a function that may add keys)."""
    keys: dict[str, set[str] | None] = {}

    def spoil(name: str) -> None:
        keys[name] = None

    def add(name: str, more: set[str] | None) -> None:
        if more is None or (name in keys and keys[name] is None):
            spoil(name)
        else:
            keys.setdefault(name, set()).update(more)  # type: ignore[union-attr]

    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        for a in ast.walk(scope.args):
            if isinstance(a, ast.arg):
                spoil(a.arg)
    allowed: set[int] = set()  # Name loads that cannot change the keys
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign):
            value = _literal_keys(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    add(target.id, value)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    key = target.slice
                    add(target.value.id, {key.value} if isinstance(key, ast.Constant)
                        and isinstance(key.value, str) else None)
                    allowed.add(id(target.value))
        elif isinstance(node, ast.Call):
            for k in node.keywords:
                if k.arg is None and isinstance(k.value, ast.Name):
                    allowed.add(id(k.value))
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                    and node.func.attr in ("get", "copy", "items", "keys", "values"):
                allowed.add(id(node.func.value))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and isinstance(node.ctx, ast.Load):
            allowed.add(id(node.value))
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Name):
                    allowed.add(id(side))
    for node in _own_nodes(scope):
        if isinstance(node, ast.Name) and id(node) not in allowed and not isinstance(node.ctx, ast.Store):
            spoil(node.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in keys:
            spoil(node.id)  # bound by a for loop, with, walrus, ...
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and isinstance(node.target, ast.Name):
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                add(node.target.id, _literal_keys(node.value))
            else:
                spoil(node.target.id)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                spoil(name)
    return {name: frozenset(v) if v is not None else None for name, v in keys.items()}


def _literal_keys(value: ast.expr) -> set[str] | None:
    if isinstance(value, ast.Dict):
        if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
            return {k.value for k in value.keys}  # type: ignore[union-attr]
        return None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
            and not value.args and all(k.arg is not None for k in value.keywords):
        return {k.arg for k in value.keywords}  # type: ignore[misc]
    return None


def introduced(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """The problems of ``after`` that ``before`` does not have (counted: one more use of an undefined
    name is a new problem)."""
    budget = Counter(p.key for p in before)
    out = []
    for p in after:
        if budget[p.key] > 0:
            budget[p.key] -= 1
            continue
        out.append(p)
    return out


def unused_imports(text: str) -> set[str]:
    """Names pyflakes reports as imported and unused (``os``, ``openai.OpenAI``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return set()
    return {str(msg.message_args[0]) for msg in Checker(tree, filename="<migrated>").messages
            if isinstance(msg, m.UnusedImport)}
