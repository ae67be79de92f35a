"""Answering with the SIRET alone (SPEC §8): the starting values of an answers form —
the self-assessment's and the offer's — taken from the signed-in company's profile,
its standing answers and their evidence.

Only the form starts from them: what the firm changes is sent for this tender alone,
its profile stays as it is (the profile page changes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for

from ..services import profiles
from ..services.errors import Forbidden, NotFound
from .answers_form import Question, field_value
from .session import principal
from .uow import uow

#: The profile page, where the standing answers are changed (the portal's pages).
PROFILE_PAGE = "profile.edit_profile"


@dataclass
class Prefill:
    """The form's starting values and the labels of the questions they answer."""

    values: dict[str, Any] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.answered)

    @property
    def profile_url(self) -> str | None:
        """Where the profile is changed, when the portal has that page."""
        if PROFILE_PAGE in current_app.view_functions:
            return url_for(PROFILE_PAGE)
        return None


def _shown(question: Question, value: Any) -> Any:
    """A standing answer as its field shows it; of labels, those this form offers."""
    shown = field_value(question, value)
    if question.kind == "labels":
        return [name for name in shown if name in question.names]
    return shown


def from_profile(questions: list[Question], set_id: str, version: int) -> Prefill:
    """The signed-in company's standing answers to these questions as form values; an
    empty Prefill for anyone else, or a company without a profile."""
    who = principal()
    if who.role != "supplier":
        return Prefill()
    try:
        standing = profiles.standing_answers_for(uow(), who, set_id, version)
    except (NotFound, Forbidden):
        return Prefill()
    out = Prefill()
    for q in questions:
        if q.input not in standing["answers"]:
            continue
        value = _shown(q, standing["answers"][q.input])
        if value in ("", []):
            continue
        out.values[q.name] = value
        if q.kind == "labels":
            out.values[q.evidence_name] = _shown(q, standing["evidence"].get(q.input))
        out.answered.append(q.title)
    return out
