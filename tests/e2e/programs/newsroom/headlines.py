"""Headlines for a story, written the way many scripts still are: the module-level openai client."""

import os

import openai

openai.api_key = os.environ["OPENAI_API_KEY"]


def headline(story: str) -> str:
    resp = openai.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Write one headline."},
                  {"role": "user", "content": story}],
        max_tokens=40,
    )
    return resp.choices[0].message.content
