"""The news agency's connection: one client, built by the base class every desk derives from."""

import os

from openai import OpenAI


class Agency:
    def __init__(self) -> None:
        self.client = OpenAI(api_key=os.environ["OPENAI_API_KEY"], max_retries=0)
