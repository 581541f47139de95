import sys

from helpdesk.triage import triage

TICKETS = {
    "T-1001": "My invoice shows the wrong billing address.",
    "T-1002": "The mobile app logs me out every few minutes, can you help?",
}


def main() -> int:
    for ticket_id, text in TICKETS.items():
        t = triage(ticket_id, text)
        print(f"{t.ticket_id}: {t.answer} | finish={t.finish_reason} "
              f"| tokens={t.prompt_tokens}+{t.completion_tokens} | id={t.request_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
