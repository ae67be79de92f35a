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

from spar.engine.criteria import PILLARS, CriteriaSet
from spar.engine.methods import get_method
from spar.engine.scoring import IRREGULAR, RANKED
from spar.engine.text import fr_number

from .bundle import ConsultationExport, Entry, LotExport, abnormally_low, exclusion_reasons
from .charts import pillar_bars_chart
from .errors import ExportError
from .french import (NOT_SCORED, STATUS_LABELS, answer_text, decision_text, fr_datetime,
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


def find_offers(consultation: ConsultationExport, supplier: str) -> list[tuple[LotExport, Entry]]:
    """The scored offers of ``supplier`` (an offer id, else a SIRET); ExportError if none."""
    key = str(supplier).strip()
    found = [(lot, lot.entries[lot.offer_index[key]]) for lot in consultation.lots
             if lot.scored and key in lot.offer_index]
    siret = _siret(key)
    if not found and siret:
        for lot in consultation.lots:
            found += [(lot, entry) for entry in lot.entries
                      if _siret(str(lot.supplier(entry)["siret"] or "")) == siret]
    if not found:
        pending = [lot.lot_id for lot in consultation.lots if not lot.scored]
        raise ExportError(
            f"consultation {consultation.reference} : aucune offre notée pour « {key} » "
            "(identifiant d'offre ou SIRET de 14 chiffres attendu)"
            + (f" ; lot(s) non encore noté(s) : {', '.join(pending)}" if pending else ""))
    return found


def _leaf_lines(lot: LotExport, entry: Entry, winners: tuple[Entry, ...],
                criteria: CriteriaSet) -> list[dict[str, Any]]:
    theirs = [{leaf["criterion"]: leaf for leaf in w.get("breakdown") or ()} for w in winners]
    marks = lot.offer_marks(entry)
    lines = []
    for leaf in entry.get("breakdown") or ():
        try:
            method = criteria.node(leaf["criterion"]).method
        except (KeyError, AttributeError):
            method = None
        # a relative method's arithmetic quotes another bidder's answer (the best price…)
        relative = method is None or get_method(method).RELATIVE
        line = {
            "criterion": leaf["criterion"], "label": leaf["label"], "pillar": leaf["pillar"],
            "max_points": leaf["max_points"], "value": leaf["value"],
            "score": leaf["score"], "points": leaf["points"],
            "explanation": None if relative and entry["status"] != IRREGULAR
            else leaf["explanation"],
            "winner": [{"score": w[leaf["criterion"]]["score"],
                        "points": w[leaf["criterion"]]["points"]} for w in theirs],
        }
        mark = marks.get(leaf["criterion"])
        if mark:
            line["justification"] = mark.get("justification")
        lines.append(line)
    return lines


def _pillars(entry: Entry) -> dict[str, float] | None:
    if entry["status"] == IRREGULAR:
        return None
    pillars = entry.get("pillars") or {}
    return {p: float(pillars.get(p, 0.0)) for p in PILLARS}


def _lot_letter(lot: LotExport, entry: Entry, criteria: CriteriaSet) -> dict[str, Any]:
    status = [e["status"] for e in lot.entries]
    decision = lot.decision(entry)
    winners = tuple(w for w in lot.winners if w["id"] != entry["id"])
    return {
        "lot": lot.lot_id,
        "title": lot.title,
        "scoring_id": lot.scoring_id,
        "scored_at": lot.scored_at.isoformat() if lot.scored_at else None,
        "offers_received": len(status),
        "offers_ranked": status.count(RANKED),
        "offer": {
            "id": entry["id"],
            "status": entry["status"],
            "rank": entry["rank"] or None,
            "total": None if entry["status"] == IRREGULAR else float(entry["total"]),
            "pillars": _pillars(entry),
            # why the offer left the competition; the buyer's review stays the buyer's
            "reasons": [r["message"] for r in exclusion_reasons(entry)],
            "review": None if decision is None else {
                "decision": decision["decision"], "comment": decision.get("comment"),
                "abnormally_low": bool(abnormally_low(entry))},
            "is_winner": any(w["id"] == entry["id"] for w in lot.winners),
        },
        "winners": [{"name": lot.supplier(w)["name"] or "attributaire", "total":
                     float(w["total"]), "pillars": _pillars(w)} for w in winners],
        "criteria": _leaf_lines(lot, entry, winners, criteria),
    }


def letter_data(consultation: ConsultationExport, supplier: str) -> dict[str, Any]:
    """The letter as a JSON-ready dict (also the ``letter-json`` export)."""
    offers = find_offers(consultation, supplier)
    lot, entry = offers[0]
    own = lot.supplier(entry)
    return {
        "consultation": {k: v for k, v in consultation_header(consultation).items()
                         if k in ("reference", "title", "buyer", "deadline")},
        "criteria": consultation.criteria.identity,
        "points": float(consultation.criteria.points),
        "supplier": {"name": own["name"], "siret": own["siret"]},
        "lots": [_lot_letter(lot, entry, consultation.criteria) for lot, entry in offers],
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
                        f"{decision_text('rejected', review.get('abnormally_low', True))}"
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
