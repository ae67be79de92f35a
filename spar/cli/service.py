"""``spar serve`` and ``spar db upgrade``."""

from __future__ import annotations

import click

from ._context import service_app


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Ajouter une consultation d'exemple complète.")
def serve(host: str, port: int, demo: bool) -> None:
    """Lancer le service sous gunicorn (SQLite sous le dossier instance par défaut), base
    migrée d'abord ; SPAR_WORKERS et SPAR_THREADS règlent processus et fils.

    Plusieurs instances : gunicorn wsgi:app avec SPAR_DATABASE_URL (PostgreSQL) et
    SPAR_REDIS_URL, et spar worker pour les travaux de fond.
    """
    from ..serving import gunicorn_config
    from ..serving.server import serve as run_server

    gunicorn_config.prepare_metrics_dir()  # before this process imports prometheus_client
    app = service_app()
    click.echo(f"Base de données : {app.config['DATABASE_URL']}", err=True)
    if demo:
        _seed_demo(app)
    app.extensions["spar.db"].engine.dispose()  # each worker opens its own connections
    click.echo(f"spar écoute sur http://{host}:{port}/ — API : http://{host}:{port}/docs "
               "(Ctrl+C pour arrêter)", err=True)
    run_server(host, port)


def _seed_demo(app) -> None:
    from datetime import datetime, timezone
    from pathlib import Path

    from ..config import repository_path
    from ..services import demo
    from ..services.errors import ServiceError

    criteria_dir = Path(app.config.get("CRITERIA_DIR") or repository_path("criteria"))
    if not criteria_dir.is_dir():
        raise click.ClickException(f"dossier des jeux de critères introuvable : {criteria_dir} "
                                   "(réglez SPAR_CRITERIA_DIR)")
    click.echo("Préparation de la démonstration…", err=True)
    try:
        seeded = demo.seed(app.extensions["spar.db"].sessions, app.config, criteria_dir,
                           datetime.now(timezone.utc))
    except ServiceError as exc:
        raise click.ClickException(f"démonstration impossible : {exc.message} (base déjà "
                                   "partiellement remplie ? supprimez-la et recommencez)") from None
    if seeded["already"]:
        click.echo("Démonstration déjà en place (jetons affichés lors du premier lancement).",
                   err=True)
        return
    click.echo("Consultations : " + ", ".join(seeded["consultations"]), err=True)
    if seeded.get("portal"):
        click.echo(f"Programme des achats : {len(seeded['portal']['programme'])} achats prévus ; "
                   f"{seeded['portal']['profiles']} profils d'entreprise", err=True)
    click.echo("Jetons d'accès (conservez-les, ils ne seront plus affichés) :", err=True)
    labels = {"admin": "administrateur", "buyer": "acheteur", "auditor": "contrôleur",
              "supplier": "entreprise"}
    for role, secret in seeded["tokens"].items():
        click.echo(f"  {labels[role]:<15} {secret}", err=True)
    click.echo("Comptes pour se connecter aux pages (conservez les mots de passe, ils ne seront "
               "plus affichés) :", err=True)
    for person in seeded["people"]:
        click.echo(f"  {labels[person['role']]:<15} {person['email']:<28} {person['password']}"
                   f"  ({person['name']})", err=True)


@click.group("db")
def db() -> None:
    """Base de données."""


@db.command("upgrade")
def upgrade() -> None:
    """Créer ou migrer la base désignée par SPAR_DATABASE_URL."""
    from ..db import current_revision

    app = service_app()
    click.echo(f"Base {app.config['DATABASE_URL']} à jour (révision "
               f"{current_revision(app.extensions['spar.db'].engine)}).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="S'arrêter quand la file est vide.")
def worker(burst: bool) -> None:
    """Exécuter les travaux de fond : notation des très grands lots, exports en
    arrière-plan, réentraînement du modèle de revue.

    Avec SPAR_REDIS_URL : un worker RQ (autant qu'il en faut, sur n'importe quelle
    machine). Sans : le même exécuteur que celui de chaque processus de spar serve, au
    premier plan.
    """
    import logging.config
    import os
    import time

    from ..serving.request_log import logging_config

    logging.config.dictConfig(logging_config(os.environ.get("SPAR_LOG_LEVEL", "info")))
    app = service_app()
    queue = app.extensions["spar.jobs"]
    if app.config.get("REDIS_URL"):
        from ..jobs import worker as rq_worker

        click.echo(f"Worker RQ sur {_without_password(app.config['REDIS_URL'])}, file "
                   f"« {app.config['JOB_QUEUE']} » (Ctrl+C pour arrêter)", err=True)
        try:
            rq_worker.run(app, burst=burst)
        except Exception as exc:  # noqa: BLE001 - an unreachable Redis, said plainly
            raise click.ClickException(f"Redis injoignable : {exc}") from None
        return
    click.echo("Pas de SPAR_REDIS_URL : exécution des travaux en file dans la base "
               "(Ctrl+C pour arrêter)", err=True)
    if burst:
        queue.run_pending()
        return
    queue.ensure_started()
    try:
        while True:
            time.sleep(3600)  # the runner's thread works; this one waits for Ctrl+C
    except KeyboardInterrupt:
        queue.stop()


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(db)
    group.add_command(worker)
