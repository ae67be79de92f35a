"""Typed errors of the use cases, written for people and named for what went wrong.

The kinds (:class:`NotFound`, :class:`Forbidden`, :class:`Conflict`, :class:`Invalid`…)
say what sort of problem it is; their subclasses say which one, so a caller (a page, a
test) can tell a passed deadline from an offer already replaced without reading the
message. None of them knows HTTP: ``spar.api.errors.http_status`` maps them to status
codes, once, for the API and the pages alike.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base: ``message`` for people, ``errors`` for machines (field → messages)."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


# --- the kinds ---------------------------------------------------------------------------


class Unauthorized(ServiceError):
    """The caller is not identified (no or a bad token, wrong password)."""


class Forbidden(ServiceError):
    """The caller is identified but may not do this."""


class NotFound(ServiceError):
    """No such thing, or none the caller may know of."""


class Conflict(ServiceError):
    """The request is well formed but the state of things forbids it now."""


class Invalid(ServiceError):
    """What was sent is wrong; ``errors`` names each field."""


class TooManyRequests(ServiceError):
    """Too many attempts in too little time."""


class UnsupportedMediaType(ServiceError):
    """A body in a format the use case does not read."""


# --- what went wrong ---------------------------------------------------------------------


class RoleNotAllowed(Forbidden):
    """The caller's role may not do this (see :mod:`spar.services.permissions`)."""


class NotYourOrganisation(Forbidden):
    """The thing belongs to another organisation (said only of public things: anything
    private is :class:`NotFound` to outsiders, so as not to show that it exists)."""


class SealedUntilDeadline(Forbidden):
    """Nobody but their authors reads the offers before the deadline."""


class DeadlinePassed(Conflict):
    """The consultation's deadline has passed (publishing, depositing)."""


class OffersSealed(Conflict):
    """The offers stay sealed until the deadline: nobody marks, scores or reviews them."""


class NothingToScore(Conflict):
    """The lot received no offer."""


class AlreadyPublished(Conflict):
    """The consultation is already published."""


class ReferenceTaken(Conflict):
    """Another consultation already has this reference."""


class OfferSuperseded(Conflict):
    """The offer was replaced by its author; act on the current one."""


class NotScored(Conflict):
    """The offer is in no stored scoring yet."""


class ProgrammeItemClosed(Conflict):
    """The planned purchase became a consultation or was cancelled: it no longer changes."""


class ProfileSavedElsewhere(Conflict):
    """The firm's profile was saved from somewhere else at the same moment."""


class DuplicateRecord(Conflict):
    """The database refused a row that would duplicate one it holds (two requests
    creating the same thing at once)."""
