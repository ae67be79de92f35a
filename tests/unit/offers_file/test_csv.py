"""Offers as CSV: comma or French spreadsheet dialect, one row per offer."""

from __future__ import annotations

import numpy as np
import pytest

import spar.offers_file.table as offers_table
from spar.criteria_file import load_criteria
from spar.offers_file import OffersFileError, read_offers

HEADER = ("id,supplier,siret,price_eur,co2e_kg,recycled_pct,labels,evidence.labels,"
          "insertion_hours,egapro_index,technical_mark")
COMMA = HEADER + """
A,Dupont,73282932000074,12000.5,1.2,80,EU Ecolabel|FSC,EU Ecolabel,150,90,3
B,"Vert, SARL",,9000,0.8,100,NF Environnement,,300,80,4
"""
FRENCH = HEADER.replace(",", ";") + """
A;Dupont;73282932000074;12000,5;1,2;80;EU Ecolabel|FSC;EU Ecolabel;150;90;3
B;Vert, SARL;;9000;0,8;100;NF Environnement;;300;80;4
"""


def problems(path, criteria, **kwargs) -> list[str]:
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria, **kwargs)
    return exc.value.lines()


def check_two_offers(lot) -> None:
    assert lot.offer_ids == ("A", "B")
    np.testing.assert_allclose(lot.columns["price_eur"], [12000.5, 9000.0])
    np.testing.assert_allclose(lot.columns["co2e_kg"], [1.2, 0.8])
    assert lot.columns["labels"].value_at(0) == ["EU Ecolabel", "FSC"]
    assert lot.columns["labels"].evidence_at(0) == ["EU Ecolabel"]
    assert lot.suppliers[1] == {"name": "Vert, SARL", "siret": None}


def test_comma_separated_file_is_read(criteria, write):
    check_two_offers(read_offers(write("offers.csv", COMMA), criteria).lot)


def test_french_spreadsheet_file_is_read(criteria, write):
    path = write("offers.csv", "\ufeff" + FRENCH.replace("\n", "\r\n"))
    offers = read_offers(path, criteria)
    check_two_offers(offers.lot)
    assert offers.notes == []


def test_old_excel_cp1252_is_read_with_a_note(criteria, write):
    path = write("offers.csv", FRENCH.replace("Dupont", "Société Générale"), encoding="cp1252")
    offers = read_offers(path, criteria)
    assert offers.lot.suppliers[0]["name"] == "Société Générale"
    assert "Windows-1252" in offers.notes[0]


def test_numeric_columns_reach_the_engine_as_float_arrays(criteria, write, monkeypatch):
    seen = {}
    real = offers_table.lot_from_columns

    def spy(criteria, ids, raw, evidence, **kwargs):
        seen.update(raw)
        return real(criteria, ids, raw, evidence, **kwargs)

    monkeypatch.setattr(offers_table, "lot_from_columns", spy)
    read_offers(write("offers.csv", FRENCH), criteria)
    for name in ("price_eur", "co2e_kg", "recycled_pct", "insertion_hours", "technical_mark"):
        assert isinstance(seen[name], np.ndarray) and seen[name].dtype == np.float64, name
    assert seen["labels"] == ["EU Ecolabel|FSC", "NF Environnement"]


def test_numbers_with_spaces_and_decimal_points_in_a_french_file(criteria, write):
    path = write("offers.csv", "id;price_eur;co2e_kg\nA;12 000,50;1.5\nB;9000;2\n")
    lot = read_offers(path, criteria).lot
    np.testing.assert_allclose(lot.columns["price_eur"], [12000.5, 9000])
    np.testing.assert_allclose(lot.columns["co2e_kg"], [1.5, 2])


def test_empty_cells_are_missing_answers_but_no_label_in_a_labels_column(criteria, write):
    lot = read_offers(write("offers.csv", "id,price_eur,labels\nA,10,\nB,,FSC\nC,11,  \n"),
                      criteria).lot
    assert np.isnan(lot.columns["price_eur"][1])
    # as "labels": [] in JSON: a spreadsheet cannot say "no label" otherwise (issue 9)
    assert lot.columns["labels"].value_at(0) == [] == lot.columns["labels"].value_at(2)
    assert lot.columns["labels"].value_at(1) == ["FSC"]


def test_unknown_column_names_the_known_ones(criteria, write):
    path = write("offers.csv", "id,price_eur,co2_kg\nA,10,1\n")
    (line,) = problems(path, criteria)
    assert line.startswith(f"{path}:1: colonne n° 3 : colonne inconnue « co2_kg » "
                           "(vouliez-vous dire « co2e_kg » ?) ; colonnes possibles : id, "
                           "supplier, siret, lot, price_eur")
    assert "evidence.labels" in line


def test_duplicate_and_missing_id_columns(criteria, write):
    path = write("offers.csv", "price_eur,price_eur\n10,11\n")
    assert problems(path, criteria) == [
        f"{path}:1: colonne « id » manquante : chaque offre doit avoir un identifiant",
        f"{path}:1: colonne n° 2 : colonne « price_eur » en double (colonne n° 1)",
    ]


def test_every_malformed_answer_is_reported_at_once(criteria, write):
    path = write("offers.csv", "id;price_eur;technical_mark;egapro_index\n"
                               "A;abc;3;80\nB;10;7;beaucoup\nC;-5;2;90\n")
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    reasons = {(p.offer, p.input): p.message for p in exc.value.problems}
    assert set(reasons) == {("A", "price_eur"), ("B", "egapro_index"),
                            ("B", "technical_mark"), ("C", "price_eur")}
    assert reasons["A", "price_eur"] == "un nombre est attendu, pas « abc »"
    assert "notes possibles : 0, 1, 2, 3, 4" in reasons["B", "technical_mark"]
    assert f"{path}: offre B, réponse « egapro_index » : un nombre est attendu, pas " \
           "« beaucoup »" in exc.value.lines()


def test_a_row_longer_than_the_header_is_located(criteria, write):
    path = write("offers.csv", "id;price_eur\nA;10\nB;11;12\n")
    assert problems(path, criteria) == [
        f"{path}:3: 3 champs au lieu des 2 de l'en-tête (séparateur « ; »)"]


def test_first_row_longer_than_the_header_is_not_silently_cut(criteria, write):
    path = write("offers.csv", "id,price_eur\nA,10,99\n")
    assert problems(path, criteria) == [
        f"{path}:2: 3 champs au lieu des 2 de l'en-tête (séparateur « , »)"]


def test_unnamed_column_is_ignored_when_empty_refused_when_filled(criteria, write):
    lot = read_offers(write("empty.csv", "id;price_eur;\nA;10;\n"), criteria).lot
    assert lot.offer_ids == ("A",)
    path = write("filled.csv", "id;price_eur;\nA;10;x\n")
    assert problems(path, criteria) == [
        f"{path}:1: colonne n° 3 sans nom mais remplie : donnez-lui un nom ou supprimez-la"]


def test_missing_offer_id_names_its_line(criteria, write):
    path = write("offers.csv", "id,price_eur\nA,10\n,11\n")
    assert problems(path, criteria) == [f"{path}: ligne 3 : identifiant d'offre manquant"]


def test_duplicate_offer_ids_are_refused(criteria, write):
    path = write("offers.csv", "id,price_eur\nA,10\nA,11\n")
    assert problems(path, criteria) == [f"{path}: offre A : identifiant d'offre en double"]


def test_empty_file_and_header_only_file(criteria, write):
    assert "fichier vide" in problems(write("empty.csv", "\n\n"), criteria)[0]
    path = write("header.csv", "id,price_eur\n")
    assert problems(path, criteria) == [f"{path}: aucune offre dans le fichier"]


def test_missing_file_is_a_problem_not_a_traceback(criteria, tmp_path):
    path = tmp_path / "absent.csv"
    assert problems(path, criteria) == [f"{path}: fichier introuvable"]


def test_invalid_siret_is_reported_and_spaced_siret_accepted(criteria, write):
    lot = read_offers(write("ok.csv", "id,siret,price_eur\nA,732 829 320 00074,10\n"),
                      criteria).lot
    assert lot.suppliers[0]["siret"] == "73282932000074"
    path = write("bad.csv", "id,siret,price_eur\nA,73282932000075,10\n")
    assert problems(path, criteria) == [
        f"{path}: offre A, colonne « siret » : SIRET « 73282932000075 » invalide : 14 chiffres "
        "dont une clé de contrôle (Luhn) sont attendus"]


def test_header_cells_padded_with_spaces_keep_their_answers_as_text(tmp_path):
    criteria_path = tmp_path / "c.yaml"
    criteria_path.write_text(
        "spar: 1\nid: c\nversion: 1\ntitle: C\ncategory: supplies\ncriteria:\n"
        "  - {id: fleet, label: Flotte, pillar: environmental, weight: 1, input: fleet,\n"
        "     method: choice, options: {'01': 1, '1': 0}}\n", encoding="utf-8")

    path = tmp_path / "o.csv"
    path.write_text("id ; fleet \nA;01\nB;1\n", encoding="utf-8")
    lot = read_offers(path, load_criteria(criteria_path)).lot
    assert [lot.columns["fleet"].value_at(i) for i in range(2)] == ["01", "1"]


def test_a_dot_that_may_separate_thousands_in_a_french_file_is_refused(criteria, write):
    # 79.800 read as 79,8 moved an offer from rank 5 to rank 1 (issue 9)
    path = write("offers.csv", "id;price_eur;co2e_kg\nA;79.800;1,5\nB;85 000,00;2\n"
                               "C;1.234.567;2\nD;12,5;1.25\n")
    found = problems(path, criteria)
    assert found == [
        f"{path}: offre A, réponse « price_eur » : nombre ambigu « 79.800 » : ce fichier écrit "
        "les nombres à la française (séparateur « ; », virgule décimale), où un point peut "
        "séparer les milliers ; écrivez 79,800 (virgule décimale) ou 79800 (sans séparateur "
        "de milliers)",
        f"{path}: offre C, réponse « price_eur » : nombre ambigu « 1.234.567 » : ce fichier "
        "écrit les nombres à la française (séparateur « ; », virgule décimale), où un point "
        "peut séparer les milliers ; écrivez 1234567 (sans séparateur de milliers)",
    ]


def test_the_same_dots_in_a_comma_separated_file_are_decimal_points(criteria, write):
    lot = read_offers(write("offers.csv", "id,price_eur\nA,79.800\nB,85000\n"), criteria).lot
    np.testing.assert_allclose(lot.columns["price_eur"], [79.8, 85000])
