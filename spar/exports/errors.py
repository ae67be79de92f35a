"""The one error every export raises for input it cannot use."""

from __future__ import annotations


class ExportError(ValueError):
    """An export cannot be produced from what it was given; the message is for people."""
