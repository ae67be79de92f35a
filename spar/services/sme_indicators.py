"""The SME portal's indicators (SPEC §8), added to an organisation's yearly figures.

- **Shares going to SMEs** (micro, small and medium firms), of the offers received
  (counted once the deadline has passed: before, offers are sealed, even their number), of
  the awards and of the awarded estimate amounts. A firm counts as an SME by what its
  offer declared (the ``sme`` flag, as stored in the scoring's inputs for an award);
  when the offer declared nothing, by the size in its profile if the profile is visible
  (a private profile is never read). The sizes (``by_size``) come from visible profiles
  only: the flag says SME or not, not which kind.
- **Awarded estimate amounts**: the estimate of each awarded lot (shared equally when
  winners tie), from the lots' estimates; lots without an estimate count for nothing.
- **Interest per planned purchase**: the organisation's programme items expected in the
  year, with the number of firms interested today.
- **Time from deadline to scoring**: per scored lot, from the consultation's deadline to
  the lot's first stored scoring, in days.

Everything is read from stored records (the latest stored scoring of each lot is the
award, as for the other indicators); nothing is scored again.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..db.models import (CompanyProfile, Consultation, Offer, ProgrammeInterest,
                         ProgrammeItem, Scoring)
from .profiles import SIZES, SME_SIZES

UNKNOWN = "unknown"


def _visible_sizes(session, sirets: set[str]) -> dict[str, str]:
    if not sirets:
        return {}
    return dict(session.execute(select(CompanyProfile.siret, CompanyProfile.size).where(
        CompanyProfile.siret.in_(sirets), CompanyProfile.visibility == "visible")).all())


def _sme(flag: bool | None, size: str | None) -> bool | None:
    """SME or not by the offer's flag, else by the visible profile's size, else unknown."""
    if flag is not None:
        return bool(flag)
    if size is not None:
        return size in SME_SIZES
    return None


def _tally() -> dict[str, Any]:
    return {"total": 0, "known": 0, "sme": 0, "share": None,
            "by_size": {size: 0 for size in (*SIZES, UNKNOWN)}}


def _count(tally: dict[str, Any], sme: bool | None, size: str | None, weight: float = 1) -> None:
    tally["total"] += weight
    tally["by_size"][size or UNKNOWN] += weight
    if sme is not None:
        tally["known"] += weight
        tally["sme"] += weight if sme else 0


def _close(tally: dict[str, Any]) -> dict[str, Any]:
    tally["share"] = tally["sme"] / tally["known"] if tally["known"] else None
    return tally


def compute(session, organisation_id: int, consultations: list[Consultation], year: int,
            now: datetime) -> dict[str, Any]:
    """``sme``, ``programme`` and ``deadline_to_scoring`` for the consultations published
    in the year (as :func:`spar.services.indicators.compute` selects them)."""
    lots = [lot for c in consultations if c.deadline <= now for lot in c.lots]
    lot_ids = [lot.id for lot in lots]
    offers = session.execute(select(Offer).where(
        Offer.lot_id.in_(lot_ids), Offer.superseded_at.is_(None))).scalars().all() \
        if lot_ids else []
    awards = []  # (lot, winners' inputs)
    delays = []
    for consultation in consultations:
        for lot in consultation.lots:
            first, last = session.execute(select(func.min(Scoring.id), func.max(Scoring.id))
                                          .where(Scoring.lot_id == lot.id)).one()
            if last is None:
                continue
            scorings = {s.id: s for s in session.execute(select(Scoring).where(
                Scoring.id.in_({first, last}))).scalars()}
            delays.append((scorings[first].created_at - consultation.deadline
                           ).total_seconds() / 86400)
            latest = scorings[last]
            inputs = {o["id"]: o for o in latest.inputs.get("offers", [])}
            winners = [inputs.get(o["id"], {}) for o in latest.result["offers"]
                       if o.get("rank") == 1]
            if winners:
                awards.append((lot, winners))
    sirets = {o.siret for o in offers} | {
        (w.get("supplier") or {}).get("siret") for _, ws in awards for w in ws} - {None}
    sizes = _visible_sizes(session, sirets)

    offer_tally = _tally()
    for offer in offers:
        size = sizes.get(offer.siret)
        _count(offer_tally, _sme(offer.sme, size), size)
    award_tally = _tally()
    amounts = {"total": 0.0, "known": 0.0, "sme": 0.0, "share": None}
    for lot, winners in awards:
        for winner in winners:
            supplier = winner.get("supplier") or {}
            size = sizes.get(supplier.get("siret"))
            sme = _sme(supplier.get("sme"), size)
            _count(award_tally, sme, size)
            if lot.estimate is not None:
                part = lot.estimate / len(winners)
                amounts["total"] += part
                if sme is not None:
                    amounts["known"] += part
                    amounts["sme"] += part if sme else 0.0
    amounts["share"] = amounts["sme"] / amounts["known"] if amounts["known"] else None

    items = session.execute(select(ProgrammeItem).where(
        ProgrammeItem.organisation_id == organisation_id,
        ProgrammeItem.expected_publication.like(f"{year:04d}-%")).order_by(
        ProgrammeItem.expected_publication, ProgrammeItem.id)).scalars().all()
    interested = dict(session.execute(
        select(ProgrammeInterest.item_id, func.count(ProgrammeInterest.id)).where(
            ProgrammeInterest.item_id.in_([i.id for i in items]),
            ProgrammeInterest.withdrawn_at.is_(None)).group_by(ProgrammeInterest.item_id)
    ).all()) if items else {}
    programme_items = [{"id": i.id, "title": i.title, "status": i.status,
                        "expected_publication": i.expected_publication,
                        "interested": int(interested.get(i.id, 0))} for i in items]
    return {
        "sme": {"offers": _close(offer_tally), "awards": _close(award_tally),
                "awarded_amounts": amounts},
        "programme": {"items": programme_items,
                      "interested": sum(i["interested"] for i in programme_items),
                      "items_with_interest": sum(1 for i in programme_items
                                                 if i["interested"])},
        "deadline_to_scoring": {
            "lots": len(delays),
            "median_days": statistics.median(delays) if delays else None,
            "mean_days": statistics.fmean(delays) if delays else None,
            "max_days": max(delays) if delays else None},
    }

