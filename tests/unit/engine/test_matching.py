"""Matching company profiles on a criteria set's standing criteria (SPEC §8), against
scores computed by hand.

The set: price 40 %, environment 30 % (CO2 linear 0→10, required; ecolabel with evidence
required; an eliminatory threshold), social 20 % (insertion hours, relative; equality
index, linear 75→100 with a legal minimum of 75), a technical mark 10 %. The standing
criteria are CO2, ecolabel, insertion and equality: 15 + 15 + 10 + 10 = 50 points.
"""

from __future__ import annotations

import numpy as np
import pytest

from spar.engine.errors import AnswersError
from spar.engine.matching import (NoStandingCriteriaError, match_lot, match_profiles,
                                  profile_lot, standing_criteria)

from .builders import SCALE_LEAF, criteria, score

SET = criteria(f"""\
criteria:
  - {{id: price, label: Prix, pillar: economic, weight: 40, input: price,
     method: price_lowest_ratio}}
  - id: env
    label: Environnement
    pillar: environmental
    weight: 30
    eliminatory_below: 0.5
    criteria:
      - {{id: co2, label: CO2, weight: 50, input: co2, unit: kg, method: linear, best: 0,
         worst: 10, required: true}}
      - {{id: ecolabel, label: Écolabel, weight: 50, input: labels, method: labels,
         labels: {{EU Ecolabel: 1, FSC: 0.5}}, evidence: required}}
  - id: social
    label: Social
    pillar: social
    weight: 20
    criteria:
      - {{id: insertion, label: Insertion, weight: 1, input: hours, method: relative}}
      - {{id: equality, label: Égalité, weight: 1, input: egapro, method: linear, worst: 75,
         best: 100, minimum: 75}}
  - {{id: tech, label: Valeur technique, pillar: technical, weight: 10, input: mark,
     {SCALE_LEAF}}}
ranking:
  tie_break: [env, price]
""")

IDS = ["P1", "P2", "P3", "P4"]
ANSWERS = {
    "co2": [2, 5, None, 10],
    "labels": [["EU Ecolabel"], ["FSC"], ["EU Ecolabel"], None],
    "hours": [300, 600, 0, 100],
    "egapro": [90, 100, 70, 80],
}
EVIDENCE = {"labels": [["EU Ecolabel"], ["FSC"], None, None]}


def rows(match):
    return {match.ids[i]: match.row(i) for i in range(len(match.ids))}


def test_only_the_criteria_a_profile_can_answer_count():
    flat = standing_criteria(SET)
    assert [leaf.path for leaf in flat.leaves] == ["env.co2", "env.ecolabel",
                                                   "social.insertion", "social.equality"]
    assert flat.points == pytest.approx(50)
    assert not any(leaf.required or leaf.eliminatory_below for leaf in flat.leaves)


def test_scores_are_the_points_the_standing_answers_earn_by_hand():
    got = rows(match_profiles(SET, IDS, ANSWERS, EVIDENCE))
    # P1: CO2 (10-2)/10 × 15 = 12; EU Ecolabel with evidence 15; 300 / 600 h × 10 = 5;
    #     (90-75)/25 × 10 = 6
    assert got["P1"]["score"] == pytest.approx(38)
    # P2: 7.5 + FSC 0.5 × 15 + 10 + 10
    assert got["P2"]["score"] == pytest.approx(35)
    # P4: CO2 0; no label; 100 / 600 × 10; (80-75)/25 × 10 — not eliminated: the
    # environment group's threshold is about criteria a profile cannot answer
    assert got["P4"]["score"] == pytest.approx(10 / 6 + 2)
    assert {r["max_score"] for r in got.values()} == {50}


def test_a_profile_under_a_legal_minimum_is_irregular_and_last():
    match = match_profiles(SET, IDS, ANSWERS, EVIDENCE)
    got = rows(match)
    assert got["P3"]["status"] == "irregular" and got["P3"]["score"] is None
    assert "Égalité" in got["P3"]["reasons"][0]["message"]
    assert [match.ids[i] for i in match.rank_order()] == ["P1", "P2", "P4", "P3"]


def test_a_missing_required_answer_scores_zero_instead_of_irregular():
    got = rows(match_profiles(SET, ["X"], {"egapro": [100]}))
    assert got["X"]["status"] == "ranked" and got["X"]["score"] == pytest.approx(10)


def test_relative_criteria_are_taken_over_the_profiles_scored_together():
    lot, ignored = profile_lot(SET, IDS, ANSWERS, EVIDENCE)
    pair = match_lot(SET, lot, np.array([0, 3]), ignored)  # P1 and P4 alone
    got = rows(pair)
    assert set(got) == {"P1", "P4"}
    assert got["P1"]["score"] == pytest.approx(12 + 15 + 10 + 6)  # 300 h is now the best
    assert got["P4"]["score"] == pytest.approx(10 / 3 + 2)


def test_matching_agrees_with_the_full_scoring_on_the_standing_leaves():
    full = score(SET, *({"price": 100 + k, "mark": 2, "co2": ANSWERS["co2"][k] or 0,
                         "labels": ANSWERS["labels"][k], "hours": ANSWERS["hours"][k],
                         "egapro": 90} for k in (0, 1)),
                 evidence=[{"labels": EVIDENCE["labels"][k]} for k in (0, 1)])
    standing = [j for j, leaf in enumerate(full.weights.leaves)
                if leaf.path in {"env.co2", "env.ecolabel", "social.insertion",
                                 "social.equality"}]
    answers = {"co2": ANSWERS["co2"][:2], "labels": ANSWERS["labels"][:2],
               "hours": ANSWERS["hours"][:2], "egapro": [90, 90]}
    match = match_profiles(SET, ["A", "B"], answers, {"labels": EVIDENCE["labels"][:2]})
    for i in range(2):
        assert match.score(i) == pytest.approx(full.points[i, standing].sum())


def test_an_answer_the_set_refuses_is_left_out_not_the_profile():
    answers = {**ANSWERS, "hours": [300, "beaucoup", 0, 100]}
    match = match_profiles(SET, IDS, answers, EVIDENCE)
    assert match.ignored == [("P2", "hours", match.ignored[0][2])]
    assert rows(match)["P2"]["score"] == pytest.approx(7.5 + 7.5 + 0 + 10)
    assert rows(match)["P1"]["score"] == pytest.approx(12 + 15 + 10 + 6)  # 300 h is the best


def test_numbers_given_as_text_are_read_as_offers_are():
    got = rows(match_profiles(SET, ["X"], {"co2": ["2,5"], "egapro": ["100"]}))
    assert got["X"]["score"] == pytest.approx(7.5 / 10 * 15 + 10)


def test_a_boolean_is_not_taken_for_a_number():
    match = match_profiles(SET, ["X", "Y"], {"co2": [True, 4], "egapro": [100, 100]})
    assert [p[:2] for p in match.ignored] == [("X", "co2")]


def test_hints_name_the_biggest_gains_with_the_others_as_competition():
    match = match_profiles(SET, IDS, ANSWERS, EVIDENCE)
    hints = match.hints(IDS.index("P1"), limit=10)
    by_criterion = {h["criterion"]: h for h in hints}
    assert by_criterion["social.insertion"]["to"] == 600
    assert by_criterion["social.insertion"]["gain"] == pytest.approx(5)
    assert by_criterion["env.co2"]["gain"] == pytest.approx(12 * 0.25)  # 2 kg → 0 kg
    assert [h["gain"] for h in hints] == sorted((h["gain"] for h in hints), reverse=True)
    assert match.hints(IDS.index("P3")) == []  # irregular: the reasons say what to fix


def test_a_set_without_standing_criteria_is_refused():
    marks_only = criteria(f"""\
criteria:
  - {{id: price, label: Prix, pillar: economic, weight: 60, input: price,
     method: price_lowest_ratio}}
  - {{id: env, label: Environnement, pillar: environmental, weight: 40, input: env_mark,
     {SCALE_LEAF}}}
""")
    with pytest.raises(NoStandingCriteriaError):
        match_profiles(marks_only, ["X"], {})


def test_malformed_columns_are_the_callers_error():
    with pytest.raises(AnswersError):
        match_profiles(SET, ["X", "Y"], {"co2": [1]})


def test_no_profile_gives_an_empty_match():
    match = match_profiles(SET, [], {})
    assert len(match.rank_order()) == 0
