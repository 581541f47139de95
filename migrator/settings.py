"""Settings: ``[tool.migrator]`` in the nearest pyproject.toml, then command-line flags (flags win)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from migrator.rules.providers import BUILTIN_TARGETS

STYLES = ("compat", "native")
REGIONS = ("cn", "intl")


class ConfigError(Exception):
    """A bad configuration value; the message names the file and the key."""


@dataclass
class Settings:
    target: str | None = None
    style: str = "compat"
    region: str = "cn"
    models: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    config_file: Path | None = None

    def excludes(self) -> list[str]:
        return [*self.exclude, *self.extend_exclude]


_KEYS = {"target", "style", "region", "models", "exclude", "extend-exclude", "select", "ignore"}


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
    if "target" in table:
        settings.target = _choice(table["target"], BUILTIN_TARGETS, f"{where} target")
    if "style" in table:
        settings.style = _choice(table["style"], STYLES, f"{where} style")
    if "region" in table:
        settings.region = _choice(table["region"], REGIONS, f"{where} region")
    if "models" in table:
        settings.models = _models(table["models"], settings.target, where)
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


def _choice(value: object, allowed: tuple[str, ...], where: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _models(value: object, target: str | None, where: str) -> dict[str, str]:
    """``models = {"gpt-4o" = "qwen-max"}``, or per target: ``[tool.migrator.models.qwen]``."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} models: must be a table of OLD = \"NEW\"")
    flat: dict[str, str] = {}
    for k, v in value.items():
        if isinstance(v, str):
            flat[k] = v
        elif isinstance(v, dict) and k in BUILTIN_TARGETS:
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
