"""LangChain / LlamaIndex classes and third-party OpenAI wrappers through the command line and the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from migrator.rules import providers
from migrator.rules.base import Options
from migrator.scan import analyze

runner = CliRunner()

# a repository whose only OpenAI dependency is a LangChain chat model without a provider URL
CHAIN = '''"""Summaries with LangChain (no openai import anywhere)."""
from langchain.chat_models import ChatOpenAI

llm = ChatOpenAI(model_name="gpt-4o-mini", temperature=0)


def summarize(text: str) -> str:
    return llm.predict("Summarize: " + text)
'''

ON_DASHSCOPE = '''import os
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="qwen-plus", openai_api_base="https://dashscope.aliyuncs.com/compatible-mode/v1",
                 openai_api_key=os.environ["DASHSCOPE_API_KEY"])
'''

CHROMA = '''import chromadb
from chromadb.utils import embedding_functions

fn = embedding_functions.OpenAIEmbeddingFunction(api_key="sk-test-1234567890abcdef", model_name="text-embedding-3-small")
collection = chromadb.Client().create_collection("docs", embedding_function=fn)
'''


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_fails_on_a_chat_openai_without_provider_url_until_migrated(repo: Path) -> None:
    (repo / "chain.py").write_text(CHAIN)
    before = invoke("check", ".", "--format", "json")
    assert before.exit_code == 1
    findings = json.loads(before.stdout)["findings"]
    assert [(f["code"], f["line"], f["reaches_openai"]) for f in findings] == [("OA120", 4, True)]
    written = invoke("migrate", ".", "--target", "glm", "--write")
    assert written.exit_code == 0, written.output
    text = (repo / "chain.py").read_text()
    spec = providers.load("glm")
    assert f'openai_api_base="{spec.base_url("cn")}"' in text
    assert f'openai_api_key=os.environ["{spec.key_env}"]' in text
    assert 'model_name="glm-4.5-air"' in text
    after = invoke("check", ".")
    assert after.exit_code == 0, after.output


def test_chat_openai_already_on_the_provider_passes_check_and_stays_untouched(repo: Path) -> None:
    (repo / "llm.py").write_text(ON_DASHSCOPE)
    assert invoke("check", ".").exit_code == 0
    r = invoke("migrate", ".", "--target", "qwen", "--write")
    assert r.exit_code == 0
    assert (repo / "llm.py").read_text() == ON_DASHSCOPE


def test_third_party_wrapper_is_reported_so_check_fails(repo: Path) -> None:
    (repo / "store.py").write_text(CHROMA)
    r = invoke("check", ".", "--format", "json")
    assert r.exit_code == 1
    (finding,) = json.loads(r.stdout)["findings"]
    assert finding["code"] == "OA125" and finding["line"] == 4
    scan = invoke("scan", ".", "--target", "ernie")
    assert "OA125 [manual]" in scan.stdout and "https://qianfan.baidubce.com/v2" in scan.stdout
    assert "sk-test-1234567890abcdef" not in scan.stdout + scan.stderr


@pytest.mark.parametrize("target", [t for t in providers.builtin_targets() if providers.load(t).native])
def test_native_style_says_why_the_vendor_class_is_not_used(target: str) -> None:
    spec = providers.load(target)
    src = "from llama_index.embeddings.openai import OpenAIEmbedding\nm = OpenAIEmbedding()\n"
    native = analyze(src, options=Options(target=target, style="native")).findings
    compat = analyze(src, options=Options(target=target, style="compat")).findings
    assert [f.code for f in native] == [f.code for f in compat] == ["OA124"]
    assert spec.framework_notes["llama_index.embeddings"] in native[0].message
    assert "--style native" not in compat[0].message
    assert analyze(src, options=Options(target=target, style="native")).edits  # migrated the compat way


def test_without_target_the_scan_names_the_class_once_with_the_severity_per_target() -> None:
    findings = analyze(CHAIN, options=Options()).findings
    # ernie: temperature 0 is outside (0, 1]; glm: glm-4.5-air thinks and the legacy class has no extra_body
    assert [(f.code, f.message) for f in findings] == [
        ("OA120", "ChatOpenAI (legacy) talks to api.openai.com (qwen: auto · ernie: review · glm: review)")]


LLAMA = '''from llama_index.core import Settings
from llama_index.embeddings.openai import OpenAIEmbedding
from llama_index.llms.openai import OpenAI

Settings.llm = OpenAI(model="gpt-4o")
Settings.embed_model = OpenAIEmbedding(model="text-embedding-3-small")
'''


def test_report_lists_the_packages_the_new_classes_need(repo: Path) -> None:
    (repo / "rag.py").write_text(LLAMA)
    r = invoke("migrate", ".", "--target", "qwen", "--report", "report.md")
    assert r.exit_code == 0, r.output
    md = (repo / "report.md").read_text()
    assert "- `llama-index-llms-openai-like`" in md and "- `llama-index-embeddings-openai-like`" in md
    assert "| `gpt-4o` | `qwen-plus` |" in md and "| `text-embedding-3-small` | `text-embedding-v4` |" in md
    assert "no new dependency" not in md
