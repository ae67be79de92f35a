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
offers again. That walk leaves numbers undecoded (two thirds of the cost of decoding);
each later pass over the offers decodes them all again, so this suits a render that goes
over them once. :func:`iter_offers` reads them in a single pass, with no walk, for a
reader that needs nothing else of the document.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Sequence
from functools import cached_property
from json.decoder import scanstring
from typing import Any, Generator, Iterator

#: JSON's whitespace, as the standard decoder skips it.
_SPACE = re.compile(r"[ \t\n\r]*")
_decode = json.JSONDecoder().raw_decode
#: Decodes what the walk over the offers only looks through: it needs where each offer
#: ends and its id, not its numbers, and turning digits into floats is a third of the
#: decoding (the syntax is checked all the same; each number becomes its length).
_skim = json.JSONDecoder(parse_float=len, parse_int=len).raw_decode


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


def _value(text: str, position: int, decode=_decode) -> tuple[Any, int]:
    try:
        return decode(text, position)
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


def _elements(text: str, position: int, decode=_decode
              ) -> Generator[tuple[int, Any], None, int]:
    """Each element of the array opening at ``position`` with where it starts, decoded in
    turn by ``decode``; returns where the array ends."""
    position = _space(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    count = 0
    while True:
        element, end = _value(text, position, decode)
        count += 1
        if not isinstance(element, dict) or "id" not in element:
            raise StoredDocumentError(text, position, f"offre n° {count} sans "
                                      "identifiant (un objet avec « id » attendu)")
        yield position, element
        position = _space(text, end)
        if _expect(text, position, ",]", "« , » ou « ] »") == "]":
            return position + 1
        position = _space(text, position + 1)


def _offers(text: str, position: int) -> tuple[StoredOffers, int]:
    """The array opening at ``position``, walked once; and where it ends."""
    starts = array("q")
    ids: list[Any] = []
    elements = _elements(text, position, _skim)
    while True:
        try:
            start, offer = next(elements)
        except StopIteration as done:
            return StoredOffers(text, starts, ids), done.value
        starts.append(start)
        oid = offer["id"]
        # a number was skimmed to its length: that offer is decoded for its id
        ids.append(oid if isinstance(oid, str) else _decode(text, start)[0]["id"])


def _members(text: str) -> Iterator[tuple[str, int]]:
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
    elements = _elements(text, position)
    for _, element in elements:
        yield element
