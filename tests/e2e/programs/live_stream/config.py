"""Settings of the console."""

import os

from openai import OpenAI

MODEL = "gpt-4o-mini"


def client_from_env() -> OpenAI:
    return OpenAI(api_key=os.environ["OPENAI_API_KEY"], timeout=60)
