import sys

from weather_agent.agent import ask


def main() -> int:
    answer, calls = ask("Do I need an umbrella in Paris")
    for call in calls:
        print(f"tool: {call}")
    print(f"answer: {answer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
