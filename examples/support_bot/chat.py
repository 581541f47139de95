"""Answer customer questions, with retries on rate limits."""

import time

import openai
from openai import OpenAI

from llm import CHAT_MODEL, get_client

SYSTEM_PROMPT = "You are a concise, friendly support agent for Acme Cloud."


def answer(question: str, history: list[dict] | None = None, client: OpenAI | None = None) -> str:
    client = client or get_client()
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *(history or []),
                {"role": "user", "content": question}]
    for attempt in range(3):
        try:
            response = client.chat.completions.create(
                model=CHAT_MODEL,
                messages=messages,
                temperature=0.3,
                max_completion_tokens=400,
            )
            return response.choices[0].message.content
        except openai.RateLimitError:
            time.sleep(2**attempt)
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            print(f"network problem: {exc}")
    raise RuntimeError("the model is busy, try again later")


def stream_answer(question: str) -> str:
    """Print the answer as it arrives and return it whole."""
    client = get_client()
    parts = []
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": question}],
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
            print(chunk.choices[0].delta.content, end="", flush=True)
    print()
    return "".join(parts)
