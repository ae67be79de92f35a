"""One line of arithmetic per leaf (SPEC §4), for every method."""

from __future__ import annotations

import pytest

from spar.engine.explain import explanation
from spar.engine.scoring import score_lot

from .builders import SCALE_LEAF, one_leaf, score, values_lot

STEPS_UP = "method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]"
STEPS_DOWN = "method: steps, direction: lower, steps: [{at: 10, score: 1}, {at: 20, score: 0.5}]"

CASES = [
    # (case, leaf, answers of A, B…, offer explained, expected line)
    ("lowest_ratio", "method: price_lowest_ratio", [100, 200], 1,
     "price_lowest_ratio: Pmin / P = 100.0 / 200.0 = 0.5000"),
    ("linear_gap", "method: price_linear_gap", [100, 150], 1,
     "price_linear_gap: max(0, 1 − (150.0 − 100.0) / 100.0) = 0.5000"),
    ("price_min_max", "method: price_min_max", [100, 150, 200], 1,
     "price_min_max: (200.0 − 150.0) / (200.0 − 100.0) = 0.5000"),
    ("price_min_max_equal", "method: price_min_max", [300, 300], 0,
     "price_min_max: tous les prix sont égaux (300.0) = 1.0000"),
    ("linear_spec_example", "method: linear, best: 0.5, worst: 5.0", [1.2], 0,
     "linear: (5.0 − 1.2) / (5.0 − 0.5) = 0.8444"),
    ("linear_higher", "method: linear, best: 100, worst: 0", [25], 0,
     "linear: (25.0 − 0.0) / (100.0 − 0.0) = 0.2500"),
    ("linear_clamped", "method: linear, best: 100, worst: 0", [120], 0,
     "linear: (120.0 − 0.0) / (100.0 − 0.0) = 1.0000 (borné à [0, 1])"),
    ("relative_higher", "method: relative", [2, 8], 0, "relative: v / vmax = 2.0 / 8.0 = 0.2500"),
    ("relative_vmax_zero", "method: relative", [0, 0], 0, "relative: vmax = 0, donc 0.0000"),
    ("relative_lower", "method: relative, direction: lower", [2, 8], 1,
     "relative: vmin / v = 2.0 / 8.0 = 0.2500"),
    ("min_max", "method: min_max", [10, 20, 30], 1,
     "min_max: (20.0 − 10.0) / (30.0 − 10.0) = 0.5000"),
    ("min_max_equal", "method: min_max", [7, 7], 1,
     "min_max: toutes les valeurs sont égales (7.0) = 1.0000"),
    ("steps_reached", STEPS_UP, [150], 0, "steps: 150.0 ≥ 100.0 = 0.5000"),
    ("steps_below_first", STEPS_UP, [50], 0, "steps: 50.0 < 100.0 = 0.0000"),
    ("steps_lower", STEPS_DOWN, [15], 0, "steps: 15.0 ≤ 20.0 = 0.5000"),
    ("steps_lower_above_last", STEPS_DOWN, [25], 0, "steps: 25.0 > 20.0 = 0.0000"),
    ("boolean", "method: boolean", ["oui"], 0, "boolean: oui = 1.0000"),
    ("choice", "method: choice, options: {électrique: 1, hybride: 0.5}", ["hybride"], 0,
     "choice: « hybride » = 0.5000"),
    ("labels", "method: labels, labels: {EU Ecolabel: 1, FSC: 0.5}", [["FSC", "Inconnu"]], 0,
     "labels (max): FSC 0.5, Inconnu (non listé) 0 = 0.5000"),
    ("labels_sum", "method: labels, combine: sum, labels: {a: 0.6, b: 0.6}", [["a", "b"]], 0,
     "labels (somme plafonnée à 1): a 0.6, b 0.6 = 1.0000"),
    ("labels_none", "method: labels, labels: {a: 1}", [[]], 0,
     "labels (max): aucun label = 0.0000"),
    ("scale", SCALE_LEAF, [3], 0, "scale: note 3 « Satisfaisant » = 0.7500"),
    ("missing", "method: relative", [3, None], 1, "pas de réponse : 0.0000"),
]


@pytest.mark.parametrize("leaf, answers, offer, expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_explanation(leaf, answers, offer, expected):
    crit = one_leaf(leaf)
    assert explanation(score_lot(crit, values_lot(crit, answers)), offer, 0) == expected


def test_labels_without_required_evidence_say_so():
    crit = one_leaf("method: labels, evidence: required, labels: {FSC: 0.5}")
    result = score(crit, {"v": ["FSC"]})
    assert explanation(result, 0, 0) == "labels (max): FSC (sans justificatif) 0 = 0.0000"
