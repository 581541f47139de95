"""Bytes ↔ text without losing anything: BOM, PEP 263 encoding cookie, line endings."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


class DecodeError(Exception):
    pass


@dataclass(frozen=True)
class Decoded:
    text: str  # without the BOM; line endings as in the file
    encoding: str  # codec name as Python knows it
    bom: bool


def decode(data: bytes) -> Decoded:
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(str(exc)) from exc
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"cannot decode as {encoding}: {exc}") from exc
    return Decoded(text, encoding, bom)


def encode(text: str, like: Decoded) -> bytes:
    data = text.encode(like.encoding)
    return codecs.BOM_UTF8 + data if like.bom else data
