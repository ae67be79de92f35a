"""JSON written piece by piece, so an export of 100,000 offers never holds the whole text.

:func:`iter_json` encodes dicts, lists and scalars like :func:`json.dumps`; any
other iterable (a generator of offers) becomes an array read lazily. Keys are text (a
key ``True`` or ``None`` would be written ``"true"``/``"null"`` where the value is a plain
dict, as :func:`json.dumps` writes it).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Iterator, Mapping

import numpy as np

_CHUNK = 1 << 16
_SCALAR = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                           default=lambda o: _default(o))


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"valeur non sérialisable en JSON : {type(value).__name__}")


def _pieces(value: Any) -> Iterator[str]:
    if isinstance(value, (dict, list, tuple)):
        # most values (an offer's entry) hold no iterator: the C encoder writes them whole,
        # ten times faster than piece by piece; an iterator inside makes it raise TypeError
        # before anything is written, and the value is then written piece by piece
        try:
            text = _SCALAR.encode(value)
        except TypeError:
            pass
        else:
            yield text
            return
    if isinstance(value, Mapping):
        yield "{"
        for k, (key, item) in enumerate(value.items()):
            yield ("," if k else "") + _SCALAR.encode(str(key)) + ":"
            yield from _pieces(item)
        yield "}"
    elif isinstance(value, (str, bytes, int, float, bool, type(None), datetime, date, np.generic)):
        yield _SCALAR.encode(value)
    elif hasattr(value, "__iter__"):
        yield "["
        for k, item in enumerate(value):
            if k:
                yield ","
            yield from _pieces(item)
        yield "]"
    else:
        yield _SCALAR.encode(value)


def iter_json(value: Any) -> Iterator[bytes]:
    """``value`` as UTF-8 JSON in chunks of about 64 KiB; NaN is refused, like the spec's
    JSON, so a missing number must already be ``None``."""
    parts: list[str] = []
    size = 0
    for piece in _pieces(value):
        parts.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    yield ("".join(parts) + "\n").encode("utf-8")
