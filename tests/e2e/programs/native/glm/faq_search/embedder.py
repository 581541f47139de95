"""Embeddings through one shared client."""

import os

from zai import ZhipuAiClient

EMBEDDING_MODEL = "embedding-3"

_client = ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"], max_retries=3)


def embed(texts: list[str]) -> tuple[list[list[float]], int]:
    """The vectors in input order, and the tokens billed."""
    resp = _client.embeddings.create(model=EMBEDDING_MODEL, input=texts, dimensions=1024)
    vectors = [resp.data[i].embedding for i in range(len(texts))]
    return vectors, resp.usage.total_tokens
