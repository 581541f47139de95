"""Settings of the console."""

import os

from zai import ZhipuAiClient

MODEL = "glm-4.5-air"


def client_from_env() -> ZhipuAiClient:
    return ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"], timeout=60)
