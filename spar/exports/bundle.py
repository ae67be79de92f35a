"""What an export reads: a consultation, its criteria and, per lot, the stored scoring.

A stored scoring is the record of an award decision (SPEC §4.1): every export renders
the result document stored with it (SPEC §4, ``Scoring.result``), the buyer's marks
and the buyer's review decisions — never a new scoring. ``spar score`` hands the same
writers the document of the lot it has just scored. The dataclasses check their own
consistency on construction, so a mismatched bundle fails with a sentence, not deep
in a PDF.

Shapes of the per-lot mappings, all keyed by offer id:

``result``     SPEC §4's result document: ``{"criteria", "engine", "lot", "points",
               "warnings", "offers": [entry…], "sensitivity"}``; ``offers`` is any
               sequence of entries in rank order (a list, entries built as read, or
               entries decoded from the stored text as read:
               :class:`~spar.exports.stored_document.StoredOffers`)
``suppliers``  ``{offer_id: {"name": str, "siret": str | None, "sme": bool | None}}``
``marks``      ``{offer_id: {criterion_path: {"mark", "justification", "by", "at"}}}``
``reviews``    ``{offer_id: {"decision": "cleared" | "rejected" | "needs_information",
               "comment", "by", "at"}}`` — the buyer's decision on a flagged offer
``sensitivity`` the dict of :mod:`spar.engine.sensitivity` for the lot, or None

``at`` values are aware datetimes (or ISO 8601 strings). Documents stored before the
review had notes (no ``review.notes``) read as documents without notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Mapping, Sequence

from spar.engine.criteria import CATEGORIES, CriteriaSet
from spar.engine.scoring import RANKED

from .errors import ExportError

#: The buyer's decisions on a flagged offer (SPEC §6, ``POST /offers/{id}/review``).
DECISIONS = ("cleared", "rejected", "needs_information")
#: The code of the reasons the lot's abnormally-low rules give (SPEC §2.4).
ABNORMALLY_LOW = "abnormally_low"

Entry = Mapping[str, Any]


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


# --------------------------------------------------------------------------- one offer
def review_reasons(entry: Entry) -> list[dict[str, Any]]:
    """Why the offer needs a decision before the award (empty when it does not)."""
    return list((entry.get("review") or {}).get("reasons") or [])


def exclusion_reasons(entry: Entry) -> list[dict[str, Any]]:
    """Why the offer is irregular or eliminated (empty when it is neither)."""
    flags = review_reasons(entry)
    return [r for r in entry.get("reasons") or [] if r not in flags]


def notes(entry: Entry) -> list[dict[str, Any]]:
    """What the review noted that needs no decision (none in documents stored before)."""
    return list((entry.get("review") or {}).get("notes") or [])


def flagged(entry: Entry) -> bool:
    """Whether the offer needs a decision before the award."""
    return bool((entry.get("review") or {}).get("flagged"))


def abnormally_low(entry: Entry) -> list[dict[str, Any]]:
    """The reasons the lot's abnormally-low rules gave this offer (empty if none)."""
    return [r for r in review_reasons(entry) if r.get("code") == ABNORMALLY_LOW]


def answer(entry: Entry, input_name: str | None) -> Any:
    """The offer's answer to ``input_name``, as its breakdown records it (None if absent)."""
    if input_name is None:
        return None
    for leaf in entry.get("breakdown") or ():
        if leaf.get("input") == input_name:
            return leaf.get("value")
    return None


# --------------------------------------------------------------------------- one lot
@dataclass(frozen=True)
class LotExport:
    """One lot and its latest stored scoring; ``result`` is None until it is scored."""

    lot_id: str
    title: str | None
    estimate: float | None = None
    scoring_id: str | int | None = None
    scored_at: datetime | None = None
    result: Mapping[str, Any] | None = None
    suppliers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    marks: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    reviews: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sensitivity: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        where = f"lot {self.lot_id}"
        _aware(self.scored_at, f"{where}, scored_at")
        if self.result is None:
            return
        if not isinstance(self.result, Mapping) or not isinstance(
                self.result.get("offers"), Sequence) or not isinstance(
                self.result.get("criteria"), Mapping):
            raise ExportError(f"{where} : result doit être le résultat enregistré d'une "
                              "notation (SPEC §4 : criteria, offers…), pas "
                              f"{type(self.result).__name__}")
        for name, mapping in (("suppliers", self.suppliers), ("marks", self.marks),
                              ("reviews", self.reviews)):
            unknown = [k for k in mapping if k not in self.offer_index]
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

    @property
    def entries(self) -> Sequence[Entry]:
        """The offers' entries in rank order: ranked, eliminated, then irregular."""
        return self.result["offers"] if self.result is not None else ()

    @property
    def engine(self) -> str | None:
        return self.result.get("engine") if self.result is not None else None

    @property
    def warnings(self) -> list[str]:
        return list(self.result.get("warnings") or []) if self.result is not None else []

    @cached_property
    def offer_index(self) -> dict[str, int]:
        """Offer id → its position in :attr:`entries` (empty when not scored)."""
        # offers read from the stored text noted their ids when first read: going over
        # them for their ids would decode every offer once more
        known = getattr(self.entries, "positions", None)
        if known is not None:
            return known
        return {str(entry["id"]): k for k, entry in enumerate(self.entries)}

    def supplier(self, entry: Entry) -> dict[str, Any]:
        """``{"name", "siret", "sme"}`` of an offer, from the bundle, else from its entry."""
        given = self.suppliers.get(entry["id"]) or entry.get("supplier") or {}
        return {"name": given.get("name") or None, "siret": given.get("siret") or None,
                "sme": given.get("sme")}

    def decision(self, entry: Entry) -> Mapping[str, Any] | None:
        """The buyer's latest decision on the offer, if any."""
        return self.reviews.get(entry["id"])

    def offer_marks(self, entry: Entry) -> Mapping[str, Mapping[str, Any]]:
        """Criterion path → the buyer's mark and justification for the offer."""
        return self.marks.get(entry["id"], {})

    def rejected(self, entry: Entry) -> bool:
        decision = self.decision(entry)
        return decision is not None and decision.get("decision") == "rejected"

    @cached_property
    def winners(self) -> tuple[Entry, ...]:
        """The offers proposed for award (several when they share the best rank)."""
        return proposed_winners(self.entries, {oid for oid, d in self.reviews.items()
                                               if d.get("decision") == "rejected"})


def proposed_winners(entries: Sequence[Entry], rejected: set[str]) -> tuple[Entry, ...]:
    """The best rank among ranked offers not rejected after review, every offer holding it.

    ``entries`` are in rank order (SPEC §4), so the search stops at the first offer
    past the winners.
    """
    out: list[Entry] = []
    best = None
    for entry in entries:
        if entry["status"] != RANKED:
            break
        if entry["id"] in rejected:
            continue
        if best is None:
            best = entry["rank"]
        if entry["rank"] != best:
            break
        out.append(entry)
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
            used = lot.result["criteria"] if lot.result is not None else None
            if used is not None and used.get("sha256") != self.criteria.sha256:
                raise ExportError(
                    f"{where}, lot {lot.lot_id} : la notation a été calculée avec les critères "
                    f"{used.get('id')} v{used.get('version')} (SHA-256 "
                    f"{str(used.get('sha256'))[:12]}…), pas ceux de la consultation "
                    f"({self.criteria.id} v{self.criteria.version}, "
                    f"{self.criteria.sha256[:12]}…)")
