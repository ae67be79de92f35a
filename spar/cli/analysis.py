"""``spar analyse``: effective weights, winner stability and what-if of one lot, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def register(group: click.Group) -> None:
    """Add ``analyse`` to the ``spar`` group."""
    group.add_command(analyse)


@click.command("analyse")
@click.argument("criteria_file", metavar="CRITERIA", type=click.Path(dir_okay=False))
@click.argument("offers_file", metavar="OFFERS", type=click.Path(dir_okay=False))
@click.option("--lot", "lot_id", metavar="L", help="Le lot à analyser quand le fichier en a "
              "plusieurs.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Tableau lisible ou JSON complet.")
@click.option("--pairs", is_flag=True, help="Aussi la stabilité de chaque paire de rangs "
              "voisins.")
@click.option("--weight", "weights", multiple=True, metavar="PATH=W",
              help="Variante : nouveau poids d'un critère (répétable), p. ex. price=30.")
@click.option("--method", "methods", multiple=True, metavar="PATH=METHOD",
              help="Variante : nouvelle méthode d'un critère (répétable), p. ex. "
                   "price=price_min_max ou 'env.co2=linear:{\"best\": 0.5, \"worst\": 4}'.")
@click.option("--together", is_flag=True, help="Appliquer toutes les variantes ensemble "
              "plutôt qu'une à une.")
@click.option("--factor", type=float, default=2.0, show_default=True,
              help="Alerte quand poids effectif et déclaré diffèrent de plus de ce facteur.")
@click.option("--fragile-points", type=float, default=2.0, show_default=True,
              help="Décision fragile si un changement de poids de moins de ces points (sur "
                   "100) change le vainqueur.")
def analyse(criteria_file: str, offers_file: str, lot_id: str | None, fmt: str, pairs: bool,
            weights: tuple[str, ...], methods: tuple[str, ...], together: bool, factor: float,
            fragile_points: float) -> None:
    """Robustesse de la décision d'attribution d'un lot : poids effectifs de chaque
    critère, plus petit changement de poids qui changerait le vainqueur, et
    classement sous d'autres poids ou méthodes (--weight, --method)."""
    from ..analysis import VariantError, compare_variants, parse_method, parse_weight
    from ..criteria_file import CriteriaFileError, load_criteria
    from ..engine.errors import AnalysisSettingError
    from ..engine.scoring import score_lot
    from ..engine.sensitivity import analyse_result

    try:
        criteria = load_criteria(criteria_file)
    except CriteriaFileError as exc:
        raise click.ClickException("fichier de critères refusé :\n" + "\n".join(
            str(p) for p in exc.errors)) from None
    try:
        changes = [("weights", *parse_weight(w)) for w in weights] + \
                  [("methods", *parse_method(m)) for m in methods]
    except VariantError as exc:
        raise click.ClickException(str(exc)) from None
    lot = _read_lot(Path(offers_file), criteria, lot_id)
    result = score_lot(criteria, lot)
    try:
        report = analyse_result(result, factor=factor, fragile_points=fragile_points, pairs=pairs)
    except AnalysisSettingError as exc:
        raise click.ClickException(str(exc)) from None
    if changes:
        variants = _variants(changes, together)
        try:
            report["what_if"] = compare_variants(criteria, lot, variants, baseline=result)
        except VariantError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(render(report, criteria.title))


def _variants(changes, together: bool) -> list:
    """One variant per change, or a single one with all of them (``--together``)."""
    from ..analysis import Variant

    if together:
        kinds: dict[str, dict] = {"weights": {}, "methods": {}}
        for kind, path, value in changes:
            kinds[kind][path] = value
        return [Variant(weights=kinds["weights"], methods=kinds["methods"])]
    return [Variant(**{kind: {path: value}}) for kind, path, value in changes]


def _read_lot(path: Path, criteria, lot_id: str | None):
    """The lot's offers (JSON, CSV or XLSX); ClickException with every problem of the file."""
    from ..offers_file import OffersFileError, read_offers

    try:
        offers = read_offers(path, criteria, lot_id)
    except OffersFileError as exc:
        raise click.ClickException("fichier d'offres refusé :\n" + "\n".join(exc.lines())
                                   ) from None
    for note in offers.notes:
        click.echo(f"note : {note}", err=True)
    return offers.lot


# --------------------------------------------------------------------------- the table
_STATUS = {"ranked": "classée", "eliminated": "éliminée", "irregular": "irrégulière"}


def render(report: dict[str, Any], title: str = "") -> str:
    """The analysis as text tables in French, for a terminal."""
    from ..engine.criteria import PILLAR_LABELS
    from ..engine.text import fr_number, fr_percent

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
    lines += _table(rows, right=(1, 2, 3)) + [""]

    st = report["stability"]
    if st["winner"]:
        lines.append(f"Stabilité du vainqueur : {', '.join(st['winner'])}")
        rows = [("Critère", "Poids", "Baisse qui change le vainqueur",
                 "Hausse qui change le vainqueur")]
        for e in st["criteria"]:
            rows.append((f"{e['label']} ({e['criterion']})", fr_number(e["declared_points"]),
                         _change_cell(e["decrease"]), _change_cell(e["increase"])))
        lines += _table(rows, right=(1,))
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
        lines += _table(rows, right=(2, 3)) + [""]

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
                rank = str(o["rank"]) if o["rank"] is not None else _STATUS[o["status"]]
                was = str(o["previous_rank"]) if o["previous_rank"] is not None \
                    else _STATUS[o["previous_status"]]
                total = "—" if o["total"] is None else fr_number(o["total"])
                old = "—" if o["previous_total"] is None else fr_number(o["previous_total"])
                rows.append((o["id"], rank, total, f"{was} ({old})"))
            lines += ["  " + line for line in _table(rows, right=(1, 2))]
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
    from ..engine.text import fr_number

    if change is None:
        return "—"
    sign = "+" if change["change_points"] >= 0 else "−"
    return (f"{sign}{fr_number(abs(change['change_points']))} → "
            f"{fr_number(change['weight_points'])} : {', '.join(change['winner'])}")


def _table(rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> list[str]:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if k in right else cell.ljust(w)
                 for k, (cell, w) in enumerate(zip(row, widths))]
        out.append("  " + "  ".join(cells).rstrip())
    return out
