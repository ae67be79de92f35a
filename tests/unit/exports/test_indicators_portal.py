"""The SME portal's part of the yearly indicators: shape checks and the PDF section."""

import pytest

from spar.exports import ExportError
from spar.exports.indicators import check_figures
from spar.exports.indicators_pdf import indicators_pdf
from spar.exports.indicators_portal import portal_lines

from .conftest import pdf_pages_text
from .test_indicators import FIGURES

TALLY = {"total": 10, "known": 8, "sme": 6, "share": 0.75,
         "by_size": {"micro": 2, "small": 3, "medium": 1, "large": 1, "unknown": 3}}
PORTAL = {
    "sme": {"offers": TALLY, "awards": {**TALLY, "total": 4, "known": 4, "sme": 1,
                                        "share": 0.25},
            "awarded_amounts": {"total": 120000.0, "known": 100000.0, "sme": 40000.0,
                                "share": 0.4}},
    "programme": {"items": [{"id": 1, "title": "Papier recyclé", "status": "planned",
                             "expected_publication": "2026-09", "interested": 4}],
                  "interested": 4, "items_with_interest": 1},
    "deadline_to_scoring": {"lots": 3, "median_days": 9.5, "mean_days": 11.25,
                            "max_days": 20.0},
}


def test_the_portals_figures_are_accepted_and_rendered():
    figures = {**FIGURES, **PORTAL}
    assert check_figures(figures)["sme"] == PORTAL["sme"]
    text = " ".join(pdf_pages_text(indicators_pdf(figures))).replace("\u00a0", " ")
    assert "Accès des PME à la commande publique" in text
    assert "Papier recyclé" in text and "médiane 9,5 j" in text


def test_figures_without_the_portal_still_render():
    assert "sme" not in check_figures(FIGURES)


def test_every_problem_of_the_portals_figures_is_named():
    bad = {**FIGURES, **PORTAL,
           "sme": {"offers": {**TALLY, "share": 75}, "awards": TALLY,
                   "awarded_amounts": {"total": -1, "known": 0, "sme": 0, "share": None}},
           "deadline_to_scoring": {"lots": 1, "median_days": "neuf"}}
    with pytest.raises(ExportError) as error:
        check_figures(bad)
    message = str(error.value)
    assert "« sme.offers.share »" in message and "« sme.awarded_amounts.total »" in message
    assert "« deadline_to_scoring »" in message


def test_the_report_lines_say_the_shares_and_the_interest():
    lines = "\n".join(portal_lines(PORTAL)).replace("\u00a0", " ")
    assert "Part des PME, offres reçues : 75,0 % (8 sur 10 connues" in lines
    assert "Achats prévus : 1, dont 1 suivis par des entreprises (4 marque(s) d'intérêt)" \
        in lines
