"""The auditor's desk: the organisation's consultations by state with their lots and
stored scorings, the reproducibility check of each scoring, the exports, and the audit
log with its filters, its chain check and its signed checkpoint to keep.

An auditor only reads: the checks are POST forms because they are long work a link
prefetch must not start, not because they change anything. Nothing here re-scores to
render (SPEC §4.1): the rescore is the comparison an auditor asks for, and shows only
how the stored record and a fresh run differ.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..services import audit_views, consultations, reproducibility, scoring_index
from ..services.errors import Invalid
from ..services.pagination import Page
from . import navigation
from .access import page_for
from .forms import Form, sentence
from .paging import page_number
from .session import principal
from .uow import uow

bp = Blueprint("auditor", __name__, url_prefix="/controle")

navigation.add("auditor.desk", _l("Mon bureau de contrôle"), roles=("auditor",), order=40,
               area=True)
navigation.add("auditor.journal", _l("Journal d'audit"), roles=("admin",), order=85)

DESK_ROWS = 10
LOG_ROWS = 50
PARIS = ZoneInfo("Europe/Paris")
#: A kept checkpoint is a few hundred bytes; anything much larger is not one.
KEPT_MAX_BYTES = 16_384

#: The families of actions the log's filter offers (``offer``: every ``offer.…``).
ACTION_FAMILIES = {
    "consultation": _l("Consultations"), "criteria_set": _l("Jeux de critères"),
    "offer": _l("Dépôts d'offres"), "offers": _l("Lectures des offres"),
    "mark": _l("Notes de valeur technique"), "scoring": _l("Notations"),
    "ranking": _l("Lectures des classements"), "review": _l("Décisions de revue"),
    "export": _l("Exports"), "audit": _l("Contrôles"), "session": _l("Connexions"),
    "person": _l("Comptes"), "invitation": _l("Invitations"), "token": _l("Jetons d'accès"),
    "organisation": _l("Organisations"), "programme": _l("Programme d'achats"),
    "profile": _l("Profils d'entreprise"),
}
#: What each action means, in words; an action not named here shows its code alone.
ACTION_LABELS = {
    "consultation.create": _l("Consultation créée"),
    "consultation.publish": _l("Consultation publiée"),
    "criteria_set.upload": _l("Jeu de critères publié"),
    "offer.submit": _l("Offre déposée"), "offer.replace": _l("Offre remplacée"),
    "offers.read": _l("Offres lues"), "mark.set": _l("Note enregistrée"),
    "scoring.run": _l("Notation calculée"), "ranking.read": _l("Classement lu"),
    "review.decide": _l("Décision de revue"), "export.read": _l("Export téléchargé"),
    "audit.rescore": _l("Reproductibilité vérifiée"), "session.open": _l("Connexion"),
    "session.close": _l("Déconnexion"), "person.register": _l("Entreprise inscrite"),
    "person.password": _l("Mot de passe changé"), "person.disable": _l("Compte désactivé"),
    "person.enable": _l("Compte réactivé"), "invitation.create": _l("Invitation créée"),
    "invitation.accept": _l("Invitation acceptée"),
    "invitation.revoke": _l("Invitation annulée"),
    "organisation.create": _l("Organisation créée"), "token.create": _l("Jeton créé"),
    "token.revoke": _l("Jeton révoqué"), "profile.save": _l("Profil enregistré"),
}
LOG_LABELS = {"consultation": _l("Consultation (référence)"), "action": _l("Type d'action"),
              "since": _l("Du (jour)"), "until": _l("Au (jour, inclus)"),
              "kept": _l("Point de contrôle conservé")}


def evaluation_url(reference: str, lot_id: str | None = None) -> str:
    """The read-only evaluation pages of a consultation or one of its lots."""
    if lot_id is None:
        return url_for("evaluation.consultation", reference=reference)
    return url_for("evaluation.lot", reference=reference, lot_id=lot_id)


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def shown_value(value) -> str:
    """A compared value as the auditor reads it: JSON, shortened past a few lines."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 400 else text[:400] + " …"


@bp.context_processor
def _helpers():
    return {"evaluation_url": evaluation_url, "action_label": action_label,
            "shown_value": shown_value}


# -- the desk --------------------------------------------------------------------------

@bp.get("")
@page_for("auditor")
def desk():
    """The organisation's consultations of one state (or all), each with its lots and
    the scorings stored for them."""
    who = principal()
    state = request.args.get("state") or None
    if state not in consultations.STATES:
        state = None
    counts = {s: consultations.list_consultations(uow(), who, state=s, organisation_only=True,
                                                  per_page=1).total
              for s in consultations.STATES}
    found = consultations.list_consultations(uow(), who, state=state, organisation_only=True,
                                             page=page_number(), per_page=DESK_ROWS)
    scorings = scoring_index.by_lot(uow(), who, [c["reference"] for c in found.items])
    return render_template(
        "auditor/desk.html", found=found, state=state, counts=counts,
        states=consultations.STATES, scorings=scorings,
        page_url=lambda p: url_for("auditor.desk", state=state, page=p))


# -- one consultation: its scorings and their reproducibility ---------------------------

def _consultation_page(reference: str, reports: list | None = None, checked_lot=None,
                       status: int = 200):
    who = principal()
    consultation = consultations.get(uow(), who, reference)  # NotFound outside the org
    scorings = scoring_index.by_lot(uow(), who, [reference]).get(reference, {})
    return render_template("auditor/consultation.html", consultation=consultation,
                           scorings=scorings, reports=reports, checked_lot=checked_lot), status


@bp.get("/consultations/<reference>")
@page_for("auditor")
def consultation(reference: str):
    return _consultation_page(reference)


@bp.post("/consultations/<reference>/reproductibilite")
@page_for("auditor")
def reproducibility_check(reference: str):
    """Score every stored scoring of the consultation (or of one lot) again and show
    each difference; the stored scorings stay as they are."""
    lot = request.form.get("lot", "").strip() or None
    # another organisation's consultation, or an unknown lot: a 404 page naming it
    reports = reproducibility.rescore(uow(), principal(), reference, lot)
    return _consultation_page(reference, reports=reports, checked_lot=lot)


# -- the audit log -----------------------------------------------------------------------

def _day(form: Form, name: str) -> datetime | None:
    """A day typed as ``AAAA-MM-JJ`` (what a date field sends), at midnight in Paris."""
    value = form.values.get(name, "")
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        form.add(name, _("Date attendue au format AAAA-MM-JJ, pas « %(value)s ».",
                         value=value[:40]))
        return None
    if not 1900 <= day.year <= 9998:
        form.add(name, _("Année hors des limites (1900 à 9998)."))
        return None
    return datetime.combine(day, time(0), PARIS)


def _log_filters(source) -> tuple[Form, dict]:
    """The filters as typed (a form that says what is wrong) and as the service takes
    them: the day range becomes [first midnight, the midnight after the last day)."""
    form = Form(values={k: (source.get(k) or "").strip()[:64]
                        for k in ("consultation", "action", "since", "until")},
                labels={k: str(v) for k, v in LOG_LABELS.items()})
    if form.values["action"] not in ("", *ACTION_FAMILIES):
        form.add("action", _("Type d'action inconnu."))
    since, until = _day(form, "since"), _day(form, "until")
    if until is not None:
        until = until + timedelta(days=1)
    if since and until and since >= until:
        form.add("until", _("Le dernier jour précède le premier."))
    query = {"consultation": form.values["consultation"] or None,
             "action": form.values["action"] or None, "since": since, "until": until}
    return form, query


def _log_page(form: Form, query: dict, *, page: int = 1, chain=None, kept_form=None,
              status: int = 200):
    found = audit_views.page(uow(), principal(), page=page, per_page=LOG_ROWS,
                             **({} if form.failed else query))
    entries = Page(found["entries"], found["page"], found["per_page"], found["total"])
    filters = {k: v for k, v in form.values.items() if v} if not form.failed else {}
    return render_template(
        "auditor/journal.html", form=form, kept_form=kept_form, entries=entries, chain=chain,
        filtered=bool(filters), families=[(k, str(v)) for k, v in ACTION_FAMILIES.items()],
        filters=filters,
        page_url=lambda p: url_for("auditor.journal", page=p, **filters)), status


@bp.get("/journal")
@page_for("auditor", "admin")
def journal():
    """A page of the log's entries, oldest first, filtered by consultation, kind of
    action and days (Paris time)."""
    form, query = _log_filters(request.args)
    return _log_page(form, query, page=page_number(), status=422 if form.failed else 200)


@bp.post("/journal/verification")
@page_for("auditor", "admin")
def verify_journal():
    """The whole check: the chain and its signatures, every stored record against the
    hash its entry recorded, and the checkpoint the auditor kept, if given."""
    form, query = _log_filters(request.form)
    kept_form = Form(labels={"kept": str(LOG_LABELS["kept"])})
    kept = _kept_checkpoint(kept_form)
    if kept_form.failed:
        return _log_page(form, query, kept_form=kept_form, status=422)
    chain = audit_views.verification(uow(), principal(), kept)
    return _log_page(form, query, chain=chain, kept_form=kept_form)


def _kept_checkpoint(form: Form) -> list[dict]:
    """The signed head the auditor downloaded earlier and sends back (optional)."""
    upload = request.files.get("kept")
    if not upload or not upload.filename:
        return []
    data = upload.read(KEPT_MAX_BYTES + 1)
    if len(data) > KEPT_MAX_BYTES:
        form.add("kept", _("Ce fichier est trop volumineux pour être un point de contrôle."))
        return []
    try:
        return [audit_views.kept_head(json.loads(data.decode("utf-8-sig")))]
    except (UnicodeDecodeError, ValueError):
        form.add("kept", _("Ce fichier n'est pas un point de contrôle : JSON attendu, tel que "
                           "téléchargé depuis cette page."))
    except Invalid as error:
        form.add("kept", sentence(error.message))
    return []


@bp.get("/journal/point-de-controle")
@page_for("auditor", "admin")
def checkpoint():
    """The log's latest signed head as a file, for the auditor to keep outside spar."""
    head = audit_views.checkpoint(uow(), principal())
    body = json.dumps(head, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    name = f"spar-point-de-controle-{head['size']}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})
