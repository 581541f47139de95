"""Property tests: arbitrary valid Python, and generated OpenAI programs in many shapes."""

from __future__ import annotations

import ast

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.engine import migrate
from migrator.rules.base import Options
from migrator.scan import analyze

TARGETS = st.sampled_from(["qwen", "ernie", "glm"])


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar(), target=TARGETS)
def test_code_without_openai_comes_back_byte_identical(source: str, target: str) -> None:
    outcome = migrate(source, settings=Options(target=target))
    assert outcome.error is None
    if "openai" not in source and ".chat.completions." not in source:
        assert outcome.new_text == source


IMPORTS = {
    "module": ("import openai", "openai.OpenAI"),
    "alias": ("import openai as oai", "oai.OpenAI"),
    "from": ("from openai import OpenAI", "OpenAI"),
    "from_alias": ("from openai import OpenAI as Client", "Client"),
    "async": ("from openai import AsyncOpenAI", "AsyncOpenAI"),
}
MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo-0125", "gpt-4-1106-preview", "o3-mini", "my-finetune"]


@st.composite
def programs(draw) -> str:
    style = draw(st.sampled_from(sorted(IMPORTS)))
    imp, ctor = IMPORTS[style]
    is_async = style == "async"
    model = draw(st.sampled_from(MODELS))
    model_expr = draw(st.sampled_from([f'"{model}"', "MODEL", f'os.getenv("CHAT_MODEL", "{model}")']))
    key = draw(st.sampled_from(["", 'api_key=os.environ["OPENAI_API_KEY"]', 'api_key="sk-test-abcdefghijklmnop"']))
    temperature = draw(st.sampled_from(["", "temperature=0", "temperature=0.7", "temperature=1.8"]))
    trailing = draw(st.booleans())
    multiline = draw(st.booleans())
    storage = draw(st.sampled_from(["module", "self", "factory"]))
    comment = draw(st.sampled_from(["", "  # keep this comment"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    args = [f"model={model_expr}", 'messages=[{"role": "user", "content": prompt}]']
    args += [a for a in (temperature,) if a]
    if multiline:
        call_args = "\n" + "".join(f"        {a},\n" for a in args[:-1]) + f"        {args[-1]}{',' if trailing else ''}\n    "
    else:
        call_args = ", ".join(args)
    aw = "await " if is_async else ""
    adef = "async def" if is_async else "def"
    lines = ["import os", imp, "", f'MODEL = "{model}"', ""]
    if storage == "module":
        lines += [f"client = {ctor}({key}){comment}", "", "", f"{adef} ask(prompt):",
                  f"    r = {aw}client.chat.completions.create({call_args})", "    return r.choices[0].message.content"]
    elif storage == "self":
        lines += ["class Bot:", "    def __init__(self):", f"        self.client = {ctor}({key}){comment}", "",
                  f"    {adef} ask(self, prompt):",
                  f"        r = {aw}self.client.chat.completions.create({call_args.replace(chr(10) + '    ', chr(10) + '        ')})",
                  "        return r.choices[0].message.content"]
    else:
        lines += ["def make():", f"    return {ctor}({key}){comment}", "", "", f"{adef} ask(prompt):",
                  f"    r = {aw}make().chat.completions.create({call_args})", "    return r.choices[0].message.content"]
    return newline.join(lines) + newline


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=programs(), target=TARGETS)
def test_generated_openai_programs(source: str, target: str) -> None:
    options = Options(target=target)
    outcome = migrate(source, settings=options)
    assert outcome.error is None, outcome.error
    ast.parse(outcome.new_text)
    assert outcome.new_text != source
    again = migrate(outcome.new_text, settings=options)
    assert again.error is None and again.new_text == outcome.new_text
    left = [f for f in analyze(outcome.new_text, options=options).findings if f.severity.value == "auto"]
    assert not left, [(f.code, f.message) for f in left]
    # line endings and comments survive
    assert ("\r\n" in source) == ("\r\n" in outcome.new_text)
    assert outcome.new_text.count("# keep this comment") == source.count("# keep this comment")
    assert "sk-test-abcdefghijklmnop" not in outcome.new_text
