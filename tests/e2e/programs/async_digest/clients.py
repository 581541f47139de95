"""Client construction, shared by the digest jobs."""

import os

from openai import AsyncOpenAI

SUMMARY_MODEL = "gpt-4o"


def make_async_client() -> AsyncOpenAI:
    return AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=30)
