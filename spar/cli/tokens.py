"""``spar token create|revoke|list``."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import click

from ._context import fail_on_service_error, service_app, unit_of_work

ROLES = ("admin", "buyer", "supplier", "auditor")
_DURATION = re.compile(r"^(\d+)\s*(j|d|h|min)$")
_UNITS = {"j": "days", "d": "days", "h": "hours", "min": "minutes"}


def expiry(text: str, now: datetime) -> datetime:
    """``90j`` (or ``90d``), ``12h``, ``30min`` from ``now``; a date (through the end of
    that day in Paris) or an ISO 8601 date and time (Paris time without an offset)."""
    from ..services.clock import PARIS

    text = text.strip()
    match = _DURATION.match(text)
    if match:
        return now + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time(), PARIS).astimezone(timezone.utc)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"« {text} » : une durée (90j, 12h, 30min), une date "
                                 "(2027-06-30) ou une date et une heure (2027-06-30T18:00)",
                                 param_hint="--expires") from None
    return at if at.tzinfo else at.replace(tzinfo=PARIS)


@click.group("token")
def token() -> None:
    """Jetons d'accès."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "organisation", help="Organisation (acheteur, contrôleur) ; créée si besoin.")
@click.option("--siret", help="SIRET de l'entreprise (jeton supplier).")
@click.option("--name", help="Nom affiché (personne, service ou raison sociale).")
@click.option("--expires", metavar="QUAND", help="Expiration : une durée (90j, 12h, 30min), une "
              "date (valable jusqu'à la fin de ce jour, heure de Paris) ou une date et une heure "
              "(2027-06-30T18:00, heure de Paris sans fuseau). Sans elle : jamais.")
@fail_on_service_error
def create(role: str, organisation: str | None, siret: str | None, name: str | None,
           expires: str | None) -> None:
    """Créer un jeton ; son secret est affiché une seule fois, sur la dernière ligne."""
    from ..services import tokens
    from ..services.clock import paris_time
    from ..services.principal import OPERATOR

    app = service_app()
    uow = unit_of_work(app)
    expires_at = expiry(expires, uow.now()) if expires else None
    created, secret = tokens.create_token(uow, OPERATOR, role,
                                          organisation=organisation, siret=siret, name=name,
                                          expires_at=expires_at,
                                          create_organisation_if_missing=True)
    until = f", valable jusqu'au {paris_time(expires_at)}" if expires_at else ""
    click.echo(f"Jeton n° {created.id} ({role}) créé{until} ; conservez ce secret, il ne sera "
               "plus affiché :", err=True)
    click.echo(secret)


@token.command("revoke")
@click.argument("token_ref")
@fail_on_service_error
def revoke(token_ref: str) -> None:
    """Révoquer un jeton (par son numéro ou le début de son secret)."""
    from ..services import tokens
    from ..services.principal import OPERATOR

    app = service_app()
    revoked = tokens.revoke_token(unit_of_work(app), OPERATOR, token_ref)
    click.echo(f"Jeton n° {revoked.id} ({revoked.role}) révoqué.")


@token.command("list")
def list_() -> None:
    """Lister les jetons (jamais leurs secrets)."""
    from ..services import tokens
    from ..services.clock import paris_time

    app = service_app()
    for t in tokens.list_tokens(unit_of_work(app)):
        state = "révoqué" if t["revoked"] else "expiré" if t["expired"] else "actif"
        bound = t["siret"] or t["organisation"] or ""
        until = (f"  (jusqu'au {paris_time(t['expires_at'])})"
                 if t["expires_at"] and state == "actif" else "")
        click.echo(f"{t['id']:>5}  {t['prefix']}…  {t['role']:<9} {state:<8} {bound}  "
                   f"{t['name'] or ''}{until}")


def register(group: click.Group) -> None:
    group.add_command(token)
