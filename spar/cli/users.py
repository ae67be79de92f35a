"""``spar user invite|list``: people who sign in to the web pages (SPEC §5, §7)."""

from __future__ import annotations

import click

from ._context import fail_on_service_error, service_app, unit_of_work

INVITED_ROLES = ("buyer", "auditor", "admin", "supplier")


@click.group("user")
def user() -> None:
    """Personnes qui se connectent aux pages."""


@user.command("invite")
@click.option("--role", required=True, type=click.Choice(INVITED_ROLES))
@click.option("--email", required=True, help="Adresse électronique de la personne invitée.")
@click.option("--org", "organisation",
              help="Organisation (acheteur, contrôleur) ; créée si besoin.")
@click.option("--siret", help="SIRET de l'entreprise (rôle supplier).")
@fail_on_service_error
def invite(role: str, email: str, organisation: str | None, siret: str | None) -> None:
    """Inviter une personne : le lien à usage unique où elle choisit son mot de passe est
    affiché sur la dernière ligne (valable 7 jours)."""
    from ..services import accounts
    from ..services.clock import paris_time
    from ..services.principal import OPERATOR

    app = service_app()
    invitation, secret = accounts.invite(unit_of_work(app), OPERATOR, role=role, email=email,
                                         organisation=organisation, siret=siret,
                                         create_organisation_if_missing=True)
    click.echo(f"Invitation n° {invitation.id} ({role}, {invitation.email}) valable jusqu'au "
               f"{paris_time(invitation.expires_at)} ; transmettez ce lien à la personne, il "
               "ne sera plus affiché :", err=True)
    click.echo(invitation_link(app, secret))


def invitation_link(app, secret: str) -> str:
    """The page where an invited person chooses a password (SPAR_BASE_URL in front)."""
    return f"{app.config['BASE_URL'].rstrip('/')}/invitation/{secret}"


@user.command("list")
def list_() -> None:
    """Lister les personnes (jamais leur mot de passe)."""
    from ..services import accounts

    app = service_app()
    page, shown = 1, 0
    while True:
        found = accounts.page_of_people(unit_of_work(app), page=page, per_page=100)
        for p in found.items:
            state = "désactivé" if p["disabled"] else "actif"
            bound = p["siret"] or p["organisation"] or ""
            click.echo(f"{p['id']:>5}  {p['role']:<9} {state:<10} {p['email']:<40} {bound}  "
                       f"{p['company_name'] or p['name']}")
        shown += len(found.items)
        if shown >= found.total:
            return
        page += 1


def register(group: click.Group) -> None:
    group.add_command(user)
