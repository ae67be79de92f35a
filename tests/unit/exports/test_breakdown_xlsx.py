import importlib
import io

import openpyxl
import pytest

from spar.exports.breakdown_xlsx import breakdown_xlsx

# the package re-exports the function under the module's name
module = importlib.import_module("spar.exports.breakdown_xlsx")


def _workbook(consultation):
    return openpyxl.load_workbook(io.BytesIO(b"".join(breakdown_xlsx(consultation))))


@pytest.fixture
def workbook(consultation):
    return _workbook(consultation)


def _records(sheet):
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


def test_workbook_has_the_four_sheets(workbook):
    assert workbook.sheetnames == ["Consultation", "Classement", "Critères", "Détail"]


def test_detail_has_one_row_per_offer_and_leaf(workbook):
    records = _records(workbook["Détail"])
    assert len(records) == 6 * 7 + 1
    first = records[0]
    assert first["offre"].value == "A" and first["critère"].value == "price"
    assert first["points"].value == pytest.approx(28.0)
    assert first["points"].number_format == "#,##0.00"
    assert first["note (0 à 1)"].number_format == "0.0000"
    assert first["valeur"].value == 10000


def test_summary_ranks_offers_with_pillar_points(workbook):
    records = _records(workbook["Classement"])
    by_offer = {r["offre"].value: r for r in records if r["offre"].value}
    a = by_offer["A"]
    assert a["rang"].value == 1 and a["statut"].value == "classée"
    assert a["total"].value == pytest.approx(78.8333333)
    assert a["Économique (prix)"].value == pytest.approx(28.0)
    assert a["total"].number_format == "#,##0.00"
    assert by_offer["C"]["décision de l'acheteur"].value == "offre maintenue (prix justifié)"
    assert by_offer["E"]["total"].value is None
    assert records[-1]["statut"].value == "lot non encore noté"


def test_criteria_sheet_gives_effective_shares(workbook):
    records = {r["chemin"].value: r for r in _records(workbook["Critères"]) if r["chemin"].value}
    assert records["env.co2"]["part effective"].value == pytest.approx(0.15)
    assert records["env.co2"]["part effective"].number_format == "0.0%"
    assert records["env"]["seuil éliminatoire"].value == pytest.approx(0.25)


def test_dates_are_paris_wall_clock(workbook):
    values = {r[0].value: r[1] for r in workbook["Consultation"].iter_rows(min_row=2)}
    deadline = values["Date limite de remise des offres (Paris)"]
    assert deadline.value.hour == 12 and deadline.number_format == "dd/mm/yyyy hh:mm"


def test_text_that_looks_like_a_formula_stays_text(workbook):
    names = [r["fournisseur"] for r in _records(workbook["Classement"]) if r["offre"].value == "F"]
    assert names[0].value == "=Formule Papiers" and names[0].data_type == "s"


def test_detail_continues_on_a_new_sheet_past_the_row_limit(consultation, monkeypatch):
    monkeypatch.setattr(module, "MAX_ROWS", 20)
    workbook = _workbook(consultation)
    parts = [n for n in workbook.sheetnames if n.startswith("Détail")]
    assert parts == ["Détail", "Détail 2", "Détail 3"]
    assert sum(workbook[n].max_row - 1 for n in parts) == 6 * 7 + 1
