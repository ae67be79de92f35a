"""The CSV examples are French spreadsheet exports of the same offers as the JSON ones.

Their parsing belongs to the offers reader's tests; here we only check the form
SPEC §3 describes: UTF-8 with BOM, ``;`` separator, decimal comma, ``oui``/``non``,
``|`` between list items, ``evidence.<input>`` columns.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from spar.criteria_file import load_criteria
from tests.conftest import CRITERIA_DIR

EXAMPLES = CRITERIA_DIR / "examples"
CSV_FILES = sorted(EXAMPLES.glob("*.offers.csv"))


def _set_id(path) -> str:
    return path.name.removesuffix(".offers.csv")


def _rows(path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def _cell(value) -> str:
    """How a French spreadsheet writes a JSON answer."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, float) and not value.is_integer():
        return repr(value).replace(".", ",")
    if isinstance(value, float):
        return str(int(value))
    return str(value)


def test_two_examples_are_also_given_as_csv():
    assert len(CSV_FILES) >= 2


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_csv_starts_with_a_bom_and_uses_semicolons(path):
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("id;supplier;siret;lot;")


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_csv_has_one_column_per_input_and_evidence_for_labels(path):
    criteria = load_criteria(CRITERIA_DIR / f"{_set_id(path)}.yaml")
    header = list(_rows(path)[0])
    labels = [name for name, leaves in criteria.inputs().items() if leaves[0].method == "labels"]
    assert sorted(header) == sorted(["id", "supplier", "siret", "lot", *criteria.inputs(),
                                     *(f"evidence.{name}" for name in labels)])


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_csv_rows_are_well_formed(path):
    rows = _rows(path)
    assert all(None not in row and None not in row.values() for row in rows)  # no ragged line
    numbers = [v for row in rows for k, v in row.items()
               if k not in ("id", "supplier", "siret", "lot") and v[:1].isdigit()]
    assert [v for v in numbers if "." in v] == []  # decimal comma only


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_csv_holds_the_same_offers_as_the_json(path):
    offers = json.loads((EXAMPLES / f"{_set_id(path)}.offers.json").read_text(encoding="utf-8"))
    rows = _rows(path)
    assert [row["id"] for row in rows] == [offer["id"] for offer in offers["offers"]]
    for row, offer in zip(rows, offers["offers"]):
        expected = {"id": offer["id"], "supplier": offer["supplier"]["name"],
                    "siret": offer["supplier"]["siret"], "lot": offer["lot"]}
        for column in row:
            if column.startswith("evidence."):
                expected[column] = _cell(offer.get("evidence", {}).get(column[len("evidence."):]))
            elif column not in expected:
                expected[column] = _cell(offer["answers"].get(column))
        assert row == expected
