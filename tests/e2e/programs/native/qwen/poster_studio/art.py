"""Image generation through one client factory."""

import os

import dashscope

IMAGE_MODEL = "wan2.2-t2i-flash"


def make_client() -> dashscope.Client:
    return dashscope.Client(api_key=os.environ["DASHSCOPE_API_KEY"], timeout=120)


def render(brief: str) -> list[str]:
    """URLs of the rendered images (temporary: download them promptly)."""
    # an image task: generate submits it and waits until it has finished
    job = make_client().images.generate(model=IMAGE_MODEL, prompt=brief, size="1024x1024", n=1)
    return job.image_urls
