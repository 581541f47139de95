"""The native end-to-end programs against the newest SDK releases in the range migrator writes.

``migrate --style native`` adds ``dashscope>=2.0.2,<2.1`` (and the like) to requirements: what a user installs is
the newest release in that range, not the version in this project's test dependencies. This test installs exactly
that, from the package registry, into a virtual environment of its own, and runs tests/test_e2e_native.py with the
migrated programs on that interpreter (MIGRATOR_E2E_PYTHON), so a breaking SDK release inside the range fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from migrator.kinds.requirements import provider_requirement
from migrator.rules import providers

TESTS = Path(__file__).parent


def requirements() -> list[str]:
    """What the native rewrite writes into requirements for each target with a native SDK."""
    return [provider_requirement(spec) for spec in providers.all_specs() if spec.native is not None
            and spec.native_package]


@pytest.fixture(scope="session")
def newest_python(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    venv = tmp_path_factory.mktemp("newest-sdks")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python"))
    wanted = [*requirements(), f"openai=={version('openai')}"]  # the SDKs move; the openai package does not
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"cannot install {wanted}: {done.stderr[-2000:]}"
    listed = subprocess.run([python, "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                            check=True)
    versions = {p["name"].lower(): p["version"] for p in json.loads(listed.stdout)}
    return python, versions


# run by the interpreter under test: which keyword arguments each SDK method the native rewrite calls takes
_SHAPES = r"""
import importlib, inspect, json, sys
wanted = json.loads(sys.argv[1])
out = {}
for target, (client_class, methods) in wanted.items():
    module, _, name = client_class.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    try:
        client = cls(api_key="0123456789abcdef.standinsecret")
    except TypeError:
        client = cls()
    for path in methods:
        obj = client
        for part in path.split("."):
            obj = getattr(obj, part)
        params = inspect.signature(obj).parameters.values()
        out[f"{target}:{path}"] = (["**"] if any(p.kind is p.VAR_KEYWORD for p in params) else []) + [
            p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
print(json.dumps(out))
"""


def call_shapes() -> dict[str, tuple[str, dict[str, frozenset[str]]]]:
    """target -> (sync client class, SDK method path -> the keyword arguments the rewrite may pass)."""
    shapes = {}
    for spec in providers.all_specs():
        native = spec.native
        if native is None:
            continue
        methods: dict[str, frozenset[str]] = {}
        for openai_path, method in native.methods.items():
            if method.accepts is not None:
                methods[method.call or openai_path] = method.accepts
                if method.async_call:
                    methods[method.async_call] = method.accepts
        shapes[spec.name] = (native.clients["sync"], methods)
    return shapes


def untaken(python: str) -> dict[str, list[str]]:
    """SDK method -> the arguments the rewrite may pass that the installed SDK method does not take."""
    shapes = call_shapes()
    arg = json.dumps({t: (cls, sorted(m)) for t, (cls, m) in shapes.items()})
    proc = subprocess.run([python, "-c", _SHAPES, arg], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    taken = json.loads(proc.stdout)
    out = {}
    for target, (_, methods) in shapes.items():
        for path, accepts in methods.items():
            params = set(taken[f"{target}:{path}"])
            if "**" not in params and accepts - params:
                out[f"{target}:{path}"] = sorted(accepts - params)
    return out


def test_native_call_shapes_fit_the_installed_sdks() -> None:
    """The test dependencies' SDK releases take every argument the native rewrite passes them."""
    assert untaken(sys.executable) == {}


def test_native_call_shapes_fit_the_newest_sdk_releases(newest_python: tuple[str, dict[str, str]]) -> None:
    """So do the newest releases in the range migrator writes into requirements."""
    python, versions = newest_python
    sdks = {spec.native_package: versions.get(spec.native_package.lower())
            for spec in providers.all_specs() if spec.native is not None and spec.native_package}
    assert untaken(python) == {}, sdks


def test_native_programs_run_on_the_newest_sdk_releases(newest_python: tuple[str, dict[str, str]]) -> None:
    python, versions = newest_python
    sdks = {spec.native_package: versions.get(spec.native_package.lower())
            for spec in providers.all_specs() if spec.native is not None and spec.native_package}
    assert all(sdks.values()), sdks
    env = {**os.environ, "MIGRATOR_E2E_PYTHON": python}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                           str(TESTS / "test_e2e_native.py")], cwd=TESTS.parent, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, f"native programs on {sdks}:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
