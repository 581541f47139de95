import sys

from poster_studio.art import render

BRIEFS = [
    "A red panda reading a book under a lamp, warm watercolor",
    "A lighthouse on a cliff at dawn, flat vector poster",
]


def main() -> int:
    for brief in BRIEFS:
        urls = render(brief)
        print(f"{brief[:24]!r}: {len(urls)} image(s) {urls[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
