"""The second, independent generator: random criteria sets, its own mechanisms, deterministic."""

import numpy as np
import pytest

from spar.review import ReviewInputError
from spar.review.market import BENIGN, MECHANISMS, MarketConfig, generate_market, random_market
from spar.review.synth import table_sha256, to_table


@pytest.fixture(scope="module")
def market_table():
    return to_table(generate_market(MarketConfig(lots=600, seed=11)))


def test_same_seed_same_lots(market_table):
    again = to_table(generate_market(MarketConfig(lots=600, seed=11)))
    assert table_sha256(again) == table_sha256(market_table)
    assert table_sha256(to_table(generate_market(MarketConfig(lots=600, seed=12)))) != \
        table_sha256(market_table)


def test_every_cause_is_injected_and_labelled(market_table):
    assert set(market_table["cause"]) == set(MECHANISMS) | set(BENIGN) | {"none"}
    assert (market_table["label"] == market_table["cause"].isin(MECHANISMS)).all()
    assert 0.05 < market_table["label"].mean() < 0.25


def test_lots_range_from_one_offer_to_thirty(market_table):
    sizes = market_table.groupby("lot").size()
    assert sizes.min() == 1 and 10 <= sizes.max() <= 30


def test_criteria_sets_are_valid_and_varied():
    rng = np.random.default_rng(3)
    sets = [random_market(rng, k).criteria for k in range(30)]
    methods = {leaf.method for c in sets for leaf in c.leaves}
    assert {"linear", "relative", "min_max", "steps", "boolean", "choice", "labels",
            "scale"} <= methods
    assert len({leaf.method for c in sets for leaf in c.leaves
                if leaf.method.startswith("price_")}) > 1
    assert len({rule.method for c in sets for rule in c.low_price_rules}) == 5
    assert all(any(leaf.pillar == "environmental" for leaf in c.leaves) for c in sets)


def test_lots_of_different_sets_keep_their_own_columns():
    data = generate_market(MarketConfig(lots=200, seed=5, criteria_sets=10))
    inputs = data.frame.figure_inputs
    assert len(inputs) == len(set(inputs))
    assert all(name.startswith("m") and "_r" in name for name in inputs)


def test_a_config_without_lots_is_refused():
    with pytest.raises(ReviewInputError, match="au moins un lot"):
        MarketConfig(lots=0)
