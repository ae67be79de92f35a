"""``spar analyse``: effective weights, winner stability and what-if of one lot, offline."""

from __future__ import annotations

import json
from pathlib import Path

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
        from ..exports.analysis_text import analysis_text

        click.echo(analysis_text(report, criteria.title))


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
