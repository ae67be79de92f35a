"""The exports a page links to: each format to the buyers and auditors of the
organisation once offers are unsealed, a company its own letter only — the same answers
as the API's ``GET …/export``, because it is the same service."""

from __future__ import annotations

import io

import openpyxl
import pytest

from .conftest import text


@pytest.fixture
def scored(flow):
    return flow.two_offers_scored()


@pytest.mark.parametrize("fmt, media, start", [
    ("pdf", "application/pdf", b"%PDF"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("csv", "text/csv", None),
    ("ocds", "application/json", b"{"),
    ("json", "application/json", b"{"),
])
@pytest.mark.parametrize("who", ["buyer", "auditor"])
def test_the_organisation_downloads_every_export(scored, signed_in, who, fmt, media, start):
    response = signed_in(who).get(f"/consultations/{scored.reference}/exports/{fmt}")
    assert response.status_code == 200
    assert response.mimetype == media
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    body = response.get_data()
    assert body and (start is None or body.startswith(start))
    # the same file as the API's: byte for byte, but for the time the PDF and the
    # workbook carry (the workbook's cells are compared instead)
    if fmt != "pdf":
        api = scored.call("GET", f"/api/v1/consultations/{scored.reference}/export?format={fmt}",
                          who, 200).get_data()
        assert _cells(api) == _cells(body) if fmt == "xlsx" else api == body


def _cells(workbook: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_a_company_gets_its_own_letter_and_nothing_else(scored, signed_in):
    company = signed_in("supplier")
    letter = company.get(f"/consultations/{scored.reference}/exports/letter")
    assert letter.status_code == 200 and letter.get_data().startswith(b"%PDF")
    refused = company.get(f"/consultations/{scored.reference}/exports/csv")
    assert refused.status_code == 403
    assert "Entreprise supplier_b" not in text(refused)


def test_sealed_offers_are_not_exported_before_the_deadline(flow, signed_in):
    flow.open(days=5)
    flow.submit("supplier", 10_000)
    page = signed_in("buyer").get(f"/consultations/{flow.reference}/exports/csv")
    assert page.status_code == 409
    assert "scellées jusqu'à la date limite" in text(page)


def test_another_organisation_and_unknown_formats_get_a_page_not_a_file(scored, signed_in,
                                                                        browser):
    other = signed_in("other_buyer").get(f"/consultations/{scored.reference}/exports/csv")
    assert other.status_code in (403, 404) and other.mimetype == "text/html"
    unknown = signed_in("buyer").get(f"/consultations/{scored.reference}/exports/doc")
    assert unknown.status_code == 422 and "format d'export inconnu" in text(unknown)
    anonymous = browser.get(f"/consultations/{scored.reference}/exports/csv")
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
