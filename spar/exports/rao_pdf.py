"""The offer analysis report (*rapport d'analyse des offres*, RAO) as a French PDF.

For the consultation: its identity, the criteria and their weighting. For each
lot (from a new page): the scoring's identity, the ranking with pillar points
and a chart of them, eliminations and irregularities with their reasons, the
abnormally-low offers (only those the lot's abnormally-low rules flagged) and the
other offers to examine before the award (the review model, the audit sample),
each with what raised it and the buyer's decision, the review's notes that need
no decision, every offer's per-criterion scores with the arithmetic and the
buyer's justifications, and the sensitivity analysis when one is given. Every
page names the criteria SHA-256 and the scoring. All of it is read from the stored
scoring (SPEC §4.1).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from spar.engine.criteria import PILLAR_LABELS, PILLARS, CriteriaSet, Group
from spar.engine.policy import policy_checks, price_input
from spar.engine.scoring import ELIMINATED, IRREGULAR, RANKED
from spar.engine.text import fr_number, fr_percent

from .bundle import (ABNORMALLY_LOW, ConsultationExport, LotExport, abnormally_low, answer,
                     exclusion_reasons, flagged, notes, review_reasons)
from .charts import pillar_points_chart
from .french import (CATEGORY_LABELS, NOT_SCORED, PILLAR_SHORT, STATUS_LABELS, answer_text,
                     decision_text, flag_source, fr_datetime, fr_rank, low_price_rule_text,
                     method_text, points_text, requirement_text)
from .pdf_layout import CONTENT_WIDTH, Header, LotMarker, build_pdf, key_values, para, table
from .sensitivity_pdf import sensitivity_section

TITLE = "Rapport d'analyse des offres"
#: Offers drawn in the pillar chart; the ranking table lists them all.
CHART_OFFERS = 25


def scoring_label(lot: LotExport) -> str:
    """How the header names a lot's scoring."""
    if not lot.scored:
        return f"lot {lot.lot_id} : {NOT_SCORED}"
    return f"{lot.scoring_id} (lot {lot.lot_id}, {fr_datetime(lot.scored_at)})"


def criteria_line(criteria) -> str:
    """The header's second line: which criteria, with their SHA-256."""
    return f"Critères {criteria.id} v{criteria.version} — SHA-256 {criteria.sha256}"


def offer_name(lot: LotExport, entry) -> str:
    """``A — Papeterie Azur`` (or the offer id alone when the supplier is unknown)."""
    name = lot.supplier(entry)["name"]
    return f"{entry['id']} — {name}" if name else str(entry["id"])


def _consultation(c: ConsultationExport) -> list[Flowable]:
    crit = c.criteria
    return [
        para(TITLE, "title"),
        para(c.title, "subtitle"),
        key_values([
            ("Référence", c.reference),
            ("Acheteur", c.buyer),
            ("Catégorie", CATEGORY_LABELS[c.category]),
            ("Publication", fr_datetime(c.published_at)),
            ("Date limite de remise des offres", fr_datetime(c.deadline) + " (heure de Paris)"),
            ("Critères", f"{crit.title} — {crit.id}, version {crit.version}"),
            ("Empreinte SHA-256 des critères", crit.sha256),
            ("Lots", "; ".join(f"{lot.lot_id} — {lot.title}" for lot in c.lots) or "aucun"),
        ]),
    ]


def _criteria(c: ConsultationExport) -> list[Flowable]:
    crit = c.criteria
    shares = crit.shares()
    rows: list[list[Any]] = [["Critère", "Pilier", "Poids", "Part", "Méthode de notation",
                              "Exigences"]]
    for node in crit.nodes():
        depth = node.path.count(".")
        label = "\u00a0\u00a0\u00a0" * depth + f"{node.label} ({node.path})"
        needs = [] if isinstance(node, Group) else [requirement_text(node)]
        if node.eliminatory_below is not None:
            needs.append(f"note éliminatoire sous {fr_percent(node.eliminatory_below, 0)}")
        rows.append([label, PILLAR_SHORT.get(node.pillar, "") if node.pillar else "",
                     fr_number(node.weight, 0 if float(node.weight).is_integer() else 2),
                     fr_percent(shares[node.path]),
                     "moyenne pondérée des sous-critères" if isinstance(node, Group)
                     else method_text(node), ", ".join(n for n in needs if n)])
    w = CONTENT_WIDTH
    out: list[Flowable] = [
        para("Critères et pondération", "h1"),
        para(f"Une offre parfaite obtient {fr_number(crit.points, 0)} points. La part d'un "
             "critère est son poids effectif dans le total (produit des poids normalisés).",
             "body"),
        table(rows, (0.26 * w, 0.15 * w, 0.06 * w, 0.08 * w, 0.30 * w, 0.15 * w)),
        Spacer(1, 6),
    ]
    pillar_rows: list[list[Any]] = [["Pilier", "Part", "Politique SPAR"]]
    pillar_shares = crit.pillar_shares()
    # the price's limit sits on the economic row; it bounds the price leaves' share
    rules = {"economic" if check.subject == "price" else check.subject: check
             for check in policy_checks(crit)}
    for pillar, share in pillar_shares.items():
        check = rules.get(pillar)
        rule = ""
        if check is not None:
            rule = (f"{check.bound} {fr_number(check.limit, 0)} %"
                    + (f" (prix : {fr_percent(check.share)})"
                       if check.subject == "price" and check.share != share else "")
                    + " : " + ("respecté" if check.met else "NON RESPECTÉ"))
        pillar_rows.append([PILLAR_LABELS[pillar], fr_percent(share), rule])
    out.append(table(pillar_rows, (0.35 * w, 0.15 * w, 0.5 * w)))
    tie = ", ".join(f"{crit.node(p).label} ({p})" for p in crit.tie_break)
    out.append(para("Départage des ex aequo : " + (tie or "aucun (les offres partagent le rang)"),
                    "body"))
    if crit.low_price_rules:
        out.append(para(f"Offres anormalement basses (donnée {crit.low_price_input}) : "
                        + " ; ".join(low_price_rule_text(r.method, dict(r.params))
                                     for r in crit.low_price_rules)
                        + ". Une offre signalée n'est pas écartée : elle est soumise à l'examen "
                        "de l'acheteur, qui demande ses justifications au candidat.", "body"))
    return out


def _lot_summary(lot: LotExport) -> list[Flowable]:
    status = [entry["status"] for entry in lot.entries]
    winners = ", ".join(f"{offer_name(lot, entry)} ({points_text(entry['total'])} points)"
                        for entry in lot.winners) or "aucun (pas d'offre classée retenue)"
    to_review = sum(1 for entry in lot.entries if flagged(entry))
    out: list[Flowable] = [key_values([
        ("Estimation", "—" if lot.estimate is None else fr_number(lot.estimate) + " €"),
        ("Notation", str(lot.scoring_id)),
        ("Notée le", fr_datetime(lot.scored_at)),
        ("Moteur de notation", str(lot.engine)),
        ("Offres", f"{len(status)} reçue(s) : {status.count(RANKED)} classée(s), "
                   f"{status.count(ELIMINATED)} éliminée(s), {status.count(IRREGULAR)} "
                   f"irrégulière(s) ; {to_review} à examiner avant l'attribution"),
        ("Attributaire pressenti", winners),
    ])]
    for warning in lot.warnings:
        out.append(para(warning, "note"))
    return out


def _examined(lot: LotExport, entry) -> str:
    """How the ranking names a flagged offer: what flagged it and the buyer's decision."""
    decision = lot.decision(entry)
    low = bool(abnormally_low(entry))
    sources = []
    for reason in review_reasons(entry):
        source = flag_source(reason)
        if source not in sources:
            sources.append(source)
    head = "anormalement basse" if low else "à examiner (" + ", ".join(sources) + ")"
    return head + " : " + (decision_text(decision["decision"], low) if decision
                           else "examen en attente")


def _ranking(lot: LotExport) -> list[Flowable]:
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [["Rang", "Offre", "Total", *(PILLAR_SHORT[p] for p in PILLARS),
                              "Observations"]]
    winners = {entry["id"] for entry in lot.winners}
    highlight = []
    ranked = []
    for k, entry in enumerate(lot.entries):
        irregular = entry["status"] == IRREGULAR
        remarks = [] if entry["status"] == RANKED else [STATUS_LABELS[entry["status"]]]
        if flagged(entry):
            remarks.append(_examined(lot, entry))
        if entry["id"] in winners:
            highlight.append(k)
            remarks.append("attributaire pressenti")
        pillars = entry.get("pillars") or {}
        rows.append([fr_rank(entry["rank"]), offer_name(lot, entry),
                     "—" if irregular else points_text(entry["total"]),
                     *("—" if irregular else points_text(pillars.get(p)) for p in PILLARS),
                     ", ".join(remarks)])
        if entry["status"] == RANKED and len(ranked) <= CHART_OFFERS:
            ranked.append(entry)
    out: list[Flowable] = [para("Classement", "h2"),
                           table(rows, (0.06 * w, 0.24 * w, 0.08 * w, *(0.1 * w,) * 4,
                                        0.22 * w), highlight=highlight)]
    if ranked:
        shown = ranked[:CHART_OFFERS]
        chart = pillar_points_chart([entry["id"] for entry in shown],
                                    [[entry["pillars"][p] for p in PILLARS] for entry in shown],
                                    _points(lot), CONTENT_WIDTH)
        caption = "Points par pilier des offres classées"
        if len(ranked) > CHART_OFFERS:
            caption += f" ({CHART_OFFERS} premières)"
        out += [Spacer(1, 6), KeepTogether([para(caption, "h3"), chart])]
    return out


def _points(lot: LotExport) -> float:
    return float(lot.result.get("points") or 100)


def _excluded(lot: LotExport) -> list[Flowable]:
    rows: list[list[Any]] = [["Offre", "Statut", "Motifs"]]
    for entry in lot.entries:
        if entry["status"] != RANKED:
            rows.append([offer_name(lot, entry), STATUS_LABELS[entry["status"]],
                         "\n".join(r["message"] for r in exclusion_reasons(entry))])
    out: list[Flowable] = [para("Offres éliminées et irrégulières", "h2")]
    if len(rows) == 1:
        return out + [para("Aucune : toutes les offres ont été classées.", "body")]
    w = CONTENT_WIDTH
    return out + [table(rows, (0.25 * w, 0.12 * w, 0.63 * w))]


def _decision_cell(lot: LotExport, entry, low: bool) -> str:
    decision = lot.decision(entry)
    if not decision:
        return "examen en attente"
    return (f"{decision_text(decision['decision'], low)} — {decision.get('comment') or ''}"
            f" ({decision.get('by') or '?'}, {fr_datetime(decision.get('at'))})")


def _abnormally_low(lot: LotExport, criteria: CriteriaSet) -> list[Flowable]:
    out: list[Flowable] = [para("Offres anormalement basses", "h2")]
    if not criteria.low_price_rules:
        return out + [para("Les critères ne prévoient pas de détection.", "body")]
    rows: list[list[Any]] = [["Offre", "Prix", "Règle et seuil", "Décision de l'acheteur"]]
    price = price_input(criteria)
    for entry in lot.entries:
        found = abnormally_low(entry)
        if not found:
            continue
        value = answer(entry, price)
        rows.append([offer_name(lot, entry), "—" if value is None else fr_number(value),
                     "\n".join(r["message"] for r in found), _decision_cell(lot, entry, True)])
    if len(rows) == 1:
        return out + [para("Aucune offre signalée par les règles de détection.", "body")]
    w = CONTENT_WIDTH
    return out + [table(rows, (0.2 * w, 0.12 * w, 0.38 * w, 0.3 * w))]


def _other_reviews(lot: LotExport) -> list[Flowable]:
    """Offers flagged by the review model or the audit sample (and, in documents stored
    before notes existed, by the other rules), each saying what raised it."""
    rows: list[list[Any]] = [["Offre", "Signalée par", "Motif", "Décision de l'acheteur"]]
    for entry in lot.entries:
        others = [r for r in review_reasons(entry) if r.get("code") != ABNORMALLY_LOW]
        if not others:
            continue
        low = bool(abnormally_low(entry))
        rows.append([offer_name(lot, entry), "\n".join(flag_source(r) for r in others),
                     "\n".join(r["message"] for r in others),
                     _decision_cell(lot, entry, low)])
    out: list[Flowable] = [para("Autres offres à examiner avant l'attribution", "h2")]
    if len(rows) == 1:
        return out + [para("Aucune : ni le modèle de revue ni le tirage au sort de contrôle "
                           "n'a signalé d'offre.", "body")]
    w = CONTENT_WIDTH
    return out + [table(rows, (0.2 * w, 0.16 * w, 0.36 * w, 0.28 * w))]


def _notes(lot: LotExport) -> list[Flowable]:
    rows: list[list[Any]] = [["Offre", "Observation"]]
    for entry in lot.entries:
        observed = notes(entry)
        if observed:
            rows.append([offer_name(lot, entry), "\n".join(r["message"] for r in observed)])
    if len(rows) == 1:
        return []
    w = CONTENT_WIDTH
    return [para("Observations de la revue (sans décision requise)", "h2"),
            table(rows, (0.25 * w, 0.75 * w))]


def _offer_detail(lot: LotExport, entry, criteria: CriteriaSet) -> list[Flowable]:
    supplier = lot.supplier(entry)
    status = entry["status"]
    state = STATUS_LABELS[status]
    if status == RANKED:
        state += " " + fr_rank(entry["rank"])
    total = "non notée" if status == IRREGULAR else \
        f"{points_text(entry['total'])} points sur {fr_number(_points(lot), 0)}"
    title = f"Offre {offer_name(lot, entry)}" + (f" (SIRET {supplier['siret']})"
                                                  if supplier["siret"] else "")
    rows: list[list[Any]] = [["Critère", "Réponse", "Note", "Points", "Calcul"]]
    for leaf in entry.get("breakdown") or ():
        rows.append([f"{leaf['label']} ({leaf['criterion']})", answer_text(leaf["value"]),
                     "—" if leaf["score"] is None else fr_number(leaf["score"], 4),
                     f"{points_text(leaf['points'])} / {points_text(leaf['max_points'])}",
                     leaf["explanation"]])
    w = CONTENT_WIDTH
    out: list[Flowable] = [CondPageBreak(60),
                           para(f"{title} — {state} — {total}", "h3"),
                           table(rows, (0.25 * w, 0.16 * w, 0.08 * w, 0.13 * w, 0.38 * w))]
    for path, mark in lot.offer_marks(entry).items():
        try:
            label = criteria.node(path).label
        except KeyError:
            label = path
        out.append(para(f"Justification — {label} (note {answer_text(mark.get('mark'))}) : "
                        f"{mark.get('justification') or 'aucune justification saisie'} — "
                        f"{mark.get('by') or '?'}, {fr_datetime(mark.get('at'))}", "small"))
    return out


def _lot(lot: LotExport, criteria: CriteriaSet) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), LotMarker(scoring_label(lot)),
                           para(f"Lot {lot.lot_id} — {lot.title}", "h1")]
    if not lot.scored:
        return out + [para(f"{NOT_SCORED[0].upper()}{NOT_SCORED[1:]} : aucune notation n'est "
                           "enregistrée pour ce lot.", "body")]
    out += (_lot_summary(lot) + _ranking(lot) + _excluded(lot)
            + _abnormally_low(lot, criteria) + _other_reviews(lot) + _notes(lot))
    out.append(para("Notes détaillées par offre", "h2"))
    for entry in lot.entries:
        out += _offer_detail(lot, entry, criteria)
    if lot.sensitivity:
        out += sensitivity_section(lot.sensitivity)
    return out


def rao_pdf(consultation: ConsultationExport) -> bytes:
    """The RAO of the consultation, every lot included, as PDF bytes."""
    crit = consultation.criteria
    story = _consultation(consultation) + _criteria(consultation)
    for lot in consultation.lots:
        story += _lot(lot, crit)
    header = Header(f"{TITLE} — {consultation.reference}", criteria_line(crit),
                    " ; ".join(scoring_label(lot) for lot in consultation.lots) or "aucune")
    return build_pdf(story, header, f"{TITLE} — {consultation.reference}", consultation.title)
