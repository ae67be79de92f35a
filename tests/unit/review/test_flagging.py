"""review_lot: what needs a decision before the award (the lot's abnormally-low rules, the
model above its threshold, the audit sample), what is only noted, and the model's score,
version and explanations — beside the engine's result, which it never changes."""

import numpy as np
import pytest

from spar.engine.explain import offer_entry, result_to_dict
from spar.review import ReviewSettings, review_lot
from spar.review.artifact import ENV_VAR

from .conftest import offer

LOT = [offer("A", 5000, labels=["EU Ecolabel", "NF Environnement"], mark=0),
       offer("B", 10000), offer("C", 10400), offer("D", 10900), offer("E", 11500),
       offer("F", 12000, egapro_index=40)]


def test_model_scores_every_offer_in_competition(score, tiny_model):
    review = review_lot(score(LOT), model=tiny_model)
    assert review.model_version == tiny_model.version
    assert np.isnan(review.model_scores[5])  # irregular
    assert ((review.model_scores[:5] >= 0) & (review.model_scores[:5] <= 1)).all()


def test_offers_over_the_threshold_carry_a_model_reason_with_words(score, tiny_model):
    # a tiny budget keeps only the highest score over the threshold
    review = review_lot(score(LOT), model=tiny_model, settings=ReviewSettings(budget=0.01))
    threshold = tiny_model.threshold_for(0.01)
    over = np.flatnonzero(np.nan_to_num(review.model_scores, nan=-1) >= threshold)
    assert len(over)
    for i in range(len(LOT)):
        model_reasons = [r for r in review.decision_reasons(i) if r["code"] == "model"]
        if i in over:
            (r,) = model_reasons
            assert r["value"] == review.model_scores[i] and r["threshold"] == threshold
            assert r["model_version"] == tiny_model.version
            assert r["top_features"] == review.model_explanations[i]
            assert r["message"].startswith("Score du modèle de revue")
            assert review.flagged[i]
        else:
            assert not model_reasons and review.model_explanations[i] == []


def test_result_entry_shows_score_version_and_top_features(score, tiny_model):
    result = score(LOT)
    review = review_lot(result, model=tiny_model, settings=ReviewSettings(budget=0.01))
    i = int(np.nanargmax(review.model_scores))
    section = offer_entry(result, i, breakdown=False, review=review)["review"]
    assert section["flagged"] and section["model_version"] == tiny_model.version
    assert section["model_score"] == pytest.approx(review.model_scores[i])
    assert section["top_features"] and all("label" in t for t in section["top_features"])


def test_an_offer_section_owns_its_top_features(score, tiny_model):
    """The offers the model does not flag share one empty explanation: a section is a copy."""
    review = review_lot(score(LOT), model=tiny_model, settings=ReviewSettings(budget=0.01))
    quiet = [i for i in range(len(LOT)) if not review.model_explanations[i]]
    assert len(quiet) >= 2
    review.section(quiet[0])["top_features"].append({"feature": "x"})
    assert review.model_explanations[quiet[1]] == []
    assert review.section(quiet[1])["top_features"] == []


def test_rules_alone_when_asked(score):
    result = score(LOT)
    review = review_lot(result, model=None)
    assert review.model_scores is None and review.model_version is None
    doc = result_to_dict(result, breakdown=False, review=review)
    assert all(o["review"]["top_features"] == [] for o in doc["offers"])
    assert not doc["warnings"] and not review.warnings


def test_missing_model_degrades_to_rules_with_a_warning(score, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    review = review_lot(score(LOT))
    assert review.model_scores is None
    (warning,) = review.warnings
    assert "Modèle de revue introuvable" in warning and "Revue limitée aux règles" in warning
    assert any(r["code"] == "abnormally_low" for r in review.decision_reasons(0))


def test_snapshot_is_returned_for_decisions(score, tiny_model):
    features = review_lot(score(LOT), model=tiny_model).features
    snap = features.snapshot(0)
    assert snap["unevidenced_labels"] == 2 and snap["lot_offers"] == 5
    assert features.snapshot(5) is None


def test_the_engine_result_is_left_as_it_was(score, tiny_model):
    result = score(LOT)
    before = result_to_dict(result)
    review_lot(result, model=tiny_model, sample_rate=0.5, seed=4)
    assert result_to_dict(result) == before


def test_only_the_abnormally_low_rules_flag_the_rest_is_noted(score):
    result = score([offer("A", 5000), offer("B", 10000, labels=["EU Ecolabel"]),
                    offer("C", 10050), offer("D", 11000)])
    review = review_lot(result, model=None)
    a, b = 0, 1
    assert review.flagged.tolist() == [True, False, False, False]
    assert [r["code"] for r in review.decision_reasons(a)] == ["abnormally_low"]
    assert [r["code"] for r in review.notes[b]] == ["unevidenced_label"]
    entry = offer_entry(result, b, breakdown=False, review=review)
    assert not entry["review"]["flagged"] and entry["review"]["reasons"] == []
    assert entry["reasons"] == []  # a note is not a reason: it never reaches a bidder


def test_the_audit_sample_flags_offers_at_random_saying_so(score):
    result = score(LOT)
    review = review_lot(result, model=None, sample_rate=1.0, seed=2)
    # every offer in competition not flagged otherwise is drawn; the irregular one never
    assert review.sampled.tolist() == [False, True, True, True, True, False]
    assert review.flagged.tolist() == [True, True, True, True, True, False]
    (reason,) = review.decision_reasons(1)
    assert reason["code"] == "audit_sample" and reason["message"].startswith("Offre tirée au sort")
    assert review.sampling_probability.tolist() == [1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    section = review.section(1)
    assert section["sampled"] and section["to_review"] and section["flagged"]


def test_the_audit_sample_is_drawn_again_from_its_seed(score):
    first = review_lot(score(LOT), model=None, sample_rate=0.4, seed=11)
    again = review_lot(score(LOT), model=None, sample_rate=0.4, seed=11)
    assert first.sampled.tolist() == again.sampled.tolist()
    assert first.sampling_probability.tolist() == [1.0, 0.4, 0.4, 0.4, 0.4, 0.0]


def test_reasons_worded_for_many_offers_at_once_are_those_worded_one_by_one(score, tiny_model):
    """The table words tens of thousands of reasons batch by batch (the model's, the
    unevidenced labels'): every one is the reason its offer gets when read alone."""
    lot = LOT + [offer(f"L{k}", 9000 + 300 * k, labels=["EU Ecolabel"] * (k % 2 + 1))
                 for k in range(6)]
    result = score(lot)
    rows = list(range(len(lot)))[::-1]

    def reviewed():
        return review_lot(result, model=tiny_model, settings=ReviewSettings(budget=0.3))
    together, alone = reviewed(), reviewed()
    assert together.decision_lists(rows) == [alone.decision_reasons(i) for i in rows]
    assert together.notes.lists(rows) == [alone.notes[i] for i in rows]
    codes = {r["code"] for i in rows for r in alone.decision_reasons(i) + alone.notes[i]}
    assert {"model", "unevidenced_label"} <= codes
