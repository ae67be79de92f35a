"""A unit of work: one database transaction, its repositories and the clock, handed to
each use case (``tests/unit/services/fakes.py`` holds one kept in memory)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from .clock import SystemClock
from .repositories import Repositories


class UnitOfWork:
    """``with uow: …; uow.commit()`` — anything not committed is rolled back. Inside,
    ``uow.consultations``, ``uow.marks``… are the repositories of
    :class:`~.repositories.Repositories` on this transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock=None, settings=None):
        self._sessions = sessions
        self.clock = clock or SystemClock()
        self.settings = settings or {}
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        for name, repository in vars(Repositories(self.session)).items():
            setattr(self, name, repository)
        return self

    def __exit__(self, *exc) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # loaded objects readable, so use cases can return them
        self.session.close()
        self.session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def now(self):
        return self.clock.now()

    def fresh(self) -> "UnitOfWork":
        """Another unit of work on the same database, clock and settings (for work done
        after this one's commit, such as e-mailing the notices it wrote)."""
        return UnitOfWork(self._sessions, self.clock, self.settings)
