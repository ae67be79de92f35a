"""The HTTP API (``/api/v1``): one blueprint per resource, marshmallow schemas at the
boundary, every error in the ``{code, status, message, errors}`` shape."""

from __future__ import annotations

from flask_smorest import Api
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .french import use_french_messages

# before any schema of the blueprints below is built: fields copy their messages then
use_french_messages()

#: French messages for HTTP errors raised outside our views (routing, body size…).
MESSAGES = {
    400: "requête invalide",
    401: "authentification requise : en-tête « Authorization: Bearer <jeton> »",
    403: "accès refusé",
    404: "ressource introuvable",
    405: "méthode non autorisée sur cette adresse",
    409: "conflit avec l'état de la ressource",
    413: "requête trop volumineuse",
    415: "type de contenu non pris en charge",
    422: "données invalides",
    429: "trop de demandes",
    500: "erreur interne du service",
    503: "service momentanément indisponible",
}


class SparApi(Api):
    """flask-smorest's Api with every error carrying a message and an errors object."""

    def handle_http_exception(self, error: HTTPException):
        payload, code, headers = super().handle_http_exception(error)
        payload["status"] = HTTP_STATUS_CODES.get(code, payload.get("status", ""))
        if "message" not in payload:
            payload["message"] = MESSAGES.get(code, error.name)
        payload.setdefault("errors", {})
        if code == 401:
            headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="spar"'}
        return payload, code, headers


def init_api(app) -> SparApi:
    """Create the Api, register every blueprint and the error mapping."""
    from . import (admin, audit_log, consultations, criteria_sets, errors, exports, health,
                   indicators, jobs, offers, reviews, scoring, self_assessment)
    from . import programme, suppliers  # the SME portal (SPEC §8)

    api = SparApi()
    api.init_app(app, spec_kwargs={
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "info": {"description": "Notation des offres des marchés publics selon un Schéma de "
                                "Promotion des Achats Responsables (SPAR). Authentification : "
                                "`Authorization: Bearer <jeton>`."},
    })
    for module in (health, criteria_sets, consultations, offers, scoring, reviews, exports,
                   self_assessment, audit_log, indicators, admin, jobs, programme, suppliers):
        api.register_blueprint(module.blp)
    errors.register(app)
    return api
