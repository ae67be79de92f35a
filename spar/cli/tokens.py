"""``spar token create|revoke|list``."""

from __future__ import annotations

import click

from ._context import fail_on_service_error, service_app, unit_of_work

ROLES = ("admin", "buyer", "supplier", "auditor")


@click.group("token")
def token() -> None:
    """Jetons d'accès."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "organisation", help="Organisation (acheteur, contrôleur) ; créée si besoin.")
@click.option("--siret", help="SIRET de l'entreprise (jeton supplier).")
@click.option("--name", help="Nom affiché (personne, service ou raison sociale).")
@fail_on_service_error
def create(role: str, organisation: str | None, siret: str | None, name: str | None) -> None:
    """Créer un jeton ; son secret est affiché une seule fois, sur la dernière ligne."""
    from ..services import tokens
    from ..services.principal import OPERATOR

    app = service_app()
    created, secret = tokens.create_token(unit_of_work(app), OPERATOR, role,
                                          organisation=organisation, siret=siret, name=name,
                                          create_organisation_if_missing=True)
    click.echo(f"Jeton n° {created.id} ({role}) créé ; conservez ce secret, il ne sera plus "
               "affiché :", err=True)
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

    app = service_app()
    for t in tokens.list_tokens(unit_of_work(app)):
        state = "révoqué" if t["revoked"] else "actif"
        bound = t["siret"] or t["organisation"] or ""
        click.echo(f"{t['id']:>5}  {t['prefix']}…  {t['role']:<9} {state:<8} {bound}  "
                   f"{t['name'] or ''}")


def register(group: click.Group) -> None:
    group.add_command(token)
