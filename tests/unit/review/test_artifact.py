"""The model on disk: skops with trusted types, compiled tables, metadata checks, versioned
formats."""

import json

import numpy as np
import pytest
import skops.io

from spar.review import ModelIncompatibleError, ModelNotFoundError, load_model, save_model
from spar.review.artifact import (CARD_FILE, ENV_VAR, METADATA_FILE, MODEL_FILE, PREDICTOR_FILE,
                                  TRUSTED_TYPES, load_pipeline, model_dir)
from spar.review.card import render_card
from spar.review.features import FEATURE_NAMES


@pytest.fixture
def saved(tiny_model, tmp_path):
    save_model(tiny_model, tmp_path, render_card(tiny_model.metadata))
    return tmp_path


def rewrite_metadata(directory, **changes):
    path = directory / METADATA_FILE
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), encoding="utf-8")


def test_saved_model_loads_and_scores_the_same(saved, tiny_model, tiny_table):
    loaded = load_model(saved)
    x = tiny_table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    np.testing.assert_array_equal(loaded.score(x), tiny_model.score(x))
    assert loaded.version == tiny_model.version
    assert loaded.threshold == pytest.approx(tiny_model.threshold)


def test_saved_record_is_the_pipeline_the_tables_were_compiled_from(saved, tiny_model, tiny_table):
    record = load_pipeline(saved)
    x = tiny_table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    np.testing.assert_array_equal(record.pipeline.predict_proba(x),
                                  tiny_model.pipeline.predict_proba(x))
    np.testing.assert_allclose(record.score(x), record.pipeline.predict_proba(x)[:, 1], atol=1e-12)


def test_artifact_has_its_four_files(saved):
    assert {p.name for p in saved.iterdir()} == {MODEL_FILE, PREDICTOR_FILE, METADATA_FILE,
                                                 CARD_FILE}
    card = (saved / CARD_FILE).read_text(encoding="utf-8")
    assert "synthétiques" in card and "Usage prévu" in card and "Limites" in card


def test_only_listed_types_need_trust(saved):
    assert set(skops.io.get_untrusted_types(file=saved / MODEL_FILE)) <= set(TRUSTED_TYPES)


def test_a_type_outside_the_list_is_refused(saved, monkeypatch):
    monkeypatch.setattr("spar.review.artifact.TRUSTED_TYPES", TRUSTED_TYPES[1:])
    with pytest.raises(ModelIncompatibleError, match="chargement refusé"):
        load_pipeline(saved)


def test_missing_model_says_where_it_looked(tmp_path):
    with pytest.raises(ModelNotFoundError, match=f"{tmp_path}.*{ENV_VAR}"):
        load_model(tmp_path)


def test_another_scikit_learn_version_is_refused_for_the_record(saved, tiny_model, tiny_table):
    rewrite_metadata(saved, libraries={"scikit-learn": "0.24.2"})
    with pytest.raises(ModelIncompatibleError, match="scikit-learn 0.24.2"):
        load_pipeline(saved)
    # scoring reads plain tables, whatever scikit-learn is installed
    x = tiny_table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    np.testing.assert_array_equal(load_model(saved).score(x), tiny_model.score(x))


def test_other_feature_names_are_refused(saved):
    rewrite_metadata(saved, feature_names=list(FEATURE_NAMES[:-1]) + ["shoe_size"])
    with pytest.raises(ModelIncompatibleError, match="inconnues : shoe_size.*absentes : "
                                                     "self_assessment_gap"):
        load_model(saved)


@pytest.mark.parametrize("name", [MODEL_FILE, PREDICTOR_FILE])
def test_an_altered_model_file_is_refused(saved, name):
    with open(saved / name, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelIncompatibleError, match=f"{name}.*SHA-256"):
        load_model(saved)


def test_missing_tables_say_which_file(saved):
    (saved / PREDICTOR_FILE).unlink()
    with pytest.raises(ModelNotFoundError, match=PREDICTOR_FILE):
        load_model(saved)


def test_a_format_1_model_says_to_retrain(saved):
    rewrite_metadata(saved, format_version=1, model_version="rv1-1ae445c0bc25")
    with pytest.raises(ModelIncompatibleError, match="format 1 .*rv1-1ae445c0bc25.*spar model "
                                                     "train"):
        load_model(saved)


def test_only_a_just_trained_model_is_saved(saved, tmp_path):
    with pytest.raises(ModelIncompatibleError, match="pipeline d'origine manque"):
        save_model(load_model(saved), tmp_path / "again", "carte")


def test_an_unknown_format_is_refused(saved):
    rewrite_metadata(saved, format_version=99)
    with pytest.raises(ModelIncompatibleError, match="format 99 inconnu"):
        load_model(saved)


def test_unreadable_metadata_is_refused(saved):
    (saved / METADATA_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ModelIncompatibleError, match="métadonnées illisibles"):
        load_model(saved)


def test_model_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert model_dir() == tmp_path
    assert model_dir("elsewhere").name == "elsewhere"
