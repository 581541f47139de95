"""Image generation through one client factory."""

import os

from zai import ZhipuAiClient

IMAGE_MODEL = "cogview-4-250304"


def make_client() -> ZhipuAiClient:
    return ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"], timeout=120)


def render(brief: str) -> list[str]:
    """URLs of the rendered images (temporary: download them promptly)."""
    resp = make_client().images.generations(model=IMAGE_MODEL, prompt=brief, size="1024x1024")
    return [image.url for image in resp.data]
