"""An organisation's yearly SPAR indicators, from its consultations and the awards their
stored scorings and the buyer's review decisions propose (nothing is scored again)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from ..db.models import Consultation, Organisation
from ..engine.criteria import PILLARS
from . import sme_indicators
from ..exports.bundle import proposed_winners
from .criteria_sets import criteria_of
from .errors import Forbidden, Invalid
from .principal import Principal
from .scorings import decisions, latest
from .tokens import find_organisation

#: The input whose answers are the insertion hours an offer commits to (SPEC §2's name).
INSERTION_INPUT = "insertion_hours"


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    if not 2000 <= year <= 2100:
        raise Invalid(f"année {year} hors de la plage 2000–2100", {"year": ["hors plage"]})
    return (datetime(year, 1, 1, tzinfo=timezone.utc),
            datetime(year + 1, 1, 1, tzinfo=timezone.utc))


def compute(uow, principal: Principal, year: int, organisation: str | None = None
            ) -> dict[str, Any]:
    """Consultations published in ``year`` by the caller's organisation (or ``organisation``
    for the command line) and the awards of their latest scorings."""
    start, end = _year_bounds(year)
    with uow:
        if principal.role in ("buyer", "auditor"):
            org = uow.session.get(Organisation, principal.organisation_id)
        elif principal.role == "admin" and organisation:
            org = find_organisation(uow.session, organisation)
        else:
            raise Forbidden("indicateurs réservés aux acheteurs et contrôleurs")
        consultations = uow.session.execute(select(Consultation).where(
            Consultation.organisation_id == org.id, Consultation.published_at >= start,
            Consultation.published_at < end).order_by(Consultation.reference)).scalars().all()
        count = len(consultations)
        with_env = with_social = 0
        pillar_sum = {p: 0.0 for p in PILLARS}
        awards = sme_known = sme_awards = 0
        insertion_hours = 0.0
        for consultation in consultations:
            criteria = criteria_of(consultation.criteria_set)
            shares = criteria.pillar_shares()
            with_env += shares["environmental"] > 0
            with_social += shares["social"] > 0
            for p in PILLARS:
                pillar_sum[p] += shares[p]
            for lot in consultation.lots:
                scoring = latest(uow.session, lot)
                if scoring is None:
                    continue
                inputs = {o["id"]: o for o in scoring.inputs["offers"]}
                rejected = {oid for oid, d in decisions(uow.session, scoring).items()
                            if d["decision"] == "rejected"}
                # the proposed awards as the exports show them: the stored ranking, less
                # the offers the buyer rejected after review
                for entry in proposed_winners(scoring.result["offers"], rejected):
                    awards += 1
                    offer = inputs.get(entry["id"], {})
                    sme = (offer.get("supplier") or {}).get("sme")
                    if sme is not None:
                        sme_known += 1
                        sme_awards += bool(sme)
                    hours = offer.get("answers", {}).get(INSERTION_INPUT)
                    if isinstance(hours, (int, float)) and not isinstance(hours, bool):
                        insertion_hours += float(hours)
        # the shape of spar.exports.indicators, which checks it and renders the PDF
        portal = sme_indicators.compute(uow.session, org.id, list(consultations), year,
                                        uow.now())
        return {
            "year": year,
            "organisation": org.name,
            "consultations": count,
            "with_environmental_share": with_env / count if count else None,
            "with_social_share": with_social / count if count else None,
            "pillar_weights": {p: pillar_sum[p] / count for p in PILLARS} if count else {},
            "insertion_hours": insertion_hours,
            "awards": awards,
            "sme_award_share": sme_awards / sme_known if sme_known else None,
            "sme_known_awards": sme_known,
            **portal,  # the SME portal's figures (SPEC §8)
        }
