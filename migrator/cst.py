"""LibCST helpers: edit call arguments in the style of the call, follow paths from anchors."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

# ---------------------------------------------------------------------------------------------
# Dotted names (the fingerprint of an anchor, computed the same way as on the ast side)


def dotted(node: cst.BaseExpression) -> str | None:
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def fingerprint(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Call):
        return dotted(node.func) or ""
    if isinstance(node, cst.Assign):
        return dotted(node.targets[0].target) or ""
    if isinstance(node, cst.AnnAssign):
        return dotted(node.target) or ""
    if isinstance(node, cst.FunctionDef):
        return node.name.value
    if isinstance(node, cst.Import):
        return ",".join(_import_name(a.name) for a in node.names)
    if isinstance(node, cst.ImportFrom):
        dots = "." * len(node.relative)
        return dots + (_import_name(node.module) if node.module is not None else "")
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return ""


def _import_name(node: cst.BaseExpression) -> str:
    return dotted(node) or ""


# ---------------------------------------------------------------------------------------------
# Whitespace


def _strip_comments(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation without comments or blank lines (safe to copy)."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(newline=ws.first_line.newline),
            empty_lines=[],
            indent=ws.indent,
            last_line=ws.last_line,
        )
    return ws


def _has_newline(ws: object) -> bool:
    return isinstance(ws, cst.ParenthesizedWhitespace)


# ---------------------------------------------------------------------------------------------
# Arguments


def _equal_style(args: list[cst.Arg]) -> cst.AssignEqual:
    for a in args:
        if a.keyword is not None and isinstance(a.equal, cst.AssignEqual):
            return a.equal
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def _join(head: cst.BaseParenthesizableWhitespace,
          tail: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The end of line (comment included) of ``head`` with the indentation of ``tail``."""
    if isinstance(head, cst.ParenthesizedWhitespace) and isinstance(tail, cst.ParenthesizedWhitespace):
        return head.with_changes(indent=tail.indent, last_line=tail.last_line)
    return tail


def add_kwarg(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append ``name=value`` to a call, laid out like the call's other arguments.

    A comment at the end of the last argument's line stays on that line.
    """
    args = list(call.args)
    new = cst.Arg(value=value, keyword=cst.Name(name), equal=_equal_style(args))
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        sep = args[-2].comma.with_changes(whitespace_after=_strip_comments(args[-2].comma.whitespace_after))
    elif _has_newline(call.whitespace_before_args):
        sep = cst.Comma(whitespace_after=_strip_comments(call.whitespace_before_args))
    else:
        sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if isinstance(last.comma, cst.Comma):  # trailing comma: the new argument gets one too
        old = last.comma.whitespace_after
        new = new.with_changes(comma=last.comma.with_changes(whitespace_after=_strip_comments(old)),
                               whitespace_after_arg=last.whitespace_after_arg)
        last = last.with_changes(comma=last.comma.with_changes(whitespace_after=_join(old, sep.whitespace_after)),
                                 whitespace_after_arg=cst.SimpleWhitespace(""))
    else:
        old = last.whitespace_after_arg
        new = new.with_changes(whitespace_after_arg=_strip_comments(old))
        last = last.with_changes(comma=sep.with_changes(whitespace_after=_join(old, sep.whitespace_after)),
                                 whitespace_after_arg=cst.SimpleWhitespace(""))
    args[-1] = last
    args.append(new)
    return call.with_changes(args=args)


def remove_kwarg(call: cst.Call, name: str) -> cst.Call:
    args = list(call.args)
    index = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == name), None)
    if index is None:
        return call
    removed = args.pop(index)
    if index == len(args) and index > 0:  # it was the last: the one before takes over its comma and spacing
        prev = args[index - 1]
        args[index - 1] = prev.with_changes(comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg)
    return call.with_changes(args=args)


def rename_kwarg(call: cst.Call, old: str, new: str) -> cst.Call:
    args = [a.with_changes(keyword=cst.Name(new)) if a.keyword is not None and a.keyword.value == old else a
            for a in call.args]
    return call.with_changes(args=args)


def spread_kwarg(call: cst.Call, name: str) -> cst.Call:
    """``name={"a": 1, "b": x}`` → ``a=1, b=x``; any other value → ``**value``."""
    args: list[cst.Arg] = []
    for a in call.args:
        if a.keyword is None or a.keyword.value != name:
            args.append(a)
            continue
        d = a.value
        entries = d.elements if isinstance(d, cst.Dict) else ()
        keys = [e.key.evaluated_value if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                else None for e in entries]
        if keys and all(isinstance(k, str) and k.isidentifier() for k in keys):
            equal = a.equal if isinstance(a.equal, cst.AssignEqual) else _equal_style(list(call.args))
            for i, (key, e) in enumerate(zip(keys, entries, strict=True)):
                last = i == len(keys) - 1
                comma = a.comma if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                args.append(cst.Arg(value=e.value, keyword=cst.Name(key), equal=equal, comma=comma,  # type: ignore[arg-type]
                                    whitespace_after_arg=a.whitespace_after_arg if last else cst.SimpleWhitespace("")))
        else:
            args.append(a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, star="**"))
    return call.with_changes(args=args)


def kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return None


def add_dict_entries(d: cst.Dict, entries: dict[str, cst.BaseExpression], quote: str) -> cst.Dict:
    elements = list(d.elements)
    for key, value in entries.items():
        element = cst.DictElement(key=cst.SimpleString(f"{quote}{key}{quote}"), value=value)
        if elements:
            last = elements[-1]
            if isinstance(last.comma, cst.Comma):
                element = element.with_changes(comma=last.comma)
                last = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            else:
                last = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            elements[-1] = last
        elements.append(element)
    return d.with_changes(elements=elements)


# ---------------------------------------------------------------------------------------------
# Paths from an anchor to a node (see migrator.edits)


class PathError(Exception):
    pass


def _positional(call: cst.Call) -> list[int]:
    return [i for i, a in enumerate(call.args) if a.keyword is None and a.star == ""]


def _replace_bool_operand(node: cst.BooleanOperation, index: int,
                          fn: Callable[[cst.CSTNode], cst.CSTNode]) -> cst.BooleanOperation:
    op = type(node.operator)
    counter = [0]

    def rebuild(n: cst.BaseExpression, root: bool) -> cst.BaseExpression:
        if isinstance(n, cst.BooleanOperation) and type(n.operator) is op and (root or not n.lpar):
            left = rebuild(n.left, False)
            right = rebuild(n.right, False)
            return n.with_changes(left=left, right=right)
        i = counter[0]
        counter[0] += 1
        return fn(n) if i == index else n  # type: ignore[return-value]

    return rebuild(node, True)  # type: ignore[return-value]


def replace_at(node: cst.CSTNode, path: tuple, fn: Callable[[cst.CSTNode], cst.CSTNode]) -> cst.CSTNode:
    """Return ``node`` with the node at ``path`` replaced by ``fn(old)``."""
    if not path:
        return fn(node)
    step, rest = path[0], path[1:]

    def sub(child: cst.CSTNode) -> cst.CSTNode:
        return replace_at(child, rest, fn)

    kind = step[0]
    if kind == "func" and isinstance(node, cst.Call):
        return node.with_changes(func=sub(node.func))
    if kind == "arg" and isinstance(node, cst.Call):
        index = _positional(node)[step[1]]
        args = list(node.args)
        args[index] = args[index].with_changes(value=sub(args[index].value))
        return node.with_changes(args=args)
    if kind == "kw" and isinstance(node, cst.Call):
        args = list(node.args)
        for i, a in enumerate(args):
            if a.keyword is not None and a.keyword.value == step[1]:
                args[i] = a.with_changes(value=sub(a.value))
                return node.with_changes(args=args)
        raise PathError(f"no keyword {step[1]}")
    if kind == "target" and isinstance(node, cst.Assign):
        targets = list(node.targets)
        targets[step[1]] = targets[step[1]].with_changes(target=sub(targets[step[1]].target))
        return node.with_changes(targets=targets)
    if kind == "value" and isinstance(node, cst.Assign | cst.AnnAssign | cst.Expr):
        return node.with_changes(value=sub(node.value))  # type: ignore[arg-type]
    if kind == "default" and isinstance(node, cst.FunctionDef):
        params = node.params
        for field in ("posonly_params", "params", "kwonly_params"):
            plist = list(getattr(params, field))
            for i, p in enumerate(plist):
                if p.name.value == step[1] and p.default is not None:
                    plist[i] = p.with_changes(default=sub(p.default))
                    return node.with_changes(params=params.with_changes(**{field: plist}))
        raise PathError(f"no default for {step[1]}")
    if kind == "param_annotation" and isinstance(node, cst.FunctionDef):
        params = node.params
        for field in ("posonly_params", "params", "kwonly_params"):
            plist = list(getattr(params, field))
            for i, p in enumerate(plist):
                if p.name.value == step[1] and p.annotation is not None:
                    plist[i] = p.with_changes(annotation=p.annotation.with_changes(annotation=sub(p.annotation.annotation)))
                    return node.with_changes(params=params.with_changes(**{field: plist}))
        raise PathError(f"no annotation for {step[1]}")
    if kind == "bitor" and isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return node.with_changes(**{step[1]: sub(getattr(node, step[1]))})
    if kind == "cmp" and isinstance(node, cst.Comparison):
        if step[1] == 0:
            return node.with_changes(left=sub(node.left))
        comparisons = list(node.comparisons)
        comparisons[step[1] - 1] = comparisons[step[1] - 1].with_changes(
            comparator=sub(comparisons[step[1] - 1].comparator))
        return node.with_changes(comparisons=comparisons)
    if kind == "boolop" and isinstance(node, cst.BooleanOperation):
        return _replace_bool_operand(node, step[1], sub)
    if kind == "ifexp" and isinstance(node, cst.IfExp):
        return node.with_changes(**{step[1]: sub(getattr(node, step[1]))})
    if kind == "dictval" and isinstance(node, cst.Dict):
        elements = list(node.elements)
        for i, e in enumerate(elements):
            if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) and \
                    e.key.evaluated_value == step[1]:
                elements[i] = e.with_changes(value=sub(e.value))
                return node.with_changes(elements=elements)
        raise PathError(f"no dict key {step[1]}")
    if kind == "elt" and isinstance(node, cst.List | cst.Tuple):
        items = list(node.elements)
        element = items[step[1]]
        if not isinstance(element, cst.Element):
            raise PathError("starred element")
        items[step[1]] = element.with_changes(value=sub(element.value))
        return node.with_changes(elements=items)
    if kind == "returns" and isinstance(node, cst.FunctionDef) and node.returns is not None:
        return node.with_changes(returns=node.returns.with_changes(annotation=sub(node.returns.annotation)))
    if kind == "annotation" and isinstance(node, cst.AnnAssign):
        return node.with_changes(annotation=node.annotation.with_changes(annotation=sub(node.annotation.annotation)))
    if kind == "type" and isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler) and node.type is not None:
        return node.with_changes(type=sub(node.type))
    if kind == "test" and isinstance(node, cst.If):
        return node.with_changes(test=sub(node.test))
    if kind == "await" and isinstance(node, cst.Await):
        return node.with_changes(expression=sub(node.expression))
    if kind == "attrvalue" and isinstance(node, cst.Attribute):
        return node.with_changes(value=sub(node.value))
    if kind == "subvalue" and isinstance(node, cst.Subscript):
        return node.with_changes(value=sub(node.value))
    if kind == "slice" and isinstance(node, cst.Subscript) and len(node.slice) == 1:
        element = node.slice[0]
        if isinstance(element.slice, cst.Index):
            return node.with_changes(slice=[element.with_changes(slice=element.slice.with_changes(
                value=sub(element.slice.value)))])
    raise PathError(f"cannot follow {step} into {type(node).__name__}")


def restring(old: cst.CSTNode, value: str) -> cst.SimpleString:
    """A new string literal with the prefix and quotes of ``old``."""
    if not isinstance(old, cst.SimpleString):
        raise PathError(f"expected a string literal, found {type(old).__name__}")
    prefix = old.prefix
    quote = old.quote
    if quote in value or "\\" in value or "\n" in value:
        return cst.SimpleString(repr(value))
    return cst.SimpleString(f"{prefix}{quote}{value}{quote}")
