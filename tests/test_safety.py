"""The safety net (migrator/safety.py) and the TODO markers (migrator/markers.py)."""

from __future__ import annotations

from migrator import markers, safety
from migrator.engine import migrate
from migrator.rules.base import Options
from migrator.scan import analyze

IMPORT_BELOW = '''"""Bot."""
try:
    from openai import OpenAI
except ImportError:
    OpenAI = None

client = OpenAI() if OpenAI is not None else None

import os

TOKEN = os.environ.get("BOT_TOKEN", "")
'''


def keys(problems: list[safety.Problem]) -> list[tuple[str, ...]]:
    return [p.key for p in problems]


def test_undefined_and_spread_problems_are_found() -> None:
    src = "def f(**kw):\n    return OpenAI(**kw, base_url='x')\n\nprint(os.sep)\nimport os\n"
    found = keys(safety.problems(src))
    assert ("UndefinedName", "OpenAI") in found
    assert ("UndefinedName", "os") in found  # used above its import, at module level
    assert ("spread", "OpenAI", "kw", "base_url") in found


def test_a_local_dict_with_known_keys_is_no_spread_problem() -> None:
    src = ("def f(c, tools):\n    p = {'model': 'm'}\n    if tools:\n        p['tools'] = tools\n"
           "    return c.create(**p, extra_body={})\n")
    assert not [k for k in keys(safety.problems(src)) if k[0] == "spread"]
    held = src.replace("extra_body={}", "tools=[]")  # a key the dict holds: a certain duplicate
    assert ("spread", "c.create", "p", "tools") in keys(safety.problems(held))
    mutated = src.replace("    return", "    p.update(other)\n    return")  # keys no longer known
    assert ("spread", "c.create", "p", "extra_body") in keys(safety.problems(mutated))


def test_compile_errors_are_problems() -> None:
    assert keys(safety.problems("f(a=1, a=2)\n"))[0][0] == "compile"
    assert keys(safety.problems("def f():\n    await g()\n"))[0][0] == "compile"
    assert not safety.problems("await g()\n")  # top-level await: a notebook cell, not an error


def test_calls_a_native_sdk_rejects_are_problems() -> None:
    src = ("import dashscope\nfrom zai import ZhipuAiClient\nimport qianfan as qf\n"
           "client = dashscope.Client(api_key='k')\nq = qf.Qianfan()\n"
           "class Bot:\n    def __init__(self):\n        self.c = ZhipuAiClient()\n"
           "    async def go(self, m):\n"
           "        await self.c.chat.completions.create(model='glm-4.6', messages=m)\n"
           "        await q.chat.completions.create(model='ernie-4.5', messages=m)\n"
           "        await q.chat.completions.acreate(model='ernie-4.5', messages=m)\n"
           "        return client.chat.completions.create(model='qwen-plus', messages=m, bogus=1,\n"
           "                                              parameters={'seed': 1})\n")
    found = keys(safety.problems(src))
    assert ("await-sync", "zai.ZhipuAiClient", "chat.completions.create") in found
    assert ("await-sync", "qianfan.Qianfan", "chat.completions.create") in found
    assert ("native-kw", "dashscope.Client", "chat.completions.create", "bogus") in found
    assert len([k for k in found if k[0] in ("await-sync", "native-kw")]) == 3  # acreate, parameters= are fine
    fine = src.replace("dashscope.Client(", "dashscope.AsyncClient(").replace(", bogus=1", "")
    assert ("native-kw", "dashscope.Client", "chat.completions.create", "bogus") not in keys(safety.problems(fine))


def test_introduced_counts_only_what_is_new() -> None:
    before = safety.problems("print(undefined)\n")
    after = safety.problems("print(undefined)\nprint(undefined)\nprint(other)\n")
    assert [p.key for p in safety.introduced(before, after)] == [("UndefinedName", "undefined"),
                                                                 ("UndefinedName", "other")]


def test_a_site_whose_rewrite_uses_a_name_defined_below_is_rolled_back_and_marked() -> None:
    out = migrate(IMPORT_BELOW, settings=Options(target="qwen"), path="bot.py")
    assert out.error is None and out.rolled_back == 1
    assert "client = OpenAI() if OpenAI is not None else None" in out.new_text  # as it was
    rolled = [f for f in out.findings if f.message.startswith("rolled back:")]
    assert rolled and all(f.severity.value == "review" for f in rolled)
    assert "`os`" in rolled[0].message
    assert "# TODO(migrator): OA101 rolled back:" in out.new_text
    assert not safety.introduced(safety.problems(IMPORT_BELOW), safety.problems(out.new_text))
    again = migrate(out.new_text, settings=Options(target="qwen"), path="bot.py")
    assert again.new_text == out.new_text  # idempotent, marker included
    off = migrate(IMPORT_BELOW, settings=Options(target="qwen", todo_comments=False), path="bot.py")
    assert "TODO(migrator)" not in off.new_text


def test_markers_keep_crlf_and_a_stale_marker_goes() -> None:
    src = ("from openai import OpenAI\r\n\r\nclient = OpenAI()\r\n\r\n\r\ndef f():\r\n"
           "    # TODO(migrator): OA402 a reason that is gone\r\n    return 1\r\n\r\n\r\n"
           "def g(i):\r\n    return client.moderations.create(input=i)\r\n")
    out = migrate(src, settings=Options(target="ernie"), path="m.py")
    assert "a reason that is gone" not in out.new_text
    assert "    # TODO(migrator): OA403 " in out.new_text
    assert "\n" not in out.new_text.replace("\r\n", "")  # every line ends as the file's lines do
    assert migrate(out.new_text, settings=Options(target="ernie"), path="m.py").new_text == out.new_text


def test_a_marker_like_line_inside_a_string_is_text() -> None:
    src = 'HELP = """\n# TODO(migrator): OA402 not a comment\n"""\nimport openai\n'
    out = migrate(src, settings=Options(target="qwen"), path="m.py")
    assert "# TODO(migrator): OA402 not a comment" in out.new_text
    assert not [f for f in analyze(src, path="m.py").findings if f.code == markers.TODO_MARKER]


def test_scan_reads_markers_back() -> None:
    src = IMPORT_BELOW
    marked = migrate(src, settings=Options(target="qwen"), path="bot.py").new_text
    found = analyze(marked, path="bot.py", options=Options(target="qwen")).findings
    todo = [f for f in found if f.code == markers.TODO_MARKER]
    assert len(todo) == 1 and todo[0].severity.value == "review"
    client = [f for f in found if f.code == "OA101"]
    assert client and all(f.severity.value != "auto" for f in client)  # the site under the marker


def test_marker_reasons_are_one_ascii_line() -> None:
    from migrator.model import Finding, Severity, Span

    f = Finding("m.py", Span(3, 1, 3, 9), "OA101", "client", Severity.MANUAL, "a → b — c\n" + "x" * 300)
    reason = markers.reason_of(f)
    assert reason.isascii() and "\n" not in reason and len(reason) <= 170 and reason.endswith("...")


def test_cli_writes_markers_check_counts_them_and_the_flag_turns_them_off(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from migrator.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "bot.py").write_text(IMPORT_BELOW, encoding="utf-8")
    run = CliRunner()
    off = run.invoke(app, ["migrate", "--target", "glm", "bot.py", "--write", "--no-todo-comments"],
                     catch_exceptions=False)
    assert off.exit_code == 0 and "rolled back by the safety net" in off.stderr
    assert "TODO(migrator)" not in (tmp_path / "bot.py").read_text(encoding="utf-8")
    on = run.invoke(app, ["migrate", "--target", "glm", "bot.py", "--write"], catch_exceptions=False)
    assert on.exit_code == 0
    assert "# TODO(migrator): OA101 rolled back:" in (tmp_path / "bot.py").read_text(encoding="utf-8")
    check = run.invoke(app, ["check", "bot.py", "--no-cache"], catch_exceptions=False)
    assert check.exit_code == 1 and "OA980" in check.stdout and "TODO(migrator) marker(s)" in check.stderr
