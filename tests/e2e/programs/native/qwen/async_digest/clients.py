"""Client construction, shared by the digest jobs."""

import os

import dashscope

SUMMARY_MODEL = "qwen-plus"


def make_async_client() -> dashscope.AsyncClient:
    return dashscope.AsyncClient(api_key=os.environ["DASHSCOPE_API_KEY"], timeout=30)
