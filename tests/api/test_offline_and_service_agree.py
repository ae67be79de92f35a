"""``spar score --format csv|xlsx|json`` and the service's exports of the same lot write the
same columns, in the same order, with the same wording (SPEC §4.1): one set of writers."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from spar.cli import cli
from spar.db.models import Scoring

from .conftest import CRITERIA_YAML

REFERENCE = "2026-FOUR-001"


def _lot_scored_by_the_service(flow, uow, tmp_path):
    """Score a lot through the API, and write what it scored as an offers file."""
    flow.open()
    offers = [flow.submit("supplier", 6000, co2=1.0),
              flow.submit("supplier_b", 9000, co2=0.8, labels=("EU Ecolabel",),
                          evidence={"labels": []}),
              flow.submit("supplier_c", 11000, co2=3.0, labels=())]
    flow.close()
    for offer, mark in zip(offers, (3, 4, 2)):
        flow.mark(offer["id"], mark)
    flow.score()
    with uow() as work:
        inputs = work.session.execute(select(Scoring)).scalar_one().inputs
    offers_file = tmp_path / "offres.json"
    # SPEC §3's offers: what the service scored, without what only it records
    offers_file.write_text(json.dumps({"offers": [
        {"id": o["id"], "lot": "1", "answers": o["answers"], "evidence": o["evidence"],
         "supplier": {k: o["supplier"][k] for k in ("name", "siret")}}
        for o in inputs["offers"]]}), encoding="utf-8")
    criteria_file = tmp_path / "criteres.yaml"
    criteria_file.write_text(CRITERIA_YAML, encoding="utf-8")
    return criteria_file, offers_file


def _offline(criteria_file, offers_file, fmt: str) -> bytes:
    result = CliRunner().invoke(cli, ["score", str(criteria_file), str(offers_file), "--format",
                                      fmt, "--estimate", "12000"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_the_same_columns_rows_and_wording(flow, uow, tmp_path):
    files = _lot_scored_by_the_service(flow, uow, tmp_path)
    service = _rows(flow.call("GET", f"/api/v1/consultations/{REFERENCE}/export?format=csv",
                              "buyer", 200).data)
    offline = _rows(_offline(*files, "csv"))
    assert offline[0] == service[0]
    header = service[0]
    # offline there is no consultation and no buyer's justification; all else is the same
    keep = [k for k, name in enumerate(header)
            if name not in ("consultation", "justification de l'acheteur")]
    lot_1 = [row for row in service[1:] if row[1] == "1"]
    assert [[row[k] for k in keep] for row in offline[1:]] == \
        [[row[k] for k in keep] for row in lot_1]


def test_workbooks_have_the_same_sheets_columns_and_rows(flow, uow, tmp_path):
    files = _lot_scored_by_the_service(flow, uow, tmp_path)
    service = load_workbook(io.BytesIO(flow.call(
        "GET", f"/api/v1/consultations/{REFERENCE}/export?format=xlsx", "buyer", 200).data))
    offline = load_workbook(io.BytesIO(_offline(*files, "xlsx")))
    assert service.sheetnames[1:] == offline.sheetnames[1:] == ["Classement", "Critères",
                                                                "Détail"]
    for name, skip in (("Classement", ("décision de l'acheteur",)),
                       ("Critères", ()),
                       ("Détail", ("consultation", "justification de l'acheteur"))):
        ours = list(service[name].iter_rows(values_only=True))
        theirs = list(offline[name].iter_rows(values_only=True))
        assert theirs[0] == ours[0], name
        keep = [k for k, title in enumerate(ours[0]) if title not in skip]
        if name != "Critères":
            ours = [ours[0]] + [r for r in ours[1:] if r[ours[0].index("lot")] == "1"]
        assert [[r[k] for k in keep] for r in theirs] == [[r[k] for k in keep] for r in ours]


def test_json_is_the_lot_result_of_the_service_export(flow, uow, tmp_path):
    files = _lot_scored_by_the_service(flow, uow, tmp_path)
    service = json.loads(flow.call("GET", f"/api/v1/consultations/{REFERENCE}/export?format=json",
                                   "buyer", 200).data)
    lot = next(lot for lot in service["lots"] if lot["id"] == "1")["result"]
    offline = json.loads(_offline(*files, "json"))
    assert list(offline) == list(lot)
    for ours, theirs in zip(lot["offers"], offline["offers"]):
        assert list(theirs) == list(ours) and list(theirs["review"]) == list(ours["review"])
        ours.pop("marks"), theirs.pop("marks")
        ours["review"].pop("decision"), theirs["review"].pop("decision")
    lot.pop("warnings"), offline.pop("warnings")  # the service warns of missing marks
    assert offline == lot
