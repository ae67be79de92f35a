"""The exports read a stored scoring as its text and its offers one at a time: what they
write is what the document decoded whole gives, and the request never holds every
offer's objects at once. The text read back is the text written, on either database."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest
from openpyxl import load_workbook
from sqlalchemy import Text, cast, select

from spar.db import stored_text
from spar.db.models import Consultation, Scoring
from spar.db.stored_text import scoring_text
from spar.exports import get_export
from spar.exports.stored_document import StoredOffers, read_stored
from spar.pipeline import evaluate_inputs
from spar.services import exports
from spar.services.audit import content_hash
from spar.services.criteria_sets import criteria_of
from spar.services.principal import OPERATOR
from spar.services.repositories import Scorings

OFFERS = 1500
#: What the latest scoring stores in the tests below that do not score: numbers jsonb
#: would rewrite, escapes, text beyond ASCII.
TRICKY = {"zero": -0.0, "big": 1e16, "tiny": 2.5e-05, "sum": 0.1 + 0.2, "huge": 1e300,
          "text": "« guillemets » \" \\ \u2014 \U0001f600 ] } , ", "nested": [[], [{}], [[1]]]}


@pytest.fixture
def scored(flow):
    return flow.two_offers_scored()


def _store(uow, scoring_of) -> None:
    """Store a new latest scoring of lot 1 whose result is ``scoring_of(latest, criteria)``
    (a ``(result, inputs)`` pair)."""
    with uow() as u:
        consultation = u.session.execute(select(Consultation)).scalar_one()
        lot = consultation.lots[0]
        latest = Scorings(u.session).latest(lot)
        criteria = criteria_of(consultation.criteria_set)
        result, inputs = scoring_of(latest, criteria)
        u.session.add(Scoring(
            public_id=f"s-big-{id(result)}", lot_id=lot.id,
            criteria_set_id=latest.criteria_set_id, criteria_sha256=latest.criteria_sha256,
            engine_version=latest.engine_version, model_version=latest.model_version,
            inputs=inputs, result=result, result_sha256=content_hash(result),
            created_by=latest.created_by, created_at=latest.created_at))
        u.commit()


def _many_offers(latest, criteria):
    """The lot again with ``OFFERS`` offers, scored and reviewed as the service does."""
    inputs = dict(latest.inputs)
    model = inputs["offers"][0]
    inputs["offers"] = [{**model, "id": f"o-{k:05d}", "answers": {
        **model["answers"], "price_eur": 9_000 + 7 * k, "co2e_kg": 0.5 + (k % 40) / 10}}
        for k in range(OFFERS)]
    inputs["marks"] = {}
    return evaluate_inputs(criteria, inputs).document(), inputs


def _as_text(session, lot) -> tuple[Scoring, str, str]:
    """The latest scoring and its two documents' text, each selected whole as text (what
    the pieces read by the service must join into)."""
    scoring = Scorings(session).latest(lot)
    texts = session.execute(select(cast(Scoring.result, Text), cast(Scoring.inputs, Text))
                            .where(Scoring.id == scoring.id)).one()
    return scoring, texts[0], texts[1]


@pytest.fixture
def big(scored, uow):
    _store(uow, _many_offers)
    with uow() as u:
        lot = u.session.execute(select(Consultation)).scalar_one().lots[0]
        _, text, _ = _as_text(u.session, lot)
    return scored, text


def _export(uow, reference: str, fmt: str) -> bytes:
    chunks, _, _ = exports.export(uow(), OPERATOR, reference, fmt)
    return b"".join(chunks)


def _whole(uow, reference: str, fmt: str) -> bytes:
    """The export rendered from every stored document decoded whole, as it was before."""
    with uow() as u:
        consultation = u.session.execute(
            select(Consultation).where(Consultation.reference == reference)).scalar_one()
        return b"".join(get_export(fmt)(exports.bundle(u.session, consultation)))


def _cells(workbook: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_read_offer_by_offer_is_the_export_of_the_whole_document(big, uow, fmt):
    flow, _ = big
    lazy, whole = _export(uow, flow.reference, fmt), _whole(uow, flow.reference, fmt)
    if fmt == "xlsx":  # the workbook carries the time it was written: compare its cells
        lazy, whole = _cells(lazy), _cells(whole)
        assert any(row[2] == "o-01499" for row in lazy["Classement"])
    else:
        assert b"o-01499" in lazy
    assert lazy == whole


def test_the_formats_that_read_offers_once_get_them_from_the_text(big, uow):
    flow, _ = big
    with uow() as u:
        consultation = u.session.execute(select(Consultation)).scalar_one()
        lazy = exports.bundle(u.session, consultation, offers_read_once=True)
        whole = exports.bundle(u.session, consultation)
    assert isinstance(lazy.lots[0].entries, StoredOffers)
    assert isinstance(whole.lots[0].entries, list)
    assert lazy.lots[0].offer_index == whole.lots[0].offer_index
    assert lazy.lots[0].sensitivity == whole.lots[0].sensitivity
    assert lazy.criteria == whole.criteria


def _drain(uow, reference: str, fmt: str) -> None:
    chunks, _, _ = exports.export(uow(), OPERATOR, reference, fmt)
    for _ in chunks:  # sent as it comes: the response does not keep what it sent
        pass


def _traced_peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_never_holds_the_decoded_document(big, uow, fmt):
    flow, text = big
    decoded = _traced_peak(lambda: json.loads(text))
    peak = _traced_peak(lambda: _drain(uow, flow.reference, fmt))
    # decoded whole, the document alone is more than the whole request takes now: the
    # texts, one offer at a time and what is being written (about 0.6 of it here, less
    # for a bigger lot; decoding it whole took 1.3 of it, with the text)
    assert peak < decoded, (peak, decoded)


def test_the_text_read_back_is_the_text_written(scored, uow):
    _store(uow, lambda latest, criteria: ({**latest.result, "tricky": TRICKY}, latest.inputs))
    with uow() as u:
        lot = u.session.execute(select(Consultation)).scalar_one().lots[0]
        scoring, result_text, inputs_text = _as_text(u.session, lot)
        result = json.loads(result_text)
        # what SQLAlchemy wrote: json.dumps of the document (PostgreSQL's json keeps it)
        assert result_text == json.dumps(result) and inputs_text == json.dumps(
            json.loads(inputs_text))
        assert result["tricky"] == TRICKY and str(result["tricky"]["zero"]) == "-0.0"
        assert content_hash(result) == scoring.result_sha256
        read = read_stored(result_text)
        assert {**read, "offers": list(read["offers"])} == result
        assert content_hash({**read, "offers": list(read["offers"])}) == scoring.result_sha256


@pytest.mark.parametrize("size", [1, 3, 7, 4096])
def test_the_text_read_in_pieces_is_the_text_written(scored, uow, size):
    # multi-byte characters land across the pieces' edges at every size
    _store(uow, lambda latest, criteria: ({**latest.result, "tricky": TRICKY}, latest.inputs))
    with uow() as u:
        lot = u.session.execute(select(Consultation)).scalar_one().lots[0]
        scoring, result_text, inputs_text = _as_text(u.session, lot)
        assert Scorings(u.session).latest_unread(lot).id == scoring.id
        assert "".join(Scorings(u.session).stored_text(scoring, "result")) == result_text
        for column, whole in (("result", result_text), ("inputs", inputs_text)):
            pieces = list(scoring_text(u.session, scoring.id, column, size=size))
            assert "".join(pieces) == whole
            assert len(pieces) >= len(whole.encode("utf-8")) // size // 2  # not read whole
        with pytest.raises(ValueError, match="colonne inconnue"):
            next(scoring_text(u.session, scoring.id, "created_by"))


def test_the_review_queue_and_exports_read_the_stored_text_a_piece_at_a_time(big, uow,
                                                                              monkeypatch):
    flow, text = big
    read = []
    real = stored_text._sqlite, stored_text._postgresql

    def counted(real_reader):
        def reader(*args):
            for piece in real_reader(*args):
                read.append(len(piece))
                yield piece
        return reader

    monkeypatch.setattr(stored_text, "PIECE", 64 * 1024)
    monkeypatch.setattr(stored_text, "_sqlite", counted(real[0]))
    monkeypatch.setattr(stored_text, "_postgresql", counted(real[1]))
    _drain(uow, flow.reference, "csv")
    assert max(read) == 64 * 1024 and sum(read) > len(text)  # the result, then the inputs
    read.clear()
    queue = flow.call("GET", f"/api/v1/consultations/{flow.reference}/lots/1/review-queue",
                      "buyer", 200).get_json()
    assert queue["items"] and max(read) == 64 * 1024 and sum(read) == len(text.encode())
