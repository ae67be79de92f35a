"""A circuit breaker on new database connections.

While the database is unreachable, every request that needs a new connection would wait
for the connect timeout before failing, and a few such requests occupy every thread of a
worker. After one failed connection, the breaker refuses new connections at once for
``retry_after`` seconds (the requests answer 503 with that ``Retry-After``); then a single
caller tries again while the others are still refused, and its success closes the breaker.
"""

from __future__ import annotations

import threading
import time


class DatabaseUnavailable(Exception):
    """The database cannot be reached now; ``retry_after`` seconds is a fair wait."""

    def __init__(self, retry_after: int, reason: str = "base de données injoignable"):
        super().__init__(reason)
        self.retry_after = retry_after


class ConnectionBreaker:
    def __init__(self, retry_after: int, clock=time.monotonic) -> None:
        self.retry_after = max(1, int(retry_after))
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed, connections allowed
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._open_until > 0

    def before_connect(self) -> None:
        """Raise DatabaseUnavailable unless this caller may try to connect."""
        with self._lock:
            if not self._open_until:
                return
            if self._probing or self._clock() < self._open_until:
                raise DatabaseUnavailable(self.retry_after)
            self._probing = True  # this caller probes; the others keep failing fast

    def connected(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._probing = False

    def failed(self) -> None:
        with self._lock:
            self._open_until = self._clock() + self.retry_after
            self._probing = False
