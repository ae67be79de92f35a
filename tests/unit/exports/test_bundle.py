from dataclasses import replace
from datetime import datetime

import pytest

from spar.criteria_file import load_criteria_text
from spar.exports import ExportError

from . import builders


def test_lot_scored_with_other_criteria_is_refused():
    other = load_criteria_text(builders.SPEC_CRITERIA.replace("version: 2", "version: 3"))
    with pytest.raises(ExportError, match="lot 1 : la notation a été calculée avec les critères "
                                          "fournitures-bureau v3"):
        builders.consultation(lots=[builders.scored_lot(other)])


def test_naive_deadline_is_refused(consultation):
    with pytest.raises(ExportError, match="deadline : date avec fuseau horaire attendue"):
        replace(consultation, deadline=datetime(2026, 9, 1, 12, 0))


def test_review_of_an_unknown_offer_is_refused():
    with pytest.raises(ExportError, match="reviews : offre\\(s\\) absente\\(s\\) de la notation : Z"):
        builders.scored_lot(reviews={"Z": {"decision": "cleared"}})


def test_unknown_review_decision_is_refused():
    with pytest.raises(ExportError, match="décision d'examen inconnue « approved »"):
        builders.scored_lot(reviews={"C": {"decision": "approved"}})


def test_duplicate_lot_is_refused():
    with pytest.raises(ExportError, match="lot 2 en double"):
        builders.consultation(lots=[builders.unscored_lot(), builders.unscored_lot()])


def test_winner_is_the_best_ranked_offer():
    lot = builders.scored_lot()
    assert [entry["id"] for entry in lot.winners] == ["A"]


def test_winner_rejected_after_review_gives_way_to_the_next():
    lot = builders.scored_lot(reviews={"A": {"decision": "rejected", "comment": "prix non justifié"}})
    assert [entry["id"] for entry in lot.winners] == ["B"]


def test_unscored_lot_has_no_winner():
    assert builders.unscored_lot().winners == ()


def test_supplier_falls_back_to_the_offer_supplier():
    lot = builders.scored_lot(suppliers={})
    assert lot.supplier(lot.entries[lot.offer_index["B"]]) == {"name": "Bureau Vert SA",
                                                  "siret": "55210055400005", "sme": None}


def test_naive_review_date_is_refused():
    with pytest.raises(ExportError, match="lot 1, offre C, examen : date avec fuseau horaire"):
        builders.scored_lot(reviews={"C": {"decision": "cleared", "at": "2026-09-15T10:00:00"}})


def test_iso_mark_date_is_accepted():
    marks = {"A": {"technical": {"mark": 3, "justification": "bien",
                                 "at": "2026-09-15T10:00:00+02:00"}}}
    lot = builders.scored_lot(marks=marks)
    assert lot.offer_marks(lot.entries[lot.offer_index["A"]])["technical"]["mark"] == 3
