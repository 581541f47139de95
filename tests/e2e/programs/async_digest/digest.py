"""Summarize articles concurrently; each summary keeps its token count for the cost report."""

import asyncio

from openai import AsyncOpenAI

from async_digest.clients import SUMMARY_MODEL, make_async_client


async def summarize(client: AsyncOpenAI, title: str, body: str) -> tuple[str, int]:
    resp = await client.chat.completions.create(
        model=SUMMARY_MODEL,
        messages=[
            {"role": "system", "content": "Summarize the article in one sentence."},
            {"role": "user", "content": f"{title}\n\n{body}"},
        ],
        max_tokens=120,
    )
    return resp.choices[0].message.content, resp.usage.total_tokens


async def build_digest(articles: dict[str, str]) -> list[tuple[str, str, int]]:
    client = make_async_client()
    results = await asyncio.gather(*(summarize(client, title, body) for title, body in articles.items()))
    return [(title, summary, tokens) for title, (summary, tokens) in zip(articles, results, strict=True)]
