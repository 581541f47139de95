"""Classify incoming reports; a rate limit must not lose a report."""

from resilient_jobs.llm import JOB_MODEL, get_client
from resilient_jobs.retry import with_backoff


def classify(report: str, log: list[str]) -> str:
    def call():
        return get_client().chat.completions.create(
            model=JOB_MODEL,
            messages=[
                {"role": "system", "content": "Classify the report as bug, question or request."},
                {"role": "user", "content": report},
            ],
        )

    resp = with_backoff(call, log)
    return resp.choices[0].message.content
