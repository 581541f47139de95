"""One user question, as many tool rounds as the model asks for."""

import os

from openai import OpenAI

from weather_agent.tools import TOOLS, run_tool

AGENT_MODEL = "gpt-4o"
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def ask(question: str, max_rounds: int = 3) -> tuple[str, list[str]]:
    messages = [
        {"role": "system", "content": "Use the tools to answer questions about the weather."},
        {"role": "user", "content": question},
    ]
    calls: list[str] = []
    for _ in range(max_rounds):
        resp = client.chat.completions.create(model=AGENT_MODEL, messages=messages, tools=TOOLS, tool_choice="auto")
        message = resp.choices[0].message
        if not message.tool_calls:
            return message.content, calls
        messages.append(message)  # the assistant turn with its tool calls goes back into the history
        for call in message.tool_calls:
            calls.append(f"{call.function.name}({call.function.arguments})")
            messages.append({"role": "tool", "tool_call_id": call.id, "content": run_tool(call.function.name,
                                                                                         call.function.arguments)})
    raise RuntimeError("the model kept calling tools")
