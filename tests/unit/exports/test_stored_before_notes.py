"""A scoring stored before the review had notes (tests/unit/exports/data, written by the
code of that time) still renders in every format; only the abnormally-low rules count as
abnormally low, and every flag says which rule or model raised it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spar.exports import EXPORTS
from spar.exports.ocds import ocds_release_package
from spar.exports.rao_pdf import rao_pdf

from . import builders
from .conftest import pdf_pages_text

STORED = json.loads((Path(__file__).parent / "data" / "scoring-before-notes.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture
def old():
    crit = builders.criteria()
    assert crit.sha256 == STORED["criteria_sha256"]
    lot = builders.scored_lot(crit, result=STORED["result"])
    return builders.consultation(lots=[lot, builders.unscored_lot()], crit=crit)


def test_the_stored_document_is_of_the_old_shape():
    offers = {o["id"]: o for o in STORED["result"]["offers"]}
    assert all("notes" not in o["review"] for o in offers.values())
    assert [r["code"] for r in offers["F"]["review"]["reasons"]] == ["unevidenced_label"]


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_every_format_renders(old, fmt):
    options = {"supplier": "F"} if fmt.startswith("letter") else {}
    assert b"".join(EXPORTS[fmt](old, **options))


def test_only_the_abnormally_low_rule_counts_as_abnormally_low(old):
    package = json.loads(b"".join(ocds_release_package(old)))
    stats = {s["measure"]: s["value"] for s in package["releases"][0]["bids"]["statistics"]
             if s["relatedLot"] == "1"}
    assert stats["abnormallyLowBids"] == 1  # C; F was flagged for a label without evidence


def test_the_rao_says_what_raised_each_flag(old):
    text = re.sub(r"\s+", " ", " ".join(pdf_pages_text(rao_pdf(old))))
    low = text[text.index("Offres anormalement basses Offre"):
               text.index("Autres offres à examiner")]
    assert "C — Discount Fournitures 7 000,00 Offre anormalement basse (mean_ratio)" in low
    assert "F — " not in low
    others = text[text.index("Autres offres à examiner"):text.index("Notes détaillées")]
    assert "C — Discount Fournitures modèle de revue Score du modèle de revue" in others
    assert "F — =Formule Papiers règle de revue Label revendiqué sans justificatif" in others


def test_the_workbook_tells_flags_from_abnormally_low_offers(old):
    book = load_workbook(io.BytesIO(b"".join(EXPORTS["xlsx"](old))))
    rows = list(book["Classement"].iter_rows(values_only=True))
    head = rows[0]
    by_offer = {r[head.index("offre")]: r for r in rows[1:] if r[head.index("offre")]}
    examine, low = head.index("à examiner"), head.index("offre anormalement basse")
    assert (by_offer["C"][examine], by_offer["C"][low]) == ("oui", "oui")
    assert (by_offer["F"][examine], by_offer["F"][low]) == ("oui", None)
    assert by_offer["A"][examine] is None
