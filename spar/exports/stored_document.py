"""A stored scoring document read from its text one offer at a time, as the text arrives.

A stored result of 100,000 offers is some 650 MB of JSON text, which :func:`json.loads`
turns into about 2 GB of dicts, lists and floats that an export then walks once.
:func:`read_stored` decodes every top-level member of the document but its ``offers``
array, which becomes a :class:`StoredOffers`: a sequence that gives each offer when it is
asked for, so an export holds the offer it is writing, not every offer at once. What it
gives is exactly what ``json.loads(text)`` gives (the same decoder, element by element),
so the record's SHA-256 is unchanged; the text itself is only read.

The text may be given whole or as its pieces in order (the database hands it over a
megabyte at a time, :mod:`spar.db.stored_text`): what has been decoded is let go, so
reading never holds more than a piece or two of the text.

The array is walked once when the document is read: the members after it
(``sensitivity``, ``parameters``) are only reachable past it, and a damaged or truncated
document fails there with its position rather than in the middle of a download. Each
offer decoded on that walk is kept as :mod:`marshal` bytes, with its id: about two thirds
of the text's size, read back four times faster than the JSON is decoded, which is what
makes each later pass over the offers cheap (marshal is exact for these types and never
leaves the process). Past :data:`KEPT_IN_MEMORY` bytes they go to a temporary file of
the request's own, deleted when the offers are, so a big lot costs disk, not memory.
:func:`iter_offers` reads the offers in a single pass, for a reader that needs nothing
else of the document.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import tempfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from json.decoder import scanstring
from typing import Any, Iterator

#: JSON's whitespace, as the standard decoder skips it.
_SPACE = re.compile(r"[ \t\n\r]*")
#: What may follow the part of a number already read.
_NUMBER = re.compile(r"[0-9.eE+-]*")
_decode = json.JSONDecoder().raw_decode
#: How a kept offer is read back.
_thaw = marshal.loads
#: Text given whole is read in pieces of this many characters, as the database's are.
PIECE = 1 << 20
#: Decoded text is let go once this much of it is behind the reader.
_LET_GO = 1 << 20
#: Bytes of kept offers held in memory before they go to a temporary file.
KEPT_IN_MEMORY = 16 << 20
#: Bytes read from that file at a time by a pass over the offers.
_BLOCK = 1 << 20


class StoredDocumentError(ValueError):
    """The stored text is not the JSON document it should be (truncated, damaged)."""

    def __init__(self, line: int, column: int, position: int, length: int, problem: str,
                 cut: bool) -> None:
        # a cut text fails at its end, or wherever the decoder was (the start of an
        # unterminated string) but then it no longer ends the way every document does
        ending = " ; le texte s'arrête avant la fin du document : tronqué ?" if cut else ""
        super().__init__(f"document enregistré illisible, ligne {line} colonne {column} "
                         f"(caractère {position} sur {length}) : {problem}{ending}")
        self.position = position


class _Reader:
    """The document's text as its pieces arrive, with a position in it; the text behind
    the position is let go at :meth:`let_go`. Positions are in :attr:`text`, which starts
    :attr:`start` characters into the document."""

    def __init__(self, pieces: str | Iterable[str]) -> None:
        if isinstance(pieces, str):
            whole = pieces
            pieces = (whole[k:k + PIECE] for k in range(0, len(whole), PIECE))
        self._pieces = iter(pieces)
        self.text = ""
        self.pos = 0
        self.start = 0
        self._ended = False
        # what the let-go text said, for an error's line and column and its "cut?"
        self._lines = 0
        self._last_newline = -1
        self._last_sign = ""

    def more(self, at_least: int = 1) -> bool:
        """Read pieces until ``at_least`` more characters are here; False if none came."""
        had = have = len(self.text)
        came = []
        for piece in self._pieces:
            came.append(piece)
            have += len(piece)
            if have >= had + at_least:
                break
        else:
            self._ended = True
        if have > had:
            self.text = "".join([self.text, *came])
        return have > had

    def grow(self) -> bool:
        """More text after a value that did not fit: as much again as is ahead (a piece
        at least), so that a long value is not decoded over and over from its start."""
        return not self._ended and self.more(max(len(self.text) - self.pos, 1))

    def let_go(self) -> None:
        if self.pos < _LET_GO:
            return
        text, pos = self.text, self.pos
        lines = text.count("\n", 0, pos)
        if lines:
            self._lines += lines
            self._last_newline = self.start + text.rfind("\n", 0, pos)
        sign = pos - 1
        while sign >= 0 and text[sign] in " \t\n\r":
            sign -= 1
        self._last_sign = text[sign] if sign >= 0 else self._last_sign
        self.text = text[pos:]
        self.start += pos
        self.pos = 0

    def space(self) -> None:
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text) or not self.grow():
                return

    def peek(self) -> str:
        """The next character past whitespace ('' at the end of the text)."""
        self.space()
        return self.text[self.pos:self.pos + 1]

    def expect(self, allowed: str, what: str) -> str:
        found = self.peek()
        if not found or found not in allowed:
            raise self.error(self.pos, f"{what} attendu, trouvé {found!r}")
        return found

    def value(self) -> Any:
        """The JSON value at the position (past whitespace); the position moves past it."""
        self.space()
        while True:
            try:
                value, end = _decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.grow():
                    continue
                raise self.error(exc.pos, exc.msg) from None
            # a number at the end of a piece ("1" of "1.5", "2." of "2.5e3") may go on
            # in the next one; objects, arrays and strings say where they end
            if type(value) in (int, float) and _NUMBER.match(
                    self.text, end).end() == len(self.text) and self.grow():
                continue
            self.pos = end
            return value

    def name(self) -> str:
        """The member name at the position (its opening quote)."""
        while True:
            try:
                key, self.pos = scanstring(self.text, self.pos + 1)
                return key
            except json.JSONDecodeError as exc:
                if not self.grow():
                    raise self.error(exc.pos, exc.msg) from None

    def end(self) -> None:
        self.space()
        if self.pos != len(self.text):
            raise self.error(self.pos, "texte en trop après le document")

    def error(self, at: int, problem: str) -> StoredDocumentError:
        """The error at ``at`` in :attr:`text`, placed in the whole document."""
        while self.more(PIECE):  # how long the document is, and how it ends
            pass
        position = self.start + at
        newline = self.text.rfind("\n", 0, at)
        last_newline = self.start + newline if newline >= 0 else self._last_newline
        line = self._lines + self.text.count("\n", 0, at) + 1
        kept = self.text.rstrip()
        whole = self.start + len(kept) if kept else self.start
        sign = kept[-1:] or self._last_sign
        return StoredDocumentError(line, position - last_newline, position,
                                   self.start + len(self.text), problem,
                                   position >= whole or sign != "}")


class _Kept:
    """Byte strings appended in turn and read back by position: in memory while they are
    small, then in a temporary file (deleted when this is)."""

    def __init__(self) -> None:
        self._memory: list[bytes] | None = []
        self._file = None
        self._ends = array("q")
        self._size = 0

    def append(self, data: bytes) -> None:
        self._size += len(data)
        self._ends.append(self._size)
        if self._memory is not None and self._size > KEPT_IN_MEMORY:
            self._file = tempfile.TemporaryFile(prefix="spar-offres-")
            self._file.writelines(self._memory)
            self._memory = None
        if self._memory is not None:
            self._memory.append(data)
        else:
            self._file.write(data)

    def close_writing(self) -> None:
        if self._file is not None:
            self._file.flush()

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[bytes]:
        if self._memory is not None:
            yield from self._memory
            return
        # read from the file a block at a time, not once per offer
        fd, start, block, block_start = self._file.fileno(), 0, b"", 0
        for end in self._ends:
            if end > block_start + len(block):
                block, block_start = os.pread(fd, max(_BLOCK, end - start), start), start
            yield block[start - block_start:end - block_start]
            start = end

    def __getitem__(self, k: int) -> bytes:
        if self._memory is not None:
            return self._memory[k]
        if k < 0:
            k += len(self._ends)
        if not 0 <= k < len(self._ends):
            raise IndexError("offre hors de la liste")
        start = self._ends[k - 1] if k else 0
        # pread: no shared file position, so passes may interleave
        return os.pread(self._file.fileno(), self._ends[k] - start, start)


class StoredOffers(Sequence):
    """The offers of a stored document, each kept as :mod:`marshal` bytes and read back
    when it is asked for.

    Built by :func:`read_stored`; ``ids`` are the offers' ids in order. Each offer read
    (by iterating, or ``offers[k]``) is a new object, equal to the stored one.
    """

    def __init__(self, kept: _Kept | list[bytes], ids: list[Any]) -> None:
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


def _elements(reader: _Reader) -> Iterator[Any]:
    """Each element of the array opening at the reader's position, decoded in turn; the
    reader is left past the array."""
    reader.pos += 1
    if reader.peek() == "]":
        reader.pos += 1
        return
    count = 0
    while True:
        reader.let_go()
        reader.space()
        start = reader.pos
        element = reader.value()
        count += 1
        if not isinstance(element, dict) or "id" not in element:
            raise reader.error(start, f"offre n° {count} sans identifiant (un objet avec "
                                      "« id » attendu)")
        yield element
        found = reader.expect(",]", "« , » ou « ] »")
        reader.pos += 1
        if found == "]":
            return


def _offers(reader: _Reader, keep: Callable[[dict], Any] | None) -> StoredOffers:
    """The array opening at the reader's position, walked once."""
    kept = _Kept()
    ids: list[Any] = []
    for offer in _elements(reader):
        kept.append(marshal.dumps(offer if keep is None else keep(offer)))
        ids.append(offer["id"])
    kept.close_writing()
    return StoredOffers(kept, ids)


def _members(reader: _Reader) -> Iterator[str]:
    """The name of each member of the object the text is; the caller reads its value
    (the reader is then at its start), and the reader checks that nothing follows."""
    reader.expect("{", "« { »")
    reader.pos += 1
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            reader.expect('"', "un nom de membre entre guillemets")
            key = reader.name()
            reader.expect(":", "« : »")
            reader.pos += 1
            reader.space()
            yield key
            found = reader.expect(",}", "« , » ou « } »")
            reader.pos += 1
            if found == "}":
                break
    reader.end()


def read_stored(text: str | Iterable[str], array_key: str = "offers",
                keep: Callable[[dict], Any] | None = None) -> dict[str, Any]:
    """The JSON object ``text`` (whole, or its pieces in order), its members decoded in
    order, but the array under ``array_key`` (each element an object with an ``id``)
    read as :class:`StoredOffers`; of each element, what ``keep`` takes of it (default:
    all of it, for a reader that needs only a part).

    Equal to ``json.loads(text)`` member for member (with the offers as a sequence).
    StoredDocumentError, with the position, for anything else than such an object.
    """
    document: dict[str, Any] = {}
    reader = _Reader(text)
    for key in _members(reader):
        if key == array_key and reader.peek() == "[":
            document[key] = _offers(reader, keep)
        else:
            document[key] = reader.value()
        reader.let_go()
    return document


def iter_offers(text: str | Iterable[str], array_key: str = "offers") -> Iterator[Any]:
    """The elements of the array under ``array_key`` of the JSON object ``text`` (whole,
    or its pieces in order), each decoded as it is reached, for a reader that goes over
    them once and needs nothing else: nothing is read past the array. Nothing if the
    document has no such array."""
    reader = _Reader(text)
    for key in _members(reader):
        if key == array_key and reader.peek() == "[":
            yield from _elements(reader)
            return
        reader.value()
        reader.let_go()
