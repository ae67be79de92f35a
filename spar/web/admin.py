"""Administration: organisations, people, invitations and access tokens (admins only).
A new invitation's link and a new token's secret are shown on the answer that made
them, once, and kept nowhere else."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..services import accounts, tokens
from ..services.errors import Conflict, Invalid, NotFound
from ..services.principal import ROLES
from . import navigation
from .access import page_for
from .forms import Form, sentence
from .paging import page_number
from .session import principal
from .uow import uow

bp = Blueprint("administration", __name__, url_prefix="/administration")

navigation.add("administration.overview", _l("Administration"), roles=("admin",), order=80, area=True)

PER_PAGE = 50
ORGANISATION_LABELS = {"slug": _l("Identifiant"), "name": _l("Nom")}
INVITATION_LABELS = {"email": _l("Adresse électronique"), "role": _l("Rôle"),
                     "organisation": _l("Organisation"), "siret": _l("SIRET")}
TOKEN_LABELS = {"role": _l("Rôle"), "organisation": _l("Organisation"), "siret": _l("SIRET"),
                "name": _l("Nom du jeton")}


def _labels(labels) -> dict[str, str]:
    return {k: str(v) for k, v in labels.items()}


@bp.get("")
@page_for("admin")
def overview():
    return _organisations_page(Form(labels=_labels(ORGANISATION_LABELS)))


def _organisations_page(form: Form, status: int = 200):
    return render_template("admin/overview.html", organisations=accounts.list_organisations(
        uow()), form=form), status


@bp.post("/organisations")
@page_for("admin")
def create_organisation():
    form = Form(values={k: request.form.get(k, "").strip() for k in ("slug", "name")},
                labels=_labels(ORGANISATION_LABELS))
    if not form.values["name"]:
        form.add("name", _("Champ obligatoire."))
    if not form.failed:
        try:
            organisation = tokens.create_organisation(uow(), principal(), form.values["slug"],
                                                      form.values["name"])
        except (Invalid, Conflict) as error:
            form.refuse(error)
        else:
            flash(_("L'organisation « %(name)s » est créée. Invitez maintenant ses acheteurs et "
                    "ses contrôleurs.", name=organisation.name), "success")
            return redirect(url_for("administration.invitations"))
    return _organisations_page(form, 422)


@bp.get("/personnes")
@page_for("admin")
def people():
    found = accounts.page_of_people(uow(), page=page_number(), per_page=PER_PAGE)
    return render_template("admin/people.html", found=found,
                           page_url=lambda p: url_for("administration.people", page=p))


@bp.post("/personnes/<int:person_id>/<any(desactiver, reactiver):action>")
@page_for("admin")
def set_disabled(person_id: int, action: str):
    try:
        person = accounts.set_disabled(uow(), principal(), person_id, action == "desactiver")
    except Conflict as error:
        flash(sentence(error.message), "warning")
    else:
        flash(_("Le compte de %(name)s est désactivé : ses sessions sont fermées et ses jetons "
                "personnels refusés.", name=person["name"]) if person["disabled"] else
              _("Le compte de %(name)s est réactivé.", name=person["name"]), "success")
    return redirect(url_for("administration.people"))


def _invitations_page(form: Form, link: str | None = None, status: int = 200):
    found = accounts.page_of_invitations(uow(), page=page_number(), per_page=PER_PAGE)
    return render_template("admin/invitations.html", found=found, form=form, link=link,
                           organisations=accounts.list_organisations(uow()),
                           roles=accounts.INVITED_ROLES,
                           page_url=lambda p: url_for("administration.invitations", page=p)), status


@bp.get("/invitations")
@page_for("admin")
def invitations():
    return _invitations_page(Form(labels=_labels(INVITATION_LABELS)))


@bp.post("/invitations")
@page_for("admin")
def invite():
    form = Form(values={k: request.form.get(k, "").strip() for k in INVITATION_LABELS},
                labels=_labels(INVITATION_LABELS))
    try:
        invitation, secret = accounts.invite(
            uow(), principal(), role=form.values["role"], email=form.values["email"],
            organisation=form.values["organisation"] or None,
            siret=form.values["siret"] or None)
    except (Invalid, Conflict, NotFound) as error:
        form.refuse(error)
        return _invitations_page(form, status=422)
    link = url_for("account.invitation", secret=secret, _external=True)
    return _invitations_page(Form(labels=_labels(INVITATION_LABELS)),
                             link={"email": invitation.email, "url": link}, status=201)


@bp.post("/invitations/<int:invitation_id>/annuler")
@page_for("admin")
def revoke_invitation(invitation_id: int):
    try:
        revoked = accounts.revoke_invitation(uow(), principal(), invitation_id)
    except Conflict as error:
        flash(sentence(error.message), "warning")
    else:
        flash(_("L'invitation de %(email)s est annulée.", email=revoked["email"]), "success")
    return redirect(url_for("administration.invitations"))


def _tokens_page(form: Form, new_token: dict | None = None, status: int = 200):
    found = tokens.page_of_tokens(uow(), page=page_number(), per_page=PER_PAGE)
    return render_template("admin/tokens.html", found=found, form=form, new_token=new_token,
                           organisations=accounts.list_organisations(uow()), roles=ROLES,
                           page_url=lambda p: url_for("administration.tokens_page", page=p)), status


@bp.get("/jetons", endpoint="tokens_page")
@page_for("admin")
def token_list():
    return _tokens_page(Form(labels=_labels(TOKEN_LABELS)))


@bp.post("/jetons")
@page_for("admin")
def create_token():
    """A token for a system (an ERP, a script); people make their own on their account."""
    form = Form(values={k: request.form.get(k, "").strip() for k in TOKEN_LABELS},
                labels=_labels(TOKEN_LABELS))
    try:
        token, secret = tokens.create_token(uow(), principal(), form.values["role"],
                                            organisation=form.values["organisation"] or None,
                                            siret=form.values["siret"] or None,
                                            name=form.values["name"] or None)
    except (Invalid, Conflict, NotFound) as error:
        form.refuse(error)
        return _tokens_page(form, status=422)
    return _tokens_page(Form(labels=_labels(TOKEN_LABELS)),
                        new_token={"id": token.id, "name": token.name, "secret": secret},
                        status=201)


@bp.post("/jetons/<int:token_id>/revoquer")
@page_for("admin")
def revoke_token(token_id: int):
    token = tokens.revoke_token(uow(), principal(), str(token_id))
    flash(_("Le jeton n° %(id)s est révoqué.", id=token.id), "success")
    return redirect(url_for("administration.tokens_page"))
