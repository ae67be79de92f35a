"""The review queue as issue 12 measures it: flagged offers and recall against the price."""

import numpy as np
import pandas as pd
import pytest

from spar.review.evaluate import price_only_score, queue_report
from spar.review.features import FEATURE_NAMES
from spar.review.sampling import DEFAULT_RATE


def test_flagged_is_the_rules_the_model_or_the_audit(tiny_model, tiny_table):
    queue = queue_report(tiny_model, tiny_table, seed=1)
    low = tiny_table["rules"].str.contains("abnormally_low").to_numpy()
    over = tiny_model.score(tiny_table[list(FEATURE_NAMES)].to_numpy(float)) \
        >= tiny_model.threshold_for(0.10)
    assert queue["rules_share"] == pytest.approx(low.mean())
    assert queue["model_share"] == pytest.approx(over.mean())
    union = (low | over).mean()
    assert queue["flagged_share"] == pytest.approx(union + queue["audit_share"])
    assert 0 < queue["audit_share"] <= 2 * DEFAULT_RATE * (1 - union)
    assert sum(c["offers"] for c in queue["by_cause"].values()) == queue["offers"]


def test_price_alone_ranks_the_cheapest_against_its_lot_first(tiny_model, tiny_table):
    table = tiny_table.copy()
    # the ten positives are the ten cheapest against their lots: price alone finds them all
    ratio = np.linspace(1.5, 0.5, len(table))
    table["price_to_others_median"] = ratio
    table["label"] = (np.arange(len(table)) >= len(table) - 10).astype(int)
    assert np.argmax(price_only_score(table)) == len(table) - 1
    queue = queue_report(tiny_model, table, seed=0, budget=0.10)
    assert queue["price_recall"] == 1.0
    assert queue["ratio"] == pytest.approx(queue["recall"])


def test_the_ratio_is_unknown_when_price_finds_nothing(tiny_model, tiny_table):
    table = pd.concat([tiny_table] * 1).reset_index(drop=True)
    table["price_to_others_median"] = 1.0 + np.arange(len(table))  # positives most expensive
    table["label"] = (np.arange(len(table)) >= len(table) - 3).astype(int)
    queue = queue_report(tiny_model, table, seed=0, budget=0.05)
    assert queue["price_recall"] == 0.0 and queue["ratio"] is None
