"""A supplier's private self-assessment: scored against a published criteria set, never stored."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..engine.criteria import CriteriaSet
from ..engine.errors import AnswersError, AssumptionsError, GainSearchError
from ..engine.self_assessment import self_assess
from .criteria_sets import criteria_of, get_record
from .errors import Invalid, NotFound
from .offers import answers_problems


class PublishedCriteria:
    """Published criteria sets by id and version, read from the database once.

    A published version never changes (an upload of other content under the same id
    and version is refused, SPEC §2) and is never deleted, so the tree read once —
    named by its id, version and SHA-256 — stays right for every thread of this
    process and whatever other instances store. Unknown ids are not remembered: a
    set uploaded later is found then. At most ``limit`` sets are kept, the least
    recently used leaving first.
    """

    def __init__(self, limit: int = 256):
        self._limit = limit
        self._sets: OrderedDict[tuple[str, int], CriteriaSet] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, uow, set_id: str, version: int) -> CriteriaSet:
        """The criteria set; NotFound when no such version was published."""
        key = (set_id, version)
        with self._lock:
            criteria = self._sets.get(key)
            if criteria is not None:
                self._sets.move_to_end(key)
                return criteria
        with uow:
            criteria = criteria_of(get_record(uow.session, set_id, version))
        with self._lock:
            self._sets[key] = criteria
            while len(self._sets) > self._limit:
                self._sets.popitem(last=False)
        return criteria


def assess(uow, data: dict[str, Any], published: PublishedCriteria | None = None
           ) -> dict[str, Any]:
    """The indicative result and hints; Invalid names every bad answer or assumption.

    ``published`` spares the database read for sets already read (one per app).
    """
    try:
        if published is not None:
            criteria = published.get(uow, data["criteria_set"], data["version"])
        else:
            with uow:
                criteria = criteria_of(get_record(uow.session, data["criteria_set"],
                                                  data["version"]))
    except NotFound as exc:
        raise NotFound(exc.message, {"criteria_set": [exc.message]}) from None
    try:
        result = self_assess(criteria, data["answers"], data.get("evidence") or {},
                             data.get("assumptions") or {}, gain=data.get("gain"))
    except AnswersError as exc:
        raise Invalid("réponses invalides : " + "; ".join(str(p) for p in exc.problems[:10]),
                      answers_problems(exc.problems)) from None
    except (AssumptionsError, GainSearchError) as exc:
        raise Invalid(str(exc), {"assumptions": [str(exc)]}) from None
    return result.to_dict()
