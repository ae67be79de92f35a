"""The page number a list page was asked for (``?page=``), within bounds."""

from __future__ import annotations

from flask import request

from ..services.pagination import MAX_PAGE


def page_number() -> int:
    """``?page=`` as an integer from 1; anything unreadable is page 1."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)
