"""``migrate --interactive`` driven through a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

SOURCE = '''from openai import OpenAI

client = OpenAI()


def one():
    return 1


def two():
    return 2


def ask(q):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])


def three():
    return 3


def four():
    return 4


def summarize(q):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
'''


def _drive(cwd: Path, answers: list[str], timeout: float = 60) -> str:
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "migrator", "migrate", ".", "--target", "qwen", "-i", "--force",
                             "--jobs", "1"], cwd=cwd, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if output.count(b"[y accept") > len(answers) - len(pending) and pending:
                os.write(master, (pending.pop(0) + "\n").encode())
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    return output.decode("utf-8", "replace")


def test_accept_skip_and_suppress_hunks(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text(SOURCE)
    out = _drive(tmp_path, ["y", "n", "s"])
    text = (tmp_path / "bot.py").read_text()
    assert "dashscope.aliyuncs.com" in text  # hunk 1 (client) accepted
    assert 'model="gpt-4o-mini"' in text  # hunk 2 skipped
    assert 'model="gpt-4o"' in text and "# migrator: ignore[OA201,OA601]" in text  # hunk 3 suppressed
    assert "1 hunk(s) accepted, 1 skipped, 1 suppressed; 1 file(s) written" in out
    compile(text, "bot.py", "exec")


def test_refuses_without_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text(SOURCE)
    proc = subprocess.run([sys.executable, "-m", "migrator", "migrate", ".", "--target", "qwen", "-i"], cwd=tmp_path,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "needs a terminal" in proc.stderr
    assert (tmp_path / "bot.py").read_text() == SOURCE
