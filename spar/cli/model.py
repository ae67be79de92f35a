"""``spar model synth|train|evaluate``: the review model's data, training and evaluation."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..engine.text import fr_number, fr_percent

DEFAULT_LOTS = 6000
DEFAULT_SEED = 1


def register(group: click.Group) -> None:
    """Add the ``model`` family to the ``spar`` group."""
    group.add_command(model)


@click.group("model")
def model() -> None:
    """Le modèle de revue des offres : données synthétiques, entraînement, évaluation."""


def _progress(length: int, label: str):
    return click.progressbar(length=length, label=label, file=sys.stderr)


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _generate(lots: int, seed: int, mechanisms=None):
    from ..review.synth import MECHANISMS, SynthConfig, generate, to_table

    config = SynthConfig(lots=lots, seed=seed, mechanisms=tuple(mechanisms or MECHANISMS))
    with _progress(lots, "Simulation des lots") as bar:
        return config, to_table(generate(config, progress=bar.update))


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


# --------------------------------------------------------------------------- synth
@model.command("synth")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Graine du générateur (mêmes graine et options, mêmes données).")
@click.option("--lots", type=click.IntRange(min=1), default=DEFAULT_LOTS, show_default=True,
              help="Nombre de lots simulés.")
@click.option("--output", "-o", metavar="F", required=True, help="Fichier CSV à écrire.")
@click.option("--without", "excluded", multiple=True, metavar="MÉCANISME",
              help="Ne pas injecter ce mécanisme (répétable), pour tester un mécanisme inconnu.")
def synth(seed: int, lots: int, output: str, excluded: tuple[str, ...]) -> None:
    """Génère des lots synthétiques étiquetés (une ligne par offre en concurrence :
    lot, cause injectée, étiquette, caractéristiques, motifs des règles)."""
    from ..review.errors import ReviewError
    from ..review.synth import MECHANISMS, table_sha256, write_table

    unknown = sorted(set(excluded) - set(MECHANISMS))
    if unknown:
        raise click.BadParameter(f"mécanisme inconnu : {', '.join(unknown)} ; connus : "
                                 f"{', '.join(MECHANISMS)}", param_hint="--without")
    try:
        _, table = _generate(lots, seed, [m for m in MECHANISMS if m not in excluded])
        write_table(table, output)
    except (ReviewError, OSError) as exc:
        raise _fail(exc) from None
    click.echo(f"{_count(lots)} lots, {_count(len(table))} offres en concurrence, dont "
               f"{_count(int(table['label'].sum()))} à revoir "
               f"({fr_percent(table['label'].mean())}).")
    for cause, n in table["cause"].value_counts().items():
        click.echo(f"  {cause:<26} {_count(int(n)):>8}")
    click.echo(f"Écrit : {output} (SHA-256 {table_sha256(table)})")


# --------------------------------------------------------------------------- train
@model.command("train")
@click.option("--data", metavar="F", help="Table d'entraînement écrite par « spar model synth » "
              "(par défaut : générée en mémoire avec --seed et --lots).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Graine des données générées et de l'entraînement.")
@click.option("--lots", type=click.IntRange(min=10), default=DEFAULT_LOTS, show_default=True,
              help="Nombre de lots générés (sans --data).")
@click.option("--budget", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.1,
              show_default=True, help="Part des offres que le modèle peut envoyer en revue.")
@click.option("--output", "-o", metavar="DIR", default="models/review", show_default=True,
              help="Dossier du modèle (model.skops, metadata.json, MODEL_CARD.md).")
@click.option("--from-reviews", is_flag=True,
              help="Réentraîner sur les décisions des acheteurs enregistrées dans la base "
                   "(SPAR_DATABASE_URL) et comparer au modèle en place ; le challenger n'est "
                   "écrit dans --output que s'il fait mieux.")
def train(data: str | None, seed: int, lots: int, budget: float, output: str,
          from_reviews: bool) -> None:
    """Entraîne le modèle de revue et écrit l'artefact, ses métadonnées et sa carte."""
    if from_reviews:
        _train_from_reviews(seed, budget, output)
        return
    from ..review.artifact import save_model
    from ..review.card import render_card
    from ..review.errors import ReviewError
    from ..review.evaluate import budget_lines
    from ..review.synth import read_table
    from ..review.training import train_on_table

    try:
        if data:
            table = read_table(data)
            source = {"kind": "file", "path": Path(data).name,
                      "description": f"table fournie ({Path(data).name})"}
        else:
            config, table = _generate(lots, seed)
            source = {"kind": "synthetic", "lots": lots, "seed": seed,
                      "mechanisms": list(config.mechanisms),
                      "description": "lots synthétiques de spar.review.synth"}
        click.echo("Entraînement…", err=True)
        start = time.perf_counter()
        trained = train_on_table(table, seed=seed, budget=budget, source=source)
        elapsed = time.perf_counter() - start
        save_model(trained, output, render_card(trained.metadata))
    except (ReviewError, OSError) as exc:
        raise _fail(exc) from None
    meta = trained.metadata
    valid = meta["metrics"]["validation"]
    click.echo(f"Modèle de revue {trained.version} entraîné en {fr_number(elapsed, 1)} s sur "
               f"{_count(meta['training']['offers'])} offres ({_count(meta['training']['lots'])} "
               f"lots), dont {_count(meta['training']['positives'])} à revoir.")
    click.echo(f"Seuil {fr_number(trained.threshold, 3)} pour un budget de revue de "
               f"{fr_percent(budget, 0)}.")
    click.echo("Validation sur 20 % des lots mis de côté :")
    for line in budget_lines(valid["model"], valid["rules"]):
        click.echo(line)
    click.echo(f"Écrit : {output}/model.skops, predictor.npz, metadata.json, MODEL_CARD.md")


def _train_from_reviews(seed: int, budget: float, output: str) -> None:
    """Champion (the model in place) against a challenger trained on stored decisions,
    weighted by the inverse of the probability each offer had to be reviewed."""
    from ..review import ModelError, ReviewError, default_model, train_challenger
    from ..review.artifact import save_model
    from ..review.card import render_card
    from ..services.reviews import reviewed_offers
    from ._context import service_app, unit_of_work

    decisions = reviewed_offers(unit_of_work(service_app()))
    click.echo(f"{_count(len(decisions))} décision(s) d'acheteurs sur des offres signalées "
               "ou tirées au sort.", err=True)
    try:
        champion = default_model()
    except ModelError as exc:
        click.echo(f"Pas de modèle en place ({exc}) : le challenger est évalué seul.", err=True)
        champion = None
    try:
        report = train_challenger(decisions, champion, budget=budget, seed=seed)
    except ReviewError as exc:
        raise _fail(exc) from None
    click.echo(report.to_text())
    if report.challenger_wins:
        save_model(report.challenger, output, render_card(report.challenger.metadata))
        click.echo(f"Le challenger fait mieux : écrit dans {output}.")
    else:
        click.echo("Le modèle en place reste : rien n'est écrit.")


# --------------------------------------------------------------------------- evaluate
@model.command("evaluate")
@click.option("--model", "model_path", metavar="DIR",
              help="Dossier du modèle (par défaut : $SPAR_MODEL_DIR, sinon models/review).")
@click.option("--seed", type=int, help="Graine des lots de test (par défaut : celle de "
              "l'entraînement + 5000).")
@click.option("--lots", type=click.IntRange(min=10), help="Nombre de lots de test (par défaut : "
              "autant qu'à l'entraînement).")
@click.option("--market-seed", type=int, default=None, help="Graine du générateur indépendant "
              "(spar.review.market ; par défaut 4242).")
@click.option("--market-lots", type=click.IntRange(min=10), help="Nombre de lots du générateur "
              "indépendant (par défaut : autant que --lots).")
@click.option("--data", metavar="F", help="Table d'entraînement, si le modèle n'a pas été "
              "entraîné sur des données générées par spar.")
@click.option("--mechanism", "mechanisms", multiple=True, metavar="MÉCANISME",
              help="Mécanisme à tenir à l'écart (répétable ; par défaut : chacun à son tour).")
@click.option("--save", is_flag=True, help="Ajouter les résultats aux métadonnées et à la "
              "carte du modèle.")
def evaluate(model_path: str | None, seed: int | None, lots: int | None,
             market_seed: int | None, market_lots: int | None, data: str | None,
             mechanisms: tuple[str, ...], save: bool) -> None:
    """Évalue le modèle sur une graine, un générateur indépendant et un mécanisme jamais vus,
    à côté des règles seules et du prix seul (précision et rappel à 5, 10 et 20 % de revue,
    PR-AUC, score de Brier, part des offres signalées par la file de revue)."""
    from ..review.artifact import load_pipeline, model_dir, write_description
    from ..review.card import render_card
    from ..review.errors import ReviewError
    from ..review.evaluate import (FIT_STEPS, MARKET_SEED, SEED_OFFSET, check_seed,
                                   evaluate_model, format_report, synthetic_config,
                                   training_table_matches)
    from ..review.features import FEATURE_NAMES
    from ..review.model import check_compiled
    from ..review.synth import MECHANISMS, generate, read_table, to_table

    unknown = sorted(set(mechanisms) - set(MECHANISMS))
    if unknown:
        raise click.BadParameter(f"mécanisme inconnu : {', '.join(unknown)} ; connus : "
                                 f"{', '.join(MECHANISMS)}", param_hint="--mechanism")
    mechanisms = mechanisms or MECHANISMS
    try:
        trained = load_pipeline(model_path)
        meta = trained.metadata
        train_seed = int(meta["training"]["seed"])
        seed = train_seed + SEED_OFFSET if seed is None else seed
        market_seed = MARKET_SEED if market_seed is None else market_seed
        check_seed(meta, seed)
        lots = int(meta["training"]["lots"]) if lots is None else lots
        if data:
            table = read_table(data)
        else:
            config = synthetic_config(meta)
            with _progress(config.lots, "Données d'entraînement") as bar:
                table = to_table(generate(config, progress=bar.update))
        if not training_table_matches(meta, table):
            click.echo("Attention : la table d'entraînement régénérée diffère de celle du modèle "
                       "(code du générateur modifié ?) ; les modèles réentraînés en diffèrent.",
                       err=True)
        gap = check_compiled(trained.pipeline, trained.predictor,
                             table[list(FEATURE_NAMES)].to_numpy(dtype=float))
        market_lots = market_lots or lots
        with _progress(lots + market_lots + FIT_STEPS * len(mechanisms), "Évaluation") as bar:
            report = evaluate_model(trained, table, seed=seed, lots=lots, market_seed=market_seed,
                                    market_lots=market_lots, mechanisms=mechanisms,
                                    progress=bar.update)
        if save:
            meta["metrics"]["held_out"] = report
            write_description(model_dir(model_path), meta, render_card(meta))
    except (ReviewError, OSError) as exc:
        raise _fail(exc) from None
    click.echo(format_report(report, trained.version))
    click.echo(f"Tables compilées (predictor.npz) contre le pipeline enregistré (model.skops) sur "
               f"les offres d'entraînement : écart maximal {gap:.1e}.")
    if save:
        click.echo(f"Résultats ajoutés à {model_dir(model_path)}/metadata.json et MODEL_CARD.md")

