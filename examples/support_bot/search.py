"""Semantic search over the help-center articles."""

import math

from llm import EMBEDDING_MODEL, get_client


def embed(texts: list[str]) -> list[list[float]]:
    client = get_client()
    result = client.embeddings.create(model=EMBEDDING_MODEL, input=texts)
    return [item.embedding for item in result.data]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def best_article(question: str, articles: dict[str, str]) -> str:
    titles = list(articles)
    vectors = embed([question, *articles.values()])
    scores = [cosine(vectors[0], v) for v in vectors[1:]]
    return titles[scores.index(max(scores))]
