import sys

from live_stream.console import Exchange, stream_answer


def main() -> int:
    exchange = Exchange()
    shown = [piece for piece in stream_answer("Explain what a vector database is.", exchange)]
    print(f"pieces: {len(shown)}")
    print(f"answer: {exchange.text}")
    print(f"usage: completion={exchange.completion_tokens} total={exchange.total_tokens}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
