"""A stored scoring document read from its text one offer at a time.

A stored result of 100,000 offers is some 650 MB of JSON text, which :func:`json.loads`
turns into about 2 GB of dicts, lists and floats that an export then walks once.
:func:`read_stored` decodes every top-level member of the document but its ``offers``
array, which becomes a :class:`StoredOffers`: a sequence that decodes each offer from the
text when it is asked for, so an export holds the text and the offer it is writing, not
every offer at once. The text is read, never rewritten: what is decoded is exactly what
``json.loads(text)`` gives (the same decoder, member by member), so the record's SHA-256
is unchanged.

The array is walked once when the document is read, to note where each offer starts and
its id: the members after it (``sensitivity``, ``parameters``) are only reachable past
it, a damaged or truncated document fails there with its position rather than in the
middle of a download, and the ids answer "which offer is this" without decoding the
offers again. Each later pass over the offers decodes them again, which costs about what
decoding them whole did, so this suits a render that goes over them once or twice.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Sequence
from functools import cached_property
from json.decoder import scanstring
from typing import Any, Iterator

#: JSON's whitespace, as the standard decoder skips it.
_SPACE = re.compile(r"[ \t\n\r]*")
_decode = json.JSONDecoder().raw_decode


class StoredDocumentError(ValueError):
    """The stored text is not the JSON document it should be (truncated, damaged)."""

    def __init__(self, text: str, position: int, problem: str) -> None:
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        # a cut text fails at its end, or wherever the decoder was (the start of an
        # unterminated string) but then it no longer ends the way every document does
        whole = text.rstrip()
        ending = " ; le texte s'arrête avant la fin du document : tronqué ?" \
            if position >= len(whole) or not whole.endswith("}") else ""
        super().__init__(f"document enregistré illisible, ligne {line} colonne {column} "
                         f"(caractère {position} sur {len(text)}) : {problem}{ending}")
        self.position = position


def _space(text: str, position: int) -> int:
    return _SPACE.match(text, position).end()


def _value(text: str, position: int) -> tuple[Any, int]:
    try:
        return _decode(text, position)
    except json.JSONDecodeError as exc:
        raise StoredDocumentError(text, exc.pos, exc.msg) from None


def _expect(text: str, position: int, allowed: str, what: str) -> str:
    found = text[position:position + 1]
    if not found or found not in allowed:
        raise StoredDocumentError(text, position, f"{what} attendu, trouvé {found!r}")
    return found


class StoredOffers(Sequence):
    """The offers of a stored document, decoded from its text each time one is read.

    Built by :func:`read_stored`; ``ids`` are the offers' ids in order. Iterating decodes
    the offers one after the other; ``offers[k]`` decodes the k-th alone.
    """

    def __init__(self, text: str, starts: array, ids: list[Any]) -> None:
        self._text = text
        self._starts = starts
        self.ids = ids

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, k: int) -> Any:
        if not isinstance(k, int):
            raise TypeError("une offre se lit par sa position (un entier)")
        return _decode(self._text, self._starts[k])[0]

    def __iter__(self) -> Iterator[Any]:
        text = self._text
        for start in self._starts:
            yield _decode(text, start)[0]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Offer id (as text) → its position."""
        return {str(oid): k for k, oid in enumerate(self.ids)}

    def __repr__(self) -> str:
        return f"<StoredOffers: {len(self)} offres>"


def _offers(text: str, position: int) -> tuple[StoredOffers, int]:
    """The array opening at ``position``, walked once; and where it ends."""
    starts = array("q")
    ids: list[Any] = []
    position = _space(text, position + 1)
    if text.startswith("]", position):
        return StoredOffers(text, starts, ids), position + 1
    while True:
        starts.append(position)
        offer, end = _value(text, position)
        if not isinstance(offer, dict) or "id" not in offer:
            raise StoredDocumentError(text, position, f"offre n° {len(ids) + 1} sans "
                                      "identifiant (un objet avec « id » attendu)")
        ids.append(offer["id"])
        position = _space(text, end)
        if _expect(text, position, ",]", "« , » ou « ] »") == "]":
            return StoredOffers(text, starts, ids), position + 1
        position = _space(text, position + 1)


def read_stored(text: str, array_key: str = "offers") -> dict[str, Any]:
    """The JSON object ``text``, its members decoded in order, but the array under
    ``array_key`` (each element an object with an ``id``) read as :class:`StoredOffers`.

    Equal to ``json.loads(text)`` member for member (with the offers as a sequence).
    StoredDocumentError, with the position, for anything else than such an object.
    """
    document: dict[str, Any] = {}
    position = _space(text, 0)
    _expect(text, position, "{", "« { »")
    position = _space(text, position + 1)
    if text.startswith("}", position):
        position += 1
    else:
        while True:
            _expect(text, position, '"', "un nom de membre entre guillemets")
            try:
                key, position = scanstring(text, position + 1)
            except json.JSONDecodeError as exc:
                raise StoredDocumentError(text, exc.pos, exc.msg) from None
            position = _space(text, position)
            _expect(text, position, ":", "« : »")
            position = _space(text, position + 1)
            if key == array_key and text.startswith("[", position):
                document[key], position = _offers(text, position)
            else:
                document[key], position = _value(text, position)
            position = _space(text, position)
            if _expect(text, position, ",}", "« , » ou « } »") == "}":
                position += 1
                break
            position = _space(text, position + 1)
    position = _space(text, position)
    if position != len(text):
        raise StoredDocumentError(text, position, "texte en trop après le document")
    return document
