"""``spar analyse CRITERIA OFFERS`` through click's test runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from spar.cli import cli

CRITERIA = """\
spar: 1
id: test
version: 3
title: Fournitures
category: supplies
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 60, input: price, method: price_lowest_ratio}
  - {id: env, label: Environnement, pillar: environmental, weight: 40, input: co2,
     method: linear, best: 0, worst: 10}
"""

# B wins by 1 point; a price weight 0.78 point higher gives the lot to A
OFFERS = {"offers": [
    {"id": "A", "lot": "1", "answers": {"price": 100, "co2": 10}},
    {"id": "B", "lot": "1", "answers": {"price": 200, "co2": 2.25}},
    {"id": "Z", "lot": "2", "answers": {"price": 100, "co2": 1}},
]}


@pytest.fixture
def files(tmp_path):
    criteria = tmp_path / "criteria.yaml"
    criteria.write_text(CRITERIA, encoding="utf-8")
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps(OFFERS), encoding="utf-8")
    return str(criteria), str(offers)


def run(*args):
    return CliRunner().invoke(cli, ["analyse", *args])


def test_table_names_the_winner_the_threshold_and_the_verdict(files):
    result = run(*files, "--lot", "1")
    assert result.exit_code == 0, result.output
    assert "Stabilité du vainqueur : B" in result.output
    assert "Prix (price)" in result.output and "+0,78 → 60,78 : A" in result.output
    assert "décision FRAGILE" in result.output
    assert "Décision fragile : une hausse de 0,78 point(s)" in result.output


def test_json_is_the_full_analysis(files):
    result = run(*files, "--lot", "1", "--format", "json")
    out = json.loads(result.output)
    assert out["lot"] == "1" and out["stability"]["fragile"]
    assert out["stability"]["smallest_change_points"] == pytest.approx(100 / 127.5)
    assert "pairs" not in out and "what_if" not in out


def test_pairs_on_request(files):
    out = json.loads(run(*files, "--lot", "1", "--format", "json", "--pairs").output)
    assert [p["offers"] for p in out["pairs"]] == [["B", "A"]]
    assert "Rangs voisins" in run(*files, "--lot", "1", "--pairs").output


def test_weight_and_method_variants_one_by_one(files):
    result = run(*files, "--lot", "1", "--format", "json", "--weight", "price=70",
                 "--method", "price=price_min_max")
    variants = json.loads(result.output)["what_if"]["variants"]
    assert [v["label"] for v in variants] == ["price : poids 60 → 70",
                                              "price : méthode price_lowest_ratio → price_min_max"]
    assert all(v["winner"] == ["A"] and v["winner_changed"] for v in variants)
    assert "(CHANGE)" in run(*files, "--lot", "1", "--weight", "price=70").output


def test_variants_together(files):
    result = run(*files, "--lot", "1", "--format", "json", "--weight", "price=70",
                 "--method", "env=linear:{\"best\": 0, \"worst\": 20}", "--together")
    variants = json.loads(result.output)["what_if"]["variants"]
    assert len(variants) == 1 and " ; " in variants[0]["label"]


def test_several_lots_need_a_choice(files):
    result = run(*files)
    assert result.exit_code == 1
    assert "plusieurs lots (1, 2)" in result.output and "--lot" in result.output


def test_unknown_lot_lists_the_lots(files):
    result = run(*files, "--lot", "9")
    assert result.exit_code == 1 and "lots présents : 1, 2" in result.output


@pytest.mark.parametrize("args, message", [
    (["--weight", "price"], "CHEMIN=POIDS"),
    (["--weight", "prix=3"], "critère « prix » inconnu"),
    (["--method", "price=cheapest"], "méthode « cheapest » inconnue"),
    (["--factor", "1"], "facteur"),
    (["--fragile-points", "-1"], "seuil de fragilité"),
])
def test_bad_options_are_explained(files, args, message):
    result = run(*files, "--lot", "1", *args)
    assert result.exit_code == 1 and message in result.output
    assert isinstance(result.exception, SystemExit)


def test_bad_criteria_file_is_located(tmp_path, files):
    bad = tmp_path / "bad.yaml"
    bad.write_text(CRITERIA.replace("weight: 60", "weight: -60"), encoding="utf-8")
    result = run(str(bad), files[1], "--lot", "1")
    assert result.exit_code == 1 and f"{bad}:7:56: error: doit être > 0" in result.output


@pytest.mark.parametrize("content, message", [
    ("{\"offers\": [", "JSON invalide"),
    ("[1, 2]", "offre n° 1"),
    (json.dumps({"offers": [{"id": "A", "answers": {"price": "cher"}}]}),
     "offre A, réponse « price » : un nombre est attendu"),
])
def test_bad_offers_file_is_explained(tmp_path, files, content, message):
    offers = tmp_path / "bad.json"
    offers.write_text(content, encoding="utf-8")
    result = run(files[0], str(offers))
    assert result.exit_code == 1 and message in result.output
    assert isinstance(result.exception, SystemExit)


def test_missing_offers_file(files, tmp_path):
    result = run(files[0], str(tmp_path / "none.json"))
    assert result.exit_code == 1 and "none.json: fichier introuvable" in result.output


def test_offers_from_a_french_spreadsheet_csv(files, tmp_path):
    offers = tmp_path / "offers.csv"
    offers.write_text("id;supplier;price;co2\nA;Alpha;100;10\nB;Beta;200;2,25\n",
                      encoding="utf-8-sig")
    out = json.loads(run(files[0], str(offers), "--format", "json").output)
    assert out["stability"]["winner"] == ["B"]
