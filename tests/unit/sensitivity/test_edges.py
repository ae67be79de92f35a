"""Winner changes at the ends of a weight's range (a share of 0 or 1): shares stay in
[0, 1] and a claim there is confirmed by scoring the lot there, ties and tie-breaks
included — never read off lines extended past the end."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner
from hypothesis import assume, given, settings

from spar.cli import cli
from spar.engine.scoring import rank_offers
from spar.engine.sensitivity import analyse_result, pair_stability, winner_stability

from .lots import document, env, on_a_gate, price, random_lot, scored

#: The smallest case of issue 9: B never wins alone, whatever the weights.
SMALLEST = document([price(1.5), env(98.5, best=0, worst=10)])
SMALLEST_OFFERS = {"A": {"price": 1000, "co2": 0}, "B": {"price": 1100, "co2": 0}}


def _entry(stability, path):
    return next(e for e in stability["criteria"] if e["criterion"] == path)


def test_two_offers_equal_at_a_price_weight_of_zero_do_not_change_the_winner():
    _, result = scored(SMALLEST, SMALLEST_OFFERS)
    out = analyse_result(result)
    st = out["stability"]
    assert st["winner"] == ["A"]
    assert _entry(st, "price")["decrease"] is None  # at 0 they tie: A still shares first
    assert st["smallest_change_points"] is None and not st["fragile"]
    assert not any("donnerait le lot à B" in w for w in out["warnings"])


def test_spar_analyse_does_not_name_a_winner_that_never_wins(tmp_path):
    import json

    import yaml

    criteria = tmp_path / "c.yaml"
    criteria.write_text(yaml.safe_dump(SMALLEST, allow_unicode=True), encoding="utf-8")
    offers = tmp_path / "o.json"
    offers.write_text(json.dumps({"offers": [{"id": k, "answers": v}
                                             for k, v in SMALLEST_OFFERS.items()]}))
    result = CliRunner().invoke(cli, ["analyse", str(criteria), str(offers)])
    assert result.exit_code == 0, result.output
    assert "FRAGILE" not in result.stdout and "-0,00" not in result.stdout
    assert "Aucun changement de poids d'un seul critère ne change le vainqueur" in result.stdout


def test_a_change_at_the_end_is_scored_there_with_the_tie_break():
    # A: 10×1 + 45×0.6 + 45×0.4 = 55, B: 10×0.5 + 45×0.4 + 45×0.6 = 50. Without price
    # both score 50; the tie-break on the social score gives the lot to B
    doc = document([price(10), env(45, best=0, worst=10),
                    {"id": "social", "label": "Social", "pillar": "social", "weight": 45,
                     "input": "jobs", "method": "linear", "best": 10, "worst": 0}],
                   ranking={"tie_break": ["social"]})
    _, result = scored(doc, {"A": {"price": 100, "co2": 4, "jobs": 4},
                             "B": {"price": 200, "co2": 6, "jobs": 6}})
    change = _entry(winner_stability(result), "price")["decrease"]
    assert change["share"] == 0.0 and change["winner"] == ["B"]
    assert change["change_points"] == -10.0 and change["total_at_change"] == 50.0


def _first_at(result, k: int, share: float) -> list[str]:
    """The offers first when top-level criterion ``k`` has a share of exactly 0 or 1,
    scored from the engine's node scores and ranked as SPEC §2.3 ranks."""
    criteria, weights = result.criteria, result.weights
    ranked = np.flatnonzero(result.status == "ranked")
    nodes = [n.path for n in criteria.root.children]
    scores = weights.node_scores(result.scores[ranked], nodes)
    shares = np.array([criteria.shares()[p] for p in nodes])
    w = np.zeros(len(nodes))
    if share == 1.0:
        w[k] = 1.0
    else:
        w = shares.copy()
        w[k] = 0.0
        w /= w.sum()
    totals = criteria.points * (scores * w).sum(axis=1)
    tie_paths = list(criteria.tie_break)
    tie = weights.node_scores(result.scores[ranked], tie_paths) if tie_paths \
        else np.zeros((len(ranked), 0))
    rank, _ = rank_offers(totals, tie, np.ones(len(ranked), dtype=bool))
    return sorted(result.lot.offer_ids[ranked[j]] for j in np.flatnonzero(rank == 1))


@settings(max_examples=150)
@given(random_lot())
def test_every_claim_lies_in_the_range_and_an_end_claim_holds_there(case):
    doc, rows = case
    _, result = scored(doc, rows)
    assume(not on_a_gate(result))
    out = winner_stability(result)
    for k, entry in enumerate(out["criteria"]):
        for name in ("decrease", "increase"):
            change = entry[name]
            if change is None:
                continue
            assert 0.0 <= change["share"] <= 1.0, (entry["criterion"], name, change)
            if change["share"] in (0.0, 1.0):
                first = _first_at(result, k, change["share"])
                assert sorted(change["winner"]) == first
                assert not set(out["winner"]) <= set(first)


@settings(max_examples=80)
@given(random_lot())
def test_pair_claims_lie_in_the_range(case):
    doc, rows = case
    _, result = scored(doc, rows)
    for pair in pair_stability(result):
        for criterion in pair["criteria"]:
            for key, sign in (("decrease_points", -1), ("increase_points", 1)):
                change = criterion[key]
                if change is not None:
                    assert sign * change >= 0
    shares = {n.path: s for n, s in zip(result.criteria.root.children,
                                        [result.criteria.shares()[n.path]
                                         for n in result.criteria.root.children])}
    for pair in pair_stability(result):
        for criterion in pair["criteria"]:
            w = shares[criterion["criterion"]] * result.criteria.points
            if criterion["decrease_points"] is not None:
                assert w + criterion["decrease_points"] >= -1e-9
            if criterion["increase_points"] is not None:
                assert w + criterion["increase_points"] <= result.criteria.points + 1e-9


def test_price_min_max_on_two_offers_a_cent_apart_is_a_warning():
    doc = document([price(60, "price_min_max"), env(40)])
    _, result = scored(doc, {"A": {"price": 1000.00, "co2": 5}, "B": {"price": 1000.01, "co2": 5}})
    (caution,) = [w for w in analyse_result(result)["warnings"] if "price_min_max" in w]
    assert caution.startswith("Prix (price) : price_min_max sur 2 offres dont les prix vont "
                              "de 1\u202f000,00 à 1\u202f000,01")
    assert "60,00 points d'écart" in caution and "DAJ" in caution


def test_price_min_max_on_many_spread_prices_says_nothing():
    doc = document([price(60, "price_min_max"), env(40)])
    rows = {f"O{k}": {"price": 1000 + 100 * k, "co2": 5} for k in range(6)}
    _, result = scored(doc, rows)
    assert not [w for w in analyse_result(result)["warnings"] if "price_min_max" in w]
