"""The tools the model may call, and their local implementations."""

import json

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string", "description": "City name, e.g. Paris"}},
                "required": ["city"],
            },
        },
    }
]

FORECASTS = {"Paris": "18C, light rain", "Lisbon": "24C, sunny"}


def get_weather(city: str) -> str:
    return f"{city} {FORECASTS.get(city, 'no data')}"


def run_tool(name: str, arguments: str) -> str:
    handlers = {"get_weather": get_weather}
    return handlers[name](**json.loads(arguments))
