"""Builders of export bundles for the tests: SPEC §2's example criteria and six offers."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from spar.criteria_file import load_criteria_text
from spar.engine.answers import lot_from_offers
from spar.exports.bundle import ConsultationExport, LotExport
from spar.pipeline import evaluate_lot

#: The criteria set of SPEC §2, verbatim.
SPEC_CRITERIA = (Path(__file__).resolve().parent.parent / "criteria_file" /
                 "spec_example.yaml").read_text(encoding="utf-8")

#: Offer id → (supplier name, SIRET, SME).  Names are distinctive so a leak shows.
SUPPLIERS = {
    "A": ("Papeterie Azur", "73282932000009", True),
    "B": ("Bureau Vert SA", "55210055400005", False),
    "C": ("Discount Fournitures", "44306184100005", True),
    "D": ("Carbone Lourd SARL", "38347481400001", None),
    "E": ("Inégal & Fils", "54210765100003", True),
    "F": ("=Formule Papiers", "41081676300008", False),
}

#: Six offers chosen to cover every outcome: A wins, C is abnormally low (under
#: 0.8 × the mean price 10 600), D is eliminated on the environmental group, E is
#: irregular (equality index under its minimum), F claims a label without evidence.
ANSWERS = {
    "A": {"price_eur": 10000, "co2e_kg": 1.0, "recycled_pct": 80, "labels": ["EU Ecolabel"],
          "insertion_hours": 300, "egapro_index": 90, "technical_mark": 3},
    "B": {"price_eur": 12000, "co2e_kg": 0.6, "recycled_pct": 100,
          "labels": ["EU Ecolabel", "FSC"], "insertion_hours": 150, "egapro_index": 95,
          "technical_mark": 4},
    "C": {"price_eur": 7000, "co2e_kg": 2.0, "recycled_pct": 50, "labels": [],
          "insertion_hours": 100, "egapro_index": 80, "technical_mark": 2},
    "D": {"price_eur": 11000, "co2e_kg": 4.8, "recycled_pct": 0, "labels": [],
          "insertion_hours": 0, "egapro_index": 85, "technical_mark": 1},
    "E": {"price_eur": 9000, "co2e_kg": 1.0, "recycled_pct": 70, "labels": ["FSC"],
          "insertion_hours": 200, "egapro_index": 70, "technical_mark": 3},
    "F": {"price_eur": 13000, "co2e_kg": 1.5, "recycled_pct": 60, "labels": ["NF Environnement"],
          "insertion_hours": 200, "egapro_index": 88, "technical_mark": 3},
}
EVIDENCE = {"A": {"labels": ["EU Ecolabel"]}, "B": {"labels": ["EU Ecolabel", "FSC"]}}

PARIS_NOON = datetime(2026, 9, 15, 10, 0, tzinfo=timezone.utc)


def criteria():
    """SPEC §2's criteria set, loaded and hashed like a published one."""
    return load_criteria_text(SPEC_CRITERIA, "spec-example.yaml")


def offers(ids=tuple(ANSWERS)):
    """The example offers as SPEC §3 writes them."""
    return [{"id": k, "lot": "1", "supplier": {"name": SUPPLIERS[k][0], "siret": SUPPLIERS[k][1]},
             "answers": ANSWERS[k], "evidence": EVIDENCE.get(k, {})} for k in ids]


def scored_lot(crit=None, ids=tuple(ANSWERS), lot_id="1", **extra) -> LotExport:
    """Lot ``lot_id`` with the example offers scored and reviewed by the rules (as the
    service stores them), marks and one review decision."""
    crit = crit or criteria()
    result = evaluate_lot(crit, lot_from_offers(crit, offers(ids), estimate=60000,
                                                lot_id=lot_id), review="rules").document()
    fields = dict(
        lot_id=lot_id, title="Papier et enveloppes", estimate=60000.0, scoring_id="sc-0001",
        scored_at=PARIS_NOON, result=result,
        suppliers={k: {"name": SUPPLIERS[k][0], "siret": SUPPLIERS[k][1], "sme": SUPPLIERS[k][2]}
                   for k in ids},
        marks={k: {"technical": {"mark": ANSWERS[k]["technical_mark"],
                                 "justification": f"Mémoire technique de l'offre {k} : "
                                                  "méthodologie détaillée",
                                 "by": "acheteur@metropole.fr", "at": PARIS_NOON}}
               for k in ids},
        reviews={"C": {"decision": "cleared", "comment": "Prix justifié par un stock ancien",
                       "by": "acheteur@metropole.fr", "at": PARIS_NOON}} if "C" in ids else {},
    )
    fields.update(extra)
    return LotExport(**fields)


def unscored_lot(lot_id="2") -> LotExport:
    """A lot whose offers have not been scored yet."""
    return LotExport(lot_id=lot_id, title="Cartouches d'encre", estimate=15000.0)


def consultation(lots=None, crit=None) -> ConsultationExport:
    """A consultation of the example criteria: lot 1 scored, lot 2 not yet."""
    crit = crit or criteria()
    return ConsultationExport(
        reference="MET-2026-017", title="Fournitures de bureau 2027-2030",
        buyer="Métropole de Lyonnais", category="supplies",
        deadline=datetime(2026, 9, 1, 10, 0, tzinfo=timezone.utc),
        published_at=datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc),
        criteria=crit, lots=lots if lots is not None else [scored_lot(crit), unscored_lot()])
