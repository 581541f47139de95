"""Bytes, bad input, interrupted writes, secrets, isolation (issue: holds on real repositories)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from migrator.engine import migrate
from migrator.rules.base import Options
from migrator.textio import decode, encode

runner = CliRunner()
CALL = 'client = OpenAI()\nr = client.chat.completions.create(model="gpt-4o", messages=[])\n'
PLAIN = "def add(a, b):\n    return a + b\n"


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _variants(body: str) -> dict[str, bytes]:
    head = "from openai import OpenAI\n" if "OpenAI" in body else "import os\n"
    text = head + "# café, naïve\n" + body
    return {
        "crlf": text.replace("\n", "\r\n").encode(),
        "mixed": (head + "x = 1\r\n" + body.replace("\n", "\r\n", 1)).encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "latin1": ("# -*- coding: latin-1 -*-\n" + text).encode("latin-1"),
        "gbk": ("# -*- coding: gbk -*-\n" + head + "# 你好\n" + body).encode("gbk"),
        "tabs": (head + "if True:\n\tx = 1\n" + body).encode(),
        "formfeed": (head + "\x0c\n" + body).encode(),
        "trailing": (head + "y = 2   \n" + body).encode(),
        "no_newline": text.rstrip("\n").encode(),
    }


@pytest.mark.parametrize("name", list(_variants(PLAIN)))
def test_files_without_sites_are_untouched(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = _variants(PLAIN)[name]
    f = tmp_path / "m.py"
    f.write_bytes(data)
    before = f.stat().st_mtime_ns
    assert cli("migrate", ".", "--target", "qwen", "--write").exit_code == 0
    assert f.read_bytes() == data and f.stat().st_mtime_ns == before


@pytest.mark.parametrize("name", list(_variants(CALL)))
def test_migrated_files_are_edited_in_place(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = _variants(CALL)[name]
    f = tmp_path / "m.py"
    f.write_bytes(data)
    assert cli("migrate", ".", "--target", "glm", "--write").exit_code == 0
    new = f.read_bytes()
    old_text, new_text = decode(data), decode(new)
    assert new_text.encoding == old_text.encoding and new_text.bom == old_text.bom
    assert "glm-4.6" in new_text.text and "open.bigmodel.cn" in new_text.text
    # every line the migration did not mean to change is byte-identical, line ending included
    old_lines = data.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    kept = [ln for ln in old_lines if b"OpenAI()" not in ln and b"gpt-4o" not in ln]
    for line in kept:
        assert line in new_lines, line
    assert new.endswith(b"\n") == data.endswith(b"\n")


def test_empty_and_huge_single_line_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.py").write_bytes(b"")
    huge = "import openai\nX = [" + ", ".join(str(i) for i in range(200_000)) + "]\n"
    (tmp_path / "huge.py").write_text(huge)
    r = cli("scan", ".", "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["errors"] == [] and doc["summary"]["files_scanned"] == 2
    assert (tmp_path / "huge.py").read_text() == huge


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("from openai import OpenAI\n" + CALL)
    (tmp_path / "py2.py").write_text("import openai\nprint 'hello'\n")
    (tmp_path / "syntax.py").write_text("import openai\ndef f(:\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01openai\xff\xfe")
    (tmp_path / "latin_no_cookie.py").write_bytes("import openai\n# caf\xe9\n".encode("latin-1"))
    (tmp_path / "dir.py").mkdir()  # a folder named like a module
    (tmp_path / "dir.py" / "inner.py").write_text(PLAIN)
    os.symlink(tmp_path / "missing.py", tmp_path / "broken.py")
    os.symlink(tmp_path / "loop_a.py", tmp_path / "loop_b.py")
    os.symlink(tmp_path / "loop_b.py", tmp_path / "loop_a.py")
    r = cli("scan", ".", "nope.py", "--format", "json")
    assert r.exit_code == 2  # the mistyped path is a usage error; everything else was still scanned
    doc = json.loads(r.stdout)
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    assert errors["py2.py"].startswith("syntax error at 2:")
    assert errors["syntax.py"].startswith("syntax error at 2:")
    assert "binary.py" in errors and "latin_no_cookie.py" in errors
    assert errors["nope.py"] == "no such file or directory"
    assert any(f["path"] == "ok.py" for f in doc["findings"])
    assert all("internal" not in m for m in errors.values())


def test_failed_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("from openai import OpenAI\n" + CALL)
    import migrator.write as w

    real = w.os.replace

    def flaky(src, dst):
        if str(dst).endswith("a.py"):
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(w.os, "replace", flaky)
    r = cli("migrate", ".", "--target", "qwen", "--write")
    assert r.exit_code == 2 and "cannot write a.py" in r.stderr
    assert (tmp_path / "a.py").read_text() == "from openai import OpenAI\n" + CALL
    assert "dashscope" in (tmp_path / "b.py").read_text()
    assert not list(tmp_path.glob(".*migrator-tmp"))


def test_sigterm_during_write_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    source = "from openai import OpenAI\n" + CALL + "# padding\n" * 2000
    expected = migrate(source, settings=Options(target="ernie")).new_text
    for i in range(400):
        (tmp_path / f"m{i:03}.py").write_text(source)
    proc = subprocess.Popen([sys.executable, "-m", "migrator", "migrate", ".", "--target", "ernie", "--write",
                             "--jobs", "1"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for the first files to be written, then stop the run
        if any(f.read_text() == expected for f in list(tmp_path.glob("m0*.py"))[:50]):
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    contents = [f.read_text() for f in sorted(tmp_path.glob("m*.py"))]
    assert all(c in (source, expected) for c in contents)
    assert not list(tmp_path.glob(".*migrator-tmp"))
    assert proc.returncode in (0, 2, -signal.SIGTERM)


def test_api_keys_are_never_printed_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    keys = ["sk-live-1234567890abcdefghij", "sk-proj-ABCDEFGHIJKLMNOPQRSTUV", "sk-legacyabcdefghijklmnop1234",
            "sk-percall0123456789abcdef"]
    (tmp_path / "app.py").write_text(
        "import openai\nfrom openai import OpenAI\n\n"
        f'client = OpenAI(api_key="{keys[0]}")\nKEY = "{keys[1]}"\nother = OpenAI(api_key=KEY)\n'
        f'openai.api_key = "{keys[2]}"\n'
        f'r = openai.ChatCompletion.create(model="gpt-4", messages=[], api_key="{keys[3]}")\n')
    runs = [("scan", "."), ("scan", ".", "--format", "json"), ("scan", ".", "--format", "github"),
            ("scan", ".", "--format", "sarif"), ("check", "."), ("migrate", ".", "--target", "qwen"),
            ("migrate", ".", "--target", "qwen", "--diff")]
    for args in runs:
        r = runner.invoke(app, list(args))
        for key in keys:
            assert key not in r.stdout and key not in r.stderr, (args, key)


def test_never_imports_the_code_or_opens_a_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "imported.txt"
    (tmp_path / "side.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\nfrom openai import OpenAI\n" + CALL)
    (tmp_path / "user.py").write_text("import side\nfrom side import client\n")

    def no_network(*args, **kwargs):
        raise AssertionError("migrator opened a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for args in (("scan", "."), ("check", "."), ("migrate", ".", "--target", "glm", "--jobs", "1")):
        assert cli(*args).exit_code in (0, 1)
    assert not marker.exists()


def test_encode_round_trip_is_exact() -> None:
    for data in _variants(CALL).values():
        assert encode(decode(data).text, decode(data)) == data


def test_cache_reuses_unchanged_files_and_notices_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("from openai import OpenAI\n" + CALL)
    (tmp_path / "b.py").write_text("from openai import OpenAI\n" + CALL)
    first = json.loads(cli("check", ".", "--format", "json").stdout)
    assert (tmp_path / ".migrator_cache" / ".gitignore").exists()
    import migrator.runner as runner_module

    calls: list[str] = []
    real = runner_module.analyze

    def counting(text, **kwargs):
        calls.append(kwargs.get("path", ""))
        return real(text, **kwargs)

    monkeypatch.setattr(runner_module, "analyze", counting)
    second = json.loads(cli("check", ".", "--format", "json").stdout)
    assert calls == [] and second["findings"] == first["findings"]
    (tmp_path / "b.py").write_text("from openai import OpenAI\nclient = OpenAI(base_url='http://localhost:1/v1')\n")
    third = json.loads(cli("check", ".", "--format", "json").stdout)
    assert calls == ["b.py"]
    assert {f["path"] for f in third["findings"]} == {"a.py"}
    calls.clear()
    cli("check", ".", "--no-cache")
    assert sorted(calls) == ["a.py", "b.py"]


def test_a_finding_about_the_whole_module_does_not_crash() -> None:
    """openai<1.0 code whose module object is kept on self (langchain_community's audio parser): migrator
    finds no import to build the client after and says so for the module, at 1:1."""
    from migrator.rules.base import Options
    from migrator.scan import analyze

    src = (
        "import openai\n\n\nclass Parser:\n    def __init__(self, api_key=None):\n        if api_key:\n"
        "            openai.api_key = api_key\n        self._client = openai\n\n    def parse(self, f):\n"
        "        return self._client.Audio.transcribe(\"whisper-1\", f)\n"
    )
    findings = analyze(src, options=Options(target="qwen")).findings
    module_level = [f for f in findings if (f.span.line, f.span.column) == (1, 1)]
    assert [(f.code, f.severity.value) for f in module_level] == [("OA050", "manual")]
    assert "found no openai import or setting" in module_level[0].message
