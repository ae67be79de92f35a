"""The offer × criterion rows that the CSV and XLSX breakdowns share."""

from __future__ import annotations

from typing import Any, Iterator

from spar.engine.explain import breakdown_rows

from .bundle import ConsultationExport
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


def detail_rows(consultation: ConsultationExport) -> Iterator[dict[str, Any]]:
    """One row per offer × leaf of every scored lot, lazily; one line per unscored lot.

    Values stay raw (numbers, codes); each format writes them its own way.
    """
    for lot in consultation.lots:
        if lot.result is None:
            yield {"consultation": consultation.reference, "lot": lot.lot_id,
                   "explanation": NOT_SCORED}
            continue
        index = lot.offer_index
        current = None
        for row in breakdown_rows(lot.result):
            if row["offer"] != current:
                current = row["offer"]
                i = index[current]
                supplier = lot.supplier(i)
                marks = lot.offer_marks(i)
            mark = marks.get(row["criterion"])
            yield {
                "consultation": consultation.reference,
                **row,
                "lot": lot.lot_id,
                "supplier": supplier["name"],
                "siret": supplier["siret"],
                "justification": mark.get("justification") if mark else None,
            }
