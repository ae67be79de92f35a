"""Ranking (SPEC §2.3 step 5): by total, ties within 1e-9 broken on paths, then shared."""

from __future__ import annotations

import numpy as np
import pytest

from spar.engine.scoring import TIE_TOLERANCE, rank_offers

from .builders import criteria, score


def ranks(totals, tie_scores=None, ranked=None):
    totals = np.asarray(totals, dtype=float)
    tie = np.zeros((len(totals), 0)) if tie_scores is None else np.asarray(tie_scores, float)
    mask = np.ones(len(totals), bool) if ranked is None else np.asarray(ranked)
    rank, order = rank_offers(totals, tie, mask)
    return rank.tolist(), order.tolist()


def test_highest_total_first():
    assert ranks([50, 80, 70, 60]) == ([4, 1, 2, 3], [1, 2, 3, 0])


def test_equal_offers_share_a_rank_and_the_next_is_skipped():
    assert ranks([80, 90, 90, 70])[0] == [3, 1, 1, 4]


def test_three_way_tie():
    assert ranks([5, 5, 5, 1])[0] == [1, 1, 1, 4]


def test_totals_within_tolerance_are_equal():
    assert ranks([70, 70 + TIE_TOLERANCE / 2])[0] == [1, 1]


def test_totals_beyond_tolerance_are_not():
    assert ranks([70, 70 + 2 * TIE_TOLERANCE])[0] == [2, 1]


def test_tie_break_applies_within_tolerance_even_against_the_total():
    # B's total is higher by less than 1e-9 but A wins on the first tie-break path
    assert ranks([70, 70 + TIE_TOLERANCE / 2], [[0.9], [0.1]]) == ([1, 2], [0, 1])


def test_tie_break_paths_are_compared_in_order():
    tie = [[0.5, 0.2], [0.5, 0.9], [0.4, 1.0]]
    assert ranks([60, 60, 60], tie) == ([2, 1, 3], [1, 0, 2])


def test_equal_on_every_path_shares_the_rank():
    assert ranks([60, 60, 50], [[0.5], [0.5], [1.0]])[0] == [1, 1, 3]


def test_unranked_offers_get_no_rank():
    assert ranks([90, 80, 70], ranked=[False, True, True]) == ([0, 1, 2], [1, 2])


def test_nobody_ranked():
    assert ranks([1.0], ranked=[False]) == ([0], [])


TIE_BREAK = """
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 1, input: price,
     method: price_lowest_ratio}
  - {id: env, label: Environnement, pillar: environmental, weight: 1, input: green,
     method: linear, best: 100, worst: 0}
  - {id: tech, label: Technique, pillar: technical, weight: 1, input: tech, method: linear,
     best: 100, worst: 0}
ranking:
  tie_break: [env, price]
"""


def test_scoring_breaks_a_tie_on_the_first_path():
    # A: (1 + 0.5 + 0.5) / 3, B: (0.5 + 1 + 0.5) / 3: equal totals, B is greener
    result = score(criteria(TIE_BREAK), {"price": 100, "green": 50, "tech": 50},
                   {"price": 200, "green": 100, "tech": 50})
    assert result.totals[0] == pytest.approx(result.totals[1])
    assert list(result.rank) == [2, 1]


def test_scoring_breaks_a_tie_on_the_second_path():
    # equal totals and equal env scores: the cheaper A wins on price
    result = score(criteria(TIE_BREAK), {"price": 100, "green": 50, "tech": 50},
                   {"price": 200, "green": 50, "tech": 100})
    assert list(result.rank) == [1, 2]


def test_scoring_shares_the_rank_when_every_path_is_equal():
    result = score(criteria(TIE_BREAK), {"price": 100, "green": 50, "tech": 50},
                   {"price": 200, "green": 100, "tech": 50},
                   {"price": 100, "green": 50, "tech": 50})
    assert list(result.rank) == [2, 1, 2]
    assert [result.lot.offer_ids[i] for i in result.order] == ["B", "A", "C"]


def test_tie_break_on_a_group_path():
    crit = criteria("""
        criteria:
          - {id: price, label: Prix, pillar: economic, weight: 2, input: price,
             method: price_lowest_ratio}
          - id: env
            label: Environnement
            pillar: environmental
            weight: 1
            criteria:
              - {id: a, label: A, weight: 1, input: a, method: boolean}
              - {id: b, label: B, weight: 1, input: b, method: boolean}
        ranking:
          tie_break: [env]
        """)
    # A: 2/3 × 0.5 + 1/3 × 1 = 2/3; B: 2/3 × 1 + 1/3 × 0 = 2/3
    result = score(crit, {"price": 200, "a": True, "b": True}, {"price": 100})
    assert list(result.rank) == [1, 2]
