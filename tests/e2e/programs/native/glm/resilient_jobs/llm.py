"""The client: the SDK's own retries are off, the job decides how to back off."""

import os
from functools import cache

from zai import ZhipuAiClient

JOB_MODEL = "glm-4.5-air"


@cache
def get_client() -> ZhipuAiClient:
    return ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"], max_retries=0, timeout=30)
