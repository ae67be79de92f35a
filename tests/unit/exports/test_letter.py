import json
import re

import pytest

from spar.exports import ExportError
from spar.exports.letter import letter_data, letter_pdf

from . import builders
from .conftest import ink_share, pdf_pages_text

OTHERS_OF_B = [builders.SUPPLIERS[k][0] for k in "CDEF"] + \
    [builders.SUPPLIERS[k][1] for k in "ACDEF"]


def _text(consultation, supplier):
    return re.sub(r"\s+", " ", " ".join(pdf_pages_text(letter_pdf(consultation, supplier))))


def test_letter_names_the_winner_and_its_points(consultation):
    text = _text(consultation, "B")
    assert "L'offre retenue est celle de Papeterie Azur, avec 78,83 points sur 100" in text
    assert "se classe 2e sur 4 offre(s) classée(s)" in text


def test_letter_never_names_other_bidders(consultation):
    text = _text(consultation, "55210055400005")
    data = json.dumps(letter_data(consultation, "55210055400005"), ensure_ascii=False)
    for secret in OTHERS_OF_B:
        assert secret not in text and secret not in data


def test_letter_hides_relative_arithmetic_that_quotes_another_price(consultation):
    text = _text(consultation, "B")
    assert "7000" not in text and "7 000" not in text
    assert "méthode relative : calculée par rapport aux autres offres" in text


def test_letter_puts_the_winner_scores_beside_the_supplier_scores(consultation):
    (lot,) = letter_data(consultation, "B")["lots"]
    price = lot["criteria"][0]
    assert price["criterion"] == "price"
    assert price["points"] == pytest.approx(23.3333333)
    assert price["winner"][0]["points"] == pytest.approx(28.0)


def test_eliminated_supplier_reads_its_reasons(consultation):
    text = _text(consultation, "D")
    assert "Votre offre D est éliminée : Note éliminatoire" in text


def test_winner_reads_that_it_won(consultation):
    (lot,) = letter_data(consultation, "A")["lots"]
    assert lot["offer"]["is_winner"] is True and lot["winners"] == []
    assert "vous êtes l'attributaire pressenti" in _text(consultation, "A")


def test_letter_pages_carry_the_header(consultation):
    data = letter_pdf(consultation, "B")
    for text in pdf_pages_text(data):
        assert consultation.criteria.sha256 in text and "Notation : sc-0001" in text
    assert ink_share(data) > 0.03


def test_unknown_supplier_is_refused(consultation):
    with pytest.raises(ExportError, match="aucune offre notée pour « 12345678901234 ».*"
                                          "lot\\(s\\) non encore noté\\(s\\) : 2"):
        letter_data(consultation, "12345678901234")
