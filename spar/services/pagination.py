"""Pages of a list (SPEC §6.1): ``page`` from 1, ``per_page`` up to 100, default 20.

The API and the pages read the same :class:`Page`; a list computed in the database is
cut there (:func:`page_of_query`), one already in memory with :func:`page_of_list`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from sqlalchemy import func, select

from .errors import Invalid

T = TypeVar("T")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
#: Far beyond any real list; keeps ``(page - 1) * per_page`` inside a 64-bit OFFSET.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least 1, so "page 1 of 1" reads right)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        """The 1-based position of the first item shown (0 when the page is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    def map(self, convert: Callable[[T], Any]) -> "Page":
        return Page([convert(item) for item in self.items], self.page, self.per_page,
                    self.total)

    def to_dict(self) -> dict[str, Any]:
        return {"items": list(self.items), "page": self.page, "per_page": self.per_page,
                "total": self.total}


def check_bounds(page: int, per_page: int) -> None:
    """Invalid unless 1 ≤ page ≤ MAX_PAGE and 1 ≤ per_page ≤ MAX_PER_PAGE."""
    errors = {}
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = [f"Doit être supérieur ou égal à 1 et inférieur ou égal à {MAX_PAGE}."]
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = ["Doit être supérieur ou égal à 1 et inférieur ou égal à "
                              f"{MAX_PER_PAGE}."]
    if errors:
        raise Invalid("pagination invalide", errors)


def page_of_query(session, query, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Page:
    """One page of a SELECT (already ordered) and the number of rows it matches."""
    check_bounds(page, per_page)
    total = session.execute(select(func.count()).select_from(
        query.order_by(None).subquery())).scalar_one()
    rows = session.execute(query.offset((page - 1) * per_page).limit(per_page)).scalars().all()
    return Page(list(rows), page, per_page, total)


def page_of_list(items: Sequence[T], page: int = 1, per_page: int = DEFAULT_PER_PAGE
                 ) -> Page[T]:
    """One page of a list already in memory."""
    check_bounds(page, per_page)
    start = (page - 1) * per_page
    return Page(list(items[start:start + per_page]), page, per_page, len(items))
