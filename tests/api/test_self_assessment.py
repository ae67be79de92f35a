"""POST /self-assessment: what its schema documents, the criteria set read once, nothing stale."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from spar.api.self_assessment import SelfAssessmentSchema
from spar.services.errors import NotFound
from spar.services.self_assessment import PublishedCriteria

from .conftest import CRITERIA_YAML

URL = "/api/v1/self-assessment"

DRAFTS = [
    {"answers": {"price_eur": 1000, "co2e_kg": 2.5, "labels": ["EU Ecolabel"],
                 "technical_mark": 3}, "evidence": {"labels": ["EU Ecolabel"]}},
    {"answers": {"price_eur": 1200, "labels": ["FSC", "EU Ecolabel"]},
     "evidence": {"labels": ["FSC"]}, "assumptions": {"price_eur": {"best": 900}}, "gain": 3},
    {"answers": {"price_eur": "1 150,50", "co2e_kg": 9}, "assumptions": {"price_eur": [800, 1500]},
     "gain": 0.5},
    {"answers": {}},
]


def _assess(client, draft, set_id="fournitures-test"):
    return client.post(URL, json={"criteria_set": set_id, "version": 1, **draft})


@pytest.mark.parametrize("draft", DRAFTS)
def test_the_answer_is_what_its_schema_documents(flow, draft):
    flow.upload_criteria()
    body = _assess(flow.client, draft).get_json()
    assert body["hints"] or body["total"] == body["points"]
    # the schema dumps it unchanged: no key it does not document, every value of its type
    assert SelfAssessmentSchema().dump(body) == body


class CriteriaReads:
    """Counts the queries reading criteria sets on the app's database."""

    def __init__(self, app):
        self.engine, self.count = app.extensions["spar.db"].engine, 0

    def _seen(self, conn, cursor, statement, *args):
        self.count += "FROM criteria_sets" in statement

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_published_set_is_read_from_the_database_once(app, flow):
    flow.upload_criteria()
    with CriteriaReads(app) as reads:
        totals = {_assess(flow.client, draft).get_json()["total"] for draft in DRAFTS[:3]}
    assert reads.count == 1 and len(totals) == 3


def test_an_unknown_set_is_not_remembered(flow):
    missing = _assess(flow.client, DRAFTS[0])
    assert missing.status_code == 404
    assert missing.get_json()["errors"] == {"criteria_set": [
        "jeu de critères fournitures-test version 1 inconnu"]}
    flow.upload_criteria()
    assert _assess(flow.client, DRAFTS[0]).status_code == 200


def test_the_cache_keeps_the_sets_used_last(app, flow, uow):
    flow.upload_criteria()
    flow.upload_criteria(CRITERIA_YAML.replace("id: fournitures-test", "id: autre-jeu"))
    published = PublishedCriteria(limit=1)
    with CriteriaReads(app) as reads:
        first = published.get(uow(), "fournitures-test", 1)
        assert published.get(uow(), "fournitures-test", 1) is first and reads.count == 1
        assert published.get(uow(), "autre-jeu", 1).id == "autre-jeu" and reads.count == 2
        # one set at most: the first one left and is read again, the same content
        assert published.get(uow(), "fournitures-test", 1).sha256 == first.sha256
        assert reads.count == 3
        with pytest.raises(NotFound):
            published.get(uow(), "inconnu", 3)
