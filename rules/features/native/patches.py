"""Patch targets: a string that names an import the migration removes from a module of the project.

A test that patches ``"app.llm.OpenAI"`` (``mock.patch``, ``monkeypatch.setattr``) fails once the migration
removes that import from ``app.llm`` (native style's ``from openai import OpenAI``, compat style's
``AzureOpenAI``, which the compat pass renames). Each module's pass records the names it removes
(``NativeFacts.removed``); the project pass (``migrator/project.py``) finds the quoted strings that name
them in the project's modules, and this module words the finding: the rule's code, severity and message.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.model import Finding, Severity, Span
from migrator.rules.features.native.base import CLIENT_CODE, FEATURE


@dataclass(frozen=True)
class PatchTarget:
    """A quoted string naming an import the migration removes (``"app.llm.OpenAI"``)."""

    path: str  # the file that holds the string (as displayed)
    span: Span  # the name inside the quotes
    name: str  # ``app.llm.OpenAI``
    module: str  # ``app.llm``: the module whose import goes


def patch_target_finding(target: PatchTarget) -> Finding:
    """The finding for one patch target: the test patches a name the migrated module no longer has."""
    return Finding(target.path, target.span, CLIENT_CODE, FEATURE, Severity.REVIEW,
                   f"'{target.name}' names an import the migration removes from {target.module}: patch the name "
                   "the migrated module uses instead, or this test fails", False,
                   "patch target naming a removed import")
