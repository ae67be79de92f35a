"""The time use cases see: the system clock, or a fixed one in tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that only moves when told to (tests, demo seeding)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at = self.at + timedelta(**delta)


def paris_time(at: datetime) -> str:
    """An instant as people in Paris read it: ``15/12/2026 12:00 (heure de Paris)``."""
    return at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") + " (heure de Paris)"
