"""A supplier's result letter: its own scores per criterion beside the winner's.

French law has the buyer tell a rejected bidder why, who won and the winner's
scores (code de la commande publique, art. R. 2181-1 to R. 2181-4). The letter
therefore shows the supplier's own answers, scores and reasons, and of the other
offers only the proposed winner's name and scores; every other bidder stays
anonymous (only counts are given). For methods scored relative to the other
offers (price formulas…) the arithmetic line is left out, since it quotes
another bidder's value.

The supplier is named by an offer id or by its SIRET (then every offer it made
in the consultation's scored lots is covered). :func:`letter_data` is the JSON
form; :func:`letter_pdf` lays it out.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from spar.engine.criteria import PILLARS
from spar.engine.explain import leaf_entries
from spar.engine.methods import get_method
from spar.engine.scoring import IRREGULAR, RANKED
from spar.engine.text import fr_number

from .bundle import ConsultationExport, LotExport
from .charts import pillar_bars_chart
from .errors import ExportError
from .french import (DECISION_LABELS, NOT_SCORED, STATUS_LABELS, answer_text, fr_datetime,
                     fr_rank, points_text)
from .json_stream import iter_json
from .pdf_layout import CONTENT_WIDTH, Header, LotMarker, build_pdf, key_values, para, table
from .rao_pdf import criteria_line, scoring_label
from .scoring_json import consultation_header

TITLE = "Notification du résultat de l'analyse"
LEGAL = ("Conformément au code de la commande publique (articles R. 2181-1 à R. 2181-4), "
         "cette lettre vous communique les notes de votre offre, le nom de l'attributaire "
         "pressenti et ses notes. Les autres candidats ne sont pas identifiés.")


def _siret(text: str) -> str | None:
    digits = re.sub(r"[\s.]", "", text)
    return digits if re.fullmatch(r"\d{14}", digits) else None


def find_offers(consultation: ConsultationExport, supplier: str) -> list[tuple[LotExport, int]]:
    """The scored offers of ``supplier`` (an offer id, else a SIRET); ExportError if none."""
    key = str(supplier).strip()
    found = [(lot, lot.offer_index[key]) for lot in consultation.lots
             if lot.scored and key in lot.offer_index]
    siret = _siret(key)
    if not found and siret:
        for lot in consultation.lots:
            if lot.scored:
                found += [(lot, i) for i in range(len(lot.result.lot))
                          if _siret(str(lot.supplier(i)["siret"] or "")) == siret]
    if not found:
        pending = [lot.lot_id for lot in consultation.lots if not lot.scored]
        raise ExportError(
            f"consultation {consultation.reference} : aucune offre notée pour « {key} » "
            "(identifiant d'offre ou SIRET de 14 chiffres attendu)"
            + (f" ; lot(s) non encore noté(s) : {', '.join(pending)}" if pending else ""))
    return found


def _leaf_lines(lot: LotExport, i: int, winners: tuple[int, ...]) -> list[dict[str, Any]]:
    result = lot.result
    own = leaf_entries(result, i)
    theirs = [result.scores[w] for w in winners]
    lines = []
    for j, entry in enumerate(own):
        leaf = result.weights.leaves[j]
        relative = get_method(leaf.method).RELATIVE
        line = {
            "criterion": entry["criterion"], "label": entry["label"], "pillar": entry["pillar"],
            "max_points": entry["max_points"], "value": entry["value"],
            "score": entry["score"], "points": entry["points"],
            "explanation": None if relative and result.status[i] != IRREGULAR
            else entry["explanation"],
            "winner": [{"score": float(s[j]), "points": float(s[j] * entry["max_points"])}
                       for s in theirs],
        }
        mark = lot.offer_marks(i).get(entry["criterion"])
        if mark:
            line["justification"] = mark.get("justification")
        lines.append(line)
    return lines


def _pillars(lot: LotExport, i: int) -> dict[str, float] | None:
    if lot.result.status[i] == IRREGULAR:
        return None
    return {p: float(x) for p, x in zip(PILLARS, lot.result.pillar_points[i])}


def _lot_letter(lot: LotExport, i: int) -> dict[str, Any]:
    result = lot.result
    status = list(result.status)
    review = lot.review(i)
    winners = tuple(w for w in lot.winners if w != i)
    own_total = None if result.status[i] == IRREGULAR else float(result.totals[i])
    return {
        "lot": lot.lot_id,
        "title": lot.title,
        "scoring_id": lot.scoring_id,
        "scored_at": lot.scored_at.isoformat() if lot.scored_at else None,
        "offers_received": len(status),
        "offers_ranked": status.count(RANKED),
        "offer": {
            "id": lot.offer_id(i),
            "status": str(result.status[i]),
            "rank": int(result.rank[i]) or None,
            "total": own_total,
            "pillars": _pillars(lot, i),
            "reasons": [r["message"] for r in lot.reasons(i)],
            "review": None if review is None else {"decision": review["decision"],
                                                   "comment": review.get("comment")},
            "is_winner": i in lot.winners,
        },
        "winners": [{"name": lot.supplier(w)["name"] or "attributaire", "total":
                     float(result.totals[w]), "pillars": _pillars(lot, w)} for w in winners],
        "criteria": _leaf_lines(lot, i, winners),
    }


def letter_data(consultation: ConsultationExport, supplier: str) -> dict[str, Any]:
    """The letter as a JSON-ready dict (also the ``letter-json`` export)."""
    offers = find_offers(consultation, supplier)
    lot, i = offers[0]
    own = lot.supplier(i)
    return {
        "consultation": {k: v for k, v in consultation_header(consultation).items()
                         if k in ("reference", "title", "buyer", "deadline")},
        "criteria": consultation.criteria.identity,
        "points": float(consultation.criteria.points),
        "supplier": {"name": own["name"], "siret": own["siret"]},
        "lots": [_lot_letter(lot, i) for lot, i in offers],
        "legal_basis": LEGAL,
    }


def letter_json(consultation: ConsultationExport, supplier: str) -> bytes:
    """The letter's JSON form."""
    return b"".join(iter_json(letter_data(consultation, supplier)))


# --------------------------------------------------------------------------- PDF
def _outcome(data: dict[str, Any], lot: dict[str, Any]) -> list[Flowable]:
    offer = lot["offer"]
    points = fr_number(data["points"], 0)
    if offer["status"] == RANKED:
        text = (f"Votre offre {offer['id']} a obtenu {points_text(offer['total'])} points sur "
                f"{points} et se classe {fr_rank(offer['rank'])} sur {lot['offers_ranked']} "
                f"offre(s) classée(s) ({lot['offers_received']} reçue(s)).")
    else:
        text = (f"Votre offre {offer['id']} est {STATUS_LABELS[offer['status']]} : "
                + " ; ".join(offer["reasons"]) + ".")
    out = [para(text, "body")]
    review = offer["review"]
    if review and review["decision"] == "rejected":
        out.append(para(f"Après examen de vos justifications, l'acheteur a décidé : "
                        f"{DECISION_LABELS['rejected']}"
                        + (f" ({review['comment']})." if review.get("comment") else "."), "body"))
    if offer["is_winner"]:
        out.append(para("Votre offre est l'offre économiquement la plus avantageuse : vous êtes "
                        "l'attributaire pressenti de ce lot.", "body"))
    for winner in lot["winners"]:
        out.append(para(f"L'offre retenue est celle de {winner['name']}, avec "
                        f"{points_text(winner['total'])} points sur {points}.", "body"))
    if not lot["winners"] and not offer["is_winner"]:
        out.append(para("Aucune offre n'est retenue à ce jour pour ce lot.", "body"))
    return out


def _scores_table(lot: dict[str, Any]) -> Flowable:
    names = [w["name"] for w in lot["winners"]]
    head = ["Critère", "Votre réponse", "Vos points", *(f"Points de {n}" for n in names),
            "Calcul de votre note"]
    rows: list[list[Any]] = [head]
    for line in lot["criteria"]:
        rows.append([f"{line['label']} (max. {points_text(line['max_points'])})",
                     answer_text(line["value"]), points_text(line["points"]),
                     *(points_text(w["points"]) for w in line["winner"]),
                     line["explanation"] or "méthode relative : calculée par rapport aux "
                     "autres offres"])
    total = lot["offer"]["total"]
    rows.append(["Total", "", points_text(total),
                 *(points_text(w["total"]) for w in lot["winners"]), ""])
    w = CONTENT_WIDTH
    k = len(names)
    fixed = 0.28 * w + 0.16 * w + 0.11 * w + 0.11 * w * k
    return table(rows, (0.28 * w, 0.16 * w, 0.11 * w, *(0.11 * w,) * k, w - fixed))


def _lot_section(data: dict[str, Any], lot: dict[str, Any], first: bool) -> list[Flowable]:
    label = f"{lot['scoring_id']} (lot {lot['lot']}, {fr_datetime(lot['scored_at'])})"
    out: list[Flowable] = [] if first else [PageBreak()]
    out += [LotMarker(label), para(f"Lot {lot['lot']} — {lot['title']}", "h1")]
    out += _outcome(data, lot)
    out += [Spacer(1, 4), _scores_table(lot)]
    for line in lot["criteria"]:
        if line.get("justification"):
            out.append(para(f"Appréciation de l'acheteur — {line['label']} : "
                            f"{line['justification']}", "small"))
    own = lot["offer"]["pillars"]
    if own and lot["winners"]:
        series = [("Votre offre", own)] + [(w["name"], w["pillars"]) for w in lot["winners"]]
        out.append(KeepTogether([para("Points par pilier", "h3"),
                                 pillar_bars_chart({}, CONTENT_WIDTH, series=series)]))
    return out


def letter_pdf(consultation: ConsultationExport, supplier: str) -> bytes:
    """The supplier's result letter as PDF bytes."""
    data = letter_data(consultation, supplier)
    c = consultation
    who = data["supplier"]
    story: list[Flowable] = [
        para(TITLE, "title"),
        para(f"{c.buyer} — consultation {c.reference} : {c.title}", "subtitle"),
        key_values([("Destinataire", who["name"] or "—"), ("SIRET", who["siret"] or "—"),
                    ("Date limite de remise des offres", fr_datetime(c.deadline))]),
        Spacer(1, 6),
        para(LEGAL, "note"),
    ]
    for k, lot in enumerate(data["lots"]):
        story += _lot_section(data, lot, first=k == 0)
    crit = c.criteria
    scored = [lot for lot in c.lots if lot.scored]
    pending = [lot.lot_id for lot in c.lots if not lot.scored]
    if pending:
        story.append(para(f"Lot(s) {', '.join(pending)} : {NOT_SCORED}.", "note"))
    header = Header(f"{TITLE} — {c.reference}", criteria_line(crit),
                    " ; ".join(scoring_label(lot) for lot in scored))
    return build_pdf(story, header, f"{TITLE} — {c.reference}", who["name"] or "")
