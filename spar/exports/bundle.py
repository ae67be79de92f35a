"""What an export needs: a consultation, its criteria and, per lot, the stored scoring.

The service assembles a :class:`ConsultationExport` from the database (recomputing
each :class:`~spar.engine.scoring.LotResult` from the stored inputs); every export
function is a pure function of it. The dataclasses check their own consistency on
construction, so a mismatched bundle fails with a sentence, not deep in a PDF.

Shapes of the per-lot mappings, all keyed by offer id:

``suppliers``  ``{offer_id: {"name": str, "siret": str | None, "sme": bool | None}}``
``marks``      ``{offer_id: {criterion_path: {"mark", "justification", "by", "at"}}}``
``reviews``    ``{offer_id: {"decision": "cleared" | "rejected" | "needs_information",
               "comment", "by", "at"}}`` — the buyer's decision on a flagged offer
``sensitivity`` the dict of :mod:`spar.engine.sensitivity` for the lot, or None

``at`` values are aware datetimes (or ISO 8601 strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Mapping

from spar.engine.criteria import CATEGORIES, CriteriaSet
import numpy as np

from spar.engine.scoring import RANKED, LotResult, OfferReasons

from .errors import ExportError

#: The buyer's decisions on a flagged offer (SPEC §6, ``POST /offers/{id}/review``).
DECISIONS = ("cleared", "rejected", "needs_information")


def _aware(value: Any, where: str, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ExportError(f"{where} : date ISO 8601 attendue, reçu {value!r}") from None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ExportError(f"{where} : date avec fuseau horaire attendue, reçu {value!r}")


@dataclass(frozen=True)
class LotExport:
    """One lot and its latest stored scoring; ``result`` is None until it is scored."""

    lot_id: str
    title: str
    estimate: float | None = None
    scoring_id: str | int | None = None
    scored_at: datetime | None = None
    result: LotResult | None = None
    suppliers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    marks: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    reviews: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sensitivity: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        where = f"lot {self.lot_id}"
        _aware(self.scored_at, f"{where}, scored_at")
        if self.result is not None and not isinstance(self.result, LotResult):
            raise ExportError(f"{where} : result doit être un LotResult, pas "
                              f"{type(self.result).__name__}")
        if self.result is None:
            return
        known = self.offer_index
        for name, mapping in (("suppliers", self.suppliers), ("marks", self.marks),
                              ("reviews", self.reviews)):
            unknown = [k for k in mapping if k not in known]
            if unknown:
                raise ExportError(f"{where}, {name} : offre(s) absente(s) de la notation : "
                                  + ", ".join(map(str, unknown[:5])))
        for oid, review in self.reviews.items():
            if review.get("decision") not in DECISIONS:
                raise ExportError(f"{where}, offre {oid} : décision d'examen inconnue "
                                  f"« {review.get('decision')} » (attendu : {', '.join(DECISIONS)})")
            _aware(review.get("at"), f"{where}, offre {oid}, examen")
        for oid, marks in self.marks.items():
            for path, mark in marks.items():
                _aware(mark.get("at"), f"{where}, offre {oid}, note {path}")

    @property
    def scored(self) -> bool:
        return self.result is not None

    @cached_property
    def offer_index(self) -> dict[str, int]:
        """Offer id → its row in the result (empty when not scored)."""
        if self.result is None:
            return {}
        return {oid: i for i, oid in enumerate(self.result.lot.offer_ids)}

    def offer_id(self, i: int) -> str:
        return self.result.lot.offer_ids[i]

    def supplier(self, i: int) -> dict[str, Any]:
        """``{"name", "siret", "sme"}`` of offer ``i``, from the bundle, else from the offer."""
        given = self.suppliers.get(self.offer_id(i))
        if given is None and self.result.lot.suppliers:
            given = self.result.lot.suppliers[i]
        given = given or {}
        return {"name": given.get("name") or None, "siret": given.get("siret") or None,
                "sme": given.get("sme")}

    # The engine words and keeps an offer's reasons when they are first read; reading
    # them only where its masks say there are some keeps a 100,000-offer export flat.
    @cached_property
    def _has_reasons(self) -> np.ndarray:
        reasons = self.result.reasons
        if isinstance(reasons, OfferReasons):
            return reasons.any()
        return np.array([bool(r) for r in reasons], dtype=bool)

    @cached_property
    def flagged(self) -> np.ndarray:
        """True for the offers flagged as abnormally low."""
        return self.result.flagged

    def reasons(self, i: int) -> list[dict[str, Any]]:
        """Why offer ``i`` is irregular or eliminated (empty when it is neither)."""
        return self.result.reasons[i] if self._has_reasons[i] else []

    def flags(self, i: int) -> list[dict[str, Any]]:
        """Why offer ``i`` was flagged as abnormally low (empty when it was not)."""
        return self.result.flags[i] if self.flagged[i] else []

    def review(self, i: int) -> Mapping[str, Any] | None:
        """The buyer's decision on offer ``i``, if any."""
        return self.reviews.get(self.offer_id(i))

    def offer_marks(self, i: int) -> Mapping[str, Mapping[str, Any]]:
        """Criterion path → the buyer's mark and justification for offer ``i``."""
        return self.marks.get(self.offer_id(i), {})

    def rejected(self, i: int) -> bool:
        review = self.review(i)
        return review is not None and review.get("decision") == "rejected"

    @cached_property
    def winners(self) -> tuple[int, ...]:
        """The offers proposed for award: the best rank among ranked offers not rejected
        after review (several when they share that rank)."""
        result = self.result
        if result is None:
            return ()
        out: list[int] = []
        best = None
        for i in result.order:
            i = int(i)
            if result.status[i] != RANKED:
                break
            if self.rejected(i):
                continue
            if best is None:
                best = result.rank[i]
            if result.rank[i] != best:
                break
            out.append(i)
        return tuple(out)


@dataclass(frozen=True)
class ConsultationExport:
    """A consultation as every export reads it."""

    reference: str
    title: str
    buyer: str
    category: str
    deadline: datetime
    published_at: datetime | None
    criteria: CriteriaSet
    lots: list[LotExport]

    def __post_init__(self) -> None:
        where = f"consultation {self.reference}"
        if not isinstance(self.criteria, CriteriaSet):
            raise ExportError(f"{where} : criteria doit être un CriteriaSet")
        if self.category not in CATEGORIES:
            raise ExportError(f"{where} : catégorie inconnue « {self.category} » "
                              f"(attendu : {', '.join(CATEGORIES)})")
        _aware(self.deadline, f"{where}, deadline", optional=False)
        _aware(self.published_at, f"{where}, published_at")
        seen = set()
        for lot in self.lots:
            if not isinstance(lot, LotExport):
                raise ExportError(f"{where} : chaque lot doit être un LotExport")
            if lot.lot_id in seen:
                raise ExportError(f"{where} : lot {lot.lot_id} en double")
            seen.add(lot.lot_id)
            if lot.result is not None and lot.result.criteria.sha256 != self.criteria.sha256:
                used = lot.result.criteria
                raise ExportError(
                    f"{where}, lot {lot.lot_id} : la notation a été calculée avec les critères "
                    f"{used.id} v{used.version} (SHA-256 {used.sha256[:12]}…), pas ceux de la "
                    f"consultation ({self.criteria.id} v{self.criteria.version}, "
                    f"{self.criteria.sha256[:12]}…)")
