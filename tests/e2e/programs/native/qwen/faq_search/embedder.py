"""Embeddings through one shared client."""

import os

import dashscope

EMBEDDING_MODEL = "text-embedding-v4"

_client = dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"], max_retries=3)


def embed(texts: list[str]) -> tuple[list[list[float]], int]:
    """The vectors in input order, and the tokens billed."""
    resp = _client.embeddings.create(model=EMBEDDING_MODEL, input=texts, dimension=1536)
    vectors = [resp.embeddings[i].embedding for i in range(len(texts))]
    return vectors, resp.usage.total_tokens
