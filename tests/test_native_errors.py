"""Native style's exception classes: the SDK error data against the installed SDKs, and handlers that
still catch what they caught (rules/features/native/errors.py)."""

from __future__ import annotations

import asyncio
import importlib
import socket
import threading
from typing import Any

import httpx
import pytest

from migrator.engine import migrate_source
from migrator.rules import providers
from migrator.rules.base import Options
from migrator.rules.features.native import errors as ne

TARGETS = ("qwen", "ernie", "glm")


def _native(target: str) -> Any:
    native = next(s for s in providers.all_specs() if s.name == target).native
    assert native is not None
    return native


def _class(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module or "builtins"), name)


@pytest.mark.parametrize("target", TARGETS)
def test_error_classes_are_the_sdks_hierarchy(target: str) -> None:
    """Every class the rewrite names exists in the installed SDK, below the class the data says."""
    native = _native(target)
    for cls, parent in native.error_classes.items():
        found = _class(cls)
        assert issubclass(found, BaseException), cls
        if parent:
            assert issubclass(found, _class(parent)), (cls, parent)
    for event, raised in native.error_raised.items():
        assert event in ne.EVENTS and raised, event
        assert all(c in native.error_classes for c in raised), (event, raised)


STATUSES = {"400": 400, "401": 401, "403": 403, "404": 404, "409": 409, "422": 422, "429": 429, "500": 500,
            "502": 502, "503": 503, "504": 504, "other status": 418}


def _raised_for_status(target: str, status: int) -> BaseException:
    """The exception the installed SDK raises for an HTTP error answer."""
    if target == "qwen":
        from dashscope.v2 import errors

        return errors.error_from_status(status, message="x", body={}, headers={})
    if target == "glm":
        from zai import ZhipuAiClient

        client = ZhipuAiClient(api_key="0" * 32 + ".abcdefghijklmnop", base_url="http://127.0.0.1:9/api/paas/v4")
        request = httpx.Request("POST", "http://127.0.0.1:9/api/paas/v4/chat/completions")
        return client._make_status_error(httpx.Response(status, request=request, text="{}"))
    import qianfan.errors

    return qianfan.errors.RequestError("x", status_code=status)  # every non-200 answer (requestor/base.py)


@pytest.mark.parametrize("target", TARGETS)
def test_status_errors_are_raised_as_the_data_says(target: str) -> None:
    native = _native(target)
    for event, status in STATUSES.items():
        error = _raised_for_status(target, status)
        [cls] = native.error_raised[event]
        assert type(error) is _class(cls), (event, type(error))


def test_qianfan_raises_requests_and_aiohttp_errors_for_connections_and_timeouts() -> None:
    """qianfan 0.4.12.3 does not wrap transport errors: a closed port and a server that never answers."""
    import qianfan

    native = _native("ernie")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list = []

    def hold() -> None:  # accept and never answer, until the listener closes
        try:
            while True:
                held.append(listener.accept())
        except OSError:
            return

    threading.Thread(target=hold, daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()

    def client(port: int) -> Any:
        return qianfan.Qianfan(api_key="bce-v3/ALTAK-x/y", console_api_base_url=f"http://127.0.0.1:{port}",
                               retry_count=1, request_timeout=1)

    def sync_error(port: int) -> BaseException:
        with pytest.raises(Exception) as info:
            client(port).chat.completions.create(model="ernie-4.5-turbo-32k", messages=[{"role": "user",
                                                                                         "content": "hi"}])
        return info.value

    def async_error(port: int) -> BaseException:
        async def call() -> None:
            await client(port).chat.completions.acreate(model="ernie-4.5-turbo-32k",
                                                        messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(Exception) as info:
            asyncio.run(call())
        return info.value

    try:
        for event, port in (("connection", closed_port), ("timeout", listener.getsockname()[1])):
            classes = tuple(_class(c) for c in native.error_raised[event])
            for error in (sync_error(port), async_error(port)):
                assert isinstance(error, classes), (event, type(error).__mro__)
                assert not isinstance(error, qianfan.errors.QianfanError)
    finally:
        listener.close()
        for conn, _ in held:
            conn.close()


RETRY = '''import time

import openai
from openai import OpenAI

client = OpenAI()


def ask(prompt):
    for attempt in range(3):
        try:
            r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            return r.choices[0].message.content
        except openai.APIConnectionError:
            time.sleep(2 ** attempt)
        except openai.RateLimitError:
            time.sleep(5)
        except openai.BadRequestError as e:
            print("rejected", e.status_code)
            return None
    return None
'''


def _handler_of(tree_src: str, error: BaseException) -> int | None:
    """The index of the first handler of the module's try that catches ``error`` (None: none)."""
    import ast

    tree = ast.parse(tree_src)
    [node] = [n for n in ast.walk(tree) if isinstance(n, ast.Try)]
    namespace: dict = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            exec(compile(ast.Module([stmt], []), "<migrated>", "exec"), namespace)
    for i, h in enumerate(node.handlers):
        classes = eval(compile(ast.Expression(h.type), "<migrated>", "eval"), namespace)  # noqa: S307
        if isinstance(error, classes):
            return i
    return None


@pytest.mark.parametrize("target", ("qwen", "glm"))
def test_retry_loop_handlers_catch_what_they_caught(target: str) -> None:
    """The issue's retry loop: a connection error is retried, a 400 is reported and not retried, a 429
    is retried, a 500 and a 404 leave the loop, as before."""
    out, findings = migrate_source(RETRY, settings=Options(target=target, style="native"))
    assert "openai" not in out
    native = _native(target)
    expected = {"connection": 0, "timeout": 0, "429": 1, "400": 2, "500": None, "404": None}
    got = {}
    for event in expected:
        if event in STATUSES:
            error = _raised_for_status(target, STATUSES[event])
        else:
            cls = _class(native.error_raised[event][0])
            error = cls.__new__(cls)
        got[event] = _handler_of(out, error)
    assert got == expected
    assert not [f.message for f in findings if f.code == "OA163" and f.severity.value != "auto"]


def test_retry_loop_stays_compat_where_a_handler_would_catch_more() -> None:
    """qianfan raises one RequestError for every status: the rate-limit handler would also catch the 400
    the next handler reports, so the module's client stays on the openai SDK, and says why."""
    out, findings = migrate_source(RETRY, settings=Options(target="ernie", style="native"))
    assert "import qianfan" not in out and "except openai.RateLimitError:" in out
    assert 'base_url="https://qianfan.baidubce.com/v2"' in out
    [why] = [f.message for f in findings if f.code == "OA160"]
    assert "`except openai.RateLimitError` would also catch every HTTP status but 429" in why


def test_a_broader_class_is_kept_only_where_an_earlier_handler_takes_the_rest() -> None:
    native = _native("glm")
    m = ne.mapping(native, "NotFoundError")
    assert m is not None and m.classes == ("zai.core.APIStatusError",) and "400" in m.extra
    taken = [ne.Handler(ne.OPENAI_EVENTS["BadRequestError"] | ne.OPENAI_EVENTS["RateLimitError"],
                        ne.catches(native, "zai.core.APIRequestFailedError", "zai.core.APIReachLimitError")),
             ne.Handler(m.events, m.caught)]
    assert not ne.keeps_dispatch(taken)  # 401, 500 ... now end in the 404 handler
    everything = [ne.Handler(ne.ALL - {"404"}, ne.ALL - {"404"}), ne.Handler(m.events, m.caught)]
    assert ne.keeps_dispatch(everything)


def test_narrow_classes_say_what_they_no_longer_catch() -> None:
    out, findings = migrate_source(RETRY.replace("RateLimitError", "InternalServerError"),
                                   settings=Options(target="qwen", style="native"))
    assert "except (dashscope.v2.errors.InternalServerError, dashscope.v2.errors.ServiceUnavailableError, " \
           "dashscope.v2.errors.GatewayTimeoutError):" in out
    [review] = [f for f in findings if f.code == "OA163" and f.severity.value == "review"]
    assert "HTTP 502 no longer caught here" in review.message
