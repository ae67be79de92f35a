import json

import pytest

from spar.exports import ExportError
from spar.exports.indicators import indicators_json
from spar.exports.indicators_pdf import indicators_pdf

from .conftest import ink_share, pdf_pages_text

FIGURES = {"year": 2026, "organisation": "Métropole de Lyonnais", "consultations": 42,
           "with_environmental_share": 1.0, "with_social_share": 0.64,
           "pillar_weights": {"economic": 0.45, "environmental": 0.22, "social": 0.15,
                              "technical": 0.18},
           "insertion_hours": 12450.0, "awards": 30, "sme_award_share": 0.4,
           "sme_known_awards": 25}


def test_indicators_fit_on_one_page_with_charts():
    data = indicators_pdf(FIGURES)
    (text,) = pdf_pages_text(data)
    assert "Indicateurs SPAR 2026" in text and "12 450" in text.replace("\u202f", " ")
    assert "64,0 %" in text.replace("\u00a0", " ") and "Environnemental" in text
    assert ink_share(data) > 0.03


def test_unknown_sme_share_is_shown_as_unknown():
    (text,) = pdf_pages_text(indicators_pdf({**FIGURES, "sme_award_share": None,
                                             "sme_known_awards": 0}))
    assert "non connu" in text


def test_every_problem_of_the_figures_is_named():
    bad = {**FIGURES, "with_social_share": 64, "pillar_weights": {"price": 0.5}}
    del bad["year"]
    with pytest.raises(ExportError) as error:
        indicators_pdf(bad)
    message = str(error.value)
    assert "« year » manquant" in message
    assert "« with_social_share » : une part entre 0 et 1 est attendue" in message
    assert "pilier(s) inconnu(s) : price" in message


def test_json_gives_every_pillar():
    figures = {**FIGURES, "pillar_weights": {"economic": 1.0}}
    assert json.loads(indicators_json(figures))["pillar_weights"] == {
        "economic": 1.0, "environmental": 0.0, "social": 0.0, "technical": 0.0}
