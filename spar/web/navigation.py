"""The main navigation: each area module adds its entries, for the roles that use them,
so a new area (the auditor's desk, say) appears in the menu by declaring itself."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object  # a lazy translated string
    #: None: everyone; otherwise the roles that see the entry ("anonymous" included).
    roles: tuple[str, ...] | None
    order: int
    #: The entry stands for its whole area: current on every page of its blueprint.
    area: bool


_ENTRIES: list[Entry] = []


def add(endpoint: str, label, *, roles: tuple[str, ...] | None = None, order: int = 50,
        area: bool = False) -> None:
    """Show ``label`` linking to ``endpoint`` in the menu of ``roles`` (None: everyone)."""
    if all(e.endpoint != endpoint for e in _ENTRIES):
        _ENTRIES.append(Entry(endpoint, label, roles, order, area))
        _ENTRIES.sort(key=lambda e: e.order)


def entries(role: str | None) -> list[dict]:
    """The menu of someone with ``role`` (None: anonymous), the current page marked."""
    who = role or "anonymous"
    out = []
    for entry in _ENTRIES:
        if entry.roles is None or who in entry.roles:
            area = entry.area and entry.endpoint.split(".")[0] == request.blueprint
            out.append({"url": url_for(entry.endpoint), "label": str(entry.label),
                        "current": request.endpoint == entry.endpoint or area})
    return out
