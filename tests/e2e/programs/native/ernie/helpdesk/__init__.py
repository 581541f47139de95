"""Help desk triage: answers support tickets with a chat model (sync client)."""
