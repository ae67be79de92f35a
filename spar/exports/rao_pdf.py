"""The offer analysis report (*rapport d'analyse des offres*, RAO) as a French PDF.

For the consultation: its identity, the criteria and their weighting. For each
lot (from a new page): the scoring's identity, the ranking with pillar points
and a chart of them, eliminations and irregularities with their reasons, the
abnormally-low offers with the buyer's decision, every offer's per-criterion
scores with the arithmetic and the buyer's justifications, and the sensitivity
analysis when one is given. Every page names the criteria SHA-256 and the scoring.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from spar.engine.criteria import PILLAR_LABELS, PILLARS, Group
from spar.engine.explain import leaf_entries
from spar.engine.scoring import ELIMINATED, IRREGULAR, RANKED
from spar.engine.text import fr_number, fr_percent

from .bundle import ConsultationExport, LotExport
from .charts import pillar_points_chart
from .french import (CATEGORY_LABELS, DECISION_LABELS, NOT_SCORED, PILLAR_SHORT, STATUS_LABELS,
                     answer_text, fr_datetime, fr_rank, low_price_rule_text, method_text,
                     points_text, requirement_text)
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


def offer_name(lot: LotExport, i: int) -> str:
    """``A — Papeterie Azur`` (or the offer id alone when the supplier is unknown)."""
    name = lot.supplier(i)["name"]
    return f"{lot.offer_id(i)} — {name}" if name else lot.offer_id(i)


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
    policy = crit.policy
    limits = {"environmental": (policy.environmental_min_share, None),
              "social": (policy.social_min_share, None),
              "economic": (None, policy.price_max_share)}
    pillar_rows: list[list[Any]] = [["Pilier", "Part", "Politique SPAR"]]
    for pillar, share in crit.pillar_shares().items():
        low, high = limits.get(pillar, (None, None))
        rule = ""
        if low is not None:
            rule = f"minimum {fr_number(low, 0)} % : " + ("respecté" if share * 100 >= low - 1e-9
                                                         else "NON RESPECTÉ")
        if high is not None:
            rule = f"maximum {fr_number(high, 0)} % : " + ("respecté" if share * 100 <= high + 1e-9
                                                          else "NON RESPECTÉ")
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
    result = lot.result
    status = list(result.status)
    winners = ", ".join(f"{offer_name(lot, i)} ({points_text(result.totals[i])} points)"
                        for i in lot.winners) or "aucun (pas d'offre classée retenue)"
    out: list[Flowable] = [key_values([
        ("Estimation", "—" if lot.estimate is None else fr_number(lot.estimate) + " €"),
        ("Notation", str(lot.scoring_id)),
        ("Notée le", fr_datetime(lot.scored_at)),
        ("Moteur de notation", result.engine),
        ("Offres", f"{len(status)} reçue(s) : {status.count(RANKED)} classée(s), "
                   f"{status.count(ELIMINATED)} éliminée(s), {status.count(IRREGULAR)} "
                   "irrégulière(s)"),
        ("Attributaire pressenti", winners),
    ])]
    for warning in result.warnings:
        out.append(para(warning, "note"))
    return out


def _ranking(lot: LotExport) -> list[Flowable]:
    result = lot.result
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [["Rang", "Offre", "Total", *(PILLAR_SHORT[p] for p in PILLARS),
                              "Observations"]]
    winners = set(lot.winners)
    highlight = []
    for k, i in enumerate(int(x) for x in result.order):
        irregular = result.status[i] == IRREGULAR
        notes = [] if result.status[i] == RANKED else [STATUS_LABELS[result.status[i]]]
        if lot.flagged[i]:
            review = lot.review(i)
            notes.append("anormalement basse : " + (DECISION_LABELS[review["decision"]]
                                                    if review else "examen en attente"))
        if i in winners:
            highlight.append(k)
            notes.append("attributaire pressenti")
        rows.append([fr_rank(int(result.rank[i])), offer_name(lot, i),
                     "—" if irregular else points_text(result.totals[i]),
                     *("—" if irregular else points_text(x) for x in result.pillar_points[i]),
                     ", ".join(notes)])
    out: list[Flowable] = [para("Classement", "h2"),
                           table(rows, (0.06 * w, 0.24 * w, 0.08 * w, *(0.1 * w,) * 4,
                                        0.22 * w), highlight=highlight)]
    ranked = [int(i) for i in result.order if result.status[int(i)] == RANKED][:CHART_OFFERS]
    if ranked:
        chart = pillar_points_chart([lot.offer_id(i) for i in ranked],
                                    [result.pillar_points[i] for i in ranked],
                                    result.criteria.points, CONTENT_WIDTH)
        caption = "Points par pilier des offres classées"
        if int((result.status == RANKED).sum()) > CHART_OFFERS:
            caption += f" ({CHART_OFFERS} premières)"
        out += [Spacer(1, 6), KeepTogether([para(caption, "h3"), chart])]
    return out


def _excluded(lot: LotExport) -> list[Flowable]:
    result = lot.result
    rows: list[list[Any]] = [["Offre", "Statut", "Motifs"]]
    for i in (int(x) for x in result.order):
        if result.status[i] != RANKED:
            rows.append([offer_name(lot, i), STATUS_LABELS[result.status[i]],
                         "\n".join(r["message"] for r in lot.reasons(i))])
    out: list[Flowable] = [para("Offres éliminées et irrégulières", "h2")]
    if len(rows) == 1:
        return out + [para("Aucune : toutes les offres ont été classées.", "body")]
    w = CONTENT_WIDTH
    return out + [table(rows, (0.25 * w, 0.12 * w, 0.63 * w))]


def _abnormally_low(lot: LotExport) -> list[Flowable]:
    result = lot.result
    out: list[Flowable] = [para("Offres anormalement basses", "h2")]
    if not result.criteria.low_price_rules:
        return out + [para("Les critères ne prévoient pas de détection.", "body")]
    rows: list[list[Any]] = [["Offre", "Prix", "Motif du signalement", "Décision de l'acheteur"]]
    for i in (int(x) for x in result.order):
        if not lot.flagged[i]:
            continue
        review = lot.review(i)
        decision = "examen en attente"
        if review:
            decision = (f"{DECISION_LABELS[review['decision']]} — {review.get('comment') or ''}"
                        f" ({review.get('by') or '?'}, {fr_datetime(review.get('at'))})")
        flags = lot.flags(i)
        rows.append([offer_name(lot, i), fr_number(flags[0]["value"]),
                     "\n".join(f["message"] for f in flags), decision])
    if len(rows) == 1:
        return out + [para("Aucune offre signalée par les règles de détection.", "body")]
    w = CONTENT_WIDTH
    return out + [table(rows, (0.2 * w, 0.12 * w, 0.38 * w, 0.3 * w))]


def _offer_detail(lot: LotExport, i: int) -> list[Flowable]:
    result = lot.result
    supplier = lot.supplier(i)
    state = STATUS_LABELS[result.status[i]]
    if result.status[i] == RANKED:
        state += " " + fr_rank(int(result.rank[i]))
    total = "non notée" if result.status[i] == IRREGULAR else \
        f"{points_text(result.totals[i])} points sur {fr_number(result.criteria.points, 0)}"
    title = f"Offre {offer_name(lot, i)}" + (f" (SIRET {supplier['siret']})"
                                              if supplier["siret"] else "")
    rows: list[list[Any]] = [["Critère", "Réponse", "Note", "Points", "Calcul"]]
    for entry in leaf_entries(result, i):
        rows.append([f"{entry['label']} ({entry['criterion']})", answer_text(entry["value"]),
                     "—" if entry["score"] is None else fr_number(entry["score"], 4),
                     f"{points_text(entry['points'])} / {points_text(entry['max_points'])}",
                     entry["explanation"]])
    w = CONTENT_WIDTH
    out: list[Flowable] = [CondPageBreak(60),
                           para(f"{title} — {state} — {total}", "h3"),
                           table(rows, (0.25 * w, 0.16 * w, 0.08 * w, 0.13 * w, 0.38 * w))]
    for path, mark in lot.offer_marks(i).items():
        try:
            label = result.criteria.node(path).label
        except KeyError:
            label = path
        out.append(para(f"Justification — {label} (note {answer_text(mark.get('mark'))}) : "
                        f"{mark.get('justification') or 'aucune justification saisie'} — "
                        f"{mark.get('by') or '?'}, {fr_datetime(mark.get('at'))}", "small"))
    return out


def _lot(lot: LotExport) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), LotMarker(scoring_label(lot)),
                           para(f"Lot {lot.lot_id} — {lot.title}", "h1")]
    if not lot.scored:
        return out + [para(f"{NOT_SCORED[0].upper()}{NOT_SCORED[1:]} : aucune notation n'est "
                           "enregistrée pour ce lot.", "body")]
    out += _lot_summary(lot) + _ranking(lot) + _excluded(lot) + _abnormally_low(lot)
    out.append(para("Notes détaillées par offre", "h2"))
    for i in lot.result.order:
        out += _offer_detail(lot, int(i))
    if lot.sensitivity:
        out += sensitivity_section(lot.sensitivity)
    return out


def rao_pdf(consultation: ConsultationExport) -> bytes:
    """The RAO of the consultation, every lot included, as PDF bytes."""
    crit = consultation.criteria
    story = _consultation(consultation) + _criteria(consultation)
    for lot in consultation.lots:
        story += _lot(lot)
    header = Header(f"{TITLE} — {consultation.reference}", criteria_line(crit),
                    " ; ".join(scoring_label(lot) for lot in consultation.lots) or "aucune")
    return build_pdf(story, header, f"{TITLE} — {consultation.reference}", consultation.title)
