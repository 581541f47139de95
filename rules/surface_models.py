"""The OpenAI model catalogue: what a model is, so that a provider's table can map it.

Dated snapshots (``gpt-4o-2024-08-06``), aliases and names OpenAI has not published yet map to their
family's entry (:func:`model_family`). ``rules/surface.py`` re-exports these names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenAIModel:
    name: str
    kind: str  # chat | embedding | image | transcription | speech | moderation | completion
    reasoning: bool = False  # o-series and gpt-5: think before answering
    dimensions: int | None = None  # embeddings: size of the vectors it returns by default


OPENAI_MODELS: dict[str, OpenAIModel] = {
    m.name: m
    for m in (
        OpenAIModel("gpt-3.5-turbo", "chat"),
        OpenAIModel("gpt-3.5-turbo-instruct", "completion"),
        OpenAIModel("gpt-4", "chat"),
        OpenAIModel("gpt-4-turbo", "chat"),
        OpenAIModel("gpt-4-vision", "chat"),
        OpenAIModel("gpt-4o", "chat"),
        OpenAIModel("gpt-4o-mini", "chat"),
        OpenAIModel("gpt-4.1", "chat"),
        OpenAIModel("gpt-4.1-mini", "chat"),
        OpenAIModel("gpt-4.1-nano", "chat"),
        OpenAIModel("gpt-4.5", "chat"),
        OpenAIModel("gpt-5", "chat", reasoning=True),
        OpenAIModel("gpt-5-mini", "chat", reasoning=True),
        OpenAIModel("gpt-5-nano", "chat", reasoning=True),
        OpenAIModel("o1", "chat", reasoning=True),
        OpenAIModel("o1-mini", "chat", reasoning=True),
        OpenAIModel("o3", "chat", reasoning=True),
        OpenAIModel("o3-mini", "chat", reasoning=True),
        OpenAIModel("o4-mini", "chat", reasoning=True),
        OpenAIModel("text-davinci-003", "completion"),
        OpenAIModel("text-davinci-002", "completion"),
        OpenAIModel("davinci-002", "completion"),
        OpenAIModel("text-embedding-ada-002", "embedding", dimensions=1536),
        OpenAIModel("text-embedding-3-small", "embedding", dimensions=1536),
        OpenAIModel("text-embedding-3-large", "embedding", dimensions=3072),
        OpenAIModel("dall-e-2", "image"),
        OpenAIModel("dall-e-3", "image"),
        OpenAIModel("gpt-image-1", "image"),
        OpenAIModel("whisper-1", "transcription"),
        OpenAIModel("gpt-4o-transcribe", "transcription"),
        OpenAIModel("gpt-4o-mini-transcribe", "transcription"),
        OpenAIModel("tts-1", "speech"),
        OpenAIModel("tts-1-hd", "speech"),
        OpenAIModel("gpt-4o-mini-tts", "speech"),
        OpenAIModel("omni-moderation-latest", "moderation"),
        OpenAIModel("text-moderation-latest", "moderation"),
        OpenAIModel("text-moderation-stable", "moderation"),
    )
}

# What the SDK sends when a call gives no model (only where the parameter is optional)
DEFAULT_MODELS = {"images": "dall-e-2"}

# Suffixes that name a snapshot or variant of a family: gpt-4o-2024-08-06, gpt-3.5-turbo-0125,
# gpt-4-1106-preview, gpt-3.5-turbo-16k, chatgpt-4o-latest.
_SNAPSHOT_SUFFIXES = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),
    re.compile(r"-\d{4}$"),
    re.compile(r"-(preview|latest)$"),
    re.compile(r"-(16k|32k|8k)$"),
)
_ALIASES = {"chatgpt-4o": "gpt-4o", "gpt-35-turbo": "gpt-3.5-turbo", "gpt-35-turbo-instruct": "gpt-3.5-turbo-instruct", "gpt-4-turbo-preview": "gpt-4-turbo", "gpt-4o-audio": "gpt-4o",
            "o1-preview": "o1", "gpt-4.5-preview": "gpt-4.5"}

# Strings that look like OpenAI model names even when the table does not know them.
OPENAI_MODEL_PATTERN = re.compile(
    r"^(gpt-|chatgpt-|o\d(-|$)|text-embedding-|text-davinci|davinci|babbage|curie|ada$|dall-e|whisper|tts-|"
    r"omni-moderation|text-moderation|gpt-image|codex-|computer-use)"
)


# OpenAI names by family (providers.md §0.1, checked 2026-12-06): a name OpenAI has not published yet maps
# like its family, without a code change. gpt-N / gpt-N.M (N >= 5) with -mini / -nano / -codex / -pro / -chat…,
# gpt-4.x, the o-series (oN, oN-mini, oN-pro), gpt-image-N.
_GPT_FAMILY = re.compile(r"^gpt-(\d)(?:\.(\d+))?((?:-[a-z]+)*)$")  # one digit: Azure's gpt-35-turbo is 3.5
_O_FAMILY = re.compile(r"^o(\d+)((?:-[a-z]+)*)$")
_GPT_IMAGE = re.compile(r"^gpt-image-\d+(?:\.\d+)?(?:-[a-z]+)*$")
_SMALL = {"mini": "-mini", "nano": "-nano"}
# variants that are not a text model of the family (gpt-4o-audio…, gpt-5-realtime…): any other variant
# (codex, pro, chat, thinking, luna, …) maps like the family
_NOT_TEXT = {"realtime", "audio", "transcribe", "tts", "image", "embedding", "oss", "moderation"}


def _by_family(name: str) -> str | None:
    """The catalogue entry a newer OpenAI name belongs to (``gpt-5.6-mini`` → ``gpt-5-mini``)."""
    if _GPT_IMAGE.match(name):
        return "gpt-image-1"
    m = _GPT_FAMILY.match(name)
    if m:
        major, variants = int(m[1]), [v for v in m[3].split("-") if v]
        if set(variants) & _NOT_TEXT:
            return None
        size = next((_SMALL[v] for v in variants if v in _SMALL), "")
        if major >= 5:
            return f"gpt-5{size}"
        if major == 4 and m[2] is not None and not {"codex", "pro"} & set(variants):
            return f"gpt-4.1{size}" if f"gpt-4.1{size}" in OPENAI_MODELS else None
        return None
    m = _O_FAMILY.match(name)
    if m:
        n, variants = int(m[1]), [v for v in m[2].split("-") if v]
        if set(variants) & _NOT_TEXT:
            return None
        if "mini" in variants:
            return f"o{n}-mini" if f"o{n}-mini" in OPENAI_MODELS else "o4-mini"
        return f"o{n}" if f"o{n}" in OPENAI_MODELS else "o3"
    return None


def model_family(name: str) -> str | None:
    """The catalogue entry a model name belongs to (dated snapshots map to their family, newer names by
    family: ``gpt-5.1``, ``gpt-6-codex``, ``o3-pro``)."""
    seen = name
    for _ in range(6):
        if seen in OPENAI_MODELS:
            return seen
        if seen in _ALIASES:
            seen = _ALIASES[seen]
            continue
        for pat in _SNAPSHOT_SUFFIXES:
            stripped = pat.sub("", seen)
            if stripped != seen:
                seen = stripped
                break
        else:
            return _by_family(seen)
    return None


def looks_like_openai_model(name: str) -> bool:
    return bool(OPENAI_MODEL_PATTERN.match(name)) or model_family(name) is not None
