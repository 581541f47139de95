"""Network sandbox for the end-to-end tests, loaded by ``site`` at interpreter start.

The end-to-end tests put this directory on ``PYTHONPATH`` of the program they run, so the migrated
code runs unedited while its traffic reaches the local stand-in servers:

* ``socket.getaddrinfo`` resolves each provider host named in ``MIGRATOR_E2E_HOSTS`` (a JSON list) to
  ``127.0.0.1``; ``localhost`` and ``127.0.0.1`` resolve as usual; every other name fails with
  ``gaierror`` (nothing is looked up in DNS).
* ``socket.socket.connect`` / ``connect_ex`` send a connection to 127.0.0.1:443 to the stand-in's
  port ``MIGRATOR_E2E_PORT`` and refuse any address that is not 127.0.0.1, so an IP literal cannot
  leave the machine either. (The port is switched at connect time, not in the address lookup,
  because anyio, under httpx2 and so the async openai client, connects to the port it asked for.)
  So ``https://dashscope.aliyuncs.com/...`` reaches the stand-in with the real host in the URL, the
  TLS server name and the ``Host`` header.
* ``certifi.where()`` returns ``MIGRATOR_E2E_CA`` (the throwaway CA that signed the stand-in's
  certificate) for clients that read certifi directly; ``SSL_CERT_FILE`` (httpx, httpx2, aiohttp via
  OpenSSL) and ``REQUESTS_CA_BUNDLE`` (requests) are set to the same file by the test.

Without ``MIGRATOR_E2E_HOSTS`` in the environment this module does nothing.
"""

from __future__ import annotations

import json
import os
import socket

_LOOPBACK = "127.0.0.1"


def _install(hosts: set[str], standin_port: int, ca_file: str | None) -> None:
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's signature
        name = host.decode("ascii") if isinstance(host, bytes) else host
        if name is not None:
            name = name.lower().rstrip(".")
        if name in hosts or name == "localhost":
            name = _LOOPBACK
        if name is None or name == _LOOPBACK:
            return real_getaddrinfo(_LOOPBACK if name else None, port, socket.AF_INET, type, proto, flags)
        raise socket.gaierror(socket.EAI_NONAME, f"{name}: not resolvable in the end-to-end network sandbox")

    def _route(sock: socket.socket, address):
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return address
        if address[0] != _LOOPBACK:
            raise ConnectionRefusedError(f"{address[0]}: only {_LOOPBACK} is reachable in the end-to-end "
                                         "network sandbox")
        return (_LOOPBACK, standin_port) if address[1] == 443 else address

    def connect(self, address):
        return real_connect(self, _route(self, address))

    def connect_ex(self, address):
        return real_connect_ex(self, _route(self, address))

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex

    if ca_file:
        try:
            import certifi
        except ImportError:
            return
        certifi.where = lambda: ca_file


_hosts = os.environ.get("MIGRATOR_E2E_HOSTS")
if _hosts:
    _install({h.lower() for h in json.loads(_hosts)}, int(os.environ["MIGRATOR_E2E_PORT"]),
             os.environ.get("MIGRATOR_E2E_CA"))
