"""``spar criteria check|show|schema``."""

from __future__ import annotations

import json

from spar.criteria_file import schema_text

from ..criteria_file.conftest import BASE, replaced

BROKEN = replaced("weight: 40", "weight: 0", replaced("method: price_lowest_ratio",
                                                      "method: nope"))
POLICY = replaced("criteria:\n", "policy:\n  environmental_min_share: 50\ncriteria:\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_valid_file(invoke, tmp_path):
    result = invoke("criteria", "check", write(tmp_path, "ok.yaml", BASE))
    assert (result.exit_code, result.stdout) == (0, "1 fichier vérifié : aucun problème\n")


def test_check_prints_every_problem_sorted_then_a_summary(invoke, tmp_path):
    path = write(tmp_path, "bad.yaml", BROKEN)
    result = invoke("criteria", "check", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:12:13: error: valeur « nope » inconnue ; valeurs possibles : "
        "price_lowest_ratio, price_linear_gap, price_min_max, linear, relative, min_max, "
        "steps, boolean, choice, labels, scale",
        f"{path}:16:13: error: doit être > 0, pas 0",
        "1 fichier vérifié : 2 erreurs, 0 avertissement",
    ]


def test_warnings_pass_unless_strict(invoke, tmp_path):
    path = write(tmp_path, "policy.yaml", POLICY)
    lenient = invoke("criteria", "check", path)
    strict = invoke("criteria", "check", "--strict", path)
    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert f"{path}:7:28: warning: le pilier environmental pèse 40" in lenient.stdout
    assert lenient.stdout.endswith("1 fichier vérifié : 0 erreur, 1 avertissement\n")


def test_check_several_files_keeps_their_order(invoke, tmp_path):
    second = write(tmp_path, "a.yaml", BROKEN)
    first = write(tmp_path, "b.yaml", POLICY)
    lines = invoke("criteria", "check", first, second).stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [str(first)] + [str(second)] * 2
    assert lines[-1] == "2 fichiers vérifiés : 2 erreurs, 1 avertissement"


def test_check_a_folder_checks_its_criteria_files(invoke, tmp_path):
    write(tmp_path, "one.yaml", BASE)
    write(tmp_path, "two.yaml", BASE.replace("id: petit", "id: autre"))
    write(tmp_path, "notes.txt", "pas un fichier de critères")
    write(tmp_path, "schema.json", "{}")  # the JSON Schema shipped beside the sets
    result = invoke("criteria", "check", tmp_path)
    assert (result.exit_code, result.stdout) == (0, "2 fichiers vérifiés : aucun problème\n")


def test_check_missing_file_is_a_located_error(invoke, tmp_path):
    result = invoke("criteria", "check", tmp_path / "absent.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{tmp_path / 'absent.yaml'}:1:1: error: fichier " \
                                            "introuvable"


def test_check_without_file_is_a_usage_error(invoke):
    assert invoke("criteria", "check").exit_code == 2


def test_show_prints_the_tree_with_effective_shares(invoke, criteria_path):
    result = invoke("criteria", "show", criteria_path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("Prix (price)") and "40,0\u00a0%" in line
               and "price_lowest_ratio" in line and "price_eur (EUR HT)" in line
               for line in lines)
    assert any(line.startswith("├─ Empreinte carbone (co2)") and "15,0\u00a0%" in line
               for line in lines)
    assert any(line.startswith("Performance environnementale (env)")
               and "[éliminatoire sous 25\u00a0%]" in line for line in lines)
    assert any(line.strip().startswith("Environnemental") and "30,0\u00a0%" in line
               and "minimum de la politique : 20 %" in line for line in lines)
    assert all(len(line) <= 100 for line in lines)


def test_show_refused_file_prints_its_problems(invoke, tmp_path):
    path = write(tmp_path, "bad.yaml", BROKEN)
    result = invoke("criteria", "show", path)
    assert result.exit_code == 1
    assert f"{path}:16:13: error: doit être > 0, pas 0" in result.stderr
    assert "fichier de critères refusé (2 erreurs)" in result.stderr


def test_show_missing_file(invoke, tmp_path):
    result = invoke("criteria", "show", tmp_path / "absent.yaml")
    assert result.exit_code == 1
    assert "fichier de critères introuvable" in result.stderr


def test_schema_prints_the_json_schema(invoke):
    result = invoke("criteria", "schema")
    assert result.exit_code == 0
    assert result.stdout == schema_text()
    assert json.loads(result.stdout)["title"] == "SPAR criteria set"


def test_show_cuts_long_labels_not_ids_and_wraps_details_in_100_columns(invoke, tmp_path):
    long_label = "Regroupement des livraisons pour limiter les kilomètres parcourus"
    text = replaced("    label: Carbone\n", f"    label: {long_label}\n").replace(
        "input: co2e_kg\n", "input: co2e_kg\n    unit: kg équivalent CO2 par unité livrée\n"
        "    maximum: 50\n")
    result = invoke("criteria", "show", write(tmp_path, "long.yaml", text))
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    (row,) = [k for k, line in enumerate(lines) if line.startswith("Regroupement")]
    assert "… (co2)" in lines[row]
    answer_at = lines[row].index("co2e_kg")
    assert lines[row + 1][:answer_at].strip() == ""  # details continue under the answer
    assert " ".join(line[answer_at:] for line in lines[row:row + 2]) == \
        "co2e_kg (kg équivalent CO2 par unité livrée) [max 50]"


def test_price_min_max_is_a_warning_with_the_daj_advice(invoke, tmp_path):
    path = tmp_path / "min-max.yaml"
    path.write_text(replaced("method: price_lowest_ratio", "method: price_min_max"),
                    encoding="utf-8")
    lenient = invoke("criteria", "check", path)
    assert lenient.exit_code == 0
    (line,) = [x for x in lenient.stdout.splitlines() if "warning" in x]
    assert ": warning: price_min_max donne tous les points du critère" in line
    assert "deux offres à un centime d'écart" in line and "DAJ" in line
    assert invoke("criteria", "check", "--strict", path).exit_code == 1
