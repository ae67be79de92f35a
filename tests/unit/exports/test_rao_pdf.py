import io
import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from spar.exports.rao_pdf import rao_pdf

from . import builders
from .conftest import ink_share, pdf_pages_text


@pytest.fixture
def rao(consultation):
    return rao_pdf(consultation)


def test_page_one_renders_to_a_png_that_is_not_blank(rao):
    image = pdfium.PdfDocument(rao)[0].render(scale=1).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG")
    assert png.getvalue().startswith(b"\x89PNG")
    assert ink_share(rao) > 0.03


def test_every_page_names_the_criteria_sha256_and_its_number(consultation, rao):
    pages = pdf_pages_text(rao)
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert consultation.criteria.sha256 in text
        assert f"page {number} / {len(pages)}" in text


def test_lot_pages_name_their_scoring(rao):
    pages = pdf_pages_text(rao)
    lot_pages = [t for t in pages if "Lot 1 — Papier et enveloppes" in t]
    assert lot_pages and all("Notation : sc-0001 (lot 1" in t for t in lot_pages)
    assert "Notation : lot 2 : lot non encore noté" in pages[-1]
    assert "Lot non encore noté" in pages[-1]


def test_report_covers_criteria_ranking_exclusions_and_low_prices(rao):
    text = re.sub(r"\s+", " ", " ".join(pdf_pages_text(rao)))
    for expected in ("Critères et pondération", "Empreinte carbone (env.co2)", "15,0 %",
                     "Attributaire pressenti A — Papeterie Azur (78,83 points)",
                     "Points par pilier des offres classées",
                     "Note éliminatoire : Performance environnementale",
                     "Index égalité professionnelle : valeur 70 inférieure au minimum",
                     "Offre anormalement basse (mean_ratio)",
                     "offre maintenue (prix justifié) — Prix justifié par un stock ancien",
                     "Mémoire technique de l'offre B : méthodologie détaillée",
                     "price_lowest_ratio: Pmin / P = 7000.0 / 12000.0 = 0.5833"):
        assert expected in text, expected


def test_sensitivity_section_shows_fragility_and_criterion_lines(consultation):
    sensitivity = {
        "stability": {"fragile": True, "smallest_change_points": 1.5, "criteria": [
            {"criterion": "price", "label": "Prix", "declared_share": 0.4,
             "smallest_change_points": 1.5, "fragile": True,
             "increase": {"share": 0.415, "winner": ["C"]}}]},
        "warnings": ["Décision fragile : une hausse de 1,50 point(s) du poids de Prix"],
        "assumptions": ["Les notes ne dépendent pas des pondérations."],
    }
    lots = [replace(consultation.lots[0], sensitivity=sensitivity)]
    text = " ".join(pdf_pages_text(rao_pdf(replace(consultation, lots=lots))))
    assert "Sensibilité du classement" in text
    assert "Décision fragile : OUI" in text
    assert "Stabilité par critère" in text and "40,0 %" in text


def test_sensitivity_of_an_unexpected_shape_does_not_break_the_report(consultation):
    lots = [replace(consultation.lots[0], sensitivity={"version": 7, "criteria": "?"})]
    text = " ".join(pdf_pages_text(rao_pdf(replace(consultation, lots=lots))))
    assert "Sensibilité du classement" in text


def test_user_text_with_markup_characters_is_printed_as_is():
    lot = builders.scored_lot(suppliers={"A": {"name": "Dupont <&> Fils", "siret": None}})
    text = " ".join(pdf_pages_text(rao_pdf(builders.consultation(lots=[lot]))))
    assert "Dupont <&> Fils" in text


def test_report_of_a_consultation_without_scoring_says_so():
    pages = pdf_pages_text(rao_pdf(builders.consultation(lots=[builders.unscored_lot()])))
    assert "Lot non encore noté" in pages[-1]


def test_notes_are_shown_apart_from_the_offers_to_examine(rao):
    text = re.sub(r"\s+", " ", " ".join(pdf_pages_text(rao)))
    low = text[text.index("Offres anormalement basses Offre"):
               text.index("Autres offres à examiner")]
    # the price column shows the offer's price, whatever statistic a reason carries
    assert "C — Discount Fournitures 7 000,00 Offre anormalement basse (mean_ratio)" in low
    notes = text[text.index("Observations de la revue (sans décision requise)"):
                 text.index("Notes détaillées")]
    assert "F — =Formule Papiers Label revendiqué sans justificatif" in notes
    assert "F — " not in low
