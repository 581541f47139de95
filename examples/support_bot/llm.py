"""Shared OpenAI client for the support bot."""

import os
from functools import lru_cache

from openai import AsyncOpenAI, OpenAI

CHAT_MODEL = os.getenv("SUPPORT_BOT_MODEL", "gpt-4o-mini")
EMBEDDING_MODEL = "text-embedding-3-small"


@lru_cache(maxsize=1)
def get_client() -> OpenAI:
    # One client per process; the SDK keeps a connection pool.
    return OpenAI(
        api_key=os.environ["OPENAI_API_KEY"],
        timeout=30,
        max_retries=3,
    )


def get_async_client() -> AsyncOpenAI:
    return AsyncOpenAI()
