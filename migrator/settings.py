"""Settings: ``[tool.migrator]`` in the nearest pyproject.toml, then command-line flags (flags win)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, get_args
from urllib.parse import urlsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # installed on 3.10 only

from migrator.model import Region, Style
from migrator.rules import providers, surface
from migrator.rules.providers import ModelTarget, ProviderSpec, Range
from migrator.rules.spec import FEATURES

STYLES: tuple[Style, ...] = get_args(Style)
REGIONS: tuple[Region, ...] = get_args(Region)
RESPONSES = ("auto", "chat")  # Responses API calls: kept where the target serves them, or chat calls


class ConfigError(Exception):
    """A bad configuration value; the message names the file and the key."""


@dataclass
class Settings:
    target: str | None = None
    style: Style = "compat"
    region: Region = "cn"
    responses: str = "auto"
    models: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    config_file: Path | None = None
    custom: dict[str, ProviderSpec] = field(default_factory=dict)  # [tool.migrator.providers.<name>]

    def excludes(self) -> list[str]:
        return [*self.exclude, *self.extend_exclude]

    def targets(self) -> tuple[str, ...]:
        """Every target this configuration offers: the built-in ones, then the custom ones."""
        return (*providers.builtin_targets(), *self.custom)


_KEYS = {"target", "style", "region", "responses", "models", "exclude", "extend-exclude", "select", "ignore", "providers"}


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a ``[tool.migrator]`` table, from ``start`` upwards."""
    d = start if start.is_dir() else start.parent
    for candidate in (d, *d.parents):
        f = candidate / "pyproject.toml"
        if f.is_file():
            try:
                data = tomllib.loads(f.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{f}: cannot read: {exc}") from exc
            if "migrator" in data.get("tool", {}):
                return f
    return None


def load(path: Path | None) -> Settings:
    settings = Settings()
    if path is None:
        return settings
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    table = data.get("tool", {}).get("migrator", {})
    where = f"{_shown(path)} [tool.migrator]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KEYS))})")
    settings.config_file = path
    if "providers" in table:
        settings.custom = _custom_providers(table["providers"], f"{_shown(path)} [tool.migrator.providers")
    if "target" in table:
        settings.target = _choice(table["target"], settings.targets(), f"{where} target")
    if "style" in table:
        settings.style = _choice(table["style"], STYLES, f"{where} style")
    if "region" in table:
        settings.region = _choice(table["region"], REGIONS, f"{where} region")
    if "responses" in table:
        settings.responses = _choice(table["responses"], RESPONSES, f"{where} responses")
    if "models" in table:
        settings.models = _models(table["models"], settings.targets(), where)
    for key in ("exclude", "extend-exclude", "select", "ignore"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} {key}: must be a list of strings")
            setattr(settings, key.replace("-", "_"), list(value))
    return settings


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


_Choice = TypeVar("_Choice", bound=str)


def _choice(value: object, allowed: tuple[_Choice, ...], where: str) -> _Choice:
    for option in allowed:
        if isinstance(value, str) and value == option:
            return option
    raise ConfigError(f"{where}: {value!r} is not one of {', '.join(allowed)}")



def _models(value: object, targets: tuple[str, ...], where: str) -> dict[str, str]:
    """``models = {"gpt-4o" = "qwen-max"}``, or per target: ``[tool.migrator.models.qwen]``."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} models: must be a table of OLD = \"NEW\"")
    flat: dict[str, str] = {}
    for k, v in value.items():
        if isinstance(v, str):
            flat[k] = v
        elif isinstance(v, dict) and k in targets:
            continue
        else:
            raise ConfigError(f"{where} models.{k}: must be a model name (string) or a table per target")
    return flat


def models_for(config_file: Path | None, target: str) -> dict[str, str]:
    """Per-target model overrides (``[tool.migrator.models.<target>]``) from the config file."""
    if config_file is None:
        return {}
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    table = data.get("tool", {}).get("migrator", {}).get("models", {})
    per = table.get(target, {}) if isinstance(table, dict) else {}
    if not isinstance(per, dict) or not all(isinstance(v, str) for v in per.values()):
        raise ConfigError(f"{config_file} [tool.migrator.models.{target}]: values must be model names")
    return dict(per)


def parse_model_flags(flags: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for flag in flags:
        old, sep, new = flag.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ConfigError(f"--model {flag!r}: expected OLD=NEW, for example --model gpt-4o=qwen-max")
        out[old.strip()] = new.strip()
    return out


# ---------------------------------------------------------------------------------------------
# Custom targets: any OpenAI-compatible endpoint (one-api / new-api, vLLM, an internal gateway)

_PROVIDER_KEYS = {
    "base_url": "the gateway's OpenAI-compatible base URL (https://…/v1)",
    "api_key_env": "the environment variable that holds its key (GATEWAY_API_KEY)",
    "models": 'OpenAI model = "gateway model" (or = {model = "…", dimensions = N} for embeddings)',
    "display": "the name shown in messages",
    "unsupported": 'features the gateway lacks: a list (["images", "audio"]) or a table feature = "why"',
    "caveats": 'features to review: feature = "what to check"',
    "temperature": "[low, high], both inclusive",
    "stop_max_items": "how many stop sequences it accepts",
    "stop_max_chars": "how long a stop sequence may be",
    "embedding_max_inputs": "how many inputs one embeddings call takes",
    "renamed_params": 'OpenAI parameter = "gateway parameter" (max_completion_tokens = "max_tokens")',
    "param_notes": 'chat parameter = "why it needs a look"',
}
_UNDECLARED = ("images", "audio", "moderations", "responses", "assistants", "fine_tuning", "files", "batches",
               "realtime", "completions", "other")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_ENV = re.compile(r"[A-Z][A-Z0-9_]*")


def _custom_providers(value: object, where: str) -> dict[str, ProviderSpec]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}]: must be a table of [tool.migrator.providers.<name>] tables")
    out: dict[str, ProviderSpec] = {}
    for name, table in value.items():
        out[name] = custom_provider(name, table, f"{where}.{name}]")
    return out


def custom_provider(name: str, table: object, where: str) -> ProviderSpec:
    """A ``ProviderSpec`` from one ``[tool.migrator.providers.<name>]`` table; errors name the key."""
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{where}: the target name must be lower-case letters, digits, '-' or '_'")
    if name in providers.builtin_targets():
        raise ConfigError(f"{where}: {name!r} is a built-in target; choose another name "
                          "(override its models with [tool.migrator.models." + name + "])")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(_PROVIDER_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_PROVIDER_KEYS))})")
    for key in ("base_url", "api_key_env", "models"):
        if key not in table:
            raise ConfigError(f"{where}: missing key {key!r} ({_PROVIDER_KEYS[key]})")
    base_url = table["base_url"]
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} base_url: {base_url!r} is not an http(s) URL")
    if parts.hostname in ("api.openai.com",):
        raise ConfigError(f"{where} base_url: {base_url!r} is OpenAI itself")
    key_env = table["api_key_env"]
    if not isinstance(key_env, str) or not _ENV.fullmatch(key_env) or key_env.startswith("OPENAI_"):
        raise ConfigError(f"{where} api_key_env: {key_env!r} must be an upper-case environment variable name "
                          "other than OPENAI_*")
    models, dims = _custom_models(table["models"], f"{where} models")
    display = table.get("display", name)
    if not isinstance(display, str) or not display.strip():
        raise ConfigError(f"{where} display: must be a non-empty string")
    features = set(FEATURES) | {".".join(r.path) for r in surface.RESOURCES}
    unsupported = _features(table.get("unsupported", []), features, f"{where} unsupported",
                            f"{display} does not offer it (configuration)")
    caveats = _features(table.get("caveats", {}), features, f"{where} caveats", "")
    for feature in _UNDECLARED:  # gateways differ most here: review unless the table says more
        if feature not in unsupported and feature not in caveats:
            caveats[feature] = (f"not declared for {display}; check that the gateway serves it, or list it under "
                                f"[tool.migrator.providers.{name}] unsupported")
    supported = {f: "the gateway serves it (configuration: not listed as unsupported)" for f in FEATURES
                 if f not in unsupported and f not in caveats}
    temperature = Range(0.0, 2.0)
    if "temperature" in table:
        t = table["temperature"]
        if not (isinstance(t, list) and len(t) == 2 and all(_is_number(v) for v in t) and 0 <= t[0] < t[1] <= 2):
            raise ConfigError(f"{where} temperature: {t!r} must be [low, high] with 0 <= low < high <= 2")
        temperature = Range(float(t[0]), float(t[1]))
    limits: dict[str, int] = {}
    for key in ("stop_max_items", "stop_max_chars", "embedding_max_inputs"):
        if key in table:
            v = table[key]
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ConfigError(f"{where} {key}: {v!r} must be a positive integer")
            limits[key] = v
    renamed = _str_table(table.get("renamed_params", {}), f"{where} renamed_params")
    notes = _str_table(table.get("param_notes", {}), f"{where} param_notes")
    host = parts.hostname
    return ProviderSpec(
        name=name,
        display=display,
        base_urls={"cn": base_url},
        key_env=key_env,
        models=models,
        native_model_prefixes=tuple(sorted({t.model for t in models.values()})),
        temperature=temperature,
        unsupported=unsupported,
        caveats=caveats,
        supported=supported,
        param_notes=notes,
        renamed_params=renamed,
        embedding_dimensions=dims,
        region_notes={"intl": f"{display} has one base URL ({host}); the intl region uses it too"},
        docs=f"[tool.migrator.providers.{name}]",
        default_scan=False,
        custom=True,
        stop_max_items=limits.get("stop_max_items"),
        stop_max_chars=limits.get("stop_max_chars"),
        embedding_max_inputs=limits.get("embedding_max_inputs"),
    )


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _custom_models(value: object, where: str) -> tuple[dict[str, ModelTarget], dict[str, tuple[int, ...]]]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"{where}: must be a non-empty table of OpenAI model = \"gateway model\"")
    models: dict[str, ModelTarget] = {}
    dims: dict[str, set[int]] = {}
    for old, new in value.items():
        if old not in surface.OPENAI_MODELS:
            raise ConfigError(f"{where}.{old}: not an OpenAI model family migrator knows "
                              "(use the family name, e.g. gpt-4o for gpt-4o-2024-08-06)")
        if isinstance(new, str) and new.strip():
            models[old] = ModelTarget(new.strip())
            continue
        if isinstance(new, dict) and isinstance(new.get("model"), str) and new["model"].strip() \
                and set(new) <= {"model", "dimensions", "note"}:
            d = new.get("dimensions")
            if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1):
                raise ConfigError(f"{where}.{old}.dimensions: {d!r} must be a positive integer")
            note = new.get("note")
            if note is not None and not isinstance(note, str):
                raise ConfigError(f"{where}.{old}.note: must be a string")
            models[old] = ModelTarget(new["model"].strip(), dimensions=d, note=note)
            if d is not None:
                dims.setdefault(new["model"].strip(), set()).add(d)
            continue
        raise ConfigError(f"{where}.{old}: must be a model name or {{model = \"…\", dimensions = N, note = \"…\"}}")
    return models, {m: tuple(sorted(s)) for m, s in dims.items()}


def _features(value: object, known: set[str], where: str, default_reason: str) -> dict[str, str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = {v: default_reason for v in value}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise ConfigError(f"{where}: must be a list of features or a table feature = \"reason\"")
    for feature in value:
        if feature not in known:
            raise ConfigError(f"{where}: unknown feature {feature!r} (known: {', '.join(sorted(known))})")
    return dict(value)


def _str_table(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v
                                              for k, v in value.items()):
        raise ConfigError(f"{where}: must be a table of name = \"text\"")
    return dict(value)
