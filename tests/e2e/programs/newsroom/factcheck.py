"""Fact-check worker: network trouble is retried, a request the API rejects is reported, never retried."""

import time

import openai
from openai import OpenAI

client = OpenAI(max_retries=0)


def check(messages: list[dict], log: list[str], attempts: int = 3) -> str | None:
    for attempt in range(attempts):
        try:
            resp = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            return resp.choices[0].message.content
        except openai.APIConnectionError:
            log.append(f"network trouble, retry {attempt + 1}")
            time.sleep(0.05)
        except openai.RateLimitError as exc:
            log.append(f"rate limited (HTTP {exc.status_code}), retry {attempt + 1}")
            time.sleep(0.05)
        except openai.BadRequestError as exc:
            log.append(f"rejected (HTTP {exc.status_code})")
            return None
    return None
