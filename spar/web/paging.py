"""The page number a list page was asked for (``?page=``), within bounds, and a page
of a list as the templates read it."""

from __future__ import annotations

from flask import request

from ..services.pagination import MAX_PAGE, Page


def page_number() -> int:
    """``?page=`` as an integer from 1; anything unreadable is page 1."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def as_page(found: dict) -> Page:
    """A service's page of a list (``{items, page, per_page, total}``) as a :class:`Page`,
    whose ``pages``, ``first_index`` and ``last_index`` the list templates read."""
    return Page(found["items"], found["page"], found["per_page"], found["total"])
