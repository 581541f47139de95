"""LLM access for the help desk: one client per process, the model from the environment."""

import os
from functools import lru_cache

import dashscope

CHAT_MODEL = os.getenv("HELPDESK_MODEL", "qwen-flash")


@lru_cache(maxsize=1)
def get_client() -> dashscope.Client:
    # one client per process: the SDK keeps a connection pool
    return dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"], timeout=20, max_retries=2)
