"""``spar self-assess``: a supplier's indicative score, what was assumed, and hints."""

from __future__ import annotations

import json

from spar.criteria_file import load_criteria
from spar.engine.self_assessment import self_assess

ANSWERS = {"price_eur": 12000, "co2e_kg": 2, "recycled_pct": 50, "labels": ["FSC"],
           "insertion_hours": 120, "egapro_index": 85, "technical_mark": 2}


def answers_file(tmp_path, document, name="projet.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document) if name.endswith(".json") else document,
                    encoding="utf-8")
    return path


def test_table_says_what_was_scored_as_the_best_and_lists_hints(invoke, criteria_path,
                                                                 tmp_path):
    path = answers_file(tmp_path, {"answers": ANSWERS, "evidence": {"labels": ["FSC"]}})
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Total indicatif : 71,70 / 100 points — offre recevable" in result.stdout
    assert [line for line in lines if line.endswith(" *")] == [
        next(line for line in lines if line.startswith("Prix (price)"))]
    assert "* noté comme si votre offre était la meilleure (aucune hypothèse sur la " \
           "concurrence)" in lines
    hints = lines[lines.index("Pistes pour gagner des points (les plus gros gains d'abord)")
                  + 1:]
    assert hints[0] == "  - Heures d'insertion : augmenter de 120 à 300 : +6,0 pts"
    assert all(len(line) <= 100 for line in lines)


def test_assumptions_remove_the_best_case_mark(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, {"answers": ANSWERS, "assumptions": {"price_eur": 9000}})
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 0
    assert not [line for line in result.stdout.splitlines() if line.endswith(" *")]
    assert "Total indicatif : 58,70 / 100" in result.stdout  # price: 40 × 9000 / 12000


def test_json_is_the_self_assessment(invoke, criteria_path, tmp_path):
    document = {"answers": ANSWERS, "evidence": {"labels": ["FSC"]},
                "assumptions": {"price_eur": [9000, 15000]}}
    result = invoke("self-assess", criteria_path, answers_file(tmp_path, document),
                    "--format", "json")
    assert result.exit_code == 0
    expected = self_assess(load_criteria(criteria_path), ANSWERS, {"labels": ["FSC"]},
                           {"price_eur": [9000, 15000]}).to_dict()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_yaml_answers_are_read(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, "answers:\n  price_eur: 12000\n  labels: [FSC]\n",
                        "projet.yaml")
    result = invoke("self-assess", criteria_path, path, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["breakdown"][0]["value"] == 12000


def test_malformed_answer_names_the_input(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, {"answers": {**ANSWERS, "technical_mark": 7}})
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 1
    assert f"{path}: offre auto-évaluation, réponse « technical_mark » : note hors de " \
           "l'échelle" in result.stderr


def test_malformed_assumption_is_explained(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, {"answers": ANSWERS, "assumptions": {"co2e_kg": 1}})
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 1
    assert "hypothèse « co2e_kg » : aucun critère relatif ne lit cette réponse" in result.stderr


def test_malformed_json_is_located(invoke, criteria_path, tmp_path):
    path = tmp_path / "projet.json"
    path.write_text('{"answers": {\n  "price_eur": 12000,\n}}', encoding="utf-8")
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 1
    assert f"{path}:3:1: JSON invalide" in result.stderr


def test_malformed_yaml_is_located(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, "answers:\n  price_eur: [12000\n", "projet.yml")
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 1
    assert f"{path}:3:1: YAML invalide" in result.stderr


def test_unknown_and_missing_keys(invoke, criteria_path, tmp_path):
    path = answers_file(tmp_path, {"reponses": ANSWERS, "evidence": []})
    result = invoke("self-assess", criteria_path, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"{path}: clé inconnue « reponses » ; clés possibles : answers, evidence, assumptions",
        f"{path}: clé « answers » manquante : les réponses du projet d'offre",
        f"{path}: « evidence » doit être un objet (réponse: valeur)",
    ]


def test_missing_answers_file(invoke, criteria_path, tmp_path):
    result = invoke("self-assess", criteria_path, tmp_path / "absent.json")
    assert result.exit_code == 1
    assert "fichier de réponses introuvable" in result.stderr
