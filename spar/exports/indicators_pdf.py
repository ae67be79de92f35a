"""The yearly SPAR indicators on one PDF page, with charts."""

from __future__ import annotations

from typing import Any, Mapping

from reportlab.platypus import Spacer, Table, TableStyle

from spar.engine.text import fr_number, fr_percent

from .charts import pillar_bars_chart, share_bars_chart
from .indicators import check_figures
from .indicators_portal import portal_story
from .pdf_layout import CONTENT_WIDTH, HEAD_BG, RULE, Header, build_pdf, para

TITLE = "Indicateurs du schéma de promotion des achats responsables (SPAR)"


def _share(x: float | None) -> str:
    return "non connu" if x is None else fr_percent(x)


def _key_figures(f: dict[str, Any]) -> Table:
    cells = [
        (fr_number(f["consultations"], 0), "consultations publiées"),
        (fr_number(f["insertion_hours"], 0), "heures d'insertion engagées\ndans les offres retenues"),
        (_share(f["sme_award_share"]), f"des attributions à des PME\n"
                                       f"({f['sme_known_awards']} sur {f['awards']} connues)"),
    ]
    data = [[para(big, "big") for big, _ in cells], [para(small, "caption") for _, small in cells]]
    t = Table(data, colWidths=[CONTENT_WIDTH / 3] * 3)
    t.setStyle(TableStyle([("BOX", (0, 0), (0, -1), 0.5, RULE), ("BOX", (1, 0), (1, -1), 0.5, RULE),
                           ("BOX", (2, 0), (2, -1), 0.5, RULE),
                           ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                           ("TOPPADDING", (0, 0), (-1, -1), 6),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return t


def indicators_pdf(figures: Mapping[str, Any]) -> bytes:
    """A one-page PDF of the figures documented in :mod:`spar.exports.indicators`;
    ExportError when they are malformed."""
    f = check_figures(figures)
    story = [
        para(f"Indicateurs SPAR {f['year']}", "title"),
        para(f["organisation"], "subtitle"),
        _key_figures(f),
        Spacer(1, 10),
        para("Critères responsables dans les consultations", "h2"),
        share_bars_chart([
            ("avec ≥ 1 critère environnemental", f["with_environmental_share"]),
            ("avec ≥ 1 critère social", f["with_social_share"]),
            ("attributions à des PME", f["sme_award_share"]),
        ], CONTENT_WIDTH),
        para("Part des consultations de l'année ayant au moins un critère du pilier ; part des "
             "attributions à des PME parmi celles dont le statut est connu"
             + (" (aucun statut connu : barre vide)." if f["sme_award_share"] is None else "."),
             "note"),
        para("Poids moyen de chaque pilier dans la notation", "h2"),
        pillar_bars_chart(f["pillar_weights"], CONTENT_WIDTH, height=150),
        para("Moyenne, sur les consultations de l'année, de la part du total des points "
             "attribuée à chaque pilier par les critères.", "note"),
    ]
    if f["consultations"] == 0:
        story.append(para("Aucune consultation publiée cette année : les parts ne sont pas "
                          "définies.", "body"))
    story += portal_story(f)
    header = Header(f"{TITLE} — {f['year']}", f"{f['organisation']} — rapport annuel "
                    "(article L. 2111-3 du code de la commande publique)")
    return build_pdf(story, header, f"Indicateurs SPAR {f['year']}", f["organisation"])
