"""Offers as JSON (SPEC §3): ``{"offers": [...]}`` or a bare list."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spar.offers_file import OffersFileError, read_offers

OFFER_A = {"id": "A", "lot": "1", "supplier": {"name": "Dupont", "siret": "73282932000074"},
           "answers": {"price_eur": 12000, "co2e_kg": "1,2", "labels": ["EU Ecolabel", "FSC"]},
           "evidence": {"labels": ["EU Ecolabel"]}}
OFFER_B = {"id": "B", "lot": "1", "answers": {"price_eur": 9000, "labels": "FSC"}}


def messages(exc: pytest.ExceptionInfo) -> list[str]:
    return exc.value.lines()


def test_offers_object_is_read_into_columns(criteria, write):
    path = write("offers.json", json.dumps({"offers": [OFFER_A, OFFER_B]}))
    lot = read_offers(path, criteria).lot
    assert lot.offer_ids == ("A", "B")
    assert lot.lot_id == "1"
    np.testing.assert_array_equal(lot.columns["price_eur"], [12000.0, 9000.0])
    assert lot.columns["co2e_kg"][0] == pytest.approx(1.2)
    assert lot.columns["labels"].value_at(0) == ["EU Ecolabel", "FSC"]
    assert lot.columns["labels"].evidence_at(0) == ["EU Ecolabel"]
    assert lot.suppliers[0] == {"name": "Dupont", "siret": "73282932000074"}
    assert lot.suppliers[1] is None


def test_bare_list_of_offers_is_accepted(criteria, write):
    path = write("offers.json", json.dumps([OFFER_B]))
    assert read_offers(path, criteria).lot.offer_ids == ("B",)


def test_malformed_json_is_located(criteria, write):
    path = write("offers.json", '{"offers": [\n  {"id": "A",}\n]}')
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert messages(exc) == [f"{path}:2:14: JSON invalide : nom de clé entre guillemets "
                             "droits attendu"]


def test_unknown_answer_names_the_inputs_criteria_read(criteria, write):
    offer = {"id": "A", "answers": {"price_eur": 1, "co2_kg": 2}}
    path = write("offers.json", json.dumps({"offers": [offer]}))
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    (line,) = messages(exc)
    assert "réponse inconnue « co2_kg » (vouliez-vous dire « co2e_kg » ?)" in line
    assert "price_eur, co2e_kg, recycled_pct" in line


def test_misspelt_offer_key_is_an_error_not_missing_answers(criteria, write):
    path = write("offers.json", json.dumps([{"id": "A", "answer": {"price_eur": 1}}]))
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert "offre n° 1 : clé inconnue « answer » (vouliez-vous dire « answers » ?)" \
        in messages(exc)[0]


def test_every_malformed_answer_is_reported_with_offer_and_input(criteria, write):
    offers = [{"id": "A", "answers": {"price_eur": "cher", "egapro_index": 80}},
              {"id": "B", "answers": {"price_eur": 10, "technical_mark": 9}}]
    path = write("offers.json", json.dumps(offers))
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    found = {(p.offer, p.input) for p in exc.value.problems}
    assert found == {("A", "price_eur"), ("B", "technical_mark")}


def test_a_document_that_is_not_offers_is_refused(criteria, write):
    path = write("offers.json", '{"offres": []}')
    with pytest.raises(OffersFileError, match="offers"):
        read_offers(path, criteria)


def test_evidence_is_read_only_for_labels(criteria, write):
    offer = {"id": "A", "answers": {"price_eur": 1}, "evidence": {"price_eur": ["devis.pdf"]}}
    path = write("offers.json", json.dumps([offer]))
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert messages(exc) == [f"{path}: offre n° 1 : evidence : réponse inconnue « price_eur » "
                             "; justificatifs lus (réponses à labels) : labels"]
