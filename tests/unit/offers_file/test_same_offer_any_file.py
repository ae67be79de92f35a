"""The same offers give the same result whatever file they come from (issue 9): JSON,
French CSV or XLSX — scores, notes and the review model's scores and flags included."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from spar.criteria_file import load_criteria
from spar.offers_file import read_offers
from spar.pipeline import evaluate_lot
from tests.conftest import CRITERIA_DIR

EXAMPLES = CRITERIA_DIR / "examples"
BOTH = sorted(p.name.removesuffix(".offers.csv") for p in EXAMPLES.glob("*.offers.csv"))


def _record(criteria, path) -> dict:
    return json.loads(json.dumps(evaluate_lot(criteria, read_offers(path, criteria).lot)
                                 .document()))


@pytest.mark.parametrize("set_id", BOTH)
def test_the_example_csv_scores_and_reviews_as_its_json(set_id):
    criteria = load_criteria(CRITERIA_DIR / f"{set_id}.yaml")
    from_json = _record(criteria, EXAMPLES / f"{set_id}.offers.json")
    from_csv = _record(criteria, EXAMPLES / f"{set_id}.offers.csv")
    assert from_csv == from_json
    assert any(o["review"]["model_score"] is not None for o in from_csv["offers"])


def test_an_empty_label_list_and_an_empty_cell_are_the_same_answer(criteria, tmp_path):
    answers = {"A": (10000, []), "B": (10500, ["EU Ecolabel"]), "C": (11000, []),
               "D": (12500, ["FSC"])}
    (tmp_path / "o.json").write_text(json.dumps({"offers": [
        {"id": k, "supplier": {"name": f"Entreprise {k}", "siret": None},
         "answers": {"price_eur": p, "labels": labels, "co2e_kg": 2},
         "evidence": {"labels": labels}} for k, (p, labels) in answers.items()]}))
    (tmp_path / "o.csv").write_text(
        "id;supplier;price_eur;labels;evidence.labels;co2e_kg\n" + "".join(
            f"{k};Entreprise {k};{p};{'|'.join(labels)};{'|'.join(labels)};2\n"
            for k, (p, labels) in answers.items()), encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "supplier", "price_eur", "labels", "evidence.labels", "co2e_kg"])
    for k, (p, labels) in answers.items():
        sheet.append([k, f"Entreprise {k}", p, "|".join(labels) or None,
                      "|".join(labels) or None, 2])
    book.save(tmp_path / "o.xlsx")
    records = [_record(criteria, tmp_path / name) for name in ("o.json", "o.csv", "o.xlsx")]
    assert records[1] == records[0] and records[2] == records[0]
    a = next(o for o in records[0]["offers"] if o["id"] == "A")
    assert a["review"]["model_score"] is not None
    assert a["breakdown"][3]["value"] == []
