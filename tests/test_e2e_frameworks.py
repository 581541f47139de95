"""End-to-end: a migrated LangChain program works against each provider's stand-in.

The program is run with the real ``langchain_openai`` package (a test dependency) in a subprocess, with
the same network safety as ``test_e2e.py``: every request goes to 127.0.0.1, ``OPENAI_BASE_URL`` points
at a path no provider serves, and a different ``OPENAI_API_KEY`` is set that must never be sent. The
stand-ins check what LangChain really sends: ERNIE rejects ``max_completion_tokens`` (langchain_openai
renames ``max_tokens`` to it) and a temperature of 0; every provider rejects base64 embeddings and
batches over its limit.

LlamaIndex is not run here: ``llama-index-llms-openai`` requires openai<3, which the other tests do
not use.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_e2e import (  # noqa: F401  (start_standin is a fixture)
    BUILTIN_EMBEDDING_TARGETS,
    LEAK_PATH,
    OPENAI_KEY,
    TARGETS,
    assert_clean_traffic,
    bodies,
    migrate_and_run,
    run,
    start_standin,
    write_tree,
)

from migrator.rules import providers

pytest.importorskip("langchain_openai")

APP_PY = '''\
"""Summaries and search with LangChain: the chat model and the embeddings both call OpenAI."""
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0, max_tokens=200, max_retries=0, timeout=10)
embeddings = OpenAIEmbeddings(model="text-embedding-3-small", chunk_size=500, max_retries=0)


def main() -> None:
    print("answer:", llm.invoke("Summarize: migrators move code.").content)
    vectors = embeddings.embed_documents([f"document {i}" for i in range(25)])
    print("vectors:", len(vectors), len(vectors[0]))
    print("query:", len(embeddings.embed_query("find documents")))


main()
'''


@pytest.mark.parametrize("target", BUILTIN_EMBEDDING_TARGETS)  # the app embeds: targets that offer it
def test_migrated_langchain_app_runs_against_provider(target: str, tmp_path: Path,
                                                     start_standin) -> None:  # noqa: F811 (the fixture)
    t = TARGETS[target]
    spec = providers.load(target)
    server = start_standin(target)
    proc, migrated, findings = migrate_and_run(tmp_path, {"app.py": APP_PY}, "app", target, server)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_clean_traffic(server, target)
    (chat,) = bodies(server, "/chat/completions")
    assert chat["model"] == t.chat_model
    assert chat["max_tokens"] == 200 and "max_completion_tokens" not in chat
    assert spec.temperature.contains(chat["temperature"])
    if t.thinking is not None:
        assert chat["thinking"] == t.thinking
    embeds = bodies(server, "/embeddings")
    assert sum(len(b["input"]) for b in embeds) == 26
    for body in embeds:
        assert all(isinstance(text, str) for text in body["input"]), "token ids sent instead of text"
        assert len(body["input"]) <= spec.embedding_max_inputs
        assert body["encoding_format"] == "float"
    assert f"vectors: 25 {t.small_vec}" in proc.stdout and f"query: {t.small_vec}" in proc.stdout
    assert {f.code for f in findings} >= {"OA120", "OA121"}


def test_unmigrated_langchain_app_goes_to_openai(tmp_path: Path, start_standin) -> None:  # noqa: F811
    """The control: without migration, LangChain sends the OpenAI key to OPENAI_BASE_URL."""
    server = start_standin("qwen")
    write_tree(tmp_path, {"app.py": APP_PY})
    proc = run(tmp_path, "app", server, OPENAI_API_KEY=OPENAI_KEY)
    assert proc.returncode != 0
    assert server.requests and all(r.path.startswith(LEAK_PATH) for r in server.requests)
    assert all(r.headers.get("authorization") == f"Bearer {OPENAI_KEY}" for r in server.requests)
