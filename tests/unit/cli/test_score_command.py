"""``spar score``: the outputs, and every way it refuses to score."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

from openpyxl import load_workbook

import spar.cli.scoring as scoring_cli
from spar.criteria_file import load_criteria
from spar.offers_file import read_offers
from spar.pipeline import evaluate_lot

from ..criteria_file.conftest import BASE, replaced

LEAVES = 7  # leaves of the SPEC §2 example


def test_table_ranks_flags_and_gives_reasons(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--review", "none")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    ranked = [line.split() for line in lines if line[:4].strip().isdigit()]
    assert [(row[0], row[1]) for row in ranked] == [("1", "B"), ("2", "A")]
    assert lines[[line.split()[1:2] for line in lines].index(["B"])].endswith("⚑ OAB")
    text = result.stdout
    assert "Offres éliminées (1)\n  C — Vieux Papiers — total 50,22\n" \
           "      · Note éliminatoire : Performance environnementale" in text
    assert "Offres irrégulières (1)\n  D — Sans Index\n" in text
    assert "Offres signalées pour examen (1)\n  B — Bureau Discount — total 67,10\n" in text
    assert "4 offres : 2 classées, 1 éliminée, 1 irrégulière ; 1 signalée" in text
    assert all(len(line) <= 100 for line in lines)


def test_the_table_lists_a_hundred_offers_a_section_unless_asked_for_all(invoke, criteria_path,
                                                                       tmp_path):
    path = tmp_path / "grand-lot.csv"
    path.write_text("id;price_eur;labels;co2e_kg;egapro_index\n" + "".join(
        f"N{k:03d};{10000 + k};EU Ecolabel;2;90\n" for k in range(101)), encoding="utf-8")
    default = invoke("score", criteria_path, path, "--review", "rules")
    every = invoke("score", criteria_path, path, "--review", "rules", "--list-all")
    assert default.exit_code == every.exit_code == 0
    assert "Observations, sans décision requise (101)" in default.stdout
    assert "  … et 1 autre, non listée ici : toutes avec --list-all" in default.stdout
    assert every.stdout.count("Label revendiqué sans justificatif") == 101
    assert "non listée" not in every.stdout
    assert "--list-all" in invoke("score", "--help").stdout


def test_json_is_the_result_of_spec_section_4(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--format", "json", "--review", "none")
    assert result.exit_code == 0
    criteria = load_criteria(criteria_path)
    expected = evaluate_lot(criteria, read_offers(offers_path, criteria).lot,
                            review="none").document()
    written = json.loads(result.stdout)
    # what the service's JSON export adds to a stored result: nothing offline
    for offer in written["offers"]:
        assert offer.pop("marks") == {} and offer["review"].pop("decision") is None
        offer.pop("supplier")
    for offer in expected["offers"]:
        offer.pop("supplier", None)
    assert written == json.loads(json.dumps(expected))


def test_csv_has_one_row_per_offer_and_leaf_for_french_spreadsheets(invoke, criteria_path,
                                                                     offers_path, tmp_path):
    out = tmp_path / "detail.csv"
    result = invoke("score", criteria_path, offers_path, "--format", "csv", "--output", out)
    assert result.exit_code == 0
    assert "4 offres notées" in result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4 * LEAVES
    assert [r["offre"] for r in rows[::LEAVES]] == ["B", "A", "C", "D"]
    first = rows[0]
    assert (first["critère"], first["pilier"], first["valeur"], first["points max"],
            first["statut"], first["rang"]) == ("price", "Économique (prix)", "6000", "40,00",
                                                "classée", "1")
    assert rows[LEAVES]["SIRET"] == "73282932000074"
    # points are shown to 2 decimals (SPEC §2.1): their sum is the total within rounding
    assert abs(sum(float(r["points"].replace(",", ".")) for r in rows[:LEAVES])
               - float(first["total"].replace(",", "."))) <= 0.005 * (LEAVES + 1)


def test_csv_to_standard_output(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith("\ufeffconsultation;lot;offre;fournisseur;SIRET;"
                                          .encode("utf-8"))
    assert len(result.stdout_bytes.decode("utf-8").splitlines()) == 1 + 4 * LEAVES


def test_xlsx_has_the_ranking_and_the_breakdown(invoke, criteria_path, offers_path, tmp_path):
    out = tmp_path / "detail.xlsx"
    assert invoke("score", criteria_path, offers_path, "--format", "xlsx", "-o", out,
                  "--review", "none").exit_code == 0
    book = load_workbook(out)  # not read-only: it would drop trailing empty cells
    assert book.sheetnames == ["Notation", "Classement", "Critères", "Détail"]
    ranking = list(book["Classement"].iter_rows(values_only=True))
    rank, offer = ranking[0].index("rang"), ranking[0].index("offre")
    assert [(row[rank], row[offer]) for row in ranking[1:]] == [(1, "B"), (2, "A"), (None, "C"),
                                                                (None, "D")]
    flagged, motives = ranking[0].index("à examiner"), ranking[0].index("motifs")
    assert [row[flagged] for row in ranking[1:]] == ["oui", None, None, None]
    assert ranking[1][motives].startswith("Offre anormalement basse (mean_ratio)")
    assert ranking[2][motives] is None
    assert ranking[3][motives].startswith("Note éliminatoire")
    detail = list(book["Détail"].iter_rows(values_only=True))
    assert len(detail) == 1 + 4 * LEAVES
    score, most = detail[0].index("note (0 à 1)"), detail[0].index("points max")
    assert detail[1][score] == 1.0 and detail[1][most] == 40.0  # numbers stay numbers


def test_xlsx_is_not_written_to_a_terminal(invoke, criteria_path, offers_path, monkeypatch):
    monkeypatch.setattr(scoring_cli, "stdout_is_terminal", lambda: True)
    result = invoke("score", criteria_path, offers_path, "--format", "xlsx")
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_xlsx_goes_to_a_pipe(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--format", "xlsx")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"PK\x03\x04")


def test_estimate_enables_the_estimate_rule(invoke, tmp_path, offers_path):
    criteria = tmp_path / "c.yaml"
    criteria.write_text(BASE.replace("co2e_kg", "co2e_kg\n    unit: kg") + "review:\n"
                        "  abnormally_low: {input: price_eur, method: estimate_ratio}\n",
                        encoding="utf-8")
    offers = tmp_path / "o.csv"
    offers.write_text("id,price_eur,co2e_kg\nA,10000,2\nB,6000,2\n", encoding="utf-8")
    without = invoke("score", criteria, offers)
    assert "Règle estimate_ratio non appliquée" in without.stdout
    with_estimate = invoke("score", criteria, offers, "--estimate", "10 000,00")
    assert "Offres signalées pour examen (1)\n  B" in with_estimate.stdout


# --------------------------------------------------------------------------- refusals
def test_missing_criteria_file(invoke, tmp_path, offers_path):
    result = invoke("score", tmp_path / "absent.yaml", offers_path)
    assert result.exit_code == 1
    assert f"fichier de critères introuvable : {tmp_path / 'absent.yaml'}" in result.stderr


def test_broken_criteria_file_prints_its_located_problems(invoke, tmp_path, offers_path):
    criteria = tmp_path / "bad.yaml"
    criteria.write_text(replaced("weight: 60", "weight: -3"), encoding="utf-8")
    result = invoke("score", criteria, offers_path)
    assert result.exit_code == 1
    assert f"{criteria}:10:13: error: doit être > 0, pas -3" in result.stderr
    assert result.stdout == ""


def test_missing_offers_file(invoke, criteria_path, tmp_path):
    result = invoke("score", criteria_path, tmp_path / "absent.csv")
    assert result.exit_code == 1
    assert "fichier d'offres introuvable" in result.stderr


def test_broken_offers_file_lists_every_problem(invoke, criteria_path, tmp_path):
    offers = tmp_path / "o.csv"
    offers.write_text("id;price_eur;co2_kg;technical_mark\nA;cher;1;3\nB;10;2;9\n",
                      encoding="utf-8")
    result = invoke("score", criteria_path, offers)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[:3] == [
        f"{offers}:1: colonne n° 3 : colonne inconnue « co2_kg » (vouliez-vous dire "
        "« co2e_kg » ?) ; colonnes possibles : id, supplier, siret, lot, price_eur, co2e_kg, "
        "recycled_pct, labels, insertion_hours, egapro_index, technical_mark, evidence.labels",
        f"{offers}: offre A, réponse « price_eur » : un nombre est attendu, pas « cher »",
        f"{offers}: offre B, réponse « technical_mark » : note hors de l'échelle ; notes "
        "possibles : 0, 1, 2, 3, 4",
    ]
    assert "fichier d'offres refusé (3 problèmes), rien n'a été noté" in errors[-1]
    assert result.stdout == ""


def test_unknown_lot_names_the_lots(invoke, criteria_path, tmp_path):
    offers = tmp_path / "o.json"
    offers.write_text(json.dumps({"offers": [
        {"id": "A", "lot": "1", "answers": {"price_eur": 10}},
        {"id": "B", "lot": "2", "answers": {"price_eur": 12}}]}), encoding="utf-8")
    several = invoke("score", criteria_path, offers)
    unknown = invoke("score", criteria_path, offers, "--lot", "3")
    chosen = invoke("score", criteria_path, offers, "--lot", "2")
    assert (several.exit_code, unknown.exit_code, chosen.exit_code) == (1, 1, 0)
    assert "plusieurs lots (1, 2) : choisissez-en un avec --lot" in several.stderr
    assert "lot « 3 » absent du fichier ; lots présents : 1, 2" in unknown.stderr
    assert chosen.stdout.startswith("Classement — lot 2 — ")


def test_unwritable_output(invoke, criteria_path, offers_path, tmp_path):
    result = invoke("score", criteria_path, offers_path, "-o", tmp_path / "no" / "t.txt")
    assert result.exit_code == 1
    assert "n'existe pas" in result.stderr


def test_usage_errors_exit_2(invoke, criteria_path, offers_path):
    assert invoke("score", criteria_path).exit_code == 2
    assert invoke("score", criteria_path, offers_path, "--format", "pdf").exit_code == 2
    bad = invoke("score", criteria_path, offers_path, "--estimate", "beaucoup")
    assert bad.exit_code == 2 and "un nombre est attendu" in bad.stderr


def test_output_file_gets_the_usual_permissions(invoke, criteria_path, offers_path, tmp_path):
    out = tmp_path / "classement.txt"
    assert invoke("score", criteria_path, offers_path, "-o", out).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_problems_are_found_before_reading_offers(invoke, criteria_path, tmp_path):
    result = invoke("score", criteria_path, tmp_path / "absent.csv", "-o", tmp_path)
    assert result.exit_code == 2
    assert "est un dossier" in result.stderr


def test_review_by_default_adds_the_rules_and_the_model(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--format", "json")
    assert result.exit_code == 0
    offers = json.loads(result.stdout)["offers"]
    assert all(o["review"]["model_version"] for o in offers if o["status"] != "irregular")
    codes = {r["code"] for o in offers for r in o["review"]["reasons"]}
    assert "abnormally_low" in codes and codes - {"abnormally_low"}
    # only the lot's rules, the model and the audit sample flag an offer (SPEC §4)
    assert codes <= {"abnormally_low", "model", "audit_sample"}


def test_review_rules_only_leaves_the_model_out(invoke, criteria_path, offers_path):
    result = invoke("score", criteria_path, offers_path, "--format", "json", "--review", "rules")
    assert result.exit_code == 0
    offers = json.loads(result.stdout)["offers"]
    assert all(o["review"]["model_score"] is None for o in offers)
    assert "model" not in {r["code"] for o in offers for r in o["review"]["reasons"]}


def test_the_command_offers_every_format_and_review_mode_the_pipeline_writes():
    # written twice so that ``spar --help`` loads no numpy: they must not drift apart
    from spar.exports.offline import FORMATS
    from spar.pipeline import REVIEW_MODES

    assert scoring_cli.FORMATS == FORMATS
    assert scoring_cli.REVIEW_MODES == REVIEW_MODES
