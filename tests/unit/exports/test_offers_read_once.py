"""The formats said to read a lot's offers once read each offer of a stored result once:
each pass over offers read from the stored text reads all of them again."""

from __future__ import annotations

import dataclasses
import json

import pytest

from spar.exports import EXPORTS
from spar.exports import stored_document
from spar.exports.stored_document import StoredOffers, read_stored

from . import builders

ONCE = [fmt for fmt, export in EXPORTS.items() if export.offers_read_once]


def test_the_streamed_formats_are_the_breakdowns_and_the_json():
    assert ONCE == ["csv", "xlsx", "json"]


@pytest.mark.parametrize("fmt", ONCE)
def test_each_stored_offer_is_decoded_once(fmt, monkeypatch):
    crit = builders.criteria()
    lot = builders.scored_lot(crit)
    stored = read_stored(json.dumps(lot.result))
    assert isinstance(stored["offers"], StoredOffers)
    lot = dataclasses.replace(lot, result=stored)
    consultation = builders.consultation([lot, builders.unscored_lot()], crit)
    decoded = []
    thaw = stored_document._thaw
    monkeypatch.setattr(stored_document, "_thaw",
                        lambda kept: decoded.append(kept) or thaw(kept))
    whole = builders.consultation(crit=crit)
    out = b"".join(EXPORTS[fmt](consultation))
    assert len(decoded) == len(set(decoded)) == len(stored["offers"])
    if fmt != "xlsx":  # the workbook carries the time it was written
        assert out == b"".join(EXPORTS[fmt](whole))
