"""Errors of the review layer, each written for the person who must fix the cause."""

from __future__ import annotations


class ReviewError(Exception):
    """Base of every error raised by :mod:`spar.review`; ``str()`` is a French sentence."""


class ReviewInputError(ReviewError, ValueError):
    """Data handed to the review functions is malformed (names what and where)."""


class ModelError(ReviewError):
    """The review model cannot be used; scoring falls back to the rules alone."""


class ModelNotFoundError(ModelError):
    """No model artifact where it was looked for."""


class ModelIncompatibleError(ModelError):
    """An artifact exists but was written for other code or libraries, or was altered."""
