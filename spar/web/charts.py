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


RANK_ROW = 46
RANK_LABEL_Y = 16
RANK_BAR_Y = 22


def ranking_bars(offers: list[dict[str, Any]], points: float,
                 pillars: tuple[str, ...]) -> dict[str, Any]:
    """One bar per offer, its length the offer's total out of ``points``, made of one
    segment per pillar in a fixed order (the table beside gives each figure in text)."""
    rows = []
    for k, offer in enumerate(offers):
        y = k * RANK_ROW
        x, segments = 0.0, []
        for name in pillars:
            got = max(float((offer.get("pillars") or {}).get(name, 0.0)), 0.0)
            width = round(WIDTH * got / points, 2) if points > 0 else 0.0
            if width > 0:
                segments.append({"pillar": name, "points": got, "x": round(x, 2),
                                 "width": width})
            x += width
        rows.append({"offer": offer, "label_y": y + RANK_LABEL_Y, "bar_y": y + RANK_BAR_Y,
                     "segments": segments})
    return {"rows": rows, "width": WIDTH, "height": max(len(rows) * RANK_ROW, 1),
            "bar_height": BAR_HEIGHT, "pillars": pillars}


WEIGHT_ROW = 74
WEIGHT_BAR = 14
#: The longest bar's share of the width: room left on its right for its figure.
WEIGHT_SPAN = 0.55


def weight_bars(criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """Per criterion, two bars on the same scale: its declared share of the points and its
    effective share (the spread of points it really made between the ranked offers). Each
    bar is named in words, not by its colour."""
    rows = []
    largest = max([1e-9] + [max(c.get("declared_share") or 0.0, c.get("effective_share") or 0.0)
                            for c in criteria])
    for k, entry in enumerate(criteria):
        y = k * WEIGHT_ROW
        declared = max(entry.get("declared_share") or 0.0, 0.0)
        effective = max(entry.get("effective_share") or 0.0, 0.0)
        rows.append({"entry": entry, "label_y": y + 16,
                     "declared_y": y + 24, "effective_y": y + 24 + WEIGHT_BAR + 6,
                     "declared_width": round(WIDTH * declared / largest * WEIGHT_SPAN, 2),
                     "effective_width": round(WIDTH * effective / largest * WEIGHT_SPAN, 2)})
    return {"rows": rows, "width": WIDTH, "height": max(len(rows) * WEIGHT_ROW, 1),
            "bar_height": WEIGHT_BAR, "bar_x": round(WIDTH * 0.3, 2)}
