"""Fixed-window rate limits, counted in Redis when configured, else in this process."""

from __future__ import annotations

import logging
import threading
import time

from .errors import TooManyRequests

logger = logging.getLogger(__name__)


class MemoryCounter:
    """Per-process counters: enough for the embedded single-process service."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def hit(self, key: str, window: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, now + window))
            if now >= expires:
                count, expires = 0, now + window
            count += 1
            self._counts[key] = (count, expires)
            if len(self._counts) > 10_000:  # forget finished windows
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count


class RedisCounter:
    """Counters shared by every worker through Redis (INCR + EXPIRE)."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hit(self, key: str, window: int) -> int:
        bucket = f"spar:rate:{key}:{int(time.time()) // window}"
        pipe = self._redis.pipeline()
        pipe.incr(bucket)
        pipe.expire(bucket, window + 1)
        count, _ = pipe.execute()
        return int(count)


class RateLimiter:
    def __init__(self, counter, limit: int, window: int) -> None:
        self.counter = counter
        self.limit = limit
        self.window = window
        self._fallback = MemoryCounter()

    def check(self, key: str) -> None:
        """Count one request for ``key``; TooManyRequests past the limit."""
        try:
            count = self.counter.hit(key, self.window)
        except Exception:  # noqa: BLE001 - an unreachable Redis must not take the service down
            logger.warning("rate-limit counter unavailable, counting in this process")
            count = self._fallback.hit(key, self.window)
        if count > self.limit:
            raise TooManyRequests(f"trop de demandes : {self.limit} par {self.window} s au plus ; "
                                  "réessayez dans un instant")
