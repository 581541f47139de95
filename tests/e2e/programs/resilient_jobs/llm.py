"""The client: the SDK's own retries are off, the job decides how to back off."""

import os
from functools import cache

from openai import OpenAI

JOB_MODEL = "gpt-4o-mini"


@cache
def get_client() -> OpenAI:
    return OpenAI(api_key=os.environ["OPENAI_API_KEY"], max_retries=0, timeout=30)
