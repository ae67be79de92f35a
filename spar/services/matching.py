"""Sourcing and matching (SPEC §8): the visible profiles that match a planned purchase,
and the planned purchases that match a firm, with the indicative score the firms'
standing answers earn on the purchase's standing criteria (see
:mod:`spar.engine.matching`).

The profiles are read from the database once per *revision* (the number and the last id
of the profiles' saved versions: every save appends one) and kept, per process, as
columns; the lot of each criteria set is built once from them. A match is then one call
of the engine over the rows of the matching profiles. A profile made private is in a new
revision, so it leaves every match at the next request.

What a buyer sees comes only from visible profiles: the rows scored for a buyer are the
visible profiles of the item's category, nothing else. A firm's own profile, even
private, is scored with the visible ones for the firm itself.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select

from ..db.models import CompanyProfile, CompanyProfileVersion, ProgrammeItem
from ..engine.answers import Lot
from ..engine.criteria import CriteriaSet
from ..engine.matching import (NoStandingCriteriaError, ProfileMatch, match_lot,
                               profile_lot)
from . import programme
from .criteria_sets import criteria_of
from .errors import Conflict, NotFound
from .portal_paging import page_of_list
from .permissions import require
from .principal import Principal

#: How many hints a firm gets per planned purchase.
HINTS = 3


@dataclass
class Snapshot:
    """Every profile, as columns, at one revision of the profiles."""

    revision: tuple[int, int]
    sirets: list[str]
    names: list[str]
    sizes: list[str]
    visible: np.ndarray
    categories: dict[str, np.ndarray]
    answers: dict[str, list[Any]]
    evidence: dict[str, list[Any]]
    lots: dict[str, tuple[Lot, list]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.index = {siret: k for k, siret in enumerate(self.sirets)}
        self.ids = np.array(self.sirets, dtype=object)

    def in_category(self, category: str) -> np.ndarray:
        return self.categories.get(category, np.zeros(len(self.sirets), dtype=bool))

    def lot(self, criteria: CriteriaSet) -> tuple[Lot, list]:
        """The standing lot of every profile on ``criteria``, built once."""
        with self.lock:
            built = self.lots.get(criteria.sha256)
            if built is None:
                built = self.lots[criteria.sha256] = profile_lot(
                    criteria, self.sirets, self.answers, self.evidence)
            return built


_snapshots: "weakref.WeakKeyDictionary[Any, Snapshot]" = weakref.WeakKeyDictionary()
_snapshots_lock = threading.Lock()


def _revision(session) -> tuple[int, int]:
    count, last = session.execute(select(func.count(CompanyProfileVersion.id),
                                         func.max(CompanyProfileVersion.id))).one()
    return int(count or 0), int(last or 0)


def snapshot(session) -> Snapshot:
    """The profiles as columns, read again only when a profile was saved since."""
    engine = session.get_bind()
    revision = _revision(session)
    with _snapshots_lock:
        current = _snapshots.get(engine)
        if current is not None and current.revision == revision:
            return current
    profiles = session.execute(select(CompanyProfile).order_by(CompanyProfile.siret)
                               ).scalars().all()
    built = columns_of(revision, profiles)
    with _snapshots_lock:
        _snapshots[engine] = built
    return built


def columns_of(revision: tuple[int, int], profiles) -> Snapshot:
    """A snapshot of ``profiles`` (objects with a profile's attributes), as columns."""
    n = len(profiles)
    answers: dict[str, list[Any]] = {}
    evidence: dict[str, list[Any]] = {}
    categories: dict[str, np.ndarray] = {}
    for k, profile in enumerate(profiles):
        # (no setdefault: its default column would be built again for every answer)
        for name, value in profile.standing_answers.items():
            if name not in answers:
                answers[name] = [None] * n
            answers[name][k] = value
        for name, value in profile.standing_evidence.items():
            if name not in evidence:
                evidence[name] = [None] * n
            evidence[name][k] = value
        for category in profile.categories:
            if category not in categories:
                categories[category] = np.zeros(n, dtype=bool)
            categories[category][k] = True
    return Snapshot(revision, [p.siret for p in profiles], [p.name for p in profiles],
                    [p.size for p in profiles],
                    np.array([p.visibility == "visible" for p in profiles], dtype=bool),
                    categories, answers, evidence)


def _score(snap: Snapshot, criteria: CriteriaSet, rows: np.ndarray) -> ProfileMatch:
    lot, ignored = snap.lot(criteria)
    return match_lot(criteria, lot, rows, ignored, snap.ids)


def item_matches(uow, principal: Principal, item_id: int, page: int = 1,
                 per_page: int = 20) -> dict[str, Any]:
    """For the buyers (and auditors) of the item's organisation: the visible profiles of the item's
    category, best indicative score first (``{siret, name, size, score, max_score,
    status, reasons}``), relative criteria taken over these profiles."""
    with uow:
        item = programme.owned(uow, principal, item_id, "programme.follow")
        criteria = criteria_of(item.criteria_set)
        snap = snapshot(uow.session)
    try:
        rows, match = item_ranking(snap, criteria, item.category)
    except NoStandingCriteriaError as exc:
        raise Conflict(str(exc)) from None
    if match is None:
        return page_of_list([], page, per_page)

    def render(k: int) -> dict[str, Any]:
        i = int(rows[k])
        row = match.row(k)
        return {"siret": snap.sirets[i], "name": snap.names[i], "size": snap.sizes[i],
                "score": row["score"], "max_score": row["max_score"], "status": row["status"],
                "reasons": row["reasons"]}

    return page_of_list(match.rank_order().tolist(), page, per_page, render)


def item_ranking(snap: Snapshot, criteria: CriteriaSet, category: str
                 ) -> tuple[np.ndarray, ProfileMatch | None]:
    """The visible profiles of ``category`` (their rows in the snapshot) scored together
    on ``criteria``; None when there is none."""
    rows = np.flatnonzero(snap.visible & snap.in_category(category))
    if rows.size == 0:
        return rows, None
    return rows, _score(snap, criteria, rows)


def supplier_matches(uow, principal: Principal, page: int = 1, per_page: int = 20
                     ) -> dict[str, Any]:
    """For a firm: the planned (and published) purchases of its profile's categories,
    each with the indicative score its standing answers earn there — the score a buyer
    sees for it, the competition being the visible profiles of the category — and the
    changes that would gain it the most points. Best share of the points first."""
    require(principal, "programme.match_own")
    with uow:
        session = uow.session
        snap = snapshot(session)
        me = snap.index.get(principal.siret)
        if me is None:
            raise NotFound("pas encore de profil pour ce SIRET : enregistrez-le (PUT "
                           "/suppliers/me) pour voir les achats qui vous correspondent")
        categories = [c for c, mask in snap.categories.items() if mask[me]]
        items = session.execute(select(ProgrammeItem).where(
            ProgrammeItem.status.in_(("planned", "published")),
            ProgrammeItem.category.in_(categories))).scalars().all()
        scored: dict[tuple[int, str], dict[str, Any]] = {}
        entries = []
        for item in items:
            key = (item.criteria_set_id, item.category)
            if key not in scored:  # the same set and category: the same competition
                scored[key] = firm_score(snap, criteria_of(item.criteria_set), item.category,
                                         me)
            entries.append((item, scored[key]))
        # a stable order: best share of the points, then the soonest, then the oldest
        entries.sort(key=lambda e: (-_share(e[1]), e[0].expected_publication, e[0].id))

        def render(entry) -> dict[str, Any]:
            item, mine = entry
            return {"item": programme.describe(uow, item, principal), **mine}

        return page_of_list(entries, page, per_page, render)


def _share(mine: dict[str, Any]) -> float:
    if mine["score"] is None or not mine["max_score"]:
        return -1.0
    return mine["score"] / mine["max_score"]


def firm_score(snap: Snapshot, criteria: CriteriaSet, category: str, me: int
               ) -> dict[str, Any]:
    """The score of the firm at row ``me`` among the visible profiles of ``category`` (the
    score a buyer sees for it when it is visible), and its best hints."""
    mask = snap.visible & snap.in_category(category)
    mask[me] = True
    rows = np.flatnonzero(mask)
    try:
        match = _score(snap, criteria, rows)
    except NoStandingCriteriaError:
        return {"score": None, "max_score": 0.0, "status": "unscored", "reasons": [],
                "competitors": int(rows.size) - 1, "hints": []}
    k = int(np.searchsorted(rows, me))
    row = match.row(k)
    return {"score": row["score"], "max_score": row["max_score"], "status": row["status"],
            "reasons": row["reasons"], "competitors": int(rows.size) - 1,
            "hints": match.hints(k, HINTS)}
