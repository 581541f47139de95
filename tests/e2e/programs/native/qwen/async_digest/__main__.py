import asyncio

from async_digest.digest import build_digest

ARTICLES = {
    "Rates": "The central bank kept interest rates unchanged this quarter.",
    "Rail": "A new high-speed rail line opens between the two largest cities next spring.",
    "Chips": "Chip makers report record demand for data-center accelerators.",
}


async def main() -> None:
    for title, summary, tokens in await build_digest(ARTICLES):
        print(f"{title}: {summary} [{tokens} tokens]")


if __name__ == "__main__":
    asyncio.run(main())
