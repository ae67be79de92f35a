"""The identity of a criteria set (SPEC §2): the SHA-256 of its canonical JSON form,
which every scoring result records."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping


def canonical_json(document: Mapping[str, Any]) -> str:
    """The canonical JSON form: keys sorted, no whitespace, UTF-8 kept as is."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def document_sha256(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON form, the identity every result records."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
