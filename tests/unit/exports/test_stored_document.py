"""A stored document read one offer at a time gives what json.loads gives."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spar.exports import stored_document
from spar.exports.stored_document import (StoredDocumentError, StoredOffers, iter_offers,
                                          read_stored)

TRICKY_OFFERS = [
    {"id": "O1", "note": "guillemet \" barre \\ / et \u00e9t\u00e9 \u2014 \U0001f600",
     "breakdown": [{"criterion": "a.b", "value": [1, [2, [3, []]], {}], "points": -0.0}]},
    {"id": 2, "text": "] , } { [ \"offers\": [", "nested": {"offers": [{"id": "x"}]}},
    {"id": "O3", "numbers": [1e16, 2.5e-05, 0.30000000000000004, 1e300, -1, 0]},
    {"id": "O4", "empty": {}, "none": None, "yes": True, "no": False, "tab": "\t\n"},
]


def _document(offers, **members):
    return {"criteria": {"id": "c", "sha256": "0" * 64}, "engine": "1.0.0",
            "warnings": ["a", "b"], "offers": offers, "sensitivity": {"x": [1, 2]},
            "parameters": {"price": {"ratio": 0.8}}, **members}


def _read(text):
    document = read_stored(text)
    return {**document, "offers": list(document["offers"])}


@pytest.mark.parametrize("dumps", [
    json.dumps,                                                       # SQLite, PostgreSQL json
    lambda d: json.dumps(d, ensure_ascii=False),
    lambda d: json.dumps(d, separators=(",", ":")),
    lambda d: json.dumps(d, indent=2),
    lambda d: " \n\t" + json.dumps(d, separators=(" ,\r\n", " :\t ")) + "\n ",
], ids=["default", "unicode", "compact", "indented", "odd-whitespace"])
def test_reads_what_json_loads_reads(dumps):
    text = dumps(_document(TRICKY_OFFERS))
    assert _read(text) == json.loads(text)
    assert list(read_stored(text)) == list(json.loads(text))  # members in the same order
    # the same types too (1 is not 1.0, -0.0 is not 0.0), so the same SHA-256
    assert json.dumps(_read(text)) == json.dumps(json.loads(text))


@pytest.mark.parametrize("dumps", [json.dumps, lambda d: json.dumps(d, indent=1)])
def test_offers_read_in_one_pass_are_the_stored_offers(dumps):
    text = dumps(_document(TRICKY_OFFERS))
    assert list(iter_offers(text)) == json.loads(text)["offers"]


def test_offers_read_in_one_pass_come_before_the_end_is_read():
    text = json.dumps(_document(TRICKY_OFFERS))
    cut = text[:text.index('{"id": "O3"') + 20]  # the third offer is cut short
    offers = iter_offers(cut)
    assert [next(offers)["id"], next(offers)["id"]] == ["O1", 2]
    with pytest.raises(StoredDocumentError, match="tronqué"):
        next(offers)


def test_no_offers_to_read_in_one_pass():
    assert list(iter_offers('{"a": [1], "offers": null}')) == []
    assert list(iter_offers('{"a": {"offers": [{"id": 1}]}}')) == []
    assert list(iter_offers("{}")) == []


def test_offers_read_by_position_and_by_id():
    offers = read_stored(json.dumps(_document(TRICKY_OFFERS)))["offers"]
    assert isinstance(offers, StoredOffers)
    assert len(offers) == 4
    assert offers[1] == TRICKY_OFFERS[1] and offers[-1] == TRICKY_OFFERS[-1]
    assert offers.ids == ["O1", 2, "O3", "O4"]
    assert offers.positions == {"O1": 0, "2": 1, "O3": 2, "O4": 3}
    assert list(offers) == list(offers) == TRICKY_OFFERS  # every pass reads them again


def test_each_offer_is_decoded_anew_so_none_is_kept():
    offers = read_stored(json.dumps(_document(TRICKY_OFFERS)))["offers"]
    first = next(iter(offers))
    first["id"] = "changed"
    assert offers[0]["id"] == "O1"


def test_empty_and_missing_offers():
    assert _read('{"offers": []}') == {"offers": []}
    assert _read('{"offers" : [ ] }') == {"offers": []}
    assert read_stored("{}") == {}
    assert read_stored('{"offers": null}') == {"offers": None}


def test_another_array_can_be_read_lazily():
    text = json.dumps({"offers": [1, 2], "rows": [{"id": "r"}]})
    document = read_stored(text, array_key="rows")
    assert document["offers"] == [1, 2] and list(document["rows"]) == [{"id": "r"}]


@pytest.mark.parametrize("cut", [1, 50, 300, -200, -40, -1])
def test_a_truncated_document_says_where_it_stops(cut):
    text = json.dumps(_document(TRICKY_OFFERS))
    with pytest.raises(StoredDocumentError, match=r"caractère \d+ sur \d+\) : .*tronqué \?$"):
        read_stored(text[:cut])


@pytest.mark.parametrize("text, problem", [
    ("[]", "« { » attendu"),
    ('{"offers": [{"id": 1} {"id": 2}]}', "« , » ou « ] » attendu"),
    ('{"offers": [{"id": 1}, 2]}', "offre n° 2 sans identifiant"),
    ('{"offers": [{"name": "a"}]}', "offre n° 1 sans identifiant"),
    ('{"a": 1} x', "texte en trop"),
    ('{"a" 1}', "« : » attendu"),
    ('{a: 1}', "nom de membre entre guillemets"),
])
def test_a_damaged_document_is_refused_with_its_position(text, problem):
    with pytest.raises(StoredDocumentError, match=problem) as caught:
        read_stored(text)
    assert "ligne 1 colonne" in str(caught.value)


def test_the_position_of_an_error_is_counted_in_lines():
    with pytest.raises(StoredDocumentError, match="ligne 3 colonne 14"):
        read_stored('{\n "offers": [\n    {"id": 1,}]}')


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text()
                     | st.floats(allow_nan=False, allow_infinity=False),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=12)


@given(st.lists(st.dictionaries(st.text(max_size=5), _json, max_size=4), max_size=5),
       st.dictionaries(st.text(max_size=6).filter(lambda k: k != "offers"), _json, max_size=3),
       st.booleans())
def test_any_document_reads_as_json_loads_reads_it(offers, members, ascii_only):
    offers = [{**offer, "id": k} for k, offer in enumerate(offers)]
    text = json.dumps({**members, "offers": offers}, ensure_ascii=ascii_only)
    assert json.dumps(_read(text)) == json.dumps(json.loads(text))


# ---------------------------------------------------------------- the text in pieces
def _pieces(text: str, size: int):
    """The text as the database hands it over: in pieces, each read when asked for."""
    return (text[k:k + size] for k in range(0, len(text), size))


@pytest.fixture
def small_reads(monkeypatch):
    """Let the decoded text go, and spill kept offers to a file, after a few bytes."""
    monkeypatch.setattr(stored_document, "_LET_GO", 16)
    monkeypatch.setattr(stored_document, "KEPT_IN_MEMORY", 100)
    monkeypatch.setattr(stored_document, "_BLOCK", 10)  # a pass reads the file in blocks


@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
@pytest.mark.parametrize("dumps", [json.dumps, lambda d: json.dumps(d, indent=2),
                                   lambda d: " \n" + json.dumps(d, ensure_ascii=False) + "\n"],
                         ids=["default", "indented", "unicode"])
def test_a_document_in_pieces_reads_as_the_whole_text(small_reads, dumps, size):
    text = dumps(_document(TRICKY_OFFERS * 3))
    read = read_stored(_pieces(text, size))
    assert json.dumps({**read, "offers": list(read["offers"])}) == json.dumps(json.loads(text))
    assert list(iter_offers(_pieces(text, size))) == json.loads(text)["offers"]


def test_a_number_cut_between_two_pieces_is_read_whole():
    text = '{"rank": 3, "total": 12345.678e-3}'
    for cut in range(text.index("1234"), text.index("}")):
        assert read_stored([text[:cut], text[cut:]]) == {"rank": 3, "total": 12345.678e-3}
    cut = text.index("45")
    assert read_stored(iter([text[:7], "", text[7:cut], text[cut:]])) == json.loads(text)


@pytest.mark.parametrize("text", [
    json.dumps(_document(TRICKY_OFFERS))[:-40],
    '{"offers": [{"id": 1} {"id": 2}]}',
    '{"offers": [{"id": 1}, 2]}',
    '{"a": 1} x',
    '{\n "offers": [\n    {"id": 1,}]}',
    json.dumps(_document(TRICKY_OFFERS), indent=1).replace('"O3"', "O3"),
])
def test_an_error_in_pieces_is_the_error_of_the_whole_text(small_reads, text):
    with pytest.raises(StoredDocumentError) as whole:
        read_stored(text)
    for size in (1, 5, 50):
        with pytest.raises(StoredDocumentError) as pieces:
            read_stored(_pieces(text, size))
        assert str(pieces.value) == str(whole.value)
        assert pieces.value.position == whole.value.position


def test_kept_offers_past_the_budget_are_read_back_from_a_file(small_reads):
    offers = read_stored(json.dumps(_document(TRICKY_OFFERS * 5)))["offers"]
    assert offers._kept._file is not None  # spilled: 20 offers are more than 100 bytes
    assert list(offers) == TRICKY_OFFERS * 5
    assert offers[-1] == TRICKY_OFFERS[-1] and offers[7] == TRICKY_OFFERS[3]
    first, second = iter(offers), iter(offers)  # two passes at once keep their places
    assert next(first)["id"] == "O1" and next(first)["id"] == 2
    assert next(second)["id"] == "O1" and next(first)["id"] == "O3"
    with pytest.raises(IndexError):
        offers[20]


def test_reading_in_pieces_holds_a_few_pieces_not_the_document(monkeypatch):
    monkeypatch.setattr(stored_document, "KEPT_IN_MEMORY", 1 << 20)
    offers = [{**TRICKY_OFFERS[k % 4], "id": f"O{k:05d}", "filler": "x" * 400}
              for k in range(20_000)]
    text = json.dumps(_document(offers))
    assert len(text) > 10_000_000

    def read():
        document = read_stored(_pieces(text, 1 << 16))
        assert len(document["offers"]) == 20_000 and document["sensitivity"] == {"x": [1, 2]}
        return document

    tracemalloc.start()
    try:
        document = read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert document["offers"][19_999]["id"] == "O19999"
    # the ids (20,000 short strings: 1.3 MB), the kept offers' ends, a megabyte of kept
    # offers before they go to the file and a megabyte or two of text, where the text
    # alone is ten
    assert peak < 5_000_000, peak


@given(st.lists(st.dictionaries(st.text(max_size=5), _json, max_size=4), max_size=5),
       st.dictionaries(st.text(max_size=6).filter(lambda k: k != "offers"), _json, max_size=3),
       st.integers(1, 40))
def test_any_document_in_any_pieces_reads_as_json_loads_reads_it(offers, members, size):
    offers = [{**offer, "id": k} for k, offer in enumerate(offers)]
    text = json.dumps({**members, "offers": offers, "end": 1.5})
    assert json.dumps(_read(_pieces(text, size))) == json.dumps(json.loads(text))


def test_only_what_is_kept_of_each_offer_is_kept(small_reads):
    text = json.dumps(_document(TRICKY_OFFERS * 5))
    kept = read_stored(_pieces(text, 9), keep=lambda offer: offer.get("note"))["offers"]
    assert kept.ids == [offer["id"] for offer in TRICKY_OFFERS * 5]
    assert list(kept) == [offer.get("note") for offer in TRICKY_OFFERS * 5]
    assert kept[4] == TRICKY_OFFERS[0]["note"]
