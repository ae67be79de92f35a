"""The stored scoring is the record (SPEC §4.1): every export, ranking view and indicator of
an old scoring says what it said on the day, whatever changed since — the review model
retrained and swapped, the audit sample rate and a rule's default changed. Only
``…/rescore`` scores again, and it says what changed."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from spar.engine.low_price import mean_ratio
from spar.engine.methods.base import Param
from spar.review.artifact import ENV_VAR
from spar.services import criteria_sets

from .conftest import CRITERIA_YAML

#: The abnormally-low rule without its ratio: the rule's default decides (0.8 today).
CRITERIA = CRITERIA_YAML.replace("method: mean_ratio, ratio: 0.8", "method: mean_ratio")
REFERENCE = "2026-FOUR-001"
BUYER_FORMATS = ("csv", "xlsx", "pdf", "json", "ocds")
SUPPLIER_FORMATS = ("letter", "letter-json")


@pytest.fixture
def fresh_criteria_cache():
    """Stored criteria sets are read again, as after a restart on new code."""
    criteria_sets._build.cache_clear()
    yield
    criteria_sets._build.cache_clear()


def _scored(flow, app):
    """A closed consultation whose lot 1 is scored with today's model, every offer not
    flagged otherwise drawn for an audit, the rule's default ratio (0.8: 6 000 is
    abnormally low, 8 000 is not), and the buyer's decision on the abnormally-low offer."""
    flow.upload_criteria(CRITERIA)
    deadline = flow.clock.now().replace(hour=12)
    deadline = deadline.replace(day=deadline.day + 10)
    flow.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": REFERENCE, "title": "Fournitures de bureau 2027",
        "criteria_set": "fournitures-test", "criteria_version": 1,
        "deadline": deadline.isoformat(),
        "lots": [{"id": "1", "title": "Papeterie", "estimate": 12000.0}]})
    flow.call("POST", f"/api/v1/consultations/{REFERENCE}/publish", "buyer", 200)
    offers = [flow.submit("supplier", 6000, co2=1.0),
              flow.submit("supplier_b", 8000, co2=0.8, labels=("EU Ecolabel",),
                          evidence={"labels": []}),
              flow.submit("supplier_c", 12000, co2=3.0, labels=())]
    flow.close()
    for offer, mark in zip(offers, (3, 4, 2)):
        flow.mark(offer["id"], mark)
    app.config["REVIEW_SAMPLE_RATE"] = 1.0
    result = flow.score()
    flow.call("POST", f"/api/v1/offers/{offers[0]['id']}/review", "buyer", 201,
              json={"decision": "cleared", "comment": "Prix justifié par un devis détaillé."})
    return result, offers


def _everything(flow, offers) -> dict[str, bytes]:
    """Every rendering of the stored scoring the service offers, as bytes."""
    base = f"/api/v1/consultations/{REFERENCE}"
    out = {}
    for fmt in BUYER_FORMATS:
        for who in ("buyer", "auditor"):
            out[f"{fmt}-{who}"] = flow.call("GET", f"{base}/export?format={fmt}", who, 200).data
    for fmt in SUPPLIER_FORMATS:
        out[fmt] = flow.call("GET", f"{base}/export?format={fmt}", "supplier_b", 200).data
    for who in ("buyer", "auditor", "supplier", "supplier_c"):
        out[f"ranking-{who}"] = flow.call("GET", f"{base}/lots/1/ranking", who, 200).data
    out["sensitivity"] = flow.call("GET", f"{base}/lots/1/sensitivity?pairs=true", "auditor",
                                   200).data
    for offer in offers:
        out[f"review-{offer['id']}"] = flow.call("GET", f"/api/v1/offers/{offer['id']}/review",
                                                 "buyer", 200).data
    out["indicators"] = flow.call("GET", "/api/v1/indicators?year=2026", "auditor", 200).data
    return out


def _cells(workbook: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(workbook))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_every_rendering_of_an_old_scoring_is_unchanged_after_the_model_and_defaults_change(
        flow, app, monkeypatch, other_model, fresh_criteria_cache):
    stored, offers = _scored(flow, app)
    before = _everything(flow, offers)

    # what a later release and deployment may change: the model, the sample rate, a default
    directory, version = other_model
    monkeypatch.setenv(ENV_VAR, str(directory))
    app.config["REVIEW_SAMPLE_RATE"] = 0.0
    monkeypatch.setattr(mean_ratio, "PARAMETERS", (Param("ratio", "score", default=0.95),))
    criteria_sets._build.cache_clear()

    after = _everything(flow, offers)
    assert sorted(after) == sorted(before)
    for name in before:
        if name.startswith("xlsx"):  # a workbook's zip stamps the time it was written
            assert _cells(after[name]) == _cells(before[name]), name
        else:
            assert after[name] == before[name], name

    # the changes were real: scoring the stored inputs again tells them apart, and says so
    (report,) = flow.call("GET", f"/api/v1/consultations/{REFERENCE}/rescore", "auditor",
                          200).get_json()["items"]
    assert not report["reproduced"] and not report["same_model"]
    stored_version = stored["offers"][0]["review"]["model_version"]
    assert report["model_version"] == {"stored": stored_version, "recomputed": version}
    assert report["differences"][0] == {"path": "review.model_version", "stored": stored_version,
                                        "recomputed": version,
                                        "problem": "modèle de revue différent"}
    paths = {d["path"] for d in report["differences"]}
    assert any(p.endswith("review.model_score") for p in paths)
    assert any(".review.reasons" in p or ".review.flagged" in p for p in paths)


def _stored_result(uow) -> dict:
    from sqlalchemy import select

    from spar.db.models import Scoring

    with uow() as work:
        return json.loads(json.dumps(work.session.execute(select(Scoring)).scalar_one().result))


def test_exports_say_what_the_stored_result_says(flow, app, uow):
    _scored(flow, app)
    stored = _stored_result(uow)
    base = f"/api/v1/consultations/{REFERENCE}/export?format="
    exported = json.loads(flow.call("GET", base + "json", "auditor", 200).data)
    (lot,) = exported["lots"]
    for offer in lot["result"]["offers"]:
        offer.pop("marks")
        offer["review"].pop("decision")
    assert lot["result"] == stored

    csv_text = flow.call("GET", base + "csv", "auditor", 200).data.decode("utf-8-sig")
    for entry in stored["offers"]:
        total = f"{entry['total']:.2f}".replace(".", ",")
        assert f";{entry['id']};" in csv_text and f";{total}\r\n" in csv_text

    ocds = json.loads(flow.call("GET", base + "ocds", "auditor", 200).data)
    stats = {s["measure"]: s["value"] for s in ocds["releases"][0]["bids"]["statistics"]}
    low = [o for o in stored["offers"]
           if any(r["code"] == "abnormally_low" for r in o["review"]["reasons"])]
    assert stats["abnormallyLowBids"] == len(low) == 1
    assert sum(o["review"]["flagged"] for o in stored["offers"]) > len(low)


def test_a_bidder_sees_neither_the_buyers_review_nor_its_notes(flow, app):
    stored, offers = _scored(flow, app)
    noted = next(o for o in stored["offers"] if o["review"]["notes"])
    who = {offers[0]["id"]: "supplier", offers[1]["id"]: "supplier_b",
           offers[2]["id"]: "supplier_c"}[noted["id"]]
    url = f"/api/v1/consultations/{REFERENCE}/lots/1/ranking"
    seen = flow.call("GET", url, who, 200).get_data(as_text=True)
    for note in noted["review"]["notes"]:
        assert note["message"] not in seen and note["code"] not in seen
    assert '"notes"' not in seen and '"review"' not in seen
    letter = flow.call("GET", f"/api/v1/consultations/{REFERENCE}/export?format=letter-json",
                       who, 200).get_data(as_text=True)
    assert all(note["message"] not in letter for note in noted["review"]["notes"])


def test_a_scoring_stored_before_notes_existed_still_renders(flow, app, uow):
    """Documents written before review.notes: rule findings were flags then, and stay so."""
    from sqlalchemy import select

    from spar.db.models import Scoring

    _scored(flow, app)
    with uow() as work:
        scoring = work.session.execute(select(Scoring)).scalar_one()
        old = json.loads(json.dumps(scoring.result))
        for entry in old["offers"]:
            review = entry["review"]
            notes = review.pop("notes")
            review["reasons"] += notes
            entry["reasons"] += notes
            review["flagged"] = review["flagged"] or bool(notes)
        scoring.result = old
        work.commit()
    base = f"/api/v1/consultations/{REFERENCE}"
    for fmt in BUYER_FORMATS:
        assert flow.call("GET", f"{base}/export?format={fmt}", "auditor", 200).data
    for fmt in SUPPLIER_FORMATS:
        assert flow.call("GET", f"{base}/export?format={fmt}", "supplier_b", 200).data
    flow.call("GET", f"{base}/lots/1/ranking", "supplier_b", 200)
    flow.call("GET", f"{base}/lots/1/sensitivity?pairs=true", "buyer", 200)
    pdf = flow.call("GET", f"{base}/export?format=pdf", "auditor", 200).data
    assert pdf.startswith(b"%PDF")
