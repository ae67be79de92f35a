"""Winner stability: the smallest top-level weight change that gives the lot to another."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings

from spar.engine.sensitivity import analyse_result, winner_stability

from .lots import document, env, on_a_gate, price, random_lot, scored, with_top_share

CLOSE = {"A": {"price": 100, "co2": 10}, "B": {"price": 200, "co2": 2.25}}


def _entry(stability, path):
    return next(e for e in stability["criteria"] if e["criterion"] == path)


def test_threshold_is_where_the_totals_cross():
    # A: 60 × 1 + 40 × 0.4 = 76; B: 60 × 0.8 + 40 × 0.8 = 80. With price at share x,
    # A = 100 (0.4 + 0.6 x) and B = 80 whatever x: they cross at x = 2/3.
    _, result = scored(document([price(60), env(40)]),
                       {"A": {"price": 100, "co2": 6}, "B": {"price": 125, "co2": 2}})
    out = winner_stability(result)
    assert out["winner"] == ["B"]
    p = _entry(out, "price")
    assert p["decrease"] is None
    assert p["increase"]["share"] == pytest.approx(2 / 3)
    assert p["increase"]["change_points"] == pytest.approx(100 * (2 / 3 - 0.6))
    assert p["increase"]["winner"] == ["A"]
    assert p["increase"]["total_at_change"] == pytest.approx(80)
    e = _entry(out, "env")
    assert e["increase"] is None
    assert e["decrease"]["share"] == pytest.approx(1 / 3)
    assert e["decrease"]["change_points"] == pytest.approx(-100 * (0.4 - 1 / 3))
    assert not out["fragile"]


def test_lot_won_by_a_weight_change_under_two_points_is_fragile():
    # B wins by 1 point; each share of price moves A by +100 and B by −27.5
    _, result = scored(document([price(60), env(40)]), CLOSE)
    out = analyse_result(result)
    st = out["stability"]
    assert st["fragile"] and _entry(st, "price")["fragile"]
    assert st["smallest_change_points"] == pytest.approx(100 / 127.5)
    assert _entry(st, "price")["increase"]["winner"] == ["A"]
    assert any(w.startswith("Décision fragile : une hausse de 0,78 point(s) du poids de Prix")
               and "donnerait le lot à A" in w for w in out["warnings"])


def test_fragile_threshold_is_configurable():
    _, result = scored(document([price(60), env(40)]), CLOSE)
    assert not winner_stability(result, fragile_points=0.5)["fragile"]


def test_fragile_threshold_is_read_on_a_hundred_point_scale():
    doc = document([price(60), env(40)], points=20)
    _, result = scored(doc, CLOSE)
    out = winner_stability(result, fragile_points=2.0)
    assert out["fragile_threshold_points"] == pytest.approx(0.4)
    assert out["smallest_change_points"] == pytest.approx(20 / 127.5)
    assert out["fragile"]


def test_winner_by_tie_break_changes_at_once_in_the_direction_that_favours_the_other():
    doc = document([price(60), env(40)], ranking={"tie_break": ["env"]})
    # both total 60; B wins on the environment score
    _, result = scored(doc, {"A": {"price": 100, "co2": 10}, "B": {"price": 200, "co2": 2.5}})
    assert list(result.rank) == [2, 1]
    p = _entry(winner_stability(result), "price")
    assert p["increase"]["change_points"] == 0 and p["increase"]["winner"] == ["A"]
    assert p["decrease"] is None


def test_offers_sharing_the_first_rank_separate_at_once():
    _, result = scored(document([price(60), env(40)]),
                       {"A": {"price": 100, "co2": 10}, "B": {"price": 200, "co2": 2.5}})
    out = winner_stability(result)
    assert out["winner"] == ["A", "B"]
    p = _entry(out, "price")
    assert p["increase"]["change_points"] == 0 and p["increase"]["winner"] == ["A"]
    assert p["decrease"]["change_points"] == 0 and p["decrease"]["winner"] == ["B"]


def test_identical_offers_never_separate():
    _, result = scored(document([price(60), env(40)]),
                       {"A": {"price": 100, "co2": 3}, "A2": {"price": 100, "co2": 3}})
    out = winner_stability(result)
    assert out["winner"] == ["A", "A2"] and out["smallest_change_points"] is None


def test_single_top_level_criterion_cannot_move():
    _, result = scored(document([env(1)]), {"A": {"co2": 1}, "B": {"co2": 2}})
    out = winner_stability(result)
    assert out["criteria"] == [] and "Un seul critère" in out["warnings"][0]


def test_nothing_ranked_has_no_winner():
    _, result = scored(document([price(60), env(40, eliminatory_below=0.5)]),
                       {"A": {"price": 100, "co2": 9}})
    out = winner_stability(result)
    assert out["winner"] == [] and out["warnings"] == ["Aucune offre classée : pas de "
                                                       "vainqueur à éprouver."]


def test_output_is_strict_json():
    import json
    _, result = scored(document([price(60), env(40)]), CLOSE)
    json.dumps(analyse_result(result, pairs=True), allow_nan=False)


# --------------------------------------------------------------------------- brute force
def _winners(result):
    return sorted(result.lot.offer_ids[i] for i in np.flatnonzero(result.rank == 1))


def _engine_at(doc, rows, k, share):
    _, result = scored(with_top_share(doc, k, share), rows)
    return result


@settings(max_examples=60)
@given(random_lot())
def test_totals_move_as_the_closed_form_says_and_statuses_do_not(case):
    doc, rows = case
    _, result = scored(doc, rows)
    assume(not on_a_gate(result))
    shares = [e["declared_share"] for e in winner_stability(result)["criteria"]]
    base = result.totals[result.status == "ranked"]
    for k, w in enumerate(shares):
        lo, hi = _engine_at(doc, rows, k, 0.01), _engine_at(doc, rows, k, 0.99)
        mid = _engine_at(doc, rows, k, w + (0.5 - w) * 0.37)
        assert list(lo.status) == list(result.status) == list(hi.status) == list(mid.status)
        # three points on one line per offer: the totals are affine in the share
        ranked = result.status == "ranked"
        slope = (hi.totals[ranked] - lo.totals[ranked]) / 0.98
        expect = base + (w + (0.5 - w) * 0.37 - w) * slope
        assert np.allclose(mid.totals[ranked], expect, atol=1e-9)


@settings(max_examples=80)
@given(random_lot())
def test_closed_form_threshold_agrees_with_a_scan_through_the_engine(case):
    doc, rows = case
    _, result = scored(doc, rows)
    assume(not on_a_gate(result))
    out = winner_stability(result)
    original = sorted(out["winner"])
    for k, entry in enumerate(out["criteria"]):
        w = entry["declared_share"]
        for name, direction in (("decrease", -1), ("increase", 1)):
            change = entry[name]
            limit = abs(change["share"] - w) if change else None
            room = (1 - w) if direction > 0 else w
            for step in np.linspace(0, room, 26)[1:]:
                share = min(max(w + direction * step, 1e-6), 1 - 1e-6)
                if limit is not None and abs(step - limit) < 1e-6:
                    continue  # on the crossing itself the tie-break decides
                winners = _winners(_engine_at(doc, rows, k, share))
                if limit is None or step < limit:
                    assert winners == original, (entry["criterion"], name, share)
            if change is not None:
                past = w + direction * (limit + 1e-5)
                if 1e-6 < past < 1 - 1e-6:
                    assert _winners(_engine_at(doc, rows, k, past)) == sorted(change["winner"])


def test_negative_fragile_threshold_is_refused():
    _, result = scored(document([price(60), env(40)]), CLOSE)
    with pytest.raises(ValueError, match="seuil de fragilité"):
        winner_stability(result, fragile_points=-1)
