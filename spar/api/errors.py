"""Map the typed errors of the use cases and the core to HTTP, once, here."""

from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.http import HTTP_STATUS_CODES

from ..criteria_file import CriteriaFileError
from ..engine.errors import AnswersError
from ..services.errors import ServiceError

logger = logging.getLogger(__name__)


def payload(code: int, message: str, errors: dict | None = None):
    response = jsonify({"code": code, "status": HTTP_STATUS_CODES.get(code, ""),
                        "message": message, "errors": errors or {}})
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spar"'
    return response


def register(app) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        return payload(error.http_status, error.message, error.errors)

    @app.errorhandler(AnswersError)
    def _answers_error(error: AnswersError):
        from ..services.offers import answers_problems

        return payload(422, "réponses invalides", answers_problems(error.problems))

    @app.errorhandler(CriteriaFileError)
    def _criteria_error(error: CriteriaFileError):
        return payload(422, "jeu de critères invalide",
                       {"criteria": [p.to_dict() for p in error.problems]})

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):  # handled by the Api's handler
            return error
        logger.exception("unexpected error")
        return payload(500, "erreur interne du service ; l'incident est journalisé")
