"""Charts drawn with reportlab.graphics for the PDFs: pillar points, shares, weights."""

from __future__ import annotations

from typing import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from spar.engine.criteria import PILLAR_LABELS, PILLARS
from spar.engine.text import fr_number

from .pdf_layout import FONT, drawable, register_fonts

PILLAR_COLOURS = {
    "economic": colors.HexColor("#4e79a7"),
    "environmental": colors.HexColor("#59a14f"),
    "social": colors.HexColor("#f28e2b"),
    "technical": colors.HexColor("#9c755f"),
}


def _legend(x: float, y: float, items: Sequence[tuple[colors.Color, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = len(items)
    legend.dx = legend.dy = 7
    legend.deltay = 9
    legend.colorNamePairs = [(c, drawable(t)) for c, t in items]
    return legend


def _axis_fonts(chart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7


def pillar_points_chart(labels: Sequence[str], pillar_points: Sequence[Sequence[float]],
                        points: float, width: float) -> Drawing:
    """Stacked horizontal bars: each offer's points per pillar, best offer on top."""
    register_fonts()
    n = len(labels)
    bar = 14
    height = n * bar + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 95, 22
    chart.width, chart.height = width - 95 - 110, n * bar
    # reportlab draws the first category at the bottom: reverse for best on top
    chart.data = [[float(row[k]) for row in reversed(pillar_points)] for k in range(len(PILLARS))]
    chart.categoryAxis.categoryNames = [drawable(x) for x in reversed(labels)]
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = float(points)
    chart.valueAxis.labelTextFormat = lambda v: fr_number(v, 0)
    chart.barWidth = bar * 0.7
    chart.groupSpacing = bar * 0.3
    for k, pillar in enumerate(PILLARS):
        chart.bars[k].fillColor = PILLAR_COLOURS[pillar]
        chart.bars[k].strokeColor = None
    _axis_fonts(chart)
    drawing.add(chart)
    drawing.add(_legend(width - 100, height - 10,
                        [(PILLAR_COLOURS[p], PILLAR_LABELS[p]) for p in PILLARS]))
    drawing.add(String(chart.x, 4, drawable(f"points sur {fr_number(points, 0)}"),
                       fontName=FONT, fontSize=7))
    return drawing


def share_bars_chart(items: Sequence[tuple[str, float | None]], width: float) -> Drawing:
    """Horizontal bars of shares in [0, 1] (100 % = full width); None is shown as unknown."""
    register_fonts()
    bar = 18
    height = len(items) * bar + 26
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 16
    chart.width, chart.height = width - 150 - 50, len(items) * bar
    chart.data = [[0.0 if v is None else float(v) * 100 for _, v in reversed(items)]]
    chart.categoryAxis.categoryNames = [drawable(label) for label, _ in reversed(items)]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f} %"
    chart.bars[0].fillColor = PILLAR_COLOURS["environmental"]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: fr_number(v, 1) + " %"
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    _axis_fonts(chart)
    drawing.add(chart)
    return drawing


def pillar_bars_chart(values: dict[str, float], width: float, height: float = 130,
                      series: Sequence[tuple[str, dict[str, float]]] = ()) -> Drawing:
    """Vertical bars per pillar: ``values`` (shares in [0, 1], as %) or named series of points.

    With ``series`` the bars are grouped (one colour per series) and show points.
    """
    register_fonts()
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 35, 22
    chart.width, chart.height = width - 35 - (110 if series else 10), height - 35
    chart.categoryAxis.categoryNames = [drawable(PILLAR_LABELS[p]) for p in PILLARS]
    chart.valueAxis.valueMin = 0
    if series:
        chart.data = [[float(s.get(p, 0.0)) for p in PILLARS] for _, s in series]
        palette = [colors.HexColor("#4e79a7"), colors.HexColor("#bab0ac")]
        for k in range(len(series)):
            chart.bars[k].fillColor = palette[k % len(palette)]
            chart.bars[k].strokeColor = None
        chart.valueAxis.labelTextFormat = lambda v: fr_number(v, 0)
        drawing.add(_legend(width - 100, height - 10,
                            [(palette[k % len(palette)], name)
                             for k, (name, _) in enumerate(series)]))
    else:
        chart.data = [[float(values.get(p, 0.0)) * 100 for p in PILLARS]]
        for k, pillar in enumerate(PILLARS):
            chart.bars[(0, k)].fillColor = PILLAR_COLOURS[pillar]
            chart.bars[(0, k)].strokeColor = None
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f} %"
        chart.barLabelFormat = lambda v: fr_number(v, 1) + " %"
        chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 7
        chart.barLabels.dy = 6
    _axis_fonts(chart)
    drawing.add(chart)
    return drawing
