"""Repositories: what the use cases read and write, kept behind a few verbs so that the
rules (:mod:`.consultations`, :mod:`.marks`, :mod:`.reviews`, :mod:`.programme`) can be
tested on in-memory fakes (``tests/unit/services/fakes.py``) with the same verbs.

Each repository works in its unit of work's session; ``add`` flushes, so the row has its
id at once, as the use cases expect. A query that filters on a rule stated in a use case
(a consultation's state) says so and names where the rule lives.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Iterator

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager, defer, selectinload

from sqlalchemy.exc import IntegrityError

from ..db.models import (AuditEntry, CompanyProfile, CompanyProfileTerm, CompanyProfileVersion,
                         Consultation, CriteriaSetRecord, Lot, Mark, Notice, Offer,
                         Organisation, ProgrammeInterest, ProgrammeItem, ReviewDecision,
                         Scoring)
from ..db.stored_text import scoring_text
from . import locks
from .errors import DuplicateRecord
from .pagination import Page


def _page(session: Session, query, page: int, per_page: int, *, rows: bool = False) -> Page:
    """One page of a SELECT (already ordered) and the number of rows it matches
    (``rows``: whole rows rather than the first column)."""
    total = session.execute(select(func.count()).select_from(
        query.order_by(None).subquery())).scalar_one()
    result = session.execute(query.offset((page - 1) * per_page).limit(per_page))
    items = [tuple(row) for row in result.all()] if rows else list(result.scalars().all())
    return Page(items, page, per_page, total)


class _Repository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, row) -> None:
        self.session.add(row)
        self.session.flush()


class CriteriaSets(_Repository):
    def get(self, set_id: str, version: int) -> CriteriaSetRecord | None:
        return self.session.execute(select(CriteriaSetRecord).where(
            CriteriaSetRecord.set_id == set_id, CriteriaSetRecord.version == version)
        ).scalar_one_or_none()

    def all(self) -> list[CriteriaSetRecord]:
        """Every published version."""
        return list(self.session.execute(select(CriteriaSetRecord)).scalars())


class Consultations(_Repository):
    def get(self, reference: str) -> Consultation | None:
        return self.session.execute(select(Consultation).where(
            Consultation.reference == reference)).scalar_one_or_none()

    def scored(self, consultation: Consultation) -> bool:
        """Has any lot of the consultation a stored scoring?"""
        return self.session.execute(select(func.count(Scoring.id)).join(Lot).where(
            Lot.consultation_id == consultation.id)).scalar_one() > 0

    def scored_among(self, consultations: Iterable[Consultation]) -> set[int]:
        """The ids of those of ``consultations`` with a stored scoring."""
        ids = [c.id for c in consultations]
        if not ids:
            return set()
        return set(self.session.execute(
            select(Lot.consultation_id).join(Scoring, Scoring.lot_id == Lot.id)
            .where(Lot.consultation_id.in_(ids)).distinct()).scalars())

    def current_offer_counts(self, consultation: Consultation) -> dict[str, int]:
        """Lot id → number of current (not superseded) offers."""
        return dict(self.session.execute(
            select(Lot.lot_id, func.count(Offer.id)).join(Offer, Offer.lot_id == Lot.id)
            .where(Lot.consultation_id == consultation.id, Offer.superseded_at.is_(None))
            .group_by(Lot.lot_id)).all())

    def search(self, *, published: bool, organisation_id: int | None, state: str | None,
               category: str | None, words: str | None, now: datetime, page: int,
               per_page: int) -> Page[Consultation]:
        """One page of consultations: the published ones (``published``) and/or those of
        ``organisation_id``; in ``state`` (as :func:`.consultations.state_of` says it),
        of a criteria set of ``category``, with ``words`` in the title or reference.
        Open ones come soonest deadline first, the others latest deadline first."""
        query = (select(Consultation).join(CriteriaSetRecord)
                 .options(contains_eager(Consultation.criteria_set),
                          selectinload(Consultation.lots),
                          selectinload(Consultation.organisation)))
        ours = Consultation.organisation_id == organisation_id
        is_published = Consultation.published_at.is_not(None)
        if published and organisation_id is not None:
            query = query.where(or_(is_published, ours))
        elif published:
            query = query.where(is_published)
        else:
            query = query.where(ours)
        if state is not None:
            query = query.where(_state_condition(state, now))
        if category:
            query = query.where(CriteriaSetRecord.category == category)
        if words:
            query = query.where(or_(
                func.lower(Consultation.title).contains(words, autoescape=True),
                func.lower(Consultation.reference).contains(words, autoescape=True)))
        if state == "open":
            query = query.order_by(Consultation.deadline, Consultation.id)
        else:
            query = query.order_by(Consultation.deadline.desc(), Consultation.id.desc())
        return _page(self.session, query, page, per_page)


def _scored():
    return exists().where(Scoring.lot_id == Lot.id, Lot.consultation_id == Consultation.id)


def _state_condition(state: str, now: datetime):
    """The SQL form of :func:`spar.services.consultations.state_of`'s answer being
    ``state`` (the rule itself is stated there)."""
    published = Consultation.published_at.is_not(None)
    if state == "draft":
        return Consultation.published_at.is_(None)
    if state == "open":
        return published & (Consultation.deadline > now)
    closed = published & (Consultation.deadline <= now)
    return closed & (_scored() if state == "scored" else ~_scored())


class Offers(_Repository):
    def get(self, public_id: str) -> Offer | None:
        return self.session.execute(select(Offer).where(Offer.public_id == public_id)
                                    ).scalar_one_or_none()

    def current_of(self, lot: Lot) -> list[Offer]:
        """The offers that count: the last one of each supplier, in order of submission."""
        return list(self.session.execute(select(Offer).where(
            Offer.lot_id == lot.id, Offer.superseded_at.is_(None)).order_by(Offer.id)).scalars())

    def in_consultation(self, consultation: Consultation, *, siret: str | None = None,
                        current: bool = False) -> list[Offer]:
        """The offers of every lot of the consultation, in order of submission: the firm
        ``siret``'s only, when given; the current ones only, with ``current``."""
        query = select(Offer).where(Offer.lot_id.in_([lot.id for lot in consultation.lots]))
        if siret is not None:
            query = query.where(Offer.siret == siret)
        if current:
            query = query.where(Offer.superseded_at.is_(None))
        return list(self.session.execute(query.order_by(Offer.id)).scalars())

    def replaced_by(self, offer: Offer) -> Offer | None:
        """The offer that ``offer`` replaced, if any."""
        return self.session.execute(select(Offer).where(
            Offer.lot_id == offer.lot_id, Offer.siret == offer.siret,
            Offer.superseded_by == offer.id)).scalar_one_or_none()

    def of_supplier(self, lot: Lot, siret: str) -> list[Offer]:
        """Every offer the firm ``siret`` sent for the lot, replaced ones included."""
        return list(self.session.execute(select(Offer).where(
            Offer.lot_id == lot.id, Offer.siret == siret).order_by(Offer.id)).scalars())


class Marks(_Repository):
    def history(self, offer: Offer, path: str) -> list[Mark]:
        """Every mark given to the offer on ``path``, oldest first."""
        return list(self.session.execute(select(Mark).where(
            Mark.offer_id == offer.id, Mark.criterion == path).order_by(Mark.id)).scalars())

    def current(self, offer: Offer, path: str) -> list[Mark]:
        """The marks not superseded (one, unless two requests raced)."""
        return list(self.session.execute(select(Mark).where(
            Mark.offer_id == offer.id, Mark.criterion == path,
            Mark.superseded_at.is_(None))).scalars())

    def current_of(self, offer_ids: list[int]) -> dict[int, dict[str, Mark]]:
        """Offer id → criterion path → its current mark."""
        ids = list(offer_ids)
        out: dict[int, dict[str, Mark]] = {}
        if ids:
            for mark in self.session.execute(select(Mark).where(
                    Mark.offer_id.in_(ids), Mark.superseded_at.is_(None)).order_by(Mark.id)
            ).scalars():
                out.setdefault(mark.offer_id, {})[mark.criterion] = mark
        return out


class Scorings(_Repository):
    def latest(self, lot: Lot) -> Scoring | None:
        return self.session.execute(select(Scoring).where(Scoring.lot_id == lot.id)
                                    .order_by(Scoring.id.desc()).limit(1)).scalar_one_or_none()

    def latest_unread(self, lot: Lot) -> Scoring | None:
        """The latest scoring, its ``result`` and ``inputs`` left unloaded (read whole, they
        are decoded whole): read them with :meth:`stored_text`, a piece at a time."""
        return self.session.execute(
            select(Scoring).options(defer(Scoring.result), defer(Scoring.inputs))
            .where(Scoring.lot_id == lot.id).order_by(Scoring.id.desc()).limit(1)
        ).scalar_one_or_none()

    def stored_text(self, scoring: Scoring, column: str) -> Iterator[str]:
        """The text stored in the scoring's ``column`` (``result`` or ``inputs``), as
        written, a piece at a time (:func:`spar.db.stored_text.scoring_text`)."""
        return scoring_text(self.session, scoring.id, column)


class ReviewDecisions(_Repository):
    def of_offer(self, offer: Offer) -> list[ReviewDecision]:
        return list(self.session.execute(select(ReviewDecision).where(
            ReviewDecision.offer_id == offer.id).order_by(ReviewDecision.id)).scalars())

    def fairly_drawn(self) -> list[tuple[ReviewDecision, str, int]]:
        """Every decision on an offer drawn with a known probability (flagged or
        sampled), oldest first, with the offer's public id and lot key."""
        return [tuple(row) for row in self.session.execute(
            select(ReviewDecision, Offer.public_id, Offer.lot_id)
            .join(Offer, ReviewDecision.offer_id == Offer.id)
            .where(ReviewDecision.sampling_probability > 0)
            .order_by(ReviewDecision.id)).all()]


class ProgrammeItems(_Repository):
    def get(self, item_id: int) -> ProgrammeItem | None:
        return self.session.get(ProgrammeItem, item_id)

    def add(self, row: ProgrammeItem) -> None:
        super().add(row)
        self.session.refresh(row)

    def refresh(self, item: ProgrammeItem) -> None:
        """Write the item's changes and read it back (its relations follow its keys)."""
        self.session.flush()
        self.session.refresh(item)

    def of_consultation(self, consultation: Consultation) -> ProgrammeItem | None:
        return self.session.execute(select(ProgrammeItem).where(
            ProgrammeItem.consultation_id == consultation.id)).scalar_one_or_none()

    def search(self, *, statuses: tuple[str, ...], category: str | None, month: str | None,
               organisation: str | None, page: int, per_page: int,
               organisation_id: int | None = None) -> Page[ProgrammeItem]:
        """One page of items, soonest expected publication first (of the organisation
        ``organisation`` — a slug — or ``organisation_id`` when given)."""
        query = select(ProgrammeItem).where(ProgrammeItem.status.in_(statuses))
        if category:
            query = query.where(ProgrammeItem.category == category)
        if month:
            query = query.where(ProgrammeItem.expected_publication == month)
        if organisation:
            query = query.join(Organisation).where(Organisation.slug == organisation)
        if organisation_id is not None:
            query = query.where(ProgrammeItem.organisation_id == organisation_id)
        query = query.order_by(ProgrammeItem.expected_publication, ProgrammeItem.id)
        return _page(self.session, query, page, per_page)


class ProgrammeInterests(_Repository):
    def active(self, item: ProgrammeItem, siret: str | None = None) -> list[ProgrammeInterest]:
        """The interests not withdrawn (of the firm ``siret`` only, when given), first
        come first."""
        query = select(ProgrammeInterest).where(ProgrammeInterest.item_id == item.id,
                                                ProgrammeInterest.withdrawn_at.is_(None))
        if siret is not None:
            query = query.where(ProgrammeInterest.siret == siret)
        return list(self.session.execute(query.order_by(ProgrammeInterest.id)).scalars())

    def count_active(self, item: ProgrammeItem) -> int:
        return self.session.execute(select(func.count(ProgrammeInterest.id)).where(
            ProgrammeInterest.item_id == item.id, ProgrammeInterest.withdrawn_at.is_(None))
        ).scalar_one()

    def page_with_profiles(self, item: ProgrammeItem, page: int, per_page: int
                           ) -> Page[tuple[ProgrammeInterest, CompanyProfile | None]]:
        """The active interests, first come first, each with the firm's profile when it
        is visible (None when private or absent)."""
        query = (select(ProgrammeInterest, CompanyProfile)
                 .outerjoin(CompanyProfile, (CompanyProfile.siret == ProgrammeInterest.siret)
                            & (CompanyProfile.visibility == "visible"))
                 .where(ProgrammeInterest.item_id == item.id,
                        ProgrammeInterest.withdrawn_at.is_(None))
                 .order_by(ProgrammeInterest.id))
        return _page(self.session, query, page, per_page, rows=True)


class Profiles(_Repository):
    def get(self, siret: str) -> CompanyProfile | None:
        return self.session.execute(select(CompanyProfile).where(
            CompanyProfile.siret == siret)).scalar_one_or_none()

    def save(self, profile: CompanyProfile, version: CompanyProfileVersion,
             terms: list[CompanyProfileTerm]) -> None:
        """Write the profile, append ``version`` to its history and make ``terms`` its
        search terms, all or nothing: DuplicateRecord when another request saved the
        same firm's profile meanwhile (the rest of the transaction stands)."""
        try:
            with self.session.begin_nested():
                self.session.add(profile)
                self.session.flush()
                version.profile_id = profile.id
                self.session.add(version)
                for term in self.session.execute(select(CompanyProfileTerm).where(
                        CompanyProfileTerm.profile_id == profile.id)).scalars():
                    self.session.delete(term)
                for term in terms:
                    term.profile_id = profile.id
                self.session.add_all(terms)
                self.session.flush()
        except IntegrityError:
            raise DuplicateRecord(f"profil {profile.siret} enregistré au même moment "
                                  "par ailleurs") from None

    def versions(self, profile: CompanyProfile, page: int, per_page: int
                 ) -> Page[CompanyProfileVersion]:
        """One page of the profile's saved states, the latest first."""
        return _page(self.session, select(CompanyProfileVersion).where(
            CompanyProfileVersion.profile_id == profile.id).order_by(
            CompanyProfileVersion.version.desc()), page, per_page)

    def search_visible(self, *, terms: list[tuple[str, str, bool]], departement: str | None,
                       size: str | None, page: int, per_page: int) -> Page[CompanyProfile]:
        """One page of the visible profiles, by name, having every ``(kind, value,
        whole)`` term (``whole``: the whole term, else part of it), in ``departement`` and
        of ``size`` when given."""
        query = select(CompanyProfile).where(CompanyProfile.visibility == "visible")
        for kind, value, whole in terms:
            match = CompanyProfileTerm.value == value if whole else \
                CompanyProfileTerm.value.contains(value, autoescape=True)
            query = query.where(CompanyProfile.id.in_(select(CompanyProfileTerm.profile_id)
                                                      .where(CompanyProfileTerm.kind == kind,
                                                             match)))
        if departement:
            query = query.where(CompanyProfile.departement == departement)
        if size:
            query = query.where(CompanyProfile.size == size)
        query = query.order_by(CompanyProfile.name, CompanyProfile.siret)
        return _page(self.session, query, page, per_page)


class Notices(_Repository):
    def add(self, row: Notice) -> None:
        self.session.add(row)  # flushed with the change it reports


class AuditLog(_Repository):
    def head(self) -> tuple[int, str] | None:
        """(id, hash) of the last entry, the log held against other writers until the
        transaction ends, so that two entries never chain to the same predecessor."""
        locks.serialise(self.session, locks.AUDIT_LOG)
        last = self.session.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                                    .order_by(AuditEntry.id.desc()).limit(1)).first()
        return None if last is None else (last.id, last.entry_hash)

    def first_hash(self, target: str, actions: tuple[str, ...]) -> str | None:
        """The hash of the first entry about ``target`` recording one of ``actions``."""
        return self.session.execute(select(AuditEntry.entry_hash).where(
            AuditEntry.target == target, AuditEntry.action.in_(actions))
            .order_by(AuditEntry.id).limit(1)).scalar_one_or_none()


class Repositories:
    """The repositories of one session, as a unit of work exposes them."""

    def __init__(self, session: Session):
        self.criteria_sets = CriteriaSets(session)
        self.consultations = Consultations(session)
        self.offers = Offers(session)
        self.marks = Marks(session)
        self.scorings = Scorings(session)
        self.review_decisions = ReviewDecisions(session)
        self.programme_items = ProgrammeItems(session)
        self.programme_interests = ProgrammeInterests(session)
        self.profiles = Profiles(session)
        self.notices = Notices(session)
        self.audit_log = AuditLog(session)
