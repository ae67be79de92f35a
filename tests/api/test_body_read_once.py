"""A JSON body is parsed once, checked by its bytes when they cannot hide anything, and
an API call opens no signed session: the same answers, for less work."""

from __future__ import annotations

import json

import pytest

from spar.api import body as body_module
from spar.api.errors import _body_problems, _plainly_storable

URL = "/api/v1/self-assessment"
DRAFT = {"criteria_set": "fournitures-test", "version": 1,
         "answers": {"price_eur": 1000, "co2e_kg": 2.5, "labels": ["EU Ecolabel"]}}


@pytest.mark.parametrize("document", [
    {"a": "plain", "b": [1, 2.5, None, True], "c": {"d": "é ü ☃ 𝄞"}},
    {"a": "nul\x00"}, {"nul\x00key": 1}, {"a": ["\ud800"]}, {"\udfff": 1},
    {"a": "\\u0000 written out, not escaped"}, {"a": "tab\there"},
    [[[[[]]]]], {"deep": json.loads("[" * 70 + "]" * 70)},
    {"brackets": "[[[[{{{{" * 20}, {"e": "\u00e9\u20ac"}, {"pair": "\U0001F600"},
    {"hangul": "\ud7a3\ud000"}, {"escaped backslash": "\\u0000 \\ud800"},
])
def test_a_body_passed_by_its_bytes_has_no_problem_the_walk_would_find(document):
    for ensure_ascii in (True, False):
        data = json.dumps(document, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
        if _plainly_storable(data):
            assert _body_problems(json.loads(data)) == {}


def test_nearly_every_body_passes_by_its_bytes():
    assert _plainly_storable(json.dumps(DRAFT, ensure_ascii=False).encode())
    assert _plainly_storable(json.dumps({"fleet": "électrique €"}).encode())  # \u00e9
    assert not _plainly_storable(json.dumps({"a": "\x00"}).encode())
    assert not _plainly_storable(json.dumps(json.loads("[" * 70 + "]" * 70)).encode())


def test_the_view_reads_the_document_the_door_parsed(flow, monkeypatch):
    flow.upload_criteria()
    parsed = []
    loads, decoder = json.loads, body_module._DECODER

    class Counting:
        def decode(self, text):
            parsed.append("door")
            return decoder.decode(text)

    monkeypatch.setattr(body_module, "_DECODER", Counting())
    monkeypatch.setattr(body_module.json, "loads",
                        lambda *a, **k: parsed.append("loads") or loads(*a, **k))
    response = flow.client.post(URL, json=DRAFT)
    assert parsed == ["door"]  # webargs parses with json.loads: it did not
    assert response.status_code == 200 and response.get_json()["total"] > 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_body_webargs_cannot_decode_is_still_a_400(flow, encoding):
    flow.upload_criteria()
    response = flow.client.post(URL, data=json.dumps(DRAFT).encode(encoding),
                                content_type="application/json")
    assert response.status_code == 400


def test_an_api_call_without_a_cookie_sets_none(flow):
    flow.upload_criteria()
    response = flow.client.post(URL, json=DRAFT)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
