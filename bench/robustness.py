"""Robustness run: scan and migrate (dry run) every .py file under some big folders; no crash allowed.

Usage:
    python bench/robustness.py PATH [PATH ...]

For example the standard library and a virtual environment's site-packages:

    python bench/robustness.py "$(python -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')" \\
        "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"

Every file is parsed and analysed (``MIGRATOR_PARSE_ALL=1`` turns the byte prefilter off). It
prints how many files were read, how many produced findings, how many could not be parsed and
why (syntax errors of Python 2 test data, bad encodings, ...), and fails (exit 1) if any file hit an
internal error: every per-file failure must be a clear, expected message.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def run(args: list[str]) -> tuple[float, dict]:
    migrator = shutil.which("migrator") or str(Path(sys.executable).parent / "migrator")
    start = time.perf_counter()
    proc = subprocess.run([migrator, *args, "--format", "json"], capture_output=True, text=True, check=False,
                          env={**os.environ, "MIGRATOR_PARSE_ALL": "1"})
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(proc.stderr[-2000:])
        raise SystemExit(f"migrator {args[0]} exited with {proc.returncode}")
    return seconds, json.loads(proc.stdout)


def migrate_errors(paths: list[str]) -> tuple[float, list[str], int]:
    migrator = shutil.which("migrator") or str(Path(sys.executable).parent / "migrator")
    start = time.perf_counter()
    proc = subprocess.run([migrator, "migrate", *paths, "--target", "qwen", "--diff"], capture_output=True,
                          text=True, check=False, env={**os.environ, "MIGRATOR_PARSE_ALL": "1"})
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stderr[-2000:])
        raise SystemExit(f"migrator migrate exited with {proc.returncode}")
    skipped = [line.strip() for line in proc.stderr.splitlines() if line.strip().startswith("skipped")]
    changed = sum(1 for line in proc.stdout.splitlines() if line.startswith("+++ b/"))
    return seconds, skipped, changed


def main() -> None:
    paths = sys.argv[1:]
    if not paths:
        raise SystemExit(__doc__)
    files = sum(1 for p in paths for _ in Path(p).rglob("*.py"))
    print(f"{files} .py files under {len(paths)} folder(s)")
    seconds, doc = run(["scan", *paths, "--no-cache"])
    kinds = collections.Counter(e["message"].split(":")[0].split(" at ")[0] for e in doc["errors"])
    internal = [e for e in doc["errors"] if "internal" in e["message"]]
    print(f"scan: {seconds:.1f} s, {doc['summary']['files_scanned']} files, {doc['summary']['findings']} findings "
          f"in {doc['summary']['files_with_findings']} files, {len(doc['errors'])} files not parsed: {dict(kinds)}")
    seconds, skipped, changed = migrate_errors(paths)
    internal_migrate = [s for s in skipped if "internal" in s]
    print(f"migrate --target qwen (dry run): {seconds:.1f} s, {changed} files would change, "
          f"{len(skipped)} skipped")
    for e in internal:
        print(f"  INTERNAL (scan) {e['path']}: {e['message']}")
    for s in internal_migrate:
        print(f"  INTERNAL (migrate) {s}")
    if internal or internal_migrate:
        raise SystemExit(1)
    print("no internal errors")


if __name__ == "__main__":
    main()
