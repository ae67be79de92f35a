"""Laying text out for a terminal: cut to a width, wrapped lists, aligned columns."""

from __future__ import annotations

import textwrap

#: The width of every text report.
WIDTH = 100


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis ending what was cut."""
    return text if len(text) <= width else text[:width - 1] + "…"


def bullet(text: str, width: int = WIDTH) -> str:
    """``text`` as a wrapped list item: ``  - …`` then indented lines."""
    return textwrap.fill(text, width, initial_indent="  - ", subsequent_indent="    ")


def columns(rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> list[str]:
    """Rows as aligned columns indented by two spaces; the columns in ``right`` are
    right-aligned (numbers)."""
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if k in right else cell.ljust(w)
                 for k, (cell, w) in enumerate(zip(row, widths))]
        out.append("  " + "  ".join(cells).rstrip())
    return out
