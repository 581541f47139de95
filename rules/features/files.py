"""Rules for files other than Python modules (``migrator.kinds``): dependency files, .env files,
configuration files. They hold the metadata and documentation; the kinds do the work. Their examples
are written in the file's own syntax (``KIND`` names it), not in Python.
"""

from __future__ import annotations

from typing import ClassVar

from migrator.rules.base import PlanContext, Rule
from migrator.sites import Site


class FileRule(Rule):
    SITES = ()
    KIND: ClassVar[str]
    EXAMPLE_FILE: ClassVar[str]  # a file name of that kind, for ``explain``

    def check(self, site: Site, ctx: PlanContext) -> None:  # pragma: no cover - never applies to a Python site
        return None


class OpenAIDependency(FileRule):
    """The ``openai`` requirement in dependency files and notebook ``pip install`` lines.

    What it does: reports the ``openai`` requirement of ``requirements*.txt``, ``constraints*.txt``,
    ``pyproject.toml`` (``[project]`` dependencies, optional dependencies, dependency groups, Poetry),
    ``setup.cfg``, ``setup.py`` and ``Pipfile``, and of ``!pip install`` / ``%pip install`` lines in
    notebooks. Compat style talks to the provider through the openai 1.x SDK, so a pin to the pre-1.0
    SDK (``openai==0.27.8``, ``<1``, Poetry ``^0.27``) is raised to ``openai>=1``; migrator moves the
    0.x code to 1.x at the same time. ``--style native`` adds the provider's own SDK next to it
    (``dashscope>=2.0.2``, ``qianfan``, ``zai-sdk``) in requirement files and ``[project]``
    dependencies. The text is edited in place: comments, order and markers stay.

    Example::

        requests==2.31.0
        openai==0.27.8 ; python_version >= "3.8"

    becomes::

        requests==2.31.0
        openai>=1 ; python_version >= "3.8"

    Fix safety: safe; an ``openai`` requirement that already allows 1.x is only reported.
    """

    CODE = "OA060"
    NAME = "openai-dependency"
    FEATURE = "dependencies"
    SUMMARY = "the openai requirement: pre-1.0 pins raised, the provider SDK added for native style"
    KIND = "requirements"
    EXAMPLE_FILE = "requirements.txt"


class EnvFileVariable(FileRule):
    """OpenAI variables in ``.env`` files (``.env``, ``.env.*``, ``*.env``).

    What it does: ``OPENAI_API_KEY`` is renamed to the provider's key variable (the one the migrated code
    reads); its value is kept and never printed (a value that is an OpenAI key is flagged for review:
    it will not work at the provider). ``OPENAI_BASE_URL`` / ``OPENAI_API_BASE`` pointing at OpenAI get
    the provider's base URL; one pointing elsewhere (a proxy, a local server) is left and reported.
    ``OPENAI_ORGANIZATION``, ``OPENAI_API_VERSION`` and Azure OpenAI settings are reported for removal.
    Comments, ``export``, quotes and order are kept.

    Example::

        OPENAI_API_KEY=
        OPENAI_BASE_URL=https://api.openai.com/v1

    becomes (``--target qwen``)::

        DASHSCOPE_API_KEY=
        OPENAI_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1

    Fix safety: safe for the code migrator writes (it reads the provider's variable); other programs that
    read ``OPENAI_API_KEY`` from the same file need the same change.
    """

    CODE = "OA105"
    NAME = "env-file"
    FEATURE = "client"
    SUMMARY = "OPENAI_* variables in .env files: key renamed (value kept), base URL mapped"
    KIND = "env"
    EXAMPLE_FILE = ".env"


class ConfigModel(FileRule):
    """OpenAI model names in ``.env`` and configuration files (YAML, JSON, TOML).

    What it does: a value that is exactly an OpenAI model name under a key (or variable) named like
    ``model`` is mapped through the provider's table (``[tool.migrator.models]`` and ``--model`` apply);
    an OpenAI model named anywhere else in a configuration file is reported for review, an unknown one
    as manual work.

    Example::

        llm:
          model: gpt-4o-mini

    becomes (``--target glm``)::

        llm:
          model: glm-4.5-air

    Fix safety: safe for mapped models; a name that is read by something other than the migrated code
    must be checked.
    """

    CODE = "OA603"
    NAME = "config-model"
    FEATURE = "models"
    SUMMARY = "OpenAI model names in .env and configuration files"
    KIND = "config"
    EXAMPLE_FILE = "config.yaml"


class ConfigReference(FileRule):
    """``OPENAI_*`` variables and OpenAI's host in configuration files: compose files, GitHub workflows,
    YAML / JSON / TOML settings.

    What it does: reports each one with its file and line, so that ``check`` fails while a deployment
    still passes the OpenAI key or points at ``api.openai.com``. Nothing is rewritten: the variable may be
    a secret's name in CI, or read by a program migrator does not see.

    Example::

        environment:
          - OPENAI_API_KEY=${OPENAI_API_KEY}

    is reported (``--target ernie``: pass ``QIANFAN_API_KEY`` instead).

    Fix safety: not rewritten; review.
    """

    CODE = "OA802"
    NAME = "config-reference"
    FEATURE = "config"
    SUMMARY = "OPENAI_* variables and api.openai.com in compose, workflow and other configuration files"
    KIND = "config"
    EXAMPLE_FILE = "docker-compose.yml"
