"""``check --baseline FILE``: the sites a team has accepted for now, read from a ``scan --format json`` report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from migrator.model import RETIRED_MODEL


class BaselineError(ValueError):
    """The file cannot be read, or is not a migrator JSON report."""


def load(path: Path) -> Counter[tuple[str, str]]:
    """(path, code) counts of the report's sites that reach OpenAI or name a retired model."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Counter((f["path"], f["code"]) for f in doc["findings"]
                       if f.get("reaches_openai", True) or f["code"] == RETIRED_MODEL)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(str(exc)) from None
