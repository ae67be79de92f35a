"""Pages of the SME portal's lists in the SPEC §6.1 shape ``{items, page, per_page, total}``.

Small on purpose: a shared pagination helper for every list is being written beside the
web pages; this one is meant to be folded into it.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from sqlalchemy import func, select

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def page_of_query(session, query, page: int, per_page: int,
                  render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """One page of a SELECT (already ordered), each row rendered by ``render``."""
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())
                            ).scalar_one()
    rows = session.execute(query.offset((page - 1) * per_page).limit(per_page)).all()
    items = [render(row[0] if len(row) == 1 else row) for row in rows]
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def page_of_list(items: Sequence[Any], page: int, per_page: int,
                 render: Callable[[Any], dict[str, Any]] = lambda x: x) -> dict[str, Any]:
    """One page of an already ordered list; only that page's rows are rendered."""
    start = (page - 1) * per_page
    return {"items": [render(x) for x in items[start:start + per_page]], "page": page,
            "per_page": per_page, "total": len(items)}
