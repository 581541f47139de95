"""Stream an answer piece by piece and report the token usage of the whole exchange."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from live_stream.config import MODEL, client_from_env


@dataclass
class Exchange:
    pieces: list[str] = field(default_factory=list)
    completion_tokens: int | None = None
    total_tokens: int | None = None

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def stream_answer(question: str, exchange: Exchange) -> Iterator[str]:
    client = client_from_env()
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        stream=True,
    )
    for chunk in stream:
        if chunk.usage:
            exchange.completion_tokens = chunk.usage.output_tokens
            exchange.total_tokens = chunk.usage.total_tokens
        if chunk.choices and chunk.choices[0].delta.content:
            piece = chunk.choices[0].delta.content
            exchange.pieces.append(piece)
            yield piece
