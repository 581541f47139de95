"""Benchmark migrator on a large tree, next to grep, ast-grep and a bare LibCST parse.

Usage:
    python bench/large_tree.py --generate 5000 [--out DIR]   # build a tree of N files (about 200 lines each)
    python bench/large_tree.py PATH                           # measure an existing tree

For a generated tree it also measures a tree half the size, to show how time grows. Every command
runs once per tree, cold (``--no-cache``), with ``/usr/bin/time -v`` for wall time and peak memory.
ast-grep (``pip install ast-grep-cli``) runs an 8-pattern rule if it is installed.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

AST_GREP_RULE = """id: openai-sdk
language: python
rule:
  any:
    - pattern: $C.chat.completions.create($$$)
    - pattern: $C.embeddings.create($$$)
    - pattern: openai.ChatCompletion.create($$$)
    - pattern: OpenAI($$$)
    - pattern: AsyncOpenAI($$$)
    - pattern: import openai
    - pattern: from openai import $$$
    - pattern: openai.api_key = $V
"""


def ordinary_module(rng: random.Random, index: int, lines: int = 210) -> str:
    """Plain application code: classes, functions, loops, comprehensions, docstrings."""
    out = [f'"""Module {index}: ordinary application code."""', "", "import json", "import math",
           "from dataclasses import dataclass", ""]
    n = 0
    while True:
        n += 1
        kind = rng.choice(("func", "class", "const"))
        if kind == "const":
            block = [f"LIMIT_{n} = {rng.randint(1, 10_000)}", f'NAME_{n} = "value-{rng.randint(1, 99)}"', ""]
        elif kind == "func":
            block = [f"def compute_{n}(items, factor={rng.randint(1, 9)}):", f'    """Compute thing {n}."""',
                     "    total = 0", "    for i, item in enumerate(items):", "        if i % 2:",
                     "            total += math.sqrt(abs(item)) * factor", "        else:",
                     "            total -= item / (factor + 1)",
                     "    return {k: v for k, v in zip(range(3), (total, factor, len(items)))}", "", ""]
        else:
            block = ["@dataclass", f"class Record{n}:", "    name: str", "    size: int = 0", "",
                     "    def to_json(self) -> str:",
                     "        return json.dumps({'name': self.name, 'size': self.size})", "", ""]
        if len(out) + len(block) > lines:
            break
        out += block
    return "\n".join(out) + "\n"


def generate(root: Path, count: int, seed: int = 7) -> tuple[int, int]:
    """``count`` files in packages of 50; one in ten is an OpenAI module taken from the fixtures."""
    rng = random.Random(seed)
    openai_inputs = sorted(p.read_text(encoding="utf-8", errors="replace")
                           for p in FIXTURES.glob("*/*/input.py") if not p.parent.name.startswith("noop_"))
    lines = 0
    for i in range(count):
        pkg = root / f"pkg{i // 50:03}"
        pkg.mkdir(parents=True, exist_ok=True)
        if i % 50 == 0:
            (pkg / "__init__.py").write_text("")
        if i % 10 == 3:
            text = openai_inputs[i % len(openai_inputs)]
            text += "\n" + ordinary_module(rng, i, lines=180)
        else:
            text = ordinary_module(rng, i)
        (pkg / f"mod{i:05}.py").write_text(text)
        lines += text.count("\n")
    return count, lines


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (largest process), stdout."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    proc = subprocess.run([time_bin, "-v", *cmd], capture_output=True, text=True, cwd=cwd, check=False)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    seconds = 0.0
    if wall:
        h = int(wall.group(1) or 0)
        seconds = h * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return seconds, (int(rss.group(1)) / 1024 if rss else 0.0), proc.stdout


def libcst_parse_seconds(files: list[Path]) -> float:
    import libcst

    start = time.perf_counter()
    for f in files:
        libcst.parse_module(f.read_bytes())
    return time.perf_counter() - start


def measure(tree: Path) -> dict[str, float]:
    migrator = shutil.which("migrator") or str(Path(sys.executable).parent / "migrator")
    py_files = list(tree.rglob("*.py"))
    lines = sum(f.read_bytes().count(b"\n") for f in py_files)
    print(f"\ntree: {tree} — {len(py_files)} .py files, {lines:,} lines")
    rows: dict[str, float] = {}

    def row(name: str, cmd: list[str], note: str = "") -> str:
        seconds, mb, out = timed(cmd, cwd=tree)
        rows[name] = seconds
        rows[name + " MB"] = mb
        print(f"  {name:34} {seconds:7.2f} s  peak {mb:6.0f} MB  {note}")
        return out

    row("grep -rl openai", ["grep", "-rl", "--include=*.py", "openai", "."])
    sg = shutil.which("ast-grep") or (str(Path(sys.executable).parent / "ast-grep")
                                       if (Path(sys.executable).parent / "ast-grep").exists() else None)
    if sg:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
            fh.write(AST_GREP_RULE)
        row("ast-grep (8 patterns)", [sg, "scan", "--rule", fh.name, "--json=compact", "."])
    row("migrator check", [migrator, "check", ".", "--no-cache", "--format", "json"])
    row("migrator scan --format json", [migrator, "scan", ".", "--no-cache", "--format", "json"])
    patch = row("migrator migrate --target qwen", [migrator, "migrate", ".", "--target", "qwen", "--diff"])
    changed = [tree / line[6:] for line in patch.splitlines() if line.startswith("+++ b/")]
    rows["libcst parse of changed files"] = libcst_parse_seconds(changed)
    print(f"  {'LibCST parse of changed files':34} {rows['libcst parse of changed files']:7.2f} s  "
          f"({len(changed)} files)")
    if "ast-grep (8 patterns)" in rows and rows["ast-grep (8 patterns)"]:
        ag = rows["ast-grep (8 patterns)"]
        print(f"  ratios: check/ast-grep {rows['migrator check'] / ag:.2f}, "
              f"scan/ast-grep {rows['migrator scan --format json'] / ag:.2f}")
    if rows["libcst parse of changed files"]:
        print(f"  ratio: migrate dry run / LibCST parse of changed files "
              f"{rows['migrator migrate --target qwen'] / rows['libcst parse of changed files']:.2f}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--generate", type=int, metavar="N")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.generate:
        base = args.out or Path(tempfile.mkdtemp(prefix="migrator-bench-"))
        half, full = base / "half", base / "full"
        for folder, n in ((half, args.generate // 2), (full, args.generate)):
            if folder.exists():
                shutil.rmtree(folder)
            files, lines = generate(folder, n)
            print(f"generated {folder}: {files} files, {lines:,} lines")
        measure(half)
        measure(full)
    elif args.path:
        measure(args.path)
    else:
        parser.error("give a PATH or --generate N")


if __name__ == "__main__":
    main()
