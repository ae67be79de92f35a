"""review_result: reasons, model score, version and explanations on a scored lot."""

import numpy as np
import pytest

from spar.engine.explain import offer_entry, result_to_dict
from spar.review import ReviewSettings, review_result
from spar.review.artifact import ENV_VAR

from .conftest import offer

LOT = [offer("A", 5000, labels=["EU Ecolabel", "NF Environnement"], mark=0),
       offer("B", 10000), offer("C", 10400), offer("D", 10900), offer("E", 11500),
       offer("F", 12000, egapro_index=40)]


def test_model_scores_every_offer_in_competition(score, tiny_model):
    result = score(LOT)
    review_result(result, model=tiny_model)
    assert result.model_version == tiny_model.version
    assert np.isnan(result.model_scores[5])  # irregular
    assert ((result.model_scores[:5] >= 0) & (result.model_scores[:5] <= 1)).all()


def test_offers_over_the_threshold_carry_a_model_reason_with_words(score, tiny_model):
    result = score(LOT)
    # a tiny budget keeps only the highest score over the threshold
    review_result(result, model=tiny_model, settings=ReviewSettings(budget=0.01))
    threshold = tiny_model.threshold_for(0.01)
    over = np.flatnonzero(np.nan_to_num(result.model_scores, nan=-1) >= threshold)
    assert len(over)
    for i in range(len(LOT)):
        model_reasons = [r for r in result.flags[i] if r["code"] == "model"]
        if i in over:
            (r,) = model_reasons
            assert r["value"] == result.model_scores[i] and r["threshold"] == threshold
            assert r["model_version"] == tiny_model.version
            assert r["top_features"] == result.model_explanations[i]
            assert r["message"].startswith("Score du modèle de revue")
        else:
            assert not model_reasons and result.model_explanations[i] == []


def test_result_entry_shows_score_version_and_top_features(score, tiny_model):
    result = score(LOT)
    review_result(result, model=tiny_model, settings=ReviewSettings(budget=0.01))
    i = int(np.nanargmax(result.model_scores))
    review = offer_entry(result, i, breakdown=False)["review"]
    assert review["flagged"] and review["model_version"] == tiny_model.version
    assert review["model_score"] == pytest.approx(result.model_scores[i])
    assert review["top_features"] and all("label" in t for t in review["top_features"])


def test_rules_alone_when_asked(score):
    result = score(LOT)
    review_result(result, model=None)
    assert result.model_scores is None and result.model_version is None
    doc = result_to_dict(result, breakdown=False)
    assert all(o["review"]["top_features"] == [] for o in doc["offers"])
    assert not doc["warnings"]


def test_missing_model_degrades_to_rules_with_a_warning(score, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    result = score(LOT)
    review_result(result)
    assert result.model_scores is None
    (warning,) = result.warnings
    assert "Modèle de revue introuvable" in warning and "Revue limitée aux règles" in warning
    assert any(r["code"] == "abnormally_low" for r in result.flags[0])


def test_snapshot_is_returned_for_decisions(score, tiny_model):
    result = score(LOT)
    features = review_result(result, model=tiny_model)
    snap = features.snapshot(0)
    assert snap["unevidenced_labels"] == 2 and snap["lot_offers"] == 5
    assert features.snapshot(5) is None
