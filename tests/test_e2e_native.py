"""End-to-end, at the network layer: programs run unedited against HTTPS stand-ins of the providers.

Seven programs written for the OpenAI v1 SDK (``tests/e2e/programs``: a help desk, an async digest,
a streaming console, a tool-calling agent, an FAQ search on embeddings, a batch job with its own
rate-limit retries and a poster studio that draws images) are migrated for every target and style
with the engine API, written to a temporary folder and run in a subprocess. Nothing in them is
edited after the migration: the subprocess gets ``tests/e2e/netsite`` on its PYTHONPATH, whose
``sitecustomize`` resolves the provider hosts (from the provider specs) to the target's stand-in on
127.0.0.1 and every other name to an error, and the stand-in presents a certificate for the real host
names from a throwaway CA the subprocess trusts (``tests/e2e/sandbox.py``). ``OPENAI_API_KEY`` in its
environment is a decoy that must never arrive.

Each program prints what it got (answers, token counts, ids, vectors' sizes, retry log, image URLs);
the test compares that with what the stand-in recorded and answered, and checks the requests: paths,
hosts, the provider key, models, parameters, and which SDK sent them (native style: the provider's
own SDK, except where native style keeps compat by design).

The hand-written native versions (``tests/e2e/programs/native/<target>/<program>``) show what a
correct native migration looks like and, with the same checks, prove the stand-ins and the
redirection with the providers' SDKs today.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e import traffic
from e2e.project import Migrated, migrate_files, read_tree, write_tree
from e2e.sandbox import ALL_HOSTS, OPENAI_DECOY_KEY, PROVIDERS, run_python, sandbox_env, start_standin
from e2e.standin import Recorded, StandIn
from e2e.tls import TlsFiles, make_certificates

from migrator.rules.base import Options

PROGRAMS_DIR = Path(__file__).parent / "e2e" / "programs"
PROGRAMS = ("helpdesk", "async_digest", "live_stream", "weather_agent", "faq_search", "resilient_jobs",
            "poster_studio", "newsroom")
# newsroom (the shapes native style had to learn: module-level client, clients passed in, base classes,
# handlers by meaning) has no hand-written native version: the migrated one is the test
TARGETS = ("qwen", "ernie", "glm")
STYLES = ("compat", "native")
NATIVE_SDK = {"qwen": "dashscope", "ernie": "qianfan", "glm": "zai"}
# where native style keeps the openai package by design (the provider's SDK has no equivalent)
KEEPS_COMPAT = {
    ("faq_search", "ernie"): "qianfan 0.4.12.3 has no V2 embeddings wrapper",
    ("async_digest", "glm"): "zai has no asyncio client",
    ("poster_studio", "ernie"): "qianfan 0.4.12.3 has no V2 images wrapper",
    ("resilient_jobs", "ernie"): "qianfan raises one RequestError for every HTTP status: the retry helper's "
                                 "RateLimitError handler would also retry a 400, so the project stays compat",
}
# not run: DashScope has no OpenAI-compatible image endpoint, compat style leaves the call on OpenAI
# (manual; test_e2e.py checks that it is reported and fails)
NOT_APPLICABLE = {("poster_studio", "qwen", "compat")}
# where native style moves some modules and keeps others compat by design: qianfan raises one RequestError
# for every HTTP status, so the fact-check worker's rate-limit handler would also catch the 400 it reports:
# that module's client stays on the openai SDK (OA160 says why), the headlines module goes native
MIXED = {("newsroom", "ernie"): {"qianfan", "openai"}}



@dataclass(frozen=True)
class Expect:
    chat_model: str  # gpt-4o-mini maps to
    big_model: str  # gpt-4o maps to
    embed_model: str  # text-embedding-3-small maps to
    embed_dim: int  # the size of its vectors after the migration
    thinking: dict | None  # what switches thinking off (GLM-4.5+), in the request
    image_model: str | None  # dall-e-3 maps to (None: any the stand-in serves, a wan model)


EXPECT = {
    "qwen": Expect("qwen-flash", "qwen-plus", "text-embedding-v4", 1536, None, None),
    "ernie": Expect("ernie-4.5-turbo-32k", "ernie-4.5-turbo-128k", "bge-large-zh", 1024, None, "irag-1.0"),
    "glm": Expect("glm-4.5-air", "glm-4.6", "embedding-3", 1024, {"type": "disabled"}, "cogview-4-250304"),
}


def native_applies(program: str, target: str, style: str) -> bool:
    return style == "native" and (program, target) not in KEEPS_COMPAT


def _case(program: str, target: str, style: str) -> Any:
    return pytest.param(program, target, style, id=f"{program}-{target}-{style}")


CASES = [_case(p, t, s) for p in PROGRAMS for t in TARGETS for s in STYLES if (p, t, s) not in NOT_APPLICABLE]
# the hand-written native versions (tests/e2e/programs/native/<target>/<program>)
HANDWRITTEN = [pytest.param(p, t, "handwritten", id=f"{p}-{t}") for p in PROGRAMS for t in TARGETS
               if (PROGRAMS_DIR / "native" / t / p).is_dir()]


# ---------------------------------------------------------------------------------------------
# Running the programs (in parallel threads: each case is a subprocess and its own stand-in)


@dataclass
class Run:
    program: str
    target: str
    style: str
    migrated: Migrated | None = None
    proc: subprocess.CompletedProcess | None = None
    requests: list[Recorded] = field(default_factory=list)
    failure: str | None = None  # an exception while migrating or running

    @property
    def lines(self) -> list[str]:
        return self.proc.stdout.splitlines() if self.proc else []

    def explain(self) -> str:
        err = self.proc.stderr[-4000:] if self.proc else ""
        return f"{self.failure or ''}\nstdout:\n{self.proc.stdout if self.proc else ''}\nstderr:\n{err}"


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_certificates(tmp_path_factory.mktemp("tls"), ALL_HOSTS)


def run_program(root: Path, package: str, target: str, tls: TlsFiles) -> tuple[subprocess.CompletedProcess,
                                                                                 list[Recorded]]:
    """``python -m package`` in ``root`` with the target's hosts redirected to a fresh stand-in."""
    p = PROVIDERS[target]
    server = start_standin(target, tls)
    try:
        home = root / ".home"
        home.mkdir(exist_ok=True)
        env = sandbox_env(p.hosts, server.port, tls, home, **{p.key_env: p.key})
        proc = run_python(root, ["-m", package], env)
        return proc, server.requests
    finally:
        server.stop()


def _execute(run: Run, tls: TlsFiles, workdir: Path) -> None:
    try:
        write_tree(workdir, run.migrated.files)
        run.proc, run.requests = run_program(workdir, run.program, run.target, tls)
    except Exception as exc:  # reported by the test of this case, not by the fixture
        run.failure = f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tls: TlsFiles,
         tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Run]:
    """Migrates every selected case of test_migrated_program (for test_handwritten_native_program:
    reads the hand-written version), then runs the programs at once, in threads. A native migration
    that is byte for byte the compat one (today: all of them) is run once for both."""
    wanted: dict[tuple[str, str, str], Run] = {}
    for item in request.session.items:
        params = getattr(item, "callspec", None) and item.callspec.params
        if item.module is request.module and params and {"program", "target", "style"} <= params.keys():
            case = (params["program"], params["target"], params["style"])
            wanted.setdefault(case, Run(*case))
    distinct: dict[tuple, Run] = {}
    for run in wanted.values():
        try:
            if run.style == "handwritten":
                run.migrated = Migrated(read_tree(PROGRAMS_DIR / "native" / run.target, run.program))
            else:
                run.migrated = migrate_files(read_tree(PROGRAMS_DIR, run.program),
                                             Options(target=run.target, style=run.style))
        except Exception as exc:
            run.failure = f"{type(exc).__name__} while migrating: {exc}"
            continue
        distinct.setdefault((run.program, run.target, tuple(sorted(run.migrated.files.items()))), run)
    workers = max(2, min(8, 2 * (os.cpu_count() or 1)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(_execute, run, tls, tmp_path_factory.mktemp(f"{run.program}-{run.target}"))
                       for run in distinct.values()]:
            future.result()
    for run in wanted.values():
        if run.migrated is not None and run.proc is None and run.failure is None:
            twin = distinct[(run.program, run.target, tuple(sorted(run.migrated.files.items())))]
            run.proc, run.requests, run.failure = twin.proc, twin.requests, twin.failure
    return wanted


# ---------------------------------------------------------------------------------------------
# Checks shared by every program


def imported_packages(files: dict[str, str]) -> set[str]:
    """Top-level packages the program imports."""
    found: set[str] = set()
    for text in files.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def assert_clean_traffic(requests: list[Recorded], target: str) -> None:
    """Every request reached one of the provider's hosts with the provider key; the decoy OpenAI key
    never arrived."""
    p = PROVIDERS[target]
    assert requests, "the program made no request"
    for rec in requests:
        assert rec.host in p.hosts, f"request for {rec.host!r}"
        assert rec.headers.get("authorization") == f"Bearer {p.key}", rec.path
        assert OPENAI_DECOY_KEY not in json.dumps([rec.path, rec.headers, rec.body], ensure_ascii=False)


def chats(run: Run) -> list[traffic.Chat]:
    return [traffic.chat(r) for r in run.requests if r.path.endswith(("/chat/completions", "/generation"))]


def check_chat_request(c: traffic.Chat, run: Run, model: str) -> None:
    e = EXPECT[run.target]
    assert c.model == model
    assert "max_completion_tokens" not in c.params
    if run.target == "glm":
        assert c.params.get("thinking") == e.thinking
    else:
        assert "thinking" not in c.params and "enable_thinking" not in c.params


# ---------------------------------------------------------------------------------------------
# What each program must print and send


def check_helpdesk(run: Run) -> None:
    e = EXPECT[run.target]
    sent = chats(run)
    assert [c.rec.status for c in sent] == [200, 200]
    printed = []
    for c in sent:
        check_chat_request(c, run, e.chat_model)
        assert c.params.get("max_tokens") == 200 and c.params.get("temperature") == 0.2
        assert [m["role"] for m in c.messages] == ["system", "user"]
        assert c.text == f"Hello from {e.chat_model}" and c.finish_reason == "stop"
        printed.append(f"{c.text} | finish={c.finish_reason} | tokens={c.prompt_tokens}+{c.completion_tokens} "
                       f"| id={c.response_id}")
    tickets = [m["content"] for c in sent for m in c.messages if m["role"] == "user"]
    assert tickets[0].startswith("My invoice") and tickets[1].startswith("The mobile app")
    assert run.lines == [f"T-1001: {printed[0]}", f"T-1002: {printed[1]}"]


def check_async_digest(run: Run) -> None:
    e = EXPECT[run.target]
    sent = chats(run)
    assert sorted(c.rec.status for c in sent) == [200] * 3
    tokens = {}
    for c in sent:
        check_chat_request(c, run, e.big_model)
        assert c.params.get("max_tokens") == 120
        title = c.messages[-1]["content"].split("\n", 1)[0]
        tokens[title] = c.total_tokens
        assert c.text == f"Hello from {e.big_model}"
    assert run.lines == [f"{title}: Hello from {e.big_model} [{tokens[title]} tokens]"
                         for title in ("Rates", "Rail", "Chips")]


def check_live_stream(run: Run) -> None:
    e = EXPECT[run.target]
    [c] = chats(run)
    assert c.rec.status == 200 and c.stream
    check_chat_request(c, run, e.chat_model)
    if not c.native and run.target != "glm":
        assert c.params.get("stream_options") == {"include_usage": True}
    assert c.text == f"Hello from {e.chat_model}" and c.chunks == 3
    assert run.lines == [f"pieces: {c.chunks}", f"answer: {c.text}",
                         f"usage: completion={c.completion_tokens} total={c.total_tokens}"]


def check_weather_agent(run: Run) -> None:
    e = EXPECT[run.target]
    first, second = chats(run)
    assert (first.rec.status, second.rec.status) == (200, 200)
    for c in (first, second):
        check_chat_request(c, run, e.big_model)
        assert [t["function"]["name"] for t in c.params["tools"]] == ["get_weather"]
    [call] = first.tool_calls
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
    # the assistant turn with the tool call went back, then the tool's answer to that call
    assistant, tool = second.messages[-2:]
    assert assistant["role"] == "assistant" and [tc["id"] for tc in assistant["tool_calls"]] == [call["id"]]
    assert (tool["role"], tool["tool_call_id"], tool["content"]) == ("tool", call["id"], "Paris 18C, light rain")
    assert second.text == f"Hello from {e.big_model}: Paris 18C, light rain"
    assert run.lines == [f"tool: get_weather({call['function']['arguments']})", f"answer: {second.text}"]


def check_faq_search(run: Run) -> None:
    e = EXPECT[run.target]
    sent = [traffic.embeddings(r) for r in run.requests if "embedding" in r.path]
    assert [v.rec.status for v in sent] == [200, 200] and len(sent) == len(run.requests)
    docs, query = sent
    assert len(docs.texts) == 4 and query.texts == ["Where can I download my invoices?"]
    for v in sent:
        assert v.model == e.embed_model
        if v.native:
            assert v.params.get("dimension") == e.embed_dim
        else:
            # the openai SDK asks for base64 unless told otherwise; the providers answer floats only
            default = None if traffic.sent_by(v.rec) == "openai" else "float"
            assert v.params.get("encoding_format", default) == "float"
            assert v.params.get("dimensions") == (None if run.target == "ernie" else e.embed_dim)
        assert {len(vec) for vec in v.vectors} == {e.embed_dim}
    best = docs.texts[docs.vectors.index(query.vectors[0])]
    assert run.lines == [f"indexed: 4 x {e.embed_dim}", f"best: {best} (1.000)",
                         f"tokens: {docs.total_tokens + query.total_tokens}"]


def check_resilient_jobs(run: Run) -> None:
    e = EXPECT[run.target]
    sent = chats(run)
    assert [c.rec.status for c in sent] == [200, 429, 200]
    for c in sent:
        check_chat_request(c, run, e.chat_model)
    assert sent[1].messages == sent[2].messages  # the same request, retried by the program
    assert run.lines == [
        f"{sent[0].messages[-1]['content'][:24]!r}: {sent[0].text} after 1 attempt(s)",
        f"  rate limited (HTTP {sent[1].rec.status}), retry in 0.05s",  # the program's own backoff
        f"{sent[2].messages[-1]['content'][:24]!r}: {sent[2].text} after 2 attempt(s)",
    ]
    assert sent[2].text == f"Hello from {e.chat_model}"


def check_poster_studio(run: Run) -> None:
    """One image per brief; DashScope natively: a task submitted and polled (or one wan2.6 call)."""
    e = EXPECT[run.target]
    assert all(r.status == 200 for r in run.requests)
    rendered = []  # (model, prompt, size, urls) per image request
    tasks = {}
    for rec in run.requests:
        if rec.method == "GET":  # a DashScope task poll
            output = rec.response["output"]
            if output["task_status"] == "SUCCEEDED":
                tasks[output["task_id"]] = [r["url"] for r in output["results"]]
        elif rec.path.startswith("/api/v1/"):
            body, output = rec.body, rec.response["output"]
            if "messages" in body["input"]:  # wan2.6: one call
                prompt = body["input"]["messages"][0]["content"][0]["text"]
                urls = [part["image"] for part in output["choices"][0]["message"]["content"]]
            else:
                prompt, urls = body["input"]["prompt"], output["task_id"]
            rendered.append((body["model"], prompt, body["parameters"].get("size"), urls))
        else:
            urls = [item["url"] for item in rec.response["data"]]
            rendered.append((rec.body["model"], rec.body["prompt"], rec.body.get("size"), urls))
    rendered = [(m, p, size, tasks[u] if isinstance(u, str) else u) for m, p, size, u in rendered]
    assert [p for _, p, _, _ in rendered] == ["A red panda reading a book under a lamp, warm watercolor",
                                              "A lighthouse on a cliff at dawn, flat vector poster"]
    for model, _, size, _ in rendered:
        assert model == e.image_model if e.image_model else model.startswith("wan")
        assert size in ("1024x1024", "1024*1024")
    assert run.lines == [f"{p[:24]!r}: {len(urls)} image(s) {urls[0]}" for _, p, _, urls in rendered]


def check_newsroom(run: Run) -> None:
    """The module-level client's call; a client passed in or built by default, held by a base class and
    used by its subclass; a client built by a base class and used by a subclass in another module; a 429
    retried by the program, a 400 reported once (not retried as a connection
    error: the native handlers still catch by meaning)."""
    e = EXPECT[run.target]
    sent = chats(run)
    assert [c.rec.status for c in sent] == [200, 200, 200, 429, 200, 400]
    for c in sent:
        check_chat_request(c, run, e.chat_model)
    headline, tightened, slug, limited, claim, _ = sent
    assert headline.params.get("max_tokens") == 40 and tightened.params.get("temperature") == 0.3
    assert slug.params.get("max_tokens") == 12  # the subclass in another module, on the base's client
    assert limited.messages == claim.messages
    assert run.lines == [f"headline: {headline.text}", f"tightened: {tightened.text} [{tightened.total_tokens} tokens]",
                         f"slug: {slug.text}", f"claim: {claim.text}", "broken: None",
                         "  rate limited (HTTP 429), retry 1", "  rejected (HTTP 400)"]


CHECKS: dict[str, Callable[[Run], None]] = {
    "newsroom": check_newsroom,
    "helpdesk": check_helpdesk,
    "async_digest": check_async_digest,
    "live_stream": check_live_stream,
    "weather_agent": check_weather_agent,
    "faq_search": check_faq_search,
    "resilient_jobs": check_resilient_jobs,
    "poster_studio": check_poster_studio,
}


def verify(run: Run, sdk: str, senders: set[str] | None = None) -> None:
    """The program imports ``sdk``, ran, printed what the stand-in answered, and every request was
    sent by ``sdk`` (or ``senders``) to the provider with the provider key."""
    assert run.failure is None and run.migrated is not None, run.explain()
    assert not run.migrated.errors, run.migrated.errors
    imported = imported_packages(run.migrated.files)
    assert sdk in imported, f"the migrated program does not import {sdk}: {sorted(imported)}"
    assert run.proc.returncode == 0, run.explain()
    assert_clean_traffic(run.requests, run.target)
    assert {traffic.sent_by(r) for r in run.requests} == (senders or {sdk})
    CHECKS[run.program](run)


@pytest.mark.parametrize(("program", "target", "style"), CASES)
def test_migrated_program(program: str, target: str, style: str, runs: dict) -> None:
    native = native_applies(program, target, style)
    verify(runs[(program, target, style)], NATIVE_SDK[target] if native else "openai",
           MIXED.get((program, target)) if native else None)


@pytest.mark.parametrize(("program", "target", "style"), HANDWRITTEN)
def test_handwritten_native_program(program: str, target: str, style: str, runs: dict) -> None:
    """What the native migration of the program should look like works against the stand-in today,
    with the same checks as the migrated programs."""
    run = runs[(program, target, style)]
    verify(run, NATIVE_SDK[target])
    assert "openai" not in imported_packages(run.migrated.files)


INTL_HOSTS = {"qwen": "dashscope-intl.aliyuncs.com", "glm": "api.z.ai"}


@pytest.mark.parametrize("style", ["compat", "native"])
@pytest.mark.parametrize("target", INTL_HOSTS)
def test_intl_region_reaches_intl_host(target: str, style: str, tls: TlsFiles, tmp_path: Path) -> None:
    """--region intl: the same program reaches the international host (Singapore, Z.ai)."""
    run = Run("helpdesk", target, style)
    run.migrated = migrate_files(read_tree(PROGRAMS_DIR, "helpdesk"), Options(target=target, style=style,
                                                                              region="intl"))
    write_tree(tmp_path, run.migrated.files)
    run.proc, run.requests = run_program(tmp_path, "helpdesk", target, tls)
    verify(run, NATIVE_SDK[target] if style == "native" else "openai")
    assert {r.host for r in run.requests} == {INTL_HOSTS[target]}


# ---------------------------------------------------------------------------------------------
# The sandbox itself


SANDBOX_PROBE = '''\
import socket, sys
import certifi
results = []
for host in sys.argv[1:]:
    try:
        results.append(f"{host} -> {socket.getaddrinfo(host, 443)[0][4]}")
    except OSError as exc:
        results.append(f"{host} -> {type(exc).__name__}")
def bare_connect():
    sock = socket.socket()
    sock.settimeout(2)
    sock.connect(("192.0.2.1", 443))  # TEST-NET-1: documentation only, never routed

for connect in (lambda: socket.create_connection(("192.0.2.1", 443), timeout=2), bare_connect):
    try:
        connect()
        results.append("ip literal -> connected")
    except OSError as exc:
        results.append(f"ip literal -> {type(exc).__name__}")
results.append(f"certifi -> {certifi.where()}")
print("\\n".join(results))
'''


def test_sandbox_redirects_provider_hosts_only(tls: TlsFiles, tmp_path: Path) -> None:
    """Provider hosts resolve to the stand-in, everything else fails before leaving the machine."""
    (tmp_path / "probe.py").write_text(SANDBOX_PROBE)
    env = sandbox_env(["open.bigmodel.cn"], 4321, tls, tmp_path)
    proc = run_python(tmp_path, ["probe.py", "open.bigmodel.cn", "api.openai.com", "example.com", "localhost"], env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "open.bigmodel.cn -> ('127.0.0.1', 443)",
        "api.openai.com -> gaierror",
        "example.com -> gaierror",
        "localhost -> ('127.0.0.1', 443)",
        "ip literal -> gaierror",  # create_connection looks the address up first
        "ip literal -> ConnectionRefusedError",  # a bare connect
        f"certifi -> {tls.ca}",
    ]


def test_programs_do_not_run_outside_the_sandbox(tls: TlsFiles, tmp_path: Path) -> None:
    """Without the redirection in place (here: no hosts given) the program is not started at all."""
    (tmp_path / "probe.py").write_text("print('ran')\n")
    env = sandbox_env([], 4321, tls, tmp_path)
    del env["MIGRATOR_E2E_HOSTS"]
    proc = run_python(tmp_path, ["probe.py"], env)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "network sandbox is not installed" in proc.stderr


def test_unmigrated_program_cannot_reach_openai(tls: TlsFiles, tmp_path: Path) -> None:
    """The original program, run in the sandbox, fails locally: api.openai.com does not resolve and
    nothing (the decoy key least of all) reaches the stand-in."""
    write_tree(tmp_path, read_tree(PROGRAMS_DIR, "helpdesk"))
    proc, requests = run_program(tmp_path, "helpdesk", "glm", tls)
    assert proc.returncode != 0 and "APIConnectionError" in proc.stderr
    assert requests == []


# ---------------------------------------------------------------------------------------------
# The stand-ins refuse what the providers refuse, also through the providers' own SDKs


def _dashscope(server: StandIn, key: str | None = None) -> Any:
    import dashscope

    return dashscope.Client(api_key=key or PROVIDERS["qwen"].key, base_url=server.origin + "/api/v1", max_retries=0,
                            timeout=5)


def _qianfan(server: StandIn, key: str | None = None) -> Any:
    import qianfan

    return qianfan.Qianfan(api_key=key or PROVIDERS["ernie"].key, console_api_base_url=server.origin, retry_count=1)


def _zai(server: StandIn, key: str | None = None) -> Any:
    from zai import ZhipuAiClient

    return ZhipuAiClient(api_key=key or PROVIDERS["glm"].key, base_url=server.origin + "/api/paas/v4", max_retries=0,
                         timeout=5)


CLIENTS = {"qwen": _dashscope, "ernie": _qianfan, "glm": _zai}
HELLO = [{"role": "user", "content": "hi"}]
ORPHAN_TOOL_ANSWER = [{"role": "user", "content": "weather in Paris"},
                      {"role": "tool", "tool_call_id": "call_never_made", "content": "18C"}]


def _chat(model: str, messages: list[dict] = HELLO, **kw: Any) -> Callable[[Any], Any]:
    return lambda client: client.chat.completions.create(model=model, messages=messages, **kw)


NATIVE_REJECTIONS = {
    "qwen": {
        "wrong key": (401, lambda server: _chat("qwen-plus")(_dashscope(server, "sk-wrongwrongwrong0000"))),
        "openai model": (400, _chat("gpt-4o")),
        "temperature 2": (400, _chat("qwen-plus", temperature=2.0)),
        "max_completion_tokens": (400, _chat("qwen-plus", parameters={"max_completion_tokens": 10})),
        "tool answer without a call": (400, _chat("qwen-plus", ORPHAN_TOOL_ANSWER)),
        "rate limit": (429, _chat("qwen-plus", [{"role": "user", "content": "[429] hi"}])),
        "11 texts": (400, lambda c: c.embeddings.create(model="text-embedding-v4", input=[f"t{i}" for i in range(11)])),
        "dimensions (plural)": (400, lambda c: c.embeddings.create(model="text-embedding-v4", input="t",
                                                                     parameters={"dimensions": 1024})),
        "dimension 3072": (400, lambda c: c.embeddings.create(model="text-embedding-v4", input="t", dimension=3072)),
        "openai image model": (400, lambda c: c.images.generate(model="dall-e-3", prompt="a cat")),
    },
    "ernie": {
        "wrong key": (401, lambda server: _chat("ernie-4.5-turbo-32k")(_qianfan(server, "bce-v3/ALTAK-wrong/0000"))),
        "openai model": (400, _chat("gpt-4o")),
        "temperature 0": (400, _chat("ernie-4.5-turbo-32k", temperature=0)),
        "tool answer without a call": (400, _chat("ernie-4.5-turbo-32k", ORPHAN_TOOL_ANSWER)),
        "rate limit": (429, _chat("ernie-4.5-turbo-32k", [{"role": "user", "content": "[429] hi"}])),
    },
    "glm": {
        "wrong key": (401, lambda server: _chat("glm-4.6")(_zai(server, "0" * 32 + ".wrongwrongwrong0"))),
        "openai model": (400, _chat("gpt-4o")),
        "tool answer without a call": (400, _chat("glm-4.6", ORPHAN_TOOL_ANSWER)),
        "rate limit": (429, _chat("glm-4.6", [{"role": "user", "content": "[429] hi"}])),
        "embedding-3 1536 dims": (400, lambda c: c.embeddings.create(model="embedding-3", input="t", dimensions=1536)),
        "openai image model": (400, lambda c: c.images.generations(model="dall-e-3", prompt="a cat")),
    },
}
# the exception each SDK raises for an HTTP error status (qianfan: for any status; on the sync path
# its status_code is set, on the async path it is None)
SDK_ERRORS = {"qwen": ("dashscope.v2.errors", "APIStatusError"), "ernie": ("qianfan.errors", "RequestError"),
              "glm": ("zai.core", "APIStatusError")}


@pytest.mark.parametrize(("target", "case"), [(t, c) for t, cases in NATIVE_REJECTIONS.items() for c in cases])
def test_standin_rejects_native_sdk_requests(target: str, case: str) -> None:
    """A request the provider refuses is refused, and the provider's SDK raises its HTTP error."""
    import importlib

    status, call = NATIVE_REJECTIONS[target][case]
    module, name = SDK_ERRORS[target]
    error = getattr(importlib.import_module(module), name)
    with StandIn(target, PROVIDERS[target].key) as server:
        with pytest.raises(error) as info:
            call(server) if case == "wrong key" else call(CLIENTS[target](server))
        assert [r.status for r in server.requests] == [status]
    assert info.value.status_code == status
