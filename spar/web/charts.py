"""Bars drawn as inline SVG, always beside a table that says the same in text."""

from __future__ import annotations

from typing import Any

WIDTH = 320  # the drawing's own units: about its size on a phone, scaled up beyond
ROW = 52
BAR_Y = 24
BAR_HEIGHT = 18


def pillar_bars(points: dict[str, float], maximum: dict[str, float]) -> dict[str, Any]:
    """One bar per pillar that can earn points: its share of the pillar's maximum."""
    rows = []
    for name, most in maximum.items():
        if most <= 0:
            continue
        got = min(max(points.get(name, 0.0), 0.0), most)
        y = len(rows) * ROW
        rows.append({"pillar": name, "points": got, "maximum": most, "ratio": got / most,
                     "label_y": y + 16, "bar_y": y + BAR_Y,
                     "bar_width": round(WIDTH * got / most, 2)})
    return {"rows": rows, "width": WIDTH, "height": max(len(rows) * ROW, 1),
            "bar_height": BAR_HEIGHT}
