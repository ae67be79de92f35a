"""A supplier's private self-assessment: scored against a published criteria set, never stored."""

from __future__ import annotations

from typing import Any

from ..engine.errors import AnswersError
from ..engine.self_assessment import self_assess
from .criteria_sets import criteria_of, get_record
from .errors import Invalid, NotFound
from .offers import answers_problems


def assess(uow, data: dict[str, Any]) -> dict[str, Any]:
    """The indicative result and hints; Invalid names every bad answer or assumption."""
    with uow:
        try:
            record = get_record(uow.session, data["criteria_set"], data["version"])
        except NotFound as exc:
            raise NotFound(exc.message, {"criteria_set": [exc.message]}) from None
        criteria = criteria_of(record)
    try:
        result = self_assess(criteria, data["answers"], data.get("evidence") or {},
                             data.get("assumptions") or {}, gain=data.get("gain"))
    except AnswersError as exc:
        raise Invalid("réponses invalides : " + "; ".join(str(p) for p in exc.problems[:10]),
                      answers_problems(exc.problems)) from None
    except ValueError as exc:
        raise Invalid(str(exc), {"assumptions": [str(exc)]}) from None
    return result.to_dict()
