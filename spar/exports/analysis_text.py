"""The robustness of an award (``spar analyse``) as text tables in French, for a terminal:
effective weights, stability of the winner, neighbouring ranks, variants."""

from __future__ import annotations

from typing import Any

from spar.engine.criteria import PILLAR_LABELS
from spar.engine.text import fr_number, fr_percent

from .french import STATUS_LABELS
from .text_layout import columns


def analysis_text(report: dict[str, Any], title: str = "") -> str:
    """The analysis as text tables in French, for a terminal."""
    def pct(x):
        return fr_percent(x) if x is not None else "—"

    scale = report["points"]
    lines = [f"Robustesse de l'attribution — {title or report['criteria']['id']} "
             f"v{report['criteria']['version']}"
             + (f", lot {report['lot']}" if report["lot"] else "")
             + f" : {report['ranked_offers']} offre(s) classée(s), barème sur "
             f"{fr_number(scale, 0)}", ""]

    eff = report["effective_weights"]
    lines.append("Poids effectifs (écart de points entre offres classées ; alerte au-delà d'un "
                 f"facteur {fr_number(report['factor'], 1)})")
    rows = [("Critère", "Déclaré", "Effectif", "Écart (pts)", "")]
    for group, name in ((eff["criteria"], None), (eff["pillars"], "Pilier ")):
        for e in group:
            label = (name + e["label"]) if name else f"{e['label']} ({e['criterion']})"
            rows.append((label, pct(e["declared_share"]), pct(e["effective_share"]),
                         fr_number(e["spread_points"]), "⚠" if e["divergent"] else ""))
    nested = [e for e in eff["leaves"] if "." in e["criterion"]]
    if nested:
        rows.append(("Sous-critères (parts entre toutes les feuilles)", "", "", "", ""))
        for e in nested:
            rows.append((f"  {e['label']} ({e['criterion']})", pct(e["declared_share"]),
                         pct(e["effective_share"]), fr_number(e["spread_points"]),
                         "⚠" if e["divergent"] else ""))
    lines += columns(rows, right=(1, 2, 3)) + [""]

    st = report["stability"]
    if st["winner"]:
        lines.append(f"Stabilité du vainqueur : {', '.join(st['winner'])}")
        rows = [("Critère", "Poids", "Baisse qui change le vainqueur",
                 "Hausse qui change le vainqueur")]
        for e in st["criteria"]:
            rows.append((f"{e['label']} ({e['criterion']})", fr_number(e["declared_points"]),
                         _change_cell(e["decrease"]), _change_cell(e["increase"])))
        lines += columns(rows, right=(1,))
        if st["smallest_change_points"] is None:
            lines.append("  Aucun changement de poids d'un seul critère ne change le vainqueur.")
        else:
            verdict = "décision FRAGILE" if st["fragile"] else "décision solide"
            lines.append(f"  Plus petit changement : {fr_number(st['smallest_change_points'])} "
                         f"point(s) ; seuil de fragilité : "
                         f"{fr_number(st['fragile_threshold_points'])} — {verdict}.")
        lines.append("")

    if report.get("pairs"):
        lines.append("Rangs voisins : plus petit changement de poids qui les inverse")
        rows = [("Rangs", "Offres", "Écart (pts)", "Changement (pts)", "Critère")]
        for p in report["pairs"]:
            change = p["smallest_change_points"]
            rows.append((f"{p['ranks'][0]} – {p['ranks'][1]}", " / ".join(p["offers"]),
                         fr_number(p["gap_points"]),
                         "—" if change is None else fr_number(change), p["criterion"] or "—"))
        lines += columns(rows, right=(2, 3)) + [""]

    what_if = report.get("what_if")
    if what_if:
        lines.append("Variantes (lot noté à nouveau)")
        before = what_if["baseline"]
        for v in what_if["variants"]:
            winner = ", ".join(v["winner"]) or "aucun"
            head = (f"vainqueur {', '.join(before['winner']) or 'aucun'} → {winner}"
                    + (" (CHANGE)" if v["winner_changed"] else " (inchangé)"))
            lines.append(f"- {v['label']} : {head}")
            rows = [("Offre", "Rang", "Total", "Avant")]
            for o in v["offers"]:
                rank = str(o["rank"]) if o["rank"] is not None else STATUS_LABELS[o["status"]]
                was = str(o["previous_rank"]) if o["previous_rank"] is not None \
                    else STATUS_LABELS[o["previous_status"]]
                total = "—" if o["total"] is None else fr_number(o["total"])
                old = "—" if o["previous_total"] is None else fr_number(o["previous_total"])
                rows.append((o["id"], rank, total, f"{was} ({old})"))
            lines += ["  " + line for line in columns(rows, right=(1, 2))]
            shares = " ; ".join(f"{PILLAR_LABELS[p['pillar']]} {pct(p['declared_share'])} / "
                                f"{pct(p['effective_share'])}" for p in v["pillars"])
            lines.append(f"    piliers (déclaré / effectif) : {shares}")
        lines.append("")

    if report["warnings"]:
        lines.append("Alertes")
        lines += [f"- {w}" for w in report["warnings"]] + [""]
    lines.append("Hypothèses")
    lines += [f"- {a}" for a in report["assumptions"]]
    return "\n".join(lines)


def _change_cell(change: dict[str, Any] | None) -> str:
    if change is None:
        return "—"
    sign = "+" if change["change_points"] >= 0 else "−"
    return (f"{sign}{fr_number(abs(change['change_points']))} → "
            f"{fr_number(change['weight_points'])} : {', '.join(change['winner'])}")
