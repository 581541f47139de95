"""Time `migrator scan` and `migrator check` on a folder, next to `grep -rl openai`.

Usage: python bench/scan_bench.py PATH [--repeat N] [--jobs N]

Prints one line per command: best wall time over N runs, peak memory (RSS) of the slowest run's
process tree, and what it found. Run it on a real tree (for example a checkout of
openai/openai-python or several repositories side by side) to hold later changes to numbers.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def measure(cmd: list[str], repeat: int) -> tuple[float, float, str]:
    best = float("inf")
    out = ""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
        out = proc.stdout
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return best, peak_kb / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    migrator = shutil.which("migrator") or f"{Path(sys.executable).parent}/migrator"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    py_files = sum(1 for _ in args.path.rglob("*.py"))
    print(f"tree: {args.path} ({py_files} .py files)")
    rows = []
    t, mem, out = measure(["grep", "-rl", "--include=*.py", "openai", str(args.path)], args.repeat)
    rows.append(("grep -rl openai", t, mem, f"{len(out.splitlines())} files"))
    t, mem, out = measure([migrator, "scan", str(args.path), "--format", "json", *jobs], args.repeat)
    doc = json.loads(out)
    s = doc["summary"]
    rows.append(("migrator scan --format json", t, mem,
                 f"{s['findings']} findings in {s['files_with_findings']} files, {s['errors']} errors"))
    t, mem, out = measure([migrator, "check", str(args.path), "--format", "json", *jobs], args.repeat)
    doc = json.loads(out)
    rows.append(("migrator check", t, mem, f"{doc['summary']['findings']} sites reach OpenAI"))
    for name, seconds, mb, what in rows:
        print(f"{name:32} {seconds:7.2f} s  peak {mb:6.0f} MB  {what}")


if __name__ == "__main__":
    main()
