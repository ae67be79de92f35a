"""The always-on rules: each fires with its value, threshold and a French sentence; only the
lot's abnormally-low rules flag an offer, the others are notes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spar.review import ReviewInputError, ReviewSettings, review_lot
from spar.review.features import compute_features
from spar.review.rules import evaluate_rules, row_sets

from .conftest import offer
from .frames import frame_of


def reasons(review, oid):
    i = review.result.lot.offer_ids.index(oid)
    return {r["code"]: r for r in [*review.decision_reasons(i), *review.notes[i]]}


def test_impossible_share_names_the_figure(score):
    result = score([offer("A", 10000, recycled=120), offer("B", 11000), offer("C", 12000)])
    review = review_lot(result, model=None)
    r = reasons(review, "A")["impossible_figure"]
    assert (r["input"], r["value"], r["threshold"]) == ("recycled_pct", 120.0, 100.0)
    assert r["message"] == ("Valeur impossible : Matière recyclée = 120 % (une part est "
                            "comprise entre 0 et 100 %)")
    assert "outlying_figure" not in reasons(review, "A")  # one reason for one figure


def test_implausibly_good_figure_gives_its_robust_z(score):
    result = score([offer("A", 10000, co2=0.1), offer("B", 10500, co2=2.0),
                    offer("C", 11000, co2=2.1), offer("D", 11500, co2=2.2),
                    offer("E", 12000, co2=2.3)])
    review = review_lot(result, model=None)
    r = reasons(review, "A")["outlying_figure"]
    # median 2.1, MAD 0.1 → scale floor 10 % of 2.1 = 0.21; z = 2.0 / 0.21
    assert r["value"] == pytest.approx(2.0 / 0.21)
    assert r["threshold"] == 3.5 and r["input"] == "co2e_kg"
    assert "Empreinte carbone = 0,1 kgCO2e" in r["message"]
    assert not any("outlying_figure" in reasons(review, o) for o in "BCDE")


def test_a_worse_figure_is_not_a_reason(score):
    result = score([offer("A", 10000, co2=9.0)] + [offer(o, 10000 + k, co2=2.0 + k / 10)
                                                  for k, o in enumerate("BCDE")])
    review = review_lot(result, model=None)
    assert "outlying_figure" not in reasons(review, "A")


def test_claimed_label_without_evidence(score):
    result = score([offer("A", 10000, labels=["EU Ecolabel", "FSC"], evidence=["FSC"]),
                    offer("B", 11000, labels=["FSC"], evidence=["FSC"])])
    review = review_lot(result, model=None)
    r = reasons(review, "A")["unevidenced_label"]
    assert r["labels"] == ["EU Ecolabel"] and r["value"] == 1 and r["threshold"] == 0
    assert r["points_at_stake"] == pytest.approx(3.0)
    assert r["message"] == ("Label revendiqué sans justificatif : EU Ecolabel "
                            "(3,00 points en jeu)")
    assert "unevidenced_label" not in reasons(review, "B")


def test_offers_with_the_same_unproven_labels_each_get_their_own_reason(score):
    """Sentences are worded per set of labels: offers sharing a set, or not, read the same
    as one worded alone, each with a list of its own."""
    offers = [offer("A", 10000, labels=["EU Ecolabel", "FSC"]),
              offer("B", 10500, labels=["FSC"]),
              offer("C", 11000, labels=["EU Ecolabel", "FSC"], evidence=["EU Ecolabel"]),
              offer("D", 11500, labels=["EU Ecolabel", "FSC"]),
              offer("E", 12000, labels=["FSC"], evidence=["FSC"])]
    together = review_lot(score(offers), model=None)
    worded = together.notes.lists(range(len(offers)))
    messages = [[r["message"] for r in rs if r["code"] == "unevidenced_label"] for rs in worded]
    assert messages[0] == messages[3] == ["Labels revendiqués sans justificatif : EU Ecolabel, "
                                          "FSC (6,00 points en jeu)"]
    # the same label, not the same points at stake: FSC is all B may lose, C keeps EU Ecolabel
    assert messages[1] == ["Label revendiqué sans justificatif : FSC (3,00 points en jeu)"]
    assert messages[2] == ["Label revendiqué sans justificatif : FSC (0,00 point en jeu)"]
    assert messages[4] == []
    first, fourth = (next(r for r in rs if r["code"] == "unevidenced_label")
                     for rs in (worded[0], worded[3]))
    assert first["labels"] == fourth["labels"] == ["EU Ecolabel", "FSC"]
    assert first["labels"] is not fourth["labels"]
    alone = review_lot(score(offers), model=None)
    assert [alone.notes[i] for i in range(len(offers))] == worded


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 70).flatmap(lambda m: arrays(bool, st.tuples(st.integers(0, 40),
                                                                    st.just(m)))))
def test_row_sets_give_each_row_its_own_set(matrix):
    sets, which = row_sets(matrix)
    np.testing.assert_array_equal(sets[which], matrix)
    assert len({row.tobytes() for row in sets}) == len(sets)  # each set once
    assert len(sets) == len(np.unique(matrix, axis=0))


def test_identical_prices_from_different_suppliers(score):
    result = score([offer("A", 10000), offer("B", 10000), offer("C", 12000),
                    offer("D", 12000, supplier="Entreprise C")])
    review = review_lot(result, model=None)
    assert reasons(review, "A")["identical_price"]["value"] == 1
    assert "identical_price" in reasons(review, "B")
    # the same supplier twice at one price is a variant, not a coincidence
    assert "identical_price" not in reasons(review, "C")


def test_near_tie_flags_the_two_best_offers(score):
    result = score([offer("A", 10000), offer("B", 10050), offer("C", 14000)])
    review = review_lot(result, model=None)
    gap = result.totals[0] - result.totals[1]
    assert 0 < gap < 1
    for oid in "AB":
        r = reasons(review, oid)["near_tie"]
        assert r["value"] == pytest.approx(gap) and r["threshold"] == pytest.approx(1.0)
        assert r["message"].startswith("Quasi-égalité : les deux meilleures offres du lot sont à")
    assert "near_tie" not in reasons(review, "C")


def test_near_tie_margin_is_configurable(score):
    result = score([offer("A", 10000), offer("B", 10050), offer("C", 14000)])
    review = review_lot(result, model=None, settings=ReviewSettings(near_tie_margin=0.001))
    assert "near_tie" not in reasons(review, "A")


def test_single_offer(score):
    result = score([offer("A", 10000)])
    review = review_lot(result, model=None)
    r = reasons(review, "A")["single_offer"]
    assert r["value"] == 1 and r["threshold"] == 2
    assert r["message"].startswith("Offre unique dans le lot")


def test_self_assessment_gap(score):
    result = score([offer("A", 10000, mark=1), offer("B", 11000, mark=3)])
    review = review_lot(result, model=None, self_marks={"A": {"technical_mark": 4},
                                                        "B": {"technical_mark": 4}})
    r = reasons(review, "A")["self_assessment_gap"]
    assert (r["self_mark"], r["buyer_mark"], r["value"], r["threshold"]) == (4, 1, 0.75, 0.5)
    assert r["message"] == ("Écart d'auto-évaluation sur Valeur technique : note attendue par "
                            "l'entreprise 4, note de l'acheteur 1 (écart de 75\u00a0% de "
                            "l'échelle, seuil 50\u00a0%)")
    assert "self_assessment_gap" not in reasons(review, "B")


def test_bad_self_marks_are_all_named(score):
    result = score([offer("A", 10000), offer("B", 11000)])
    with pytest.raises(ReviewInputError) as err:
        review_lot(result, model=None, self_marks={"Z": {"technical_mark": 1},
                                                   "A": {"technical_mark": 7},
                                                   "B": {"price_eur": 3}})
    message = str(err.value)
    assert "offre « Z » : absente du lot" in message
    assert "offre « A », réponse « technical_mark » : note « 7 » hors de l'échelle" in message
    assert "offre « B », réponse « price_eur » : pas une note de l'acheteur" in message


def test_abnormally_low_reasons_of_the_engine_are_kept(score):
    result = score([offer("A", 5000), offer("B", 10000), offer("C", 11000)])
    review = review_lot(result, model=None)
    assert reasons(review, "A")["abnormally_low"]["method"] == "mean_ratio"


def test_irregular_offers_get_no_review_reason(score):
    result = score([offer("A", 10000, recycled=150, egapro_index=50), offer("B", 10000)])
    review = review_lot(result, model=None)
    assert result.status[0] == "irregular"
    assert not any(r["code"] == "impossible_figure" for r in reasons(review, "A").values())
    assert "identical_price" not in reasons(review, "B")


def test_rules_score_puts_offer_reasons_before_lot_notices():
    frame = frame_of([100.0, 100.0, 300.0], total=[50.0, 50.0, 10.0])
    hits = evaluate_rules(frame, compute_features(frame))
    # A and B: identical price (1) + near tie (0.1); C: nothing
    np.testing.assert_allclose(hits.score(), [1.1, 1.1, 0.0])


@pytest.mark.parametrize("kwargs, word", [
    ({"near_tie_margin": -0.1}, "near_tie_margin"),
    ({"outlier_z": 0}, "outlier_z"),
    ({"self_assessment_gap": 2}, "self_assessment_gap"),
    ({"budget": 1.5}, "budget"),
])
def test_settings_refuse_values_out_of_range(kwargs, word):
    with pytest.raises(ReviewInputError, match=word):
        ReviewSettings(**kwargs)
