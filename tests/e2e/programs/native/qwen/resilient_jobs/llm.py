"""The client: the SDK's own retries are off, the job decides how to back off."""

import os
from functools import cache

import dashscope

JOB_MODEL = "qwen-flash"


@cache
def get_client() -> dashscope.Client:
    return dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"], max_retries=0, timeout=30)
