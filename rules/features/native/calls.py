"""Native style: the calls on a client that went native, in the SDK's terms.

Arguments the SDK method does not take are renamed, moved into its pass-through dict, spread or dropped
(``NativeMethod``); methods the SDK names otherwise are renamed.
"""

from __future__ import annotations

import ast

from migrator.model import Severity
from migrator.rules.features.native.base import CALL_CODE, FEATURE, ModuleView
from migrator.rules.providers import NativeMethod
from migrator.sites import Site


class CallRewriter:
    """Rewrites one call at a time (``rewrite``)."""

    def __init__(self, view: ModuleView) -> None:
        self.view = view
        self.ctx, self.native = view.ctx, view.native

    def rewrite(self, use: Site) -> None:
        ctx, method = self.ctx, self.view.method(use)
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
                ctx.edit(call, "rename_kwarg", CALL_CODE, old=k.arg, new=method.renames[k.arg])
                notes.append(f"{k.arg}= → {method.renames[k.arg]}=")
            elif k.arg in method.drops:
                ctx.edit(call, "remove_kwarg", CALL_CODE, name=k.arg)
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
                    ctx.edit(call, "remove_kwarg", CALL_CODE, name=arg)
                ctx.edit(call, "merge_extra_body", CALL_CODE, entries=moved, quote=ctx.quote, kw=name)
                notes.append(f"{', '.join(moved)} → {method.extras}=")
        if target is not None and target.arg != method.extras:
            ctx.edit(call, "rename_kwarg", CALL_CODE, old=target.arg, new=method.extras)
        if notes:
            ctx.report(call, CALL_CODE, FEATURE, Severity.REVIEW if review else Severity.AUTO,
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
            ctx.edit(call, "spread_kwarg", CALL_CODE, name=k.arg)
            notes.append(f"{k.arg}= entries → keyword arguments")
        elif method.extras:
            if k.arg != method.extras and not any(x.arg == method.extras for x in call.keywords):
                notes.append(f"{k.arg}= → {method.extras}=")  # renamed by the extras holder
        else:
            ctx.edit(call, "spread_kwarg", CALL_CODE, name=k.arg)
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
            self.ctx.edit(call, "rename_callee", CALL_CODE, name=new[-1])
        else:
            self.ctx.edit(func, "replace_expr", CALL_CODE, src=".".join((src, *new)))
