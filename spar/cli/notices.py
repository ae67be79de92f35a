"""``spar notices send|status`` — the e-mails of the firms' notices (SPEC §8)."""

from __future__ import annotations

import click

from ._context import service_app, unit_of_work

STATES = {"none": "sur la page seulement", "pending": "à envoyer", "sending": "en cours d'envoi",
          "sent": "envoyés", "failed": "abandonnés"}


@click.group("notices")
def notices() -> None:
    """Avis aux entreprises (ouverture d'une consultation suivie, achat annulé)."""


@notices.command("send")
def send() -> None:
    """Envoyer maintenant les e-mails d'avis en attente dont l'heure est venue (les échecs
    sont réessayés plus tard, avec un délai croissant). À lancer périodiquement : le
    service envoie aussi les avis juste après chaque publication."""
    from ..services.mail import SmtpUrlError, deliver_pending, parse_smtp_url

    app = service_app()
    if not app.config.get("SMTP_URL"):
        raise click.ClickException("SPAR_SMTP_URL n'est pas réglé : les avis restent sur la "
                                   "page des entreprises")
    try:
        parse_smtp_url(app.config["SMTP_URL"])
    except SmtpUrlError as exc:
        raise click.ClickException(str(exc)) from None
    counts = deliver_pending(unit_of_work(app), limit=10_000)
    click.echo(f"Avis envoyés : {counts['sent']} ; à réessayer : {counts['retry']} ; "
               f"abandonnés : {counts['failed']}")
    if counts["retry"] or counts["failed"]:
        raise SystemExit(1)


@notices.command("status")
def status() -> None:
    """Combien d'avis dans chaque état d'envoi."""
    from ..services.mail import status as count

    app = service_app()
    counts = count(unit_of_work(app))
    for state, label in STATES.items():
        click.echo(f"{label:<22} {counts.get(state, 0)}")


def register(group: click.Group) -> None:
    group.add_command(notices)
