"""LLM access for the help desk: one client per process, the model from the environment."""

import os
from functools import lru_cache

from openai import OpenAI

CHAT_MODEL = os.getenv("HELPDESK_MODEL", "gpt-4o-mini")


@lru_cache(maxsize=1)
def get_client() -> OpenAI:
    # one client per process: the SDK keeps a connection pool
    return OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=20, max_retries=2)
