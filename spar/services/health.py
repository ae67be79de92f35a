"""Is the database reachable?"""

from __future__ import annotations

from sqlalchemy import text


def database_reachable(uow) -> bool:
    try:
        with uow:
            uow.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - reported by the health check, never raised
        return False
