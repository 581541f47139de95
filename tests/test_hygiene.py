"""Every rule and every provider spec is well formed, documented and exercised by a fixture."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from migrator.rules import providers, surface
from migrator.rules.base import Options
from migrator.scan import analyze, rules
from migrator.textio import decode

FIXTURES = Path(__file__).parent / "fixtures"
RULES = rules()


def test_codes_and_names_are_unique() -> None:
    codes = [r.CODE for r in RULES]
    names = [r.NAME for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for r in RULES:
        assert re.fullmatch(r"OA\d{3}", r.CODE), r.CODE
        assert re.fullmatch(r"[a-z0-9-]+", r.NAME), r.NAME
        assert r.FEATURE and r.SUMMARY


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_docstring_has_an_example_that_parses(rule) -> None:
    doc = inspect.cleandoc(rule.__doc__ or "")
    assert "Example::" in doc, rule.CODE
    assert "Fix safety" in doc, rule.CODE
    blocks = re.findall(r"::\n\n((?:    .*\n|\n)+)", doc + "\n")
    assert blocks, rule.CODE
    if getattr(rule, "KIND", None):  # written in its file's syntax: the example shows the rule
        from migrator.engine import analyze_kind

        example = textwrap.dedent(blocks[0])
        found = analyze_kind(example, rule.KIND, Options(target="qwen"), path=rule.EXAMPLE_FILE).findings
        assert rule.CODE in {f.code for f in found}, rule.CODE
        return
    for block in blocks:
        ast.parse(textwrap.dedent(block))


def _codes_in_fixtures() -> set[str]:
    from test_fixtures import case_kind, file_inputs

    from migrator.engine import analyze_kind

    seen: set[str] = set()
    for input_file in file_inputs():
        kind = case_kind(input_file)
        text = decode(input_file.read_bytes()).text
        for target in providers.builtin_targets():
            seen.update(f.code for f in analyze_kind(text, kind, Options(target=target), path=input_file.name).findings)
    for input_file in FIXTURES.glob("*/*/input.py"):
        text = decode(input_file.read_bytes()).text
        for target in providers.builtin_targets():
            for f in analyze(text, path="input.py", options=Options(target=target)).findings:
                seen.add(f.code)
            compat = input_file.parent / f"{target}.compat.py"  # the native pass reads the compat output
            if compat.exists():
                native = Options(target=target, style="native", phase="native")
                seen |= {f.code for f in analyze(decode(compat.read_bytes()).text, path="input.py",
                                                 options=native).findings}
    return seen


def test_every_rule_is_covered_by_a_fixture() -> None:
    seen = _codes_in_fixtures()
    missing = [r.CODE for r in RULES if r.CODE not in seen]
    assert not missing, f"rules without a fixture case: {missing}"


@pytest.mark.parametrize("name", providers.builtin_targets())
def test_provider_spec(name: str) -> None:
    spec = providers.load(name)
    assert spec.name == name
    assert "cn" in spec.base_urls
    for url in spec.base_urls.values():
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, url
    assert spec.key_env.isupper() and spec.key_env.endswith("_API_KEY")
    assert spec.models
    for family, target in spec.models.items():
        assert family in surface.OPENAI_MODELS, f"{name}: {family} is not an OpenAI model in the catalogue"
        assert spec.owns_model(target.model), f"{name}: {target.model} is not one of the provider's models"
    features = {r.feature for r in surface.RESOURCES}
    for key in (*spec.unsupported, *[k for k in spec.caveats if ":" not in k]):
        # a feature, or a method path under a resource (images.create_variation)
        assert key in features or any(key.startswith(".".join(r.path)) for r in surface.RESOURCES), key
    for model, sizes in spec.embedding_dimensions.items():
        assert sizes and all(isinstance(s, int) and s > 0 for s in sizes), model
    for target in spec.models.values():
        if target.dimensions is not None:
            assert target.dimensions in spec.embedding_dimensions[target.model]
    assert spec.temperature.low >= 0 and spec.temperature.high <= 2
    if spec.key_pattern:  # empty when the provider does not document its key format (doubao)
        assert re.compile(spec.key_pattern).fullmatch("x") is None, "the key pattern matches anything"
    assert not spec.native_package or spec.native_version, "a native SDK needs the version its rewrite targets"
    assert spec.thinking_off is None or spec.thinking_default_prefixes, "a thinking switch with no model to use it"
    assert spec.order < 100 and not spec.custom
    for model, window in spec.contexts.items():
        assert spec.owns_model(model) and window[0].isdigit(), (model, window)


def test_targets_come_from_the_provider_package() -> None:
    """Each module of migrator.rules.providers is a target; none is listed anywhere else."""
    modules = sorted(p.stem for p in Path(providers.__file__).parent.glob("*.py") if not p.stem.startswith("_"))
    assert sorted(providers.builtin_targets()) == modules
    orders = [providers.load(n).order for n in providers.builtin_targets()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_snapshot_names_map_by_family() -> None:
    assert surface.model_family("gpt-4o-2024-08-06") == "gpt-4o"
    assert surface.model_family("gpt-3.5-turbo-0125") == "gpt-3.5-turbo"
    assert surface.model_family("gpt-4-1106-preview") == "gpt-4"
    assert surface.model_family("gpt-4-turbo-2024-04-09") == "gpt-4-turbo"
    assert surface.model_family("gpt-4o-mini-2024-07-18") == "gpt-4o-mini"
    assert surface.model_family("chatgpt-4o-latest") == "gpt-4o"
    assert surface.model_family("llama3") is None
