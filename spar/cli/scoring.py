"""``spar score`` and ``spar self-assess``: score offline, from files, without a database."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from ..collector import paused
from .criteria import load_or_fail

#: :data:`spar.exports.offline.FORMATS`, written here so that ``spar --help`` loads no
#: numpy (a test checks that the two agree).
FORMATS = ("table", "json", "csv", "xlsx")
#: :data:`spar.pipeline.REVIEW_MODES`, written here so that ``spar --help`` loads no numpy
#: (a test checks that the two agree).
REVIEW_MODES = ("model", "rules", "none")


def register(group: click.Group) -> None:
    """Add ``score`` and ``self-assess`` to the ``spar`` group."""
    group.add_command(score)
    group.add_command(self_assess)


def stdout_is_terminal() -> bool:
    """Whether the standard output is a terminal (no place for binary XLSX)."""
    return sys.stdout.isatty()


def _amount(ctx, param, value: str | None) -> float | None:
    """A French or English amount (``12 000,50``) for ``--estimate``."""
    from ..engine.parsing import parse_number
    from ..engine.errors import AnswerValueError

    if value is None:
        return None
    try:
        amount = parse_number(value)
    except AnswerValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if amount <= 0:
        raise click.BadParameter(f"un montant positif est attendu, pas « {value} »")
    return amount


# --------------------------------------------------------------------------- score
@click.command("score")
@click.argument("criteria_path", metavar="CRITERIA")
@click.argument("offers_path", metavar="OFFERS")
@click.option("--lot", metavar="L", help="Le lot à noter quand le fichier en a plusieurs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table : classement lisible ; json : résultat complet (SPEC §4) ; csv, "
                   "xlsx : détail par offre et par critère pour tableur, mêmes colonnes que "
                   "les exports du service (le CSV est en UTF-8 avec BOM, séparateur « ; » et "
                   "virgule décimale, comme l'attendent Excel et LibreOffice en français).")
@click.option("--output", "-o", metavar="F", help="Écrire dans ce fichier plutôt que sur la "
              "sortie standard (obligatoire pour xlsx dans un terminal).")
@click.option("--estimate", metavar="MONTANT", callback=_amount,
              help="Estimation du lot (HT), pour la règle d'offre anormalement basse "
                   "estimate_ratio.")
@click.option("--review", type=click.Choice(REVIEW_MODES), default="model", show_default=True,
              help="Revue des offres : model = règles et modèle de revue (comme le service) ; "
                   "rules = règles seules (sans charger scikit-learn) ; none = seulement les "
                   "offres anormalement basses du jeu de critères.")
@click.option("--list-all", is_flag=True,
              help="Tableau : lister chaque offre éliminée, signalée ou avec une observation, "
                   "avec ses motifs ; par défaut, les 100 premières de chaque section, puis "
                   "leur nombre.")
def score(criteria_path: str, offers_path: str, lot: str | None, fmt: str,
          output: str | None, estimate: float | None, review: str, list_all: bool) -> None:
    """Note les offres d'un lot selon un fichier de critères, hors ligne : classement,
    offres éliminées ou irrégulières avec leurs motifs, offres à examiner avant
    l'attribution (anormalement basses, signalées par le modèle de revue) et
    observations.

    OFFERS est un JSON {"offers": [...]}, un CSV (séparateur « , » ou « ; », virgule
    décimale acceptée) ou un XLSX (première feuille) : une ligne par offre, colonnes id,
    supplier, siret, lot (facultative), une par réponse (listes séparées par « | ») et
    evidence.<réponse> pour les justificatifs de labels."""
    if fmt == "xlsx" and output is None and stdout_is_terminal():
        raise click.UsageError("le format xlsx est binaire : indiquez --output FICHIER.xlsx "
                               "(ou redirigez la sortie vers un fichier)")
    if output is not None:
        _check_output(output)
    crit, _ = load_or_fail(criteria_path)
    if not Path(offers_path).is_file():
        what = "est un dossier" if Path(offers_path).is_dir() else "introuvable"
        raise click.ClickException(f"fichier d'offres {what} : {offers_path}")
    # a big lot builds millions of objects that live on: no collector pass meanwhile
    with paused():
        _score_and_write(crit, offers_path, lot, fmt, output, estimate, review, list_all)


def _score_and_write(crit, offers_path: str, lot: str | None, fmt: str, output: str | None,
                     estimate: float | None, review: str, list_all: bool) -> None:
    from ..offers_file import OffersFileError, read_offers
    from ..pipeline import evaluate_lot

    try:
        offers = read_offers(offers_path, crit, lot=lot, estimate=estimate)
    except OffersFileError as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        count = len(exc.problems)
        raise click.ClickException(
            f"fichier d'offres refusé ({count} problème{'s' if count > 1 else ''}), rien "
            f"n'a été noté : {offers_path}") from None
    for note in offers.notes:
        click.echo(f"Note : {note}", err=True)
    evaluation = evaluate_lot(crit, offers.lot, review=review)
    rows = write_result(evaluation, fmt, output, list_all)
    if output is not None:
        detail = f", {rows} lignes de détail" if rows is not None else ""
        click.echo(f"{len(offers.lot)} offres notées → {output} ({fmt}{detail})", err=True)


def write_result(evaluation, fmt: str, output: str | None, list_all: bool = False
                 ) -> int | None:
    """Write a scored lot in ``fmt`` to ``output`` (the standard output when None) with the
    writers of the service's exports; the number of breakdown rows for csv and xlsx."""
    from ..exports.errors import ExportError
    from ..exports.offline import write_scored_lot
    from ..exports.output import opened

    try:
        with _progress(evaluation.result, fmt) as progress, \
                opened(output, sys.stdout.buffer, binary=fmt != "table",
                       spool=fmt == "xlsx") as stream:
            return write_scored_lot(evaluation, fmt, stream, progress, list_all)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None


def _check_output(output: str) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    target = Path(output)
    if target.is_dir():
        raise click.UsageError(f"--output {output} est un dossier ; un nom de fichier est "
                               "attendu")
    if not target.absolute().parent.is_dir():
        raise click.ClickException(f"écriture impossible dans {output} : le dossier "
                                   f"{target.parent} n'existe pas")


@contextmanager
def _progress(result, fmt: str) -> Iterator[Any]:
    """A progress bar on stderr for the breakdown rows (csv, xlsx), only when stderr is a
    terminal."""
    if fmt not in ("csv", "xlsx") or not sys.stderr.isatty():
        yield None
        return
    total = len(result.lot) * len(result.weights.leaves)
    with click.progressbar(length=total, label="Détail par critère", file=sys.stderr) as bar:
        yield bar.update


# --------------------------------------------------------------------------- self-assess
@click.command("self-assess")
@click.argument("criteria_path", metavar="CRITERIA")
@click.argument("answers_path", metavar="ANSWERS")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="table : lecture ; json : résultat complet.")
@click.option("--gain", metavar="POINTS", type=click.FloatRange(0, min_open=True),
              help="Pour chaque critère, le plus petit changement de réponse qui rapporte "
                   "au moins ces points.")
def self_assess(criteria_path: str, answers_path: str, fmt: str, gain: float | None) -> None:
    """Score indicatif d'un projet d'offre et les changements qui rapporteraient le plus de
    points. ANSWERS : fichier JSON ou YAML {"answers": {…}, "evidence": {…},
    "assumptions": {…}} ; les hypothèses (assumptions) décrivent la concurrence attendue,
    p. ex. {"price_eur": 9500} pour le meilleur prix concurrent."""
    from ..answers_file import AnswersFileError, read_answers
    from ..engine.errors import AnswersError, AssumptionsError, GainSearchError
    from ..engine.self_assessment import self_assess as assess

    crit, _ = load_or_fail(criteria_path)
    try:
        document = read_answers(answers_path)
    except AnswersFileError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(exc.message) from None
    try:
        assessment = assess(crit, document.get("answers") or {}, document.get("evidence"),
                            document.get("assumptions"), gain=gain)
    except AnswersError as exc:
        for problem in exc.problems:
            click.echo(f"{answers_path}: {problem}", err=True)
        raise click.ClickException(f"réponses refusées : {answers_path}") from None
    except (AssumptionsError, GainSearchError) as exc:
        raise click.ClickException(f"{answers_path}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    else:
        from ..exports.self_assessment_text import render_self_assessment

        click.echo(render_self_assessment(assessment.to_dict(), crit), nl=False)
