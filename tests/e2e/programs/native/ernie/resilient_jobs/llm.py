"""The client: the SDK's own retries are off, the job decides how to back off."""

import os
from functools import cache

import qianfan

JOB_MODEL = "ernie-4.5-turbo-32k"


@cache
def get_client() -> qianfan.Qianfan:
    # retry_count counts attempts (0 would mean the default, 3)
    return qianfan.Qianfan(api_key=os.environ["QIANFAN_API_KEY"], retry_count=1, request_timeout=30)
