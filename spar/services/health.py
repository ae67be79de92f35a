"""Is the service ready: its database, and Redis when one is configured?"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from ..db import DatabaseUnavailable


def database_reachable(uow) -> bool:
    try:
        with uow:
            uow.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - reported by the readiness check, never raised
        return False


def redis_reachable(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - reported by the readiness check, never raised
        return False
    finally:
        client.close()


def readiness(uow, redis_url: str | None) -> dict[str, str]:
    """``{"database": "ok"|"unreachable", "redis": …}``, Redis only when configured."""
    out = {"database": "ok" if database_reachable(uow) else "unreachable"}
    if redis_url:
        out["redis"] = "ok" if redis_reachable(redis_url) else "unreachable"
    return out


def unavailable_retry_after(error: BaseException, default: int) -> int | None:
    """Seconds to wait when ``error`` means the database cannot be used now (unreachable,
    a dropped connection, a pool exhausted, a statement cancelled by its timeout), else
    None: such a request deserves a 503 with Retry-After, not a 500."""
    if isinstance(error, DatabaseUnavailable):
        return error.retry_after
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return default
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return default
    return None
