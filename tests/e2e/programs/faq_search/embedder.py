"""Embeddings through one shared client."""

import os

import openai

EMBEDDING_MODEL = "text-embedding-3-small"

_client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"], max_retries=3)


def embed(texts: list[str]) -> tuple[list[list[float]], int]:
    """The vectors in input order, and the tokens billed."""
    resp = _client.embeddings.create(model=EMBEDDING_MODEL, input=texts)
    vectors = [resp.data[i].embedding for i in range(len(texts))]
    return vectors, resp.usage.total_tokens
