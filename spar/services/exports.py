"""Assemble what the exports read from the database: the consultation, its criteria and,
per lot, the latest stored scoring — its result as stored, the buyer's marks stored with
its inputs and the buyer's review decisions. Nothing is scored again (SPEC §4.1).

The stored documents are read as text, a piece at a time (:mod:`spar.db.stored_text`),
and their offers decoded one at a time (:mod:`spar.exports.stored_document`) for the
formats that go over them once: decoded whole, a 100,000-offer result is 2 GB of objects
held for the whole download, and its text read whole 1.3 GB at its peak."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Iterator

from sqlalchemy import select

from ..collector import paused
from ..db.models import Offer
from ..exports import ConsultationExport, ExportError, LotExport, get_export
from ..exports.stored_document import StoredOffers, read_stored
from . import audit
from .clock import paris_time
from .consultations import find, is_closed, visible
from .criteria_sets import criteria_of
from .errors import Conflict, Forbidden, Invalid, NotFound
from .principal import Principal
from .repositories import Scorings
from .scorings import decisions

#: Formats a supplier may ask for: its own letter, nothing else.
SUPPLIER_FORMATS = ("letter", "letter-json")


class _Suppliers(Mapping):
    """Offer id → the supplier stored with the offer's inputs, kept as marshal bytes and
    read back when asked: held as dicts, the suppliers of 100,000 offers are some 50 MB
    for the whole download, where an export asks for each once or twice."""

    def __init__(self, suppliers: StoredOffers) -> None:
        self._suppliers = suppliers

    def __getitem__(self, offer_id: Any) -> dict[str, Any]:
        position = self._suppliers.positions.get(str(offer_id))
        if position is None:
            raise KeyError(offer_id)
        return dict(self._suppliers[position])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._suppliers.positions)

    def __len__(self) -> int:
        return len(self._suppliers.positions)


def _lot_export(session, lot, offers_read_once: bool) -> LotExport:
    scorings = Scorings(session)
    scoring = scorings.latest_unread(lot)
    if scoring is None:
        return LotExport(lot_id=lot.lot_id, title=lot.title, estimate=lot.estimate)
    result_text = scorings.stored_text(scoring, "result")
    result = read_stored(result_text) if offers_read_once else json.loads("".join(result_text))
    # of the stored offers' inputs, the exports need their ids and suppliers only
    inputs = read_stored(scorings.stored_text(scoring, "inputs"),
                         keep=lambda offer: offer.get("supplier") or {})
    suppliers = _Suppliers(inputs["offers"])
    marks = {oid: {path: {"mark": m["mark"], "justification": m["justification"],
                          "at": m["given_at"]} for path, m in given.items()}
             for oid, given in (inputs.get("marks") or {}).items()}
    return LotExport(lot_id=lot.lot_id, title=lot.title, estimate=inputs.get("estimate"),
                     scoring_id=scoring.public_id, scored_at=scoring.created_at,
                     result=result, suppliers=suppliers, marks=marks,
                     reviews=decisions(session, scoring, inputs["offers"].ids),
                     sensitivity=result.get("sensitivity"))


def bundle(session, consultation, offers_read_once: bool = False) -> ConsultationExport:
    """The whole consultation as the export functions read it: the criteria with the
    parameters its scorings applied (defaults included, stored with each scoring), so a
    default changed since does not change what the criteria are said to be.

    ``offers_read_once``: the offers of each stored result are decoded as they are read
    (:attr:`spar.exports.Export.offers_read_once`), else all at once."""
    lots = [_lot_export(session, lot, offers_read_once) for lot in consultation.lots]
    criteria = criteria_of(consultation.criteria_set)
    applied = next((lot.result["parameters"] for lot in lots
                    if lot.result is not None and lot.result.get("parameters")), None)
    return ConsultationExport(
        reference=consultation.reference, title=consultation.title,
        buyer=consultation.organisation.name, category=consultation.criteria_set.category,
        deadline=consultation.deadline, published_at=consultation.published_at,
        criteria=criteria if applied is None else criteria.with_parameters(applied),
        lots=lots)


def export(uow, principal: Principal, reference: str, fmt: str, *,
           supplier: str | None = None, ocid_prefix: str | None = None
           ) -> tuple[Iterator[bytes], str, str]:
    """(byte chunks, media type, file name) of one export, as the caller may see it.

    Buyers and auditors: every format once offers are unsealed. Suppliers: their
    own letter only (their scores beside the winner's). Admins (the operator's
    command line): everything.
    """
    try:
        chosen = get_export(fmt)
    except ExportError as exc:
        raise Invalid(str(exc), {"format": [str(exc)]}) from None
    with uow:
        if principal.role == "admin":
            consultation = find(uow.session, reference)
        elif principal.role in ("buyer", "auditor", "supplier"):
            consultation = visible(uow.session, principal, reference)
        else:
            raise Forbidden("exports réservés aux acheteurs, contrôleurs et candidats")
        if principal.role == "supplier":
            if fmt not in SUPPLIER_FORMATS:
                raise Forbidden("un candidat n'obtient que sa lettre (format=letter)")
            supplier = principal.siret
            lot_ids = [lot.id for lot in consultation.lots]
            if not uow.session.execute(select(Offer.id).where(
                    Offer.lot_id.in_(lot_ids), Offer.siret == principal.siret)).first():
                raise NotFound("vous n'avez pas remis d'offre pour cette consultation")
        if not is_closed(consultation, uow.now()):
            raise Conflict("offres scellées jusqu'à la date limite "
                           f"({paris_time(consultation.deadline)}) : pas d'export avant")
        options: dict[str, Any] = {"supplier": supplier}
        if fmt == "ocds":
            options = {"ocid_prefix": ocid_prefix or uow.settings.get("OCDS_PREFIX")}
        elif fmt not in SUPPLIER_FORMATS:
            options = {}
        try:
            # decoding a big stored scoring builds millions of objects: no collector pass
            with paused():
                chunks = chosen(bundle(uow.session, consultation, chosen.offers_read_once),
                                **options)
                first = next(chunks, b"")
        except ExportError as exc:
            raise Invalid(str(exc), {"format": [str(exc)]}) from None
        audit.record(uow, principal, "export.read", target=f"consultation:{reference}",
                     consultation=reference, organisation_id=consultation.organisation_id,
                     details={"format": fmt, "supplier": supplier})
        uow.commit()

    def stream() -> Iterator[bytes]:
        yield first
        yield from chunks

    return stream(), chosen.media_type, chosen.filename(reference)

