"""Signing in and out, a company's registration, accepting an invitation, and one's own
account: personal API tokens and the password."""

from __future__ import annotations

from flask import (Blueprint, current_app, flash, jsonify, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..api.errors import http_status
from ..services import accounts, sessions, tokens
from ..services.errors import Conflict, Invalid, NotFound, ServiceError, TooManyRequests
from ..services.rate_limit import RateLimiter
from . import navigation
from .access import page_for
from .forms import Form, sentence
from .formatting import time_of_day
from .public import local_target
from .session import SignedInPerson, idle_limit, principal
from .uow import uow

bp = Blueprint("account", __name__)

navigation.add("account.account", _l("Mon compte"),
               roles=("admin", "buyer", "supplier", "auditor"), order=90)


#: An office behind one address signs many people in: the address's allowance is wider.
ADDRESS_FACTOR = 10


def _limiters() -> tuple[RateLimiter, RateLimiter]:
    """Sign-in attempts per account and per client address, counted where the
    self-assessment's are (in Redis when configured)."""
    app = current_app
    if "spar.sign_in_limiters" not in app.extensions:
        shared = app.extensions["spar.rate_limiter"].counter
        limit, window = app.config["SIGN_IN_LIMIT"], app.config["SIGN_IN_WINDOW"]
        app.extensions["spar.sign_in_limiters"] = (
            RateLimiter(shared, limit, window),
            RateLimiter(shared, limit * ADDRESS_FACTOR, window))
    return app.extensions["spar.sign_in_limiters"]


def _fresh_cookie() -> None:
    """Forget everything of the cookie but the language (the CSRF token included)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _start_session(person_id: int) -> None:
    """Sign the person in: a new session (and a new CSRF token) in a fresh cookie."""
    _fresh_cookie()
    secret = sessions.open_session(uow(), person_id)
    login_user(SignedInPerson(secret, sessions.resume(uow(), secret, idle_limit())))


def _landing() -> str:
    """Where a person goes after signing in when no page asked for it."""
    return {"buyer": url_for("buyer.desk"), "admin": url_for("administration.overview")}.get(
        current_user.role, url_for("public.home"))


SIGN_IN_LABELS = {"email": _l("Adresse électronique"), "password": _l("Mot de passe")}


@bp.route("/connexion", methods=["GET", "POST"])
def sign_in():
    target = request.values.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(local_target(target, _landing()))
    form = Form(labels={k: str(v) for k, v in SIGN_IN_LABELS.items()})
    if request.method == "POST":
        form.values = {"email": request.form.get("email", "").strip()}
        try:
            per_account, per_address = _limiters()
            per_address.check(f"sign-in:address:{request.remote_addr}")
            per_account.check(f"sign-in:account:{form.values['email'].lower()}")
            person = accounts.check_credentials(uow(), form.values["email"],
                                                request.form.get("password", ""))
        except TooManyRequests:
            form.general.append(_("Trop de tentatives de connexion. Patientez quelques minutes "
                                  "avant de réessayer."))
        except ServiceError as error:
            form.general.append(sentence(error.message))
        else:
            _start_session(person.id)
            return redirect(local_target(target, _landing()))
    return render_template("account/sign_in.html", form=form, next=target), \
        (401 if form.failed else 200)


@bp.post("/deconnexion")
def sign_out():
    if current_user.is_authenticated:
        sessions.close_session(uow(), current_user.secret)
        logout_user()
    _fresh_cookie()
    flash(_("Vous êtes déconnecté(e)."), "success")
    return redirect(url_for("public.home"))


REGISTRATION_LABELS = {
    "siret": _l("Numéro SIRET de l'entreprise"), "company_name": _l("Raison sociale"),
    "name": _l("Vos prénom et nom"), "email": _l("Adresse électronique"),
    "password": _l("Mot de passe"), "password_confirmation": _l("Mot de passe, de nouveau"),
}


@bp.route("/inscription", methods=["GET", "POST"])
def register():
    """A company's person registers with the company's SIRET (SPEC §7, §8)."""
    form = Form(labels={k: str(v) for k, v in REGISTRATION_LABELS.items()})
    if request.method == "POST":
        form.values = {k: request.form.get(k, "") for k in ("siret", "company_name", "name",
                                                           "email")}
        try:
            person = accounts.register_company(
                uow(), **form.values, password=request.form.get("password", ""),
                password_confirmation=request.form.get("password_confirmation", ""))
        except (Invalid, Conflict) as error:
            form.refuse(error)
        else:
            _start_session(person.id)
            flash(_("Le compte de %(company)s est créé. Bienvenue !",
                    company=person.company_name), "success")
            return redirect(url_for("supplier.self_assessment_sets"))
    return render_template("account/register.html", form=form), (422 if form.failed else 200)


INVITATION_LABELS = {"name": _l("Vos prénom et nom"), "company_name": _l("Raison sociale"),
                     "password": _l("Mot de passe"),
                     "password_confirmation": _l("Mot de passe, de nouveau")}


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def invitation(secret: str):
    """An invited person chooses a password; the link then stops working."""
    try:
        invited = accounts.read_invitation(uow(), secret)
    except (NotFound, Conflict) as error:
        return render_template("account/invitation_unusable.html", message=error.message), \
            http_status(error)
    form = Form(labels={k: str(v) for k, v in INVITATION_LABELS.items()
                        if k != "company_name" or invited["role"] == "supplier"})
    if request.method == "POST":
        form.values = {k: request.form.get(k, "") for k in ("name", "company_name")}
        try:
            person = accounts.accept_invitation(
                uow(), secret, name=form.values["name"],
                company_name=form.values["company_name"],
                password=request.form.get("password", ""),
                password_confirmation=request.form.get("password_confirmation", ""))
        except (Invalid, Conflict) as error:
            form.refuse(error)
        else:
            if current_user.is_authenticated:
                sessions.close_session(uow(), current_user.secret)
                logout_user()
            _start_session(person.id)
            flash(_("Votre compte est créé. Bienvenue, %(name)s !", name=person.name), "success")
            return redirect(_landing())
    return render_template("account/invitation.html", form=form, invited=invited), \
        (422 if form.failed else 200)


@bp.get("/compte")
@page_for()
def account():
    return _account_page()


def _account_page(token_form: Form | None = None, password_form: Form | None = None,
                  new_token: dict | None = None, status: int = 200):
    me = principal()
    own = tokens.page_of_tokens(uow(), person_id=me.person_id, per_page=100)
    token_form = token_form or Form(labels={"name": _("Nom du jeton")})
    password_form = password_form or Form(labels={k: str(v) for k, v in PASSWORD_LABELS.items()})
    return render_template(
        "account/account.html", own_tokens=own.items, new_token=new_token,
        token_form=token_form, password_form=password_form,
        failed=token_form.failed or password_form.failed), status


PASSWORD_LABELS = {"current": _l("Mot de passe actuel"), "password": _l("Nouveau mot de passe"),
                   "password_confirmation": _l("Nouveau mot de passe, de nouveau")}


@bp.post("/compte/jetons")
@page_for()
def create_token():
    """A personal API token; its secret is shown on this answer only (never in a cookie
    or a redirect)."""
    form = Form(values={"name": request.form.get("name", "")},
                labels={"name": _("Nom du jeton")})
    try:
        token, secret = tokens.create_personal_token(uow(), principal(), form.values["name"])
    except Invalid as error:
        form.refuse(error)
        return _account_page(token_form=form, status=422)
    return _account_page(new_token={"id": token.id, "name": token.name, "secret": secret},
                         status=201)


@bp.post("/compte/jetons/<int:token_id>/revoquer")
@page_for()
def revoke_token(token_id: int):
    token = tokens.revoke_personal_token(uow(), principal(), token_id)
    flash(_("Le jeton « %(name)s » est révoqué : il n'ouvre plus rien.", name=token.name),
          "success")
    return redirect(url_for("account.account"))


@bp.post("/compte/mot-de-passe")
@page_for()
def change_password():
    form = Form(labels={k: str(v) for k, v in PASSWORD_LABELS.items()})
    try:
        accounts.change_password(uow(), principal(), current=request.form.get("current", ""),
                                 password=request.form.get("password", ""),
                                 password_confirmation=request.form.get("password_confirmation",
                                                                        ""))
    except Invalid as error:
        form.refuse(error)
        return _account_page(password_form=form, status=422)
    closed = sessions.close_other_sessions(uow(), principal(), current_user.secret)
    flash(_("Votre mot de passe est changé.") + (" " + _("Vos autres sessions sont fermées.")
                                                 if closed else ""), "success")
    return redirect(url_for("account.account"))


@bp.post("/compte/session")
@page_for()
def extend_session():
    """Keep an idle session open: loading this page already counted as activity."""
    message = _("Sans activité, votre session se fermera à %(time)s.",
                time=time_of_day(current_user.expires_at))
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"expires_at": current_user.expires_at.isoformat(), "message": message})
    flash(message, "success")
    return redirect(local_target(request.form.get("next"), url_for("public.home")))
