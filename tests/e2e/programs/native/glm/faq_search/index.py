"""A tiny in-memory vector index (cosine similarity)."""

import math

from faq_search.embedder import embed


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class FaqIndex:
    def __init__(self, entries: list[str]) -> None:
        self.entries = entries
        self.vectors, self.tokens = embed(entries)

    def best(self, query: str) -> tuple[str, float]:
        [query_vector], tokens = embed([query])
        self.tokens += tokens
        scores = [cosine(query_vector, v) for v in self.vectors]
        i = max(range(len(scores)), key=scores.__getitem__)
        return self.entries[i], scores[i]
