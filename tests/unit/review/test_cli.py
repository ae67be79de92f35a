"""``spar model synth|train|evaluate`` on tiny data: French reports, clear errors."""

import json

import pytest
from click.testing import CliRunner

from spar.cli import cli

from .conftest import TINY_SEED


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["model", *args], catch_exceptions=False)
    return invoke


def test_synth_writes_a_table_and_summarises_it(run, tmp_path):
    out = tmp_path / "lots.csv"
    result = run("synth", "--seed", "2", "--lots", "40", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "40 lots" in result.output and "à revoir" in result.output and "SHA-256" in result.output


def test_synth_refuses_an_unknown_mechanism(run, tmp_path):
    result = run("synth", "--lots", "5", "--output", str(tmp_path / "x.csv"), "--without", "bribery")
    assert result.exit_code == 2 and "mécanisme inconnu : bribery" in result.output


def test_train_then_evaluate_a_small_model(run, tmp_path):
    model = tmp_path / "model"
    trained = run("train", "--seed", str(TINY_SEED), "--lots", "120", "--output", str(model))
    assert trained.exit_code == 0, trained.output
    assert "Seuil" in trained.output and "règles seules" in trained.output
    meta = json.loads((model / "metadata.json").read_text(encoding="utf-8"))
    assert meta["training"]["source"]["kind"] == "synthetic"

    evaluated = run("evaluate", "--model", str(model), "--lots", "60", "--market-lots", "40",
                    "--mechanism", "cover_bidding", "--save")
    assert evaluated.exit_code == 0, evaluated.output
    assert "Graine jamais vue 5003" in evaluated.output
    assert "Générateur indépendant (spar.review.market), graine 4242 : 40 lots" in evaluated.output
    assert "des offres signalées" in evaluated.output and "le prix seul" in evaluated.output
    assert "cover_bidding" in evaluated.output and "À 10 %" in evaluated.output
    assert "écart maximal" in evaluated.output
    meta = json.loads((model / "metadata.json").read_text(encoding="utf-8"))
    held_out = meta["metrics"]["held_out"]
    assert set(held_out["mechanisms"]) == {"cover_bidding"}
    assert held_out["market"]["lots"] == 40 and 0 <= held_out["market"]["queue"]["flagged_share"] <= 1
    card = (model / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Mécanisme jamais vu" in card and "Générateur indépendant" in card


def test_train_from_a_missing_table_is_a_clear_error(run, tmp_path):
    result = run("train", "--data", str(tmp_path / "none.csv"), "--output", str(tmp_path / "m"))
    assert result.exit_code == 1 and "fichier introuvable" in result.output


def test_evaluate_refuses_the_training_seed(run):
    result = run("evaluate", "--seed", "1")
    assert result.exit_code == 1 and "doit différer de celle de l'entraînement (1)" in result.output


def test_evaluate_without_a_model_is_a_clear_error(run, tmp_path):
    result = run("evaluate", "--model", str(tmp_path))
    assert result.exit_code == 1
    assert "Modèle de revue introuvable" in result.output and "Traceback" not in result.output
