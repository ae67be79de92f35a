"""Self-assessment: one draft offer, assumptions about the competition, hints and what-if."""

from __future__ import annotations

import pytest

from spar.criteria_file import load_criteria
from spar.engine.errors import AnswersError
from spar.engine.self_assessment import self_assess
from tests.conftest import ROOT

ANSWERS = {"price_eur": 12000, "co2e_kg": 2.0, "recycled_pct": 40, "labels": ["FSC"],
           "insertion_hours": 120, "egapro_index": 85, "technical_mark": 2}


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(ROOT / "docs" / "example" / "criteria.yaml")


def test_relative_criteria_without_assumptions_are_scored_as_the_best(criteria):
    result = self_assess(criteria, ANSWERS, {"labels": ["FSC"]}).to_dict()
    assert result["assumed_best"] == ["price"]
    price = next(b for b in result["breakdown"] if b["criterion"] == "price")
    assert price["score"] == 1.0
    assert any("comme si votre offre était la meilleure" in n for n in result["notes"])


def test_assumed_best_competing_price_lowers_the_price_score(criteria):
    result = self_assess(criteria, ANSWERS, {"labels": ["FSC"]},
                         {"price_eur": {"best": 10500}}).to_dict()
    price = next(b for b in result["breakdown"] if b["criterion"] == "price")
    assert price["score"] == pytest.approx(10500 / 12000)
    assert result["assumed_best"] == []


def test_hints_are_exact_and_biggest_first(criteria):
    result = self_assess(criteria, ANSWERS, {"labels": ["FSC"]}).to_dict()
    gains = [h["gain"] for h in result["hints"]]
    assert gains == sorted(gains, reverse=True)
    co2 = next(h for h in result["hints"] if h["criterion"] == "env.co2")
    # linear 2 → 0.5 on a 15-point leaf: from (5 − 2) / 4.5 to 1
    assert co2["gain"] == pytest.approx(15 * (1 - 3 / 4.5))
    assert co2["message"] == "Empreinte carbone : réduire de 2 à 0,5 kgCO2e : +5,0 pts"


def test_what_if_gives_the_smallest_change_for_a_wanted_gain(criteria):
    result = self_assess(criteria, ANSWERS, {"labels": ["FSC"]}, gain=2).to_dict()
    co2 = next(w for w in result["what_if"] if w["criterion"] == "env.co2")
    # 10 of 15 points now; 12 needs a score of 0.8, i.e. 5 − 0.8 × 4.5 = 1.4 kgCO2e
    assert co2["status"] == "found"
    assert co2["changes"][0]["to"] == pytest.approx(1.4, abs=1e-3)


def test_malformed_answers_and_assumptions_are_refused(criteria):
    with pytest.raises(AnswersError):
        self_assess(criteria, {**ANSWERS, "technical_mark": 9})
    with pytest.raises(ValueError, match="hypothèse « co2e_kg »"):
        self_assess(criteria, ANSWERS, assumptions={"co2e_kg": 1})
