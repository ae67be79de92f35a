"""The offer × criterion rows that the CSV and XLSX breakdowns share."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping

from .bundle import Entry, LotExport
from .french import NOT_SCORED

#: Row key → column header, in column order.
COLUMNS = {
    "consultation": "consultation",
    "lot": "lot",
    "offer": "offre",
    "supplier": "fournisseur",
    "siret": "SIRET",
    "criterion": "critère",
    "label": "libellé",
    "pillar": "pilier",
    "input": "donnée",
    "value": "valeur",
    "score": "note (0 à 1)",
    "max_points": "points max",
    "points": "points",
    "explanation": "calcul",
    "justification": "justification de l'acheteur",
    "status": "statut",
    "rank": "rang",
    "total": "total",
}
#: Columns that are the same for every criterion of an offer.
OFFER_KEYS = ("consultation", "lot", "offer", "supplier", "siret", "status", "rank", "total")


def detail_rows(reference: str | None, lots: Iterable[LotExport],
                each_offer: Callable[[LotExport, Entry | None], None] | None = None
                ) -> Iterator[tuple[dict[str, Any], Iterable[Mapping[str, Any]],
                                    Mapping[str, Mapping[str, Any]]]]:
    """Per offer of every scored lot, in rank order: its own cells, its leaves, its marks.

    Each offer comes as ``(offer_cells, leaves, marks)``: what every one of its rows
    repeats (consultation, lot, offer, supplier, SIRET, status, rank, total), its
    stored breakdown (one entry per leaf, SPEC §4) and the buyer's marks by criterion
    path (whose ``justification`` fills that column). An unscored lot gives one
    offer-less line saying so. Values stay raw (numbers, codes); each format writes
    them its own way.

    ``each_offer``, when given, is called with each lot and offer entry before its rows
    (with None for an unscored lot): a writer that fills another sheet from the same
    pass, as each pass over offers read from the stored text decodes them again.
    """
    for lot in lots:
        if lot.result is None:
            if each_offer is not None:
                each_offer(lot, None)
            yield {"consultation": reference, "lot": lot.lot_id}, (
                {"explanation": NOT_SCORED},), {}
            continue
        for entry in lot.entries:
            if each_offer is not None:
                each_offer(lot, entry)
            supplier = lot.supplier(entry)
            offer = {"consultation": reference, "lot": lot.lot_id, "offer": entry["id"],
                     "supplier": supplier["name"], "siret": supplier["siret"],
                     "status": entry["status"], "rank": entry["rank"],
                     "total": entry["total"]}
            yield offer, entry.get("breakdown") or (), lot.offer_marks(entry)


def justification(marks: Mapping[str, Mapping[str, Any]], leaf: Mapping[str, Any]) -> Any:
    """The buyer's written justification of the mark on ``leaf``, if any."""
    mark = marks.get(leaf.get("criterion")) if marks else None
    return mark.get("justification") if mark else None
