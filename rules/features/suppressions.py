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


class TodoMarker(Rule):
    """Reports the ``# TODO(migrator): OAxxx <reason>`` comments that ``migrate --write`` left.

    What it does: ``migrate`` puts a marker above each site that will not work as it stands (a
    ``manual`` item, or a site whose rewrite the safety net rolled back), as bump-pydantic does. Each
    marker is a finding of its own, so ``check`` keeps failing until the site is fixed and the comment
    deleted; the site below a marker is never ``auto``. A later ``migrate`` removes a marker whose
    reason is gone. The engine reads the markers (``migrator/markers.py``).

    Example::

        # TODO(migrator): OA401 assistants API: GLM (Zhipu) has no Assistants API; ...
        assistant = client.beta.assistants.create(model="gpt-4o", instructions=text)

    Fix safety: review; fix the site, then delete the comment. ``--no-todo-comments`` writes none.
    """

    CODE = "OA980"
    NAME = "todo-marker"
    FEATURE = "markers"
    SITES = ()
    SUMMARY = "a # TODO(migrator) comment a past migrate left above a site that needs a hand"

    def check(self, site: Site, ctx: PlanContext) -> None:
        return
