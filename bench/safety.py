"""Do-no-harm benchmark: what ``migrate`` would break, and what ``scan`` misses, on real code.

    python bench/safety.py DIR [DIR ...] [--targets qwen,ernie,glm] [--styles compat,native]

For every Python file under each DIR (repositories you fetched; nothing is written), every target and
style:

* **breakage**: the migrated text is compared with the original by ``migrator.safety`` (pyflakes
  undefined names and locals, compile errors, keywords next to ``**mapping``) and by the same checks run
  independently here (pyflakes alone); every file that gains a problem is listed. The goal is 0.
* **recall**: an independent ``ast`` pass (not migrator's resolver) lists the OpenAI SDK calls of the
  file: method chains that end in a known resource path (``.chat.completions.create``,
  ``.embeddings.create``, ``.responses.create``, ...) and the openai<1.0 module calls
  (``openai.ChatCompletion.create``, ...), in files that import openai. A call counts as found when
  ``scan`` reports a finding on one of its lines. Misses are listed with their line, and a miss whose
  receiver the file itself shows is not OpenAI (built by another SDK or a mock, an OpenAI client with a
  base URL written out elsewhere or a placeholder key) is marked so; the second recall leaves those out.

Prints one line per (target, style) and the totals; exit status 1 when a file gains a problem.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
import warnings
from pathlib import Path

from pyflakes import messages as pm
from pyflakes.checker import Checker

from migrator import safety
from migrator.engine import migrate
from migrator.rules.base import Options
from migrator.scan import analyze

SKIP = {".git", ".venv", "venv", "node_modules", "site-packages", "__pycache__", ".tox", "build", "dist"}
V1_TAILS = (
    "chat.completions.create", "chat.completions.parse", "chat.completions.stream", "completions.create",
    "embeddings.create", "responses.create", "responses.parse", "responses.stream", "images.generate",
    "images.edit", "images.create_variation", "audio.transcriptions.create", "audio.translations.create",
    "audio.speech.create", "moderations.create", "files.create", "batches.create", "fine_tuning.jobs.create",
    "beta.assistants.create", "beta.threads.create", "beta.threads.runs.create", "models.list",
    "models.retrieve",
)
V0_CALLS = {"ChatCompletion", "Completion", "Embedding", "Image", "Moderation", "Audio", "Edit", "Model", "File",
            "FineTune"}
BREAKING = (pm.UndefinedName, pm.UndefinedLocal, pm.UndefinedExport, pm.DuplicateArgument)


def dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # OpenAI().chat.completions.create
        parts.append("()")
        return ".".join(reversed(parts))
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def sdk_calls(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, callee) of the OpenAI SDK calls an independent reading finds."""
    imports_openai = any(
        isinstance(n, ast.Import) and any(a.name.split(".")[0] == "openai" for a in n.names)
        or isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "openai"
        for n in ast.walk(tree))
    if not imports_openai:
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        if not name:
            continue
        parts = name.split(".")
        v0 = len(parts) == 3 and parts[0] == "openai" and parts[1] in V0_CALLS
        if v0 or any(name.endswith("." + tail) for tail in V1_TAILS):
            out.append((node.lineno, node.end_lineno or node.lineno, name))
    return out


OPENAI_HOSTS = ("api.openai.com", "openai.azure.com")
PLACEHOLDER_KEYS = {"empty", "none", "ollama", "lm-studio", "sk-no-key-required", "not-needed", "dummy", "dummy_key"}


def _host(value: ast.expr | None, assigned: dict[str, ast.expr]) -> str | None:
    """The host of a base URL the code writes out (a literal, the last literal of ``a or "url"``, a name
    bound to one in the file); None when the code does not say."""
    for _ in range(3):
        if isinstance(value, ast.Name) and value.id in assigned:
            value = assigned[value.id]
        elif isinstance(value, ast.BoolOp):
            value = value.values[-1]
        else:
            break
    if isinstance(value, ast.Constant) and isinstance(value.value, str) and "://" in value.value:
        return value.value.split("://", 1)[1].split("/")[0].split(":")[0]
    return None


SERVICE_URL = re.compile(r"^([a-z0-9]+)_(?:base_url|api_base|url|endpoint)$", re.I)


def _other_setting(value: ast.expr | None, attrs: dict[str, ast.expr], assigned: dict[str, ast.expr]) -> str | None:
    """A base URL the code shows is another server's without a literal: built with an f-string, an
    environment default that is one, or a setting named for another service (``lmstudio_base_url``)."""
    for _ in range(3):
        if isinstance(value, ast.Attribute) and value.attr in attrs:
            value = attrs[value.attr]
        elif isinstance(value, ast.Name) and value.id in assigned:
            value = assigned[value.id]
        else:
            break
    if isinstance(value, ast.JoinedStr):
        return "base_url built by the code"
    if isinstance(value, ast.Call) and (dotted(value.func) or "").endswith("getenv") and len(value.args) == 2 \
            and isinstance(value.args[1], ast.JoinedStr):
        return "base_url default built by the code"
    name = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else None
    m = SERVICE_URL.match(name or "")
    if m and m.group(1).lower() not in ("openai", "api", "base", "llm"):
        return f"base_url from {name}"
    return None


def elsewhere(tree: ast.Module) -> dict[str, str]:
    """Receivers (``client``, ``self.client``, ``openai``) that this file shows are not OpenAI's API: built by
    another SDK or a mock, or an OpenAI client with a base URL elsewhere or a placeholder key. Independent of
    migrator: a plain reading of the assignments."""
    assigned = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    attrs = {t.attr: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
    out: dict[str, str] = {}
    for n in ast.walk(tree):
        if not isinstance(n, ast.Assign) or len(n.targets) != 1:
            continue
        target = dotted(n.targets[0])
        if target is None:
            continue
        if target.endswith((".base_url", ".api_base")):  # openai.base_url = "http://localhost:8000/v1"
            host = _host(n.value, assigned)
            if host and not host.endswith(OPENAI_HOSTS):
                out[target.rsplit(".", 1)[0]] = f"base_url {host}"
            continue
        if not isinstance(n.value, ast.Call):
            continue
        callee = dotted(n.value.func) or ""
        if callee.split(".")[-1] in ("OpenAI", "AsyncOpenAI"):
            kw = {k.arg: k.value for k in n.value.keywords if k.arg}
            host = _host(kw.get("base_url"), assigned)
            key = kw.get("api_key")
            other = _other_setting(kw.get("base_url"), attrs, assigned) if "base_url" in kw else None
            if host and not host.endswith(OPENAI_HOSTS):
                out[target] = f"base_url {host}"
            elif other:
                out[target] = other
            elif "base_url" not in kw and isinstance(key, ast.Constant) and str(key.value).lower() in PLACEHOLDER_KEYS:
                out[target] = f"api_key={key.value!r}"
        elif callee and callee.split(".")[0] != "openai" and "client" not in callee.lower().split(".")[-1:]:
            out[target] = f"built by {callee}()"  # anthropic.Anthropic(), MagicMock()
    return out


def receiver(name: str) -> str:
    """``self.client`` of ``self.client.chat.completions.create``."""
    for tail in sorted(V1_TAILS, key=len, reverse=True):
        if name.endswith("." + tail):
            return name[: -len(tail) - 1]
    return name.rsplit(".", 2)[0]


def flakes(text: str) -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            return [("syntax", str(exc.msg))]
    return [(type(m).__name__, str(m.message_args[0]) if m.message_args else "")
            for m in Checker(tree, filename="x").messages if isinstance(m, BREAKING)]


def gained(before: list, after: list) -> list:
    budget: dict = {}
    for k in before:
        budget[k] = budget.get(k, 0) + 1
    out = []
    for k in after:
        if budget.get(k, 0):
            budget[k] -= 1
        else:
            out.append(k)
    return out


def files_of(roots: list[Path]) -> list[Path]:
    out = []
    for root in roots:
        for p in sorted(root.rglob("*.py")):
            if not SKIP.intersection(p.relative_to(root).parts):
                out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--targets", default="qwen,ernie,glm")
    ap.add_argument("--styles", default="compat,native")
    args = ap.parse_args(argv)
    files = []
    for p in files_of(args.dirs):
        try:
            text = p.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        if "openai" in text or "OpenAI" in text:
            files.append((p, text, tree))
    calls = {p: sdk_calls(tree) for p, _, tree in files}
    total_calls = sum(len(c) for c in calls.values())
    broken_total = 0
    print(f"{len(files)} files that mention openai, {total_calls} SDK calls found by the independent pass")
    # recall: scan (no target), as `migrator scan` lists sites
    found = 0
    misses = []
    not_openai = 0  # missed calls whose receiver the file itself shows is not OpenAI's API
    for p, text, tree in files:
        lines = {f.span.line for f in analyze(text, path=str(p), tree=tree).findings}
        other = elsewhere(tree) if calls[p] else {}
        for first, last, name in calls[p]:
            if lines & set(range(first, last + 1)):
                found += 1
                continue
            why = other.get(receiver(name))
            not_openai += why is not None
            misses.append(f"{p}:{first} {name}" + (f"  (not OpenAI: {why})" if why else ""))
    recall = found / total_calls if total_calls else 1.0
    print(f"recall of scan: {found}/{total_calls} = {recall:.3f}")
    reach = total_calls - not_openai
    print(f"recall on calls the files do not show going elsewhere: {found}/{reach} = "
          f"{found / reach if reach else 1.0:.3f}")
    for m in misses:
        print(f"  missed {m}")
    for target in args.targets.split(","):
        for style in args.styles.split(","):
            t0 = time.perf_counter()
            changed = rolled = 0
            broken = []
            for p, text, _ in files:
                try:
                    out = migrate(text, settings=Options(target=target, style=style), path=str(p))
                except Exception as exc:  # noqa: BLE001 - a crash is a result here
                    broken.append(f"{p}: crash {type(exc).__name__}: {exc}")
                    continue
                rolled += getattr(out, "rolled_back", 0)  # (an older migrator has no safety net)
                if out.new_text == text:
                    continue
                changed += 1
                ours = safety.introduced(safety.problems(text), safety.problems(out.new_text))
                theirs = gained(flakes(text), flakes(out.new_text))
                if ours or theirs:
                    what = ours[0].reason if ours else f"{theirs[0][0]} {theirs[0][1]}"
                    broken.append(f"{p}:{ours[0].line if ours else '?'} {what}")
            broken_total += len(broken)
            print(f"{target:6} {style:7} {changed:4} files changed, {rolled:3} sites rolled back, "
                  f"{len(broken)} files broken ({time.perf_counter() - t0:.1f}s)")
            for b in broken:
                print(f"  broken {b}")
    print(f"total: {broken_total} broken file(s); recall {recall:.3f}")
    return 1 if broken_total else 0


if __name__ == "__main__":
    sys.exit(main())
