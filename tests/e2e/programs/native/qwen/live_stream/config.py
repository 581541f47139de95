"""Settings of the console."""

import os

import dashscope

MODEL = "qwen-flash"


def client_from_env() -> dashscope.Client:
    return dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"], timeout=60)
