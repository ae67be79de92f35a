import json

from spar.exports.scoring_json import scoring_json


def _document(consultation):
    return json.loads(b"".join(scoring_json(consultation)))


def test_result_is_spec_4_with_the_criteria_set(consultation):
    doc = _document(consultation)
    assert doc["criteria"]["sha256"] == consultation.criteria.sha256
    assert doc["criteria"]["document"]["id"] == "fournitures-bureau"
    lot = doc["lots"][0]
    # the stored result, as it was written (SPEC §4.1)
    expected = json.loads(json.dumps(consultation.lots[0].result))
    for offer in lot["result"]["offers"]:
        del offer["marks"]
        del offer["review"]["decision"]
        offer.pop("supplier")
    for offer in expected["offers"]:
        offer.pop("supplier", None)
    assert lot["result"] == expected


def test_offers_carry_supplier_marks_and_review_decision(consultation):
    offers = {o["id"]: o for o in _document(consultation)["lots"][0]["result"]["offers"]}
    assert offers["A"]["supplier"] == {"name": "Papeterie Azur", "siret": "73282932000009",
                                       "sme": True}
    assert offers["A"]["marks"]["technical"]["mark"] == 3
    assert offers["A"]["marks"]["technical"]["at"] == "2026-09-15T10:00:00+00:00"
    assert offers["C"]["review"]["flagged"] is True
    assert offers["C"]["review"]["decision"]["decision"] == "cleared"
    assert offers["A"]["review"]["decision"] is None


def test_unscored_lot_says_so(consultation):
    lot = _document(consultation)["lots"][1]
    assert lot["scored"] is False and lot["result"] is None
    assert lot["message"] == "lot non encore noté"
