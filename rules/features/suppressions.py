"""Suppression comments that silence nothing."""

from __future__ import annotations

from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class UnusedSuppression(Rule):
    """Reports ``# migrator: ignore`` comments that silence nothing.

    What it does: after the code moved (or was migrated), a suppression comment may no longer sit on
    a reported site; it is reported for review so that it can go, as ruff's unused ``noqa`` rule does.
    The engine reports it while applying suppressions (``migrator/scan.py``).

    Example::

        total = price * count  # migrator: ignore

    Fix safety: review; remove the comment.
    """

    CODE = "OA990"
    NAME = "unused-suppression"
    FEATURE = "suppressions"
    SITES = ()
    SUMMARY = "# migrator: ignore comments that silence nothing"

    def check(self, site: Site, ctx: PlanContext) -> None:
        return
