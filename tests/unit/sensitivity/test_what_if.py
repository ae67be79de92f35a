"""What-if for suppliers: the smallest change of one answer that gains some points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spar.criteria_file import load_criteria_document
from spar.engine.answers import lot_from_offers
from spar.engine.scoring import score_lot
from spar.engine.what_if import smallest_changes

from .lots import document

SCALE = [{"mark": 0, "label": "Absent", "score": 0}, {"mark": 1, "label": "Insuffisant",
                                                       "score": 0.25},
         {"mark": 2, "label": "Moyen", "score": 0.5}, {"mark": 3, "label": "Satisfaisant",
                                                        "score": 0.75},
         {"mark": 4, "label": "Très satisfaisant", "score": 1}]

# the SPEC §2 example, every leaf at its share of 100 points
SPEC = load_criteria_document(document([
    {"id": "price", "label": "Prix", "pillar": "economic", "weight": 40, "input": "price_eur",
     "unit": "EUR HT", "method": "price_lowest_ratio"},
    {"id": "env", "label": "Environnement", "pillar": "environmental", "weight": 30,
     "criteria": [
         {"id": "co2", "label": "Empreinte carbone", "weight": 50, "input": "co2e_kg",
          "unit": "kgCO2e", "method": "linear", "best": 0.5, "worst": 5.0},
         {"id": "recycled", "label": "Matière recyclée", "weight": 30, "input": "recycled_pct",
          "method": "linear", "best": 100, "worst": 0, "maximum": 80},
         {"id": "ecolabel", "label": "Écolabel", "weight": 20, "input": "labels",
          "method": "labels", "evidence": "required",
          "labels": {"EU Ecolabel": 1, "NF Environnement": 1, "FSC": 0.5}}]},
    {"id": "social", "label": "Social", "pillar": "social", "weight": 20,
     "criteria": [
         {"id": "insertion", "label": "Heures d'insertion", "weight": 60,
          "input": "insertion_hours", "method": "steps",
          "steps": [{"at": 100, "score": 0.5}, {"at": 300, "score": 1}]},
         {"id": "fleet", "label": "Véhicules", "weight": 40, "input": "fleet", "method": "choice",
          "options": {"électrique": 1, "bioGNV": 0.8, "hybride": 0.5, "diesel": 0}}]},
    {"id": "technical", "label": "Valeur technique", "pillar": "technical", "weight": 10,
     "criteria": [
         {"id": "mark", "label": "Mémoire technique", "weight": 3, "input": "mark",
          "method": "scale", "levels": SCALE},
         {"id": "takeback", "label": "Reprise", "weight": 1, "input": "takeback",
          "method": "boolean"},
         {"id": "delay", "label": "Délai", "weight": 1, "input": "delay", "unit": "jours",
          "method": "steps", "direction": "lower",
          "steps": [{"at": 5, "score": 1}, {"at": 10, "score": 0.5}]}]},
]))


def first(path, value, gain, competition=None, **kw):
    search = smallest_changes(SPEC, path, value, gain, competition, **kw)
    assert search.possible, search.message
    return search.changes[0]


@pytest.mark.parametrize("path, value, gain, competition, expected", [
    ("env.co2", 2.0, 1.0, None, 1.7),  # 15 pts: (5 − v) / 4.5 must rise by 1/15
    ("env.co2", None, 1.0, None, 4.7),  # unanswered: the least demanding answer
    ("price", 10000, 4.0, [9000, 12000], 9000),  # 36 → 40 pts: the lowest price
    ("price", 10000, 3.0, [9000, 12000], 9230.76),  # 9000 / 0.975, rounded down
    ("social.insertion", 50, 3.0, None, 100),  # the next step: +6 pts
    ("technical.delay", 12, 0.5, None, 10),  # lower is better: the nearest step down
    ("technical.mark", 1, 3.0, None, 3),  # 0.25 → 0.75 on 6 pts
    ("technical.mark", None, 3.0, None, 2),  # unanswered: the lowest level that suffices
    ("technical.takeback", False, 1.0, None, True),
    ("social.fleet", "diesel", 5.0, None, "bioGNV"),  # 8 pts: the cheapest that suffices
])
def test_smallest_answer_that_gains_the_points(path, value, gain, competition, expected):
    change = first(path, value, gain, competition)
    assert change.to == pytest.approx(expected)
    assert change.gain >= gain - 1e-9


def test_message_says_what_to_do_in_french():
    change = first("price", 10000, 3.0, [9000, 12000])
    assert change.message == "Prix : réduire de 10\u202f000 à 9\u202f230,76 EUR HT : +3,0 pts"


def test_becoming_the_cheapest_moves_the_reference_price():
    criteria = load_criteria_document(document([
        {"id": "price", "label": "Prix", "pillar": "economic", "weight": 40, "input": "p",
         "method": "price_min_max"},
        {"id": "env", "label": "Env", "pillar": "environmental", "weight": 60, "input": "e",
         "method": "boolean"}]))
    # at 12 000 this offer sets Pmax and scores 0; below 10 000, Pmax becomes 10 000
    search = smallest_changes(criteria, "price", 12000, 20.0, [9000, 10000])
    assert search.changes[0].to == pytest.approx(9500)


def test_steps_list_every_qualifying_threshold_nearest_first():
    search = smallest_changes(SPEC, "social.insertion", 50, 3.0)
    assert [c.to for c in search.changes] == [100, 300]
    assert [c.gain for c in search.changes] == pytest.approx([6, 12])


def test_gain_beyond_the_best_answer_is_impossible_and_says_the_maximum():
    search = smallest_changes(SPEC, "env.co2", 2.0, 6.0)
    assert search.status == "impossible" and not search.changes
    assert search.max_gain == pytest.approx(5.0)
    assert search.message == ("Empreinte carbone : impossible de gagner 6,0 pts ; la meilleure "
                              "réponse possible rapporte 5,0 pts.")


def test_maximum_of_the_criterion_bounds_the_change():
    # recycled is capped at 80 %, so at most 9 × (0.8 − 0.5) = 2.7 points
    search = smallest_changes(SPEC, "env.recycled", 50, 3.0)
    assert search.status == "impossible" and search.max_gain == pytest.approx(2.7)
    assert smallest_changes(SPEC, "env.recycled", 50, 2.7).changes[0].to == pytest.approx(80)


def test_answer_out_of_bounds_is_brought_back_within_them():
    change = first("env.recycled", 95, 0.1)
    assert change.to <= 80


def test_nothing_left_to_gain():
    search = smallest_changes(SPEC, "technical.takeback", True, 0.5)
    assert search.status == "impossible" and search.max_gain == 0
    assert search.message == "Reprise : aucune réponse ne rapporte davantage de points."


def test_relative_criterion_without_competition_or_answer_is_unknown():
    search = smallest_changes(SPEC, "price", None, 5.0)
    assert search.status == "unknown" and "concurrence" in search.message


def test_a_label_with_its_evidence():
    change = first("env.ecolabel", ["FSC"], 1.0, evidence=["FSC"])
    assert change.to == ["EU Ecolabel", "FSC"] and change.gain == pytest.approx(3.0)
    assert change.evidence == ("EU Ecolabel", "FSC")
    assert "obtenir le label « EU Ecolabel » avec justificatif" in change.message


def test_justifying_a_claimed_label_comes_first():
    change = first("env.ecolabel", ["EU Ecolabel"], 1.0)
    assert change.to == ["EU Ecolabel"] and change.evidence == ("EU Ecolabel",)
    assert change.message == ("Écolabel : joindre le justificatif de « EU Ecolabel » : "
                              "+6,0 pts")


def test_summed_labels_take_the_fewest_then_the_least_demanding():
    criteria = load_criteria_document(document([
        {"id": "lab", "label": "Labels", "pillar": "environmental", "weight": 10,
         "input": "labels", "method": "labels", "combine": "sum",
         "labels": {"A": 0.3, "B": 0.3, "C": 0.5}},
        {"id": "price", "label": "Prix", "pillar": "economic", "weight": 90, "input": "p",
         "method": "price_lowest_ratio"}]))
    search = smallest_changes(criteria, "lab", [], 6.0)
    assert [c.to for c in search.changes] == [["A", "B"], ["A", "C"], ["B", "C"]]


@pytest.mark.parametrize("path, value, gain, message", [
    ("env", 1, 1.0, "groupe"),
    ("nope", 1, 1.0, "inconnu"),
    ("env.co2", "beaucoup", 1.0, "un nombre est attendu"),
    ("env.co2", 2.0, 0, "strictement positif"),
    ("env.co2", 2.0, float("nan"), "strictement positif"),
    ("social.fleet", "vélo", 1.0, "réponse inconnue"),
    ("technical.mark", 7, 1.0, "hors de l'échelle"),
    ("technical.takeback", "oui", 1.0, "true ou false"),
    ("env.ecolabel", "FSC", 1.0, "liste de labels"),
])
def test_bad_questions_get_a_clear_error(path, value, gain, message):
    with pytest.raises(ValueError, match=message):
        smallest_changes(SPEC, path, value, gain)


# --------------------------------------------------------------------------- against the engine
_NUMERIC = [("linear", {"best": 10, "worst": 90}), ("linear", {"best": 80, "worst": 5}),
            ("price_lowest_ratio", {}), ("price_linear_gap", {}), ("price_min_max", {}),
            ("relative", {"direction": "higher"}), ("relative", {"direction": "lower"}),
            ("min_max", {"direction": "higher"}), ("min_max", {"direction": "lower"})]


def _points(criteria, own, competition):
    """The points the engine gives the own answer (offer X) on leaf ``x``."""
    rows = [{"id": "X", "answers": {} if own is None else {"x": own}}]
    rows += [{"id": f"C{i}", "answers": {"x": v}} for i, v in enumerate(competition)]
    result = score_lot(criteria, lot_from_offers(criteria, rows))
    return float(result.points[0, 0])


@settings(max_examples=150)
@given(method=st.sampled_from(_NUMERIC), own=st.one_of(st.none(), st.integers(1, 100)),
       competition=st.lists(st.integers(1, 100), max_size=3),
       gain=st.floats(0.05, 60), maximum=st.one_of(st.none(), st.integers(50, 100)))
def test_found_answer_gains_enough_and_a_smaller_change_does_not(method, own, competition, gain,
                                                                 maximum):
    name, params = method
    leaf = {"id": "x", "label": "X", "pillar": "environmental", "weight": 60, "input": "x",
            "method": name, **params}
    if maximum is not None:
        leaf["maximum"] = maximum
        assume(own is None or own <= maximum)
    criteria = load_criteria_document(document([leaf, {
        "id": "y", "label": "Y", "pillar": "social", "weight": 40, "input": "y",
        "method": "boolean"}]))
    search = smallest_changes(criteria, "x", own, gain, competition)
    before = _points(criteria, own, competition)
    if search.status == "unknown":
        assert own is None and all(v > maximum for v in competition)
        return
    if not search.possible:
        assert search.max_gain < gain
        return
    to = search.changes[0].to
    assert maximum is None or to <= maximum
    assert _points(criteria, to, competition) - before >= gain - 1e-9
    assert search.changes[0].gain == pytest.approx(_points(criteria, to, competition) - before)
    if own is not None:
        back = to - math.copysign(2e-5 * abs(to) + 1e-9, to - own)
        if (back - own) * (to - own) > 0:
            assert _points(criteria, back, competition) - before < gain


@settings(max_examples=60)
@given(value=st.one_of(st.none(), st.sampled_from([0, 1, 2, 3, 4])), gain=st.floats(0.1, 7))
def test_no_other_level_is_a_smaller_change_that_suffices(value, gain):
    search = smallest_changes(SPEC, "technical.mark", value, gain)
    s0 = 0 if value is None else SCALE[value]["score"]
    good = [lv["mark"] for lv in SCALE if (lv["score"] - s0) * 6 >= gain - 1e-9
            and lv["mark"] != value]
    if not good:
        assert not search.possible
        return
    origin = value if value is not None else 0
    assert search.changes[0].to == min(good, key=lambda m: abs(m - origin))
    assert np.isclose(search.max_gain, (1 - s0) * 6)


def test_evidence_must_be_a_list_of_labels():
    with pytest.raises(ValueError, match="evidence de « env.ecolabel » : une liste de labels"):
        smallest_changes(SPEC, "env.ecolabel", ["FSC"], 1.0, evidence="FSC")


def test_numpy_numbers_are_accepted_as_the_gain():
    assert first("env.co2", 2.0, np.int64(1)).to == pytest.approx(1.7)
