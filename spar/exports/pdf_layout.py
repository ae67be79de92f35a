"""The page layout every spar PDF shares: fonts, styles, tables, header and "page X / Y".

Fonts are the Bitstream Vera family that ships inside reportlab, so no system
font is needed; characters it lacks (the narrow no-break space of French
numbers) are replaced before drawing. Every page carries a header naming the
document, the consultation, the criteria set with its SHA-256 and the scoring
that the page reports, and a footer ``page X / Y``.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph,
                                Table, TableStyle)

FONT, BOLD, ITALIC, BOLD_ITALIC = "SparSans", "SparSans-Bold", "SparSans-Oblique", \
    "SparSans-BoldOblique"
MARGIN = 18 * mm
HEADER_LINES = 3
HEADER_SIZE = 7
PAGE_WIDTH, PAGE_HEIGHT = A4
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#b0b0b0")
HEAD_BG = colors.HexColor("#e4e9f0")
ZEBRA = colors.HexColor("#f6f7f9")
HIGHLIGHT = colors.HexColor("#e3f1e3")

#: Replacements for characters the font has no glyph for.
_FALLBACK = {"\u202f": "\u00a0", "\u2192": "->", "\u03a3": "somme ", "\u2009": " "}


@lru_cache(maxsize=1)
def register_fonts() -> frozenset[int]:
    """Register the Vera family once; the code points it can draw."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    files = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf",
             BOLD_ITALIC: "VeraBI.ttf"}
    for name, file in files.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def drawable(text: Any) -> str:
    """Text the font can draw: missing glyphs replaced, others dropped to ``?``."""
    known = register_fonts()
    out = []
    for ch in str(text):
        if ord(ch) in known or ch in "\n\t":
            out.append(ch)
        else:
            out.append(_FALLBACK.get(ch, "?"))
    return "".join(out)


def markup(text: Any) -> str:
    """Plain text made safe for a Paragraph (user text may hold ``<`` or ``&``)."""
    return escape(drawable("" if text is None else text)).replace("\n", "<br/>")


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of spar's PDFs."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=17, leading=21,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14, spaceAfter=10,
                                   textColor=GREY),
        "h1": ParagraphStyle("h1", base, fontName=BOLD, fontSize=13, leading=16, spaceBefore=10,
                             spaceAfter=6),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", base, fontName=BOLD, fontSize=9, leading=11, spaceBefore=6,
                             spaceAfter=3),
        "body": ParagraphStyle("body2", base, spaceAfter=4),
        "note": ParagraphStyle("note", base, fontName=ITALIC, fontSize=8, leading=10,
                               textColor=GREY, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=BOLD, fontSize=7.5, leading=9),
        "small": ParagraphStyle("small", base, fontSize=6.5, leading=8),
        "big": ParagraphStyle("big", base, fontName=BOLD, fontSize=20, leading=24,
                              alignment=TA_CENTER),
        "caption": ParagraphStyle("caption", base, fontSize=8, leading=10, alignment=TA_CENTER,
                                  textColor=GREY),
    }


def para(text: Any, style: str = "body") -> Paragraph:
    """A paragraph of plain (escaped) text."""
    return Paragraph(markup(text), styles()[style])


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], header: bool = True,
          highlight: Iterable[int] = (), style: str = "cell") -> Table:
    """A ruled table; text cells wrap, the header repeats on every page.

    ``highlight`` are indexes of body rows to shade (the proposed winner).
    """
    cell = styles()[style]
    head = styles()["cell_bold"]
    data = []
    for r, row in enumerate(rows):
        data.append([c if isinstance(c, Flowable) else
                     Paragraph(markup(c), head if header and r == 0 else cell) for c in row])
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    first = 1 if header else 0
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    for r in range(first, len(data)):
        if (r - first) % 2:
            commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    for r in highlight:
        commands.append(("BACKGROUND", (0, r + first), (-1, r + first), HIGHLIGHT))
    t = Table(data, colWidths=list(widths), repeatRows=first)
    t.setStyle(TableStyle(commands))
    return t


def key_values(pairs: Sequence[tuple[str, Any]], key_width: float = 55 * mm) -> Table:
    """A two-column table of labels and values, without a header."""
    t = table([(k, v) for k, v in pairs], (key_width, CONTENT_WIDTH - key_width), header=False)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), HEAD_BG)]))
    return t


@dataclass(frozen=True)
class Header:
    """What the header of every page says: a title line, a detail line (the criteria and
    their SHA-256) and, when not None, the scoring the page reports (changed from the
    page where a :class:`LotMarker` lands)."""

    title: str
    detail: str
    scoring: str | None = None


class LotMarker(Flowable):
    """Invisible: from the page it lands on, the header names this scoring."""

    def __init__(self, scoring: str):
        super().__init__()
        self.scoring = scoring

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv._spar_scoring = self.scoring


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_header(canvas, doc) -> None:
    header: Header = doc.spar_header
    scoring = getattr(canvas, "_spar_scoring", header.scoring)
    lines = [(BOLD, header.title), (FONT, header.detail)]
    if scoring is not None:
        lines.append((FONT, f"Notation : {scoring}"))
    canvas.saveState()
    y = PAGE_HEIGHT - 10 * mm
    for font, text in lines:
        canvas.setFont(font, HEADER_SIZE)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, y, _fit(drawable(text), font, HEADER_SIZE, CONTENT_WIDTH))
        y -= HEADER_SIZE + 2
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y + 4, PAGE_WIDTH - MARGIN, y + 4)
    canvas.restoreState()


class _NumberedCanvas(rl_canvas.Canvas):
    """Holds the pages until the end to write ``page X / Y`` on each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(GREY)
            self.drawCentredString(PAGE_WIDTH / 2, 9 * mm, f"page {number} / {total}")
            super().showPage()
        super().save()


def build_pdf(story: list[Flowable], header: Header, title: str, subject: str = "") -> bytes:
    """Lay the story out on A4 pages with spar's header and footer; the PDF bytes."""
    register_fonts()
    out = io.BytesIO()
    top = 10 * mm + HEADER_LINES * (HEADER_SIZE + 2) + 4 * mm
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=top, bottomMargin=16 * mm, title=title, subject=subject,
                          author="spar", lang="fr-FR", invariant=True)
    doc.spar_header = header
    frame = Frame(MARGIN, doc.bottomMargin, CONTENT_WIDTH, PAGE_HEIGHT - top - doc.bottomMargin,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    # the header is drawn when the page ends, so a LotMarker on the page has been seen
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_draw_header)])
    doc.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()
