"""LLM access for the help desk: one client per process, the model from the environment."""

import os
from functools import lru_cache

from zai import ZhipuAiClient

CHAT_MODEL = os.getenv("HELPDESK_MODEL", "glm-4.5-air")


@lru_cache(maxsize=1)
def get_client() -> ZhipuAiClient:
    # one client per process: the SDK keeps a connection pool
    return ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"], timeout=20, max_retries=2)
