"""Answer a ticket and keep what the billing report needs (request id, token counts)."""

from dataclasses import dataclass

from helpdesk.llm import CHAT_MODEL, get_client

SYSTEM_PROMPT = "You are a support agent. Answer in one short sentence."


@dataclass
class Triage:
    ticket_id: str
    answer: str
    finish_reason: str
    request_id: str
    prompt_tokens: int
    completion_tokens: int


def triage(ticket_id: str, text: str) -> Triage:
    resp = get_client().chat.completions.create(
        model=CHAT_MODEL,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": text},
        ],
        temperature=0.2,
        max_tokens=200,
        thinking={"type": "disabled"},
    )
    choice = resp.choices[0]
    return Triage(
        ticket_id=ticket_id,
        answer=choice.message.content or "",
        finish_reason=choice.finish_reason,
        request_id=resp.id,
        prompt_tokens=resp.usage.prompt_tokens,
        completion_tokens=resp.usage.completion_tokens,
    )
