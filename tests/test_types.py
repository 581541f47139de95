"""mypy over the package, as it installs (tests/typecheck.py builds that layout; mypy is in the test extras)."""

from __future__ import annotations

import typecheck


def test_mypy_is_clean() -> None:
    status, report = typecheck.run()
    assert status == 0, report
