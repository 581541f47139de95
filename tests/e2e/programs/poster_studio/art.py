"""Image generation through one client factory."""

import os

from openai import OpenAI

IMAGE_MODEL = "dall-e-3"


def make_client() -> OpenAI:
    return OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=120)


def render(brief: str) -> list[str]:
    """URLs of the rendered images (temporary: download them promptly)."""
    resp = make_client().images.generate(model=IMAGE_MODEL, prompt=brief, size="1024x1024", n=1)
    return [image.url for image in resp.data]
