"""A unit of work kept in memory, with repositories that answer the same verbs as
:mod:`spar.services.repositories`, for testing the use cases' rules without a database
(cosmicpython, chapter 6).

Rows are the ORM classes themselves, never flushed: a plain object with attributes.
What a use case adds stays pending until it commits; leaving the unit of work without
committing drops it, as a rollback would (changes made to rows already stored are not
undone: the tests check ``committed`` for those). The fake has no ``session``, so a use
case that still reaches past its repositories fails loudly here.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from itertools import count
from typing import Any, Iterable, Iterator

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE

from spar.db.models import (AuditEntry, CompanyProfile, CompanyProfileTerm,
                            CompanyProfileVersion, Consultation, CriteriaSetRecord, Lot, Mark,
                            Offer, ProgrammeInterest, ProgrammeItem,
                            ReviewDecision, Scoring)
from spar.services.clock import FixedClock
from spar.services.consultations import state_given
from spar.services.errors import DuplicateRecord
from spar.services.pagination import Page


class FakeDatabase:
    """What is stored, by class, in insertion order."""

    def __init__(self):
        self.rows: dict[type, list] = {}
        self._ids = count(1)

    def store(self, *rows) -> None:
        """Put rows in as if committed long ago (the tests' arrangement)."""
        for row in rows:
            for each in self.identify(row):
                self.rows.setdefault(type(each), []).append(each)

    def identify(self, row) -> list:
        """Give ``row`` an id as an insert would, and its lots with a consultation (they
        are written with it); the rows to keep."""
        if getattr(row, "id", None) is None:
            row.id = next(self._ids)
        if not isinstance(row, Consultation):
            return [row]
        for lot in row.lots:
            lot.id, lot.consultation_id = lot.id or next(self._ids), row.id
        return [row, *row.lots]

    def all(self, cls: type) -> list:
        return list(self.rows.get(cls, []))


class FakeUnitOfWork:
    session = None  # every read and write goes through the repositories

    def __init__(self, database: FakeDatabase | None = None, clock: FixedClock | None = None,
                 settings: dict[str, Any] | None = None):
        self.database = database or FakeDatabase()
        self.clock = clock or FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
        self.settings = settings or {}
        self.pending: list = []
        self.committed = False
        self.commits = 0
        self.criteria_sets = FakeCriteriaSets(self)
        self.consultations = FakeConsultations(self)
        self.offers = FakeOffers(self)
        self.marks = FakeMarks(self)
        self.scorings = FakeScorings(self)
        self.review_decisions = FakeReviewDecisions(self)
        self.programme_items = FakeProgrammeItems(self)
        self.programme_interests = FakeProgrammeInterests(self)
        self.profiles = FakeProfiles(self)
        self.notices = FakeRepository(self)
        self.audit_log = FakeAuditLog(self)

    def __enter__(self) -> "FakeUnitOfWork":
        self.pending = []
        return self

    def __exit__(self, *exc) -> None:
        self.pending = []  # not committed: gone

    def commit(self) -> None:
        for row in self.pending:
            self.database.rows.setdefault(type(row), []).append(row)
        self.pending = []
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        self.pending = []

    def now(self) -> datetime:
        return self.clock.now()

    def fresh(self) -> "FakeUnitOfWork":
        return FakeUnitOfWork(self.database, self.clock, self.settings)

    def rows(self, cls: type) -> list:
        """Stored and pending rows of ``cls``: what this transaction sees."""
        return self.database.all(cls) + [row for row in self.pending if type(row) is cls]

    def audit_actions(self) -> list[str]:
        return [entry.action for entry in self.database.all(AuditEntry)]


def _page(items: list, page: int, per_page: int) -> Page:
    start = (page - 1) * per_page
    return Page(items[start:start + per_page], page, per_page, len(items))


class FakeRepository:
    def __init__(self, uow: FakeUnitOfWork):
        self.uow = uow

    def add(self, row) -> None:
        for each in self.uow.database.identify(row):
            self._link(each)
            self.uow.pending.append(each)

    def _link(self, row) -> None:
        """Set the many-to-one relations the database would load from the keys given
        (``lot_id`` → ``lot``…)."""
        for relation in sa_inspect(type(row)).relationships:
            if relation.direction is not MANYTOONE or getattr(row, relation.key) is not None:
                continue
            (column,) = relation.local_columns
            key = getattr(row, column.key)
            if key is not None:
                setattr(row, relation.key, next(
                    (r for r in self.uow.rows(relation.mapper.class_) if r.id == key), None))


class FakeCriteriaSets(FakeRepository):
    def get(self, set_id: str, version: int) -> CriteriaSetRecord | None:
        return next((r for r in self.uow.rows(CriteriaSetRecord)
                     if (r.set_id, r.version) == (set_id, version)), None)

    def all(self) -> list[CriteriaSetRecord]:
        return self.uow.rows(CriteriaSetRecord)


class FakeConsultations(FakeRepository):
    def get(self, reference: str) -> Consultation | None:
        return next((c for c in self.uow.rows(Consultation) if c.reference == reference), None)

    def scored(self, consultation: Consultation) -> bool:
        return any(s.lot.consultation is consultation for s in self.uow.rows(Scoring))

    def scored_among(self, consultations: Iterable[Consultation]) -> set[int]:
        return {c.id for c in consultations if self.scored(c)}

    def current_offer_counts(self, consultation: Consultation) -> dict[str, int]:
        counts: dict[str, int] = {}
        for offer in self.uow.rows(Offer):
            if offer.lot.consultation is consultation and offer.superseded_at is None:
                counts[offer.lot.lot_id] = counts.get(offer.lot.lot_id, 0) + 1
        return counts

    def search(self, *, published: bool, organisation_id: int | None, state: str | None,
               category: str | None, words: str | None, now: datetime, page: int,
               per_page: int) -> Page[Consultation]:
        def wanted(c: Consultation) -> bool:
            ours = organisation_id is not None and c.organisation_id == organisation_id
            if not (ours or published and c.published_at is not None):
                return False
            if state is not None and state_given(c, now, lambda: self.scored(c)) != state:
                return False
            if category and c.criteria_set.category != category:
                return False
            return not words or words in c.title.lower() or words in c.reference.lower()

        found = [c for c in self.uow.rows(Consultation) if wanted(c)]
        if state == "open":
            found.sort(key=lambda c: (c.deadline, c.id))
        else:
            found.sort(key=lambda c: (c.deadline, c.id), reverse=True)
        return _page(found, page, per_page)


class FakeOffers(FakeRepository):
    def get(self, public_id: str) -> Offer | None:
        return next((o for o in self.uow.rows(Offer) if o.public_id == public_id), None)

    def current_of(self, lot: Lot) -> list[Offer]:
        return sorted((o for o in self.uow.rows(Offer)
                       if o.lot is lot and o.superseded_at is None), key=lambda o: o.id)

    def in_consultation(self, consultation: Consultation, *, siret: str | None = None,
                        current: bool = False) -> list[Offer]:
        return sorted((o for o in self.uow.rows(Offer)
                       if o.lot.consultation is consultation
                       and (siret is None or o.siret == siret)
                       and not (current and o.superseded_at is not None)), key=lambda o: o.id)

    def replaced_by(self, offer: Offer) -> Offer | None:
        return next((o for o in self.uow.rows(Offer) if o.lot_id == offer.lot_id
                     and o.siret == offer.siret and o.superseded_by == offer.id), None)

    def of_supplier(self, lot: Lot, siret: str) -> list[Offer]:
        return sorted((o for o in self.uow.rows(Offer) if o.lot is lot and o.siret == siret),
                      key=lambda o: o.id)


class FakeMarks(FakeRepository):
    def history(self, offer: Offer, path: str) -> list[Mark]:
        return sorted((m for m in self.uow.rows(Mark)
                       if m.offer_id == offer.id and m.criterion == path), key=lambda m: m.id)

    def current(self, offer: Offer, path: str) -> list[Mark]:
        return [m for m in self.history(offer, path) if m.superseded_at is None]

    def current_of(self, offer_ids: list[int]) -> dict[int, dict[str, Mark]]:
        out: dict[int, dict[str, Mark]] = {}
        for mark in sorted(self.uow.rows(Mark), key=lambda m: m.id):
            if mark.offer_id in offer_ids and mark.superseded_at is None:
                out.setdefault(mark.offer_id, {})[mark.criterion] = mark
        return out


class FakeScorings(FakeRepository):
    def latest(self, lot: Lot) -> Scoring | None:
        mine = [s for s in self.uow.rows(Scoring) if s.lot is lot]
        return max(mine, key=lambda s: s.id) if mine else None

    def latest_unread(self, lot: Lot) -> Scoring | None:
        return self.latest(lot)

    def stored_text(self, scoring: Scoring, column: str) -> Iterator[str]:
        # the text SQLAlchemy writes for a JSON column, in two pieces
        text = json.dumps(getattr(scoring, column))
        return iter((text[:len(text) // 2], text[len(text) // 2:]))


class FakeReviewDecisions(FakeRepository):
    def of_offer(self, offer: Offer) -> list[ReviewDecision]:
        return sorted((d for d in self.uow.rows(ReviewDecision) if d.offer_id == offer.id),
                      key=lambda d: d.id)


    def fairly_drawn(self) -> list[tuple[ReviewDecision, str, int]]:
        offers = {o.id: o for o in self.uow.rows(Offer)}
        return [(d, offers[d.offer_id].public_id, offers[d.offer_id].lot_id)
                for d in sorted(self.uow.rows(ReviewDecision), key=lambda d: d.id)
                if d.sampling_probability > 0]


class FakeProgrammeItems(FakeRepository):
    def get(self, item_id: int) -> ProgrammeItem | None:
        return next((i for i in self.uow.rows(ProgrammeItem) if i.id == item_id), None)

    def refresh(self, item: ProgrammeItem) -> None:
        pass  # in memory, the relations are the objects themselves

    def of_consultation(self, consultation: Consultation) -> ProgrammeItem | None:
        return next((i for i in self.uow.rows(ProgrammeItem)
                     if i.consultation is consultation), None)

    def search(self, *, statuses, category, month, organisation, page, per_page,
               organisation_id=None) -> Page[ProgrammeItem]:
        found = [i for i in self.uow.rows(ProgrammeItem)
                 if i.status in statuses and (not category or i.category == category)
                 and (not month or i.expected_publication == month)
                 and (not organisation or i.organisation.slug == organisation)
                 and (organisation_id is None or i.organisation_id == organisation_id)]
        found.sort(key=lambda i: (i.expected_publication, i.id))
        return _page(found, page, per_page)


class FakeProgrammeInterests(FakeRepository):
    def active(self, item: ProgrammeItem, siret: str | None = None) -> list[ProgrammeInterest]:
        return sorted((i for i in self.uow.rows(ProgrammeInterest)
                       if i.item_id == item.id and i.withdrawn_at is None
                       and (siret is None or i.siret == siret)), key=lambda i: i.id)

    def count_active(self, item: ProgrammeItem) -> int:
        return len(self.active(item))

    def page_with_profiles(self, item: ProgrammeItem, page: int, per_page: int) -> Page:
        visible = {p.siret: p for p in self.uow.rows(CompanyProfile)
                   if p.visibility == "visible"}
        return _page([(i, visible.get(i.siret)) for i in self.active(item)], page, per_page)


class FakeProfiles(FakeRepository):
    def get(self, siret: str) -> CompanyProfile | None:
        return next((p for p in self.uow.rows(CompanyProfile) if p.siret == siret), None)

    def save(self, profile: CompanyProfile, version: CompanyProfileVersion,
             terms: list[CompanyProfileTerm]) -> None:
        if profile.id is None:
            if self.get(profile.siret) is not None:  # the unique SIRET of the table
                raise DuplicateRecord(f"profil {profile.siret} enregistré au même moment")
            self.add(profile)
        version.profile_id = profile.id
        self.add(version)
        for rows in (self.uow.database.rows.get(CompanyProfileTerm, []), self.uow.pending):
            rows[:] = [t for t in rows if not (isinstance(t, CompanyProfileTerm)
                                               and t.profile_id == profile.id)]
        for term in terms:
            term.profile_id = profile.id
            self.add(term)

    def versions(self, profile: CompanyProfile, page: int, per_page: int) -> Page:
        return _page(sorted((v for v in self.uow.rows(CompanyProfileVersion)
                             if v.profile_id == profile.id), key=lambda v: -v.version),
                     page, per_page)

    def search_visible(self, *, terms, departement, size, page, per_page) -> Page:
        def has(profile, kind, value, whole) -> bool:
            return any(t.profile_id == profile.id and t.kind == kind
                       and (t.value == value if whole else value in t.value)
                       for t in self.uow.rows(CompanyProfileTerm))

        found = [p for p in self.uow.rows(CompanyProfile)
                 if p.visibility == "visible" and all(has(p, *term) for term in terms)
                 and (not departement or p.departement == departement)
                 and (not size or p.size == size)]
        found.sort(key=lambda p: (p.name, p.siret))
        return _page(found, page, per_page)


class FakeAuditLog(FakeRepository):
    def head(self) -> tuple[int, str] | None:
        entries = self.uow.rows(AuditEntry)
        return (entries[-1].id, entries[-1].entry_hash) if entries else None

    def first_hash(self, target: str, actions: tuple[str, ...]) -> str | None:
        return next((e.entry_hash for e in sorted(self.uow.rows(AuditEntry), key=lambda e: e.id)
                     if e.target == target and e.action in actions), None)

    def add(self, row: AuditEntry) -> None:
        self.uow.pending.append(row)  # the entry carries its own id, chained



