"""The SME portal's part of the yearly indicators (SPEC §8): its shape, checked, and its
section of the PDF. Optional in the figures: figures computed before the portal existed
still render. The shape::

    "sme": {
      "offers":  {"total": 120, "known": 100, "sme": 55, "share": 0.55,
                  "by_size": {"micro": 10, "small": 20, "medium": 15, "large": 5,
                              "unknown": 70}},
      "awards":  {…the same, over the lots awarded…},
      "awarded_amounts": {"total": 1.2e6, "known": 1.0e6, "sme": 4.0e5, "share": 0.4}
    },
    "programme": {"items": [{"id": 3, "title": "…", "status": "planned",
                             "expected_publication": "2026-09", "interested": 4}],
                  "interested": 4, "items_with_interest": 1},
    "deadline_to_scoring": {"lots": 12, "median_days": 9.5, "mean_days": 11.2,
                            "max_days": 30.0}   # days; None when no lot was scored

Tied winners are an award each; only the amounts are shared between them. Shares are
fractions in [0, 1], or None when nothing is known.
"""

from __future__ import annotations

from typing import Any, Mapping

from reportlab.platypus import Table, TableStyle

from spar.engine.text import fr_number, fr_percent

from .charts import share_bars_chart
from .pdf_layout import CONTENT_WIDTH, HEAD_BG, RULE, para

SIZES = ("micro", "small", "medium", "large", "unknown")
SIZE_LABELS = {"micro": "micro", "small": "petites", "medium": "moyennes", "large": "grandes",
               "unknown": "taille inconnue"}
PORTAL_FIELDS = ("sme", "programme", "deadline_to_scoring")


def _number(value: Any, nullable: bool = False) -> bool:
    if value is None:
        return nullable
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        value == value and value >= 0


def _share(value: Any) -> bool:
    return value is None or (_number(value) and value <= 1)


def _tally_problems(name: str, tally: Any, sizes: bool) -> list[str]:
    if not isinstance(tally, Mapping):
        return [f"« {name} » : un objet est attendu"]
    out = [f"« {name}.{k} » : un nombre positif ou nul est attendu"
           for k in ("total", "known", "sme") if not _number(tally.get(k))]
    if not _share(tally.get("share")):
        out.append(f"« {name}.share » : une part entre 0 et 1 est attendue (ou null)")
    if sizes:
        by_size = tally.get("by_size")
        if not isinstance(by_size, Mapping) or set(by_size) != set(SIZES) or \
                not all(_number(v) for v in by_size.values()):
            out.append(f"« {name}.by_size » : un nombre par taille est attendu "
                       f"({', '.join(SIZES)})")
    return out


def portal_problems(figures: Mapping[str, Any]) -> list[str]:
    """Every problem of the portal's figures, when they are given."""
    out: list[str] = []
    sme = figures.get("sme")
    if "sme" in figures:
        if not isinstance(sme, Mapping):
            out.append("« sme » : un objet est attendu")
        else:
            out += _tally_problems("sme.offers", sme.get("offers"), True)
            out += _tally_problems("sme.awards", sme.get("awards"), True)
            out += _tally_problems("sme.awarded_amounts", sme.get("awarded_amounts"), False)
    if "programme" in figures:
        programme = figures["programme"]
        items = programme.get("items") if isinstance(programme, Mapping) else None
        if not isinstance(items, list) or not all(
                isinstance(i, Mapping) and isinstance(i.get("title"), str)
                and _number(i.get("interested")) for i in items):
            out.append("« programme.items » : une liste d'achats prévus {title, interested…} "
                       "est attendue")
    if "deadline_to_scoring" in figures:
        delay = figures["deadline_to_scoring"]
        if not isinstance(delay, Mapping) or not _number(delay.get("lots")) or not all(
                _number(delay.get(k), nullable=True)
                for k in ("median_days", "mean_days", "max_days")):
            out.append("« deadline_to_scoring » : {lots, median_days, mean_days, max_days} "
                       "attendus, en jours positifs ou null")
    return out


def _days(x: float | None) -> str:
    return "—" if x is None else f"{fr_number(x, 1)} j"


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table([[para(c, "caption") for c in row] for row in rows], colWidths=widths)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def portal_story(f: Mapping[str, Any]) -> list:
    """The PDF section of the portal's figures (nothing when they are absent)."""
    story: list = []
    sme = f.get("sme")
    if sme:
        story += [
            para("Accès des PME à la commande publique (Pacte PME)", "h2"),
            share_bars_chart([("des offres reçues", sme["offers"]["share"]),
                              ("des attributions", sme["awards"]["share"]),
                              ("des montants estimés attribués",
                               sme["awarded_amounts"]["share"])], CONTENT_WIDTH),
            _table([["", *[SIZE_LABELS[s] for s in SIZES]],
                    ["offres", *[fr_number(sme["offers"]["by_size"][s], 0) for s in SIZES]],
                    ["attributions", *[fr_number(sme["awards"]["by_size"][s], 0)
                                       for s in SIZES]]],
                   [CONTENT_WIDTH / 4] + [CONTENT_WIDTH * 3 / 20] * 5),
            para("Part des PME (micro, petites et moyennes entreprises) parmi les offres et "
                 "attributions dont le statut est connu : déclaré dans l'offre, sinon la "
                 "taille du profil visible de l'entreprise. Les tailles viennent des profils "
                 "visibles.", "note"),
        ]
    delay = f.get("deadline_to_scoring")
    if delay:
        story.append(para(f"Délai de la date limite à la notation : médiane "
                          f"{_days(delay['median_days'])}, moyenne {_days(delay['mean_days'])}"
                          f", maximum {_days(delay['max_days'])} ({delay['lots']} lot(s) "
                          "notés).", "body"))
    programme = f.get("programme")
    if programme and programme["items"]:
        story.append(para("Programmation des achats : entreprises intéressées", "h2"))
        story.append(_table([["Achat prévu", "Publication", "Statut", "Entreprises"]] + [
            [i["title"], i.get("expected_publication", ""), i.get("status", ""),
             fr_number(i["interested"], 0)] for i in programme["items"][:25]],
            [CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.17, CONTENT_WIDTH * 0.17,
             CONTENT_WIDTH * 0.16]))
        if len(programme["items"]) > 25:
            story.append(para(f"… et {len(programme['items']) - 25} autre(s) achat(s) prévu(s)."
                              , "note"))
    return story


def share_text(x: float | None) -> str:
    return "—" if x is None else fr_percent(x)


def portal_lines(f: Mapping[str, Any]) -> list[str]:
    """The portal's figures as the lines of ``spar report indicators``' table."""
    lines: list[str] = []
    sme = f.get("sme")
    if sme:
        for key, label in (("offers", "offres reçues"), ("awards", "attributions")):
            tally = sme[key]
            sizes = ", ".join(f"{SIZE_LABELS[s]} {fr_number(tally['by_size'][s], 0)}"
                              for s in SIZES)
            lines.append(f"Part des PME, {label} : {share_text(tally['share'])} "
                         f"({fr_number(tally['known'], 0)} sur {fr_number(tally['total'], 0)} "
                         f"connues ; {sizes})")
        amounts = sme["awarded_amounts"]
        lines.append(f"Part des PME, montants estimés attribués : "
                     f"{share_text(amounts['share'])} (sur {fr_number(amounts['total'], 0)} €)")
    delay = f.get("deadline_to_scoring")
    if delay:
        lines.append(f"Délai date limite → notation : médiane {_days(delay['median_days'])}, "
                     f"moyenne {_days(delay['mean_days'])}, maximum "
                     f"{_days(delay['max_days'])} ({delay['lots']} lot(s))")
    programme = f.get("programme")
    if programme:
        lines.append(f"Achats prévus : {len(programme['items'])}, dont "
                     f"{programme['items_with_interest']} suivis par des entreprises "
                     f"({programme['interested']} marque(s) d'intérêt)")
        lines += [f"  {i.get('expected_publication', '')}  {i['title']} : "
                  f"{fr_number(i['interested'], 0)} entreprise(s)" for i in programme["items"]]
    return lines
