"""Every leaf method of SPEC §2, table-driven, with hand-computed scores."""

from __future__ import annotations

import pytest

from spar.engine.methods import METHODS

from .builders import SCALE_LEAF, one_leaf, score, score_values

STEPS_UP = "method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]"
STEPS_DOWN = ("method: steps, direction: lower, "
              "steps: [{at: 10, score: 1}, {at: 20, score: 0.5}]")

CASES = [
    # (case, leaf, answers of offers A, B…, expected scores)
    ("lowest_ratio", "method: price_lowest_ratio", [100, 200, 400], [1, 0.5, 0.25]),
    ("lowest_ratio_decimal_comma", "method: price_lowest_ratio", ["12 000,50", "24001"],
     [1, 0.5]),
    ("lowest_ratio_alone", "method: price_lowest_ratio", [250], [1]),
    ("lowest_ratio_missing", "method: price_lowest_ratio", [100, None], [1, 0]),
    ("linear_gap", "method: price_linear_gap", [100, 150, 200, 300], [1, 0.5, 0, 0]),
    ("linear_gap_small", "method: price_linear_gap", [80, 100], [1, 0.75]),
    ("min_max_price", "method: price_min_max", [100, 150, 200], [1, 0.5, 0]),
    ("min_max_price_all_equal", "method: price_min_max", [300, 300, 300], [1, 1, 1]),
    ("min_max_price_equal_missing", "method: price_min_max", [300, 300, None], [1, 1, 0]),
    ("linear_lower_better", "method: linear, best: 0.5, worst: 5.0",
     [1.2, 0.5, 5.0, 0.1, 6], [3.8 / 4.5, 1, 0, 1, 0]),
    ("linear_higher_better", "method: linear, best: 100, worst: 0",
     [25, 100, 120, -5, None], [0.25, 1, 1, 0, 0]),
    ("relative_higher", "method: relative", [2, 4, 8], [0.25, 0.5, 1]),
    ("relative_vmax_zero", "method: relative", [0, 0], [0, 0]),
    ("relative_lower", "method: relative, direction: lower", [2, 4, 8], [1, 0.5, 0.25]),
    ("relative_missing", "method: relative", [5, None], [1, 0]),
    ("min_max_higher", "method: min_max", [10, 20, 30], [0, 0.5, 1]),
    ("min_max_lower", "method: min_max, direction: lower", [10, 20, 30], [1, 0.5, 0]),
    ("min_max_all_equal", "method: min_max", [7, 7], [1, 1]),
    ("min_max_missing", "method: min_max", [10, None, 30], [0, 0, 1]),
    ("steps_higher", STEPS_UP, [99, 100, 299, 300, 1000, 0, None], [0, 0.5, 0.5, 1, 1, 0, 0]),
    ("steps_lower", STEPS_DOWN, [5, 10, 10.5, 20, 21, None], [1, 1, 0.5, 0.5, 0, 0]),
    ("boolean", "method: boolean", [True, False, None], [1, 0, 0]),
    ("boolean_custom", "method: boolean, if_true: 0.8, if_false: 0.2", ["oui", "non", None],
     [0.8, 0.2, 0]),
    ("choice", "method: choice, options: {électrique: 1, hybride: 0.5, diesel: 0}",
     ["électrique", "hybride", "diesel", None, "ÉLECTRIQUE"], [1, 0.5, 0, 0, 1]),
    ("labels_max", "method: labels, labels: {EU Ecolabel: 1, FSC: 0.5}",
     [["FSC"], ["FSC", "EU Ecolabel"], [], None, ["Inconnu"], "FSC|EU Ecolabel"],
     [0.5, 1, 0, 0, 0, 1]),
    ("labels_sum_capped", "method: labels, combine: sum, labels: {a: 0.5, b: 0.4, c: 0.3}",
     [["a"], ["a", "b"], ["a", "b", "c"], "b|c"], [0.5, 0.9, 1, 0.7]),
    ("scale", SCALE_LEAF, [0, 2, 4, "3", None], [0, 0.5, 1, 0.75, 0]),
]


@pytest.mark.parametrize("leaf, answers, expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_method_scores(leaf, answers, expected):
    assert score_values(one_leaf(leaf), answers) == pytest.approx(expected, abs=1e-12)


def test_every_method_of_the_spec_table_has_a_case():
    covered = {leaf.split(",")[0].removeprefix("method: ") for _, leaf, _, _ in CASES}
    assert covered == set(METHODS)


@pytest.mark.parametrize("evidence, expected", [
    ({"v": ["EU Ecolabel"]}, 1.0),
    ({"v": ["eu ecolabel"]}, 1.0),
    ({"v": ["FSC"]}, 0.0),  # evidence for a label not claimed does not count
    ({"w": ["EU Ecolabel"]}, 0.0),  # evidence under another input name
    (None, 0.0),
], ids=["evidenced", "evidence_case_insensitive", "other_label", "other_input", "none"])
def test_labels_need_evidence_when_required(evidence, expected):
    crit = one_leaf("method: labels, evidence: required, labels: {EU Ecolabel: 1, FSC: 0.5}")
    result = score(crit, {"v": ["EU Ecolabel"]}, evidence=[evidence])
    assert result.scores[0, 0] == expected


def test_labels_required_evidence_counts_label_by_label():
    crit = one_leaf("method: labels, evidence: required, combine: sum, "
                    "labels: {EU Ecolabel: 1, FSC: 0.5}")
    result = score(crit, {"v": ["EU Ecolabel", "FSC"]}, evidence=[{"v": ["FSC"]}])
    assert result.scores[0, 0] == 0.5


def test_labels_evidence_optional_by_default():
    crit = one_leaf("method: labels, labels: {EU Ecolabel: 1}")
    assert score(crit, {"v": ["EU Ecolabel"]}).scores[0, 0] == 1.0


def test_relative_methods_only_look_at_offers_answering():
    # an offer without an answer must not count as a zero in min_max's range
    assert score_values(one_leaf("method: min_max, direction: lower"), [None, 4, 8]) == [0, 1, 0]
