"""Provider backends: one module of data per target (design.md §3).

The targets are the modules of this package: adding ``<name>.py`` with a ``SPEC`` adds ``--target
<name>`` to the command line, the configuration and the tests; nothing else lists them.

A ``ProviderSpec`` (``rules/spec.py``) says everything the emitters need to know about a provider.
Provider modules import only ``rules/spec.py``; this package's ``__init__`` loads them and re-exports
the data classes for the code that names them here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from migrator.rules.spec import (  # noqa: F401  (the data classes, for the modules that name them here)
    ModelTarget,
    NativeMethod,
    NativeSpec,
    ProviderSpec,
    Range,
    ResponsesAPI,
    dated,
)


@functools.cache
def builtin_targets() -> tuple[str, ...]:
    """The built-in targets: every module of this package (each defines ``SPEC``), in ``order``."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    return tuple(sorted(names, key=lambda n: (_module_spec(n).order, n)))


def _module_spec(name: str) -> ProviderSpec:
    module = importlib.import_module(f"{__name__}.{name}")
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, ProviderSpec) or spec.name != name:
        raise TypeError(f"{module.__name__} must define SPEC = ProviderSpec(name={name!r}, ...)")
    return spec


def load(name: str) -> ProviderSpec:
    """The spec of a built-in target (a module of this package)."""
    if name not in builtin_targets():
        raise KeyError(name)
    return _module_spec(name)


def all_specs() -> list[ProviderSpec]:
    return [load(n) for n in builtin_targets()]


def default_scan_specs() -> list[ProviderSpec]:
    """The providers a scan without --target judges each site for (the worst wins)."""
    return [s for s in all_specs() if s.default_scan]


@functools.cache
def provider_hosts() -> dict[str, str]:
    """Host -> target name for every known provider: a client already pointed at one is migrated."""
    return {host: spec.name for spec in all_specs() for host in spec.hosts()}
