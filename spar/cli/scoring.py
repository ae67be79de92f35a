"""``spar score`` and ``spar self-assess``: score offline, from files, without a database."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from .criteria import load_or_fail

FORMATS = ("table", "json", "csv", "xlsx")
#: :data:`spar.pipeline.REVIEW_MODES`, written here so that ``spar --help`` loads no numpy
#: (a test checks that the two agree).
REVIEW_MODES = ("model", "rules", "none")
#: Keys of a self-assessment answers file.
ANSWERS_KEYS = ("answers", "evidence", "assumptions")
STATUS_SELF = {"ranked": "recevable (elle serait classée)", "eliminated": "éliminée",
               "irregular": "irrégulière"}


def register(group: click.Group) -> None:
    """Add ``score`` and ``self-assess`` to the ``spar`` group."""
    group.add_command(score)
    group.add_command(self_assess)


def stdout_is_terminal() -> bool:
    """Whether the standard output is a terminal (no place for binary XLSX)."""
    return sys.stdout.isatty()


def _amount(ctx, param, value: str | None) -> float | None:
    """A French or English amount (``12 000,50``) for ``--estimate``."""
    from ..engine.answers import parse_number
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
def score(criteria_path: str, offers_path: str, lot: str | None, fmt: str,
          output: str | None, estimate: float | None, review: str) -> None:
    """Note les offres d'un lot selon un fichier de critères, hors ligne : classement,
    offres éliminées ou irrégulières avec leurs motifs, offres à examiner avant
    l'attribution (anormalement basses, signalées par le modèle de revue) et
    observations.

    OFFERS est un JSON {"offers": [...]}, un CSV (séparateur « , » ou « ; », virgule
    décimale acceptée) ou un XLSX (première feuille) : une ligne par offre, colonnes id,
    supplier, siret, lot (facultative), une par réponse (listes séparées par « | ») et
    evidence.<réponse> pour les justificatifs de labels."""
    from ..offers_file import OffersFileError, read_offers
    from ..pipeline import evaluate_lot

    if fmt == "xlsx" and output is None and stdout_is_terminal():
        raise click.UsageError("le format xlsx est binaire : indiquez --output FICHIER.xlsx "
                               "(ou redirigez la sortie vers un fichier)")
    if output is not None:
        _check_output(output)
    crit, _ = load_or_fail(criteria_path)
    if not Path(offers_path).is_file():
        what = "est un dossier" if Path(offers_path).is_dir() else "introuvable"
        raise click.ClickException(f"fichier d'offres {what} : {offers_path}")
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
    rows = write_result(evaluation, fmt, output)
    if output is not None:
        detail = f", {rows} lignes de détail" if rows is not None else ""
        click.echo(f"{len(offers.lot)} offres notées → {output} ({fmt}{detail})", err=True)


def write_result(evaluation, fmt: str, output: str | None) -> int | None:
    """Write a scored lot in ``fmt`` with the writers of the service's exports; the number
    of breakdown rows for csv and xlsx."""
    from ..exports.bundle import LotExport
    from ..exports.table import write_table

    if fmt == "table":
        with _opened(output, binary=False) as stream:
            write_table(evaluation, stream)
        return None
    lot = evaluation.result.lot
    exported = LotExport(lot_id=lot.lot_id or "", title=None, estimate=lot.estimate,
                         result=evaluation.document(lazy=True, analysed=fmt == "json"))
    count = [0]

    def counted(progress):
        def told(rows: int) -> None:
            count[0] += rows
            if progress is not None:
                progress(rows)
        return told

    with _progress(evaluation.result) as progress, \
            _opened(output, binary=True, spool=fmt == "xlsx") as stream:
        # each format loads only its own writer (openpyxl for a workbook)
        if fmt == "json":
            from ..exports.json_stream import iter_json
            from ..exports.scoring_json import result_json

            chunks = iter_json(result_json(exported))
        elif fmt == "csv":
            from ..exports.breakdown_csv import csv_chunks

            chunks = csv_chunks(None, [exported], counted(progress))
        else:
            from ..exports.breakdown_xlsx import offline_identity, workbook_chunks

            chunks = workbook_chunks(offline_identity(evaluation.result.criteria, exported),
                                     evaluation.result.criteria, [exported], None,
                                     counted(progress))
        for chunk in chunks:
            stream.write(chunk)
    return None if fmt == "json" else count[0]


@contextmanager
def _opened(output: str | None, binary: bool, spool: bool = False) -> Iterator[Any]:
    """The output stream; a file is written aside and renamed once complete, so an
    interrupted export never leaves a truncated file behind. ``spool``: on the standard
    output, assemble the bytes in a temporary file first (a workbook)."""
    if output is None:
        raw = sys.stdout.buffer
        if binary and not spool:
            yield raw
            raw.flush()
            return
        if binary:
            # a workbook is assembled in a file, then copied: a zip archive closing on a
            # pipe its reader has left would spill errors instead of stopping quietly
            with tempfile.TemporaryFile() as spool:
                yield spool
                spool.seek(0)
                shutil.copyfileobj(spool, raw)
            raw.flush()
            return
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    target = Path(output)
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partiel",
                                       dir=target.absolute().parent)
        # mkstemp makes the file private; the export gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)
    except OSError as exc:
        raise click.ClickException(f"écriture impossible dans {output} : "
                                   f"{exc.strerror}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else
              open(fd, "w", encoding="utf-8", newline="")) as stream:
            yield stream
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


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
def _progress(result) -> Iterator[Any]:
    """A progress bar on stderr for the breakdown rows, only when stderr is a terminal."""
    if not sys.stderr.isatty():
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
    from ..engine.errors import AnswersError, AssumptionsError, GainSearchError
    from ..engine.self_assessment import self_assess as assess

    crit, _ = load_or_fail(criteria_path)
    document = _read_answers(answers_path)
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
        click.echo(render_self_assessment(assessment.to_dict(), crit), nl=False)


def _read_answers(path: str) -> dict[str, Any]:
    """The answers document; ClickException with the location of what is wrong."""
    file = Path(path)
    if not file.is_file():
        what = "est un dossier" if file.is_dir() else "introuvable"
        raise click.ClickException(f"fichier de réponses {what} : {path}")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: le fichier n'est pas en UTF-8") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: lecture impossible ({exc.strerror})") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            document = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{mark.line + 1}:{mark.column + 1}:" if mark else ""
            raise click.ClickException(f"{path}:{where} YAML invalide : "
                                       f"{exc.problem or exc.context}") from None
        except yaml.YAMLError as exc:
            raise click.ClickException(f"{path}: YAML invalide : {exc}") from None
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path}:{exc.lineno}:{exc.colno}: JSON invalide : "
                                       f"{exc.msg}") from None
    if not isinstance(document, dict):
        raise click.ClickException(f'{path}: un objet {{"answers": {{…}}, "evidence": {{…}}, '
                                   '"assumptions": {…}} est attendu')
    problems = [f"clé inconnue « {key} » ; clés possibles : " + ", ".join(ANSWERS_KEYS)
                for key in document if key not in ANSWERS_KEYS]
    if "answers" not in document:
        problems.append("clé « answers » manquante : les réponses du projet d'offre")
    problems += [f"« {key} » doit être un objet (réponse: valeur)" for key in ANSWERS_KEYS
                 if document.get(key) is not None and not isinstance(document[key], dict)]
    if problems:
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException(f"fichier de réponses refusé : {path}")
    return document


def render_self_assessment(data: dict[str, Any], crit) -> str:
    """A self-assessment (``SelfAssessment.to_dict()``) as text for a terminal."""
    from ..engine.criteria import PILLAR_LABELS
    from ..engine.text import fr_number

    points = data["points"]
    lines = [f"Auto-évaluation indicative — {crit.title} ({crit.id} v{crit.version})",
             "Estimation sans engagement : rien de ce que vous saisissez n'est transmis à un "
             "acheteur.", "",
             f"Total indicatif : {fr_number(data['total'])} / {fr_number(points, 0)} points — "
             f"offre {STATUS_SELF.get(data['status'], data['status'])}"]
    lines += [f"  · {reason['message']}" for reason in data["reasons"]]
    shares = crit.pillar_shares()
    for pillar, value in data["pillars"].items():
        if shares.get(pillar, 0) > 0:
            lines.append(f"  {PILLAR_LABELS[pillar]:<20} {fr_number(value):>7} / "
                         f"{fr_number(shares[pillar] * points)}")

    assumed = set(data["assumed_best"])
    lines += ["", f"{'Critère':<44} {'Réponse':<24} {'Points':>15}"]
    for entry in data["breakdown"]:
        name = f"{entry['label']} ({entry['criterion']})"
        mark = " *" if entry["criterion"] in assumed else ""
        lines.append(f"{_fit(name, 44):<44} {_fit(_answer(entry['value']), 24):<24} "
                     f"{fr_number(entry['points']):>7} / {fr_number(entry['max_points']):>5}"
                     f"{mark}")
    if assumed:
        lines += ["", "* noté comme si votre offre était la meilleure (aucune hypothèse sur la "
                  "concurrence)"]
    if data["notes"]:
        lines += ["", "Notes"] + [_wrapped(note) for note in data["notes"]]
    lines += ["", "Pistes pour gagner des points (les plus gros gains d'abord)"]
    lines += [_wrapped(hint["message"]) for hint in data["hints"]] or \
        ["  aucune : chaque critère obtient déjà son maximum"]
    if data.get("what_if"):
        wanted = fr_number(data["what_if"][0]["wanted"], 1)
        lines += ["", f"Le plus petit changement pour gagner {wanted} points, par critère"]
        lines += [_wrapped(search["message"]) for search in data["what_if"]]
    return "\n".join(lines) + "\n"


def _wrapped(text: str) -> str:
    import textwrap

    return textwrap.fill(text, 100, initial_indent="  - ", subsequent_indent="    ")


def _answer(value: Any) -> str:
    from ..engine.text import answer_text

    return answer_text(value, none_listed="aucun")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
