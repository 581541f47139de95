"""Retry a call on rate limits with exponential backoff."""

import time
from collections.abc import Callable
from typing import TypeVar

from zai.core import APIReachLimitError

T = TypeVar("T")


def with_backoff(call: Callable[[], T], log: list[str], attempts: int = 4, base_delay: float = 0.05) -> T:
    for attempt in range(attempts):
        try:
            return call()
        except APIReachLimitError as exc:
            if attempt == attempts - 1:
                raise
            delay = base_delay * 2**attempt
            log.append(f"rate limited (HTTP {exc.status_code}), retry in {delay:.2f}s")
            time.sleep(delay)
    raise AssertionError("unreachable")
