"""A stored scoring document read from its text one offer at a time.

A stored result of 100,000 offers is some 650 MB of JSON text, which :func:`json.loads`
turns into about 2 GB of dicts, lists and floats that an export then walks once.
:func:`read_stored` decodes every top-level member of the document but its ``offers``
array, which becomes a :class:`StoredOffers`: a sequence that gives each offer when it is
asked for, so an export holds the offer it is writing, not every offer at once. What it
gives is exactly what ``json.loads(text)`` gives (the same decoder, element by element),
so the record's SHA-256 is unchanged; the text itself is only read.

The array is walked once when the document is read: the members after it
(``sensitivity``, ``parameters``) are only reachable past it, and a damaged or truncated
document fails there with its position rather than in the middle of a download. Each
offer decoded on that walk is kept as :mod:`marshal` bytes, with its id: about two thirds
of the text's size (the text can go), and read back four times faster than the JSON is
decoded, which is what makes each later pass over the offers cheap (marshal is exact for
these types and never leaves the process). :func:`iter_offers` reads the offers in a
single pass from the text, for a reader that needs nothing else of the document.
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Sequence
from functools import cached_property
from json.decoder import scanstring
from typing import Any, Generator, Iterator

#: JSON's whitespace, as the standard decoder skips it.
_SPACE = re.compile(r"[ \t\n\r]*")
_decode = json.JSONDecoder().raw_decode
#: How a kept offer is read back.
_thaw = marshal.loads


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
    """The offers of a stored document, each kept as :mod:`marshal` bytes and read back
    when it is asked for.

    Built by :func:`read_stored`; ``ids`` are the offers' ids in order. Each offer read
    (by iterating, or ``offers[k]``) is a new object, equal to the stored one.
    """

    def __init__(self, kept: list[bytes], ids: list[Any]) -> None:
        self._kept = kept
        self.ids = ids

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, k: int) -> Any:
        if not isinstance(k, int):
            raise TypeError("une offre se lit par sa position (un entier)")
        return _thaw(self._kept[k])

    def __iter__(self) -> Iterator[Any]:
        for kept in self._kept:
            yield _thaw(kept)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Offer id (as text) → its position."""
        return {str(oid): k for k, oid in enumerate(self.ids)}

    def __repr__(self) -> str:
        return f"<StoredOffers: {len(self)} offres>"


def _elements(text: str, position: int) -> Generator[Any, None, int]:
    """Each element of the array opening at ``position``, decoded in turn; returns where
    the array ends."""
    position = _space(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    count = 0
    while True:
        element, end = _value(text, position)
        count += 1
        if not isinstance(element, dict) or "id" not in element:
            raise StoredDocumentError(text, position, f"offre n° {count} sans "
                                      "identifiant (un objet avec « id » attendu)")
        yield element
        position = _space(text, end)
        if _expect(text, position, ",]", "« , » ou « ] »") == "]":
            return position + 1
        position = _space(text, position + 1)


def _offers(text: str, position: int) -> tuple[StoredOffers, int]:
    """The array opening at ``position``, walked once; and where it ends."""
    kept: list[bytes] = []
    ids: list[Any] = []
    elements = _elements(text, position)
    while True:
        try:
            offer = next(elements)
        except StopIteration as done:
            return StoredOffers(kept, ids), done.value
        kept.append(marshal.dumps(offer))
        ids.append(offer["id"])


def _members(text: str) -> Generator[tuple[str, int], int, None]:
    """The name of each member of the object ``text`` and where its value starts; the
    caller reads the value and sends back where it ends."""
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
            end = yield key, _space(text, position + 1)
            position = _space(text, end)
            if _expect(text, position, ",}", "« , » ou « } »") == "}":
                position += 1
                break
            position = _space(text, position + 1)
    position = _space(text, position)
    if position != len(text):
        raise StoredDocumentError(text, position, "texte en trop après le document")


def read_stored(text: str, array_key: str = "offers") -> dict[str, Any]:
    """The JSON object ``text``, its members decoded in order, but the array under
    ``array_key`` (each element an object with an ``id``) read as :class:`StoredOffers`.

    Equal to ``json.loads(text)`` member for member (with the offers as a sequence).
    StoredDocumentError, with the position, for anything else than such an object.
    """
    document: dict[str, Any] = {}
    members = _members(text)
    try:
        key, position = next(members)
        while True:
            if key == array_key and text.startswith("[", position):
                document[key], position = _offers(text, position)
            else:
                document[key], position = _value(text, position)
            key, position = members.send(position)
    except StopIteration:
        return document


def iter_offers(text: str, array_key: str = "offers") -> Iterator[Any]:
    """The elements of the array under ``array_key`` of the JSON object ``text``, each
    decoded as it is reached, for a reader that goes over them once and needs nothing
    else: nothing is read past the array. Nothing if the document has no such array."""
    members = _members(text)
    try:
        key, position = next(members)
        while not (key == array_key and text.startswith("[", position)):
            key, position = members.send(_value(text, position)[1])
    except StopIteration:
        return
    yield from _elements(text, position)
