"""LLM access for the help desk: one client per process, the model from the environment."""

import os
from functools import lru_cache

import qianfan

CHAT_MODEL = os.getenv("HELPDESK_MODEL", "ernie-4.5-turbo-32k")


@lru_cache(maxsize=1)
def get_client() -> qianfan.Qianfan:
    # one client per process: the SDK keeps a connection pool
    # retry_count counts attempts: max_retries=2 is three of them
    return qianfan.Qianfan(api_key=os.environ["QIANFAN_API_KEY"], request_timeout=20, retry_count=3)
