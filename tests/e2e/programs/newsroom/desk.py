"""The copy desk: a client passed in or built by default, held by a base class, used by a subclass."""

from typing import Optional

from openai import OpenAI


class Desk:
    def __init__(self, client: Optional[OpenAI] = None, model: str = "gpt-4o-mini") -> None:  # noqa: UP045
        self.client = client or OpenAI(max_retries=0)
        self.model = model


class CopyDesk(Desk):
    def tighten(self, text: str) -> tuple[str, int]:
        resp = self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": "Tighten this sentence."}, {"role": "user", "content": text}],
            temperature=0.3,
        )
        return resp.choices[0].message.content, resp.usage.total_tokens


def tighten(text: str) -> str:
    answer, tokens = CopyDesk().tighten(text)
    return f"{answer} [{tokens} tokens]"
