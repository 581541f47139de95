"""Run a program against the HTTPS stand-ins with its provider hosts redirected at the socket layer.

The program runs unedited in a subprocess: ``netsite/sitecustomize.py`` (on its ``PYTHONPATH``) makes
the provider hosts of the target resolve to the target's stand-in on 127.0.0.1, and every other name
fail; the stand-in presents a certificate for the real host names, signed by a throwaway CA that the
subprocess trusts (``tls.py``). So ``https://dashscope.aliyuncs.com/api/v1/...`` written by the
migration, or built by the provider's SDK from its defaults, is what travels, with the real host in the
URL, the TLS server name and the Host header.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from e2e.standin import StandIn
from e2e.tls import TlsFiles
from migrator.rules import providers

NETSITE = Path(__file__).parent / "netsite"
# in the environment of every program, and never allowed to reach a stand-in
OPENAI_DECOY_KEY = "sk-proj-OPENAI-DECOY-MUST-NOT-ARRIVE-0000"
# what the programs' own environment must not carry over from the test run
_DROPPED_ENV = ("OPENAI_", "DASHSCOPE_", "QIANFAN_", "ZHIPUAI_", "ZAI_", "SSL_CERT_", "REQUESTS_CA_", "CURL_CA_",
                "MIGRATOR_E2E_", "PYTHONPATH", "PYTHONHOME")


@dataclass(frozen=True)
class Provider:
    target: str
    key_env: str  # the variable the migrated code (and the hand-written native programs) read
    key: str
    hosts: tuple[str, ...]  # from the provider spec: every region's host


def provider(target: str) -> Provider:
    spec = providers.load(target)
    keys = {"qwen": "sk-dashscopestandin0001", "ernie": "bce-v3/ALTAK-standin/0001",
            "glm": "0123456789abcdef0123456789abcdef.standinsecret012"}
    return Provider(target, spec.key_env, keys[target], tuple(sorted(spec.hosts())))


PROVIDERS = {t: provider(t) for t in providers.builtin_targets() if providers.load(t).native is not None}
ALL_HOSTS = sorted({h for p in PROVIDERS.values() for h in p.hosts})


def start_standin(target: str, tls: TlsFiles, *, retry_after_ms: int | None = 20) -> StandIn:
    """A stand-in of the target that serves HTTPS for the target's hosts only."""
    p = PROVIDERS[target]
    return StandIn(target, p.key, retry_after_ms=retry_after_ms, tls=tls.server_context(), hosts=p.hosts).start()


def sandbox_env(hosts: list[str] | tuple[str, ...], port: int, tls: TlsFiles, home: Path, **extra: str
                ) -> dict[str, str]:
    """The environment of a program: ``hosts`` redirected to the stand-in on 127.0.0.1:``port``, the
    throwaway CA trusted, no proxies, no
    provider or OpenAI settings from the test run (only the decoy OpenAI key), a private HOME (no
    ~/.dashscope config)."""
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(_DROPPED_ENV) and "PROXY" not in k.upper()}
    ca = str(tls.ca)
    env.update(
        PYTHONPATH=str(NETSITE),
        MIGRATOR_E2E_HOSTS=json.dumps(list(hosts)),
        MIGRATOR_E2E_PORT=str(port),
        MIGRATOR_E2E_CA=ca,
        SSL_CERT_FILE=ca,  # httpx, httpx2 (openai) and aiohttp (through OpenSSL's default paths)
        REQUESTS_CA_BUNDLE=ca,  # requests (qianfan's sync client)
        HOME=str(home),
        OPENAI_API_KEY=OPENAI_DECOY_KEY,
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


# Runs ``-m package`` or ``script.py`` only once the sandbox is known to be in place, so that a
# program can never reach a real host because sitecustomize was not picked up.
_LAUNCHER = """\
import runpy, socket, sys
if getattr(socket.getaddrinfo, "__module__", None) != "sitecustomize":
    sys.exit("the end-to-end network sandbox is not installed: the program is not run")
del sys.argv[0]
if sys.argv[0] == "-m":
    del sys.argv[0]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_python(root: Path, args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """``python <args>`` (``-m package`` or ``script.py ...``) in ``root`` in the network sandbox that
    ``env`` describes; never raises on a failing or hanging program."""
    try:
        # MIGRATOR_E2E_PYTHON: another interpreter, with other SDK releases (tests/test_e2e_native_newest.py)
        python = os.environ.get("MIGRATOR_E2E_PYTHON") or sys.executable
        return subprocess.run([python, "-c", _LAUNCHER, *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        return subprocess.CompletedProcess(exc.cmd, -9, out, err + f"\n[timed out after {timeout}s]")
