"""One user question, as many tool rounds as the model asks for."""

import os

from zai import ZhipuAiClient

from weather_agent.tools import TOOLS, run_tool

AGENT_MODEL = "glm-4.6"
client = ZhipuAiClient(api_key=os.environ["ZHIPUAI_API_KEY"])


def ask(question: str, max_rounds: int = 3) -> tuple[str, list[str]]:
    messages = [
        {"role": "system", "content": "Use the tools to answer questions about the weather."},
        {"role": "user", "content": question},
    ]
    calls: list[str] = []
    for _ in range(max_rounds):
        resp = client.chat.completions.create(model=AGENT_MODEL, messages=messages, tools=TOOLS, tool_choice="auto",
                                              thinking={"type": "disabled"})
        message = resp.choices[0].message
        if not message.tool_calls:
            return message.content, calls
        messages.append(message.model_dump(exclude_none=True))  # the assistant turn with its tool calls
        for call in message.tool_calls:
            calls.append(f"{call.function.name}({call.function.arguments})")
            messages.append({"role": "tool", "tool_call_id": call.id, "content": run_tool(call.function.name,
                                                                                         call.function.arguments)})
    raise RuntimeError("the model kept calling tools")
