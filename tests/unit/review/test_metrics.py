"""Precision and recall under a review budget, weighted or not."""

import numpy as np
import pytest

from spar.review.metrics import budget_metrics, ranking_report, select_within_budget


def test_the_budget_takes_the_highest_scores():
    taken = select_within_budget(np.array([0.1, 0.9, 0.5, 0.7]), 0.5)
    np.testing.assert_array_equal(taken, [False, True, False, True])


def test_ineligible_offers_are_never_taken():
    taken = select_within_budget(np.array([0.0, 0.9, 0.0, 0.0]), 0.5,
                                 eligible=np.array([False, True, False, False]))
    np.testing.assert_array_equal(taken, [False, True, False, False])


def test_precision_recall_and_reviewed_share():
    labels = np.array([1, 0, 1, 0, 0, 0, 0, 0, 1, 0])
    score = np.array([9, 8, 7, 1, 1, 1, 1, 1, 0, 1], dtype=float)
    m = budget_metrics(labels, score, 0.2)
    assert (m["precision"], m["recall"], m["reviewed_share"]) == (0.5, pytest.approx(1 / 3), 0.2)


def test_weights_stand_for_unsampled_offers():
    # one sampled unflagged offer stands for 9 others
    labels = np.array([1, 0, 1])
    score = np.array([0.9, 0.8, 0.1])
    weight = np.array([1.0, 1.0, 10.0])
    m = budget_metrics(labels, score, 0.25, weight=weight)
    assert m["reviewed_share"] == pytest.approx(2 / 12)
    assert m["recall"] == pytest.approx(1 / 11)


def test_report_has_every_budget_and_the_scores():
    labels = np.array([1, 0, 0, 1])
    report = ranking_report(labels, np.array([0.9, 0.1, 0.2, 0.8]),
                            np.array([0.9, 0.1, 0.2, 0.8]))
    assert [b["budget"] for b in report["at_budget"]] == [0.05, 0.1, 0.2]
    assert report["pr_auc"] == 1.0
    assert report["brier"] == pytest.approx((0.01 + 0.01 + 0.04 + 0.04) / 4)
