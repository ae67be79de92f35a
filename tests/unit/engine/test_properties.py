"""Invariants of a scoring over random lots of a fixed mixed criteria tree (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spar.engine.answers import lot_from_offers
from spar.engine.explain import result_to_dict
import spar.engine.scoring as scoring
from spar.engine.scoring import score_lot

from .builders import criteria

MIXED = criteria("""
    criteria:
      - {id: price, label: Prix, pillar: economic, weight: 35, input: price,
         method: price_lowest_ratio}
      - {id: upkeep, label: Entretien, pillar: economic, weight: 10, input: upkeep,
         method: price_min_max}
      - id: env
        label: Environnement
        pillar: environmental
        weight: 30
        eliminatory_below: 0.3
        criteria:
          - {id: co2, label: CO2, weight: 3, input: co2, method: linear, best: 0.5, worst: 5}
          - {id: labels, label: Labels, weight: 2, input: labels, method: labels,
             labels: {EU Ecolabel: 1, FSC: 0.5, Blauer Engel: 0.7}, combine: sum}
          - {id: takeback, label: Reprise, weight: 1, input: takeback, method: boolean}
      - id: social
        label: Social
        pillar: social
        weight: 15
        criteria:
          - {id: hours, label: Insertion, weight: 2, input: hours, method: steps,
             steps: [{at: 100, score: 0.5}, {at: 300, score: 1}], minimum: 10}
          - {id: apprentices, label: Apprentis, weight: 1, input: apprentices,
             method: relative}
      - id: tech
        label: Technique
        pillar: technical
        weight: 10
        criteria:
          - {id: delay, label: Délai, weight: 1, input: delay, method: min_max,
             direction: lower, required: true}
          - {id: fleet, label: Flotte, weight: 1, input: fleet, method: choice,
             options: {électrique: 1, hybride: 0.5, diesel: 0}}
    ranking:
      tie_break: [env, price]
    review:
      abnormally_low: {input: price, method: mean_ratio}
    """)
PRICE_LEAVES = [j for j, leaf in enumerate(MIXED.leaves) if leaf.input in ("price", "upkeep")]


def maybe(strategy):
    """An answer or none at all (the key left out)."""
    return st.one_of(st.none(), strategy)


# whole numbers and halves keep prices exact when scaled, and produce real ties
amounts = st.integers(1, 400).map(lambda k: k * 25.0)
answers = st.fixed_dictionaries({
    "price": amounts,
    "upkeep": maybe(amounts),
    "co2": maybe(st.integers(0, 14).map(lambda k: k / 2)),
    "labels": maybe(st.lists(st.sampled_from(["EU Ecolabel", "FSC", "Blauer Engel", "Autre"]),
                             unique=True, max_size=3)),
    "takeback": maybe(st.booleans()),
    "hours": maybe(st.sampled_from([0, 50, 100, 150, 300, 400])),
    "apprentices": maybe(st.integers(0, 5)),
    "delay": maybe(st.integers(1, 30)),
    "fleet": maybe(st.sampled_from(["électrique", "hybride", "diesel"])),
}).map(lambda a: {k: v for k, v in a.items() if v is not None})
lots = st.lists(answers, min_size=1, max_size=12)


def scored(answer_list, ids=None):
    ids = ids or [f"O{k}" for k in range(len(answer_list))]
    offers = [{"id": i, "answers": a} for i, a in zip(ids, answer_list)]
    return score_lot(MIXED, lot_from_offers(MIXED, offers))


def outcome(result) -> dict[str, tuple]:
    """Offer id → (status, rank, total): what a shuffle must not change."""
    return {oid: (result.status[i], int(result.rank[i]), result.totals[i])
            for i, oid in enumerate(result.lot.offer_ids)}


@given(lots)
def test_leaf_points_add_up_to_the_total(answer_list):
    doc = result_to_dict(scored(answer_list))
    for entry in doc["offers"]:
        if entry["status"] != "irregular":
            assert sum(b["points"] for b in entry["breakdown"]) == pytest.approx(entry["total"])
            assert sum(entry["pillars"].values()) == pytest.approx(entry["total"])


@given(lots)
def test_totals_stay_within_the_points(answer_list):
    result = scored(answer_list)
    scored_rows = result.status != "irregular"
    assert ((result.scores[scored_rows] >= 0) & (result.scores[scored_rows] <= 1)).all()
    totals = result.totals[scored_rows]
    assert ((totals >= -1e-9) & (totals <= MIXED.points + 1e-9)).all()


@given(lots, st.randoms(use_true_random=False))
def test_shuffling_the_offers_changes_nothing(answer_list, rnd):
    ids = [f"O{k}" for k in range(len(answer_list))]
    before = outcome(scored(answer_list, ids))
    perm = list(range(len(ids)))
    rnd.shuffle(perm)
    after = outcome(scored([answer_list[k] for k in perm], [ids[k] for k in perm]))
    assert after.keys() == before.keys()
    for oid, (status, rank, total) in before.items():
        assert after[oid][:2] == (status, rank)
        assert after[oid][2] == pytest.approx(total, nan_ok=True)


@given(lots, st.sampled_from([0.5, 3.0, 1e-3, 1234.5]))
def test_price_scores_do_not_depend_on_the_currency(answer_list, factor):
    base = scored(answer_list)
    scaled = [{**a, **{k: a[k] * factor for k in ("price", "upkeep") if k in a}}
              for a in answer_list]
    other = scored(scaled)
    np.testing.assert_allclose(other.scores[:, PRICE_LEAVES], base.scores[:, PRICE_LEAVES],
                               rtol=1e-9, atol=1e-12)
    assert list(other.status) == list(base.status)


@given(lots)
def test_ranks_follow_the_totals(answer_list):
    result = scored(answer_list)
    ranked = np.flatnonzero(result.status == "ranked")
    if ranked.size:
        assert result.rank[ranked].min() == 1
    for i in ranked:
        for j in ranked:
            if result.totals[i] > result.totals[j] + 1e-6:
                assert result.rank[i] < result.rank[j]
            if result.rank[i] == result.rank[j]:
                assert result.totals[i] == pytest.approx(result.totals[j], abs=1e-6)
        # a rank counts the offers strictly before it: 1, 1, 3
        assert result.rank[i] == 1 + (result.rank[ranked] < result.rank[i]).sum()
    assert (result.rank[result.status != "ranked"] == 0).all()


@given(lots)
def test_eliminated_offers_failed_a_gate_on_the_first_pass(answer_list):
    result = scored(answer_list)
    for i in np.flatnonzero(result.status == "eliminated"):
        (reason,) = [r for r in result.reasons[i] if r["code"] == "eliminatory"]
        assert reason["score"] < reason["threshold"]
    for i in np.flatnonzero(result.status == "irregular"):
        assert result.reasons[i] and np.isnan(result.totals[i])


# random weights and scores: the sum of leaf points and a weighted sum differ in the last bits
fractions = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(st.lists(st.tuples(st.integers(1, 20000).map(lambda k: k * 0.37), fractions, fractions,
                          st.booleans()), min_size=1, max_size=12))
def test_the_total_that_ranks_an_offer_is_the_total_shown(rows):
    ranked_on = {}
    real = scoring.rank_offers

    def recording(totals, tie_scores, ranked):
        ranked_on["totals"] = totals.copy()
        return real(totals, tie_scores, ranked)

    offers = [{"id": f"O{k}", "answers": {"price": price, "co2": co2 * 5, "hours": hours * 400,
                                          "takeback": back, "delay": 5}}
              for k, (price, co2, hours, back) in enumerate(rows)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "rank_offers", recording)
        result = score_lot(MIXED, lot_from_offers(MIXED, offers))
    doc = result_to_dict(result)
    index = {oid: i for i, oid in enumerate(result.lot.offer_ids)}
    for entry in doc["offers"]:
        if entry["status"] == "irregular":
            continue
        shown = entry["total"]
        # to the last bit, for every offer: what ranks it, what every report shows, and
        # the sum of its breakdown's points
        assert ranked_on["totals"][index[entry["id"]]] == shown
        assert sum(b["points"] for b in entry["breakdown"]) == pytest.approx(shown, abs=1e-12)
