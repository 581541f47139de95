"""Native style on single modules: what stays compat says why, in the words of the code it sees."""

from __future__ import annotations

from pathlib import Path

from migrator.engine import migrate_source
from migrator.rules.base import Options


def native(src: str, target: str = "qwen") -> tuple[str, list]:
    return migrate_source(src, settings=Options(target=target, style="native"))


def test_with_statement_client_says_why_it_stays_compat() -> None:
    src = '''from openai import OpenAI


def main():
    with OpenAI() as client:
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        print(r.choices[0].message.content)
'''
    out, findings = native(src)
    assert "base_url=" in out and "dashscope.Client" not in out  # stays on the openai SDK, pointed at DashScope
    why = [f.message for f in findings if f.code == "OA160"]
    assert len(why) == 1 and "``" not in why[0]
    assert "`with OpenAI(" in why[0] and "context manager" in why[0]


LOGGED = '''from openai import OpenAI

client = OpenAI()


def ask(q):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
    message = resp.choices[0].message
    if message.refusal:
        return None
    print({"id": resp.id, "created": resp.created, "fp": resp.system_fingerprint})
    return message.content
'''


def test_response_fields_the_sdk_lacks_are_reported() -> None:
    out, findings = native(LOGGED)
    assert "dashscope.Client(" in out and "resp.request_id" in out
    manual = {f.message.split(" ")[0] for f in findings if f.code == "OA162" and f.severity.value == "manual"}
    assert manual == {".created", ".system_fingerprint", ".choices.message.refusal"}
    # zai's responses keep OpenAI's fields: nothing to report there
    out, findings = native(LOGGED, target="glm")
    assert "zai.ZhipuAiClient(" in out
    assert not [f for f in findings if f.code == "OA162" and f.severity.value == "manual"]


def test_base_url_chosen_at_run_time_keeps_the_client_compat() -> None:
    """Code already on the compatible endpoint, with an override for a proxy: the SDK client would
    silently drop the override."""
    src = '''import os

from openai import OpenAI

BASE_URL = os.environ.get("LLM_PROXY_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1")
client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url=BASE_URL)


def ask(q):
    return client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": q}])
'''
    out, findings = native(src)
    assert "dashscope.Client" not in out and "base_url=BASE_URL" in out
    why = [f.message for f in findings if f.code == "OA160"]
    assert len(why) == 1 and "base_url= is chosen at run time (`BASE_URL`)" in why[0]
    # a literal base URL is the provider's: the SDK client knows its own host
    out, _ = native(src.replace('os.environ.get("LLM_PROXY_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1")',
                                '"https://dashscope.aliyuncs.com/compatible-mode/v1"'))
    assert "client = dashscope.Client(api_key=os.environ[\"DASHSCOPE_API_KEY\"])" in out


def test_image_fields_a_dashscope_job_lacks_are_reported() -> None:
    src = '''import base64

from openai import OpenAI

client = OpenAI()


def draw(prompt):
    img = client.images.generate(model="dall-e-3", prompt=prompt, response_format="b64_json")
    return base64.b64decode(img.data[0].b64_json)
'''
    out, findings = native(src)
    assert "img.results[0].b64_json" in out
    manual = [f.message for f in findings if f.code == "OA162" and f.severity.value == "manual"]
    assert len(manual) == 1 and manual[0].startswith(".data.b64_json raises AttributeError")


RETRY = '''import time

import openai
from openai import OpenAI

client = OpenAI()


def ask(q):
    for _ in range(5):
        try:
            return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
        except openai.RateLimitError as e:
            time.sleep(float(e.response.headers.get("retry-after", 1)))
        except openai.APIStatusError as err:
            print(err.status_code, err.message)
            raise
'''


def test_attributes_read_on_a_caught_exception_follow_the_sdk() -> None:
    out, findings = native(RETRY)  # dashscope errors carry headers, no HTTP response
    assert "except dashscope.v2.errors.RateLimitError as e:" in out
    assert 'time.sleep(float(e.headers.get("retry-after", 1)))' in out
    assert not [f for f in findings if f.code == "OA163" and f.severity.value == "manual"]
    out, findings = native(RETRY, target="glm")  # zai's exceptions are bare: no message attribute
    assert 'e.response.headers.get("retry-after", 1)' in out
    manual = [f.message for f in findings if f.code == "OA163" and f.severity.value == "manual"]
    assert manual == ["err.message raises AttributeError on the zai exception: zai errors have no message attribute: "
                      "use str(e)"]


def test_pydantic_v2_dump_arguments_are_dropped_for_qianfan() -> None:
    src = '''import json

from openai import OpenAI

client = OpenAI()


def save(q):
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
    return json.dumps(r.model_dump(mode="json", exclude_none=True))
'''
    out, _ = native(src, target="ernie")
    assert "json.dumps(r.dict(exclude_none=True))" in out  # pydantic v1: dict(mode=...) raises TypeError


def test_embedding_response_model_is_reported_on_dashscope() -> None:
    src = '''from openai import OpenAI

client = OpenAI()


def embed(texts):
    resp = client.embeddings.create(model="text-embedding-3-small", input=texts)
    print(resp.model, resp.usage.total_tokens)
    return [d.embedding for d in resp.data]
'''
    out, findings = native(src)
    assert "for d in resp.embeddings]" in out
    manual = [f.message for f in findings if f.code == "OA162" and f.severity.value == "manual"]
    assert len(manual) == 1 and manual[0].startswith(".model raises AttributeError")


def test_extra_query_keeps_the_zai_client_compat() -> None:
    """zai methods take no query parameters: dropping them would change the request."""
    src = '''from openai import OpenAI

client = OpenAI()


def ask(q):
    return client.chat.completions.create(model="glm-4.6", messages=[{"role": "user", "content": q}],
                                          extra_query={"trace": "1"}, logit_bias={"1": 2})
'''
    out, findings = native(src, target="glm")
    assert 'extra_query={"trace": "1"}' in out and "zai.ZhipuAiClient" not in out
    assert any(f.code == "OA160" and "sends extra_query= (zai methods take no query parameters)" in f.message
               for f in findings)


def test_async_with_client_says_async_with() -> None:
    src = '''from openai import AsyncOpenAI


async def main(q):
    async with AsyncOpenAI() as client:
        r = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
        return r.choices[0].message.content
'''
    _, findings = native(src)
    why = [f.message for f in findings if f.code == "OA160"]
    assert len(why) == 1 and "`async with AsyncOpenAI(" in why[0]


def test_http_client_goes_to_the_sdks_that_take_one() -> None:
    src = '''import httpx
from openai import OpenAI

client = OpenAI(http_client=httpx.Client(proxy="http://proxy.internal:3128"))


def ask(q):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
'''
    out, _ = native(src)  # dashscope.Client(http_client=httpx.Client)
    assert 'dashscope.Client(http_client=httpx.Client(proxy="http://proxy.internal:3128"), api_key=' in out
    out, _ = native(src, target="glm")  # zai.ZhipuAiClient(http_client=httpx.Client)
    assert 'zai.ZhipuAiClient(http_client=httpx.Client(proxy="http://proxy.internal:3128"), api_key=' in out
    out, findings = native(src, target="ernie")  # qianfan.Qianfan has no such argument
    assert "qianfan.Qianfan" not in out
    assert any(f.code == "OA160" and "http_client= has no qianfan client equivalent" in f.message for f in findings)


def test_a_none_or_truth_check_does_not_keep_the_client_compat() -> None:
    src = '''from openai import OpenAI


class Bot:
    def __init__(self):
        self.client = OpenAI()

    def ask(self, q):
        if self.client is None or not self.client:
            raise RuntimeError("no client")
        r = self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
        return r.choices[0].message.content
'''
    out, findings = native(src)
    assert "self.client = dashscope.Client(" in out
    assert not [f for f in findings if f.code == "OA160" and f.severity.value != "auto"]


def test_a_client_built_into_a_parameter_stays_compat() -> None:
    """swarm: ``def __init__(self, client=None): if not client: client = OpenAI()``; callers may pass theirs."""
    src = '''from openai import OpenAI


class Swarm:
    def __init__(self, client=None):
        if not client:
            client = OpenAI()
        self.client = client

    def run(self, messages):
        return self.client.chat.completions.create(model="gpt-4o", messages=messages)
'''
    out, findings = native(src)
    assert "dashscope.Client" not in out
    why = [f.message for f in findings if f.code == "OA160" and "stays on the openai SDK" in f.message]
    assert len(why) == 1 and "`client` is also a parameter of __init__(): its callers may pass another client" in why[0]


def test_a_response_value_assigned_back_into_its_own_name_terminates() -> None:
    """``output = output[0]`` after ``output = [... for call in response...]``: the value flows back into
    its own name with a longer path each time; the response flow stops instead of growing without end."""
    src = ('from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef pick(prompt, tools):\n'
           '    response = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", '
           '"content": prompt}], tools=tools)\n'
           '    output = [{c.function.name: c.function.arguments} for c in response.choices[0].message.tool_calls]\n'
           '    output = output[0]\n    output = output[0]\n    return list(output.keys())[0]\n')
    for target in ("qwen", "ernie", "glm"):
        new_text, findings = migrate_source(src, settings=Options(target=target, style="native"), path="pick.py")
        assert new_text != src and not any(f.code == "OA990" for f in findings)


INJECTED = '''from typing import Optional

from openai import OpenAI


class Summarizer:
    def __init__(self, client: Optional[OpenAI] = None, model: str = "gpt-4o-mini") -> None:
        self.client = client or OpenAI(timeout=30)
        self.model = model

    def summarize(self, text: str) -> str:
        resp = self.client.chat.completions.create(model=self.model, messages=[{"role": "user", "content": text}])
        return resp.choices[0].message.content


class Bullets(Summarizer):
    def bullets(self, text: str) -> str:
        return self.client.chat.completions.create(model=self.model, messages=[]).choices[0].message.content


def main() -> None:
    print(Bullets().bullets("x"), Summarizer(model="gpt-4o").summarize("y"))
'''


def test_a_client_passed_in_or_built_by_default_goes_native_with_its_annotation() -> None:
    out, findings = native(INJECTED)
    assert "client: Optional[dashscope.Client] = None" in out
    assert "self.client = client or dashscope.Client(request_timeout=30" in out or \
        "self.client = client or dashscope.Client(timeout=30" in out
    assert "from openai import" not in out
    assert not [f.message for f in findings if f.code == "OA160" and f.severity.value != "auto"]


def test_a_construction_that_passes_a_client_keeps_the_default_compat() -> None:
    src = INJECTED.replace('Summarizer(model="gpt-4o")', 'Summarizer(OpenAI(base_url="http://localhost:8000/v1"))')
    out, findings = native(src)
    assert "dashscope.Client" not in out
    [why] = [f.message for f in findings if f.code == "OA160" and f.severity.value == "review"
             and "stays on the openai SDK" in f.message and "passes Summarizer" in f.message]
    assert "a client of its own" in why


def test_per_call_headers_keep_the_client_compat() -> None:
    src = '''from openai import OpenAI

client = OpenAI()


def ask(q):
    r = client.chat.completions.create(model="gpt-4o", messages=[], extra_headers={"X-Trace": "1"})
    return r.choices[0].message.content
'''
    for target in ("qwen", "ernie"):
        out, findings = native(src, target)
        assert "OpenAI(api_key=" in out and "X-Trace" in out
        assert any("sends extra_headers=" in f.message for f in findings if f.code == "OA160")
    out, _ = native(src, "glm")  # zai takes per-call headers
    assert "zai.ZhipuAiClient(" in out and '"X-Trace": "1"' in out


def test_module_level_client_goes_native_next_to_the_key() -> None:
    src = '''import os

import openai

openai.api_key = os.environ["OPENAI_API_KEY"]


def summarize(text):
    return openai.chat.completions.create(model="gpt-4o-mini", messages=[]).choices[0].message.content
'''
    out, findings = native(src, "glm")
    lines = out.splitlines()
    assert lines[lines.index('openai.base_url = "https://open.bigmodel.cn/api/paas/v4/"') + 1] == \
        "zai_client = zai.ZhipuAiClient(api_key=openai.api_key)"
    assert "zai_client.chat.completions.create(" in out and "openai.chat." not in out
    # a key set inside a function, or other module settings: the module-level client stays compat
    for variant in (src.replace('openai.api_key = os.environ["OPENAI_API_KEY"]',
                                'def setup():\n    openai.api_key = os.environ["OPENAI_API_KEY"]'),
                    src.replace("\n\ndef summarize", '\nopenai.default_headers = {"x-team": "a"}\n\n\ndef summarize')):
        again, _ = native(variant, "glm")
        assert "zai_client" not in again and "openai.chat.completions.create(" in again


def _project(tmp_path: Path, files: dict[str, str], target: str = "qwen") -> tuple[dict[str, str | None], list]:
    from migrator import runner
    from migrator.discover import discover

    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    sources, _ = discover([tmp_path], cwd=tmp_path)
    results = runner.run(sources, Options(target=target, style="native"), "migrate", roots=[tmp_path], jobs=1)
    out = {r.source.display: (r.new_text if r.changed else None) for r in results}
    return out, [f for r in results for f in r.findings]


BASE = '''import os

from openai import OpenAI


class BaseBot:
    def __init__(self) -> None:
        self.client = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
'''
SUB = '''from app.base import BaseBot


class EchoBot(BaseBot):
    def run(self, text):
        resp = self.client.chat.completions.create(model="gpt-4o", messages=[], stream_options={"include_usage": True})
        return resp.choices[0].message.content
'''


def test_a_client_held_by_a_class_goes_native_with_the_subclass_of_another_module(tmp_path: Path) -> None:
    """The subclass's call is where the base's module cannot see it: the constructor and that call go
    native together (its stream_options, which dashscope does not take, are handled there)."""
    out, findings = _project(tmp_path, {"app/__init__.py": "", "app/base.py": BASE, "app/bots.py": SUB})
    base = next(text for path, text in out.items() if path.endswith("base.py"))
    bots = next(text for path, text in out.items() if path.endswith("bots.py"))
    assert base is not None and "self.client = dashscope.Client(api_key=" in base
    assert bots is not None and 'model="qwen-plus"' in bots and "stream_options" not in bots
    assert not [f for f in findings if f.code in ("OA950", "OA160") and f.severity.value != "auto"]


def test_a_client_held_by_a_class_goes_native_only_with_every_module_that_uses_it(tmp_path: Path) -> None:
    """``bot = BaseBot(); bot.client...`` in another module reaches the same client: with a call there that
    the SDK cannot serve (``with_raw_response``), the base's client and every call stay compat together;
    without it, all three modules go native."""
    user = '''from app.base import BaseBot


def ask(text):
    bot = BaseBot()
    return bot.client.chat.completions.create(model="gpt-4o", messages=[])
'''
    files = {"app/__init__.py": "", "app/base.py": BASE, "app/bots.py": SUB, "app/user.py": user}
    out, _ = _project(tmp_path / "a", files)
    assert all("openai" not in (text or "") for path, text in out.items() if not path.endswith("__init__.py"))
    assert 'bot.client.chat.completions.create(model="qwen-plus"' in next(
        t for p, t in out.items() if p.endswith("user.py"))
    files["app/user.py"] = user.replace("completions.create", "completions.with_raw_response.create")
    out, findings = _project(tmp_path / "b", files)
    base = next(text for path, text in out.items() if path.endswith("base.py"))
    bots = next(text for path, text in out.items() if path.endswith("bots.py"))
    assert base is not None and "dashscope.Client" not in base and "base_url=" in base
    assert bots is not None and "stream_options" in bots  # compat: the openai SDK takes them
    assert any(f.code == "OA160" and f.path.endswith("base.py") for f in findings)
